import base64
from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.addons.dunning_strategy.tools.letter_pdf import merge_pdfs
from odoo.exceptions import UserError


class DunningQuotationMass(models.TransientModel):
    """Mass follow-up screen: every open quotation of the company on one line, with its last
    follow-up, a template and email / letter toggles; one click follows them all up.

    The follow-ups of one strategy make one manual run; the letters of all runs are merged in one
    PDF offered at the end (each follow-up keeps its own letter, each run its merged letters).
    """

    _name = "dunning.quotation.mass"
    _description = "Mass Quotation Follow-up"
    _check_company_auto = True

    state = fields.Selection([("draft", "To Follow Up"), ("done", "Done")], default="draft", required=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    line_ids = fields.One2many("dunning.quotation.mass.line", "wizard_id", string="Quotations")
    note = fields.Text(string="Internal Note", help="Kept in the history of every follow-up, never sent.")
    next_date = fields.Date(
        string="Next Follow-up",
        required=True,
        default=lambda self: fields.Date.context_today(self) + timedelta(days=self.env.company.dunning_quotation_delay),
    )
    selected_count = fields.Integer(compute="_compute_selected_count", string="Selected")
    result_line_ids = fields.Many2many("dunning.run.line", string="Follow-ups", readonly=True)
    email_count = fields.Integer(string="Emails Sent", readonly=True)
    letter_count = fields.Integer(string="Letters Printed", readonly=True)
    failed_count = fields.Integer(string="Failed", readonly=True)
    letters_data = fields.Binary(string="Letters to Print", readonly=True, attachment=False)
    letters_name = fields.Char(string="Letters File Name", readonly=True)

    def _compute_display_name(self):
        for wizard in self:
            wizard.display_name = self.env._("Mass Follow-up")

    @api.depends("line_ids.send_email", "line_ids.send_letter")
    def _compute_selected_count(self):
        for wizard in self:
            wizard.selected_count = len(wizard.line_ids.filtered(lambda line: line.send_email or line.send_letter))

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if "line_ids" in fields_list and "line_ids" not in values:
            company = self.env["res.company"].browse(values.get("company_id")) or self.env.company
            orders = self.env["sale.order"].search(
                [("dunning_is_open", "=", True), ("company_id", "=", company.id)],
                order="validity_date, id",
            )
            values["line_ids"] = [Command.create(self._prepare_line_vals(order)) for order in orders]
        return values

    @api.model
    def _prepare_line_vals(self, order):
        return {"sale_order_id": order.id, "step_id": order._dunning_default_step().id}

    def action_all_letters(self):
        """Every quotation by letter only."""
        self.line_ids.write({"send_letter": True, "send_email": False})

    def action_all_emails(self):
        """Every quotation by email only, except those with nobody to email: by letter, the only
        way to follow them up; and those that already got a follow-up email today: left
        unticked (one email a day)."""
        emailed = self.line_ids.filtered("emailed_today")
        with_email = (self.line_ids - emailed).filtered("can_email")
        with_email.write({"send_email": True, "send_letter": False})
        (self.line_ids - emailed - with_email).write({"send_email": False, "send_letter": True})
        emailed.write({"send_email": False, "send_letter": False})

    def action_clear(self):
        self.line_ids.write({"send_email": False, "send_letter": False})

    def action_launch(self):
        """Create and send (or print) every follow-up ticked, then show the outcome.

        Refuses, before creating anything, a selection with no quotation, a line without
        template, an email to nobody, an email to a quotation that already got one today or a
        next date in the past.
        """
        self.ensure_one()
        selected = self.line_ids.filtered(lambda line: line.send_email or line.send_letter)
        self._check_selection(selected)
        lines = self.env["dunning.run.line"]
        # one manual run per strategy of the templates chosen
        for strategy_lines in selected.grouped(lambda line: line.step_id.strategy_id).values():
            candidates = [line._prepare_candidate(self) for line in strategy_lines]
            lines |= self.env["dunning.quotation.followup"]._create_followups(strategy_lines[:1].step_id, candidates)
        done = lines.filtered(lambda line: line.state == "done")
        runs_letters = [run.letters_attachment_id.raw for run in lines.run_id if run.letters_attachment_id]
        values = {
            "state": "done",
            "result_line_ids": [Command.set(lines.ids)],
            "email_count": len(done.filtered(lambda line: line.followup_by_email and line.mail_message_id)),
            "letter_count": len(done.filtered("letter_attachment_id")),
            "failed_count": len(lines - done),
        }
        if runs_letters:
            values["letters_data"] = base64.b64encode(merge_pdfs(runs_letters))
            values["letters_name"] = self.env._(
                "Quotation follow-up letters %(date)s.pdf", date=fields.Date.to_string(fields.Date.context_today(self))
            )
        self.write(values)
        # nothing returned: the screen reloads and shows the outcome

    def _check_selection(self, selected):
        if not selected:
            raise UserError(
                self.env._(
                    "No quotation is selected: tick 'Email' or 'Letter' on the quotations to follow up, "
                    "or use 'All emails' or 'All letters'."
                )
            )
        without_template = selected.filtered(lambda line: not line.step_id)
        if without_template:
            raise UserError(
                self.env._(
                    "Choose a template for the follow-up of these quotations: %(quotations)s.",
                    quotations=", ".join(without_template.sale_order_id.mapped("name")),
                )
            )
        email_to_nobody = selected.filtered(
            lambda line: line.send_email and not line.can_email and not line.send_letter
        )
        if email_to_nobody:
            raise UserError(
                self.env._(
                    "These quotations have nobody to email, follow them up by letter: %(quotations)s.",
                    quotations=", ".join(email_to_nobody.sale_order_id.mapped("name")),
                )
            )
        if self.next_date < fields.Date.context_today(self):
            raise UserError(self.env._("The next follow-up date cannot be in the past."))
        not_open = selected.filtered(lambda line: line.sale_order_id.state != "sent")
        if not_open:
            raise UserError(
                self.env._(
                    "These quotations are no longer open: %(quotations)s.",
                    quotations=", ".join(not_open.sale_order_id.mapped("name")),
                )
            )
        # a salesperson follows up the quotations they may edit (their own ones)
        selected.sale_order_id.check_access("write")
        # all of them named at once (the engine refuses them too, one strategy at a time)
        self.env["dunning.kind.quotation"]._check_not_emailed_today(
            selected.filtered(lambda line: line.send_email and line.can_email).sale_order_id
        )

    def action_view_followups(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "dunning_strategy_sale.action_dunning_quotation_followup"
        )
        action["domain"] = [("id", "in", self.result_line_ids.ids)]
        action["context"] = {}
        return action

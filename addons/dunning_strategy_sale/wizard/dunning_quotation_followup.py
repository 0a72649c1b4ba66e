from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, is_html_empty


class DunningQuotationFollowup(models.TransientModel):
    """Follow up one quotation by hand: template (step), note, next date, email or letter; the
    email is shown before it is sent, and can be edited.

    Opened from a quotation, from a customer (its open quotations only) or from the menu. The
    follow-up is a one-line manual run of the step's strategy, processed by the engine like any
    other: the history, the quotation's dates and its next activity follow.
    """

    _name = "dunning.quotation.followup"
    _inherit = ["dunning.quotation.email.preview"]
    _description = "Quotation Follow-up"
    _check_company_auto = True

    state = fields.Selection([("draft", "To Send"), ("done", "Done")], default="draft", required=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        check_company=True,
        help="Restrict the quotations offered to those of this customer.",
    )
    sale_order_id = fields.Many2one(
        "sale.order",
        string="Quotation",
        required=True,
        check_company=True,
        domain="[('dunning_is_open', '=', True), ('company_id', '=', company_id)]"
        " + ([('partner_id', 'child_of', partner_id)] if partner_id else [])",
    )
    step_id = fields.Many2one(
        "dunning.strategy.step",
        string="Template",
        compute="_compute_step_id",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
        check_company=True,
        domain="[('strategy_id.scope', '=', 'quotation'), ('company_id', '=', company_id)]",
        help="Step of a quotation strategy: its email template is the text of the email or the letter.",
    )
    attach_quotation = fields.Boolean(related="step_id.attach_quotation", string="Quotation Attached")
    note = fields.Text(string="Internal Note", help="Kept in the follow-up history, never sent to the customer.")
    next_date = fields.Date(
        string="Next Follow-up",
        compute="_compute_next_date",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
    )
    channel = fields.Selection(
        [("email", "By Email"), ("letter", "By Letter")],
        compute="_compute_channel",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
        help="By letter: one PDF to print, the letter followed by the quotation.",
    )
    recipient_id = fields.Many2one("res.partner", string="Recipient", compute="_compute_recipient")
    recipient_email = fields.Char(related="recipient_id.email", string="Email")
    email_error = fields.Char(compute="_compute_recipient")
    emailed_today = fields.Boolean(
        string="Emailed Today",
        compute="_compute_emailed_today",
        help="The quotation already got a follow-up email today: a second one is refused.",
    )
    # the email of the step's template, rendered for the quotation; what the user leaves here is
    # what is sent (see dunning.kind.quotation._quotation_email_text). Computed as the user (stored
    # computed fields default to superuser): the rendering checks his right to follow it up.
    email_subject = fields.Char(
        string="Subject",
        compute="_compute_email",
        compute_sudo=False,
        store=True,
        precompute=True,
        readonly=False,
    )
    email_body = fields.Html(
        string="Email Text",
        compute="_compute_email",
        compute_sudo=False,
        store=True,
        precompute=True,
        readonly=False,
        sanitize_style=True,
    )
    line_id = fields.Many2one("dunning.run.line", string="Follow-up", readonly=True)
    # read as the user: a client may set any line here, the letter's access follows the line's rules
    letter_data = fields.Binary(related="line_id.letter_pdf", string="Letter", compute_sudo=False)
    letter_name = fields.Char(related="line_id.letter_file_name", string="Letter File Name", compute_sudo=False)

    def _compute_display_name(self):
        for wizard in self:
            wizard.display_name = self.env._("Follow Up a Quotation")

    @api.depends("sale_order_id")
    def _compute_step_id(self):
        for wizard in self:
            wizard.step_id = wizard.sale_order_id._dunning_default_step() if wizard.sale_order_id else False

    @api.depends("sale_order_id")
    def _compute_next_date(self):
        for wizard in self:
            order = wizard.sale_order_id
            today = fields.Date.context_today(wizard)
            wizard.next_date = (
                order._dunning_default_next_date(today)
                if order
                else today + timedelta(days=wizard.company_id.dunning_quotation_delay)
            )

    @api.depends("sale_order_id")
    def _compute_recipient(self):
        kind = self.env["dunning.kind.quotation"]
        for wizard in self:
            order = wizard.sale_order_id
            wizard.recipient_id = order._dunning_recipient() if order else False
            wizard.email_error = kind._email_error(order, wizard.recipient_id) if order else False

    @api.depends("sale_order_id")
    def _compute_channel(self):
        # the letter is offered when the quotation has nobody to email
        for wizard in self:
            wizard.channel = "letter" if wizard.email_error else "email"

    @api.model
    def _action_open(self, order=None, partner=None):
        """Window action of the wizard on ``order``, or on the open quotations of ``partner``."""
        context = {}
        if order:
            order.ensure_one()
            context.update(default_sale_order_id=order.id, default_company_id=order.company_id.id)
        elif partner:
            quotations = self.env["sale.order"].search(
                [("dunning_is_open", "=", True), ("partner_id", "child_of", partner.id)], order="id desc"
            )
            if not quotations:
                raise UserError(
                    self.env._("%(customer)s has no open quotation to follow up.", customer=partner.display_name)
                )
            context["default_partner_id"] = partner.id
            if len(quotations) == 1:
                context["default_sale_order_id"] = quotations.id
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Follow Up a Quotation"),
            "res_model": self._name,
            "view_mode": "form",
            "target": "new",
            "context": context,
        }

    def action_send(self):
        """Create the follow-up and send it (email) or print it (letter).

        Never leaves half a follow-up: any error is raised and rolls everything back, so that the
        user can correct the wizard and try again.
        """
        self.ensure_one()
        # A wizard sends once. Its row is locked first: a second click (or RPC call) waits for
        # the first, then reads "done" (or retries on the serialization error) and is refused.
        rows = self.env.execute_query(
            SQL(
                "SELECT state FROM %s WHERE id = %s FOR UPDATE",
                SQL.identifier(self._table),
                self.id,
                to_flush=self._fields["state"],
            )
        )
        if rows and rows[0][0] == "done":
            raise UserError(
                self.env._(
                    "This follow-up of %(quotation)s was already sent: it is not sent twice. Open the "
                    "quotation's follow-up history to see it.",
                    quotation=self.sale_order_id.name,
                )
            )
        order = self.sale_order_id
        today = fields.Date.context_today(self)
        if order.state != "sent":
            raise UserError(
                self.env._(
                    "Only sent quotations can be followed up: %(quotation)s is %(state)s.",
                    quotation=order.name,
                    state=dict(order._fields["state"]._description_selection(self.env)).get(order.state),
                )
            )
        if not self.step_id:
            raise UserError(self.env._("Choose the template of the follow-up."))
        if self.next_date < today:
            raise UserError(self.env._("The next follow-up date cannot be in the past."))
        # a salesperson follows up the quotations they may edit (their own ones)
        order.check_access("write")
        if self.channel == "email" and self.email_error:
            raise UserError(self.email_error)
        if self.channel == "email" and is_html_empty(self.email_body):
            raise UserError(
                self.env._(
                    "The email of %(quotation)s has no text: write it, or choose its template again.",
                    quotation=order.name,
                )
            )
        line = self._create_followups(
            self.step_id,
            [
                {
                    "sale_order_id": order.id,
                    "partner_id": order.partner_id.commercial_partner_id.id,
                    "step_id": self.step_id.id,
                    "followup_by_email": self.channel == "email",
                    "followup_by_letter": self.channel == "letter",
                    "note": self.note,
                    "next_date": self.next_date,
                    # the email as shown and edited here (the engine ignores it for a letter)
                    "email_subject": self.email_subject,
                    "email_body": self.email_body,
                }
            ],
        )
        if line.state != "done":
            raise UserError(
                self.env._(
                    "The follow-up of %(quotation)s could not be sent: %(reason)s",
                    quotation=order.name,
                    reason=line.error or line.state,
                )
            )
        self.write({"state": "done", "line_id": line.id})
        if self.channel == "letter":
            return {
                "type": "ir.actions.act_window",
                "name": self.env._("Follow-up Letter"),
                "res_model": self._name,
                "res_id": self.id,
                "view_mode": "form",
                "target": "new",
            }
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "Follow-up of %(quotation)s sent to %(recipient)s.",
                    quotation=order.name,
                    recipient=line.recipient_id.display_name,
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    @api.model
    def _create_followups(self, step, candidates):
        """Create and process a manual run of ``step``'s strategy with one line per candidate
        (dicts for ``dunning.engine._prepare_run_line_vals``); return its lines."""
        strategy = step.strategy_id
        # dated today where the company works: one follow-up email a day is counted on that day
        today = self.env["dunning.engine"]._company_today(strategy.company_id)
        run = strategy._create_run(today, "manual", candidates=candidates)
        run.action_process()
        return run.line_ids

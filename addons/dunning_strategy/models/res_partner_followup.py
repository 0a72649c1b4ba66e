from contextlib import closing, contextmanager

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError


# one concern per file of the same _inherit, as core splits account.move (see STYLE.md)
class ResPartner(models.Model):
    """The customer follow-up page: what one customer owes the current company, its open
    invoices, its reminders, and the credit controller's actions on it (a reminder e-mail through
    the mail composer, the letter, the statement of account, a call)."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    dunning_situation_id = fields.Many2one(
        "dunning.customer.situation",
        string="Dunning Situation",
        compute="_compute_dunning_followup",
        groups="dunning_strategy.group_dunning_user",
    )
    dunning_currency_id = fields.Many2one(
        "res.currency", compute="_compute_dunning_followup", groups="dunning_strategy.group_dunning_user"
    )
    dunning_amount_due = fields.Monetary(
        string="Total Due",
        currency_field="dunning_currency_id",
        compute="_compute_dunning_followup",
        groups="dunning_strategy.group_dunning_user",
    )
    dunning_amount_overdue = fields.Monetary(
        string="Overdue Amount",
        currency_field="dunning_currency_id",
        compute="_compute_dunning_followup",
        groups="dunning_strategy.group_dunning_user",
    )
    dunning_days_late = fields.Integer(
        string="Days Late",
        compute="_compute_dunning_followup",
        groups="dunning_strategy.group_dunning_user",
        help="Days late of the oldest overdue invoice.",
    )
    dunning_followup_last_date = fields.Date(
        string="Last Reminder in the Company",
        compute="_compute_dunning_followup",
        groups="dunning_strategy.group_dunning_user",
        help="Date of the last reminder sent by the current company.",
    )
    dunning_followup_next_date = fields.Date(
        string="Next Reminder in the Company",
        compute="_compute_dunning_followup",
        groups="dunning_strategy.group_dunning_user",
        help="Earliest date at which the next step of one of the open invoices falls due.",
    )
    dunning_open_invoice_ids = fields.Many2many(
        "dunning.analysis",
        string="Open Invoices",
        compute="_compute_dunning_followup",
        groups="dunning_strategy.group_dunning_user",
    )
    dunning_followup_line_ids = fields.Many2many(
        "dunning.run.line",
        string="Reminders Sent",
        compute="_compute_dunning_followup",
        groups="dunning_strategy.group_dunning_user",
    )

    @api.depends_context("company")
    def _compute_dunning_followup(self):
        company = self.env.company
        partners = self.commercial_partner_id.filtered("id")
        situations = {
            situation.partner_id: situation
            for situation in self.env["dunning.customer.situation"].search(
                [("partner_id", "in", partners.ids), ("company_id", "=", company.id)]
            )
        }
        invoices = self.env["dunning.analysis"].search(
            [("partner_id", "in", partners.ids), ("company_id", "=", company.id)]
        )
        lines = self.env["dunning.run.line"].search(
            [("partner_id", "in", partners.ids), ("company_id", "=", company.id)], order="date desc, id desc"
        )
        for partner in self:
            commercial = partner.commercial_partner_id
            situation = situations.get(commercial, self.env["dunning.customer.situation"])
            partner.dunning_situation_id = situation
            partner.dunning_currency_id = company.currency_id
            partner.dunning_amount_due = situation.amount_due
            partner.dunning_amount_overdue = situation.amount_overdue
            partner.dunning_days_late = situation.days_late
            partner.dunning_followup_last_date = situation.last_date
            partner.dunning_followup_next_date = situation.next_date
            partner.dunning_open_invoice_ids = invoices.filtered(lambda row, c=commercial: row.partner_id == c)
            partner.dunning_followup_line_ids = lines.filtered(lambda line, c=commercial: line.partner_id == c)

    @api.model
    def _get_mail_message_access(self, res_ids, operation, model_name=None):
        # Credit controllers write to customers (a reminder sent by hand, a printed letter) but
        # need not hold the right to edit contacts: for them, posting a message on a customer
        # they may read is enough, as for portal documents. Editing or deleting a message still
        # needs write access on the customer.
        if (
            operation == "create"
            and (model_name or self._name) == "res.partner"
            and self.env.user.has_group("dunning_strategy.group_dunning_user")
        ):
            return "read"
        return super()._get_mail_message_access(res_ids, operation, model_name=model_name)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def _get_dunning_followup_action(self):
        """The follow-up page of this customer (its commercial partner) in the current company."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("dunning_strategy.action_dunning_followup")
        action["res_id"] = self.commercial_partner_id.id
        action["context"] = {"allowed_company_ids": self.env.companies.ids}
        return action

    def action_dunning_send_reminder(self):
        """Open Odoo's mail composer on the customer, filled with the e-mail of its next reminder
        step (rendered as the engine would); the user edits it and sends it, and it is posted in
        the customer's chatter. The invoices do not climb a step: this is an e-mail by hand."""
        self.ensure_one()
        strategy, candidate = self._dunning_next_candidate()
        step = self.env["dunning.strategy.step"].browse(candidate["step_id"])
        if not (step.send_email and step.mail_template_id):
            raise UserError(
                self.env._(
                    "The next step of %(customer)s, %(step)s, sends no e-mail: print its letter or call the customer.",
                    customer=self.display_name,
                    step=step.name,
                )
            )
        with self._dunning_preview_line(strategy, candidate) as (line, recipient):
            rendered = step.mail_template_id._generate_template(line.ids, ("subject", "body_html"))[line.id]
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Send the Reminder"),
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_composition_mode": "comment",
                "default_model": "res.partner",
                "default_res_ids": self.commercial_partner_id.ids,
                "default_partner_ids": recipient.ids,
                "default_subject": rendered.get("subject") or step.name,
                "default_body": rendered.get("body_html") or "",
                "default_message_type": "comment",
                "default_subtype_xmlid": "dunning_strategy.mt_dunning_reminder_by_hand",
            },
        }

    def action_dunning_print_letter(self):
        """The letter of the customer's next step as a PDF, logged in its chatter (as the engine
        logs a printed letter) and downloaded. Nothing else changes."""
        self.ensure_one()
        strategy, candidate = self._dunning_next_candidate()
        step = self.env["dunning.strategy.step"].browse(candidate["step_id"])
        with self._dunning_preview_line(strategy, candidate) as (line, _recipient):
            letter = self.env["dunning.engine"]._preview_letter(line)
        if not letter:
            raise UserError(self.env._("The letter of the step %(step)s cannot be printed here.", step=step.name))
        pdf, file_name = letter
        customer = self.commercial_partner_id
        message = customer.message_post(
            body=Markup("<p>%s</p>") % self.env._("Letter printed: %(step)s", step=step.name),
            attachments=[(file_name, pdf)],
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{message.attachment_ids[:1].id}?download=true",
            "target": "download",
        }

    def action_dunning_statement(self):
        """The statement of account of the customer in the current company."""
        self.ensure_one()
        return self.env.ref("dunning_strategy.action_report_dunning_statement").report_action(
            self.commercial_partner_id
        )

    def action_dunning_log_call(self):
        """Log a call: a dunning call activity scheduled on the customer. With exchange tracking
        installed, the bridge addon ``dunning_exchange_tracking`` opens the exchange form instead."""
        return self._dunning_call_activity_action()

    def _dunning_call_activity_action(self):
        """The activity scheduler, filled with a dunning call on the customer."""
        self.ensure_one()
        customer = self.commercial_partner_id
        # Odoo's rule, kept: an activity on a contact needs the right to edit contacts
        if not customer.has_access("write"):
            raise UserError(
                self.env._(
                    "Scheduling a call on %(customer)s needs the right to edit contacts: ask your administrator "
                    "for it, or write the call in the customer's chatter.",
                    customer=customer.display_name,
                )
            )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Log a Call"),
            "res_model": "mail.activity.schedule",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "active_model": "res.partner",
                "active_ids": customer.ids,
                "active_id": customer.id,
                "default_res_model": "res.partner",
                "default_activity_type_id": self.env.ref("dunning_strategy.mail_activity_type_dunning_call").id,
            },
        }

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _dunning_next_candidate(self):
        """``(strategy, candidate)`` of the reminder this customer would get today from a manual
        run in the current company (its next step, all its open invoices not excluded), as the
        launch wizard builds it.

        :raise UserError: without a strategy or anything to remind
        """
        self.ensure_one()
        company = self.env.company
        customer = self.commercial_partner_id
        strategy = customer.with_company(company).dunning_strategy_id or company.dunning_strategy_id
        if not strategy:
            raise UserError(
                self.env._(
                    "No dunning strategy applies to %(customer)s in %(company)s: choose one on the customer or "
                    "the company.",
                    customer=customer.display_name,
                    company=company.name,
                )
            )
        today = fields.Date.context_today(self)
        engine = self.env["dunning.engine"].with_company(company)
        # rights first (dunning user, strategy readable and of the current company): the preview
        # line below is created as superuser
        engine._check_run_request(strategy, today)
        candidate = engine.env["dunning.kind.invoice"]._prepare_manual_candidate(strategy, customer, today)
        if not candidate["move_ids"] or not candidate["step_id"]:
            raise UserError(self.env._("%(customer)s has no open invoice to remind.", customer=customer.display_name))
        return strategy, candidate

    @contextmanager
    def _dunning_preview_line(self, strategy, candidate):
        """Yield ``(line, recipient)``: a throw-away run line of ``candidate``, created in a
        savepoint rolled back on exit and read as the user (as the launch wizard's preview
        does). Nothing is sent, posted or kept."""
        engine = self.env["dunning.engine"]
        with closing(self.env.cr.savepoint()):
            # runs and lines are engine-owned (nobody may create them): the throw-away line is
            # created as superuser, after _check_run_request checked the user's right to launch
            # this strategy (in _dunning_next_candidate)
            run_vals = engine._prepare_run_vals(strategy, fields.Date.context_today(self), "manual")
            run = self.env["dunning.run"].sudo().create({**run_vals, "name": self.env._("Preview")})
            line = self.env["dunning.run.line"].sudo().create(engine._prepare_run_line_vals(run, candidate))
            recipient = engine._get_recipients(line)[line]
            line.recipient_id = recipient
            yield line.with_env(self.env), recipient.with_env(self.env)

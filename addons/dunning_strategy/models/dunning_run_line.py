from datetime import datetime, time

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_amount, format_date


class DunningRunLine(models.Model):
    """One customer in a run: the step it is reminded at, the invoices listed, and the outcome.

    This is also the record the email templates of the steps are rendered on.
    """

    _name = "dunning.run.line"
    _description = "Dunning Run Line"
    # newest first in every history (customer, invoice, reminders list); ordering on run_id
    # would follow the run's own "date desc" order reversed, that is oldest first
    _order = "date desc, id desc"
    _check_company_auto = True

    run_id = fields.Many2one("dunning.run", string="Run", required=True, ondelete="cascade", index=True)
    strategy_id = fields.Many2one(related="run_id.strategy_id")
    company_id = fields.Many2one(related="run_id.company_id", store=True, index=True, precompute=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(related="run_id.date", store=True, precompute=True)
    mode = fields.Selection(related="run_id.mode")
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True)
    recipient_id = fields.Many2one(
        "res.partner",
        string="Recipient",
        readonly=True,
        help="Contact the reminder was addressed to: the customer's dunning contact, "
        "else its invoice address, else the customer.",
    )
    step_id = fields.Many2one("dunning.strategy.step", string="Step", required=True, index=True)
    level = fields.Integer(related="step_id.level")
    marker_id = fields.Many2one(related="step_id.marker_id")
    marker_color = fields.Integer(related="marker_id.color", string="Marker Colour")  # dunning_marker_badge
    move_ids = fields.Many2many(
        "account.move",
        "dunning_run_line_account_move_rel",
        "line_id",
        "move_id",
        string="Invoices",
        help="Every open overdue invoice of the customer, listed in the reminder with its residual amount.",
    )
    move_names = fields.Char(
        string="Invoice Numbers",
        compute="_compute_move_names",
        help="Full numbers of the invoices listed in the reminder.",
    )
    due_move_ids = fields.Many2many(
        "account.move",
        "dunning_run_line_due_move_rel",
        "line_id",
        "move_id",
        string="Invoices Climbing a Step",
        help="Invoices whose next step is due: their step and reminder date advance when the line is done.",
    )
    overdue_move_ids = fields.Many2many(
        "account.move",
        string="Overdue Invoices",
        compute="_compute_overdue_move_ids",
        help="Invoices of the reminder already due at the date of the run.",
    )
    upcoming_move_ids = fields.Many2many(
        "account.move",
        string="Invoices Coming Due",
        compute="_compute_overdue_move_ids",
        help="Invoices of the reminder not due yet at the date of the run: listed apart.",
    )
    amount_residual = fields.Monetary(string="Amount Due", currency_field="currency_id")
    manual = fields.Boolean(
        string="Added by Hand",
        readonly=True,
        help="Added by hand in the launch wizard: reminded at its next step, even if not due yet.",
    )
    state = fields.Selection(
        [("pending", "Pending"), ("done", "Done"), ("skipped", "Skipped"), ("failed", "Failed")],
        required=True,
        default="pending",
        index=True,
    )
    processed_date = fields.Datetime(string="Processed On", readonly=True)
    mail_message_id = fields.Many2one("mail.message", string="Email", readonly=True, ondelete="set null")
    email_state = fields.Selection(
        [
            ("queued", "Queued"),
            ("sent", "Sent"),
            ("bounced", "Bounced"),
            ("failed", "Not Sent"),
            ("canceled", "Cancelled"),
        ],
        string="Email Status",
        compute="_compute_email_state",
        help="Delivery of the reminder email: queued for the outgoing mail server, sent, bounced back by the "
        "recipient's server, or not sent (see the email for the reason).",
    )
    activity_id = fields.Many2one("mail.activity", string="Activity", readonly=True, ondelete="set null")
    error = fields.Text(string="Reason", readonly=True, help="Why the line failed or was skipped.")
    # letter and attached documents
    letter_attachment_id = fields.Many2one(
        "ir.attachment", string="Letter Attachment", readonly=True, copy=False, ondelete="set null"
    )
    # read as the user (not as superuser, the default of related fields): the attachment's
    # access follows the line's record rules
    letter_pdf = fields.Binary(related="letter_attachment_id.datas", string="Letter", compute_sudo=False)
    letter_file_name = fields.Char(related="letter_attachment_id.name", string="Letter File Name", compute_sudo=False)
    attachment_ids = fields.Many2many(
        "ir.attachment",
        "dunning_run_line_attachment_rel",
        "line_id",
        "attachment_id",
        string="Attachments",
        readonly=True,
        copy=False,
        help="Statement of account and invoice PDFs sent with the email and printed after the letter.",
    )
    # French late fees at the run date
    late_fee_indemnity = fields.Monetary(string="Recovery Indemnity", currency_field="currency_id", readonly=True)
    late_fee_interest = fields.Monetary(string="Late Interest", currency_field="currency_id", readonly=True)
    late_fee_total = fields.Monetary(
        string="Late Fees", currency_field="currency_id", compute="_compute_late_fee_total"
    )
    fee_move_id = fields.Many2one("account.move", string="Late Fee Invoice", readonly=True, copy=False)
    # escalation
    handover_move_ids = fields.Many2many(
        "account.move",
        "dunning_run_line_handover_move_rel",
        "line_id",
        "move_id",
        string="Invoices Handed Over",
        readonly=True,
        copy=False,
    )
    handover_attachment_ids = fields.Many2many(
        "ir.attachment",
        "dunning_run_line_handover_attachment_rel",
        "line_id",
        "attachment_id",
        string="Dossier",
        readonly=True,
        copy=False,
    )
    handover_message_id = fields.Many2one("mail.message", string="Hand-over Email", readonly=True, ondelete="set null")

    promise_ids = fields.Many2many(
        "dunning.promise",
        string="Promises to Pay",
        compute="_compute_promise_ids",
        help="Promises to pay of the customer on the invoices of this reminder.",
    )

    @api.depends("move_ids")
    def _compute_promise_ids(self):
        for line in self:
            line.promise_ids = line.move_ids.dunning_promise_ids

    @api.depends("move_ids.invoice_date_due", "date")
    def _compute_overdue_move_ids(self):
        for line in self:
            overdue = line.move_ids.filtered(lambda move, date=line.date: move.invoice_date_due < date)
            line.overdue_move_ids = overdue
            line.upcoming_move_ids = line.move_ids - overdue

    @api.depends("move_ids.name")
    def _compute_move_names(self):
        for line in self:
            line.move_names = ", ".join(
                line.move_ids.sorted(lambda move: (move.invoice_date_due or move.date, move.id)).mapped("name")
            )

    @api.depends("mail_message_id.notification_ids.notification_status")
    def _compute_email_state(self):
        """The worst delivery state among the email's recipients: one bounce shows as bounced."""
        by_status = {
            "ready": "queued",
            "process": "queued",
            "pending": "sent",
            "sent": "sent",
            "bounce": "bounced",
            "exception": "failed",
            "canceled": "canceled",
        }
        severity = ["sent", "queued", "canceled", "bounced", "failed"]
        for line in self:
            states = {
                by_status[notification.notification_status]
                for notification in line.mail_message_id.notification_ids
                if notification.notification_type == "email" and notification.notification_status
            }
            line.email_state = max(states, key=severity.index) if states else False

    @api.depends("late_fee_indemnity", "late_fee_interest")
    def _compute_late_fee_total(self):
        for line in self:
            line.late_fee_total = line.late_fee_indemnity + line.late_fee_interest

    def action_open_email(self):
        """Open the reminder email read-only: subject, text, recipients and delivery status.

        Not Odoo's technical message form (editable, no delivery status); the user reads the
        message as himself (mail.message rules: he must be able to read the customer).
        """
        self.ensure_one()
        message = self.mail_message_id
        if not message:
            raise UserError(self.env._("This reminder sent no email."))
        message.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "name": message.subject or self.env._("Email"),
            "res_model": "mail.message",
            "res_id": message.id,
            "view_mode": "form",
            "views": [(self.env.ref("dunning_strategy.view_mail_message_dunning_form").id, "form")],
            "target": "new",
            "context": {"create": False, "edit": False, "delete": False},
        }

    def mail_allowed_qweb_expressions(self):
        # plain placeholders users who are not template editors may write in letter templates
        return (
            *super().mail_allowed_qweb_expressions(),
            "object.partner_id.name",
            "object.recipient_id.name",
            "object.step_id.name",
            "object.company_id.name",
            "object.amount_residual",
            "object.date",
        )

    def _dunning_owns_move(self, move):
        """Whether ``move`` is an invoice of this line's customer in the run's company: the
        engine reminds nothing else, whatever the line lists."""
        self.ensure_one()
        return (
            move.move_type == "out_invoice"
            and move.company_id == self.company_id
            and move.commercial_partner_id == self.partner_id.commercial_partner_id
        )

    def _compute_display_name(self):
        for line in self:
            # the run's reference only (a salesperson reads his follow-up, not the whole run)
            line.display_name = f"{line.run_id.sudo().name} - {line.partner_id.display_name}"

    def _dunning_timeline_entry(self):
        """This reminder as an entry of the customer's timeline."""
        self.ensure_one()
        channels = []
        if self.mail_message_id:
            channels.append(self.env._("e-mail"))
        if self.letter_attachment_id:
            channels.append(self.env._("letter"))
        if self.activity_id or self.step_id.schedule_activity:
            channels.append(self.step_id.activity_type_id.name or self.env._("activity"))
        amount = format_amount(self.env, self.amount_residual, self.currency_id)
        # ordered by the run's date (the date shown), at the time it went out when that was the same day
        sent_at = self.processed_date or datetime.combine(self.date, time.min)
        details = " · ".join(part for part in (self.move_names, amount, ", ".join(channels)) if part)
        if self.state == "failed":
            status, status_class = self.env._("Failed"), "danger"
            details = " · ".join(part for part in (details, self.error) if part)
        elif self.email_state in ("bounced", "failed"):
            status, status_class = (
                dict(self._fields["email_state"]._description_selection(self.env))[self.email_state],
                "warning",
            )
        else:
            status, status_class = self.env._("Sent"), "success"
        return {
            "key": f"reminder-{self.id:010d}",
            "sort_key": datetime.combine(self.date, sent_at.time() if sent_at.date() == self.date else time.min),
            "when": format_date(self.env, self.date),
            "kind": self.env._("Reminder"),
            "icon": "fa-bell",
            "title": self.step_id.name,
            "details": details,
            "author": self.run_id.user_id.name if self.mode == "manual" else self.env._("Scheduler"),
            "status": status,
            "status_class": status_class,
            "url": f"/odoo/dunning.run.line/{self.id}",
        }

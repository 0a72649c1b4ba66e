from datetime import timedelta

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

DUNNING_GROUP = "dunning_strategy.group_dunning_user"
# set when the call is logged, by the call flow only
LOCKED_FIELDS = {"dunning_outcome", "dunning_activity_id", "dunning_run_line_id", "dunning_promise_id"}


def add_working_days(day, count):
    """``day`` plus ``count`` working days (Monday to Friday: dunning has no working calendar)."""
    while count > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


class ExchangeLog(models.Model):
    """A reminder call logged as an exchange, and what its outcome does.

    The outcome is applied once, when the exchange is created, with the caller's own rights: a
    promise to pay becomes a ``dunning.promise``, a dispute opens on the invoices, no answer plans
    the next call, a wrong contact leaves a note on the customer. When the exchange logs a
    dunning call activity (``dunning_activity_id``), saving it marks that activity done.
    """

    _inherit = "exchange.log"  # pylint: disable=consider-merging-classes-inherited

    dunning_outcome = fields.Selection(
        [
            ("reached", "Reached"),
            ("no_answer", "No answer"),
            ("promise", "Promise to pay"),
            ("dispute", "Dispute"),
            ("wrong_contact", "Wrong contact"),
        ],
        string="Call Outcome",
        help="What the reminder call gave. Saving the exchange acts on it: a promise to pay is "
        "recorded, a dispute opens on the invoices, no answer plans the next call, a wrong contact "
        "leaves a note on the customer.",
    )
    dunning_invoice_ids = fields.Many2many(
        "account.move",
        "exchange_log_dunning_invoice_rel",
        "exchange_id",
        "move_id",
        string="Invoices Discussed",
        domain="[('move_type', '=', 'out_invoice'), ('state', '=', 'posted'), "
        "('payment_state', 'in', ('not_paid', 'partial')), ('commercial_partner_id', '=', commercial_partner_id)]",
        help="The open invoices of the call: they become the documents of the exchange, the "
        "promise is about them, a dispute opens on them.",
    )
    dunning_activity_id = fields.Many2one(
        "mail.activity",
        string="Dunning Call Activity",
        ondelete="set null",
        help="The dunning call this exchange logs: it is marked done when the exchange is saved.",
    )
    dunning_run_line_id = fields.Many2one(
        "dunning.run.line",
        string="Dunning Reminder",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
        help="The reminder whose call this exchange logs.",
    )
    dunning_promise_id = fields.Many2one(
        "dunning.promise",
        string="Promise to Pay",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
        help="The promise to pay recorded by this call.",
    )
    dunning_is_call = fields.Boolean(compute="_compute_dunning_is_call")
    dunning_promise_date = fields.Date(string="Promised Payment Date")
    dunning_promise_amount = fields.Monetary(
        string="Promised Amount",
        currency_field="dunning_currency_id",
        help="Leave empty for the residual amount of the invoices.",
    )
    dunning_currency_id = fields.Many2one("res.currency", compute="_compute_dunning_currency_id")
    dunning_dispute_reason = fields.Text(string="Dispute Reason")
    dunning_next_call_date = fields.Date(
        string="Next Call",
        compute="_compute_dunning_next_call_date",
        store=True,
        readonly=False,
        help="When to call again (by default two working days from today).",
    )

    @api.depends("subject_id", "dunning_activity_id", "dunning_outcome")
    def _compute_dunning_is_call(self):
        reminder = self.env.ref("exchange_tracking.exchange_subject_invoice_reminder", raise_if_not_found=False)
        for exchange in self:
            exchange.dunning_is_call = bool(
                exchange.dunning_activity_id
                or exchange.dunning_outcome
                or (reminder and exchange.subject_id == reminder)
            )

    @api.depends("company_id")
    def _compute_dunning_currency_id(self):
        for exchange in self:
            exchange.dunning_currency_id = (exchange.company_id or self.env.company).currency_id

    @api.depends("dunning_outcome")
    def _compute_dunning_next_call_date(self):
        today = fields.Date.context_today(self)
        for exchange in self:
            if exchange.dunning_outcome == "no_answer" and not exchange.dunning_next_call_date:
                exchange.dunning_next_call_date = add_working_days(today, 2)

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        # written by the call flow only (see _dunning_apply_call), never by the caller: neither
        # as values nor as context defaults
        flow_fields = ("dunning_run_line_id", "dunning_promise_id")
        for vals in vals_list:
            for name in flow_fields:
                vals.pop(name, None)
        no_defaults = dict.fromkeys((f"default_{name}" for name in flow_fields), False)
        exchanges = super(ExchangeLog, self.with_context(**no_defaults)).create(vals_list).with_env(self.env)
        for exchange in exchanges.filtered(lambda exchange: exchange.dunning_outcome or exchange.dunning_activity_id):
            exchange._dunning_apply_call()
        return exchanges

    def write(self, vals):
        # the outcome acted once, when the call was logged: changing it afterwards would undo
        # nothing (the promise, the dispute, the next call stay); the form shows it read-only
        if not self.env.su and LOCKED_FIELDS & vals.keys():
            raise UserError(
                self.env._(
                    "The outcome of a reminder call is set when the call is logged: log another "
                    "exchange to record what happened next."
                )
            )
        return super().write(vals)

    # ------------------------------------------------------------------
    # The call flow
    # ------------------------------------------------------------------

    def _dunning_apply_call(self):
        """Check who logs the call, link the invoices, act on the outcome, close the activity."""
        self.ensure_one()
        if not self.env.su and not self.env.user.has_group(DUNNING_GROUP):
            raise AccessError(self.env._("Only dunning users can log the outcome of a reminder call."))
        activity = self.dunning_activity_id
        if activity:
            activity._dunning_check_call(self.commercial_partner_id)
        invoices = self.dunning_invoice_ids
        self._dunning_link_invoices(invoices)
        handler = getattr(self, f"_dunning_outcome_{self.dunning_outcome}", None) if self.dunning_outcome else None
        if handler:
            handler(invoices)
        if activity:
            # sudo: bookkeeping of the call flow, after the caller was checked to close this
            # activity (_dunning_check_call) and to be a dunning user
            self.sudo().dunning_run_line_id = activity.sudo()._dunning_run_line()
            activity.action_feedback(feedback=self._dunning_feedback())

    def _dunning_link_invoices(self, invoices):
        """The invoices of the call become the exchange's documents: the oldest one the related
        document (when there is none), the others linked documents."""
        if not invoices:
            return
        invoices = invoices.sorted(lambda move: (move.invoice_date_due or fields.Date.today(), move.id))
        if invoices.commercial_partner_id != self.commercial_partner_id:
            raise ValidationError(self.env._("The invoices of a reminder call must be the customer's."))
        if not self.res_model:
            self.write({"res_model": "account.move", "res_id": invoices[0].id})
        known = {(self.res_model, self.res_id)} | {(link.res_model, link.res_id) for link in self.link_ids}
        self.link_ids = [
            Command.create({"res_model": "account.move", "res_id": invoice.id})
            for invoice in invoices
            if ("account.move", invoice.id) not in known
        ]

    def _dunning_outcome_promise(self, invoices):
        """The promise to pay, with the caller's rights (dunning users create promises); its
        constraints check the invoices, the customer and the company."""
        if not self.dunning_promise_date:
            raise ValidationError(self.env._("Say by which date the customer promised to pay."))
        vals = {
            "partner_id": self.commercial_partner_id.id,
            "company_id": (self.company_id or self.env.company).id,
            "date": self.dunning_promise_date,
            "origin": "call",
            "user_id": self.env.uid,
            "note": self.env._("Promised during the call %(exchange)s.", exchange=self.name),
        }
        if invoices:
            vals["invoice_ids"] = [Command.set(invoices.ids)]
        if self.dunning_promise_amount:
            vals["amount"] = self.dunning_promise_amount
        promise = self.env["dunning.promise"].create(vals)
        # sudo: the link is the call flow's (see write()), the promise was created as the caller
        self.sudo().dunning_promise_id = promise

    def _dunning_outcome_dispute(self, invoices):
        """The invoices go into dispute (``_dunning_open_dispute`` checks the caller's right)."""
        if not invoices:
            raise ValidationError(self.env._("Choose the disputed invoices."))
        if not (self.dunning_dispute_reason or "").strip():
            raise ValidationError(self.env._("Say why the customer disputes the invoices."))
        invoices._dunning_open_dispute(self.dunning_dispute_reason)

    def _dunning_outcome_no_answer(self, invoices):
        """The next call: an activity of the same type for the same assignee (a dunning call and
        the current user when the exchange logs no activity), on the chosen date."""
        activity = self.dunning_activity_id
        activity_type = activity.activity_type_id or self.env.ref("dunning_strategy.mail_activity_type_dunning_call")
        user = activity.user_id or self.env.user
        date = self.dunning_next_call_date or add_working_days(fields.Date.context_today(self), 2)
        if date < fields.Date.context_today(self):
            raise ValidationError(self.env._("The next call cannot be in the past."))
        partner = self.commercial_partner_id
        # sudo: the caller was checked to be a dunning user (and to close the call he logs);
        # planning the next call on the customer must not need the right to edit customers
        self.env["mail.activity"].sudo().create(
            {
                "res_model_id": self.env["ir.model"]._get_id("res.partner"),
                "res_id": partner.id,
                "activity_type_id": activity_type.id,
                "summary": activity.summary or activity_type.summary,
                "note": activity.note or False,
                "user_id": user.id,
                "date_deadline": date,
            }
        )

    def _dunning_outcome_wrong_contact(self, invoices):
        """A note on the customer, for whoever handles its contact details."""
        partner = self.commercial_partner_id
        body = Markup("<p>%s</p>") % self.env._(
            "Reminder call %(exchange)s: wrong contact. The customer's phone number or contact person "
            "must be checked before the next reminder.",
            exchange=self.name,
        )
        # sudo: a note on the customer from a dunning user (checked), whatever his rights on
        # customers; authored by him
        partner.sudo().message_post(
            body=body, message_type="comment", subtype_xmlid="mail.mt_note", author_id=self.env.user.partner_id.id
        )

    def _dunning_feedback(self):
        """What the done activity says in the chatter: the outcome and the exchange."""
        return " · ".join(
            part for part in (self.name, self._dunning_outcome_label(), self.description_text or "") if part
        )

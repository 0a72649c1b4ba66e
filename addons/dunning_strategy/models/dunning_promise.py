"""A customer's promise to pay some of its invoices by a date.

While a promise is open, its invoices are left out of the automatic reminders (the selection
query of ``dunning.kind.invoice`` skips them in SQL). The engine, never a user, moves it on:
``kept`` once the invoices' residual dropped by the promised amount (checked when a payment is
reconciled, ``account.partial.reconcile``), ``broken`` the day after its date otherwise (the daily
cron ``_cron_check_promises``). A broken promise brings its invoices back into dunning, at the step
their current step names in ``broken_promise_step_id`` when it has one.
"""

import logging

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from .account_move import DUNNING_OPEN_PAYMENT_STATES

_logger = logging.getLogger(__name__)

PROMISE_STATES = [
    ("open", "Open"),
    ("kept", "Kept"),
    ("broken", "Broken"),
    ("cancelled", "Cancelled"),
]


class DunningPromise(models.Model):
    _name = "dunning.promise"
    _description = "Promise to Pay"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _check_company_auto = True
    _rec_names_search = ["partner_id"]

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        domain="[('parent_id', '=', False)]",
    )
    company_id = fields.Many2one(
        "res.company", string="Company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id", string="Currency")
    invoice_ids = fields.Many2many(
        "account.move",
        "dunning_promise_account_move_rel",
        "promise_id",
        "move_id",
        string="Invoices",
        check_company=True,
        domain="[('move_type', '=', 'out_invoice'), ('state', '=', 'posted'), "
        "('commercial_partner_id', '=', partner_id), ('amount_residual', '>', 0)]",
        help="Invoices the customer promised to pay. They get no automatic reminder while the promise is open.",
    )
    date = fields.Date(string="Promised Date", required=True, tracking=True)
    amount = fields.Monetary(
        string="Promised Amount",
        currency_field="currency_id",
        tracking=True,
        help="Amount the customer promised to pay by the date. Empty: what is left to pay on the invoices.",
    )
    amount_residual_start = fields.Monetary(
        string="Due When Promised",
        currency_field="currency_id",
        readonly=True,
        help="What was left to pay on the invoices when the promise was made; the promise is kept once it "
        "dropped by the promised amount.",
    )
    note = fields.Text()
    user_id = fields.Many2one(
        "res.users", string="Recorded By", default=lambda self: self.env.user, index=True, tracking=True
    )
    origin = fields.Selection(
        [("manual", "Back office"), ("call", "Phone call"), ("portal", "Customer portal")],
        default="manual",
        required=True,
    )
    # engine-owned: see write()
    state = fields.Selection(PROMISE_STATES, default="open", required=True, readonly=True, tracking=True, index=True)
    state_date = fields.Date(string="Closed On", readonly=True, help="When the promise was kept, broken or cancelled.")

    # ------------------------------------------------------------------
    # Defaults and constraints
    # ------------------------------------------------------------------

    @api.model
    def _default_invoices(self, partner, company, date=None):
        """The customer's open overdue invoices in ``company``: what a promise covers by default.

        As superuser: a credit controller without accounting rights records a promise on
        invoices he may not open; the caller's right to create promises is checked by create()
        before, and the constraint keeps them to that customer's invoices of that company."""
        return (
            self.env["account.move"]
            .sudo()
            .search(
                [
                    ("commercial_partner_id", "=", partner.commercial_partner_id.id),
                    ("company_id", "=", company.id),
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "posted"),
                    ("payment_state", "in", DUNNING_OPEN_PAYMENT_STATES),
                    ("amount_residual", ">", 0),
                    ("invoice_date_due", "<", date or fields.Date.context_today(self)),
                ],
                order="invoice_date_due, id",
            )
        )

    @api.onchange("partner_id", "company_id")
    def _onchange_partner_invoices(self):
        if self.partner_id and self.company_id:
            self.invoice_ids = [fields.Command.set(self._default_invoices(self.partner_id, self.company_id).ids)]

    @api.model_create_multi
    def create(self, vals_list):
        self.check_access("create")
        if not self.env.su and any(vals.get("state", "open") != "open" for vals in vals_list):
            raise AccessError(self.env._("A promise to pay is created open; the dunning engine decides what follows."))
        for vals in vals_list:
            vals.pop("amount_residual_start", None)  # measured below, never given
            vals.pop("state_date", None)
            if vals.get("partner_id"):
                partner = self.env["res.partner"].browse(vals["partner_id"]).commercial_partner_id
                vals["partner_id"] = partner.id
                if "invoice_ids" not in vals:
                    company = self.env["res.company"].browse(vals.get("company_id") or self.env.company.id)
                    invoices = self._default_invoices(partner, company)
                    vals["invoice_ids"] = [fields.Command.set(invoices.ids)]
        promises = super().create(vals_list)
        promises._set_amounts_from_invoices()
        return promises

    def write(self, vals):
        # The state, and what decides it, belong to the engine: a field readonly in a view is
        # still writable over RPC, so the write itself refuses them to anyone but the superuser
        # (the engine's methods write them with sudo() after their own checks).
        if not self.env.su and {"state", "state_date", "amount_residual_start"} & set(vals):
            raise AccessError(
                self.env._("The state of a promise to pay is decided by the dunning engine: cancel it instead.")
            )
        if not self.env.su and any(promise.state != "open" for promise in self):
            raise UserError(self.env._("Only an open promise to pay can be changed."))
        res = super().write(vals)
        if "invoice_ids" in vals:
            self._set_amounts_from_invoices()
        return res

    def _set_amounts_from_invoices(self):
        """Remember what was due when promised (and default the amount to it)."""
        for promise in self:
            due = promise.currency_id.round(sum(promise.invoice_ids.sudo().mapped("amount_residual_signed")))
            values = {"amount_residual_start": due}
            if not promise.amount:
                values["amount"] = due
            # superuser: amount_residual_start is engine-owned (see write()); measured here only
            promise.sudo().write(values)

    @api.constrains("invoice_ids", "partner_id", "company_id", "amount", "date")
    def _check_promise(self):
        for promise in self:
            invoices = promise.invoice_ids.sudo()
            if not invoices:
                raise ValidationError(self.env._("A promise to pay covers at least one invoice."))
            wrong = invoices.filtered(
                lambda move, promise=promise: (
                    move.move_type != "out_invoice"
                    or move.state != "posted"
                    or move.commercial_partner_id != promise.partner_id
                    or move.company_id != promise.company_id
                )
            )
            if wrong:
                raise ValidationError(
                    self.env._(
                        "The promise of %(customer)s can only cover its own posted invoices of %(company)s: "
                        "%(invoices)s.",
                        customer=promise.partner_id.display_name,
                        company=promise.company_id.name,
                        invoices=", ".join(wrong.mapped("display_name")),
                    )
                )
            if promise.currency_id.compare_amounts(promise.amount, 0.0) < 0:
                raise ValidationError(self.env._("The promised amount cannot be negative."))

    @api.depends("partner_id", "date", "amount")
    def _compute_display_name(self):
        for promise in self:
            promise.display_name = self.env._(
                "%(customer)s: %(amount)s by %(date)s",
                customer=promise.partner_id.display_name or "",
                amount=promise.currency_id.format(promise.amount or 0.0) if promise.currency_id else "",
                date=fields.Date.to_string(promise.date) if promise.date else "",
            )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_cancel(self):
        """Withdraw open promises: their invoices come back into dunning at their step."""
        self.check_access("write")
        if self.filtered(lambda promise: promise.state != "open"):
            raise UserError(self.env._("Only an open promise to pay can be cancelled."))
        # superuser: the state is engine-owned (see write()); the caller's right was checked above
        self.sudo().write({"state": "cancelled", "state_date": fields.Date.context_today(self)})
        return True

    def action_view_invoices(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_move_out_invoice_type")
        action["domain"] = [("id", "in", self.invoice_ids.ids)]
        action["context"] = {"create": False}
        return action

    # ------------------------------------------------------------------
    # Engine
    # ------------------------------------------------------------------

    @api.model
    def _dunning_update_kept(self, moves=None, date=None):
        """Mark kept the open promises (of ``moves``, else all) whose invoices' residual dropped
        by the promised amount, in one query, on or before their date.

        Called after each reconciliation (``account.partial.reconcile``) and by the daily check.
        :return: the promises now kept
        """
        date = date or fields.Date.context_today(self)
        self.env["account.move"].flush_model(["amount_residual_signed"])
        self.flush_model(["state", "amount", "amount_residual_start", "date"])
        move_filter = SQL()
        if moves is not None:
            if not moves.ids:
                return self.browse()
            move_filter = SQL(
                """AND promise.id IN (SELECT promise_id FROM dunning_promise_account_move_rel
                                       WHERE move_id = ANY(%s))""",
                moves.ids,
            )
        rows = self.env.execute_query(
            SQL(
                """
                SELECT promise.id
                  FROM dunning_promise promise
                  JOIN dunning_promise_account_move_rel rel ON rel.promise_id = promise.id
                  JOIN account_move move ON move.id = rel.move_id
                 WHERE promise.state = 'open'
                   %s
              GROUP BY promise.id
                HAVING ROUND(COALESCE(MAX(promise.amount_residual_start), 0)
                             - SUM(move.amount_residual_signed), 2) >= ROUND(COALESCE(MAX(promise.amount), 0), 2)
                """,
                move_filter,
            )
        )
        kept = self.sudo().browse([row[0] for row in rows])
        if kept:
            # superuser: engine-owned state (see write())
            kept.write({"state": "kept", "state_date": date})
        return kept

    @api.model
    def _dunning_break_overdue(self, date=None):
        """Mark broken the open promises whose date passed before ``date`` (the day after their date)."""
        date = date or fields.Date.context_today(self)
        broken = self.sudo().search([("state", "=", "open"), ("date", "<", date)])
        if broken:
            broken.write({"state": "broken", "state_date": date})
        return broken

    @api.model
    def _cron_check_promises(self):
        """Daily: keep what was paid, break what was not paid by its date. One record that fails
        to get its chatter note does not stop the others."""
        date = fields.Date.context_today(self)
        self._dunning_update_kept(date=date)
        broken = self._dunning_break_overdue(date)
        for promise in broken:
            try:
                with self.env.cr.savepoint():
                    promise.message_post(
                        body=self.env._("The promised date passed: the invoices come back into dunning.")
                    )
            except Exception:
                _logger.exception("Dunning: could not note the broken promise %s", promise.id)
        return True

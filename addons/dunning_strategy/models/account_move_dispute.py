"""Disputes on customer invoices: an invoice in dispute leaves the automatic reminders.

The dispute fields are written only by ``_dunning_open_dispute`` and
``action_dunning_close_dispute``, which first check that the caller is a dunning user (credit
controllers and accountants are): a field readonly in a view is still writable over RPC, so
``write`` refuses them to anyone but the superuser. The engine's selection skips a disputed
invoice in SQL (``dunning.kind.invoice._select_query``).
"""

from odoo import fields, models
from odoo.exceptions import AccessError, UserError

DISPUTE_FIELDS = {"dunning_dispute", "dunning_dispute_reason", "dunning_dispute_user_id", "dunning_dispute_date"}


class AccountMove(models.Model):
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    dunning_dispute = fields.Boolean(
        string="In Dispute",
        copy=False,
        readonly=True,
        tracking=True,
        help="The customer disputes this invoice: it gets no automatic reminder until the dispute is closed.",
    )
    dunning_dispute_reason = fields.Text(string="Dispute Reason", copy=False, readonly=True)
    dunning_dispute_user_id = fields.Many2one(
        "res.users", string="Dispute Responsible", copy=False, readonly=True, tracking=True
    )
    dunning_dispute_date = fields.Date(string="Disputed Since", copy=False, readonly=True)
    dunning_promise_ids = fields.Many2many(
        "dunning.promise",
        "dunning_promise_account_move_rel",
        "move_id",
        "promise_id",
        string="Promises to Pay",
        copy=False,
        readonly=True,
        groups="dunning_strategy.group_dunning_user",
    )
    dunning_promise_open_id = fields.Many2one(
        "dunning.promise",
        string="Open Promise to Pay",
        compute="_compute_dunning_promise_open_id",
        groups="dunning_strategy.group_dunning_user",
    )

    def _compute_dunning_promise_open_id(self):
        for move in self:
            promises = move.dunning_promise_ids.filtered(lambda promise: promise.state == "open")
            move.dunning_promise_open_id = promises.sorted("date")[:1]

    def write(self, vals):
        if not self.env.su and DISPUTE_FIELDS & set(vals):
            raise AccessError(self.env._("Open or close a dispute with the buttons of the invoice."))
        return super().write(vals)

    def _dunning_check_dispute_right(self):
        """Disputes take an invoice out of dunning: credit controllers' and accountants' call."""
        user = self.env.user
        if not (
            self.env.su
            or user.has_group("dunning_strategy.group_dunning_user")
            or user.has_group("account.group_account_invoice")
        ):
            raise AccessError(self.env._("Only dunning users and accountants may open or close a dispute."))
        self.check_access("write")

    def _dunning_open_dispute(self, reason, user=None):
        """Put the invoices in dispute: they leave the automatic reminders, ``user`` (default: the
        invoice's salesperson, else the current user) gets a To-Do activity to settle it."""
        self._dunning_check_dispute_right()
        if not reason or not reason.strip():
            raise UserError(self.env._("Say why the customer disputes the invoice."))
        for move in self:
            if not move._dunning_is_open():
                raise UserError(
                    self.env._(
                        "Only an open posted customer invoice can be disputed: %(invoice)s.",
                        invoice=move.display_name,
                    )
                )
        today = fields.Date.context_today(self)
        for move in self:
            responsible = user or move.invoice_user_id or self.env.user
            # superuser: the dispute fields are written by this method only (see write()); the
            # caller's right was checked above
            move.sudo().write(
                {
                    "dunning_dispute": True,
                    "dunning_dispute_reason": reason,
                    "dunning_dispute_user_id": responsible.id,
                    "dunning_dispute_date": today,
                }
            )
            move.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._("Settle the dispute"),
                note=reason,
                user_id=responsible.id,
            )
            move.message_post(body=self.env._("Dispute opened: %(reason)s", reason=reason))
        return True

    def action_dunning_close_dispute(self):
        """The dispute is settled: the invoices come back into dunning at their step."""
        self._dunning_check_dispute_right()
        disputed = self.filtered("dunning_dispute")
        # superuser: see _dunning_open_dispute (the reason and the responsible stay, as history)
        disputed.sudo().write({"dunning_dispute": False})
        for move in disputed:
            move.activity_feedback(
                ["mail.mail_activity_data_todo"],
                user_id=move.dunning_dispute_user_id.id,
                feedback=self.env._("Dispute closed."),
            )
            move.message_post(body=self.env._("Dispute closed: the invoice comes back into dunning."))
        return True

    def action_dunning_open_dispute_wizard(self):
        self._dunning_check_dispute_right()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Open a Dispute"),
            "res_model": "dunning.dispute.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_move_ids": self.ids},
        }

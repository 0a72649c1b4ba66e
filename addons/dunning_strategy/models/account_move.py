from odoo import api, fields, models
from odoo.exceptions import UserError

# Payment states of an invoice that can still be reminded. Excluded on purpose:
# 'paid' and 'reversed' (nothing due), 'in_payment' (a payment is registered, waiting for the
# bank), 'blocked' (a user froze it, e.g. a dispute), 'invoicing_legacy' (residual unreliable).
DUNNING_OPEN_PAYMENT_STATES = ("not_paid", "partial")


class AccountMove(models.Model):
    _inherit = "account.move"

    dunning_step_id = fields.Many2one(
        "dunning.strategy.step",
        string="Dunning Step",
        compute="_compute_dunning_step_id",
        store=True,
        readonly=False,
        copy=False,
        index="btree_not_null",
        help="Last reminder step reached by this invoice. Reset when its due date changes.",
    )
    dunning_level = fields.Integer(related="dunning_step_id.level", store=True, string="Dunning Level")
    dunning_marker_id = fields.Many2one(related="dunning_step_id.marker_id", string="Dunning Marker")
    # read by the dunning_marker_badge widget, which colours the marker badge without one more request
    dunning_marker_color = fields.Integer(related="dunning_marker_id.color", string="Dunning Marker Colour")
    dunning_step_date_due = fields.Date(
        copy=False,
        readonly=True,
        string="Due Date of the Step",
        help="Due date the current dunning step was counted from (set whenever the step is written).",
    )
    dunning_date = fields.Date(string="Last Reminder", copy=False)
    dunning_excluded = fields.Boolean(
        string="Do Not Remind Automatically",
        copy=False,
        tracking=True,
        help="Never select this invoice in a dunning run.",
    )
    dunning_line_ids = fields.Many2many(
        "dunning.run.line",
        "dunning_run_line_account_move_rel",
        "move_id",
        "line_id",
        string="Reminders",
        copy=False,
        readonly=True,
    )
    dunning_collection_partner_id = fields.Many2one(
        "res.partner",
        string="In Collection With",
        copy=False,
        readonly=True,
        tracking=True,
        index="btree_not_null",
        help="Collection agency or assistant this invoice was handed over to by a dunning step; "
        "it no longer gets automatic reminders.",
    )
    dunning_collection_date = fields.Date(string="Handed Over On", copy=False, readonly=True)
    dunning_fee_move_id = fields.Many2one(
        "account.move",
        string="Late Fee Invoice",
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="Invoice of the French late fees claimed for this invoice (claimed once).",
    )

    dunning_next_date = fields.Date(
        string="Next Reminder",
        compute="_compute_dunning_next_date",
        help="Date at which the next dunning step of this invoice falls due.",
    )
    dunning_to_remind = fields.Boolean(
        string="To Remind",
        compute="_compute_dunning_to_remind",
        search="_search_dunning_to_remind",
        help="A dunning run today would remind this invoice at its next step.",
    )

    @api.depends("invoice_date_due")
    def _compute_dunning_step_id(self):
        # A step counts days from a due date: when that date moves, the invoice starts over
        # (the run lines keep the history). The comparison with the due date the step was
        # reached for matters: this compute is also triggered when core merely recomputes
        # the due date with the same value, e.g. at each reconciliation.
        for move in self:
            if (
                move.dunning_step_id
                and move.dunning_step_date_due
                and move.dunning_step_date_due != move.invoice_date_due
            ):
                move.dunning_step_id = False
            else:
                move.dunning_step_id = move.dunning_step_id

    @api.depends("invoice_date_due", "dunning_step_id", "dunning_date", "dunning_excluded", "payment_state")
    def _compute_dunning_next_date(self):
        dates = self.env["dunning.kind.invoice"]._next_reminder_dates(self.filtered("id"))
        for move in self:
            move.dunning_next_date = dates.get(move, False)

    def _compute_dunning_to_remind(self):
        due_ids = set(self.env["dunning.kind.invoice"]._select_due_move_ids(fields.Date.context_today(self)))
        for move in self:
            move.dunning_to_remind = move._origin.id in due_ids

    def _search_dunning_to_remind(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on the field 'To Remind'."))
        due_ids = self.env["dunning.kind.invoice"]._select_due_move_ids(fields.Date.context_today(self))
        return [("id", "in" if (operator == "=") == value else "not in", due_ids)]

    def write(self, vals):
        res = super().write(vals)
        if "dunning_step_id" in vals and "dunning_step_date_due" not in vals:
            self._dunning_set_step_date_due()
        return res

    def _dunning_set_step_date_due(self):
        """Remember the due date each invoice's step was reached for, in the UPDATE that
        writes the step.

        Every invoice gets its own date: one ORM write per date would be one costly
        ``account.move.write`` per invoice, and a query of its own after the step's UPDATE
        would update every invoice twice. The dates are put in the cache as pending writes,
        as a field assignment does, without one ``write`` per invoice: the flush writes them
        with the step, in one UPDATE for all the invoices.
        """
        moves = self.filtered("id")
        if not moves:
            return
        field = self._fields["dunning_step_date_due"]
        values = [
            field.convert_to_cache(move.invoice_date_due if move.dunning_step_id else False, move) for move in moves
        ]
        self.env.cache.update(moves, field, values, dirty=True)
        moves.modified(["dunning_step_date_due"])

    def _dunning_is_open(self):
        """Whether this invoice can still be reminded (posted, open, something left to pay)."""
        self.ensure_one()
        return (
            self.move_type == "out_invoice"
            and self.state == "posted"
            and self.payment_state in DUNNING_OPEN_PAYMENT_STATES
            and self.currency_id.compare_amounts(self.amount_residual, 0.0) > 0
        )

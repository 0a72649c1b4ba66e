from odoo import api, fields, models
from odoo.exceptions import UserError


class DunningSetStep(models.TransientModel):
    """Mass action on invoices: set the step reached and the last reminder date by hand.

    For customers coming from another tool where reminders were already sent: the next run
    goes on from that step instead of starting over.
    """

    _name = "dunning.set.step"
    _description = "Set Dunning Step"

    move_ids = fields.Many2many(
        "account.move",
        "dunning_set_step_account_move_rel",
        "wizard_id",
        "move_id",
        string="Invoices",
        required=True,
        default=lambda self: self._default_move_ids(),
    )
    move_count = fields.Integer(string="Invoice Count", compute="_compute_move_count")
    strategy_id = fields.Many2one(
        "dunning.strategy",
        string="Strategy",
        default=lambda self: self.env.company.dunning_strategy_id,
        domain="[('company_id', 'in', allowed_company_ids)]",
    )
    step_id = fields.Many2one(
        "dunning.strategy.step",
        string="Step Reached",
        domain="[('strategy_id', '=', strategy_id)]",
        help="Leave empty to reset the invoices: the next run starts from the first step.",
    )
    date = fields.Date(
        string="Last Reminder",
        default=fields.Date.context_today,
        help="Date of the last reminder sent; the minimum intervals of the next steps count from it.",
    )

    @api.model
    def _default_move_ids(self):
        if self.env.context.get("active_model") != "account.move":
            return self.env["account.move"]
        return self.env["account.move"].browse(self.env.context.get("active_ids") or [])

    @api.depends("move_ids")
    def _compute_move_count(self):
        for wizard in self:
            wizard.move_count = len(wizard.move_ids)

    def action_apply(self):
        """Write the step and date on the invoices, after checking they can carry them."""
        self.ensure_one()
        self._check_moves()
        if self.step_id and self.date and self.date > fields.Date.context_today(self):
            raise UserError(self.env._("The last reminder date cannot be in the future."))
        self.move_ids.write(
            {
                "dunning_step_id": self.step_id.id,
                "dunning_date": self.date if self.step_id else False,
            }
        )
        return {"type": "ir.actions.act_window_close"}

    def _check_moves(self):
        moves = self.move_ids
        if not moves:
            raise UserError(self.env._("Select the invoices to update."))
        not_invoices = moves.filtered(lambda move: move.move_type != "out_invoice" or move.state != "posted")
        if not_invoices:
            raise UserError(
                self.env._(
                    "Only posted customer invoices can carry a dunning step: %(moves)s.",
                    moves=", ".join(not_invoices.mapped("display_name")),
                )
            )
        if self.step_id:
            other_company = moves.filtered(lambda move: move.company_id != self.step_id.company_id)
            if other_company:
                raise UserError(
                    self.env._(
                        "The step %(step)s belongs to the company %(company)s, unlike the invoices %(moves)s.",
                        step=self.step_id.name,
                        company=self.step_id.company_id.name,
                        moves=", ".join(other_company.mapped("display_name")),
                    )
                )

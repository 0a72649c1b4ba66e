from odoo import api, fields, models


class DunningDisputeWizard(models.TransientModel):
    """Open a dispute on invoices: why, and who settles it."""

    _name = "dunning.dispute.wizard"
    _description = "Open a Dispute"

    move_ids = fields.Many2many("account.move", string="Invoices", required=True)
    reason = fields.Text(required=True, help="What the customer disputes, in a few words.")
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        domain="[('share', '=', False)]",
        help="Who settles the dispute; gets a To-Do activity. Empty: the invoice's salesperson.",
    )

    @api.onchange("move_ids")
    def _onchange_move_ids(self):
        if not self.user_id:
            self.user_id = self.move_ids[:1].invoice_user_id or self.env.user

    def action_open_dispute(self):
        self.ensure_one()
        self.move_ids._dunning_open_dispute(self.reason, user=self.user_id or None)
        return {"type": "ir.actions.act_window_close"}

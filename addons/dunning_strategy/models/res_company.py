from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    dunning_strategy_id = fields.Many2one(
        "dunning.strategy",
        string="Default Dunning Strategy",
        domain="[('company_id', '=', id)]",
        help="Strategy applied to the customers of this company that have no strategy of their own.",
    )

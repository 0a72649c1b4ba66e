from odoo import fields, models


class DunningRun(models.Model):
    _inherit = "dunning.run"

    scope = fields.Selection(related="strategy_id.scope", store=True, index=True, precompute=True)

from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    dunning_quotation_strategy_id = fields.Many2one(related="company_id.dunning_quotation_strategy_id", readonly=False)
    dunning_quotation_delay = fields.Integer(related="company_id.dunning_quotation_delay", readonly=False)
    dunning_quotation_lost_days = fields.Integer(related="company_id.dunning_quotation_lost_days", readonly=False)
    dunning_quotation_attach_files = fields.Boolean(related="company_id.dunning_quotation_attach_files", readonly=False)

from odoo import fields, models


class DunningLaunch(models.TransientModel):
    _inherit = "dunning.launch"

    # the launch wizard lists customers and their invoices: quotation strategies are followed up
    # from the sales screens (mass follow-up, manual follow-up)
    strategy_id = fields.Many2one(domain="[('company_id', 'in', allowed_company_ids), ('scope', '=', 'invoice')]")

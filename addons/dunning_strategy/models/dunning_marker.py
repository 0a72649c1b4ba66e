from odoo import fields, models


class DunningMarker(models.Model):
    """A coloured label telling at a glance where a customer stands (e.g. "Relance 1")."""

    _name = "dunning.marker"
    _description = "Dunning Marker"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    color = fields.Integer(help="Colour of the badge shown on customers and invoices.")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        string="Company",
        index=True,
        help="Leave empty to share the marker between companies.",
    )

from odoo import fields, models


class ExchangeMode(models.Model):
    """How an exchange took place: phone, email, meeting... A configurable list."""

    _name = "exchange.mode"
    _description = "Exchange Mode"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    color = fields.Integer()
    icon = fields.Char(help="Font Awesome icon shown on the exchange cards, e.g. fa-phone.")
    company_id = fields.Many2one(
        "res.company",
        string="Company",
        index=True,
        help="Leave empty to share this mode between all companies.",
    )

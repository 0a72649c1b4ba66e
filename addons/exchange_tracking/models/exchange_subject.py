from odoo import fields, models


class ExchangeSubject(models.Model):
    """Why an exchange took place: prospecting, invoice reminder... A configurable list."""

    _name = "exchange.subject"
    _description = "Exchange Subject"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    color = fields.Integer()
    company_id = fields.Many2one(
        "res.company",
        string="Company",
        index=True,
        help="Leave empty to share this subject between all companies.",
    )

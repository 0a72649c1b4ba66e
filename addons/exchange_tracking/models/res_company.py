from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    exchange_default_mode_id = fields.Many2one(
        "exchange.mode",
        string="Default Exchange Mode",
        check_company=True,
    )
    exchange_default_subject_id = fields.Many2one(
        "exchange.subject",
        string="Default Exchange Subject",
        check_company=True,
    )
    # The relation table of the former "default products", whose rows are this list now.
    exchange_product_ids = fields.Many2many(
        "product.product",
        "res_company_exchange_product_rel",
        "company_id",
        "product_id",
        string="Products of Exchanges",
        check_company=True,
        help="The products an exchange may be about. Empty: any product.",
    )
    exchange_shared = fields.Boolean(
        string="Exchanges Shared with All Companies",
        help="New exchanges logged in this company get no company: every company sees them.",
    )
    exchange_followup_past_days = fields.Integer(
        string="Past Follow-ups Shown (days)",
        default=7,
        help="“My upcoming follow-ups” also shows the follow-ups of the last N days.",
    )

    @api.constrains("exchange_followup_past_days")
    def _check_exchange_followup_past_days(self):
        for company in self:
            if company.exchange_followup_past_days < 0:
                raise ValidationError(self.env._("The number of days of past follow-ups to show cannot be negative."))

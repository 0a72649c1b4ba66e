from odoo import api, fields, models
from odoo.exceptions import ValidationError

DEFAULT_FOLLOWUP_DELAY = 15
DEFAULT_LOST_DAYS = 30
# ten years: beyond, the dates computed from these delays overflow
MAX_DELAY_DAYS = 3650


class ResCompany(models.Model):
    _inherit = "res.company"

    # the engine's default strategy reminds invoices: offer invoice strategies only
    dunning_strategy_id = fields.Many2one(domain="[('company_id', '=', id), ('scope', '=', 'invoice')]")
    dunning_quotation_strategy_id = fields.Many2one(
        "dunning.strategy",
        string="Default Quotation Follow-up Strategy",
        domain="[('company_id', '=', id), ('scope', '=', 'quotation')]",
        help="Strategy following up the quotations of this company that have no strategy of their own.",
    )
    dunning_quotation_delay = fields.Integer(
        string="Next Follow-up After (days)",
        default=DEFAULT_FOLLOWUP_DELAY,
        help="Default next follow-up date of a quotation: this many days after a follow-up by hand, "
        "or after the last step of its strategy.",
    )
    dunning_quotation_lost_days = fields.Integer(
        string="Lost After Expiration (days)",
        default=DEFAULT_LOST_DAYS,
        help="A sent quotation whose expiration date passed more than this many days ago is considered "
        "lost: it is no longer open for follow-ups.",
    )
    dunning_quotation_attach_files = fields.Boolean(
        string="Also Attach the Quotation's Files",
        help="Follow-up emails also carry the PDF files attached to the quotation (a signed copy, the "
        "quotation as sent...), besides the quotation printed for the follow-up (the steps' option "
        "'Attach the Quotation'). Other files are never sent.",
    )

    @api.constrains("dunning_quotation_delay", "dunning_quotation_lost_days")
    def _check_dunning_quotation_days(self):
        for company in self:
            if company.dunning_quotation_delay < 1 or company.dunning_quotation_lost_days < 0:
                raise ValidationError(
                    self.env._(
                        "The next follow-up delay must be at least one day and the lost delay cannot be negative."
                    )
                )
            if max(company.dunning_quotation_delay, company.dunning_quotation_lost_days) > MAX_DELAY_DAYS:
                raise ValidationError(
                    self.env._(
                        "The follow-up delays cannot exceed %(max)s days (ten years).",
                        max=MAX_DELAY_DAYS,
                    )
                )

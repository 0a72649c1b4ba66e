from odoo import fields, models


# one concern per file of the same _inherit, as core splits account.move (see STYLE.md)
class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    dunning_digest = fields.Boolean(
        string="Weekly Dunning Digest",
        help="Every week, email the chosen users the overdue amounts, the largest overdue customers, "
        "the promises falling due and the failed reminders of the week.",
    )
    dunning_digest_user_ids = fields.Many2many(
        "res.users",
        "dunning_digest_company_user_rel",
        "company_id",
        "user_id",
        string="Digest Recipients",
    )

from odoo import api, fields, models
from odoo.tools import SQL

from .customer_history_sql import customer_history_ctes

FIGURES = ("dunning_avg_days_late", "dunning_reminder_count_12m")


# one concern per file of the same _inherit, as core splits account.move (see STYLE.md)
class ResPartner(models.Model):
    """The customer's dunning figures in the current company, for its dunning tab."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    # computed in SQL without record rules: shown to credit controllers only. Total due, overdue
    # and oldest days late are the follow-up page's (res_partner_followup.py, from the situation).
    dunning_avg_days_late = fields.Float(
        string="Average Days Late (12 Months)",
        digits=(16, 1),
        compute="_compute_dunning_figures",
        groups="dunning_strategy.group_dunning_user",
        help="Days late of the invoices paid in full in the last 12 months, weighted by their amount.",
    )
    dunning_reminder_count_12m = fields.Integer(
        string="Reminders (12 Months)",
        compute="_compute_dunning_figures",
        groups="dunning_strategy.group_dunning_user",
    )

    @api.depends_context("company")
    def _compute_dunning_figures(self):
        """One query for all the partners of ``self`` (their commercial partners), in the current
        company: the 12 months' payment and reminder history."""
        company = self.env.company
        partners = self.commercial_partner_id.filtered("id")
        figures = {}
        if partners:
            today = fields.Date.context_today(self)
            for model in ("account.move", "account.move.line", "account.partial.reconcile", "dunning.run.line"):
                self.env[model].flush_model()
            rows = self.env.execute_query_dict(
                SQL(
                    """
                    WITH %(history)s
                    SELECT partner.id AS partner_id,
                           paid_12m.avg_days_late AS dunning_avg_days_late,
                           reminders_12m.reminder_count AS dunning_reminder_count_12m
                      FROM res_partner partner
                 LEFT JOIN paid_12m ON paid_12m.partner_id = partner.id AND paid_12m.company_id = %(company)s
                 LEFT JOIN reminders_12m ON reminders_12m.partner_id = partner.id
                                        AND reminders_12m.company_id = %(company)s
                     WHERE partner.id IN %(partners)s
                    """,
                    partners=tuple(partners.ids),
                    company=company.id,
                    history=customer_history_ctes(SQL("%s::date", today), partners.ids),
                )
            )
            figures = {row.pop("partner_id"): row for row in rows}
        for partner in self:
            row = figures.get(partner.commercial_partner_id.id, {})
            for name in FIGURES:
                partner[name] = row.get(name) or 0

    def action_dunning_statement_xlsx(self):
        """Download the statements of account of these customers as one XLSX workbook."""
        return self.env["dunning.statement.xlsx"]._action_download(self)

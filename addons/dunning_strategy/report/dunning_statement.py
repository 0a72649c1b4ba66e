from odoo import api, fields, models
from odoo.exceptions import AccessError

from ..tools.late_fees import days_late


class ReportDunningStatement(models.AbstractModel):
    """Statement of account of a customer: its open receivable items, their residuals and the
    total due. Printed as HTML from the customer (Print menu) and attached to reminders as a
    PDF laid out by WeasyPrint (see ``dunning.document``)."""

    _name = "report.dunning_strategy.report_dunning_statement"
    _description = "Dunning Statement of Account"

    @api.model
    def _get_report_values(self, docids, data=None):
        partners = self.env["res.partner"].browse(docids)
        # the statement reads receivables as superuser (below): only credit controllers may
        # print it, on customers they may read (the report's group only hides the menu)
        if not self.env.su and not self.env.user.has_group("dunning_strategy.group_dunning_user"):
            raise AccessError(self.env._("Only credit controllers may print a statement of account."))
        partners.check_access("read")
        date = fields.Date.to_date((data or {}).get("date")) or fields.Date.context_today(self)
        company = self.env.company
        return {
            "doc_ids": docids,
            "doc_model": "res.partner",
            "docs": partners,
            "statements": {
                partner.id: self._statement_values(partner.commercial_partner_id, company, date) for partner in partners
            },
        }

    @api.model
    def _statement_values(self, partner, company, date):
        """Values of the template ``report_dunning_statement_document``: the open receivable
        items of ``partner`` (a commercial partner) in ``company`` at ``date``, oldest due first,
        with their residual in the company currency, days late and totals."""
        # superuser: credit controllers need not hold accounting rights; the caller's right was
        # checked in _get_report_values, and the items are those of one customer and company
        items = (
            self.env["account.move.line"]
            .sudo()
            .search(
                [
                    ("partner_id", "=", partner.id),
                    ("company_id", "=", company.id),
                    ("account_id.account_type", "=", "asset_receivable"),
                    ("parent_state", "=", "posted"),
                    ("reconciled", "=", False),
                    ("amount_residual", "!=", 0),
                ],
                order="date_maturity, date, id",
            )
        )
        currency = company.currency_id
        rows = []
        for item in items:
            due = item.date_maturity or item.date
            rows.append(
                {
                    "number": item.move_id.name,
                    "reference": item.move_id.ref or "",
                    "date": item.move_id.invoice_date or item.date,
                    "date_due": due,
                    "amount": item.balance,
                    "residual": item.amount_residual,
                    "days_late": days_late(due, date) if item.amount_residual > 0 else 0,
                    "disputed": item.move_id.dunning_dispute,
                }
            )
        total = currency.round(sum(row["residual"] for row in rows))
        overdue = currency.round(sum(row["residual"] for row in rows if row["days_late"] > 0))
        # disputed invoices are still due, but shown apart: the customer contests them
        disputed = currency.round(sum(row["residual"] for row in rows if row["disputed"]))
        return {
            "partner": partner,
            "company": company,
            "date": date,
            "currency": currency,
            "rows": rows,
            "total": total,
            "overdue_total": overdue,
            "disputed_total": disputed,
        }

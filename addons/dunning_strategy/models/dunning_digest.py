import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools.reconciliation import INVOICE_PARTIALS_SQL

_logger = logging.getLogger(__name__)

# the age buckets of the digest, in their order
DIGEST_BUCKETS = ["1_30", "31_60", "61_90", "90_more"]


class DunningDigest(models.AbstractModel):
    """The weekly digest of the credit controllers: overdue amounts by age and their change
    since last week, the 10 largest overdue customers, the promises falling due this week and the
    failed reminders of the week, emailed to the users each company chose."""

    _name = "dunning.digest"
    _description = "Weekly Dunning Digest"

    @api.model
    def _cron_send_digest(self):
        """Send each company's digest; a company that fails is logged and the others go on."""
        failed = []
        for company in self.env["res.company"].search([("dunning_digest", "=", True)]):
            try:
                with self.env.cr.savepoint():
                    self._send_digest(company)
            except Exception:
                _logger.exception("Dunning digest of the company %s (id %s) failed.", company.name, company.id)
                failed.append(company)
        return failed

    @api.model
    def _send_digest(self, company, today=None):
        """Create the digest email of ``company`` to its chosen users (nothing without users)."""
        users = company.dunning_digest_user_ids.filtered("active")
        if not users:
            return self.env["mail.mail"]
        template = self.env.ref("dunning_strategy.mail_template_dunning_digest")
        values = self._digest_values(company, today or fields.Date.context_today(self))
        mail_id = template.with_context(dunning_digest=values).send_mail(
            company.id, email_values={"recipient_ids": [fields.Command.set(users.partner_id.ids)]}
        )
        return self.env["mail.mail"].browse(mail_id)

    @api.model
    def _overdue_buckets(self, company, cutoff):
        """Overdue amounts of ``company``'s customer invoices at ``cutoff`` by age bucket: the
        residual at a date is the total minus the partial reconciliations dated on or before it
        (same rule as the receivables health)."""
        for model in ("account.move", "account.move.line", "account.partial.reconcile"):
            self.env[model].flush_model()
        [row] = self.env.execute_query_dict(
            SQL(
                """
                WITH partials AS (%(partials)s),
                residuals AS (
                    SELECT %(cutoff)s - move.invoice_date_due AS days,
                           move.amount_total_signed - COALESCE(SUM(partials.amount), 0) AS residual
                      FROM account_move move
                 LEFT JOIN partials ON partials.move_id = move.id AND partials.date <= %(cutoff)s
                     WHERE move.company_id = %(company)s AND move.move_type = 'out_invoice'
                       AND move.state = 'posted' AND move.invoice_date <= %(cutoff)s
                  GROUP BY move.id
                )
                SELECT COALESCE(SUM(residual) FILTER (WHERE days BETWEEN 1 AND 30), 0) AS "1_30",
                       COALESCE(SUM(residual) FILTER (WHERE days BETWEEN 31 AND 60), 0) AS "31_60",
                       COALESCE(SUM(residual) FILTER (WHERE days BETWEEN 61 AND 90), 0) AS "61_90",
                       COALESCE(SUM(residual) FILTER (WHERE days > 90), 0) AS "90_more"
                  FROM residuals
                 WHERE residual > 0
                """,
                partials=SQL(INVOICE_PARTIALS_SQL),
                cutoff=cutoff,
                company=company.id,
            )
        )
        return row

    @api.model
    def _digest_values(self, company, today):
        currency = company.currency_id
        week_start = today - timedelta(days=6)
        now, before = self._overdue_buckets(company, today), self._overdue_buckets(company, today - timedelta(days=7))
        labels = {
            "1_30": self.env._("1-30 days"),
            "31_60": self.env._("31-60 days"),
            "61_90": self.env._("61-90 days"),
            "90_more": self.env._("Over 90 days"),
        }
        buckets = [
            {"label": labels[key], "amount": now[key], "change": now[key] - before[key]} for key in DIGEST_BUCKETS
        ]
        buckets.append(
            {
                "label": self.env._("Total overdue"),
                "amount": sum(now.values()),
                "change": sum(now.values()) - sum(before.values()),
            }
        )
        top = self.env["dunning.customer.situation"].search(
            [("company_id", "=", company.id), ("amount_overdue", ">", 0)], order="amount_overdue desc", limit=10
        )
        promises = []
        if "dunning.promise" in self.env:
            promises = [
                {"partner": promise.partner_id.display_name, "date": promise.date, "amount": promise.amount}
                for promise in self.env["dunning.promise"].search(
                    [
                        ("company_id", "=", company.id),
                        ("state", "=", "open"),
                        ("date", ">=", today),
                        ("date", "<=", today + timedelta(days=6)),
                    ],
                    order="date, id",
                )
            ]
        failed = self.env["dunning.run.line"].search(
            [
                ("company_id", "=", company.id),
                ("state", "=", "failed"),
                ("date", ">=", week_start),
                ("date", "<=", today),
            ]
        )
        return {
            "date": today,
            "currency": currency,
            "buckets": buckets,
            "top": [
                {"partner": row.partner_id.display_name, "amount": row.amount_overdue, "days": row.days_late}
                for row in top
            ],
            "has_promise_model": "dunning.promise" in self.env,
            "promises": promises,
            "failed": [
                {"partner": line.partner_id.display_name, "date": line.date, "error": line.error or ""}
                for line in failed
            ],
        }

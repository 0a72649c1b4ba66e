from odoo import fields, models
from odoo.tools import SQL

from ..tools.reconciliation import INVOICE_PARTIALS_SQL


class DunningReceivablesHealth(models.Model):
    """Health of the receivables: one row per company and month, in company currency.

    The cut-off of a month is its last day, or today for the current month. Receivables are the
    posted customer invoices (credit notes count through their reconciliation with the invoices):
    an invoice's residual at a date is its total minus its partial reconciliations dated on or
    before that date.

    - DSO = open receivables at the cut-off / invoiced over the 90 days ending at the cut-off x 90.
    - Overdue by age at the cut-off: not due, 1-30, 31-60, 61-90, over 90 days after the due date.
    - Average days late of the invoices paid in full in the month, weighted by their amount.
    - Promise-kept ratio: of the promises to pay due in the month that are kept or broken, the
      share kept.

    DSO and the average days late are ratios: each row computes its own, and the pivot averages
    them (``aggregator="avg"``); their numerators and denominators are measures too, for those
    who want the ratio of a total rather than the average of the ratios (see the readme)."""

    _name = "dunning.receivables.health"
    _description = "Receivables Health"
    _auto = False
    _order = "month desc, company_id"
    _rec_name = "month"
    _depends = {
        "account.move": [
            "move_type",
            "state",
            "company_id",
            "invoice_date",
            "invoice_date_due",
            "amount_total_signed",
            "amount_residual",
        ],
        "account.move.line": ["move_id", "display_type"],
        "account.partial.reconcile": ["debit_move_id", "amount", "max_date"],
        "res.company": ["currency_id"],
        "dunning.promise": ["company_id", "date", "state"],
    }

    company_id = fields.Many2one("res.company", string="Company", readonly=True)
    currency_id = fields.Many2one("res.currency", string="Currency", readonly=True)
    month = fields.Date(string="Month", readonly=True)
    cutoff_date = fields.Date(string="Cut-off Date", readonly=True, help="Last day of the month, or today.")
    open_amount = fields.Monetary(string="Open Receivables", readonly=True)
    invoiced_90 = fields.Monetary(string="Invoiced (90 Days)", readonly=True)
    dso = fields.Float(string="DSO", readonly=True, aggregator="avg", digits=(16, 1), help="Days sales outstanding.")
    amount_not_due = fields.Monetary(string="Not Due", readonly=True)
    amount_1_30 = fields.Monetary(string="1-30 Days", readonly=True)
    amount_31_60 = fields.Monetary(string="31-60 Days", readonly=True)
    amount_61_90 = fields.Monetary(string="61-90 Days", readonly=True)
    amount_90_more = fields.Monetary(string="Over 90 Days", readonly=True)
    amount_overdue = fields.Monetary(string="Overdue", readonly=True)
    paid_amount = fields.Monetary(string="Paid in the Month", readonly=True)
    paid_days_late_amount = fields.Float(
        string="Days Late x Amount Paid", readonly=True, help="Numerator of the weighted average days late."
    )
    avg_days_late = fields.Float(
        string="Average Days Late",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="Days late of the invoices paid in full in the month, weighted by their amount.",
    )

    promise_kept = fields.Integer(string="Promises Kept", readonly=True)
    promise_broken = fields.Integer(string="Promises Broken", readonly=True)
    promise_kept_ratio = fields.Float(
        string="Promise-Kept Ratio",
        readonly=True,
        aggregator="avg",
        digits=(16, 2),
        help="Of the promises to pay due in the month and decided (kept or broken), the share kept.",
    )

    def init(self):
        # stored: see dunning.analytics.snapshot
        self.env["dunning.analytics.snapshot"]._create_snapshot(
            self._table,
            SQL(
                """
                    WITH today AS (SELECT (NOW() AT TIME ZONE 'UTC')::date AS day),
                    invoices AS (
                        SELECT move.id, move.company_id, move.invoice_date, move.invoice_date_due,
                               move.amount_total_signed AS amount, move.amount_residual
                          FROM account_move move
                         WHERE move.move_type = 'out_invoice' AND move.state = 'posted'
                           AND move.invoice_date IS NOT NULL
                    ),
                    partials AS (%(partials)s),
                    paid AS (
                        SELECT partials.move_id, MAX(partials.date) AS date
                          FROM partials
                          JOIN invoices ON invoices.id = partials.move_id
                         WHERE invoices.amount_residual = 0
                      GROUP BY partials.move_id
                    ),
                    months AS (
                        SELECT company_id, month::date,
                               LEAST((month + INTERVAL '1 month - 1 day')::date, today.day) AS cutoff
                          FROM (SELECT company_id, MIN(invoice_date) AS first FROM invoices GROUP BY company_id) f
                    CROSS JOIN today
                    CROSS JOIN generate_series(date_trunc('month', f.first), date_trunc('month', today.day),
                                               INTERVAL '1 month') month
                    ),
                    -- every invoice at every cut-off at which it was issued and not yet paid in full:
                    -- the months from its issue to the one before its full payment (or this one)
                    open_at AS (
                        SELECT invoices.company_id, open_month::date AS month,
                               LEAST((open_month + INTERVAL '1 month - 1 day')::date, today.day) AS cutoff,
                               invoices.id, invoices.amount,
                               LEAST((open_month + INTERVAL '1 month - 1 day')::date, today.day)
                                   - invoices.invoice_date_due AS days
                          FROM invoices
                     LEFT JOIN paid ON paid.move_id = invoices.id
                    CROSS JOIN today
                    CROSS JOIN generate_series(
                                   date_trunc('month', invoices.invoice_date),
                                   COALESCE(date_trunc('month', paid.date) - INTERVAL '1 month',
                                            date_trunc('month', today.day)),
                                   INTERVAL '1 month') open_month
                    ),
                    residual_at AS (
                        SELECT open_at.company_id, open_at.month, open_at.days,
                               open_at.amount - COALESCE(SUM(partials.amount), 0) AS residual
                          FROM open_at
                     LEFT JOIN partials ON partials.move_id = open_at.id AND partials.date <= open_at.cutoff
                      GROUP BY open_at.company_id, open_at.month, open_at.cutoff, open_at.id,
                               open_at.amount, open_at.days
                    ),
                    ages AS (
                        SELECT company_id, month,
                               SUM(residual) AS open_amount,
                               SUM(residual) FILTER (WHERE days <= 0) AS amount_not_due,
                               SUM(residual) FILTER (WHERE days BETWEEN 1 AND 30) AS amount_1_30,
                               SUM(residual) FILTER (WHERE days BETWEEN 31 AND 60) AS amount_31_60,
                               SUM(residual) FILTER (WHERE days BETWEEN 61 AND 90) AS amount_61_90,
                               SUM(residual) FILTER (WHERE days > 90) AS amount_90_more
                          FROM residual_at
                      GROUP BY company_id, month
                    ),
                    daily AS (
                        SELECT company_id, invoice_date, SUM(amount) AS amount
                          FROM invoices GROUP BY company_id, invoice_date
                    ),
                    sales AS (
                        SELECT months.company_id, months.month, SUM(daily.amount) AS invoiced_90
                          FROM months
                          JOIN daily ON daily.company_id = months.company_id
                                    AND daily.invoice_date > months.cutoff - 90
                                    AND daily.invoice_date <= months.cutoff
                      GROUP BY months.company_id, months.month
                    ),
                    payments AS (
                        SELECT invoices.company_id, date_trunc('month', paid.date)::date AS month,
                               SUM(invoices.amount) AS paid_amount,
                               SUM(invoices.amount * GREATEST(paid.date - invoices.invoice_date_due, 0))
                                   AS paid_days_late_amount
                          FROM paid
                          JOIN invoices ON invoices.id = paid.move_id
                      GROUP BY invoices.company_id, date_trunc('month', paid.date)
                    ),
                    promises AS (
                        -- promises due in the month, decided: kept or broken
                        SELECT company_id, date_trunc('month', date)::date AS month,
                               COUNT(*) FILTER (WHERE state = 'kept') AS kept,
                               COUNT(*) FILTER (WHERE state = 'broken') AS broken
                          FROM dunning_promise
                      GROUP BY company_id, date_trunc('month', date)
                    )
                    -- a stable id per company and month
                    SELECT months.company_id::bigint * 100000
                               + EXTRACT(YEAR FROM months.month)::int * 12 + EXTRACT(MONTH FROM months.month)::int AS id,
                           months.company_id, company.currency_id, months.month, months.cutoff AS cutoff_date,
                           COALESCE(ages.open_amount, 0) AS open_amount,
                           COALESCE(sales.invoiced_90, 0) AS invoiced_90,
                           CASE WHEN sales.invoiced_90 > 0
                                THEN COALESCE(ages.open_amount, 0) / sales.invoiced_90 * 90 END AS dso,
                           COALESCE(ages.amount_not_due, 0) AS amount_not_due,
                           COALESCE(ages.amount_1_30, 0) AS amount_1_30,
                           COALESCE(ages.amount_31_60, 0) AS amount_31_60,
                           COALESCE(ages.amount_61_90, 0) AS amount_61_90,
                           COALESCE(ages.amount_90_more, 0) AS amount_90_more,
                           COALESCE(ages.open_amount, 0) - COALESCE(ages.amount_not_due, 0) AS amount_overdue,
                           COALESCE(payments.paid_amount, 0) AS paid_amount,
                           COALESCE(payments.paid_days_late_amount, 0) AS paid_days_late_amount,
                           CASE WHEN payments.paid_amount > 0
                                THEN payments.paid_days_late_amount / payments.paid_amount END AS avg_days_late,
                           COALESCE(promises.kept, 0) AS promise_kept,
                           COALESCE(promises.broken, 0) AS promise_broken,
                           promises.kept::float / NULLIF(promises.kept + promises.broken, 0) AS promise_kept_ratio
                      FROM months
                      JOIN res_company company ON company.id = months.company_id
                 LEFT JOIN ages ON ages.company_id = months.company_id AND ages.month = months.month
                 LEFT JOIN sales ON sales.company_id = months.company_id AND sales.month = months.month
                 LEFT JOIN payments ON payments.company_id = months.company_id AND payments.month = months.month
                 LEFT JOIN promises ON promises.company_id = months.company_id AND promises.month = months.month
                """,
                partials=SQL(INVOICE_PARTIALS_SQL),
            ),
        )

from datetime import date, timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .analytics_common import DunningHistoryCommon


@tagged("post_install", "-at_install")
class TestReceivablesHealth(DunningHistoryCommon):
    """DSO, ageing at month end and weighted days late, and the customer's figures, against a
    hand computation on the history of ``DunningHistoryCommon``."""

    def setUp(self):
        super().setUp()
        self._build_history()

    def _months(self):
        self.env["dunning.analytics.snapshot"]._refresh_analytics()
        rows = self.env["dunning.receivables.health"].search([("company_id", "=", self.company.id)])
        return {row.month: row for row in rows}

    def test_dso_and_ageing_per_month(self):
        months = self._months()
        # open at the cut-off: (not due, 1-30, 31-60, 61-90, 90+); invoiced over the 90 days to the cut-off
        expected = {
            # Dec 31: B1 2000 not due; invoiced B1 2000 -> DSO 2000 / 2000 x 90
            date(2025, 12, 1): ((2000, 0, 0, 0, 0), 2000, 90.0),
            # Jan 31: A1 600 (1000 - 400 on 01-25, due that day: not due), D1 3000, C1 500 not due,
            # B1 2000 11 days late; invoiced all four 6500 -> 6100 / 6500 x 90
            date(2026, 1, 1): ((4100, 2000, 0, 0, 0), 6500, 6100 / 6500 * 90),
            # Feb 28: A1 and D1 paid; C1 27 days, B1 39 days; invoiced since Nov 30: 6500
            date(2026, 2, 1): ((0, 500, 2000, 0, 0), 6500, 2500 / 6500 * 90),
            # Mar 31: C1 58 days, B1 70 days; invoiced after Dec 31: A1 + D1 + C1 = 4500
            date(2026, 3, 1): ((0, 0, 500, 2000, 0), 4500, 2500 / 4500 * 90),
            # Apr 30: B1 paid; C1 88 days; nothing invoiced after Jan 30: no DSO
            date(2026, 4, 1): ((0, 0, 0, 500, 0), 0, 0.0),
        }
        for month, (buckets, invoiced, dso) in expected.items():
            row = months[month]
            got = (row.amount_not_due, row.amount_1_30, row.amount_31_60, row.amount_61_90, row.amount_90_more)
            self.assertEqual(got, buckets, month)
            self.assertEqual(row.open_amount, sum(buckets), month)
            self.assertEqual(row.amount_overdue, sum(buckets[1:]), month)
            self.assertEqual(row.invoiced_90, invoiced, month)
            self.assertAlmostEqual(row.dso, dso, places=4, msg=month)
        # May 31: C1 119 days late
        self.assertEqual(months[date(2026, 5, 1)].amount_90_more, 500)
        self.assertEqual(months[date(2026, 1, 1)].cutoff_date, date(2026, 1, 31))
        current = fields.Date.today().replace(day=1)
        self.assertEqual(months[current].cutoff_date, fields.Date.today())

    def test_weighted_days_late_of_the_invoices_paid_in_the_month(self):
        months = self._months()
        # February: A1 1000 paid 02-20, 20 days late; D1 3000 paid 02-15, on time -> 20 x 1000 / 4000
        self.assertEqual(months[date(2026, 2, 1)].paid_amount, 4000)
        self.assertAlmostEqual(months[date(2026, 2, 1)].avg_days_late, 5.0)
        # April: B1 2000 paid 04-01, 71 days late
        self.assertAlmostEqual(months[date(2026, 4, 1)].avg_days_late, 71.0)
        self.assertEqual(months[date(2026, 3, 1)].avg_days_late, 0.0)

    def test_pivot_averages_the_ratios_and_sums_their_parts(self):
        domain = [("company_id", "=", self.company.id), ("month", ">=", "2026-01-01"), ("month", "<=", "2026-03-31")]
        [(dso, open_amount, invoiced)] = self.env["dunning.receivables.health"]._read_group(
            domain, [], ["dso:avg", "open_amount:sum", "invoiced_90:sum"]
        )
        self.assertAlmostEqual(dso, (6100 / 6500 + 2500 / 6500 + 2500 / 4500) * 90 / 3, places=4)
        self.assertEqual((open_amount, invoiced), (11100, 17500))
        field = self.env["dunning.receivables.health"]._fields["dso"]
        self.assertEqual(field.aggregator, "avg")

    def test_promise_kept_ratio(self):
        Promise = self.env["dunning.promise"]
        vals = {"partner_id": self.charlie.id, "company_id": self.company.id, "invoice_ids": [(6, 0, self.c1.ids)]}
        # March: 2 kept, 1 broken, 1 still open (not counted) -> 2 / 3; April: 1 broken -> 0
        states = [
            ("2026-03-05", "kept"),
            ("2026-03-12", "kept"),
            ("2026-03-20", "broken"),
            ("2026-03-28", "open"),
            ("2026-04-10", "broken"),
        ]
        for day, state in states:
            promise = Promise.create({**vals, "date": day, "amount": 100.0})
            if state != "open":
                promise.sudo().write({"state": state})  # engine-owned state, as the engine sets it
        months = self._months()
        self.assertAlmostEqual(months[date(2026, 3, 1)].promise_kept_ratio, 2 / 3)
        self.assertEqual((months[date(2026, 3, 1)].promise_kept, months[date(2026, 3, 1)].promise_broken), (2, 1))
        self.assertEqual(months[date(2026, 4, 1)].promise_kept_ratio, 0.0)
        self.assertEqual(months[date(2026, 4, 1)].promise_broken, 1)

    def test_customer_figures(self):
        today = fields.Date.today()
        year_ago = today - timedelta(days=365)

        def weighted(items):  # [(amount, days late, payment date)] paid within the 12 months
            items = [(amount, days) for amount, days, paid in items if paid > year_ago]
            total = sum(amount for amount, _days in items)
            return sum(amount * days for amount, days in items) / total if total else 0.0

        def reminders(dates):
            return len([day for day in dates if day > year_ago])

        alpha, bravo, charlie = (p.with_company(self.company) for p in (self.alpha, self.bravo, self.charlie))
        self.assertEqual((alpha.dunning_amount_due, alpha.dunning_amount_overdue, alpha.dunning_days_late), (0, 0, 0))
        self.assertAlmostEqual(
            alpha.dunning_avg_days_late, weighted([(1000, 20, date(2026, 2, 20)), (3000, 0, date(2026, 2, 15))])
        )
        self.assertEqual(alpha.dunning_reminder_count_12m, reminders([date(2026, 2, 10)]))
        self.assertAlmostEqual(bravo.dunning_avg_days_late, weighted([(2000, 71, date(2026, 4, 1))]))
        self.assertEqual(bravo.dunning_reminder_count_12m, reminders([date(2026, 2, 10), date(2026, 3, 25)]))
        self.assertEqual((charlie.dunning_amount_due, charlie.dunning_amount_overdue), (500, 500))
        self.assertEqual(charlie.dunning_days_late, (today - date(2026, 2, 1)).days)
        self.assertEqual(charlie.dunning_avg_days_late, 0)
        # the same figures in "customers in dunning", sortable by the overdue amount
        situation = self.env["dunning.customer.situation"].search(
            [("company_id", "=", self.company.id)], order="amount_overdue desc"
        )
        self.assertEqual(situation.partner_id, self.charlie)
        self.assertEqual(
            (situation.amount_due, situation.amount_overdue, situation.days_late, situation.reminder_count),
            (500, 500, (today - date(2026, 2, 1)).days, reminders([date(2026, 2, 10), date(2026, 3, 25)])),
        )

    def test_rights(self):
        controller = new_test_user(
            self.env,
            login="health_controller",
            groups="account.group_account_invoice",
            company_id=self.company.id,
            company_ids=[self.company.id],
        )
        employee = new_test_user(
            self.env,
            login="health_employee",
            groups="base.group_user",
            company_id=self.company.id,
            company_ids=[self.company.id],
        )
        self.assertTrue(self.env["dunning.receivables.health"].with_user(controller).search([]))
        self.assertEqual(self.charlie.with_user(controller).with_company(self.company).dunning_amount_due, 500)
        with self.assertRaises(AccessError):
            self.env["dunning.receivables.health"].with_user(employee).search([])
        with self.assertRaises(AccessError):
            self.charlie.with_user(employee).read(["dunning_amount_due"])

from datetime import date

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .analytics_common import DunningHistoryCommon


@tagged("post_install", "-at_install")
class TestStepEffectiveness(DunningHistoryCommon):
    """Each reminded invoice and its outcome, against a hand computation."""

    def setUp(self):
        super().setUp()
        self._build_history()

    def _rows(self):
        return self.env["dunning.step.effectiveness"].search([("company_id", "=", self.company.id)])

    def test_rows_match_the_hand_computation(self):
        r1, r2 = self.r1, self.r2
        # (run, invoice): amount reminded, full-payment date, days to payment, reminded again
        expected = {
            (r1, self.a1): (600.0, date(2026, 2, 20), 10, 0),  # 1000 - 400 paid 01-25; paid 02-20
            (r1, self.b1): (2000.0, date(2026, 4, 1), 50, 1),  # 02-10 -> 04-01; reminded again 03-25
            (r1, self.c1): (500.0, False, 0, 1),
            (r2, self.b1): (2000.0, date(2026, 4, 1), 7, 0),  # 03-25 -> 04-01
            (r2, self.c1): (500.0, False, 0, 0),
        }
        rows = self._rows()
        got = {
            (row.line_id.run_id, row.move_id): (
                row.amount_reminded,
                row.payment_date,
                row.days_to_payment,
                row.next_step_needed,
            )
            for row in rows
        }
        self.assertEqual(got, expected)
        for row in rows:
            days, paid = row.days_to_payment, bool(row.payment_date)
            self.assertEqual(row.paid, int(paid))
            self.assertEqual(
                (row.paid_within_7, row.paid_within_15, row.paid_within_30),
                (int(paid and days <= 7), int(paid and days <= 15), int(paid and days <= 30)),
            )
            self.assertEqual(row.strategy_id, self.strategy)
            self.assertEqual(row.step_id, row.line_id.step_id)
            self.assertEqual(row.marker_id, row.line_id.step_id.marker_id)
            self.assertEqual((row.by_email, row.by_call), (True, row.step_id.schedule_activity))
            self.assertEqual(row.date, row.line_id.date)
            self.assertEqual(row.user_id, row.move_id.invoice_user_id)

    def test_paid_within_shares_per_run(self):
        # shares of the pivot (average of the 0/1 columns) per reminder date:
        # 02-10: A1 paid in 10 days, B1 in 50, C1 never -> 7: 0/3, 15: 1/3, 30: 1/3
        # 03-25: B1 paid in 7 days, C1 never -> 7: 1/2, 15: 1/2, 30: 1/2
        groups = self.env["dunning.step.effectiveness"]._read_group(
            [("company_id", "=", self.company.id)],
            ["date:day"],
            [
                "paid_within_7:avg",
                "paid_within_15:avg",
                "paid_within_30:avg",
                "reminder_count:sum",
                "amount_reminded:sum",
                "next_step_needed:sum",
            ],
        )
        got = {day: tuple(round(value, 4) for value in values) for day, *values in groups}
        self.assertEqual(
            got,
            {
                date(2026, 2, 10): (0.0, round(1 / 3, 4), round(1 / 3, 4), 3, 3100.0, 2),
                date(2026, 3, 25): (0.5, 0.5, 0.5, 2, 2500.0, 0),
            },
        )

    def test_default_graph_is_paid_within_15_per_step_and_strategy(self):
        action = self.env.ref("dunning_strategy.action_dunning_step_effectiveness")
        self.assertEqual(action.view_mode.split(",")[0], "graph")
        arch = self.env["dunning.step.effectiveness"].get_views([(False, "graph")])["views"]["graph"]["arch"]
        self.assertIn('name="paid_within_15" type="measure"', arch)
        self.assertIn('name="step_id"', arch)
        self.assertIn('name="strategy_id"', arch)

    def test_figures_are_stored_until_refreshed(self):
        def c1_paid():
            return set(self._rows().filtered(lambda row: row.move_id == self.c1).mapped("paid"))

        self.assertEqual(c1_paid(), {0})
        self._pay(self.c1, payment_date=date(2026, 4, 15))
        self.assertEqual(c1_paid(), {0}, "as of the last refresh")
        controller = new_test_user(
            self.env, login="eff_refresher", groups="account.group_account_invoice", company_id=self.company.id
        )
        employee = new_test_user(self.env, login="eff_no_refresh", groups="base.group_user", company_id=self.company.id)
        with self.assertRaises(AccessError):
            self.env["dunning.analytics.snapshot"].with_user(employee).action_refresh_analytics()
        self.env["dunning.analytics.snapshot"].with_user(controller).action_refresh_analytics()
        self.assertEqual(c1_paid(), {1})

    def test_rights_and_companies(self):
        controller = new_test_user(
            self.env,
            login="eff_controller",
            groups="account.group_account_invoice",
            company_id=self.company.id,
            company_ids=[self.company.id],
        )
        employee = new_test_user(
            self.env,
            login="eff_employee",
            groups="base.group_user",
            company_id=self.company.id,
            company_ids=[self.company.id],
        )
        other = self.setup_other_company(name="Effectiveness Other")["company"]
        outsider = new_test_user(
            self.env,
            login="eff_outsider",
            groups="account.group_account_invoice",
            company_id=other.id,
            company_ids=[other.id],
        )
        self.assertEqual(len(self.env["dunning.step.effectiveness"].with_user(controller).search([])), 5)
        with self.assertRaises(AccessError):
            self.env["dunning.step.effectiveness"].with_user(employee).search([])
        self.assertFalse(self.env["dunning.step.effectiveness"].with_user(outsider).search([]))

"""French late fees (tools/late_fees.py) against hand computations. No database needed."""

import datetime
from decimal import Decimal

from odoo.tests import BaseCase

from ..tools.late_fees import RECOVERY_INDEMNITY, compute_late_fees, days_late, late_interest

RUN_DATE = datetime.date(2025, 6, 30)
RATE = 12.15  # ECB refinancing rate 2.15 % + 10 points


class TestLateFees(BaseCase):
    def test_two_late_invoices_match_hand_computation(self):
        invoices = [
            {"residual": 1200.00, "due_date": datetime.date(2025, 5, 1), "name": "FAC/2025/00017"},
            {"residual": 350.50, "due_date": datetime.date(2025, 6, 15), "name": "FAC/2025/00042"},
            {"residual": 99.00, "due_date": datetime.date(2025, 7, 15), "name": "FAC/2025/00051"},  # not due yet
        ]
        fees = compute_late_fees(invoices, RUN_DATE, RATE, is_company=True)

        first, second, not_due = fees.lines
        # 1 May -> 30 June: 60 days. 1200.00 x 12.15 % x 60 / 365 = 23.9671... -> 23.97
        self.assertEqual(first.days_late, 60)
        self.assertEqual(first.interest, Decimal("23.97"))
        self.assertEqual(first.indemnity, Decimal("40.00"))
        self.assertEqual(first.total, Decimal("63.97"))
        # 15 June -> 30 June: 15 days. 350.50 x 12.15 % x 15 / 365 = 1.7500... -> 1.75
        self.assertEqual(second.days_late, 15)
        self.assertEqual(second.interest, Decimal("1.75"))
        self.assertEqual(second.indemnity, Decimal("40.00"))
        # Not yet due: nothing.
        self.assertEqual(
            (not_due.days_late, not_due.interest, not_due.indemnity), (0, Decimal("0.00"), Decimal("0.00"))
        )

        self.assertEqual(fees.indemnity_total, Decimal("80.00"))
        self.assertEqual(fees.interest_total, Decimal("25.72"))
        self.assertEqual(fees.total, Decimal("105.72"))
        self.assertEqual(
            [line.invoice["name"] for line in fees.lines], ["FAC/2025/00017", "FAC/2025/00042", "FAC/2025/00051"]
        )

    def test_individual_customer_owes_nothing(self):
        invoices = [(1200.00, datetime.date(2025, 5, 1)), (350.50, datetime.date(2025, 6, 15))]
        fees = compute_late_fees(invoices, RUN_DATE, RATE, is_company=False)
        self.assertEqual([line.days_late for line in fees.lines], [60, 15])
        self.assertTrue(all(line.total == 0 for line in fees.lines))
        self.assertEqual((fees.indemnity_total, fees.interest_total, fees.total), (0, 0, 0))

    def test_interest_rounds_half_up_to_the_cent(self):
        # 18.25 x 10 % x 5 / 365 = 0.025 exactly: half up gives 0.03 (banker's rounding would give 0.02).
        self.assertEqual(late_interest("18.25", "2025-06-25", RUN_DATE, 10), Decimal("0.03"))

    def test_due_today_paid_or_credit_is_not_late(self):
        self.assertEqual(days_late(RUN_DATE, RUN_DATE), 0)
        fees = compute_late_fees(
            [(500, RUN_DATE), (0, "2025-01-01"), (-80, "2025-01-01")], RUN_DATE, RATE, is_company=True
        )
        self.assertEqual(fees.total, 0)
        self.assertEqual(RECOVERY_INDEMNITY, Decimal("40.00"))

    def test_datetime_and_string_dates_and_bad_input(self):
        fees = compute_late_fees(
            [("1200", "2025-05-01")], datetime.datetime(2025, 6, 30, 18, 30), Decimal("12.15"), is_company=True
        )
        self.assertEqual(fees.interest_total, Decimal("23.97"))
        with self.assertRaises(ValueError):
            late_interest(100, "2025-01-01", RUN_DATE, -1)
        with self.assertRaises(ValueError):
            compute_late_fees([("abc", "2025-01-01")], RUN_DATE, RATE, is_company=True)

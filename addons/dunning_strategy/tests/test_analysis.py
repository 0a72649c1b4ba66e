from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import DunningCommon


@tagged("post_install", "-at_install")
class TestDunningAnalysis(DunningCommon):
    """The analysis view: open residuals by age bucket, marker, step and salesperson."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.today()  # the view counts days from the UTC date, like this
        cls.customer = cls._create_customer("Analysis Customer")
        # (days overdue, amount, expected bucket)
        cls.cases = [
            (-10, 100.0, "0_not_due"),
            (0, 200.0, "0_not_due"),
            (1, 400.0, "1_30"),
            (30, 800.0, "1_30"),
            (31, 1600.0, "2_60"),
            (60, 3200.0, "2_60"),
            (61, 6400.0, "3_90"),
            (90, 12800.0, "3_90"),
            (91, 25600.0, "4_more"),
            (400, 51200.0, "4_more"),
        ]
        cls.invoices = cls._create_invoices(
            [
                cls._invoice_vals(cls.customer, cls.today - timedelta(days=days), amount)
                for days, amount, _bucket in cls.cases
            ]
        )

    def _analysis(self, groupby):
        return {
            group[0]: amount
            for *group, amount in self.env["dunning.analysis"]._read_group(
                [("company_id", "=", self.company.id)], groupby, ["amount_residual:sum"]
            )
        }

    def test_age_buckets_on_known_data(self):
        rows = self.env["dunning.analysis"].search([("move_id", "in", self.invoices.ids)])
        self.assertEqual(len(rows), len(self.cases))
        for invoice, (days, amount, bucket) in zip(self.invoices, self.cases, strict=True):
            row = rows.filtered(lambda r, invoice=invoice: r.move_id == invoice)
            self.assertEqual(
                (row.age_bucket, row.days_overdue, row.amount_residual), (bucket, max(days, 0), amount), days
            )
        self.assertEqual(
            self._analysis(["age_bucket"]),
            {"0_not_due": 300.0, "1_30": 1200.0, "2_60": 4800.0, "3_90": 19200.0, "4_more": 76800.0},
        )

    def test_residuals_only_of_open_invoices(self):
        paid, partial = self.invoices[2], self.invoices[4]
        self._pay(paid)
        self._pay(partial, amount=600.0)
        buckets = self._analysis(["age_bucket"])
        self.assertEqual(buckets["1_30"], 800.0, "the paid invoice left the analysis")
        self.assertEqual(buckets["2_60"], 1000.0 + 3200.0, "the residual of the partial payment")
        self.assertNotIn(paid, self.env["dunning.analysis"].search([]).move_id)

    def test_by_marker_step_and_salesperson(self):
        salesperson = self.env.user  # the default salesperson of the invoices
        self.invoices[8:].write({"dunning_step_id": self.step4.id, "dunning_date": self.today})
        self.invoices[2:4].write({"dunning_step_id": self.step2.id, "dunning_date": self.today})
        by_marker = self._analysis(["marker_id"])
        self.assertEqual(by_marker[self.markers[3]], 76800.0)
        self.assertEqual(by_marker[self.markers[1]], 1200.0)
        self.assertEqual(self._analysis(["step_id"])[self.step4], 76800.0)
        self.assertEqual(self._analysis(["user_id"])[salesperson], sum(amount for _d, amount, _b in self.cases))

    def test_analysis_views_open(self):
        action = self.env.ref("dunning_strategy.action_dunning_analysis")
        self.assertEqual(action.view_mode, "pivot,graph,list")
        for view_type in ("pivot", "graph", "list", "search"):
            self.env["dunning.analysis"].get_view(view_type=view_type)

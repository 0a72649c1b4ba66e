from odoo.tests import tagged

from .common import DunningCommon

# selection 1, strategy/company/currency/user reads 4, sequence 3, inserts 4, company check 1
CREATE_RUN_QUERIES = 13


@tagged("post_install", "-at_install")
class TestDunningPerformance(DunningCommon):
    """The number of queries of a run does not depend on the number of invoices."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.small_strategy = cls.strategy.copy({"name": "Small strategy"})
        cls.warm_strategy = cls.strategy.copy({"name": "Warm-up strategy"})
        warm_customer = cls._create_customer("Warm-up Customer")
        warm_customer.with_company(cls.company).dunning_strategy_id = cls.warm_strategy
        big_customers = cls.env["res.partner"].create(
            [{"name": f"Big {i}", "email": f"big{i}@customer.example.com"} for i in range(100)]
        )
        small_customers = cls.env["res.partner"].create(
            [{"name": f"Small {i}", "email": f"small{i}@customer.example.com"} for i in range(10)]
        )
        for customer in small_customers:
            customer.with_company(cls.company).dunning_strategy_id = cls.small_strategy
        vals_list = [cls._invoice_vals(big_customers[i % 100], cls._days_ago(2 + i % 60)) for i in range(200)]
        vals_list += [cls._invoice_vals(small_customers[i % 10], cls._days_ago(2 + i % 60)) for i in range(20)]
        vals_list.append(cls._invoice_vals(warm_customer, cls._days_ago(10)))
        cls._create_invoices(vals_list)

    def test_create_run_query_count_does_not_grow_with_invoices(self):
        # warm the ormcaches (access rules, defaults, sequence) on another run, then start
        # both runs from an empty record cache: only the invoice count differs
        self.warm_strategy._create_run(self.run_date)
        self.env.invalidate_all()
        self.warm_strategy._create_run(self.run_date)
        self.env.invalidate_all()
        with self.assertQueryCount(CREATE_RUN_QUERIES):
            small_run = self.small_strategy._create_run(self.run_date)
        self.env.invalidate_all()
        with self.assertQueryCount(CREATE_RUN_QUERIES):
            big_run = self.strategy._create_run(self.run_date)
        self.assertEqual(len(small_run.line_ids), 10)
        self.assertEqual(len(small_run.line_ids.move_ids), 20)
        self.assertEqual(len(big_run.line_ids), 100)
        self.assertEqual(len(big_run.line_ids.move_ids), 200)

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import DunningCommon
from .test_performance import CREATE_RUN_QUERIES


@tagged("post_install", "-at_install")
class TestDunningInvoiceFilter(DunningCommon):
    """A strategy reminds only the invoices its filter matches, in the selection query itself."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.vip_tag = cls.env["res.partner.category"].create({"name": "VIP"})
        cls.big = cls._create_customer("Big Spender")
        cls.small = cls._create_customer("Small Spender")
        cls.vip = cls._create_customer("Vip Customer", category_id=[cls.vip_tag.id])
        cls.big_invoice, cls.big_small_invoice, cls.small_invoice, cls.vip_invoice = cls._create_invoices(
            [
                cls._invoice_vals(cls.big, cls._days_ago(10), amount=5000.0),
                cls._invoice_vals(cls.big, cls._days_ago(10), amount=100.0),
                cls._invoice_vals(cls.small, cls._days_ago(10), amount=100.0),
                cls._invoice_vals(cls.vip, cls._days_ago(10), amount=200.0),
            ]
        )

    def _partners_of(self, strategy=None):
        candidates = (strategy or self.strategy)._compute_candidates(self.run_date)
        return {candidate["partner_id"]: set(candidate["move_ids"]) for candidate in candidates}

    def test_without_filter_every_open_invoice_is_reminded(self):
        self.assertEqual(set(self._partners_of()), {self.big.id, self.small.id, self.vip.id})

    def test_invoices_outside_the_filter_are_not_selected(self):
        self.strategy.invoice_domain = "[('amount_total', '>=', 1000)]"
        self.assertEqual(self._partners_of(), {self.big.id: {self.big_invoice.id}})
        run = self._run()
        self.assertEqual(run.line_ids.partner_id, self.big)
        self.assertEqual(run.line_ids.move_ids, self.big_invoice)
        self.assertEqual(self.big_invoice.dunning_step_id, self.step2)
        self.assertFalse((self.big_small_invoice | self.small_invoice | self.vip_invoice).dunning_step_id)
        self.assertFalse(self._messages_of(self.small))

    def test_filter_on_a_related_model(self):
        """Customer tags: a domain through a relation compiles to the same sub-select."""
        self.strategy.invoice_domain = f"[('partner_id.category_id', 'in', [{self.vip_tag.id}])]"
        self.assertEqual(self._partners_of(), {self.vip.id: {self.vip_invoice.id}})

    def test_screens_that_use_the_selection_follow_the_filter(self):
        self.strategy.invoice_domain = "[('amount_total', '>=', 1000)]"
        with self.env.cr.savepoint():
            due_ids = self.env["dunning.kind.invoice"].with_company(self.company)._select_due_move_ids(self.run_date)
        self.assertIn(self.big_invoice.id, due_ids)
        self.assertNotIn(self.small_invoice.id, due_ids)
        dates = self.env["dunning.kind.invoice"]._next_reminder_dates(self.big_invoice | self.small_invoice)
        self.assertTrue(dates[self.big_invoice])
        self.assertFalse(dates[self.small_invoice], "outside the filter: never reminded by this strategy")

    def test_customer_added_by_hand_lists_the_filtered_invoices_only(self):
        self.strategy.invoice_domain = "[('amount_total', '>=', 1000)]"
        candidate = self.env["dunning.kind.invoice"]._prepare_manual_candidate(self.strategy, self.big, self.run_date)
        self.assertEqual(candidate["move_ids"], self.big_invoice.ids)

    def test_a_bad_filter_is_refused(self):
        for bad in (
            "[('no_such_field', '=', 1)]",
            "[('amount_total', '>', 'a lot')]",
            "[('amount_total', '>'",
            "42",
        ):
            with self.subTest(domain=bad), self.assertRaises(ValidationError), self.env.cr.savepoint():
                self.strategy.invoice_domain = bad
        self.assertFalse(self.strategy.invoice_domain)
        self.strategy.invoice_domain = "[('amount_total', '>=', 1000)]"  # a good one is kept

    def test_the_filter_adds_no_query_to_a_run(self):
        self.strategy.invoice_domain = (
            f"['|', ('amount_total', '>=', 1000), ('partner_id.category_id', 'in', [{self.vip_tag.id}])]"
        )
        # warm the ormcaches on a run of another strategy with a line, as test_performance does
        warm = self.strategy.copy({"name": "Warm-up strategy"})
        warm_customer = self._create_customer("Warm-up Customer")
        warm_customer.with_company(self.company).dunning_strategy_id = warm
        self._create_invoice(warm_customer, self._days_ago(10), amount=2000.0)
        self.assertEqual(len(warm._create_run(self.run_date).line_ids), 1)
        self.env.invalidate_all()
        warm._create_run(self.run_date)
        self.env.invalidate_all()
        with self.assertQueryCount(CREATE_RUN_QUERIES):
            run = self.strategy._create_run(self.run_date)
        self.assertEqual(run.line_ids.partner_id, self.big | self.vip)

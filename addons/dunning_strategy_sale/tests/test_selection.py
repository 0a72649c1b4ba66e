from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import QuotationFollowupCommon


@tagged("post_install", "-at_install")
class TestQuotationSelection(QuotationFollowupCommon):
    def test_only_open_quotations_are_selected(self):
        sent = self._create_quotation(validity_days=3)
        draft = self._create_quotation(validity_days=3, sent=False)
        confirmed = self._create_quotation(validity_days=3)
        confirmed.action_confirm()
        cancelled = self._create_quotation(validity_days=3)
        cancelled._action_cancel()
        # expired 10 days ago: still open (the "+10 days" step follows it up)
        expired = self._create_quotation(validity_days=-10)
        # expired 40 days ago, the company's lost delay is 30: lost
        lost = self._create_quotation(validity_days=-40)

        selected = self._selected_orders()
        self.assertEqual(selected, sent | expired)
        self.assertNotIn(draft | confirmed | cancelled | lost, selected)
        self.assertTrue(expired.dunning_is_open)
        self.assertFalse(lost.dunning_is_open)
        self.assertEqual(
            self.env["sale.order"].search([("dunning_is_open", "=", True), ("company_id", "=", self.company.id)]),
            sent | expired,
        )
        self.company.dunning_quotation_lost_days = 60
        self.assertEqual(self._selected_orders(), sent | expired | lost)

    def test_excluded_quotation_is_not_selected(self):
        excluded = self._create_quotation(validity_days=3, dunning_excluded=True)
        kept = self._create_quotation(validity_days=3)
        self.assertEqual(self._selected_orders(), kept)
        self.assertTrue(excluded.dunning_is_open, "excluded from automatic follow-ups only, still open")

    def test_days_before_expiry_count_from_validity_date(self):
        # step 1 is "-5 days": due five days before expiry, not six
        not_yet = self._create_quotation(validity_days=6)
        due = self._create_quotation(validity_days=5)
        candidates = {c["sale_order_id"]: c for c in self._candidates()}
        self.assertNotIn(not_yet.id, candidates)
        self.assertEqual(candidates[due.id]["step_id"], self.step1.id)
        self.assertEqual(self._selected_orders(self._days(1)), not_yet | due)

    def test_days_after_expiry_count_from_validity_date(self):
        # step 3 is "+10 days": a quotation expired 10 days ago is due at step 3, 9 days ago at step 2
        ten = self._create_quotation(validity_days=-10)
        nine = self._create_quotation(validity_days=-9)
        today = self._create_quotation(validity_days=0)
        steps = {c["sale_order_id"]: c["step_id"] for c in self._candidates()}
        self.assertEqual(steps, {ten.id: self.step3.id, nine.id: self.step2.id, today.id: self.step2.id})

    def test_without_validity_date_days_count_from_quotation_date(self):
        order = self._create_quotation(validity_days=None)
        order.date_order = self._days(-10)
        self.assertEqual(self._candidates()[0]["step_id"], self.step3.id)
        order.date_order = self._days(-7)
        self.assertEqual(self._candidates()[0]["step_id"], self.step2.id)

    def test_one_line_per_quotation(self):
        first = self._create_quotation(validity_days=0, amount=100)
        second = self._create_quotation(validity_days=-10, amount=200)
        run = self.strategy._create_run(self.today, "manual")
        self.assertEqual(len(run.line_ids), 2)
        self.assertEqual(run.line_ids.sale_order_id, first | second)
        self.assertEqual(run.line_ids.partner_id, self.customer)
        by_order = {line.sale_order_id: line for line in run.line_ids}
        self.assertEqual(by_order[first].step_id, self.step2)
        self.assertEqual(by_order[second].step_id, self.step3)
        self.assertEqual(by_order[second].amount_residual, 200)
        self.assertTrue(all(line.followup_by_email and not line.followup_by_letter for line in run.line_ids))
        self.assertFalse(run.line_ids.move_ids)

    def test_next_follow_up_date_postpones_the_automatic_follow_up(self):
        order = self._create_quotation(validity_days=0)
        self.assertEqual(order.dunning_next_date, self.today, "sent after the first step's date: today")
        late = self._create_quotation(validity_days=20)
        self.assertEqual(late.dunning_next_date, self._days(15), "sent: the first step's date")
        order.dunning_next_date = self._days(3)
        self.assertFalse(self._candidates())
        self.assertEqual(self._selected_orders(self._days(3)), order)
        self.assertEqual(self._selected_orders(self._days(15)), order | late)

    def test_quotation_with_its_own_strategy_is_not_selected_by_the_default_one(self):
        other = self.strategy.copy({"name": "Other quotation strategy"})
        own = self._create_quotation(validity_days=0, dunning_strategy_id=other.id)
        default = self._create_quotation(validity_days=0)
        self.assertEqual(self._selected_orders(), default)
        self.assertEqual(self._selected_orders(strategy=other), own)

    def test_min_amount(self):
        self._create_quotation(validity_days=0, amount=50)
        big = self._create_quotation(validity_days=0, amount=500)
        self.strategy.min_amount = 100
        self.assertEqual(self._selected_orders(), big)

    def test_a_quotation_strategy_never_selects_invoices(self):
        invoice = self.init_invoice("out_invoice", partner=self.customer, amounts=[1000], post=True)
        invoice.invoice_date_due = self._days(-60)
        self.customer.dunning_strategy_id = False
        self.assertFalse(self._candidates())

    def test_quotation_steps_need_a_template(self):
        with self.assertRaisesRegex(ValidationError, "email template"):
            self.strategy.write({"step_ids": [Command.create({"name": "No template", "sequence": 99, "days": 30})]})

from datetime import timedelta

from odoo.tests import Form, tagged

from .common import DunningCommon


@tagged("post_install", "-at_install")
class TestDunningRecompute(DunningCommon):
    """Rule 6: payments and due-date changes move the invoices and the customer's marker."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls._create_customer("Recompute Customer")
        cls.old_invoice, cls.new_invoice = cls._create_invoices(
            [
                cls._invoice_vals(cls.customer, cls._days_ago(30), amount=1000.0),
                cls._invoice_vals(cls.customer, cls._days_ago(5), amount=500.0),
            ]
        )
        cls.old_invoice.write({"dunning_step_id": cls.step3.id, "dunning_date": cls._days_ago(5)})
        cls.new_invoice.write({"dunning_step_id": cls.step1.id, "dunning_date": cls._days_ago(8)})

    def test_customer_marker_is_the_highest_open_step(self):
        self.assertEqual(self.customer.dunning_step_id, self.step3)
        self.assertEqual(self.customer.dunning_marker_id, self.markers[2])

    def test_full_payment_takes_the_invoice_out_and_recomputes_the_customer(self):
        self._pay(self.old_invoice)
        self.assertEqual(self.old_invoice.payment_state, "paid")
        self.assertEqual(self.customer.dunning_step_id, self.step1, "only the newer invoice is still open")
        self.assertEqual(self.customer.dunning_marker_id, self.markers[0])
        self.assertNotIn(
            self.old_invoice.id,
            [
                move
                for c in self.strategy._compute_candidates(self.run_date + timedelta(days=60))
                for move in c["move_ids"]
            ],
            "a paid invoice is out of dunning",
        )
        self._pay(self.new_invoice)
        self.assertFalse(self.customer.dunning_step_id)
        self.assertFalse(self.customer.dunning_marker_id)

    def test_partial_payment_keeps_the_step(self):
        self._pay(self.old_invoice, amount=300.0)
        self.assertEqual(self.old_invoice.payment_state, "partial")
        self.assertEqual(self.old_invoice.dunning_step_id, self.step3, "a partial payment does not reset the step")
        self.assertEqual(self.customer.dunning_step_id, self.step3)

    def test_unreconciling_a_payment_brings_the_marker_back(self):
        payment = self._pay(self.old_invoice)
        self.assertEqual(self.customer.dunning_step_id, self.step1)
        payment.move_id.line_ids.remove_move_reconcile()
        self.assertEqual(self.customer.dunning_step_id, self.step3)

    def test_due_date_change_resets_the_step_and_keeps_the_history(self):
        run = self._run(self.run_date + timedelta(days=2))
        self.assertEqual(self.new_invoice.dunning_step_id, self.step2)
        history = self.new_invoice.dunning_line_ids
        self.assertTrue(history)
        self.new_invoice.invoice_date_due = self.run_date + timedelta(days=30)
        self.assertFalse(self.new_invoice.dunning_step_id)
        self.assertFalse(self.new_invoice.dunning_level)
        self.assertEqual(self.new_invoice.dunning_line_ids, history, "the history stays")
        self.assertEqual(run.line_ids.state, "done")
        self.assertEqual(self.customer.dunning_step_id, self.step3, "the customer follows its other invoice")

    def test_due_date_change_through_the_invoice_form_resets_the_step(self):
        self.new_invoice.button_draft()
        with Form(self.new_invoice) as invoice_form:
            invoice_form.invoice_date_due = self.run_date + timedelta(days=30)
        self.new_invoice.action_post()
        self.assertFalse(self.new_invoice.dunning_step_id)
        self.old_invoice.button_draft()
        self.old_invoice.action_post()
        self.assertEqual(self.old_invoice.dunning_step_id, self.step3, "same due date: the step stays")

    def test_recompute_cost_per_reconciled_payment(self):
        """The marker recompute that a reconciliation triggers costs at most 10 queries.

        The ORM marks the customer of the reconciled invoice; this replays exactly that
        recomputation (step and marker, stored) from an empty cache and counts it.
        """
        self._pay(self.old_invoice)
        self.assertEqual(self.customer.dunning_step_id, self.step1)
        stale = {str(self.company.id): self.step3.id}
        self.customer.sudo().write({"dunning_step_by_company": stale})  # stale value to be recomputed
        self.env.invalidate_all()
        with self.assertQueryCount(10):
            self.env.add_to_compute(self.env["res.partner"]._fields["dunning_step_by_company"], self.customer)
            self.customer.modified(["dunning_step_by_company"])
            self.env["res.partner"].flush_model()
        self.env.invalidate_all()
        self.assertEqual(self.customer.dunning_step_id, self.step1)
        self.assertEqual(self.customer.dunning_marker_id, self.markers[0])

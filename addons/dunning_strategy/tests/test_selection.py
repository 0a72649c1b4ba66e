from datetime import timedelta

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import DunningCommon


@tagged("post_install", "-at_install")
class TestDunningSelection(DunningCommon):
    """Rules 1 to 3: which invoice is due for which step, who is left out, one line per customer."""

    def _candidate(self, partner, run_date=None, strategy=None, step=None):
        candidates = (strategy or self.strategy)._compute_candidates(run_date or self.run_date, step=step)
        found = [c for c in candidates if c["partner_id"] == partner.id]
        return found[0] if found else None

    # rule 1 -------------------------------------------------------------------------------

    def test_step_due_when_days_overdue_reach_its_days(self):
        customer = self._create_customer("Days Customer")
        invoice = self._create_invoice(customer, self._days_ago(7))
        invoice.dunning_step_id = self.step1
        invoice.dunning_date = self._days_ago(30)
        self.assertEqual(self._candidate(customer)["step_id"], self.step2.id, "7 days overdue: step 2 (7 days) is due")
        self.assertIsNone(self._candidate(customer, self._days_ago(1)), "6 days overdue: step 2 is not due yet")

    def test_negative_days_remind_before_the_due_date(self):
        customer = self._create_customer("Early Customer")
        self._create_invoice(customer, self.run_date + timedelta(days=3))
        self.assertEqual(self._candidate(customer)["step_id"], self.step1.id, "J-3 courtesy reminder is due")
        self.assertIsNone(self._candidate(customer, self._days_ago(1)), "J-4 is too early")

    def test_invoice_climbs_at_most_one_step_per_run(self):
        customer = self._create_customer("Late Customer")
        invoice = self._create_invoice(customer, self._days_ago(90))
        self._run()
        self.assertEqual(
            invoice.dunning_step_id, self.step2, "90 days late but never reminded: the first step after the due date"
        )
        self._run(self.run_date + timedelta(days=1))
        self.assertEqual(invoice.dunning_step_id, self.step3)
        self.assertEqual(invoice.dunning_date, self.run_date + timedelta(days=1))

    def test_current_step_must_be_the_previous_one(self):
        customer = self._create_customer("Stuck Customer")
        invoice = self._create_invoice(customer, self._days_ago(25))
        invoice.write({"dunning_step_id": self.step3.id, "dunning_date": self._days_ago(10)})
        # step 4 needs 50 days: nothing is due, even though steps 1 to 3 have "passed"
        self.assertIsNone(self._candidate(customer))

    def test_min_interval_days_spaces_reminders_of_an_invoice(self):
        self.step2.min_interval_days = 10
        customer = self._create_customer("Spaced Customer")
        invoice = self._create_invoice(customer, self._days_ago(30))
        invoice.write({"dunning_step_id": self.step1.id, "dunning_date": self._days_ago(5)})
        self.assertIsNone(self._candidate(customer), "only 5 days since the last reminder")
        self.assertEqual(self._candidate(customer, self.run_date + timedelta(days=5))["step_id"], self.step2.id)

    def test_last_step_repeats_every_repeat_days(self):
        customer = self._create_customer("Repeat Customer")
        invoice = self._create_invoice(customer, self._days_ago(80))
        invoice.write({"dunning_step_id": self.step4.id, "dunning_date": self._days_ago(14)})
        self.assertIsNone(self._candidate(customer), "14 days since the formal notice: not yet")
        run = self._run(self.run_date + timedelta(days=1))
        self.assertEqual(run.line_ids.step_id, self.step4, "the formal notice is repeated after 15 days")
        self.assertEqual(run.line_ids.state, "done")
        self.assertEqual(invoice.dunning_step_id, self.step4, "the last step stays the last step")
        self.assertEqual(invoice.dunning_date, self.run_date + timedelta(days=1))

    def test_no_repeat_when_repeat_days_is_zero(self):
        self.step4.repeat_days = 0
        customer = self._create_customer("Once Customer")
        invoice = self._create_invoice(customer, self._days_ago(200))
        invoice.write({"dunning_step_id": self.step4.id, "dunning_date": self._days_ago(100)})
        self.assertIsNone(self._candidate(customer))

    def test_restricting_a_run_to_one_step(self):
        early = self._create_customer("Early One")
        self._create_invoice(early, self.run_date + timedelta(days=2))
        late = self._create_customer("Late One")
        late_invoice = self._create_invoice(late, self._days_ago(10))
        late_invoice.write({"dunning_step_id": self.step1.id, "dunning_date": self._days_ago(9)})
        candidates = self.strategy._compute_candidates(self.run_date, step=self.step2)
        self.assertEqual([c["partner_id"] for c in candidates], late.ids)

    # rule 2 -------------------------------------------------------------------------------

    def test_excluded_invoice_is_not_selected(self):
        customer = self._create_customer("Excluded Invoice Customer")
        invoice = self._create_invoice(customer, self._days_ago(10))
        invoice.dunning_excluded = True
        self.assertIsNone(self._candidate(customer))

    def test_customer_not_included_is_not_selected(self):
        customer = self._create_customer("Not Included Customer", dunning_enabled=False)
        self._create_invoice(customer, self._days_ago(10))
        self.assertIsNone(self._candidate(customer))

    def test_customer_under_min_amount_is_not_selected(self):
        self.strategy.min_amount = 500.0
        small = self._create_customer("Small Customer")
        self._create_invoice(small, self._days_ago(10), amount=300.0)
        self._create_invoice(small, self._days_ago(10), amount=150.0)
        big = self._create_customer("Big Customer")
        self._create_invoices(
            [
                self._invoice_vals(big, self._days_ago(10), amount=300.0),
                self._invoice_vals(big, self._days_ago(2), amount=250.0),
            ]
        )
        self.assertIsNone(self._candidate(small), "450 overdue is below 500")
        self.assertEqual(self._candidate(big)["amount_residual"], 550.0)

    def test_invoice_of_another_company_is_not_selected(self):
        other_company = self.setup_other_company(name="Other Company")["company"]
        self.env.user.company_ids |= other_company
        customer = self._create_customer("Two Companies Customer")
        # even a customer pointing at this strategy in the other company is left out
        customer.with_company(other_company).sudo().dunning_strategy_id = self.strategy
        other_invoice = self._create_invoice(customer, self._days_ago(10), company=other_company)
        self.assertIsNone(self._candidate(customer))
        own_invoice = self._create_invoice(customer, self._days_ago(10))
        self.assertEqual(self._candidate(customer)["move_ids"], own_invoice.ids)
        self.assertNotIn(other_invoice.id, self._candidate(customer)["move_ids"])

    def test_draft_paid_and_credit_notes_are_not_selected(self):
        customer = self._create_customer("Clean Customer")
        self._create_invoice(customer, self._days_ago(10), post=False)
        paid = self._create_invoice(customer, self._days_ago(10))
        self._pay(paid)
        refund = paid._reverse_moves()
        refund.action_post()
        self.assertIsNone(self._candidate(customer))

    def test_customer_strategy_overrides_company_default(self):
        other_strategy = self.strategy.copy({"name": "VIP strategy"})
        vip = self._create_customer("VIP Customer")
        vip.with_company(self.company).dunning_strategy_id = other_strategy
        self._create_invoice(vip, self._days_ago(10))
        self.assertIsNone(self._candidate(vip), "the company default does not apply to this customer")
        self.assertTrue(self._candidate(vip, strategy=other_strategy))

    def test_archived_strategy_and_far_future_are_refused(self):
        with self.assertRaises(UserError):
            self.strategy._create_run(self.run_date + timedelta(days=3650))
        self.strategy.active = False
        with self.assertRaises(UserError):
            self.strategy._create_run(self.run_date)

    # rule 3 -------------------------------------------------------------------------------

    def test_one_line_per_commercial_partner_at_its_highest_step(self):
        company = self._create_customer("Group Company", is_company=True)
        contact = self._create_customer("Group Contact", parent_id=company.id)
        fresh, older, not_due = self._create_invoices(
            [
                self._invoice_vals(company, self._days_ago(8), amount=100.0),
                self._invoice_vals(contact, self._days_ago(40), amount=200.0),
                self._invoice_vals(company, self._days_ago(5), amount=300.0),
            ]
        )
        older.write({"dunning_step_id": self.step2.id, "dunning_date": self._days_ago(33)})
        not_due.write({"dunning_step_id": self.step1.id, "dunning_date": self._days_ago(2)})
        run = self._run()
        self.assertEqual(len(run.line_ids), 1, "one line for the company and its contact")
        line = run.line_ids
        self.assertEqual(line.partner_id, company)
        self.assertEqual(line.step_id, self.step3, "the highest due step (the older invoice reaches step 3)")
        self.assertEqual(line.move_ids, fresh | older | not_due, "every overdue invoice is listed")
        self.assertEqual(line.due_move_ids, fresh | older)
        self.assertEqual(line.amount_residual, 600.0)
        # each invoice climbs its own single step
        self.assertEqual(fresh.dunning_step_id, self.step2, "overdue: Reminder 1, no courtesy note")
        self.assertEqual(older.dunning_step_id, self.step3)
        self.assertEqual(not_due.dunning_step_id, self.step1, "not due for step 2: unchanged")
        self.assertEqual(not_due.dunning_date, self._days_ago(2))
        self.assertEqual(len(self._messages_of(company)), 1, "one message for the customer")

    def test_partial_payment_lists_the_residual_not_the_total(self):
        customer = self._create_customer("Partial Customer")
        invoice = self._create_invoice(customer, self._days_ago(10), amount=1000.0)
        self._pay(invoice, amount=400.0, payment_date=self._days_ago(5))
        self.assertEqual(invoice.payment_state, "partial")
        run = self._run()
        self.assertEqual(run.line_ids.amount_residual, 600.0)
        body = run.line_ids.mail_message_id.body
        self.assertIn("600.00", body)
        self.assertNotIn("1,000.00", body)

    def test_candidates_are_the_lines_of_the_run(self):
        customers = [self._create_customer(f"Candidate {i}") for i in range(3)]
        self._create_invoices([self._invoice_vals(c, self._days_ago(8 * i)) for i, c in enumerate(customers)])
        candidates = self.strategy._compute_candidates(self.run_date)
        run = self.strategy._create_run(self.run_date)
        self.assertEqual(
            sorted((c["partner_id"], c["step_id"], tuple(sorted(c["move_ids"]))) for c in candidates),
            sorted((line.partner_id.id, line.step_id.id, tuple(sorted(line.move_ids.ids))) for line in run.line_ids),
        )
        self.assertEqual(run.state, "draft")
        self.assertFalse(self._messages_of(customers[0]), "creating a run sends nothing")

    def test_strategy_steps_must_have_increasing_days(self):
        with self.assertRaises(ValidationError):
            self.env["dunning.strategy"].create(
                {
                    "name": "Broken",
                    "step_ids": [
                        Command.create({"name": "A", "sequence": 1, "days": 10}),
                        Command.create({"name": "B", "sequence": 2, "days": 10}),
                    ],
                }
            )

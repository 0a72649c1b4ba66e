from datetime import timedelta

from odoo.tests import tagged

from .common import DunningCommon


@tagged("post_install", "-at_install")
class TestDunningTone(DunningCommon):
    """A reminder never goes down in tone: the cases found in the demo database (a customer at
    "Relance 2" getting a courtesy note, overdue invoices listed as coming due)."""

    def _line_of(self, run, customer):
        return run.line_ids.filtered(lambda line: line.partner_id == customer)

    def _reached(self, invoice, step, days_ago):
        """``invoice`` reached ``step`` at a reminder ``days_ago`` days before the run date."""
        invoice.write({"dunning_step_id": step.id, "dunning_date": self._days_ago(days_ago)})

    def test_customer_at_reminder_2_gets_no_courtesy_for_a_new_invoice(self):
        """Hôtel du Lac: 34 days late at "Reminder 2", a new invoice due in two days."""
        customer = self._create_customer("Hotel du Lac")
        late = self._create_invoice(customer, self._days_ago(34))
        self._reached(late, self.step3, 5)
        upcoming = self._create_invoice(customer, self.run_date + timedelta(days=2))
        run = self._run()
        self.assertFalse(self._line_of(run, customer), "no courtesy note to a customer at Reminder 2")
        self.assertFalse(upcoming.dunning_step_id)
        # the new invoice rides along in the next reminder, in its own section
        next_date = self.run_date + timedelta(days=16)  # the late invoice is 50 days late
        line = self._line_of(self._run(next_date), customer)
        self.assertEqual(line.step_id, self.step4)
        self.assertEqual(line.overdue_move_ids, late | upcoming)

    def test_overdue_invoice_never_gets_a_courtesy_reminder(self):
        """Deco Addict, Société Mercier, Fleurs Bonnet: 4 to 15 days late, never reminded."""
        customers = [self._create_customer(name) for name in ("Deco Addict", "Societe Mercier", "Fleurs Bonnet")]
        invoices = [
            self._create_invoice(customer, self._days_ago(days))
            for customer, days in zip(customers, (4, 9, 15), strict=True)
        ]
        run = self._run()
        self.assertFalse(self._line_of(run, customers[0]), "4 days late: not due for Reminder 1 yet")
        for customer, invoice in zip(customers[1:], invoices[1:], strict=True):
            line = self._line_of(run, customer)
            self.assertEqual(line.step_id, self.step2, "straight to Reminder 1, no courtesy note")
            self.assertEqual(invoice.dunning_step_id, self.step2)
        self.assertFalse(invoices[0].dunning_step_id)

    def test_reminder_never_below_the_step_reached(self):
        customer = self._create_customer("Reached Customer")
        reached = self._create_invoice(customer, self._days_ago(30))
        self._reached(reached, self.step3, 5)
        newly_due = self._create_invoice(customer, self._days_ago(8))
        line = self._line_of(self._run(), customer)
        self.assertEqual(line.step_id, self.step3, "the reminder keeps the tone of Reminder 2")
        self.assertEqual(line.due_move_ids, newly_due)
        self.assertEqual(newly_due.dunning_step_id, self.step2, "the new invoice climbs its own step")
        self.assertEqual(reached.dunning_step_id, self.step3)
        self.assertEqual(line.move_ids, reached | newly_due)

    def test_courtesy_note_lists_invoices_not_due_yet_only(self):
        customer = self._create_customer("Courtesy Customer")
        upcoming = self._create_invoice(customer, self.run_date + timedelta(days=2))
        overdue = self._create_invoice(customer, self._days_ago(2))
        line = self._line_of(self._run(), customer)
        self.assertEqual(line.step_id, self.step1)
        self.assertEqual(line.move_ids, upcoming)
        self.assertEqual(line.amount_residual, upcoming.amount_residual)
        self.assertFalse(overdue.dunning_step_id, "the overdue invoice waits for Reminder 1")
        self.assertEqual(upcoming.dunning_step_id, self.step1)

    def test_upcoming_invoices_ride_along_in_their_own_section(self):
        customer = self._create_customer("Ride Along")
        overdue = self._create_invoice(customer, self._days_ago(10))
        upcoming = self._create_invoice(customer, self.run_date + timedelta(days=1))
        line = self._line_of(self._run(), customer)
        self.assertEqual(line.step_id, self.step2)
        self.assertEqual(line.overdue_move_ids, overdue)
        self.assertEqual(line.upcoming_move_ids, upcoming)
        body = line.mail_message_id.body
        self.assertIn("fall due soon", body)
        self.assertLess(body.index(overdue.name), body.index("fall due soon"))
        self.assertGreater(body.index(upcoming.name), body.index("fall due soon"))

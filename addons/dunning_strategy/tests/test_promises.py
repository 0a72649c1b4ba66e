from datetime import timedelta

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import DunningCommon


@tagged("post_install", "-at_install")
class TestDunningPromises(DunningCommon):
    """A promise to pay holds its invoices out of dunning until its date, is kept by a
    reconciled payment, and brings them back, at the configured step, when broken."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls._create_customer("Promising Customer")
        cls.invoice = cls._create_invoice(cls.customer, cls._days_ago(10))

    def _candidate(self, partner, run_date):
        candidates = self.strategy._compute_candidates(run_date)
        found = [c for c in candidates if c["partner_id"] == partner.id]
        return found[0] if found else None

    def _promise(self, date, amount=None, invoices=None, **vals):
        values = {"partner_id": self.customer.id, "company_id": self.company.id, "date": date, **vals}
        if amount is not None:
            values["amount"] = amount
        if invoices is not None:
            values["invoice_ids"] = [(6, 0, invoices.ids)]
        return self.env["dunning.promise"].create(values)

    def test_defaults_cover_the_open_overdue_invoices(self):
        not_due = self._create_invoice(self.customer, self.run_date + timedelta(days=400))
        other = self._create_invoice(self._create_customer("Other Customer"), self._days_ago(10))
        promise = self._promise(self.run_date + timedelta(days=5))
        self.assertEqual(promise.invoice_ids, self.invoice, "its overdue invoices only, not the one not due yet")
        self.assertNotIn(not_due, promise.invoice_ids)
        self.assertNotIn(other, promise.invoice_ids)
        self.assertEqual(promise.amount, 1000.0, "default amount: what is left to pay")
        self.assertEqual(promise.amount_residual_start, 1000.0)
        self.assertEqual(promise.state, "open")
        self.assertEqual(self.invoice.dunning_promise_ids, promise)
        self.assertEqual(self.customer.dunning_promise_count, 1)

    def test_promised_invoice_is_not_selected_before_its_date_and_is_after_it_unpaid(self):
        self.assertTrue(self._candidate(self.customer, self.run_date), "without a promise, step 2 is due")
        promise_date = self.run_date + timedelta(days=5)
        promise = self._promise(promise_date)
        self.assertIsNone(self._candidate(self.customer, self.run_date), "held by the open promise")
        self.assertIsNone(self._candidate(self.customer, promise_date), "held up to its date included")
        self.invoice.invalidate_recordset(["dunning_next_date"])
        self.assertEqual(self.invoice.dunning_next_date, promise_date + timedelta(days=1))
        day_after = promise_date + timedelta(days=1)
        self.assertTrue(self._candidate(self.customer, day_after), "unpaid after the date: back in dunning")
        self.env["dunning.promise"]._dunning_break_overdue(day_after)
        self.assertEqual(promise.state, "broken")
        candidate = self._candidate(self.customer, day_after)
        self.assertEqual(candidate["step_id"], self.step2.id, "back at its own step without a jump configured")
        self.assertEqual(candidate["move_ids"], self.invoice.ids)

    def test_promise_is_kept_by_a_reconciled_payment(self):
        promise = self._promise(self.run_date + timedelta(days=5), amount=600.0)
        self._pay(self.invoice, amount=300.0)
        self.assertEqual(promise.state, "open", "300 paid of the 600 promised")
        self._pay(self.invoice, amount=300.0)
        self.assertEqual(promise.state, "kept", "600 paid: kept as soon as the payment is reconciled")
        self.env["dunning.promise"]._cron_check_promises()
        self.assertEqual(promise.state, "kept", "the daily check never breaks a kept promise")

    def test_broken_promise_jumps_to_the_configured_step(self):
        self.step2.broken_promise_step_id = self.step4
        self.invoice.write({"dunning_step_id": self.step2.id, "dunning_date": self._days_ago(3)})
        promise_date = self.run_date + timedelta(days=5)
        promise = self._promise(promise_date)
        day_after = promise_date + timedelta(days=1)
        # 16 days late: step 3 (20 days) is not due yet, the jump to step 4 (50 days) is
        self.assertIsNone(self._candidate(self.customer, day_after - timedelta(days=1)))
        self.env["dunning.promise"]._cron_check_promises()  # today: long after the promised date
        self.assertEqual(promise.state, "broken")
        self.assertEqual(self._candidate(self.customer, day_after)["step_id"], self.step4.id)
        self._run(day_after)
        self.assertEqual(self.invoice.dunning_step_id, self.step4)
        # once reminded after the break, the invoice follows its strategy again
        self.assertIsNone(self._candidate(self.customer, day_after + timedelta(days=1)))

    def test_broken_promise_never_steps_back(self):
        self.step3.broken_promise_step_id = self.step2
        self.invoice.write({"dunning_step_id": self.step3.id, "dunning_date": self._days_ago(3)})
        promise = self._promise(self.run_date)
        self.env["dunning.promise"]._dunning_break_overdue(self.run_date + timedelta(days=1))
        self.assertEqual(promise.state, "broken")
        self.assertIsNone(
            self._candidate(self.customer, self.run_date + timedelta(days=1)),
            "a jump to a lower step is no jump: step 4 is not due yet",
        )

    def test_daily_check_breaks_only_promises_past_their_date(self):
        past = self._promise(self.run_date)
        future = self._promise(self.run_date + timedelta(days=3650))
        self.env["dunning.promise"]._cron_check_promises()
        self.assertEqual(past.state, "broken")
        self.assertEqual(future.state, "open")
        cron = self.env.ref("dunning_strategy.ir_cron_dunning_promise_check")
        self.assertEqual(cron.code, "model._cron_check_promises()")

    def test_cancelled_promise_releases_its_invoices(self):
        promise = self._promise(self.run_date + timedelta(days=5))
        promise.action_cancel()
        self.assertEqual(promise.state, "cancelled")
        self.assertTrue(self._candidate(self.customer, self.run_date))

    def test_rights(self):
        employee = new_test_user(self.env, "promise_employee", groups="base.group_user", company_id=self.company.id)
        credit_controller = new_test_user(
            self.env,
            "promise_controller",
            groups="base.group_user,dunning_strategy.group_dunning_user",
            company_id=self.company.id,
        )
        promise = self._promise(self.run_date + timedelta(days=5))
        Promise = self.env["dunning.promise"]
        values = {"partner_id": self.customer.id, "company_id": self.company.id, "date": self.run_date}
        # a user without dunning rights neither creates nor reads promises
        with self.assertRaises(AccessError):
            Promise.with_user(employee).create(values)
        with self.assertRaises(AccessError):
            promise.with_user(employee).read(["state"])
        # a dunning user creates and reads them, but never decides their state
        mine = Promise.with_user(credit_controller).create(values)
        self.assertEqual(mine.state, "open")
        self.assertEqual(promise.with_user(credit_controller).read(["state"])[0]["state"], "open")
        with self.assertRaises(AccessError):
            promise.with_user(credit_controller).write({"state": "kept"})
        with self.assertRaises(AccessError):
            Promise.with_user(credit_controller).create({**values, "state": "kept"})
        with self.assertRaises(AccessError):
            promise.with_user(credit_controller).write({"amount_residual_start": 0.0})
        self.assertEqual(promise.state, "open")
        promise.with_user(credit_controller).write({"note": "Called back"})
        promise.with_user(credit_controller).action_cancel()
        self.assertEqual(promise.state, "cancelled")
        with self.assertRaises(AccessError):
            mine.with_user(employee).action_cancel()

    def test_copied_strategy_jumps_to_its_own_step(self):
        self.step2.broken_promise_step_id = self.step4
        copy = self.strategy.copy({"name": "Copied strategy"})
        copied_steps = copy.step_ids.sorted("level")
        self.assertEqual(copied_steps[1].broken_promise_step_id, copied_steps[3])
        self.assertFalse(copied_steps[0].broken_promise_step_id)

from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from ..models.exchange_log_dunning_call import add_working_days
from .common import DunningCallCommon


@tagged("post_install", "-at_install")
class TestDunningCallFlow(DunningCallCommon):
    """Marking a dunning call done logs it as an exchange, whose outcome feeds dunning."""

    def test_the_reminder_scheduled_a_dunning_call(self):
        self.assertEqual(self.line.step_id, self.step3)
        self.assertEqual(self.activity.activity_type_id, self.call_type)
        self.assertEqual(self.activity.user_id, self.controller)
        self.assertEqual(self.activity._dunning_calls(), self.activity)
        data = self.activity.with_user(self.controller).activity_format()
        self.assertTrue(data["mail.activity"][0]["dunning_call"], "the web client opens the exchange form")
        todo = self.activity.copy({"activity_type_id": self.env.ref("mail.mail_activity_data_todo").id})
        self.assertFalse(todo._dunning_calls(), "a to-do is marked done as usual")

    def test_reached_logs_the_call_and_marks_the_activity_done(self):
        exchange = self._log_call(self.controller)
        self.assertEqual(exchange.partner_id, self.customer)
        self.assertEqual(exchange.mode_id, self.env.ref("exchange_tracking.exchange_mode_phone"))
        self.assertEqual(exchange.subject_id, self.env.ref("exchange_tracking.exchange_subject_invoice_reminder"))
        self.assertEqual(exchange.direction, "outgoing")
        self.assertEqual(exchange.dunning_outcome, "reached")
        self.assertEqual(exchange.dunning_run_line_id, self.line)
        self.assertEqual(self.line.with_user(self.controller).exchange_log_ids, exchange, "in the reminder's history")
        # the reminder's invoices are the exchange's documents: the first one related, the other linked
        self.assertEqual(exchange.dunning_invoice_ids, self.invoices)
        self.assertEqual((exchange.res_model, exchange.res_id), ("account.move", self.invoices[0].id))
        self.assertEqual(exchange.link_ids.mapped("res_id"), self.invoices[1:].ids)
        self.assertEqual(self.invoices[1].with_user(self.controller).exchange_count, 1)
        # the activity is done, with the exchange in the feedback
        self.assertFalse(self.activity.exists() and self.activity.active)
        done = self.env["mail.message"].search(
            [
                ("model", "=", "res.partner"),
                ("res_id", "=", self.customer.id),
                ("mail_activity_type_id", "=", self.call_type.id),
            ]
        )
        self.assertIn(exchange.name, done.body)
        # logged once: the outcome cannot change afterwards
        with self.assertRaises(UserError):
            exchange.with_user(self.controller).dunning_outcome = "promise"

    def test_no_answer_plans_the_next_call(self):
        exchange = self._log_call(self.controller, dunning_outcome="no_answer")
        expected = add_working_days(self.today, 2)
        self.assertEqual(exchange.dunning_next_call_date, expected)
        self.assertIn(expected.weekday(), range(5))
        following = self.customer.activity_ids
        self.assertEqual(len(following), 1, "the call is done, the next one planned")
        self.assertEqual(following.activity_type_id, self.call_type)
        self.assertEqual(following.user_id, self.controller)
        self.assertEqual(following.date_deadline, expected)
        self.assertTrue(following._dunning_calls(), "the next call is a dunning call too")
        # the date is the controller's choice
        exchange = self._log_call(
            self.controller,
            following,
            dunning_outcome="no_answer",
            dunning_next_call_date=self.today + timedelta(days=7),
        )
        self.assertEqual(self.customer.activity_ids.date_deadline, self.today + timedelta(days=7))

    def test_working_days(self):
        friday = fields.Date.to_date("2026-11-27")
        self.assertEqual(add_working_days(friday, 2), fields.Date.to_date("2026-12-01"))
        self.assertEqual(add_working_days(friday - timedelta(days=2), 2), friday)

    def test_wrong_contact_leaves_a_note_on_the_customer(self):
        exchange = self._log_call(self.controller, dunning_outcome="wrong_contact")
        notes = self.env["mail.message"].search(
            [("model", "=", "res.partner"), ("res_id", "=", self.customer.id), ("body", "ilike", "must be checked")]
        )
        self.assertEqual(len(notes), 1)
        self.assertIn(exchange.name, notes.body)
        self.assertEqual(notes.author_id, self.controller.partner_id)
        self.assertTrue(notes.subtype_id.internal, "a note, not a message to the customer")

    def test_timeline_shows_the_outcome(self):
        exchange = self._log_call(self.controller, dunning_outcome="no_answer")
        timeline = str(self.customer.with_user(self.controller).dunning_timeline)
        self.assertIn(f"exchange-{exchange.id:010d}", timeline)
        self.assertIn("No answer", timeline)
        self.assertIn("text-bg-secondary", timeline)

    def test_log_a_call_from_the_page_discusses_the_overdue_invoices(self):
        action = self.customer.with_user(self.controller).action_dunning_log_call()
        self.assertEqual(action["context"]["default_dunning_invoice_ids"][0][2], self.invoices.ids)

    # ------------------------------------------------------------------
    # Rights
    # ------------------------------------------------------------------

    def test_only_the_one_who_may_close_the_call_logs_it(self):
        colleague = self._user(
            "call_colleague", "account.group_account_invoice,exchange_tracking.group_exchange_create"
        )
        self.assertFalse(self.customer.with_user(colleague).has_access("write"))
        with self.assertRaises(AccessError):
            self.activity.with_user(colleague).action_dunning_log_call()
        # nor by creating the exchange himself with the activity
        with self.assertRaises(AccessError), self.cr.savepoint():
            self.env["exchange.log"].with_user(colleague).create(
                {"partner_id": self.customer.id, "dunning_activity_id": self.activity.id, "dunning_outcome": "reached"}
            )
        self.assertTrue(self.activity.active)
        # the assignee does
        self._log_call(self.controller)
        self.assertFalse(self.activity.exists())

    def test_no_dunning_right_no_call_outcome(self):
        # may log exchanges, and the call is his, but he is no dunning user
        sales = self._user("call_sales", "base.group_user,exchange_tracking.group_exchange_create")
        self.assertFalse(sales.has_group("dunning_strategy.group_dunning_user"))
        self.activity.user_id = sales
        with self.assertRaises(AccessError):
            self.activity.with_user(sales).action_dunning_log_call()
        with self.assertRaises(AccessError), self.cr.savepoint():
            self.env["exchange.log"].with_user(sales).create(
                {"partner_id": self.customer.id, "dunning_outcome": "no_answer"}
            )
        with self.assertRaises(AccessError), self.cr.savepoint():
            self.env["exchange.log"].with_user(sales).create(
                {"partner_id": self.customer.id, "dunning_activity_id": self.activity.id}
            )
        self.assertTrue(self.activity.active)
        self.assertEqual(self.customer.activity_ids, self.activity, "no next call planned")
        # a plain exchange with the customer is still his to log
        self.env["exchange.log"].with_user(sales).create({"partner_id": self.customer.id})

    def test_no_exchange_right_no_call_log(self):
        accountant = self._user("call_accountant", "account.group_account_invoice")
        self.activity.user_id = accountant
        with self.assertRaises(AccessError):
            self.activity.with_user(accountant).action_dunning_log_call()
        with self.assertRaises(AccessError), self.cr.savepoint():
            self.env["exchange.log"].with_user(accountant).create(
                {"partner_id": self.customer.id, "dunning_activity_id": self.activity.id, "dunning_outcome": "reached"}
            )
        self.assertTrue(self.activity.active)

    def test_a_call_is_logged_on_its_customer(self):
        other = self._create_customer("Other Customer")
        with self.assertRaises(UserError), self.cr.savepoint():
            self.env["exchange.log"].with_user(self.controller).create(
                {"partner_id": other.id, "dunning_activity_id": self.activity.id, "dunning_outcome": "reached"}
            )
        with self.assertRaises(UserError), self.cr.savepoint():
            self.env["exchange.log"].with_user(self.controller).create(
                {
                    "partner_id": other.id,
                    "dunning_outcome": "reached",
                    "dunning_invoice_ids": [(6, 0, self.invoices.ids)],
                }
            )
        self.assertTrue(self.activity.active)


@tagged("post_install", "-at_install")
class TestDunningCallOutcomes(DunningCallCommon):
    """A promise to pay and a dispute told on the phone."""

    def test_promise_to_pay_creates_the_promise(self):
        promised = self.today + timedelta(days=10)
        exchange = self._log_call(
            self.controller, dunning_outcome="promise", dunning_promise_date=promised, dunning_promise_amount=1500.0
        )
        promise = exchange.dunning_promise_id
        self.assertTrue(promise)
        self.assertEqual(promise.partner_id, self.customer)
        self.assertEqual(promise.invoice_ids, self.invoices)
        self.assertEqual(promise.date, promised)
        self.assertEqual(promise.amount, 1500.0)
        self.assertEqual(promise.origin, "call")
        self.assertEqual(promise.state, "open")
        self.assertEqual(promise.user_id, self.controller)
        self.assertIn(exchange.name, promise.note)
        self.assertEqual(self.customer.with_user(self.controller).dunning_promise_ids, promise)
        # the exchange: mode phone, subject reminder, the invoices as documents; the call is done
        self.assertEqual(exchange.mode_id, self.env.ref("exchange_tracking.exchange_mode_phone"))
        self.assertEqual(exchange.subject_id, self.env.ref("exchange_tracking.exchange_subject_invoice_reminder"))
        self.assertEqual(exchange.res_model, "account.move")
        self.assertEqual({exchange.res_id, *exchange.link_ids.mapped("res_id")}, set(self.invoices.ids))
        self.assertFalse(self.activity.exists())
        timeline = str(self.customer.with_user(self.controller).dunning_timeline)
        self.assertIn("text-bg-success", timeline)
        self.assertIn("1,500.00", timeline)
        # the link to the promise is the flow's own
        with self.assertRaises(UserError):
            exchange.with_user(self.controller).dunning_promise_id = False

    def test_promise_on_some_invoices_without_amount(self):
        exchange = self._log_call(
            self.controller,
            dunning_outcome="promise",
            dunning_promise_date=self.today + timedelta(days=3),
            dunning_invoice_ids=self.invoices[1],
        )
        self.assertEqual(exchange.dunning_promise_id.invoice_ids, self.invoices[1])
        self.assertEqual(exchange.dunning_promise_id.amount, 800.0, "the residual of the invoice")

    def test_dispute_opens_the_dispute_on_the_chosen_invoices(self):
        self._log_call(
            self.controller,
            dunning_outcome="dispute",
            dunning_invoice_ids=self.invoices[0],
            dunning_dispute_reason="Livraison incomplète",
        )
        self.assertTrue(self.invoices[0].dunning_dispute)
        self.assertEqual(self.invoices[0].dunning_dispute_reason, "Livraison incomplète")
        self.assertFalse(self.invoices[1].dunning_dispute)
        self.assertFalse(self.activity.exists())

    def test_a_promise_needs_a_date_and_a_dispute_a_reason(self):
        Exchange = self.env["exchange.log"].with_user(self.controller)
        for vals in (
            {"dunning_outcome": "promise"},
            {"dunning_outcome": "dispute", "dunning_invoice_ids": [(6, 0, self.invoices.ids)]},
            {"dunning_outcome": "dispute", "dunning_dispute_reason": "Prix"},
        ):
            with self.subTest(vals=vals), self.assertRaises(UserError), self.cr.savepoint():
                Exchange.create({"partner_id": self.customer.id, "dunning_activity_id": self.activity.id, **vals})
        self.assertTrue(self.activity.active)
        self.assertFalse(self.customer.dunning_promise_ids)

    def test_no_promise_without_dunning_or_exchange_rights(self):
        promise_vals = {
            "partner_id": self.customer.id,
            "dunning_outcome": "promise",
            "dunning_promise_date": self.today + timedelta(days=5),
        }
        # an exchange user who is no dunning user cannot make the call create a promise
        sales = self._user("promise_sales", "base.group_user,exchange_tracking.group_exchange_create")
        with self.assertRaises(AccessError), self.cr.savepoint():
            self.env["exchange.log"].with_user(sales).create(promise_vals)
        # nor a credit controller with no exchange right
        accountant = self._user("promise_accountant", "account.group_account_invoice")
        with self.assertRaises(AccessError), self.cr.savepoint():
            self.env["exchange.log"].with_user(accountant).create(promise_vals)
        # a dispute neither
        with self.assertRaises(AccessError), self.cr.savepoint():
            self.env["exchange.log"].with_user(sales).create(
                {
                    "partner_id": self.customer.id,
                    "dunning_outcome": "dispute",
                    "dunning_invoice_ids": [(6, 0, self.invoices.ids)],
                    "dunning_dispute_reason": "Prix",
                }
            )
        self.assertFalse(self.env["dunning.promise"].search([("partner_id", "=", self.customer.id)]))
        self.assertFalse(self.invoices.filtered("dunning_dispute"))
        # nor link an exchange to someone else's promise
        promise = self.env["dunning.promise"].create({"partner_id": self.customer.id, "date": self.today})
        exchange = (
            self.env["exchange.log"]
            .with_user(sales)
            .create({"partner_id": self.customer.id, "dunning_promise_id": promise.id})
        )
        self.assertFalse(exchange.dunning_promise_id)
        exchange = (
            self.env["exchange.log"]
            .with_user(sales)
            .with_context(default_dunning_promise_id=promise.id, default_dunning_run_line_id=self.line.id)
            .create({"partner_id": self.customer.id})
        )
        self.assertFalse(exchange.dunning_promise_id or exchange.dunning_run_line_id, "nor as context defaults")
        # the credit controller with exchange rights does, without the activity too
        exchange = self.env["exchange.log"].with_user(self.controller).create(promise_vals)
        self.assertEqual(exchange.dunning_promise_id.origin, "call")

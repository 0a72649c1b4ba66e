from datetime import timedelta

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import DunningCommon


@tagged("post_install", "-at_install")
class TestDunningScreens(DunningCommon):
    """What the customer and invoice screens show: dates, filters, markers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls._create_customer("Screen Customer")
        cls.reminded, cls.fresh, cls.excluded = cls._create_invoices(
            [
                cls._invoice_vals(cls.customer, cls._days_ago(10)),
                cls._invoice_vals(cls.customer, cls._days_ago(-30)),
                cls._invoice_vals(cls.customer, cls._days_ago(40)),
            ]
        )
        cls.excluded.dunning_excluded = True

    def test_customer_last_and_next_reminder_dates(self):
        run = self._run()
        self.assertEqual(run.line_ids.partner_id, self.customer)
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.dunning_last_date, self.run_date)
        # 10 days late: Reminder 1 (an overdue invoice gets no courtesy note)
        self.assertEqual(self.customer.dunning_marker_id, self.markers[1])
        with freeze_time(self.run_date):
            # reminded at step 2: step 3 is due 20 days after the due date, so at run_date + 10
            self.assertEqual(self.reminded.dunning_next_date, self._days_ago(-10))
            # not reminded yet, not due yet: the courtesy step 3 days before its due date
            self.assertEqual(self.fresh.dunning_next_date, self._days_ago(-27))
            self.assertFalse(self.excluded.dunning_next_date)
            self.assertEqual(self.customer.dunning_next_date, self._days_ago(-10))
        # a contact shows its company's dates
        contact = self.env["res.partner"].create({"name": "Someone", "parent_id": self.customer.id})
        self.assertEqual(contact.dunning_last_date, self.run_date)

    def test_next_date_keeps_the_minimum_interval_and_repeats(self):
        self.step2.min_interval_days = 10
        self.reminded.write({"dunning_step_id": self.step1.id, "dunning_date": self._days_ago(1)})
        self.assertEqual(self.reminded.dunning_next_date, self._days_ago(-9))
        self.reminded.write({"dunning_step_id": self.step4.id, "dunning_date": self._days_ago(1)})
        self.assertEqual(self.reminded.dunning_next_date, self._days_ago(1) + timedelta(days=15))
        self.step4.repeat_days = 0
        self.reminded.invalidate_recordset(["dunning_next_date"])
        self.assertFalse(self.reminded.dunning_next_date)

    def test_invoice_filters_to_remind_reminded_excluded(self):
        Move = self.env["account.move"]
        mine = [("partner_id", "=", self.customer.id)]
        with freeze_time(self.run_date):
            due_today = {
                row["move_id"] for row in self.env["dunning.engine"]._select_candidates(self.strategy, self.run_date)
            }
            self.assertEqual(Move.search([*mine, ("dunning_to_remind", "=", True)]), self.reminded)
            self.assertEqual(Move.search([*mine, ("dunning_to_remind", "!=", True)]), self.fresh | self.excluded)
            self.assertTrue(self.reminded.dunning_to_remind)
            self.assertIn(self.reminded.id, due_today)
        self.assertEqual(Move.search([*mine, ("dunning_excluded", "=", True)]), self.excluded)
        self._run()
        self.assertEqual(Move.search([*mine, ("dunning_step_id", "!=", False)]), self.reminded)
        with freeze_time(self.run_date):
            self.assertFalse(Move.search([*mine, ("dunning_to_remind", "=", True)]), "reminded today")

    def test_partner_filter_per_marker(self):
        self._run()
        action = self.env.ref("dunning_strategy.action_dunning_partner")
        self.assertEqual(action.res_model, "dunning.customer.situation")
        partners = self.env["res.partner"].search([("dunning_marker_id", "=", self.markers[1].id)])
        self.assertEqual(partners, self.customer)
        situations = self.env["dunning.customer.situation"].search([("marker_id", "=", self.markers[1].id)])
        self.assertEqual(situations.partner_id, self.customer)
        arch = self.env["dunning.customer.situation"].get_view(action.search_view_id.id, "search")["arch"]
        self.assertIn("<searchpanel", arch)
        self.assertIn('name="marker_id"', arch)


@tagged("post_install", "-at_install")
class TestDunningRunScreens(DunningCommon):
    """What the run, reminder and step screens show: amounts sent, invoice numbers, the email
    and its delivery, histories newest first, one section per channel."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.reached = cls._create_customer("Reached Customer")
        cls.unreachable = cls._create_customer("Unreachable Customer", email=False)
        cls.reached_invoices = cls._create_invoices(
            [
                cls._invoice_vals(cls.reached, cls._days_ago(9), 700.0),
                cls._invoice_vals(cls.reached, cls._days_ago(12), 300.0),
            ]
        )
        cls.unreachable_invoice = cls._create_invoice(cls.unreachable, cls._days_ago(9), 450.0)

    def _line_of(self, run, partner):
        return run.line_ids.filtered(lambda line: line.partner_id == partner)

    def test_run_amount_counts_done_lines_only(self):
        run = self._run()
        self.assertEqual(self._line_of(run, self.unreachable).state, "failed")
        self.assertEqual(self._line_of(run, self.reached).state, "done")
        self.assertEqual(run.amount_residual, 1000.0, "the failed 450 was not reminded")
        pending = self.strategy._create_run(self._days_ago(-30), "manual")
        self.assertTrue(pending.line_ids)
        self.assertEqual(pending.amount_residual, 0.0, "nothing sent yet")

    def test_run_line_shows_full_invoice_numbers(self):
        line = self._line_of(self._run(), self.reached)
        older, newer = self.reached_invoices[1], self.reached_invoices[0]
        self.assertEqual(line.move_names, f"{older.name}, {newer.name}", "oldest due first, full numbers")
        self.assertTrue(all("/" in name and "…" not in name for name in line.move_names.split(", ")))

    def test_reminder_email_opens_read_only_with_its_delivery_state(self):
        line = self._line_of(self._run(), self.reached)
        self.assertEqual(line.email_state, "queued", "waiting for the mail queue")
        action = line.action_open_email()
        self.assertEqual((action["res_model"], action["res_id"]), ("mail.message", line.mail_message_id.id))
        view = self.env.ref("dunning_strategy.view_mail_message_dunning_form")
        self.assertEqual(action["views"], [(view.id, "form")])
        arch = self.env["mail.message"].get_view(view.id, "form")["arch"]
        for element in ('edit="0"', 'name="body"', 'name="partner_ids"', 'name="notification_status"'):
            self.assertIn(element, arch)
        # the bounce, as the mail gateway records it
        line.mail_message_id.notification_ids.sudo().write(
            {"notification_status": "bounce", "failure_type": "mail_bounce"}
        )
        line.invalidate_recordset(["email_state"])
        self.assertEqual(line.email_state, "bounced")
        failed = self._line_of(line.run_id, self.unreachable)
        self.assertFalse(failed.email_state)
        with self.assertRaisesRegex(UserError, "sent no email"):
            failed.action_open_email()

    def test_histories_are_newest_first(self):
        first = self._run(self._days_ago(3))
        second = self._run()
        invoice = self.reached_invoices[0]
        self.assertEqual(invoice.dunning_line_ids.run_id, second | first)
        self.assertEqual(invoice.dunning_line_ids[0].run_id, second, "the invoice's newest reminder first")
        self.assertEqual(self.reached.dunning_line_ids[0].run_id, second, "the customer's newest reminder first")
        lines = self.env["dunning.run.line"].search([("partner_id", "=", self.reached.id)])
        self.assertEqual(lines.mapped("date"), [self.run_date, self._days_ago(3)])

    def test_step_form_shows_a_channel_settings_only_when_used(self):
        new_step = self.env["dunning.strategy.step"].with_context(
            default_strategy_id=self.strategy.id, default_sequence=100
        )
        with Form(new_step) as step_form:
            step_form.name = "Phone call"
            step_form.days = 80
            with self.assertRaises(AssertionError, msg="no email: its template is hidden"):
                step_form.mail_template_id = self.template
            step_form.schedule_activity = True
            step_form.activity_type_id = self.call_type
            with self.assertRaises(AssertionError, msg="assigned to the salesperson: no user to choose"):
                step_form.activity_user_id = self.env.user
            step_form.activity_user = "user"
            step_form.activity_user_id = self.env.user
            with self.assertRaises(AssertionError, msg="no hand-over: its email is hidden"):
                step_form.handover_template_id = self.template
            with self.assertRaises(AssertionError, msg="the strategy claims no late fees"):
                step_form.create_fee_invoice = True
        step = self.strategy.step_ids.filtered(lambda s: s.name == "Phone call")
        self.assertEqual((step.schedule_activity, step.activity_user_id), (True, self.env.user))

    def test_step_help_is_plain_language(self):
        fields = self.env["dunning.strategy.step"]._fields
        for name in ("days", "mail_template_id", "handover_partner_id", "create_fee_invoice", "repeat_days"):
            self.assertTrue(fields[name].help, name)
            self.assertNotIn("object.", fields[name].help, name)
            self.assertNotIn("_id", fields[name].help, name)

import re
from datetime import timedelta

from markupsafe import escape

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .common import DunningCommon
from .letters_common import DunningLettersCommon


@tagged("post_install", "-at_install")
class TestCustomerFollowup(DunningCommon):
    """The customers-in-dunning list, the "My Day" worklist and the customer follow-up page.

    The list and the worklist count days from today (as the engine's screens do): the invoices
    are dated from today.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env.user)
        cls.customer = cls._create_customer("Followed Customer")
        # not due yet, 10 days late, 40 days late and partly paid
        cls.not_due = cls._create_invoice(cls.customer, cls.today + timedelta(days=5), 1000.0)
        cls.late_10 = cls._create_invoice(cls.customer, cls.today - timedelta(days=10), 2000.0)
        cls.late_40 = cls._create_invoice(cls.customer, cls.today - timedelta(days=40), 3000.0)
        cls.smaller = cls._create_customer("Smaller Customer")
        cls._create_invoice(cls.smaller, cls.today - timedelta(days=60), 500.0)
        cls.billing_user = new_test_user(
            cls.env,
            login="followup_billing",
            groups="account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
            email="followup.billing@company.example.com",
        )
        cls.employee = new_test_user(
            cls.env,
            login="followup_employee",
            groups="base.group_user",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )

    def setUp(self):
        super().setUp()
        self._pay(self.late_40, amount=1200.0, payment_date=self.today)

    def _situation(self, partner):
        return self.env["dunning.customer.situation"].search(
            [("partner_id", "=", partner.id), ("company_id", "=", self.company.id)]
        )

    def test_customer_list_figures(self):
        situation = self._situation(self.customer)
        self.assertEqual(len(situation), 1, "one row per customer and company")
        self.assertEqual(situation.invoice_count, 3)
        self.assertAlmostEqual(situation.amount_due, 1000.0 + 2000.0 + 1800.0)
        self.assertAlmostEqual(situation.amount_overdue, 2000.0 + 1800.0, msg="the invoice not due yet is left out")
        self.assertEqual(situation.days_late, 40)
        self.assertFalse(situation.last_date)
        self.assertFalse(situation.marker_id)
        # an overdue invoice starts at "Reminder 1", 7 days after its due date (no courtesy note
        # once overdue): the oldest first
        self.assertEqual(situation.next_date, self.today - timedelta(days=33))

        self._run(self.today)
        situation = self._situation(self.customer)
        self.assertEqual(situation.last_date, self.today)
        self.assertEqual(situation.step_id, self.step2)
        self.assertEqual(situation.marker_id, self.markers[1])
        # next: the courtesy note of the invoice not due yet, or "Reminder 2", at least a day after
        # the last reminder
        self.assertEqual(situation.next_date, self.today + timedelta(days=1))

    def test_customer_list_sorts_on_overdue_and_days_late(self):
        Situation = self.env["dunning.customer.situation"]
        domain = [("partner_id", "in", (self.customer | self.smaller).ids)]
        by_amount = Situation.search(domain, order="amount_overdue desc")
        self.assertEqual(by_amount.partner_id.ids, [self.customer.id, self.smaller.id])
        by_days = Situation.search(domain, order="days_late desc")
        self.assertEqual(by_days.partner_id.ids, [self.smaller.id, self.customer.id])

    def test_customer_list_is_for_credit_controllers(self):
        self.assertTrue(self._situation(self.customer).with_user(self.billing_user).amount_due)
        with self.assertRaises(AccessError):
            self.env["dunning.customer.situation"].with_user(self.employee).search([])
        with self.assertRaises(AccessError):
            self.env["dunning.worklist"].with_user(self.employee).search([])

    def test_customer_page_figures_and_actions(self):
        page = self.customer.with_user(self.billing_user)
        self.assertAlmostEqual(page.dunning_amount_overdue, 3800.0)
        self.assertEqual(page.dunning_days_late, 40)
        self.assertEqual(page.dunning_open_invoice_ids.move_id, self.not_due | self.late_10 | self.late_40)
        action = self._situation(self.customer).action_open_customer_page()
        self.assertEqual((action["res_model"], action["res_id"]), ("res.partner", self.customer.id))
        self.assertEqual(action["views"][0][0], self.env.ref("dunning_strategy.view_partner_form_dunning_followup").id)
        statement = page.action_dunning_statement()
        self.assertEqual(statement["report_name"], "dunning_strategy.report_dunning_statement")

    def test_exclusion_toggle_by_credit_controller(self):
        row = self.customer.dunning_open_invoice_ids.filtered(lambda row: row.move_id == self.late_10)
        row.with_user(self.billing_user).action_toggle_dunning_excluded()
        self.assertTrue(self.late_10.dunning_excluded)
        with self.assertRaises(AccessError):
            row.with_user(self.employee).action_toggle_dunning_excluded()
        self.assertTrue(self.late_10.dunning_excluded)
        row.with_user(self.billing_user).action_toggle_dunning_excluded()
        self.assertFalse(self.late_10.dunning_excluded)

    def test_worklist_kinds(self):
        Worklist = self.env["dunning.worklist"]
        caller = self._create_customer("Customer To Call")
        no_email = self._create_customer("Customer Without Email", email=False)
        self._create_invoice(no_email, self.today - timedelta(days=15))
        activity_vals = {
            "res_model_id": self.env["ir.model"]._get_id("res.partner"),
            "res_id": caller.id,
            "activity_type_id": self.call_type.id,
            "user_id": self.env.user.id,
        }
        # one by one: core subscribes the assignees of a batch twice to the same record
        for vals in (
            {**activity_vals, "date_deadline": self.today - timedelta(days=1), "summary": "Call about the late"},
            {**activity_vals, "date_deadline": self.today + timedelta(days=1), "summary": "Call tomorrow"},
            {**activity_vals, "date_deadline": self.today, "user_id": self.billing_user.id},
        ):
            self.env["mail.activity"].create(vals)
        items = Worklist.search([])
        remind = items.filtered(lambda item: item.kind == "remind")
        self.assertEqual(remind.partner_id, self.customer | self.smaller | no_email)
        to_remind = remind.filtered(lambda item: item.partner_id == self.customer)
        self.assertEqual(to_remind.step_id, self.step2, "overdue: Reminder 1, no courtesy note")
        self.assertAlmostEqual(to_remind.amount, 2000.0 + 1800.0, msg="the overdue invoices listed in the reminder")
        calls = items.filtered(lambda item: item.kind == "call")
        self.assertEqual(calls.description, "Call about the late", "mine, due or late only")
        self.assertFalse(items.filtered(lambda item: item.kind == "failed"))

        # today's run: the customer without email fails, the others are reminded
        run = self._run(self.today)
        self.assertEqual(run.line_ids.filtered(lambda line: line.state == "failed").partner_id, no_email)
        items = Worklist.search([])
        # the failed customer is still due today: it stays to remind until its reminder goes out
        self.assertEqual(items.filtered(lambda item: item.kind == "remind").partner_id, no_email)
        failed = items.filtered(lambda item: item.kind == "failed")
        self.assertEqual(failed.partner_id, no_email)
        self.assertEqual(failed.description, run.line_ids.filtered(lambda line: line.state == "failed").error)
        action = failed.action_open_customer_page()
        self.assertEqual((action["res_model"], action["res_id"]), ("res.partner", no_email.id))

        # grouped by kind, as the menu opens it
        groups = Worklist.read_group([], ["kind"], ["kind"])
        self.assertEqual(
            {group["kind"]: group["kind_count"] for group in groups}, {"remind": 1, "call": 1, "failed": 1}
        )

    def test_send_reminder_through_the_composer(self):
        action = self.customer.with_user(self.billing_user).action_dunning_send_reminder()
        self.assertEqual(action["res_model"], "mail.compose.message")
        composer_form = Form(
            self.env["mail.compose.message"].with_user(self.billing_user).with_context(**action["context"])
        )
        self.assertIn(self.late_10.name, composer_form.body, "the next step's e-mail, rendered")
        self.assertIn("Reminder 1", composer_form.subject)
        composer_form.body = "<p>Bonjour, merci de régler la facture avant vendredi (texte modifié).</p>"
        composer_form.save().action_send_mail()
        message = self.env["mail.message"].search(
            [("model", "=", "res.partner"), ("res_id", "=", self.customer.id), ("message_type", "=", "comment")]
        )
        self.assertEqual(len(message), 1)
        self.assertIn("texte modifié", message.body)
        self.assertEqual(message.partner_ids, self.customer)
        self.assertFalse(self.env["dunning.run"].search([("name", "=", "Preview")]), "nothing of the preview is kept")

    def test_timeline_of_reminders_newest_first(self):
        no_email = self._create_customer("Timeline Without Email", email=False)
        self._create_invoice(no_email, self.today - timedelta(days=15))
        run = self._run(self.today)
        done = run.line_ids.filtered(lambda line: line.partner_id == self.customer)
        failed = run.line_ids.filtered(lambda line: line.partner_id == no_email)
        self.assertEqual((done.state, failed.state), ("done", "failed"))
        # the run went out this morning (in a test, everything happens at the same instant)
        done.sudo().processed_date = fields.Datetime.now() - timedelta(hours=3)
        # then an e-mail by hand from the page
        action = self.customer.with_user(self.billing_user).action_dunning_send_reminder()
        composer = Form(self.env["mail.compose.message"].with_user(self.billing_user).with_context(**action["context"]))
        composer.subject = "Relance manuelle du jour"
        composer.save().action_send_mail()

        page = self.customer.with_user(self.billing_user)
        timeline = str(page.dunning_timeline)
        keys = re.findall(r'data-key="([a-z]+)-0*(\d+)"', timeline)
        self.assertEqual(keys[0][0], "message", "the e-mail by hand is the newest")
        self.assertEqual(keys[1], ("reminder", str(done.id)))
        self.assertIn("Reminder 1", timeline)
        self.assertIn(self.late_10.name, timeline, "the invoices reminded")
        self.assertIn("Relance manuelle du jour", timeline)
        self.assertIn(f"/odoo/dunning.run.line/{done.id}", timeline)
        self.assertNotIn(f"reminder-{failed.id:010d}", timeline, "another customer's reminder")
        # the failed reminder shows on its customer's page, with its reason
        other = str(no_email.with_user(self.billing_user).dunning_timeline)
        self.assertIn(f"reminder-{failed.id:010d}", other)
        self.assertIn("text-bg-danger", other)
        self.assertIn(escape(failed.error), other)
        # the page of an employee: no timeline at all (the field is for credit controllers)
        with self.assertRaises(AccessError):
            _ = self.customer.with_user(self.employee).dunning_timeline
        # another company's page of the same customer shows none of this company's reminders
        other_company = self.env["res.company"].create({"name": "Timeline Other Company"})
        self.billing_user.company_ids += other_company
        elsewhere = self.customer.with_user(self.billing_user).with_company(other_company)
        self.assertNotIn("reminder-", str(elsewhere.dunning_timeline))

    def test_only_credit_controllers_post_on_customers_they_cannot_edit(self):
        with self.assertRaises(AccessError):
            self.customer.with_user(self.employee).message_post(body="Not a credit controller")
        message = self.customer.with_user(self.billing_user).message_post(body="Credit controller")
        self.assertEqual(message.author_id, self.billing_user.partner_id)

    def test_log_call_schedules_a_dunning_call(self):
        # this addon's "Log a Call" (the bridge with exchange tracking opens the exchange form instead)
        log_call = type(self.env["res.partner"])._dunning_call_activity_action
        # an activity on a contact needs the right to edit contacts (Odoo's rule): said up front
        with self.assertRaises(UserError):
            log_call(self.customer.with_user(self.billing_user))
        self.billing_user.groups_id += self.env.ref("base.group_partner_manager")
        action = log_call(self.customer.with_user(self.billing_user))
        self.assertEqual(action["res_model"], "mail.activity.schedule")
        scheduler = Form(
            self.env["mail.activity.schedule"].with_user(self.billing_user).with_context(**action["context"])
        )
        self.assertEqual(scheduler.activity_type_id, self.call_type)
        scheduler.save().action_schedule_activities()
        activity = self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", self.customer.id)]
        )
        self.assertEqual(activity.activity_type_id, self.call_type)
        self.assertEqual(activity.user_id, self.billing_user)


@tagged("post_install", "-at_install")
class TestCustomerFollowupLetter(DunningLettersCommon):
    """ "Print the Letter" of the follow-up page: the next step's letter, logged in the chatter."""

    def test_print_letter_of_the_next_step(self):
        self.step1.write({"print_letter": True, "letter_template_id": self.letter_template.id})
        customer = self._create_company_customer("Lettered Customer")
        invoice = self._create_invoice(customer, fields.Date.context_today(self.env.user) - timedelta(days=10))
        action = customer.action_dunning_print_letter()
        self.assertEqual(action["type"], "ir.actions.act_url")
        message = self.env["mail.message"].search([("model", "=", "res.partner"), ("res_id", "=", customer.id)])
        self.assertEqual(len(message), 1)
        self.assertEqual(message.subtype_id, self.env.ref("mail.mt_note"))
        pdf = message.attachment_ids.raw
        self.assertIn(str(message.attachment_ids.id), action["url"])
        self.assertIn(invoice.name, self._pdf_text(pdf))
        self.assertFalse(invoice.dunning_step_id, "printing by hand does not make the invoice climb a step")
        self.assertFalse(self.env["dunning.run.line"].search([("partner_id", "=", customer.id)]), "nothing kept")

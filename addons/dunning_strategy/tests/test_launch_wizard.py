import base64

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .common import DunningCommon


@tagged("post_install", "-at_install")
class TestDunningLaunchWizard(DunningCommon):
    """The manual launch wizard: the same list as the engine, adjusted by hand, then launched."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.courtesy = cls._create_customer("Courtesy Customer")
        cls.late = cls._create_customer("Late Customer")
        cls.later = cls._create_customer("Later Customer")
        cls.silent = cls._create_customer("Silent Customer", email=False)
        cls.not_due = cls._create_customer("Not Due Customer")
        cls.courtesy_invoice, cls.late_invoice, cls.later_invoice, cls.silent_invoice, cls.not_due_invoice = (
            cls._create_invoices(
                [
                    cls._invoice_vals(cls.courtesy, cls._days_ago(-2), 300.0),
                    cls._invoice_vals(cls.late, cls._days_ago(12), 1200.0),
                    cls._invoice_vals(cls.later, cls._days_ago(30), 800.0),
                    cls._invoice_vals(cls.silent, cls._days_ago(9), 450.0),
                    cls._invoice_vals(cls.not_due, cls._days_ago(-20), 500.0),
                ]
            )
        )
        # the late customers already got their courtesy reminder
        (cls.late_invoice | cls.later_invoice | cls.silent_invoice).write(
            {"dunning_step_id": cls.step1.id, "dunning_date": cls._days_ago(15)}
        )
        # and the later one its first reminder too
        cls.later_invoice.write({"dunning_step_id": cls.step2.id, "dunning_date": cls._days_ago(12)})

    def _wizard(self, **vals):
        return self.env["dunning.launch"].create({"strategy_id": self.strategy.id, "date": self.run_date, **vals})

    @staticmethod
    def _lines_key(lines):
        """What a run would remind: customer, step, invoices listed and climbing, amount."""
        return sorted(
            (
                line.partner_id.id,
                line.step_id.id,
                tuple(line.move_ids.ids),
                tuple(line.due_move_ids.ids),
                round(line.amount_residual, 2),
            )
            for line in lines
        )

    def test_wizard_lists_the_candidates_of_create_run(self):
        wizard = self._wizard()
        run = self.strategy._create_run(self.run_date, "manual")
        self.assertEqual(self._lines_key(wizard.line_ids), self._lines_key(run.line_ids))
        self.assertEqual(
            {line.partner_id: line.step_id for line in wizard.line_ids},
            {self.courtesy: self.step1, self.late: self.step2, self.later: self.step3, self.silent: self.step2},
        )
        self.assertFalse(any(wizard.line_ids.mapped("manual")))

    def test_wizard_lists_what_the_list_shows(self):
        wizard = self._wizard()
        late_line = wizard.line_ids.filtered(lambda line: line.partner_id == self.late)
        self.assertEqual(
            (late_line.invoice_count, late_line.amount_residual, late_line.email, late_line.last_reminder_date),
            (1, 1200.0, self.late.email, self._days_ago(15)),
        )
        self.assertEqual((wizard.line_count, wizard.amount_residual), (4, 2750.0))

    def test_wizard_restricted_to_one_step(self):
        wizard = self._wizard(step_id=self.step2.id)
        run = self.strategy._create_run(self.run_date, "manual", step=self.step2)
        self.assertEqual(wizard.line_ids.partner_id, self.late | self.silent)
        self.assertEqual(self._lines_key(wizard.line_ids), self._lines_key(run.line_ids))

    def test_wizard_form_follows_a_change_of_date_and_saves_the_list(self):
        form = Form(self.env["dunning.launch"].with_context(default_strategy_id=self.strategy.id))
        form.date = self.run_date
        self.assertEqual(len(form.line_ids), 4)
        form.date = self._days_ago(10)
        self.assertEqual(len(form.line_ids), 1, "ten days earlier, only the later customer was due")
        wizard = form.save()
        self.assertEqual(wizard.line_ids.partner_id, self.later)
        run = self.strategy._create_run(self._days_ago(10), "manual")
        self.assertEqual(self._lines_key(wizard.line_ids), self._lines_key(run.line_ids))

    def test_removed_customer_is_not_reminded(self):
        wizard = self._wizard()
        wizard.line_ids.filtered(lambda line: line.partner_id == self.late).unlink()
        action = wizard.action_launch()
        run = self.env["dunning.run"].browse(action["res_id"])
        self.assertEqual((action["res_model"], action["view_mode"]), ("dunning.run", "form"))
        self.assertEqual(run.line_ids.partner_id, self.courtesy | self.later | self.silent)
        self.assertEqual((run.state, run.mode, run.done_count, run.failed_count), ("done", "manual", 2, 1))
        self.assertFalse(self._messages_of(self.late))
        self.assertEqual(self.late_invoice.dunning_step_id, self.step1, "the removed customer stays where it was")
        self.assertEqual(len(self._messages_of(self.courtesy)), 1)

    def test_customer_added_by_hand_is_reminded_at_its_next_step(self):
        wizard = self._wizard()
        self.assertNotIn(self.not_due, wizard.line_ids.partner_id)
        wizard.write({"line_ids": [Command.create({"partner_id": self.not_due.id})]})
        added = wizard.line_ids.filtered(lambda line: line.partner_id == self.not_due)
        self.assertTrue(added.manual)
        self.assertEqual(
            (added.step_id, added.move_ids, added.amount_residual), (self.step1, self.not_due_invoice, 500)
        )
        run = self.env["dunning.run"].browse(wizard.action_launch()["res_id"])
        line = run.line_ids.filtered(lambda line: line.partner_id == self.not_due)
        self.assertEqual((line.state, line.step_id, line.manual), ("done", self.step1, True))
        self.assertEqual(
            (self.not_due_invoice.dunning_step_id, self.not_due_invoice.dunning_date), (self.step1, self.run_date)
        )
        self.assertEqual(len(self._messages_of(self.not_due)), 1)
        self.assertFalse(any((run.line_ids - line).mapped("manual")))

    def test_customer_added_by_hand_climbs_one_step_from_where_it_is(self):
        customer = self._create_customer("Patient Customer")
        invoice = self._create_invoice(customer, self._days_ago(8))
        invoice.write({"dunning_step_id": self.step2.id, "dunning_date": self._days_ago(1)})
        wizard = self._wizard()
        self.assertNotIn(customer, wizard.line_ids.partner_id, "step 3 is due at 20 days only")
        wizard.write({"line_ids": [Command.create({"partner_id": customer.id})]})
        run = self.env["dunning.run"].browse(wizard.action_launch()["res_id"])
        line = run.line_ids.filtered(lambda line: line.partner_id == customer)
        self.assertEqual((line.state, line.step_id, line.manual), ("done", self.step3, True))
        self.assertEqual(invoice.dunning_step_id, self.step3)

    def test_no_email_tab_lists_the_customers_who_cannot_get_the_email(self):
        invalid = self._create_customer("Invalid Customer", email="not-an-address")
        with_contact = self._create_customer("Contact Customer", email=False)
        contact = self.env["res.partner"].create(
            {"name": "Accounts Payable", "parent_id": with_contact.id, "type": "invoice", "email": "ap@contact.example"}
        )
        self._create_invoices(
            [self._invoice_vals(invalid, self._days_ago(9)), self._invoice_vals(with_contact, self._days_ago(9))]
        )
        wizard = self._wizard()
        self.assertEqual(wizard.no_email_line_ids.partner_id, self.silent | invalid)
        by_partner = {line.partner_id: line for line in wizard.line_ids}
        self.assertEqual(by_partner[self.silent].email_issue, "no email address")
        self.assertIn("not-an-address", by_partner[invalid].email_issue)
        self.assertEqual(by_partner[with_contact].email, contact.email, "the invoice address receives it")
        # a step without email: nobody lacks an address
        self.step2.send_email = False
        self.step2.write({"schedule_activity": True, "activity_type_id": self.call_type.id})
        self.assertFalse(self._wizard(step_id=self.step2.id).no_email_line_ids)

    def test_preview_renders_the_first_email_without_sending_anything(self):
        wizard = self._wizard()
        first = wizard.line_ids[0]
        invoices = self.courtesy_invoice | self.late_invoice | self.later_invoice | self.silent_invoice
        steps_before = [(move.dunning_step_id, move.dunning_date) for move in invoices]
        messages_before = self.env["mail.message"].search_count([])
        mails_before = self.env["mail.mail"].search_count([])
        runs_before = self.env["dunning.run"].search_count([])
        action = wizard.action_preview()
        self.assertEqual((action["res_model"], action["res_id"]), ("dunning.launch", wizard.id))
        self.assertEqual(wizard.preview_partner_id, first.partner_id)
        self.assertIn(first.step_id.name, wizard.preview_subject)
        self.assertIn(first.move_ids[0].name, wizard.preview_body)
        self.assertIn(first.partner_id.email, wizard.preview_email_to)
        self.assertFalse(wizard.preview_letter)
        self.assertEqual(self.env["mail.message"].search_count([]), messages_before)
        self.assertEqual(self.env["mail.mail"].search_count([]), mails_before)
        self.assertEqual(self.env["dunning.run"].search_count([]), runs_before)
        self.assertEqual([(move.dunning_step_id, move.dunning_date) for move in invoices], steps_before)
        self.assertEqual(len(wizard.line_ids), 4, "the list is kept for the launch")

    def test_preview_shows_the_letter_without_storing_it(self):
        self.step1.write(
            {
                "print_letter": True,
                "letter_template_id": self.env.ref("dunning_strategy.dunning_letter_template_default").id,
            }
        )
        self.courtesy.write({"street": "4 place du Marché", "zip": "38000", "city": "Grenoble"})
        attachments_before = self.env["ir.attachment"].search_count([])
        wizard = self._wizard(step_id=self.step1.id)
        wizard.action_preview()
        self.assertEqual(wizard.preview_partner_id, self.courtesy)
        self.assertTrue(wizard.preview_body, "the email is shown too")
        self.assertTrue(base64.b64decode(wizard.preview_letter).startswith(b"%PDF"))
        self.assertTrue(wizard.preview_letter_name.endswith(".pdf"))
        self.assertEqual(self.env["ir.attachment"].search_count([]), attachments_before)
        self.assertFalse(self.env["dunning.run"].search([("strategy_id", "=", self.strategy.id)]))

    def test_preview_of_a_letter_that_cannot_be_built_still_shows_the_email(self):
        template = self.env.ref("dunning_strategy.dunning_letter_template_default").copy(
            {"name": "Needs a reference", "body": "<p>Reference: <t t-out='customer.ref.upper()'/></p>"}
        )
        self.step1.write({"print_letter": True, "letter_template_id": template.id})
        wizard = self._wizard(step_id=self.step1.id)
        wizard.action_preview()
        self.assertTrue(wizard.preview_body, "the email is still shown")
        self.assertFalse(wizard.preview_letter)
        self.assertIn("Needs a reference", wizard.preview_note)

    def test_wizard_preview_works_on_the_second_customer(self):
        form = Form(self.env["dunning.launch"].with_context(default_strategy_id=self.strategy.id))
        form.date = self.run_date
        # the eye of the second customer, clicked in the list before anything is saved
        with form.line_ids.edit(1) as second:
            second.preview = True
            second_partner = second.partner_id
        wizard = form.save()
        messages_before = self.env["mail.message"].search_count([])
        action = wizard.action_preview()
        self.assertEqual(
            (action["res_model"], action["res_id"], action["target"]), ("dunning.launch", wizard.id, "new")
        )
        self.assertEqual(wizard.preview_partner_id, second_partner)
        self.assertIn(second_partner.email, wizard.preview_email_to)
        invoice = self.env["account.move"].search([("partner_id", "=", second_partner.id)], limit=1)
        self.assertIn(invoice.name, wizard.preview_body)
        self.assertEqual(self.env["mail.message"].search_count([]), messages_before, "nothing sent")
        # another eye: the preview follows it, the previous eye goes off
        third = wizard.line_ids[2]
        third.preview = True
        wizard.action_preview()
        self.assertEqual(wizard.preview_partner_id, third.partner_id)
        self.assertEqual(wizard.line_ids.filtered("preview"), third)
        # the line's own action (RPC) previews that line
        wizard.line_ids.filtered(lambda line: line.partner_id == second_partner).action_preview()
        self.assertEqual(wizard.preview_partner_id, second_partner)

    def test_preview_cleared_with_a_message_when_the_step_changes(self):
        wizard = self._wizard()
        wizard.line_ids.filtered(lambda line: line.partner_id == self.late).action_preview()
        self.assertEqual(wizard.preview_partner_id, self.late)
        with Form(wizard) as form:
            form.step_id = self.step3
            self.assertFalse(form.preview_partner_id)
            self.assertFalse(form.preview_body)
            self.assertIn("the preview was cleared", form.preview_note)
        self.assertFalse(wizard.preview_subject, "the stale preview is gone once saved too")

    def test_lines_show_days_late_and_channels(self):
        self.step3.write({"print_letter": True})
        wizard = self._wizard()
        by_partner = {line.partner_id: line for line in wizard.line_ids}
        self.assertEqual(by_partner[self.late].days_late, 12)
        self.assertEqual(by_partner[self.courtesy].days_late, -2, "not due yet")
        self.assertEqual(by_partner[self.late].channels, "Email")
        self.assertEqual(by_partner[self.later].channels, f"Email, {self.call_type.name}, Letter")

    def test_no_email_row_action_opens_the_customer(self):
        wizard = self._wizard()
        row = wizard.no_email_line_ids
        self.assertEqual(row.partner_id, self.silent)
        action = row.action_open_partner()
        self.assertEqual(
            (action["type"], action["res_model"], action["res_id"], action["views"]),
            ("ir.actions.act_window", "res.partner", self.silent.id, [(False, "form")]),
        )
        # once the address is fixed, the customer leaves the tab
        self.silent.email = "silent@customer.example.com"
        self.assertFalse(self._wizard().no_email_line_ids)

    def test_launch_without_customer_is_refused(self):
        wizard = self._wizard()
        wizard.line_ids.unlink()
        with self.assertRaisesRegex(UserError, "at least one customer"):
            wizard.action_launch()
        with self.assertRaisesRegex(UserError, "no customer to preview"):
            wizard.action_preview()

    def test_customer_listed_twice_or_with_nothing_due_is_refused(self):
        wizard = self._wizard()
        self.assertIn(self.late, wizard.line_ids.partner_id)
        wizard.write({"line_ids": [Command.create({"partner_id": self.late.id})]})
        with self.assertRaisesRegex(UserError, "listed twice"):
            wizard.action_launch()
        nothing = self._create_customer("Nothing Due Customer")
        wizard = self._wizard(line_ids=[Command.create({"partner_id": nothing.id})])
        with self.assertRaisesRegex(UserError, "no open invoice"):
            wizard.action_launch()

    def test_customer_not_included_is_refused(self):
        self.late.dunning_enabled = False
        wizard = self._wizard()
        self.assertNotIn(self.late, wizard.line_ids.partner_id)
        wizard.write({"line_ids": [Command.create({"partner_id": self.late.id})]})
        with self.assertRaisesRegex(UserError, "not included in dunning"):
            wizard.action_launch()

    def test_archived_strategy_gives_a_clear_error(self):
        wizard = self._wizard()
        self.strategy.active = False
        wizard.date = self._days_ago(1)
        self.assertIn("archived", wizard.warning)
        self.assertFalse(wizard.line_ids)
        wizard.write({"line_ids": [Command.create({"partner_id": self.late.id})]})
        with self.assertRaisesRegex(UserError, "archived"):
            wizard.action_launch()

    def test_date_more_than_a_year_ahead_gives_a_clear_error(self):
        wizard = self._wizard(date=self.run_date.replace(year=self.run_date.year + 5))
        self.assertIn("more than a year ahead", wizard.warning)

    def test_user_of_another_company_cannot_launch(self):
        other_company = self.setup_other_company()["company"]
        outsider = new_test_user(
            self.env,
            login="dunning_outsider",
            groups="account.group_account_invoice",
            company_id=other_company.id,
            company_ids=[other_company.id],
        )
        with self.assertRaises(AccessError):
            self.env["dunning.launch"].with_user(outsider).create(
                {"strategy_id": self.strategy.id, "date": self.run_date}
            ).action_launch()
        self.assertFalse(self.env["dunning.run"].search([("strategy_id", "=", self.strategy.id)]))

    def test_run_now_reminds_what_the_cron_would_today(self):
        with freeze_time(self.run_date):
            expected = self.strategy._compute_candidates(self.run_date)
            action = self.strategy.action_run_now()
        run = self.env["dunning.run"].browse(action["res_id"])
        self.assertEqual((run.date, run.state, run.mode), (self.run_date, "done", "manual"))
        self.assertEqual(
            sorted((line.partner_id.id, line.step_id.id) for line in run.line_ids),
            sorted((c["partner_id"], c["step_id"]) for c in expected),
        )
        with freeze_time(self.run_date):
            again = self.env["dunning.run"].browse(self.strategy.action_run_now()["res_id"])
        self.assertEqual(again.line_ids.partner_id, self.silent, "only the customer that failed is due again")
        self.silent.dunning_enabled = False
        with freeze_time(self.run_date):
            nothing = self.strategy.action_run_now()
        self.assertEqual(nothing["tag"], "display_notification", "nothing is due twice on the same day")

    def test_launch_wizard_opened_from_the_strategy(self):
        action = self.strategy.action_launch_wizard()
        wizard = self.env["dunning.launch"].with_context(**action["context"]).create({"date": self.run_date})
        self.assertEqual(wizard.strategy_id, self.strategy)
        self.assertEqual(len(wizard.line_ids), 4)

    def test_retry_failed_line_after_fixing_the_email(self):
        run = self._run()
        failed = run.line_ids.filtered(lambda line: line.partner_id == self.silent)
        self.assertEqual((failed.state, failed.error), ("failed", "no email address"))
        self.assertEqual(run.state, "done")
        self.silent.email = "silent@customer.example.com"
        run.action_retry_failed()
        self.assertEqual((failed.state, failed.error), ("done", False))
        self.assertEqual((run.state, run.failed_count, run.done_count), ("done", 0, 4))
        message = self._messages_of(self.silent)
        self.assertEqual(failed.mail_message_id, message)
        self.assertEqual(self._mails_of(self.silent).recipient_ids, self.silent)
        self.assertEqual(self.silent_invoice.dunning_step_id, self.step2)
        # the others were not reminded twice
        self.assertEqual(len(self._messages_of(self.late)), 1)
        with self.assertRaisesRegex(UserError, "no failed line"):
            run.action_retry_failed()

from unittest.mock import patch

from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import DunningCommon


@tagged("post_install", "-at_install")
class TestDunningProcessing(DunningCommon):
    """Rules 4 and 5: the channels of a step, who receives the reminder, failures."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = new_test_user(
            cls.env,
            login="dunning_salesman",
            groups="base.group_user",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )
        cls.responsible = new_test_user(
            cls.env,
            login="dunning_responsible",
            groups="base.group_user",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )
        cls.strategy.responsible_id = cls.responsible

    # rule 4: channels -----------------------------------------------------------------------

    def test_email_is_posted_in_the_customer_chatter_and_queued(self):
        customer = self._create_customer("Mail Customer")
        invoice = self._create_invoice(customer, self._days_ago(8))
        run = self._run()
        line = run.line_ids
        self.assertEqual(line.state, "done")
        message = line.mail_message_id
        self.assertEqual(message, self._messages_of(customer))
        self.assertEqual((message.model, message.res_id), ("res.partner", customer.id))
        self.assertIn(invoice.name, message.body)
        self.assertIn(customer, message.partner_ids)
        mail = self._mails_of(customer)
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.recipient_ids, customer)
        self.assertEqual(mail.state, "outgoing", "queued for the mail cron, not sent inside the run")
        self.assertIn("Reminder 1", mail.subject, "8 days late: Reminder 1, never a courtesy note once overdue")

    def test_emails_of_a_batch_go_to_their_recipients_only_and_stay_in_the_chatter(self):
        follower = self.salesman.partner_id
        customers = self.env["res.partner"]
        for index in range(3):
            customers |= self._create_customer(f"Batch Customer {index}")
        customers.message_subscribe(partner_ids=follower.ids)
        self._create_invoices([self._invoice_vals(customer, self._days_ago(8)) for customer in customers])
        run = self._run()
        messages = run.line_ids.mail_message_id
        self.assertEqual(len(messages), 3)
        for customer in customers:
            message = self._messages_of(customer)
            self.assertEqual(message.subtype_id, self.env.ref("mail.mt_comment"))
            self.assertEqual(message.author_id, self.env.user.partner_id)
            self.assertTrue(message.reply_to)
            notification = message.notification_ids
            self.assertEqual(
                (notification.res_partner_id, notification.notification_type, notification.notification_status),
                (customer, "email", "ready"),
            )
            self.assertEqual(self._mails_of(customer).mail_message_id, message)
        self.assertFalse(messages.notification_ids.filtered(lambda n: n.res_partner_id == follower))
        mails = self.env["mail.mail"].search([("mail_message_id", "in", messages.ids)])
        mails.auto_delete = True
        mails.send()
        self.assertFalse(mails.exists(), "sent and deleted")
        self.assertEqual(messages.exists(), messages, "the messages stay in the chatters")
        self.assertEqual(set(messages.notification_ids.mapped("notification_status")), {"sent"})

    def test_template_compiled_once_renders_as_the_standard_engine(self):
        template = self.template.copy(
            {
                "body_html": '<p>Dear <t t-out="object.partner_id.name"/>, '
                '<t t-out="format_amount(object.amount_residual, object.currency_id)"/>'
                '<t t-if="object.amount_residual &gt; 1500"> (large)</t></p>'
            }
        )
        customers = self.env["res.partner"]
        for index in range(3):
            customers |= self._create_customer(f"Render Customer {index}")
        self._create_invoices(
            [
                self._invoice_vals(customer, self._days_ago(8), 1000.0 * (index + 1))
                for index, customer in enumerate(customers)
            ]
        )
        lines = self.strategy._create_run(self.run_date).line_ids
        QWeb = type(self.env["ir.qweb"])
        with patch.object(QWeb, "_compile", autospec=True, side_effect=QWeb._compile) as compile_spy:
            together = template._generate_template(lines.ids, ("body_html",))
        self.assertEqual(compile_spy.call_count, 1, "one compilation for the three lines")
        for line in lines:
            alone = template._generate_template(line.ids, ("body_html",))[line.id]["body_html"]
            self.assertEqual(together[line.id]["body_html"], alone)
            self.assertIn(line.partner_id.name, alone)
        self.assertEqual(len([line for line in lines if "(large)" in together[line.id]["body_html"]]), 2)

    def test_email_is_rendered_in_the_customer_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        template = self.template.copy({"name": "Bilingual", "body_html": "<p>Hello</p>", "subject": "Reminder"})
        template.update_field_translations("subject", {"fr_FR": "Relance"})
        template.update_field_translations("body_html", {"fr_FR": "<p>Bonjour</p>"})
        self.step1.mail_template_id = template
        french = self._create_customer("Client Francais", lang="fr_FR")
        english = self._create_customer("English Customer", lang="en_US")
        self._create_invoices(
            [self._invoice_vals(french, self._days_ago(-2)), self._invoice_vals(english, self._days_ago(-2))]
        )
        run = self._run()
        self.assertEqual(run.done_count, 2)
        french_message = self._messages_of(french)
        english_message = self._messages_of(english)
        self.assertEqual((french_message.subject, str(french_message.body)), ("Relance", "<p>Bonjour</p>"))
        self.assertEqual((english_message.subject, str(english_message.body)), ("Reminder", "<p>Hello</p>"))

    def test_activity_assigned_to_the_salesperson_due_at_the_run_date(self):
        customer = self._create_customer("Call Customer", user_id=self.salesman.id)
        invoice = self._create_invoice(customer, self._days_ago(25))
        invoice.write({"dunning_step_id": self.step2.id, "dunning_date": self._days_ago(18)})
        run = self._run()
        activity = run.line_ids.activity_id
        self.assertTrue(activity)
        self.assertEqual(
            (activity.res_model, activity.res_id, activity.user_id, activity.date_deadline, activity.activity_type_id),
            ("res.partner", customer.id, self.salesman, self.run_date, self.call_type),
        )
        self.assertTrue(run.line_ids.mail_message_id, "step 3 also sends its email")

    def test_activity_assignment_rules(self):
        no_salesman = self._create_customer("No Salesman")
        invoice = self._create_invoice(no_salesman, self._days_ago(25))
        invoice.write({"dunning_step_id": self.step2.id, "dunning_date": self._days_ago(18)})
        run = self._run()
        self.assertEqual(run.line_ids.activity_id.user_id, self.responsible, "no salesperson: the responsible")

        self.step3.write({"activity_user": "user", "activity_user_id": self.salesman.id})
        other = self._create_customer("Given User")
        invoice = self._create_invoice(other, self._days_ago(25))
        invoice.write({"dunning_step_id": self.step2.id, "dunning_date": self._days_ago(18)})
        run = self._run()
        self.assertEqual(run.line_ids.activity_id.user_id, self.salesman)

        self.step3.activity_user = "responsible"
        third = self._create_customer("Responsible Rule", user_id=self.salesman.id)
        invoice = self._create_invoice(third, self._days_ago(25))
        invoice.write({"dunning_step_id": self.step2.id, "dunning_date": self._days_ago(18)})
        run = self._run()
        self.assertEqual(run.line_ids.activity_id.user_id, self.responsible)

    def test_invoices_and_customer_advance_after_processing(self):
        customer = self._create_customer("Advancing Customer")
        invoice = self._create_invoice(customer, self._days_ago(8))
        invoice.write({"dunning_step_id": self.step1.id, "dunning_date": self._days_ago(11)})
        self.assertEqual(customer.dunning_step_id, self.step1)
        self._run()
        self.assertEqual((invoice.dunning_step_id, invoice.dunning_level), (self.step2, 2))
        self.assertEqual(invoice.dunning_date, self.run_date)
        self.assertEqual(customer.dunning_step_id, self.step2)
        self.assertEqual(customer.dunning_marker_id, self.markers[1])
        self.assertEqual(invoice.dunning_line_ids.partner_id, customer, "the history is on the invoice")

    # rule 5: recipient and failures -----------------------------------------------------------

    def test_recipient_is_the_dunning_contact_else_invoice_address_else_customer(self):
        with_contact = self._create_customer("Contact Company", is_company=True)
        accountant = self._create_customer("Their Accountant", parent_id=with_contact.id)
        self._create_customer("Their Invoice Desk", parent_id=with_contact.id, type="invoice")
        with_contact.dunning_contact_id = accountant
        with_address = self._create_customer("Address Company", is_company=True)
        invoice_desk = self._create_customer("Invoice Desk", parent_id=with_address.id, type="invoice")
        alone = self._create_customer("Alone Company", is_company=True)
        self._create_invoices([self._invoice_vals(p, self._days_ago(-2)) for p in (with_contact, with_address, alone)])
        run = self._run()
        recipients = {line.partner_id: line.recipient_id for line in run.line_ids}
        self.assertEqual(recipients, {with_contact: accountant, with_address: invoice_desk, alone: alone})
        self.assertEqual(self._mails_of(with_address).recipient_ids, invoice_desk)
        self.assertEqual(self._messages_of(with_address).partner_ids, invoice_desk)

    def test_customer_without_email_fails_and_the_run_goes_on(self):
        no_email = self._create_customer("No Email Customer")
        no_email.email = False
        fine = self._create_customer("Fine Customer")
        self._create_invoices([self._invoice_vals(p, self._days_ago(-2)) for p in (no_email, fine)])
        run = self._run()
        lines = {line.partner_id: line for line in run.line_ids}
        self.assertEqual((lines[no_email].state, lines[no_email].error), ("failed", "no email address"))
        self.assertFalse(lines[no_email].due_move_ids.dunning_step_id, "a failed line does not advance")
        self.assertEqual(lines[fine].state, "done")
        self.assertEqual(run.state, "done")
        self.assertEqual((run.done_count, run.failed_count), (1, 1))

    def test_customer_without_email_on_a_letter_step_is_not_failed(self):
        self.step1.print_letter = True
        no_email = self._create_customer("Letter Customer", city="Lyon")  # a letter needs an address
        no_email.email = False
        invoice = self._create_invoice(no_email, self._days_ago(-2))
        run = self._run()
        self.assertEqual(run.line_ids.state, "done")
        self.assertFalse(self._messages_of(no_email), "no email without an address: the letter goes alone")
        self.assertEqual(invoice.dunning_step_id, self.step1)

    def test_invalid_email_fails_the_line(self):
        customer = self._create_customer("Invalid Email")
        customer.email = "not-an-email"
        self._create_invoice(customer, self._days_ago(-2))
        run = self._run()
        self.assertEqual(run.line_ids.state, "failed")
        self.assertIn("invalid email address", run.line_ids.error)

    @mute_logger("odoo.addons.mail.models.mail_render_mixin", "odoo.addons.dunning_strategy.models.dunning_engine")
    def test_template_error_fails_only_the_faulty_customer(self):
        template = self.template.copy({"body_html": '<p t-out="object.partner_id.ref.upper()"/>'})
        self.step1.mail_template_id = template
        customers = [self._create_customer(f"Ref Customer {i}", ref=f"c{i}") for i in range(3)]
        faulty = self._create_customer("No Ref Customer")
        self._create_invoices([self._invoice_vals(p, self._days_ago(-2)) for p in [*customers, faulty]])
        run = self._run()
        lines = {line.partner_id: line for line in run.line_ids}
        self.assertEqual(lines[faulty].state, "failed")
        self.assertTrue(lines[faulty].error)
        self.assertFalse(self._messages_of(faulty))
        for customer in customers:
            self.assertEqual(lines[customer].state, "done")
            self.assertEqual(len(self._messages_of(customer)), 1)
            self.assertIn(customer.ref.upper(), self._messages_of(customer).body)
        self.assertEqual(run.state, "done")

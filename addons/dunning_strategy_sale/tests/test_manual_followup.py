import base64
from datetime import datetime, time

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import QuotationFollowupCommon

FOLLOWUP_ACTIVITY = "dunning_strategy_sale.mail_activity_type_quotation_followup"


@tagged("post_install", "-at_install")
class TestManualFollowup(QuotationFollowupCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # a template written with Dolibarr's placeholders
        cls.template_dolibarr = cls.template_before.copy(
            {
                "name": "Dolibarr-style follow-up",
                "subject": "Proposition __REF_PROPAL__ pour __THIRDPARTY_NAME__",
                "body_html": "<p>Bonjour __NAME__,</p><p>Notre proposition __REF_PROPAL__ du __DATE_PROPAL__, "
                "de __TOTAL_HT__ HT soit __TOTAL_TTC__ TTC, est valable jusqu'au __DATE_VALIDITE__.</p>",
            }
        )
        cls.step1.mail_template_id = cls.template_dolibarr

    def test_manual_followup_by_email(self):
        order = self._create_quotation(validity_days=5, amount=1234.5)
        wizard = self._followup_wizard(order, note="Called, asked to resend")
        self.assertEqual(wizard.step_id, self.step1, "default template: the step due")
        self.assertEqual(wizard.channel, "email")
        self.assertEqual(wizard.next_date, self._days(15), "default next date: company delay of 15 days")
        wizard.next_date = self._days(7)
        wizard.action_send()

        line = order.dunning_line_ids
        self.assertEqual(line.state, "done")
        self.assertEqual(line.run_id.mode, "manual")
        self.assertEqual(
            (line.step_id, line.note, line.next_date, line.followup_by_email, line.followup_by_letter),
            (self.step1, "Called, asked to resend", self._days(7), True, False),
        )
        self.assertEqual(line.run_user_id, self.env.user)
        message = line.mail_message_id
        self.assertEqual((message.model, message.res_id), ("sale.order", order.id))
        self.assertEqual(message.subject, f"Proposition {order.name} pour Bakery Martin")
        self.assertIn(f"Notre proposition {order.name}", message.body)
        self.assertIn("1,234.50", message.body)
        self.assertNotIn("__", message.body, "every placeholder replaced")
        mail = self._mails_of(order)
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.recipient_ids, self.customer)
        # the quotation records the follow-up and plans the next one
        self.assertEqual(
            (order.dunning_date, order.dunning_step_id, order.dunning_next_date),
            (self.today, self.step1, self._days(7)),
        )
        activity = order.activity_ids.filtered(lambda a: a.activity_type_id == self.env.ref(FOLLOWUP_ACTIVITY))
        self.assertEqual(len(activity), 1)
        self.assertEqual((activity.date_deadline, activity.user_id), (self._days(7), order.user_id))
        # a second follow-up, the next day (one email a day), replaces the activity
        with freeze_time(datetime.combine(self._days(1), time(12))):
            self._followup_wizard(order, next_date=self._days(20)).action_send()
        activity = order.activity_ids.filtered(lambda a: a.activity_type_id == self.env.ref(FOLLOWUP_ACTIVITY))
        self.assertEqual(activity.date_deadline, self._days(20))
        self.assertEqual(order.dunning_line_count, 2)

    def test_manual_followup_by_letter(self):
        order = self._create_quotation(validity_days=5, amount=777.0)
        wizard = self._followup_wizard(order, channel="letter")
        action = wizard.action_send()
        self.assertEqual(action["res_id"], wizard.id, "the wizard shows the letter to download")
        line = order.dunning_line_ids
        self.assertEqual(line.state, "done")
        self.assertFalse(line.mail_message_id)
        self.assertFalse(self._mails_of(order), "a letter sends no email")
        pdf = base64.b64decode(wizard.letter_data)
        self.assertEqual(pdf, line.letter_attachment_id.raw)
        pages = self._pdf_pages_text(pdf)
        self.assertGreaterEqual(len(pages), 2)
        letter, quotation = pages[0], "\n".join(pages[1:])
        self.assertIn("Bonjour Bakery Martin", letter)
        self.assertIn(f"Notre proposition {order.name}", letter)
        self.assertIn("3 place Bellecour", letter, "the address in the envelope window")
        self.assertNotIn("__", letter)
        self.assertIn(order.name, quotation)
        self.assertIn("777.00", quotation)
        # kept on the run (merged letters) and in the quotation's chatter
        self.assertEqual(self._pdf_pages_text(line.run_id.letters_attachment_id.raw), pages)
        note = self.env["mail.message"].search(
            [
                ("model", "=", "sale.order"),
                ("res_id", "=", order.id),
                ("attachment_ids", "in", line.letter_attachment_id.ids),
            ]
        )
        self.assertEqual(len(note), 1)
        self.assertEqual(order.dunning_date, self.today)

    def test_followup_from_the_customer_offers_its_open_quotations(self):
        other_customer = self._create_customer("Other Customer")
        self._create_quotation(partner=other_customer)
        draft = self._create_quotation(sent=False)
        with self.assertRaisesRegex(UserError, "has no open quotation"):
            self.customer.action_dunning_quotation_followup()
        order = self._create_quotation()
        action = self.customer.action_dunning_quotation_followup()
        self.assertEqual(action["context"]["default_sale_order_id"], order.id, "its only open quotation")
        second = self._create_quotation()
        action = self.customer.action_dunning_quotation_followup()
        self.assertNotIn("default_sale_order_id", action["context"])
        wizard = self.env["dunning.quotation.followup"].with_context(**action["context"]).new({})
        offered = self.env["sale.order"].search(
            [
                ("dunning_is_open", "=", True),
                ("company_id", "=", self.company.id),
                ("partner_id", "child_of", wizard.partner_id.id),
            ]
        )
        self.assertEqual(offered, order | second)
        self.assertNotIn(draft, offered)

    def test_followup_date_in_the_past_is_refused(self):
        order = self._create_quotation()
        wizard = self._followup_wizard(order, next_date=self._days(-1))
        with self.assertRaisesRegex(UserError, "cannot be in the past"):
            wizard.action_send()
        self.assertFalse(order.dunning_line_ids)

    def test_only_sent_quotations_can_be_followed_up(self):
        order = self._create_quotation(sent=False)
        wizard = self._followup_wizard(order)
        with self.assertRaisesRegex(UserError, "Only sent quotations"):
            wizard.action_send()

    def test_quotation_pdf_files_are_attached_when_the_setting_asks(self):
        order = self._create_quotation()
        sent_pdf = self.env["ir.attachment"].create(
            {
                "name": "Quotation.pdf",
                "raw": b"%PDF-1.4 quotation",
                "mimetype": "application/pdf",
                "res_model": "sale.order",
                "res_id": order.id,
            }
        )
        self.env["ir.attachment"].create(
            {
                "name": "notes.txt",
                "raw": b"internal",
                "mimetype": "text/plain",
                "res_model": "sale.order",
                "res_id": order.id,
            }
        )
        self._followup_wizard(order).action_send()
        printed = order.dunning_line_ids.attachment_ids
        self.assertEqual(printed.mapped("name"), [f"Quotation - {order.name}.pdf"], "the quotation printed now")
        self.assertEqual(order.dunning_line_ids.mail_message_id.attachment_ids, printed, "not its stored files")
        self.company.dunning_quotation_attach_files = True
        with freeze_time(datetime.combine(self._days(1), time(12))):  # one email a day
            self._followup_wizard(order).action_send()
        last = order.dunning_line_ids.sorted("id")[-1]
        self.assertEqual(last.mail_message_id.attachment_ids, last.attachment_ids | sent_pdf, "PDF files only")
        self.assertEqual(self._mails_of(order).sorted("id")[-1].attachment_ids, last.attachment_ids | sent_pdf)

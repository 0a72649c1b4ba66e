from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from .common import QuotationFollowupCommon


@tagged("post_install", "-at_install")
class TestEditedEmail(QuotationFollowupCommon):
    """The follow-up wizards show the email before it is sent; the single one lets it be edited,
    and the edited text is what the customer gets and what the chatter shows."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.step1.mail_template_id = cls.template_before.copy(
            {
                "name": "Dolibarr-style follow-up",
                "subject": "Proposition __REF_PROPAL__ pour __THIRDPARTY_NAME__",
                "body_html": "<p>Bonjour __NAME__, notre proposition __REF_PROPAL__ vous attend.</p>",
            }
        )
        cls.order = cls._create_quotation(validity_days=5)

    def test_wizard_shows_the_rendered_email(self):
        wizard = self._followup_wizard(self.order)
        self.assertEqual(wizard.email_subject, f"Proposition {self.order.name} pour Bakery Martin")
        self.assertIn(f"Bonjour Bakery Martin, notre proposition {self.order.name} vous attend.", wizard.email_body)
        self.assertFalse(self.order.dunning_line_ids, "the preview keeps nothing")
        self.assertFalse(self.env["dunning.run"].search([("strategy_id", "=", self.strategy.id)]))
        # another template, another text
        wizard.step_id = self.step2
        self.assertIn(self.order.name, wizard.email_subject)
        self.assertNotIn("Proposition", wizard.email_subject)

    def test_edited_email_is_what_is_sent_and_logged(self):
        wizard = self._followup_wizard(self.order)
        wizard.write(
            {
                "email_subject": "Our offer,\r\nstill open",
                "email_body": "<p>Dear Mr Martin, we can deliver next week.</p><script>alert(1)</script>",
            }
        )
        wizard.action_send()
        line = self.order.dunning_line_ids
        self.assertEqual(line.state, "done", "the run line records the follow-up")
        message = line.mail_message_id
        self.assertEqual((message.model, message.res_id), ("sale.order", self.order.id), "in the chatter")
        self.assertEqual(message.subject, "Our offer, still open", "the subject stays on one line")
        self.assertIn("we can deliver next week", message.body)
        self.assertNotIn("vous attend", message.body, "not the template's text")
        self.assertNotIn("<script", message.body)
        mail = self._mails_of(self.order)
        self.assertEqual(len(mail), 1)
        self.assertIn("we can deliver next week", mail.body_html)
        self.assertNotIn("<script", mail.body_html)
        self.assertEqual(mail.subject, "Our offer, still open")
        # to the quotation's customer only, with the quotation as its only file
        self.assertEqual(mail.recipient_ids, self.customer)
        self.assertEqual(mail.attachment_ids.mapped("name"), [f"Quotation - {self.order.name}.pdf"])

    def test_empty_email_is_refused(self):
        wizard = self._followup_wizard(self.order, email_body="<p><br></p>")
        with self.assertRaisesRegex(UserError, "has no text"):
            wizard.action_send()
        self.assertFalse(self.order.dunning_line_ids)

    def test_letter_ignores_the_email_text(self):
        wizard = self._followup_wizard(self.order, channel="letter", email_body="<p>Edited</p>")
        wizard.action_send()
        line = self.order.dunning_line_ids
        self.assertFalse(line.followup_body)
        self.assertFalse(self._mails_of(self.order))

    def test_email_is_rendered_in_the_customer_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["dunning_strategy_sale"], ["fr_FR"], overwrite=True)
        self.customer.lang = "fr_FR"
        order = self._create_quotation(validity_days=-1)
        wizard = self._followup_wizard(order, step_id=self.step2.id)
        self.assertEqual(
            wizard.email_subject, f"{self.company.name} : le devis {order.name} arrive à expiration", "in French"
        )
        self.assertIn("Bakery Martin", wizard.email_body)

    def test_mass_followup_previews_the_email_of_a_line(self):
        wizard = self.env["dunning.quotation.mass"].create({})
        line = wizard.line_ids.filtered(lambda line: line.sale_order_id == self.order)
        action = line.action_preview_email()
        self.assertEqual((action["res_model"], action["res_id"]), (line._name, line.id))
        self.assertEqual(line.email_subject, f"Proposition {self.order.name} pour Bakery Martin")
        self.assertIn("vous attend", line.email_body)

    def test_salesperson_previews_and_edits_own_quotations_only(self):
        seller = new_test_user(
            self.env,
            login="preview_seller",
            groups="dunning_strategy_sale.group_quotation_followup",
            company_id=self.company.id,
            email="preview.seller@company.example.com",
        )
        own = self._create_quotation(validity_days=5, user_id=seller.id)
        Wizard = self.env["dunning.quotation.followup"].with_user(seller)
        wizard = Wizard.create({"sale_order_id": own.id, "company_id": self.company.id})
        self.assertIn(own.name, wizard.email_subject, "the salesperson sees the email of his quotation")
        wizard.email_body = "<p>Edited by the salesperson</p>"
        wizard.action_send()
        self.assertIn("Edited by the salesperson", self._mails_of(own).body_html)
        # a colleague's quotation (self.order, of the admin): no preview rendered as superuser
        other = Wizard.new({"sale_order_id": self.order.id, "company_id": self.company.id, "step_id": self.step1.id})
        self.assertFalse(other.email_subject or other.email_body)
        self.assertFalse(other.emailed_today)

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import QuotationFollowupCommon


@tagged("post_install", "-at_install")
class TestQuotationRecipient(QuotationFollowupCommon):
    def test_recipient_is_the_followup_contact_then_the_customer(self):
        contact = self.env["res.partner"].create(
            {"name": "Julie Martin", "parent_id": self.customer.id, "email": "julie@customer.example.com"}
        )
        order = self._create_quotation(partner=contact)
        self.assertEqual(order._dunning_recipient(), contact, "the customer of the quotation")
        buyer = self.env["res.partner"].create(
            {"name": "Paul Achat", "parent_id": self.customer.id, "email": "paul@customer.example.com"}
        )
        order.dunning_contact_id = buyer
        self.assertEqual(order._dunning_recipient(), buyer, "the follow-up contact first")
        buyer.email = False
        self.assertEqual(order._dunning_recipient(), contact, "a contact without email is passed over")
        contact.email = False
        self.assertEqual(order._dunning_recipient(), self.customer, "then the customer's company")

    def test_followup_email_goes_to_the_followup_contact(self):
        buyer = self.env["res.partner"].create(
            {"name": "Paul Achat", "parent_id": self.customer.id, "email": "paul@customer.example.com"}
        )
        order = self._create_quotation(validity_days=0, dunning_contact_id=buyer.id)
        self._followup_wizard(order).action_send()
        line = order.dunning_line_ids
        self.assertEqual(line.recipient_id, buyer)
        self.assertEqual(self._mails_of(order).recipient_ids, buyer)

    def test_no_email_gives_a_clear_error_and_offers_the_letter(self):
        prospect = self._create_customer("Atelier Sans Mail", email=False)
        order = self._create_quotation(partner=prospect, validity_days=0)
        wizard = self._followup_wizard(order)
        self.assertEqual(wizard.channel, "letter", "the letter is offered instead")
        self.assertIn("no email address", wizard.email_error)
        self.assertIn("by letter", wizard.email_error)
        wizard.channel = "email"
        with self.assertRaisesRegex(UserError, "no email address for Atelier Sans Mail.*follow it up by letter"):
            wizard.action_send()
        self.assertFalse(order.dunning_line_ids, "nothing created")
        # the letter goes
        wizard.channel = "letter"
        wizard.action_send()
        self.assertEqual(order.dunning_line_ids.state, "done")
        self.assertTrue(order.dunning_line_ids.letter_attachment_id)

    def test_automatic_followup_without_email_fails_with_the_reason(self):
        prospect = self._create_customer("Atelier Sans Mail", email=False)
        order = self._create_quotation(partner=prospect, validity_days=0)
        run = self.strategy._create_run(self.today, "automatic")
        run.action_process()
        line = run.line_ids
        self.assertEqual(line.state, "failed")
        self.assertIn("no email address", line.error)
        self.assertIn("by letter", line.error)
        self.assertFalse(order.dunning_date, "a failed follow-up does not count")
        self.assertFalse(self._mails_of(order))

    def test_malformed_email_is_refused(self):
        customer = self._create_customer("Atelier Mal Ecrit", email=False)
        customer.email = "not-an-address"
        order = self._create_quotation(partner=customer, validity_days=0)
        wizard = self._followup_wizard(order)
        self.assertEqual(wizard.channel, "letter")
        self.assertIn("invalid email address", wizard.email_error)

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import QuotationFollowupCommon


@tagged("post_install", "-at_install")
class TestQuotationProductionRules(QuotationFollowupCommon):
    """Rules met on real databases: archived customers, absurd delays, a wizard sent twice."""

    def test_quotation_of_an_archived_customer_is_not_followed_up(self):
        archived = self._create_customer("Closed Shop")
        contact = self.env["res.partner"].create({"name": "Former Buyer", "parent_id": archived.id})
        kept = self._create_quotation(validity_days=-10)
        self._create_quotation(archived, validity_days=-10)
        self._create_quotation(contact, validity_days=-10)
        archived.action_archive()
        self.assertEqual(self._selected_orders(), kept, "neither the company nor its contact's quotation")

    def test_absurd_delays_are_refused_with_a_clear_error(self):
        for field in ("dunning_quotation_delay", "dunning_quotation_lost_days"):
            with self.subTest(field=field), self.assertRaisesRegex(ValidationError, "cannot exceed 3650 days"):
                self.company.write({field: 10**9})
        with self.assertRaisesRegex(ValidationError, "between -3650 and 3650"):
            self.step3.days = 10**9

    def test_a_followup_wizard_validated_twice_sends_once(self):
        order = self._create_quotation()
        wizard = self._followup_wizard(order)
        wizard.action_send()
        self.assertEqual(len(self._mails_of(order)), 1)
        with self.assertRaisesRegex(UserError, "already sent"):
            wizard.action_send()
        self.assertEqual(len(self._mails_of(order)), 1, "never a second email")
        self.assertEqual(order.dunning_line_count, 1)

from datetime import datetime, time, timedelta

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import QuotationFollowupCommon


@tagged("post_install", "-at_install")
class TestFollowupOnceADay(QuotationFollowupCommon):
    """A quotation gets at most one follow-up email a day, whichever way it is asked."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order = cls._create_quotation(validity_days=5)
        cls.other = cls._create_quotation(validity_days=5)

    def _mass_line(self, wizard, order):
        return wizard.line_ids.filtered(lambda line: line.sale_order_id == order)

    def _tomorrow_noon(self):
        return datetime.combine(self.today + timedelta(days=1), time(12))

    def test_first_followup_goes_and_the_second_email_is_refused(self):
        wizard = self._followup_wizard(self.order)
        self.assertFalse(wizard.emailed_today)
        wizard.action_send()
        self.assertEqual(len(self._mails_of(self.order)), 1, "the first follow-up goes")

        second = self._followup_wizard(self.order)
        self.assertTrue(second.emailed_today, "the wizard warns before sending")
        with self.assertRaisesRegex(UserError, f"{self.order.name} already got a follow-up email today"):
            second.action_send()
        self.assertEqual(len(self._mails_of(self.order)), 1, "never the same email twice a day")
        self.assertEqual(self.order.dunning_line_count, 1, "nothing created")
        # the other quotations are not concerned
        self._followup_wizard(self.other).action_send()
        self.assertEqual(len(self._mails_of(self.other)), 1)

    def test_mass_followup_after_a_single_followup_is_refused(self):
        self._followup_wizard(self.order).action_send()
        wizard = self.env["dunning.quotation.mass"].create({})
        line = self._mass_line(wizard, self.order)
        self.assertTrue(line.emailed_today, "shown on its line")
        self.assertFalse(self._mass_line(wizard, self.other).emailed_today)
        wizard.action_all_emails()
        self.assertFalse(line.send_email or line.send_letter, "left unticked by 'All emails'")
        self.assertTrue(self._mass_line(wizard, self.other).send_email)
        # ticked anyway (a client may write any value): refused, naming it, nothing sent
        line.send_email = True
        with self.assertRaisesRegex(UserError, f"{self.order.name} already got a follow-up email today"):
            wizard.action_launch()
        self.assertEqual(len(self._mails_of(self.order)), 1)
        self.assertFalse(self._mails_of(self.other), "nothing sent at all")
        self.assertEqual(wizard.state, "draft")

    def test_single_followup_after_a_mass_followup_is_refused(self):
        wizard = self.env["dunning.quotation.mass"].create({})
        self._mass_line(wizard, self.order).send_email = True
        wizard.action_launch()
        self.assertEqual(len(self._mails_of(self.order)), 1)
        with self.assertRaisesRegex(UserError, f"{self.order.name} already got a follow-up email today"):
            self._followup_wizard(self.order).action_send()
        self.assertEqual(len(self._mails_of(self.order)), 1)

    def test_direct_engine_call_is_refused(self):
        self._followup_wizard(self.order).action_send()
        candidates = [
            {"sale_order_id": order.id, "step_id": self.step1.id, "followup_by_email": True}
            for order in self.order | self.other
        ]
        with self.assertRaisesRegex(UserError, f"{self.order.name} already got a follow-up email today"):
            self.strategy._create_run(self.today, "manual", candidates=candidates)
        # twice the same quotation in one run is refused too
        with self.assertRaisesRegex(UserError, f"{self.other.name} is listed twice"):
            self.strategy._create_run(self.today, "manual", candidates=candidates[1:] * 2)
        self.assertEqual(len(self._mails_of(self.order)), 1)
        self.assertFalse(self._mails_of(self.other))

    def test_failed_followup_retried_after_another_one_is_skipped(self):
        # a follow-up fails (no address), another one goes by hand once the address is fixed,
        # then someone retries the failed one: the customer still gets one email
        prospect = self._create_customer("Atelier Sans Mail", email=False)
        order = self._create_quotation(partner=prospect, validity_days=5)
        failed_run = self.strategy._create_run(
            self.today,
            "manual",
            candidates=[{"sale_order_id": order.id, "step_id": self.step1.id, "followup_by_email": True}],
        )
        failed_run.action_process()
        self.assertEqual(failed_run.line_ids.state, "failed")
        prospect.email = "atelier@customer.example.com"
        self._followup_wizard(order).action_send()
        failed_run.action_retry_failed()
        self.assertEqual(failed_run.line_ids.state, "skipped")
        self.assertEqual(failed_run.line_ids.error, "already followed up by email today")
        self.assertEqual(len(self._mails_of(order)), 1)

    def test_letter_the_same_day_is_allowed(self):
        self._followup_wizard(self.order).action_send()
        self._followup_wizard(self.order, channel="letter").action_send()
        self.assertEqual(self.order.dunning_line_count, 2)
        self.assertEqual(len(self._mails_of(self.order)), 1, "the letter sends no email")

    def test_followup_the_next_day_goes(self):
        self._followup_wizard(self.order).action_send()
        with freeze_time(self._tomorrow_noon()):
            wizard = self._followup_wizard(self.order)
            self.assertFalse(wizard.emailed_today)
            wizard.action_send()
        self.assertEqual(self.order.dunning_line_count, 2)
        self.assertEqual(len(self._mails_of(self.order)), 2)

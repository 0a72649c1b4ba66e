from odoo.tests import tagged

from .common import ExchangeTrackingCase


@tagged("post_install", "-at_install")
class TestSettings(ExchangeTrackingCase):
    def _save_settings(self, **values):
        self.env["res.config.settings"].create(values).execute()

    def test_button_display_switches_the_entry_points(self):
        for display, expected in (
            ("form", (True, False)),
            ("systray", (False, True)),
            ("both", (True, True)),
        ):
            with self.subTest(display=display):
                self._save_settings(exchange_button_display=display)
                self.assertEqual(self.env["ir.config_parameter"].get_param("exchange_tracking.button_display"), display)
                self.assertEqual(
                    (
                        self.author.has_group("exchange_tracking.group_exchange_form_button"),
                        self.author.has_group("exchange_tracking.group_exchange_systray"),
                    ),
                    expected,
                )

    def test_company_settings(self):
        product = self.env["product.product"].create({"name": "Farine T65"})
        subject = self.env.ref("exchange_tracking.exchange_subject_prospecting")
        self._save_settings(
            exchange_default_mode_id=self.mode_meeting.id,
            exchange_default_subject_id=subject.id,
            exchange_product_ids=[(6, 0, product.ids)],
            exchange_followup_past_days=3,
        )
        self.assertEqual(self.company.exchange_followup_past_days, 3)
        self.assertEqual(self.company.exchange_product_ids, product)
        exchange = self.env["exchange.log"].with_user(self.author).create({"partner_id": self.customer.id})
        self.assertEqual((exchange.mode_id, exchange.subject_id), (self.mode_meeting, subject))
        self.assertFalse(exchange.product_ids, "the list of products limits the choice, it fills nothing")

    def test_group_settings(self):
        self._save_settings(group_exchange_user_selection=True, group_exchange_use_confidential=False)
        self.assertTrue(self.author.has_group("exchange_tracking.group_exchange_user_selection"))
        self.assertFalse(self.author.has_group("exchange_tracking.group_exchange_use_confidential"))
        exchange = self._log(user_id=self.colleague.id)
        self.assertEqual(exchange.user_id, self.colleague)

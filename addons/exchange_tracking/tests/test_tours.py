from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestExchangeTours(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create({"name": "Tour Bakery SARL", "is_company": True})
        cls.outsider = new_test_user(
            cls.env,
            login="exc_tour_outsider",
            groups="base.group_user,exchange_tracking.group_exchange_read_all",
            tz="Europe/Paris",
        )
        # The tours run in English whatever the demo database's languages are.
        cls.env.ref("base.user_admin").write({"lang": "en_US", "tz": "Europe/Paris"})

    def test_systray_logs_an_exchange_then_an_outsider_reads_it(self):
        self.start_tour(f"/odoo/contacts/{self.customer.id}", "exchange_tracking_systray_tour", login="admin")

        exchange = self.env["exchange.log"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(len(exchange), 1)
        self.assertEqual(exchange.subject_id, self.env.ref("exchange_tracking.exchange_subject_customer_followup"))
        self.assertIn("New bread range", exchange.description)
        self.assertIn("Secret discount", exchange.with_user(self.env.ref("base.user_admin")).confidential_note)
        self.assertEqual(exchange.followup_state, "planned")
        activity = exchange.followup_activity_id
        self.assertEqual((activity.res_model, activity.res_id), ("res.partner", self.customer.id))
        alarm = exchange.followup_event_id.alarm_ids
        self.assertEqual((alarm.alarm_type, alarm.duration_minutes), ("email", 30))
        self.assertEqual((exchange.followup_reminder_duration, exchange.followup_reminder_interval), (30, "minutes"))

        self.start_tour(f"/odoo/exchanges/{exchange.id}", "exchange_tracking_outsider_tour", login=self.outsider.login)

    def test_form_button_on_the_partner(self):
        contact = self.env["res.partner"].create({"name": "Anne Tour", "parent_id": self.customer.id})
        self.start_tour(f"/odoo/contacts/{contact.id}", "exchange_tracking_form_button_tour", login="admin")
        exchange = self.env["exchange.log"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(exchange.contact_ids, contact)

    def test_settings_page(self):
        self.start_tour("/odoo/settings", "exchange_tracking_settings_tour", login="admin")
        self.assertEqual(self.env["ir.config_parameter"].get_param("exchange_tracking.button_display"), "form")
        admin = self.env.ref("base.user_admin")
        self.assertTrue(admin.has_group("exchange_tracking.group_exchange_form_button"))
        self.assertFalse(admin.has_group("exchange_tracking.group_exchange_systray"))
        self.assertEqual(self.env.company.exchange_followup_past_days, 3)

    def test_followup_reaches_the_calendar(self):
        self.start_tour("/odoo/exchanges/new", "exchange_tracking_followup_calendar_tour", login="admin")
        exchange = self.env["exchange.log"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(len(exchange), 1)
        event = exchange.followup_event_id
        self.assertEqual(event.start, exchange.followup_datetime)
        self.assertIn(self.env.ref("base.user_admin").partner_id, event.partner_ids)
        self.assertEqual(event.alarm_ids, self.env.ref("calendar.alarm_notif_4"), "core's “2 Hours” notification")

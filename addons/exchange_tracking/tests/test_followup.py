from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import ExchangeTrackingCase


@tagged("post_install", "-at_install")
class TestFollowup(ExchangeTrackingCase):
    def _activity_of(self, exchange):
        return self.env["mail.activity"].search([("exchange_log_id", "=", exchange.id)])

    def test_followup_creates_an_activity_on_the_partner(self):
        when = self._in(days=3)
        exchange = self._log(
            followup_datetime=when,
            followup_type="call",
            followup_user_id=self.colleague.id,
            followup_contact_id=self.contact.id,
            followup_note="Call back about the spring order",
        )
        activity = self._activity_of(exchange)
        self.assertEqual(len(activity), 1)
        self.assertEqual(exchange.followup_activity_id, activity)
        self.assertEqual(exchange.followup_state, "planned")
        self.assertEqual((activity.res_model, activity.res_id), ("res.partner", self.customer.id))
        self.assertEqual(activity.activity_type_id, self.env.ref("mail.mail_activity_data_call"))
        self.assertEqual(activity.user_id, self.colleague)
        local_when = fields.Datetime.context_timestamp(exchange.with_context(tz="Europe/Paris"), when)
        self.assertEqual(activity.date_deadline, local_when.date())
        self.assertIn("Claire Martin", activity.summary)
        self.assertIn("Call back about the spring order", activity.note)
        event = exchange.followup_event_id
        self.assertEqual(event.start, when, "every follow-up is in the agenda")
        self.assertFalse(event.alarm_ids, "no reminder asked: no alarm")
        # It shows in the assignee's activity systray.
        groups = self.colleague.with_user(self.colleague)._get_activity_groups()
        self.assertIn("res.partner", [group["model"] for group in groups])

    def test_followup_activity_types(self):
        for followup_type, xmlid in (
            ("meeting", "mail.mail_activity_data_meeting"),
            ("todo", "mail.mail_activity_data_todo"),
        ):
            exchange = self._log(followup_datetime=self._in(days=1), followup_type=followup_type)
            self.assertEqual(exchange.followup_activity_id.activity_type_id, self.env.ref(xmlid))

    def test_followup_on_the_related_document(self):
        product = self.env["product.template"].create({"name": "Pain aux céréales"})
        exchange = self._log(res_model="product.template", res_id=product.id, followup_datetime=self._in(days=2))
        self.assertEqual(
            (exchange.followup_activity_id.res_model, exchange.followup_activity_id.res_id),
            ("product.template", product.id),
        )

    def test_reminder_creates_an_event_with_an_email_alarm(self):
        when = self._in(days=2, hours=4)
        exchange = self._log(followup_datetime=when, followup_reminder=True, followup_reminder_minutes=37)
        event = exchange.followup_event_id
        self.assertTrue(event)
        self.assertEqual(event.start, when)
        self.assertEqual(event.user_id, self.author)
        self.assertIn(self.author.partner_id, event.partner_ids)
        self.assertEqual(event.activity_ids, exchange.followup_activity_id)
        self.assertEqual(len(event.alarm_ids), 1)
        alarm = event.alarm_ids
        self.assertEqual(alarm.alarm_type, "email")
        self.assertEqual(alarm.duration_minutes, 37)
        self.assertEqual((alarm.duration, alarm.interval), (37, "minutes"))
        # The alarm's trigger is planned 37 minutes before the follow-up.
        triggers = self.env["ir.cron.trigger"].search(
            [
                ("cron_id", "=", self.env.ref("calendar.ir_cron_scheduler_alarm").id),
                ("call_at", "=", when - timedelta(minutes=37)),
            ]
        )
        self.assertTrue(triggers)

    def test_reminder_reuses_an_existing_alarm(self):
        alarm = self.env["calendar.alarm"].create(
            {"name": "Email 45 min", "alarm_type": "email", "duration": 45, "interval": "minutes"}
        )
        exchange = self._log(followup_datetime=self._in(days=1), followup_reminder=True, followup_reminder_minutes=45)
        self.assertEqual(exchange.followup_event_id.alarm_ids, alarm)

    def test_past_followup_is_rejected(self):
        with self.assertRaisesRegex(ValidationError, "in the past"):
            self._log(followup_datetime=self._in(days=-1))

    def test_negative_reminder_is_rejected(self):
        with self.assertRaisesRegex(ValidationError, "-5 minutes"):
            self._log(followup_datetime=self._in(days=1), followup_reminder=True, followup_reminder_minutes=-5)

    def test_reminder_without_date_is_rejected(self):
        with self.assertRaisesRegex(ValidationError, "needs the date and time"):
            self._log(followup_reminder=True)

    def test_moving_the_followup_moves_activity_and_event(self):
        exchange = self._log(followup_datetime=self._in(days=1), followup_reminder=True)
        activity, event = exchange.sudo().followup_activity_id, exchange.sudo().followup_event_id
        later = self._in(days=10)
        exchange.with_user(self.author).write({"followup_datetime": later, "followup_user_id": self.colleague.id})
        self.assertEqual(exchange.followup_activity_id, activity)
        self.assertEqual(exchange.followup_event_id, event)
        self.assertEqual(event.start, later)
        self.assertEqual(activity.user_id, self.colleague)
        self.assertEqual(
            activity.date_deadline,
            fields.Datetime.context_timestamp(exchange.with_context(tz="Europe/Paris"), later).date(),
        )
        # Dropping the reminder drops the alarm; the follow-up stays in the agenda.
        exchange.with_user(self.author).followup_reminder = False
        self.assertTrue(event.exists())
        self.assertFalse(event.alarm_ids)
        self.assertTrue(activity.exists())
        # Dropping the date cancels the follow-up and takes it out of the agenda.
        exchange.with_user(self.author).followup_datetime = False
        self.assertFalse(activity.exists())
        self.assertFalse(event.exists())
        self.assertEqual(exchange.followup_state, "cancelled")

    def test_activity_done_marks_the_followup_done(self):
        exchange = self._log(followup_datetime=self._in(days=1), followup_user_id=self.colleague.id)
        exchange.followup_activity_id.with_user(self.colleague).action_feedback(feedback="Reached her")
        self.assertEqual(exchange.followup_state, "done")
        self.assertTrue(exchange.followup_done_date)

    def test_activity_cancelled_cancels_the_followup(self):
        exchange = self._log(followup_datetime=self._in(days=1))
        exchange.followup_activity_id.with_user(self.author).unlink()
        self.assertEqual(exchange.followup_state, "cancelled")

    def test_done_and_schedule_next_logs_the_next_exchange(self):
        exchange = self._log(
            followup_datetime=self._in(days=1),
            followup_type="call",
            followup_user_id=self.colleague.id,
            followup_contact_id=self.contact.id,
        )
        activity = exchange.followup_activity_id
        action = activity.with_user(self.colleague).action_feedback_schedule_next(feedback="Wants a quote")
        self.assertFalse(activity.exists())
        self.assertEqual(exchange.followup_state, "done")
        self.assertEqual((action["res_model"], action["target"]), ("exchange.log", "new"))
        context = action["context"]
        self.assertEqual(context["default_previous_exchange_id"], exchange.id)
        self.assertEqual(context["default_partner_id"], self.customer.id)
        self.assertEqual(context["default_mode_id"], self.mode_phone.id)
        self.assertEqual(context["default_contact_ids"], [(6, 0, self.contact.ids)])
        self.assertIn("Wants a quote", context["default_description"])
        following = self.env["exchange.log"].with_user(self.colleague).with_context(**context).create({})
        self.assertEqual(following.previous_exchange_id, exchange)
        self.assertEqual(following.user_id, self.colleague)

    def test_done_and_schedule_next_on_other_activities_is_unchanged(self):
        activity = self.env["mail.activity"].create(
            {
                "res_model_id": self.env["ir.model"]._get_id("res.partner"),
                "res_id": self.customer.id,
                "activity_type_id": self.env.ref("mail.mail_activity_data_todo").id,
                "user_id": self.author.id,
            }
        )
        action = activity.with_user(self.author).action_feedback_schedule_next()
        self.assertEqual(action["res_model"], "mail.activity")

    def test_log_next_exchange_closes_the_followup_once_saved(self):
        exchange = self._log(followup_datetime=self._in(days=1), followup_type="meeting")
        activity = exchange.followup_activity_id
        action = exchange.with_user(self.author).action_log_next_exchange()
        self.assertEqual(exchange.followup_state, "planned", "opening the form alone changes nothing")
        self.assertEqual(action["context"]["default_mode_id"], self.mode_meeting.id)
        following = self.env["exchange.log"].with_user(self.author).with_context(**action["context"]).create({})
        self.assertEqual(exchange.followup_state, "done")
        self.assertFalse(activity.exists())
        self.assertEqual(following.previous_exchange_id, exchange)

    def test_deleting_the_exchange_removes_its_followup(self):
        exchange = self._log(followup_datetime=self._in(days=1), followup_reminder=True)
        activity, event = exchange.followup_activity_id, exchange.followup_event_id
        exchange.with_user(self.author).unlink()
        self.assertFalse(activity.exists())
        self.assertFalse(event.exists())

    def test_my_upcoming_followups_with_past_days(self):
        with freeze_time("2030-03-01 09:00:00"):
            past = self._log(followup_datetime=fields.Datetime.to_datetime("2030-03-01 15:00:00"))
            upcoming = self._log(followup_datetime=fields.Datetime.to_datetime("2030-03-20 15:00:00"))
            others = self._log(
                user=self.colleague, followup_datetime=fields.Datetime.to_datetime("2030-03-20 15:00:00")
            )
        with freeze_time("2030-03-05 09:00:00"):
            Log = self.env["exchange.log"].with_user(self.author)
            self.company.exchange_followup_past_days = 7
            action = Log.action_open_my_followups()
            shown = Log.search(action["domain"])
            self.assertIn(past, shown)
            self.assertIn(upcoming, shown)
            self.assertNotIn(others, shown)
            self.company.exchange_followup_past_days = 2
            shown = Log.search(Log.action_open_my_followups()["domain"])
            self.assertNotIn(past, shown)
            self.assertIn(upcoming, shown)
            self.assertTrue(past.followup_overdue)
            self.assertFalse(upcoming.followup_overdue)

    def test_absurd_reminder_is_rejected(self):
        with self.assertRaisesRegex(ValidationError, "at most 43200 minutes"):
            self._log(followup_datetime=self._in(days=1), followup_reminder=True, followup_reminder_minutes=10**9)
        exchange = self._log(
            followup_datetime=self._in(days=40), followup_reminder=True, followup_reminder_minutes=43200
        )
        self.assertEqual(exchange.followup_event_id.alarm_ids.duration_minutes, 43200)

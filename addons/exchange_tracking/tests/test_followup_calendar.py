from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import ExchangeTrackingCase


@tagged("post_install", "-at_install")
class TestFollowupCalendar(ExchangeTrackingCase):
    """Every follow-up with a date and time is in the assignee's agenda, as Dolibarr puts it;
    a reminder is an email or a notification some minutes, hours or days before."""

    def _alarm_count(self):
        return self.env["calendar.alarm"].search_count([])

    def test_every_followup_is_in_the_assignee_calendar(self):
        when = self._in(days=2)
        exchange = self._log(followup_datetime=when, followup_user_id=self.colleague.id)
        event = exchange.followup_event_id
        self.assertTrue(event, "no reminder asked, yet the follow-up is in the agenda")
        self.assertEqual((event.start, event.user_id), (when, self.colleague))
        self.assertEqual(event.partner_ids, self.colleague.partner_id)
        self.assertEqual(event.activity_ids, exchange.followup_activity_id)
        self.assertFalse(event.alarm_ids)
        self.assertIn(exchange.name, event.name)
        # The assignee finds it in his own calendar, as the Calendar app searches it.
        mine = (
            self.env["calendar.event"]
            .with_user(self.colleague)
            .search([("partner_ids", "in", self.colleague.partner_id.ids)])
        )
        self.assertIn(event, mine)
        # Without an invitation email to the assignee about his own call-back.
        self.assertFalse(self.env["mail.mail"].search([("model", "=", "calendar.event"), ("res_id", "=", event.id)]))

    def test_notification_reminder_in_hours_reuses_the_calendar_alarm(self):
        before = self._alarm_count()
        exchange = self._log(
            followup_datetime=self._in(days=2),
            followup_reminder=True,
            followup_reminder_type="notification",
            followup_reminder_duration=2,
            followup_reminder_interval="hours",
        )
        self.assertEqual(exchange.followup_reminder_minutes, 120)
        self.assertEqual(exchange.followup_event_id.alarm_ids, self.env.ref("calendar.alarm_notif_4"))
        self.assertEqual(self._alarm_count(), before, "core's “2 Hours” notification is used, none is made")

    def test_reminder_in_days_creates_its_alarm_once(self):
        values = {
            "followup_datetime": self._in(days=5),
            "followup_reminder": True,
            "followup_reminder_type": "email",
            "followup_reminder_duration": 3,
            "followup_reminder_interval": "days",
        }
        before = self._alarm_count()
        first = self._log(**values)
        alarm = first.followup_event_id.alarm_ids
        self.assertEqual(
            (alarm.alarm_type, alarm.duration, alarm.interval, alarm.duration_minutes), ("email", 3, "days", 4320)
        )
        self.assertEqual(alarm.name, "Email - 3 Days")
        second = self._log(**values)
        self.assertEqual(second.followup_event_id.alarm_ids, alarm)
        # 72 hours is the same delay: the same alarm.
        third = self._log(**{**values, "followup_reminder_duration": 72, "followup_reminder_interval": "hours"})
        self.assertEqual(third.followup_event_id.alarm_ids, alarm)
        self.assertEqual(self._alarm_count(), before + 1)

    def test_changing_the_reminder_changes_the_alarm(self):
        exchange = self._log(followup_datetime=self._in(days=3), followup_reminder=True)
        event = exchange.followup_event_id
        self.assertEqual((event.alarm_ids.alarm_type, event.alarm_ids.duration_minutes), ("email", 15))
        exchange.with_user(self.author).write(
            {
                "followup_reminder_type": "notification",
                "followup_reminder_duration": 1,
                "followup_reminder_interval": "days",
            }
        )
        self.assertEqual(exchange.followup_event_id, event, "the same event, moved or not")
        self.assertEqual(event.alarm_ids, self.env.ref("calendar.alarm_notif_5"))

    def test_minutes_as_before_units_still_work(self):
        exchange = self._log(followup_datetime=self._in(days=1), followup_reminder=True, followup_reminder_minutes=90)
        self.assertEqual((exchange.followup_reminder_duration, exchange.followup_reminder_interval), (90, "minutes"))
        self.assertEqual(exchange.followup_event_id.alarm_ids.duration_minutes, 90)

    def test_bad_reminder_delays_are_rejected(self):
        with self.assertRaisesRegex(ValidationError, "-2 hours"):
            self._log(
                followup_datetime=self._in(days=1),
                followup_reminder=True,
                followup_reminder_duration=-2,
                followup_reminder_interval="hours",
            )
        with self.assertRaisesRegex(ValidationError, "1000000000 days before the follow-up is too early"):
            self._log(
                followup_datetime=self._in(days=60),
                followup_reminder=True,
                followup_reminder_duration=10**9,
                followup_reminder_interval="days",
            )
        with self.assertRaisesRegex(ValidationError, "31 days before the follow-up is too early"):
            self._log(
                followup_datetime=self._in(days=60),
                followup_reminder=True,
                followup_reminder_duration=31,
                followup_reminder_interval="days",
            )

    def test_moving_the_followup_moves_the_event(self):
        exchange = self._log(followup_datetime=self._in(days=1))
        event = exchange.followup_event_id
        later = self._in(days=8, hours=3)
        exchange.with_user(self.author).followup_datetime = later
        self.assertEqual(exchange.followup_event_id, event)
        self.assertEqual(event.start, later)
        self.assertEqual(exchange.followup_activity_id.date_deadline, exchange._get_followup_deadline())

    def test_moving_the_event_in_the_calendar_moves_the_followup(self):
        exchange = self._log(followup_datetime=self._in(days=1), followup_user_id=self.colleague.id)
        event, activity = exchange.followup_event_id, exchange.followup_activity_id
        later = self._in(days=6, hours=2)
        # The assignee drags it in his calendar: the web client writes start and stop.
        event.with_user(self.colleague).write({"start": later, "stop": later + (event.stop - event.start)})
        self.assertEqual(exchange.followup_datetime, later)
        self.assertEqual((exchange.followup_state, exchange.followup_event_id), ("planned", event))
        self.assertEqual(activity.date_deadline, exchange._get_followup_deadline())
        # Into the past: refused with the follow-up's own message, nothing moved.
        with self.assertRaisesRegex(ValidationError, "planned in the past"):
            event.with_user(self.colleague).write({"start": self._in(days=-3), "stop": self._in(days=-3, hours=1)})

    def test_cancelled_followup_leaves_the_calendar(self):
        exchange = self._log(followup_datetime=self._in(days=1), followup_reminder=True)
        event = exchange.followup_event_id
        exchange.followup_activity_id.with_user(self.author).unlink()
        self.assertEqual(exchange.followup_state, "cancelled")
        self.assertFalse(event.exists())
        # The chatter's "delete with its meeting" does the same, without stumbling on the
        # event gone already.
        other = self._log(followup_datetime=self._in(days=1))
        event = other.followup_event_id
        other.followup_activity_id.with_user(self.author).unlink_w_meeting()
        self.assertEqual(other.followup_state, "cancelled")
        self.assertFalse(event.exists())

    def test_done_followup_stays_in_the_calendar_without_its_reminder(self):
        exchange = self._log(
            followup_datetime=self._in(days=1), followup_user_id=self.colleague.id, followup_reminder=True
        )
        event = exchange.followup_event_id
        exchange.followup_activity_id.with_user(self.colleague).action_feedback(feedback="Reached her")
        self.assertEqual(exchange.followup_state, "done")
        self.assertTrue(event.exists(), "what happened stays in the agenda")
        self.assertFalse(event.alarm_ids, "nothing left to remind")
        self.assertIn("Reached her", event.description)

    def test_next_exchange_closes_the_followup_and_its_reminder(self):
        exchange = self._log(followup_datetime=self._in(days=1), followup_reminder=True)
        event = exchange.followup_event_id
        self._log(previous_exchange_id=exchange.id)
        self.assertEqual(exchange.followup_state, "done")
        self.assertTrue(event.exists())
        self.assertFalse(event.alarm_ids)

    def test_event_deleted_from_the_calendar_cancels_the_followup(self):
        exchange = self._log(followup_datetime=self._in(days=1), followup_user_id=self.colleague.id)
        event, activity = exchange.followup_event_id, exchange.followup_activity_id
        event.with_user(self.colleague).unlink()
        self.assertEqual(exchange.followup_state, "cancelled")
        self.assertFalse(exchange.followup_event_id)
        self.assertFalse(activity.exists())
        # Planning it again puts it back in the agenda.
        exchange.with_user(self.author).followup_datetime = self._in(days=2)
        self.assertEqual(exchange.followup_state, "planned")
        self.assertTrue(exchange.followup_event_id)

    def test_history_shows_the_planned_followups(self):
        Log = self.env["exchange.log"].with_user(self.author)
        later = self._log(followup_datetime=self._in(days=9), followup_note="Send the price list")
        sooner = self._log(partner_id=self.contact.id, followup_datetime=self._in(days=2), followup_type="meeting")
        done = self._log(followup_datetime=self._in(days=1))
        self._log(previous_exchange_id=done.id)
        hidden = self._log(user=self.colleague, followup_datetime=self._in(days=1))
        history = Log.get_history("res.partner", self.customer.id)
        followups = history["followups"]
        self.assertEqual([followup["id"] for followup in followups], [sooner.id, later.id], "soonest first")
        self.assertNotIn(hidden.id, [followup["id"] for followup in followups], "only what the user may read")
        first = followups[0]
        self.assertEqual(first["kind"], "Meeting")
        self.assertEqual(first["assignee"], self.author.name)
        self.assertEqual(first["contact"], self.contact.display_name)
        self.assertEqual(followups[1]["note"], "Send the price list")
        self.assertFalse(first["overdue"])

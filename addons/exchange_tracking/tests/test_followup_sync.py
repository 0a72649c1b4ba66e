from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import ExchangeTrackingCase

# The context key through which the follow-up used to be kept in sync with its activity.
OLD_SYNC_KEY = "exchange_tracking_unlink"


@tagged("post_install", "-at_install")
class TestFollowupSync(ExchangeTrackingCase):
    """The follow-up activity tells its exchange of its end by explicit calls: no context key,
    no value a caller writes, changes the state of a follow-up."""

    def test_activity_done_marks_the_followup_done_without_a_context_key(self):
        exchange = self._log(followup_datetime=self._in(days=1), followup_user_id=self.colleague.id)
        activity = exchange.followup_activity_id
        activity.with_user(self.colleague).action_feedback(feedback="Reached her")
        self.assertEqual(exchange.followup_state, "done")
        self.assertTrue(exchange.followup_done_date)
        self.assertFalse(activity.exists(), "the done activity is gone, the follow-up stays done")

    def test_old_context_key_does_not_keep_a_deleted_followup_planned(self):
        exchange = self._log(followup_datetime=self._in(days=1))
        exchange.followup_activity_id.with_user(self.author).with_context(**{OLD_SYNC_KEY: True}).unlink()
        self.assertEqual(exchange.followup_state, "cancelled")
        self.assertFalse(exchange.followup_activity_id)

    def test_old_context_key_on_a_write_does_nothing_special(self):
        exchange = self._log(followup_datetime=self._in(days=1))
        activity = exchange.followup_activity_id
        activity.with_user(self.author).with_context(**{OLD_SYNC_KEY: True}).write({"summary": "Call her back"})
        self.assertEqual(exchange.followup_state, "planned")
        self.assertEqual(exchange.followup_activity_id, activity)

    def test_an_activity_cannot_make_itself_a_followup(self):
        exchange = self._log(followup_datetime=self._in(days=1))
        # The colleague's activity on his own exchange, which he may edit.
        own_exchange = self._log(user=self.colleague)
        values = {
            "res_model_id": self.env["ir.model"]._get_id("exchange.log"),
            "res_id": own_exchange.id,
            "activity_type_id": self.env.ref("mail.mail_activity_data_todo").id,
            "user_id": self.colleague.id,
        }
        Activity = self.env["mail.activity"].with_user(self.colleague)
        with self.assertRaises(AccessError):
            Activity.create({**values, "exchange_log_id": exchange.id})
        with self.assertRaises(AccessError):
            Activity.with_context(default_exchange_log_id=exchange.id).create(values)
        own = Activity.create(values)
        with self.assertRaises(AccessError):
            own.write({"exchange_log_id": exchange.id})
        # Even a forged link (as superuser) closes nothing: the exchange names its activity.
        own.sudo().exchange_log_id = exchange
        own.action_feedback(feedback="Not the follow-up")
        self.assertEqual(exchange.followup_state, "planned")

    def test_caller_cannot_write_the_followup_state_or_records(self):
        exchange = self._log(followup_datetime=self._in(days=1))
        as_author = exchange.with_user(self.author)
        foreign = self.env["mail.activity"].create(
            {
                "res_model_id": self.env["ir.model"]._get_id("res.partner"),
                "res_id": self.customer.id,
                "activity_type_id": self.env.ref("mail.mail_activity_data_todo").id,
                "user_id": self.colleague.id,
            }
        )
        for vals in (
            {"followup_state": "done"},
            {"followup_state": "cancelled"},
            {"followup_activity_id": foreign.id},
            {"followup_done_date": self._in(days=1)},
        ):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                as_author.write(vals)
        with self.assertRaises(AccessError):
            self._log(followup_state="done")
        with self.assertRaises(AccessError):
            self.env["exchange.log"].with_user(self.author).with_context(default_followup_state="done").create(
                {"partner_id": self.customer.id, "followup_datetime": self._in(days=1)}
            )
        self.assertEqual(exchange.followup_state, "planned")
        self.assertTrue(foreign.exists())
        # The legitimate way still works: clearing the date cancels the follow-up.
        as_author.write({"followup_datetime": False})
        self.assertEqual(exchange.followup_state, "cancelled")

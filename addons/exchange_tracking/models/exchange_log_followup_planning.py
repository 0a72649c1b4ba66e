from datetime import timedelta

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.tools import clean_context, plaintext2html

from .exchange_log_followup import REMINDER_INTERVAL_MINUTES

# Activity types of a follow-up.
FOLLOWUP_ACTIVITY_TYPES = {
    "call": "mail.mail_activity_data_call",
    "meeting": "mail.mail_activity_data_meeting",
    "todo": "mail.mail_activity_data_todo",
}
FOLLOWUP_EVENT_DURATION = timedelta(minutes=30)


class ExchangeLog(models.Model):
    """Planning a follow-up: the activity for the assignee on the document or the partner, and
    the event in the assignee's calendar, with an alarm when a reminder is asked.

    ``_plan_followups`` is the entry point, called once the exchange is written; each step is
    a short method: the activity, the event, and the values they are written with.
    """

    _inherit = "exchange.log"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    def _get_followup_target(self):
        """The record that carries the follow-up activity: the document when it has activities
        and the user may read it, else the partner."""
        self.ensure_one()
        document = self._get_readable_document()
        if document and isinstance(document, self.env.registry["mail.activity.mixin"]):
            return document
        return self.partner_id

    def _plan_followups(self):
        """Create, update or cancel the follow-up activity and calendar event of each exchange.

        One exchange never has more than one follow-up activity; a follow-up that is done is
        history and is left alone. The activity and the event belong to the exchange: they are
        written as superuser once the user was allowed to create or edit the exchange (planning
        a call-back on a customer must not need the right to edit the customer). Their author
        stays the current user.
        """
        for exchange in self.with_context(clean_context(self.env.context)):
            if exchange.followup_state == "done":
                continue
            if exchange.followup_datetime:
                exchange._plan_followup()
            elif exchange.followup_state == "planned":
                exchange._cancel_followup()

    def _plan_followup(self):
        """Create or update the activity and the calendar event of one follow-up; it is planned."""
        self.ensure_one()
        activity = self._plan_followup_activity()
        event = self._plan_followup_event(activity)
        # sudo: the follow-up state and its records are written by this engine only (see
        # _plan_followups for the caller's right).
        self.sudo().write(
            {
                "followup_activity_id": activity.id,
                "followup_event_id": event.id,
                "followup_state": "planned",
            }
        )

    def _plan_followup_activity(self):
        """Write the follow-up activity, created on the partner or the document at first."""
        self.ensure_one()
        vals = self._get_followup_activity_vals()
        # sudo: the activity belongs to the exchange the user was allowed to create or edit.
        activity = self.followup_activity_id.sudo()
        if activity:
            activity.write(vals)
            return activity
        target = self._get_followup_target()
        return (
            self.env["mail.activity"]
            .sudo()
            .create(
                {
                    **vals,
                    "res_model_id": self.env["ir.model"]._get_id(target._name),
                    "res_id": target.id,
                    "exchange_log_id": self.id,
                }
            )
        )

    def _plan_followup_event(self, activity):
        """Write the follow-up's event in the assignee's agenda, created at first and linked
        to the activity (core calendar then keeps the activity's deadline with the event's).

        Every follow-up has a date and time, so every planned follow-up is in the agenda, as
        Dolibarr puts it; the event carries an alarm only when a reminder is asked."""
        self.ensure_one()
        vals = self._get_followup_event_vals()
        # sudo: as for the activity, the event belongs to the exchange. The assignee's time zone
        # gives the activity's day, as _get_followup_deadline does. No invitation email: the
        # event is the assignee's own, who is told by the activity already.
        Event = self.env["calendar.event"].sudo().with_context(tz=self._get_followup_tz(), no_mail_to_attendees=True)
        event = Event.browse(self.followup_event_id.id)
        if event:
            event.write(vals)
            return event
        return Event.create(
            {
                **vals,
                "res_model_id": activity.res_model_id.id,
                "res_id": activity.res_id,
                "activity_ids": [Command.set(activity.ids)],
            }
        )

    def _get_followup_assignee(self):
        self.ensure_one()
        return self.followup_user_id or self.user_id

    def _get_followup_activity_type(self):
        self.ensure_one()
        activity_type = self.env.ref(FOLLOWUP_ACTIVITY_TYPES[self.followup_type or "todo"], raise_if_not_found=False)
        return activity_type or self.env.ref("mail.mail_activity_data_todo")

    def _get_followup_tz(self):
        self.ensure_one()
        return self._get_followup_assignee().tz or self.env.user.tz or "UTC"

    def _get_followup_deadline(self):
        """The day of the follow-up in the assignee's time zone: an activity is due on a date."""
        self.ensure_one()
        return fields.Datetime.context_timestamp(
            self.with_context(tz=self._get_followup_tz()), self.followup_datetime
        ).date()

    def _get_followup_activity_vals(self):
        self.ensure_one()
        return {
            "activity_type_id": self._get_followup_activity_type().id,
            "summary": self._get_followup_summary(),
            "note": self._get_followup_note(),
            "date_deadline": self._get_followup_deadline(),
            "user_id": self._get_followup_assignee().id,
        }

    def _get_followup_event_vals(self):
        self.ensure_one()
        assignee = self._get_followup_assignee()
        return {
            "name": self._get_followup_summary(),
            "description": self._get_followup_note(),
            "start": self.followup_datetime,
            "stop": self.followup_datetime + FOLLOWUP_EVENT_DURATION,
            "user_id": assignee.id,
            "partner_ids": [Command.set(assignee.partner_id.ids)],
            "alarm_ids": [Command.set(self._get_followup_alarm().ids)],
            # Private: calendar lets every employee change or delete a public event, and deleting
            # the event cancels the follow-up (calendar_event.py); a private one is the
            # assignee's (calendar's own rule), and its note shows to nobody else.
            "privacy": "private",
        }

    def _get_followup_summary(self):
        self.ensure_one()
        contact = self.followup_contact_id or self.partner_id
        return self.env._(
            "Follow-up of %(exchange)s with %(contact)s", exchange=self.name, contact=contact.display_name
        )

    def _get_followup_note(self):
        self.ensure_one()
        lines = []
        if self.followup_note:
            lines.append(plaintext2html(self.followup_note))
        link = self._get_html_link(title=self.name)
        if self.subject_id:
            origin = self.env._(
                "Exchange %(link)s with %(partner)s about %(subject)s.",
                link=link,
                partner=self.partner_id.display_name,
                subject=self.subject_id.name,
            )
        else:
            origin = self.env._("Exchange %(link)s with %(partner)s.", link=link, partner=self.partner_id.display_name)
        lines.append(Markup("<p>%s</p>") % origin)
        return Markup("").join(lines)

    def _get_followup_alarm(self):
        """The alarm of the follow-up's reminder, or an empty recordset without a reminder."""
        self.ensure_one()
        if not self.followup_reminder:
            return self.env["calendar.alarm"]
        return self._get_reminder_alarm(
            self.followup_reminder_type, self.followup_reminder_duration, self.followup_reminder_interval
        )

    @api.model
    def _get_reminder_alarm(self, alarm_type, duration, interval="minutes"):
        """The alarm of type ``alarm_type`` (email, notification) ``duration`` ``interval``
        (minutes, hours, days) before an event: an existing one, or a new one.

        Alarms are shared configuration records, matched on their type and delay in minutes so
        that "1 hour" finds calendar's own "1 Hours" alarm and no alarm is made twice. They are
        looked up and created as superuser.
        """
        alarms = self.env["calendar.alarm"].sudo()
        minutes = duration * REMINDER_INTERVAL_MINUTES.get(interval, 1)
        alarm = alarms.search([("alarm_type", "=", alarm_type), ("duration_minutes", "=", minutes)], limit=1)
        if not alarm:
            type_label = dict(alarms._fields["alarm_type"]._description_selection(self.env))[alarm_type]
            unit_label = dict(alarms._fields["interval"]._description_selection(self.env))[interval]
            alarm = alarms.create(
                {
                    # calendar's own naming: "Email - 3 Hours"
                    "name": f"{type_label} - {duration} {unit_label}",
                    "alarm_type": alarm_type,
                    "duration": duration,
                    "interval": interval,
                }
            )
        return alarm

    @api.model
    def _demo_plan_followups_in_french(self):
        """Demo data: write the planned call-backs (activity, calendar event) in French when French
        is installed. The demo exchanges are created in the installer's language, English; their
        call-backs are planned again in French. Does nothing without French."""
        if not self.env["res.lang"]._lang_get("fr_FR"):
            return
        for exchange in self.search([("followup_state", "=", "planned")]).with_context(lang="fr_FR"):
            exchange._plan_followup()

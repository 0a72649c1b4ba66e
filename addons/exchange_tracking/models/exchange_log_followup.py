from datetime import timedelta

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import clean_context, plaintext2html

# Activity types of a follow-up.
FOLLOWUP_ACTIVITY_TYPES = {
    "call": "mail.mail_activity_data_call",
    "meeting": "mail.mail_activity_data_meeting",
    "todo": "mail.mail_activity_data_todo",
}
# The fields a user fills to plan a follow-up: writing one of them plans it again.
FOLLOWUP_FIELDS = {
    "followup_type",
    "followup_user_id",
    "followup_contact_id",
    "followup_datetime",
    "followup_note",
    "followup_reminder",
    "followup_reminder_minutes",
}
# Filling the form takes a moment: a follow-up planned "now" is not rejected as past.
FOLLOWUP_PAST_TOLERANCE = timedelta(minutes=5)
FOLLOWUP_EVENT_DURATION = timedelta(minutes=30)
# thirty days: an email reminder further ahead means nothing, and the calendar's alarm dates
# computed from it overflow
MAX_REMINDER_MINUTES = 30 * 24 * 60


class ExchangeLog(models.Model):
    """The follow-up planned at the end of an exchange: an activity for the assignee and,
    when an email reminder is asked, a calendar event with its alarm.

    The follow-up's state and records are owned by this engine: ``_plan_followups`` plans,
    moves or cancels them after the exchange is written, ``_close_followups_by`` closes them
    when the next exchange is logged.
    """

    _inherit = "exchange.log"  # pylint: disable=consider-merging-classes-inherited

    # Follow-up planned at the end of the exchange.
    followup_datetime = fields.Datetime(
        string="Follow-up On",
        copy=False,
        help="Set a date and time to plan a follow-up: an activity for the assignee, "
        "and a calendar event when an email reminder is asked.",
    )
    followup_type = fields.Selection(
        [("call", "Call"), ("meeting", "Meeting"), ("todo", "To-Do")],
        string="Follow-up Type",
        default="call",
        copy=False,
    )
    followup_user_id = fields.Many2one(
        "res.users",
        string="Follow-up Assignee",
        copy=False,
        index="btree_not_null",
        check_company=True,
        domain="[('share', '=', False)]",
        default=lambda self: self.env.user,
    )
    followup_contact_id = fields.Many2one(
        "res.partner",
        string="Follow-up Contact",
        copy=False,
        check_company=True,
        domain="[('commercial_partner_id', '=', commercial_partner_id)]",
    )
    followup_note = fields.Text(string="Follow-up Description", copy=False)
    followup_reminder = fields.Boolean(string="Email Reminder", copy=False)
    followup_reminder_minutes = fields.Integer(
        string="Reminder (minutes before)",
        default=15,
        copy=False,
    )
    followup_state = fields.Selection(
        [
            ("none", "No Follow-up"),
            ("planned", "Planned"),
            ("done", "Done"),
            ("cancelled", "Cancelled"),
        ],
        string="Follow-up Status",
        default="none",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
    )
    followup_done_date = fields.Datetime(string="Follow-up Done On", readonly=True, copy=False)
    followup_overdue = fields.Boolean(string="Follow-up Overdue", compute="_compute_followup_overdue")
    followup_activity_id = fields.Many2one(
        "mail.activity",
        string="Follow-up Activity",
        readonly=True,
        copy=False,
        ondelete="set null",
    )
    followup_event_id = fields.Many2one(
        "calendar.event",
        string="Follow-up Event",
        readonly=True,
        copy=False,
        ondelete="set null",
    )

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------

    @api.constrains("followup_datetime")
    def _check_followup_datetime(self):
        limit = fields.Datetime.now() - FOLLOWUP_PAST_TOLERANCE
        for exchange in self:
            if exchange.followup_state != "done" and exchange.followup_datetime and exchange.followup_datetime < limit:
                raise ValidationError(
                    self.env._(
                        "The follow-up of %(exchange)s is planned in the past (%(date)s): choose a date and time to come.",
                        exchange=exchange.name,
                        date=fields.Datetime.to_string(
                            fields.Datetime.context_timestamp(exchange, exchange.followup_datetime)
                        ),
                    )
                )

    @api.constrains("followup_reminder", "followup_reminder_minutes", "followup_datetime")
    def _check_followup_reminder(self):
        for exchange in self:
            if exchange.followup_reminder_minutes < 0:
                raise ValidationError(
                    self.env._(
                        "A reminder %(minutes)s minutes before the follow-up is not possible: "
                        "give zero or a positive number of minutes.",
                        minutes=exchange.followup_reminder_minutes,
                    )
                )
            if exchange.followup_reminder_minutes > MAX_REMINDER_MINUTES:
                raise ValidationError(
                    self.env._(
                        "A reminder %(minutes)s minutes before the follow-up is too early: give at most "
                        "%(max)s minutes (thirty days).",
                        minutes=exchange.followup_reminder_minutes,
                        max=MAX_REMINDER_MINUTES,
                    )
                )
            if exchange.followup_reminder and not exchange.followup_datetime:
                raise ValidationError(
                    self.env._(
                        "An email reminder needs the date and time of the follow-up (exchange %(exchange)s).",
                        exchange=exchange.name,
                    )
                )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends("followup_datetime", "followup_state")
    def _compute_followup_overdue(self):
        now = fields.Datetime.now()
        for exchange in self:
            exchange.followup_overdue = bool(
                exchange.followup_state == "planned" and exchange.followup_datetime and exchange.followup_datetime < now
            )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        exchanges = super().create(vals_list)
        exchanges.filtered("followup_datetime")._plan_followups()
        exchanges.previous_exchange_id._close_followups_by(exchanges)
        return exchanges

    def write(self, vals):
        result = super().write(vals)
        if FOLLOWUP_FIELDS & vals.keys():
            self._plan_followups()
        return result

    def unlink(self):
        # The follow-up lives on the partner or document: it goes with the exchange.
        pending = self.filtered(lambda exchange: exchange.followup_state == "planned")
        activities = pending.followup_activity_id.sudo()
        events = pending.followup_event_id.sudo()
        result = super().unlink()
        activities.with_context(exchange_tracking_unlink=True).exists().unlink()
        events.exists().unlink()
        return result

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
        """Create, update or cancel the follow-up activity and reminder event of each exchange.

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
        """Create or update the activity and the reminder event of one follow-up; it is planned."""
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
        """Write the reminder event of the follow-up when one is asked, else remove it.

        Returns the event, or an empty recordset."""
        self.ensure_one()
        # sudo: as for the activity, the event belongs to the exchange.
        event = self.followup_event_id.sudo()
        if not self.followup_reminder:
            if event:
                # calendar cascades the deletion of an event to its activities: unlink them first.
                activity.calendar_event_id = False
                event.unlink()
            return self.env["calendar.event"].sudo()
        vals = self._get_followup_event_vals()
        if event:
            event.write(vals)
            return event
        return (
            self.env["calendar.event"]
            .sudo()
            .create(
                {
                    **vals,
                    "res_model_id": activity.res_model_id.id,
                    "res_id": activity.res_id,
                    "activity_ids": [Command.set(activity.ids)],
                }
            )
        )

    def _get_followup_assignee(self):
        self.ensure_one()
        return self.followup_user_id or self.user_id

    def _get_followup_activity_type(self):
        self.ensure_one()
        activity_type = self.env.ref(FOLLOWUP_ACTIVITY_TYPES[self.followup_type or "todo"], raise_if_not_found=False)
        return activity_type or self.env.ref("mail.mail_activity_data_todo")

    def _get_followup_deadline(self):
        """The day of the follow-up in the assignee's time zone: an activity is due on a date."""
        self.ensure_one()
        tz = self._get_followup_assignee().tz or self.env.user.tz or "UTC"
        return fields.Datetime.context_timestamp(self.with_context(tz=tz), self.followup_datetime).date()

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
            "alarm_ids": [Command.set(self._get_reminder_alarm(self.followup_reminder_minutes).ids)],
        }

    def _cancel_followup(self):
        self.ensure_one()
        activity = self.followup_activity_id.sudo()
        event = self.followup_event_id.sudo()
        self.sudo().write({"followup_state": "cancelled", "followup_activity_id": False, "followup_event_id": False})
        activity.with_context(exchange_tracking_unlink=True).unlink()
        event.unlink()

    def _close_followups_by(self, next_exchanges):
        """Mark the planned follow-ups of ``self`` done: ``next_exchanges`` were logged for them."""
        for exchange in self.filtered(lambda exchange: exchange.followup_state == "planned"):
            followers_up = next_exchanges.filtered(lambda nxt, exchange=exchange: nxt.previous_exchange_id == exchange)
            feedback = self.env._(
                "Next exchange logged: %(exchanges)s", exchanges=", ".join(followers_up.mapped("name"))
            )
            activity = exchange.followup_activity_id
            if activity:
                # The author of the next exchange may not be the assignee: close it on their behalf.
                activity.sudo()._action_done(feedback=feedback)
            if exchange.followup_state != "done":
                exchange._set_followup_done()

    def _set_followup_done(self):
        self.sudo().write({"followup_state": "done", "followup_done_date": fields.Datetime.now()})

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

    @api.model
    def _get_reminder_alarm(self, minutes):
        """The email alarm ``minutes`` before an event: an existing one, or a new one.

        Alarms are shared configuration records; they are looked up and created as superuser.
        """
        alarms = self.env["calendar.alarm"].sudo()
        alarm = alarms.search([("alarm_type", "=", "email"), ("duration_minutes", "=", minutes)], limit=1)
        if not alarm:
            alarm = alarms.create(
                {
                    "name": self.env._("Email - %(minutes)s minutes", minutes=minutes),
                    "alarm_type": "email",
                    "duration": minutes,
                    "interval": "minutes",
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

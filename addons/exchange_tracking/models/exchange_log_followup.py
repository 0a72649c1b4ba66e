from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, ValidationError

# The fields a user fills to plan a follow-up: writing one of them plans it again.
FOLLOWUP_FIELDS = {
    "followup_type",
    "followup_user_id",
    "followup_contact_id",
    "followup_datetime",
    "followup_note",
    "followup_reminder",
    "followup_reminder_type",
    "followup_reminder_duration",
    "followup_reminder_interval",
    "followup_reminder_minutes",
}
# Written by the follow-up engine only (as superuser): a caller's value would fake the state of a
# follow-up, or point it at someone else's activity or event, which the engine then edits or deletes.
FOLLOWUP_ENGINE_FIELDS = {"followup_state", "followup_done_date", "followup_activity_id", "followup_event_id"}
# Filling the form takes a moment: a follow-up planned "now" is not rejected as past.
FOLLOWUP_PAST_TOLERANCE = timedelta(minutes=5)
# thirty days: a reminder further ahead means nothing, and the calendar's alarm dates
# computed from it overflow
MAX_REMINDER_MINUTES = 30 * 24 * 60
# The units of a reminder's delay, as calendar.alarm counts them.
REMINDER_INTERVAL_MINUTES = {"minutes": 1, "hours": 60, "days": 24 * 60}


class ExchangeLog(models.Model):
    """The follow-up planned at the end of an exchange: an activity for the assignee and a
    calendar event in the assignee's agenda, with an alarm when a reminder is asked.

    The follow-up's state and records are owned by this engine: ``_plan_followups`` plans,
    moves or cancels them after the exchange is written, ``_close_followups_by`` closes them
    when the next exchange is logged, and the follow-up activity reports its own end by
    explicit calls (``_on_followup_activity_done``, ``_on_followup_activity_removed``).
    """

    _inherit = "exchange.log"  # pylint: disable=consider-merging-classes-inherited

    # Follow-up planned at the end of the exchange.
    followup_datetime = fields.Datetime(
        string="Follow-up On",
        copy=False,
        help="Set a date and time to plan a follow-up: an activity and a calendar event for the assignee.",
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
    followup_reminder = fields.Boolean(
        string="Reminder",
        copy=False,
        help="Remind the assignee before the follow-up, by email or by a notification in Odoo.",
    )
    followup_reminder_type = fields.Selection(
        [("email", "Email"), ("notification", "Notification")],
        string="Reminder Type",
        default="email",
        required=True,
        copy=False,
    )
    followup_reminder_duration = fields.Integer(string="Remind Before", default=15, copy=False)
    followup_reminder_interval = fields.Selection(
        [("minutes", "Minutes"), ("hours", "Hours"), ("days", "Days")],
        string="Reminder Unit",
        default="minutes",
        required=True,
        copy=False,
    )
    # The delay in minutes, as calendar.alarm's duration_minutes; writing it (the API before
    # units existed) sets a delay in minutes.
    followup_reminder_minutes = fields.Integer(
        string="Reminder (minutes before)",
        compute="_compute_followup_reminder_minutes",
        inverse="_inverse_followup_reminder_minutes",
        store=True,
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

    @api.constrains(
        "followup_reminder", "followup_reminder_duration", "followup_reminder_interval", "followup_datetime"
    )
    def _check_followup_reminder(self):
        for exchange in self:
            delay = exchange._get_followup_reminder_label()
            if exchange.followup_reminder_duration < 0:
                raise ValidationError(
                    self.env._(
                        "A reminder %(delay)s before the follow-up is not possible: give zero or a positive number.",
                        delay=delay,
                    )
                )
            if exchange.followup_reminder_minutes > MAX_REMINDER_MINUTES:
                raise ValidationError(
                    self.env._(
                        "A reminder %(delay)s before the follow-up is too early: give at most "
                        "%(max)s minutes (thirty days).",
                        delay=delay,
                        max=MAX_REMINDER_MINUTES,
                    )
                )
            if exchange.followup_reminder and not exchange.followup_datetime:
                raise ValidationError(
                    self.env._(
                        "A reminder needs the date and time of the follow-up (exchange %(exchange)s).",
                        exchange=exchange.name,
                    )
                )

    # ------------------------------------------------------------------
    # Computes, inverses
    # ------------------------------------------------------------------

    @api.depends("followup_reminder_duration", "followup_reminder_interval")
    def _compute_followup_reminder_minutes(self):
        for exchange in self:
            factor = REMINDER_INTERVAL_MINUTES.get(exchange.followup_reminder_interval, 1)
            # Bounded just past what _check_followup_reminder accepts: an absurd delay (a
            # billion days) is refused with its message, not by PostgreSQL's integer range.
            minutes = exchange.followup_reminder_duration * factor
            exchange.followup_reminder_minutes = max(-1, min(minutes, MAX_REMINDER_MINUTES + 1))

    def _inverse_followup_reminder_minutes(self):
        for exchange in self:
            exchange.followup_reminder_duration = exchange.followup_reminder_minutes
            exchange.followup_reminder_interval = "minutes"

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
        self._check_followup_engine_values(vals_list)
        exchanges = super().create(vals_list)
        exchanges.filtered("followup_datetime")._plan_followups()
        exchanges.previous_exchange_id._close_followups_by(exchanges)
        return exchanges

    def write(self, vals):
        if FOLLOWUP_ENGINE_FIELDS & vals.keys():
            self._check_followup_engine_values([vals], creating=False)
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
        activities.exists().unlink()
        events.exists().unlink()
        return result

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    def _cancel_followup(self):
        self.ensure_one()
        activity = self.followup_activity_id.sudo()
        event = self.followup_event_id.sudo()
        # The exchange lets go of its activity first: deleting it then cancels nothing more.
        self.sudo().write({"followup_state": "cancelled", "followup_activity_id": False, "followup_event_id": False})
        activity.unlink()
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

    def _on_followup_activity_done(self):
        """The follow-up activity of ``self`` was marked done: the planned follow-ups are done.

        Called by ``mail.activity._action_done``, before the activity is deleted or archived.
        """
        self.filtered(lambda exchange: exchange.followup_state == "planned")._set_followup_done()

    def _on_followup_activity_removed(self):
        """The follow-up activity of ``self`` was deleted (from the chatter, or with its calendar
        event): the planned follow-ups are cancelled. Called by ``mail.activity.unlink``."""
        planned = self.filtered(lambda exchange: exchange.followup_state == "planned")
        events = planned.followup_event_id.sudo()
        # sudo: bookkeeping of the activity the user was allowed to delete; its event, the
        # follow-up's own, leaves the agenda with it.
        planned.sudo().write({"followup_state": "cancelled", "followup_activity_id": False, "followup_event_id": False})
        if events:
            events.exists().unlink()

    def _on_followup_event_removed(self):
        """The follow-up event of ``self`` was deleted from the calendar, and its activity with
        it: the planned follow-ups are cancelled. Called by ``calendar.event.unlink``."""
        planned = self.filtered(lambda exchange: exchange.followup_state == "planned")
        activities = planned.followup_activity_id.sudo()
        # sudo: bookkeeping of the event the user was allowed to delete.
        planned.sudo().write({"followup_state": "cancelled", "followup_activity_id": False, "followup_event_id": False})
        if activities:
            activities.exists().unlink()

    def _check_followup_engine_values(self, vals_list, creating=True):
        """Refuse a caller's value for a field the follow-up engine owns (``FOLLOWUP_ENGINE_FIELDS``).

        The engine writes them as superuser. On creation a value equal to the field's default
        is let through (a client may send the whole record); context defaults
        (``default_followup_state``...) are checked as values: a context key is no way around
        this rule. On write, any value is refused.
        """
        if self.env.su:
            return
        defaults = {
            field: self.env.context[f"default_{field}"]
            for field in FOLLOWUP_ENGINE_FIELDS
            if creating and f"default_{field}" in self.env.context
        }
        for vals in vals_list:
            given = {**defaults, **{field: vals[field] for field in FOLLOWUP_ENGINE_FIELDS & vals.keys()}}
            forced = [field for field, value in given.items() if not creating or value not in (False, None, "none")]
            if forced:
                raise AccessError(
                    self.env._(
                        "The follow-up status, its activity and its event are kept by the follow-up "
                        "planning: set, move or clear the follow-up date instead."
                    )
                )

    def _get_followup_reminder_label(self):
        """The reminder's delay as the user gave it: "2 hours"."""
        self.ensure_one()
        units = dict(self._fields["followup_reminder_interval"]._description_selection(self.env))
        unit = units.get(self.followup_reminder_interval, "")
        return f"{self.followup_reminder_duration} {unit.lower()}"

    def _set_followup_done(self):
        """The follow-up is done: its event stays in the agenda as what happened, without the
        reminder, which has nothing left to remind."""
        # sudo: engine-owned state and the event the engine planned (see _plan_followups).
        self.sudo().write({"followup_state": "done", "followup_done_date": fields.Datetime.now()})
        self.sudo().followup_event_id.exists().write({"alarm_ids": [Command.clear()]})

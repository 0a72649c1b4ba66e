from odoo import models


class CalendarEvent(models.Model):
    """A follow-up's event deleted from the calendar cancels the follow-up; moved in the
    calendar (dragged, or its start edited), it moves the follow-up.

    The database deletes the event's activities with it (``mail.activity.calendar_event_id`` is
    ``ondelete="cascade"``), without ``mail.activity.unlink``: the exchange is told here instead.
    Which exchange an event belongs to is said by the exchange (``followup_event_id``, written by
    the follow-up engine only).
    """

    _inherit = "calendar.event"

    def unlink(self):
        if not self.ids:
            return super().unlink()
        # sudo: the organizer of the event may not read its exchange; the follow-up status is
        # bookkeeping of the event he is allowed to delete.
        exchanges = (
            self.env["exchange.log"]
            .sudo()
            .search([("followup_event_id", "in", self.ids), ("followup_state", "=", "planned")])
        )
        result = super().unlink()
        if exchanges:
            exchanges._on_followup_event_removed()
        return result

    def write(self, vals):
        result = super().write(vals)
        if "start" in vals and self.ids:
            self._move_followups_to_events()
        return result

    def _move_followups_to_events(self):
        """The planned follow-ups of these events take their new start. The follow-up engine
        writes the event from the exchange with the same start, so this does nothing then."""
        # sudo: the follow-up's event is private, so only its assignee can move it (calendar's
        # own rule); its date is bookkeeping of that event, and the assignee may not be allowed
        # to edit the exchange itself.
        exchanges = (
            self.env["exchange.log"]
            .sudo()
            .search([("followup_event_id", "in", self.ids), ("followup_state", "=", "planned")])
        )
        for exchange in exchanges:
            start = exchange.followup_event_id.start
            if start and exchange.followup_datetime != start:
                exchange.followup_datetime = start

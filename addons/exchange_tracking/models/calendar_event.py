from odoo import models


class CalendarEvent(models.Model):
    """A follow-up's event deleted from the calendar cancels the follow-up.

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

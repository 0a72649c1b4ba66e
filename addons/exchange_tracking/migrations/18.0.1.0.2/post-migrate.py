from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """Reminders get a type and a unit, and every planned follow-up gets its calendar event.

    The delay of a reminder was a number of minutes (``followup_reminder_minutes``, computed
    from the delay and its unit now): it becomes the delay, in minutes. The planned follow-ups
    that had no reminder had no event: planning them again puts them in the agenda.
    """
    cr.execute(
        """
        UPDATE exchange_log
           SET followup_reminder_duration = followup_reminder_minutes,
               followup_reminder_interval = 'minutes'
         WHERE followup_reminder_minutes IS NOT NULL
        """
    )
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["exchange.log"].search(
        [("followup_state", "=", "planned"), ("followup_event_id", "=", False)]
    )._plan_followups()
    # the events that existed (follow-ups with a reminder) become the assignee's own, as new ones
    env["exchange.log"].search([("followup_event_id", "!=", False)]).followup_event_id.write({"privacy": "private"})

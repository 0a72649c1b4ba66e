from odoo import api, fields, models
from odoo.exceptions import AccessError


class MailActivity(models.Model):
    """A follow-up activity reports its end to its exchange, by explicit calls.

    Which exchange an activity is the follow-up of is said by the exchange
    (``exchange.log.followup_activity_id``, written by the follow-up engine only): nothing a
    caller passes (a context key, a value of ``exchange_log_id``) makes an activity close or
    cancel a follow-up. Marking the activity done marks the follow-up done; deleting it (from
    the chatter, or with its calendar event) cancels the follow-up.
    """

    _inherit = "mail.activity"

    exchange_log_id = fields.Many2one(
        "exchange.log",
        string="Exchange",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
        help="The exchange whose follow-up this activity is.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        if any(vals.get("exchange_log_id") for vals in vals_list) or self.env.context.get("default_exchange_log_id"):
            self._check_exchange_link_by_engine()
        return super().create(vals_list)

    def write(self, vals):
        if "exchange_log_id" in vals and any(
            activity.exchange_log_id.id != (vals["exchange_log_id"] or False) for activity in self
        ):
            self._check_exchange_link_by_engine()
        return super().write(vals)

    def unlink(self):
        # Before the deletion, which empties the exchange's link to the activity.
        exchanges = self._get_followup_exchanges()
        result = super().unlink()
        exchanges._on_followup_activity_removed()
        return result

    def unlink_w_meeting(self):
        """Core's "delete with its meeting", where the meeting may be gone already: a follow-up's
        activity takes its event along (``exchange.log._on_followup_activity_removed``)."""
        events = self.calendar_event_id
        result = self.unlink()
        events.exists().unlink()
        return result

    def action_feedback_schedule_next(self, feedback=False, attachment_ids=None):
        """On an exchange follow-up, "Done & Schedule Next" logs the next exchange.

        The activity is marked done and the "Log an exchange" dialog opens, pre-filled with the
        partner, the document, the contact, the mode matching the activity (call, meeting) and the
        feedback as description. The new exchange can plan the next follow-up itself.
        """
        exchange = self._get_followup_exchanges().with_env(self.env)
        if len(self) != 1 or len(exchange) != 1 or not exchange.has_access("read"):
            return super().action_feedback_schedule_next(feedback=feedback, attachment_ids=attachment_ids)
        defaults = exchange._get_next_exchange_defaults(feedback=feedback)
        self._action_done(feedback=feedback, attachment_ids=attachment_ids)
        return exchange._get_log_form_action(defaults)

    def _action_done(self, feedback=False, attachment_ids=None):
        # The follow-up is done before ``super`` deletes (or archives) the activity: the deletion
        # then finds no planned follow-up to cancel. ``super`` ends by deleting or archiving the
        # activities with the caller's rights: a caller who may not close them rolls this back too.
        self._get_followup_exchanges()._on_followup_activity_done()
        return super()._action_done(feedback=feedback, attachment_ids=attachment_ids)

    def _get_followup_exchanges(self):
        """The exchanges whose follow-up activity is one of ``self``, as superuser.

        Read from the exchange's side (``followup_activity_id``), which only the follow-up
        engine writes. Never reads a context key.
        """
        if not self.ids:
            return self.env["exchange.log"].sudo()
        # sudo: the assignee of a follow-up may not edit, or even read, its exchange; the
        # follow-up status is bookkeeping of the activity he is allowed to close.
        return self.env["exchange.log"].sudo().search([("followup_activity_id", "in", self.ids)])

    def _check_exchange_link_by_engine(self):
        """Only the follow-up engine (as superuser) links an activity to an exchange."""
        if not self.env.su:
            raise AccessError(
                self.env._("An activity becomes the follow-up of an exchange only when the exchange plans it.")
            )

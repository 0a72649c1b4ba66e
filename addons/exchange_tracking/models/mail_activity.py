from odoo import fields, models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    exchange_log_id = fields.Many2one(
        "exchange.log",
        string="Exchange",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
        help="The exchange whose follow-up this activity is.",
    )

    def _action_done(self, feedback=False, attachment_ids=None):
        # The assignee may not edit the exchange: its follow-up status is bookkeeping.
        exchanges = self.sudo().exchange_log_id
        result = super(MailActivity, self.with_context(exchange_tracking_unlink=True))._action_done(
            feedback=feedback, attachment_ids=attachment_ids
        )
        exchanges.filtered(lambda exchange: exchange.followup_state == "planned")._set_followup_done()
        return result

    def action_feedback_schedule_next(self, feedback=False, attachment_ids=None):
        """On an exchange follow-up, "Done & Schedule Next" logs the next exchange.

        The activity is marked done and the "Log an exchange" dialog opens, pre-filled with the
        partner, the document, the contact, the mode matching the activity (call, meeting) and the
        feedback as description. The new exchange can plan the next follow-up itself.
        """
        exchange = self.exchange_log_id
        if len(self) != 1 or not exchange or not exchange.has_access("read"):
            return super().action_feedback_schedule_next(feedback=feedback, attachment_ids=attachment_ids)
        defaults = exchange._get_next_exchange_defaults(feedback=feedback)
        self._action_done(feedback=feedback, attachment_ids=attachment_ids)
        return exchange._get_log_form_action(defaults)

    def unlink(self):
        if not self.env.context.get("exchange_tracking_unlink"):
            # A follow-up activity cancelled from the chatter cancels the exchange's follow-up.
            exchanges = self.sudo().exchange_log_id.filtered(lambda exchange: exchange.followup_state == "planned")
            exchanges.write({"followup_state": "cancelled", "followup_activity_id": False})
        return super().unlink()

from odoo import Command, models
from odoo.exceptions import AccessError, UserError

# the call activities of dunning's own types (a step's call, the call back)
DUNNING_CALL_TYPES = (
    "dunning_strategy.mail_activity_type_dunning_call",
    "dunning_strategy.mail_activity_type_dunning_call_back",
)


class MailActivity(models.Model):
    """A dunning call is logged as an exchange: "Mark Done" on it opens the exchange form
    (``action_dunning_log_call``), and saving the exchange marks it done.

    A dunning call is a phone call activity on a customer, of one of dunning's call types or
    scheduled by a dunning step (the run line's activity). The web client learns which
    activities are dunning calls from ``dunning_call`` in the activity's data (``_to_store``).
    """

    _inherit = "mail.activity"

    def _to_store(self, store):
        result = super()._to_store(store)
        calls = self._dunning_calls()
        for activity in self:
            store.add(activity, {"dunning_call": activity in calls})
        return result

    def _dunning_calls(self):
        """The activities of ``self`` that are dunning calls."""
        candidates = self.filtered(
            lambda activity: activity.res_model == "res.partner" and activity.activity_category == "phonecall"
        )
        if not candidates:
            return candidates
        call_types = {
            self.env["ir.model.data"]._xmlid_to_res_id(xmlid, raise_if_not_found=False) for xmlid in DUNNING_CALL_TYPES
        }
        # sudo: which activity a run line scheduled, to tell the web client which flow its
        # button opens; the flow itself checks the user's rights (action_dunning_log_call)
        scheduled = self.env["dunning.run.line"].sudo().search([("activity_id", "in", candidates.ids)]).activity_id
        return candidates.filtered(lambda activity: activity.activity_type_id.id in call_types or activity in scheduled)

    def _dunning_run_line(self):
        """The reminder that scheduled this activity, if any."""
        self.ensure_one()
        return self.env["dunning.run.line"].search([("activity_id", "=", self.id)], limit=1)

    def _dunning_check_call(self, partner=None):
        """The current user may log this dunning call: it is one, on ``partner`` when given, he
        may close it, and he is a dunning user."""
        self.ensure_one()
        if not self.exists() or not self.active or not self._dunning_calls():
            raise UserError(self.env._("This activity is not a reminder call to log, or it is done already."))
        if not self.env.user.has_group("dunning_strategy.group_dunning_user"):
            raise AccessError(self.env._("Only dunning users can log the outcome of a reminder call."))
        # with his own rights: the assignee, or whoever may edit the customer
        self.check_access("write")
        if partner is not None and self.res_id != partner.commercial_partner_id.id:
            raise UserError(self.env._("A reminder call is logged on the customer it was planned for."))

    def action_dunning_log_call(self):
        """The exchange form of this dunning call: an outgoing phone call about an invoice
        reminder with the customer, its reminder's invoices discussed; saving it marks this
        activity done."""
        self.ensure_one()
        self._dunning_check_call()
        self.env["exchange.log"].check_access("create")
        partner = self.env["res.partner"].browse(self.res_id).commercial_partner_id
        action = partner.action_dunning_log_call()
        # sudo: the reminder of an activity the user was checked to close
        invoices = self.sudo()._dunning_run_line().move_ids.with_env(self.env)
        invoices = invoices.filtered(lambda move: move.payment_state in ("not_paid", "partial"))
        if not invoices:
            invoices = partner._dunning_call_invoices()
        action["name"] = self.env._("Log the Reminder Call")
        action["context"] = {
            **action["context"],
            "default_dunning_activity_id": self.id,
            "default_dunning_invoice_ids": [Command.set(invoices.ids)],
            "default_dunning_outcome": "reached",
        }
        return action

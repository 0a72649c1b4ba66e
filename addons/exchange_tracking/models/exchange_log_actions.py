from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.tools import plaintext2html

# The exchange mode proposed for the exchange that follows a follow-up of this type.
FOLLOWUP_NEXT_MODES = {
    "call": "exchange_tracking.exchange_mode_phone",
    "meeting": "exchange_tracking.exchange_mode_meeting",
}


class ExchangeLog(models.Model):
    """What the buttons open: the "Log an exchange" dialog (from any record, from the systray,
    as the next exchange of a follow-up), the related document, my upcoming follow-ups."""

    _inherit = "exchange.log"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    @api.model
    def action_open_log_form(self, res_model=None, res_id=None):
        """The "Log an exchange" dialog, pre-filled from the record ``res_model``/``res_id``.

        Called by the form buttons and the systray. The record may be anything (or nothing);
        a record that does not exist or cannot be read is ignored, never an error.
        """
        record = self._get_readable_record(res_model, res_id)
        return self._get_log_form_action(self._get_log_defaults(record))

    def action_log_next_exchange(self):
        """Open the form of the next exchange; saving it marks this follow-up done."""
        self.ensure_one()
        return self._get_log_form_action(self._get_next_exchange_defaults())

    def _unreadable_document_message(self):
        return self.env._(
            "The related document of %(exchange)s does not exist anymore or you may not read it.",
            exchange=self.name,
        )

    @api.model
    def action_open_my_followups(self):
        """My follow-ups to come, and those of the last N days (N: company setting)."""
        action = self.env["ir.actions.act_window"]._for_xml_id("exchange_tracking.action_exchange_log_my_followups")
        since = fields.Datetime.now() - timedelta(days=max(self.env.company.exchange_followup_past_days, 0))
        action["domain"] = [
            ("followup_user_id", "=", self.env.uid),
            ("followup_datetime", "!=", False),
            ("followup_datetime", ">=", since),
        ]
        return action

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    @api.model
    def _get_log_defaults(self, record):
        """Context defaults of an exchange logged from ``record`` (a partner, a document or nothing)."""
        defaults = {}
        if not record:
            return defaults
        if record._name != "res.partner":
            defaults.update(default_res_model=record._name, default_res_id=record.id)
        partner = self._get_document_partner(record)
        if partner:
            defaults["default_partner_id"] = partner.commercial_partner_id.id
            if partner != partner.commercial_partner_id:
                defaults["default_contact_ids"] = [Command.set(partner.ids)]
        return defaults

    def _get_next_exchange_defaults(self, feedback=None):
        self.ensure_one()
        defaults = {
            "default_partner_id": self.partner_id.id,
            "default_previous_exchange_id": self.id,
            "default_direction": "outgoing",
        }
        if self.res_model:
            defaults.update(default_res_model=self.res_model, default_res_id=self.res_id)
        if self.subject_id:
            defaults["default_subject_id"] = self.subject_id.id
        contacts = self.followup_contact_id or self.contact_ids
        if contacts:
            defaults["default_contact_ids"] = [Command.set(contacts.ids)]
        mode_xmlid = FOLLOWUP_NEXT_MODES.get(self.followup_type)
        mode = mode_xmlid and self.env.ref(mode_xmlid, raise_if_not_found=False)
        if mode and mode.active:
            defaults["default_mode_id"] = mode.id
        if feedback:
            defaults["default_description"] = plaintext2html(feedback)
        return defaults

    @api.model
    def _get_log_form_action(self, defaults):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Log an Exchange"),
            "res_model": "exchange.log",
            "views": [(self.env.ref("exchange_tracking.view_exchange_log_form").id, "form")],
            "target": "new",
            "context": defaults,
        }

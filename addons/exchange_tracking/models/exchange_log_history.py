import textwrap

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import html2plaintext, is_html_empty

HISTORY_LIMIT = 200
# a caller may ask for fewer entries, never for an unbounded history
HISTORY_MAX_LIMIT = 1000


class ExchangeLog(models.Model):
    """The history of a record for the web client: its exchanges and its chatter, newest first."""

    _inherit = "exchange.log"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def get_history(self, res_model, res_id, limit=HISTORY_LIMIT):
        """Exchanges and chatter messages of one record, newest first.

        For a partner, the exchanges and messages of its contacts are included. Everything is
        read with the current user's rights: an exchange or message they may not read never
        appears. Returns ``{"record": {...}, "entries": [...], "followups": [...]}``: at most
        ``limit`` entries (``HISTORY_LIMIT`` by default, never more than ``HISTORY_MAX_LIMIT``),
        and the follow-ups still planned on those exchanges, soonest first (as many, at most).
        """
        try:
            limit = min(max(int(limit or HISTORY_LIMIT), 1), HISTORY_MAX_LIMIT)
        except (TypeError, ValueError) as error:
            raise UserError(self.env._("The number of history entries must be a whole number.")) from error
        record = self._get_readable_record(res_model, res_id)
        if not record:
            raise UserError(self.env._("This record does not exist anymore or you may not read it."))
        if isinstance(record, self.env.registry["exchange.document.mixin"]):
            exchange_domain = record._get_exchange_domain()
        else:
            exchange_domain = [("res_model", "=", record._name), ("res_id", "=", record.id)]
        if record._name == "res.partner":
            partners = self.env["res.partner"].with_context(active_test=False).search([("id", "child_of", record.ids)])
            message_domain = [("model", "=", "res.partner"), ("res_id", "in", partners.ids)]
        else:
            message_domain = [("model", "=", record._name), ("res_id", "=", record.id)]
        link_subtype = self.env.ref("exchange_tracking.mt_exchange_logged")
        message_domain += [
            ("message_type", "!=", "user_notification"),
            "|",
            ("subtype_id", "=", False),
            ("subtype_id", "!=", link_subtype.id),
        ]
        exchanges = self.search(exchange_domain, limit=limit)
        planned = self.search(
            [*exchange_domain, ("followup_state", "=", "planned")], limit=limit, order="followup_datetime, id"
        )
        messages = self.env["mail.message"].search(message_domain, limit=limit, order="date desc, id desc")
        entries = [exchange._get_history_entry() for exchange in exchanges]
        entries += [self._get_message_history_entry(message) for message in messages]
        entries.sort(key=lambda entry: (entry["date"], entry["key"]), reverse=True)
        return {
            "record": {"model": record._name, "id": record.id, "display_name": record.display_name},
            "entries": entries[:limit],
            "followups": [exchange._get_history_followup() for exchange in planned],
        }

    def _get_history_followup(self):
        """A planned follow-up as the history shows it, above the past exchanges."""
        self.ensure_one()
        return {
            "key": f"followup-{self.id:010d}",
            "id": self.id,
            "date": fields.Datetime.to_string(self.followup_datetime),
            "name": self.name,
            "kind": dict(self._fields["followup_type"]._description_selection(self.env)).get(self.followup_type, ""),
            "assignee": self._get_followup_assignee().sudo().name,
            "contact": (self.followup_contact_id or self.partner_id).sudo().display_name,
            "note": self.followup_note or "",
            "overdue": self.followup_overdue,
        }

    def _get_history_entry(self):
        self.ensure_one()
        return {
            "key": f"exchange-{self.id:010d}",
            "type": "exchange",
            "id": self.id,
            "date": fields.Datetime.to_string(self.date),
            "name": self.name,
            "kind": self.mode_id.name,
            "direction": dict(self._fields["direction"]._description_selection(self.env)).get(self.direction),
            "subject": self.subject_id.name or "",
            "author": self.user_id.sudo().name,
            "partner": self.partner_id.sudo().display_name,
            "summary": self.description_short or "",
        }

    @api.model
    def _get_message_history_entry(self, message):
        if message.message_type in ("email", "email_outgoing"):
            kind = self.env._("Email")
        elif message.subtype_id.internal:
            kind = self.env._("Note")
        elif message.message_type == "notification":
            kind = self.env._("Event")
        else:
            kind = self.env._("Message")
        trackings = message.sudo().tracking_value_ids._filter_has_field_access(self.env)._tracking_value_format()
        changes = "; ".join(
            f"{tracking['changedField']}: {tracking['oldValue']['value'] or ''} → {tracking['newValue']['value'] or ''}"
            for tracking in trackings
        )
        body = "" if is_html_empty(message.body) else " ".join(html2plaintext(message.body).split())
        summary = " — ".join(part for part in (message.subject, body, changes, message.subtype_id.name) if part)
        return {
            "key": f"message-{message.id:010d}",
            "type": "message",
            "id": message.id,
            "date": fields.Datetime.to_string(message.date),
            "name": message.record_name or "",
            "kind": kind,
            "direction": "",
            "subject": message.subject or "",
            "author": message.sudo().author_id.display_name or message.email_from or "",
            "partner": "",
            "summary": textwrap.shorten(summary, 300, placeholder=" …") if summary else "",
        }

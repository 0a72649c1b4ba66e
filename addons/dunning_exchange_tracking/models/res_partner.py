from odoo import Command, fields, models


class ResPartner(models.Model):
    """The customer follow-up page of dunning, with exchange tracking: "Log a Call" opens the
    exchange form, and the customer's exchanges join its reminders in the page's timeline."""

    _inherit = "res.partner"

    def action_dunning_log_call(self):
        """An outgoing phone exchange about an invoice reminder, with this customer."""
        self.ensure_one()
        action = self.env["exchange.log"].action_open_log_form("res.partner", self.commercial_partner_id.id)
        defaults = {"default_direction": "outgoing"}
        for field, xmlid in (
            ("default_mode_id", "exchange_tracking.exchange_mode_phone"),
            ("default_subject_id", "exchange_tracking.exchange_subject_invoice_reminder"),
        ):
            record = self.env.ref(xmlid, raise_if_not_found=False)
            if record and record.active:
                defaults[field] = record.id
        invoices = self.commercial_partner_id._dunning_call_invoices()
        if invoices:
            defaults["default_dunning_invoice_ids"] = [Command.set(invoices.ids)]
        action["context"] = {**defaults, **action["context"]}
        return action

    def _dunning_call_invoices(self):
        """The open overdue invoices of this customer in the current company, as the user reads
        them: what a reminder call is about when no reminder names them."""
        self.ensure_one()
        return self.env["account.move"].search(
            [
                ("commercial_partner_id", "=", self.commercial_partner_id.id),
                ("company_id", "=", self.env.company.id),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("payment_state", "in", ("not_paid", "partial")),
                ("invoice_date_due", "<", fields.Date.context_today(self)),
            ],
            order="invoice_date_due, id",
        )

    def _dunning_timeline_entries(self, limit):
        entries = super()._dunning_timeline_entries(limit)
        if not self.env["exchange.log"].has_access("read"):
            return entries  # a credit controller without any exchange tracking right
        # with the user's rights: the record rules of exchange tracking decide which exchanges
        # he reads (his own only, or all of them); a confidential note is never shown here
        exchanges = self.env["exchange.log"].search(
            [
                ("commercial_partner_id", "=", self.id),
                ("company_id", "in", (False, self.env.company.id)),
            ],
            limit=limit,
        )
        return entries + [exchange._dunning_timeline_entry() for exchange in exchanges]

"""Quotations (see ``dunning.document.kind``): re-checked under lock, their recipient, what the
engine's channels need from them, and the follow-up they record when done."""

from odoo import api, models
from odoo.tools import SQL, format_amount, format_date


class DunningKindQuotation(models.AbstractModel):
    _inherit = "dunning.kind.quotation"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Under lock, before sending
    # ------------------------------------------------------------------

    @api.model
    def _refresh_lines(self, lines):
        """Lock the quotations of the lines, re-read them and skip the lines that no longer hold.

        The lock makes a second worker or a manual follow-up of the same quotation wait, then see
        it followed up: an automatic follow-up is never sent twice, and no quotation gets two
        follow-up emails the same day (a failed line retried after another follow-up went out).

        :return: ``{line: reason}`` of the lines to skip
        """
        orders = lines.sale_order_id
        if not orders:
            return {}
        self.env.execute_query(
            SQL(
                "SELECT id FROM sale_order WHERE id = ANY(%s) ORDER BY id FOR UPDATE",
                orders.ids,
                to_flush=self.env["sale.order"]._fields["dunning_date"],
            )
        )
        orders.invalidate_recordset(["state", "dunning_date", "dunning_excluded"])
        emailed = self._lines_emailed_today(lines)
        return {
            line: reason
            for line in lines
            if (
                reason := self._foreign_reason(line)
                or self._skip_reason(line)
                or (line in emailed and self.env._("already followed up by email today"))
            )
        }

    @api.model
    def _foreign_reason(self, line):
        """The engine follows up nothing but a quotation of the line's customer and company."""
        order = line.sale_order_id
        if order.company_id != line.company_id or order.partner_id.commercial_partner_id != line.partner_id:
            return self.env._("quotation of another customer or company")
        return None

    @api.model
    def _skip_reason(self, line):
        """Why a quotation must not be followed up any more, or None. A follow-up by hand only
        needs the quotation to be still sent; an automatic one also respects the exclusion flag
        and never follows up twice at the same date."""
        order = line.sale_order_id
        if order.state == "sale":
            return self.env._("quotation confirmed")
        if order.state == "cancel":
            return self.env._("quotation cancelled")
        if order.state != "sent":
            return self.env._("quotation not sent")
        if line.run_id.mode == "automatic":
            if order.dunning_excluded:
                return self.env._("quotation excluded from automatic follow-ups")
            if order.dunning_date and order.dunning_date >= line.run_id.date:
                return self.env._("already followed up")
        return None

    @api.model
    def _get_recipients(self, lines):
        """The quotation's follow-up contact, else its customer, else the customer's company (the
        first with an email, see ``sale.order._dunning_recipient``)."""
        return {line: line.sale_order_id._dunning_recipient() for line in lines}

    @api.model
    def _check_line(self, line):
        """An email alone without a usable address fails with the reason, and the letter is
        suggested; with a letter too, the letter goes alone. A letter needs a postal address."""
        if not line.followup_by_email and not line.followup_by_letter:
            return self.env._("neither email nor letter chosen")
        if line.followup_by_email and not line.followup_by_letter:
            return self._email_error(line.sale_order_id, line.recipient_id)
        if line.followup_by_letter and not self.env["dunning.document"]._letter_address_partner(line):
            return self.env._(
                "no postal address for the letter (%(partner)s has no city)", partner=line.recipient_id.display_name
            )
        return None

    @api.model
    def _email_error(self, order, recipient):
        """The clear reason why the follow-up of ``order`` cannot go by email, or None."""
        reason = self.env["dunning.engine"]._check_email_address(recipient)
        if not reason:
            return None
        return self.env._(
            "%(reason)s for %(contact)s: add an email address to the follow-up contact or the customer of "
            "%(quotation)s, or follow it up by letter instead.",
            reason=reason,
            contact=recipient.display_name,
            quotation=order.name,
        )

    # ------------------------------------------------------------------
    # What the channels need
    # ------------------------------------------------------------------

    @api.model
    def _wants_channel(self, line, channel):
        """Email and letter as chosen on the line (automatic follow-ups: email); the step's
        activity as its step says."""
        if channel == "email":
            return line.followup_by_email
        if channel == "letter":
            return line.followup_by_letter
        return super()._wants_channel(line, channel)

    @api.model
    def _post_record(self, line):
        return line.sale_order_id

    @api.model
    def _email_values(self, line, values):
        """The Dolibarr placeholders replaced, or the text edited in the wizard."""
        values["subject"], values["body_html"] = self._quotation_email_text(line, values)
        return values

    @api.model
    def _email_attachment_ids(self, line):
        """The line's files (the quotation's PDF printed for this follow-up, see
        ``_attach_quotation_pdfs``), and the quotation's own PDF files (a signed copy...) when
        the company asks for them too."""
        ids = super()._email_attachment_ids(line)
        if line.company_id.dunning_quotation_attach_files:
            ids += line.sale_order_id._dunning_pdf_attachments().ids
        return ids

    @api.model
    def _activity_vals(self, line, vals):
        """On the quotation, assigned to its salesperson (for the 'Salesperson' rule)."""
        order = line.sale_order_id
        vals["note"] = self.env._(
            "Follow-up %(step)s of quotation %(quotation)s", step=line.step_id.name, quotation=order.name
        )
        if line.step_id.activity_user == "salesperson" and order.user_id:
            vals["user_id"] = order.user_id.id
        return vals

    @api.model
    def _letter_note(self, line):
        return self.env._(
            "Follow-up letter printed (%(step)s), to send by post to %(contact)s.",
            step=line.step_id.name,
            contact=line.recipient_id.display_name,
        )

    @api.model
    def _quotation_placeholder_values(self, line):
        """Values of the Dolibarr placeholders for ``line``, formatted in the recipient's language."""
        order = line.sale_order_id
        recipient = line.recipient_id or order.partner_id
        customer = order.partner_id.commercial_partner_id
        lang = recipient.lang or order.partner_id.lang or self.env.lang
        env = self.env
        first_name = "" if recipient.is_company or not recipient.name else recipient.name.split()[0]
        return {
            "__REF_PROPAL__": order.name,
            "__DATE_PROPAL__": format_date(env, order.date_order, lang_code=lang) if order.date_order else "",
            "__TOTAL_TTC__": format_amount(env, order.amount_total, order.currency_id, lang_code=lang),
            "__TOTAL_HT__": format_amount(env, order.amount_untaxed, order.currency_id, lang_code=lang),
            "__DATE_VALIDITE__": format_date(env, order.validity_date, lang_code=lang) if order.validity_date else "",
            "__THIRDPARTY_NAME__": customer.name,
            "__THIRDPARTY_NAME_ALIAS__": customer.ref or customer.name,
            "__NAME__": recipient.name,
            "__FIRSTNAME__": first_name,
        }

    # ------------------------------------------------------------------
    # Finalise
    # ------------------------------------------------------------------

    @api.model
    def _finalize_lines(self, lines):
        """Each quotation records its follow-up (step, date, next date) and gets the activity of
        its next follow-up, assigned to its salesperson."""
        for line in lines:
            order = line.sale_order_id.sudo().with_context(dunning_skip_activity_sync=True)
            order.write(
                {
                    "dunning_step_id": line.step_id.id,
                    "dunning_date": max(line.run_id.date, order.dunning_date or line.run_id.date),
                    "dunning_next_date": line.next_date,
                }
            )
            order._dunning_plan_activity(user=line.run_id.user_id)

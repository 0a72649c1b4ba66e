"""The other channels of the engine: activity, letter note, late-fee invoice; and the
letter preview of the launch wizard."""

from markupsafe import Markup

from odoo import Command, api, models


class DunningEngine(models.AbstractModel):
    _inherit = "dunning.engine"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _schedule_activity(self, lines, documents=None):
        """Activity channel: one ``mail.activity`` per line, created in bulk on the record the
        line's kind names (``_post_record``), due at the run date and assigned by the step's
        rule."""
        vals_list, activity_lines = [], self.env["dunning.run.line"]
        for kind, kind_lines in self._lines_by_kind(lines):
            wanted = kind_lines.filtered(lambda line, kind=kind: kind._wants_channel(line, "activity"))
            vals_list += [kind._activity_vals(line, self._prepare_activity_vals(line, kind)) for line in wanted]
            activity_lines |= wanted
        if not vals_list:
            return
        activities = self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(vals_list)
        for line, activity in zip(activity_lines, activities, strict=True):
            line.activity_id = activity

    @api.model
    def _prepare_activity_vals(self, line, kind):
        step = line.step_id
        record = kind._post_record(line)
        return {
            "res_model_id": self.env["ir.model"]._get_id(record._name),
            "res_id": record.id,
            "activity_type_id": step.activity_type_id.id,
            "summary": step.activity_summary or step.activity_type_id.summary or step.name,
            "note": step.name,
            "user_id": self._get_activity_user(line).id,
            "date_deadline": line.run_id.date,
        }

    @api.model
    def _get_activity_user(self, line):
        """Assignee of a line's activity: the step's rule, falling back to the strategy's
        responsible, then to the user who launched the run."""
        step = line.step_id
        responsible = line.run_id.strategy_id.responsible_id
        if step.activity_user == "user" and step.activity_user_id:
            return step.activity_user_id
        if step.activity_user == "salesperson" and line.partner_id.user_id:
            return line.partner_id.user_id
        return responsible or line.run_id.user_id or self.env.user

    @api.model
    def _print_letters(self, lines, documents=None):
        """Letter channel: the letters were printed with the batch's documents (one WeasyPrint
        document, see ``_prepare_documents`` of the kind); each one is logged as a note on the
        record the line's kind names (``_post_record``, ``_letter_note``) with the documents
        printed after it. The run's merged PDF is built when the run ends."""
        note = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note")
        vals_list = []
        for kind, kind_lines in self._lines_by_kind(lines):
            for line in kind_lines:
                if not (kind._wants_channel(line, "letter") and line.letter_attachment_id):
                    continue
                record = kind._post_record(line)
                vals_list.append(
                    {
                        "model": record._name,
                        "res_id": record.id,
                        "message_type": "notification",
                        "subtype_id": note,
                        "author_id": self.env.user.partner_id.id,
                        "body": Markup("<p>%s</p>") % kind._letter_note(line),
                        "attachment_ids": [Command.set((line.letter_attachment_id | line.attachment_ids).ids)],
                    }
                )
        # one bulk insert, as _message_log does: a note notifies nobody
        self.env["mail.message"].sudo().create(vals_list)

    @api.model
    def _invoice_fees(self, lines, documents=None):
        """Late-fee channel: a draft customer invoice of the French late fees of each company
        customer whose step asks for it, for the invoices not charged yet (never twice for an
        invoice, never for an individual). The fees are those the batch's documents computed
        (``documents["late_fees"]``), computed here only for a call outside a batch."""
        lines = lines.filtered(
            lambda line: (
                line.step_id.create_fee_invoice and line.run_id.strategy_id.late_fees and line.partner_id.is_company
            )
        )
        Document = self.env["dunning.document"]
        late_fees = (documents or {}).get("late_fees") or {}
        for line in lines:
            fees = late_fees[line] if line in late_fees else Document._compute_late_fees(line)
            fee_lines = [fee for fee in fees.lines if fee.total and not fee.invoice["move"].dunning_fee_move_id]
            if not fee_lines:
                continue
            fee_move = self.env["account.move"].sudo().create(Document._prepare_fee_invoice_vals(line, fee_lines))
            line.fee_move_id = fee_move
            self.env["account.move"].concat(*(fee.invoice["move"] for fee in fee_lines)).sudo().write(
                {"dunning_fee_move_id": fee_move.id}
            )

    @api.model
    def _preview_letter(self, line):
        """``(pdf_bytes, file_name)`` of the letter of one run line (see ``dunning.document``).

        Called by the launch wizard's preview on a line created in a savepoint that is rolled
        back afterwards: it must never send, post or store anything meant to last.
        """
        return self.env["dunning.document"]._preview_letter(line)

"""The documents of a reminder, built for a batch of run lines before any channel runs.

- French late fees of each line (stored on the line: the email and the letter show them);
- the letters, one WeasyPrint document for the batch (``tools.letter_pdf``), one PDF per line;
- the statements of account, laid out in that same document;
- the invoice PDFs: the invoice's own legal PDF when it was sent, else Odoo's invoice report
  laid out by WeasyPrint (``ir.actions.report._dunning_render_pdfs``);
- at the end of a run, one merged PDF of its letters, each followed by its attachments.

A line whose letter cannot be built (template error, not MJML, empty letter) is reported
with ``DunningLinesError`` before any email of the batch goes out: the engine fails those lines
with their reason and sends the others.
"""

import io
import re
import tempfile
import time

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.letter_pdf import Letter, LetterLayout, LetterRenderError, merge_pdf_files, render_letters_pdf
from .dunning_engine import DunningLinesError

INVOICE_REPORT = "account.account_invoices"
PRINT_BATCH_DESCRIPTION = "dunning_strategy: letters of one batch"
STATEMENT_TEMPLATE = "dunning_strategy.report_dunning_statement_document"


class DunningDocument(models.AbstractModel):
    _name = "dunning.document"
    _description = "Dunning Documents"

    # ------------------------------------------------------------------
    # Checks before a line is processed
    # ------------------------------------------------------------------

    @api.model
    def _check_line(self, line):
        """Why the documents of ``line`` cannot be sent (no postal address for a letter, a
        hand-over partner without email), or None."""
        step = line.step_id
        if step.print_letter and not self._letter_address_partner(line):
            return self.env._(
                "no postal address for the letter (%(partner)s has no city)",
                partner=(line.recipient_id or line.partner_id).display_name,
            )
        handover = step.handover_partner_id
        if handover and self._handover_moves(line) and not handover.email:
            return self.env._("the hand-over partner %(partner)s has no email address", partner=handover.display_name)
        return None

    @api.model
    def _letter_address_partner(self, line):
        """The partner whose postal address goes in the envelope window: the recipient when it
        has one, else the customer; None when neither has at least a city or a zip code."""
        for partner in (line.recipient_id, line.partner_id):
            if partner and (partner.city or partner.zip):
                return partner
        return None

    # ------------------------------------------------------------------
    # Before the channels
    # ------------------------------------------------------------------

    @api.model
    def _prepare_documents(self, lines):
        """Late fees, letters, statements and invoice PDFs of a batch of lines, stored on them.

        Raises ``DunningLinesError`` when some letters cannot be built, before anything is
        sent; never sends anything itself.

        :return: the late fees of the lines, ``{line: LateFees}`` (for the late-fee channel)
        """
        fees = self._set_late_fees(lines)
        letter_lines = lines.filtered(lambda line: line.step_id.print_letter or self._handover_moves(line))
        bodies = self._render_letter_bodies(letter_lines, fees)
        for line in lines:
            handover_moves = self._handover_moves(line)
            if handover_moves != line.handover_move_ids:
                line.handover_move_ids = handover_moves
        statement_lines = lines.filtered(lambda line: line.step_id.attach_statement or line.handover_move_ids)
        letter_pdfs, statement_pdfs, printed = self._print_pdfs(bodies, self._render_statement_bodies(statement_lines))
        Attachment = self.env["ir.attachment"].sudo()
        letters = Attachment.create(
            [self._attachment_vals(line, self._letter_file_name(line), pdf) for line, pdf in letter_pdfs.items()]
        )
        for line, attachment in zip(letter_pdfs, letters, strict=True):
            line.letter_attachment_id = attachment
        statements = Attachment.create(
            [self._attachment_vals(line, self._statement_file_name(line), pdf) for line, pdf in statement_pdfs.items()]
        )
        statement_of = dict(zip(statement_pdfs, statements, strict=True))
        invoice_lines = lines.filtered(lambda line: line.step_id.attach_invoices or line.handover_move_ids)
        invoice_attachments = self._invoice_attachments(invoice_lines)
        for line in lines:
            statement = statement_of.get(line, Attachment)
            invoices = invoice_attachments.get(line, {})
            attachments = Attachment
            if line.step_id.attach_statement:
                attachments |= statement
            if line.step_id.attach_invoices:
                attachments |= Attachment.concat(*(invoices[move] for move in line.move_ids if move in invoices))
            if attachments or line.attachment_ids:
                line.attachment_ids = attachments
            if line.handover_move_ids:
                line.handover_attachment_ids = statement | Attachment.concat(
                    *(invoices[move] for move in line.handover_move_ids if move in invoices)
                )
        self._store_print_batch(lines, printed, invoice_attachments)
        return fees

    @api.model
    def _handover_moves(self, line):
        """Invoices of ``line`` handed over by its step: those climbing to a step with a
        hand-over partner, not handed over yet. Empty for other lines."""
        kind = self.env["dunning.kind.invoice"]
        steps = kind._steps_by_level(line.run_id.strategy_id)
        if not steps or not any(step.handover_partner_id for step in steps.values()):
            return self.env["account.move"]
        return line.due_move_ids.filtered(
            lambda move: (
                steps[kind._next_level(move, steps, line.date)].handover_partner_id
                and not move.dunning_collection_partner_id
            )
        )

    # ------------------------------------------------------------------
    # Letters and statements
    # ------------------------------------------------------------------

    @api.model
    def _render_letter_bodies(self, lines, fees):
        """HTML body of each line's letter; raises ``DunningLinesError`` with the reason of each
        line whose letter cannot be rendered."""
        bodies, errors = {}, {}
        for template, template_lines in lines.grouped(lambda line: line.step_id.letter_template_id).items():
            if not template:
                for line in template_lines:
                    errors[line] = self.env._("the step %(step)s has no letter template", step=line.step_id.name)
                continue
            template_bodies, template_errors = template.sudo()._render_letters_html(template_lines, fees)
            bodies.update(template_bodies)
            errors.update(template_errors)
        if errors:
            raise DunningLinesError(errors)
        return bodies

    @api.model
    def _render_statement_bodies(self, lines):
        """HTML body of the statement of account of each line's customer, in its language."""
        bodies = {}
        QWeb = self.env["ir.qweb"]
        Template = self.env["dunning.letter.template"]
        for line in lines:
            lang = Template._letter_lang(line)
            values = self.env["report.dunning_strategy.report_dunning_statement"]._statement_values(
                line.partner_id, line.company_id, line.date
            )
            bodies[line] = str(QWeb.with_context(lang=lang)._render(STATEMENT_TEMPLATE, values))
        return bodies

    @api.model
    def _print_pdfs(self, letter_bodies, statement_bodies):
        """Lay out letters and statements, one WeasyPrint document per company (each statement
        after its letter).

        :return: ``(letters, statements, printed)``: ``{line: pdf}`` of the letters and of the
            statements, and for each document ``(pdf, {(line, kind): (first page, end page)})``,
            ``kind`` being ``"letter"`` or ``"statement"``
        """
        items = [(line, "letter", body) for line, body in letter_bodies.items()]
        items += [(line, "statement", body) for line, body in statement_bodies.items()]
        items.sort(key=lambda item: (item[0].id, item[1] != "letter"))
        letters, statements, printed = {}, {}, []
        by_company = {}
        for item in items:
            by_company.setdefault(item[0].company_id, []).append(item)
        for company, company_items in by_company.items():
            documents = [
                Letter(
                    body=body,
                    address=self._letter_address(line) if kind == "letter" else "",
                    title=line.partner_id.display_name,
                )
                for line, kind, body in company_items
            ]
            try:
                result = render_letters_pdf(documents, self._letter_layout(company))
            except LetterRenderError as error:
                if error.letter_index is None:
                    raise UserError(self.env["dunning.letter.template"]._letter_error_message(error)) from error
                line = company_items[error.letter_index][0]
                raise DunningLinesError(
                    {line: self.env["dunning.letter.template"]._letter_error_message(error)}
                ) from error
            ranges, page = {}, 0
            for (line, kind, _body), pdf, count in zip(company_items, result.letters, result.page_counts, strict=True):
                (letters if kind == "letter" else statements)[line] = pdf
                ranges[line, kind] = (page, page + count)
                page += count
            printed.append((result.merged, ranges))
        return letters, statements, printed

    @api.model
    def _store_print_batch(self, lines, printed, invoice_attachments):
        """Store, on the run, this batch's part of the run's letters PDF: each printed letter in
        line order, followed by the statement and invoices its step attaches.

        Cut from the batch's WeasyPrint document rather than merged from the letters' own
        PDFs: the pages then share their fonts, a twentieth of the size. ``_merge_run_letters``
        joins the parts when the run ends.
        """
        if not printed:
            return
        from pypdf import PdfReader, PdfWriter

        writer = PdfWriter()
        for merged, ranges in printed:
            reader = PdfReader(io.BytesIO(merged))
            for line in lines.sorted("id"):
                if not line.step_id.print_letter or (line, "letter") not in ranges:
                    continue
                writer.append(reader, pages=ranges[line, "letter"], import_outline=False)
                if line.step_id.attach_statement and (line, "statement") in ranges:
                    writer.append(reader, pages=ranges[line, "statement"], import_outline=False)
                if line.step_id.attach_invoices:
                    invoices = invoice_attachments.get(line, {})
                    for move in line.move_ids.filtered(lambda move, invoices=invoices: move in invoices):
                        writer.append(PdfReader(io.BytesIO(invoices[move].raw)), import_outline=False)
        if not writer.pages:
            return
        output = io.BytesIO()
        writer.write(output)
        self._store_run_letters_part(lines, output.getvalue())

    @api.model
    def _store_run_letters_part(self, lines, pdf):
        """Store ``pdf``, the letters of ``lines`` (of one run), as a part of the run's letters
        PDF: ``_merge_run_letters`` joins the parts in line order when the run ends."""
        self.env["ir.attachment"].sudo().create(
            {
                "name": f"letters-{min(lines.ids):010d}.pdf",
                "description": PRINT_BATCH_DESCRIPTION,
                "raw": pdf,
                "mimetype": "application/pdf",
                "res_model": "dunning.run",
                "res_id": lines[:1].run_id.id,
            }
        )

    @api.model
    def _letter_address(self, line):
        """Plain text address of the envelope window: customer, contact, postal address (the
        country only when it differs from the company's)."""
        partner = self._letter_address_partner(line) or line.partner_id
        names = [line.partner_id.name]
        recipient = line.recipient_id
        if recipient and recipient != line.partner_id and not recipient.is_company and recipient.name:
            names.append(recipient.name)
        address = partner._display_address(without_company=True)
        lines = [text.strip() for text in address.splitlines() if text.strip()]
        country = partner.country_id
        if lines and country and country == line.company_id.country_id and lines[-1] == country.name:
            lines.pop()
        return "\n".join(names + [text for text in lines if text not in names])

    @api.model
    def _letter_layout(self, company):
        """A4 layout of a company's letters: its name, address and logo on top, legal mentions
        below, the return address above the envelope window."""
        partner = company.partner_id
        address = [text.strip() for text in partner._display_address(without_company=True).splitlines() if text.strip()]
        header = Markup("<strong>%s</strong>") % company.name
        for text in address:
            header += Markup("<br/>%s") % text
        website = re.sub(r"^https?://", "", company.website or "").rstrip("/")
        contact = [value for value in (company.phone, company.email, website) if value]
        if contact:
            header += Markup("<br/>%s") % " - ".join(contact)
        legal = []
        if company.company_registry:
            legal.append(self.env._("Registry: %(number)s", number=company.company_registry))
        if company.vat:
            legal.append(self.env._("VAT: %(number)s", number=company.vat))
        footer = Markup(" - ").join([company.name, *legal])
        if company.report_footer:
            footer += Markup("<br/>%s") % company.report_footer.striptags()
        city_line = " ".join(value for value in (partner.zip, partner.city) if value)
        sender = " - ".join(value for value in (company.name, partner.street, city_line) if value)
        return LetterLayout(
            header_html=str(header),
            footer_html=str(footer),
            logo=company.logo or None,
            sender_line=sender,
            lang=(partner.lang or "fr_FR").split("_")[0],
        )

    # ------------------------------------------------------------------
    # Invoice PDFs
    # ------------------------------------------------------------------

    @api.model
    def _invoice_attachments(self, lines):
        """PDF attachment of every invoice the lines attach or hand over: ``{line: {move: attachment}}``.

        An invoice that was sent keeps its legal PDF (``invoice_pdf_report_id``), attached as
        is; the others are printed from Odoo's invoice report in one WeasyPrint document and
        stored on the line (never on the invoice: it is not the legal document).
        """
        result = {}
        wanted = {}
        for line in lines:
            moves = line.handover_move_ids
            if line.step_id.attach_invoices:
                moves |= line.move_ids
            wanted[line] = moves
        all_moves = self.env["account.move"].concat(*wanted.values()) if wanted else self.env["account.move"]
        to_print = all_moves.filtered(lambda move: not move.invoice_pdf_report_id)
        printed = {}
        if to_print:
            report = self.env["ir.actions.report"].sudo()
            for lang, moves in to_print.grouped(lambda move: move.partner_id.lang or self.env.lang).items():
                try:
                    printed.update(report.with_context(lang=lang)._dunning_render_pdfs(INVOICE_REPORT, moves.ids))
                except LetterRenderError as error:
                    raise UserError(
                        self.env._("The invoice PDFs cannot be printed: %(detail)s", detail=error.detail or str(error))
                    ) from error
        Attachment = self.env["ir.attachment"].sudo()
        vals_list, keys = [], []
        for line, moves in wanted.items():
            result[line] = {}
            for move in moves:
                if move.invoice_pdf_report_id:
                    result[line][move] = move.invoice_pdf_report_id.sudo()
                elif move.id in printed:
                    vals_list.append(self._attachment_vals(line, move._get_invoice_report_filename(), printed[move.id]))
                    keys.append((line, move))
        for (line, move), attachment in zip(keys, Attachment.create(vals_list), strict=True):
            result[line][move] = attachment
        return result

    # ------------------------------------------------------------------
    # After a run
    # ------------------------------------------------------------------

    @api.model
    def _merge_run_letters(self, run, deadline=None):
        """Join the parts of the run's letters PDF stored by its batches (``_store_print_batch``),
        in line order, after the PDF of a previous ending of the run (failed lines retried), into
        one PDF stored on the run.

        :param deadline: ``time.monotonic()`` value after which no further part is added (one
            part at least): the parts joined so far become the run's PDF, the others wait for
            the next call, so that merging thousands of letters never outlasts a cron pass
        :return: whether every part was joined
        """
        Attachment = self.env["ir.attachment"].sudo()
        parts = Attachment.search(
            [
                ("res_model", "=", "dunning.run"),
                ("res_id", "=", run.id),
                ("description", "=", PRINT_BATCH_DESCRIPTION),
            ],
            order="name, id",
        )
        if not parts:
            return True
        old = run.letters_attachment_id.sudo()
        joined = []

        def sources():
            if old:
                yield self._attachment_source(old)
            for part in parts:
                if joined and deadline and time.monotonic() > deadline:
                    return
                joined.append(part)
                yield self._attachment_source(part)

        # the parts are read one by one from the filestore and the merged PDF is written to a
        # temporary file: a run of thousands of letters is never held as a list of PDFs
        with tempfile.TemporaryFile() as merged:
            merge_pdf_files(sources(), merged)
            merged.seek(0)
            run.letters_attachment_id = Attachment.create(
                {
                    "name": self.env._("%(run)s - letters.pdf", run=run.name).replace("/", "-"),
                    "raw": merged.read(),
                    "mimetype": "application/pdf",
                    "res_model": "dunning.run",
                    "res_id": run.id,
                }
            )
        (old | Attachment.concat(*joined)).unlink()
        return len(joined) == len(parts)

    @api.model
    def _attachment_source(self, attachment):
        """Where ``merge_pdf_files`` reads an attachment: its file in the filestore, else its
        bytes (attachments stored in the database)."""
        if attachment.store_fname:
            return attachment._full_path(attachment.store_fname)
        return attachment.raw or b""

    @api.model
    def _preview_letter(self, line):
        """``(pdf, file name)`` of the letter of one line, stored nowhere; a UserError with the
        reason when it cannot be built."""
        fees = {}
        line_fees = self._compute_late_fees(line)
        if line_fees is not None:
            fees[line] = line_fees
        try:
            bodies = self._render_letter_bodies(line, fees)
            letters, _statements, _printed = self._print_pdfs(bodies, {})
        except DunningLinesError as error:
            raise UserError(error.reasons[line]) from error
        return letters[line], self._letter_file_name(line)

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    @api.model
    def _attachment_vals(self, line, name, pdf):
        return {
            "name": name,
            "raw": pdf,
            "mimetype": "application/pdf",
            "res_model": "dunning.run.line",
            "res_id": line.id,
        }

    @api.model
    def _letter_file_name(self, line):
        return self._file_name(self.env._("Letter"), line)

    @api.model
    def _statement_file_name(self, line):
        return self._file_name(self.env._("Statement of account"), line)

    @api.model
    def _file_name(self, kind, line):
        name = f"{kind} - {line.partner_id.name} - {fields.Date.to_string(line.date)}.pdf"
        return name.replace("/", "-")

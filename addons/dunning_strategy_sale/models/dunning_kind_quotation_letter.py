"""The documents of a quotation follow-up: the quotation PDF attached to its email, and its
letter (the letter, then the quotation, in one PDF).

The engine asks the kind of a batch's lines for their documents before any channel runs
(``dunning.document.kind._prepare_documents``); the quotation kind builds them here, with the
letter helpers of ``dunning.document``:

- the quotations of the batch (those of its letters and of its emails whose step attaches the
  quotation) are printed from Odoo's quotation report by the engine's WeasyPrint report helper
  (``ir.actions.report._dunning_render_pdfs``), all in one document, once per batch;
- an email line gets its quotation's PDF as an attachment of the line (``attachment_ids``),
  which the engine's email channel sends (``_email_attachment_ids``), as Dolibarr always does;
- the body of a letter is the step's letter template (``dunning.letter.template``, as invoice
  steps have) when it has one, else its email template (``mail.template``), rendered by Odoo on
  the follow-up in the recipient's language, with the Dolibarr placeholders replaced;
- the letters of the batch are laid out in one WeasyPrint document with the engine's company
  layout and envelope address (``tools.letter_pdf``);
- each line's ``letter_attachment_id`` is its letter followed by its quotation; the batch's
  letters are stored as a part of the run's letters PDF, which the engine joins into the run's
  ``letters_attachment_id`` when the run ends.

A line whose letter cannot be built fails with the reason (``DunningLinesError``) before any
email of the batch goes out, as for invoice letters.
"""

from odoo import api, models
from odoo.addons.dunning_strategy.models.dunning_engine import DunningLinesError
from odoo.addons.dunning_strategy.tools.letter_pdf import (
    Letter,
    LetterRenderError,
    check_letter_html,
    merge_pdfs,
    render_letters_pdf,
)
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools.placeholders import replace_placeholders

QUOTATION_REPORT = "sale.action_report_saleorder"


class DunningKindQuotation(models.AbstractModel):
    _inherit = "dunning.kind.quotation"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _prepare_documents(self, lines):
        letter_lines = lines.filtered("followup_by_letter")
        email_lines = lines.filtered(lambda line: line.followup_by_email and line.step_id.attach_quotation)
        # the letters' texts first: a line whose text fails fails before anything is printed
        bodies = self._render_quotation_letter_bodies(letter_lines)
        quotation_pdfs = self._render_quotation_pdfs((letter_lines | email_lines).sale_order_id)
        self._prepare_quotation_letters(letter_lines, bodies, quotation_pdfs)
        self._attach_quotation_pdfs(email_lines, quotation_pdfs)
        return {}

    @api.model
    def _attach_quotation_pdfs(self, lines, quotation_pdfs):
        """Store the PDF of each line's quotation (``{order id: pdf}``) on the line, among the
        files its email carries (``attachment_ids``). Never sends anything."""
        if not lines:
            return
        Document = self.env["dunning.document"]
        # superuser: the lines are the engine's; the files are the line's, read by its readers
        attachments = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                [
                    Document._attachment_vals(
                        line, self._quotation_file_name(line), quotation_pdfs[line.sale_order_id.id]
                    )
                    for line in lines
                ]
            )
        )
        # Why SQL: one row of the lines' many2many each, in one query for the batch (a write per
        # line would cost a query per follow-up). A batch that fails is rolled back with its files.
        field = lines._fields["attachment_ids"]
        self.env.execute_query(
            SQL(
                "INSERT INTO %s (%s, %s) VALUES %s ON CONFLICT DO NOTHING",
                SQL.identifier(field.relation),
                SQL.identifier(field.column1),
                SQL.identifier(field.column2),
                SQL(", ").join(
                    SQL("(%s, %s)", line.id, attachment.id) for line, attachment in zip(lines, attachments, strict=True)
                ),
            )
        )
        lines.invalidate_recordset(["attachment_ids"])

    @api.model
    def _prepare_quotation_letters(self, lines, bodies, quotation_pdfs):
        """Print the letter of each quotation line (letter + quotation) and store it on the line.

        :param bodies: ``{line: html}``, the letters' texts (``_render_quotation_letter_bodies``)
        :param quotation_pdfs: ``{order id: pdf}`` of the lines' quotations
        Raises ``DunningLinesError`` for the lines whose letter cannot be laid out; never sends
        anything.
        """
        if not lines:
            return
        Document = self.env["dunning.document"]
        letter_pdfs = {}
        for company, company_lines in lines.grouped("company_id").items():
            letters = [
                Letter(
                    body=bodies[line],
                    address=Document._letter_address(line),
                    title=f"{line.sale_order_id.name} - {line.partner_id.name}",
                )
                for line in company_lines
            ]
            try:
                result = render_letters_pdf(letters, Document._letter_layout(company))
            except LetterRenderError as error:
                message = self._quotation_letter_error(error, company_lines[error.letter_index or 0])
                if error.letter_index is None:
                    raise UserError(message) from error
                raise DunningLinesError({company_lines[error.letter_index]: message}) from error
            letter_pdfs.update(zip(company_lines, result.letters, strict=True))
        line_pdfs = {line: merge_pdfs([letter_pdfs[line], quotation_pdfs[line.sale_order_id.id]]) for line in lines}
        attachments = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                [
                    Document._attachment_vals(line, self._quotation_letter_file_name(line), line_pdfs[line])
                    for line in lines
                ]
            )
        )
        for line, attachment in zip(lines, attachments, strict=True):
            line.letter_attachment_id = attachment
        self._store_quotation_print_batch(lines, line_pdfs)

    @api.model
    def _store_quotation_print_batch(self, lines, line_pdfs):
        """Store this batch's part of each run's letters PDF, in line order, as the engine does
        for invoice letters (``_store_print_batch``): ``_merge_run_letters`` joins the parts of a
        run into its ``letters_attachment_id`` when the run ends."""
        for batch_lines in lines.grouped("run_id").values():
            run_lines = batch_lines.sorted("id")
            self.env["dunning.document"]._store_run_letters_part(
                run_lines, merge_pdfs([line_pdfs[line] for line in run_lines])
            )

    @api.model
    def _render_quotation_letter_bodies(self, lines):
        """``{line: html}``: the text of each line's letter in the recipient's language, the
        Dolibarr placeholders replaced: its step's letter template when it has one, else its
        email template. Raises ``DunningLinesError`` with the reason of each line whose letter is
        empty or cannot be rendered."""
        bodies, errors = {}, {}
        by_letter_template = lines.grouped(lambda line: line.step_id.quotation_letter_template_id)
        for letter_template, template_lines in by_letter_template.items():
            if letter_template:
                # superuser: the template may be another company's shared one; the follow-up was allowed
                rendered, template_errors = letter_template.sudo()._render_letters_html(template_lines, {})
                errors.update(template_errors)
                for line, body in rendered.items():
                    bodies[line] = replace_placeholders(body, self._quotation_placeholder_values(line), True)
            else:
                self._render_email_template_letters(template_lines, bodies, errors)
        if errors:
            raise DunningLinesError(errors)
        return bodies

    @api.model
    def _render_email_template_letters(self, lines, bodies, errors):
        """The letters of steps without a letter template: their email template's text, one text
        per step for the email and the letter, as in Dolibarr. Fills ``bodies`` and ``errors``."""
        for template, template_lines in lines.grouped(lambda line: line.step_id.mail_template_id).items():
            if not template:
                for line in template_lines:
                    errors[line] = self.env._("the step %(step)s has no email template", step=line.step_id.name)
                continue
            for line in template_lines:
                try:
                    rendered = template._render_field("body_html", line.ids, compute_lang=True)[line.id]
                    body = replace_placeholders(str(rendered or ""), self._quotation_placeholder_values(line), True)
                    check_letter_html(body)
                except LetterRenderError as error:
                    errors[line] = self._quotation_letter_error(error, line)
                except Exception as error:  # a template can raise anything: the line fails, the run goes on
                    errors[line] = self.env._(
                        "The template %(template)s cannot be rendered: %(error)s",
                        template=template.name,
                        error=self.env["dunning.engine"]._error_message(error),
                    )
                else:
                    bodies[line] = body

    @api.model
    def _render_quotation_pdfs(self, orders):
        """``{order id: pdf}`` of Odoo's quotation report, laid out by WeasyPrint."""
        report = self.env["ir.actions.report"].sudo()
        try:
            pdfs = report._dunning_render_pdfs(QUOTATION_REPORT, orders.ids)
        except LetterRenderError as error:
            raise UserError(
                self.env._("The quotations could not be printed: %(detail)s", detail=error.detail or str(error))
            ) from error
        missing = orders.filtered(lambda order: order.id not in pdfs)
        if missing:
            raise UserError(
                self.env._(
                    "The quotation %(quotation)s could not be printed.", quotation=", ".join(missing.mapped("name"))
                )
            )
        return pdfs

    @api.model
    def _quotation_letter_error(self, error, line):
        if error.code == LetterRenderError.EMPTY_LETTER:
            return self.env._(
                "The template %(step)s produced an empty letter for %(quotation)s.",
                step=line.step_id.name,
                quotation=line.sale_order_id.name,
            )
        return self.env["dunning.letter.template"]._letter_error_message(error)

    @api.model
    def _quotation_file_name(self, line):
        name = self.env._("Quotation - %(quotation)s", quotation=line.sale_order_id.name)
        return f"{name}.pdf".replace("/", "-")

    @api.model
    def _quotation_letter_file_name(self, line):
        return self.env["dunning.document"]._file_name(
            self.env._("Follow-up %(quotation)s", quotation=line.sale_order_id.name), line
        )

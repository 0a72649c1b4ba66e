import logging

from odoo import api, models

from ..tools.report_pdf import report_html_to_pdfs, report_stylesheet

_logger = logging.getLogger(__name__)

REPORT_ASSETS_BUNDLE = "web.report_assets_common"


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    @api.model
    def _dunning_render_pdfs(self, report_ref, res_ids):
        """PDF of each record of a QWeb report, laid out by WeasyPrint: ``{res_id: pdf bytes}``.

        Odoo's own PDF path needs wkhtmltopdf and an HTTP server it can fetch the report assets
        from; reminders are built in cron jobs and tests without either. Here the report HTML
        (``_render_qweb_html``, the same templates, the records' languages) and the compiled
        report stylesheet are laid out together, all records in one WeasyPrint document.
        Raises ``LetterRenderError`` (from ``tools.letter_pdf``) when the layout fails.
        """
        if not res_ids:
            return {}
        report_html = self._render_qweb_html(report_ref, list(res_ids))[0]
        report = self._get_report(report_ref)
        paperformat = report.get_paperformat()
        page_size = "letter" if paperformat and paperformat.format == "Letter" else "A4"
        pdfs = report_html_to_pdfs(report_html, self._dunning_report_stylesheet(), page_size=page_size)
        return {res_id: pdf for res_id, pdf in pdfs if res_id}

    @api.model
    def _dunning_report_stylesheet(self):
        """The parsed stylesheet of the report assets (compiled by the asset bundle, cached)."""
        try:
            bundle = self.env["ir.qweb"]._get_asset_bundle(REPORT_ASSETS_BUNDLE, css=True, js=False)
            attachments = bundle.css()
            css = "\n".join(attachment.raw.decode() for attachment in attachments if attachment.raw)
        except Exception as error:  # a PDF without Bootstrap still beats no PDF
            _logger.info("Report assets unavailable, PDFs laid out without them: %s", error)
            return None
        return report_stylesheet(css) if css else None

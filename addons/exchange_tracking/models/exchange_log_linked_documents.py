from odoo import api, fields, models
from odoo.tools import format_datetime

# the last events shown per document on the exchange form
DOCUMENT_EVENTS_LIMIT = 5


class ExchangeLog(models.Model):
    """The other documents an exchange is about (``exchange.log.link``), and the last events of
    all its documents, as the current user may read them."""

    _inherit = "exchange.log"  # pylint: disable=consider-merging-classes-inherited

    link_ids = fields.One2many(
        "exchange.log.link",
        "exchange_id",
        string="Linked Documents",
        help="Other documents this exchange is about, besides the related document: it counts "
        "among their exchanges and shows in their history.",
    )
    document_events = fields.Html(
        string="Latest Events of the Documents",
        compute="_compute_document_events",
        compute_sudo=False,
        sanitize=False,
        help="The last messages and changes of the related and linked documents you may read.",
    )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends("res_model", "res_id", "link_ids.res_model", "link_ids.res_id")
    @api.depends_context("uid", "allowed_company_ids", "lang", "tz")
    def _compute_document_events(self):
        """Render, per document the user may read, its last ``DOCUMENT_EVENTS_LIMIT`` chatter
        messages that he may read (his rights: documents and messages are searched as him).
        Rendered by QWeb, which escapes every value."""
        for exchange in self:
            documents = [
                {"name": document.display_name, "events": exchange._get_document_events(document)}
                for document in exchange._get_readable_documents()
            ]
            exchange.document_events = (
                self.env["ir.qweb"]._render("exchange_tracking.exchange_document_events", {"documents": documents})
                if documents
                else False
            )

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    def _get_readable_documents(self):
        """The main document, then the linked ones, that the current user may read (each once)."""
        self.ensure_one()
        documents = []
        for res_model, res_id in [
            (self.res_model, self.res_id),
            *((link.res_model, link.res_id) for link in self.link_ids),
        ]:
            document = self._get_readable_record(res_model, res_id)
            if document and document not in documents:
                documents.append(document)
        return documents

    def _get_document_events(self, document):
        """The last events of ``document``'s chatter the current user may read, newest first, as
        ``{when, kind, author, summary}``; the notes linking back to exchanges are left out."""
        link_subtype = self.env.ref("exchange_tracking.mt_exchange_logged")
        messages = self.env["mail.message"].search(
            [
                ("model", "=", document._name),
                ("res_id", "=", document.id),
                ("message_type", "!=", "user_notification"),
                "|",
                ("subtype_id", "=", False),
                ("subtype_id", "!=", link_subtype.id),
            ],
            limit=DOCUMENT_EVENTS_LIMIT,
            order="date desc, id desc",
        )
        events = []
        for message in messages:
            entry = self._get_message_history_entry(message)
            events.append(
                {
                    "when": format_datetime(self.env, message.date, dt_format="short"),
                    "kind": entry["kind"],
                    "author": entry["author"],
                    "summary": entry["summary"],
                }
            )
        return events

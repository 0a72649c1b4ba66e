from odoo import api, models
from odoo.exceptions import UserError


class ExchangeDocumentReference(models.AbstractModel):
    """What an exchange's main document and each of its linked documents share: a document given
    by ``res_model``/``res_id`` (fields of the models taking this mixin), shown in the form
    (``res_reference``) and opened only when the current user may read it."""

    _name = "exchange.document.reference"
    _description = "Document an Exchange Is About"

    def _get_readable_document(self):
        """The document when the current user may read it, else None.

        A deleted document, a document he may not read and one of a company he does not work
        in give the same None: callers never tell the user which one it was.
        """
        self.ensure_one()
        return self.env["exchange.log"]._get_readable_record(self.res_model, self.res_id)

    @api.depends("res_model", "res_id")
    @api.depends_context("uid", "allowed_company_ids")
    def _compute_res_reference(self):
        # Documents of other kinds (related by code, or pre-filled from any form) show through
        # res_name and the Document button.
        selectable = self.env["exchange.log"]._exchange_document_models()
        for record in self:
            document = record._get_readable_document()
            record.res_reference = (
                f"{document._name},{document.id}" if document and document._name in selectable else False
            )

    def _unreadable_document_message(self):
        return self.env._("This document does not exist anymore or you may not read it.")

    def action_open_document(self):
        self.ensure_one()
        document = self._get_readable_document()
        if not document:
            raise UserError(self._unreadable_document_message())
        return {
            "type": "ir.actions.act_window",
            "res_model": document._name,
            "res_id": document.id,
            "views": [(False, "form")],
        }

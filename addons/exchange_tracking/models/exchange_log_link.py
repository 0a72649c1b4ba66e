import functools

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression


class ExchangeLogLink(models.Model):
    """One more document an exchange is about ("Lier à…" in Dolibarr), besides its main one.

    The main document stays on the exchange (``res_model``/``res_id``): the buttons, the
    follow-up activity and the bridges use it. A link names any other document of the kinds
    an exchange relates to (the models taking ``exchange.document.mixin``), stored as the
    same generic ``res_model``/``res_id`` pair, so that a new kind (purchase orders, projects)
    needs no new field: its documents count and show the exchanges linked to them through the
    mixin.

    Access follows the exchange, as activities follow their document: a link is read by whoever
    reads its exchange and created, changed or removed by whoever may edit it
    (``_check_access``, ``_search``); its document must be one the user may read, and its name
    is computed with the reader's rights.
    """

    _name = "exchange.log.link"
    _inherit = ["exchange.document.reference"]
    _description = "Document Linked to an Exchange"
    _order = "id"

    exchange_id = fields.Many2one("exchange.log", string="Exchange", required=True, index=True, ondelete="cascade")
    res_model = fields.Char(string="Document Model", required=True, index=True)
    res_id = fields.Many2oneReference(string="Document ID", model_field="res_model", required=True, index=True)
    res_reference = fields.Reference(
        selection="_selection_res_reference",
        string="Document",
        compute="_compute_res_reference",
        inverse="_inverse_res_reference",
        help="Choose the kind of document, then the document.",
    )
    # With the reader's rights: the name of a document he may not read is never shown.
    res_name = fields.Char(string="Name", compute="_compute_res_name", compute_sudo=False)

    _sql_constraints = [
        (
            "document_uniq",
            "unique(exchange_id, res_model, res_id)",
            "A document is linked to an exchange only once.",
        ),
    ]

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------

    @api.constrains("res_model", "res_id")
    def _check_document(self):
        """A linked document is a business document (a kind offered to the user) that he may read.

        A deleted document and one he may not read get the same message: linking never tells
        whether a record exists, nor its name.
        """
        kinds = self.env["exchange.log"]._exchange_document_models()
        for link in self:
            if link.res_model not in kinds:
                raise ValidationError(
                    self.env._(
                        "“%(model)s” is not a kind of document you can link an exchange to.", model=link.res_model
                    )
                )
            if not self.env["exchange.log"]._get_readable_record(link.res_model, link.res_id):
                raise ValidationError(
                    self.env._(
                        "The document %(kind)s #%(id)s does not exist or you may not read it. Choose another document.",
                        kind=kinds[link.res_model],
                        id=link.res_id,
                    )
                )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.model
    def _selection_res_reference(self):
        return self.env["exchange.log"]._selection_res_reference()

    def _inverse_res_reference(self):
        # create() and write() already turn res_reference into res_model/res_id; this is for
        # the other paths. Both fields in one write: the constraint must see them together.
        for link in self:
            link.write({"res_reference": link.res_reference})

    @api.depends("res_model", "res_id")
    @api.depends_context("uid", "allowed_company_ids")
    def _compute_res_name(self):
        for link in self:
            link.res_name = self.env["exchange.log"]._get_document_name(link.res_model, link.res_id)

    @api.depends("res_name")
    @api.depends_context("uid", "allowed_company_ids")
    def _compute_display_name(self):
        for link in self:
            link.display_name = link.res_name

    # ------------------------------------------------------------------
    # Access: that of the exchange
    # ------------------------------------------------------------------

    def _check_access(self, operation):
        """Reading a link needs reading its exchange; creating, changing or removing one needs
        the right to edit the exchange (the ACL alone grants the model)."""
        result = super()._check_access(operation)
        if result or not any(self._ids):
            return result
        # sudo: which exchange each link belongs to; the user's own right on it is checked below.
        links = self.sudo().filtered("id")
        exchanges = links.exchange_id.with_env(self.env)
        allowed = exchanges._filtered_access("read" if operation == "read" else "write")
        forbidden = links.filtered(lambda link: link.exchange_id not in allowed).with_env(self.env)
        if not forbidden:
            return None
        return forbidden, functools.partial(self._make_exchange_access_error, operation, forbidden)

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        """Only the links of exchanges the user may read: their rules decide."""
        if not self.env.su:
            domain = expression.AND([domain, [("exchange_id", "in", self.env["exchange.log"]._search([]))]])
        return super()._search(domain, offset=offset, limit=limit, order=order)

    def _make_exchange_access_error(self, operation, links):
        if operation == "read":
            message = self.env._("You may not read the exchange these documents are linked to.")
        else:
            message = self.env._("Only who may edit an exchange may link documents to it or remove them.")
        return AccessError(message)

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        vals_list = [self._convert_reference(vals) for vals in vals_list]
        links = super().create(vals_list)
        for link in links:
            document = link._get_readable_document()
            if document:
                # with the user's rights, only where he may post: see exchange.log._post_on_document
                link.exchange_id._post_on_document(document)
        return links

    def write(self, vals):
        if "exchange_id" in vals and any(link.exchange_id.id != vals["exchange_id"] for link in self):
            raise UserError(self.env._("A linked document cannot be moved to another exchange."))
        return super().write(self._convert_reference(vals))

    # ------------------------------------------------------------------
    # Actions, business methods
    # ------------------------------------------------------------------

    @api.model
    def _convert_reference(self, vals):
        """``vals`` with the document picked in the form (``res_reference``) as ``res_model``/``res_id``."""
        if "res_reference" not in vals:
            return vals
        if not vals["res_reference"]:
            raise ValidationError(self.env._("Choose the document to link, or remove the line."))
        return self.env["exchange.log"]._convert_res_reference(vals, creating=True)

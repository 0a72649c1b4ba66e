from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError


class ExchangeLog(models.Model):
    """The exchange's related document: which kinds a user picks from, how the link is stored,
    who may link what.

    The link is stored as ``res_model``/``res_id``: that is the contract of the "Log an
    exchange" buttons (context defaults), of the documents' counts and of the history. The
    form shows it as ``res_reference``: a kind of document picked from a short list (the
    business documents the installed addons declare, see ``_exchange_document_models``), then
    a record of it. Whatever way the link is written, the user must be able to read the
    document (``_check_related_document``).
    """

    _name = "exchange.log"
    _inherit = ["exchange.log", "exchange.document.reference"]  # pylint: disable=consider-merging-classes-inherited

    res_model = fields.Char(string="Related Document Model", index=True)
    res_id = fields.Many2oneReference(string="Related Document ID", model_field="res_model", index=True)
    res_reference = fields.Reference(
        selection="_selection_res_reference",
        string="Related Document",
        compute="_compute_res_reference",
        inverse="_inverse_res_reference",
        help="Choose the kind of document, then the document the exchange was about.",
    )
    # With the reader's rights: the name of a document he may not read is never shown.
    res_name = fields.Char(string="Document", compute="_compute_res_name", compute_sudo=False)

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------

    @api.constrains("res_model", "res_id")
    def _check_related_document(self):
        """Reject a related document that is not a record: unknown model, wizard, deleted record."""
        for exchange in self:
            if not exchange.res_model and not exchange.res_id:
                continue
            if not exchange.res_model or not exchange.res_id:
                raise ValidationError(
                    self.env._(
                        "A related document needs both a model and a record (exchange %(exchange)s).",
                        exchange=exchange.name,
                    )
                )
            model = self.env.registry.get(exchange.res_model)
            if model is None or model._transient or model._abstract:
                raise ValidationError(
                    self.env._(
                        "“%(model)s” is not a kind of document an exchange can relate to.",
                        model=exchange.res_model,
                    )
                )
            # The same answer for a deleted document and for one the user may not read (or not in
            # his companies): relating an exchange never tells whether a record exists.
            if not exchange._get_readable_document():
                raise ValidationError(
                    self.env._(
                        "The related document %(model)s #%(id)s does not exist or you may not read it. "
                        "Choose another document or leave it empty.",
                        model=self.env["ir.model"]._get(exchange.res_model).name,
                        id=exchange.res_id,
                    )
                )

    # ------------------------------------------------------------------
    # Computes, inverses
    # ------------------------------------------------------------------

    @api.model
    def _selection_res_reference(self):
        return list(self._exchange_document_models().items())

    def _inverse_res_reference(self):
        # create() and write() already turn res_reference into res_model/res_id; this is for
        # the other paths. Both fields in one write: the constraint must see them together.
        for exchange in self:
            document = exchange.res_reference
            exchange.write(
                {"res_model": document._name if document else False, "res_id": document.id if document else False}
            )

    @api.depends("res_model", "res_id")
    @api.depends_context("uid", "allowed_company_ids")
    def _compute_res_name(self):
        """The document's name as the current user may read it; a deleted document and one he
        may not read get the same neutral text, so that the name never probes existence."""
        for exchange in self:
            exchange.res_name = self._get_document_name(exchange.res_model, exchange.res_id)

    # ------------------------------------------------------------------
    # Onchanges
    # ------------------------------------------------------------------

    @api.onchange("res_reference")
    def _onchange_res_reference(self):
        if self.res_reference and not self.partner_id:
            partner = self._get_document_partner(self.res_reference)
            if partner:
                self.partner_id = partner.commercial_partner_id

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        return super().create([self._convert_res_reference(vals, creating=True) for vals in vals_list])

    def write(self, vals):
        return super().write(self._convert_res_reference(vals))

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    @api.model
    def _exchange_document_models(self):
        """The kinds of document a user picks an exchange's related document from by hand, as
        ``{model: label}`` sorted by label.

        The kinds are the models that take ``exchange.document.mixin`` and give their kind a
        label (``_get_exchange_document_kind_label``): invoices and quotations/orders when the
        bridge addons are installed. Only the kinds the current user may read are offered.
        Never a technical model; code and RPC may still relate any record the user may read
        through ``res_model``/``res_id``.
        """
        mixin = self.env.registry["exchange.document.mixin"]
        kinds = {}
        for name, model_class in self.env.registry.items():
            if model_class._abstract or model_class._transient or not issubclass(model_class, mixin):
                continue
            documents = self.env[name]
            label = documents._get_exchange_document_kind_label()
            if label and documents.has_access("read"):
                kinds[name] = label
        return dict(sorted(kinds.items(), key=lambda kind: kind[1]))

    @api.model
    def _convert_res_reference(self, vals, creating=False):
        """``vals`` with its ``res_reference`` turned into the stored ``res_model``/``res_id``.

        The form sends the document the user picked along with ``res_model`` as it was loaded
        (pre-filled from a document, or empty): the picked document wins. An empty reference
        unlinks the document on write; on create it leaves the ``res_model``/``res_id`` given or
        pre-filled (a document of a kind not offered in the list). Whether the user may read
        the document is checked by ``_check_related_document``, as for every other path.

        :raises ValidationError: the reference is not "model,id" of a kind offered to the user.
        """
        if "res_reference" not in vals:
            return vals
        vals = dict(vals)
        reference = vals.pop("res_reference")
        if not reference:
            if not creating and "res_model" not in vals:
                vals.update(res_model=False, res_id=False)
            return vals
        if isinstance(reference, models.BaseModel):
            res_model, res_id = reference._name, reference.id if len(reference) == 1 else 0
        else:
            res_model, _comma, res_id = str(reference).partition(",")
            res_id = int(res_id) if res_id.strip().isdigit() else 0
        kinds = self._exchange_document_models()
        if res_model not in kinds:
            if not kinds:
                raise ValidationError(
                    self.env._("“%(model)s” is not a kind of document you can pick for an exchange.", model=res_model)
                )
            raise ValidationError(
                self.env._(
                    "“%(model)s” is not a kind of document you can pick for an exchange. Choose one of: %(kinds)s.",
                    model=res_model,
                    kinds=", ".join(kinds.values()),
                )
            )
        if not res_id:
            raise ValidationError(
                self.env._(
                    "Choose the document (%(kind)s) the exchange is about, or leave the related document empty.",
                    kind=kinds[res_model],
                )
            )
        vals.update(res_model=res_model, res_id=res_id)
        return vals

    @api.model
    def _get_readable_record(self, res_model, res_id):
        """The record ``res_model``/``res_id`` when it exists and the current user may read it
        (record rules included) in his allowed companies, else None."""
        if not res_model or not res_id or res_model not in self.env:
            return None
        record = self.env[res_model].browse(int(res_id))
        if record._transient or record._abstract or not record.exists() or not record.has_access("read"):
            return None
        company_field = record._fields.get("company_id")
        if (
            not self.env.su
            and company_field
            and company_field.type == "many2one"
            and company_field.comodel_name == "res.company"
        ):
            # Models without a multi-company record rule: the company is checked here.
            company = record.sudo().company_id
            if company and company not in self.env.companies:
                return None
        return record

    @api.model
    def _get_document_name(self, res_model, res_id):
        """The name of the document ``res_model``/``res_id`` as the current user may read it; a
        deleted document and one he may not read get the same neutral text (never probed)."""
        document = self._get_readable_record(res_model, res_id)
        name = False
        if document:
            try:
                name = document.display_name
            except AccessError:
                name = False
        if not name and res_model:
            name = self.env._("%(model)s #%(id)s (not available)", model=res_model, id=res_id)
        return name

    @api.model
    def _get_document_partner(self, document):
        """The partner of a document: itself for a partner, else its ``partner_id`` if it has one."""
        if not document:
            return self.env["res.partner"]
        if document._name == "res.partner":
            return document
        field = document._fields.get("partner_id")
        if field and field.type == "many2one" and field.comodel_name == "res.partner":
            return document.partner_id
        return self.env["res.partner"]

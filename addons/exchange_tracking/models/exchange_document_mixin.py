from odoo import api, fields, models


class ExchangeDocumentMixin(models.AbstractModel):
    """What a document needs to show its exchanges: count, list, history, "Log an exchange".

    Inherited by partners here, and by quotations/orders and invoices in the bridge addons.
    Taking this mixin also declares the model a kind of business document that an exchange's
    related document is picked from by hand (see ``_get_exchange_document_kind_label``).
    """

    _name = "exchange.document.mixin"
    _description = "Document with Customer Exchanges"

    exchange_count = fields.Integer(
        string="Exchanges",
        compute="_compute_exchange_count",
        groups="exchange_tracking.group_exchange_read_own",
    )

    @api.model
    def _get_exchange_document_kind_label(self):
        """The name of this kind of document in the exchange form's "Related Document" list,
        or False to keep it out of that list. Bridge addons name their kind ("Invoice")."""
        return self.env["ir.model"]._get(self._name).name

    def _get_exchange_domain(self):
        """Domain of the exchanges shown on ``self`` (one or several records): those whose main
        document it is, and those it is linked to as another document (``exchange.log.link``)."""
        documents = [("res_model", "=", self._name), ("res_id", "in", self._origin.ids)]
        return ["|", "&", *documents, ("link_ids", "any", documents)]

    def _compute_exchange_count(self):
        """Each record's exchanges, as main or linked document, each exchange once; read with the
        user's rights (the links follow their exchange's)."""
        exchange_ids = {record_id: set() for record_id in self._origin.ids}
        documents = [("res_model", "=", self._name), ("res_id", "in", self._origin.ids)]
        for model, field in (("exchange.log", "id"), ("exchange.log.link", "exchange_id")):
            groups = self.env[model]._read_group(documents, groupby=["res_id"], aggregates=[f"{field}:array_agg"])
            for res_id, ids in groups:
                exchange_ids[res_id].update(ids)
        for record in self:
            record.exchange_count = len(exchange_ids.get(record._origin.id, ()))

    def action_log_exchange(self):
        """The "Log an exchange" button of the form: the dialog, pre-filled from this record."""
        self.ensure_one()
        return self.env["exchange.log"].action_open_log_form(self._name, self.id)

    def action_view_exchanges(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("exchange_tracking.action_exchange_log")
        action["domain"] = self._get_exchange_domain()
        # "New" in that list logs an exchange about this record.
        action["context"] = self.env["exchange.log"]._get_log_defaults(self)
        action["display_name"] = self.env._("Exchanges: %(record)s", record=self.display_name)
        return action

    def action_view_exchange_history(self):
        self.ensure_one()
        return {
            "type": "ir.actions.client",
            "tag": "exchange_tracking.history",
            "name": self.env._("History: %(record)s", record=self.display_name),
            "params": {"res_model": self._name, "res_id": self.id},
        }

from odoo import api, models


class PurchaseOrder(models.Model):
    _name = "purchase.order"
    _inherit = ["purchase.order", "exchange.document.mixin"]

    @api.model
    def _get_exchange_document_kind_label(self):
        return self.env._("Request for Quotation / Purchase Order")

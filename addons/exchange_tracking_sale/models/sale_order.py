from odoo import api, models


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = ["sale.order", "exchange.document.mixin"]

    @api.model
    def _get_exchange_document_kind_label(self):
        return self.env._("Quotation / Sales Order")

from odoo import api, models


class AccountMove(models.Model):
    _name = "account.move"
    _inherit = ["account.move", "exchange.document.mixin"]

    @api.model
    def _get_exchange_document_kind_label(self):
        return self.env._("Invoice")

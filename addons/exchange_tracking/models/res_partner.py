from odoo import api, models


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "exchange.document.mixin"]

    @api.model
    def _get_exchange_document_kind_label(self):
        # The partner is the exchange's own Partner field, never its related document.
        return False

    def _get_exchange_domain(self):
        # A company's exchanges include those with its contacts, as partner or as contact.
        return ["|", ("partner_id", "child_of", self._origin.ids), ("contact_ids", "child_of", self._origin.ids)]

    def _compute_exchange_count(self):
        """Count each partner's exchanges, those of its contacts included, each exchange once."""
        exchanges = self.env["exchange.log"].search_fetch(self._get_exchange_domain(), ["partner_id", "contact_ids"])
        counts = dict.fromkeys(self._origin.ids, 0)
        for exchange in exchanges:
            counted = set()
            for related in exchange.partner_id | exchange.contact_ids:
                ancestor = related
                while ancestor:
                    if ancestor.id in counts:
                        counted.add(ancestor.id)
                    ancestor = ancestor.parent_id
            for partner_id in counted:
                counts[partner_id] += 1
        for partner in self:
            partner.exchange_count = counts.get(partner._origin.id, 0)

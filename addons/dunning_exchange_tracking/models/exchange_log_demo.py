from odoo import Command, api, models


class ExchangeLog(models.Model):
    _inherit = "exchange.log"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _demo_link_call_promise(self, exchange_xmlid):
        """Demo data: the demo call becomes the one that recorded its customer's promise made on
        the phone (built by dunning's demo), with that promise's invoices as its documents.

        Written as superuser, without applying an outcome: the promise exists already."""
        exchange = self.env.ref(exchange_xmlid).sudo()
        promise = (
            self.env["dunning.promise"]
            .sudo()
            .search([("partner_id", "=", exchange.commercial_partner_id.id), ("origin", "=", "call")], limit=1)
        )
        if not promise:
            return
        invoices = promise.invoice_ids.sorted(lambda move: (move.invoice_date_due, move.id))
        exchange.write(
            {
                "dunning_outcome": "promise",
                "dunning_promise_id": promise.id,
                "dunning_promise_date": promise.date,
                "dunning_promise_amount": promise.amount,
                "dunning_invoice_ids": [Command.set(invoices.ids)],
                "res_model": "account.move",
                "res_id": invoices[:1].id,
                "link_ids": [Command.create({"res_model": "account.move", "res_id": move.id}) for move in invoices[1:]],
            }
        )

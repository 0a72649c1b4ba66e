from odoo import Command
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestPurchaseOrderExchanges(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.vendor = cls.env["res.partner"].create({"name": "Moulin Rivière", "is_company": True})
        cls.seller = cls.env["res.partner"].create({"name": "Anne Rivière", "parent_id": cls.vendor.id})
        cls.product = cls.env["product.product"].create({"name": "Farine T65", "standard_price": 0.9})
        cls.buyer = new_test_user(
            cls.env,
            login="exc_buyer",
            groups="purchase.group_purchase_user,exchange_tracking.group_exchange_delete",
        )
        cls.order = (
            cls.env["purchase.order"]
            .with_user(cls.buyer)
            .create(
                {
                    "partner_id": cls.seller.id,
                    "order_line": [Command.create({"product_id": cls.product.id, "product_qty": 500})],
                }
            )
        )

    def _log_from_order(self, **values):
        action = self.order.with_user(self.buyer).action_log_exchange()
        return self.env["exchange.log"].with_user(self.buyer).with_context(**action["context"]).create(values)

    def test_log_count_and_history_of_a_purchase_order(self):
        exchange = self._log_from_order(description="<p>Délai de livraison confirmé</p>")
        self.assertEqual((exchange.partner_id, exchange.contact_ids), (self.vendor, self.seller))
        self.assertEqual(exchange.res_reference, self.order)
        order = self.order.with_user(self.buyer)
        self.assertEqual(order.exchange_count, 1)
        self.assertEqual(
            self.env["exchange.log"].with_user(self.buyer).search(order.action_view_exchanges()["domain"]), exchange
        )
        self.order.button_confirm()
        history = self.env["exchange.log"].with_user(self.buyer).get_history("purchase.order", self.order.id)
        self.assertIn(exchange.id, [entry["id"] for entry in history["entries"] if entry["type"] == "exchange"])
        self.assertIn("message", {entry["type"] for entry in history["entries"]})

    def test_purchase_orders_are_a_kind_of_related_document(self):
        kinds = dict(
            self.env["exchange.log"].with_user(self.buyer).fields_get(["res_reference"])["res_reference"]["selection"]
        )
        self.assertIn("purchase.order", kinds)
        # a user who may not read purchase orders is not offered them
        seller_only = new_test_user(self.env, login="exc_no_purchase", groups="exchange_tracking.group_exchange_create")
        kinds = dict(
            self.env["exchange.log"].with_user(seller_only).fields_get(["res_reference"])["res_reference"]["selection"]
        )
        self.assertNotIn("purchase.order", kinds)

    def test_an_exchange_linked_to_the_order_counts_on_it(self):
        # logged about the vendor, then linked to the order as another document ("Lier à…")
        exchange = (
            self.env["exchange.log"]
            .with_user(self.buyer)
            .create(
                {
                    "partner_id": self.vendor.id,
                    "link_ids": [Command.create({"res_reference": f"purchase.order,{self.order.id}"})],
                }
            )
        )
        self.assertFalse(exchange.res_model)
        self.assertEqual(self.order.with_user(self.buyer).exchange_count, 1)
        history = self.env["exchange.log"].with_user(self.buyer).get_history("purchase.order", self.order.id)
        self.assertIn(exchange.id, [entry["id"] for entry in history["entries"] if entry["type"] == "exchange"])

from odoo import Command
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestSaleOrderExchanges(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create({"name": "Épicerie Fine Durand", "is_company": True})
        cls.buyer = cls.env["res.partner"].create({"name": "Paul Durand", "parent_id": cls.customer.id})
        cls.product = cls.env["product.product"].create({"name": "Confiture de figues", "list_price": 6.5})
        cls.salesman = new_test_user(
            cls.env,
            login="exc_salesman",
            groups="sales_team.group_sale_salesman,exchange_tracking.group_exchange_delete",
        )
        cls.order = (
            cls.env["sale.order"]
            .with_user(cls.salesman)
            .create(
                {
                    "partner_id": cls.buyer.id,
                    "order_line": [Command.create({"product_id": cls.product.id, "product_uom_qty": 12})],
                }
            )
        )

    def _log_from_order(self, **values):
        action = self.order.with_user(self.salesman).action_log_exchange()
        return self.env["exchange.log"].with_user(self.salesman).with_context(**action["context"]).create(values)

    def test_log_an_exchange_from_a_quotation(self):
        action = self.order.with_user(self.salesman).action_log_exchange()
        self.assertEqual((action["res_model"], action["target"]), ("exchange.log", "new"))
        context = action["context"]
        self.assertEqual((context["default_res_model"], context["default_res_id"]), ("sale.order", self.order.id))
        self.assertEqual(context["default_partner_id"], self.customer.id)
        exchange = self._log_from_order(description="<p>Asked for a 5% discount</p>")
        self.assertEqual(exchange.partner_id, self.customer)
        self.assertEqual(exchange.contact_ids, self.buyer)
        self.assertEqual(exchange.res_reference, self.order)
        link = self.order.message_ids.filtered(
            lambda message: message.subtype_id == self.env.ref("exchange_tracking.mt_exchange_logged")
        )
        self.assertEqual(len(link), 1)
        self.assertIn(exchange.name, link.body)

    def test_count_and_list_on_quotation_then_order(self):
        exchange = self._log_from_order()
        order = self.order.with_user(self.salesman)
        self.assertEqual(order.exchange_count, 1)
        action = order.action_view_exchanges()
        self.assertEqual(self.env["exchange.log"].with_user(self.salesman).search(action["domain"]), exchange)
        self.order.action_confirm()
        self.assertEqual(self.order.state, "sale")
        order.invalidate_recordset()
        self.assertEqual(order.exchange_count, 1)
        # The customer's own count includes it too.
        self.assertEqual(self.customer.with_user(self.salesman).exchange_count, 1)

    def test_history_interleaves_the_order_chatter(self):
        exchange = self._log_from_order()
        self.order.action_confirm()
        history = self.env["exchange.log"].with_user(self.salesman).get_history("sale.order", self.order.id)
        kinds = {entry["type"] for entry in history["entries"]}
        self.assertEqual(kinds, {"exchange", "message"})
        self.assertIn(exchange.id, [entry["id"] for entry in history["entries"] if entry["type"] == "exchange"])
        self.assertTrue(
            any("Sales Order" in entry["summary"] for entry in history["entries"] if entry["type"] == "message"),
            "the confirmation is in the history",
        )

    def test_followup_activity_lands_on_the_order(self):
        from datetime import timedelta

        from odoo import fields

        exchange = self._log_from_order(followup_datetime=fields.Datetime.now() + timedelta(days=2))
        activity = exchange.sudo().followup_activity_id
        self.assertEqual((activity.res_model, activity.res_id), ("sale.order", self.order.id))
        self.assertIn(activity, self.order.activity_ids)

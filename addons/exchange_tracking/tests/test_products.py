from lxml import etree

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import ExchangeTrackingCase


@tagged("post_install", "-at_install")
class TestProducts(ExchangeTrackingCase):
    """The settings' list of products limits the products of exchanges (Dolibarr's "Liste des
    produits"); without a list, any product."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Product = cls.env["product.product"]
        cls.flour = Product.create({"name": "Farine T65"})
        cls.yeast = Product.create({"name": "Levure fraîche"})
        cls.oven = Product.create({"name": "Four à sole"})

    def _set_list(self, products):
        self.env["res.config.settings"].create({"exchange_product_ids": [Command.set(products.ids)]}).execute()

    def test_without_a_list_any_product_and_nothing_prefilled(self):
        exchange = self._log()
        self.assertFalse(exchange.product_ids)
        self.assertFalse(exchange.product_allowed_ids)
        exchange.with_user(self.author).product_ids = self.oven
        self.assertEqual(exchange.product_ids, self.oven)

    def test_the_list_limits_the_choice_and_fills_nothing(self):
        self._set_list(self.flour | self.yeast)
        exchange = self._log(product_ids=[Command.set(self.flour.ids)])
        self.assertEqual(exchange.product_ids, self.flour, "nothing added to what was chosen")
        self.assertEqual(exchange.product_allowed_ids, self.flour | self.yeast)
        self.assertFalse(self._log().product_ids, "the list no longer pre-fills new exchanges")
        # The form's product field offers only the list: its domain reads the allowed products,
        # which the form loads.
        Log = self.env["exchange.log"].with_user(self.author)
        views = Log.get_views([(False, "form")])
        self.assertIn("product_allowed_ids", views["models"]["exchange.log"]["fields"]["product_ids"]["domain"])
        arch = etree.fromstring(views["views"]["form"]["arch"])
        self.assertTrue(arch.xpath("//field[@name='product_allowed_ids']"))

    def test_a_product_outside_the_list_is_refused_on_create_and_write(self):
        self._set_list(self.flour | self.yeast)
        with self.assertRaisesRegex(ValidationError, "Four à sole cannot be chosen"):
            self._log(product_ids=[Command.set((self.flour | self.oven).ids)])
        exchange = self._log(product_ids=[Command.set(self.flour.ids)])
        # assertRaises (not -Regex) rolls the refused write back, as the RPC call would be.
        with self.assertRaises(ValidationError) as caught:
            exchange.with_user(self.author).write({"product_ids": [Command.link(self.oven.id)]})
        self.assertIn("Four à sole", str(caught.exception))
        exchange.with_user(self.author).write({"product_ids": [Command.link(self.yeast.id)]})
        self.assertEqual(exchange.product_ids, self.flour | self.yeast)

    def test_products_chosen_before_the_list_was_narrowed_stay(self):
        exchange = self._log(product_ids=[Command.set(self.oven.ids)])
        self._set_list(self.flour)
        exchange.with_user(self.author).write({"product_ids": [Command.link(self.flour.id)], "description": "<p>x</p>"})
        self.assertEqual(exchange.product_ids, self.oven | self.flour)

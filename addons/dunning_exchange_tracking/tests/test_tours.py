from odoo import fields
from odoo.tests import HttpCase, tagged

from .common import DunningCallCommon


@tagged("post_install", "-at_install")
class TestDunningCallTour(DunningCallCommon, HttpCase):
    """A credit controller logs a reminder call in Chromium and records a promise to pay."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.name = "Tour Call Customer"
        cls.activity.summary = "Tour reminder call"
        cls.controller.write({"password": "call_controller", "lang": "en_US"})

    def test_call_outcome_tour(self):
        self.start_tour(
            "/odoo/action-dunning_strategy.action_dunning_run", "dunning_call_outcome_tour", login="call_controller"
        )
        promise = self.customer.dunning_promise_ids
        self.assertEqual(len(promise), 1)
        self.assertEqual(promise.date, fields.Date.to_date("2030-12-31"))
        self.assertEqual(promise.origin, "call")
        self.assertEqual(promise.invoice_ids, self.invoices)
        exchange = self.env["exchange.log"].sudo().search([("dunning_promise_id", "=", promise.id)])
        self.assertEqual(exchange.partner_id, self.customer)
        self.assertEqual(exchange.user_id, self.controller)
        self.assertIn("Virement promis", exchange.description)
        self.assertEqual(exchange.mode_id, self.env.ref("exchange_tracking.exchange_mode_phone"))
        self.assertEqual(exchange.direction, "outgoing")
        self.assertFalse(self.activity.exists(), "the call is done")

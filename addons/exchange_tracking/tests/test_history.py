from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import ExchangeTrackingCase


@tagged("post_install", "-at_install")
class TestHistory(ExchangeTrackingCase):
    def test_contact_exchanges_are_counted_on_the_parent(self):
        self._log(partner_id=self.contact.id)
        self._log(partner_id=self.customer.id)
        unrelated = self.env["res.partner"].create({"name": "Fromagerie Dubois", "is_company": True})
        customer = self.customer.with_user(self.author)
        self.assertEqual(customer.exchange_count, 2)
        self.assertEqual(self.contact.with_user(self.author).exchange_count, 1)
        self.assertEqual(unrelated.with_user(self.author).exchange_count, 0)
        # Several partners at once, as in a list.
        partners = (self.customer | self.contact | unrelated).with_user(self.author)
        self.assertEqual(partners.mapped("exchange_count"), [2, 1, 0])
        # The smart button lists the same exchanges and logs new ones about this partner.
        action = customer.action_view_exchanges()
        self.assertEqual(self.env["exchange.log"].with_user(self.author).search_count(action["domain"]), 2)
        self.assertEqual(action["context"]["default_partner_id"], self.customer.id)

    def test_counts_follow_the_reader_rights(self):
        self._log(user=self.colleague)
        self._log()
        self.assertEqual(self.customer.with_user(self.author).exchange_count, 1)

    def test_history_interleaves_exchanges_and_messages(self):
        def at(value):
            return fields.Datetime.to_datetime(value)

        old_message = self.customer.message_post(body="Price list sent", message_type="comment")
        old_message.date = at("2024-01-10 09:00:00")
        exchange = self._log(partner_id=self.contact.id, date=at("2024-02-01 10:00:00"))
        contact_message = self.contact.message_post(body="Contact moved office", message_type="comment")
        contact_message.date = at("2024-03-05 08:00:00")
        hidden = self._log(user=self.colleague, date=at("2024-02-15 10:00:00"))

        history = self.env["exchange.log"].with_user(self.author).get_history("res.partner", self.customer.id)
        self.assertEqual(history["record"]["id"], self.customer.id)
        keys = [(entry["type"], entry["id"]) for entry in history["entries"]]
        self.assertLess(keys.index(("message", contact_message.id)), keys.index(("exchange", exchange.id)))
        self.assertLess(keys.index(("exchange", exchange.id)), keys.index(("message", old_message.id)))
        self.assertNotIn(("exchange", hidden.id), keys, "an exchange the user may not read never shows")
        entry = history["entries"][keys.index(("exchange", exchange.id))]
        self.assertEqual(entry["name"], exchange.name)
        self.assertEqual(entry["kind"], self.mode_phone.name)

    def test_document_history_skips_the_link_back_note(self):
        self.author.groups_id += self.env.ref("product.group_product_manager")
        product = self.env["product.template"].create({"name": "Fougasse"})
        exchange = self._log(res_model="product.template", res_id=product.id)
        history = self.env["exchange.log"].with_user(self.author).get_history("product.template", product.id)
        exchanges = [entry for entry in history["entries"] if entry["type"] == "exchange"]
        self.assertEqual([entry["id"] for entry in exchanges], exchange.ids)
        link_messages = product.message_ids.filtered(
            lambda m: m.subtype_id == self.env.ref("exchange_tracking.mt_exchange_logged")
        )
        self.assertTrue(link_messages)
        message_ids = [entry["id"] for entry in history["entries"] if entry["type"] == "message"]
        self.assertFalse(set(message_ids) & set(link_messages.ids))

    def test_history_of_a_missing_record(self):
        with self.assertRaises(UserError):
            self.env["exchange.log"].with_user(self.author).get_history("res.partner", 0)

    def test_history_is_bounded(self):
        self.env["mail.message"].create(
            [
                {"model": "res.partner", "res_id": self.customer.id, "body": f"Note {n}", "message_type": "comment"}
                for n in range(1005)
            ]
        )
        History = self.env["exchange.log"].with_user(self.author)
        customer = self.customer.id
        self.assertEqual(len(History.get_history("res.partner", customer, limit=2)["entries"]), 2)
        self.assertEqual(len(History.get_history("res.partner", customer)["entries"]), 200, "the default")
        self.assertEqual(len(History.get_history("res.partner", customer, limit=None)["entries"]), 200)
        # a caller asking for everything gets the bound, not the whole table
        self.assertEqual(len(History.get_history("res.partner", customer, limit=10**12)["entries"]), 1000)
        with self.assertRaisesRegex(UserError, "whole number"):
            History.get_history("res.partner", customer, limit="all")

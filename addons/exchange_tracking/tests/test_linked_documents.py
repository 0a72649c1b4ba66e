from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import ExchangeTrackingCase


@tagged("post_install", "-at_install")
class TestLinkedDocuments(ExchangeTrackingCase):
    """Issue 16, item 2, without a bridge: what links accept, and the last events of the main
    document. Links to business documents are tested in the bridges (projects, purchase
    orders) and over RPC (sales orders)."""

    def test_only_business_documents_can_be_linked(self):
        exchange = self._log()
        for link in (
            {"res_model": "res.partner", "res_id": self.customer.id},
            {"res_model": "res.users", "res_id": self.author.id},
            {"res_reference": f"res.partner,{self.customer.id}"},
        ):
            # assertRaises rolls the refused write back (a savepoint), assertRaisesRegex would not
            with self.subTest(link=link), self.assertRaises(ValidationError) as caught:
                exchange.with_user(self.author).write({"link_ids": [Command.create(link)]})
            self.assertIn("is not a kind of document", str(caught.exception))
        exchange.invalidate_recordset()
        self.assertFalse(exchange.link_ids)

    def test_last_events_of_the_main_document_as_the_reader_may_read_them(self):
        self.contact.message_post(body="Nouvelle adresse de livraison", message_type="comment")
        exchange = self._log(res_model="res.partner", res_id=self.contact.id)
        events = exchange.with_user(self.author).document_events
        self.assertIn("Claire Martin", events)
        self.assertIn("Nouvelle adresse de livraison", events)
        # a document of a company the author does not work in: neither its name nor its events
        company_b = self.env["res.company"].create({"name": "Minoterie du Nord SA"})
        secret = self.env["res.partner"].create({"name": "Client secret de B", "company_id": company_b.id})
        secret.message_post(body="Négociation en cours", message_type="comment")
        exchange.with_env(self.env).write({"res_model": "res.partner", "res_id": secret.id})
        events = exchange.with_user(self.author).document_events or ""
        self.assertNotIn("Client secret", events)
        self.assertNotIn("Négociation", events)
        self.assertIn("Négociation", exchange.sudo().document_events)

from odoo import Command
from odoo.addons.account.tests.common import AccountTestInvoicingHttpCommon
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestInvoiceExchangeTours(AccountTestInvoicingHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create({"name": "Tour Fournil SARL", "is_company": True})
        cls.invoice = cls.init_invoice("out_invoice", partner=cls.customer, amounts=[250.0], post=True)
        # The tour runs in English, in the company of the invoice.
        cls.env.ref("base.user_admin").write(
            {
                "lang": "en_US",
                "tz": "Europe/Paris",
                "company_id": cls.env.company.id,
                "company_ids": [Command.link(cls.env.company.id)],
            }
        )

    def test_invoice_picked_by_hand_from_the_systray(self):
        """Issue 14, item 2: log an exchange from the systray, pick the invoice by hand, save."""
        self.start_tour(
            f"/odoo/contacts/{self.customer.id}", "exchange_tracking_account_pick_invoice_tour", login="admin"
        )
        exchange = self.env["exchange.log"].sudo().search([("partner_id", "=", self.customer.id)])
        self.assertEqual(len(exchange), 1)
        self.assertEqual((exchange.res_model, exchange.res_id), ("account.move", self.invoice.id))
        self.assertTrue(exchange.name.startswith("EXC-"))

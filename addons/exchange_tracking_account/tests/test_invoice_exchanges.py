from odoo import Command
from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.tests import new_test_user, tagged


@tagged("post_install", "-at_install")
class TestInvoiceExchanges(AccountTestInvoicingCommon):
    @classmethod
    def default_env_context(cls):
        # Keep the chatter alive: the history shows the invoice's own events.
        return {}

    @classmethod
    def _flush_tracking(cls):
        cls.env.flush_all()
        cls.env.cr.precommit.run()

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create(
            {"name": "Restaurant Le Fournil", "is_company": True, "company_id": False}
        )
        cls.accountant = new_test_user(
            cls.env,
            login="exc_accountant",
            groups="account.group_account_invoice,exchange_tracking.group_exchange_delete",
            company_id=cls.env.company.id,
            company_ids=[Command.set(cls.env.company.ids)],
        )
        cls.invoice = cls.init_invoice("out_invoice", partner=cls.customer, amounts=[480.0])
        # Tracking is written just before commit, and ignores the writes made in the
        # transaction that created the record: flush it around the posting.
        cls._flush_tracking()
        cls.invoice.action_post()
        cls._flush_tracking()
        cls.reminder = cls.env.ref("exchange_tracking.exchange_subject_invoice_reminder")

    def _log_from_invoice(self, **values):
        action = self.invoice.with_user(self.accountant).action_log_exchange()
        Log = self.env["exchange.log"].with_user(self.accountant).with_context(**action["context"])
        return Log.create({"subject_id": self.reminder.id, **values})

    def test_log_an_invoice_reminder_call(self):
        self.assertEqual(self.invoice.state, "posted")
        exchange = self._log_from_invoice(description="<p>Promised to pay on Friday</p>")
        self.assertEqual(exchange.partner_id, self.customer)
        self.assertEqual((exchange.res_model, exchange.res_id), ("account.move", self.invoice.id))
        self.assertEqual(exchange.res_name, self.invoice.display_name)
        self.assertEqual(exchange.company_id, self.env.company)
        link = self.invoice.message_ids.filtered(
            lambda message: message.subtype_id == self.env.ref("exchange_tracking.mt_exchange_logged")
        )
        self.assertEqual(len(link), 1)
        self.assertIn(exchange.name, link.body)
        self.assertEqual(link.author_id, self.accountant.partner_id)

    def test_count_list_and_history_on_the_invoice(self):
        exchange = self._log_from_invoice()
        invoice = self.invoice.with_user(self.accountant)
        self.assertEqual(invoice.exchange_count, 1)
        action = invoice.action_view_exchanges()
        self.assertEqual(self.env["exchange.log"].with_user(self.accountant).search(action["domain"]), exchange)
        history = self.env["exchange.log"].with_user(self.accountant).get_history("account.move", self.invoice.id)
        entries = history["entries"]
        self.assertIn(("exchange", exchange.id), [(entry["type"], entry["id"]) for entry in entries])
        posted = [entry for entry in entries if entry["type"] == "message" and "Posted" in entry["summary"]]
        self.assertTrue(posted, "the invoice's validation is interleaved with the exchanges")

    def test_exchanges_survive_the_payment(self):
        self._log_from_invoice()
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=self.invoice.ids
        ).create({})._create_payments()
        self.assertIn(self.invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(self.invoice.with_user(self.accountant).exchange_count, 1)

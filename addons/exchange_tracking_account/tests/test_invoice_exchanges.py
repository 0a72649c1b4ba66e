from odoo import Command
from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.exceptions import ValidationError
from odoo.tests import Form, new_test_user, tagged


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

    def _exchange_links(self):
        logged = self.env.ref("exchange_tracking.mt_exchange_logged")
        return self.invoice.message_ids.filtered(lambda message: message.subtype_id == logged)

    def test_invoice_picked_by_hand_in_the_form(self):
        """Issue 14, item 2: a new exchange, the invoice chosen in "Related Document", saves."""
        Log = self.env["exchange.log"].with_user(self.accountant)
        kinds = dict(Log.fields_get(["res_reference"])["res_reference"]["selection"])
        self.assertEqual(kinds.get("account.move"), "Invoice")
        business = {"account.move", "sale.order", "purchase.order", "project.project"}
        self.assertLessEqual(set(kinds), business, "business documents only")
        sequence = self.env.ref("exchange_tracking.seq_exchange_log")
        form = Form(Log)
        form.res_reference = self.invoice
        self.assertEqual(form.partner_id, self.customer, "the partner follows the invoice")
        form.subject_id = self.reminder
        exchange = form.save()
        self.assertEqual((exchange.res_model, exchange.res_id), ("account.move", self.invoice.id))
        self.assertEqual(exchange.res_reference, self.invoice)
        self.assertEqual(exchange.name, sequence.get_next_char(sequence.number_next_actual - 1))
        self.assertEqual(self.invoice.with_user(self.accountant).exchange_count, 1)
        self.assertEqual(len(self._exchange_links()), 1, "one note on the invoice")

        # Changed by hand on an exchange logged from the invoice: another invoice, then none.
        other = self.init_invoice("out_invoice", partner=self.customer, amounts=[60.0], post=True)
        with Form(exchange.with_user(self.accountant)) as edit:
            edit.res_reference = other
        self.assertEqual((exchange.res_model, exchange.res_id), ("account.move", other.id))
        with Form(exchange.with_user(self.accountant)) as edit:
            edit.res_reference = False
        self.assertEqual((exchange.res_model, exchange.res_id), (False, 0))

    def test_invoice_the_user_may_not_read_is_refused(self):
        """An invoice of a company the accountant does not work in: refused, nothing told about it."""
        other_company = self.setup_other_company()["company"]
        foreign = self.init_invoice(
            "out_invoice", partner=self.customer, amounts=[999.0], company=other_company, post=True
        )
        Log = self.env["exchange.log"].with_user(self.accountant)
        sequence = self.env.ref("exchange_tracking.seq_exchange_log")
        next_number = sequence.number_next_actual
        attempts = (
            {"res_reference": f"account.move,{foreign.id}"},
            {"res_model": "account.move", "res_id": foreign.id},
        )
        for vals in attempts:
            with self.subTest(vals=vals), self.assertRaises(ValidationError) as caught:
                Log.create({"partner_id": self.customer.id, **vals})
            self.assertIn("does not exist or you may not read it", str(caught.exception))
            self.assertNotIn(foreign.name, str(caught.exception))
        self.assertFalse(Log.sudo().search([("res_model", "=", "account.move"), ("res_id", "=", foreign.id)]))
        sequence.invalidate_recordset()
        self.assertEqual(sequence.number_next_actual, next_number)

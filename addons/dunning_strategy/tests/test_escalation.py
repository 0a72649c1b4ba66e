from odoo.tests import tagged

from .letters_common import DunningLettersCommon


@tagged("post_install", "-at_install")
class TestDunningEscalation(DunningLettersCommon):
    """A step hands invoices over to a collection agency: once per invoice, with a dossier."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agency = cls.env["res.partner"].create(
            {"name": "Cabinet Recouvrement Durand", "email": "dossiers@recouvrement.example.com", "is_company": True}
        )
        cls.step4.write({"handover_partner_id": cls.agency.id, "print_letter": True})

    def _agency_messages(self, customer):
        return self._messages_of(customer).filtered(lambda message: self.agency in message.partner_ids)

    def _late_invoice(self, customer, amount=1000.0):
        """An invoice 55 days late that reached step 3: the next run hands it over."""
        invoice = self._create_invoice(customer, self._days_ago(55), amount)
        invoice.write({"dunning_step_id": self.step3.id, "dunning_date": self._days_ago(20)})
        return invoice

    def test_dossier_is_sent_once_and_the_invoice_leaves_automatic_dunning(self):
        customer = self._create_company_customer("Mauvais Payeur")
        invoice = self._late_invoice(customer, 2750.0)

        run = self._run()

        line = run.line_ids
        self.assertEqual(line.state, "done", line.error)
        self.assertEqual(line.handover_move_ids, invoice)
        messages = self._agency_messages(customer)
        self.assertEqual(len(messages), 1)
        self.assertEqual(messages, line.handover_message_id)
        self.assertIn(invoice.name, messages.body)
        mails = self.env["mail.mail"].search([("mail_message_id", "=", messages.id)])
        self.assertEqual(mails.recipient_ids, self.agency)
        # the dossier: the letter, the statement of account and the invoice PDF
        files = messages.attachment_ids
        self.assertEqual(len(files), 3)
        self.assertIn(line.letter_attachment_id, files)
        texts = [self._pdf_text(attachment.raw) for attachment in files]
        self.assertTrue(any("Statement of account" in text for text in texts))
        self.assertEqual(sum(invoice.name in text for text in texts), 3, "letter, statement and invoice list it")
        # in collection: out of automatic dunning
        self.assertEqual(invoice.dunning_collection_partner_id, self.agency)
        self.assertEqual(invoice.dunning_collection_date, self.run_date)
        self.assertTrue(invoice.dunning_excluded)
        self.assertEqual(invoice.dunning_step_id, self.step4)

        # the last step repeats every 15 days: later runs leave the invoice alone
        for days in (15, 30):
            later = self.strategy._create_run(self._days_ago(-days), "automatic")
            self.assertFalse(later.line_ids.filtered(lambda line: line.partner_id == customer))
            later.action_process()
        self.assertEqual(len(self._agency_messages(customer)), 1, "the dossier is sent once")

    def test_an_invoice_back_in_dunning_is_not_handed_over_twice(self):
        customer = self._create_company_customer("Retour Dunning")
        invoice = self._late_invoice(customer)
        self._run()
        invoice.dunning_excluded = False  # the user puts it back in dunning by hand
        newer = self._late_invoice(customer, 500.0)

        run = self._run(run_date=self._days_ago(-15))

        line = run.line_ids
        self.assertEqual(line.state, "done", line.error)
        self.assertEqual(line.move_ids, invoice | newer, "the customer is still reminded of both")
        self.assertEqual(line.handover_move_ids, newer, "only the invoice not handed over yet")
        self.assertEqual(len(self._agency_messages(customer)), 2)
        self.assertNotIn(invoice.name, line.handover_message_id.body)
        self.assertEqual(invoice.dunning_collection_date, self.run_date, "the first hand-over stays")

    def test_only_invoices_reaching_the_hand_over_step_are_handed_over(self):
        customer = self._create_company_customer("Deux Factures")
        late = self._late_invoice(customer)
        recent = self._create_invoice(customer, self._days_ago(2), 300.0)
        line = self._run().line_ids
        self.assertEqual(line.step_id, self.step4)
        self.assertEqual(line.move_ids, late | recent)
        self.assertEqual(line.handover_move_ids, late)
        self.assertFalse(recent.dunning_collection_partner_id)
        self.assertFalse(recent.dunning_excluded)

    def test_hand_over_partner_without_email_fails_the_line(self):
        self.agency.email = False
        customer = self._create_company_customer("Sans Agence")
        invoice = self._late_invoice(customer)
        line = self._run().line_ids
        self.assertEqual(line.state, "failed")
        self.assertIn("has no email address", line.error)
        self.assertFalse(invoice.dunning_collection_partner_id)

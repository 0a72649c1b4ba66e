import base64

from odoo.tests import tagged

from .letters_common import DunningLettersCommon


@tagged("post_install", "-at_install")
class TestDunningAttachments(DunningLettersCommon):
    """Invoice PDFs and statements of account attached to the email and printed after the letter:
    real PDFs laid out by WeasyPrint (no wkhtmltopdf), each email with its own files only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.step1.write({"attach_invoices": True, "attach_statement": True})

    def _email_attachments(self, line):
        message = line.mail_message_id
        mail = self.env["mail.mail"].search([("mail_message_id", "=", message.id)])
        self.assertEqual(mail.attachment_ids, message.attachment_ids, "the queued email carries the files")
        return message.attachment_ids

    def test_email_carries_the_invoice_pdfs_and_the_statement_of_its_customer_only(self):
        first = self._create_company_customer("First Customer")
        second = self._create_company_customer("Second Customer")
        first_invoices = self._create_invoices(
            [
                self._invoice_vals(first, self._days_ago(-2), 1200.0),
                self._invoice_vals(first, self._days_ago(-1), 300.0),
            ]
        )
        second_invoice = self._create_invoice(second, self._days_ago(-2), 75.0)

        run = self._run()

        first_files = self._email_attachments(self._line_of(run, first))
        second_files = self._email_attachments(self._line_of(run, second))
        self.assertEqual(len(first_files), 3, "a statement and two invoices")
        self.assertEqual(len(second_files), 2, "a statement and one invoice")
        self.assertFalse(first_files & second_files)
        for attachment in first_files | second_files:
            self.assertEqual(attachment.mimetype, "application/pdf")
            self.assertTrue(attachment.raw.startswith(b"%PDF"))
        texts = {attachment.name: self._pdf_text(attachment.raw) for attachment in first_files}
        for invoice in first_invoices:
            invoice_pdf = next(text for name, text in texts.items() if name == invoice._get_invoice_report_filename())
            self.assertIn(invoice.name, invoice_pdf)
            self.assertIn("1,200.00" if invoice == first_invoices[0] else "300.00", invoice_pdf)
        statement = next(text for name, text in texts.items() if name.startswith("Statement of account"))
        self.assertIn("Statement of account", statement)
        self.assertIn("First Customer", statement)
        for invoice in first_invoices:
            self.assertIn(invoice.name, statement)
        self.assertIn("Total due $ 1,500.00", statement)
        self.assertNotIn(second_invoice.name, " ".join(texts.values()))

    def test_attachments_of_one_email_are_not_attached_to_the_next(self):
        customer = self._create_company_customer("Repeat Customer")
        invoice = self._create_invoice(customer, self._days_ago(8))
        invoice.write({"dunning_step_id": self.step1.id, "dunning_date": self._days_ago(11)})
        (self.step2 | self.step3).write({"attach_invoices": True, "attach_statement": True})
        first_run = self._run()
        first_files = self._email_attachments(first_run.line_ids)
        self.assertEqual(len(first_files), 2)

        later = self._create_invoice(customer, self._days_ago(1, ref=self._days_ago(-14)), 50.0)
        second_run = self._run(run_date=self._days_ago(-14))
        second_files = self._email_attachments(second_run.line_ids)
        self.assertEqual(second_run.line_ids.move_ids, invoice | later)
        self.assertEqual(len(second_files), 3, "its own statement and the PDF of each invoice it lists")
        self.assertFalse(second_files & first_files, "nothing of the first email is attached again")
        self.assertEqual(len(self._email_attachments(first_run.line_ids)), 2, "the first email is unchanged")

    def test_letter_is_followed_by_its_statement_and_invoices_in_the_run_pdf(self):
        self.step1.print_letter = True
        customers = [self._create_company_customer(name) for name in ("Letter One", "Letter Two")]
        invoices = self._create_invoices([self._invoice_vals(customer, self._days_ago(-2)) for customer in customers])

        run = self._run()

        merged = self._pdf_pages(run.letters_attachment_id.raw)
        page = 0
        for line in run.line_ids.sorted("id"):
            letter_pages = len(self._pdf_pages(line.letter_attachment_id.raw))
            self.assertIn(f"Dear {line.partner_id.name}", merged[page])
            page += letter_pages
            statement = line.attachment_ids.filtered(lambda a: a.name.startswith("Statement of account"))
            self.assertIn("Statement of account", merged[page])
            page += len(self._pdf_pages(statement.raw))
            invoice = invoices.filtered(lambda move, line=line: move.partner_id == line.partner_id)
            self.assertIn(invoice.name, merged[page])
            page += len(self._pdf_pages((line.attachment_ids - statement).raw))
        self.assertEqual(page, len(merged))
        # the customer's own letter PDF holds the letter only; its files are beside it
        self.assertNotIn("Statement of account", self._pdf_text(run.line_ids[0].letter_attachment_id.raw))

    def test_invoice_already_sent_keeps_its_legal_pdf(self):
        customer = self._create_company_customer("Sent Customer")
        invoice = self._create_invoice(customer, self._days_ago(-2))
        legal_pdf = self.env["ir.actions.report"]._dunning_render_pdfs("account.account_invoices", invoice.ids)[
            invoice.id
        ]
        invoice.invoice_pdf_report_file = base64.b64encode(legal_pdf)
        self.assertTrue(invoice.invoice_pdf_report_id)
        files = self._email_attachments(self._run().line_ids)
        self.assertIn(invoice.invoice_pdf_report_id, files, "the PDF the customer received is attached as is")
        self.assertEqual(len(files), 2)

    def test_statement_of_account_prints_from_the_customer(self):
        customer = self._create_company_customer("Printed Statement")
        invoices = self._create_invoices(
            [self._invoice_vals(customer, self._days_ago(20), 400.0), self._invoice_vals(customer, self._days_ago(-5))]
        )
        self._pay(invoices[0], amount=150.0)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                "dunning_strategy.action_report_dunning_statement", customer.ids, data={"date": str(self.run_date)}
            )[0]
            .decode()
        )
        for invoice in invoices:
            self.assertIn(invoice.name, html)
        self.assertIn("1,250.00", html, "total due: 250.00 left on the first invoice and 1,000.00")

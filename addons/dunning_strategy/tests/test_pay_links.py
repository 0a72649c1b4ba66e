import base64
import io
import re

from PIL import Image
from pypdf import PdfReader

from odoo.tests import tagged

from ..tools.qr_code import qr_code_data_uri
from .letters_common import DunningLettersCommon

IBAN = "FR76 3000 6000 0112 3456 7890 189"


@tagged("post_install", "-at_install")
class TestDunningPayLinks(DunningLettersCommon):
    """Every reminder carries the customer's link to pay each invoice online (its portal page
    with its access token); letters also carry the QR code of that link and, when the company
    has a SEPA account, the SEPA transfer QR code of the amount due."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the SEPA QR code is for transfers in euros; no logo: the letter's images are its QR codes
        cls.company.write({"currency_id": cls.env.ref("base.EUR").id, "logo": False})
        cls.bank_account = cls.env["res.partner.bank"].create(
            {
                "partner_id": cls.company.partner_id.id,
                "acc_number": IBAN,
                "bank_id": cls.env["res.bank"].create({"name": "Banque du Rhône", "bic": "BDRHFRPPXXX"}).id,
                "company_id": cls.company.id,
            }
        )
        cls.step2.write({"print_letter": True, "letter_template_id": cls.letter_template.id})

    @staticmethod
    def _pdf_image_count(pdf):
        """Distinct images of a PDF: the image XObjects of its pages' resources (WeasyPrint
        shares one resource dictionary between the pages of a document: counted once)."""
        return len(
            {image.indirect_reference.idnum for page in PdfReader(io.BytesIO(pdf)).pages for image in page.images}
        )

    @staticmethod
    def _size(data_uri):
        return Image.open(io.BytesIO(base64.b64decode(data_uri.split(",", 1)[1]))).size

    def _letter_of(self, customer):
        run = self._run()
        line = self._line_of(run, customer)
        self.assertEqual(line.state, "done", line.error)
        return line

    def test_email_lists_the_pay_link_of_each_invoice(self):
        customer = self._create_company_customer("Email Payer")
        invoices = self._create_invoices(
            [self._invoice_vals(customer, self._days_ago(9)), self._invoice_vals(customer, self._days_ago(8))]
        )
        self.assertFalse(any(invoices.mapped("access_token")))
        self._run()
        body = self._mails_of(customer).body_html
        self.assertTrue(all(invoices.mapped("access_token")), "the engine gave the invoices their token")
        for invoice in invoices:
            url = f"{invoice.get_base_url()}/my/invoices/{invoice.id}?access_token={invoice.access_token}"
            self.assertIn(f'href="{url}"', body.replace("&amp;", "&"))
        self.assertIn("Pay now", body)

    def test_tokens_are_made_in_one_query_and_kept(self):
        customer = self._create_company_customer("Token Keeper")
        invoices = self._create_invoices([self._invoice_vals(customer, self._days_ago(9 + i)) for i in range(3)])
        invoices[0]._portal_ensure_token()
        token = invoices[0].access_token
        self.env.flush_all()
        with self.assertQueryCount(1):
            invoices._dunning_ensure_access_tokens()
        self.assertEqual(invoices[0].access_token, token, "an existing token is kept: links already sent work")
        self.assertEqual(len(set(invoices.mapped("access_token"))), 3)

    def test_letter_prints_the_pay_links_and_both_qr_codes(self):
        customer = self._create_company_customer("Letter Payer")
        invoices = self._create_invoices(
            [self._invoice_vals(customer, self._days_ago(9)), self._invoice_vals(customer, self._days_ago(8))]
        )
        pdf = self._letter_of(customer).letter_attachment_id.raw
        text = re.sub(r"\s+", "", self._pdf_text(pdf))
        for invoice in invoices:
            self.assertIn(re.sub(r"\s+", "", invoice._dunning_pay_url()), text)
        self.assertIn("Pay now", self._pdf_text(pdf))
        self.assertIn("SEPA QR code", self._pdf_text(pdf))
        self.assertEqual(self._pdf_image_count(pdf), 3, "one QR code per invoice link and the SEPA one")

    def test_letter_has_no_sepa_qr_code_without_a_sepa_account(self):
        self.bank_account.unlink()
        customer = self._create_company_customer("Cheque Payer")
        invoice = self._create_invoice(customer, self._days_ago(8))
        pdf = self._letter_of(customer).letter_attachment_id.raw
        self.assertIn(re.sub(r"\s+", "", invoice._dunning_pay_url()), re.sub(r"\s+", "", self._pdf_text(pdf)))
        self.assertNotIn("SEPA QR code", self._pdf_text(pdf))
        self.assertEqual(self._pdf_image_count(pdf), 1, "the QR code of the pay link only")

    def test_sepa_qr_code_is_account_qr_code_sepa_one_for_the_amount_due(self):
        customer = self._create_company_customer("Epc Payer")
        self._create_invoice(customer, self._days_ago(8), amount=1234.5)
        line = self._letter_of(customer)
        Template = self.env["dunning.letter.template"]
        values = self.letter_template._prepare_letter_values(line, None)
        reference = values["payment_reference"]
        self.assertEqual(line.amount_residual, 1234.5)
        self.assertTrue(values["sepa_qr"].startswith("data:image/png;base64,"))
        payload = "\n".join(
            self.bank_account._get_qr_vals("sct_qr", 1234.5, self.company.currency_id, customer, reference, reference)
        )
        # the codes are drawn by tools/qr_code.py, deterministic: the SEPA one encodes
        # account_qr_code_sepa's payload, the link's one the invoice's pay link
        self.assertEqual(values["sepa_qr"], qr_code_data_uri(payload))
        self.assertEqual(values["pay_links"][0].qr, qr_code_data_uri(line.move_ids._dunning_pay_url()))
        width, height = self._size(values["sepa_qr"])
        self.assertEqual(width, height)
        self.assertGreaterEqual(width, (25 + 8) * 4, "at least a version 2 code, 4 px a module, quiet zone included")
        self.assertIn("EUR1234.5", payload)
        self.assertIn(IBAN.replace(" ", ""), payload)
        # an account that is not an IBAN: no SEPA QR code
        self.bank_account.acc_number = "0012345678901"
        self.assertEqual(self.bank_account.acc_type, "bank")
        bank = Template._letter_bank_account(self.company, line.move_ids)
        self.assertEqual(Template._letter_sepa_qr(bank, line, reference), "")

from datetime import timedelta

from odoo.tests import new_test_user, tagged
from odoo.tools import format_amount, format_date

from ..tools.bank_account import format_account_number, is_valid_iban
from .letters_common import DunningLettersCommon

IBAN = "FR76 3000 6000 0112 3456 7890 189"


@tagged("post_install", "-at_install")
class TestDunningLetterContents(DunningLettersCommon):
    """What a letter says, read back from its PDF: subject, bank details, payment reference,
    signatory, and the French formal notice (businesses only for the late-payment fees)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bank_account = cls.env["res.partner.bank"].create(
            {
                "partner_id": cls.company.partner_id.id,
                "acc_number": IBAN.lower().replace(" ", ""),
                "bank_id": cls.env["res.bank"].create({"name": "Banque du Rhône", "bic": "BDRHFRPPXXX"}).id,
                "company_id": cls.company.id,
            }
        )
        cls.step2.write({"print_letter": True, "letter_template_id": cls.letter_template.id})
        cls.formal_notice = cls.mjml_template

    def _letter_text(self, customer):
        run = self._run()
        line = self._line_of(run, customer)
        self.assertEqual(line.state, "done", line.error)
        return self._pdf_text(line.letter_attachment_id.raw)

    def test_subject_is_the_template_subject_not_the_step_name(self):
        self.step2.name = "Internal step 7"
        customer = self._create_company_customer("Subject Customer")
        self._create_invoice(customer, self._days_ago(8))
        text = self._letter_text(customer)
        self.assertIn("Subject: Unpaid invoices: payment reminder", text)
        self.assertNotIn("Internal step 7", text)

    def test_subject_placeholders_are_rendered(self):
        self.letter_template.subject = "Your account {{ object.partner_id.name }}"
        customer = self._create_company_customer("Placeholder Customer")
        self._create_invoice(customer, self._days_ago(8))
        self.assertIn("Subject: Your account Placeholder Customer", self._letter_text(customer))

    def test_letter_gives_the_company_iban_bic_and_payment_references(self):
        customer = self._create_company_customer("Transfer Customer")
        invoices = self._create_invoices(
            [self._invoice_vals(customer, self._days_ago(9)), self._invoice_vals(customer, self._days_ago(8))]
        )
        self.assertEqual(invoices.partner_bank_id, self.bank_account, "the invoices state the company's account")
        text = self._letter_text(customer)
        self.assertIn(f"IBAN {IBAN}", text)
        self.assertIn("BIC BDRHFRPPXXX", text)
        references = ", ".join(invoice.payment_reference or invoice.name for invoice in invoices)
        self.assertTrue(all(invoices.mapped("payment_reference")))
        self.assertIn(f"Reference: {references}", text)
        self.assertIn(f"quoting the reference {references}", text)

    def test_no_bank_sentence_without_a_bank_account(self):
        self.bank_account.unlink()
        customer = self._create_company_customer("Cheque Customer")
        self._create_invoice(customer, self._days_ago(8))
        text = self._letter_text(customer)
        self.assertNotIn("IBAN", text)
        self.assertIn("Dear Cheque Customer", text)

    def test_signatory_is_the_strategy_responsible_then_the_template_signatory(self):
        responsible = new_test_user(
            self.env,
            login="dunning_letter_signatory",
            name="Hélène Garnier",
            groups="base.group_user",
            company_id=self.company.id,
            company_ids=[self.company.id],
        )
        responsible.partner_id.function = "Credit manager"
        self.strategy.responsible_id = responsible
        customer = self._create_company_customer("Signed Customer")
        self._create_invoice(customer, self._days_ago(8))
        text = self._letter_text(customer)
        self.assertIn("Yours sincerely, Hélène Garnier Credit manager " + self.company.name, text)

        self.letter_template.write({"signatory_name": "Paul Ricard", "signatory_title": "Managing director"})
        other = self._create_company_customer("Signed Customer Two")
        self._create_invoice(other, self._days_ago(8))
        text = self._letter_text(other)
        self.assertIn("Paul Ricard Managing director", text)
        self.assertNotIn("Hélène Garnier", text)

    def test_signatory_defaults_to_the_user_who_launched_the_run(self):
        self.assertFalse(self.strategy.responsible_id)
        self.env.user.name = "Launching Accountant"
        customer = self._create_company_customer("Launched Customer")
        self._create_invoice(customer, self._days_ago(8))
        self.assertIn("Yours sincerely, Launching Accountant", self._letter_text(customer))

    def test_formal_notice_to_a_business_claims_interest_and_the_40_indemnity(self):
        self.step2.letter_template_id = self.formal_notice
        self.strategy.write({"late_fees": True, "late_interest_rate": 12.15})
        customer = self._create_company_customer("Business Debtor")
        invoices = self._create_invoices(
            [self._invoice_vals(customer, self._days_ago(8), 500.0), self._invoice_vals(customer, self._days_ago(8))]
        )
        text = self._letter_text(customer)
        self.assertIn("Registered letter with acknowledgement of receipt", text)
        self.assertIn("Subject: Formal notice to pay", text)
        for invoice in invoices:
            self.assertIn(invoice.name, text)
        self.assertIn("within 8 days of the date of this letter", text)
        deadline = format_date(self.env, self.run_date + timedelta(days=8))
        self.assertIn(f"that is by {deadline} at the latest", text)
        self.assertIn("article L441-10 of the French Commercial Code", text)
        self.assertIn("at the rate of 12.15% a year", text)
        indemnity = " ".join(format_amount(self.env, 40.0, self.company.currency_id).split())
        self.assertIn(f"fixed indemnity for recovery costs of {indemnity} per invoice", text)
        self.assertIn("in all", text, "the total with the fees of the day")
        self.assertIn("article 1344 of the French Civil Code", text)
        self.assertIn(f"IBAN {IBAN}", text)

    def test_formal_notice_to_an_individual_claims_no_business_fees(self):
        self.step2.letter_template_id = self.formal_notice
        self.strategy.late_fees = True
        person = self._create_customer(
            "Jeanne Particulier", is_company=False, street="3 rue Haute", zip="38000", city="Grenoble"
        )
        self._create_invoice(person, self._days_ago(8))
        text = self._letter_text(person)
        self.assertIn("Subject: Formal notice to pay", text)
        self.assertIn("within 8 days of the date of this letter", text)
        for business_only in ("L441-10", "D441-5", "indemnity", "interest", "in all"):
            self.assertNotIn(business_only, text)

    def test_formal_notice_in_french(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["dunning_strategy"], ["fr_FR"], overwrite=True)
        self.env.invalidate_all()  # the terms are written in SQL
        self.step2.letter_template_id = self.formal_notice
        customer = self._create_company_customer("Client Professionnel", lang="fr_FR")
        person = self._create_customer(
            "Jean Particulier", is_company=False, street="3 rue Haute", zip="38000", city="Grenoble", lang="fr_FR"
        )
        self._create_invoices(
            [self._invoice_vals(customer, self._days_ago(8)), self._invoice_vals(person, self._days_ago(8))]
        )
        run = self._run()
        business = self._pdf_text(self._line_of(run, customer).letter_attachment_id.raw)
        self.assertIn("Lettre recommandée avec accusé de réception", business)
        self.assertIn("Objet : Mise en demeure de payer", business)
        self.assertIn("sous 8 jours", business)
        self.assertIn("article L441-10 du Code de commerce", business)
        self.assertIn("indemnité forfaitaire pour frais de recouvrement", business)
        self.assertIn(f"IBAN {IBAN}", business)
        individual = self._pdf_text(self._line_of(run, person).letter_attachment_id.raw)
        self.assertIn("Objet : Mise en demeure de payer", individual)
        self.assertNotIn("L441-10", individual)
        self.assertNotIn("indemnité forfaitaire", individual)

    def test_iban_formatting(self):
        self.assertTrue(is_valid_iban(IBAN))
        self.assertFalse(is_valid_iban("FR76 3000 6000 0112 3456 7890 188"), "a wrong check digit")
        self.assertEqual(format_account_number(" fr7630006000011234567890189 "), IBAN)
        self.assertEqual(format_account_number("0123456789"), "0123456789", "a national number as typed")
        self.assertEqual(format_account_number(False), "")

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .letters_common import DunningLettersCommon


@tagged("post_install", "-at_install")
class TestDunningLateFees(DunningLettersCommon):
    """French late fees: 40 per late invoice and interest pro rata of the days late, shown on the
    letter and the email, invoiced as a draft once per invoice, never for individuals."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.strategy.write({"late_fees": True, "late_interest_rate": 12.15, "late_fee_indemnity": 40.0})
        # overdue invoices start at Reminder 1 (never a courtesy note once overdue)
        (cls.step1 | cls.step2).write({"print_letter": True, "create_fee_invoice": True})
        cls.fee_product = cls.env.ref("dunning_strategy.product_dunning_late_fee")

    def _two_late_invoices(self, customer):
        """1,200.00 due 60 days before the run and 350.50 due 15 days before it."""
        return self._create_invoices(
            [
                self._invoice_vals(customer, self._days_ago(60), 1200.0),
                self._invoice_vals(customer, self._days_ago(15), 350.5),
            ]
        )

    def test_fees_match_a_hand_computation(self):
        customer = self._create_company_customer("Entreprise Tardive")
        first, second = self._two_late_invoices(customer)

        run = self._run()

        line = run.line_ids
        self.assertEqual(line.state, "done", line.error)
        # By hand: 1200.00 x 12.15 % x 60 / 365 = 23.967... -> 23.97
        #          350.50 x 12.15 % x 15 / 365 = 1.7501... -> 1.75
        self.assertAlmostEqual(line.late_fee_interest, 25.72)
        self.assertAlmostEqual(line.late_fee_indemnity, 80.0, msg="40 per late invoice")
        self.assertAlmostEqual(line.late_fee_total, 105.72)

        fee_invoice = line.fee_move_id
        self.assertTrue(fee_invoice)
        self.assertEqual((fee_invoice.move_type, fee_invoice.state), ("out_invoice", "draft"))
        self.assertEqual(fee_invoice.partner_id, customer)
        self.assertEqual(fee_invoice.invoice_line_ids.product_id, self.fee_product)
        self.assertFalse(fee_invoice.invoice_line_ids.tax_ids, "late fees are outside the scope of VAT")
        amounts = sorted(fee_invoice.invoice_line_ids.mapped("price_subtotal"))
        self.assertEqual(amounts, [1.75, 23.97, 80.0])
        self.assertAlmostEqual(fee_invoice.amount_total, 105.72)
        self.assertEqual((first | second).dunning_fee_move_id, fee_invoice)

        # the letter and the email show the same amounts, at the run date
        letter = self._pdf_text(line.letter_attachment_id.raw)
        for amount in ("$ 25.72", "$ 80.00", "$ 105.72"):
            self.assertIn(amount, letter)
        email = line.mail_message_id.body
        self.assertIn("Late-payment fees", email)
        self.assertIn("105.72", email)

    def test_nothing_is_added_for_an_individual(self):
        person = self._create_customer("Jean Dupont", city="Lyon", zip="69001", street="1 rue Neuve")
        self.assertFalse(person.is_company)
        self._two_late_invoices(person)

        line = self._run().line_ids

        self.assertEqual(line.state, "done", line.error)
        self.assertEqual((line.late_fee_indemnity, line.late_fee_interest, line.late_fee_total), (0.0, 0.0, 0.0))
        self.assertFalse(line.fee_move_id)
        self.assertFalse(self.env["account.move"].search([("partner_id", "=", person.id), ("state", "=", "draft")]))
        self.assertNotIn("Commercial Code", self._pdf_text(line.letter_attachment_id.raw))
        self.assertNotIn("Late-payment fees", line.mail_message_id.body)

    def test_fees_are_invoiced_once_per_invoice(self):
        customer = self._create_company_customer("Relance Repetee")
        first, _second = self._two_late_invoices(customer)
        self.step3.create_fee_invoice = True
        first_run = self._run()
        fee_invoice = first_run.line_ids.fee_move_id
        self.assertTrue(fee_invoice)

        newer = self._create_invoice(customer, self._days_ago(10, ref=self._days_ago(-10)), 500.0)
        second_run = self._run(run_date=self._days_ago(-10))

        line = second_run.line_ids
        self.assertEqual(line.move_ids, first | _second | newer)
        self.assertGreater(line.late_fee_total, first_run.line_ids.late_fee_total, "the letter shows the fees of today")
        new_fee_invoice = line.fee_move_id
        self.assertTrue(new_fee_invoice)
        self.assertNotEqual(new_fee_invoice, fee_invoice)
        self.assertIn(newer.name, " ".join(new_fee_invoice.invoice_line_ids.mapped("name")))
        self.assertNotIn(first.name, " ".join(new_fee_invoice.invoice_line_ids.mapped("name")))
        self.assertEqual(first.dunning_fee_move_id, fee_invoice)
        self.assertEqual(newer.dunning_fee_move_id, new_fee_invoice)

    def test_no_fees_when_the_strategy_claims_none(self):
        self.strategy.late_fees = False
        customer = self._create_company_customer("Sans Penalites")
        self._two_late_invoices(customer)
        line = self._run().line_ids
        self.assertEqual(line.state, "done", line.error)
        self.assertFalse(line.late_fee_total)
        self.assertFalse(line.fee_move_id)

    def test_negative_rate_or_indemnity_is_refused(self):
        for field in ("late_interest_rate", "late_fee_indemnity"):
            with self.subTest(field=field), self.assertRaises(ValidationError) as refusal:
                self.strategy.write({field: -1.0})
            self.assertIn(self.strategy.name, str(refusal.exception))
        self.assertEqual((self.strategy.late_interest_rate, self.strategy.late_fee_indemnity), (12.15, 40.0))

import base64

from odoo.addons.dunning_strategy.tools.letter_pdf import pdf_page_count, pdf_text
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import QuotationFollowupCommon


@tagged("post_install", "-at_install")
class TestMassFollowup(QuotationFollowupCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.prospect = cls._create_customer("Atelier Sans Mail", email=False)
        cls.second_customer = cls._create_customer("Garage Durand")
        cls.order_before = cls._create_quotation(validity_days=4, amount=100)
        cls.order_after = cls._create_quotation(partner=cls.second_customer, validity_days=-10, amount=200)
        cls.order_letter = cls._create_quotation(partner=cls.prospect, validity_days=20, amount=300)
        cls.orders = cls.order_before | cls.order_after | cls.order_letter

    def _mass(self):
        return self.env["dunning.quotation.mass"].create({})

    def _line(self, wizard, order):
        return wizard.line_ids.filtered(lambda line: line.sale_order_id == order)

    def test_screen_lists_open_quotations_with_default_templates(self):
        draft = self._create_quotation(sent=False)
        wizard = self._mass()
        self.assertEqual(wizard.line_ids.sale_order_id, self.orders)
        self.assertNotIn(draft, wizard.line_ids.sale_order_id)
        self.assertEqual(self._line(wizard, self.order_before).step_id, self.step1)
        self.assertEqual(self._line(wizard, self.order_after).step_id, self.step3, "the step of today")
        self.assertEqual(self._line(wizard, self.order_letter).step_id, self.step1, "next step, not due yet")
        self.assertFalse(self._line(wizard, self.order_letter).can_email)
        self.assertFalse(wizard.line_ids.filtered(lambda line: line.send_email or line.send_letter))

        wizard.action_all_letters()
        self.assertTrue(all(line.send_letter and not line.send_email for line in wizard.line_ids))
        wizard.action_clear()
        wizard.action_all_emails()
        self.assertEqual(wizard.line_ids.filtered("send_email").sale_order_id, self.order_before | self.order_after)
        letter_line = self._line(wizard, self.order_letter)
        self.assertTrue(letter_line.send_letter and not letter_line.send_email, "letter, the only option without email")

    def test_mass_followup_mixed_email_and_letter(self):
        wizard = self._mass()
        wizard.note = "Spring campaign"
        wizard.action_all_emails()
        wizard.action_launch()

        self.assertEqual(wizard.state, "done")
        self.assertEqual((wizard.email_count, wizard.letter_count, wizard.failed_count), (2, 1, 0))
        lines = wizard.result_line_ids
        self.assertEqual(lines.sale_order_id, self.orders)
        self.assertEqual(set(lines.mapped("state")), {"done"})
        self.assertEqual(set(lines.mapped("note")), {"Spring campaign"})
        self.assertEqual(len(lines.run_id), 1, "one run for the strategy")
        # the right number of emails: one per quotation followed up by email
        mails = self.env["mail.mail"].search([("model", "=", "sale.order"), ("res_id", "in", self.orders.ids)])
        self.assertEqual(len(mails), 2)
        self.assertEqual(sorted(mails.mapped("res_id")), sorted((self.order_before | self.order_after).ids))
        # one merged PDF, offered at the end and kept on the run; each follow-up keeps its letter
        merged = base64.b64decode(wizard.letters_data)
        letter_line = lines.filtered(lambda line: line.sale_order_id == self.order_letter)
        self.assertEqual(pdf_text(merged), pdf_text(lines.run_id.letters_attachment_id.raw))
        self.assertEqual(pdf_text(merged), pdf_text(letter_line.letter_attachment_id.raw))
        text = pdf_text(merged)
        self.assertIn("Atelier Sans Mail", text)
        self.assertIn(self.order_letter.name, text)
        self.assertNotIn(self.order_before.name, text)
        self.assertEqual(self.order_after.dunning_step_id, self.step3)

    def test_all_letters_give_one_merged_pdf_in_order(self):
        wizard = self._mass()
        wizard.action_all_letters()
        wizard.action_launch()
        self.assertEqual((wizard.email_count, wizard.letter_count), (0, 3))
        self.assertFalse(
            self.env["mail.mail"].search([("model", "=", "sale.order"), ("res_id", "in", self.orders.ids)])
        )
        merged = base64.b64decode(wizard.letters_data)
        lines = wizard.result_line_ids.sorted("id")
        self.assertEqual(pdf_page_count(merged), sum(pdf_page_count(line.letter_attachment_id.raw) for line in lines))
        text = pdf_text(merged)
        positions = [text.index(f"Dear {line.recipient_id.name}") for line in lines]
        self.assertEqual(positions, sorted(positions), "letters in the order of the screen")
        for line in lines:
            pages = self._pdf_pages_text(line.letter_attachment_id.raw)
            self.assertIn(f"Dear {line.recipient_id.name}", pages[0])
            self.assertIn(line.sale_order_id.name, "\n".join(pages[1:]), "the quotation after its letter")

    def test_mass_followup_without_template_is_refused(self):
        wizard = self._mass()
        wizard.action_all_emails()
        self._line(wizard, self.order_after).step_id = False
        with self.assertRaisesRegex(UserError, f"Choose a template.*{self.order_after.name}"):
            wizard.action_launch()
        self.assertFalse(self.env["dunning.run.line"].search([("sale_order_id", "in", self.orders.ids)]))

    def test_mass_followup_with_nothing_selected_is_refused(self):
        wizard = self._mass()
        with self.assertRaisesRegex(UserError, "No quotation is selected"):
            wizard.action_launch()

    def test_lines_not_ticked_are_left_alone(self):
        wizard = self._mass()
        self._line(wizard, self.order_before).send_email = True
        wizard.action_launch()
        self.assertEqual(wizard.result_line_ids.sale_order_id, self.order_before)
        self.assertFalse(self.order_after.dunning_line_ids)
        self.assertFalse(wizard.letters_data)

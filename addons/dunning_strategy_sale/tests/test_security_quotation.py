import base64

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import QuotationFollowupCommon


@tagged("post_install", "-at_install")
class TestQuotationFollowupSecurity(QuotationFollowupCommon):
    """Sales people follow up quotations without reaching invoice dunning, their colleagues'
    letters, or files meant for the team only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.seller = new_test_user(
            cls.env,
            login="sec_seller",
            groups="dunning_strategy_sale.group_quotation_followup",
            company_id=cls.company.id,
            email="sec.seller@company.example.com",
        )
        cls.colleague = new_test_user(
            cls.env,
            login="sec_colleague",
            groups="dunning_strategy_sale.group_quotation_followup",
            company_id=cls.company.id,
            email="sec.colleague@company.example.com",
        )
        cls.sales_manager = new_test_user(
            cls.env,
            login="sec_sales_manager",
            groups="sales_team.group_sale_manager",
            company_id=cls.company.id,
            email="sec.manager@company.example.com",
        )
        cls.own = cls._create_quotation(validity_days=5, user_id=cls.seller.id)

    def _letter_followup(self, user, order):
        action = order.with_user(user).action_dunning_followup()
        wizard = (
            self.env["dunning.quotation.followup"]
            .with_user(user)
            .with_context(**action["context"])
            .create({"channel": "letter"})
        )
        wizard.action_send()
        return order.dunning_line_ids

    def test_sales_manager_cannot_turn_a_quotation_strategy_into_invoice_dunning(self):
        strategy = (
            self.env["dunning.strategy"]
            .with_user(self.sales_manager)
            .create({"name": "Mine", "scope": "quotation", "company_id": self.company.id})
        )
        strategy.automatic = True  # his own quotation strategy: allowed
        with self.assertRaises(AccessError):
            strategy.write({"scope": "invoice"})
        self.assertEqual(strategy.scope, "quotation")
        invoice_strategy = self.env["dunning.strategy"].create({"name": "Invoices", "company_id": self.company.id})
        with self.assertRaises(AccessError):
            self.step1.with_user(self.sales_manager).write({"strategy_id": invoice_strategy.id})
        self.assertEqual(self.step1.strategy_id, self.strategy)

    def test_customer_strategy_reminds_invoices_only(self):
        with self.assertRaises(ValidationError):
            self.customer.dunning_strategy_id = self.strategy

    def test_sales_manager_cannot_set_the_dunning_strategy_of_a_customer(self):
        invoice_strategy = self.env["dunning.strategy"].create({"name": "Invoices", "company_id": self.company.id})
        with self.assertRaises(AccessError):
            self.customer.with_user(self.sales_manager).write({"dunning_strategy_id": invoice_strategy.id})

    def test_salesperson_sets_the_followup_contact(self):
        contact = self.env["res.partner"].create({"name": "Buyer", "parent_id": self.customer.id})
        self.customer.with_user(self.sales_manager).write({"dunning_contact_id": contact.id})
        self.assertEqual(self.customer.dunning_contact_id, contact)

    def test_salesperson_cannot_create_or_write_followup_lines(self):
        line = self._letter_followup(self.seller, self.own)
        self.assertEqual(line.state, "done", line.error)
        with self.assertRaises(AccessError):
            line.with_user(self.seller).write({"state": "pending"})
        with self.assertRaises(AccessError):
            self.env["dunning.run.line"].with_user(self.seller).create(
                {"run_id": line.run_id.id, "partner_id": self.customer.id, "step_id": self.step1.id}
            )

    def test_colleague_reads_neither_the_run_nor_the_letters(self):
        line = self._letter_followup(self.seller, self.own)
        run = line.run_id
        self.assertTrue(run.letters_attachment_id, "the run's letters were merged")
        self.assertTrue(run.with_user(self.seller).letters_pdf)
        self.assertTrue(line.with_user(self.seller).letter_pdf)
        with self.assertRaises(AccessError):
            run.with_user(self.colleague).read(["letters_pdf"])
        with self.assertRaises(AccessError):
            line.with_user(self.colleague).read(["letter_pdf"])
        self.assertNotIn(run, self.env["dunning.run"].with_user(self.colleague).search([]))

    def test_files_of_internal_notes_are_not_sent(self):
        public, internal = self.env["ir.attachment"].create(
            [
                {
                    "name": name,
                    "datas": base64.b64encode(b"%PDF-1.4 fake"),
                    "mimetype": "application/pdf",
                    "res_model": "sale.order",
                    "res_id": self.own.id,
                }
                for name in ("offer.pdf", "margins.pdf")
            ]
        )
        self.own.message_post(
            body="Offer", attachment_ids=public.ids, message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        self.own.message_post(
            body="Our margins", attachment_ids=internal.ids, message_type="comment", subtype_xmlid="mail.mt_note"
        )
        files = self.own._dunning_pdf_attachments()
        self.assertIn(public, files)
        self.assertNotIn(internal, files)

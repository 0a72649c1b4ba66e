from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import format_amount, mute_logger

from .letters_common import DunningLettersCommon


@tagged("post_install", "-at_install")
class TestDunningLetters(DunningLettersCommon):
    """The letter channel: templates rendered per customer, one PDF per line, one per run."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.step1.write({"print_letter": True, "letter_template_id": cls.letter_template.id})

    def _amount(self, amount):
        return " ".join(format_amount(self.env, amount, self.company.currency_id).split())

    def test_letter_of_a_customer_lists_its_name_invoices_and_total(self):
        customer = self._create_company_customer("Boulangerie Martin")
        invoices = self._create_invoices(
            [
                self._invoice_vals(customer, self._days_ago(-2), 1200.0),
                self._invoice_vals(customer, self._days_ago(-1), 350.5),
            ]
        )
        self._pay(invoices[1], amount=100.0)
        other = self._create_company_customer("Garage Dupuis")
        other_invoice = self._create_invoice(other, self._days_ago(-2), 99.0)

        run = self._run()

        line = self._line_of(run, customer)
        self.assertEqual(line.state, "done")
        self.assertTrue(line.letter_attachment_id, "one PDF per customer on its line")
        self.assertEqual(line.letter_attachment_id.mimetype, "application/pdf")
        text = self._pdf_text(line.letter_attachment_id.raw)
        self.assertIn("Boulangerie Martin", text)
        self.assertIn("Grenoble", text, "the address is printed in the envelope window")
        for invoice in invoices:
            self.assertIn(invoice.name, text)
        self.assertEqual(line.amount_residual, 1450.5)
        self.assertIn(f"Total due: {self._amount(1450.5)}", text, "the residual total, not the invoice totals")
        self.assertNotIn(other_invoice.name, text)
        self.assertIn("Lyon", text, "the company header")
        # posted in the customer's chatter as a note with the PDF
        note = self.env["mail.message"].search(
            [("model", "=", "res.partner"), ("res_id", "=", customer.id), ("attachment_ids", "!=", False)]
        )
        self.assertEqual(note.attachment_ids, line.letter_attachment_id)
        self.assertEqual(note.subtype_id, self.env.ref("mail.mt_note"))

    def test_merged_pdf_has_the_pages_of_every_letter_in_order(self):
        names = ["Alpha Transports", "Bravo Menuiserie", "Charlie Traiteur"]
        customers = [self._create_company_customer(name) for name in names]
        # Bravo has enough invoices for a letter of two pages
        vals = [self._invoice_vals(customers[0], self._days_ago(-2))]
        vals += [self._invoice_vals(customers[1], self._days_ago(-2), 10.0 + i) for i in range(45)]
        vals += [self._invoice_vals(customers[2], self._days_ago(-2))]
        self._create_invoices(vals)
        # two batches: the run's PDF joins their parts in line order
        self.env["ir.config_parameter"].set_param("dunning_strategy.batch_size", "2")

        run = self._run()

        self.assertEqual(run.state, "done")
        self.assertTrue(run.letters_attachment_id)
        merged = self._pdf_pages(run.letters_attachment_id.raw)
        lines = run.line_ids.sorted("id")
        letters = [self._pdf_pages(line.letter_attachment_id.raw) for line in lines]
        self.assertGreater(len(letters[[line.partner_id.name for line in lines].index("Bravo Menuiserie")]), 1)
        self.assertEqual(merged, [page for letter in letters for page in letter], "every letter page, in line order")
        first = 0
        for line, letter in zip(lines, letters, strict=True):
            self.assertIn(f"Dear {line.partner_id.name}", merged[first])
            for page in merged[first : first + len(letter)]:
                self.assertFalse([name for name in names if name != line.partner_id.name and name in page])
            first += len(letter)

    def test_mjml_and_html_templates_both_print(self):
        self.step1.letter_template_id = self.mjml_template
        mjml_customer = self._create_company_customer("Mjml Customer")
        invoice = self._create_invoice(mjml_customer, self._days_ago(-2), 640.0)
        run = self._run()
        line = run.line_ids
        self.assertEqual(line.state, "done", line.error)
        text = self._pdf_text(line.letter_attachment_id.raw)
        self.assertIn("Formal notice to pay", text)
        self.assertIn("Mjml Customer", text)
        self.assertIn(invoice.name, text)
        self.assertIn(self._amount(640.0), text)

        self.step1.letter_template_id = self.letter_template
        html_customer = self._create_company_customer("Html Customer")
        html_invoice = self._create_invoice(html_customer, self._days_ago(-2), 320.0)
        line = self._run().line_ids
        text = self._pdf_text(line.letter_attachment_id.raw)
        self.assertIn("Unless we are mistaken", text)
        self.assertIn(html_invoice.name, text)

    def test_letter_is_written_in_the_customer_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        template = self.letter_template.copy({"name": "Bilingual", "body": "<p>Dear <t t-out='customer.name'/></p>"})
        template.update_field_translations("body", {"fr_FR": "<p>Madame, Monsieur, <t t-out='customer.name'/></p>"})
        self.step1.letter_template_id = template
        french = self._create_company_customer("Client Francais", lang="fr_FR")
        english = self._create_company_customer("English Customer", lang="en_US")
        self._create_invoices(
            [self._invoice_vals(french, self._days_ago(-2)), self._invoice_vals(english, self._days_ago(-2))]
        )
        run = self._run()
        self.assertIn(
            "Madame, Monsieur, Client Francais", self._pdf_text(self._line_of(run, french).letter_attachment_id.raw)
        )
        self.assertIn("Dear English Customer", self._pdf_text(self._line_of(run, english).letter_attachment_id.raw))

    @mute_logger("odoo.addons.mail.models.mail_render_mixin", "odoo.addons.dunning_strategy.models.dunning_engine")
    def test_template_error_fails_the_line_with_the_error_and_the_run_goes_on(self):
        template = self.letter_template.copy(
            {"name": "Needs a reference", "body": "<p>Reference: <t t-out='customer.ref.upper()'/></p>"}
        )
        self.step1.write({"letter_template_id": template.id, "send_email": True})
        fine = [self._create_company_customer(f"Ref Customer {i}", ref=f"c{i}") for i in range(2)]
        faulty = self._create_company_customer("No Ref Customer")
        self._create_invoices([self._invoice_vals(p, self._days_ago(-2)) for p in [fine[0], faulty, fine[1]]])

        run = self._run()

        self.assertEqual(run.state, "done")
        line = self._line_of(run, faulty)
        self.assertEqual(line.state, "failed")
        self.assertIn("Needs a reference", line.error)
        self.assertIn("AttributeError", line.error)
        self.assertFalse(line.letter_attachment_id)
        self.assertFalse(self._messages_of(faulty), "no email either: the line failed before anything was sent")
        self.assertFalse(line.due_move_ids.dunning_step_id, "a failed line does not advance")
        for customer in fine:
            other = self._line_of(run, customer)
            self.assertEqual(other.state, "done")
            self.assertIn(f"Reference: {customer.ref.upper()}", self._pdf_text(other.letter_attachment_id.raw))
            self.assertEqual(len(self._messages_of(customer)), 1)
        self.assertEqual(len(self._pdf_pages(run.letters_attachment_id.raw)), 2, "the merged PDF holds the two letters")

    def test_empty_letter_fails_the_line(self):
        template = self.letter_template.copy({"name": "Empty", "body": "<div><t t-if='False'>Never</t></div>"})
        self.step1.letter_template_id = template
        customer = self._create_company_customer("Empty Letter Customer")
        self._create_invoice(customer, self._days_ago(-2))
        line = self._run().line_ids
        self.assertEqual(line.state, "failed")
        self.assertEqual(line.error, "The letter template Empty produced an empty letter.")

    def test_customer_without_postal_address_fails_the_line(self):
        customer = self._create_customer("Nowhere Customer")
        self._create_invoice(customer, self._days_ago(-2))
        line = self._run().line_ids
        self.assertEqual(line.state, "failed")
        self.assertIn("no postal address", line.error)

    @mute_logger("odoo.addons.mail.models.mail_render_mixin", "odoo.addons.dunning_strategy.models.dunning_engine")
    def test_sandbox_refuses_a_forbidden_attribute(self):
        with self.assertRaisesRegex(ValidationError, "__class__"):
            self.letter_template.copy({"name": "Escape", "body": "<p t-out='object.__class__'/>"})
        # even if such a body reached the database, rendering refuses it and only its line fails
        template = self.letter_template.copy({"name": "Escape"})
        self.env.cr.execute(
            "UPDATE dunning_letter_template SET body = jsonb_build_object('en_US', %s::text) WHERE id = %s",
            ["<p t-out='object.__class__.__name__'/>", template.id],
        )
        template.invalidate_recordset(["body"])
        self.step1.letter_template_id = template
        customer = self._create_company_customer("Sandbox Customer")
        self._create_invoice(customer, self._days_ago(-2))
        line = self._run().line_ids
        self.assertEqual(line.state, "failed")
        self.assertIn("forbidden", line.error)

    def test_bad_templates_are_refused_when_saved(self):
        with self.assertRaisesRegex(ValidationError, "cannot be compiled"):
            self.letter_template.copy({"name": "Syntax", "body": "<p t-out='customer.name +'/>"})
        with self.assertRaisesRegex(ValidationError, "is not MJML"):
            self.letter_template.copy({"name": "Not MJML", "body_type": "mjml", "body": "<p>Hello</p>"})
        with self.assertRaisesRegex(ValidationError, "choose its letter template"):
            self.step1.letter_template_id = False

    def test_only_template_editors_save_templates_that_run_code(self):
        editor_group = self.env.ref("mail.group_mail_template_editor")
        manager = new_test_user(
            self.env,
            login="dunning_letter_manager",
            groups="base.group_user,dunning_strategy.group_dunning_manager",
            company_id=self.company.id,
            company_ids=[self.company.id],
        )
        self.assertFalse(manager.has_group("mail.group_mail_template_editor"))
        Template = self.env["dunning.letter.template"].with_user(manager)
        with self.assertRaises(AccessError):
            Template.create({"name": "Loop", "body": "<p t-foreach='invoices' t-as='i' t-out='i.number'/>"})
        with self.assertRaises(AccessError):
            Template.create({"name": "Code", "body": "<p t-out='object.sudo().partner_id.name'/>"})
        plain = Template.create(
            {"name": "Plain", "body": "<p>Dear <t t-out='object.partner_id.name'/>, please pay.</p>"}
        )
        plain.body = "<p>Hello <t t-out='object.recipient_id.name'/>, please pay.</p>"
        manager.groups_id += editor_group
        Template.create({"name": "Loop", "body": "<p t-foreach='invoices' t-as='i' t-out='i.number'/>"})

        # a plain template renders without running code
        self.step1.letter_template_id = plain.sudo()
        customer = self._create_company_customer("Plain Customer")
        self._create_invoice(customer, self._days_ago(-2))
        self.assertIn(
            "Hello Plain Customer, please pay.", self._pdf_text(self._run().line_ids.letter_attachment_id.raw)
        )

    def test_preview_of_a_letter(self):
        customer = self._create_company_customer("Preview Customer")
        invoice = self._create_invoice(customer, self._days_ago(-2))
        run = self.strategy._create_run(self.run_date, "manual")
        line = run.line_ids
        line.sudo().recipient_id = customer  # engine-owned: set as the engine would
        pdf, file_name = self.env["dunning.engine"]._preview_letter(line)
        self.assertIn(invoice.name, self._pdf_text(pdf))
        self.assertTrue(file_name.endswith(".pdf"))
        self.assertFalse(line.letter_attachment_id, "a preview stores nothing")

    def test_template_can_be_tried_on_the_last_reminder(self):
        customer = self._create_company_customer("Try Customer")
        self._create_invoice(customer, self._days_ago(-2))
        self._run()
        action = self.letter_template.action_check_template()
        self.assertEqual(action["params"]["type"], "success")
        broken = self.letter_template.copy({"name": "Broken", "body": "<p t-out='customer.ref.upper()'/>"})
        with self.assertRaisesRegex(UserError, "AttributeError"):
            broken.action_check_template()

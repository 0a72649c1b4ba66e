import io

from pypdf import PdfReader

from odoo.tests import tagged

from .common import QuotationFollowupCommon


def _pdf_text(pdf):
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


@tagged("post_install", "-at_install")
class TestQuotationDocuments(QuotationFollowupCommon):
    """The quotation travels with its follow-up email, as in Dolibarr; a step's letter may have a
    text of its own (a letter template)."""

    def _run(self, orders, step=None, **candidate):
        candidates = [
            {"sale_order_id": order.id, "step_id": (step or self.step1).id, "followup_by_email": True, **candidate}
            for order in orders
        ]
        run = self.strategy._create_run(self.today, "manual", candidates=candidates)
        run.action_process()
        return run

    def test_followup_email_carries_the_quotation_pdf(self):
        order = self._create_quotation(validity_days=5, amount=1234.5)
        wizard = self._followup_wizard(order)
        self.assertTrue(wizard.attach_quotation, "the wizard says the quotation goes with the email")
        wizard.action_send()
        line = order.dunning_line_ids
        self.assertEqual(line.state, "done", line.error)
        mail, message = self._mails_of(order), line.mail_message_id
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.attachment_ids, message.attachment_ids)
        self.assertEqual(len(message.attachment_ids), 1)
        quotation = message.attachment_ids
        self.assertEqual((quotation.mimetype, quotation.name), ("application/pdf", f"Quotation - {order.name}.pdf"))
        text = _pdf_text(quotation.raw)
        self.assertIn(order.name, text)
        self.assertIn("1,234.50", text, "its total")

    def test_each_email_of_a_batch_carries_its_own_quotation(self):
        second = self._create_customer("Garage Durand")
        orders = self._create_quotation(validity_days=5, amount=111.0) | self._create_quotation(
            partner=second, validity_days=5, amount=222.0
        )
        run = self._run(orders)
        self.assertEqual(set(run.line_ids.mapped("state")), {"done"}, run.line_ids.mapped("error"))
        for order, amount, other in zip(orders, ("111.00", "222.00"), orders[::-1], strict=True):
            [attachment] = self._mails_of(order).attachment_ids
            text = _pdf_text(attachment.raw)
            self.assertIn(order.name, text)
            self.assertIn(amount, text)
            self.assertNotIn(other.name, text)

    def test_step_option_sends_the_text_alone(self):
        self.step1.attach_quotation = False
        order = self._create_quotation(validity_days=5)
        wizard = self._followup_wizard(order)
        self.assertFalse(wizard.attach_quotation)
        wizard.action_send()
        self.assertEqual(order.dunning_line_ids.state, "done")
        self.assertFalse(self._mails_of(order).attachment_ids)
        self.assertFalse(order.dunning_line_ids.attachment_ids)

    def test_steps_attach_the_quotation_by_default(self):
        step = self.env["dunning.strategy.step"].create(
            {"strategy_id": self.strategy.id, "name": "Later", "days": 30, "mail_template_id": self.template_after.id}
        )
        self.assertTrue(step.attach_quotation)
        self.assertFalse(step.quotation_letter_template_id, "its email template is its letter")

    def test_quotation_files_of_a_batch_cost_no_query_per_followup(self):
        """The PDFs of a batch are stored on its lines in a constant number of queries."""
        orders = [self._create_quotation(validity_days=5) for _index in range(5)]
        kind = self.env["dunning.kind.quotation"]
        counts = []
        # the first batch warms the caches (models, fields) up; then 1 follow-up and 3
        for batch in (orders[:1], orders[1:2], orders[2:]):
            run = self.strategy._create_run(
                self.today,
                "manual",
                candidates=[{"sale_order_id": order.id, "step_id": self.step1.id} for order in batch],
            )
            pdfs = {order.id: b"%PDF-1.4 quotation" for order in batch}
            self.env.flush_all()
            before = self.cr.sql_log_count
            kind._attach_quotation_pdfs(run.line_ids, pdfs)
            self.env.flush_all()
            counts.append(self.cr.sql_log_count - before)
            self.assertEqual(len(run.line_ids.attachment_ids), len(batch))
        self.assertEqual(counts[1], counts[2], "1 follow-up and 3 follow-ups")

    def test_letter_step_prints_its_own_letter_template(self):
        letter_template = self.env["dunning.letter.template"].create(
            {
                "name": "Quotation letter",
                "company_id": self.company.id,
                "subject": "Our quotation",
                "body": "<div><p>Our proposal __REF_PROPAL__ of <t t-out='quotation.amount_total'/> is waiting for "
                "<t t-out='customer.name'/>.</p></div>",
            }
        )
        self.step1.quotation_letter_template_id = letter_template
        order = self._create_quotation(validity_days=5, amount=4321.0)
        self._followup_wizard(order, channel="letter").action_send()
        line = order.dunning_line_ids
        self.assertEqual(line.state, "done", line.error)
        pages = self._pdf_pages_text(line.letter_attachment_id.raw)
        letter, quotation = pages[0], "\n".join(pages[1:])
        self.assertIn(f"Our proposal {order.name} of 4321.0 is waiting for Bakery Martin.", " ".join(letter.split()))
        self.assertNotIn("Do you have any question", letter, "not the email template's text")
        self.assertIn(order.name, quotation, "the quotation follows")
        self.assertIn("4,321.00", quotation)

    def test_letter_step_without_letter_template_prints_its_email_text(self):
        order = self._create_quotation(validity_days=5)
        self._followup_wizard(order, channel="letter").action_send()
        line = order.dunning_line_ids
        self.assertEqual(line.state, "done", line.error)
        letter = self._pdf_pages_text(line.letter_attachment_id.raw)[0]
        self.assertIn("Do you have any question about it?", " ".join(letter.split()), "the email template's text")

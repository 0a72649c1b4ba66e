from odoo.tests import TransactionCase, tagged

from ..tools.bank_account import is_valid_iban
from ..tools.letter_pdf import pdf_text

DEMO_CUSTOMERS = (
    "boulangerie_martin",
    "garage_dupuis",
    "pharmacie_leroy",
    "cabinet_moreau",
    "transports_girard",
    "imprimerie_lambert",
    "hotel_du_lac",
    "menuiserie_roux",
    "librairie_fournier",
    "agence_blanc",
    "societe_mercier",
    "restaurant_chevalier",
    "fleurs_bonnet",
)


@tagged("post_install", "-at_install")
class TestDunningDemo(TransactionCase):
    """Rule 11: the French demo story (the test database is installed with demo data)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the ready French strategy of data/, made automatic by the demo
        cls.strategy = cls.env.ref("dunning_strategy.strategy_relances_clients")
        cls.demo = cls.env.ref("dunning_strategy.demo_partner_boulangerie_martin", raise_if_not_found=False)

    def setUp(self):
        super().setUp()
        if not self.demo:
            self.skipTest("demo data not installed")

    def test_strategy_relances_clients(self):
        steps = self.strategy.step_ids.sorted("level")
        self.assertEqual(self.strategy.name, "Relances clients")
        self.assertEqual(steps.mapped("days"), [-3, 7, 20, 35, 50])
        self.assertTrue(all(steps.mapped("send_email")))
        self.assertEqual(steps.mapped("schedule_activity"), [False, False, True, False, False])
        self.assertEqual(steps[2].activity_type_id, self.env.ref("dunning_strategy.mail_activity_type_dunning_call"))
        self.assertEqual(steps.mapped("print_letter"), [False, False, False, True, True])
        self.assertEqual(steps[-1].repeat_days, 15)
        self.assertEqual(steps[-1].name, "Mise en demeure")
        self.assertEqual(len(set(steps.marker_id.mapped("color"))), 5, "one colour per marker")
        self.assertEqual(steps.marker_id, steps.marker_id.sorted("sequence"))

    def test_templates_open_with_the_automatic_reminder_sentence(self):
        for template in self.strategy.step_ids.mail_template_id:
            text = template.body_html.striptags().strip()
            self.assertTrue(text.startswith("Ce message est un rappel automatique"), template.name)

    def test_a_dozen_customers_at_every_stage(self):
        customers = self.env["res.partner"].concat(
            *[self.env.ref(f"dunning_strategy.demo_partner_{key}") for key in DEMO_CUSTOMERS]
        )
        self.assertGreaterEqual(len(customers), 12)
        self.assertEqual(set(customers.dunning_step_id.mapped("level")), {1, 2, 3, 4, 5}, "a customer at every step")
        invoices = self.env["account.move"].search(
            [("partner_id", "in", customers.ids), ("move_type", "=", "out_invoice")]
        )
        self.assertIn("partial", invoices.mapped("payment_state"))
        self.assertIn("paid", invoices.mapped("payment_state"))
        self.assertTrue(invoices.filtered("dunning_excluded"))
        history = self.env["dunning.run"].search([("strategy_id", "=", self.strategy.id)])
        self.assertTrue(history.line_ids.filtered(lambda line: line.state == "failed"), "a customer without email")
        message = history.line_ids.mail_message_id[:1]
        self.assertTrue(message.body.striptags().strip().startswith("Ce message est un rappel automatique"))

    def test_demo_company_is_french_in_euros_with_an_iban(self):
        company = self.env.ref("base.main_company")
        self.assertEqual(company.country_id, self.env.ref("base.fr"))
        self.assertEqual(company.currency_id, self.env.ref("base.EUR"))
        self.assertEqual(self.strategy.company_id, company)
        invoices = self.env["account.move"].search([("company_id", "=", company.id), ("move_type", "=", "out_invoice")])
        self.assertTrue(invoices)
        self.assertEqual(invoices.currency_id, company.currency_id, "the demo story is in euros")
        bank = self.env.ref("dunning_strategy.demo_company_bank_account")
        self.assertTrue(is_valid_iban(bank.acc_number))
        self.assertEqual(invoices.partner_bank_id, bank, "the invoices ask to pay to the company's IBAN")

    def test_formal_notice_step_prints_the_formal_notice(self):
        step = self.strategy.step_ids.sorted("level")[-1]
        formal_notice = self.env.ref("dunning_strategy.dunning_letter_template_formal_notice_mjml")
        self.assertEqual(step.letter_template_id, formal_notice)
        lines = self.env["dunning.run.line"].search(
            [("step_id", "=", step.id), ("state", "=", "done"), ("letter_attachment_id", "!=", False)]
        )
        self.assertTrue(lines, "a customer of the demo got a formal notice")
        text = " ".join(pdf_text(lines[0].letter_attachment_id.raw).split())
        self.assertTrue("Mise en demeure de payer" in text or "Formal notice to pay" in text, text[:300])
        self.assertIn("L441-10", text)
        self.assertIn("FR14 2004 1010 0505 0001 3M02 606", text)

    def test_call_activities_do_not_repeat_the_step_word(self):
        activities = self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("activity_type_id", "=", self.strategy.step_ids[2].activity_type_id.id),
            ]
        )
        self.assertTrue(activities)
        for activity in activities:
            note = activity.note.striptags() if activity.note else ""
            self.assertNotIn("Relance Relance", note)
            self.assertNotIn("Reminder", note)

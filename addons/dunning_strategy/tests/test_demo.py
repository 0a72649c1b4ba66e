from odoo.tests import TransactionCase, tagged

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
        cls.strategy = cls.env.ref("dunning_strategy.demo_strategy_customers", raise_if_not_found=False)

    def setUp(self):
        super().setUp()
        if not self.strategy:
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

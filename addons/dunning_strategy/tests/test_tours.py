from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from .common import DunningCommon


@tagged("post_install", "-at_install")
class TestDunningTours(DunningCommon, HttpCase):
    """The credit controller's screens in Chromium, on the strategy "Relances clients".

    The strategy is the demo one copied into the test company when the demo data is
    installed, else the same five steps built here; the customers are built here either way.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.today()
        cls.relances = cls._relances_clients()
        cls.company.dunning_strategy_id = cls.relances
        cls.step_courtesy, cls.step_reminder_1 = cls.relances.step_ids.sorted("level")[:2]
        cls.alpha, cls.bravo, cls.charlie = (
            cls._create_customer(f"Tour Customer {name}") for name in ("Alpha", "Bravo", "Charlie")
        )
        cls.marked = cls._create_customer("Tour Marked Customer")
        cls._create_invoices(
            [
                cls._invoice_vals(customer, cls.today - timedelta(days=8))
                for customer in (cls.alpha, cls.bravo, cls.charlie)
            ]
            + [cls._invoice_vals(cls.marked, cls.today - timedelta(days=20))]
        )
        # the history: the courtesy email of the marked customer, then everyone's first reminder steps
        for days_ago in (23, 10):
            cls.relances._create_run(cls.today - timedelta(days=days_ago), "automatic").action_process()

    @classmethod
    def _relances_clients(cls):
        # the ready French strategy of the main company (data), copied into the test company
        ready = cls.env.ref("dunning_strategy.strategy_relances_clients").sudo()
        copy_vals = {"company_id": cls.company.id, "automatic": False, "responsible_id": False, "name": ready.name}
        return ready.copy(copy_vals).sudo(False)

    def test_launch_tour(self):
        self.assertEqual(self.alpha.dunning_step_id, self.step_courtesy)
        # the tour tells the step's list from the strategy's by the marked customer, due for step 3
        partners = self.env["res.partner"].browse
        whole = partners([c["partner_id"] for c in self.relances._compute_candidates(self.today)])
        step_2 = partners(
            [c["partner_id"] for c in self.relances._compute_candidates(self.today, self.step_reminder_1)]
        )
        self.assertIn(self.marked, whole)
        self.assertNotIn(self.marked, step_2)
        self.start_tour("/odoo/action-dunning_strategy.action_dunning_run", "dunning_launch_tour", login="accountman")
        run = self.env["dunning.run"].search([("strategy_id", "=", self.relances.id), ("mode", "=", "manual")])
        self.assertEqual(len(run), 1)
        self.assertEqual(run.step_id, self.step_reminder_1)
        self.assertIn(self.alpha, run.line_ids.partner_id)
        self.assertIn(self.charlie, run.line_ids.partner_id)
        self.assertNotIn(self.bravo, run.line_ids.partner_id, "removed in the wizard")
        self.assertEqual(set(run.line_ids.mapped("state")), {"done"})
        self.assertEqual(self.alpha.dunning_step_id, self.step_reminder_1)
        self.assertEqual(self.bravo.dunning_step_id, self.step_courtesy)

    def test_partner_tour(self):
        self.assertEqual(self.marked.dunning_marker_id.name, "Relance 1")
        # a colour no level would give: the badges must show the marker's own colour
        self.marked.dunning_marker_id.color = 9
        self.assertEqual(len(self.marked.dunning_line_ids), 2)
        self.start_tour("/odoo/action-dunning_strategy.action_dunning_run", "dunning_partner_tour", login="accountman")

    def test_followup_tour(self):
        """My Day -> the customer's page -> "Send the Reminder" with an edited text -> the
        e-mail in its chatter."""
        self.start_tour("/odoo/action-dunning_strategy.action_dunning_run", "dunning_followup_tour", login="accountman")
        messages = self.env["mail.message"].search(
            [
                ("model", "=", "res.partner"),
                ("res_id", "=", self.alpha.id),
                ("body", "ilike", "Texte modifié par le tour"),
            ]
        )
        self.assertEqual(len(messages), 1)
        self.assertEqual(messages.message_type, "comment")
        self.assertEqual(messages.partner_ids, self.alpha)

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import DunningCommon


@tagged("post_install", "-at_install")
class TestDunningDisputes(DunningCommon):
    """An invoice in dispute leaves the automatic reminders until the dispute is closed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls._create_customer("Disputing Customer")
        cls.invoice = cls._create_invoice(cls.customer, cls._days_ago(10))
        cls.responsible = new_test_user(
            cls.env,
            "dispute_responsible",
            groups="base.group_user,dunning_strategy.group_dunning_user",
            company_id=cls.company.id,
        )

    def _candidate(self, partner, run_date=None):
        candidates = self.strategy._compute_candidates(run_date or self.run_date)
        found = [c for c in candidates if c["partner_id"] == partner.id]
        return found[0] if found else None

    def _open_dispute(self, invoices, user=None):
        wizard = (
            self.env["dunning.dispute.wizard"]
            .with_user(user or self.env.user)
            .create(
                {
                    "move_ids": [(6, 0, invoices.ids)],
                    "reason": "Goods damaged on delivery",
                    "user_id": self.responsible.id,
                }
            )
        )
        return wizard.action_open_dispute()

    def test_disputed_invoice_is_never_selected_and_comes_back_when_closed(self):
        self.assertTrue(self._candidate(self.customer))
        self._open_dispute(self.invoice)
        self.assertTrue(self.invoice.dunning_dispute)
        self.assertEqual(self.invoice.dunning_dispute_user_id, self.responsible)
        self.assertEqual(self.invoice.dunning_dispute_reason, "Goods damaged on delivery")
        activity = self.invoice.activity_ids.filtered(lambda a: a.user_id == self.responsible)
        self.assertEqual(len(activity), 1, "the responsible gets a To-Do")
        self.assertIsNone(self._candidate(self.customer))
        self.assertFalse(self.invoice.dunning_to_remind)
        run = self._run()
        self.assertFalse(run.line_ids.filtered(lambda line: line.partner_id == self.customer))
        self.invoice.action_dunning_close_dispute()
        self.assertFalse(self.invoice.dunning_dispute)
        self.assertFalse(self.invoice.activity_ids.filtered(lambda a: a.user_id == self.responsible))
        self.assertEqual(self._candidate(self.customer)["move_ids"], self.invoice.ids)

    def test_disputed_amounts_are_shown_apart(self):
        other = self._create_invoice(self.customer, self._days_ago(40), amount=300.0)
        self._open_dispute(self.invoice)
        statement = self.env["report.dunning_strategy.report_dunning_statement"]._statement_values(
            self.customer, self.company, self.run_date
        )
        self.assertEqual(statement["total"], 1300.0, "still due: the total keeps it")
        self.assertEqual(statement["disputed_total"], 1000.0)
        self.assertEqual([row["disputed"] for row in statement["rows"]], [False, True], "oldest due first")
        html = self.env["ir.qweb"]._render(
            "dunning_strategy.report_dunning_statement_document",
            {**statement, "o": self.customer},
        )
        self.assertIn("in dispute", str(html))
        rows = self.env["dunning.analysis"].search([("move_id", "in", (self.invoice | other).ids)])
        disputed = rows.filtered("dunning_dispute")
        self.assertEqual(disputed.move_id, self.invoice)
        self.assertEqual(sum(rows.mapped("amount_disputed")), 1000.0)
        self.assertEqual(sum(rows.mapped("amount_undisputed")), 300.0)
        self.assertEqual(
            self.env["dunning.analysis"].search_count([("dunning_dispute", "=", True), ("id", "in", rows.ids)]), 1
        )

    def test_only_an_open_invoice_can_be_disputed(self):
        self._pay(self.invoice)
        with self.assertRaises(UserError):
            self.invoice._dunning_open_dispute("Too late")

    def test_rights(self):
        employee = new_test_user(self.env, "dispute_employee", groups="base.group_user", company_id=self.company.id)
        accountant = new_test_user(
            self.env, "dispute_accountant", groups="account.group_account_invoice", company_id=self.company.id
        )
        # a user without dunning rights opens no dispute and closes none
        with self.assertRaises(AccessError):
            self.invoice.with_user(employee)._dunning_open_dispute("No")
        with self.assertRaises(AccessError):
            self.invoice.with_user(employee).action_dunning_open_dispute_wizard()
        # nobody writes the fields directly, not even an accountant: the buttons do it
        for field, value in [("dunning_dispute", True), ("dunning_dispute_user_id", accountant.id)]:
            with self.assertRaises(AccessError):
                self.invoice.with_user(accountant).write({field: value})
        self.assertFalse(self.invoice.dunning_dispute)
        # an accountant (a dunning user too) opens and closes it
        self._open_dispute(self.invoice, user=accountant)
        self.assertTrue(self.invoice.dunning_dispute)
        with self.assertRaises(AccessError):
            self.invoice.with_user(employee).action_dunning_close_dispute()
        self.assertTrue(self.invoice.dunning_dispute)
        self.invoice.with_user(accountant).action_dunning_close_dispute()
        self.assertFalse(self.invoice.dunning_dispute)

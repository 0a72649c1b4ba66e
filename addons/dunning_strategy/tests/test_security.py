from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import DunningCommon


@tagged("post_install", "-at_install")
class TestDunningSecurity(DunningCommon):
    """Rule 8: groups, access rights and company rules."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company_ids = [cls.company.id]
        cls.billing_user = new_test_user(
            cls.env,
            login="dunning_billing",
            groups="account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=company_ids,
            email="billing@company.example.com",
        )
        cls.employee = new_test_user(
            cls.env,
            login="dunning_employee",
            groups="base.group_user",
            company_id=cls.company.id,
            company_ids=company_ids,
        )
        cls.other_company = cls.setup_other_company(name="Dunning Other Company")["company"]
        cls.other_user = new_test_user(
            cls.env,
            login="dunning_other_company",
            groups="account.group_account_manager",
            company_id=cls.other_company.id,
            company_ids=[cls.other_company.id],
        )
        cls.customer = cls._create_customer("Secured Customer")
        cls._create_invoice(cls.customer, cls._days_ago(10))

    def test_accounting_groups_imply_the_dunning_groups(self):
        self.assertTrue(self.billing_user.has_group("dunning_strategy.group_dunning_user"))
        self.assertFalse(self.billing_user.has_group("dunning_strategy.group_dunning_manager"))
        self.assertTrue(self.other_user.has_group("dunning_strategy.group_dunning_manager"))
        self.assertFalse(self.employee.has_group("dunning_strategy.group_dunning_user"))

    def test_dunning_user_launches_runs_but_does_not_configure(self):
        strategy = self.strategy.with_user(self.billing_user)
        self.assertEqual(strategy.step_ids.mapped("name"), self.strategy.step_ids.mapped("name"))
        with self.assertRaises(AccessError):
            strategy.name = "Renamed"
        with self.assertRaises(AccessError):
            self.step1.with_user(self.billing_user).days = 1
        run = strategy._create_run(self.run_date)
        run.action_process()
        self.assertEqual(run.line_ids.state, "done", run.line_ids.error)
        self.assertEqual(run.line_ids.mail_message_id.author_id, self.billing_user.partner_id)

    def test_user_without_dunning_rights_cannot_read_or_launch_runs(self):
        run = self.strategy._create_run(self.run_date)
        with self.assertRaises(AccessError):
            run.with_user(self.employee).read(["name"])
        with self.assertRaises(AccessError):
            self.strategy.with_user(self.employee)._create_run(self.run_date)

    def test_company_rules_hide_other_companies_records(self):
        run = self.strategy._create_run(self.run_date)
        Strategy = self.env["dunning.strategy"].with_user(self.other_user)
        self.assertNotIn(self.strategy, Strategy.search([]))
        self.assertNotIn(run, self.env["dunning.run"].with_user(self.other_user).search([]))
        self.assertNotIn(run.line_ids, self.env["dunning.run.line"].with_user(self.other_user).search([]))
        self.assertNotIn(self.step1, self.env["dunning.strategy.step"].with_user(self.other_user).search([]))
        with self.assertRaises(AccessError):
            run.with_user(self.other_user).read(["name"])

    def test_user_of_another_company_cannot_launch_a_run(self):
        with self.assertRaises(UserError):  # AccessError is a UserError
            self.strategy.with_user(self.other_user)._create_run(self.run_date)

    def test_shared_markers_are_visible_to_every_company(self):
        shared = self.env["dunning.marker"].create({"name": "Shared", "company_id": False})
        own = self.env["dunning.marker"].create({"name": "Own", "company_id": self.company.id})
        markers = self.env["dunning.marker"].with_user(self.other_user).search([])
        self.assertIn(shared, markers)
        self.assertNotIn(own, markers)

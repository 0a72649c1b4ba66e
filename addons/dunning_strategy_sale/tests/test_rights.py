from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import QuotationFollowupCommon


@tagged("post_install", "-at_install")
class TestFollowupRights(QuotationFollowupCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.seller = new_test_user(
            cls.env,
            login="quotation_seller",
            groups="dunning_strategy_sale.group_quotation_followup",
            company_id=cls.company.id,
            email="seller2@company.example.com",
        )
        cls.colleague = new_test_user(
            cls.env,
            login="quotation_colleague",
            groups="dunning_strategy_sale.group_quotation_followup",
            company_id=cls.company.id,
            email="colleague@company.example.com",
        )
        cls.sales_manager = new_test_user(
            cls.env,
            login="quotation_sales_manager",
            groups="sales_team.group_sale_manager",
            company_id=cls.company.id,
            email="manager@company.example.com",
        )
        cls.own = cls._create_quotation(validity_days=5, user_id=cls.seller.id)
        cls.other = cls._create_quotation(validity_days=5, user_id=cls.colleague.id)
        cls.invoice_strategy = cls.env["dunning.strategy"].create({"name": "Invoices", "company_id": cls.company.id})

    def _send_as(self, user, order, **vals):
        action = order.with_user(user).action_dunning_followup()
        wizard = self.env["dunning.quotation.followup"].with_user(user).with_context(**action["context"]).create(vals)
        return wizard.action_send()

    def test_sales_user_follows_up_own_quotations_only(self):
        self._send_as(self.seller, self.own)
        self.assertEqual(self.own.dunning_line_ids.state, "done")
        self.assertEqual(self.own.dunning_line_ids.run_user_id, self.seller)
        with self.assertRaises(AccessError):
            self._send_as(self.seller, self.other)
        self.assertFalse(self.other.dunning_line_ids)
        # and sees the follow-ups of its own quotations only
        self._send_as(self.colleague, self.other)
        Lines = self.env["dunning.run.line"].with_user(self.seller)
        self.assertEqual(Lines.search([]).sale_order_id, self.own)

    def test_sales_user_mass_screen_lists_own_quotations(self):
        wizard = self.env["dunning.quotation.mass"].with_user(self.seller).create({})
        self.assertEqual(wizard.line_ids.sale_order_id, self.own)
        wizard.action_all_emails()
        wizard.action_launch()
        self.assertEqual(wizard.email_count, 1)

    def test_sales_manager_follows_up_all_quotations(self):
        self._send_as(self.sales_manager, self.own)
        self._send_as(self.sales_manager, self.other)
        self.assertEqual(
            self.env["dunning.run.line"].with_user(self.sales_manager).search([]).sale_order_id, self.own | self.other
        )

    def test_sales_users_do_not_see_invoice_dunning(self):
        strategies = self.env["dunning.strategy"].with_user(self.seller).search([])
        self.assertIn(self.strategy, strategies)
        self.assertNotIn(self.invoice_strategy, strategies)
        with self.assertRaises(AccessError):
            self.invoice_strategy.with_user(self.seller).read(["name"])

    def test_salesperson_without_the_followup_right_sees_and_launches_nothing(self):
        """Following up quotations is a right of its own ("Quotation Follow-ups"), not every
        salesperson's: without it, no follow-up, run, strategy or wizard, even of his own
        quotations; the quotation form still opens, without the follow-up history."""
        plain = new_test_user(
            self.env,
            login="quotation_plain_seller",
            groups="sales_team.group_sale_salesman",
            company_id=self.company.id,
            email="plain@company.example.com",
        )
        group = self.env.ref("dunning_strategy_sale.group_quotation_followup")
        self.assertNotIn(group, plain.groups_id)
        # implied by Sales / Administrator
        self.assertTrue(self.sales_manager.has_group("dunning_strategy_sale.group_quotation_followup"))
        own = self._create_quotation(validity_days=5, user_id=plain.id)
        self._send_as(self.seller, self.own)
        for model in ("dunning.run.line", "dunning.run", "dunning.strategy", "dunning.strategy.step"):
            with self.assertRaises(AccessError, msg=model):
                self.env[model].with_user(plain).search([])
        with self.assertRaises(AccessError):
            self._send_as(plain, own)
        with self.assertRaises(AccessError):
            self.env["dunning.quotation.mass"].with_user(plain).create({})
        self.assertFalse(own.dunning_line_ids)
        self.assertEqual(own.with_user(plain).read(["name"])[0]["name"], own.name)
        with self.assertRaises(AccessError):
            own.with_user(plain).read(["dunning_line_ids"])
        arch = self.env["sale.order"].with_user(plain).get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertNotIn("dunning_line_ids", arch)
        self.assertNotIn("action_dunning_followup", arch)
        arch = self.env["sale.order"].with_user(self.seller).get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn("dunning_line_ids", arch)
        self.assertIn("action_dunning_followup", arch)

    def test_launch_right_of_quotation_strategies_is_the_followup_right(self):
        """The engine's launch check (``_check_launch_access``) asks quotation strategies for the
        right "Quotation Follow-ups": a credit controller, who reads every strategy, does not
        follow up quotations without it; a user with it does."""
        controller = new_test_user(
            self.env,
            login="quotation_credit_controller",
            groups="dunning_strategy.group_dunning_user,sales_team.group_sale_salesman_all_leads",
            company_id=self.company.id,
        )
        engine = self.env["dunning.engine"]
        with self.assertRaisesRegex(AccessError, "not allowed to follow up quotations"):
            engine.with_user(controller)._check_run_request(self.strategy.with_user(controller), self.today)
        engine.with_user(self.seller)._check_run_request(self.strategy.with_user(self.seller), self.today)

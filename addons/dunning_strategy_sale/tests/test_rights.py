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
            groups="sales_team.group_sale_salesman",
            company_id=cls.company.id,
            email="seller2@company.example.com",
        )
        cls.colleague = new_test_user(
            cls.env,
            login="quotation_colleague",
            groups="sales_team.group_sale_salesman",
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

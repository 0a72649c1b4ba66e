from datetime import timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestQuotationFollowupTour(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        admin = cls.env.ref("base.user_admin")
        # the tour runs in English whatever the demo database's languages are
        admin.write({"lang": "en_US", "tz": "Europe/Paris"})
        company = admin.company_id
        template = cls.env.ref("dunning_strategy_sale.mail_template_quotation_followup_expiry")
        cls.strategy = cls.env["dunning.strategy"].create(
            {
                "name": "Tour quotation strategy",
                "scope": "quotation",
                "company_id": company.id,
                "step_ids": [Command.create({"name": "Expiry", "days": 0, "mail_template_id": template.id})],
            }
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Tour Opticien Lefevre", "is_company": True, "email": "opticien@tour.example.com"}
        )
        product = cls.env["product.product"].create({"name": "Tour frames", "list_price": 250.0})
        cls.order = cls.env["sale.order"].create(
            {
                "partner_id": cls.customer.id,
                "company_id": company.id,
                "user_id": admin.id,
                "dunning_strategy_id": cls.strategy.id,
                "validity_date": fields.Date.today() - timedelta(days=1),
                "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 2})],
            }
        )
        cls.order.action_quotation_sent()

    def test_mass_followup_all_emails_then_history_on_the_quotation(self):
        self.start_tour(
            "/odoo/action-dunning_strategy_sale.action_dunning_quotation_mass",
            "dunning_quotation_mass_tour",
            login="admin",
        )
        line = self.order.dunning_line_ids
        self.assertEqual(len(line), 1)
        self.assertEqual((line.state, line.followup_by_email, line.step_id.name), ("done", True, "Expiry"))
        self.assertEqual(line.mail_message_id.model, "sale.order")
        self.assertEqual(line.recipient_id, self.customer)

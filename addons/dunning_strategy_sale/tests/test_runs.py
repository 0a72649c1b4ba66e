from ast import literal_eval
from datetime import timedelta

from odoo import Command
from odoo.tests import tagged

from .common import QuotationFollowupCommon


@tagged("post_install", "-at_install")
class TestQuotationRuns(QuotationFollowupCommon):
    """Quotation follow-ups have their own runs, numbers and screens, never among invoice runs."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice_strategy = cls.env["dunning.strategy"].create(
            {
                "name": "Invoice reminders",
                "scope": "invoice",
                "company_id": cls.company.id,
                "step_ids": [
                    Command.create(
                        {
                            "name": "Reminder",
                            "days": 5,
                            "send_email": True,
                            "mail_template_id": cls.env.ref("dunning_strategy.mail_template_dunning_reminder").id,
                        }
                    )
                ],
            }
        )
        cls.company.dunning_strategy_id = cls.invoice_strategy
        invoice = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "company_id": cls.company.id,
                "partner_id": cls.customer.id,
                "invoice_date": cls.today - timedelta(days=40),
                "invoice_date_due": cls.today - timedelta(days=10),
                "invoice_line_ids": [
                    Command.create({"name": "Bread", "quantity": 1, "price_unit": 300, "tax_ids": [Command.clear()]})
                ],
            }
        )
        invoice.action_post()
        cls.invoice_run = cls.invoice_strategy._create_run(cls.today, "manual")
        cls.order = cls._create_quotation(validity_days=5)

    def _follow_up_by_hand(self):
        self._followup_wizard(self.order).action_send()
        return self.order.dunning_line_ids.run_id

    def _runs_of_action(self, xmlid):
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        return self.env["dunning.run"].search(literal_eval(action["domain"]))

    def test_invoice_runs_action_excludes_quotation_runs(self):
        quotation_run = self._follow_up_by_hand()
        self.assertEqual(quotation_run.scope, "quotation")
        invoice_runs = self._runs_of_action("dunning_strategy.action_dunning_run")
        self.assertIn(self.invoice_run, invoice_runs)
        self.assertNotIn(quotation_run, invoice_runs, "a manual follow-up is not a dunning run")
        self.assertEqual(
            self._runs_of_action("dunning_strategy_sale.action_dunning_quotation_run")
            & self.invoice_run.browse([self.invoice_run.id, quotation_run.id]),
            quotation_run,
        )
        # nor are its lines among the invoice reminders
        action = self.env["ir.actions.act_window"]._for_xml_id("dunning_strategy.action_dunning_run_line")
        reminders = self.env["dunning.run.line"].search(literal_eval(action["domain"]))
        self.assertIn(self.invoice_run.line_ids, reminders)
        self.assertFalse(reminders & quotation_run.line_ids)

    def test_quotation_run_opens_in_the_followup_screens(self):
        quotation_run = self._follow_up_by_hand()
        quotation_views = self.env.ref("dunning_strategy_sale.view_dunning_quotation_run_form")
        self.assertEqual(quotation_run._get_form_action()["views"], [(quotation_views.id, "form")])
        self.assertNotEqual(self.invoice_run._get_form_action()["views"], [(quotation_views.id, "form")])
        runs_action = self.strategy.action_view_runs()
        self.assertEqual(runs_action["domain"], [("strategy_id", "=", self.strategy.id)])
        self.assertIn(
            self.env.ref("dunning_strategy_sale.view_dunning_quotation_run_list").id,
            [view_id for view_id, _mode in runs_action["views"]],
        )

    def test_quotation_runs_use_their_own_sequence(self):
        quotation_run = self._follow_up_by_hand()
        year = self.today.year
        self.assertTrue(quotation_run.name.startswith(f"SUIVI/{year}/"), quotation_run.name)
        self.assertTrue(self.invoice_run.name.startswith(f"DUN/{year}/"), self.invoice_run.name)
        automatic = self.strategy._create_run(self._days(10), "automatic")
        self.assertTrue(automatic.name.startswith("SUIVI/"), automatic.name)
        self.assertEqual(quotation_run.sale_order_names, self.order.name)

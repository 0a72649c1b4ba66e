from datetime import timedelta

from odoo import Command
from odoo.tests import tagged

from .common import QuotationFollowupCommon


@tagged("post_install", "-at_install")
class TestInvoicesToRemindBesideQuotations(QuotationFollowupCommon):
    """The invoice screens ("To Remind" filter, ``dunning_to_remind``) run the invoice strategies
    only, also in a company whose quotation strategy has a quotation due."""

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

    def _create_invoice(self, due_in_days):
        due = self.today + timedelta(days=due_in_days)
        invoice = (
            self.env["account.move"]
            .with_company(self.company)
            .create(
                {
                    "move_type": "out_invoice",
                    "company_id": self.company.id,
                    "partner_id": self.customer.id,
                    "invoice_date": due - timedelta(days=30),
                    "invoice_date_due": due,
                    "invoice_line_ids": [
                        Command.create(
                            {"name": "Consulting", "quantity": 1, "price_unit": 500.0, "tax_ids": [Command.clear()]}
                        )
                    ],
                }
            )
        )
        invoice.action_post()
        return invoice

    def test_to_remind_with_a_due_quotation(self):
        quotation = self._create_quotation(validity_days=-10)
        self.assertEqual(self._selected_orders(), quotation, "the quotation strategy has a quotation due")
        due = self._create_invoice(-10)
        not_due = self._create_invoice(-2)
        Move = self.env["account.move"].with_company(self.company)
        mine = [("company_id", "=", self.company.id), ("move_type", "=", "out_invoice")]
        # the "To Remind" filter and the field, which raised KeyError: 'move_id' on the quotation rows
        self.assertEqual(Move.search([*mine, ("dunning_to_remind", "=", True)]), due)
        self.assertEqual(Move.search([*mine, ("dunning_to_remind", "=", False)]), not_due)
        (due | not_due).invalidate_recordset(["dunning_to_remind"])
        self.assertEqual([due.dunning_to_remind, not_due.dunning_to_remind], [True, False])
        self.assertEqual(
            self.env["dunning.kind.invoice"].with_company(self.company)._select_due_move_ids(self.today), due.ids
        )

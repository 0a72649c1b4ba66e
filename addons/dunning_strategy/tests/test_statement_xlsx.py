import io
from datetime import date

import openpyxl

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import DunningCommon


@tagged("post_install", "-at_install")
class TestStatementXlsx(DunningCommon):
    """The statement of account as a workbook, one sheet per customer, read back with openpyxl."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls._create_customer("Xlsx Customer")
        cls.twin = cls._create_customer("Xlsx Customer")  # same name: the sheet names must differ
        cls.old, cls.recent = cls._create_invoices(
            [
                cls._invoice_vals(cls.customer, date(2026, 1, 10), 1200.0),
                cls._invoice_vals(cls.customer, date(2099, 1, 10), 300.0),
            ]
        )
        cls._create_invoice(cls.twin, date(2026, 2, 1), 50.0)

    def _workbook(self, partners, statement_date):
        content, filename = self.env["dunning.statement.xlsx"]._generate(partners, statement_date)
        return openpyxl.load_workbook(io.BytesIO(content)), filename

    def test_one_sheet_per_customer_with_the_statement_figures(self):
        self._pay(self.old, 200.0, date(2026, 1, 20))
        workbook, filename = self._workbook(self.customer | self.twin, date(2026, 3, 1))
        self.assertEqual(filename, "Statement.xlsx")
        self.assertEqual(workbook.sheetnames, ["Xlsx Customer", "Xlsx Customer (2)"])
        sheet = workbook["Xlsx Customer"]
        self.assertEqual(sheet["B3"].value, self.company.name)
        self.assertEqual(sheet["B4"].value.date(), date(2026, 3, 1))
        rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=8, max_row=9)]
        # number, due date, amount, residual, days late at 2026-03-01
        self.assertEqual(
            [(row[0], row[3].date(), row[4], row[5], row[6]) for row in rows],
            [
                (self.old.name, date(2026, 1, 10), 1200.0, 1000.0, 50),
                (self.recent.name, date(2099, 1, 10), 300.0, 300.0, 0),
            ],
        )
        self.assertEqual((sheet["E11"].value, sheet["F11"].value), ("Total Due", 1300.0))
        self.assertEqual((sheet["E12"].value, sheet["F12"].value), ("Overdue", 1000.0))
        self.assertEqual(workbook["Xlsx Customer (2)"]["F8"].value, 50.0)

    def test_disputed_amounts_apart(self):
        self.old._dunning_open_dispute("Goods returned")
        workbook, _filename = self._workbook(self.customer, date(2026, 3, 1))
        sheet = workbook.active
        self.assertEqual(sheet["H7"].value, "In Dispute")
        self.assertEqual((sheet["H8"].value, sheet["H9"].value), ("Yes", None))
        self.assertEqual((sheet["E13"].value, sheet["F13"].value), ("Of which in dispute", 1200.0))
        self.assertEqual(sheet["F11"].value, 1500.0, "still due")

    def test_download_actions(self):
        action = self.customer.action_dunning_statement_xlsx()
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.assertEqual(
            action["url"], f"/dunning/statement/xlsx?partner_ids={self.customer.id}&company_id={self.env.company.id}"
        )
        situations = self.env["dunning.customer.situation"].search([("company_id", "=", self.company.id)])
        url = situations.action_statement_xlsx()["url"]
        self.assertIn(str(self.customer.id), url)
        self.assertIn(str(self.twin.id), url)

    def test_only_credit_controllers_get_statements(self):
        controller = new_test_user(
            self.env,
            login="xlsx_controller",
            groups="account.group_account_invoice",
            company_id=self.company.id,
            company_ids=[self.company.id],
        )
        employee = new_test_user(
            self.env,
            login="xlsx_plain",
            groups="base.group_user",
            company_id=self.company.id,
            company_ids=[self.company.id],
        )
        content, _name = self.env["dunning.statement.xlsx"].with_user(controller)._generate(self.customer)
        self.assertEqual(content[:2], b"PK")
        with self.assertRaises(AccessError):
            self.env["dunning.statement.xlsx"].with_user(employee)._generate(self.customer)

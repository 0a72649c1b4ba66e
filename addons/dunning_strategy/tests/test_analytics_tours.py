import io
from datetime import date

from odoo.tests import HttpCase, new_test_user, tagged

from .analytics_common import DunningHistoryCommon


@tagged("post_install", "-at_install")
class TestAnalyticsTours(DunningHistoryCommon, HttpCase):
    """The effectiveness graph and the customer's figures in Chromium; the XLSX statement route
    for a credit controller and for a user without dunning rights."""

    def setUp(self):
        super().setUp()
        self._build_history()

    def test_effectiveness_and_customer_figures_tours(self):
        self.start_tour(
            "/odoo/action-dunning_strategy.action_dunning_run", "dunning_effectiveness_tour", login="accountman"
        )
        self.start_tour(f"/odoo/res.partner/{self.charlie.id}", "dunning_customer_figures_tour", login="accountman")

    def _url(self, partners):
        ids = ",".join(str(partner.id) for partner in partners)
        return f"/dunning/statement/xlsx?partner_ids={ids}&company_id={self.company.id}"

    def test_statement_route_for_a_credit_controller(self):
        import openpyxl

        self.authenticate("accountman", "accountman")
        response = self.url_open(self._url(self.bravo | self.charlie))
        self.assertEqual(response.status_code, 200)
        workbook = openpyxl.load_workbook(io.BytesIO(response.content))
        self.assertEqual(workbook.sheetnames, ["History Bravo", "History Charlie"])
        charlie = workbook["History Charlie"]
        self.assertEqual(charlie["A2"].value, "History Charlie")
        row = [cell.value for cell in charlie[8]]
        self.assertEqual(
            (row[0], row[4], row[5], row[6]), (self.c1.name, 500.0, 500.0, (date.today() - date(2026, 2, 1)).days)
        )
        self.assertEqual(charlie["D8"].value.date(), date(2026, 2, 1))
        self.assertEqual(charlie["F10"].value, 500.0)  # total due
        self.assertEqual(charlie["F11"].value, 500.0)  # overdue
        self.assertIsNone(workbook["History Bravo"]["A8"].value, "Bravo owes nothing")

    def test_statement_route_refused_without_dunning_rights(self):
        new_test_user(
            self.env,
            login="xlsx_employee",
            password="xlsx_employee",
            groups="base.group_user",
            company_id=self.company.id,
            company_ids=[self.company.id],
        )
        self.authenticate("xlsx_employee", "xlsx_employee")
        response = self.url_open(self._url(self.charlie))
        self.assertEqual(response.status_code, 403)
        self.assertNotIn(b"PK", response.content[:2])

import io
import re

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import xlsxwriter

# characters Excel refuses in a sheet name, which is at most 31 characters long
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


class DunningStatementXlsx(models.AbstractModel):
    """The statement of account as an XLSX workbook: one sheet per customer, so that the
    statements of many customers come in one file (the figures of the PDF statement, from
    ``report.dunning_strategy.report_dunning_statement._statement_values``)."""

    _name = "dunning.statement.xlsx"
    _description = "Dunning Statement of Account (XLSX)"

    @api.model
    def _action_download(self, partners):
        """The action downloading the workbook of ``partners`` (the route checks the rights)."""
        if not partners:
            raise UserError(self.env._("Select at least one customer."))
        ids = ",".join(str(partner_id) for partner_id in partners.commercial_partner_id.ids)
        return {
            "type": "ir.actions.act_url",
            "url": f"/dunning/statement/xlsx?partner_ids={ids}&company_id={self.env.company.id}",
            "target": "download",
        }

    @api.model
    def _generate(self, partners, date=None):
        """The workbook's bytes and file name. The statement values check that the user is a
        credit controller who may read the partners (same rule as the PDF statement)."""
        report = self.env["report.dunning_strategy.report_dunning_statement"]
        values = report._get_report_values(partners.ids, data={"date": date and fields.Date.to_string(date)})
        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output, {"in_memory": True})
        styles = {
            "title": workbook.add_format({"bold": True, "font_size": 14}),
            "header": workbook.add_format({"bold": True, "bottom": 1}),
            "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
            "amount": workbook.add_format({"num_format": "#,##0.00"}),
            "total": workbook.add_format({"bold": True, "num_format": "#,##0.00", "top": 1}),
            "bold": workbook.add_format({"bold": True}),
        }
        used_names = set()
        done = set()
        for partner in values["docs"]:
            statement = values["statements"][partner.id]
            commercial = statement["partner"]
            if commercial.id in done:
                continue
            done.add(commercial.id)
            sheet = workbook.add_worksheet(self._sheet_name(commercial, used_names))
            self._write_sheet(sheet, statement, styles)
        workbook.close()
        name = self.env._("Statement") if len(done) > 1 else self.env._("Statement - %s", partners[:1].name)
        return output.getvalue(), f"{name}.xlsx"

    @api.model
    def _sheet_name(self, partner, used_names):
        base = SHEET_NAME_FORBIDDEN.sub(" ", partner.display_name or str(partner.id))[:31].strip() or str(partner.id)
        name, counter = base, 2
        while name.lower() in used_names:
            suffix = f" ({counter})"
            name, counter = base[: 31 - len(suffix)] + suffix, counter + 1
        used_names.add(name.lower())
        return name

    @api.model
    def _write_sheet(self, sheet, statement, styles):
        sheet.set_column(0, 1, 20)
        sheet.set_column(2, 3, 12)
        sheet.set_column(4, 6, 15)
        sheet.write(0, 0, self.env._("Statement of Account"), styles["title"])
        sheet.write(1, 0, statement["partner"].display_name, styles["bold"])
        sheet.write(2, 0, self.env._("Company"))
        sheet.write(2, 1, statement["company"].name)
        sheet.write(3, 0, self.env._("Date"))
        sheet.write_datetime(3, 1, fields.Datetime.to_datetime(statement["date"]), styles["date"])
        sheet.write(4, 0, self.env._("Currency"))
        sheet.write(4, 1, statement["currency"].name)
        headers = [
            self.env._("Number"),
            self.env._("Reference"),
            self.env._("Date"),
            self.env._("Due Date"),
            self.env._("Amount"),
            self.env._("Residual"),
            self.env._("Days Late"),
        ]
        disputed = "disputed" in (statement["rows"][0] if statement["rows"] else {})
        if disputed:
            headers.append(self.env._("In Dispute"))
        row_index = 6
        for col, header in enumerate(headers):
            sheet.write(row_index, col, header, styles["header"])
        for row in statement["rows"]:
            row_index += 1
            sheet.write(row_index, 0, row["number"])
            sheet.write(row_index, 1, row["reference"])
            sheet.write_datetime(row_index, 2, fields.Datetime.to_datetime(row["date"]), styles["date"])
            sheet.write_datetime(row_index, 3, fields.Datetime.to_datetime(row["date_due"]), styles["date"])
            sheet.write_number(row_index, 4, row["amount"], styles["amount"])
            sheet.write_number(row_index, 5, row["residual"], styles["amount"])
            sheet.write_number(row_index, 6, row["days_late"])
            if disputed:
                sheet.write(row_index, 7, self.env._("Yes") if row["disputed"] else "")
        row_index += 2
        sheet.write(row_index, 4, self.env._("Total Due"), styles["bold"])
        sheet.write_number(row_index, 5, statement["total"], styles["total"])
        sheet.write(row_index + 1, 4, self.env._("Overdue"), styles["bold"])
        sheet.write_number(row_index + 1, 5, statement["overdue_total"], styles["total"])
        if disputed:
            # disputed invoices are still due, but apart: the customer contests them
            sheet.write(row_index + 2, 4, self.env._("Of which in dispute"), styles["bold"])
            sheet.write_number(row_index + 2, 5, statement["disputed_total"], styles["total"])

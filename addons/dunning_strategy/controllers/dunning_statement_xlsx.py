from odoo import http
from odoo.exceptions import AccessError
from odoo.http import content_disposition, request


class DunningStatementXlsxController(http.Controller):
    @http.route("/dunning/statement/xlsx", type="http", auth="user", methods=["GET"])
    def dunning_statement_xlsx(self, partner_ids="", company_id=None, **kwargs):
        """The statements of account of ``partner_ids`` (comma-separated) in one workbook.

        Runs as the logged-in user: the statement checks that he is a credit controller who may
        read these customers; the company must be one of his."""
        try:
            ids = [int(part) for part in partner_ids.split(",") if part.strip()]
            company_id = int(company_id) if company_id else None
        except ValueError:
            return request.not_found()
        env = request.env
        if company_id:
            if company_id not in env.user.company_ids.ids:
                raise AccessError(env._("You may not print statements of this company."))
            env = env(context=dict(env.context, allowed_company_ids=[company_id]))
        partners = env["res.partner"].browse(ids).exists()
        if not partners:
            return request.not_found()
        content, filename = env["dunning.statement.xlsx"]._generate(partners)
        return request.make_response(
            content,
            headers=[
                ("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                ("Content-Disposition", content_disposition(filename)),
            ],
        )

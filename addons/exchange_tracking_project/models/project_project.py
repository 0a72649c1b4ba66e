from odoo import api, models


class ProjectProject(models.Model):
    _name = "project.project"
    _inherit = ["project.project", "exchange.document.mixin"]

    @api.model
    def _get_exchange_document_kind_label(self):
        return self.env._("Project")

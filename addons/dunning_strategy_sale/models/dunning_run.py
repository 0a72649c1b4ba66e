from odoo import api, fields, models


class DunningRun(models.Model):
    """A run of a quotation strategy is a batch of quotation follow-ups: its own numbers
    (``SUIVI/…``) and its own screens (Sales > Follow-ups), never among the invoice dunning runs."""

    _inherit = "dunning.run"

    scope = fields.Selection(related="strategy_id.scope", store=True, index=True, precompute=True)
    sale_order_names = fields.Char(
        string="Quotations",
        compute="_compute_sale_order_names",
        help="Numbers of the quotations followed up in this run.",
    )

    def _compute_sale_order_names(self):
        for run in self:
            run.sale_order_names = ", ".join(run.line_ids.sale_order_id.mapped("name"))

    @api.model_create_multi
    def create(self, vals_list):
        strategies = self.env["dunning.strategy"].browse(
            {vals["strategy_id"] for vals in vals_list if vals.get("strategy_id")}
        )
        quotation_ids = set(strategies.filtered(lambda strategy: strategy.scope == "quotation").ids)
        for vals in vals_list:
            if vals.get("name", "/") == "/" and vals.get("strategy_id") in quotation_ids:
                vals["name"] = self.env["ir.sequence"].next_by_code("dunning.run.quotation") or "/"
        return super().create(vals_list)

    def _get_form_action(self):
        """Quotation runs open in the follow-up screens, invoice runs in the dunning screens."""
        self.ensure_one()
        if self.scope != "quotation":
            return super()._get_form_action()
        action = self.env["ir.actions.act_window"]._for_xml_id("dunning_strategy_sale.action_dunning_quotation_run")
        action.update(
            {
                "res_id": self.id,
                "view_mode": "form",
                "views": [(self.env.ref("dunning_strategy_sale.view_dunning_quotation_run_form").id, "form")],
            }
        )
        return action

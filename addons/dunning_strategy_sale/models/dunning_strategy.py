from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

QUOTATION_FOLLOWUP_GROUP = "dunning_strategy_sale.group_quotation_followup"


class DunningStrategy(models.Model):
    """A strategy reminds either customers of their invoices or prospects of their quotations.

    The scope decides the kind of document the engine reminds (``_dunning_kind``);
    steps, templates, runs and history are shared.
    """

    _inherit = "dunning.strategy"

    scope = fields.Selection(
        [("invoice", "Invoices"), ("quotation", "Quotations")],
        required=True,
        default="invoice",
        index=True,
        tracking=True,
        help="Invoices: reminds customers of their overdue invoices, days counted from the due date.\n"
        "Quotations: follows up sent quotations one by one, days counted from the expiration date "
        "(from the quotation date when there is none).",
    )

    def _dunning_kind(self):
        self.ensure_one()
        if self.scope == "quotation":
            return self.env["dunning.kind.quotation"]
        return super()._dunning_kind()

    @api.constrains("scope", "step_ids")
    def _check_quotation_steps(self):
        for strategy in self.filtered(lambda s: s.scope == "quotation"):
            strategy.step_ids._check_quotation_template()

    @api.constrains("scope")
    def _check_scope_of_defaults(self):
        companies = (
            self.env["res.company"]
            .sudo()
            .search(
                [
                    "|",
                    ("dunning_strategy_id", "in", self.filtered(lambda s: s.scope != "invoice").ids),
                    ("dunning_quotation_strategy_id", "in", self.filtered(lambda s: s.scope != "quotation").ids),
                ]
            )
        )
        if companies:
            raise ValidationError(
                self.env._(
                    "The strategy is the default strategy of the company %(company)s for another kind of "
                    "document: choose another default strategy first.",
                    company=companies[0].name,
                )
            )

    def _check_launch_access(self):
        """Quotation strategies need the right "Quotation Follow-ups" (not every salesperson has it)."""
        quotation = self.filtered(lambda strategy: strategy.scope == "quotation")
        if quotation and not self.env.su and not self.env.user.has_group(QUOTATION_FOLLOWUP_GROUP):
            raise AccessError(self.env._("You are not allowed to follow up quotations."))
        return super(DunningStrategy, self - quotation)._check_launch_access()

    @api.model
    def _invoice_strategy_domain(self):
        return [*super()._invoice_strategy_domain(), ("scope", "=", "invoice")]

    def action_view_runs(self):
        """A quotation strategy's runs open in the follow-up screens (never among invoice runs)."""
        action = super().action_view_runs()
        if self.scope == "quotation":
            quotation_action = self.env["ir.actions.act_window"]._for_xml_id(
                "dunning_strategy_sale.action_dunning_quotation_run"
            )
            action.update({key: quotation_action.get(key) for key in ("name", "views", "view_mode", "help")})
        return action

    def write(self, vals):
        if "scope" in vals:
            changed = self.filtered(lambda s: s.scope != vals["scope"])
            if changed and self.env["dunning.run"].search_count([("strategy_id", "in", changed.ids)], limit=1):
                raise UserError(
                    self.env._(
                        "The scope of a strategy that already ran cannot change: its history would mix "
                        "invoices and quotations. Create a new strategy instead."
                    )
                )
        return super().write(vals)

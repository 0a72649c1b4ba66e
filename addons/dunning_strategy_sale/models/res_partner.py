from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResPartner(models.Model):
    _inherit = "res.partner"

    # the engine's strategy of a customer reminds invoices: offer invoice strategies only
    dunning_strategy_id = fields.Many2one(domain="[('company_id', '=', current_company_id), ('scope', '=', 'invoice')]")
    # users who follow up quotations choose who receives the follow-ups of their customers' quotations too
    dunning_contact_id = fields.Many2one(
        groups="dunning_strategy.group_dunning_user,dunning_strategy_sale.group_quotation_followup"
    )
    dunning_quotation_followup_count = fields.Integer(
        compute="_compute_dunning_quotation_followup_count",
        string="Quotation Follow-ups",
        groups="dunning_strategy_sale.group_quotation_followup",
    )

    @api.constrains("dunning_strategy_id")
    def _check_dunning_strategy_scope(self):
        # the domain above is only the screen's: a client can write any strategy
        for partner in self:
            if partner.sudo().dunning_strategy_id.scope not in (False, "invoice"):
                raise ValidationError(
                    self.env._(
                        "The dunning strategy of %(customer)s must remind invoices, not quotations.",
                        customer=partner.display_name,
                    )
                )

    def _compute_dunning_quotation_followup_count(self):
        counts = dict(
            self.env["dunning.run.line"]._read_group(
                [("sale_order_id", "!=", False), ("partner_id", "in", self.commercial_partner_id.ids)],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.dunning_quotation_followup_count = counts.get(partner.commercial_partner_id, 0)

    def action_view_dunning_quotation_followups(self):
        """Follow-ups of every quotation of this customer and its contacts."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "dunning_strategy_sale.action_dunning_quotation_followup"
        )
        action["domain"] = [("sale_order_id", "!=", False), ("partner_id", "=", self.commercial_partner_id.id)]
        # "New" of the list follows up a quotation of this customer (dunning.run.line.action_new_quotation_followup)
        action["context"] = {
            "search_default_filter_open": 0,
            "dunning_followup_partner_id": self.commercial_partner_id.id,
        }
        return action

    def action_dunning_quotation_followup(self):
        """Open the manual follow-up wizard on this customer's open quotations."""
        self.ensure_one()
        return self.env["dunning.quotation.followup"]._action_open(partner=self.commercial_partner_id)

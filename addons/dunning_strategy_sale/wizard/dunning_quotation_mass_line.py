from odoo import api, fields, models


class DunningQuotationMassLine(models.TransientModel):
    """One open quotation on the mass follow-up screen."""

    _name = "dunning.quotation.mass.line"
    _description = "Mass Quotation Follow-up Line"
    _order = "id"
    _check_company_auto = True

    wizard_id = fields.Many2one("dunning.quotation.mass", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="wizard_id.company_id")
    sale_order_id = fields.Many2one("sale.order", string="Quotation", required=True, readonly=True)
    partner_id = fields.Many2one(related="sale_order_id.partner_id", string="Customer")
    amount_total = fields.Monetary(related="sale_order_id.amount_total", currency_field="currency_id")
    currency_id = fields.Many2one(related="sale_order_id.currency_id")
    validity_date = fields.Date(related="sale_order_id.validity_date", string="Expiration")
    last_date = fields.Date(related="sale_order_id.dunning_date", string="Last Follow-up")
    last_step_id = fields.Many2one(related="sale_order_id.dunning_step_id", string="Last Template")
    last_note = fields.Text(related="sale_order_id.dunning_last_note", string="Last Note")
    planned_date = fields.Date(related="sale_order_id.dunning_next_date", string="Planned For")
    step_id = fields.Many2one(
        "dunning.strategy.step",
        string="Template",
        check_company=True,
        domain="[('strategy_id.scope', '=', 'quotation'), ('company_id', '=', company_id)]",
    )
    recipient_id = fields.Many2one("res.partner", string="Recipient", compute="_compute_recipient", store=True)
    can_email = fields.Boolean(string="Has Email", compute="_compute_recipient", store=True)
    send_email = fields.Boolean(string="Email")
    send_letter = fields.Boolean(string="Letter")

    @api.depends("sale_order_id")
    def _compute_recipient(self):
        engine = self.env["dunning.engine"]
        for line in self:
            recipient = line.sale_order_id._dunning_recipient() if line.sale_order_id else self.env["res.partner"]
            line.recipient_id = recipient
            line.can_email = bool(recipient) and not engine._check_email_address(recipient)

    @api.onchange("send_email")
    def _onchange_send_email(self):
        # letter is the only option for a quotation with nobody to email
        for line in self.filtered(lambda line: line.send_email and not line.can_email):
            line.send_email = False
            line.send_letter = True

    def _prepare_candidate(self, wizard):
        """Candidate of ``dunning.engine._prepare_run_line_vals`` for this line."""
        self.ensure_one()
        order = self.sale_order_id
        return {
            "sale_order_id": order.id,
            "partner_id": order.partner_id.commercial_partner_id.id,
            "step_id": self.step_id.id,
            "followup_by_email": self.send_email and self.can_email,
            "followup_by_letter": self.send_letter,
            "note": wizard.note,
            "next_date": wizard.next_date,
        }

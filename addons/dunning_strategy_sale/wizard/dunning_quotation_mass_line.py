from odoo import api, fields, models
from odoo.exceptions import UserError


class DunningQuotationMassLine(models.TransientModel):
    """One open quotation on the mass follow-up screen."""

    _name = "dunning.quotation.mass.line"
    _inherit = ["dunning.quotation.email.preview"]
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
    emailed_today = fields.Boolean(
        string="Emailed Today",
        compute="_compute_emailed_today",
        help="The quotation already got a follow-up email today: a second one is refused.",
    )
    send_email = fields.Boolean(string="Email")
    send_letter = fields.Boolean(string="Letter")
    # preview of the email of the template chosen (not editable here: the follow-up of one
    # quotation lets the user edit it)
    email_subject = fields.Char(string="Subject", compute="_compute_email")
    email_body = fields.Html(string="Email Preview", compute="_compute_email", sanitize_style=True)

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
        # a quotation gets one follow-up email a day
        self.filtered(lambda line: line.send_email and line.emailed_today).send_email = False

    def action_preview_email(self):
        """Show the email this line's template sends to its quotation's customer."""
        self.ensure_one()
        if not self.step_id:
            raise UserError(
                self.env._("Choose the template of %(quotation)s first.", quotation=self.sale_order_id.name)
            )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Email of %(quotation)s", quotation=self.sale_order_id.name),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(self.env.ref("dunning_strategy_sale.view_dunning_quotation_mass_line_email_form").id, "form")],
            "target": "new",
        }

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

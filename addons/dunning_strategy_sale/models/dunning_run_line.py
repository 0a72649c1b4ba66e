from odoo import api, fields, models


class DunningRunLine(models.Model):
    """A line of a quotation strategy's run is one follow-up of one quotation.

    It keeps what the follow-up history shows: the quotation, the template (step), the channels,
    the internal note, the next follow-up date planned and the letter PDF.
    """

    _inherit = "dunning.run.line"

    sale_order_id = fields.Many2one(
        "sale.order",
        string="Quotation",
        index="btree_not_null",
        ondelete="cascade",
        readonly=True,
        help="Quotation followed up. Empty on the lines of invoice reminders.",
    )
    sale_state = fields.Selection(related="sale_order_id.state", string="Quotation Status")
    sale_user_id = fields.Many2one(related="sale_order_id.user_id", string="Salesperson")
    sale_amount_total = fields.Monetary(
        related="sale_order_id.amount_total", string="Quotation Total", currency_field="sale_currency_id"
    )
    sale_currency_id = fields.Many2one(related="sale_order_id.currency_id", string="Quotation Currency")
    sale_validity_date = fields.Date(related="sale_order_id.validity_date", string="Expiration")
    run_user_id = fields.Many2one(related="run_id.user_id", store=True, precompute=True, string="Followed Up By")
    followup_by_email = fields.Boolean(
        string="By Email", readonly=True, help="The follow-up is (or was) sent by email to the recipient."
    )
    followup_by_letter = fields.Boolean(
        string="By Letter",
        readonly=True,
        help="The follow-up is (or was) printed: the letter followed by the quotation, in one PDF.",
    )
    note = fields.Text(string="Internal Note")
    # the email as the user edited it in the follow-up wizard, sent instead of the template's
    followup_subject = fields.Char(string="Edited Subject", readonly=True)
    followup_body = fields.Html(
        string="Edited Email",
        readonly=True,
        sanitize_style=True,
        help="Text of the email as edited before sending, sent instead of the template's.",
    )
    next_date = fields.Date(string="Next Follow-up", readonly=True)

    def action_open_sale_order(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "res_id": self.sale_order_id.id,
            "view_mode": "form",
        }

    @api.model
    def action_new_quotation_followup(self):
        """ "New" of the follow-up lists: the follow-up wizard on the quotation whose history the
        list shows (``default_sale_order_id`` in the context), else on the open quotations of the
        customer whose history it shows (``dunning_followup_partner_id``), else empty. Only
        defaults: the wizard checks the user's right to follow up what he sends."""
        Wizard = self.env["dunning.quotation.followup"]
        order = self._context_record("sale.order", "default_sale_order_id")
        if order:
            return Wizard._action_open(order=order)
        partner = self._context_record("res.partner", "dunning_followup_partner_id")
        if partner:
            return Wizard._action_open(partner=partner)
        return Wizard._action_open()

    @api.model
    def _context_record(self, model, key):
        """The record of ``model`` whose id is the context's ``key``, if it is an id that exists
        (a context comes from the client: anything else is ignored)."""
        record_id = self.env.context.get(key)
        if not isinstance(record_id, int) or isinstance(record_id, bool):
            return self.env[model]
        return self.env[model].browse(record_id).exists()

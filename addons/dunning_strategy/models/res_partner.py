from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from .account_move import DUNNING_OPEN_PAYMENT_STATES


class ResPartner(models.Model):
    _inherit = "res.partner"

    dunning_strategy_id = fields.Many2one(
        "dunning.strategy",
        string="Dunning Strategy",
        company_dependent=True,
        domain="[('company_id', '=', current_company_id)]",
        help="Strategy reminding this customer in the current company. Empty: the company's default strategy.",
    )
    dunning_enabled = fields.Boolean(
        string="Included in Dunning",
        default=True,
        help="Uncheck to never remind this customer automatically.",
    )
    dunning_contact_id = fields.Many2one(
        "res.partner",
        string="Dunning Contact",
        domain="[('parent_id', '=', id)]",
        help="Contact receiving the reminders. Empty: the invoice address, else the customer itself.",
    )
    # Technical: inverse of account.move.commercial_partner_id, so that the ORM knows which
    # customers to recompute when an invoice is paid, reminded or gets a new due date.
    dunning_invoice_ids = fields.One2many(
        "account.move",
        "commercial_partner_id",
        string="Dunning Invoices",
        readonly=True,
        domain=[("move_type", "=", "out_invoice")],
    )
    dunning_step_id = fields.Many2one(
        "dunning.strategy.step",
        string="Dunning Step",
        compute="_compute_dunning_step_id",
        store=True,
        help="Highest step reached by the open invoices of the customer.",
    )
    dunning_level = fields.Integer(related="dunning_step_id.level", string="Dunning Level")
    dunning_marker_id = fields.Many2one(
        related="dunning_step_id.marker_id", store=True, string="Dunning Marker", index="btree_not_null"
    )
    dunning_line_ids = fields.One2many("dunning.run.line", "partner_id", string="Reminders", readonly=True)
    dunning_line_count = fields.Integer(compute="_compute_dunning_line_count", string="Reminder Count")
    dunning_last_date = fields.Date(
        string="Last Reminder", compute="_compute_dunning_dates", help="Date of the last reminder sent."
    )
    dunning_next_date = fields.Date(
        string="Next Reminder",
        compute="_compute_dunning_dates",
        help="Earliest date at which the next step of one of the open invoices falls due.",
    )

    @api.constrains("dunning_contact_id")
    def _check_dunning_contact(self):
        for partner in self:
            contact = partner.dunning_contact_id
            if contact and contact.commercial_partner_id != partner.commercial_partner_id:
                raise ValidationError(
                    self.env._(
                        "The dunning contact of %(partner)s must be one of its contacts.",
                        partner=partner.display_name,
                    )
                )

    @api.depends(
        "dunning_invoice_ids.dunning_step_id",
        "dunning_invoice_ids.dunning_level",
        "dunning_invoice_ids.payment_state",
        "dunning_invoice_ids.amount_residual",
        "dunning_invoice_ids.state",
    )
    def _compute_dunning_step_id(self):
        """Highest step among the open reminded invoices, in one query for all the partners.

        Called by the ORM for the affected customers only (reconciliation, reminder, new due
        date): its cost does not depend on how many customers the database holds.
        """
        partner_ids = [pid for pid in self._origin.ids if pid]
        steps = {}
        if partner_ids:
            self.env["account.move"].flush_model(
                ["commercial_partner_id", "move_type", "state", "payment_state", "amount_residual", "dunning_step_id"]
            )
            self.env["dunning.strategy.step"].flush_model(["level", "sequence"])
            rows = self.env.execute_query(
                SQL(
                    """
                    SELECT DISTINCT ON (move.commercial_partner_id) move.commercial_partner_id, move.dunning_step_id
                      FROM account_move move
                      JOIN dunning_strategy_step step ON step.id = move.dunning_step_id
                     WHERE move.commercial_partner_id = ANY(%(partner_ids)s)
                       AND move.move_type = 'out_invoice'
                       AND move.state = 'posted'
                       AND move.payment_state IN %(open_states)s
                       AND move.amount_residual > 0
                  ORDER BY move.commercial_partner_id, step.level DESC, step.id DESC
                    """,
                    partner_ids=partner_ids,
                    open_states=DUNNING_OPEN_PAYMENT_STATES,
                )
            )
            steps = dict(rows)
        for partner in self:
            partner.dunning_step_id = steps.get(partner._origin.id, False)

    def _compute_dunning_line_count(self):
        counts = dict(
            self.env["dunning.run.line"]._read_group(
                [("partner_id", "in", self.commercial_partner_id.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.dunning_line_count = counts.get(partner.commercial_partner_id, 0)

    def _compute_dunning_dates(self):
        commercial_partners = self.commercial_partner_id.filtered("id")
        last_dates = dict(
            self.env["dunning.run.line"]._read_group(
                [("partner_id", "in", commercial_partners.ids), ("state", "=", "done")],
                ["partner_id"],
                ["date:max"],
            )
        )
        open_invoices = self.env["account.move"].search(
            [
                ("commercial_partner_id", "in", commercial_partners.ids),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("payment_state", "in", DUNNING_OPEN_PAYMENT_STATES),
                ("amount_residual", ">", 0),
            ]
        )
        next_dates = {}
        for move, date in self.env["dunning.engine"]._next_reminder_dates(open_invoices).items():
            partner = move.commercial_partner_id
            if date and (partner not in next_dates or date < next_dates[partner]):
                next_dates[partner] = date
        for partner in self:
            partner.dunning_last_date = last_dates.get(partner.commercial_partner_id, False)
            partner.dunning_next_date = next_dates.get(partner.commercial_partner_id, False)

    def action_view_dunning_lines(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("dunning_strategy.action_dunning_run_line")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {}
        return action

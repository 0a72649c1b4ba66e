from collections import defaultdict

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
        groups="dunning_strategy.group_dunning_user",
        help="Strategy reminding this customer in the current company. Empty: the company's default strategy.",
    )
    # who is reminded, and where the reminders go: credit controllers' settings, not any
    # contact creator's (see readme/SECURITY.md)
    dunning_enabled = fields.Boolean(
        string="Included in Dunning",
        default=True,
        groups="dunning_strategy.group_dunning_user",
        help="Uncheck to never remind this customer automatically.",
    )
    dunning_contact_id = fields.Many2one(
        "res.partner",
        string="Dunning Contact",
        domain="[('parent_id', '=', id)]",
        groups="dunning_strategy.group_dunning_user",
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
    # Technical: the step of the customer in each company, {"company id": step id}. Stored and
    # recomputed by the ORM when an invoice changes; the step and marker below read the current
    # company's entry, so that a company never sees another one's dunning.
    dunning_step_by_company = fields.Json(
        compute="_compute_dunning_step_by_company",
        store=True,
        copy=False,
        groups="base.group_system",
    )
    dunning_step_id = fields.Many2one(
        "dunning.strategy.step",
        string="Dunning Step",
        compute="_compute_dunning_step_id",
        search="_search_dunning_step_id",
        help="Highest step reached by the open invoices of the customer in the current company.",
    )
    dunning_level = fields.Integer(related="dunning_step_id.level", string="Dunning Level")
    dunning_marker_id = fields.Many2one(
        "dunning.marker",
        string="Dunning Marker",
        compute="_compute_dunning_step_id",
        search="_search_dunning_marker_id",
    )
    # read by the dunning_marker_badge widget, which colours the marker badge without one more request
    dunning_marker_color = fields.Integer(related="dunning_marker_id.color", string="Dunning Marker Colour")
    dunning_promise_ids = fields.One2many(
        "dunning.promise",
        "partner_id",
        string="Promises to Pay",
        readonly=True,
        groups="dunning_strategy.group_dunning_user",
    )
    dunning_promise_count = fields.Integer(
        compute="_compute_dunning_promise_count",
        string="Promise Count",
        groups="dunning_strategy.group_dunning_user",
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
    def _compute_dunning_step_by_company(self):
        """Highest step among the open reminded invoices, per company, in one query for all the
        partners.

        Called by the ORM for the affected customers only (reconciliation, reminder, new due
        date): its cost does not depend on how many customers the database holds.
        """
        partner_ids = [pid for pid in self._origin.ids if pid]
        steps = defaultdict(dict)
        if partner_ids:
            self.env["account.move"].flush_model(
                [
                    "commercial_partner_id",
                    "company_id",
                    "move_type",
                    "state",
                    "payment_state",
                    "amount_residual",
                    "dunning_step_id",
                ]
            )
            self.env["dunning.strategy.step"].flush_model(["level", "sequence"])
            rows = self.env.execute_query(
                SQL(
                    """
                    SELECT DISTINCT ON (move.commercial_partner_id, move.company_id)
                           move.commercial_partner_id, move.company_id, move.dunning_step_id
                      FROM account_move move
                      JOIN dunning_strategy_step step ON step.id = move.dunning_step_id
                     WHERE move.commercial_partner_id = ANY(%(partner_ids)s)
                       AND move.move_type = 'out_invoice'
                       AND move.state = 'posted'
                       AND move.payment_state IN %(open_states)s
                       AND move.amount_residual > 0
                  ORDER BY move.commercial_partner_id, move.company_id, step.level DESC, step.id DESC
                    """,
                    partner_ids=partner_ids,
                    open_states=DUNNING_OPEN_PAYMENT_STATES,
                )
            )
            for partner_id, company_id, step_id in rows:
                steps[partner_id][str(company_id)] = step_id
        for partner in self:
            partner.dunning_step_by_company = steps.get(partner._origin.id) or False

    @api.depends("dunning_step_by_company")
    @api.depends_context("company")
    def _compute_dunning_step_id(self):
        company_key = str(self.env.company.id)
        # superuser read of the technical field: the current company's entry only is exposed
        by_company = {partner: partner.sudo().dunning_step_by_company or {} for partner in self}
        Step = self.env["dunning.strategy.step"]
        for partner in self:
            step = Step.browse(by_company[partner].get(company_key)).exists()
            partner.dunning_step_id = step
            partner.dunning_marker_id = step.sudo().marker_id

    def _search_dunning_step_id(self, operator, value):
        if value is False or value is None or value == []:
            return self._search_dunning_steps(operator in ("!=", "not in"))
        field = "name" if isinstance(value, str) else "id"
        steps = (
            self.env["dunning.strategy.step"].sudo().with_context(active_test=False).search([(field, operator, value)])
        )
        return self._search_dunning_steps(True, steps)

    def _search_dunning_marker_id(self, operator, value):
        Step = self.env["dunning.strategy.step"].sudo().with_context(active_test=False)
        if value is False or value is None or value == []:
            # with a marker: at a step that has one; without: at none of those steps
            return self._search_dunning_steps(operator in ("!=", "not in"), Step.search([("marker_id", "!=", False)]))
        return self._search_dunning_steps(True, Step.search([("marker_id", operator, value)]))

    def _search_dunning_steps(self, stepped, steps=None):
        """Domain of the partners at one of ``steps`` (default: at any step) in the current
        company when ``stepped``, else of the other partners."""
        company_key = str(self.env.company.id)
        self.env["res.partner"].flush_model(["dunning_step_by_company"])
        condition = SQL("(dunning_step_by_company ->> %s) IS NOT NULL", company_key)
        if steps is not None:
            condition = SQL("(dunning_step_by_company ->> %s)::int = ANY(%s)", company_key, steps.ids)
        partner_ids = [row[0] for row in self.env.execute_query(SQL("SELECT id FROM res_partner WHERE %s", condition))]
        return [("id", "in" if stepped else "not in", partner_ids)]

    def _compute_dunning_line_count(self):
        counts = dict(
            self.env["dunning.run.line"]._read_group(
                [("partner_id", "in", self.commercial_partner_id.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.dunning_line_count = counts.get(partner.commercial_partner_id, 0)

    def _compute_dunning_promise_count(self):
        counts = dict(
            self.env["dunning.promise"]._read_group(
                [("partner_id", "in", self.commercial_partner_id.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.dunning_promise_count = counts.get(partner.commercial_partner_id, 0)

    def action_view_dunning_promises(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("dunning_strategy.action_dunning_promise")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action

    def action_dunning_new_promise(self):
        """The quick form of a new promise to pay of this customer (its open overdue invoices)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Promise to Pay"),
            "res_model": "dunning.promise",
            "view_mode": "form",
            "views": [(self.env.ref("dunning_strategy.dunning_promise_view_form_quick").id, "form")],
            "target": "new",
            "context": {"default_partner_id": self.commercial_partner_id.id},
        }

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
        for move, date in self.env["dunning.kind.invoice"]._next_reminder_dates(open_invoices).items():
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

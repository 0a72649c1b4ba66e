from odoo import api, fields, models, tools
from odoo.tools import SQL

from ..models.account_move import DUNNING_OPEN_PAYMENT_STATES
from ..models.customer_history_sql import customer_history_ctes


class DunningCustomerSituation(models.Model):
    """What each customer owes a company: one row per commercial partner and company with open
    customer invoices, with its totals due and overdue, its oldest days late, its dunning step
    and its last reminder. The "Customers in dunning" list, sortable on those figures."""

    _name = "dunning.customer.situation"
    _description = "Customer Dunning Situation"
    _auto = False
    _order = "amount_overdue desc, partner_id"
    _rec_name = "partner_id"
    # the view reads these columns: the ORM flushes them before querying it
    _depends = {
        "account.move": [
            "commercial_partner_id",
            "company_id",
            "dunning_step_id",
            "invoice_date_due",
            "amount_residual_signed",
            "amount_residual",
            "move_type",
            "state",
            "payment_state",
        ],
        "dunning.strategy.step": ["marker_id", "level"],
        "dunning.run.line": ["partner_id", "company_id", "date", "state"],
        "account.move.line": ["move_id", "display_type"],
        "account.partial.reconcile": ["debit_move_id", "max_date"],
        "res.company": ["currency_id"],
    }

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", string="Company", readonly=True)
    currency_id = fields.Many2one("res.currency", string="Currency", readonly=True)
    invoice_count = fields.Integer(string="Open Invoices", readonly=True)
    amount_due = fields.Monetary(string="Total Due", currency_field="currency_id", readonly=True)
    amount_overdue = fields.Monetary(string="Overdue Amount", currency_field="currency_id", readonly=True)
    days_late = fields.Integer(
        string="Days Late", readonly=True, aggregator="max", help="Days late of the oldest overdue invoice."
    )
    step_id = fields.Many2one("dunning.strategy.step", string="Dunning Step", readonly=True)
    level = fields.Integer(string="Dunning Level", readonly=True)
    marker_id = fields.Many2one("dunning.marker", string="Dunning Marker", readonly=True)
    marker_color = fields.Integer(related="marker_id.color", string="Marker Colour")  # dunning_marker_badge
    last_date = fields.Date(string="Last Reminder", readonly=True)
    avg_days_late = fields.Float(
        string="Average Days Late (12 Months)",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="Days late of the invoices paid in full in the last 12 months, weighted by their amount.",
    )
    reminder_count = fields.Integer(string="Reminders (12 Months)", readonly=True)
    next_date = fields.Date(
        string="Next Reminder",
        compute="_compute_next_date",
        help="Earliest date at which the next step of one of the open invoices falls due.",
    )
    phone = fields.Char(related="partner_id.phone")
    email = fields.Char(related="partner_id.email")

    def init(self):
        # A view rather than stored figures: days late depend on today, and the residuals change
        # with every payment. Days are counted from the UTC date, like dunning.analysis. The id
        # of a row is the smallest id of its invoices: unique, since the rows part the invoices.
        tools.drop_view_if_exists(self.env.cr, self._table)
        # The 12-month figures read the whole payment history: stored (dunning.analytics.snapshot)
        # and joined here, so that the list still sorts on them and opens at once.
        self.env["dunning.analytics.snapshot"]._create_snapshot(
            "dunning_customer_history",
            SQL(
                """
                WITH %(history)s
                SELECT COALESCE(paid_12m.partner_id, reminders_12m.partner_id) AS partner_id,
                       COALESCE(paid_12m.company_id, reminders_12m.company_id) AS company_id,
                       paid_12m.avg_days_late,
                       COALESCE(reminders_12m.reminder_count, 0) AS reminder_count
                  FROM paid_12m
             FULL JOIN reminders_12m ON reminders_12m.partner_id = paid_12m.partner_id
                                    AND reminders_12m.company_id = paid_12m.company_id
                """,
                history=customer_history_ctes(SQL("(NOW() AT TIME ZONE 'UTC')::date")),
            ),
            unique_columns=("partner_id", "company_id"),
        )
        self.env.cr.execute(
            SQL(
                """
                CREATE OR REPLACE VIEW %(view)s AS (
                    WITH situation AS (
                        SELECT MIN(move.id) AS id,
                               move.commercial_partner_id AS partner_id,
                               move.company_id,
                               COUNT(*) AS invoice_count,
                               SUM(move.amount_residual_signed) AS amount_due,
                               COALESCE(SUM(move.amount_residual_signed)
                                        FILTER (WHERE move.invoice_date_due < today.day), 0) AS amount_overdue,
                               GREATEST(MAX(today.day - move.invoice_date_due), 0) AS days_late,
                               (ARRAY_AGG(step.id ORDER BY step.level DESC, step.id DESC)
                                    FILTER (WHERE step.id IS NOT NULL))[1] AS step_id
                          FROM account_move move
                     LEFT JOIN dunning_strategy_step step ON step.id = move.dunning_step_id
                    CROSS JOIN (SELECT (NOW() AT TIME ZONE 'UTC')::date AS day) today
                         WHERE move.move_type = 'out_invoice'
                           AND move.state = 'posted'
                           AND move.payment_state IN %(open_states)s
                           AND move.amount_residual > 0
                           AND move.invoice_date_due IS NOT NULL
                      GROUP BY move.commercial_partner_id, move.company_id
                    )
                    SELECT situation.*,
                           history.avg_days_late,
                           COALESCE(history.reminder_count, 0) AS reminder_count,
                           company.currency_id,
                           step.level,
                           step.marker_id,
                           (SELECT MAX(line.date)
                              FROM dunning_run_line line
                             WHERE line.partner_id = situation.partner_id
                               AND line.company_id = situation.company_id
                               AND line.state = 'done') AS last_date
                      FROM situation
                      JOIN res_company company ON company.id = situation.company_id
                 LEFT JOIN dunning_strategy_step step ON step.id = situation.step_id
                 LEFT JOIN dunning_customer_history history ON history.partner_id = situation.partner_id
                                                          AND history.company_id = situation.company_id
                )
                """,
                view=SQL.identifier(self._table),
                open_states=DUNNING_OPEN_PAYMENT_STATES,
            )
        )

    @api.depends("partner_id", "company_id")
    def _compute_next_date(self):
        # superuser: credit controllers need no accounting rights to see when a customer is
        # reminded next; the user may read these rows (dunning users only, record rule on the
        # company), and only the open invoices of these rows' customers and companies are read
        moves = (
            self.env["account.move"]
            .sudo()
            .search(
                [
                    ("commercial_partner_id", "in", self.partner_id.ids),
                    ("company_id", "in", self.company_id.ids),
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "posted"),
                    ("payment_state", "in", DUNNING_OPEN_PAYMENT_STATES),
                    ("amount_residual", ">", 0),
                ]
            )
        )
        next_dates = {}
        for move, date in self.env["dunning.kind.invoice"].sudo()._next_reminder_dates(moves).items():
            key = (move.commercial_partner_id.id, move.company_id.id)
            if date and (key not in next_dates or date < next_dates[key]):
                next_dates[key] = date
        for situation in self:
            situation.next_date = next_dates.get((situation.partner_id.id, situation.company_id.id), False)

    def action_open_customer_page(self):
        """Open the follow-up page of the row's customer, in the row's company."""
        self.ensure_one()
        return self.partner_id.with_company(self.company_id)._get_dunning_followup_action()

    def action_statement_xlsx(self):
        """Download the statements of account of these rows' customers as one XLSX workbook."""
        return self.env["dunning.statement.xlsx"]._action_download(self.partner_id)

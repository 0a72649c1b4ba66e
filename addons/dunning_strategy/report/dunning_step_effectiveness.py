from odoo import fields, models
from odoo.tools import SQL

from ..tools.reconciliation import INVOICE_PARTIALS_SQL


class DunningStepEffectiveness(models.Model):
    """What became of each reminded invoice: one row per done run line and overdue invoice it
    reminded, with the amount due at the reminder date and whether and when it was paid in full.

    The amount reminded is the invoice's total minus its partial reconciliations dated on or before
    the reminder date (payments registered later but dated before count as already received). The
    full-payment date is the date of the last partial reconciliation of an invoice that is paid
    today (no residual left): the one that brought the residual to zero."""

    _name = "dunning.step.effectiveness"
    _description = "Dunning Step Effectiveness"
    _auto = False
    _order = "date desc, line_id desc, move_id"
    _rec_name = "move_id"
    _depends = {
        "account.move": ["amount_total_signed", "amount_residual", "invoice_user_id", "invoice_date_due"],
        "account.move.line": ["move_id", "display_type"],
        "account.partial.reconcile": ["debit_move_id", "amount", "max_date"],
        "dunning.run.line": ["run_id", "partner_id", "company_id", "date", "state", "step_id", "move_ids"],
        "dunning.run": ["strategy_id"],
        "dunning.strategy.step": ["marker_id", "send_email", "schedule_activity", "print_letter"],
        "res.company": ["currency_id"],
    }

    line_id = fields.Many2one("dunning.run.line", string="Reminder", readonly=True)
    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    date = fields.Date(string="Reminder Date", readonly=True)
    strategy_id = fields.Many2one("dunning.strategy", string="Strategy", readonly=True)
    step_id = fields.Many2one("dunning.strategy.step", string="Step", readonly=True)
    marker_id = fields.Many2one("dunning.marker", string="Dunning Marker", readonly=True)
    by_email = fields.Boolean(string="Email", readonly=True)
    by_call = fields.Boolean(string="Call", readonly=True, help="The step schedules an activity (a call).")
    by_letter = fields.Boolean(string="Letter", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    company_id = fields.Many2one("res.company", string="Company", readonly=True)
    currency_id = fields.Many2one("res.currency", string="Currency", readonly=True)
    amount_reminded = fields.Monetary(
        string="Amount Reminded", readonly=True, help="Residual of the invoice at the reminder date."
    )
    payment_date = fields.Date(string="Paid in Full On", readonly=True)
    # 0/1 integers rather than booleans: the pivot sums them (how many) or averages them (share)
    paid = fields.Integer(string="Paid in Full", readonly=True, aggregator="avg")
    days_to_payment = fields.Integer(string="Days to Payment", readonly=True, aggregator="avg")
    paid_within_7 = fields.Integer(string="Paid within 7 Days", readonly=True, aggregator="avg")
    paid_within_15 = fields.Integer(string="Paid within 15 Days", readonly=True, aggregator="avg")
    paid_within_30 = fields.Integer(string="Paid within 30 Days", readonly=True, aggregator="avg")
    next_step_needed = fields.Integer(
        string="Reminded Again", readonly=True, aggregator="avg", help="The invoice was reminded again later."
    )
    reminder_count = fields.Integer(string="Reminded Invoices", readonly=True)

    def init(self):
        # stored: see dunning.analytics.snapshot
        self.env["dunning.analytics.snapshot"]._create_snapshot(
            self._table,
            SQL(
                """
                    WITH reminded AS (
                        SELECT line.id AS line_id, rel.move_id, line.date, line.step_id,
                               line.partner_id, line.company_id, run.strategy_id
                          FROM dunning_run_line line
                          JOIN dunning_run run ON run.id = line.run_id
                          JOIN dunning_run_line_account_move_rel rel ON rel.line_id = line.id
                          JOIN account_move move ON move.id = rel.move_id
                         WHERE line.state = 'done' AND move.invoice_date_due < line.date
                    ),
                    partials AS (%(partials)s),
                    paid AS (
                        -- invoices with no residual left: paid in full on the last reconciliation
                        SELECT partials.move_id, MAX(partials.date) AS date
                          FROM partials
                          JOIN account_move move ON move.id = partials.move_id
                         WHERE move.amount_residual = 0
                      GROUP BY partials.move_id
                    ),
                    received AS (
                        SELECT reminded.line_id, reminded.move_id, SUM(partials.amount) AS amount
                          FROM reminded
                          JOIN partials ON partials.move_id = reminded.move_id AND partials.date <= reminded.date
                      GROUP BY reminded.line_id, reminded.move_id
                    ),
                    outcome AS (
                        SELECT reminded.*,
                               paid.date AS payment_date,
                               -- (GREATEST ignores NULLs: an unpaid invoice would count as paid at once)
                               CASE WHEN paid.date IS NOT NULL
                                    THEN GREATEST(paid.date - reminded.date, 0) END AS days_to_payment,
                               -- reminded again: a later done line lists the invoice (a window,
                               -- not a subquery per row)
                               (LEAD(reminded.line_id) OVER (PARTITION BY reminded.move_id
                                                             ORDER BY reminded.date, reminded.line_id)
                                    IS NOT NULL)::int AS next_step_needed
                          FROM reminded
                     LEFT JOIN paid ON paid.move_id = reminded.move_id
                    )
                    -- a stable id unique per (line, invoice): both ids fit in 31 bits
                    SELECT outcome.line_id::bigint * 2147483648 + outcome.move_id AS id,
                           outcome.line_id, outcome.move_id, outcome.date, outcome.strategy_id,
                           outcome.step_id, step.marker_id,
                           step.send_email AS by_email, step.schedule_activity AS by_call,
                           step.print_letter AS by_letter,
                           outcome.partner_id, move.invoice_user_id AS user_id, outcome.company_id,
                           company.currency_id,
                           move.amount_total_signed - COALESCE(received.amount, 0) AS amount_reminded,
                           outcome.payment_date,
                           outcome.days_to_payment,
                           (outcome.payment_date IS NOT NULL)::int AS paid,
                           COALESCE(outcome.days_to_payment <= 7, FALSE)::int AS paid_within_7,
                           COALESCE(outcome.days_to_payment <= 15, FALSE)::int AS paid_within_15,
                           COALESCE(outcome.days_to_payment <= 30, FALSE)::int AS paid_within_30,
                           outcome.next_step_needed,
                           1 AS reminder_count
                      FROM outcome
                      JOIN account_move move ON move.id = outcome.move_id
                      JOIN res_company company ON company.id = outcome.company_id
                      JOIN dunning_strategy_step step ON step.id = outcome.step_id
                 LEFT JOIN received ON received.line_id = outcome.line_id AND received.move_id = outcome.move_id
                """,
                partials=SQL(INVOICE_PARTIALS_SQL),
            ),
        )

from odoo import fields, models, tools
from odoo.exceptions import AccessError
from odoo.tools import SQL

from ..models.account_move import DUNNING_OPEN_PAYMENT_STATES

# (key, label) of the age buckets; the keys sort in the order of the buckets
AGE_BUCKETS = [
    ("0_not_due", "Not Due"),
    ("1_30", "1-30 Days"),
    ("2_60", "31-60 Days"),
    ("3_90", "61-90 Days"),
    ("4_more", "Over 90 Days"),
]


class DunningAnalysis(models.Model):
    """Open customer invoices with their residual, dunning step and age bucket, for pivots
    and graphs of what is overdue by marker, step, salesperson and age."""

    _name = "dunning.analysis"
    _description = "Dunning Analysis"
    _auto = False
    _order = "invoice_date_due, move_id"
    _rec_name = "move_id"
    # the view reads these columns: the ORM flushes them before querying it
    _depends = {
        "account.move": [
            "commercial_partner_id",
            "invoice_user_id",
            "company_id",
            "dunning_step_id",
            "invoice_date_due",
            "dunning_date",
            "dunning_excluded",
            "dunning_dispute",
            "amount_residual_signed",
            "amount_residual",
            "move_type",
            "state",
            "payment_state",
        ],
        "dunning.strategy.step": ["marker_id"],
        "res.company": ["currency_id"],
    }

    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    company_id = fields.Many2one("res.company", string="Company", readonly=True)
    currency_id = fields.Many2one("res.currency", string="Currency", readonly=True)
    step_id = fields.Many2one("dunning.strategy.step", string="Dunning Step", readonly=True)
    marker_id = fields.Many2one("dunning.marker", string="Dunning Marker", readonly=True)
    marker_color = fields.Integer(related="marker_id.color", string="Marker Colour")  # dunning_marker_badge
    invoice_date_due = fields.Date(string="Due Date", readonly=True)
    dunning_date = fields.Date(string="Last Reminder", readonly=True)
    dunning_excluded = fields.Boolean(string="Do Not Remind Automatically", readonly=True)
    dunning_dispute = fields.Boolean(string="In Dispute", readonly=True)
    days_overdue = fields.Integer(string="Days Overdue", readonly=True, aggregator="max")
    age_bucket = fields.Selection(AGE_BUCKETS, string="Age", readonly=True)
    amount_residual = fields.Monetary(string="Amount Due", currency_field="currency_id", readonly=True)
    amount_disputed = fields.Monetary(
        string="Amount in Dispute",
        currency_field="currency_id",
        readonly=True,
        help="Amount due on invoices in dispute.",
    )
    amount_undisputed = fields.Monetary(
        string="Amount Not in Dispute", currency_field="currency_id", readonly=True, help="Amount due, disputes aside."
    )

    def init(self):
        # A view rather than stored rows: the age depends on today, and the residuals change
        # with every payment. Days are counted from the UTC date, like fields.Date.today().
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE OR REPLACE VIEW %(view)s AS (
                    SELECT move.id,
                           move.id AS move_id,
                           move.commercial_partner_id AS partner_id,
                           move.invoice_user_id AS user_id,
                           move.company_id,
                           company.currency_id,
                           move.dunning_step_id AS step_id,
                           step.marker_id,
                           move.invoice_date_due,
                           move.dunning_date,
                           move.dunning_excluded,
                           GREATEST(today.day - move.invoice_date_due, 0) AS days_overdue,
                           CASE
                               WHEN today.day - move.invoice_date_due <= 0 THEN '0_not_due'
                               WHEN today.day - move.invoice_date_due <= 30 THEN '1_30'
                               WHEN today.day - move.invoice_date_due <= 60 THEN '2_60'
                               WHEN today.day - move.invoice_date_due <= 90 THEN '3_90'
                               ELSE '4_more'
                           END AS age_bucket,
                           move.amount_residual_signed AS amount_residual,
                           move.dunning_dispute IS TRUE AS dunning_dispute,
                           CASE WHEN move.dunning_dispute THEN move.amount_residual_signed ELSE 0 END AS amount_disputed,
                           CASE WHEN move.dunning_dispute THEN 0 ELSE move.amount_residual_signed END AS amount_undisputed
                      FROM account_move move
                      JOIN res_company company ON company.id = move.company_id
                 LEFT JOIN dunning_strategy_step step ON step.id = move.dunning_step_id
                CROSS JOIN (SELECT (NOW() AT TIME ZONE 'UTC')::date AS day) today
                     WHERE move.move_type = 'out_invoice'
                       AND move.state = 'posted'
                       AND move.payment_state IN %(open_states)s
                       AND move.amount_residual > 0
                       AND move.invoice_date_due IS NOT NULL
                )
                """,
                view=SQL.identifier(self._table),
                open_states=DUNNING_OPEN_PAYMENT_STATES,
            )
        )

    def action_toggle_dunning_excluded(self):
        """Take the invoices of these rows out of automatic reminders, or put them back.

        Deciding who is reminded is the credit controller's job, who needs no accounting
        rights: the user must be a dunning user who may read these rows (company rule), then
        the flag alone is written on the invoices as superuser (tracked in their chatter).
        """
        if not self.env.su and not self.env.user.has_group("dunning_strategy.group_dunning_user"):
            raise AccessError(self.env._("Only credit controllers may exclude an invoice from reminders."))
        self.check_access("read")
        for row in self:
            row.move_id.sudo().write({"dunning_excluded": not row.dunning_excluded})
        return True

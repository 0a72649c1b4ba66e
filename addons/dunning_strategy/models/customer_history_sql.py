"""The payment and reminder history of customers over the last 12 months, in SQL (not a model).

Shared by the "Customers in dunning" view (sortable columns) and the figures of the customer's
dunning tab, so that both say the same thing. The 12 months are the 365 days up to ``today``.
"""

from odoo.tools import SQL


def customer_history_ctes(today, partner_ids=None):
    """Two CTEs, ``paid_12m`` (partner_id, company_id, avg_days_late) and ``reminders_12m``
    (partner_id, company_id, reminder_count), for the commercial partners ``partner_ids`` (all if
    None). ``today`` is an SQL date expression.

    Average days late: of the customer invoices paid in full in the 12 months (the full-payment
    date is the date of their last partial reconciliation), days from the due date to that date
    (0 if paid on time), weighted by the invoice amounts. Reminders: done run lines."""
    move_filter = SQL("TRUE") if partner_ids is None else SQL("move.commercial_partner_id IN %s", tuple(partner_ids))
    line_filter = SQL("TRUE") if partner_ids is None else SQL("line.partner_id IN %s", tuple(partner_ids))
    return SQL(
        """
        paid_12m AS (
            SELECT move.commercial_partner_id AS partner_id, move.company_id,
                   SUM(move.amount_total_signed * GREATEST(paid.date - move.invoice_date_due, 0))
                       / NULLIF(SUM(move.amount_total_signed), 0) AS avg_days_late
              FROM (SELECT item.move_id, MAX(partial.max_date) AS date
                      FROM account_move_line item
                      JOIN account_partial_reconcile partial ON partial.debit_move_id = item.id
                      JOIN account_move move ON move.id = item.move_id
                     WHERE item.display_type = 'payment_term' AND move.move_type = 'out_invoice'
                       AND move.state = 'posted' AND move.amount_residual = 0 AND %(move_filter)s
                  GROUP BY item.move_id) paid
              JOIN account_move move ON move.id = paid.move_id
             WHERE paid.date > %(today)s - 365 AND paid.date <= %(today)s
          GROUP BY move.commercial_partner_id, move.company_id
        ),
        reminders_12m AS (
            SELECT line.partner_id, line.company_id, COUNT(*) AS reminder_count
              FROM dunning_run_line line
             WHERE line.state = 'done' AND line.date > %(today)s - 365 AND line.date <= %(today)s
               AND %(line_filter)s
          GROUP BY line.partner_id, line.company_id
        )
        """,
        today=today,
        move_filter=move_filter,
        line_filter=line_filter,
    )

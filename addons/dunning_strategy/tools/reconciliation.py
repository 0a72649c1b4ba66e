"""Reading the reconciliation history of customer invoices in SQL (the analytics reports)."""

# The receivable items of an invoice and their partial reconciliations (payments, credit notes),
# in company currency: one row (move_id, date, amount) each. ``partial.max_date`` is the date the
# reconciliation takes effect: the later of the two items' dates, i.e. the payment date for a
# payment. An invoice's residual at a date is its total minus the amounts dated on or before it.
INVOICE_PARTIALS_SQL = """
    SELECT item.move_id, partial.max_date AS date, partial.amount
      FROM account_move_line item
      JOIN account_partial_reconcile partial ON partial.debit_move_id = item.id
     WHERE item.display_type = 'payment_term'
"""

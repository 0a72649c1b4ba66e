#!/usr/bin/env python3
"""A year of reminder and payment history on a seeded bench database, in SQL (for speed).

    python3 tests/bench/history_seed.py --db <a database seeded by seed.py>

Run by ``run.py`` on its base database before the ``analytics`` measure (once: it does nothing
when the history is there). What it writes, in the company of the seeded invoices:

1. The invoices are spread over a year: each posted customer invoice (and its journal items) is
   moved back by 0 to 214 days (``id * 7919 mod 215``), so that due dates run from 20 days ahead to
   about 365 days late.
2. 70 % of the invoices due more than 30 days ago are paid in full, ``id mod 61`` days after their
   due date (never after today): a partial reconciliation of their receivable item dated that day
   (its credit side is one existing payment item: only the debit side is read by the reports),
   the item and the invoice get no residual and the invoice is "paid".
3. A done run of the company's default strategy every Monday of the last 52 weeks; an invoice is
   reminded at the first Monday on or after its due date + the days of each step (while it is not
   paid yet), one done line per customer and run at the highest step of its invoices, listing them.
"""

import argparse
import datetime
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

HISTORY_SQL = """
-- 1. spread the invoices over a year
CREATE TEMP TABLE bench_shift AS
    SELECT id, (id * 7919) %% 215 AS days FROM account_move
     WHERE move_type = 'out_invoice' AND state = 'posted' AND company_id = %(company)s;
UPDATE account_move move SET invoice_date = invoice_date - shift.days,
                             invoice_date_due = invoice_date_due - shift.days,
                             date = date - shift.days
  FROM bench_shift shift WHERE shift.id = move.id;
UPDATE account_move_line line SET date = line.date - shift.days,
                                  date_maturity = line.date_maturity - shift.days
  FROM bench_shift shift WHERE shift.id = line.move_id;
-- 2. pay 70 %% of the invoices due more than 30 days ago
CREATE TEMP TABLE bench_paid AS
    SELECT move.id AS move_id, item.id AS item_id, item.amount_residual AS amount,
           LEAST(move.invoice_date_due + move.id %% 61, %(today)s::date) AS date
      FROM account_move move
      JOIN account_move_line item ON item.move_id = move.id AND item.display_type = 'payment_term'
     WHERE move.move_type = 'out_invoice' AND move.state = 'posted' AND move.company_id = %(company)s
       AND move.invoice_date_due < %(today)s::date - 30 AND move.id %% 10 < 7 AND item.amount_residual > 0;
INSERT INTO account_partial_reconcile (debit_move_id, credit_move_id, amount, debit_amount_currency,
                                       credit_amount_currency, debit_currency_id, credit_currency_id,
                                       company_id, max_date, create_uid, write_uid, create_date, write_date)
     SELECT paid.item_id, %(credit_item)s, paid.amount, paid.amount, paid.amount, company.currency_id,
            company.currency_id, %(company)s, paid.date, 1, 1, NOW(), NOW()
       FROM bench_paid paid, res_company company WHERE company.id = %(company)s;
UPDATE account_move_line item SET amount_residual = 0, amount_residual_currency = 0, reconciled = TRUE
  FROM bench_paid paid WHERE paid.item_id = item.id;
UPDATE account_move move SET amount_residual = 0, amount_residual_signed = 0, payment_state = 'paid'
  FROM bench_paid paid WHERE paid.move_id = move.id;
-- 3. a done run every Monday of the last 52 weeks
CREATE TEMP TABLE bench_runs AS
    SELECT day::date AS date FROM generate_series(
        date_trunc('week', %(today)s::date) - INTERVAL '51 weeks', date_trunc('week', %(today)s::date),
        INTERVAL '1 week') day;
INSERT INTO dunning_run (name, strategy_id, company_id, date, mode, state, user_id,
                         create_uid, write_uid, create_date, write_date)
     SELECT 'BENCH/' || runs.date, %(strategy)s, %(company)s, runs.date, 'automatic', 'done', 1, 1, 1, NOW(), NOW()
       FROM bench_runs runs;
CREATE TEMP TABLE bench_reminders AS
    SELECT DISTINCT ON (move.id, run.id) move.id AS move_id, move.commercial_partner_id AS partner_id,
           run.id AS run_id, run.date, step.id AS step_id, step.level
      FROM account_move move
      JOIN dunning_strategy_step step ON step.strategy_id = %(strategy)s
 LEFT JOIN bench_paid paid ON paid.move_id = move.id
      JOIN LATERAL (SELECT run.id, run.date FROM dunning_run run
                     WHERE run.strategy_id = %(strategy)s AND run.name LIKE 'BENCH/%%'
                       AND run.date >= move.invoice_date_due + step.days
                  ORDER BY run.date LIMIT 1) run ON TRUE
     WHERE move.move_type = 'out_invoice' AND move.state = 'posted' AND move.company_id = %(company)s
       AND run.date < COALESCE(paid.date, %(today)s::date + 1)
  ORDER BY move.id, run.id, step.level DESC;
INSERT INTO dunning_run_line (run_id, company_id, date, partner_id, step_id, state, amount_residual,
                              processed_date, create_uid, write_uid, create_date, write_date)
     SELECT run_id, %(company)s, date, partner_id,
            (ARRAY_AGG(step_id ORDER BY level DESC))[1], 'done', 0, date, 1, 1, NOW(), NOW()
       FROM bench_reminders GROUP BY run_id, date, partner_id;
INSERT INTO dunning_run_line_account_move_rel (line_id, move_id)
     SELECT line.id, reminders.move_id
       FROM bench_reminders reminders
       JOIN dunning_run_line line ON line.run_id = reminders.run_id AND line.partner_id = reminders.partner_id
    ON CONFLICT DO NOTHING;
"""


def seed_history(registry, today=None):
    """Seed the history in the database of ``registry`` (nothing if already there); figures."""
    from seed import make_env

    today = today or datetime.date.today()
    started = time.monotonic()
    with registry.cursor() as cr:
        env = make_env(cr)
        cr.execute("SELECT 1 FROM dunning_run WHERE name LIKE 'BENCH/%%' LIMIT 1")
        if cr.fetchone():
            return {}
        company = env.company
        strategy = company.dunning_strategy_id or env["dunning.strategy"].search(
            [("company_id", "=", company.id)], limit=1
        )
        cr.execute(
            """SELECT item.id FROM account_move_line item
                 JOIN account_account account ON account.id = item.account_id
                WHERE item.company_id = %s AND account.account_type = 'asset_receivable' AND item.credit > 0
                LIMIT 1""",
            [company.id],
        )
        [credit_item] = cr.fetchone()
        cr.execute("SET LOCAL work_mem = '256MB'")
        cr.execute(
            HISTORY_SQL,
            {"company": company.id, "today": today, "strategy": strategy.id, "credit_item": credit_item},
        )
        cr.execute(
            "SELECT (SELECT COUNT(*) FROM bench_paid), (SELECT COUNT(*) FROM dunning_run_line_account_move_rel rel "
            "JOIN dunning_run_line line ON line.id = rel.line_id JOIN dunning_run run ON run.id = line.run_id "
            "WHERE run.name LIKE 'BENCH/%%')"
        )
        paid, reminded = cr.fetchone()
        cr.commit()
    with registry.cursor() as cr:
        cr.execute(
            "ANALYZE account_move, account_move_line, account_partial_reconcile, dunning_run_line, "
            "dunning_run_line_account_move_rel, dunning_run"
        )
    return {"paid": paid, "reminded": reminded, "seconds": time.monotonic() - started}


def main(argv=None):
    from seed import load_registry

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True)
    args = parser.parse_args(argv)
    print(f"# history: {seed_history(load_registry(args.db))}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

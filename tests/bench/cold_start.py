#!/usr/bin/env python3
"""``_create_run`` on a database without planner statistics, against the same database analysed:
figures, never assertions.

Usage, from the repository root (Odoo 18 and PostgreSQL as for ``make test``)::

    python3 tests/bench/cold_start.py                    # 10k invoices (2,000 customers)
    python3 tests/bench/cold_start.py --size 10k --size 100k --db-prefix bench

Right after ``-i dunning_strategy`` on an existing database, PostgreSQL has no statistics on the
new tables and columns until autovacuum analyses them: every new customer's first run meets a
planner that guesses. This bench takes the seeded base database of ``run.py`` (built once), and
measures, each time on a fresh copy and in its own process:

- ``cold``: the copy's statistics removed (``pg_statistic`` rows, ``reltuples``/``relpages``
  reset as for tables never vacuumed, autovacuum off on the copy's tables so that it stays so);
- ``analyzed``: the copy after ``ANALYZE``.

Figures, one line each, ``name value unit``: ``create_run_<state>_<size>_s`` and ``_queries``
(``strategy._create_run(today)``, selection plus lines, nothing pending yet),
``create_run_next_day_<state>_<size>_s`` (the next day's run while the first run's lines are all
pending: the case where a lookup per invoice of the pending lines went wrong),
``selection_<state>_<size>_ms`` and ``selection_<state>_<size>_buffers`` (``EXPLAIN (ANALYZE,
BUFFERS)`` of that next day's selection, shared buffers hit and read), and the cold/analysed
ratios.
Removing statistics needs a superuser role (the private cluster's ``odoo`` is one).
"""

import argparse
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import run as bench  # noqa: E402

WIPE_STATISTICS = """
DO $$
DECLARE table_name regclass;
BEGIN
    FOR table_name IN SELECT oid::regclass FROM pg_class
                       WHERE relnamespace = 'public'::regnamespace AND relkind = 'r' LOOP
        EXECUTE format('ALTER TABLE %s SET (autovacuum_enabled = false)', table_name);
    END LOOP;
END $$;
DELETE FROM pg_statistic
 WHERE starelid IN (SELECT oid FROM pg_class WHERE relnamespace = 'public'::regnamespace);
UPDATE pg_class SET reltuples = -1, relpages = 0, relallvisible = 0
 WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'i', 'm');
"""


def measure(dbname):
    """In the child process: time the first ``_create_run`` (nothing pending), then the next
    day's (every invoice of the first run waiting in its pending line: the case of the issue),
    then explain the selection of that next day."""
    import datetime
    import time

    from odoo.tools import SQL

    result = bench.measure_create_run(dbname)
    cr, env = bench.open_env(dbname)
    try:
        strategy = env["dunning.run"].browse(result["run_id"]).strategy_id
        next_day = datetime.date.today() + datetime.timedelta(days=1)
        start = time.perf_counter()
        next_run = strategy._create_run(next_day, "automatic")
        env.flush_all()
        result["next_seconds"] = time.perf_counter() - start
        result["next_lines"] = len(next_run.line_ids)
        cr.rollback()
        query = strategy._dunning_kind()._select_query(strategy, next_day)
        cr.execute(SQL("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) %s", query))
        plan = cr.fetchone()[0]
        plan = plan if isinstance(plan, list) else json.loads(plan)
        top = plan[0]["Plan"]
        result["selection_ms"] = plan[0]["Execution Time"]
        result["selection_buffers"] = top.get("Shared Hit Blocks", 0) + top.get("Shared Read Blocks", 0)
        cr.rollback()
    finally:
        cr.close()
    return result


def run_state(env, base, state):
    work = f"{base}_{state}"
    bench.copy_db(env, base, work)
    try:
        env.sql(WIPE_STATISTICS if state == "cold" else "ANALYZE", dbname=work)
        proc = subprocess.run(
            [sys.executable, __file__, "--child", "--db", work], capture_output=True, text=True, check=False
        )
        if proc.returncode:
            print(f"# {state} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}", flush=True)
            return None
        return json.loads(proc.stdout.strip().splitlines()[-1])
    finally:
        env.drop_db(work)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", action="append", choices=sorted(bench.SIZES), help="10k (default) and/or 100k")
    parser.add_argument("--db-prefix", default="bench", help="prefix of the bench databases (default: bench)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(measure(args.db), default=str), flush=True)
        return 0
    env = bench.devenv.Env()
    figures = {}
    for size in args.size or ["10k"]:
        base = bench.build_base(env, size, False, args.db_prefix)
        results = {}
        for state in ("cold", "analyzed"):
            result = results[state] = run_state(env, base, state)
            if not result:
                continue
            bench.figure(figures, f"create_run_{state}_{size}_s", round(result["seconds"], 3), "s")
            bench.figure(figures, f"create_run_{state}_{size}_queries", result["queries"], "queries")
            bench.figure(figures, f"create_run_next_day_{state}_{size}_s", round(result["next_seconds"], 3), "s")
            bench.figure(figures, f"selection_{state}_{size}_ms", round(result["selection_ms"], 1), "ms")
            bench.figure(figures, f"selection_{state}_{size}_buffers", result["selection_buffers"], "buffers")
        if results.get("cold") and results.get("analyzed"):
            for key, name in (("seconds", "create_run"), ("next_seconds", "create_run_next_day")):
                ratio = results["cold"][key] / results["analyzed"][key]
                bench.figure(figures, f"{name}_cold_over_analyzed_{size}", round(ratio, 2), "x")
    return 0


if __name__ == "__main__":
    sys.exit(main())

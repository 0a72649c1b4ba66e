#!/usr/bin/env python3
"""Benchmark of the dunning engine on seeded databases: figures, never assertions.

Usage, from the repository root (Odoo 18 and PostgreSQL as for ``make test``)::

    python3 tests/bench/run.py                       # 10k invoices (2,000 customers)
    python3 tests/bench/run.py --size 10k --size 100k --json tests/bench/results.json

For each size, a base database ``bench_base_<size>`` (``--db-prefix`` changes ``bench``) is built once (``dunning_strategy`` with
demo data, then ``tests/bench/seed.py``: invoices due from 20 days ahead to 150 days late, 10 %
partly paid, 5 % excluded) and kept for the next run (``--rebuild`` drops it). Every measure runs
in its own process on a fresh copy of it (``CREATE DATABASE ... TEMPLATE``), so that peak memory
is the measure's own and no measure sees another's reminders. The strategy measured is the demo
story's shape (steps at -3, 7, 20, 35 and 50 days, the last repeated), default of the company.

Figures, one line each, ``name value unit``:

- ``create_run_<size>_s`` / ``create_run_<size>_queries``: ``strategy._create_run(today)``,
  candidate selection plus bulk line creation, and its SQL query count;
- ``create_run_promises_<size>_s`` next to ``create_run_plain_<size>_s`` (``--only
  create_run_promises``): the same run with 5 % of the customers under an open promise to pay
  (their invoices are skipped by the selection), and without, medians of 3 alternated runs, each
  on its own copy, with their spread (``..._spread_s``: max - min of the 3);
- ``email_<size>_customers_per_s`` and ``email_<size>_peak_rss_mb``: ``_process_runs`` with
  committed batches (as the cron), email steps only;
- ``activity_<size>_customers_per_s``: the same with activity (phone call) steps only;
- ``letters_<size>_per_s``: letter steps on a 1,000-customer subset of the run;
- ``letters_workers2_<size>_per_s``: the same subset shared by two worker processes;
- ``markers_<size>_queries_per_payment`` and ``markers_<size>_ms``: recomputing the customers'
  step and marker after 1,000 invoices were paid and reconciled (the recompute alone, flushed);
- ``--repeat N``: the email, letter and workers measures run N times (workers: one then two,
  alternated); each figure is then their median, and ``<figure>_spread`` their max - min;
- ``workers1_<size>_customers_per_s``, ``workers2_<size>_customers_per_s``, ``workers_speedup``
  and ``workers2_<size>_duplicates``: one run processed by one, then two worker processes
  sharing it through ``FOR UPDATE SKIP LOCKED`` (a duplicate is a customer reminded twice).
- ``analytics_effectiveness_<size>_s``, ``analytics_health_<size>_s``, ``analytics_situation_<size>_s``:
  the step effectiveness and receivables health read with ``_read_group`` (as their pivot and
  graph) and the first page of the customers in dunning, median of 3; ``analytics_refresh_<size>_s``
  the nightly refresh of the stored analytics, median of 3; after
  ``history_seed.py`` gave the base a year of runs and payments (once; it stays in the base).
"""

import argparse
import contextlib
import cProfile
import datetime
import json
import multiprocessing
import os
import pstats
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(HERE))

import devenv  # noqa: E402

SIZES = {"10k": (2000, 10000), "100k": (20000, 100000)}
STEPS = ((-3, False), (7, False), (20, False), (35, False), (50, True))
LETTER_SUBSET = int(os.environ.get("DUNNING_BENCH_LETTERS", "1000"))
PAYMENTS = 1000


def figure(figures, name, value, unit):
    figures[name] = {"value": value, "unit": unit}
    print(f"{name} {value} {unit}", flush=True)


# --------------------------------------------------------------------------- databases
def build_base(env, size, rebuild, prefix="bench"):
    name = f"{prefix}_base_{size}"
    if rebuild:
        env.drop_db(name)
    if env.db_exists(name):
        return name
    customers, invoices = SIZES[size]
    conf = env.conf(name="bench_run")
    print(f"# building {name}: dunning_strategy, then {invoices} invoices for {customers} customers", flush=True)
    subprocess.run(
        [*env.odoo_cmd, "-c", str(conf), "-d", name, "-i", "dunning_strategy", "--stop-after-init", "--log-level=warn"],
        check=True,
    )
    subprocess.run(
        [
            sys.executable,
            str(HERE / "seed.py"),
            "--db",
            name,
            "--customers",
            str(customers),
            "--invoices",
            str(invoices),
        ],
        check=True,
    )
    return name


def copy_db(env, template, name):
    env.drop_db(name)
    env.sql(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')


# --------------------------------------------------------------------------- inside Odoo
_REGISTRIES = {}


def open_env(dbname):
    """A cursor on ``dbname`` and an environment; the caller commits or not."""
    from seed import load_registry, make_env

    if dbname not in _REGISTRIES:
        _REGISTRIES[dbname] = load_registry(dbname)
    cr = _REGISTRIES[dbname].cursor()
    env = make_env(cr)
    # the seeder's context silences the chatter; the engine runs with the normal one
    return cr, env(
        context={key: value for key, value in env.context.items() if not key.startswith(("tracking", "mail_"))}
    )


def make_strategy(env, channel):
    """The demo story's steps, all of one channel, as the company's default strategy."""
    company = env.company
    env["dunning.strategy"].search([]).write({"automatic": False})
    template = env.ref("dunning_strategy.mail_template_dunning_reminder")
    steps = []
    for days, repeat in STEPS:
        vals = {"name": f"J{days:+d}", "days": days, "repeat_days": 15 if repeat else 0}
        if channel == "email":
            vals.update(send_email=True, mail_template_id=template.id)
        elif channel == "activity":
            vals.update(
                schedule_activity=True,
                activity_type_id=env.ref("mail.mail_activity_data_call").id,
                activity_user="responsible",
            )
        elif channel == "letter":
            vals.update(print_letter=True, **letter_step_values(env))
        steps.append((0, 0, vals))
    strategy = env["dunning.strategy"].create(
        {"name": f"Bench {channel}", "company_id": company.id, "step_ids": steps, "responsible_id": env.uid}
    )
    company.dunning_strategy_id = strategy
    # the seeded customers use the company default; demo customers keep their own strategy
    return strategy


def letter_step_values(env):
    """The letter template of the letters feature, when the addon has it."""
    if "dunning.letter.template" not in env:
        return {}
    template = env["dunning.letter.template"].search([], limit=1)
    return {"letter_template_id": template.id} if template else {}


def give_postal_addresses(env, partners):
    """Seeded customers have no address; a letter needs one (not timed)."""
    france = env.ref("base.fr")
    for index, partner in enumerate(partners):
        partner.write(
            {"street": f"{index + 1} rue de la République", "zip": "69002", "city": "Lyon", "country_id": france.id}
        )


def queries(cr):
    return cr.sql_log_count


def measure_create_run(dbname, channel="email"):
    cr, env = open_env(dbname)
    try:
        strategy = make_strategy(env, channel)
        env.flush_all()
        today = datetime.date.today()
        start_q, start = queries(cr), time.perf_counter()
        run = strategy._create_run(today, "automatic")
        env.flush_all()
        elapsed = time.perf_counter() - start
        result = {"seconds": elapsed, "queries": queries(cr) - start_q, "lines": len(run.line_ids), "run_id": run.id}
        cr.commit()
        return result
    finally:
        cr.close()


PROMISED_SHARE = 0.05


def make_promises(env, share=PROMISED_SHARE):
    """Open promises to pay (due in 10 days) on the overdue invoices of ``share`` of the customers
    that have some: one promise per customer, made as a user would (not timed)."""
    today = datetime.date.today()
    rows = env["account.move"]._read_group(
        [
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("payment_state", "in", ("not_paid", "partial")),
            ("amount_residual", ">", 0),
            ("invoice_date_due", "<", today),
            ("company_id", "=", env.company.id),
        ],
        ["commercial_partner_id"],
        ["id:array_agg"],
    )
    # the customers with invoices in the company (the seeded ones and the demo's)
    customers = len(
        env["account.move"]._read_group(
            [("move_type", "=", "out_invoice"), ("company_id", "=", env.company.id)], ["commercial_partner_id"]
        )
    )
    count = max(1, round(customers * share))
    step = max(1, len(rows) // count)
    chosen = rows[::step][:count]
    env["dunning.promise"].create(
        [
            {
                "partner_id": partner.id,
                "company_id": env.company.id,
                "invoice_ids": [(6, 0, move_ids)],
                "date": today + datetime.timedelta(days=10),
            }
            for partner, move_ids in chosen
        ]
    )
    return len(chosen)


def measure_create_run_promises(dbname):
    """``measure_create_run`` with 5 % of the customers under an open promise to pay."""
    cr, env = open_env(dbname)
    try:
        promised = make_promises(env)
        env.flush_all()
        cr.commit()
    finally:
        cr.close()
    return dict(measure_create_run(dbname), promised=promised)


def measure_process(dbname, channel, limit=None):
    """Create the run (not timed), keep ``limit`` lines, process as the cron does (committed batches)."""
    created = measure_create_run(dbname, channel)
    cr, env = open_env(dbname)
    try:
        run = env["dunning.run"].browse(created["run_id"])
        if limit and len(run.line_ids) > limit:
            run.line_ids.sorted("id")[limit:].unlink()
            cr.commit()
        if channel == "letter":
            give_postal_addresses(env, run.line_ids.partner_id)
            cr.commit()
        lines = len(run.line_ids)
        start_q, start = queries(cr), time.perf_counter()
        with profiled(f"{channel}_{lines}"):
            env["dunning.engine"]._process_runs(run, commit=True)
        elapsed = time.perf_counter() - start
        processing_queries = queries(cr) - start_q
        states = dict(env["dunning.run.line"]._read_group([("run_id", "=", run.id)], ["state"], ["__count"]))
        cr.commit()
        return {
            "seconds": elapsed,
            "lines": lines,
            "per_s": lines / elapsed if elapsed else 0,
            "states": states,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "queries_per_line": processing_queries / lines if lines else 0,
            "run_id": run.id,
        }
    finally:
        cr.close()


@contextlib.contextmanager
def profiled(name):
    """cProfile of the block when ``--profile DIR`` was given: ``DIR/<name>.prof`` and the 40
    costliest functions by cumulated time in ``DIR/<name>.txt``."""
    directory = os.environ.get("DUNNING_BENCH_PROFILE")
    if not directory:
        yield
        return
    profile = cProfile.Profile()
    profile.enable()
    try:
        yield
    finally:
        profile.disable()
        path = Path(directory) / name
        profile.dump_stats(f"{path}.prof")
        with open(f"{path}.txt", "w") as out:
            pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(40)
            pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(30)


def measure_markers(dbname):
    """After an email run: pay 1,000 reminded invoices of distinct customers in full, then
    time the customers' step/marker recompute alone (the rest of the payment is not ours)."""
    processed = measure_process(dbname, "email")
    cr, env = open_env(dbname)
    try:
        run = env["dunning.run"].browse(processed["run_id"])
        invoices = run.line_ids.filtered(lambda line: line.state == "done").mapped(lambda line: line.due_move_ids[:1])
        invoices = invoices[:PAYMENTS]
        wizard = (
            env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoices.ids)
            .create({"group_payment": False})
        )
        pay_start = time.perf_counter()
        wizard._create_payments()
        env.flush_all()
        pay_elapsed = time.perf_counter() - pay_start
        partners = invoices.commercial_partner_id
        field = env["res.partner"]._fields["dunning_step_by_company"]
        env.add_to_compute(field, partners)
        start_q, start = queries(cr), time.perf_counter()
        env.flush_all()
        elapsed = time.perf_counter() - start
        result = {
            "payments": len(invoices),
            "payment_seconds": pay_elapsed,
            "recompute_ms": elapsed * 1000,
            "recompute_queries": queries(cr) - start_q,
            "unmarked": len(partners.filtered(lambda p: not p.dunning_step_id)),
        }
        cr.rollback()
        return result
    finally:
        cr.close()


def worker_process(dbname, run_id, ready, go):
    """One cron worker: loads Odoo, says it is ready, waits for the start, processes the run."""
    cr, env = open_env(dbname)
    ready.set()
    go.wait()
    try:
        env["dunning.engine"]._process_runs(env["dunning.run"].browse(run_id), commit=True)
        cr.commit()
    finally:
        cr.close()


def measure_workers(dbname, count, channel="email", limit=None):
    created = measure_create_run(dbname, channel)
    if limit or channel == "letter":
        cr, env = open_env(dbname)
        try:
            run = env["dunning.run"].browse(created["run_id"])
            if limit and len(run.line_ids) > limit:
                run.line_ids.sorted("id")[limit:].unlink()
            if channel == "letter":
                give_postal_addresses(env, run.line_ids.partner_id)
            created["lines"] = len(run.line_ids)
            cr.commit()
        finally:
            cr.close()
    context = multiprocessing.get_context("spawn")
    go = context.Event()
    readies = [context.Event() for _ in range(count)]
    procs = [context.Process(target=worker_process, args=(dbname, created["run_id"], ready, go)) for ready in readies]
    for proc in procs:
        proc.start()
    # time the processing only, not the start of the workers (an Odoo cron worker is already up)
    for ready in readies:
        ready.wait(600)
    start = time.perf_counter()
    go.set()
    for proc in procs:
        proc.join()
    elapsed = time.perf_counter() - start
    env = devenv.Env()
    run_id = created["run_id"]
    # an email is a comment; a letter is a note naming the run
    duplicate_filter = (
        "message.message_type = 'comment'"
        if channel == "email"
        else "message.message_type = 'notification' AND message.body::text LIKE '%' || run.name || '%'"
    )
    duplicates = env.sql(
        f"""SELECT count(*) FROM (
                SELECT line.partner_id FROM dunning_run_line line
                  JOIN dunning_run run ON run.id = line.run_id
                  JOIN mail_message message ON message.model = 'res.partner' AND message.res_id = line.partner_id
                       AND message.create_date >= run.create_date
                       AND {duplicate_filter}
                 WHERE line.run_id = {run_id}
              GROUP BY line.partner_id HAVING count(*) > 1) twice""",
        dbname=dbname,
    )[0][0]
    pending = env.sql(f"SELECT count(*) FROM dunning_run_line WHERE run_id = {run_id} AND state = 'pending'", dbname)
    return {
        "seconds": elapsed,
        "lines": created["lines"],
        "per_s": created["lines"] / elapsed,
        "duplicates": duplicates,
        "pending": pending[0][0],
    }


MEASURES = {
    "create_run": measure_create_run,
    "email": lambda db: measure_process(db, "email"),
    "activity": lambda db: measure_process(db, "activity"),
    "letter": lambda db: measure_process(db, "letter", LETTER_SUBSET),
    "markers": measure_markers,
    "create_run_promises": measure_create_run_promises,
    "workers1": lambda db: measure_workers(db, 1),
    "workers2": lambda db: measure_workers(db, 2),
    "letter_workers2": lambda db: measure_workers(db, 2, "letter", LETTER_SUBSET),
}


def measure_analytics(dbname):
    """The reports read as the pivot and graph do (``_read_group``), median of 3 each, on the
    history seeded by history_seed.py; the stored analytics are recreated first (the base may
    predate the code), and their refresh (the nightly job) is measured too."""
    import statistics

    cr, env = open_env(dbname)
    for model in ("dunning.step.effectiveness", "dunning.receivables.health", "dunning.customer.situation"):
        env[model].init()
    reads = {
        "effectiveness": lambda: env["dunning.step.effectiveness"]._read_group(
            [], ["strategy_id", "step_id"], ["paid_within_15:avg", "days_to_payment:avg", "__count"]
        ),
        "health": lambda: env["dunning.receivables.health"]._read_group(
            [], ["company_id", "month:month"], ["dso:avg", "open_amount:sum", "amount_90_more:sum", "avg_days_late:avg"]
        ),
        "situation": lambda: env["dunning.customer.situation"].search_fetch(
            [], ["amount_overdue", "avg_days_late", "reminder_count"], order="amount_overdue desc", limit=80
        ),
    }
    result = {}
    times = []
    for _i in range(3):
        started = time.perf_counter()
        env["dunning.analytics.snapshot"]._refresh_analytics()
        times.append(time.perf_counter() - started)
    result["refresh"] = {"median_s": statistics.median(times), "rows": 0}
    for name, read in reads.items():
        times = []
        for _i in range(3):
            started = time.perf_counter()
            rows = read()
            times.append(time.perf_counter() - started)
        result[name] = {"median_s": statistics.median(times), "rows": len(rows)}
    cr.execute("SELECT COUNT(*) FROM dunning_step_effectiveness")
    result["effectiveness_rows"] = cr.fetchone()[0]
    cr.rollback()
    cr.close()
    return result


MEASURES["analytics"] = measure_analytics


def child(measure, dbname):
    """Entry of one measure's own process: prints its result as JSON on the last line."""
    print(json.dumps(MEASURES[measure](dbname), default=str), flush=True)


def run_measure(env, base, measure):
    work = f"{base}_work"
    copy_db(env, base, work)
    try:
        proc = subprocess.run(
            [sys.executable, __file__, "--child", measure, "--db", work],
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode:
            print(f"# {measure} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}", flush=True)
            return None
        return json.loads(proc.stdout.strip().splitlines()[-1])
    finally:
        env.drop_db(work)


def bench_promises(env, base, size, figures):
    """``create_run`` without and with promises to pay (``create_run_promises``), alternated."""
    # alternated, each on a fresh copy: the plain run and the run with promises see the
    # same machine load; medians of 3 and the spread say whether the difference is real
    plain, promised = [], []
    for _ in range(3):
        if r := run_measure(env, base, "create_run"):
            plain.append(r)
        if r := run_measure(env, base, "create_run_promises"):
            promised.append(r)
    for name, results in (("plain", plain), ("promises", promised)):
        if results:
            seconds = sorted(r["seconds"] for r in results)
            figure(figures, f"create_run_{name}_{size}_s", round(seconds[len(seconds) // 2], 3), "s")
            figure(figures, f"create_run_{name}_{size}_spread_s", round(seconds[-1] - seconds[0], 3), "s")
            figure(figures, f"create_run_{name}_{size}_queries", results[0]["queries"], "queries")
            figure(figures, f"create_run_{name}_{size}_lines", results[0]["lines"], "customers")
    if promised:
        figure(figures, f"create_run_promises_{size}_promised", promised[0]["promised"], "customers")


def repeated(env, base, measure, repeat):
    """The results of ``repeat`` runs of ``measure`` (each on its own copy) that succeeded."""
    return [r for r in (run_measure(env, base, measure) for _ in range(repeat)) if r]


def figure_repeated(figures, name, results, key, unit, *, digits=1):
    """``name``: the median of ``key`` over ``results``; with several, ``name_spread`` (max -
    min) and ``name_min`` too: a target "stable over 3 runs" is met by the minimum."""
    values = sorted(r[key] for r in results)
    figure(figures, name, round(statistics.median(values), digits), unit)
    if len(values) > 1:
        figure(figures, f"{name}_spread", round(values[-1] - values[0], digits), unit)
        figure(figures, f"{name}_min", round(values[0], digits), unit)


def bench_size(env, size, rebuild, only, prefix="bench", *, repeat=1):
    figures = {}
    base = build_base(env, size, rebuild, prefix)

    def wanted(name):
        return not only or name in only

    if wanted("create_run") and (r := run_measure(env, base, "create_run")):
        figure(figures, f"create_run_{size}_s", round(r["seconds"], 3), "s")
        figure(figures, f"create_run_{size}_queries", r["queries"], "queries")
        figure(figures, f"create_run_{size}_lines", r["lines"], "customers")
    if wanted("create_run_promises"):
        bench_promises(env, base, size, figures)
    if wanted("email") and (r := repeated(env, base, "email", repeat)):
        figure_repeated(figures, f"email_{size}_customers_per_s", r, "per_s", "1/s")
        figure(figures, f"email_{size}_peak_rss_mb", round(r[0]["peak_rss_mb"]), "MB")
        figure(figures, f"email_{size}_queries_per_customer", round(r[0]["queries_per_line"], 2), "q")
    if wanted("activity") and (r := run_measure(env, base, "activity")):
        figure(figures, f"activity_{size}_customers_per_s", round(r["per_s"], 1), "1/s")
        figure(figures, f"activity_{size}_peak_rss_mb", round(r["peak_rss_mb"]), "MB")
    if wanted("letter") and (r := repeated(env, base, "letter", repeat)):
        figure_repeated(figures, f"letters_{size}_per_s", r, "per_s", "1/s")
        figure(figures, f"letters_{size}_peak_rss_mb", round(r[0]["peak_rss_mb"]), "MB")
    if wanted("letter_workers2") and (r := run_measure(env, base, "letter_workers2")):
        figure(figures, f"letters_workers2_{size}_per_s", round(r["per_s"], 1), "1/s")
        figure(figures, f"letters_workers2_{size}_duplicates", r["duplicates"], "customers")
    if wanted("markers") and (r := run_measure(env, base, "markers")):
        figure(figures, f"markers_{size}_ms", round(r["recompute_ms"], 1), "ms")
        figure(figures, f"markers_{size}_queries", r["recompute_queries"], "queries")
        figure(figures, f"markers_{size}_queries_per_payment", round(r["recompute_queries"] / r["payments"], 3), "q")
    if wanted("analytics"):
        # in its own process: the base must have no connection left when it is copied
        subprocess.run([sys.executable, str(HERE / "history_seed.py"), "--db", base], check=True)
        if r := run_measure(env, base, "analytics"):
            for name in ("effectiveness", "health", "situation", "refresh"):
                figure(figures, f"analytics_{name}_{size}_s", round(r[name]["median_s"], 3), "s")
            figure(figures, f"analytics_effectiveness_{size}_rows", r["effectiveness_rows"], "rows")
    if wanted("workers"):
        # one worker then two, alternated: each speedup compares runs under the same load
        pairs = [(run_measure(env, base, "workers1"), run_measure(env, base, "workers2")) for _ in range(repeat)]
        pairs = [(one, two) for one, two in pairs if one and two]
        if pairs:
            figure_repeated(figures, f"workers1_{size}_customers_per_s", [one for one, _two in pairs], "per_s", "1/s")
            figure_repeated(figures, f"workers2_{size}_customers_per_s", [two for _one, two in pairs], "per_s", "1/s")
            speedups = [{"speedup": two["per_s"] / one["per_s"]} for one, two in pairs]
            figure_repeated(figures, f"workers_speedup_{size}", speedups, "speedup", "x", digits=2)
            figure(figures, f"workers2_{size}_duplicates", sum(two["duplicates"] for _one, two in pairs), "customers")
            figure(figures, f"workers2_{size}_pending_left", sum(two["pending"] for _one, two in pairs), "lines")
    return figures


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", action="append", choices=sorted(SIZES), help="10k (default) and/or 100k")
    parser.add_argument("--only", action="append", help="measure only: create_run, email, activity, letter, ...")
    parser.add_argument("--rebuild", action="store_true", help="drop and rebuild the seeded base databases")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    parser.add_argument("--db-prefix", default="bench", help="prefix of the bench databases (default: bench)")
    parser.add_argument("--profile", type=Path, help="write a cProfile of each processing measure into this folder")
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="run the email, letter and workers measures N times: each figure is the median, with its spread",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.db)
        return 0
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
        os.environ["DUNNING_BENCH_PROFILE"] = str(args.profile.resolve())
    env = devenv.Env()
    figures = {}
    for size in args.size or ["10k"]:
        figures.update(bench_size(env, size, args.rebuild, args.only, args.db_prefix, repeat=args.repeat))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""What one reminder costs, part by part, without the profiler: figures, never assertions.

Usage, from the repository root (Odoo 18 and PostgreSQL as for ``make test``)::

    python3 tests/bench/floors.py [--size 10k] [--db-prefix bench] [--customers 500]

Issue 19 asks one worker for 300 emails a second (3.3 ms a customer) and 22 letters a second
(45 ms a letter). cProfile inflates pure-Python code several times over, so its shares cannot
say whether a part alone already exceeds that budget. This script times the parts with the
wall clock, on a fresh copy of the bench base (``tests/bench/run.py`` builds it), each on
``--customers`` customers of a run, then times the whole processing of the same customers:

- emails: the step's ``mail.template`` rendering a batch of 100 as the engine does
  (``_generate_template``), sanitizing each body once as the chatter message's field does,
  then ``_process_runs`` on the same customers, committed per batch as the cron;
- letters: the letter bodies (QWeb, values, QR codes), then WeasyPrint's layout and PDF
  writing and the cutting per letter, batches of 100, then ``_process_runs`` on the same
  customers; and, for scale, WeasyPrint on the same letters with the company's header and
  footer but a one-sentence body.

Each figure is ms a customer (or a letter), the median of ``--repeat`` passes.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import run as bench  # noqa: E402

BATCH = 100


def batches(records, size=BATCH):
    for start in range(0, len(records), size):
        yield records[start : start + size]


def per_item_ms(seconds, count):
    return round(seconds * 1000 / count, 2)


def timed(function):
    start = time.perf_counter()
    result = function()
    return result, time.perf_counter() - start


def kept_lines(env, run_id, customers):
    """The run and its first ``customers`` lines; the other lines are deleted (not committed)."""
    run = env["dunning.run"].browse(run_id)
    lines = run.line_ids.sorted("id")
    lines[customers:].unlink()
    return run, lines[:customers].exists()


def email_parts(dbname, customers, repeat):
    created = bench.measure_create_run(dbname, "email")
    cr, env = bench.open_env(dbname)
    try:
        run, lines = kept_lines(env, created["run_id"], customers)
        cr.commit()
        # the pay links' access tokens, made by the engine in one UPDATE before rendering
        lines.move_ids._dunning_ensure_access_tokens()
        cr.commit()
        engine = env["dunning.engine"]
        field = env["mail.message"]._fields["body"]
        message = env["mail.message"]
        render, sanitize = [], []
        for _ in range(repeat):
            bodies, seconds = [], 0.0
            for batch in batches(lines):
                template = batch.step_id.mail_template_id
                rendered, elapsed = timed(
                    lambda batch=batch, template=template: template._generate_template(
                        batch.ids, engine._email_render_fields()
                    )
                )
                seconds += elapsed
                bodies += [values["body_html"] for values in rendered.values()]
            render.append(seconds)
            env.invalidate_all()
            sanitize.append(timed(lambda bodies=bodies: [field.convert_to_cache(body, message) for body in bodies])[1])
        body_size = statistics.median(len(str(body)) for body in bodies)
        _, total = timed(lambda: engine._process_runs(run, commit=True))
        done = env["dunning.run.line"].search_count([("run_id", "=", run.id), ("state", "=", "done")])
        cr.commit()
        return {
            "customers": len(lines),
            "done": done,
            "render_ms": per_item_ms(statistics.median(render), len(lines)),
            "sanitize_ms": per_item_ms(statistics.median(sanitize), len(lines)),
            "body_chars": body_size,
            "total_ms": per_item_ms(total, len(lines)),
        }
    finally:
        cr.close()


def letter_parts(dbname, customers, repeat):
    created = bench.measure_create_run(dbname, "letter")
    cr, env = bench.open_env(dbname)
    # importable once the registry is loaded (the addons path is set then)
    from odoo.addons.dunning_strategy.tools import letter_pdf

    try:
        run, lines = kept_lines(env, created["run_id"], customers)
        bench.give_postal_addresses(env, lines.partner_id)
        cr.commit()
        documents = env["dunning.document"]
        layout = documents._letter_layout(env.company)
        css = letter_pdf.letter_css(layout)
        parts = {"html": [], "layout": [], "write": [], "split": [], "bare_layout": [], "bare_write": []}
        pages = 0
        for _ in range(repeat):
            seconds = dict.fromkeys(parts, 0.0)
            pages = 0
            for batch in batches(lines):
                fees = documents._set_late_fees(batch)
                bodies, elapsed = timed(lambda batch=batch, fees=fees: documents._render_letter_bodies(batch, fees))
                seconds["html"] += elapsed
                letters = [
                    letter_pdf.Letter(body=body, address=documents._letter_address(line), title=line.partner_id.name)
                    for line, body in bodies.items()
                ]
                # as render_letters_pdf lays letters out
                with letter_pdf._fewer_young_collections():
                    document, elapsed = timed(
                        lambda letters=letters: letter_pdf._render(letter_pdf._document_html(letters, layout, css, ""))
                    )
                    seconds["layout"] += elapsed
                    pages += len(document.pages)
                    ranges = letter_pdf._letter_page_ranges(document, len(letters))
                    pdf, elapsed = timed(document.write_pdf)
                    seconds["write"] += elapsed
                    seconds["split"] += timed(
                        lambda pdf=pdf, ranges=ranges, letters=letters: letter_pdf._split_pdf(
                            pdf, ranges, [letter.title for letter in letters]
                        )
                    )[1]
                    bare = [
                        letter_pdf.Letter(
                            body="<p>Madame, Monsieur, merci de régler notre facture.</p>", address=x.address
                        )
                        for x in letters
                    ]
                    document, elapsed = timed(
                        lambda bare=bare: letter_pdf._render(letter_pdf._document_html(bare, layout, css, ""))
                    )
                    seconds["bare_layout"] += elapsed
                    seconds["bare_write"] += timed(document.write_pdf)[1]
                # the late fees and access tokens written above are the engine's to write
                cr.rollback()
            for name, value in seconds.items():
                parts[name].append(value)
        result = {name: per_item_ms(statistics.median(values), len(lines)) for name, values in parts.items()}
        _, total = timed(lambda: env["dunning.engine"]._process_runs(run, commit=True))
        done = env["dunning.run.line"].search_count([("run_id", "=", run.id), ("state", "=", "done")])
        cr.commit()
        return {
            **{f"{name}_ms": value for name, value in result.items()},
            "customers": len(lines),
            "pages_per_letter": round(pages / len(lines), 2),
            "done": done,
            "total_ms": per_item_ms(total, len(lines)),
        }
    finally:
        cr.close()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="10k", choices=sorted(bench.SIZES))
    parser.add_argument("--db-prefix", default="bench")
    parser.add_argument("--customers", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", choices=("email", "letter"))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    measures = {"email": email_parts, "letter": letter_parts}
    if args.child:
        import json

        print(json.dumps(measures[args.child](args.db, args.customers, args.repeat)), flush=True)
        return 0
    env = bench.devenv.Env()
    base = bench.build_base(env, args.size, False, args.db_prefix)
    for name in [args.only] if args.only else measures:
        work = f"{base}_floors"
        bench.copy_db(env, base, work)
        try:
            proc = bench.subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--child",
                    name,
                    "--db",
                    work,
                    "--customers",
                    str(args.customers),
                    "--repeat",
                    str(args.repeat),
                ],
                capture_output=True,
                text=True,
                check=False,
            )
        finally:
            env.drop_db(work)
        if proc.returncode:
            print(f"# {name} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}", flush=True)
            continue
        result = bench.json.loads(proc.stdout.strip().splitlines()[-1])
        for key, value in result.items():
            unit = "ms" if key.endswith("_ms") else ""
            print(f"{name}_{args.size}_{key.removesuffix('_ms')} {value} {unit}".rstrip(), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

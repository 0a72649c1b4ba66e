"""Acceptance of the cron under a production server's limits: a prefork server with Odoo's
default limits (``--workers 2 --max-cron-threads 1 --limit-time-cpu 60 --limit-time-real 120``)
runs an automatic run of 3,000 customers with a letter step to the end on its own: every
customer reminded exactly once, no line left pending, and the cron worker never killed (no
"timeout" nor "CPU time limit" in the server's log).

The 3,000 customers and their invoices are seeded in SQL by ``tests/bench/seed.py`` (about 30 s).
The rest of the wall time is WeasyPrint laying out 3,000 letters in the single cron worker, which
Odoo runs at nice 10: 818 s (13 min 38 s) measured on 2026-11-30 while other processes kept the
2-core machine's load average at 4-7; about 5 minutes expected on a quiet machine (14 letters a
second), not measured."""

import re

import dunning_world as world
import pytest

CUSTOMERS = 3000
SERVER_LIMITS = ["--workers=2", "--max-cron-threads=1", "--limit-time-cpu=60", "--limit-time-real=120"]
KILLED = re.compile(r"timeout|CPU time limit", re.IGNORECASE)


def _make_letter_strategy(admin):
    """A one-step automatic strategy that prints a letter, default of the main company."""
    company_id = admin.call("res.users", "read", [admin.uid], fields=["company_id"])[0]["company_id"][0]
    others = admin.call("dunning.strategy", "search", [("automatic", "=", True)])
    if others:
        admin.call("dunning.strategy", "write", others, {"automatic": False})
    letter_template = world.xmlid(admin, "dunning_strategy.dunning_letter_template_default")
    strategy_id = admin.call(
        "dunning.strategy",
        "create",
        {
            "name": "Letters under limits",
            "company_id": company_id,
            "automatic": True,
            "step_ids": [
                (0, 0, {"name": "Letter", "days": 0, "print_letter": True, "letter_template_id": letter_template}),
            ],
        },
    )
    admin.call("res.company", "write", [company_id], {"dunning_strategy_id": strategy_id})
    return strategy_id


def _cron_passes(server):
    """The cron's own account of its passes, to tell a slow run from a stuck one on failure."""
    log = server.logfile.read_text(errors="replace").splitlines()
    return "\n".join(line for line in log if "Dunning: daily run" in line or KILLED.search(line))[-4000:]


# About 5 min on a quiet machine; the cron worker runs at nice 10, so other load slows it most.
@pytest.mark.watchdog(1800)
def test_prefork_server_with_default_limits_finishes_a_3000_letter_run(new_server):
    server = new_server(start=False)
    world.seed(server, CUSTOMERS, CUSTOMERS)
    world.quiet_other_crons(server)
    # seeded customers have no postal address; a letter needs one
    server.sql(
        "UPDATE res_partner SET street = '1 rue de la République', zip = '69002', city = 'Lyon' "
        "WHERE ref LIKE 'BENCH-%'"
    )
    server.extra_args = SERVER_LIMITS
    server.start()
    admin = server.login()
    strategy_id = _make_letter_strategy(admin)

    world.run_cron_now(server, admin)
    run_id = world.wait_for(
        lambda: server.sql(f"SELECT max(id) FROM dunning_run WHERE strategy_id = {strategy_id}")[0][0],
        timeout=300,
        what="the cron to create the run",
    )
    total = server.sql(f"SELECT count(*) FROM dunning_run_line WHERE run_id = {run_id}")[0][0]
    # 5 % of the seeded invoices are excluded from dunning, and those not due yet (about 12 %) wait
    assert total >= CUSTOMERS * 0.8, total
    # nobody calls the cron again: it must come back on its own until the run is done
    try:
        world.wait_for(
            lambda: server.sql(f"SELECT state FROM dunning_run WHERE id = {run_id}")[0][0] == "done",
            timeout=1500,
            interval=2,
            what="the cron to finish the run",
        )
    except AssertionError as error:
        raise AssertionError(
            f"{error}; lines {world.line_states(server, run_id)}; cron:\n{_cron_passes(server)}"
        ) from None
    server.stop()

    assert world.line_states(server, run_id) == {"done": total}, "every line done, none pending or failed"
    printed = dict(
        server.sql(
            f"""SELECT line.partner_id, count(message.id)
                  FROM dunning_run_line line
                  JOIN dunning_run run ON run.id = line.run_id
             LEFT JOIN mail_message message
                    ON message.model = 'res.partner' AND message.res_id = line.partner_id
                   AND message.message_type = 'notification' AND message.body LIKE '%' || run.name || '%'
                 WHERE line.run_id = {run_id}
              GROUP BY line.partner_id"""
        )
    )
    assert len(printed) == total and set(printed.values()) == {1}, "each customer's letter printed exactly once"
    letters, end_error = server.sql(f"SELECT letters_attachment_id, end_error FROM dunning_run WHERE id = {run_id}")[0]
    assert letters and not end_error, "the run's letters merged into one PDF"
    log = server.logfile.read_text(errors="replace")
    assert not KILLED.findall(log), [line for line in log.splitlines() if KILLED.search(line)][:5]
    passes = len(re.findall(r"Job 'Dunning: scheduled runs' \(\d+\) processed (\d+) records", log))
    assert passes > 1, "the run took several cron passes, each inside the limits"

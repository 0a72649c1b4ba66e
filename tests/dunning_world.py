"""A dunning world on a real server: seeded customers and invoices, one strategy, helpers that
read what the engine did. Used by the out-of-process reliability and security tests."""

import datetime
import subprocess
import sys
import time
from pathlib import Path

SEED = Path(__file__).resolve().parent / "bench" / "seed.py"


def seed(server, customers, invoices):
    """Customers and open posted invoices, through tests/bench/seed.py (ORM templates cloned in SQL)."""
    proc = subprocess.run(
        [sys.executable, str(SEED), "--db", server.dbname, "--customers", str(customers), "--invoices", str(invoices)],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert proc.returncode == 0, f"seeding failed:\n{proc.stdout}\n{proc.stderr}"


def quiet_other_crons(server):
    """Only the dunning cron may run: the mail queue would otherwise try to send (and delete) mails."""
    server.sql(
        """UPDATE ir_cron SET active = (id = (SELECT res_id FROM ir_model_data
                                              WHERE module = 'dunning_strategy' AND name = 'ir_cron_dunning_run'))"""
    )


def xmlid(user, module_name):
    module, name = module_name.split(".")
    rows = user.call("ir.model.data", "search_read", [("module", "=", module), ("name", "=", name)], fields=["res_id"])
    return rows[0]["res_id"]


def make_strategy(admin, name="RPC strategy", automatic=True, days=0):
    """A one-step email strategy, default of the main company; every other strategy is manual."""
    company_id = admin.call("res.users", "read", [admin.uid], fields=["company_id"])[0]["company_id"][0]
    others = admin.call("dunning.strategy", "search", [("automatic", "=", True)])
    if others:
        admin.call("dunning.strategy", "write", others, {"automatic": False})
    template_id = xmlid(admin, "dunning_strategy.mail_template_dunning_reminder")
    strategy_id = admin.call(
        "dunning.strategy",
        "create",
        {
            "name": name,
            "company_id": company_id,
            "automatic": automatic,
            "step_ids": [
                (0, 0, {"name": "Reminder", "days": days, "send_email": True, "mail_template_id": template_id}),
            ],
        },
    )
    admin.call("res.company", "write", [company_id], {"dunning_strategy_id": strategy_id})
    # Demo customers have strategies of their own: the seeded ones use the company default.
    return strategy_id


def set_param(admin, key, value):
    ids = admin.call("ir.config_parameter", "search", [("key", "=", key)])
    if ids:
        admin.call("ir.config_parameter", "write", ids, {"value": str(value)})
    else:
        admin.call("ir.config_parameter", "create", {"key": key, "value": str(value)})


def run_cron_now(server, admin):
    """Wake the cron threads of every server on the database for the dunning job, as Odoo's
    own ``ir.cron._trigger`` does: make it due, then NOTIFY the channel they listen on."""
    cron_id = xmlid(admin, "dunning_strategy.ir_cron_dunning_run")
    now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None) - datetime.timedelta(seconds=5)
    admin.call("ir.cron", "write", [cron_id], {"nextcall": now.strftime("%Y-%m-%d %H:%M:%S"), "active": True})
    # Odoo's cron workers listen on the ``postgres`` database (``ir.cron._notifydb``)
    server.env.sql(f"NOTIFY cron_trigger, '{server.dbname}'")
    return cron_id


def last_run_id(server):
    return server.sql("SELECT max(id) FROM dunning_run")[0][0] or 0


def create_run_without_processing(admin):
    """The daily cron creates today's run; a processing budget of 0 s leaves every line pending.

    The budget stays at 0: a call that created a run and had no time for its lines brings the
    cron back at once, and that call must find no time either (the test processes the run itself).

    :return: the id of the new run
    """
    set_param(admin, "dunning_strategy.cron_time_budget", 0)
    cron_id = xmlid(admin, "dunning_strategy.ir_cron_dunning_run")
    admin.call("ir.cron", "method_direct_trigger", [cron_id])
    runs = admin.call("dunning.run", "search", [("mode", "=", "automatic")], order="id desc", limit=1)
    return runs[0]


def line_states(server, run_id):
    rows = server.sql(f"SELECT state, count(*) FROM dunning_run_line WHERE run_id = {int(run_id)} GROUP BY state")
    return dict(rows)


def wait_for(predicate, timeout, interval=0.05, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def reminder_messages(server, run_id):
    """Per customer of the run: the chatter emails posted on it since the run was created."""
    return server.sql(
        f"""SELECT line.partner_id, count(message.id)
              FROM dunning_run_line line
              JOIN dunning_run run ON run.id = line.run_id
              LEFT JOIN mail_message message
                     ON message.model = 'res.partner' AND message.res_id = line.partner_id
                    AND message.message_type = 'comment' AND message.create_date >= run.create_date
             WHERE line.run_id = {int(run_id)}
          GROUP BY line.partner_id"""
    )


def mail_count(server, run_id):
    """Reminder messages of the run that went to the mail queue (a follower of the customer who
    is notified by email may add a second mail.mail to the same message: counted once)."""
    return server.sql(
        f"""SELECT count(DISTINCT mail.mail_message_id) FROM mail_mail mail
              JOIN mail_message message ON message.id = mail.mail_message_id
              JOIN dunning_run_line line ON line.partner_id = message.res_id AND message.model = 'res.partner'
              JOIN dunning_run run ON run.id = line.run_id
             WHERE line.run_id = {int(run_id)} AND message.create_date >= run.create_date"""
    )[0][0]

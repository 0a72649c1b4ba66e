"""The configuration devenv writes for each PostgreSQL set-up is one Odoo accepts: no empty
option (an empty ``db_port =`` stopped Odoo with "invalid integer value"), and Odoo connects
with it. The set-ups are taken from this machine: the server this suite runs on named by
``PG*`` variables; no variable at all, which gives the default local socket when it accepts the
current user and the private cluster otherwise (both are run here, on two machine states);
and the private cluster's parameters read by Odoo's parser."""

import os
import subprocess
import sys
import uuid

import pytest
from odoo_server import ROOT, devenv

# Odoo's own parser reads the file, then Odoo opens a cursor on the ``postgres`` database
# with those settings: what ``odoo -c`` does first.
CHECK = """
import sys
from odoo.tools import config
config.parse_config(["-c", sys.argv[1]])
print({key: config[key] for key in ("db_host", "db_port", "db_user")})
if sys.argv[2] == "connect":
    import odoo.sql_db
    with odoo.sql_db.db_connect("postgres").cursor() as cr:
        cr.execute("SELECT current_user")
        print("connected as", cr.fetchone()[0])
"""


def _odoo_loads(conf, connect=True):
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    return subprocess.run(
        [sys.executable, "-c", CHECK, str(conf), "connect" if connect else "parse"],
        capture_output=True,
        text=True,
        env=env,
        cwd="/",
        timeout=120,
        check=False,
    )


def _pg_env(variables):
    """``devenv pg-env`` in a process with only ``variables`` among the PG* ones."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    env.update(variables)
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "devenv.py"), "pg-env"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    )
    return dict(line.split("=", 1) for line in proc.stdout.splitlines() if "=" in line)


def _default_socket_accepts_us():
    """Whether libpq's defaults (no ``PG*`` variable) reach a server that lets us create databases.

    A socket file alone says nothing: a server killed without a clean shutdown leaves its
    socket behind, and a running server may have no role for the current user."""
    import psycopg2

    env = {key: value for key, value in os.environ.items() if key.startswith("PG")}
    for key in env:
        del os.environ[key]
    try:
        conn = psycopg2.connect(dbname="postgres", connect_timeout=3)
    except psycopg2.Error:
        return False
    finally:
        os.environ.update(env)
    with conn, conn.cursor() as cr:
        cr.execute("SELECT rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user")
        can_create = cr.fetchone()[0]
    conn.close()
    return bool(can_create)


@pytest.fixture
def conf_name():
    name = f"devenv_check_{uuid.uuid4().hex[:8]}"
    yield name
    (devenv.RUN_DIR / f"{name}.conf").unlink(missing_ok=True)


def _lines(conf):
    return [line for line in conf.read_text().splitlines() if line.startswith("db_")]


def test_pg_variables_give_a_configuration_odoo_accepts(conf_name):
    # the server this suite runs on (the default socket or the private cluster), named by PG*
    # variables as a user with his own server would: devenv takes them as they are
    running = _pg_env({})
    variables = {
        "PGHOST": running.get("host", "/var/run/postgresql"),
        "PGPORT": running.get("port", "5432"),
        "PGUSER": running["user"],
    }
    pg = _pg_env(variables)
    assert pg == {"host": variables["PGHOST"], "port": variables["PGPORT"], "user": variables["PGUSER"]}
    conf = devenv.write_config(pg, [], name=conf_name)
    assert _lines(conf) == [f"db_host = {pg['host']}", f"db_port = {pg['port']}", f"db_user = {pg['user']}"]
    result = _odoo_loads(conf)
    assert result.returncode == 0, result.stderr
    assert f"connected as {pg['user']}" in result.stdout


def test_no_pg_variables_give_a_configuration_odoo_accepts(conf_name):
    # no PG* variable: the default local socket when its server accepts the current user (the
    # developer's set-up), the private cluster otherwise (a fresh machine: no server, a stale
    # socket, or no role for this user); the configuration connects either way
    pg = _pg_env({})
    conf = devenv.write_config(pg, [], name=conf_name)
    if _default_socket_accepts_us():
        assert "port" not in pg and "host" not in pg, pg
        assert _lines(conf) == [f"db_user = {pg['user']}"], "no empty db_port, db_host or db_password"
    else:
        assert pg["host"].endswith("/run") and pg["port"] == str(devenv.PRIVATE_PG_PORT), pg
        assert pg["user"] == devenv.PRIVATE_PG_USER
        assert _lines(conf) == [f"db_host = {pg['host']}", f"db_port = {pg['port']}", f"db_user = {pg['user']}"]
    result = _odoo_loads(conf)
    assert result.returncode == 0, result.stderr
    assert f"connected as {pg['user']}" in result.stdout


def test_private_cluster_settings_give_a_configuration_odoo_accepts(conf_name):
    # what ensure_private_cluster returns (the cluster itself is not started by this test)
    pg = {"host": str(ROOT / ".pg" / "run"), "port": devenv.PRIVATE_PG_PORT, "user": devenv.PRIVATE_PG_USER}
    conf = devenv.write_config(pg, [], name=conf_name)
    assert _lines(conf) == [
        f"db_host = {pg['host']}",
        f"db_port = {devenv.PRIVATE_PG_PORT}",
        f"db_user = {devenv.PRIVATE_PG_USER}",
    ]
    result = _odoo_loads(conf, connect=False)
    assert result.returncode == 0, result.stderr
    assert f"'db_port': {devenv.PRIVATE_PG_PORT}" in result.stdout


def test_empty_settings_are_left_out(conf_name):
    # libpq parameters may come back empty (an empty PGPORT): Odoo refuses "db_port = "
    conf = devenv.write_config({"host": "", "port": "", "user": "someone"}, [], name=conf_name)
    assert _lines(conf) == ["db_user = someone"]
    result = _odoo_loads(conf, connect=False)
    assert result.returncode == 0, result.stderr
    # what Odoo said before the fix, for the record: the check can fail
    conf.write_text(conf.read_text() + "db_port = \n")
    refused = _odoo_loads(conf, connect=False)
    assert refused.returncode != 0 and "db_port" in refused.stderr

"""The configuration devenv writes for each PostgreSQL set-up is one Odoo accepts: no empty
option (an empty ``db_port =`` stopped Odoo with "invalid integer value"), and Odoo connects
with it. The set-ups are simulated on the running server: its socket named by ``PG*``
variables, the default local socket that accepts the current user (no variable at all), and
the private cluster's parameters (not started here: its configuration is checked by Odoo's
parser only)."""

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


def _socket_dir():
    for path in ("/var/run/postgresql", "/run/postgresql", "/tmp"):
        if os.path.isdir(path) and any(name.startswith(".s.PGSQL.") for name in os.listdir(path)):
            return path
    pytest.skip("no local PostgreSQL socket")


def _server_port(socket_dir):
    return next(name.rsplit(".", 1)[1] for name in os.listdir(socket_dir) if name.startswith(".s.PGSQL."))


@pytest.fixture
def conf_name():
    name = f"devenv_check_{uuid.uuid4().hex[:8]}"
    yield name
    (devenv.RUN_DIR / f"{name}.conf").unlink(missing_ok=True)


def _lines(conf):
    return [line for line in conf.read_text().splitlines() if line.startswith("db_")]


def test_pg_variables_give_a_configuration_odoo_accepts(conf_name):
    socket_dir = _socket_dir()
    port = _server_port(socket_dir)
    pg = _pg_env({"PGHOST": socket_dir, "PGPORT": port})
    assert pg["host"] == socket_dir and pg["port"] == port and pg.get("user") not in (None, "", "postgres")
    conf = devenv.write_config(pg, [], name=conf_name)
    assert f"db_host = {socket_dir}" in _lines(conf)
    assert f"db_port = {port}" in _lines(conf)
    result = _odoo_loads(conf)
    assert result.returncode == 0, result.stderr
    assert f"connected as {pg['user']}" in result.stdout


def test_local_socket_accepting_the_user_gives_a_configuration_odoo_accepts(conf_name):
    # the developer's set-up: no PG* variable, the default socket accepts the current user
    _socket_dir()
    pg = _pg_env({})
    assert "port" not in pg and "host" not in pg, pg
    conf = devenv.write_config(pg, [], name=conf_name)
    assert _lines(conf) == [f"db_user = {pg['user']}"], "no empty db_port, db_host or db_password"
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

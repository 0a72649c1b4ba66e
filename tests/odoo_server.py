"""A real Odoo server for out-of-process tests: a database copied from the tested one, a free
port, XML-RPC as an integration would use it, and a stop that leaves no process behind."""

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
import xmlrpc.client
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import devenv  # noqa: E402

# The longest a single XML-RPC call may take (a synchronous run of a few hundred letters).
RPC_TIMEOUT = 600


class OdooServer:
    """One Odoo process (or several sharing a database) serving ``dbname`` on loopback."""

    def __init__(self, dbname, template=None, extra_args=()):
        self.env = devenv.Env()
        self.dbname = dbname
        self.template = template or os.environ.get("DUNNING_TEMPLATE_DB", devenv.TEST_DB)
        self.extra_args = list(extra_args)
        self.port = devenv.free_port()
        self.proc = None
        self.logfile = devenv.RUN_DIR / f"{dbname}.server.log"

    # -- database -------------------------------------------------------------------------
    def create_database(self):
        """Copy the template database and its filestore: seconds instead of a reinstall."""
        self.env.drop_db(self.dbname)
        self.env.sql(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{self.template}'")
        self.env.sql(f'CREATE DATABASE "{self.dbname}" TEMPLATE "{self.template}"')
        filestore = devenv.RUN_DIR / "data" / "filestore"
        if (filestore / self.template).is_dir():
            shutil.copytree(filestore / self.template, filestore / self.dbname)
        # A copy keeps the template's uuid; give it its own like Odoo's duplicate does.
        self.env.sql(
            "UPDATE ir_config_parameter SET value = gen_random_uuid()::text WHERE key = 'database.uuid'",
            dbname=self.dbname,
        )

    def drop_database(self):
        self.env.drop_db(self.dbname)

    def sql(self, query):
        return self.env.sql(query, dbname=self.dbname)

    # -- process --------------------------------------------------------------------------
    def start(self, timeout=120):
        conf = self.env.conf(http_port=self.port, name=self.dbname)
        args = [
            *self.env.odoo_cmd,
            "-c",
            str(conf),
            "-d",
            self.dbname,
            "--db-filter",
            f"^{self.dbname}$",
            "--http-interface",
            "127.0.0.1",
            "--http-port",
            str(self.port),
            f"--logfile={self.logfile}",
            *self.extra_args,
        ]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"Odoo exited with {self.proc.returncode}; see {self.logfile}")
            try:
                with urllib.request.urlopen(f"{self.url}/web/login", timeout=5) as resp:
                    if resp.status == 200:
                        return self
            except OSError:
                time.sleep(0.5)
        raise RuntimeError(f"Odoo did not answer within {timeout} s; see {self.logfile}")

    def kill(self):
        """SIGKILL the whole process group, as a crash would."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(30)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()

    # -- RPC --------------------------------------------------------------------------------
    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def login(self, login="admin", password="admin"):
        return RpcUser(self, login, password)


class _TimedTransport(xmlrpc.client.Transport):
    """A call to a server that stopped answering fails after ``RPC_TIMEOUT`` instead of never."""

    def make_connection(self, host):
        connection = super().make_connection(host)
        connection.timeout = RPC_TIMEOUT
        return connection


class RpcUser:
    """An XML-RPC session of one user, calling models as an integration would."""

    def __init__(self, server, login, password):
        self.server = server
        self.password = password
        common = xmlrpc.client.ServerProxy(
            f"{server.url}/xmlrpc/2/common", allow_none=True, transport=_TimedTransport()
        )
        self.uid = common.authenticate(server.dbname, login, password, {})
        if not self.uid:
            raise PermissionError(f"login {login} refused")
        self.models = xmlrpc.client.ServerProxy(
            f"{server.url}/xmlrpc/2/object", allow_none=True, transport=_TimedTransport()
        )

    def call(self, model, method, *args, **kwargs):
        return self.models.execute_kw(self.server.dbname, self.uid, self.password, model, method, list(args), kwargs)

"""Fixtures of the out-of-process tests: each test module gets real servers it stops itself.

Every test runs under a watchdog: a test that waits on a server which never answers fails
with the stacks of where it waited, instead of holding CI until its own deadline kills the
whole job with no word on which test hung."""

import faulthandler
import os
import signal
import sys
import uuid

import pytest
from odoo_server import OdooServer

# Seconds a test may take; a test that needs more says so with @pytest.mark.watchdog(seconds).
DEFAULT_WATCHDOG = 600


def pytest_configure(config):
    config.addinivalue_line("markers", "watchdog(seconds): the test's own time limit")


class WatchdogExpired(Exception):
    """Raised in the test's thread when its time limit passed."""


@pytest.fixture(autouse=True)
def watchdog(request):
    marker = request.node.get_closest_marker("watchdog")
    seconds = int(marker.args[0]) if marker else DEFAULT_WATCHDOG

    def expired(_signum, _frame):
        raise WatchdogExpired(f"{request.node.nodeid} still running after {seconds} s")

    # The stacks of every thread a little before the limit: where the test waits, and on what.
    faulthandler.dump_traceback_later(seconds - 5, exit=False, file=sys.stderr)
    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
        faulthandler.cancel_dump_traceback_later()


@pytest.fixture
def new_server():
    """Factory: ``server = new_server()`` copies the tested database and starts Odoo on it."""
    servers = []

    def make(extra_args=(), dbname=None, start=True, create=True):
        """``create=False`` with the ``dbname`` of an earlier server: a second process on it."""
        server = OdooServer(dbname or f"ext_{uuid.uuid4().hex[:8]}", extra_args=extra_args)
        servers.append(server)
        if create:
            server.create_database()
        return server.start() if start else server

    yield make
    for server in servers:
        server.kill()
    for dbname in {s.dbname for s in servers}:
        if not os.environ.get("KEEP_TEST_DB"):
            servers[0].env.drop_db(dbname)

"""Fixtures of the out-of-process tests: each test module gets real servers it stops itself."""

import os
import uuid

import pytest
from odoo_server import OdooServer


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

"""The customer portal of dunning (/my/dunning) attacked over HTTP by a portal user of another
customer, next to the customer's own portal user doing the same legitimately: a real server,
real users and sessions, nothing mocked (issue #17)."""

import datetime
import http.cookiejar
import json
import re
import urllib.error
import urllib.parse
import urllib.request
import uuid
import xmlrpc.client

import dunning_world as world
import pytest
from odoo_server import OdooServer

RPC_ACCESS_ERROR = 4


@pytest.fixture(scope="module")
def server():
    srv = OdooServer(f"ext_portal_{uuid.uuid4().hex[:6]}")
    srv.create_database()
    srv.start()
    yield srv
    srv.kill()
    srv.drop_database()


class Browser:
    """A browser session of one user: cookies kept, redirects followed."""

    def __init__(self, server, login):
        self.server = server
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        payload = {"jsonrpc": "2.0", "params": {"db": server.dbname, "login": login, "password": f"{login}-pw-123"}}
        request = urllib.request.Request(
            f"{server.url}/web/session/authenticate",
            data=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json"},
        )
        with self.opener.open(request, timeout=60) as response:
            assert "error" not in json.loads(response.read()), f"{login} could not log in"

    def get(self, path):
        """(status, content type, body) of ``path``."""
        try:
            with self.opener.open(f"{self.server.url}{path}", timeout=120) as response:
                return response.status, response.headers.get("Content-Type", ""), response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Content-Type", ""), error.read()

    def page(self, path):
        status, _type, body = self.get(path)
        return status, body.decode(errors="replace")

    def post(self, path, data):
        """POST a form of /my/dunning with the session's CSRF token; (status, body)."""
        _status, page = self.page("/my/dunning")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode({**data, "csrf_token": token}, doseq=True).encode()
        try:
            with self.opener.open(f"{self.server.url}{path}", data=body, timeout=120) as response:
                return response.status, response.read().decode(errors="replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")


def _invoice(admin, partner, amount, days_late):
    due = datetime.date.today() - datetime.timedelta(days=days_late)
    move = admin.call(
        "account.move",
        "create",
        {
            "move_type": "out_invoice",
            "partner_id": partner,
            "invoice_date": (due - datetime.timedelta(days=30)).isoformat(),
            "invoice_date_due": due.isoformat(),
            "invoice_line_ids": [(0, 0, {"name": "Conseil", "quantity": 1, "price_unit": amount, "tax_ids": [(5,)]})],
        },
    )
    admin.call("account.move", "action_post", [move])
    return move, admin.call("account.move", "read", [move], fields=["name"])[0]["name"]


@pytest.fixture(scope="module")
def portal_world(server):
    admin = server.login()
    strategy = world.make_strategy(admin, name="Portal strategy", automatic=False)
    step = admin.call("dunning.strategy.step", "search", [("strategy_id", "=", strategy)])
    letter = world.xmlid(admin, "dunning_strategy.dunning_letter_template_default")
    admin.call("dunning.strategy.step", "write", step, {"print_letter": True, "letter_template_id": letter})
    address = {"is_company": True, "street": "4 place du Marché", "zip": "38000", "city": "Grenoble"}
    customers, users, invoices = {}, {}, {}
    for key, name, amount in (("a", "Client Portail Alpha", 1111.0), ("b", "Client Portail Bravo", 2222.0)):
        customers[key] = admin.call(
            "res.partner", "create", {"name": name, "email": f"{key}@client.example", **address}
        )
        contact = admin.call(
            "res.partner", "create", {"name": f"Contact {key}", "parent_id": customers[key], "email": f"c{key}@ex.com"}
        )
        login = f"portal_dun_{key}"
        users[key] = admin.call(
            "res.users",
            "create",
            {
                "name": f"Contact {key}",
                "login": login,
                "password": f"{login}-pw-123",
                "partner_id": contact,
                "groups_id": [(6, 0, [world.xmlid(admin, "base.group_portal")])],
            },
        )
        invoices[key] = _invoice(admin, customers[key], amount, 20)
    admin.call("dunning.strategy", "action_run_now", [strategy])
    lines = {
        key: admin.call(
            "dunning.run.line",
            "search_read",
            [("partner_id", "=", customers[key]), ("state", "=", "done")],
            fields=["letter_attachment_id"],
        )[0]
        for key in customers
    }
    assert all(line["letter_attachment_id"] for line in lines.values()), "each customer got a letter"
    return {"admin": admin, "customers": customers, "users": users, "invoices": invoices, "lines": lines}


def test_portal_user_sees_its_own_customer_only(server, portal_world):
    invoices, lines = portal_world["invoices"], portal_world["lines"]
    alpha = Browser(server, "portal_dun_a")
    status, page = alpha.page("/my/dunning")
    assert status == 200
    assert invoices["a"][1] in page, "its own invoice"
    assert f"/my/dunning/letter/{lines['a']['id']}" in page, "its own reminder"
    assert invoices["b"][1] not in page, "another customer's invoice"
    assert f"/my/dunning/letter/{lines['b']['id']}" not in page, "another customer's reminder"
    assert "2,222.00" not in page and "2 222,00" not in page

    status, content_type, body = alpha.get(f"/my/dunning/letter/{lines['a']['id']}")
    assert status == 200 and content_type == "application/pdf" and body.startswith(b"%PDF")
    status, content_type, body = alpha.get(f"/my/dunning/letter/{lines['b']['id']}")
    assert status == 404 and not body.startswith(b"%PDF"), "another customer's letter"

    # the other customer's own user sees its side, and not the first one's
    status, page = Browser(server, "portal_dun_b").page("/my/dunning")
    assert status == 200 and invoices["b"][1] in page and invoices["a"][1] not in page


def test_portal_user_has_no_rpc_access_to_dunning_records(server, portal_world):
    alpha = server.login("portal_dun_a", "portal_dun_a-pw-123")
    for model in ("dunning.run.line", "dunning.run", "dunning.promise"):
        with pytest.raises(xmlrpc.client.Fault) as fault:
            alpha.call(model, "search_read", [], fields=["id"], limit=1)
        assert fault.value.faultCode == RPC_ACCESS_ERROR, (model, fault.value.faultString)
    with pytest.raises(xmlrpc.client.Fault) as fault:
        alpha.call("dunning.promise", "create", {"partner_id": portal_world["customers"]["b"], "date": "2030-01-01"})
    assert fault.value.faultCode == RPC_ACCESS_ERROR


def test_portal_user_promises_on_its_own_invoices_only(server, portal_world):
    admin, invoices, customers = portal_world["admin"], portal_world["invoices"], portal_world["customers"]
    alpha = Browser(server, "portal_dun_a")
    promised = (datetime.date.today() + datetime.timedelta(days=7)).isoformat()
    status, page = alpha.post(
        "/my/dunning/promise", {"date": promised, "amount": "100", "invoice_ids": [invoices["b"][0]]}
    )
    assert status == 200 and "You can only choose your own open invoices." in page
    assert not admin.call("dunning.promise", "search", [("partner_id", "in", list(customers.values()))])
    status, page = alpha.post("/my/dunning/dispute", {"invoice_id": invoices["b"][0], "reason": "Pas à moi"})
    assert status == 200 and "You can only choose your own open invoices." in page
    assert not admin.call("account.move", "read", [invoices["b"][0]], fields=["dunning_dispute"])[0]["dunning_dispute"]

    status, page = alpha.post(
        "/my/dunning/promise", {"date": promised, "amount": "500", "invoice_ids": [invoices["a"][0]]}
    )
    assert status == 200 and "your promise to pay is recorded" in page
    promise = admin.call(
        "dunning.promise",
        "search_read",
        [("partner_id", "in", list(customers.values()))],
        fields=["partner_id", "invoice_ids", "origin", "user_id", "amount"],
    )
    assert len(promise) == 1
    assert promise[0]["partner_id"][0] == customers["a"] and promise[0]["invoice_ids"] == [invoices["a"][0]]
    assert promise[0]["origin"] == "portal" and promise[0]["user_id"][0] == portal_world["users"]["a"]
    # the promise shows to its customer, not to the other one
    assert "500.00" in Browser(server, "portal_dun_a").page("/my/dunning")[1]
    assert "500.00" not in Browser(server, "portal_dun_b").page("/my/dunning")[1]

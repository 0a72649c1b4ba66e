"""Access over XML-RPC, as an integration or a curious user would try it: rights, companies,
confidential notes, portal users, and the template sandbox."""

import uuid
import xmlrpc.client

import dunning_world as world
import pytest
from odoo_server import OdooServer

RPC_ACCESS_ERROR = 4
CONFIDENTIAL = "Le client conteste la facture, avocat prévenu"


@pytest.fixture(scope="module")
def server():
    """One server for the module: the users and records below are created once."""
    srv = OdooServer(f"ext_access_{uuid.uuid4().hex[:6]}")
    srv.create_database()
    srv.start()
    yield srv
    srv.kill()
    srv.drop_database()


@pytest.fixture(scope="module")
def world_a(server):
    """Company A (the main one) with a strategy, a run, a marker and a confidential exchange;
    company B with a user who has every dunning and exchange right there; and the users."""
    world.seed(server, 5, 5)
    admin = server.login()
    company_a = admin.call("res.users", "read", [admin.uid], fields=["company_id"])[0]["company_id"][0]
    company_b = admin.call("res.company", "create", {"name": "Company B", "currency_id": 1})
    strategy = world.make_strategy(admin, name="Strategy of A")
    world.create_run_without_processing(admin)
    marker = admin.call("dunning.marker", "create", {"name": "Marker of A", "company_id": company_a})
    customer = admin.call("res.partner", "create", {"name": "Client A", "email": "client.a@example.com"})
    exchange = admin.call(
        "exchange.log",
        "create",
        {"partner_id": customer, "description": "<p>Appel</p>", "confidential_note": f"<p>{CONFIDENTIAL}</p>"},
    )

    def user(login, groups, company=company_a):
        group_ids = [world.xmlid(admin, g) for g in groups]
        uid = admin.call(
            "res.users",
            "create",
            {
                "name": login,
                "login": login,
                "password": f"{login}-pw-123",
                "company_id": company,
                "company_ids": [(6, 0, [company])],
                "groups_id": [(6, 0, group_ids)],
            },
        )
        return uid

    user("rpc_plain", ["base.group_user"])
    user(
        "rpc_outsider",
        [
            "base.group_user",
            "base.group_allow_export",
            "exchange_tracking.group_exchange_read_all",
            "dunning_strategy.group_dunning_user",
        ],
    )
    user(
        "rpc_user_b",
        [
            "base.group_user",
            "account.group_account_manager",
            "dunning_strategy.group_dunning_manager",
            "exchange_tracking.group_exchange_read_all",
            "exchange_tracking.group_exchange_confidential",
        ],
        company=company_b,
    )
    user("rpc_portal", ["base.group_portal"])
    user("rpc_accountant", ["base.group_user", "account.group_account_manager"])
    return {"admin": admin, "strategy": strategy, "marker": marker, "exchange": exchange, "company_b": company_b}


def as_user(server, login):
    return server.login(login, f"{login}-pw-123")


def assert_refused(call, *args, **kwargs):
    with pytest.raises(xmlrpc.client.Fault) as fault:
        call(*args, **kwargs)
    # /xmlrpc/2 answers an AccessError with fault code 4 and its message, never a traceback
    assert fault.value.faultCode == RPC_ACCESS_ERROR, fault.value.faultString
    assert "Traceback" not in fault.value.faultString


def test_user_without_dunning_rights_cannot_read_or_launch(server, world_a):
    plain = as_user(server, "rpc_plain")
    assert_refused(plain.call, "dunning.run", "search_read", [], fields=["name"])
    assert_refused(plain.call, "dunning.strategy", "read", [world_a["strategy"]], fields=["name"])
    assert_refused(plain.call, "dunning.run", "create", {"strategy_id": world_a["strategy"]})


def test_user_of_company_b_sees_nothing_of_company_a(server, world_a):
    user_b = as_user(server, "rpc_user_b")
    for model, record in (
        ("dunning.strategy", world_a["strategy"]),
        ("dunning.marker", world_a["marker"]),
        ("exchange.log", world_a["exchange"]),
    ):
        found = user_b.call(model, "search", [("id", "=", record)])
        assert not found, f"{model} of company A visible from company B"
        assert_refused(user_b.call, model, "read", [record], fields=["display_name"])
    runs_a = world_a["admin"].call("dunning.run", "search", [("strategy_id", "=", world_a["strategy"])])
    assert runs_a
    assert not set(user_b.call("dunning.run", "search", [])) & set(runs_a)


def test_confidential_note_hidden_from_outsider_everywhere(server, world_a):
    outsider = as_user(server, "rpc_outsider")
    exchange = world_a["exchange"]
    record = outsider.call("exchange.log", "read", [exchange], fields=["description", "confidential_note"])[0]
    assert "Appel" in record["description"]
    assert not record["confidential_note"]
    rows = outsider.call("exchange.log", "search_read", [("id", "=", exchange)], fields=["confidential_note"])
    assert rows and not rows[0]["confidential_note"]
    exported = outsider.call("exchange.log", "export_data", [exchange], ["name", "confidential_note"])
    assert CONFIDENTIAL not in str(exported)
    assert not outsider.call("exchange.log", "search", [("confidential_note", "ilike", "avocat")])
    # the author (admin) still finds and reads it
    admin = world_a["admin"]
    assert admin.call("exchange.log", "search", [("confidential_note", "ilike", "avocat")]) == [exchange]


def test_portal_user_gets_nothing(server, world_a):
    portal = as_user(server, "rpc_portal")
    for model in ("dunning.strategy", "dunning.run", "dunning.run.line", "dunning.marker", "exchange.log"):
        assert_refused(portal.call, model, "search_read", [], fields=["display_name"])


def test_non_template_editor_cannot_save_code_in_a_template(server, world_a):
    admin = world_a["admin"]
    # "Restrict template rendering": only Mail Template Editors may then write code in templates.
    settings = admin.call("res.config.settings", "create", {"restrict_template_rendering": True})
    admin.call("res.config.settings", "execute", [settings])
    accountant = as_user(server, "rpc_accountant")
    model_id = world_a["admin"].call("ir.model", "search", [("model", "=", "dunning.run.line")])[0]
    with pytest.raises(xmlrpc.client.Fault) as fault:
        accountant.call(
            "mail.template",
            "create",
            {
                "name": "Sneaky",
                "model_id": model_id,
                "subject": "{{ object.env['res.users'].sudo().search([]).mapped('password') }}",
                "body_html": "<p>hello</p>",
            },
        )
    assert fault.value.faultCode == RPC_ACCESS_ERROR
    assert "Mail Template Editor" in fault.value.faultString

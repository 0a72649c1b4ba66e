""" "Shared With" on a dunning strategy, attacked over XML-RPC on a real server: a dunning user
left off the list neither sees nor runs the strategy, nor acts on its runs; a sales manager
cannot share his quotation strategy so that he loses it; next to each attack, the chosen user
and the dunning administrator doing their legitimate work."""

import datetime
import uuid
import xmlrpc.client

import dunning_world as world
import pytest
from odoo_server import OdooServer
from test_security_dunning_rpc import RPC_ACCESS_ERROR, as_user, assert_refused


@pytest.fixture(scope="module")
def server():
    srv = OdooServer(f"ext_secshare_{uuid.uuid4().hex[:6]}")
    srv.create_database()
    srv.start()
    yield srv
    srv.kill()
    srv.drop_database()


def _invoice(admin, partner, days_late):
    due = datetime.date.today() - datetime.timedelta(days=days_late)
    vals = {
        "move_type": "out_invoice",
        "partner_id": partner,
        "invoice_date": (due - datetime.timedelta(days=30)).isoformat(),
        "invoice_date_due": due.isoformat(),
        "invoice_line_ids": [(0, 0, {"name": "Conseil", "quantity": 1, "price_unit": 800.0, "tax_ids": [(5,)]})],
    }
    move = admin.call("account.move", "create", vals)
    admin.call("account.move", "action_post", [move])
    return move


@pytest.fixture(scope="module")
def shared_world(server):
    admin = server.login()
    company = admin.call("res.users", "read", [admin.uid], fields=["company_id"])[0]["company_id"][0]

    def user(login, groups):
        return admin.call(
            "res.users",
            "create",
            {
                "name": login,
                "login": login,
                "password": f"{login}-pw-123",
                "email": f"{login}@example.com",
                "company_id": company,
                "company_ids": [(6, 0, [company])],
                "groups_id": [(6, 0, [world.xmlid(admin, group) for group in groups])],
            },
        )

    chosen = user("share_chosen", ["account.group_account_invoice"])
    outsider = user("share_outsider", ["account.group_account_invoice"])
    user("share_admin", ["account.group_account_manager"])
    sales_manager = user("share_sales_manager", ["sales_team.group_sale_manager"])
    strategy = world.make_strategy(admin, name="Relances partagées", automatic=False)
    admin.call("dunning.strategy", "write", [strategy], {"shared_user_ids": [(6, 0, [chosen])]})
    customer = admin.call("res.partner", "create", {"name": "Client Partagé", "email": "partage@example.com"})
    no_email = admin.call("res.partner", "create", {"name": "Client Sans Email"})
    _invoice(admin, customer, 10)
    _invoice(admin, no_email, 10)
    return {
        "admin": admin,
        "strategy": strategy,
        "chosen": chosen,
        "outsider": outsider,
        "sales_manager": sales_manager,
        "customer": customer,
        "no_email": no_email,
    }


def _launch(rpc, strategy):
    wizard = rpc.call("dunning.launch", "create", {"strategy_id": strategy})
    return rpc.call("dunning.launch", "action_launch", [wizard])["res_id"]


def test_chosen_user_runs_it_and_outsider_can_neither_see_nor_run_it(server, shared_world):
    strategy = shared_world["strategy"]
    chosen = as_user(server, "share_chosen")
    outsider = as_user(server, "share_outsider")
    # the chosen user: sees it and launches it
    assert chosen.call("dunning.strategy", "search", [("id", "=", strategy)]) == [strategy]
    run = _launch(chosen, strategy)
    lines = chosen.call("dunning.run.line", "search_read", [("run_id", "=", run)], fields=["partner_id", "state"])
    states = {line["partner_id"][0]: line["state"] for line in lines}
    assert states[shared_world["customer"]] == "done"
    assert states[shared_world["no_email"]] == "failed"
    # the outsider: no strategy to see, read, launch or run now
    assert outsider.call("dunning.strategy", "search", [("id", "=", strategy)]) == []
    assert strategy not in outsider.call("dunning.strategy", "search", [])
    assert_refused(outsider.call, "dunning.strategy", "read", [strategy], fields=["name", "step_ids"])
    assert_refused(outsider.call, "dunning.strategy", "action_run_now", [strategy])
    with pytest.raises(xmlrpc.client.Fault) as fault:
        _launch(outsider, strategy)  # refused when the wizard lists the customers, or at the launch
    assert fault.value.faultCode == RPC_ACCESS_ERROR, fault.value.faultString
    # nor put himself on the list (dunning users configure nothing)
    assert_refused(outsider.call, "dunning.strategy", "write", [strategy], {"shared_user_ids": [(4, outsider.uid)]})
    # nor retry the failed reminder of a run of the strategy: only the chosen user may
    assert_refused(outsider.call, "dunning.run", "action_retry_failed", [run])
    failed = [line for line in lines if line["state"] == "failed"]
    assert chosen.call("dunning.run.line", "read", [failed[0]["id"]], fields=["state"])[0]["state"] == "failed"
    assert chosen.call("dunning.run", "action_retry_failed", [run]) is True


def test_dunning_administrator_sees_it_whatever_the_list(server, shared_world):
    strategy = shared_world["strategy"]
    administrator = as_user(server, "share_admin")
    assert administrator.call("dunning.strategy", "search", [("id", "=", strategy)]) == [strategy]
    # he may share it with others only: he keeps it as administrator, the chosen user loses it
    administrator.call(
        "dunning.strategy", "write", [strategy], {"shared_user_ids": [(6, 0, [shared_world["outsider"]])]}
    )
    assert administrator.call("dunning.strategy", "search", [("id", "=", strategy)]) == [strategy]
    chosen = as_user(server, "share_chosen")
    assert chosen.call("dunning.strategy", "search", [("id", "=", strategy)]) == []
    assert as_user(server, "share_outsider").call("dunning.strategy", "search", [("id", "=", strategy)]) == [strategy]
    administrator.call("dunning.strategy", "write", [strategy], {"shared_user_ids": [(6, 0, [shared_world["chosen"]])]})


def test_sales_manager_cannot_share_his_strategy_away_from_himself(server, shared_world):
    manager = as_user(server, "share_sales_manager")
    admin = shared_world["admin"]
    chosen = shared_world["chosen"]
    # created for others only: he could not see what he creates
    assert_refused(
        manager.call,
        "dunning.strategy",
        "create",
        {"name": "Devis des autres", "scope": "quotation", "shared_user_ids": [(6, 0, [chosen])]},
    )
    mine = manager.call(
        "dunning.strategy",
        "create",
        {"name": "Mes devis", "scope": "quotation", "shared_user_ids": [(6, 0, [manager.uid])]},
    )
    manager.call("dunning.strategy", "write", [mine], {"shared_user_ids": [(4, chosen)]})  # one more: allowed
    # taking himself off the list is re-checked after the write, and refused
    assert_refused(manager.call, "dunning.strategy", "write", [mine], {"shared_user_ids": [(3, manager.uid)]})
    shared = admin.call("dunning.strategy", "read", [mine], fields=["shared_user_ids"])[0]["shared_user_ids"]
    assert sorted(shared) == sorted([manager.uid, chosen])

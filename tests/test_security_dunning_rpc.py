"""Attacks on receivables over XML-RPC and HTTP, one user per role, each next to the same role
doing its legitimate work: a real server, real users, nothing mocked (issue: security)."""

import datetime
import http.cookiejar
import json
import urllib.error
import urllib.request
import uuid
import xmlrpc.client

import dunning_world as world
import pytest
from odoo_server import OdooServer

RPC_ACCESS_ERROR = 4


@pytest.fixture(scope="module")
def server():
    srv = OdooServer(f"ext_secdun_{uuid.uuid4().hex[:6]}")
    srv.create_database()
    srv.start()
    yield srv
    srv.kill()
    srv.drop_database()


def _invoice(admin, partner, amount, days_late, company=None):
    """A posted customer invoice ``days_late`` days overdue; returns (id, name)."""
    due = datetime.date.today() - datetime.timedelta(days=days_late)
    vals = {
        "move_type": "out_invoice",
        "partner_id": partner,
        "invoice_date": (due - datetime.timedelta(days=30)).isoformat(),
        "invoice_date_due": due.isoformat(),
        "invoice_line_ids": [(0, 0, {"name": "Conseil", "quantity": 1, "price_unit": amount, "tax_ids": [(5,)]})],
    }
    context = {}
    if company:
        vals["company_id"] = company
        context = {"allowed_company_ids": [company]}
    move = admin.call("account.move", "create", vals, context=context)
    admin.call("account.move", "action_post", [move], context=context)
    return move, admin.call("account.move", "read", [move], fields=["name"], context=context)[0]["name"]


@pytest.fixture(scope="module")
def world_sec(server):
    admin = server.login()
    company_a = admin.call("res.users", "read", [admin.uid], fields=["company_id"])[0]["company_id"][0]
    strategy = world.make_strategy(admin, name="Security strategy", automatic=False)
    company_b = admin.call("res.company", "create", {"name": "Security Company B", "currency_id": 1})
    debtor = admin.call("res.partner", "create", {"name": "Debiteur Secret", "email": "debiteur@example.com"})
    other = admin.call("res.partner", "create", {"name": "Autre Debiteur", "email": "autre@example.com"})
    shared = admin.call("res.partner", "create", {"name": "Client Partage", "email": "partage@example.com"})
    invoice, invoice_name = _invoice(admin, debtor, 1234.0, 20)
    other_invoice, _ = _invoice(admin, other, 9999.0, 40)
    shared_invoice, _ = _invoice(admin, shared, 500.0, 20)

    def user(login, groups, company=company_a, companies=None):
        group_ids = [world.xmlid(admin, g) for g in groups]
        return admin.call(
            "res.users",
            "create",
            {
                "name": login,
                "login": login,
                "password": f"{login}-pw-123",
                "email": f"{login}@example.com",
                "company_id": company,
                "company_ids": [(6, 0, companies or [company])],
                "groups_id": [(6, 0, group_ids)],
            },
        )

    user("sec_employee", ["base.group_user", "base.group_partner_manager"])
    user("sec_salesperson", ["sales_team.group_sale_salesman", "dunning_strategy_sale.group_quotation_followup"])
    # a salesperson without the right "Quotation Follow-ups"
    user("sec_plain_salesperson", ["sales_team.group_sale_salesman"])
    user("sec_sales_manager", ["sales_team.group_sale_manager", "base.group_partner_manager"])
    user("sec_billing_a", ["account.group_account_invoice", "base.group_partner_manager"])
    user(
        "sec_accountant_b",
        ["account.group_account_manager", "base.group_partner_manager"],
        company=company_b,
    )
    user("sec_portal", ["base.group_portal"])
    # the customers are reminded in company A: the shared one carries A's marker there
    wizard = admin.call("dunning.launch", "create", {"strategy_id": strategy})
    admin.call("dunning.launch", "action_launch", [wizard])
    return {
        "admin": admin,
        "company_a": company_a,
        "company_b": company_b,
        "strategy": strategy,
        "debtor": debtor,
        "other": other,
        "shared": shared,
        "invoice": invoice,
        "invoice_name": invoice_name,
        "other_invoice": other_invoice,
        "shared_invoice": shared_invoice,
    }


def as_user(server, login):
    return server.login(login, f"{login}-pw-123")


def assert_refused(call, *args, **kwargs):
    with pytest.raises(xmlrpc.client.Fault) as fault:
        call(*args, **kwargs)
    assert fault.value.faultCode == RPC_ACCESS_ERROR, fault.value.faultString
    assert "Traceback" not in fault.value.faultString


def assert_error(call, *args, **kwargs):
    """Refused with an access or a validation error (a clear message, no traceback)."""
    with pytest.raises(xmlrpc.client.Fault) as fault:
        call(*args, **kwargs)
    assert "Traceback" not in fault.value.faultString
    return fault.value.faultString


def http_get(server, login, path):
    """GET ``path`` in a browser session of ``login``: (status, body)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    payload = {
        "jsonrpc": "2.0",
        "params": {"db": server.dbname, "login": login, "password": f"{login}-pw-123"},
    }
    request = urllib.request.Request(
        f"{server.url}/web/session/authenticate",
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json"},
    )
    with opener.open(request, timeout=60) as response:
        assert "error" not in json.loads(response.read()), f"{login} could not log in"
    try:
        with opener.open(f"{server.url}{path}", timeout=120) as response:
            return response.status, response.read().decode(errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")


# -- 1. statement of account ---------------------------------------------------------------


def test_statement_refused_to_employee_and_portal_printed_for_billing(server, world_sec):
    path = f"/report/html/dunning_strategy.report_dunning_statement/{world_sec['debtor']}"
    for login in ("sec_employee", "sec_portal"):
        status, body = http_get(server, login, path)
        assert status != 200 or world_sec["invoice_name"] not in body, f"{login} read the statement"
        assert world_sec["invoice_name"] not in body
        assert "1,234.00" not in body and "1 234,00" not in body
    status, body = http_get(server, "sec_billing_a", path)
    assert status == 200
    assert world_sec["invoice_name"] in body


# -- 2. sales manager steering invoice dunning -----------------------------------------------


def test_sales_manager_cannot_turn_a_quotation_strategy_into_invoice_dunning(server, world_sec):
    manager = as_user(server, "sec_sales_manager")
    admin = world_sec["admin"]
    mine = manager.call("dunning.strategy", "create", {"name": "Relances devis", "scope": "quotation"})
    manager.call("dunning.strategy", "write", [mine], {"automatic": True})  # his own: allowed
    assert_refused(manager.call, "dunning.strategy", "write", [mine], {"scope": "invoice", "automatic": True})
    assert admin.call("dunning.strategy", "read", [mine], fields=["scope"])[0]["scope"] == "quotation"
    # nor point a customer to a strategy
    assert_refused(
        manager.call, "res.partner", "write", [world_sec["debtor"]], {"dunning_strategy_id": world_sec["strategy"]}
    )
    steps_a = admin.call("dunning.strategy.step", "search", [("strategy_id", "=", world_sec["strategy"])])
    assert_refused(manager.call, "dunning.strategy.step", "write", steps_a, {"handover_partner_id": manager.uid})


# -- 3. engine-owned state -------------------------------------------------------------------


def test_billing_user_cannot_forge_runs_or_lines(server, world_sec):
    billing = as_user(server, "sec_billing_a")
    admin = world_sec["admin"]
    assert_refused(billing.call, "dunning.run", "create", {"strategy_id": world_sec["strategy"], "mode": "automatic"})
    lines = admin.call("dunning.run.line", "search", [("partner_id", "=", world_sec["debtor"])])
    assert lines
    before = admin.call("dunning.run.line", "read", lines, fields=["state", "amount_residual", "move_ids"])
    assert_refused(
        billing.call,
        "dunning.run.line",
        "write",
        lines,
        {"state": "pending", "amount_residual": 1.0, "due_move_ids": [(6, 0, [world_sec["other_invoice"]])]},
    )
    run = admin.call("dunning.run", "search", [("strategy_id", "=", world_sec["strategy"])], limit=1)
    assert_refused(
        billing.call,
        "dunning.run.line",
        "create",
        {"run_id": run[0], "partner_id": world_sec["debtor"], "step_id": 1, "move_ids": [(6, 0, [1])]},
    )
    assert admin.call("dunning.run.line", "read", lines, fields=["state", "amount_residual", "move_ids"]) == before


def test_launch_wizard_ignores_forged_invoices_and_amounts(server, world_sec):
    billing = as_user(server, "sec_billing_a")
    admin = world_sec["admin"]
    customer = admin.call("res.partner", "create", {"name": "Client Assistant", "email": "assist@example.com"})
    own, _ = _invoice(admin, customer, 300.0, 10)
    other_before = admin.call("account.move", "read", [world_sec["other_invoice"]], fields=["dunning_line_ids"])
    wizard = billing.call(
        "dunning.launch",
        "create",
        {
            "strategy_id": world_sec["strategy"],
            "line_ids": [
                (5,),
                (
                    0,
                    0,
                    {
                        "partner_id": customer,
                        "manual": True,
                        "move_ids": [(6, 0, [own, world_sec["other_invoice"]])],
                        "due_move_ids": [(6, 0, [world_sec["other_invoice"]])],
                        "amount_residual": 1.0,
                    },
                ),
            ],
        },
    )
    billing.call("dunning.launch", "action_launch", [wizard])
    line = admin.call(
        "dunning.run.line",
        "search_read",
        [("partner_id", "=", customer)],
        fields=["state", "move_ids", "due_move_ids", "amount_residual"],
    )[0]
    assert line["state"] == "done"
    assert line["move_ids"] == [own] and line["due_move_ids"] == [own]
    assert line["amount_residual"] == 300.0
    other_after = admin.call("account.move", "read", [world_sec["other_invoice"]], fields=["dunning_line_ids"])
    assert other_after == other_before, "another customer's invoice was reminded"


def test_employee_cannot_process_runs_and_salesperson_cannot_write_lines(server, world_sec):
    run = world_sec["admin"].call("dunning.run", "search", [("strategy_id", "=", world_sec["strategy"])], limit=1)
    employee = as_user(server, "sec_employee")
    assert_refused(employee.call, "dunning.run", "action_process", run)
    assert_refused(employee.call, "dunning.run", "action_retry_failed", run)
    salesperson = as_user(server, "sec_salesperson")
    assert_refused(salesperson.call, "dunning.run.line", "create", {"run_id": run[0], "partner_id": 1, "step_id": 1})


# -- 7. markers per company; 8. who is reminded ----------------------------------------------


def test_accountant_of_company_b_does_not_see_company_a_markers(server, world_sec):
    admin = world_sec["admin"]
    shared = world_sec["shared"]
    marker_a = admin.call("res.partner", "read", [shared], fields=["dunning_marker_id", "dunning_step_id"])[0]
    assert marker_a["dunning_step_id"], "the shared customer is reminded in company A"
    accountant_b = as_user(server, "sec_accountant_b")
    seen_b = accountant_b.call("res.partner", "read", [shared], fields=["dunning_marker_id", "dunning_step_id"])[0]
    assert not seen_b["dunning_marker_id"] and not seen_b["dunning_step_id"]
    assert not accountant_b.call("res.partner", "search", [("id", "=", shared), ("dunning_step_id", "!=", False)])
    assert_refused(accountant_b.call, "res.partner", "read", [shared], fields=["dunning_step_by_company"])


def test_contact_creator_cannot_redirect_or_silence_dunning(server, world_sec):
    employee = as_user(server, "sec_employee")
    admin = world_sec["admin"]
    accomplice = employee.call("res.partner", "create", {"name": "Complice", "parent_id": world_sec["debtor"]})
    for vals in ({"dunning_enabled": False}, {"dunning_contact_id": accomplice}, {"dunning_strategy_id": False}):
        assert_refused(employee.call, "res.partner", "write", [world_sec["debtor"]], vals)
    debtor = admin.call("res.partner", "read", [world_sec["debtor"]], fields=["dunning_enabled", "dunning_contact_id"])
    assert debtor[0]["dunning_enabled"] and not debtor[0]["dunning_contact_id"]
    # a credit controller does it
    billing = as_user(server, "sec_billing_a")
    billing.call("res.partner", "write", [world_sec["other"]], {"dunning_enabled": False})
    assert not admin.call("res.partner", "read", [world_sec["other"]], fields=["dunning_enabled"])[0]["dunning_enabled"]
    billing.call("res.partner", "write", [world_sec["other"]], {"dunning_enabled": True})


def test_portal_user_reads_no_reminder(server, world_sec):
    portal = as_user(server, "sec_portal")
    assert_refused(portal.call, "dunning.run.line", "search_read", [], fields=["amount_residual"])
    assert_error(portal.call, "dunning.launch", "create", {"strategy_id": world_sec["strategy"]})


def test_salesperson_follows_up_his_quotation_not_a_colleagues(server, world_sec):
    admin = world_sec["admin"]
    seller = as_user(server, "sec_salesperson")
    product = admin.call("product.product", "search", [("sale_ok", "=", True)], limit=1)[0]

    def quotation(user_id):
        order = admin.call(
            "sale.order",
            "create",
            {
                "partner_id": world_sec["debtor"],
                "user_id": user_id,
                "order_line": [(0, 0, {"product_id": product, "product_uom_qty": 1, "price_unit": 100.0})],
            },
        )
        try:
            admin.call("sale.order", "action_quotation_sent", [order])
        except xmlrpc.client.Fault as fault:  # it returns None, which XML-RPC cannot carry back
            assert "cannot marshal None" in fault.faultString, fault.faultString
        return order

    own, colleague = quotation(seller.uid), quotation(admin.uid)
    action = seller.call("sale.order", "action_dunning_followup", [own])
    wizard = seller.call("dunning.quotation.followup", "create", {}, context=action["context"])
    try:
        seller.call("dunning.quotation.followup", "action_send", [wizard])
    except xmlrpc.client.Fault as fault:  # its client action holds None, which XML-RPC cannot carry back
        assert "cannot marshal None" in fault.faultString, fault.faultString
    lines = admin.call("dunning.run.line", "search_read", [("sale_order_id", "=", own)], fields=["state", "error"])
    assert [line["state"] for line in lines] == ["done"], lines
    assert_refused(seller.call, "sale.order", "action_dunning_followup", [colleague])
    assert not admin.call("dunning.run.line", "search", [("sale_order_id", "=", colleague)])


def test_salesperson_without_the_followup_right_reads_and_launches_no_followup(server, world_sec):
    admin = world_sec["admin"]
    plain = as_user(server, "sec_plain_salesperson")
    product = admin.call("product.product", "search", [("sale_ok", "=", True)], limit=1)[0]
    order = admin.call(
        "sale.order",
        "create",
        {
            "partner_id": world_sec["debtor"],
            "user_id": plain.uid,
            "order_line": [(0, 0, {"product_id": product, "product_uom_qty": 1, "price_unit": 100.0})],
        },
    )
    try:
        admin.call("sale.order", "action_quotation_sent", [order])
    except xmlrpc.client.Fault as fault:  # it returns None, which XML-RPC cannot carry back
        assert "cannot marshal None" in fault.faultString, fault.faultString
    # his own quotation: he reads it, not its follow-ups
    assert plain.call("sale.order", "read", [order], fields=["name"])[0]["name"]
    assert_refused(plain.call, "sale.order", "read", [order], fields=["dunning_line_ids"])
    for model in ("dunning.run.line", "dunning.run", "dunning.strategy"):
        assert_refused(plain.call, model, "search_read", [], fields=["id"])
    # nor launches one: the wizards, and the engine behind them
    action = plain.call("sale.order", "action_dunning_followup", [order])
    assert_refused(plain.call, "dunning.quotation.followup", "create", {}, context=action["context"])
    assert_refused(plain.call, "dunning.quotation.mass", "create", {})
    template = world.xmlid(admin, "dunning_strategy_sale.mail_template_quotation_followup_expiry")
    strategy = admin.call(
        "dunning.strategy",
        "create",
        {
            "name": "Security quotations",
            "scope": "quotation",
            "step_ids": [(0, 0, {"name": "Expiry", "days": 0, "mail_template_id": template})],
        },
    )
    assert_refused(plain.call, "dunning.strategy", "action_run_now", [strategy])
    assert not admin.call("dunning.run.line", "search", [("sale_order_id", "=", order)])
    # a salesperson with the right follows up (test_salesperson_follows_up_his_quotation_not_a_colleagues)


# -- promises to pay and disputes (issue #17) ---------------------------------------------------


def test_promise_state_belongs_to_the_engine_and_promises_to_dunning_users(server, world_sec):
    admin = world_sec["admin"]
    billing = as_user(server, "sec_billing_a")
    plain = as_user(server, "sec_plain_salesperson")
    values = {
        "partner_id": world_sec["debtor"],
        "date": (datetime.date.today() + datetime.timedelta(days=10)).isoformat(),
        "invoice_ids": [(6, 0, [world_sec["invoice"]])],
    }
    # a salesperson (invoices, no dunning right) neither records nor reads promises
    assert_refused(plain.call, "dunning.promise", "create", values)
    promise = billing.call("dunning.promise", "create", values)
    assert_refused(plain.call, "dunning.promise", "read", [promise], fields=["state"])
    assert_refused(plain.call, "res.partner", "read", [world_sec["debtor"]], fields=["dunning_promise_ids"])
    # an accountant (a dunning user) records it, but never decides its state
    assert billing.call("dunning.promise", "read", [promise], fields=["state"])[0]["state"] == "open"
    assert_refused(billing.call, "dunning.promise", "write", [promise], {"state": "kept"})
    assert_refused(billing.call, "dunning.promise", "write", [promise], {"amount_residual_start": 0.0})
    assert_refused(billing.call, "dunning.promise", "create", dict(values, state="kept"))
    assert admin.call("dunning.promise", "read", [promise], fields=["state"])[0]["state"] == "open"
    billing.call("dunning.promise", "action_cancel", [promise])
    assert admin.call("dunning.promise", "read", [promise], fields=["state"])[0]["state"] == "cancelled"
    assert_error(billing.call, "dunning.promise", "write", [promise], {"note": "reopened?"})


def test_disputes_are_opened_and_closed_by_dunning_users_only(server, world_sec):
    admin = world_sec["admin"]
    billing = as_user(server, "sec_billing_a")
    plain = as_user(server, "sec_plain_salesperson")
    invoice = world_sec["shared_invoice"]
    # a salesperson may edit invoices, not take one out of dunning
    assert_refused(plain.call, "account.move", "write", [invoice], {"dunning_dispute": True})
    assert_refused(plain.call, "account.move", "action_dunning_open_dispute_wizard", [invoice])
    assert_refused(plain.call, "dunning.dispute.wizard", "create", {"move_ids": [(6, 0, [invoice])], "reason": "x"})
    # nobody writes the fields directly, an accountant neither: the buttons do
    assert_refused(billing.call, "account.move", "write", [invoice], {"dunning_dispute": True})
    assert_refused(billing.call, "account.move", "write", [invoice], {"dunning_dispute_user_id": billing.uid})
    assert not admin.call("account.move", "read", [invoice], fields=["dunning_dispute"])[0]["dunning_dispute"]
    wizard = billing.call(
        "dunning.dispute.wizard",
        "create",
        {"move_ids": [(6, 0, [invoice])], "reason": "Livraison incomplete", "user_id": billing.uid},
    )
    billing.call("dunning.dispute.wizard", "action_open_dispute", [wizard])
    assert admin.call("account.move", "read", [invoice], fields=["dunning_dispute"])[0]["dunning_dispute"]
    assert_refused(plain.call, "account.move", "action_dunning_close_dispute", [invoice])
    assert admin.call("account.move", "read", [invoice], fields=["dunning_dispute"])[0]["dunning_dispute"]
    billing.call("account.move", "action_dunning_close_dispute", [invoice])
    assert not admin.call("account.move", "read", [invoice], fields=["dunning_dispute"])[0]["dunning_dispute"]

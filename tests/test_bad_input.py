"""Bad input over XML-RPC: each of the twenty cases of the reliability issue gives a clear,
translated error (a UserError/ValidationError, fault code 2, in the user's language) or a
failed run line with its reason; never a traceback, and nothing half written."""

import datetime
import uuid
import xmlrpc.client

import dunning_world as world
import pytest
from odoo_server import OdooServer

RPC_USER_ERROR, RPC_ACCESS_ERROR = 2, 4
TODAY = datetime.date.today()


@pytest.fixture(scope="module")
def server():
    srv = OdooServer(f"ext_bad_{uuid.uuid4().hex[:6]}")
    srv.create_database()
    srv.start()
    admin = srv.login()
    wizard = admin.call("base.language.install", "create", {"lang_ids": [(6, 0, lang_ids(admin))]})
    admin.call("base.language.install", "lang_install", [wizard])
    yield srv
    srv.kill()
    srv.drop_database()


def lang_ids(admin):
    return admin.call("res.lang", "search", [("code", "=", "fr_FR"), ("active", "in", [True, False])])


@pytest.fixture(scope="module")
def admin(server):
    return server.login()


def user_error(call):
    """Run ``call(context)`` in French and in English: both must be refused with a user error,
    and the French text must differ from the English one (it is translated)."""
    messages = {}
    for lang in ("fr_FR", "en_US"):
        with pytest.raises(xmlrpc.client.Fault) as fault:
            call({"lang": lang})
        assert fault.value.faultCode == RPC_USER_ERROR, fault.value.faultString
        assert "Traceback" not in fault.value.faultString
        messages[lang] = fault.value.faultString
    assert messages["fr_FR"] != messages["en_US"], f"not translated: {messages['en_US']}"
    return messages


def template_id(admin):
    return world.xmlid(admin, "dunning_strategy.mail_template_dunning_reminder")


def customer(admin, **vals):
    return admin.call("res.partner", "create", {"name": f"Client {uuid.uuid4().hex[:6]}", "is_company": True, **vals})


def invoice(admin, partner_id, days_late=40, currency_id=None):
    due = (TODAY - datetime.timedelta(days=days_late)).isoformat()
    vals = {
        "move_type": "out_invoice",
        "partner_id": partner_id,
        "invoice_date": due,
        "invoice_date_due": due,
        "invoice_line_ids": [(0, 0, {"name": "Prestation", "quantity": 1, "price_unit": 500.0, "tax_ids": []})],
    }
    if currency_id:
        vals["currency_id"] = currency_id
    move_id = admin.call("account.move", "create", vals)
    admin.call("account.move", "action_post", [move_id])
    return move_id


def strategy(admin, **step):
    """A strategy of one step (email with the generic template unless ``step`` says otherwise)."""
    step_vals = {"name": "Relance", "days": 0, "send_email": True, "mail_template_id": template_id(admin), **step}
    return admin.call(
        "dunning.strategy", "create", {"name": f"S {uuid.uuid4().hex[:6]}", "step_ids": [(0, 0, step_vals)]}
    )


def remind(admin, strategy_id, partner_id):
    """Launch the strategy for ``partner_id`` through the launch wizard; return its run line."""
    admin.call("res.partner", "write", [partner_id], {"dunning_strategy_id": strategy_id})
    wizard = admin.call("dunning.launch", "create", {"strategy_id": strategy_id, "date": TODAY.isoformat()})
    admin.call("dunning.launch", "action_launch", [wizard])
    lines = admin.call(
        "dunning.run.line",
        "search_read",
        [("partner_id", "=", partner_id), ("strategy_id", "=", strategy_id)],
        fields=["state", "error"],
    )
    assert len(lines) == 1, lines
    return lines[0]


def refused_or_failed_line(admin, model, vals, step_for):
    """A template the server either refuses to save (user error) or that fails only its line."""
    try:
        record = admin.call(model, "create", vals)
    except xmlrpc.client.Fault as fault:
        assert fault.faultCode == RPC_USER_ERROR, fault.faultString
        return fault.faultString
    partner = customer(admin, email="client@example.com", street="1 rue de la Paix", city="Paris", zip="75002")
    invoice(admin, partner)
    line = remind(admin, strategy(admin, **step_for(record)), partner)
    assert line["state"] == "failed"
    assert line["error"]
    return line["error"]


# -- configuration ----------------------------------------------------------------------------
def test_01_step_without_template(admin):
    user_error(
        lambda ctx: admin.call(
            "dunning.strategy",
            "create",
            {"name": "No template", "step_ids": [(0, 0, {"name": "R1", "days": 5, "send_email": True})]},
            context=ctx,
        )
    )


def test_02_template_with_syntax_error(admin):
    model_id = admin.call("ir.model", "search", [("model", "=", "dunning.run.line")])[0]
    vals = {
        "name": "Broken",
        "model_id": model_id,
        "subject": "R",
        "body_html": '<p t-out="object.partner_id.name +"/>',
    }
    error = refused_or_failed_line(admin, "mail.template", vals, lambda tpl: {"mail_template_id": tpl})
    assert "Traceback" not in error


def test_03_template_forbidden_attribute_is_refused_by_the_sandbox(admin):
    model_id = admin.call("ir.model", "search", [("model", "=", "dunning.run.line")])[0]
    vals = {
        "name": "Sneaky",
        "model_id": model_id,
        "subject": "R",
        "body_html": '<p t-out="object.partner_id.__class__.__mro__"/>',
    }
    error = refused_or_failed_line(admin, "mail.template", vals, lambda tpl: {"mail_template_id": tpl})
    # refused: the line failed with the sandbox's reason, and nothing of the class leaked out
    assert "<class" not in error
    assert "Traceback" not in error


def test_04_two_steps_on_the_same_day(admin):
    steps = [(0, 0, {"name": n, "days": 7, "send_email": True, "mail_template_id": template_id(admin)}) for n in "AB"]
    user_error(lambda ctx: admin.call("dunning.strategy", "create", {"name": "Twins", "step_ids": steps}, context=ctx))


def test_05_negative_minimum_amount(admin):
    user_error(lambda ctx: admin.call("dunning.strategy", "create", {"name": "Neg", "min_amount": -1}, context=ctx))


def test_06_negative_repeat(admin):
    steps = [
        (0, 0, {"name": "R", "days": 7, "repeat_days": -1, "send_email": True, "mail_template_id": template_id(admin)})
    ]
    user_error(lambda ctx: admin.call("dunning.strategy", "create", {"name": "Rep", "step_ids": steps}, context=ctx))


def test_06b_a_billion_days_and_a_huge_repeat(admin):
    template = template_id(admin)
    for step in ({"days": 10**9}, {"days": 7, "repeat_days": 10**9}):
        steps = [(0, 0, {"name": "Far", "send_email": True, "mail_template_id": template, **step})]
        user_error(
            lambda ctx, steps=steps: admin.call(
                "dunning.strategy", "create", {"name": "Far", "step_ids": steps}, context=ctx
            )
        )


# -- customers and addresses ----------------------------------------------------------------
def test_07_malformed_and_blacklisted_email_fail_their_line(admin):
    malformed = customer(admin, email="pas-une-adresse")
    invoice(admin, malformed)
    line = remind(admin, strategy(admin), malformed)
    assert line["state"] == "failed" and "pas-une-adresse" in line["error"]

    blacklisted = customer(admin, email="ne-plus-ecrire@example.com")
    admin.call("mail.blacklist", "create", {"email": "ne-plus-ecrire@example.com"})
    invoice(admin, blacklisted)
    line = remind(admin, strategy(admin), blacklisted)
    assert line["state"] == "failed" and "ne-plus-ecrire@example.com" in line["error"]


def test_08_letter_to_a_customer_without_address(admin):
    letter_template = admin.call("dunning.letter.template", "search", [], limit=1)[0]
    partner = customer(admin)  # no street, no city
    invoice(admin, partner)
    line = remind(
        admin, strategy(admin, send_email=False, print_letter=True, letter_template_id=letter_template), partner
    )
    assert line["state"] == "failed"
    assert line["error"]


# -- runs and the launch wizard -------------------------------------------------------------
def test_09_run_date_more_than_a_year_ahead(admin):
    strategy_id = strategy(admin)
    date = (TODAY + datetime.timedelta(days=400)).isoformat()

    def launch(ctx):
        wizard = admin.call("dunning.launch", "create", {"strategy_id": strategy_id, "date": date}, context=ctx)
        admin.call("dunning.launch", "action_launch", [wizard], context=ctx)

    user_error(launch)


def test_10_launch_on_an_archived_strategy(admin):
    strategy_id = strategy(admin)
    partner = customer(admin, email="archive@example.com")
    invoice(admin, partner)
    admin.call("res.partner", "write", [partner], {"dunning_strategy_id": strategy_id})
    admin.call("dunning.strategy", "write", [strategy_id], {"active": False})

    def launch(ctx):
        wizard = admin.call("dunning.launch", "create", {"strategy_id": strategy_id}, context=ctx)
        admin.call("dunning.launch", "action_launch", [wizard], context=ctx)

    user_error(launch)
    assert not admin.call("dunning.run", "search", [("strategy_id", "=", strategy_id)], context={"active_test": False})


def test_11_wizard_without_customer(admin):
    strategy_id = strategy(admin)

    def launch(ctx):
        wizard = admin.call("dunning.launch", "create", {"strategy_id": strategy_id}, context=ctx)
        admin.call("dunning.launch", "write", [wizard], {"line_ids": [(5, 0, 0)]}, context=ctx)
        admin.call("dunning.launch", "action_launch", [wizard], context=ctx)

    user_error(launch)


def test_12_mass_quotation_follow_up_without_template(admin):
    def launch(ctx):
        wizard = admin.call("dunning.quotation.mass", "create", {}, context=ctx)
        lines = admin.call("dunning.quotation.mass.line", "search", [("wizard_id", "=", wizard)], context=ctx)
        assert lines, "the demo has open quotations"
        admin.call(
            "dunning.quotation.mass.line", "write", lines[:1], {"send_email": True, "step_id": False}, context=ctx
        )
        admin.call("dunning.quotation.mass", "action_launch", [wizard], context=ctx)

    user_error(launch)


# -- exchanges ------------------------------------------------------------------------------
def test_13_exchange_without_partner(admin):
    user_error(lambda ctx: admin.call("exchange.log", "create", {"description": "<p>?</p>"}, context=ctx))


def test_14_exchange_about_a_deleted_record(admin):
    gone = customer(admin)
    admin.call("res.partner", "unlink", [gone])
    partner = customer(admin)
    user_error(
        lambda ctx: admin.call(
            "exchange.log", "create", {"partner_id": partner, "res_model": "res.partner", "res_id": gone}, context=ctx
        )
    )


def test_15_follow_up_in_the_past(admin):
    partner = customer(admin)
    past = (datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S")
    user_error(
        lambda ctx: admin.call(
            "exchange.log", "create", {"partner_id": partner, "followup_datetime": past}, context=ctx
        )
    )


def test_16_reminder_of_minus_five_minutes(admin):
    partner = customer(admin)
    later = (datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S")
    vals = {
        "partner_id": partner,
        "followup_datetime": later,
        "followup_reminder": True,
        "followup_reminder_minutes": -5,
    }
    user_error(lambda ctx: admin.call("exchange.log", "create", vals, context=ctx))


# -- letters ---------------------------------------------------------------------------------
def test_17_mjml_template_that_is_not_mjml(admin):
    user_error(
        lambda ctx: admin.call(
            "dunning.letter.template",
            "create",
            {"name": "Pas MJML", "body_type": "mjml", "body": "<p>Bonjour</p>"},
            context=ctx,
        )
    )


def test_18_letter_template_producing_an_empty_pdf(admin):
    vals = {"name": "Vide", "body_type": "html", "body": "<div> </div>"}
    error = refused_or_failed_line(
        admin,
        "dunning.letter.template",
        vals,
        lambda tpl: {"send_email": False, "print_letter": True, "letter_template_id": tpl},
    )
    assert error


# -- money and companies -------------------------------------------------------------------
def test_19_invoice_in_another_currency_than_the_company(admin):
    usd = admin.call("res.currency", "search", [("name", "=", "USD"), ("active", "in", [True, False])])[0]
    company_currency = admin.call("res.company", "read", [1], fields=["currency_id"])[0]["currency_id"][0]
    other = usd
    if usd == company_currency:
        other = admin.call("res.currency", "search", [("name", "=", "EUR"), ("active", "in", [True, False])])[0]
    admin.call("res.currency", "write", [other], {"active": True})
    partner = customer(admin, email="devise@example.com")
    move = invoice(admin, partner, currency_id=other)
    line = remind(admin, strategy(admin), partner)
    assert line["state"] in ("done", "failed")
    if line["state"] == "failed":
        assert line["error"] and "Traceback" not in line["error"]
    else:
        residual = admin.call("account.move", "read", [move], fields=["amount_residual_signed"])[0]
        amount = admin.call("dunning.run.line", "read", [line["id"]], fields=["amount_residual"])[0]
        # the line's amount is in the company's currency, like the invoice's signed residual
        assert amount["amount_residual"] == pytest.approx(residual["amount_residual_signed"])


def test_20_user_of_another_company_cannot_launch(server, admin):
    strategy_id = strategy(admin)
    company_b = admin.call("res.company", "create", {"name": f"Company {uuid.uuid4().hex[:4]}"})
    login = f"bad_b_{uuid.uuid4().hex[:4]}"
    admin.call(
        "res.users",
        "create",
        {
            "name": login,
            "login": login,
            "password": f"{login}-pw",
            "company_id": company_b,
            "company_ids": [(6, 0, [company_b])],
            "groups_id": [(6, 0, [world.xmlid(admin, "account.group_account_manager")])],
        },
    )
    user_b = server.login(login, f"{login}-pw")
    with pytest.raises(xmlrpc.client.Fault) as fault:
        wizard = user_b.call("dunning.launch", "create", {"strategy_id": strategy_id})
        user_b.call("dunning.launch", "action_launch", [wizard])
    assert fault.value.faultCode in (RPC_USER_ERROR, RPC_ACCESS_ERROR), fault.value.faultString
    assert "Traceback" not in fault.value.faultString
    assert not admin.call("dunning.run", "search", [("strategy_id", "=", strategy_id)])

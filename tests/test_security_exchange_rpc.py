"""Issue 13, items 4, 5, 6 and 8 (chatter note): exchanges and their confidential notes attacked
over XML-RPC by each role, on a real server, next to the same roles doing their legitimate work.

Roles: the exchange creator (logs exchanges for colleagues, edits what he logged, is a
salesperson), the note's author, a member of the group the note is shared with (who sees all
exchanges), a user who sees all confidential comments, a salesperson who reads every order but
no exchange, a plain employee (no exchange right) and a portal user; for issue 16, a user who
only creates exchanges, one who edits all exchanges, and one who edits and deletes all.
"""

import base64
import uuid
import xmlrpc.client

import pytest
from odoo_server import OdooServer

RPC_ACCESS_ERROR = 4
RPC_USER_ERROR = 2  # UserError and ValidationError
SECRET = "Accepte -12 % si livraison avant Pâques"
DESCRIPTION = "Le client menace de partir chez le concurrent"
PIXEL_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
GROUPS = {
    "creator": [
        "base.group_user",
        "sales_team.group_sale_salesman",
        "exchange_tracking.group_exchange_delete",
        "exchange_tracking.group_exchange_user_selection",
    ],
    "author": ["base.group_user", "exchange_tracking.group_exchange_delete"],
    "member": ["base.group_user", "exchange_tracking.group_exchange_read_all"],
    "see_all": [
        "base.group_user",
        "exchange_tracking.group_exchange_read_all",
        "exchange_tracking.group_exchange_confidential",
    ],
    # reads every order, not the exchanges
    "reader": ["base.group_user", "sales_team.group_sale_salesman_all_leads"],
    "plain": ["base.group_user"],
    "portal": ["base.group_portal"],
    # issue 16: the rights as in Dolibarr
    "logger": ["base.group_user", "exchange_tracking.group_exchange_create"],
    "editor": ["base.group_user", "exchange_tracking.group_exchange_edit_all"],
    "cleaner": [
        "base.group_user",
        "exchange_tracking.group_exchange_edit_all",
        "exchange_tracking.group_exchange_delete",
    ],
}


@pytest.fixture(scope="module")
def server():
    srv = OdooServer(f"ext_exsec_{uuid.uuid4().hex[:6]}")
    srv.create_database()
    srv.start()
    yield srv
    srv.kill()
    srv.drop_database()


def xmlid(admin, name):
    module, ref = name.split(".")
    rows = admin.call("ir.model.data", "search_read", [("module", "=", module), ("name", "=", ref)], fields=["res_id"])
    return rows[0]["res_id"]


@pytest.fixture(scope="module")
def world(server):
    """One user per role, a customer, a shared group and an exchange the creator logged for the
    author, whose note the author wrote and shares with the group."""
    admin = server.login()
    # the administrator relates exchanges of others in the tests below
    selection = xmlid(admin, "exchange_tracking.group_exchange_user_selection")
    admin.call("res.users", "write", [admin.uid], {"groups_id": [(4, selection)]})
    company_a = admin.call("res.users", "read", [admin.uid], fields=["company_id"])[0]["company_id"][0]
    shared_group = admin.call("res.groups", "create", {"name": "Grands comptes"})
    creator_group = admin.call("res.groups", "create", {"name": "Amis du créateur"})
    users = {}
    for role, groups in GROUPS.items():
        login = f"rpc_exsec_{role}"
        group_ids = [xmlid(admin, name) for name in groups]
        if role == "member":
            group_ids.append(shared_group)
        if role == "creator":
            group_ids.append(creator_group)
        users[role] = admin.call(
            "res.users",
            "create",
            {
                "name": f"Exsec {role}",
                "login": login,
                "password": f"{login}-pw-123",
                # mail.thread needs an author's address to log the exchange's chatter messages
                "email": f"{login}@example.com",
                "company_id": company_a,
                "company_ids": [(6, 0, [company_a])],
                "groups_id": [(6, 0, group_ids)],
            },
        )
    customer = admin.call("res.partner", "create", {"name": "Boulangerie Lefèvre", "is_company": True})
    creator = as_role(server, "creator")
    exchange = creator.call(
        "exchange.log",
        "create",
        {
            "partner_id": customer,
            "user_id": users["author"],
            "confidential_group_id": shared_group,
            "description": "<p>Appel de suivi</p>",
        },
    )
    as_role(server, "author").call("exchange.log", "write", [exchange], {"confidential_note": f"<p>{SECRET}</p>"})
    company_b = admin.call("res.company", "create", {"name": "Société B", "currency_id": 1})
    partner_b = admin.call("res.partner", "create", {"name": "Client secret de B", "company_id": company_b})
    return {
        "admin": admin,
        "users": users,
        "customer": customer,
        "exchange": exchange,
        "shared_group": shared_group,
        "creator_group": creator_group,
        "partner_b": partner_b,
        "subtype": xmlid(admin, "exchange_tracking.mt_exchange_logged"),
    }


def as_role(server, role):
    login = f"rpc_exsec_{role}"
    return server.login(login, f"{login}-pw-123")


def refused(call, *args, code=RPC_ACCESS_ERROR, **kwargs):
    """Assert the call is refused with ``code`` and a message, never a traceback; return it."""
    with pytest.raises(xmlrpc.client.Fault) as fault:
        call(*args, **kwargs)
    assert fault.value.faultCode == code, fault.value.faultString
    assert "Traceback" not in fault.value.faultString
    return fault.value.faultString


def note_of(rpc, exchange):
    return rpc.call("exchange.log", "read", [exchange], fields=["confidential_note"])[0]["confidential_note"] or ""


def stored_note(world):
    """The note record as the administrator reads it (he sees all confidential comments)."""
    rows = world["admin"].call(
        "exchange.confidential.note",
        "search_read",
        [("exchange_id", "=", world["exchange"])],
        fields=["author_id", "group_id", "company_id", "note"],
    )
    assert len(rows) == 1
    return rows[0]


# -- item 4: who reads the confidential note -------------------------------------------------


def test_author_group_and_see_all_read_the_note(server, world):
    for role in ("author", "member", "see_all"):
        assert SECRET in note_of(as_role(server, role), world["exchange"]), role
    # the creator logged it, may edit the exchange, and does not read the note
    assert SECRET not in note_of(as_role(server, "creator"), world["exchange"])


def test_creator_cannot_make_himself_author_or_share_the_note(server, world):
    creator = as_role(server, "creator")
    exchange = world["exchange"]
    for values in (
        {"user_id": world["users"]["creator"]},
        {"confidential_group_id": world["creator_group"]},
        {"company_id": False},
    ):
        message = refused(creator.call, "exchange.log", "write", [exchange], values)
        assert "confidential note" in message
    note = stored_note(world)
    assert (note["author_id"][0], note["group_id"][0]) == (world["users"]["author"], world["shared_group"])
    author = world["admin"].call("exchange.log", "read", [exchange], fields=["user_id"])[0]["user_id"][0]
    assert author == world["users"]["author"]
    assert SECRET not in note_of(creator, exchange)
    assert not creator.call("exchange.log", "search", [("confidential_note", "ilike", "Pâques")])


def test_nobody_rewrites_who_reads_on_the_note_itself(server, world):
    note = stored_note(world)
    for role in ("member", "author"):
        rpc = as_role(server, role)
        for values in (
            {"author_id": world["users"][role]},
            {"group_id": world["creator_group"]},
            {"company_id": False},
        ):
            refused(rpc.call, "exchange.confidential.note", "write", [note["id"]], values)
    after = stored_note(world)
    assert (after["author_id"], after["group_id"], after["company_id"]) == (
        note["author_id"],
        note["group_id"],
        note["company_id"],
    )
    # the member still edits the text, as the group may
    member = as_role(server, "member")
    member.call("exchange.confidential.note", "write", [note["id"]], {"note": f"<p>{SECRET} (relu)</p>"})
    assert "(relu)" in note_of(as_role(server, "author"), world["exchange"])


def test_first_writer_of_a_note_does_not_keep_it(server, world):
    creator = as_role(server, "creator")
    exchange = creator.call(
        "exchange.log",
        "create",
        {"partner_id": world["customer"], "user_id": world["users"]["author"], "confidential_note": f"<p>{SECRET}</p>"},
    )
    assert SECRET not in note_of(creator, exchange)
    assert SECRET in note_of(as_role(server, "author"), exchange)
    note_ids = world["admin"].call("exchange.confidential.note", "search", [("exchange_id", "=", exchange)])
    refused(creator.call, "exchange.confidential.note", "read", note_ids, fields=["note"])
    refused(creator.call, "exchange.log", "write", [exchange], {"confidential_note": "<p>écrasée</p>"})


def test_see_all_confidential_reads_but_does_not_edit_or_delete(server, world):
    see_all = as_role(server, "see_all")
    note = stored_note(world)
    refused(see_all.call, "exchange.confidential.note", "write", [note["id"]], {"note": "<p>réécrite</p>"})
    refused(see_all.call, "exchange.confidential.note", "unlink", [note["id"]])
    assert stored_note(world)["note"] == note["note"]


def test_plain_employee_and_portal_get_nothing(server, world):
    for role in ("plain", "portal"):
        rpc = as_role(server, role)
        for model in ("exchange.log", "exchange.confidential.note"):
            refused(rpc.call, model, "search_read", [], fields=["display_name"])
        refused(rpc.call, "exchange.log", "read", [world["exchange"]], fields=["confidential_note", "res_name"])
        refused(rpc.call, "exchange.confidential.note", "create", {"exchange_id": world["exchange"], "note": "x"})


# -- item 5: images of the note ----------------------------------------------------------------


def test_image_of_the_note_is_not_an_attachment_of_the_exchange(server, world):
    author = as_role(server, "author")
    reader = as_role(server, "member")  # sees all exchanges; this one's note is not shared
    exchange = author.call("exchange.log", "create", {"partner_id": world["customer"]})
    assert reader.call("exchange.log", "search", [("id", "=", exchange)])
    # What the HTML editor does with a pasted image: an attachment of the record on screen.
    attachment = author.call(
        "ir.attachment",
        "create",
        {
            "name": "devis-signe.png",
            "datas": base64.b64encode(PIXEL_PNG).decode(),
            "res_model": "exchange.log",
            "res_id": exchange,
        },
    )
    token = author.call("ir.attachment", "generate_access_token", [attachment])[0]
    html = f'<p>{SECRET}<img src="/web/image/{attachment}?access_token={token}"></p>'
    author.call("exchange.log", "write", [exchange], {"confidential_note": html})

    assert not world["admin"].call("ir.attachment", "search", [("id", "=", attachment)])
    domain = [("res_model", "=", "exchange.log"), ("res_id", "=", exchange)]
    assert not reader.call("ir.attachment", "search_read", domain, fields=["name"])
    assert not reader.call("exchange.log", "read", [exchange], fields=["confidential_note"])[0]["confidential_note"]
    note = note_of(author, exchange)
    assert "data:image/png;base64," in note and "/web/image/" not in note


# -- item 6: the related document ----------------------------------------------------------


def test_related_document_names_and_existence_are_not_probed(server, world):
    creator = as_role(server, "creator")
    admin = world["admin"]
    parameter = admin.call("ir.config_parameter", "search", [("key", "=", "web.base.url")])[0]
    gone = admin.call("res.partner", "create", {"name": "Client supprimé"})
    admin.call("res.partner", "unlink", [gone])

    def relate(res_model, res_id):
        values = {"partner_id": world["customer"], "res_model": res_model, "res_id": res_id}
        return refused(creator.call, "exchange.log", "create", values, code=RPC_USER_ERROR)

    forbidden, absent = relate("res.partner", world["partner_b"]), relate("res.partner", gone)
    assert "does not exist or you may not read it" in forbidden
    assert forbidden.replace(str(world["partner_b"]), "N") == absent.replace(str(gone), "N")
    assert "Client secret" not in forbidden
    assert "does not exist or you may not read it" in relate("ir.config_parameter", parameter)

    # Exchanges of the creator that the administrator related to records the creator may not
    # read: a system parameter, and a partner deleted since.
    names = {}
    soon_gone = admin.call("res.partner", "create", {"name": "Client bientôt supprimé"})
    for res_model, res_id in (("ir.config_parameter", parameter), ("res.partner", soon_gone)):
        exchange = admin.call("exchange.log", "create", {"partner_id": world["customer"]})
        admin.call(
            "exchange.log",
            "write",
            [exchange],
            {"res_model": res_model, "res_id": res_id, "user_id": world["users"]["creator"]},
        )
        if res_model == "res.partner":
            admin.call("res.partner", "unlink", [res_id])
        row = creator.call("exchange.log", "read", [exchange], fields=["res_name", "res_reference"])[0]
        assert not row["res_reference"]
        names[res_model] = row["res_name"].replace(str(res_id), "N").replace(res_model, "M")
        refused(creator.call, "exchange.log", "action_open_document", [exchange], code=RPC_USER_ERROR)
    assert names["ir.config_parameter"] == names["res.partner"], "the same answer for forbidden and missing"
    assert "web.base.url" not in names["ir.config_parameter"]


@pytest.fixture(scope="module")
def logged_order(server, world):
    """The creator's own quotation, and an exchange he logged about it."""
    creator = as_role(server, "creator")
    product = world["admin"].call("product.product", "search", [("sale_ok", "=", True)], limit=1)[0]
    order = creator.call(
        "sale.order",
        "create",
        {"partner_id": world["customer"], "order_line": [(0, 0, {"product_id": product, "product_uom_qty": 3})]},
    )
    values = {
        "partner_id": world["customer"],
        "res_model": "sale.order",
        "res_id": order,
        "description": f"<p>{DESCRIPTION}</p>",
    }
    exchange = creator.call("exchange.log", "create", values)
    return {"order": order, "exchange": exchange}


def test_creator_logs_an_exchange_on_a_document_he_can_read(server, world, logged_order):
    creator = as_role(server, "creator")
    row = creator.call("exchange.log", "read", [logged_order["exchange"]], fields=["res_name", "res_reference"])[0]
    order_name = creator.call("sale.order", "read", [logged_order["order"]], fields=["name"])[0]["name"]
    assert row["res_name"] == order_name
    assert row["res_reference"] == f"sale.order,{logged_order['order']}"


# -- item 8: the note left on the document's chatter ------------------------------------------


def chatter_notes(rpc, world, model, res_id):
    domain = [("model", "=", model), ("res_id", "=", res_id), ("subtype_id", "=", world["subtype"])]
    return rpc.call("mail.message", "search_read", domain, fields=["body", "author_id", "create_uid"])


def test_chatter_note_is_neutral_and_posted_by_the_user(server, world, logged_order):
    admin, order = world["admin"], logged_order["order"]
    notes = chatter_notes(admin, world, "sale.order", order)
    assert len(notes) == 1
    name = admin.call("exchange.log", "read", [logged_order["exchange"]], fields=["name"])[0]["name"]
    assert name in notes[0]["body"]
    assert DESCRIPTION not in notes[0]["body"]
    assert notes[0]["create_uid"][0] == world["users"]["creator"], "posted with the user's rights, not as superuser"
    # A salesperson who reads every order but no exchange reads the note, not what was said.
    reader = as_role(server, "reader")
    refused(reader.call, "exchange.log", "read", [logged_order["exchange"]], fields=["description"])
    seen = reader.call(
        "mail.message", "search_read", [("model", "=", "sale.order"), ("res_id", "=", order)], fields=["body"]
    )
    assert any(name in message["body"] for message in seen)
    assert all(DESCRIPTION not in message["body"] for message in seen)


def test_no_chatter_note_where_the_user_may_not_post(server, world):
    creator = as_role(server, "creator")
    admin = world["admin"]
    template = admin.call("product.template", "search", [], limit=1)[0]
    values = {
        "partner_id": world["customer"],
        "res_model": "product.template",
        "res_id": template,
        "description": f"<p>{DESCRIPTION}</p>",
    }
    # Reading a product is not the right to post on it: the exchange is logged, no note is left.
    assert creator.call("exchange.log", "create", values)
    assert not chatter_notes(admin, world, "product.template", template)
    # An order of someone else, that the creator may not read: refused, nothing posted on it.
    other_order = admin.call(
        "sale.order", "create", {"partner_id": world["customer"], "user_id": world["users"]["reader"]}
    )
    values = {"partner_id": world["customer"], "res_model": "sale.order", "res_id": other_order}
    refused(creator.call, "exchange.log", "create", values, code=RPC_USER_ERROR)
    assert not chatter_notes(admin, world, "sale.order", other_order)


def test_dunning_timeline_shows_the_exchanges_each_role_reads(server, world):
    """The customer follow-up page's timeline (bridge dunning_exchange_tracking) over RPC: a
    credit controller sees the exchanges his exchange rights let him read, never a note; users
    who are not credit controllers get no timeline at all."""
    admin = world["admin"]
    company = admin.call("res.users", "read", [admin.uid], fields=["company_id"])[0]["company_id"][0]
    controllers = {}
    for role, exchange_right in (("own", "read_own"), ("all", "read_all")):
        login = f"rpc_exsec_timeline_{role}"
        controllers[role] = admin.call(
            "res.users",
            "create",
            {
                "name": f"Timeline {role}",
                "login": login,
                "password": f"{login}-pw-123",
                "email": f"{login}@example.com",
                "company_id": company,
                "company_ids": [(6, 0, [company])],
                "groups_id": [
                    (
                        6,
                        0,
                        [
                            xmlid(admin, "account.group_account_invoice"),
                            xmlid(admin, f"exchange_tracking.group_exchange_{exchange_right}"),
                        ],
                    )
                ],
            },
        )
    name = admin.call("exchange.log", "read", [world["exchange"]], fields=["name"])[0]["name"]

    def timeline(login):
        rpc = server.login(login, f"{login}-pw-123")
        return rpc.call("res.partner", "read", [world["customer"]], fields=["dunning_timeline"])[0]["dunning_timeline"]

    own = timeline("rpc_exsec_timeline_own")
    assert f"exchange-{world['exchange']:010d}" not in own and name not in own, "not his exchange"
    everything = timeline("rpc_exsec_timeline_all")
    assert f"exchange-{world['exchange']:010d}" in everything and name in everything
    assert SECRET not in everything, "a confidential note never shows in the timeline"
    for role in ("author", "plain", "portal"):
        refused(as_role(server, role).call, "res.partner", "read", [world["customer"]], fields=["dunning_timeline"])


# -- issue 15: the follow-up state is the engine's, whatever the context ---------------------


def test_followup_state_is_not_forced_by_a_write_or_a_context_key(server, world):
    author = as_role(server, "author")
    admin = world["admin"]
    exchange = author.call(
        "exchange.log", "create", {"partner_id": world["customer"], "followup_datetime": "2099-01-05 09:00:00"}
    )
    state = author.call("exchange.log", "read", [exchange], fields=["followup_state", "followup_activity_id"])[0]
    assert state["followup_state"] == "planned"
    activity = state["followup_activity_id"][0]
    others = admin.call(
        "mail.activity",
        "create",
        {
            "res_model_id": admin.call("ir.model", "search", [("model", "=", "res.partner")])[0],
            "res_id": world["customer"],
            "activity_type_id": xmlid(admin, "mail.mail_activity_data_todo"),
            "user_id": admin.uid,
            "summary": "Le rendez-vous de l'administrateur",
        },
    )
    # The author may edit his exchange, not the follow-up's bookkeeping: no state, no foreign activity.
    refused(author.call, "exchange.log", "write", [exchange], {"followup_state": "done"})
    refused(author.call, "exchange.log", "write", [exchange], {"followup_activity_id": others})
    refused(
        author.call,
        "exchange.log",
        "create",
        {"partner_id": world["customer"]},
        context={"default_followup_state": "done"},
    )
    # An activity of his own (on his exchange) does not become the follow-up, by value or by
    # context default.
    own = {
        "res_model_id": admin.call("ir.model", "search", [("model", "=", "exchange.log")])[0],
        "res_id": exchange,
        "activity_type_id": xmlid(admin, "mail.mail_activity_data_todo"),
        "user_id": world["users"]["author"],
    }
    refused(author.call, "mail.activity", "create", {**own, "exchange_log_id": exchange})
    refused(author.call, "mail.activity", "create", own, context={"default_exchange_log_id": exchange})
    own_activity = author.call("mail.activity", "create", own)
    refused(author.call, "mail.activity", "write", [own_activity], {"exchange_log_id": exchange})
    # The old context key no longer keeps a deleted follow-up planned.
    author.call("mail.activity", "unlink", [activity], context={"exchange_tracking_unlink": True})
    state = author.call("exchange.log", "read", [exchange], fields=["followup_state", "followup_activity_id"])[0]
    assert state == {"id": exchange, "followup_state": "cancelled", "followup_activity_id": False}
    assert admin.call("mail.activity", "search_count", [("id", "=", others)]) == 1
    # Legitimate: planning again, then marking the activity done, marks the follow-up done.
    author.call("exchange.log", "write", [exchange], {"followup_datetime": "2099-01-06 09:00:00"})
    activity = author.call("exchange.log", "read", [exchange], fields=["followup_activity_id"])[0]
    author.call("mail.activity", "action_feedback", [activity["followup_activity_id"][0]], feedback="Joint")
    assert author.call("exchange.log", "read", [exchange], fields=["followup_state"])[0]["followup_state"] == "done"


def test_a_colleague_cannot_cancel_a_followup_by_deleting_its_calendar_event(server, world):
    # calendar lets every employee delete a public event, and deleting a follow-up's event
    # cancels the follow-up as superuser: the event is the assignee's private one
    author = as_role(server, "author")
    exchange = author.call(
        "exchange.log", "create", {"partner_id": world["customer"], "followup_datetime": "2099-01-05 09:00:00"}
    )
    event = author.call("exchange.log", "read", [exchange], fields=["followup_event_id"])[0]["followup_event_id"][0]
    for role in ("plain", "reader"):
        refused(as_role(server, role).call, "calendar.event", "unlink", [event])
        refused(as_role(server, role).call, "calendar.event", "write", [event], {"start": "2099-01-01 08:00:00"})
    state = author.call("exchange.log", "read", [exchange], fields=["followup_state", "followup_event_id"])[0]
    assert state["followup_state"] == "planned" and state["followup_event_id"][0] == event
    # Legitimate: the assignee (here the author) moves it in his calendar: the follow-up follows.
    author.call("calendar.event", "write", [event], {"start": "2099-01-07 10:00:00", "stop": "2099-01-07 10:30:00"})
    moved = author.call("exchange.log", "read", [exchange], fields=["followup_datetime"])[0]["followup_datetime"]
    assert moved == "2099-01-07 10:00:00"
    # Then deletes it from his calendar: cancelled.
    author.call("calendar.event", "unlink", [event])
    assert (
        author.call("exchange.log", "read", [exchange], fields=["followup_state"])[0]["followup_state"] == "cancelled"
    )


# -- issue 16, item 1: the rights as in Dolibarr ----------------------------------------------


def _fresh_exchange(world, author_role):
    """An exchange the administrator logs for ``author_role``, in the main company."""
    exchange = world["admin"].call(
        "exchange.log", "create", {"partner_id": world["customer"], "description": "<p>Appel</p>"}
    )
    world["admin"].call("exchange.log", "write", [exchange], {"user_id": world["users"][author_role]})
    return exchange


def direction_of(world, exchange):
    return world["admin"].call("exchange.log", "read", [exchange], fields=["direction"])[0]["direction"]


def test_creating_is_enough_to_edit_ones_own_not_to_delete(server, world):
    logger = as_role(server, "logger")
    own = logger.call("exchange.log", "create", {"partner_id": world["customer"]})
    logger.call("exchange.log", "write", [own], {"direction": "incoming"})
    assert direction_of(world, own) == "incoming"
    refused(logger.call, "exchange.log", "unlink", [own])
    theirs = _fresh_exchange(world, "author")
    refused(logger.call, "exchange.log", "write", [theirs], {"direction": "incoming"})
    refused(logger.call, "exchange.log", "unlink", [theirs])
    assert direction_of(world, theirs) == "outgoing"


def test_delete_deletes_ones_own_only_without_edit_all(server, world):
    author = as_role(server, "author")
    own = author.call("exchange.log", "create", {"partner_id": world["customer"]})
    theirs = _fresh_exchange(world, "member")
    refused(author.call, "exchange.log", "write", [theirs], {"direction": "incoming"})
    refused(author.call, "exchange.log", "unlink", [theirs])
    author.call("exchange.log", "unlink", [own])
    assert world["admin"].call("exchange.log", "search", [("id", "in", [own, theirs])]) == [theirs]


def test_edit_all_edits_others_exchanges_deletes_only_with_delete(server, world):
    editor, cleaner = as_role(server, "editor"), as_role(server, "cleaner")
    theirs = _fresh_exchange(world, "author")
    editor.call("exchange.log", "write", [theirs], {"direction": "incoming"})
    assert direction_of(world, theirs) == "incoming"
    refused(editor.call, "exchange.log", "unlink", [theirs])
    cleaner.call("exchange.log", "unlink", [theirs])
    assert not world["admin"].call("exchange.log", "search", [("id", "=", theirs)])
    # the member sees all exchanges and edits none of them
    other = _fresh_exchange(world, "author")
    refused(as_role(server, "member").call, "exchange.log", "write", [other], {"direction": "incoming"})
    for role in ("plain", "portal"):
        refused(as_role(server, role).call, "exchange.log", "write", [other], {"direction": "incoming"})


def test_edit_all_does_not_open_the_confidential_note(server, world):
    exchange = world["exchange"]  # the author's note, shared with the member's group
    for role in ("editor", "cleaner"):
        rpc = as_role(server, role)
        assert SECRET not in note_of(rpc, exchange), role
        assert not rpc.call("exchange.log", "search", [("confidential_note", "ilike", "Pâques")])
        refused(rpc.call, "exchange.log", "write", [exchange], {"confidential_note": "<p>écrasée</p>"})
        refused(rpc.call, "exchange.log", "write", [exchange], {"confidential_group_id": world["creator_group"]})
        refused(rpc.call, "exchange.log", "write", [exchange], {"company_id": False})
        note_ids = world["admin"].call("exchange.confidential.note", "search", [("exchange_id", "=", exchange)])
        refused(rpc.call, "exchange.confidential.note", "read", note_ids, fields=["note"])
        refused(rpc.call, "exchange.confidential.note", "unlink", note_ids)
    note = stored_note(world)
    assert (note["author_id"][0], note["group_id"][0]) == (world["users"]["author"], world["shared_group"])
    assert SECRET in note_of(as_role(server, "author"), exchange)


def test_edit_all_stays_in_its_company(server, world):
    admin = world["admin"]
    company_b = admin.call("res.company", "search", [("name", "=", "Société B")])[0]
    admin.call("res.users", "write", [admin.uid], {"company_ids": [(4, company_b)]})
    exchange_b = admin.call(
        "exchange.log",
        "create",
        {"partner_id": world["partner_b"], "company_id": company_b},
        context={"allowed_company_ids": [company_b]},
    )
    for role in ("editor", "cleaner"):
        rpc = as_role(server, role)
        refused(rpc.call, "exchange.log", "write", [exchange_b], {"direction": "incoming"})
        refused(rpc.call, "exchange.log", "unlink", [exchange_b])
    assert admin.call("exchange.log", "search", [("id", "=", exchange_b)], context={"allowed_company_ids": [company_b]})


# -- issue 16, item 2: several documents per exchange -----------------------------------------


def _order(rpc_or_admin, world, **values):
    product = world["admin"].call("product.product", "search", [("sale_ok", "=", True)], limit=1)[0]
    values = {
        "partner_id": world["customer"],
        "order_line": [(0, 0, {"product_id": product, "product_uom_qty": 2})],
        **values,
    }
    return rpc_or_admin.call("sale.order", "create", values)


def test_creator_links_his_orders_and_they_count_the_exchange(server, world, logged_order):
    creator = as_role(server, "creator")
    second = _order(creator, world)
    exchange = logged_order["exchange"]
    creator.call("exchange.log", "write", [exchange], {"link_ids": [(0, 0, {"res_reference": f"sale.order,{second}"})]})
    rows = creator.call("exchange.log.link", "search_read", [("exchange_id", "=", exchange)], fields=["res_name"])
    name = creator.call("sale.order", "read", [second], fields=["name"])[0]["name"]
    assert [row["res_name"] for row in rows] == [name]
    assert creator.call("sale.order", "read", [second], fields=["exchange_count"])[0]["exchange_count"] == 1
    history = creator.call("exchange.log", "get_history", "sale.order", second)
    assert exchange in [entry["id"] for entry in history["entries"] if entry["type"] == "exchange"]


def test_linking_an_order_one_may_not_read_is_refused_as_a_missing_one(server, world, logged_order):
    creator, admin = as_role(server, "creator"), world["admin"]
    others = _order(admin, world, user_id=world["users"]["reader"])
    others_name = admin.call("sale.order", "read", [others], fields=["name"])[0]["name"]
    gone = _order(admin, world)
    admin.call("sale.order", "unlink", [gone])
    exchange = logged_order["exchange"]
    messages = {}
    for key, order in (("forbidden", others), ("gone", gone)):
        for link in ({"res_reference": f"sale.order,{order}"}, {"res_model": "sale.order", "res_id": order}):
            message = refused(
                creator.call, "exchange.log", "write", [exchange], {"link_ids": [(0, 0, link)]}, code=RPC_USER_ERROR
            )
            messages[key] = message.replace(str(order), "N")
        refused(
            creator.call,
            "exchange.log.link",
            "create",
            {"exchange_id": exchange, "res_model": "sale.order", "res_id": order},
            code=RPC_USER_ERROR,
        )
    assert messages["forbidden"] == messages["gone"]
    assert others_name not in messages["forbidden"]
    # nothing of a technical model either
    parameter = admin.call("ir.config_parameter", "search", [("key", "=", "web.base.url")])[0]
    refused(
        creator.call,
        "exchange.log.link",
        "create",
        {"exchange_id": exchange, "res_model": "ir.config_parameter", "res_id": parameter},
        code=RPC_USER_ERROR,
    )
    domain = ["|", "&", ("res_model", "=", "sale.order"), ("res_id", "in", [others, gone])]
    assert not admin.call("exchange.log.link", "search", [*domain, ("res_model", "=", "ir.config_parameter")])


def test_a_link_to_an_order_one_may_not_read_shows_no_name_and_no_event(server, world, logged_order):
    creator, admin = as_role(server, "creator"), world["admin"]
    others = _order(admin, world, user_id=world["users"]["reader"])
    admin.call("sale.order", "message_post", [others], body="Remise secrète de 30 %", message_type="comment")
    others_name = admin.call("sale.order", "read", [others], fields=["name"])[0]["name"]
    exchange = logged_order["exchange"]
    admin.call(
        "exchange.log", "write", [exchange], {"link_ids": [(0, 0, {"res_model": "sale.order", "res_id": others})]}
    )
    link = admin.call("exchange.log.link", "search", [("exchange_id", "=", exchange), ("res_id", "=", others)])
    row = creator.call("exchange.log.link", "read", link, fields=["res_name", "res_reference", "display_name"])[0]
    assert not row["res_reference"]
    assert others_name not in row["res_name"] and others_name not in row["display_name"]
    events = creator.call("exchange.log", "read", [exchange], fields=["document_events"])[0]["document_events"]
    assert others_name not in events and "Remise secrète" not in events
    # the creator's own order of that exchange shows
    own_name = creator.call("sale.order", "read", [logged_order["order"]], fields=["name"])[0]["name"]
    assert own_name in events
    refused(creator.call, "exchange.log.link", "action_open_document", link, code=RPC_USER_ERROR)


def test_links_follow_the_rights_on_their_exchange(server, world, logged_order):
    exchange = logged_order["exchange"]  # the creator's
    order = logged_order["order"]
    links = world["admin"].call("exchange.log.link", "search", [("exchange_id", "=", exchange)])
    assert links
    link_values = {"exchange_id": exchange, "res_model": "sale.order", "res_id": order}
    # the member reads every exchange and their links, and changes none of them
    member = as_role(server, "member")
    assert member.call("exchange.log.link", "search", [("exchange_id", "=", exchange)]) == links
    refused(member.call, "exchange.log.link", "create", link_values)
    refused(member.call, "exchange.log.link", "unlink", links)
    # who only creates exchanges does not touch the links of someone else's exchange
    logger = as_role(server, "logger")
    assert not logger.call("exchange.log.link", "search", [("exchange_id", "=", exchange)])
    refused(logger.call, "exchange.log.link", "read", links, fields=["res_name"])
    refused(logger.call, "exchange.log.link", "write", links, {"res_id": order})
    refused(logger.call, "exchange.log.link", "unlink", links)
    refused(logger.call, "exchange.log", "write", [exchange], {"link_ids": [(5, 0, 0)]})
    for role in ("plain", "portal"):
        refused(as_role(server, role).call, "exchange.log.link", "search_read", [], fields=["res_name"])
    assert world["admin"].call("exchange.log.link", "search", [("exchange_id", "=", exchange)]) == links


# -- issue 17: the outcome of a reminder call feeds dunning, for credit controllers only -------


def test_dunning_call_outcome_needs_exchange_and_dunning_rights(server, world):
    """A dunning call activity is logged as an exchange whose outcome acts on dunning: an exchange
    user who is no credit controller cannot close it through the flow nor make an outcome act; a
    credit controller with the exchange right can; the outcome and its links stay the flow's."""
    admin = world["admin"]
    company = admin.call("res.users", "read", [admin.uid], fields=["company_id"])[0]["company_id"][0]
    login = "rpc_exsec_call_controller"
    controller_id = admin.call(
        "res.users",
        "create",
        {
            "name": "Call controller",
            "login": login,
            "password": f"{login}-pw-123",
            "email": f"{login}@example.com",
            "company_id": company,
            "company_ids": [(6, 0, [company])],
            "groups_id": [
                (
                    6,
                    0,
                    [
                        xmlid(admin, "account.group_account_invoice"),
                        xmlid(admin, "exchange_tracking.group_exchange_create"),
                    ],
                )
            ],
        },
    )
    logger = as_role(server, "logger")
    call_type = xmlid(admin, "dunning_strategy.mail_activity_type_dunning_call")
    activity_vals = {
        "res_model_id": xmlid(admin, "base.model_res_partner"),
        "res_id": world["customer"],
        "activity_type_id": call_type,
        "summary": "Appel de relance RPC",
    }
    # the logger's own dunning call: he may close it, but he is no credit controller
    activity = admin.call("mail.activity", "create", {**activity_vals, "user_id": logger.uid})
    refused(logger.call, "mail.activity", "action_dunning_log_call", [activity])
    for outcome in ("no_answer", "promise", "wrong_contact"):
        values = {"partner_id": world["customer"], "dunning_outcome": outcome, "dunning_promise_date": "2099-01-05"}
        refused(logger.call, "exchange.log", "create", values)
    refused(logger.call, "exchange.log", "create", {"partner_id": world["customer"], "dunning_activity_id": activity})
    assert admin.call("mail.activity", "search_count", [("id", "=", activity)]) == 1
    # the credit controller's call: the flow opens, saving with "no answer" plans the next call
    controller = server.login(login, f"{login}-pw-123")
    mine = admin.call("mail.activity", "create", {**activity_vals, "user_id": controller_id})
    refused(controller.call, "mail.activity", "action_dunning_log_call", [activity], code=RPC_ACCESS_ERROR)
    action = controller.call("mail.activity", "action_dunning_log_call", [mine])
    assert action["res_model"] == "exchange.log"
    assert action["context"]["default_dunning_activity_id"] == mine
    exchange = controller.call(
        "exchange.log",
        "create",
        {"partner_id": world["customer"], "dunning_activity_id": mine, "dunning_outcome": "no_answer"},
        context={"default_dunning_promise_id": 1},
    )
    assert admin.call("mail.activity", "search_count", [("id", "=", mine)]) == 0, "the call is done"
    next_calls = admin.call(
        "mail.activity",
        "search_read",
        [("res_id", "=", world["customer"]), ("activity_type_id", "=", call_type), ("user_id", "=", controller_id)],
        fields=["date_deadline"],
    )
    assert len(next_calls) == 1
    read = controller.call("exchange.log", "read", [exchange], fields=["dunning_promise_id", "dunning_outcome"])[0]
    assert read["dunning_outcome"] == "no_answer" and not read["dunning_promise_id"]
    # the outcome acted once: it is not rewritten over RPC
    refused(controller.call, "exchange.log", "write", [exchange], {"dunning_outcome": "promise"}, code=RPC_USER_ERROR)

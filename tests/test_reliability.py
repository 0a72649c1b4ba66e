"""Reminders go out exactly once, against real servers: a crash in the middle of a cron run,
two workers on one run, a payment while a customer's line is pending."""

import threading
import xmlrpc.client

import dunning_world as world

CUSTOMERS = 300


def _assert_each_customer_reminded_once(server, run_id):
    states = world.line_states(server, run_id)
    assert set(states) <= {"done", "failed", "skipped"}, f"lines left unfinished: {states}"
    messages = dict(world.reminder_messages(server, run_id))
    done_partners = {
        row[0]
        for row in server.sql(f"SELECT partner_id FROM dunning_run_line WHERE run_id = {run_id} AND state = 'done'")
    }
    assert len(done_partners) == states.get("done", 0), "a customer has two done lines"
    duplicates = {partner: count for partner, count in messages.items() if count > 1}
    assert not duplicates, f"customers reminded more than once: {duplicates}"
    assert {p for p, count in messages.items() if count == 1} == done_partners
    assert world.mail_count(server, run_id) == states["done"]
    return states


def test_crash_mid_run_then_cron_finishes_without_duplicates(new_server):
    server = new_server(start=False)
    world.seed(server, CUSTOMERS, CUSTOMERS)
    world.quiet_other_crons(server)
    server.extra_args = ["--max-cron-threads=1"]
    server.start()
    admin = server.login()
    world.make_strategy(admin)
    world.set_param(admin, "dunning_strategy.batch_size", 5)

    before = world.last_run_id(server)
    world.run_cron_now(server, admin)
    run_id = world.wait_for(
        lambda: (world.last_run_id(server) or 0) > before and world.last_run_id(server),
        timeout=120,
        what="the cron to create the run",
    )
    total = server.sql(f"SELECT count(*) FROM dunning_run_line WHERE run_id = {run_id}")[0][0]
    # 5 % of the seeded invoices are excluded from dunning, and those not due yet (about 12 %) wait
    assert total >= CUSTOMERS * 0.8
    world.wait_for(
        lambda: world.line_states(server, run_id).get("done", 0) >= total // 3,
        timeout=300,
        interval=0.02,
        what="a third of the lines",
    )
    server.kill()
    done_at_crash = world.line_states(server, run_id).get("done", 0)
    assert 0 < done_at_crash < total, f"the crash came too late to prove anything ({done_at_crash}/{total})"

    server.start()
    world.run_cron_now(server, admin)
    world.wait_for(
        lambda: not world.line_states(server, run_id).get("pending"), timeout=300, what="the cron to finish the run"
    )
    states = _assert_each_customer_reminded_once(server, run_id)
    assert states.get("done", 0) + states.get("failed", 0) + states.get("skipped", 0) == total
    run_state = server.sql(f"SELECT state FROM dunning_run WHERE id = {run_id}")[0][0]
    assert run_state == "done"


def test_two_servers_process_one_run_without_duplicates(new_server):
    server_a = new_server(start=False)
    world.seed(server_a, CUSTOMERS, CUSTOMERS)
    world.quiet_other_crons(server_a)
    server_a.start()
    server_b = new_server(dbname=server_a.dbname, start=False, create=False).start()
    admin_a, admin_b = server_a.login(), server_b.login()
    world.make_strategy(admin_a)
    world.set_param(admin_a, "dunning_strategy.batch_size", 10)
    run_id = world.create_run_without_processing(admin_a)
    total = server_a.sql(f"SELECT count(*) FROM dunning_run_line WHERE run_id = {run_id}")[0][0]
    assert world.line_states(server_a, run_id) == {"pending": total}

    errors = []

    def process(admin):
        try:
            admin.call("dunning.run", "action_process", [run_id])
        except xmlrpc.client.Fault as fault:
            # the other worker finished the whole run first: nothing left, nothing to report
            if "already done" not in fault.faultString:
                errors.append(fault.faultString)

    workers = [threading.Thread(target=process, args=(admin,)) for admin in (admin_a, admin_b)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(300)
    assert not errors, errors
    states = _assert_each_customer_reminded_once(server_a, run_id)
    assert states.get("done", 0) + states.get("failed", 0) + states.get("skipped", 0) == total


def test_payment_while_pending_skips_paid_customer_and_trims_the_other(new_server):
    server = new_server(start=False)
    world.seed(server, 20, 40)  # two invoices per customer
    world.quiet_other_crons(server)
    server.start()
    admin = server.login()
    world.make_strategy(admin)
    run_id = world.create_run_without_processing(admin)
    lines = admin.call(
        "dunning.run.line",
        "search_read",
        [("run_id", "=", run_id), ("partner_id.ref", "like", "BENCH-")],
        fields=["partner_id", "move_ids"],
        order="id",
    )
    two_invoices = [line for line in lines if len(line["move_ids"]) == 2]
    fully_paid, partly_paid = two_invoices[0], two_invoices[1]

    def pay(move_ids):
        context = {"active_model": "account.move", "active_ids": move_ids}
        wizard = admin.call("account.payment.register", "create", {}, context=context)
        admin.call("account.payment.register", "action_create_payments", [wizard], context=context)

    pay(fully_paid["move_ids"])
    paid_move = partly_paid["move_ids"][0]
    pay([paid_move])

    admin.call("dunning.run", "action_process", [run_id])
    result = {
        line["id"]: line
        for line in admin.call(
            "dunning.run.line",
            "read",
            [fully_paid["id"], partly_paid["id"]],
            fields=["state", "error", "move_ids", "mail_message_id"],
        )
    }
    assert result[fully_paid["id"]]["state"] == "skipped"
    assert result[fully_paid["id"]]["error"] == "paid"
    assert not result[fully_paid["id"]]["mail_message_id"]
    assert result[partly_paid["id"]]["state"] == "done"
    assert result[partly_paid["id"]]["move_ids"] == [m for m in partly_paid["move_ids"] if m != paid_move]
    body = admin.call("mail.message", "read", [result[partly_paid["id"]]["mail_message_id"][0]], fields=["body"])[0]
    paid_name = admin.call("account.move", "read", [paid_move], fields=["name"])[0]["name"]
    remaining_name = admin.call("account.move", "read", result[partly_paid["id"]]["move_ids"], fields=["name"])[0][
        "name"
    ]
    assert remaining_name in body["body"]
    assert paid_name not in body["body"]

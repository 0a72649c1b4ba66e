"""The benchmark seeder (tests/bench/seed.py) makes the invoices the normal ORM flow makes.

A copy of the tested database is seeded with 200 invoices; then, on a real server over XML-RPC,
each seeded invoice gets a twin made the normal way (``create``, ``action_post``, the payment
through ``account.payment.register``) with the same customer, lines, dates and payment. The
seeded rows and the twins' rows are compared column by column (every column the database has,
so fields added by other addons are compared too): the moves, their lines, tax links, payments,
payment entries, partial reconciliations, followers. Odoo's own checks run on both (``seed.py
--verify``: balance, constraints, every stored computed field recomputed), and the ledgers add up.
"""

import datetime
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import devenv
import psycopg2
import psycopg2.extras
import pytest
from odoo_server import OdooServer

SEED = Path(__file__).resolve().parent / "bench" / "seed.py"
CUSTOMERS, INVOICES = 40, 200
# The context of the seeder's templates: the reference flow runs with the same one.
CONTEXT = {"tracking_disable": True, "mail_create_nolog": True, "mail_notrack": True, "mail_create_nosubscribe": True}
CLONED = ("account_move", "account_move_line", "account_payment", "account_partial_reconcile")
SKIPPED_COLUMNS = {"id", "create_date", "write_date", "sequence_number"}


def run_seed(dbname, *args):
    proc = subprocess.run(
        [sys.executable, str(SEED), "--db", dbname, *args], capture_output=True, text=True, timeout=900, check=False
    )
    assert proc.returncode == 0, f"seed.py {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}"
    figures = {}
    for line in proc.stdout.splitlines():
        parts = line.split()
        if len(parts) == 3 and re.fullmatch(r"-?\d+(\.\d+)?", parts[1]):
            figures[parts[0]] = float(parts[1])
    return figures, proc.stdout


class Db:
    """Plain SQL on the seeded database, rows as dictionaries."""

    def __init__(self, dbname):
        self.conn = psycopg2.connect(dbname=dbname, **devenv.Env().pg)
        self.conn.autocommit = True
        with self.conn.cursor() as cr:
            cr.execute(
                """SELECT c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text
                     FROM pg_constraint c
                     JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
                    WHERE c.contype = 'f' AND cardinality(c.conkey) = 1"""
            )
            self.fkeys = {(t, c): ref for t, c, ref in cr.fetchall()}

    def all(self, query, params=None):
        with self.conn.cursor(cursor_factory=psycopg2.extras.RealDictCursor) as cr:
            cr.execute(query, params)
            return [dict(row) for row in cr.fetchall()]

    def value(self, query, params=None):
        with self.conn.cursor() as cr:
            cr.execute(query, params)
            row = cr.fetchone()
            return row[0] if row else None

    def rows(self, table, ids):
        return self.all(f"SELECT * FROM {table} WHERE id = ANY(%s) ORDER BY id", [list(ids)])


class Group:
    """One invoice with its payment: every row, and a role name for each id (``INV``, ``INV/L2``,
    ``PAY``, ``PAYMOVE/L0``, ``PR0``) so that two groups can be compared without their ids."""

    def __init__(self, db, invoice_id):
        self.db = db
        self.move = db.rows("account_move", [invoice_id])[0]
        self.lines = db.all("SELECT * FROM account_move_line WHERE move_id = %s ORDER BY id", [invoice_id])
        receivable = [line["id"] for line in self.lines]
        self.partials = db.all(
            "SELECT * FROM account_partial_reconcile WHERE debit_move_id = ANY(%s) ORDER BY id", [receivable]
        )
        pay_lines = db.rows("account_move_line", [p["credit_move_id"] for p in self.partials])
        self.payments = db.rows("account_payment", {line["payment_id"] for line in pay_lines if line["payment_id"]})
        self.pay_moves = db.rows("account_move", [p["move_id"] for p in self.payments])
        self.pay_move_lines = db.all(
            "SELECT * FROM account_move_line WHERE move_id = ANY(%s) ORDER BY id", [[m["id"] for m in self.pay_moves]]
        )
        self.roles = {("account_move", invoice_id): "INV"}
        self.roles.update({("account_move_line", line["id"]): f"INV/L{i}" for i, line in enumerate(self.lines)})
        self.roles.update({("account_payment", p["id"]): f"PAY{i}" for i, p in enumerate(self.payments)})
        self.roles.update({("account_move", m["id"]): f"PAYMOVE{i}" for i, m in enumerate(self.pay_moves)})
        self.roles.update(
            {("account_move_line", line["id"]): f"PAYMOVE/L{i}" for i, line in enumerate(self.pay_move_lines)}
        )
        self.roles.update({("account_partial_reconcile", p["id"]): f"PR{i}" for i, p in enumerate(self.partials)})
        self.names = {self.move["name"]: "<INV>"}
        self.names.update({m["name"]: f"<PAYMOVE{i}>" for i, m in enumerate(self.pay_moves)})

    def normalize(self, table, row):
        return {
            col: self._normalize_value(table, col, value) for col, value in row.items() if col not in SKIPPED_COLUMNS
        }

    def _normalize_value(self, table, col, value):
        ref = self.db.fkeys.get((table, col))
        if ref in CLONED and value is not None:
            return self.roles.get((ref, value), f"outside:{value}")
        if col == "matching_number" and value and value.startswith("P"):
            return "P:" + self.roles.get(("account_partial_reconcile", int(value[1:])), value)
        if isinstance(value, str):
            for name, role in self.names.items():
                value = value.replace(name, role)
        return value

    def rows_by_table(self):
        ids = [self.move["id"]] + [m["id"] for m in self.pay_moves]
        lines = self.lines + self.pay_move_lines
        line_ids = [line["id"] for line in lines]
        tax_rel = self.db.all(
            """SELECT account_move_line_id AS line, account_tax_id AS tax FROM account_move_line_account_tax_rel
                WHERE account_move_line_id = ANY(%s) ORDER BY 1, 2""",
            [line_ids],
        )
        followers = self.db.all(
            """SELECT f.res_model, f.res_id, f.partner_id,
                      array(SELECT r.mail_message_subtype_id FROM mail_followers_mail_message_subtype_rel r
                             WHERE r.mail_followers_id = f.id ORDER BY 1) AS subtypes
                 FROM mail_followers f
                WHERE (f.res_model = 'account.move' AND f.res_id = ANY(%s))
                   OR (f.res_model = 'account.payment' AND f.res_id = ANY(%s))
                ORDER BY f.res_model, f.res_id, f.partner_id""",
            [ids, [p["id"] for p in self.payments]],
        )
        links = self.db.all(
            "SELECT payment_id, invoice_id FROM account_move__account_payment WHERE invoice_id = %s ORDER BY 1",
            [self.move["id"]],
        )
        return {
            "account_move": [self.normalize("account_move", r) for r in [self.move, *self.pay_moves]],
            "account_move_line": [self.normalize("account_move_line", r) for r in lines],
            "account_payment": [self.normalize("account_payment", r) for r in self.payments],
            "account_partial_reconcile": [self.normalize("account_partial_reconcile", r) for r in self.partials],
            "tax_rel": [(self.roles[("account_move_line", r["line"])], r["tax"]) for r in tax_rel],
            "followers": [
                (
                    r["res_model"],
                    self.roles.get(("account_move", r["res_id"]), r["res_id"]),
                    r["partner_id"],
                    r["subtypes"],
                )
                for r in followers
                if r["res_model"] == "account.move"
            ]
            + [
                (r["res_model"], self.roles.get(("account_payment", r["res_id"]), r["res_id"]), r["partner_id"])
                for r in followers
                if r["res_model"] == "account.payment"
            ],
            "payment_links": [
                (
                    self.roles.get(("account_payment", r["payment_id"])),
                    self.roles.get(("account_move", r["invoice_id"])),
                )
                for r in links
            ],
        }


def seeded_invoice_ids(db):
    return [
        r["id"]
        for r in db.all(
            """SELECT m.id FROM account_move m JOIN res_partner p ON p.id = m.partner_id
                WHERE m.move_type = 'out_invoice' AND p.ref LIKE 'BENCH-%%' ORDER BY m.id"""
        )
    ]


def make_twins(admin, db, invoice_ids, excluded_field):
    """Create, post and pay like a user would, one twin per seeded invoice; return {seeded: twin}."""
    vals, payments, excluded = [], [], []
    for invoice_id in invoice_ids:
        group = Group(db, invoice_id)
        lines = [line for line in group.lines if line["display_type"] == "product"]
        taxes = db.all(
            """SELECT account_move_line_id AS line, array_agg(account_tax_id ORDER BY account_tax_id) AS taxes
                 FROM account_move_line_account_tax_rel WHERE account_move_line_id = ANY(%s) GROUP BY 1""",
            [[line["id"] for line in lines]],
        )
        taxes = {r["line"]: r["taxes"] for r in taxes}
        vals.append(
            {
                "move_type": "out_invoice",
                "partner_id": group.move["partner_id"],
                "journal_id": group.move["journal_id"],
                "invoice_date": group.move["invoice_date"].isoformat(),
                "invoice_date_due": group.move["invoice_date_due"].isoformat(),
                "invoice_line_ids": [
                    (
                        0,
                        0,
                        {
                            "name": line["name"],
                            "quantity": float(line["quantity"]),
                            "price_unit": float(line["price_unit"]),
                            "tax_ids": [(6, 0, taxes.get(line["id"], []))],
                        },
                    )
                    for line in lines
                ],
            }
        )
        payments.append(group.payments)
        excluded.append(bool(excluded_field and group.move[excluded_field]))
    twin_ids = admin.call("account.move", "create", vals, context=CONTEXT)
    admin.call("account.move", "action_post", twin_ids, context=CONTEXT)
    for twin_id, pays in zip(twin_ids, payments, strict=True):
        for pay in pays:
            context = dict(CONTEXT, active_model="account.move", active_ids=[twin_id])
            wizard = admin.call(
                "account.payment.register",
                "create",
                {
                    "amount": float(pay["amount"]),
                    "payment_date": pay["date"].isoformat(),
                    "journal_id": pay["journal_id"],
                },
                context=context,
            )
            admin.call("account.payment.register", "action_create_payments", [wizard], context=context)
    excluded_twins = [t for t, e in zip(twin_ids, excluded, strict=True) if e]
    if excluded_twins:
        admin.call("account.move", "write", excluded_twins, {excluded_field: True}, context=CONTEXT)
    return dict(zip(invoice_ids, twin_ids, strict=True))


@pytest.fixture(scope="module")
def seeded():
    server = OdooServer(f"bench_seed_t_{uuid.uuid4().hex[:8]}")
    server.create_database()
    try:
        figures, output = run_seed(server.dbname, "--customers", str(CUSTOMERS), "--invoices", str(INVOICES))
        db = Db(server.dbname)
        excluded_field = db.value(
            """SELECT column_name FROM information_schema.columns
                WHERE table_name = 'account_move' AND column_name = 'dunning_excluded'"""
        )
        invoice_ids = seeded_invoice_ids(db)
        server.start()
        twins = make_twins(server.login(), db, invoice_ids, excluded_field)
        yield {
            "server": server,
            "db": db,
            "figures": figures,
            "output": output,
            "twins": twins,
            "excluded_field": excluded_field,
        }
        db.conn.close()
    finally:
        server.kill()
        if not os.environ.get("KEEP_TEST_DB"):
            server.drop_database()


def test_seed_makes_what_was_asked(seeded):
    db, figures = seeded["db"], seeded["figures"]
    today = datetime.date.today()
    invoices = db.all(
        "SELECT * FROM account_move WHERE id = ANY(%s) ORDER BY id", [list(seeded["twins"])]
    )  # the seeded ones
    assert len(invoices) == INVOICES == figures["seed_invoices"]
    assert figures["seed_clones"] > INVOICES / 2, "most invoices must be SQL clones, the path under test"
    assert len({i["partner_id"] for i in invoices}) == CUSTOMERS
    assert {i["state"] for i in invoices} == {"posted"}
    assert {i["move_type"] for i in invoices} == {"out_invoice"}
    dues = [(i["invoice_date_due"] - today).days for i in invoices]
    assert min(dues) >= -150 and max(dues) <= 20
    assert min(dues) < -120 and max(dues) > -10, "due dates spread over the whole range"
    assert sum(1 for i in invoices if i["payment_state"] == "partial") == INVOICES // 10 == figures["seed_partly_paid"]
    assert {i["payment_state"] for i in invoices} == {"partial", "not_paid"}
    assert len({i["amount_total"] for i in invoices}) >= 10, "amounts vary"
    if seeded["excluded_field"]:
        assert sum(1 for i in invoices if i[seeded["excluded_field"]]) == INVOICES // 20 == figures["seed_excluded"]
    else:
        assert figures["seed_excluded"] == 0


def test_seeded_rows_equal_orm_twins_column_by_column(seeded):
    db = seeded["db"]
    compared = 0
    for seeded_id, twin_id in seeded["twins"].items():
        mine, twin = Group(db, seeded_id).rows_by_table(), Group(db, twin_id).rows_by_table()
        for table, rows in mine.items():
            assert len(rows) == len(twin[table]), f"invoice {seeded_id}: {table} count differs from the ORM twin"
            for row, twin_row in zip(rows, twin[table], strict=True):
                if isinstance(row, dict):
                    diff = {c: (v, twin_row.get(c)) for c, v in row.items() if twin_row.get(c) != v}
                    assert not diff, f"invoice {seeded_id} vs ORM twin {twin_id}, {table}: {diff}"
                    compared += len(row)
                else:
                    assert row == twin_row, f"invoice {seeded_id} vs ORM twin {twin_id}, {table}"
        assert mine["account_move_line"], "an invoice has lines"
    assert compared > INVOICES * 200


def test_numbers_follow_odoo_sequence(seeded):
    db = seeded["db"]
    moves = db.all(
        """SELECT m.id, m.name, m.sequence_prefix, m.sequence_number, m.date, j.code
             FROM account_move m JOIN account_journal j ON j.id = m.journal_id
            WHERE m.id = ANY(%s) OR m.id IN (
                  SELECT pay.move_id FROM account_payment pay JOIN account_move_line l ON l.move_id = pay.move_id
                    JOIN account_partial_reconcile r ON r.credit_move_id = l.id
                    JOIN account_move_line d ON d.id = r.debit_move_id WHERE d.move_id = ANY(%s))""",
        [list(seeded["twins"])] * 2,
    )
    for move in moves:
        assert move["name"] == f"{move['sequence_prefix']}{move['sequence_number']:05d}"
        assert move["sequence_prefix"] in (
            f"{move['code']}/{move['date'].year}/",
            f"P{move['code']}/{move['date'].year}/",
        )
    assert len({(m["sequence_prefix"], m["sequence_number"]) for m in moves}) == len(moves)
    # Odoo numbered the twins after the seeded invoices: the sequence continues where the seeder stopped.
    twins = db.all(
        "SELECT sequence_prefix, sequence_number FROM account_move WHERE id = ANY(%s)", [list(seeded["twins"].values())]
    )
    last = {}
    for move in moves:
        last[move["sequence_prefix"]] = max(last.get(move["sequence_prefix"], 0), move["sequence_number"])
    assert all(t["sequence_number"] > last.get(t["sequence_prefix"], 0) for t in twins)


def test_ledgers_add_up(seeded):
    db = seeded["db"]
    seeded_ids, twin_ids = list(seeded["twins"]), list(seeded["twins"].values())
    # Trial balance of the whole company, and of the seeded moves with their payments.
    assert db.value("SELECT round(sum(balance), 2) FROM account_move_line WHERE parent_state = 'posted'") == 0
    ledger = """SELECT l.partner_id, sum(l.balance) AS balance, sum(l.amount_residual) AS residual
                  FROM account_move_line l JOIN account_account a ON a.id = l.account_id
                 WHERE a.account_type = 'asset_receivable' AND l.parent_state = 'posted'
                   AND (l.move_id = ANY(%(ids)s) OR l.id IN (
                        SELECT r.credit_move_id FROM account_partial_reconcile r
                          JOIN account_move_line d ON d.id = r.debit_move_id WHERE d.move_id = ANY(%(ids)s)))
                 GROUP BY l.partner_id ORDER BY l.partner_id"""
    mine = db.all(ledger, {"ids": seeded_ids})
    assert mine == db.all(ledger, {"ids": twin_ids})
    residuals = db.all(
        """SELECT partner_id, sum(amount_residual_signed) AS residual FROM account_move
            WHERE id = ANY(%s) GROUP BY partner_id ORDER BY partner_id""",
        [seeded_ids],
    )
    assert [(r["partner_id"], r["balance"], r["residual"]) for r in mine] == [
        (r["partner_id"], r["residual"], r["residual"]) for r in residuals
    ]
    # action_post raises the customer rank once per invoice and once per payment entry.
    ranks = db.all(
        """SELECT p.id, p.customer_rank,
                  (SELECT count(*) FROM account_move m WHERE m.partner_id = p.id AND m.state = 'posted'
                      AND (m.move_type = 'out_invoice' OR m.origin_payment_id IS NOT NULL)) AS posted
             FROM res_partner p WHERE p.ref LIKE 'BENCH-%%'"""
    )
    assert all(r["customer_rank"] == r["posted"] for r in ranks), ranks


def test_odoo_own_checks_pass_on_seeded_and_twins(seeded):
    figures, output = run_seed(seeded["server"].dbname, "--verify")
    assert figures["verify_invoices"] == 2 * INVOICES
    assert figures["verify_partly_paid"] == 2 * INVOICES // 10
    assert figures["seed_verify_problems"] == 0, output

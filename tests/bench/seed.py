#!/usr/bin/env python3
"""Seed an Odoo 18 database with customers and open customer invoices for the benchmarks.

Usage, from the repository root, on an EXISTING database that has ``account`` installed and a
chart of accounts on the company (``dunning_strategy`` is used when installed, not required)::

    python3 tests/bench/seed.py --db bench_seed_100k --customers 20000 --invoices 100000
    python3 tests/bench/seed.py --db NAME --customers N --invoices M [--company-id ID]
                                [--today YYYY-MM-DD] [--seed 42] [--method sql|orm] [--json FILE]
    python3 tests/bench/seed.py --db NAME --verify [--limit 2000]
    python3 tests/bench/seed.py --db NAME --mark-excluded

A database to seed: ``python3 scripts/devenv.py odoo -- -d bench_seed_10k -i account
--stop-after-init`` (add our addons with ``-i`` once they exist). The Odoo configuration (database
server, addons path) is the one ``scripts/devenv.py`` writes; run it from any directory.

What is seeded, in one transaction (committed at the end, nothing is left half done):

* ``N`` customers ``Bench Customer 000001``... (``ref`` ``BENCH-000001``, an e-mail address each),
  created through the ORM. Seeding again adds more, numbered after the existing ones.
* ``M`` posted customer invoices (journal of type sale, the company's default sale tax on every
  line, 1 to 3 lines), spread evenly over the customers. Due dates are uniform from ``today + 20``
  to ``today - 150`` (``--today`` moves "today"); the invoice date is 30, 45 or 60 days earlier.
* 10 % of them are partly paid by a real ``account.payment`` (bank journal, 20 to 80 % of the
  total, a few days after the invoice date) reconciled with the receivable line, so the invoice is
  ``partial`` with the right residual.
* 5 % are excluded from dunning (``account.move.dunning_excluded = True``, an ORM ``write`` like a
  user ticking the box) when that field exists; otherwise nothing is written for them and
  ``seed_excluded`` says 0. ``--mark-excluded`` does it
  later, once the dunning addon is installed on a database seeded without it.

How (``--method sql``, the default): a few "template" invoices are created through the normal ORM
flow (``create`` + ``action_post``, the payment through ``account.payment.register``), one per
amount/shape: up to 100 plain ones and 20 partly paid ones. Every other invoice is a SQL clone of
one of them: the rows of ``account_move``, ``account_move_line``, ``account_payment``,
``account_partial_reconcile``, ``mail_followers`` and of their many2many tables are copied
column by column (the column list is read from the database, so fields added by other addons are
copied too) with only what differs between two invoices of the same shape replaced: the ids (and
every foreign key between cloned rows), the customer, every date column shifted by the same
number of days, the numbers (``INV/2026/00123``: Odoo's own sequence format, numbered after the
last existing number per prefix, chronologically) and the texts that contain the number
(``payment_reference``, ``ref``, ``memo``, line labels), the ``P<id>`` matching numbers of the
partial reconciliations. Customer ranks are raised like ``action_post`` does; stored computed
fields that other addons add on these models, or on ``res.partner`` from invoices, are recomputed
by the ORM afterwards. Before cloning, the script refuses templates that have related rows it would
not copy (chatter messages, activities, attachments, any other table pointing at them), and texts
or JSON holding a number or a customer name where it does not expect them.

``--method orm`` creates every invoice through the ORM instead (batches of 200, payments one by
one through the wizard): the reference to compare with.

Figures measured on this 2-core machine (PostgreSQL 15, fsync off), 100,000 invoices for 20,000
customers: 124 s with ``account`` alone on an idle machine (about 800 invoices/s: customers 36 s,
templates 11 s, SQL clones 75 s); 227 s with ``dunning_strategy`` installed while other Odoo
processes kept the load average at 6 (customers 67 s, templates 18 s, clones 91 s, the 5,000
exclusions and the recomputations 50 s). 10,000 for 2,000 customers: 16 s idle. ``--method orm``
makes 12 invoices/s (2,000 in 166 s): 100,000 would take about 2 h 20 min.

``--verify`` checks the seeded invoices (all, or about ``--limit`` of them spread over all) with Odoo's own code, in a
transaction that is rolled back: moves balanced (``_get_unbalanced_moves``), every Python
constraint of the moves, lines, payments and partial reconciliations (``_validate_fields``),
every stored read-only computed field of those and of the customers recomputed by the ORM and
equal to what is stored (``payment_state``, ``amount_residual``, totals, ``reconciled``...), the
trial balance zero and each seeded customer's receivable balance equal to its open items and to
its invoices' residuals. It prints ``seed_verify_problems 0 problems`` when everything holds, the
problems otherwise (exit code 1). ``tests/test_bench_seed.py`` also compares seeded invoices,
column by column, with twins made through XML-RPC on a real server.

Output: one figure per line, ``name value unit`` (``seed_invoices_per_s 712 1/s``); ``--json``
writes them to a file as well. Tracking, chatter logging and follower subscription of the creator
are disabled (context ``tracking_disable``, ``mail_create_nolog``, ``mail_notrack``,
``mail_create_nosubscribe``) for the templates like for the reference ORM flow; the customer is
still subscribed to its invoices and payment entries as ``action_post`` does.

Limits: one currency (the company's); only partial payments (no fully paid invoice, no full
reconciliation, no exchange difference); at most 120 different amounts; sequences reset yearly,
monthly or never (not on fiscal years across calendar years); nobody else should post in the sale
or bank journal while seeding (a number taken meanwhile makes the unique index fail the whole
transaction, nothing is half written); invoices with a chatter history are not possible.
"""

import argparse
import datetime
import json
import math
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CONTEXT = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_notrack": True,
    "mail_create_nosubscribe": True,
}
PARTNER_REF = "BENCH-"
EXCLUDED_FIELD = "dunning_excluded"
PARTIAL_RATIO = 0.10
EXCLUDED_RATIO = 0.05
MAX_PLAIN_TEMPLATES = 100
MAX_PARTIAL_TEMPLATES = 20
DUE_AHEAD, DUE_LATE = 20, 150
LABELS = ("Consulting", "Maintenance", "Licence", "Training", "Support", "Hosting", "Audit", "Delivery")
# Cloned models, in insertion order (a foreign key to a later table is filled in afterwards).
CLONED_MODELS = ("account.payment", "account.move", "account.move.line", "account.partial.reconcile", "mail.followers")
# Columns of the clones computed from the plan rather than copied from the template. An entry's
# due date is the day it was created (Odoo's default for entries): it is not shifted.
ENTRY_DUE = "CASE WHEN src.move_type = 'entry' THEN src.invoice_date_due ELSE src.invoice_date_due + p.delta END"
SPECIAL_COLUMNS = {
    ("account_move", "invoice_date_due"): ENTRY_DUE,
    ("account_move", "sequence_prefix"): "CASE src.id WHEN gr.inv_id THEN p.inv_prefix ELSE p.pay_prefix END",
    ("account_move", "sequence_number"): "CASE src.id WHEN gr.inv_id THEN p.inv_seq ELSE p.pay_seq END",
}
# Tables that hold rows linked by (res_model, res_id) which the templates must not have.
RES_ID_TABLES = (("mail_message", "model"), ("mail_activity", "res_model"), ("ir_attachment", "res_model"))


def figure(figures, name, value, unit):
    figures[name] = {"value": value, "unit": unit}
    print(f"{name} {value} {unit}", flush=True)


# --------------------------------------------------------------------------- Odoo bootstrap
def load_registry(dbname, log_level="warn"):
    """Configure Odoo like ``scripts/devenv.py odoo`` does and return the registry of ``dbname``."""
    sys.path.insert(0, str(ROOT / "scripts"))
    import devenv

    env = devenv.Env()
    conf = env.conf(name="bench_seed")
    if str(env.odoo_root) not in sys.path:
        sys.path.insert(0, str(env.odoo_root))
    import odoo

    odoo.tools.config.parse_config(["-c", str(conf), f"--log-level={log_level}"])
    return odoo.modules.registry.Registry(dbname)


def make_env(cr, company_id=None):
    """Superuser rights, but as the administrator (salesperson and author of the invoices)."""
    from odoo import SUPERUSER_ID, api

    admin = api.Environment(cr, SUPERUSER_ID, {}).ref("base.user_admin")
    context = dict(CONTEXT)
    if company_id:
        if not admin.env["res.company"].browse(company_id).exists():
            raise SystemExit(f"No company with id {company_id}.")
        context["allowed_company_ids"] = [company_id]
    return api.Environment(cr, admin.id, context, su=True)


# --------------------------------------------------------------------------- plan
class Shape:
    """What makes two invoices different beyond customer and dates: lines, term, payment."""

    def __init__(self, rnd, partial):
        self.lines = [
            (rnd.choice(LABELS), rnd.choice((1, 1, 1, 2, 3, 5, 10)), round(math.exp(rnd.uniform(3, 8.5)), 2))
            for _i in range(rnd.choice((1, 1, 2, 3)))
        ]
        self.term_days = rnd.choice((30, 45, 60))
        self.pay_ratio = rnd.uniform(0.2, 0.8) if partial else None
        self.pay_offset = rnd.choice((3, 5, 7, 9))


class Row:
    """One invoice to seed."""

    __slots__ = ("due", "excluded", "index", "partner_id", "shape")

    def __init__(self, index, partner_id, shape, due, excluded):
        self.index, self.partner_id, self.shape, self.due, self.excluded = index, partner_id, shape, due, excluded

    @property
    def invoice_date(self):
        return self.due - datetime.timedelta(days=self.shape.term_days)

    @property
    def pay_date(self):
        return self.invoice_date + datetime.timedelta(days=self.shape.pay_offset)


def make_plan(rnd, partner_ids, n_invoices, today):
    n_partial = round(n_invoices * PARTIAL_RATIO)
    n_plain = n_invoices - n_partial
    plain = [Shape(rnd, False) for _i in range(min(MAX_PLAIN_TEMPLATES, max(1, math.ceil(n_plain / 20))))]
    partial = [Shape(rnd, True) for _i in range(min(MAX_PARTIAL_TEMPLATES, max(1, math.ceil(n_partial / 4))))]
    indexes = list(range(n_invoices))
    partial_set = set(rnd.sample(indexes, n_partial))
    excluded_set = set(rnd.sample(indexes, round(n_invoices * EXCLUDED_RATIO)))
    owners = [partner_ids[i % len(partner_ids)] for i in indexes]
    rnd.shuffle(owners)
    rows = []
    for i in indexes:
        shape = rnd.choice(partial) if i in partial_set else rnd.choice(plain)
        due = today + datetime.timedelta(days=DUE_AHEAD - rnd.randint(0, DUE_AHEAD + DUE_LATE))
        rows.append(Row(i, owners[i], shape, due, i in excluded_set))
    return rows


# --------------------------------------------------------------------------- seeder
class Seeder:
    def __init__(self, env):
        self.env = env
        self.company = env.company
        self.sale_journal = env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", self.company.id)], limit=1
        )
        self.bank_journal = env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", self.company.id)], limit=1
        )
        if not self.sale_journal or not self.bank_journal:
            raise SystemExit(
                f"Company {self.company.name} has no sale or bank journal: install a chart of accounts first."
            )
        self.tax_ids = self.company.account_sale_tax_id.ids

    # -- customers ---------------------------------------------------------------------
    def create_partners(self, count):
        cr = self.env.cr
        cr.execute(
            "SELECT COALESCE(max(substr(ref, %s)::int), 0) FROM res_partner WHERE ref ~ %s",
            [len(PARTNER_REF) + 1, f"^{PARTNER_REF}[0-9]+$"],
        )
        start = cr.fetchone()[0] + 1
        vals = [
            {
                "name": f"Bench Customer {n:06d}",
                "ref": f"{PARTNER_REF}{n:06d}",
                "email": f"bench.customer.{n:06d}@example.com",
                "is_company": True,
                "company_id": False,
            }
            for n in range(start, start + count)
        ]
        partners = self.env["res.partner"]
        for i in range(0, count, 1000):
            partners |= partners.create(vals[i : i + 1000])
        self.env.flush_all()
        return partners.ids

    # -- the normal ORM flow -------------------------------------------------------------
    def invoice_vals(self, row):
        from odoo import Command

        return {
            "move_type": "out_invoice",
            "partner_id": row.partner_id,
            "journal_id": self.sale_journal.id,
            "invoice_date": row.invoice_date,
            "invoice_date_due": row.due,
            "invoice_line_ids": [
                Command.create({"name": label, "quantity": qty, "price_unit": price, "tax_ids": self.tax_ids})
                for label, qty, price in row.shape.lines
            ],
        }

    def register_payment(self, invoice, row):
        amount = invoice.currency_id.round(invoice.amount_total * row.shape.pay_ratio)
        wizard = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"amount": amount, "payment_date": row.pay_date, "journal_id": self.bank_journal.id})
        )
        payment = wizard._create_payments()
        wizard.unlink()
        return payment

    def create_orm(self, rows, batch=200):
        """Create and post invoices of ``rows`` (and their payments) through the ORM."""
        Move = self.env["account.move"]
        result = []
        for i in range(0, len(rows), batch):
            chunk = rows[i : i + batch]
            invoices = Move.create([self.invoice_vals(row) for row in chunk])
            invoices.action_post()
            for invoice, row in zip(invoices, chunk, strict=True):
                payment = self.register_payment(invoice, row) if row.shape.pay_ratio else None
                result.append((row, invoice, payment))
            self.env.flush_all()
        return result

    # -- the SQL path --------------------------------------------------------------------
    def seed_sql(self, rows, figures):
        """ORM-create one invoice per shape, then clone it in SQL for the other rows.

        Return (number of templates, ids of all the invoices, ids of the excluded ones)."""
        started = time.monotonic()
        templates, clones = {}, []
        for row in rows:
            if row.shape in templates:
                clones.append(row)
            else:
                templates[row.shape] = row
        created = self.create_orm(list(templates.values()))
        invoice_ids = [invoice.id for _row, invoice, _payment in created]
        excluded_ids = [invoice.id for row, invoice, _payment in created if row.excluded]
        figure(figures, "seed_templates_s", round(time.monotonic() - started, 1), "s")
        started = time.monotonic()
        if clones:
            cloner = Cloner(self.env, {row.shape: (invoice, payment) for row, invoice, payment in created})
            cloner.clone(clones)
            invoice_ids += cloner.cloned_invoice_ids()
            excluded_ids += cloner.cloned_invoice_ids(excluded_only=True)
        figure(figures, "seed_clone_s", round(time.monotonic() - started, 1), "s")
        return len(created), invoice_ids, excluded_ids


class Cloner:
    """Copies template invoices (and their payments) row by row in SQL."""

    def __init__(self, env, groups):
        self.env = env
        self.cr = env.cr
        self.groups = groups  # shape -> (invoice, payment or None)
        self.tables = [env[model]._table for model in CLONED_MODELS]
        self.columns = {table: self._columns(table) for table in self.tables}
        self.fkeys = self._foreign_keys()
        self.group_index = {}

    def _columns(self, table):
        self.cr.execute(
            """SELECT column_name, data_type FROM information_schema.columns
                WHERE table_schema = current_schema() AND table_name = %s AND is_generated = 'NEVER'
                ORDER BY ordinal_position""",
            [table],
        )
        return self.cr.fetchall()

    def _foreign_keys(self):
        """{(table, column): referenced table} for every single-column foreign key."""
        self.cr.execute(
            """SELECT c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text
                 FROM pg_constraint c
                 JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
                WHERE c.contype = 'f' AND cardinality(c.conkey) = 1"""
        )
        return {(table, column): ref for table, column, ref in self.cr.fetchall()}

    def _m2m_tables(self):
        """(relation, column1, table1, column2, table2) of the many2many fields of cloned models."""
        seen, result = set(), []
        for model in CLONED_MODELS:
            for field in self.env[model]._fields.values():
                if field.type != "many2many" or not field.store or field.relation in seen:
                    continue
                seen.add(field.relation)
                result.append(
                    (
                        field.relation,
                        field.column1,
                        self.env[model]._table,
                        field.column2,
                        self.env[field.comodel_name]._table,
                    )
                )
        return result

    # -- templates ---------------------------------------------------------------------
    def _load_templates(self):
        """Temporary tables: seed_group (one per template) and seed_tmpl (its rows per table)."""
        from odoo.tools import SQL

        cr = self.cr
        self.env.flush_all()
        cr.execute(
            """CREATE TEMP TABLE seed_group (g int PRIMARY KEY, partner_id int, partner_display text,
                   inv_id int, inv_name text, pay_move_id int, pay_name text) ON COMMIT DROP;
               CREATE TEMP TABLE seed_tmpl (g int, tbl text, old_id int) ON COMMIT DROP"""
        )
        tmpl_rows = []
        for g, (shape, (invoice, payment)) in enumerate(self.groups.items()):
            self.group_index[shape] = g
            moves = invoice | (payment.move_id if payment else invoice.browse())
            if payment and payment.name != payment.move_id.name:
                raise SystemExit("Payments without their own journal entry name are not supported.")
            pay_name = payment.name if payment else ""
            pay_move = payment.move_id.id if payment else None
            if pay_name and (invoice.name in pay_name or pay_name in invoice.name):
                raise SystemExit(f"Names {invoice.name} and {pay_name} overlap: cannot tell them apart.")
            cr.execute(
                "INSERT INTO seed_group VALUES (%s, %s, %s, %s, %s, %s, %s)",
                [
                    g,
                    invoice.partner_id.id,
                    invoice.partner_id.display_name,
                    invoice.id,
                    invoice.name,
                    pay_move,
                    pay_name,
                ],
            )
            lines = moves.line_ids
            partials = lines.matched_debit_ids | lines.matched_credit_ids
            if lines.full_reconcile_id:
                raise SystemExit("Template lines are fully reconciled: only partial payments are cloned.")
            tmpl_rows += [(g, "account_move", i) for i in moves.ids]
            tmpl_rows += [(g, "account_move_line", i) for i in lines.ids]
            tmpl_rows += [(g, "account_payment", i) for i in (payment.ids if payment else [])]
            tmpl_rows += [(g, "account_partial_reconcile", i) for i in partials.ids]
            cr.execute(
                """SELECT id FROM mail_followers
                    WHERE (res_model = 'account.move' AND res_id = ANY(%s))
                       OR (res_model = 'account.payment' AND res_id = ANY(%s))""",
                [moves.ids, payment.ids if payment else []],
            )
            tmpl_rows += [(g, "mail_followers", i) for (i,) in cr.fetchall()]
        cr.execute(
            SQL(
                "INSERT INTO seed_tmpl SELECT * FROM unnest(%s::int[], %s::text[], %s::int[])",
                *(list(col) for col in zip(*tmpl_rows, strict=True)),
            )
        )
        cr.execute("ANALYZE seed_group; ANALYZE seed_tmpl")
        self._check_unhandled_references()

    def _check_unhandled_references(self):
        """Refuse templates that other rows point at: those rows would not be cloned."""
        from odoo.tools import SQL

        cr = self.cr
        handled = set(self.tables) | {rel for rel, *_rest in self._m2m_tables()}
        problems = []
        for (table, column), ref in sorted(self.fkeys.items()):
            if ref not in self.tables or table in handled:
                continue
            cr.execute(
                SQL(
                    "SELECT count(*) FROM %s WHERE %s IN (SELECT old_id FROM seed_tmpl WHERE tbl = %s)",
                    SQL.identifier(table),
                    SQL.identifier(column),
                    ref,
                )
            )
            if count := cr.fetchone()[0]:
                problems.append(f"{table}.{column} ({count} rows)")
        models = {self.env[model]._table: model for model in CLONED_MODELS}
        for table, model_column in RES_ID_TABLES:
            cr.execute(
                SQL(
                    """SELECT count(*) FROM %s x JOIN seed_tmpl t ON t.old_id = x.res_id
                        WHERE x.%s = (%s::jsonb ->> t.tbl)""",
                    SQL.identifier(table),
                    SQL.identifier(model_column),
                    json.dumps(models),
                )
            )
            if count := cr.fetchone()[0]:
                problems.append(f"{table} ({count} rows)")
        if problems:
            raise SystemExit(
                "The template invoices have related rows this seeder does not clone: " + ", ".join(problems)
            )

    # -- plan --------------------------------------------------------------------------
    def _numbering(self, record, journal, dates):
        """Odoo's own sequence format of ``record``'s name, applied to ``dates`` in order:
        {date: (prefix, format values)} and the next free number of each prefix."""
        name = record.name
        reset = record._deduce_sequence_number_reset(name)
        if reset not in ("year", "month", "never"):
            raise SystemExit(f"Sequence reset '{reset}' of {name} is not supported by the seeder.")
        fmt, values = record._get_sequence_format_param(name)
        split = re.compile(record._make_regex_non_capturing(record._sequence_fixed_regex.replace("?P<seq>", "")))
        prefixes = {}
        for day in sorted(set(dates)):
            vals = dict(values, seq=0)
            if reset in ("year", "month"):
                vals["year"] = record._truncate_year_to_length(day.year, values["year_length"])
            if reset == "month":
                vals["month"] = day.month
            sample = fmt.format(**vals)
            prefixes[day] = (sample[: split.match(sample).start(1)], vals)
        self.cr.execute(
            """SELECT sequence_prefix, max(sequence_number) FROM account_move
                WHERE journal_id = %s AND sequence_prefix = ANY(%s) GROUP BY sequence_prefix""",
            [journal.id, list({p for p, _v in prefixes.values()})],
        )
        last = dict(self.cr.fetchall())
        return fmt, prefixes, last

    def _names(self, record, journal, keyed_dates):
        """[(name, prefix, number)] for ``keyed_dates`` [(key, date)], numbered by (date, key)."""
        fmt, prefixes, last = self._numbering(record, journal, [d for _k, d in keyed_dates])
        result = {}
        for key, day in sorted(keyed_dates, key=lambda kd: (kd[1], kd[0])):
            prefix, vals = prefixes[day]
            number = last.get(prefix, 0) + 1
            last[prefix] = number
            result[key] = (fmt.format(**dict(vals, seq=number)), prefix, number)
        return result

    def _load_plan(self, rows):
        from odoo.tools import SQL

        rows = sorted(rows, key=lambda r: (r.invoice_date, r.index))
        first_invoice, _payment = next(iter(self.groups.values()))
        payment = next((p for _i, p in self.groups.values() if p), None)
        inv_names = self._names(
            first_invoice, first_invoice.journal_id, [(k, r.invoice_date) for k, r in enumerate(rows)]
        )
        pay_names = {}
        if payment:
            pay_names = self._names(
                payment.move_id, payment.journal_id, [(k, r.pay_date) for k, r in enumerate(rows) if r.shape.pay_ratio]
            )
        partners = self.env["res.partner"].browse({r.partner_id for r in rows})
        display = {p.id: p.display_name for p in partners}
        columns = {name: [] for name in ("k", "g", "partner_id", "partner_display", "delta")}
        columns.update({name: [] for name in ("inv_name", "inv_prefix", "inv_seq", "pay_name", "pay_prefix")})
        columns.update(pay_seq=[], excluded=[])
        for k, row in enumerate(rows):
            template, _payment = self.groups[row.shape]
            inv = inv_names[k]
            pay = pay_names.get(k, ("", None, None))
            values = (k, self.group_index[row.shape], row.partner_id, display[row.partner_id])
            values += ((row.due - template.invoice_date_due).days, *inv, *pay, row.excluded)
            for name, value in zip(columns, values, strict=True):
                columns[name].append(value)
        self.cr.execute(
            """CREATE TEMP TABLE seed_plan (k int PRIMARY KEY, g int, partner_id int, partner_display text,
                   delta int, inv_name text, inv_prefix text, inv_seq int, pay_name text, pay_prefix text,
                   pay_seq int, excluded bool) ON COMMIT DROP"""
        )
        types = ("int", "int", "int", "text", "int", "text", "text", "int", "text", "text", "int", "bool")
        self.cr.execute(
            SQL(
                "INSERT INTO seed_plan SELECT * FROM unnest(%s)",
                SQL(", ").join(SQL(f"%s::{t}[]", values) for t, values in zip(types, columns.values(), strict=True)),
            )
        )
        self.cr.execute("ANALYZE seed_plan")
        return len(rows)

    # -- cloning -----------------------------------------------------------------------
    def clone(self, rows):
        self._load_templates()
        self._load_plan(rows)
        for table in self.tables:
            self._make_map(table)
        for position, table in enumerate(self.tables):
            self._insert(table, deferred=self.tables[position + 1 :])
        for position, table in enumerate(self.tables):
            self._fill_deferred(table, self.tables[position + 1 :])
        for relation in self._m2m_tables():
            self._insert_relation(*relation)
        self._finish()

    def _make_map(self, table):
        from odoo.tools import SQL

        name = SQL.identifier(f"seed_map_{table}")
        self.cr.execute(SQL("CREATE TEMP TABLE %s (k int, old_id int, new_id int) ON COMMIT DROP", name))
        self.cr.execute(
            SQL(
                """INSERT INTO %s
                   SELECT k, old_id, nextval(pg_get_serial_sequence(%s, 'id'))
                     FROM (SELECT p.k, t.old_id FROM seed_plan p JOIN seed_tmpl t ON t.g = p.g AND t.tbl = %s
                            ORDER BY p.k, t.old_id) s""",
                name,
                table,
                table,
            )
        )
        self.cr.execute(SQL("CREATE INDEX ON %s (old_id, k); ANALYZE %s", name, name))

    def _text_columns(self, table):
        """Text columns holding a template's number, and those equal to its customer's name."""
        from odoo.tools import SQL

        texts = [c for c, t in self.columns[table] if t in ("character varying", "text")]
        jsons = [c for c, t in self.columns[table] if t in ("jsonb", "json")]
        if not texts and not jsons:
            return set(), set()
        checks = []
        for col in texts:
            ident = SQL("src.%s", SQL.identifier(col))
            checks += [
                SQL(
                    "bool_or(strpos(%s, gr.inv_name) > 0 OR (gr.pay_name <> '' AND strpos(%s, gr.pay_name) > 0))",
                    ident,
                    ident,
                ),
                SQL("bool_or(%s = gr.partner_display)", ident),
                SQL("bool_or(%s <> gr.partner_display AND strpos(%s, gr.partner_display) > 0)", ident, ident),
            ]
        for col in jsons:
            ident = SQL("src.%s::text", SQL.identifier(col))
            checks.append(
                SQL(
                    "bool_or(strpos(%s, gr.inv_name) > 0 OR (gr.pay_name <> '' AND strpos(%s, gr.pay_name) > 0) OR strpos(%s, gr.partner_display) > 0)",
                    ident,
                    ident,
                    ident,
                )
            )
        self.cr.execute(
            SQL(
                """SELECT %s FROM %s src JOIN seed_tmpl t ON t.tbl = %s AND t.old_id = src.id
                   JOIN seed_group gr ON gr.g = t.g""",
                SQL(", ").join(checks),
                SQL.identifier(table),
                table,
            )
        )
        flags = self.cr.fetchone()
        named, partner_named = set(), set()
        for i, col in enumerate(texts):
            if flags[3 * i]:
                named.add(col)
            if flags[3 * i + 1]:
                partner_named.add(col)
            if flags[3 * i + 2]:
                raise SystemExit(f"{table}.{col} contains the customer's name: cloning it is not supported.")
        for i, col in enumerate(jsons):
            if flags[3 * len(texts) + i]:
                raise SystemExit(f"{table}.{col} (json) contains a number or a customer name: not supported.")
        return named, partner_named

    def _insert(self, table, deferred):
        """INSERT INTO table SELECT <template row with the clone's values> for every clone."""
        from odoo.tools import SQL

        rules = (deferred, *self._text_columns(table))
        joins = []
        exprs = [self._column_expr(table, column, rules, joins) for column in self.columns[table]]
        self.cr.execute(
            SQL(
                """INSERT INTO %s (%s)
                   SELECT %s
                     FROM %s m
                     JOIN %s src ON src.id = m.old_id
                     JOIN seed_plan p ON p.k = m.k
                     JOIN seed_group gr ON gr.g = p.g
                     %s
                    ORDER BY m.new_id""",
                SQL.identifier(table),
                SQL(", ").join(SQL.identifier(c) for c, _t in self.columns[table]),
                SQL(", ").join(exprs),
                SQL.identifier(f"seed_map_{table}"),
                SQL.identifier(table),
                SQL(" ").join(joins),
            )
        )

    def _column_expr(self, table, column, rules, joins):
        """The value of ``column`` (name, type) in a clone, from the template row ``src``, the
        plan row ``p`` and the template's group ``gr``; adds the joins it needs to ``joins``."""
        from odoo.tools import SQL

        col, dtype = column
        deferred, named, partner_named = rules
        src = SQL("src.%s", SQL.identifier(col))
        ref = self.fkeys.get((table, col))
        expr = self._special_expr(table, col, joins)
        if expr is not None:
            pass
        elif ref in deferred:
            expr = SQL("NULL")
        elif ref in self.tables:
            alias = SQL.identifier(f"f_{col}")
            map_table = SQL.identifier(f"seed_map_{ref}")
            joins.append(SQL("LEFT JOIN %s %s ON %s.k = m.k AND %s.old_id = %s", map_table, alias, alias, alias, src))
            expr = SQL("COALESCE(%s.new_id, %s)", alias, src)
        elif ref == "res_partner":
            expr = SQL("CASE WHEN %s = gr.partner_id THEN p.partner_id ELSE %s END", src, src)
        elif dtype == "date":
            expr = SQL("%s + p.delta", src)
        elif col in partner_named:
            expr = SQL("CASE WHEN %s = gr.partner_display THEN p.partner_display ELSE %s END", src, src)
        elif col in named:
            expr = SQL("replace(replace(%s, gr.inv_name, p.inv_name), gr.pay_name, p.pay_name)", src)
        else:
            expr = src
        return expr

    def _special_expr(self, table, col, joins):
        from odoo.tools import SQL

        if col == "id":
            return SQL("m.new_id")
        if (table, col) in SPECIAL_COLUMNS:
            return SQL(SPECIAL_COLUMNS[table, col])
        if (table, col) == ("account_move_line", "matching_number"):
            joins.append(
                SQL(
                    """LEFT JOIN seed_map_account_partial_reconcile f_matching
                         ON f_matching.k = m.k AND src.matching_number = 'P' || f_matching.old_id"""
                )
            )
            return SQL("COALESCE('P' || f_matching.new_id, src.matching_number)")
        if (table, col) == ("mail_followers", "res_id"):
            return self._res_id_expr(joins)
        return None

    def _res_id_expr(self, joins):
        from odoo.tools import SQL

        parts = []
        for model in CLONED_MODELS:
            table = self.env[model]._table
            alias = SQL.identifier(f"r_{table}")
            joins.append(
                SQL(
                    "LEFT JOIN %s %s ON %s.k = m.k AND src.res_model = %s AND %s.old_id = src.res_id",
                    SQL.identifier(f"seed_map_{table}"),
                    alias,
                    alias,
                    model,
                    alias,
                )
            )
            parts.append(SQL("%s.new_id", alias))
        return SQL("COALESCE(%s, src.res_id)", SQL(", ").join(parts))

    def _fill_deferred(self, table, later):
        """Foreign keys towards tables inserted after ``table``: set them now."""
        from odoo.tools import SQL

        for col, _dtype in self.columns[table]:
            ref = self.fkeys.get((table, col))
            if ref not in later:
                continue
            self.cr.execute(
                SQL(
                    """UPDATE %s dst SET %s = f.new_id
                         FROM %s m JOIN %s src ON src.id = m.old_id
                         JOIN %s f ON f.k = m.k AND f.old_id = src.%s
                        WHERE dst.id = m.new_id""",
                    SQL.identifier(table),
                    SQL.identifier(col),
                    SQL.identifier(f"seed_map_{table}"),
                    SQL.identifier(table),
                    SQL.identifier(f"seed_map_{ref}"),
                    SQL.identifier(col),
                )
            )

    def _insert_relation(self, relation, column1, table1, column2, table2):
        from odoo.tools import SQL

        if table2 in self.tables:
            other = SQL(
                "LEFT JOIN %s m2 ON m2.k = m1.k AND m2.old_id = r.%s",
                SQL.identifier(f"seed_map_{table2}"),
                SQL.identifier(column2),
            )
            value2 = SQL("COALESCE(m2.new_id, r.%s)", SQL.identifier(column2))
        else:
            other, value2 = SQL(""), SQL("r.%s", SQL.identifier(column2))
        self.cr.execute(
            SQL(
                """INSERT INTO %s (%s, %s)
                   SELECT m1.new_id, %s FROM %s r JOIN %s m1 ON m1.old_id = r.%s %s
                   ON CONFLICT DO NOTHING""",
                SQL.identifier(relation),
                SQL.identifier(column1),
                SQL.identifier(column2),
                value2,
                SQL.identifier(relation),
                SQL.identifier(f"seed_map_{table1}"),
                SQL.identifier(column1),
                other,
            )
        )

    def _finish(self):
        """What ``action_post`` does beside the rows: customer ranks (one per invoice and per
        payment, like ``_increase_rank``)."""
        self.cr.execute(
            """UPDATE res_partner r SET customer_rank = r.customer_rank + c.n
                 FROM (SELECT partner_id, count(*) + count(*) FILTER (WHERE pay_name <> '') AS n
                         FROM seed_plan GROUP BY partner_id) c
                WHERE r.id = c.partner_id"""
        )

    def cloned_invoice_ids(self, excluded_only=False):
        self.cr.execute(
            """SELECT m.new_id FROM seed_map_account_move m JOIN seed_plan p ON p.k = m.k
                 JOIN seed_group gr ON gr.g = p.g AND gr.inv_id = m.old_id
                WHERE p.excluded OR NOT %s""",
            [excluded_only],
        )
        return [i for (i,) in self.cr.fetchall()]


# --------------------------------------------------------------------------- after seeding
def recompute_dependents(env, partner_ids, invoice_ids):
    """Stored computed fields the SQL copy cannot know about: those of res.partner that depend on
    the cloned models, and those that addons outside ``account``'s dependencies add on the
    cloned models (e.g. dunning fields). The ORM recomputes them."""
    registry = env.registry
    cloned = set(CLONED_MODELS)
    env.cr.execute(
        """WITH RECURSIVE deps(name) AS (
               SELECT 'account'::varchar
               UNION SELECT d.name FROM ir_module_module_dependency d
                 JOIN ir_module_module m ON m.id = d.module_id JOIN deps ON deps.name = m.name)
           SELECT name FROM deps"""
    )
    core = {name for (name,) in env.cr.fetchall()}
    todo = []
    partners = env["res.partner"].browse(partner_ids)
    for field in partners._fields.values():
        if (
            field.store
            and field.compute
            and any(f.model_name in cloned for seq in field.resolve_depends(registry) for f in seq)
        ):
            todo.append((field, partners))
    queries = {
        "account.move": "SELECT unnest(%(ids)s::int[])",
        "account.move.line": "SELECT id FROM account_move_line WHERE move_id = ANY(%(ids)s)",
        "account.payment": """SELECT DISTINCT pay.id FROM account_move_line l
                                JOIN account_partial_reconcile r ON r.debit_move_id = l.id
                                JOIN account_move_line c ON c.id = r.credit_move_id
                                JOIN account_payment pay ON pay.move_id = c.move_id
                               WHERE l.move_id = ANY(%(ids)s)""",
    }
    for model, query in queries.items():
        fields = [
            f for f in env[model]._fields.values() if f.store and f.compute and f._module and f._module not in core
        ]
        if fields:
            env.cr.execute(query, {"ids": invoice_ids})
            records = env[model].browse([i for (i,) in env.cr.fetchall()])
            todo += [(field, records) for field in fields]
    for field, records in todo:
        env.add_to_compute(field, records)
    env.flush_all()
    return len(todo)


def mark_excluded(env, invoice_ids, batch=1000):
    """5 % of the invoices are excluded from dunning, when the dunning addon provides the field:
    a plain ORM ``write`` like a user ticking the box (it also sets ``is_manually_modified``)."""
    Move = env["account.move"]
    field = Move._fields.get(EXCLUDED_FIELD)
    if not field or not field.store or not invoice_ids:
        return 0
    for i in range(0, len(invoice_ids), batch):
        Move.browse(invoice_ids[i : i + batch]).write({EXCLUDED_FIELD: True})
        env.flush_all()
        env.invalidate_all()
    return len(invoice_ids)


def seed(registry, customers, invoices, *, company_id=None, today=None, rnd_seed=42, method="sql"):
    """Seed the database of ``registry``; print and return the figures."""
    figures = {}
    today = today or datetime.date.today()
    rnd = random.Random(rnd_seed)
    started = time.monotonic()
    with registry.cursor() as cr:
        env = make_env(cr, company_id)
        cr.execute("SET LOCAL work_mem = '256MB'")
        seeder = Seeder(env)
        partner_ids = seeder.create_partners(customers)
        figure(figures, "seed_partners_s", round(time.monotonic() - started, 1), "s")
        rows = make_plan(rnd, partner_ids, invoices, today)
        step = time.monotonic()
        if method == "orm":
            created = seeder.create_orm(rows)
            n_templates = len(created)
            invoice_ids = [invoice.id for _row, invoice, _payment in created]
            excluded_ids = [invoice.id for row, invoice, _payment in created if row.excluded]
        else:
            n_templates, invoice_ids, excluded_ids = seeder.seed_sql(rows, figures)
        figure(figures, "seed_orm_invoices", n_templates, "invoices")
        figure(figures, "seed_clones", len(rows) - n_templates, "invoices")
        figure(figures, "seed_invoices_s", round(time.monotonic() - step, 1), "s")
        env.invalidate_all()
        step = time.monotonic()
        figure(figures, "seed_excluded", mark_excluded(env, excluded_ids), "invoices")
        figure(figures, "seed_recomputed_fields", recompute_dependents(env, partner_ids, invoice_ids), "fields")
        figure(figures, "seed_recompute_s", round(time.monotonic() - step, 1), "s")
        cr.commit()
    elapsed = time.monotonic() - started
    with registry.cursor() as cr:
        cr.execute("ANALYZE res_partner, account_move, account_move_line, account_payment, account_partial_reconcile")
    figure(figures, "seed_customers", customers, "customers")
    figure(figures, "seed_invoices", len(invoice_ids), "invoices")
    figure(figures, "seed_partly_paid", sum(1 for r in rows if r.shape.pay_ratio), "invoices")
    figure(figures, "seed_total_s", round(elapsed, 1), "s")
    figure(figures, "seed_invoices_per_s", round(invoices / elapsed), "1/s")
    return figures


def mark_excluded_later(registry, company_id=None, rnd_seed=42):
    """For a database seeded before the dunning addon was installed: exclude 5 % of the seeded
    invoices now (nothing is done if some already are)."""
    figures = {}
    with registry.cursor() as cr:
        env = make_env(cr, company_id)
        if EXCLUDED_FIELD not in env["account.move"]._fields:
            raise SystemExit(f"account.move has no field {EXCLUDED_FIELD}: install the dunning addon first.")
        from odoo.tools import SQL

        partners = env["res.partner"].search([("ref", "=like", PARTNER_REF + "%")])
        cr.execute(
            SQL(
                """SELECT id, %s FROM account_move WHERE move_type = 'out_invoice' AND partner_id = ANY(%s)
                    ORDER BY id""",
                SQL.identifier(EXCLUDED_FIELD),
                partners.ids,
            )
        )
        ids, already = [], 0
        for move_id, excluded in cr.fetchall():
            ids.append(move_id)
            already += bool(excluded)
        count = already or mark_excluded(env, random.Random(rnd_seed).sample(ids, round(len(ids) * EXCLUDED_RATIO)))
        cr.commit()
    figure(figures, "seed_excluded", count, "invoices")
    return figures


# --------------------------------------------------------------------------- verification
# Read-only computed fields that the ORM itself overrides after computing them: in Community,
# account.payment.create() sets the outstanding account that the compute would leave empty.
NOT_DERIVED = {("account.payment", "outstanding_account_id")}


def _stored_columns(records):
    """Stored, read-only computed fields of ``records``' model that have a column: the values
    Odoo derives from the others. (Editable computed fields, ``readonly=False``, are inputs
    with a computed default: recomputing them on a posted invoice is not a check.)"""
    return [
        field
        for field in records._fields.values()
        if field.store
        and field.compute
        and field.readonly
        and field.column_type
        and field.name != "id"
        and (records._name, field.name) not in NOT_DERIVED
    ]


def _snapshot(env, records, fields):
    from odoo.tools import SQL

    env.cr.execute(
        SQL(
            "SELECT id, %s FROM %s WHERE id = ANY(%s)",
            SQL(", ").join(SQL.identifier(f.name) for f in fields),
            SQL.identifier(records._table),
            records.ids,
        )
    )
    return {row[0]: row[1:] for row in env.cr.fetchall()}


def _recompute_problems(env, groups):
    """Recompute every stored computed field with the ORM and compare with what is stored."""
    env.flush_all()
    before = {name: _snapshot(env, recs, _stored_columns(recs)) for name, recs in groups.items()}
    env.invalidate_all()
    for recs in groups.values():
        for field in _stored_columns(recs):
            env.add_to_compute(field, recs)
    env.flush_all()
    problems = []
    for name, recs in groups.items():
        fields = _stored_columns(recs)
        after = _snapshot(env, recs, fields)
        for rec_id, old in before[name].items():
            for field, was, now in zip(fields, old, after[rec_id], strict=True):
                if was != now:
                    problems.append(f"{name}({rec_id}).{field.name}: stored {was!r}, recomputed {now!r}")
    return problems


def _ledger_problems(env, partner_ids):
    env.cr.execute(
        """SELECT company_id, sum(balance) FROM account_move_line WHERE parent_state = 'posted'
            GROUP BY company_id HAVING round(sum(balance), 2) <> 0"""
    )
    problems = [f"trial balance of company {c} is {b}, not 0" for c, b in env.cr.fetchall()]
    env.cr.execute(
        """WITH rec AS (
               SELECT l.partner_id, sum(l.balance) AS balance, sum(l.amount_residual) AS residual
                 FROM account_move_line l JOIN account_account a ON a.id = l.account_id
                WHERE a.account_type = 'asset_receivable' AND l.parent_state = 'posted'
                  AND l.partner_id = ANY(%(p)s)
                GROUP BY l.partner_id),
           inv AS (
               SELECT partner_id, sum(amount_residual_signed) AS residual FROM account_move
                WHERE state = 'posted' AND move_type = 'out_invoice' AND partner_id = ANY(%(p)s)
                GROUP BY partner_id)
           SELECT rec.partner_id, rec.balance, rec.residual, inv.residual
             FROM rec FULL JOIN inv ON inv.partner_id = rec.partner_id
            WHERE rec.balance IS DISTINCT FROM rec.residual OR rec.residual IS DISTINCT FROM inv.residual""",
        {"p": partner_ids},
    )
    problems += [
        f"customer {p}: receivable balance {b}, open items {r}, invoices' residual {i}"
        for p, b, r, i in env.cr.fetchall()
    ]
    return problems


def verify(registry, limit=None, company_id=None):
    """Check the seeded invoices with Odoo's own code; roll back; return (figures, problems)."""
    figures, problems = {}, []
    with registry.cursor() as cr:
        env = make_env(cr, company_id)
        partners = env["res.partner"].search([("ref", "=like", PARTNER_REF + "%")])
        invoices = env["account.move"].search(
            [("move_type", "=", "out_invoice"), ("partner_id", "in", partners.ids)], order="id"
        )
        if limit and len(invoices) > limit:  # a sample spread over all of them (templates and clones)
            invoices = invoices[:: math.ceil(len(invoices) / limit)]
        partials = invoices.line_ids.matched_credit_ids
        payments = partials.credit_move_id.payment_id
        moves = invoices | payments.move_id
        lines = moves.line_ids
        partials = lines.matched_debit_ids | lines.matched_credit_ids
        figure(figures, "verify_invoices", len(invoices), "invoices")
        figure(
            figures, "verify_partly_paid", len(invoices.filtered(lambda m: m.payment_state == "partial")), "invoices"
        )
        figure(figures, "verify_open", len(invoices.filtered(lambda m: m.payment_state == "not_paid")), "invoices")
        if EXCLUDED_FIELD in invoices._fields:
            figure(figures, "verify_excluded", len(invoices.filtered(EXCLUDED_FIELD)), "invoices")
        problems += [
            f"unbalanced move {m[0]}" for m in env["account.move"]._get_unbalanced_moves({"records": moves}) or ()
        ]
        for recs in (moves, lines, payments, partials):
            try:
                recs._validate_fields(list(recs._fields))
            except Exception as exc:  # every failed constraint is a finding
                problems.append(f"{recs._name} constraint: {exc}")
        problems += _ledger_problems(env, partners.ids)
        groups = {"account.move": moves, "account.move.line": lines, "account.payment": payments}
        groups.update({"account.partial.reconcile": partials, "res.partner": invoices.partner_id})
        problems += _recompute_problems(env, groups)
        cr.rollback()
    for problem in problems[:50]:
        print(f"problem: {problem}")
    figure(figures, "seed_verify_problems", len(problems), "problems")
    return figures, problems


# --------------------------------------------------------------------------- command line
def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True, help="existing database with account and a chart of accounts")
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument("--invoices", type=int, default=10000)
    parser.add_argument("--company-id", type=int, help="company to seed (default: the administrator's)")
    parser.add_argument("--today", type=datetime.date.fromisoformat, help="reference day of the due dates")
    parser.add_argument("--seed", type=int, default=42, help="random seed")
    parser.add_argument("--method", choices=("sql", "orm"), default="sql")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    parser.add_argument("--verify", action="store_true", help="check the seeded invoices instead of seeding")
    parser.add_argument("--limit", type=int, help="with --verify: check at most this many invoices")
    parser.add_argument(
        "--mark-excluded",
        action="store_true",
        help="exclude 5%% of the seeded invoices now (database seeded before the dunning addon was installed)",
    )
    parser.add_argument("--log-level", default="warn")
    args = parser.parse_args(argv)
    if args.customers < 1 or args.invoices < 1:
        parser.error("--customers and --invoices must be positive")
    registry = load_registry(args.db, args.log_level)
    problems = []
    if args.verify:
        figures, problems = verify(registry, args.limit, args.company_id)
    elif args.mark_excluded:
        figures = mark_excluded_later(registry, args.company_id, args.seed)
    else:
        figures = seed(
            registry,
            args.customers,
            args.invoices,
            company_id=args.company_id,
            today=args.today,
            rnd_seed=args.seed,
            method=args.method,
        )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark of the dunning letters (addons/dunning_strategy/tools/letter_pdf.py), without Odoo.

Prints one ``name value unit`` line per figure; asserts nothing. Figures:
- a one-page letter rendered alone (one WeasyPrint document, one PDF);
- 100 letters rendered as one document, then split into 100 PDFs plus the merged PDF;
- letters per second for ``--customers`` customers (500 by default) in batches of ``--batch``;
- the same 100 letters written as MJML templates;
- MJML -> HTML conversion of one letter template.
Timings are medians where repeated; a shared machine makes them vary by tens of percent.

With ``--db NAME`` (a database with ``dunning_strategy`` installed), it also measures the letters
through the engine: ``--customers`` company customers with an address and two overdue invoices
each, a strategy whose one step prints the default letter template, then ``_create_run`` and
``action_process`` as a user would launch them (letter bodies rendered by the mail render engine
in each customer's language, one WeasyPrint document per batch, one attachment and one chatter
note per customer, the merged PDF of the run). Everything is rolled back at the end.

Usage: python3 tests/bench/letters_bench.py [--customers 500] [--batch 100] [--repeat 10] [--db NAME]
"""

import argparse
import datetime
import importlib.util
import io
import statistics
import sys
import time
from pathlib import Path

TOOLS_DIR = Path(__file__).resolve().parents[2] / "addons" / "dunning_strategy" / "tools"

# A 1x1 PNG, standing for the company logo.
LOGO = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63646060f80f0000050001a5f645400000000049454e44ae426082"
)


def load_tools():
    """Import the addon's tools package alone: its helpers must not need odoo."""
    spec = importlib.util.spec_from_file_location(
        "dunning_strategy_tools", TOOLS_DIR / "__init__.py", submodule_search_locations=[str(TOOLS_DIR)]
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def customer_letter(tools, index):
    """A realistic one-page reminder: greeting, three overdue invoices, total, closing."""
    rows = "".join(
        f"<tr><td>FAC/2025/{index:05d}-{n}</td><td>{n:02d}/03/2025</td><td>{n:02d}/04/2025</td>"
        f"<td>{100 * n},00 €</td><td>{40 + n} j</td></tr>"
        for n in range(1, 4)
    )
    body = (
        f"<p>Lyon, le 30/06/2025</p><p><b>Objet : relance de factures impayées</b></p>"
        f"<p>Madame, Monsieur,</p><p>Sauf erreur de notre part, les factures suivantes de Client {index} "
        f"restent impayées à ce jour :</p>"
        f"<table><tr><th>Facture</th><th>Date</th><th>Échéance</th><th>Reste dû</th><th>Retard</th></tr>{rows}</table>"
        f"<p>Total restant dû : 600,00 €</p><p>Nous vous remercions de bien vouloir régulariser cette situation "
        f"sous huit jours. Si votre règlement a croisé ce courrier, merci de ne pas en tenir compte.</p>"
        f"<p>Veuillez agréer, Madame, Monsieur, nos salutations distinguées.</p><p>Le service comptabilité</p>"
    )
    return tools.Letter(
        body=body,
        address=f"Client {index} SARL\nM. Jean Dupont\n{index} rue de la République\n69002 Lyon",
        title=f"Client {index}",
    )


def mjml_letter(index):
    """The same reminder as an MJML template (as a user would write it)."""
    rows = "".join(
        f"<tr><td>FAC/2025/{index:05d}-{n}</td><td>{n:02d}/04/2025</td><td>{100 * n},00 €</td></tr>"
        for n in range(1, 4)
    )
    return (
        "<mjml><mj-body><mj-section><mj-column>"
        '<mj-text>Lyon, le 30/06/2025</mj-text><mj-text font-weight="bold">Objet : relance de factures impayées</mj-text>'
        f"<mj-text>Madame, Monsieur, sauf erreur de notre part, les factures suivantes de Client {index} restent impayées :</mj-text>"
        f"<mj-table>{rows}</mj-table><mj-text>Total restant dû : 600,00 €</mj-text>"
        "<mj-text>Veuillez agréer, Madame, Monsieur, nos salutations distinguées.</mj-text>"
        "</mj-column></mj-section></mj-body></mjml>"
    )


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=500)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--db", help="also measure the letters through the engine on this database")
    options = parser.parse_args()

    tools = load_tools()
    layout = tools.LetterLayout(
        header_html="<b>Cabinet Durand SARL</b><br/>12 rue des Lilas, 69003 Lyon",
        footer_html="SARL au capital de 8 000 € - SIREN 812 345 678 - TVA FR12812345678",
        logo=LOGO,
        sender_line="Cabinet Durand - 12 rue des Lilas - 69003 Lyon",
    )
    tools.render_letters_pdf([customer_letter(tools, 0)], layout)  # warm-up: fonts, imports

    single = [timed(tools.render_letters_pdf, [customer_letter(tools, 0)], layout)[1] for _ in range(options.repeat)]
    print(f"letter_single_document {statistics.median(single) * 1000:.1f} ms")

    batch = [customer_letter(tools, index) for index in range(100)]
    runs = [timed(tools.render_letters_pdf, batch, layout) for _ in range(3)]
    assert runs[0][0].page_counts == [1] * 100, "the bench letter must fit on one page"
    print(
        f"letter_in_100_letter_document {statistics.median(seconds for _result, seconds in runs) * 1000 / 100:.1f} ms"
    )
    print(f"letters_100_merged_pdf_size {len(runs[0][0].merged) / 1024:.0f} KiB")

    mjml_batch = [
        tools.Letter(body=tools.mjml_to_html(mjml_letter(index)), address=letter.address)
        for index, letter in enumerate(batch)
    ]
    _result, seconds = timed(tools.render_letters_pdf, mjml_batch, layout)
    print(f"mjml_letter_in_100_letter_document {seconds * 1000 / 100:.1f} ms")

    start = time.perf_counter()
    for first in range(0, options.customers, options.batch):
        letters = [
            customer_letter(tools, index) for index in range(first, min(first + options.batch, options.customers))
        ]
        tools.render_letters_pdf(letters, layout)
    seconds = time.perf_counter() - start
    print(
        f"letters_per_second_{options.customers}_customers_batch_{options.batch} "
        f"{options.customers / seconds:.1f} letters/s"
    )

    conversions = [timed(tools.mjml_to_html, mjml_letter(0))[1] for _ in range(options.repeat)]
    print(f"mjml_to_html {statistics.median(conversions) * 1000:.2f} ms")

    if options.db:
        engine_figures(options.db, options.customers, options.batch)


def engine_figures(dbname, customers, batch):
    """Letters of ``customers`` customers through the engine, on ``dbname``, rolled back."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import seed

    registry = seed.load_registry(dbname)
    from pypdf import PdfReader

    from odoo import Command, fields

    with registry.cursor() as cr:
        env = seed.make_env(cr)
        company = env.company
        today = fields.Date.context_today(env["res.partner"])
        journal = env["account.journal"].search(
            [*env["account.journal"]._check_company_domain(company), ("type", "=", "sale")], limit=1
        )
        partners = env["res.partner"].create(
            [
                {
                    "name": f"Letter Bench {index:05d} SARL",
                    "is_company": True,
                    "email": f"bench{index}@letters.example.com",
                    "street": f"{index} rue de la République",
                    "zip": "69002",
                    "city": "Lyon",
                }
                for index in range(customers)
            ]
        )
        start = time.perf_counter()
        moves = env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "journal_id": journal.id,
                    "partner_id": partner.id,
                    "invoice_date": today - datetime.timedelta(days=40 + n),
                    "invoice_date_due": today - datetime.timedelta(days=10 + n),
                    "invoice_line_ids": [
                        Command.create(
                            {"name": "Prestations", "quantity": 1, "price_unit": 100.0 * (n + 1), "tax_ids": []}
                        )
                    ],
                }
                for partner in partners
                for n in range(2)
            ]
        )
        moves.action_post()
        print(f"letters_engine_setup_{customers}_customers {time.perf_counter() - start:.1f} s")
        strategy = env["dunning.strategy"].create(
            {
                "name": "Letters bench",
                "company_id": company.id,
                "step_ids": [Command.create({"name": "Relance", "days": 0, "print_letter": True})],
            }
        )
        partners.with_company(company).dunning_strategy_id = strategy
        env["ir.config_parameter"].set_param("dunning_strategy.batch_size", str(batch))
        start = time.perf_counter()
        run = strategy._create_run(today, "manual")
        run.action_process()
        env.flush_all()
        seconds = time.perf_counter() - start
        done = run.done_count
        assert done == customers, f"{done} letters of {customers} ({run.line_ids.mapped('error')[:3]})"
        print(f"letters_engine_{customers}_customers_batch_{batch} {seconds:.1f} s")
        print(f"letters_engine_per_second {customers / seconds:.1f} letters/s")
        pages = len(PdfReader(io.BytesIO(run.letters_attachment_id.raw)).pages)
        print(f"letters_engine_run_pdf {pages} pages")
        cr.rollback()


if __name__ == "__main__":
    main()

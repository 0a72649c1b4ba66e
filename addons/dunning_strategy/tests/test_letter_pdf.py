"""Letters rendered to PDF by the pure helpers of tools/letter_pdf.py, checked by parsing the PDFs.

No database: these tests feed the helpers the HTML that the engine renders per customer.
"""

import base64
import contextlib
import gc
import io
import tempfile

from PIL import Image
from pypdf import PdfReader

from odoo.tests import BaseCase
from odoo.tools import mute_logger

from ..tools import letter_pdf
from ..tools.letter_pdf import (
    Letter,
    LetterLayout,
    LetterRenderError,
    check_letter_html,
    merge_pdf_files,
    merge_pdfs,
    mjml_to_html,
    pdf_page_count,
    pdf_text,
    render_letters_pdf,
)
from ..tools.qr_code import qr_code_data_uri, qr_code_matrix, qr_code_png

# A 1x1 transparent PNG: the logo of the test company.
PNG_PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)

MJML_LETTER = """
<mjml>
  <mj-body>
    <mj-section>
      <mj-column>
        <mj-text>Madame, Monsieur, {name}</mj-text>
        <mj-table>
          {rows}
        </mj-table>
        <mj-text>Total restant dû : {total}</mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>
"""


def html_letter(name, invoices, paragraphs=1):
    """The kind of body the engine renders for one customer: greeting, invoice table, total."""
    rows = "".join(f"<tr><td>{number}</td><td>{due}</td><td>{residual}</td></tr>" for number, due, residual in invoices)
    filler = "<p>Sauf erreur de notre part, ces factures restent impayées à ce jour.</p>" * paragraphs
    total = f"{sum(float(residual.replace(',', '.')) for _n, _d, residual in invoices):.2f}".replace(".", ",")
    return (
        f"<div><p>Madame, Monsieur, {name}</p>{filler}"
        f"<table><tr><th>Facture</th><th>Échéance</th><th>Reste dû</th></tr>{rows}</table>"
        f"<p>Total restant dû : {total} €</p></div>"
    )


def mjml_letter(name, invoices):
    rows = "".join(f"<tr><td>{number}</td><td>{residual}</td></tr>" for number, _due, residual in invoices)
    total = f"{sum(float(residual.replace(',', '.')) for _n, _d, residual in invoices):.2f}".replace(".", ",")
    return MJML_LETTER.format(name=name, rows=rows, total=f"{total} €")


def squash(text):
    """PDF text with whitespace collapsed, so assertions do not depend on line breaks."""
    return " ".join(text.split())


def text_lines_mm(pdf, page_index=0):
    """``[(text, x_mm, baseline_mm_from_top)]`` of every text run on a page."""
    page = PdfReader(io.BytesIO(pdf)).pages[page_index]
    height = float(page.mediabox.height)
    runs = []

    def visit(text, cm, tm, _font, _size):
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            runs.append((text.strip(), x * 25.4 / 72, (height - y) * 25.4 / 72))

    page.extract_text(visitor_text=visit)
    return runs


class TestLetterPdf(BaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.layout = LetterLayout(
            header_html="<b>Cabinet Durand SARL</b><br/>12 rue des Lilas, 69003 Lyon",
            footer_html="SARL au capital de 8 000 € - SIREN 812 345 678 - TVA FR12812345678",
            logo=PNG_PIXEL,
            sender_line="Cabinet Durand - 12 rue des Lilas - 69003 Lyon",
        )

    def test_letter_contains_name_invoices_and_total(self):
        invoices = [("FAC/2025/00017", "15/01/2025", "1200,00"), ("FAC/2025/00042", "28/02/2025", "350,50")]
        letter = Letter(
            body=html_letter("Boulangerie Martin", invoices),
            address="Boulangerie Martin\nMme Claire Martin\n4 place du Marché\n38000 Grenoble",
            title="Boulangerie Martin",
        )
        result = render_letters_pdf([letter], self.layout)
        self.assertEqual(len(result.letters), 1)
        text = squash(pdf_text(result.letters[0]))
        for expected in (
            "Boulangerie Martin",
            "Mme Claire Martin",
            "38000 Grenoble",
            "FAC/2025/00017",
            "FAC/2025/00042",
            "1550,50 €",
            "Cabinet Durand SARL",  # header
            "SIREN 812 345 678",  # footer
        ):
            self.assertIn(expected, text)
        self.assertTrue(result.letters[0].startswith(b"%PDF"))
        self.assertEqual(pdf_page_count(result.merged), 1)

    def test_merged_pdf_has_every_letter_in_order(self):
        customers = ["Alpha Transports", "Bravo Menuiserie", "Charlie Traiteur"]
        letters = [
            Letter(
                body=html_letter(
                    name, [(f"FAC/2025/{index:05d}", "01/03/2025", "99,00")], paragraphs=60 * (index == 1)
                ),
                address=f"{name}\n1 avenue de la Gare\n75010 Paris",
            )
            for index, name in enumerate(customers)
        ]
        result = render_letters_pdf(letters, self.layout)

        self.assertEqual(len(result.letters), 3)
        self.assertEqual(result.page_counts[0], 1)
        self.assertGreater(result.page_counts[1], 1, "the long letter must span several pages")
        self.assertEqual(result.page_counts[2], 1)
        self.assertEqual([pdf_page_count(pdf) for pdf in result.letters], result.page_counts)
        self.assertEqual(pdf_page_count(result.merged), sum(result.page_counts))

        # The merged PDF holds each letter's pages, in order, and no page mixes two customers.
        first_page = 0
        for index, name in enumerate(customers):
            pages = range(first_page, first_page + result.page_counts[index])
            self.assertIn(f"Madame, Monsieur, {name}", squash(pdf_text(result.merged, [first_page])))
            for page in pages:
                page_text = squash(pdf_text(result.merged, [page]))
                self.assertFalse([other for other in customers if other != name and other in page_text])
            first_page = pages.stop
            self.assertIn(f"FAC/2025/{index:05d}", squash(pdf_text(result.letters[index])))

    def test_mjml_and_html_templates_both_work(self):
        invoices = [("FAC/2025/00101", "10/04/2025", "480,00"), ("FAC/2025/00102", "10/05/2025", "20,00")]
        mjml_html = mjml_to_html(mjml_letter("Delta Paysages", invoices))
        self.assertIn("<html", mjml_html)
        result = render_letters_pdf(
            [
                Letter(body=mjml_html, address="Delta Paysages\n3 chemin Vert\n44000 Nantes"),
                Letter(
                    body=html_letter("Echo Imprimerie", invoices),
                    address="Echo Imprimerie\n5 rue Neuve\n67000 Strasbourg",
                ),
            ],
            self.layout,
        )
        mjml_text = squash(pdf_text(result.letters[0]))
        html_text = squash(pdf_text(result.letters[1]))
        for text, name in ((mjml_text, "Delta Paysages"), (html_text, "Echo Imprimerie")):
            self.assertIn(f"Madame, Monsieur, {name}", text)
            self.assertIn("FAC/2025/00101", text)
            self.assertIn("FAC/2025/00102", text)
            self.assertIn("500,00 €", text)
        self.assertNotIn("Echo Imprimerie", mjml_text)
        self.assertEqual(pdf_page_count(result.merged), 2)

    def test_not_mjml_source_is_refused(self):
        with self.assertRaises(LetterRenderError) as caught:
            mjml_to_html("<p>Bonjour</p>")
        self.assertEqual(caught.exception.code, LetterRenderError.NOT_MJML)
        self.assertIn("not MJML", str(caught.exception))

        with self.assertRaises(LetterRenderError) as caught:
            mjml_to_html("<mjml><mj-body><mj-text>unclosed</mj-body></mjml>")
        self.assertEqual(caught.exception.code, LetterRenderError.MJML_SYNTAX)
        self.assertTrue(caught.exception.detail)
        self.assertIn(caught.exception.detail, str(caught.exception))

    def test_empty_letter_is_refused_with_its_position(self):
        for empty_body in (
            "",
            "   ",
            "<div> <p>\n</p></div>",
            "<style>p { color: red }</style>",
            mjml_to_html("<mjml></mjml>"),
        ):
            with self.subTest(body=empty_body[:40]):
                with self.assertRaises(LetterRenderError) as caught:
                    check_letter_html(empty_body)
                self.assertEqual(caught.exception.code, LetterRenderError.EMPTY_LETTER)
                self.assertEqual(str(caught.exception), "The letter template produced an empty letter.")

        letters = [
            html_letter("Foxtrot", [("FAC/1", "", "1,00")]),
            "<p> </p>",
            html_letter("Golf", [("FAC/2", "", "2,00")]),
        ]
        with self.assertRaises(LetterRenderError) as caught:
            render_letters_pdf(letters, self.layout)
        self.assertEqual(caught.exception.code, LetterRenderError.EMPTY_LETTER)
        self.assertEqual(caught.exception.letter_index, 1)

    def test_extra_pdfs_follow_their_letter_in_merged_pdf_only(self):
        invoice_pdf = render_letters_pdf(["<h1>FACTURE FAC/2025/00777</h1>"]).merged
        letters = [html_letter(name, [("FAC/2025/00777", "", "10,00")]) for name in ("Hotel Azur", "India Bio")]
        result = render_letters_pdf(letters, self.layout, extra_pdfs={0: [invoice_pdf, invoice_pdf]})

        self.assertEqual(pdf_page_count(result.merged), 4)
        pages = [squash(pdf_text(result.merged, [index])) for index in range(4)]
        self.assertIn("Hotel Azur", pages[0])
        self.assertIn("FACTURE FAC/2025/00777", pages[1])
        self.assertIn("FACTURE FAC/2025/00777", pages[2])
        self.assertIn("India Bio", pages[3])
        self.assertEqual([pdf_page_count(pdf) for pdf in result.letters], [1, 1])

    def test_address_sits_in_french_envelope_window(self):
        layout = self.layout
        address = ["Juliette Roux SAS", "Service comptabilité", "8 boulevard Carnot", "BP 12", "31000 Toulouse"]
        result = render_letters_pdf(
            [Letter(body=html_letter("Juliette Roux SAS", [("FAC/9", "", "9,00")]), address="\n".join(address))],
            layout,
        )
        runs = {text: (x, y) for text, x, y in text_lines_mm(result.letters[0])}
        for line in address:
            x, baseline = runs[line]
            self.assertAlmostEqual(x, layout.address_left, delta=0.5, msg=line)
            # Inside the block, and inside what a DL window shows whatever the slack of the sheet.
            self.assertGreater(baseline, layout.address_top, msg=line)
            self.assertLess(baseline, layout.address_top + layout.address_height, msg=line)
            self.assertTrue(50 < baseline < 84, f"{line} at {baseline:.1f} mm from the top")
        self.assertGreater(runs["Madame, Monsieur, Juliette Roux SAS"][1], layout.address_top + layout.address_height)

    def test_logo_accepts_raw_base64_and_data_uri(self):
        for logo in (
            PNG_PIXEL,
            base64.b64encode(PNG_PIXEL),
            "data:image/png;base64," + base64.b64encode(PNG_PIXEL).decode(),
        ):
            with self.subTest(logo=logo[:12]):
                result = render_letters_pdf(["<p>Logo</p>"], LetterLayout(logo=logo))
                self.assertEqual(pdf_page_count(result.letters[0]), 1)
        with self.assertRaises(LetterRenderError):
            render_letters_pdf(["<p>Logo</p>"], LetterLayout(logo=b"not an image at all"))

    def test_each_letter_pdf_carries_its_own_images_only(self):
        # WeasyPrint shares one resource dictionary between the pages of a document: a letter's
        # PDF cut from it must not carry the images of the other letters of the batch
        letters = [
            f'<p>Client {index}</p><img src="{qr_code_data_uri(f"https://example.com/pay/{index}")}" '
            'style="width: 18mm; height: 18mm;"/>'
            for index in range(5)
        ]
        result = render_letters_pdf(letters, LetterLayout())
        for index, pdf in enumerate(result.letters):
            images = [image for page in PdfReader(io.BytesIO(pdf)).pages for image in page.images]
            self.assertEqual(len(images), 1, f"letter {index}: its QR code only")
            self.assertIn(f"Client {index}", pdf_text(pdf))
        merged_images = {
            image.indirect_reference.idnum
            for page in PdfReader(io.BytesIO(result.merged)).pages
            for image in page.images
        }
        self.assertEqual(len(merged_images), 5)

    def test_qr_code_is_a_sharp_grey_png_with_its_quiet_zone(self):
        png = qr_code_png("https://example.com/my/invoices/42?access_token=abc")
        image = Image.open(io.BytesIO(png))
        self.assertEqual(image.format, "PNG")
        self.assertEqual(image.mode, "L")
        modules = len(qr_code_matrix("https://example.com/my/invoices/42?access_token=abc"))
        self.assertEqual(image.size, (modules * 4, modules * 4))
        self.assertEqual(set(image.getdata()), {0, 255}, "black and white only: no blur to scan")
        # the white quiet zone (4 modules), then the dark top-left finder pattern
        self.assertEqual(image.getpixel((15, 15)), 255)
        self.assertEqual(image.getpixel((16, 16)), 0)
        self.assertEqual(image.getpixel((16 + 6 * 4, 16)), 0, "the finder pattern is 7 modules wide")
        self.assertEqual(image.getpixel((16 + 7 * 4, 16)), 255)

    def test_collector_thresholds_come_back_after_rendering(self):
        """The letters are laid out with fewer young collections, and the process gets its own
        thresholds back afterwards: after a render, after a failed one, and when two renders
        (two threads) overlap, only once the last one ends."""
        saved = gc.get_threshold()
        self.addCleanup(gc.set_threshold, *saved)
        gc.set_threshold(700, 11, 12)
        render_letters_pdf([html_letter("Alpha", [("FAC/1", "01/01/2025", "10,00")])], self.layout)
        self.assertEqual(gc.get_threshold(), (700, 11, 12))
        with self.assertRaises(LetterRenderError), mute_logger(letter_pdf._logger.name):
            render_letters_pdf(["<p>ok</p>", "   "], self.layout)
        self.assertEqual(gc.get_threshold(), (700, 11, 12))
        first = letter_pdf._fewer_young_collections()
        first.__enter__()
        self.assertEqual(gc.get_threshold(), (10_000, 11, 12), "the older generations keep theirs")
        with contextlib.suppress(ValueError), letter_pdf._fewer_young_collections():
            first.__exit__(None, None, None)
            self.assertEqual(gc.get_threshold(), (10_000, 11, 12), "another render is still running")
            raise ValueError("a render that fails")
        self.assertEqual(gc.get_threshold(), (700, 11, 12))

    def test_external_resources_are_never_fetched(self):
        body = '<p>Avec image</p><img src="http://127.0.0.1:9/logo.png"/>'
        with self.assertLogs(letter_pdf._logger.name, level="WARNING") as logs:
            result = render_letters_pdf([body], self.layout)
        self.assertIn("Avec image", pdf_text(result.letters[0]))
        self.assertIn("127.0.0.1:9/logo.png", "\n".join(logs.output))

    def test_merge_pdfs_concatenates_in_order(self):
        first, second = (render_letters_pdf([f"<p>Document {n}</p>"]).merged for n in ("un", "deux"))
        merged = merge_pdfs([first, b"", second])
        self.assertEqual(pdf_page_count(merged), 2)
        self.assertIn("Document un", pdf_text(merged, [0]))
        self.assertIn("Document deux", pdf_text(merged, [1]))
        with self.assertRaises(LetterRenderError) as caught, mute_logger("pypdf"):
            merge_pdfs([first, b"%PDF-1.7 this is not a pdf"])
        self.assertEqual(caught.exception.code, LetterRenderError.BAD_PDF)
        self.assertEqual(caught.exception.letter_index, 1)

    def test_merge_pdf_files_reads_each_part_from_its_file(self):
        first, second, third = (render_letters_pdf([f"<p>Part {n}</p>"]).merged for n in ("one", "two", "three"))
        with tempfile.NamedTemporaryFile(suffix=".pdf") as part, tempfile.TemporaryFile() as output:
            part.write(second)
            part.flush()
            merge_pdf_files([first, part.name, b"", third], output)
            output.seek(0)
            merged = output.read()
        self.assertEqual(pdf_page_count(merged), 3)
        for page, text in enumerate(("Part one", "Part two", "Part three")):
            self.assertIn(text, pdf_text(merged, [page]))
        with self.assertRaises(LetterRenderError) as caught, mute_logger("pypdf"), tempfile.TemporaryFile() as output:
            merge_pdf_files([first, b"%PDF-1.7 this is not a pdf"], output)
        self.assertEqual(caught.exception.letter_index, 1)

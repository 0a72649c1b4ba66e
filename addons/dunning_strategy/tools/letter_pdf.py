"""Dunning letters: MJML -> HTML -> one WeasyPrint document -> one PDF per letter.

Pure helpers: nothing here touches the ORM or imports odoo, so they run (and are tested) without a
database. The Odoo side renders each customer's letter body with its own engine, then hands the
bodies to :func:`render_letters_pdf`, and turns a :class:`LetterRenderError` into a translated
``UserError`` or a failed run line (its ``code`` says which message to show).

Why one document for many letters: parsing styles, loading fonts and writing a PDF are fixed costs
of a WeasyPrint render. A batch of letters shares them: each letter is a ``<section>`` starting on
a new page, the page holding its anchor is its first page, and pypdf cuts the written PDF back
into one PDF per letter (cheaper than ``Document.copy(pages).write_pdf()`` per letter).

Page layout (A4, millimetres from the top-left corner of the sheet), chosen for French window
envelopes that take an A4 sheet folded in three: DL (110 x 220 mm) and C5/6 (114 x 229 mm), whose
window is 100 x 45 mm, 20 mm from the right edge and 15 mm from the bottom edge. In a DL envelope
the window then shows, whatever the slack of the folded sheet, x 100-190 mm and y 50-84 mm of the
letter; in a C5/6 envelope, x 109-190 and y 54-84. The address block is 80 x 33 mm at x 110 mm,
y 55 mm (the frame French mailing services ask for, which leaves room above it for a
registered-mail barcode): the sender line and five address lines stay inside the window in both
envelopes (tests/test_letter_pdf.py measures it). Other envelopes: pass another
:class:`LetterLayout`.
"""

import base64
import binascii
import contextlib
import gc
import html
import io
import itertools
import logging
import re
import threading
from dataclasses import dataclass

_logger = logging.getLogger(__name__)

__all__ = [
    "Letter",
    "LetterLayout",
    "LetterRenderError",
    "LettersPdf",
    "check_letter_html",
    "letter_css",
    "merge_pdf_files",
    "merge_pdfs",
    "mjml_to_html",
    "pdf_page_count",
    "pdf_text",
    "render_letters_pdf",
]

# Each letter is one <section> with this id prefix; the page that first holds the anchor is the
# letter's first page (its later pages hold the anchor too).
_LETTER_ID = "dunning-letter-"
_MJML_ROOT_RE = re.compile(r"^\s*(?:<!--.*?-->\s*)*<mjml[\s>/]", re.IGNORECASE | re.DOTALL)
_CSS_IMPORT_RE = re.compile(r"@import\s+[^;]*;?", re.IGNORECASE)
_IMAGE_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"<svg", "image/svg+xml"),
    (b"<?xml", "image/svg+xml"),
)


class LetterRenderError(Exception):
    """A letter could not be rendered. ``str(error)`` is a readable English message.

    ``code`` names the cause so the Odoo side can show its own translated message, ``detail``
    holds the underlying parser message if any, and ``letter_index`` is the position of the
    faulty letter in the list given to :func:`render_letters_pdf` (``None`` when the error is
    not tied to one letter).
    """

    NOT_MJML = "not_mjml"
    MJML_SYNTAX = "mjml_syntax"
    BAD_HTML = "bad_html"
    EMPTY_LETTER = "empty_letter"
    RENDER_FAILED = "render_failed"
    BAD_PDF = "bad_pdf"

    def __init__(self, message, code=RENDER_FAILED, detail="", letter_index=None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.detail = detail
        self.letter_index = letter_index


@dataclass(frozen=True)
class Letter:
    """One customer's letter.

    ``body``: HTML, a fragment or a whole document (the output of :func:`mjml_to_html` is one).
    ``address``: the recipient's postal address as plain text, one line per line (e.g.
    ``partner._display_address()`` with the name first); printed in the envelope window.
    Leave it empty when the template places the address itself.
    ``title``: the title of this letter's PDF and its outline entry in the merged PDF (e.g. the
    customer's name).
    """

    body: str
    address: str = ""
    title: str = ""


@dataclass(frozen=True)
class LetterLayout:
    """What all letters of one batch share (one company), and where things go on the sheet.

    ``header_html`` and ``footer_html`` are trusted HTML (escaped by the caller), repeated on every
    page: company name and address on top, legal mentions (SIREN, VAT number, capital) below.
    ``logo``: image bytes (raw, or base64 as Odoo binary fields return them) or a ``data:`` URI.
    ``sender_line``: plain text return address printed small above the recipient in the window.
    Distances are in millimetres.
    """

    header_html: str = ""
    footer_html: str = ""
    logo: bytes | str | None = None
    sender_line: str = ""
    lang: str = "fr"
    page_numbers: bool = True
    font_family: str = "'DejaVu Sans', 'Liberation Sans', Arial, sans-serif"
    font_size_pt: float = 10
    margin_top: float = 40
    margin_right: float = 20
    margin_bottom: float = 25
    margin_left: float = 20
    address_left: float = 110
    address_top: float = 55
    address_width: float = 80
    address_height: float = 33


@dataclass(frozen=True)
class LettersPdf:
    """Result of :func:`render_letters_pdf`.

    ``letters``: one PDF (bytes) per input letter, same order. ``merged``: every letter in order
    with the extra PDFs after their letter.
    ``page_counts``: pages of each letter (extras excluded).
    """

    letters: list
    merged: bytes
    page_counts: list


def mjml_to_html(source):
    """Return the HTML document that mjml-python (MRML) makes of an MJML ``source``.

    Raises :class:`LetterRenderError` with code ``not_mjml`` when the source has no ``<mjml>``
    root, ``mjml_syntax`` when MRML cannot parse it. Never fetches anything.
    """
    if isinstance(source, bytes):
        source = source.decode("utf-8")
    if not isinstance(source, str) or not _MJML_ROOT_RE.match(source):
        raise LetterRenderError(
            "The letter template is not MJML: it must start with an <mjml> element.",
            code=LetterRenderError.NOT_MJML,
        )
    from mjml import mjml2html

    try:
        return mjml2html(str(source))
    except (ValueError, TypeError, RuntimeError) as error:
        raise LetterRenderError(
            f"The MJML letter template cannot be read: {error}",
            code=LetterRenderError.MJML_SYNTAX,
            detail=str(error),
        ) from error


def check_letter_html(body):
    """Raise :class:`LetterRenderError` (code ``empty_letter`` or ``bad_html``) if ``body`` is not
    a printable letter; return ``None`` otherwise.

    Cheap (no layout): call it per customer before batching, so that one bad letter fails its own
    run line instead of the whole batch.
    """
    _split_letter_html(body)


def letter_css(layout):
    """Default CSS of the letters for ``layout``: A4 page, margins, header/footer margin boxes,
    page number per letter, address block in the envelope window, body font."""
    page_number = (
        "@bottom-right { content: counter(page); width: 15mm; font-size: 8pt; }" if layout.page_numbers else ""
    )
    return f"""
@page {{
  size: A4;
  margin: {layout.margin_top}mm {layout.margin_right}mm {layout.margin_bottom}mm {layout.margin_left}mm;
  @top-center {{ content: element(letterHeader); width: 100%; vertical-align: middle; }}
  @bottom-center {{ content: element(letterFooter); vertical-align: top; }}
  {page_number}
}}
html {{ font-family: {layout.font_family}; font-size: {layout.font_size_pt}pt; color: #000; }}
body {{ margin: 0; }}
p {{ margin: 0 0 2.5mm; }}
.letter-header {{ font-size: 8.5pt; }}
.letter-header .letter-logo {{ float: left; max-height: 22mm; max-width: 60mm; margin-right: 6mm; }}
.letter-footer {{ font-size: 7.5pt; color: #444; text-align: center; }}
.letter-address {{
  margin: {layout.address_top - layout.margin_top}mm 0 8mm {layout.address_left - layout.margin_left}mm;
  width: {layout.address_width}mm;
  height: {layout.address_height}mm;
  font-size: 10pt;
  line-height: 1.2;
}}
.letter-sender {{ font-size: 6.5pt; margin-bottom: 1.5mm; }}
"""


# Structure the splitting relies on; appended last so no template style can undo it.
_STRUCTURE_CSS = """
.letter-header { position: running(letterHeader); }
.letter-footer { position: running(letterFooter); }
section.dunning-letter { page: letter; break-before: page; bookmark-level: 1; bookmark-label: attr(data-title); }
section.dunning-letter[data-title=""] { bookmark-level: none; }
@page letter:nth(1 of letter) { counter-reset: page 1; }
"""


def render_letters_pdf(letters, layout=None, *, base_css=None, extra_css="", extra_pdfs=None):
    """Lay out all ``letters`` in one WeasyPrint document and return a :class:`LettersPdf`.

    ``letters``: list of :class:`Letter` or of HTML strings (bodies without address).
    ``layout``: a :class:`LetterLayout` (company header, footer, logo, distances); default one if
    ``None``. ``base_css`` replaces :func:`letter_css` (the page and address layout), ``extra_css``
    is added after it and after the templates' own styles.
    ``extra_pdfs``: ``{letter_index: [pdf_bytes, ...]}`` (or a list aligned with ``letters``),
    PDFs put after that letter in the merged PDF only (e.g. the invoices it reminds of).

    Each letter starts on a new page and numbers its pages from 1. Only ``data:`` URIs are loaded
    (logo, images): other URLs are never fetched and the image is left out (logged as a warning).
    Raises :class:`LetterRenderError` when a letter is empty or unreadable (``letter_index`` says
    which) or when rendering fails. Never touches a database.
    """
    layout = layout or LetterLayout()
    letters = [letter if isinstance(letter, Letter) else Letter(body=letter) for letter in letters]
    if not letters:
        raise LetterRenderError("There is no letter to print.", code=LetterRenderError.EMPTY_LETTER)
    document_html = _document_html(letters, layout, letter_css(layout) if base_css is None else base_css, extra_css)
    extras = _extras_by_letter(extra_pdfs, len(letters))
    with _weasyprint_logs_collected(), _fewer_young_collections():
        document = _render(document_html)
        ranges = _letter_page_ranges(document, len(letters))
        try:
            merged_pdf = document.write_pdf()
        except Exception as error:  # see _render
            raise LetterRenderError(
                f"The letters could not be written as PDF: {error}",
                code=LetterRenderError.RENDER_FAILED,
                detail=str(error),
            ) from error
    # Cutting the written PDF with pypdf costs a fifth of writing each letter with WeasyPrint.
    titles = [letter.title for letter in letters]
    letter_pdfs = _split_pdf(merged_pdf, ranges, titles)
    if extras:
        merged_pdf = _insert_extras(merged_pdf, ranges, extras, titles)
    return LettersPdf(letters=letter_pdfs, merged=merged_pdf, page_counts=[end - start for start, end in ranges])


def merge_pdfs(pdfs):
    """Concatenate PDFs (bytes, in order) into one PDF (bytes). Empty items are skipped.

    Raises :class:`LetterRenderError` (code ``bad_pdf``) when an item is not a readable PDF; its
    ``letter_index`` is then the position of that item in ``pdfs``.
    """
    from pypdf import PdfWriter

    writer = PdfWriter()
    for index, pdf in enumerate(pdfs):
        if pdf:
            writer.append(_pdf_reader(pdf, index))
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def merge_pdf_files(parts, output):
    """Concatenate PDFs into the binary file ``output``, reading one part at a time.

    :param parts: in order, each a file path or PDF bytes (empty bytes are skipped); a path is
        read only when its turn comes, and its reader is released once its pages are copied, so
        that the parts' bytes are never all held together (``merge_pdfs`` takes a list of bytes)

    Raises :class:`LetterRenderError` (code ``bad_pdf``) as ``merge_pdfs`` does.
    """
    from pypdf import PdfWriter

    writer = PdfWriter()
    for index, part in enumerate(parts):
        if isinstance(part, bytes | bytearray):
            if part:
                writer.append(_pdf_reader(part, index))
            continue
        with open(part, "rb") as part_file:
            writer.append(_pdf_reader(part_file.read(), index))
    writer.write(output)


def pdf_page_count(pdf):
    """Number of pages of a PDF given as bytes."""
    return len(_pdf_reader(pdf).pages)


def pdf_text(pdf, pages=None):
    """Text of a PDF given as bytes (all pages, or the page indexes in ``pages``), pages joined by
    form feeds. Meant for tests and checks, not for layout-faithful extraction."""
    reader = _pdf_reader(pdf)
    indexes = range(len(reader.pages)) if pages is None else pages
    return "\f".join(reader.pages[index].extract_text() or "" for index in indexes)


# ----------------------------------------------------------------------------------------------
# Internals
# ----------------------------------------------------------------------------------------------


def _split_letter_html(body):
    """Return ``(styles, body_style, inner_html)`` of one letter's HTML, after checking that it
    has text. ``styles`` are the CSS texts of its print-relevant ``<style>`` elements."""
    import lxml.etree
    import lxml.html

    if isinstance(body, bytes):
        body = body.decode("utf-8")
    if not isinstance(body, str) or not body.strip():
        raise _empty_letter_error()
    try:
        root = lxml.html.document_fromstring(str(body))
    except (lxml.etree.ParserError, ValueError) as error:
        raise LetterRenderError(
            f"The letter is not readable HTML: {error}", code=LetterRenderError.BAD_HTML, detail=str(error)
        ) from error
    styles = []
    for style in list(root.iter("style")):
        media = (style.get("media") or "all").lower()
        if "all" in media or "print" in media:
            styles.append(_CSS_IMPORT_RE.sub("", style.text or ""))
        style.drop_tree()
    for element in list(root.iter("script", "link", "meta", "title", "base")):
        element.drop_tree()
    body_element = root.find("body")
    if body_element is None:  # a document made of a <head> only
        raise _empty_letter_error()
    if not "".join(body_element.xpath(".//text()")).strip():
        raise _empty_letter_error()
    inner = (html.escape(body_element.text) if body_element.text else "") + "".join(
        lxml.html.tostring(child, encoding="unicode") for child in body_element
    )
    return styles, body_element.get("style", ""), inner


def _empty_letter_error():
    return LetterRenderError("The letter template produced an empty letter.", code=LetterRenderError.EMPTY_LETTER)


def _document_html(letters, layout, base_css, extra_css):
    styles = []
    sections = []
    for index, letter in enumerate(letters):
        try:
            letter_styles, body_style, inner = _split_letter_html(letter.body)
        except LetterRenderError as error:
            error.letter_index = index
            raise
        styles.extend(style for style in letter_styles if style.strip() and style not in styles)
        address = ""
        if letter.address.strip():
            sender = f'<div class="letter-sender">{html.escape(layout.sender_line)}</div>' if layout.sender_line else ""
            lines = "<br/>".join(
                html.escape(line.strip()) for line in letter.address.strip().splitlines() if line.strip()
            )
            address = f'<div class="letter-address">{sender}{lines}</div>'
        sections.append(
            f'<section class="dunning-letter" id="{_LETTER_ID}{index}" data-title="{html.escape(letter.title)}">'
            f'{address}<div class="letter-body" style="{html.escape(body_style)}">{inner}</div></section>'
        )
    logo = _logo_data_uri(layout.logo)
    header = ""
    if logo or layout.header_html:
        logo_img = f'<img class="letter-logo" src="{html.escape(logo)}" alt=""/>' if logo else ""
        header = f'<div class="letter-header">{logo_img}{layout.header_html}</div>'
    footer = f'<div class="letter-footer">{layout.footer_html}</div>' if layout.footer_html else ""
    style_tags = "".join(f"<style>{css}</style>" for css in (base_css, *styles, extra_css, _STRUCTURE_CSS) if css)
    return (
        f'<!DOCTYPE html><html lang="{html.escape(layout.lang)}"><head><meta charset="utf-8"/>{style_tags}</head>'
        f"<body>{header}{footer}{''.join(sections)}</body></html>"
    )


def _logo_data_uri(logo):
    if not logo:
        return ""
    if isinstance(logo, str):
        if logo.startswith("data:"):
            return logo
        logo = logo.encode()
    raw = bytes(logo)
    mimetype = _image_mimetype(raw)
    if mimetype is None:  # Odoo binary fields hold base64
        try:
            raw = base64.b64decode(raw, validate=True)
        except (binascii.Error, ValueError):
            raw = b""
        mimetype = _image_mimetype(raw)
    if mimetype is None:
        raise LetterRenderError(
            "The company logo is not a PNG, JPEG, GIF or SVG image.", code=LetterRenderError.RENDER_FAILED
        )
    return f"data:{mimetype};base64,{base64.b64encode(raw).decode()}"


def _image_mimetype(raw):
    head = raw[:256].lstrip()
    for signature, mimetype in _IMAGE_SIGNATURES:
        if head.startswith(signature):
            return mimetype
    return None


# WeasyPrint logs through the "weasyprint" logger: dozens of warnings for the email-client CSS that
# MJML emits (mso-*, screen media queries) and errors for the URLs it is not allowed to fetch.
# Its progress logger adds an INFO line per page. While a letter batch renders in this thread, their
# records are collected instead, then re-logged here: unloaded resources once as warnings, the rest
# at debug level.
_render_state = threading.local()


class _CollectWeasyPrintLogs(logging.Filter):
    def filter(self, record):
        records = getattr(_render_state, "records", None)
        if records is None:
            return True
        records.append(record)
        return False


def _install_log_filters():
    for name in ("weasyprint", "weasyprint.progress"):
        weasyprint_logger = logging.getLogger(name)
        if not any(isinstance(existing, _CollectWeasyPrintLogs) for existing in weasyprint_logger.filters):
            weasyprint_logger.addFilter(_CollectWeasyPrintLogs())


@contextlib.contextmanager
def _weasyprint_logs_collected():
    _install_log_filters()
    previous = getattr(_render_state, "records", None)
    _render_state.records = records = []
    try:
        yield
    finally:
        _render_state.records = previous
        unloaded = []
        for record in records:
            message = record.getMessage()
            if record.levelno >= logging.ERROR and message.startswith("Failed to load"):
                if message not in unloaded:
                    unloaded.append(message)
            elif record.name != "weasyprint.progress":
                _logger.debug("WeasyPrint: %s", message)
        for message in unloaded:
            _logger.warning("Letter resource left out (only data: URIs are loaded): %s", message)


class _YoungCollections:
    """Fewer collections of the youngest objects while WeasyPrint works (see
    :func:`_fewer_young_collections`); shared by the threads that render at the same time, so
    that the last one out restores the thresholds the first one in found."""

    THRESHOLD = 10_000  # Python's default is 700
    lock = threading.Lock()
    renders = 0
    saved = None


@contextlib.contextmanager
def _fewer_young_collections():
    """Let the garbage collector look at new objects every 10,000 allocations instead of 700.

    A WeasyPrint layout allocates boxes by the hundred thousand that live until the PDF is
    written: with the default threshold each young collection walks them again, and inside an
    Odoo worker (400 MB of objects) that was a quarter of laying out a batch of letters (113 ->
    91 ms a letter, same peak memory; disabling the collector instead doubled the memory). The
    older generations keep their thresholds, so cyclic garbage is still freed as before.
    """
    with _YoungCollections.lock:
        if not _YoungCollections.renders:
            _YoungCollections.saved = gc.get_threshold()
            gc.set_threshold(_YoungCollections.THRESHOLD, *_YoungCollections.saved[1:])
        _YoungCollections.renders += 1
    try:
        yield
    finally:
        with _YoungCollections.lock:
            _YoungCollections.renders -= 1
            if not _YoungCollections.renders:
                gc.set_threshold(*_YoungCollections.saved)


def _render(document_html):
    import weasyprint

    try:
        fetcher = weasyprint.URLFetcher(allowed_protocols=["data"])
        return weasyprint.HTML(string=document_html, url_fetcher=fetcher).render(presentational_hints=True)
    except Exception as error:
        # WeasyPrint raises many kinds of errors on pathological input (recursion, fonts, images):
        # the caller fails one run line and goes on, so it needs one exception type.
        raise LetterRenderError(
            f"The letters could not be laid out: {error}", code=LetterRenderError.RENDER_FAILED, detail=str(error)
        ) from error


def _letter_page_ranges(document, count):
    first_pages = {}
    for page_index, page in enumerate(document.pages):
        for anchor in page.anchors:
            if anchor.startswith(_LETTER_ID):
                first_pages.setdefault(int(anchor.removeprefix(_LETTER_ID)), page_index)
    starts = [first_pages.get(index) for index in range(count)]
    if None in starts or any(later <= earlier for earlier, later in itertools.pairwise(starts)):
        # Only possible when a caller's base_css overrides the page breaks between letters.
        raise LetterRenderError(
            "The letters could not be split: each letter must start on its own page.",
            code=LetterRenderError.RENDER_FAILED,
        )
    ends = [*starts[1:], len(document.pages)]
    return list(zip(starts, ends, strict=True))


def _extras_by_letter(extra_pdfs, count):
    if not extra_pdfs:
        return {}
    items = extra_pdfs.items() if isinstance(extra_pdfs, dict) else enumerate(extra_pdfs)
    extras = {}
    for index, letter_extras in items:
        if not 0 <= index < count:
            raise IndexError(f"extra_pdfs refers to letter {index}, there are {count} letters")
        pdfs = [pdf for pdf in letter_extras or () if pdf]
        if pdfs:
            extras[index] = pdfs
    return extras


def _split_pdf(pdf, ranges, titles):
    from pypdf import PdfWriter

    reader = _pdf_reader(pdf)
    for page in reader.pages:
        _keep_own_images(page)
    pdfs = []
    for (start, end), title in zip(ranges, titles, strict=True):
        writer = PdfWriter()
        writer.append(reader, pages=(start, end), import_outline=False)
        if title:
            writer.add_metadata({"/Title": title})
        output = io.BytesIO()
        writer.write(output)
        pdfs.append(output.getvalue())
    return pdfs


_DO_OPERATOR_RE = re.compile(rb"/([^\s/\[\]()<>{}%]+)\s+Do\b")


def _keep_own_images(page):
    """Leave in ``page``'s resources only the XObjects (images) its content draws.

    WeasyPrint gives every page of a document one shared resource dictionary: copied as it is,
    each letter's PDF would carry the images of every letter of its batch (a batch of 100 letters
    with QR codes made 100 PDFs of 400 images each: quadratic time, memory and storage). The page
    names what it draws with the ``Do`` operator; XObjects that are forms keep their own
    resources. A content stream that cannot be read leaves the page as it was.
    """
    from pypdf.errors import PyPdfError
    from pypdf.generic import DictionaryObject, NameObject

    try:
        resources = page["/Resources"].get_object()
        x_objects = resources.get("/XObject")
        if not x_objects:
            return
        x_objects = x_objects.get_object()
        drawn = {b"/" + name for name in _DO_OPERATOR_RE.findall(page.get_contents().get_data())}
    except (PyPdfError, AttributeError, KeyError, ValueError):
        return
    own = DictionaryObject({key: value for key, value in x_objects.items() if key.encode() in drawn})
    if len(own) == len(x_objects):
        return
    own_resources = DictionaryObject(resources)
    own_resources[NameObject("/XObject")] = own
    page[NameObject("/Resources")] = own_resources


def _insert_extras(merged_pdf, ranges, extras, titles):
    from pypdf import PdfWriter

    reader = _pdf_reader(merged_pdf)
    writer = PdfWriter()
    for index, ((start, end), title) in enumerate(zip(ranges, titles, strict=True)):
        first_page = len(writer.pages)
        writer.append(reader, pages=(start, end), import_outline=False)
        if title:
            writer.add_outline_item(title, first_page)
        for pdf in extras.get(index, ()):
            writer.append(_pdf_reader(pdf, index), import_outline=False)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def _pdf_reader(pdf, index=None):
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(pdf))
        len(reader.pages)  # parses the page tree: a broken file fails here, not later
    except (PyPdfError, ValueError, TypeError) as error:
        raise LetterRenderError(
            f"A document to print is not a readable PDF: {error}",
            code=LetterRenderError.BAD_PDF,
            detail=str(error),
            letter_index=index,
        ) from error
    return reader

"""Odoo QWeb report HTML -> one WeasyPrint document -> one PDF per record. No ORM, no odoo import.

Why: Odoo prints its reports (invoices) with wkhtmltopdf, which needs a running HTTP server to
fetch the report assets and is not installed everywhere. The reminders only need the same
report as a faithful PDF, so the Odoo side renders the report HTML (``_render_qweb_html``) and
the compiled report stylesheet, and this module lays them out with WeasyPrint, the engine the
letters already use.

How: every record of the report HTML is one ``div.article``, between its ``div.header`` and
``div.footer``. Each record becomes one section starting on a new page (numbered from 1), all
in one document, so the stylesheet (about 450 kB of Bootstrap and report CSS) is applied once
for the batch; the written PDF is then cut back into one PDF per record, as the letters are.
The parsed stylesheet is cached per content: parsing it costs about two seconds.
"""

import hashlib
import html
import re
import threading
from collections import OrderedDict

from .letter_pdf import (
    _LETTER_ID,
    LetterRenderError,
    _fewer_young_collections,
    _letter_page_ranges,
    _split_pdf,
    _weasyprint_logs_collected,
)

__all__ = ["report_html_to_pdfs", "report_stylesheet"]

_CLASS_XPATH = "contains(concat(' ', normalize-space(@class), ' '), ' {} ')"
# Only data: URIs are ever loaded: web fonts and background images of the report assets point
# to the server, which is not asked. Dropping them beforehand keeps the logs quiet.
_FONT_FACE_RE = re.compile(r"@font-face\s*\{[^}]*\}", re.IGNORECASE)
_IMPORT_RE = re.compile(r"@import\s+[^;]*;", re.IGNORECASE)
_REMOTE_URL_RE = re.compile(r"url\(\s*(?![\"']?\s*data:)[^)]*\)", re.IGNORECASE)

_PAGE_CSS = """
@page { size: %(size)s; margin: 10mm 12mm 14mm 12mm;
        @bottom-right { content: counter(page); font-size: 8pt; color: #666; } }
@page report:nth(1 of report) { counter-reset: page 1; }
section.dunning-report { page: report; break-before: page; }
section.dunning-report .footer { margin-top: 6mm; }
"""

_stylesheets = OrderedDict()
_stylesheets_lock = threading.Lock()
_MAX_STYLESHEETS = 4


def report_stylesheet(css):
    """The parsed WeasyPrint stylesheet of the report assets ``css`` (text), cached by content.

    Remote fonts, imports and URLs are removed first (they would never be loaded).
    """
    key = hashlib.sha256(css.encode()).hexdigest()
    with _stylesheets_lock:
        if key in _stylesheets:
            _stylesheets.move_to_end(key)
            return _stylesheets[key]
    import weasyprint

    cleaned = _REMOTE_URL_RE.sub("none", _IMPORT_RE.sub("", _FONT_FACE_RE.sub("", css)))
    with _weasyprint_logs_collected():
        stylesheet = weasyprint.CSS(string=cleaned, url_fetcher=weasyprint.URLFetcher(allowed_protocols=["data"]))
    with _stylesheets_lock:
        _stylesheets[key] = stylesheet
        while len(_stylesheets) > _MAX_STYLESHEETS:
            _stylesheets.popitem(last=False)
    return stylesheet


def report_html_to_pdfs(report_html, stylesheet=None, page_size="A4"):
    """Lay out the records of an Odoo report HTML in one WeasyPrint document, one PDF each.

    ``report_html``: what ``ir.actions.report._render_qweb_html`` returns (str or bytes), for one
    or many records. ``stylesheet``: a ``weasyprint.CSS`` (see :func:`report_stylesheet`) or
    None. ``page_size``: a CSS page size (``A4``, ``letter``).

    Returns ``[(res_id, pdf_bytes), ...]`` in the order of the records (``res_id`` is the
    record's ``data-oe-id``, None when the article has none). Raises
    :class:`~.letter_pdf.LetterRenderError` when the HTML holds no record or cannot be laid
    out. Scripts and links are dropped; only ``data:`` URIs are loaded.
    """
    import lxml.html

    if isinstance(report_html, bytes):
        report_html = report_html.decode("utf-8")
    root = lxml.html.document_fromstring(report_html)
    for element in list(root.iter("script", "link", "base")):
        element.drop_tree()
    articles = root.xpath(f"//div[{_CLASS_XPATH.format('article')}]")
    if not articles:
        raise LetterRenderError("The report has no document to print.", code=LetterRenderError.EMPTY_LETTER)
    sections = []
    res_ids = []
    for index, article in enumerate(articles):
        header = next((node for node in article.itersiblings(preceding=True) if _has_class(node, "header")), None)
        footer = next((node for node in article.itersiblings() if _has_class(node, "footer")), None)
        parts = [lxml.html.tostring(node, encoding="unicode") for node in (header, article, footer) if node is not None]
        sections.append(f'<section class="dunning-report" id="{_LETTER_ID}{index}">{"".join(parts)}</section>')
        oe_id = article.get("data-oe-id")
        res_ids.append(int(oe_id) if oe_id and oe_id.isdigit() else None)
    head = root.find("head")
    head_html = lxml.html.tostring(head, encoding="unicode") if head is not None else "<head></head>"
    body = root.find("body")
    body_attrs = "".join(
        f' {name}="{html.escape(value)}"' for name, value in (body.attrib.items() if body is not None else ())
    )
    document_html = (
        f'<!DOCTYPE html><html lang="{html.escape(root.get("lang") or "en")}">{head_html}'
        f'<body{body_attrs}><div id="wrapwrap"><main>{"".join(sections)}</main></div></body></html>'
    )
    pdf, ranges = _render(document_html, stylesheet, page_size, len(sections))
    return list(zip(res_ids, _split_pdf(pdf, ranges, [""] * len(ranges)), strict=True))


def _has_class(node, name):
    return name in (node.get("class") or "").split()


def _render(document_html, stylesheet, page_size, count):
    import weasyprint

    stylesheets = [stylesheet] if stylesheet is not None else []
    with _weasyprint_logs_collected(), _fewer_young_collections():
        try:
            page_css = weasyprint.CSS(string=_PAGE_CSS % {"size": page_size})
            document = weasyprint.HTML(
                string=document_html, url_fetcher=weasyprint.URLFetcher(allowed_protocols=["data"])
            ).render(stylesheets=[*stylesheets, page_css], presentational_hints=True)
            ranges = _letter_page_ranges(document, count)
            return document.write_pdf(), ranges
        except LetterRenderError:
            raise
        except Exception as error:
            # WeasyPrint raises many kinds of errors on odd input; the caller needs one type.
            raise LetterRenderError(
                f"The report could not be laid out: {error}", code=LetterRenderError.RENDER_FAILED, detail=str(error)
            ) from error

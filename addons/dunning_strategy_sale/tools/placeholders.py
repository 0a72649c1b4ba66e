"""Dolibarr-style placeholders (``__REF_PROPAL__``...) in quotation follow-up texts.

Pure helper: the Odoo side computes the values of one quotation (see
``dunning.kind.quotation._quotation_placeholder_values``) and calls :func:`replace_placeholders` on the
subject and body that Odoo's template engine already rendered. The placeholders are therefore a
plain text substitution: they never run code and cannot break out of Odoo's sandbox.
"""

import html
import re

__all__ = ["QUOTATION_PLACEHOLDERS", "replace_placeholders"]

# name -> what it stands for (the readme and the help tab of the template form list the same)
QUOTATION_PLACEHOLDERS = {
    "__REF_PROPAL__": "quotation number",
    "__DATE_PROPAL__": "quotation date",
    "__TOTAL_TTC__": "total with taxes, with its currency",
    "__TOTAL_HT__": "untaxed total, with its currency",
    "__DATE_VALIDITE__": "expiration date of the quotation",
    "__THIRDPARTY_NAME__": "customer (company) name",
    "__THIRDPARTY_NAME_ALIAS__": "customer's internal reference, else its name",
    "__NAME__": "name of the contact followed up",
    "__FIRSTNAME__": "first name of the contact followed up (first word of the name of a person)",
}

_PLACEHOLDER_RE = re.compile(r"__[A-Z_]+?__")


def replace_placeholders(text, values, escape=False):
    """Return ``text`` with every known placeholder replaced by its value in ``values``.

    ``values``: ``{placeholder: str}``; missing or false values become empty strings.
    ``escape``: HTML-escape the values (for bodies; subjects are plain text).
    Unknown ``__WORDS__`` are left as they are. ``None`` or an empty text is returned unchanged.
    """
    if not text:
        return text

    def substitute(match):
        name = match.group(0)
        if name not in QUOTATION_PLACEHOLDERS:
            return name
        value = str(values.get(name) or "")
        return html.escape(value) if escape else value

    return _PLACEHOLDER_RE.sub(substitute, str(text))

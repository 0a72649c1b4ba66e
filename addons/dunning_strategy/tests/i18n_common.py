import re

import polib

from odoo.tools.misc import file_path

# %(name)s of Python strings, {{ }} of inline templates, __NAME__ of the Dolibarr placeholders
PLACEHOLDER = re.compile(r"%\(\w+\)s|\{\{.*?\}\}|__[A-Z_]+__")


def assert_french_complete(case, addon):
    """Every term of ``addon``'s template has a French translation keeping its placeholders."""
    pot = polib.pofile(file_path(f"{addon}/i18n/{addon}.pot"))
    french = {entry.msgid: entry.msgstr for entry in polib.pofile(file_path(f"{addon}/i18n/fr.po"))}
    for entry in pot:
        case.assertTrue(french.get(entry.msgid), f"untranslated: {entry.msgid[:80]!r}")
        case.assertEqual(
            sorted(PLACEHOLDER.findall(entry.msgid)),
            sorted(PLACEHOLDER.findall(french[entry.msgid])),
            f"placeholders differ: {entry.msgid[:80]!r}",
        )

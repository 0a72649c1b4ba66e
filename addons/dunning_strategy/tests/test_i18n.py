import re

import polib

from odoo.tests import TransactionCase, tagged
from odoo.tools.misc import file_path

PLACEHOLDER = re.compile(r"%\(\w+\)s|\{\{.*?\}\}")


@tagged("post_install", "-at_install")
class TestDunningTranslations(TransactionCase):
    """Rule 12: the French translation is complete and used."""

    def test_fr_po_translates_every_term_of_the_template(self):
        pot = polib.pofile(file_path("dunning_strategy/i18n/dunning_strategy.pot"))
        french = {entry.msgid: entry.msgstr for entry in polib.pofile(file_path("dunning_strategy/i18n/fr.po"))}
        for entry in pot:
            self.assertTrue(french.get(entry.msgid), f"untranslated: {entry.msgid[:80]!r}")
            self.assertEqual(
                sorted(PLACEHOLDER.findall(entry.msgid)),
                sorted(PLACEHOLDER.findall(french[entry.msgid])),
                f"placeholders differ: {entry.msgid[:80]!r}",
            )

    def test_french_terms_are_loaded(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["dunning_strategy"], ["fr_FR"], overwrite=True)
        french = self.env(context={"lang": "fr_FR"})
        self.assertEqual(french.ref("dunning_strategy.menu_dunning_run").name, "Lots de relance")
        self.assertEqual(french.ref("dunning_strategy.module_category_dunning").name, "Relances")
        self.assertEqual(
            french["dunning.engine"]._check_email_address(french["res.partner"]), "aucune adresse courriel"
        )

import re

import polib

from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged
from odoo.tools.misc import file_path

PLACEHOLDER = re.compile(r"%\(\w+\)s|\{\{.*?\}\}|__[A-Z_]+__")


@tagged("post_install", "-at_install")
class TestQuotationFollowupTranslations(TransactionCase):
    def test_fr_po_translates_every_term_of_the_template(self):
        pot = polib.pofile(file_path("dunning_strategy_sale/i18n/dunning_strategy_sale.pot"))
        french = {entry.msgid: entry.msgstr for entry in polib.pofile(file_path("dunning_strategy_sale/i18n/fr.po"))}
        for entry in pot:
            self.assertTrue(french.get(entry.msgid), f"untranslated: {entry.msgid[:80]!r}")
            self.assertEqual(
                sorted(PLACEHOLDER.findall(entry.msgid)),
                sorted(PLACEHOLDER.findall(french[entry.msgid])),
                f"placeholders differ: {entry.msgid[:80]!r}",
            )

    def test_french_terms_are_loaded(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["dunning_strategy_sale"], ["fr_FR"], overwrite=True)
        french = self.env(context={"lang": "fr_FR"})
        self.assertEqual(french.ref("dunning_strategy_sale.menu_dunning_quotation_mass").name, "Relance en masse")
        self.assertEqual(
            french.ref("dunning_strategy_sale.menu_dunning_quotation_my_next").name, "Mes prochaines relances"
        )
        wizard = french["dunning.quotation.mass"].create({"line_ids": []})
        with self.assertRaisesRegex(UserError, "Aucun devis n'est sélectionné"):
            wizard.action_launch()

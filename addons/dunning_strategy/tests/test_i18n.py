from odoo.tests import TransactionCase, tagged

from .i18n_common import assert_french_complete


@tagged("post_install", "-at_install")
class TestDunningTranslations(TransactionCase):
    """Rule 12: the French translation is complete and used."""

    def test_fr_po_translates_every_term_of_the_template(self):
        assert_french_complete(self, "dunning_strategy")

    def test_french_terms_are_loaded(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["dunning_strategy"], ["fr_FR"], overwrite=True)
        french = self.env(context={"lang": "fr_FR"})
        self.assertEqual(french.ref("dunning_strategy.menu_dunning_run").name, "Lots de relance")
        self.assertEqual(french.ref("dunning_strategy.module_category_dunning").name, "Relances")
        self.assertEqual(french["dunning.engine"]._check_email_address(french["res.partner"]), "aucune adresse e-mail")

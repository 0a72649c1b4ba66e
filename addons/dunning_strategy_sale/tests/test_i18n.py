from odoo.addons.dunning_strategy.tests.i18n_common import assert_french_complete
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestQuotationFollowupTranslations(TransactionCase):
    def test_fr_po_translates_every_term_of_the_template(self):
        assert_french_complete(self, "dunning_strategy_sale")

    def test_french_terms_are_loaded(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["dunning_strategy_sale"], ["fr_FR"], overwrite=True)
        french = self.env(context={"lang": "fr_FR"})
        self.assertEqual(french.ref("dunning_strategy_sale.menu_dunning_quotation_mass").name, "Suivi en masse")
        self.assertEqual(
            french.ref("dunning_strategy_sale.menu_dunning_quotation_my_next").name, "Mes prochains suivis de devis"
        )
        wizard = french["dunning.quotation.mass"].create({"line_ids": []})
        with self.assertRaisesRegex(UserError, "Aucun devis n'est sélectionné"):
            wizard.action_launch()

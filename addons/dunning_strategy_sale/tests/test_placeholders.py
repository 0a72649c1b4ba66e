"""The pure helper of tools/: Dolibarr placeholders. No database."""

from odoo.tests import BaseCase

from ..tools.placeholders import QUOTATION_PLACEHOLDERS, replace_placeholders


class TestPlaceholders(BaseCase):
    def test_placeholders_are_replaced_and_escaped(self):
        values = {"__REF_PROPAL__": "S00042", "__THIRDPARTY_NAME__": "Dupont & Fils", "__FIRSTNAME__": False}
        text = "<p>__REF_PROPAL__ for __THIRDPARTY_NAME__ (__FIRSTNAME__) __UNKNOWN__</p>"
        self.assertEqual(
            replace_placeholders(text, values, escape=True), "<p>S00042 for Dupont &amp; Fils () __UNKNOWN__</p>"
        )
        self.assertEqual(replace_placeholders("__THIRDPARTY_NAME__", values), "Dupont & Fils")
        self.assertIsNone(replace_placeholders(None, values))

    def test_every_documented_placeholder_is_known(self):
        self.assertEqual(
            set(QUOTATION_PLACEHOLDERS),
            {
                "__REF_PROPAL__",
                "__DATE_PROPAL__",
                "__TOTAL_TTC__",
                "__TOTAL_HT__",
                "__DATE_VALIDITE__",
                "__THIRDPARTY_NAME__",
                "__THIRDPARTY_NAME_ALIAS__",
                "__NAME__",
                "__FIRSTNAME__",
            },
        )

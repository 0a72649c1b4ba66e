import polib

from odoo.exceptions import ValidationError
from odoo.modules.module import get_module_path
from odoo.tests import tagged

from .common import ExchangeTrackingCase


@tagged("post_install", "-at_install")
class TestFrench(ExchangeTrackingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"]._load_module_terms(["exchange_tracking"], ["fr_FR"], overwrite=True)

    def test_default_modes_and_subjects_are_french(self):
        modes = {
            "exchange_mode_phone": "Téléphone",
            "exchange_mode_email": "E-mail",
            "exchange_mode_meeting": "Rencontre physique",
            "exchange_mode_sms": "SMS",
            "exchange_mode_website": "Site Internet",
            "exchange_mode_chat": "Chat",
            "exchange_mode_fax": "Fax",
            "exchange_mode_other": "Autre",
            "exchange_subject_prospecting": "Prospection",
            "exchange_subject_customer_followup": "Suivi client",
            "exchange_subject_invoice_reminder": "Relance facture",
            "exchange_subject_litigation": "Contentieux",
            "exchange_subject_other": "Autre",
        }
        for xmlid, french in modes.items():
            with self.subTest(xmlid=xmlid):
                self.assertEqual(self.env.ref(f"exchange_tracking.{xmlid}").with_context(lang="fr_FR").name, french)

    def test_errors_speak_the_users_language(self):
        Log = self.env["exchange.log"].with_user(self.author).with_context(lang="fr_FR")
        with self.assertRaisesRegex(ValidationError, "Un échange demande un tiers"):
            Log.create({})
        with self.assertRaisesRegex(ValidationError, "-5 minutes avant le rappel est impossible"):
            Log.create(
                {"partner_id": self.customer.id, "followup_datetime": self._in(days=1), "followup_reminder_minutes": -5}
            )
        with self.assertRaisesRegex(ValidationError, "planifié dans le passé"):
            Log.create({"partner_id": self.customer.id, "followup_datetime": self._in(days=-2)})

    def test_french_catalog_is_complete(self):
        for module in ("exchange_tracking", "exchange_tracking_sale", "exchange_tracking_account"):
            path = get_module_path(module)
            if not path:
                continue
            with self.subTest(module=module):
                template = polib.pofile(f"{path}/i18n/{module}.pot")
                french = {entry.msgid: entry.msgstr for entry in polib.pofile(f"{path}/i18n/fr.po")}
                missing = [entry.msgid for entry in template if entry.msgid and not french.get(entry.msgid)]
                self.assertFalse(missing, f"untranslated in {module}/i18n/fr.po")

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import DunningCommon

# 25 hours apart: their dates always differ
EARLY_TZ, LATE_TZ = "Pacific/Kiritimati", "Pacific/Pago_Pago"


@tagged("post_install", "-at_install")
class TestDunningProductionRules(DunningCommon):
    """Rules met on real databases: archived customers, absurd settings, the cron's date."""

    def test_archived_customer_is_not_reminded(self):
        kept = self._create_customer("Kept Customer")
        archived = self._create_customer("Archived Customer")
        invoices = self._create_invoices(
            [self._invoice_vals(kept, self._days_ago(10)), self._invoice_vals(archived, self._days_ago(10))]
        )
        archived.action_archive()
        candidates = self.strategy._compute_candidates(self.run_date)
        self.assertEqual([c["partner_id"] for c in candidates], kept.ids)
        run = self._run()
        self.assertEqual(run.line_ids.partner_id, kept)
        self.assertFalse(self._messages_of(archived))
        archived_invoice = invoices.filtered(lambda move: move.partner_id == archived)
        archived_invoice.invalidate_recordset(["dunning_next_date"])
        self.assertFalse(archived_invoice.dunning_next_date, "no next reminder date for an archived customer")
        archived.action_unarchive()
        self.assertEqual([c["partner_id"] for c in self.strategy._compute_candidates(self.run_date)], archived.ids)

    def test_absurd_days_are_refused_with_a_clear_error(self):
        for field, value, message in (
            ("days", 10**9, "between -3650 and 3650"),
            ("days", -4000, "between -3650 and 3650"),
            ("repeat_days", 10**9, "cannot exceed 3650 days"),
            ("min_interval_days", 3651, "cannot exceed 3650 days"),
        ):
            with self.subTest(field=field, value=value), self.assertRaisesRegex(ValidationError, message):
                self.step4.write({"days": 50, "repeat_days": 15, "min_interval_days": 0, field: value})
        # the bound itself is accepted, and the screens compute their dates
        self.step4.write({"days": 3650, "repeat_days": 3650, "min_interval_days": 3650})
        invoice = self._create_invoice(self._create_customer("Far Customer"), self._days_ago(10))
        self.assertTrue(invoice.dunning_next_date)

    def test_absurd_days_are_refused_in_french(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        with self.assertRaisesRegex(ValidationError, "entre -3650 et 3650"):
            self.step4.with_context(lang="fr_FR").write({"days": 10**9})

    def test_cron_runs_at_today_of_the_company_time_zone(self):
        self.env["dunning.strategy"].sudo().search([("automatic", "=", True)]).automatic = False
        self.strategy.automatic = True
        customer = self._create_customer("Timezone Customer")
        self._create_invoice(customer, fields.Date.today() - timedelta(days=30))
        self.env.user.tz = LATE_TZ
        self.company.partner_id.tz = EARLY_TZ
        before = datetime.now(ZoneInfo(EARLY_TZ)).date()
        self.env["dunning.strategy"]._cron_run_dunning()
        after = datetime.now(ZoneInfo(EARLY_TZ)).date()
        run = self.env["dunning.run"].search([("strategy_id", "=", self.strategy.id)])
        self.assertEqual(len(run), 1)
        self.assertIn(run.date, (before, after))
        self.assertNotEqual(run.date, datetime.now(ZoneInfo(LATE_TZ)).date(), "not the cron user's date")
        # a company without a time zone works at its user's date
        self.company.partner_id.tz = False
        self.assertIn(
            self.env["dunning.engine"]._company_today(self.company),
            {datetime.now(ZoneInfo(LATE_TZ)).date(), (datetime.now(ZoneInfo(LATE_TZ)) - timedelta(seconds=5)).date()},
        )

from datetime import date
from unittest.mock import patch

from odoo.tests import new_test_user, tagged
from odoo.tools import format_amount

from .analytics_common import DunningHistoryCommon


@tagged("post_install", "-at_install")
class TestDunningDigest(DunningHistoryCommon):
    """The weekly digest: a mail.mail to the chosen users with the figures of the week."""

    def setUp(self):
        super().setUp()
        self._build_history()
        # a customer without email address: its reminder of 03-26 fails
        self.delta = self._create_customer("History Delta", email=False)
        self._create_invoice(self.delta, date(2026, 3, 1), 100.0)
        self.r3 = self._run(date(2026, 3, 26))
        self.failed_line = self.r3.line_ids.filtered(lambda line: line.partner_id == self.delta)
        self.assertEqual(self.failed_line.state, "failed")
        self.controller = new_test_user(
            self.env,
            login="digest_controller",
            groups="account.group_account_invoice",
            company_id=self.company.id,
            company_ids=[self.company.id],
            email="digest@company.example.com",
        )
        self.company.write({"dunning_digest": True, "dunning_digest_user_ids": [(6, 0, self.controller.ids)]})

    def test_digest_figures(self):
        values = self.env["dunning.digest"]._digest_values(self.company, date(2026, 3, 27))
        # 03-27: Delta 100 (26 days), C1 500 (54 days), B1 2000 (66 days)
        # 03-20: Delta 100 (19 days), C1 500 (47 days), B1 2000 (59 days)
        self.assertEqual(
            [(bucket["amount"], bucket["change"]) for bucket in values["buckets"]],
            [(100, 0), (500, -2000), (2000, 2000), (0, 0), (2600, 0)],
        )
        # today's largest overdue customers: Charlie (C1) and Delta; Bravo paid in April
        self.assertEqual([row["partner"] for row in values["top"]], ["History Charlie", "History Delta"])
        self.assertEqual([row["partner"] for row in values["failed"]], ["History Delta"])
        self.assertFalse(self.env["dunning.digest"]._digest_values(self.company, date(2026, 4, 3))["failed"])

    def test_digest_mail_to_the_chosen_users(self):
        mail = self.env["dunning.digest"]._send_digest(self.company, date(2026, 3, 27))
        self.assertEqual(mail.recipient_ids, self.controller.partner_id)
        currency = self.company.currency_id
        for text in (
            format_amount(self.env, 2000, currency),
            "+" + format_amount(self.env, 2000, currency),
            format_amount(self.env, -2000, currency),
            "History Charlie",
            "History Delta",
        ):
            self.assertIn(text, mail.body_html)

    def test_cron_survives_a_bad_company(self):
        other = self.setup_other_company(name="Digest Other")["company"]
        other.write({"dunning_digest": True, "dunning_digest_user_ids": [(6, 0, self.env.user.ids)]})
        digest = self.env["dunning.digest"]
        original = type(digest)._send_digest

        def send(model, company, today=None):
            if company == self.company:
                raise ValueError("broken company")
            return original(model, company, today)

        mails = self.env["mail.mail"].search([])
        with (
            patch.object(type(digest), "_send_digest", send),
            self.assertLogs("odoo.addons.dunning_strategy.models.dunning_digest", "ERROR") as logs,
        ):
            failed = digest._cron_send_digest()
        self.assertEqual(failed, [self.company])
        self.assertIn(self.company.name, logs.output[0])
        new_mails = self.env["mail.mail"].search([]) - mails
        self.assertEqual(new_mails.recipient_ids, self.env.user.partner_id, "the other company got its digest")

import re
from datetime import timedelta

from odoo import Command, fields
from odoo.addons.dunning_strategy.tests.common import DunningCommon
from odoo.tests import Form, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestDunningExchangeTimeline(DunningCommon):
    """The customer follow-up page with exchange tracking: "Log a Call" logs an exchange, and
    the timeline interleaves reminders and the exchanges the user may read."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env.user)
        cls.customer = cls._create_customer("Timeline Customer")
        cls.late = cls._create_invoice(cls.customer, cls.today - timedelta(days=10), 2000.0)
        # both may only create exchanges (and edit their own): logging a call needs no more
        cls.controller, cls.colleague = (
            new_test_user(
                cls.env,
                login=login,
                groups=f"account.group_account_invoice,exchange_tracking.group_exchange_{right}",
                company_id=cls.company.id,
                company_ids=[Command.set(cls.company.ids)],
                tz="Europe/Paris",
            )
            for login, right in (("timeline_controller", "create"), ("timeline_colleague", "create"))
        )

    def _log_call(self, user, text, confidential=None):
        action = self.customer.with_user(user).action_dunning_log_call()
        self.assertEqual(action["res_model"], "exchange.log")
        form = Form(self.env["exchange.log"].with_user(user).with_context(**action["context"]))
        form.description = f"<p>{text}</p>"
        if confidential:
            form.confidential_note = f"<p>{confidential}</p>"
        return form.save()

    def _keys(self, user):
        return re.findall(r'data-key="([a-z]+-\d+)"', str(self.customer.with_user(user).dunning_timeline))

    def test_log_a_call_is_an_outgoing_phone_exchange_about_a_reminder(self):
        exchange = self._log_call(self.controller, "Promet de payer vendredi")
        self.assertEqual(exchange.partner_id, self.customer)
        self.assertEqual(exchange.mode_id, self.env.ref("exchange_tracking.exchange_mode_phone"))
        self.assertEqual(exchange.subject_id, self.env.ref("exchange_tracking.exchange_subject_invoice_reminder"))
        self.assertEqual(exchange.direction, "outgoing")
        self.assertEqual(exchange.user_id, self.controller)

    def test_timeline_interleaves_reminders_and_exchanges(self):
        run = self._run(self.today)
        line = run.line_ids.filtered(lambda line: line.partner_id == self.customer)
        self.assertEqual(line.state, "done")
        # the reminder went out yesterday, the call is today
        line.sudo().processed_date = fields.Datetime.now() - timedelta(days=1)
        exchange = self._log_call(self.controller, "Promet de payer vendredi", confidential="Client fragile")
        timeline = str(self.customer.with_user(self.controller).dunning_timeline)
        self.assertEqual(self._keys(self.controller), [f"exchange-{exchange.id:010d}", f"reminder-{line.id:010d}"])
        self.assertIn(exchange.name, timeline)
        self.assertIn("Promet de payer vendredi", timeline)
        self.assertIn(f"/odoo/exchange.log/{exchange.id}", timeline)
        self.assertIn("fa-phone", timeline)
        self.assertNotIn("Client fragile", timeline, "a confidential note never shows in the timeline")
        # a credit controller with no exchange tracking right: the reminders, and no exchange
        accountant = new_test_user(
            self.env,
            login="timeline_accountant",
            groups="account.group_account_invoice",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        self.assertFalse(self.env["exchange.log"].with_user(accountant).has_access("read"))
        self.assertEqual(self._keys(accountant), [f"reminder-{line.id:010d}"])

    def test_timeline_shows_only_the_exchanges_the_user_reads(self):
        mine = self._log_call(self.controller, "Mon appel")
        theirs = self._log_call(self.colleague, "Appel du collègue")
        # "see own exchanges": the colleague's call is not on my page
        self.assertEqual(self._keys(self.controller), [f"exchange-{mine.id:010d}"])
        self.assertNotIn("Appel du collègue", str(self.customer.with_user(self.controller).dunning_timeline))
        # "see all exchanges": both
        self.controller.groups_id += self.env.ref("exchange_tracking.group_exchange_read_all")
        self.customer.invalidate_recordset(["dunning_timeline"])
        self.assertEqual(
            sorted(self._keys(self.controller)), sorted([f"exchange-{mine.id:010d}", f"exchange-{theirs.id:010d}"])
        )

    def test_planned_follow_up_shows_in_the_timeline(self):
        exchange = self._log_call(self.controller, "Rappeler jeudi")
        exchange.with_user(self.controller).write(
            {"followup_datetime": fields.Datetime.now() + timedelta(days=2), "followup_user_id": self.controller.id}
        )
        self.customer.invalidate_recordset(["dunning_timeline"])
        timeline = str(self.customer.with_user(self.controller).dunning_timeline)
        self.assertIn("text-bg-info", timeline, "a follow-up to come")

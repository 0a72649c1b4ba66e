from freezegun import freeze_time

from odoo.tests import new_test_user, tagged

from .common import DunningCommon


@tagged("post_install", "-at_install")
class TestDunningExecutionReport(DunningCommon):
    """After each automatic run, the users to notify get a summary with the failures."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.controller = new_test_user(
            cls.env,
            login="dunning_controller",
            email="controller@company.example.com",
            groups="account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )
        cls.boss = new_test_user(
            cls.env,
            login="dunning_boss",
            email="boss@company.example.com",
            groups="account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
            lang="fr_FR",
        )
        cls.strategy.write(
            {"automatic": True, "execution_report": True, "report_user_ids": [(6, 0, (cls.controller | cls.boss).ids)]}
        )
        cls.good = cls._create_customer("Good Customer")
        cls.bad = cls._create_customer("Bad Customer", email=False)
        cls._create_invoices(
            [cls._invoice_vals(cls.good, cls._days_ago(9)), cls._invoice_vals(cls.bad, cls._days_ago(9))]
        )

    def _reports(self, run):
        return self.env["mail.mail"].search([("model", "=", "dunning.run"), ("res_id", "=", run.id)])

    def test_execution_report_email_after_an_automatic_run(self):
        run = self.strategy._create_run(self.run_date, "automatic")
        self.assertFalse(self._reports(run), "nothing before the run ends")
        run.action_process()
        self.assertEqual((run.state, run.done_count, run.failed_count), ("done", 1, 1))
        reports = self._reports(run)
        self.assertEqual(reports.recipient_ids, (self.controller | self.boss).partner_id)
        self.assertEqual(len(reports), 2, "one email per language")
        report = reports.filtered(lambda mail: mail.recipient_ids == self.controller.partner_id)
        self.assertEqual(report.state, "outgoing", "queued, not sent inside the run")
        self.assertIn(run.name, report.subject)
        self.assertIn("1 reminded, 1 failed", report.subject)
        body = str(report.body_html)
        self.assertIn("Bad Customer", body)
        self.assertIn("no email address", body)
        self.assertNotIn("Good Customer", body, "only the failures are detailed")
        self.assertIn(f"/odoo/dunning.run/{run.id}", body)

    def test_no_report_for_manual_runs_or_without_the_option(self):
        manual = self._run()
        self.assertFalse(self._reports(manual))
        self.strategy.execution_report = False
        automatic = self.strategy._create_run(self._days_ago(-1), "automatic")
        automatic.action_process()
        self.assertEqual(automatic.state, "done")
        self.assertFalse(self._reports(automatic))

    def test_report_sent_after_the_daily_scheduled_action(self):
        # only this test's strategy runs automatically (demo data may hold others)
        self.env["dunning.strategy"].sudo().search([("automatic", "=", True)]).automatic = False
        self.strategy.automatic = True
        with freeze_time(self.run_date):
            self.env["dunning.strategy"]._cron_run_dunning()
        run = self.env["dunning.run"].search([("strategy_id", "=", self.strategy.id)])
        self.assertEqual((run.mode, run.state), ("automatic", "done"))
        self.assertEqual(self._reports(run).recipient_ids, (self.controller | self.boss).partner_id)

    def test_report_after_run_now_when_the_strategy_asks_for_it(self):
        self.strategy.report_manual_runs = True
        with freeze_time(self.run_date):
            action = self.strategy.action_run_now()
        run = self.env["dunning.run"].browse(action["res_id"])
        self.assertEqual((run.mode, run.state, run.failed_count), ("manual", "done", 1))
        reports = self._reports(run)
        self.assertEqual(reports.recipient_ids, (self.controller | self.boss).partner_id)
        report = reports.filtered(lambda mail: mail.recipient_ids == self.controller.partner_id)
        self.assertIn("1 reminded, 1 failed", report.subject)
        self.assertIn(f"launched by {self.env.user.name}", " ".join(str(report.body_html).split()))
        self.assertEqual(report.mail_message_id.model, "dunning.run")

    def test_report_after_the_launch_wizard_when_the_strategy_asks_for_it(self):
        self.strategy.report_manual_runs = True
        wizard = self.env["dunning.launch"].create({"strategy_id": self.strategy.id, "date": self.run_date})
        run = self.env["dunning.run"].browse(wizard.action_launch()["res_id"])
        self.assertEqual((run.mode, run.state), ("manual", "done"))
        self.assertEqual(self._reports(run).recipient_ids, (self.controller | self.boss).partner_id)

    def test_no_report_after_manual_launches_without_the_report_itself(self):
        self.strategy.write({"report_manual_runs": True, "execution_report": False})
        run = self._run()
        self.assertEqual(run.state, "done")
        self.assertFalse(self._reports(run))

from datetime import timedelta

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import DunningCommon


class SimulatedCrashError(Exception):
    """The worker dies: its open transaction is lost."""


@tagged("post_install", "-at_install")
class TestDunningCron(DunningCommon):
    """Rule 7: batches, commits, progress, resume, and never twice."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # only this test's strategy runs automatically (demo data may hold others)
        cls.env["dunning.strategy"].sudo().search([("automatic", "=", True)]).automatic = False
        cls.strategy.automatic = True
        cls.env["ir.config_parameter"].sudo().set_param("dunning_strategy.batch_size", "10")
        cls.customers = cls.env["res.partner"].concat(
            *[cls._create_customer(f"Cron Customer {i:02d}") for i in range(25)]
        )
        cls.invoices = cls._create_invoices([cls._invoice_vals(c, cls._days_ago(20)) for c in cls.customers])

    def _cron(self, when=None):
        """Run the scheduled action as the cron worker does, with a progress record."""
        cron = self.env.ref("dunning_strategy.ir_cron_dunning_run")
        _cron, progress = cron._add_progress()
        with freeze_time(when or self.run_date):
            self.env["dunning.strategy"].with_context(ir_cron_progress_id=progress.id)._cron_run_dunning()
        return progress

    def _assert_each_customer_reminded_once(self):
        for customer in self.customers:
            self.assertEqual(len(self._messages_of(customer)), 1, customer.name)
            self.assertEqual(len(self._mails_of(customer)), 1, customer.name)

    def test_cron_reminds_every_customer_once_and_reports_progress(self):
        progress = self._cron()
        run = self.env["dunning.run"].search([("strategy_id", "=", self.strategy.id)])
        self.assertEqual(len(run), 1)
        self.assertEqual((run.mode, run.state, run.date), ("automatic", "done", self.run_date))
        self.assertEqual(run.done_count, 25)
        self.assertEqual((progress.done, progress.remaining), (25, 0))
        self._assert_each_customer_reminded_once()
        # 20 days late: Reminder 1, never a courtesy note once overdue
        self.assertEqual(self.invoices.dunning_step_id, self.step2)

    def test_the_cron_is_the_hourly_scheduled_action(self):
        """Every hour: each strategy runs once a day, on its days, from its time (test_schedule.py)."""
        cron = self.env.ref("dunning_strategy.ir_cron_dunning_run")
        self.assertTrue(cron.active)
        self.assertEqual((cron.interval_number, cron.interval_type), (1, "hours"))
        self.assertEqual(cron.code.strip(), "model._cron_run_dunning()")

    def test_batches_take_batch_size_customers(self):
        run = self.strategy._create_run(self.run_date, "automatic")
        handled = self.env["dunning.engine"]._process_runs(run, max_batches=1)
        self.assertEqual(handled, 10)
        self.assertEqual((run.done_count, run.pending_count, run.state), (10, 15, "running"))
        self.assertEqual(self.env["dunning.engine"]._process_runs(run), 15)
        self.assertEqual(run.state, "done")

    def test_cron_resumes_after_a_crash_and_reminds_each_customer_once(self):
        run = self.strategy._create_run(self.run_date, "automatic")
        engine = self.env["dunning.engine"]
        engine._process_runs(run, max_batches=1)  # first batch: committed
        with self.assertRaises(SimulatedCrashError), self.env.cr.savepoint():
            engine._process_runs(run, max_batches=1)  # second batch: processed...
            self.assertEqual(run.done_count, 20)
            raise SimulatedCrashError  # ...but the worker dies before its commit
        self.assertEqual((run.done_count, run.pending_count), (10, 15), "the lost batch is pending again")
        progress = self._cron()
        self.assertEqual((progress.done, progress.remaining), (15, 0), "the cron resumed the 15 pending lines")
        self.assertEqual(self.env["dunning.run"].search_count([("strategy_id", "=", self.strategy.id)]), 1)
        self.assertEqual((run.state, run.done_count), ("done", 25))
        self._assert_each_customer_reminded_once()

    def test_two_runs_on_the_same_date_send_nothing_twice(self):
        first = self._run()
        self.assertEqual(first.done_count, 25)
        second = self.strategy._create_run(self.run_date)
        self.assertFalse(second.line_ids, "everything was reminded today already")
        second.action_process()
        self._cron()
        self._assert_each_customer_reminded_once()

    def test_two_draft_runs_on_the_same_date_share_nothing(self):
        first = self.strategy._create_run(self.run_date)
        second = self.strategy._create_run(self.run_date)
        self.assertEqual(len(first.line_ids), 25)
        self.assertFalse(second.line_ids, "the invoices are pending in the first run")
        second.action_process()
        first.action_process()
        self._assert_each_customer_reminded_once()

    def test_the_cron_creates_one_run_per_day(self):
        self._cron()
        self._cron()
        self.assertEqual(self.env["dunning.run"].search_count([("strategy_id", "=", self.strategy.id)]), 1)
        self._assert_each_customer_reminded_once()
        self._cron(self.run_date + timedelta(days=1))
        runs = self.env["dunning.run"].search([("strategy_id", "=", self.strategy.id)])
        self.assertEqual(runs.mapped("date"), [self.run_date + timedelta(days=1), self.run_date])
        self.assertEqual(self.invoices.dunning_step_id, self.step3, "the next day, one step higher")

    def test_a_line_done_is_never_redone(self):
        run = self._run()
        self.assertEqual(self.env["dunning.engine"]._process_runs(run), 0)
        with self.assertRaises(UserError):
            run.action_process()
        self.env["dunning.engine"]._process_runs(run)
        self._assert_each_customer_reminded_once()

    def test_customer_archived_while_its_line_is_pending_is_skipped(self):
        run = self.strategy._create_run(self.run_date)
        archived = self.customers[0]
        archived.active = False
        run.action_process()
        line = run.line_ids.filtered(lambda line: line.partner_id == archived)
        self.assertEqual((line.state, line.error), ("skipped", "customer archived"))
        self.assertFalse(self._messages_of(archived))
        self.assertEqual(run.done_count, 24)

    def test_invoice_paid_while_its_line_is_pending_skips_the_customer(self):
        run = self.strategy._create_run(self.run_date)
        paid_customer = self.customers[0]
        self._pay(self.invoices.filtered(lambda m: m.partner_id == paid_customer))
        run.action_process()
        line = run.line_ids.filtered(lambda line: line.partner_id == paid_customer)
        self.assertEqual((line.state, line.error), ("skipped", "paid"))
        self.assertFalse(self._messages_of(paid_customer))
        self.assertEqual(run.done_count, 24)

    def test_other_lines_pending_in_an_unfinished_run_are_not_selected_again(self):
        run = self.strategy._create_run(self.run_date, "automatic")
        self.env["dunning.engine"]._process_runs(run, max_batches=1)
        reminded = run.line_ids.filtered(lambda line: line.state == "done").partner_id
        later = self.strategy._create_run(self.run_date + timedelta(days=1))
        self.assertEqual(later.line_ids.partner_id, reminded, "the 15 customers pending in the first run wait for it")

import time
from unittest.mock import patch

from odoo.tests import new_test_user, tagged
from odoo.tools import config

from ..models.dunning_document import PRINT_BATCH_DESCRIPTION
from ..models.dunning_engine import _CRON_WINDOWS, CRON_CALL_GAP, FIRST_TIMED_BATCH
from ..tools.letter_pdf import pdf_page_count, pdf_text, render_letters_pdf
from .common import DunningCommon


@tagged("post_install", "-at_install")
class TestDunningCronLimits(DunningCommon):
    """The cron stays inside the server's time limits and one run's failing end spares the others."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["dunning.strategy"].sudo().search([("automatic", "=", True)]).automatic = False
        cls.strategy.automatic = True
        cls.customers = cls.env["res.partner"].concat(
            *[cls._create_customer(f"Limits Customer {i:02d}") for i in range(6)]
        )
        cls._create_invoices([cls._invoice_vals(c, cls._days_ago(10)) for c in cls.customers])
        cls.cron = cls.env.ref("dunning_strategy.ir_cron_dunning_run")

    def _budget(self, **options):
        with patch.dict(config.options, options):
            return self.env["dunning.engine"]._cron_time_budget()

    def _cron_call(self):
        """One call of the job as ``ir.cron._run_job`` makes it, with its progress record."""
        _cron, progress = self.cron._add_progress()
        # at today's date, unfrozen: the budget is measured with time.monotonic()
        self.env["dunning.strategy"].with_context(ir_cron_progress_id=progress.id)._cron_run_dunning()
        return progress

    def test_budget_is_half_of_the_smaller_server_limit(self):
        # Odoo's defaults: 60 s CPU, 120 s real (-1: limit_time_real), minus the worker's sleep
        self.assertEqual(self._budget(limit_time_cpu=60, limit_time_real=120, limit_time_real_cron=-1), 25)
        self.assertEqual(self._budget(limit_time_cpu=60, limit_time_real=120, limit_time_real_cron=600), 30)
        self.assertEqual(self._budget(limit_time_cpu=600, limit_time_real=120, limit_time_real_cron=190), 60)
        self.assertEqual(self._budget(limit_time_cpu=0, limit_time_real=0, limit_time_real_cron=0), 600, "no limit")
        self.assertEqual(self._budget(limit_time_cpu=60, limit_time_real=71, limit_time_real_cron=-1), 5, "a floor")
        Param = self.env["ir.config_parameter"].sudo()
        Param.set_param("dunning_strategy.cron_time_budget", "10")
        self.assertEqual(self._budget(limit_time_cpu=60, limit_time_real=120, limit_time_real_cron=-1), 10)
        Param.set_param("dunning_strategy.cron_time_budget", "1800")
        self.assertEqual(
            self._budget(limit_time_cpu=60, limit_time_real=120, limit_time_real_cron=-1), 25, "never above the limits"
        )

    def test_calls_of_one_pass_share_its_budget_then_the_cron_comes_back(self):
        run = self.strategy._create_run(self.run_date, "automatic")
        # Odoo called the job a moment ago in this pass and its budget is spent
        _CRON_WINDOWS[self.env.cr] = (time.monotonic() - 1, time.monotonic())
        triggers = self.env["ir.cron.trigger"].search([("cron_id", "=", self.cron.id)])
        progress = self._cron_call()
        self.assertEqual(run.pending_count, 6, "nothing processed past the pass's budget")
        self.assertEqual((progress.done, progress.remaining), (0, 6), "a call doing nothing ends Odoo's loop")
        new_triggers = self.env["ir.cron.trigger"].search([("cron_id", "=", self.cron.id)]) - triggers
        self.assertEqual(len(new_triggers), 1, "the job comes back in the next pass")
        # the next pass (a new cursor in a worker, here: a call after the gap) has its budget again
        _CRON_WINDOWS[self.env.cr] = (time.monotonic() - 1, time.monotonic() - CRON_CALL_GAP - 1)
        progress = self._cron_call()
        self.assertEqual((progress.done, progress.remaining), (6, 0))
        self.assertEqual((run.state, run.done_count), ("done", 6))

    def test_a_call_spent_creating_the_run_still_comes_back(self):
        # creating today's run takes the call's whole budget (a loaded server, a large run): no
        # line is done, and Odoo, told "0 done", takes the job for finished until tomorrow
        Run = self.env["dunning.run"]
        self.assertFalse(Run.search([("strategy_id", "=", self.strategy.id)]))
        _CRON_WINDOWS.pop(self.env.cr, None)
        triggers = self.env["ir.cron.trigger"].search([("cron_id", "=", self.cron.id)])
        engine = self.env["dunning.engine"]
        with patch.object(type(engine), "_process_runs", lambda self, runs, **kw: 0):
            self._cron_call()  # the run is created, then no time is left for a batch
        run = Run.search([("strategy_id", "=", self.strategy.id)])
        self.assertGreaterEqual(run.pending_count, 6, "the run is created, nothing processed")
        new_triggers = self.env["ir.cron.trigger"].search([("cron_id", "=", self.cron.id)]) - triggers
        self.assertEqual(len(new_triggers), 1, "the job comes back in the next pass")
        # a call that creates nothing and has no time for a line does not spin the cron
        triggers |= new_triggers
        _CRON_WINDOWS.pop(self.env.cr, None)
        with patch.object(type(engine), "_process_runs", lambda self, runs, **kw: 0):
            self._cron_call()
        self.assertFalse(self.env["ir.cron.trigger"].search([("cron_id", "=", self.cron.id)]) - triggers)
        _CRON_WINDOWS[self.env.cr] = (time.monotonic() - 1, time.monotonic() - CRON_CALL_GAP - 1)
        self._cron_call()
        self.assertEqual((run.state, run.pending_count), ("done", 0))

    def test_a_call_left_with_no_time_for_a_batch_still_comes_back(self):
        # Odoo calls the job again at once while lines remain; the last call of a pass may
        # start with a few milliseconds of the pass's budget left, do nothing, and say "0 done":
        # Odoo then takes the job for finished until its next call (seen on the 3,000-letter
        # run: stalled until the next hour)
        engine = self.env["dunning.engine"]
        _CRON_WINDOWS.pop(self.env.cr, None)
        with patch.object(type(engine), "_process_runs", lambda self, runs, **kw: 0):
            self._cron_call()  # today's run, nothing processed yet
        run = self.env["dunning.run"].search([("strategy_id", "=", self.strategy.id)])
        self.assertGreaterEqual(run.pending_count, 6)
        triggers = self.env["ir.cron.trigger"].search([("cron_id", "=", self.cron.id)])
        # the same pass (last call just ended), with a moment of its budget left, spent before
        # a batch could start
        _CRON_WINDOWS[self.env.cr] = (time.monotonic() + 0.2, time.monotonic())

        def no_time_for_a_batch(self, runs, deadline=None, **kw):
            time.sleep(max(deadline - time.monotonic(), 0) + 0.01)
            return 0

        with patch.object(type(engine), "_process_runs", no_time_for_a_batch):
            self._cron_call()
        self.assertGreaterEqual(run.pending_count, 6, "no time for a batch")
        new_triggers = self.env["ir.cron.trigger"].search([("cron_id", "=", self.cron.id)]) - triggers
        self.assertEqual(len(new_triggers), 1, "the job comes back in the next pass")

    def test_a_failing_run_end_is_recorded_and_the_other_runs_go_on(self):
        reporter = new_test_user(
            self.env, login="limits_reporter", email="reporter@company.example.com", company_id=self.company.id
        )
        other_strategy = self.strategy.copy({"name": "Other strategy", "automatic": True, "execution_report": False})
        self.assertTrue(other_strategy.step_ids)
        self.strategy.write({"execution_report": True, "report_user_ids": [(6, 0, reporter.ids)]})
        other_customer = self._create_customer("Other Strategy Customer", dunning_strategy_id=other_strategy.id)
        self._create_invoice(other_customer, self._days_ago(10))
        # the execution report's template is broken
        self.env.ref(
            "dunning_strategy.mail_template_execution_report"
        ).body_html = '<p><t t-out="object.no_such_field.name"/></p>'
        _CRON_WINDOWS.pop(self.env.cr, None)
        self._cron_call()
        runs = self.env["dunning.run"].search([("strategy_id", "in", (self.strategy | other_strategy).ids)])
        broken = runs.filtered(lambda run: run.strategy_id == self.strategy)
        other = runs - broken
        self.assertEqual((broken.state, broken.done_count), ("done", 6), "its reminders went out")
        self.assertIn("no_such_field", broken.end_error)
        self.assertFalse(
            self.env["mail.mail"].search([("model", "=", "dunning.run"), ("res_id", "=", broken.id)]),
            "nothing of the failed report is left half made",
        )
        self.assertEqual((other.state, other.done_count, other.end_error), ("done", 1, False))

    def test_batches_are_sized_to_the_time_left(self):
        run = self.strategy._create_run(self.run_date, "automatic")
        engine = self.env["dunning.engine"]
        handled = engine._process_runs(run, deadline=time.monotonic() + 600, max_batches=1)
        self.assertEqual(handled, FIRST_TIMED_BATCH, "a first small batch times one line")
        self.assertEqual(engine._timed_batch_size(100, None, None), 100, "no deadline: the batch size")
        self.assertEqual(engine._timed_batch_size(100, time.monotonic() + 10, 1.0), 4, "half of 10 s left")
        self.assertEqual(engine._timed_batch_size(100, time.monotonic() + 1000, 0.5), 10, "5 s of work at most")
        self.assertEqual(engine._timed_batch_size(100, time.monotonic() + 1000, 0.01), 100, "never above the size")
        self.assertEqual(engine._timed_batch_size(100, time.monotonic() - 5, 1.0), 1)
        self.assertTrue(engine._past(time.monotonic() + 2, line_seconds=3.0), "no time for one more line")
        self.assertEqual(engine._process_runs(run, deadline=time.monotonic() - 1), 0, "nothing past the deadline")
        self.assertEqual((run.state, run.pending_count), ("running", 1))

    def test_a_run_end_left_for_lack_of_time_is_done_by_the_next_call(self):
        run = self.strategy._create_run(self.run_date, "automatic")
        engine = self.env["dunning.engine"]
        engine._process_runs(run, max_batches=1)
        self.assertEqual((run.state, run.pending_count), ("done", 0))
        run.sudo().state = "running"  # as when its last batch ended past the deadline (engine-owned)
        self.assertEqual(engine._process_runs(run, deadline=time.monotonic() - 1), 0)
        self.assertEqual(run.state, "running", "merging its letters is left to the next call")
        triggers = self.env["ir.cron.trigger"].search([("cron_id", "=", self.cron.id)])
        _CRON_WINDOWS.pop(self.env.cr, None)
        with patch.object(type(engine), "_process_runs", lambda self, runs, **kw: 0):
            self._cron_call()  # a call that had no time left for it
        self.assertEqual(
            len(self.env["ir.cron.trigger"].search([("cron_id", "=", self.cron.id)]) - triggers), 1, "comes back"
        )
        self._cron_call()
        self.assertEqual(run.state, "done")

    def test_letters_are_merged_part_by_part_within_the_deadline(self):
        # the engine merges as superuser: runs are engine-owned
        run = self.strategy._create_run(self.run_date, "automatic").sudo()
        Attachment = self.env["ir.attachment"].sudo()
        for index, text in enumerate(("Batch one", "Batch two", "Batch three")):
            Attachment.create(
                {
                    "name": f"letters-{index:010d}.pdf",
                    "description": PRINT_BATCH_DESCRIPTION,
                    "raw": render_letters_pdf([f"<p>{text}</p>"]).merged,
                    "mimetype": "application/pdf",
                    "res_model": "dunning.run",
                    "res_id": run.id,
                }
            )
        Document = self.env["dunning.document"].sudo()
        past = time.monotonic() - 1
        self.assertFalse(Document._merge_run_letters(run, past), "one part per call past the deadline")
        self.assertEqual(pdf_page_count(run.letters_attachment_id.raw), 1)
        self.assertFalse(Document._merge_run_letters(run, past))
        self.assertTrue(Document._merge_run_letters(run, past), "the last part")
        merged = run.letters_attachment_id.raw
        for page, text in enumerate(("Batch one", "Batch two", "Batch three")):
            self.assertIn(text, pdf_text(merged, [page]))
        self.assertFalse(Attachment.search([("res_id", "=", run.id), ("description", "=", PRINT_BATCH_DESCRIPTION)]))
        # the engine leaves a run whose letters are not all merged running, for the next call
        run.line_ids.write({"state": "done"})
        run.state = "running"
        Attachment.create(
            {
                "name": "letters-0000000009.pdf",
                "description": PRINT_BATCH_DESCRIPTION,
                "raw": render_letters_pdf(["<p>Batch four</p>"]).merged,
                "mimetype": "application/pdf",
                "res_model": "dunning.run",
                "res_id": run.id,
            }
        )
        self.env["dunning.engine"]._end_run(run, past)
        self.assertEqual(run.state, "done", "one part left: merged, then done")
        self.assertEqual(pdf_page_count(run.letters_attachment_id.raw), 4)

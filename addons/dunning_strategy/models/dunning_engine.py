"""The dunning flow, read top-down. One engine for every kind of document: what differs
between invoices, quotations and the next kind is asked of the kind of the strategy
(``dunning.document.kind``); the engine never branches on it. See docs/ARCHITECTURE.md.

1. ``_select_candidates``  the kind's one SQL query: the documents due for a step.
2. ``_group_candidates``   the kind groups them into candidates (one per customer for invoices).
3. ``_create_run``         the run and its lines, created in bulk (``dunning.run.line._create_bulk``).
4. ``_process_runs``       pending lines in batches locked ``FOR UPDATE SKIP LOCKED``; in cron
                           mode each batch is committed and reported to ``ir.cron``
                           (``_process_lines``: dunning_engine_process.py).
5. channels                first the kind builds the batch's documents (letters, files), then
                           ``_send_email``, ``_schedule_activity``, ``_print_letters``,
                           ``_hand_over``, ``_invoice_fees``: one small method per channel, all
                           taking the lines of a batch (dunning_engine_mailer.py,
                           dunning_engine_channels.py).
6. ``_finalize_lines``     the kind records the reminder on its documents, the lines are done.

The cron entry point is in dunning_engine_cron.py.
"""

import logging
import threading
import time
import weakref

from psycopg2 import errors as pg_errors

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 100
# Seconds of processing per cron pass when the server sets no time limit.
DEFAULT_CRON_TIME_BUDGET = 600
# A prefork cron worker pings its watchdog, sleeps up to 60 + 9 s waiting for a job, then runs
# every job due: ``limit_time_real_cron`` counts that sleep too.
CRON_WORKER_SLEEP = 70
MIN_CRON_TIME_BUDGET = 5
# Odoo calls a cron again at once while it reports lines remaining (up to 10 times, in the same
# worker pass): the calls that follow each other within this gap share one time budget.
CRON_CALL_GAP = 2.0
# the job cursor of a cron pass -> (deadline of its budget, end of its last call)
_CRON_WINDOWS = weakref.WeakKeyDictionary()
# With a deadline, the first batch of a call takes this many lines to time them, the next ones
# as many as the time left allows (never more than the batch size): a batch of letters on a
# loaded server may take ten times longer than on a quiet one.
FIRST_TIMED_BATCH = 5
# ... and each timed batch aims at this many seconds at most: a server whose load rises in the
# middle of a batch makes it several times longer than measured, never past the worker's limit.
TIMED_BATCH_SECONDS = 5
MAX_CONCURRENCY_RETRIES = 5
# errors raised when another worker touched the same rows: the batch is retried, never failed
CONCURRENCY_ERRORS = (pg_errors.SerializationFailure, pg_errors.DeadlockDetected, pg_errors.LockNotAvailable)


class DunningLinesError(Exception):
    """Some lines of a batch cannot be processed: ``reasons`` maps each of them to the reason
    shown on it. Raised before anything is sent, so the other lines go out together."""

    def __init__(self, reasons):
        super().__init__("; ".join(str(reason) for reason in reasons.values()))
        self.reasons = reasons


class DunningEngine(models.AbstractModel):
    _name = "dunning.engine"
    _description = "Dunning Engine"

    # ------------------------------------------------------------------
    # 1-2. Select and group (the kind's query and grouping)
    # ------------------------------------------------------------------

    @api.model
    def _select_candidates(self, strategy, date, step=None):
        """Rows of the documents a run of ``strategy`` at ``date`` deals with, as plain dicts,
        from one SQL query of the strategy's kind (``_select_query``), each with the step due
        (``step_id``, ``step_level``; None for a document only listed). Never writes anything."""
        strategy.ensure_one()
        self.env.flush_all()
        return self.env.execute_query_dict(strategy._dunning_kind()._select_query(strategy, date, step))

    @api.model
    def _group_candidates(self, strategy, rows):
        """Candidates of a run (one per future line) from the rows of ``_select_candidates``."""
        return strategy._dunning_kind()._group_candidates(strategy, rows)

    @api.model
    def _compute_candidates(self, strategy, date, step=None):
        """Select and group: what a run would contain, without creating anything."""
        self._check_run_request(strategy, date, step)
        return self._group_candidates(strategy, self._select_candidates(strategy, date, step))

    @api.model
    def _check_run_request(self, strategy, date, step=None):
        """Refuse runs that make no sense, with a message the user can act on."""
        if not strategy.active:
            raise UserError(self.env._("The strategy %(strategy)s is archived.", strategy=strategy.name))
        if not date:
            raise UserError(self.env._("Choose the date of the run."))
        if (date - fields.Date.context_today(self)).days > 366:
            raise UserError(self.env._("The date of a run cannot be more than a year ahead."))
        if step and step.strategy_id != strategy:
            raise UserError(
                self.env._(
                    "The step %(step)s does not belong to the strategy %(strategy)s.",
                    step=step.name,
                    strategy=strategy.name,
                )
            )
        # the selection reads every company's invoices in SQL and the run is created as
        # superuser: check the user's access and right to launch this strategy first
        strategy.check_access("read")
        strategy._check_launch_access()
        if strategy.company_id not in self.env.companies:
            raise UserError(
                self.env._(
                    "The strategy %(strategy)s belongs to the company %(company)s, which is not among your "
                    "current companies.",
                    strategy=strategy.name,
                    company=strategy.company_id.name,
                )
            )

    # ------------------------------------------------------------------
    # 3. Create the run and its lines
    # ------------------------------------------------------------------

    @api.model
    def _create_run(self, strategy, date, mode, step=None, candidates=None):
        """Create the draft run of ``strategy`` at ``date`` and its lines, in bulk.

        Runs and lines are engine-owned: nobody holds the right to create or write them, so
        they are created as superuser, once the caller's right to launch ``strategy`` was
        checked (``_check_run_request``) and the ``candidates`` given by a caller were checked
        against the database (``_check_candidates``). Returns the run in the caller's
        environment.
        """
        if candidates is None:
            candidates = self._compute_candidates(strategy, date, step)
        else:
            self._check_run_request(strategy, date, step)
            candidates = self._check_candidates(strategy, candidates)
        engine = self.sudo()
        run = engine.env["dunning.run"].create(engine._prepare_run_vals(strategy, date, mode, step))
        engine.env["dunning.run.line"]._create_bulk(
            run, [engine._prepare_run_line_vals(run, candidate) for candidate in candidates]
        )
        return run.with_env(self.env)

    @api.model
    def _check_candidates(self, strategy, candidates):
        """The candidates a caller built (wizards), checked by the strategy's kind.

        :raise UserError: on a document or step that does not belong there"""
        return strategy._dunning_kind()._check_candidates(strategy, candidates)

    @api.model
    def _prepare_run_vals(self, strategy, date, mode, step=None):
        return {
            "strategy_id": strategy.id,
            "date": date,
            "mode": mode,
            "step_id": step.id if step else False,
        }

    @api.model
    def _prepare_run_line_vals(self, run, candidate):
        """Values of the run line of one candidate (the kind of the run's strategy)."""
        return run.strategy_id._dunning_kind()._prepare_line_vals(run, candidate)

    # ------------------------------------------------------------------
    # 4. Process in batches
    # ------------------------------------------------------------------

    @api.model
    def _get_batch_size(self):
        value = self.env["ir.config_parameter"].sudo().get_param("dunning_strategy.batch_size")
        try:
            return max(int(value), 1) if value else DEFAULT_BATCH_SIZE
        except ValueError:
            return DEFAULT_BATCH_SIZE

    @api.model
    def _can_commit(self):
        """Commit between batches only in a real cron/worker, never inside tests."""
        return not getattr(threading.current_thread(), "testing", False)

    @api.model
    def _commit(self):
        """Commit the work of a batch (cron mode only): a crash later cannot undo sent emails."""
        self.env.cr.commit()  # pylint: disable=invalid-commit

    @api.model
    def _process_runs(self, runs, commit=False, batch_size=None, deadline=None, max_batches=None):
        """Process the pending lines of ``runs`` batch after batch.

        :param commit: commit after each batch (cron mode); progress is reported to
            ``ir.cron._notify_progress`` after each batch in any mode
        :param deadline: ``time.monotonic()`` value after which no new batch starts; batches
            are then sized to the time left (``FIRST_TIMED_BATCH``) and a run whose lines are
            all processed after the deadline is ended by the next call
        :param max_batches: stop after that many batches (the rest stays pending)
        :return: number of lines handled by this call

        Never processes a line twice: a batch only takes pending lines it could lock, so
        several workers can share one run, and a line leaves 'pending' in the same
        transaction as its email and activity.

        Runs as superuser: runs and lines are engine-owned, nobody else may write them. The
        callers checked the user's right first (``dunning.run._dunning_engine``) or are the cron.
        """
        self = self.sudo()  # noqa: PLW0642 (see the docstring)
        runs = runs.sudo()
        batch_size = batch_size or self._get_batch_size()
        handled = batches = 0
        line_seconds = None  # time of one line in this call's batches
        remaining = self._count_pending_lines(runs)
        for run in runs:
            engine = self.with_company(run.company_id)
            engine._start_run(run, commit=commit)
            retries = 0
            while not (max_batches and batches >= max_batches) and not self._past(deadline, line_seconds):
                try:
                    size = self._timed_batch_size(batch_size, deadline, line_seconds)
                    started = time.monotonic()
                    lines = engine._lock_pending_lines(run, size)
                    if not lines:
                        break
                    engine._process_lines(lines)
                    line_seconds = (time.monotonic() - started) / len(lines)
                    handled += len(lines)
                    batches += 1
                    remaining = max(remaining - len(lines), 0)
                    self.env["ir.cron"]._notify_progress(done=handled, remaining=remaining)
                    if commit:
                        self._commit()
                    retries = 0
                except CONCURRENCY_ERRORS:
                    # another worker touched the same invoices: start the batch again from a
                    # fresh snapshot (nothing of it was committed)
                    if not commit or retries >= MAX_CONCURRENCY_RETRIES:
                        raise
                    retries += 1
                    self.env.cr.rollback()
                    _logger.info("Dunning run %s: concurrent update, batch retried (%s)", run.name, retries)
            if self._past(deadline):
                # merging a run's letters takes time too: left to the next call
                continue
            try:
                engine._end_run_isolated(run, deadline)
                if commit:
                    self._commit()
            except CONCURRENCY_ERRORS:
                # another worker sharing the run closes it at the same time: let it
                if not commit:
                    raise
                self.env.cr.rollback()
        self.env["ir.cron"]._notify_progress(done=handled, remaining=self._count_pending_lines(runs))
        return handled

    @api.model
    def _past(self, deadline, line_seconds=None):
        """Whether ``deadline`` is passed, or too close for one more line of ``line_seconds``."""
        return bool(deadline) and time.monotonic() + (line_seconds or 0) > deadline

    @api.model
    def _timed_batch_size(self, batch_size, deadline, line_seconds):
        """Lines of the next batch: ``batch_size`` without a deadline; else a first small batch
        that times one line, then as many lines as fit in half the time left, and in
        ``TIMED_BATCH_SECONDS`` (the next batch may be much slower than the last one on a loaded
        server: short batches that shrink near the deadline keep the overshoot small)."""
        if not deadline:
            return batch_size
        if line_seconds is None:
            return min(batch_size, FIRST_TIMED_BATCH)
        seconds = min((deadline - time.monotonic()) / 2, TIMED_BATCH_SECONDS)
        return max(1, min(batch_size, int(seconds / max(line_seconds, 1e-3))))

    @api.model
    def _count_pending_lines(self, runs):
        if not runs:
            return 0
        return self.env["dunning.run.line"].search_count([("run_id", "in", runs.ids), ("state", "=", "pending")])

    @api.model
    def _start_run(self, run, commit=False):
        """Mark the run as running (committed in cron mode, so that other workers see it)."""
        for attempt in range(MAX_CONCURRENCY_RETRIES + 1):
            try:
                if run.state == "draft":
                    run.state = "running"
                if commit:
                    self._commit()
                return
            except CONCURRENCY_ERRORS:
                # another worker started the same run at the same moment: it is running
                if not commit or attempt == MAX_CONCURRENCY_RETRIES:
                    raise
                self.env.cr.rollback()

    @api.model
    def _end_run(self, run, deadline=None):
        """Close the run once no line is pending (another worker may still hold some): merge
        its letters (until ``deadline``: the rest is merged by the next call, the run stays
        running meanwhile), then mark it done and send its execution report."""
        if run.state != "done" and not self._count_pending_lines(run):
            if not self.env["dunning.document"]._merge_run_letters(run, deadline):
                return
            run.state = "done"
            run._send_execution_report()

    @api.model
    def _end_run_isolated(self, run, deadline=None):
        """``_end_run`` in a savepoint: when merging the letters or sending the report fails
        (a broken report template, an unreadable letter part), the run is closed anyway (its
        lines are all processed), the reason is recorded on it (``end_error``) and the other
        runs of the same call go on. Never raises, but for the concurrency errors the caller
        handles."""
        try:
            with self.env.cr.savepoint():
                self._end_run(run, deadline)
        except CONCURRENCY_ERRORS:
            raise
        except Exception as error:  # recorded on the run, see the docstring
            _logger.info("Dunning run %s: its end failed: %s", run.name, error)
            if run.state != "done" and not self._count_pending_lines(run):
                run.write({"state": "done", "end_error": self._error_message(error)})

    @api.model
    def _lock_pending_lines(self, run, limit):
        """Pending lines of ``run`` that no other transaction holds, locked for this one."""
        rows = self.env.execute_query(
            SQL(
                """
                SELECT id
                  FROM dunning_run_line
                 WHERE run_id = %s AND state = 'pending'
              ORDER BY id
                 LIMIT %s
                   FOR UPDATE SKIP LOCKED
                """,
                run.id,
                limit,
                to_flush=self.env["dunning.run.line"]._fields["state"],
            )
        )
        return self.env["dunning.run.line"].browse([row[0] for row in rows])

"""The dunning cron: today's automatic runs, then every unfinished run, within the time the
server gives a cron worker."""

import time

from odoo import api, fields, models
from odoo.tools import SQL, config

from .dunning_engine import (
    _CRON_WINDOWS,
    CRON_CALL_GAP,
    CRON_WORKER_SLEEP,
    DEFAULT_CRON_TIME_BUDGET,
    MIN_CRON_TIME_BUDGET,
)
from .dunning_strategy import RUN_DAY_FIELDS


class DunningEngine(models.AbstractModel):
    _inherit = "dunning.engine"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _company_today(self, company):
        """Today's date where ``company`` works: in the time zone of its address, else in the
        user's (the cron runs as OdooBot, whose time zone says nothing about the company)."""
        tz = company.partner_id.tz or self.env.context.get("tz") or self.env.user.tz
        return fields.Date.context_today(self.with_context(tz=tz))

    @api.model
    def _due_scheduled_strategies(self, now):
        """``[(strategy id, its company's date)]`` of the automatic strategies the scheduled action
        must run at ``now`` (naive UTC datetime), in their order: today is one of their days, their
        time is passed, and neither the scheduled action ran them today nor is there an automatic
        run of theirs dated today. "Today" and the time are those of the company's address time
        zone, else of the user's (the cron's: OdooBot), as ``_company_today``.

        One query whatever the number of strategies: the scheduled action runs every hour, and
        most passes find nothing due.
        """
        fallback_tz = self.env.context.get("tz") or self.env.user.tz or "UTC"
        day_cases = SQL(" ").join(
            SQL("WHEN %s THEN strategy.%s", iso_day, SQL.identifier(day))
            for iso_day, day in enumerate(RUN_DAY_FIELDS, start=1)
        )
        self.env["dunning.strategy"].flush_model(
            ["automatic", "active", "run_time", "last_scheduled_date", "company_id", "sequence", *RUN_DAY_FIELDS]
        )
        self.env["dunning.run"].flush_model(["strategy_id", "mode", "date"])
        self.env["res.company"].flush_model(["partner_id"])
        self.env["res.partner"].flush_model(["tz"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT strategy.id, local.now::date
                  FROM dunning_strategy strategy
                  JOIN res_company company ON company.id = strategy.company_id
                  JOIN res_partner address ON address.id = company.partner_id
                 CROSS JOIN LATERAL (
                       SELECT (%(now)s::timestamp AT TIME ZONE 'UTC')
                              AT TIME ZONE COALESCE(NULLIF(address.tz, ''), %(tz)s) AS now
                 ) local
                 WHERE strategy.automatic AND strategy.active
                   AND CASE EXTRACT(ISODOW FROM local.now)::int %(day_cases)s END
                   AND EXTRACT(EPOCH FROM local.now::time) >= COALESCE(strategy.run_time, 0) * 3600
                   AND strategy.last_scheduled_date IS DISTINCT FROM local.now::date
                   AND NOT EXISTS (
                       SELECT 1
                         FROM dunning_run run
                        WHERE run.strategy_id = strategy.id
                          AND run.mode = 'automatic'
                          AND run.date = local.now::date
                   )
              ORDER BY strategy.sequence, strategy.name, strategy.id
                """,
                now=now,
                tz=fallback_tz,
                day_cases=day_cases,
            )
        )
        return [(strategy_id, today) for strategy_id, today in rows]

    @api.model
    def _cron_run(self):
        """Create the automatic runs due now (``_due_scheduled_strategies``: each strategy on its
        days, from its time, once a day), then process every unfinished run in batches.

        At most one automatic run per strategy and date: a failed line waits for a retry or
        the next day instead of being attempted at every cron call.
        """
        engine = self.sudo()
        commit = engine._can_commit()
        Run = engine.env["dunning.run"]
        # the budget counts from the start of the call: creating a large run takes time too
        deadline = engine._cron_deadline()
        if deadline is None:
            # this worker pass's budget is spent: a call that does nothing ends Odoo's loop of
            # calls, and the trigger brings the job back in the next pass, after the worker
            # pinged its watchdog (its time limits count from there)
            _CRON_WINDOWS.pop(engine.env.cr, None)
            engine._trigger_cron_again()
            pending = engine._count_pending_lines(Run.search(engine._unfinished_runs_domain()))
            engine.env["ir.cron"]._notify_progress(done=0, remaining=pending)
            return True
        created = Run
        for strategy_id, today in engine._due_scheduled_strategies(fields.Datetime.now()):
            strategy = engine.env["dunning.strategy"].browse(strategy_id)
            strategy = strategy.with_company(strategy.company_id)
            candidates = strategy._compute_candidates(today)
            if candidates:
                created |= strategy._create_run(today, "automatic", candidates=candidates)
            # once a day, even when nobody was due: the next passes of the day skip it in SQL
            strategy.last_scheduled_date = today
            if commit:
                engine._commit()
        runs = Run.search(engine._unfinished_runs_domain())
        try:
            handled = engine._process_runs(runs, commit=commit, deadline=deadline)
        finally:
            _CRON_WINDOWS[engine.env.cr] = (deadline, time.monotonic())
        if not handled and (created or engine._past(deadline)) and engine._count_pending_lines(runs | created):
            # No line done for lack of time: creating today's runs took the whole budget (a
            # loaded server, a large run), or the call came at the end of the pass's budget.
            # Told "0 done", Odoo takes the job for finished and waits for its next call. Not
            # when time was left: lines another worker holds do not spin the cron.
            engine._trigger_cron_again()
        elif any(run.state != "done" and not engine._count_pending_lines(run) for run in runs):
            # a run's end was left for lack of time: Odoo sees nothing remaining, come back
            engine._trigger_cron_again()
        return True

    @api.model
    def _unfinished_runs_domain(self):
        """Runs the cron processes: running ones, and automatic ones not started yet."""
        return ["|", ("state", "=", "running"), "&", ("state", "=", "draft"), ("mode", "=", "automatic")]

    @api.model
    def _cron_time_budget(self):
        """Seconds of processing per cron worker pass, sized to the server's limits.

        A prefork cron worker is killed past ``limit_time_real_cron`` (``limit_time_real`` when
        it is -1), counted from before its sleep of up to ``CRON_WORKER_SLEEP`` seconds, and past
        ``limit_time_cpu`` of CPU per pass. The budget is half of the smaller of the two (sleep
        deducted), so that the batch running at the deadline and the other jobs of the pass
        still fit: 25 s with Odoo's defaults (60 s CPU, 120 s real). The system parameter
        ``dunning_strategy.cron_time_budget`` may lower it, never raise it.
        """
        real = config.get("limit_time_real_cron") or 0
        if real < 0:
            real = config.get("limit_time_real") or 0
        cpu = config.get("limit_time_cpu") or 0
        limits = [limit for limit in (cpu, real - CRON_WORKER_SLEEP if real > 0 else 0) if limit > 0]
        budget = max(min(limits) / 2, MIN_CRON_TIME_BUDGET) if limits else DEFAULT_CRON_TIME_BUDGET
        param = self.env["ir.config_parameter"].sudo().get_param("dunning_strategy.cron_time_budget")
        if param and param.isdigit():
            budget = min(budget, int(param))
        return budget

    @api.model
    def _cron_deadline(self):
        """``time.monotonic()`` deadline of this cron call, or None when the budget of this
        worker pass is spent. Odoo calls the job again at once, in the same pass and on the same
        cursor, while lines remain: those calls share the pass's budget."""
        now = time.monotonic()
        window = _CRON_WINDOWS.get(self.env.cr)
        if window and now - window[1] < CRON_CALL_GAP:
            return window[0] if now < window[0] else None
        return now + self._cron_time_budget()

    @api.model
    def _trigger_cron_again(self):
        """Bring the dunning cron back at once (Odoo notifies the cron workers)."""
        cron = self.env.ref("dunning_strategy.ir_cron_dunning_run", raise_if_not_found=False)
        if cron:
            cron.sudo()._trigger()

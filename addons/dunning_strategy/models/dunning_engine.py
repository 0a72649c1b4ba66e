"""The dunning flow, read top-down.

1. ``_select_candidates``  one SQL query: every open invoice of the strategy's customers that
                           is overdue or due for its next step, with that step.
2. ``_group_candidates``   one candidate per commercial partner, at its highest due step.
3. ``_create_run``         the run and its lines, created in bulk.
4. ``_process_runs``       pending lines in batches locked ``FOR UPDATE SKIP LOCKED``; in cron
                           mode each batch is committed and reported to ``ir.cron``.
5. channels                first the batch's documents (``dunning.document``: late fees,
                           letters in one WeasyPrint document, statements, invoice PDFs),
                           then ``_send_email``, ``_schedule_activity``, ``_print_letters``,
                           ``_hand_over``, ``_invoice_fees``: one small method per channel,
                           all taking the lines of a batch.
6. ``_finalize_lines``     the invoices climb their step, the lines are done; the customers'
                           step and marker follow through the ORM.

Every method is small and takes the strategy, the run or the lines it works on, so that
other addons (quotation follow-ups, letters, wizards) override one piece at a time.
"""

import logging
import threading
import time
import weakref
from collections import defaultdict
from datetime import timedelta

from markupsafe import Markup
from psycopg2 import errors as pg_errors

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, clean_context, config, email_normalize

from .account_move import DUNNING_OPEN_PAYMENT_STATES

_logger = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 100
# Seconds of processing per cron pass when the server sets no time limit.
DEFAULT_CRON_TIME_BUDGET = 600
# A prefork cron worker pings its watchdog, sleeps up to 60 + 9 s waiting for a job, then runs
# every job due: ``limit_time_real_cron`` counts that sleep too.
CRON_WORKER_SLEEP = 70
MIN_CRON_TIME_BUDGET = 5
# With a deadline, the first batch of a call takes this many lines to time them, the next ones
# as many as the time left allows (never more than the batch size): a batch of letters on a
# loaded server may take ten times longer than on a quiet one.
FIRST_TIMED_BATCH = 5
# ... and each timed batch aims at this many seconds at most: a server whose load rises in the
# middle of a batch makes it several times longer than measured, never past the worker's limit.
TIMED_BATCH_SECONDS = 5
# Odoo calls a cron again at once while it reports lines remaining (up to 10 times, in the same
# worker pass): the calls that follow each other within this gap share one time budget.
CRON_CALL_GAP = 2.0
# the job cursor of a cron pass -> (deadline of its budget, end of its last call)
_CRON_WINDOWS = weakref.WeakKeyDictionary()
MAX_CONCURRENCY_RETRIES = 5
# errors raised when another worker touched the same rows: the batch is retried, never failed
CONCURRENCY_ERRORS = (pg_errors.SerializationFailure, pg_errors.DeadlockDetected, pg_errors.LockNotAvailable)


def _column_value(field, value):
    """``value`` of ``field`` as a SQL value (ids for records, NULL for False)."""
    if field.type == "boolean":
        return bool(value)
    if value is False or value is None:
        return None
    if isinstance(value, models.BaseModel):
        return value.id
    return value


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
    # 1. Select
    # ------------------------------------------------------------------

    @api.model
    def _select_candidates(self, strategy, date, step=None):
        """Return, as plain dicts, the invoices a run of ``strategy`` at ``date`` deals with.

        One row per open posted customer invoice of a customer that must be reminded:
        ``move_id``, ``partner_id`` (commercial partner), ``amount_residual`` (company
        currency), ``overdue`` (due before ``date``), ``current_level`` and ``reached_step_id``
        (the level it already reached and that step of the strategy), and ``step_id``/
        ``step_level``/``step_days``: the step due for that invoice, or None when the invoice is
        only listed because it is overdue. Never writes anything.

        Why SQL: this runs on every open receivable of the company; the ORM would loop in
        Python over each invoice. One query keeps the cost a single pass whatever the size.

        An invoice is open when it is a posted ``out_invoice`` with a residual above zero and a
        payment state in ``DUNNING_OPEN_PAYMENT_STATES``. Days are counted from
        ``invoice_date_due`` (the latest installment's date). Step k is due when:

        - k is the invoice's next level: the level above its current one, skipping the steps
          before the due date (negative ``days``) once the invoice is overdue (an overdue
          invoice never gets a courtesy reminder), and it is at least ``days`` days past due;
        - its last reminder (``dunning_date``) is at least ``min_interval_days`` old, and
          not on or after the run date (so two runs on one date never remind twice);
        - or, on the last step with ``repeat_days``, the last reminder is that old;
        - the invoice is not waiting in a pending line of another run.

        The customer (its commercial partner) must be active (an archived customer is never
        reminded), included in dunning and use this strategy (its own, company-dependent, else
        the company's default), the invoice must belong to the strategy's company and not be
        excluded, and the customer's total of the listed invoices (overdue or due) must reach
        ``min_amount``.
        """
        strategy.ensure_one()
        self.env.flush_all()
        return self.env.execute_query_dict(self._select_candidates_query(strategy, date, step))

    @api.model
    def _select_candidates_query(self, strategy, date, step=None):
        """The SQL query of ``_select_candidates`` (also for ``EXPLAIN`` in tests and benches).

        Its cost must not depend on the planner's statistics. Right after the addon is installed
        on an existing database (no ANALYZE yet), the planner guessed a handful of pending lines
        and of invoices: "not waiting in a pending line", a join inside the per-step lateral,
        started from the pending lines and probed every invoice for each of them (5.7 s instead
        of 0.7 s at 10k invoices). The flag is now computed once per invoice, outside the steps,
        in an order the planner cannot turn round: the invoice's links (index on ``move_id``),
        then each link's line by its id (a scalar subquery). At most a few index probes per
        invoice, whatever the statistics (``tests/bench/cold_start.py``).
        """
        company = strategy.company_id
        partner_strategy = self.env["res.partner"].with_company(company)._field_to_sql("partner", "dunning_strategy_id")
        step_filter = SQL("AND step.id = %s", step.id) if step else SQL()
        return SQL(
            """
            WITH steps AS (%(steps)s),
            open_invoices AS (
                SELECT move.id, move.commercial_partner_id, move.invoice_date_due, move.dunning_date,
                       move.amount_residual_signed, COALESCE(current_step.level, 0) AS current_level,
                       -- the step it climbs to next: once overdue, never a step before the due date
                       (SELECT MIN(next_step.level)
                          FROM steps next_step
                         WHERE next_step.level > COALESCE(current_step.level, 0)
                           AND (next_step.days >= 0 OR move.invoice_date_due >= %(date)s)) AS next_level,
                       EXISTS (
                            SELECT 1
                              FROM dunning_run_line_due_move_rel pending_rel
                             WHERE pending_rel.move_id = move.id
                               AND (SELECT pending_line.state
                                      FROM dunning_run_line pending_line
                                     WHERE pending_line.id = pending_rel.line_id) = 'pending'
                       ) AS pending
                  FROM account_move move
                  JOIN res_partner partner ON partner.id = move.commercial_partner_id
                  JOIN res_company company ON company.id = move.company_id
             LEFT JOIN dunning_strategy_step current_step ON current_step.id = move.dunning_step_id
                 WHERE move.company_id = %(company_id)s
                   AND move.move_type = 'out_invoice'
                   AND move.state = 'posted'
                   AND move.payment_state IN %(open_states)s
                   AND move.amount_residual > 0
                   AND move.invoice_date_due IS NOT NULL
                   AND move.dunning_excluded IS NOT TRUE
                   AND partner.active
                   AND partner.dunning_enabled IS NOT FALSE
                   AND COALESCE(%(partner_strategy)s, company.dunning_strategy_id) = %(strategy_id)s
            ),
            invoice_steps AS (
                SELECT invoice.id AS move_id,
                       invoice.commercial_partner_id AS partner_id,
                       invoice.amount_residual_signed AS amount_residual,
                       invoice.invoice_date_due < %(date)s AS overdue,
                       invoice.current_level,
                       reached_step.id AS reached_step_id,
                       due_step.id AS step_id,
                       due_step.level AS step_level,
                       due_step.days AS step_days
                  FROM open_invoices invoice
             LEFT JOIN steps reached_step ON reached_step.level = invoice.current_level
             LEFT JOIN LATERAL (
                    SELECT step.id, step.level, step.days
                      FROM steps step
                     WHERE (invoice.dunning_date IS NULL OR invoice.dunning_date < %(date)s)
                       AND (
                            (step.level = invoice.next_level
                             AND %(date)s - invoice.invoice_date_due >= step.days
                             AND (invoice.dunning_date IS NULL
                                  OR invoice.dunning_date + step.min_interval_days <= %(date)s))
                         OR (step.is_last
                             AND invoice.current_level >= step.level
                             AND step.repeat_days > 0
                             AND invoice.dunning_date + step.repeat_days <= %(date)s)
                       )
                       %(step_filter)s
                  ORDER BY step.level
                     LIMIT 1
                ) due_step ON NOT invoice.pending
            ),
            listed AS (
                SELECT invoice_step.*,
                       BOOL_OR(invoice_step.step_id IS NOT NULL) OVER per_partner AS partner_due,
                       SUM(invoice_step.amount_residual) OVER per_partner AS partner_amount
                  FROM invoice_steps invoice_step
                 WHERE invoice_step.step_id IS NOT NULL OR invoice_step.overdue
                WINDOW per_partner AS (PARTITION BY invoice_step.partner_id)
            )
            SELECT move_id, partner_id, amount_residual, overdue, current_level, reached_step_id,
                   step_id, step_level, step_days
              FROM listed
             WHERE partner_due AND partner_amount >= %(min_amount)s
          ORDER BY partner_id, move_id
            """,
            strategy_id=strategy.id,
            steps=self._steps_sql(strategy),
            company_id=company.id,
            open_states=DUNNING_OPEN_PAYMENT_STATES,
            partner_strategy=partner_strategy,
            date=date,
            step_filter=step_filter,
            min_amount=strategy.min_amount or 0.0,
        )

    @api.model
    def _steps_sql(self, strategy):
        """The steps of ``strategy`` as rows for the selection queries (invoices, quotations):
        ``id``, ``level``, ``days``, ``min_interval_days``, ``repeat_days``, ``is_last``."""
        return SQL(
            """
            SELECT step.id, step.level,
                   COALESCE(step.days, 0) AS days,
                   COALESCE(step.min_interval_days, 0) AS min_interval_days,
                   COALESCE(step.repeat_days, 0) AS repeat_days,
                   step.level = MAX(step.level) OVER () AS is_last
              FROM dunning_strategy_step step
             WHERE step.strategy_id = %s
            """,
            strategy.id,
        )

    # ------------------------------------------------------------------
    # 2. Group
    # ------------------------------------------------------------------

    @api.model
    def _group_candidates(self, strategy, rows):
        """One candidate per commercial partner, in a tone that never goes down.

        The reminder is at the highest step due among the customer's invoices, and never below
        the highest step its listed overdue invoices already reached. A reminder before the due
        date (a step with negative ``days``) lists the invoices not due yet only, and is not
        sent at all to a customer whose overdue invoices are already in dunning: those upcoming
        invoices ride along in its next reminder (``upcoming_move_ids`` of the line).

        :param rows: result of ``_select_candidates``
        :return: list of dicts ``partner_id``, ``step_id``, ``level``, ``move_ids`` (every
            invoice listed in the reminder), ``due_move_ids`` (those climbing a step) and
            ``amount_residual`` (company currency), ordered by partner.
        """
        currency = strategy.company_id.currency_id
        rows_by_partner = defaultdict(list)
        for row in rows:
            rows_by_partner[row["partner_id"]].append(row)
        candidates = []
        for partner_id, partner_rows in rows_by_partner.items():
            due = [row for row in partner_rows if row["step_id"]]
            if not due:
                continue
            top_due = max(due, key=lambda row: row["step_level"])
            reached = [row for row in partner_rows if row["overdue"] and row["current_level"]]
            top_reached = max(reached, key=lambda row: row["current_level"], default=None)
            step_id, level, listed = top_due["step_id"], top_due["step_level"], partner_rows
            if top_due["step_days"] < 0:
                # only invoices not due yet are due for a step (before their due date)
                if reached:
                    continue  # its overdue invoices are in dunning: no "coming due soon" note
                listed = [row for row in partner_rows if not row["overdue"]]
            elif top_reached and top_reached["reached_step_id"] and top_reached["current_level"] > level:
                step_id, level = top_reached["reached_step_id"], top_reached["current_level"]
            candidates.append(
                {
                    "partner_id": partner_id,
                    "step_id": step_id,
                    "level": level,
                    "move_ids": [row["move_id"] for row in listed],
                    "due_move_ids": [row["move_id"] for row in listed if row["step_id"]],
                    "amount_residual": currency.round(sum(row["amount_residual"] or 0.0 for row in listed)),
                }
            )
        return candidates

    @api.model
    def _prepare_manual_candidate(self, strategy, partner, date):
        """Candidate of a customer added by hand to a run, in the shape of ``_group_candidates``.

        The customer (its commercial partner) is reminded of all its open invoices of the
        strategy's company, even those not due yet, at its next step: the step after the
        highest one its invoices reached (the last step repeats). ``manual`` is set so that
        the run line records it. Never writes anything.

        :return: the candidate dict, with empty ``move_ids`` when nothing is left to remind
        """
        commercial_partner = partner.commercial_partner_id
        moves = self.env["account.move"].search(
            [
                ("commercial_partner_id", "=", commercial_partner.id),
                ("company_id", "=", strategy.company_id.id),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("payment_state", "in", DUNNING_OPEN_PAYMENT_STATES),
                ("amount_residual", ">", 0),
                ("dunning_excluded", "=", False),
            ],
            order="invoice_date_due, id",
        )
        steps = self._steps_by_level(strategy)
        level = max((self._next_level(move, steps, date) for move in moves), default=0) if steps else 0
        return {
            "partner_id": commercial_partner.id,
            "step_id": steps[level].id if level else False,
            "level": level,
            "move_ids": moves.ids,
            "due_move_ids": moves.ids,
            "amount_residual": strategy.company_id.currency_id.round(sum(moves.mapped("amount_residual_signed"))),
            "manual": True,
        }

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
        engine._create_run_lines(run, [engine._prepare_run_line_vals(run, candidate) for candidate in candidates])
        return run.with_env(self.env)

    @api.model
    def _check_candidates(self, strategy, candidates):
        """The candidates a caller built (the launch wizard) as the engine would: each invoice an
        open invoice of the candidate's customer in the strategy's company, climbing invoices
        among the listed ones, the step of the strategy, the amount summed from the invoices.

        :raise UserError: on an invoice or step that does not belong there
        :return: the checked candidates
        """
        checked = []
        steps = strategy.step_ids
        for candidate in candidates:
            partner = self.env["res.partner"].browse(candidate["partner_id"]).commercial_partner_id
            # superuser to judge invoices the caller may not read (to refuse them, never to show
            # them); the caller's right to launch the strategy was checked by _check_run_request
            moves = self.env["account.move"].sudo().browse(candidate["move_ids"])
            foreign = moves.filtered(
                lambda move, partner=partner: (
                    move.commercial_partner_id != partner
                    or move.company_id != strategy.company_id
                    or not move._dunning_is_open()
                )
            )
            if foreign or not set(candidate["due_move_ids"]) <= set(moves.ids):
                raise UserError(
                    self.env._(
                        "The reminder of %(customer)s lists invoices that are not its open invoices in %(company)s.",
                        customer=partner.display_name,
                        company=strategy.company_id.name,
                    )
                )
            if candidate["step_id"] not in steps.ids:
                raise UserError(
                    self.env._(
                        "The step of %(customer)s does not belong to the strategy %(strategy)s.",
                        customer=partner.display_name,
                        strategy=strategy.name,
                    )
                )
            amount = strategy.company_id.currency_id.round(sum(moves.mapped("amount_residual_signed")))
            checked.append(dict(candidate, partner_id=partner.id, amount_residual=amount))
        return checked

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
        """Values of the run line of one candidate of ``_group_candidates``."""
        return {
            "run_id": run.id,
            "partner_id": candidate["partner_id"],
            "step_id": candidate["step_id"],
            "move_ids": [Command.set(candidate["move_ids"])],
            "due_move_ids": [Command.set(candidate["due_move_ids"])],
            "amount_residual": candidate["amount_residual"],
            "manual": candidate.get("manual", False),
        }

    @api.model
    def _create_run_lines(self, run, vals_list):
        """Insert the lines of the new ``run`` (values of ``_prepare_run_line_vals``) in a
        constant number of queries: ids from the sequence, one INSERT of every line, one per
        many2many table.

        Why SQL: the ORM inserts 100 rows per query and computes the related fields of each
        line one by one: 11 s for a run of 20,000 customers. The rows get what ``create``
        would give them: defaults, the run's stored related fields (company, date...), the
        audit columns. A model extended with other stored computed fields goes through the ORM.

        :return: the new lines
        """
        Line = self.env["dunning.run.line"]
        if not vals_list:
            return Line
        names = {name for vals in vals_list for name in vals}
        columns, relations = self._run_line_insert_plan(run, names)
        if columns is None:
            return Line.create(vals_list)
        self.env.flush_all()
        ids = [
            row[0]
            for row in self.env.execute_query(
                SQL("SELECT nextval(%s) FROM generate_series(1, %s)", f"{Line._table}_id_seq", len(vals_list))
            )
        ]
        arrays = [
            SQL(
                "%s::%s[]",
                [_column_value(Line._fields[name], vals.get(name, default)) for vals in vals_list],
                SQL(Line._fields[name].column_type[1]),
            )
            for name, default in columns.items()
        ]
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO %(table)s (id, %(columns)s, create_uid, create_date, write_uid, write_date)
                SELECT row.*, %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM unnest(%(ids)s::int4[], %(arrays)s) AS row
                """,
                table=SQL.identifier(Line._table),
                columns=SQL(", ").join(SQL.identifier(name) for name in columns),
                uid=self.env.uid,
                now=self.env.cr.now(),
                ids=ids,
                arrays=SQL(", ").join(arrays),
            )
        )
        for name in relations:
            field = Line._fields[name]
            pairs = {
                (line_id, target_id)
                for line_id, vals in zip(ids, vals_list, strict=True)
                for command in vals.get(name) or ()
                for target_id in self._command_ids(command)
            }
            if pairs:
                line_ids, target_ids = zip(*sorted(pairs), strict=True)
                self.env.cr.execute(
                    SQL(
                        "INSERT INTO %s (%s, %s) SELECT * FROM unnest(%s::int4[], %s::int4[])",
                        SQL.identifier(field.relation),
                        SQL.identifier(field.column1),
                        SQL.identifier(field.column2),
                        list(line_ids),
                        list(target_ids),
                    )
                )
        # the new rows change one2many/many2many caches only (run.line_ids, partners' reminders...)
        self.env.invalidate_all()
        return Line.browse(ids)

    @api.model
    def _run_line_insert_plan(self, run, names):
        """Columns of the SQL insert of ``_create_run_lines``: ``({column: value for rows
        that do not give it}, [many2many field names])``, or ``(None, None)`` when a stored
        computed field other than the run's related ones needs the ORM."""
        Line = self.env["dunning.run.line"]
        magic = {"id", "create_uid", "create_date", "write_uid", "write_date"}
        stored = {name: field for name, field in Line._fields.items() if field.store and name not in magic}
        if any(name not in stored for name in names):
            return None, None
        relations = [name for name in names if stored[name].type == "many2many"]
        defaults = Line.default_get([name for name in stored if name not in names])
        columns = {}
        for name, field in stored.items():
            if field.type in ("one2many", "many2many"):
                continue
            if field.related and field.related.startswith("run_id."):
                value = run.sudo().mapped(field.related.removeprefix("run_id."))
                value = value.id if isinstance(value, models.BaseModel) else (value[0] if value else None)
                columns[name] = value
            elif field.compute and name not in names:
                return None, None
            elif name in names or name in defaults:
                columns[name] = defaults.get(name)
        return columns, relations

    @api.model
    def _command_ids(self, command):
        """Ids linked by one x2many command of ``_prepare_run_line_vals`` (SET or LINK)."""
        if command[0] == Command.SET:
            return command[2]
        if command[0] == Command.LINK:
            return [command[1]]
        raise ValueError(f"Unsupported command for a new run line: {command!r}")

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

    @api.model
    def _process_lines(self, lines):
        """Refresh, check, then run every channel on the lines of one batch.

        The whole batch runs in one savepoint. When the documents of some customers cannot be
        built (``DunningLinesError``, raised before anything is sent), those lines fail with
        their reason and the batch runs again without them. If anything else raises, the
        batch is replayed line by line, each in its own savepoint, so that only the faulty
        customer fails (with the reason) and the others go out.
        """
        lines = self._refresh_lines(lines)
        lines = self._check_lines(lines)
        while lines:
            try:
                with self.env.cr.savepoint():
                    self._run_channels(lines)
                return
            except DunningLinesError as error:
                reasons = error.reasons
                failed = lines.filtered(lambda line, reasons=reasons: line in reasons)
                if not failed:
                    break
                lines -= self._close_lines("failed", {line: reasons[line] for line in failed})
            except CONCURRENCY_ERRORS:
                raise
            except Exception:  # replayed line by line below
                break
        for line in lines:
            try:
                with self.env.cr.savepoint():
                    self._run_channels(line)
            except CONCURRENCY_ERRORS:
                raise
            except Exception as error:
                _logger.info("Dunning line %s failed: %s", line.id, error)
                self._close_lines("failed", {line: self._error_message(error)})

    @api.model
    def _error_message(self, error):
        """The reason stored on a failed line: what went wrong, never a traceback.

        Odoo's template rendering errors embed the traceback of the template's code after
        the message; the reason keeps the message and the last line (the error itself).
        """
        message = error.args[0] if isinstance(error, UserError) and error.args else str(error)
        if "Traceback (most recent call last)" in message:
            head, _sep, trace = message.partition("Traceback (most recent call last)")
            # the message's format closes with ")" after the traceback: the error is the line before
            last = [line.strip() for line in trace.splitlines() if line.strip() not in ("", ")")][-1:]
            message = "\n".join(part for part in (head.strip(), *last) if part)
        return message or error.__class__.__name__

    @api.model
    def _refresh_lines(self, lines):
        """Re-read the invoices of the lines right before reminding; skip what no longer holds.

        The invoices climbing a step are locked ``FOR UPDATE`` first: a run of another worker
        reminding the same invoices waits for this one, then sees them reminded (or gets a
        serialization error and retries), so that nothing is ever sent twice.

        :return: the lines still to remind
        """
        due_moves = lines.due_move_ids
        if due_moves:
            self.env.execute_query(
                SQL(
                    "SELECT id FROM account_move WHERE id = ANY(%s) ORDER BY id FOR UPDATE",
                    due_moves.ids,
                    to_flush=self.env["account.move"]._fields["dunning_date"],
                )
            )
        skipped = {}
        for line in lines:
            run_date = line.run_id.date
            due = line.due_move_ids.filtered(
                lambda m, line=line, run_date=run_date: (
                    line._dunning_owns_move(m)
                    and m._dunning_is_open()
                    and not m.dunning_excluded
                    and (not m.dunning_date or m.dunning_date < run_date)
                )
            )
            reason = self._skip_reason(line, due)
            if reason:
                skipped[line] = reason
                continue
            vals = {}
            listed = (
                line.move_ids.filtered(
                    lambda m, line=line: line._dunning_owns_move(m) and m._dunning_is_open() and not m.dunning_excluded
                )
                | due
            )
            if due != line.due_move_ids:
                vals["due_move_ids"] = [Command.set(due.ids)]
            if listed != line.move_ids:
                vals["move_ids"] = [Command.set(listed.ids)]
                vals["amount_residual"] = sum(listed.mapped("amount_residual_signed"))
            step = self._next_step_of_line(line, due)
            if step != line.step_id:
                vals["step_id"] = step.id
            if vals:
                line.write(vals)
        return lines - self._close_lines("skipped", skipped)

    @api.model
    def _skip_reason(self, line, due_moves):
        """Why a line must not be reminded any more (``due_moves``: its invoices still due), or None."""
        partner = line.partner_id
        if not partner.active or not partner.dunning_enabled:
            # archived or excluded while its line was pending
            return (
                self.env._("customer archived") if not partner.active else self.env._("customer excluded from dunning")
            )
        if due_moves:
            return None
        if not any(move._dunning_is_open() for move in line.due_move_ids):
            return self.env._("paid")
        if any(move.dunning_excluded for move in line.due_move_ids):
            return self.env._("invoice excluded from dunning")
        return self.env._("already reminded")

    @api.model
    def _next_step_of_line(self, line, due_moves):
        """The step a line reminds at: the highest next step of its due invoices."""
        steps = self._steps_by_level(line.run_id.strategy_id)
        if not steps:
            return line.step_id
        date = line.run_id.date
        level = max(self._next_level(move, steps, date) for move in due_moves)
        # never below what its listed overdue invoices already reached (see _group_candidates)
        reached = [
            move.dunning_level for move in line.move_ids if move.invoice_date_due and move.invoice_date_due < date
        ]
        level = max([level, *[reached_level for reached_level in reached if reached_level in steps]])
        return steps[level]

    @api.model
    def _steps_by_level(self, strategy):
        return {step.level: step for step in strategy.step_ids}

    @api.model
    def _next_level(self, move, steps_by_level, date):
        """The level ``move`` climbs to at a reminder on ``date``, as ``_select_candidates``:
        one step per run, skipping the steps before the due date once the invoice is overdue;
        the last step repeats."""
        last_level = max(steps_by_level)
        overdue = bool(move.invoice_date_due) and move.invoice_date_due < date
        for level in range(move.dunning_level + 1, last_level + 1):
            if level in steps_by_level and (steps_by_level[level].days >= 0 or not overdue):
                return level
        return last_level

    @api.model
    def _check_lines(self, lines):
        """Set the recipient of each line and fail the lines that cannot be sent.

        A customer without a usable email fails on an email step, unless the step also
        prints a letter (the letter then goes alone).

        :return: the lines that can be processed
        """
        recipients = self._get_recipients(lines)
        for line in lines:
            if line.recipient_id != recipients[line]:
                line.recipient_id = recipients[line]
        failed = {}
        for line in lines:
            step = line.step_id
            reason = None
            if step.send_email and not step.print_letter:
                reason = self._check_email_address(line.recipient_id)
            # letters need a postal address, hand-overs a partner to send the dossier to
            reason = reason or self.env["dunning.document"]._check_line(line)
            if reason:
                failed[line] = reason
        return lines - self._close_lines("failed", failed)

    @api.model
    def _close_lines(self, state, reasons):
        """Close the lines that will not be processed: ``state`` ('failed' or 'skipped') and
        ``reasons``, ``{line: reason}``, written once per reason.

        :return: the closed lines
        """
        by_reason = defaultdict(list)
        for line, reason in reasons.items():
            by_reason[reason].append(line.id)
        now = fields.Datetime.now()
        Line = self.env["dunning.run.line"]
        for reason, line_ids in by_reason.items():
            Line.browse(line_ids).write({"state": state, "error": reason, "processed_date": now})
        return Line.browse([line.id for line in reasons])

    @api.model
    def _get_recipients(self, lines):
        """Recipient of each line: the dunning contact, else the invoice address, else the customer."""
        partners = lines.partner_id
        invoice_addresses = {}
        without_contact = partners.filtered(lambda p: not p.dunning_contact_id)
        if without_contact:
            for address in self.env["res.partner"].search(
                [("parent_id", "in", without_contact.ids), ("type", "=", "invoice")], order="id"
            ):
                invoice_addresses.setdefault(address.parent_id, address)
        return {
            line: line.partner_id.dunning_contact_id or invoice_addresses.get(line.partner_id) or line.partner_id
            for line in lines
        }

    @api.model
    def _check_email_address(self, partner):
        """Reason why ``partner`` cannot receive an email, or None."""
        if not partner.email:
            return self.env._("no email address")
        if not email_normalize(partner.email):
            return self.env._("invalid email address: %(email)s", email=partner.email)
        if partner.is_blacklisted:
            return self.env._("email address blacklisted: %(email)s", email=partner.email)
        return None

    # ------------------------------------------------------------------
    # 5. Channels: one method each, same signature, each picks its lines
    # ------------------------------------------------------------------

    @api.model
    def _get_channels(self):
        """Channel methods, in the order they run on a batch of lines."""
        return [self._send_email, self._schedule_activity, self._print_letters, self._hand_over, self._invoice_fees]

    @api.model
    def _run_channels(self, lines):
        # documents first (late fees, letters, statement, invoice PDFs): a letter that cannot
        # be built fails its line before any email of the batch goes out
        self.env["dunning.document"]._prepare_documents(lines)
        for channel in self._get_channels():
            channel(lines)
        self._finalize_lines(lines)

    @api.model
    def _send_email(self, lines):
        """Email channel: render each step's template on many lines at once, then post every
        email of the batch at once in its customer's chatter (in the recipient's language,
        through the template's ``lang``), queued for the mail cron. Lines without a usable
        address (letter steps) are left to the letter."""
        lines = lines.filtered(
            lambda line: (
                line.step_id.send_email
                and line.step_id.mail_template_id
                and not self._check_email_address(line.recipient_id)
            )
        )
        posts = []
        for template, template_lines in lines.grouped(lambda line: line.step_id.mail_template_id).items():
            rendered = template._generate_template(template_lines.ids, self._email_render_fields())
            posts += [
                (line, line.partner_id, self._prepare_email_post_values(line, template, rendered[line.id]))
                for line in template_lines
            ]
        self._post_emails(posts)

    @api.model
    def _post_emails(self, posts, message_field="mail_message_id"):
        """Post the emails of a batch: each one in its record's chatter, to its recipients only,
        queued for the mail cron; the message is kept in the line's ``message_field``.

        :param posts: list of ``(line, record, post_values)``; ``post_values`` are the keyword
            arguments ``message_post`` would take (see ``_prepare_email_post_values``)

        Why not ``message_post``: it renders the notification layout, gathers the followers and
        creates the message, its email and its notifications one post at a time (about 50 ms).
        A reminder goes to its recipients only, with the template's body as it is: the messages
        with their emails (``mail.mail`` inherits ``mail.message``) and the notifications are
        created in bulk, as the mass mailing composer does.
        """
        if not posts:
            return
        reply_to = self._get_reply_to(posts)
        mail_values = []
        for _line, record, values in posts:
            recipient_ids = values.get("partner_ids") or []
            mail_values.append(
                {
                    "model": record._name,
                    "res_id": record.id,
                    "record_name": record.display_name,
                    "message_type": values.get("message_type") or "comment",
                    "subtype_id": self.env["ir.model.data"]._xmlid_to_res_id(
                        values.get("subtype_xmlid") or "mail.mt_comment"
                    ),
                    "author_id": values.get("author_id"),
                    "email_from": values["email_from"],
                    "reply_to": values.get("reply_to") or reply_to[record._name, record.id, values["email_from"]],
                    "subject": values.get("subject"),
                    "body": values.get("body") or "",
                    "body_html": values.get("body") or "",
                    "partner_ids": [Command.set(recipient_ids)],
                    "recipient_ids": [Command.set(recipient_ids)],
                    "attachment_ids": [Command.set(values.get("attachment_ids") or [])],
                    "auto_delete": values.get("mail_auto_delete", True),
                    # the message stays in the chatter when the email is deleted once sent
                    "is_notification": True,
                }
            )
        mails = self.env["mail.mail"].sudo().with_context(clean_context(self.env.context)).create(mail_values)
        self.env["mail.notification"].sudo().create(
            [
                {
                    "author_id": mail.author_id.id,
                    "is_read": True,
                    "mail_mail_id": mail.id,
                    "mail_message_id": mail.mail_message_id.id,
                    "notification_status": "ready",
                    "notification_type": "email",
                    "res_partner_id": partner_id,
                }
                for mail in mails
                for partner_id in mail.recipient_ids.ids
            ]
        )
        for (line, _record, _values), mail in zip(posts, mails, strict=True):
            line[message_field] = mail.mail_message_id

    @api.model
    def _get_reply_to(self, posts):
        """Reply-to address of each post without one, computed per model and sender for all
        records at once: ``{(model, res_id, email_from): reply_to}``."""
        records = defaultdict(list)
        for _line, record, values in posts:
            if not values.get("reply_to"):
                records[record._name, values["email_from"]].append(record.id)
        reply_to = {}
        for (model, email_from), res_ids in records.items():
            for res_id, address in self.env[model].browse(res_ids)._notify_get_reply_to(default=email_from).items():
                reply_to[model, res_id, email_from] = address
        return reply_to

    @api.model
    def _email_render_fields(self):
        return ("subject", "body_html", "email_from", "reply_to", "attachment_ids")

    @api.model
    def _prepare_email_post_values(self, line, template, values):
        """Keyword arguments of ``message_post`` for one line (hook for attachments)."""
        email_from = values.get("email_from") or line.company_id.email_formatted or self.env.user.email_formatted
        post_values = {
            "body": values.get("body_html") or "",
            "subject": values.get("subject") or line.step_id.name,
            "email_from": email_from,
            "author_id": self.env.user.partner_id.id,
            "partner_ids": line.recipient_id.ids,
            # the template's own files, then this customer's statement and invoices only
            "attachment_ids": [*(values.get("attachment_ids") or []), *line.attachment_ids.ids],
            "message_type": "comment",
            "subtype_xmlid": "mail.mt_comment",
            "force_send": False,
            "mail_auto_delete": template.auto_delete,
        }
        if values.get("reply_to"):
            post_values["reply_to"] = values["reply_to"]
        return post_values

    @api.model
    def _schedule_activity(self, lines):
        """Activity channel: one ``mail.activity`` per customer, created in bulk, due at the run
        date and assigned by the step's rule."""
        lines = lines.filtered(lambda line: line.step_id.schedule_activity)
        if not lines:
            return
        model_id = self.env["ir.model"]._get_id("res.partner")
        activities = (
            self.env["mail.activity"]
            .sudo()
            .with_context(mail_activity_quick_update=True)
            .create([self._prepare_activity_vals(line, model_id) for line in lines])
        )
        for line, activity in zip(lines, activities, strict=True):
            line.activity_id = activity

    @api.model
    def _prepare_activity_vals(self, line, model_id):
        step = line.step_id
        invoices = ", ".join(move.name for move in line.move_ids)
        return {
            "res_model_id": model_id,
            "res_id": line.partner_id.id,
            "activity_type_id": step.activity_type_id.id,
            "summary": step.activity_summary or step.activity_type_id.summary or step.name,
            # the step's name says the kind of reminder ("Relance 2"): not prefixed with it again
            "note": self.env._("%(step)s, invoices: %(invoices)s", step=step.name, invoices=invoices),
            "user_id": self._get_activity_user(line).id,
            "date_deadline": line.run_id.date,
        }

    @api.model
    def _get_activity_user(self, line):
        """Assignee of a line's activity: the step's rule, falling back to the strategy's
        responsible, then to the user who launched the run."""
        step = line.step_id
        responsible = line.run_id.strategy_id.responsible_id
        if step.activity_user == "user" and step.activity_user_id:
            return step.activity_user_id
        if step.activity_user == "salesperson" and line.partner_id.user_id:
            return line.partner_id.user_id
        return responsible or line.run_id.user_id or self.env.user

    @api.model
    def _print_letters(self, lines):
        """Letter channel: the letters were printed with the batch's documents (one WeasyPrint
        document, see ``dunning.document``); each one is logged as a note in its customer's
        chatter with the documents printed after it. The run's merged PDF is built when the
        run ends."""
        lines = lines.filtered(lambda line: line.step_id.print_letter and line.letter_attachment_id)
        if not lines:
            return
        note = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note")
        # one bulk insert, as _message_log does: a note notifies nobody
        self.env["mail.message"].sudo().create(
            [
                {
                    "model": "res.partner",
                    "res_id": line.partner_id.id,
                    "message_type": "notification",
                    "subtype_id": note,
                    "author_id": self.env.user.partner_id.id,
                    "body": Markup("<p>%s</p>")
                    % self.env._("Letter printed: %(step)s (%(run)s)", step=line.step_id.name, run=line.run_id.name),
                    "attachment_ids": [Command.set((line.letter_attachment_id | line.attachment_ids).ids)],
                }
                for line in lines
            ]
        )

    @api.model
    def _hand_over(self, lines):
        """Escalation channel: send the hand-over partner of the step the dossier of the invoices
        handed over (letter, statement, invoice PDFs), then mark them in collection, which
        takes them out of automatic dunning. Once per invoice: an invoice in collection is
        never handed over again."""
        lines = lines.filtered(lambda line: line.handover_move_ids and line.step_id.handover_partner_id)
        posts = []
        for template, template_lines in lines.grouped(lambda line: line.step_id.handover_template_id).items():
            rendered = template._generate_template(template_lines.ids, ("subject", "body_html", "email_from"))
            for line in template_lines:
                values = rendered[line.id]
                # to the hand-over partner only: the customer's followers never get the dossier
                post_values = {
                    "body": values.get("body_html") or "",
                    "subject": values.get("subject") or line.step_id.name,
                    "email_from": values.get("email_from")
                    or line.company_id.email_formatted
                    or self.env.user.email_formatted,
                    "author_id": self.env.user.partner_id.id,
                    "partner_ids": line.step_id.handover_partner_id.ids,
                    "attachment_ids": (line.letter_attachment_id | line.handover_attachment_ids).ids,
                    "mail_auto_delete": template.auto_delete,
                }
                posts.append((line, line.partner_id, post_values))
        self._post_emails(posts, message_field="handover_message_id")
        for line in lines:
            line.handover_move_ids.sudo().write(
                {
                    "dunning_collection_partner_id": line.step_id.handover_partner_id.id,
                    "dunning_collection_date": line.date,
                    "dunning_excluded": True,
                }
            )

    @api.model
    def _invoice_fees(self, lines):
        """Late-fee channel: a draft customer invoice of the French late fees of each company
        customer whose step asks for it, for the invoices not charged yet (never twice for an
        invoice, never for an individual)."""
        lines = lines.filtered(
            lambda line: (
                line.step_id.create_fee_invoice and line.run_id.strategy_id.late_fees and line.partner_id.is_company
            )
        )
        Document = self.env["dunning.document"]
        for line in lines:
            fees = Document._compute_late_fees(line)
            fee_lines = [fee for fee in fees.lines if fee.total and not fee.invoice["move"].dunning_fee_move_id]
            if not fee_lines:
                continue
            fee_move = self.env["account.move"].sudo().create(Document._prepare_fee_invoice_vals(line, fee_lines))
            line.fee_move_id = fee_move
            self.env["account.move"].concat(*(fee.invoice["move"] for fee in fee_lines)).sudo().write(
                {"dunning_fee_move_id": fee_move.id}
            )

    @api.model
    def _preview_letter(self, line):
        """``(pdf_bytes, file_name)`` of the letter of one run line (see ``dunning.document``).

        Called by the launch wizard's preview on a line created in a savepoint that is rolled
        back afterwards: it must never send, post or store anything meant to last.
        """
        return self.env["dunning.document"]._preview_letter(line)

    # ------------------------------------------------------------------
    # 6. After the channels
    # ------------------------------------------------------------------

    @api.model
    def _finalize_lines(self, lines):
        """The invoices climb their step, then the lines are done."""
        self._advance_invoices(lines)
        lines.write({"state": "done", "error": False, "processed_date": fields.Datetime.now()})

    @api.model
    def _advance_invoices(self, lines):
        """Each invoice climbing a step gets its next step and the run date, in one write
        per (step, date). The customers' stored step and marker follow through the ORM."""
        groups = defaultdict(lambda: self.env["account.move"])
        steps_cache = {}
        for line in lines:
            strategy = line.run_id.strategy_id
            if strategy not in steps_cache:
                steps_cache[strategy] = self._steps_by_level(strategy)
            steps = steps_cache[strategy]
            for move in line.due_move_ids:
                groups[steps[self._next_level(move, steps, line.run_id.date)], line.run_id.date] |= move
        # only dunning bookkeeping fields change: skip the accounting synchronisation of
        # account.move.write (dynamic lines, balance check) and do not flag the invoices as
        # manually modified
        moves_env = (
            self.env["account.move"]
            .sudo()
            .with_context(skip_invoice_sync=True, check_move_validity=False, skip_is_manually_modified=True)
        )
        for (step, date), moves in groups.items():
            moves_env.browse(moves.ids).write({"dunning_step_id": step.id, "dunning_date": date})

    # ------------------------------------------------------------------
    # 7. What the next runs will do (searches and screens)
    # ------------------------------------------------------------------

    @api.model
    def _select_due_move_ids(self, date):
        """Ids of the invoices a run at ``date`` of each invoice strategy of the current
        companies would make climb a step (``_select_candidates``, one query per strategy).
        Strategies of other kinds of documents (quotations) are left out: their rows are not
        invoices."""
        Strategy = self.env["dunning.strategy"]
        strategies = Strategy.search(
            [("company_id", "in", self.env.companies.ids), *Strategy._invoice_strategy_domain()]
        )
        return [
            row["move_id"]
            for strategy in strategies
            for row in self._select_candidates(strategy, date)
            if row["step_id"]
        ]

    @api.model
    def _next_reminder_dates(self, moves):
        """Date at which the next step of each invoice falls due, by the rules of
        ``_select_candidates`` (the customer's minimum amount aside).

        :return: ``{move: date}``, False for an invoice that will not be reminded again
        """
        dates = {}
        steps_cache = {}
        today = fields.Date.context_today(self)
        for move in moves:
            dates[move] = False
            partner = move.commercial_partner_id
            if not move._dunning_is_open() or move.dunning_excluded or not move.invoice_date_due:
                continue
            if not partner.active or not partner.dunning_enabled:
                continue
            strategy = partner.with_company(move.company_id).dunning_strategy_id or move.company_id.dunning_strategy_id
            if strategy not in steps_cache:
                steps_cache[strategy] = self._steps_by_level(strategy) if strategy.active else {}
            steps = steps_cache[strategy]
            if not steps:
                continue
            last_level = max(steps)
            if move.dunning_level < last_level:
                step = steps[self._next_level(move, steps, today)]
                if step.days < 0 and move.invoice_date_due < today:
                    continue  # only steps before the due date are left: none for an overdue invoice
                date = move.invoice_date_due + timedelta(days=step.days)
                if move.dunning_date:
                    date = max(date, move.dunning_date + timedelta(days=max(step.min_interval_days, 1)))
            elif steps[last_level].repeat_days and move.dunning_date:
                date = move.dunning_date + timedelta(days=steps[last_level].repeat_days)
            else:
                continue
            dates[move] = date
        return dates

    # ------------------------------------------------------------------
    # Cron
    # ------------------------------------------------------------------

    @api.model
    def _company_today(self, company):
        """Today's date where ``company`` works: in the time zone of its address, else in the
        user's (the cron runs as OdooBot, whose time zone says nothing about the company)."""
        tz = company.partner_id.tz or self.env.context.get("tz") or self.env.user.tz
        return fields.Date.context_today(self.with_context(tz=tz))

    @api.model
    def _cron_run(self):
        """Create today's automatic runs, then process every unfinished run in batches.

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
        for automatic_strategy in engine.env["dunning.strategy"].search([("automatic", "=", True)]):
            strategy = automatic_strategy.with_company(automatic_strategy.company_id)
            today = engine._company_today(strategy.company_id)
            already_run = Run.search_count(
                [("strategy_id", "=", strategy.id), ("date", "=", today), ("mode", "=", "automatic")], limit=1
            )
            if already_run:
                continue
            candidates = strategy._compute_candidates(today)
            if candidates:
                strategy._create_run(today, "automatic", candidates=candidates)
                if commit:
                    engine._commit()
        runs = Run.search(engine._unfinished_runs_domain())
        try:
            engine._process_runs(runs, commit=commit, deadline=deadline)
        finally:
            _CRON_WINDOWS[engine.env.cr] = (deadline, time.monotonic())
        if any(run.state != "done" and not engine._count_pending_lines(run) for run in runs):
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

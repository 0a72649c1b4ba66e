"""Invoices, the engine's first kind of document (see ``dunning.document.kind``): selection.

One SQL query selects the open invoices of the strategy's customers with the step due for each
(``_select_query``); they are grouped into one reminder per commercial partner at its highest
due step (``_group_candidates``). Processing and finalising: ``dunning_kind_invoice_process.py``.
"""

from collections import defaultdict

from odoo import Command, api, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .account_move import DUNNING_OPEN_PAYMENT_STATES


class DunningKindInvoice(models.AbstractModel):
    _name = "dunning.kind.invoice"
    _inherit = "dunning.document.kind"
    _description = "Dunning Kind: Invoices"

    @api.model
    def _select_query(self, strategy, date, step=None):
        """One row per open posted customer invoice of a customer that must be reminded:
        ``move_id``, ``partner_id`` (commercial partner), ``amount_residual`` (company
        currency), ``overdue`` (due before ``date``), ``current_level`` and ``reached_step_id``
        (the level it already reached and that step of the strategy), and ``step_id``/
        ``step_level``/``step_days``: the step due for that invoice (``_due_step_sql``), or None
        when the invoice is only listed because it is overdue.

        Why SQL: this runs on every open receivable of the company; the ORM would loop in
        Python over each invoice. One query keeps the cost a single pass whatever the size.

        An invoice is open when it is a posted ``out_invoice`` with a residual above zero and a
        payment state in ``DUNNING_OPEN_PAYMENT_STATES``. Days are counted from
        ``invoice_date_due`` (the latest installment's date). It climbs one step per run: its
        climb window is its next level, skipping the steps before the due date (negative
        ``days``) once it is overdue (an overdue invoice never gets a courtesy reminder). It
        is not selected while it waits in a pending line of another run, while it is in dispute
        (``dunning_dispute``), nor while an open promise to pay covers it, up to the promised
        date included. After a broken promise, when its current step names a step to go to
        (``broken_promise_step_id``, higher than its own), that step is due at once, until its
        next reminder (a reminder never steps back: a lower step is never a jump).

        The customer (its commercial partner) must be active (an archived customer is never
        reminded), included in dunning and use this strategy (its own, company-dependent, else
        the company's default), the invoice must belong to the strategy's company and not be
        excluded, and the customer's total of the listed invoices (overdue or due) must reach
        ``min_amount``. When the strategy has an invoice filter (``invoice_domain``), only the
        invoices it matches are listed (``_invoice_filter_sql``: a sub-select inside this query).

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
        return SQL(
            """
            WITH steps AS (%(steps)s),
            open_invoices AS (
                SELECT move.id, move.commercial_partner_id, move.invoice_date_due,
                       -- after a broken promise, the step it jumps to is due at once
                       CASE WHEN jump.level IS NULL THEN move.invoice_date_due
                            ELSE LEAST(move.invoice_date_due, %(date)s - jump.days) END AS reference_date,
                       move.dunning_date,
                       move.amount_residual_signed, COALESCE(current_step.level, 0) AS current_level,
                       -- the step it climbs to next: once overdue, never a step before the due date
                       COALESCE(jump.level, (SELECT MIN(next_step.level)
                          FROM steps next_step
                         WHERE next_step.level > COALESCE(current_step.level, 0)
                           AND (next_step.days >= 0 OR move.invoice_date_due >= %(date)s))) AS climb_from,
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
                  -- "after a broken promise, go straight to": the step its current step names,
                  -- higher than it, while no reminder went out since the promise was broken
             LEFT JOIN LATERAL (
                    SELECT jump_step.level, jump_step.days
                      FROM steps jump_step
                     WHERE jump_step.id = current_step.broken_promise_step_id
                       AND jump_step.level > current_step.level
                       AND EXISTS (
                            SELECT 1
                              FROM dunning_promise_account_move_rel broken_rel
                              JOIN dunning_promise broken ON broken.id = broken_rel.promise_id
                             WHERE broken_rel.move_id = move.id
                               AND broken.state = 'broken'
                               AND (move.dunning_date IS NULL OR move.dunning_date <= broken.date))
                   ) jump ON current_step.broken_promise_step_id IS NOT NULL
                 WHERE move.company_id = %(company_id)s
                   AND move.move_type = 'out_invoice'
                   AND move.state = 'posted'
                   AND move.payment_state IN %(open_states)s
                   AND move.amount_residual > 0
                   AND move.invoice_date_due IS NOT NULL
                   AND move.dunning_excluded IS NOT TRUE
                   AND move.dunning_dispute IS NOT TRUE
                   -- an open promise to pay holds its invoices until its date
                   AND NOT EXISTS (
                        SELECT 1
                          FROM dunning_promise_account_move_rel promise_rel
                          JOIN dunning_promise promise ON promise.id = promise_rel.promise_id
                         WHERE promise_rel.move_id = move.id
                           AND promise.state = 'open'
                           AND promise.date >= %(date)s)
                   AND partner.active
                   AND partner.dunning_enabled IS NOT FALSE
                   AND COALESCE(%(partner_strategy)s, company.dunning_strategy_id) = %(strategy_id)s
                   %(invoice_filter)s
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
             LEFT JOIN LATERAL (%(due_step)s) due_step ON NOT invoice.pending
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
            due_step=self._due_step_sql("invoice", date, step, one_step=True),
            min_amount=strategy.min_amount or 0.0,
            invoice_filter=self._invoice_filter_sql(strategy, SQL.identifier("move", "id")),
        )

    @api.model
    def _invoice_filter_sql(self, strategy, move_id):
        """``AND <move_id> IN (<the invoices of the strategy's filter>)``, or nothing without a
        filter: the ORM compiles the domain into a sub-select, so the selection stays one query
        (no invoice is filtered in Python).

        As superuser: the selection reads every invoice of the company whoever launches it (the
        caller's right was checked by ``dunning.engine._check_run_request``); the filter must
        select the same invoices for the cron and for a user.
        """
        domain = strategy._invoice_filter_domain()
        if not domain:
            return SQL()
        query = self.env["account.move"].sudo().with_company(strategy.company_id)._search(domain)
        return SQL("AND %s IN %s", move_id, query.subselect())

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
                ("dunning_dispute", "=", False),
                *strategy._invoice_filter_domain(),
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
    def _check_candidates(self, strategy, candidates):
        """The candidates a caller built (the launch wizard) as the engine would: each invoice an
        open invoice of the candidate's customer in the strategy's company, climbing invoices
        among the listed ones, the step of the strategy, the amount summed from the invoices.

        :raise UserError: on an invoice or step that does not belong there
        :return: the checked candidates
        """
        checked = []
        steps = strategy.step_ids
        # superuser to judge invoices the caller may not read (to refuse them, never to show
        # them); the caller's right to launch the strategy was checked by _check_run_request.
        # One prefetch set for all candidates: the cron checks thousands of them in one go.
        all_moves = self.env["account.move"].sudo().browse({i for c in candidates for i in c["move_ids"]})
        all_partners = self.env["res.partner"].browse({c["partner_id"] for c in candidates})
        for candidate in candidates:
            partner = all_partners.browse(candidate["partner_id"]).with_prefetch(all_partners._prefetch_ids)
            partner = partner.commercial_partner_id
            moves = all_moves.browse(candidate["move_ids"]).with_prefetch(all_moves._prefetch_ids)
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
    def _prepare_line_vals(self, run, candidate):
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

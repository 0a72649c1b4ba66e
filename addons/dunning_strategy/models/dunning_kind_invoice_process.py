"""Invoices (see ``dunning.document.kind``): re-checked under lock, recipients, documents and
the step they climb when done; the next reminder dates the screens show."""

from collections import defaultdict
from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.tools import SQL


class DunningKindInvoice(models.AbstractModel):
    _inherit = "dunning.kind.invoice"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _refresh_lines(self, lines):
        """Re-read the invoices of the lines right before reminding; skip what no longer holds.

        The invoices climbing a step are locked ``FOR UPDATE`` first: a run of another worker
        reminding the same invoices waits for this one, then sees them reminded (or gets a
        serialization error and retries), so that nothing is ever sent twice.

        :return: ``{line: reason}`` of the lines to skip
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
        batch_moves = lines.move_ids | lines.due_move_ids  # read together, not line by line
        for line in lines:
            run_date = line.run_id.date
            # each invoice checked once (the due ones are listed too)
            remindable = (
                (line.move_ids | line.due_move_ids)
                .with_prefetch(batch_moves._ids)
                .filtered(
                    lambda m, line=line: (
                        line._dunning_owns_move(m)
                        and m._dunning_is_open()
                        and not m.dunning_excluded
                        and not m.dunning_dispute
                    )
                )
            )
            due = (line.due_move_ids & remindable).filtered(
                lambda m, run_date=run_date: not m.dunning_date or m.dunning_date < run_date
            )
            reason = self._skip_reason(line, due)
            if reason:
                skipped[line] = reason
                continue
            vals = {}
            listed = (line.move_ids & remindable) | due
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
        return skipped

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
        if any(move.dunning_dispute for move in line.due_move_ids):
            return self.env._("invoice in dispute")
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
    def _next_level(self, move, steps_by_level, date):
        """The level ``move`` climbs to at a reminder on ``date``, as ``_select_query``:
        one step per run, skipping the steps before the due date once the invoice is overdue;
        the last step repeats; after a broken promise, the step its step names, when higher."""
        last_level = max(steps_by_level)
        jump = self._broken_promise_jump(move)
        if jump and jump.level in steps_by_level:
            return jump.level
        overdue = bool(move.invoice_date_due) and move.invoice_date_due < date
        for level in range(move.dunning_level + 1, last_level + 1):
            if level in steps_by_level and (steps_by_level[level].days >= 0 or not overdue):
                return level
        return last_level

    @api.model
    def _broken_promise_jump(self, move):
        """The step ``move`` goes straight to after a broken promise (``broken_promise_step_id``
        of its step, higher than it), while no reminder went out since the promise was broken;
        else an empty step. As ``_select_query``."""
        step = move.dunning_step_id
        jump = step.broken_promise_step_id
        if not jump or jump.level <= step.level:
            return jump.browse()
        # superuser: the engine decides for whoever runs it; promises are only read here
        for promise in move.sudo().dunning_promise_ids:
            if promise.state == "broken" and (not move.dunning_date or move.dunning_date <= promise.date):
                return jump
        return jump.browse()

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
    def _check_line(self, line):
        """A customer without a usable email fails on an email step, unless the step also prints
        a letter (the letter then goes alone); letters need a postal address, hand-overs a
        partner to send the dossier to (``dunning.document._check_line``)."""
        step = line.step_id
        reason = None
        if step.send_email and not step.print_letter:
            reason = self.env["dunning.engine"]._check_email_address(line.recipient_id)
        return reason or self.env["dunning.document"]._check_line(line)

    @api.model
    def _activity_vals(self, line, vals):
        invoices = ", ".join(move.name for move in line.move_ids)
        # the step's name says the kind of reminder ("Relance 2"): not prefixed with it again
        return dict(
            vals, note=self.env._("%(step)s, invoices: %(invoices)s", step=line.step_id.name, invoices=invoices)
        )

    @api.model
    def _prepare_documents(self, lines):
        """Late fees, letters, statements and invoice PDFs (``dunning.document``)."""
        return {"late_fees": self.env["dunning.document"]._prepare_documents(lines)}

    @api.model
    def _finalize_lines(self, lines):
        self._advance_invoices(lines)

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
        # account.move.write (dynamic lines, balance check), do not flag the invoices as
        # manually modified, and do not prepare the tracking of every tracked field of every
        # invoice (none of these fields is tracked: the tracking would find nothing to log)
        moves_env = (
            self.env["account.move"]
            .sudo()
            .with_context(
                skip_invoice_sync=True,
                check_move_validity=False,
                skip_is_manually_modified=True,
                mail_notrack=True,
            )
        )
        for (step, date), moves in groups.items():
            moves_env.browse(moves.ids).write({"dunning_step_id": step.id, "dunning_date": date})

    @api.model
    def _select_due_move_ids(self, date):
        """Ids of the invoices a run at ``date`` of each invoice strategy of the current
        companies would make climb a step (``_select_query``, one query per strategy).
        Strategies of other kinds of documents (quotations) are left out: their rows are not
        invoices."""
        Strategy = self.env["dunning.strategy"]
        strategies = Strategy.search(
            [("company_id", "in", self.env.companies.ids), *Strategy._invoice_strategy_domain()]
        )
        return [
            row["move_id"]
            for strategy in strategies
            for row in self.env["dunning.engine"]._select_candidates(strategy, date)
            if row["step_id"]
        ]

    @api.model
    def _filter_moves(self, strategy, moves):
        """The invoices of ``moves`` that the invoice filter of ``strategy`` keeps (as superuser,
        as the selection: see ``_invoice_filter_sql``)."""
        domain = [("id", "in", moves.ids), *strategy._invoice_filter_domain()]
        return self.env["account.move"].sudo().with_company(strategy.company_id).search(domain)

    @api.model
    def _filter_keeps(self, strategy, move, moves, kept_ids):
        """Whether the invoice filter of ``strategy`` keeps ``move``; ``kept_ids`` caches, per
        strategy, the ids of ``moves`` it keeps (one search per strategy, not per invoice)."""
        if not strategy.invoice_domain:
            return True
        if strategy not in kept_ids:
            kept_ids[strategy] = set(self._filter_moves(strategy, moves).ids)
        return move.id in kept_ids[strategy]

    @api.model
    def _next_reminder_dates(self, moves):
        """Date at which the next step of each invoice falls due, by the rules of
        ``_select_query`` (the customer's minimum amount aside), the strategy's invoice filter
        included (one search per strategy that has one).

        :return: ``{move: date}``, False for an invoice that will not be reminded again
        """
        dates = {}
        steps_cache = {}
        filtered_ids = {}  # strategy -> ids of ``moves`` its invoice filter keeps
        today = fields.Date.context_today(self)
        for move in moves:
            dates[move] = False
            partner = move.commercial_partner_id
            if (
                not move._dunning_is_open()
                or move.dunning_excluded
                or move.dunning_dispute
                or not move.invoice_date_due
                or not partner.active
                or not partner.dunning_enabled
            ):
                continue
            strategy = partner.with_company(move.company_id).dunning_strategy_id or move.company_id.dunning_strategy_id
            if strategy not in steps_cache:
                steps_cache[strategy] = self._steps_by_level(strategy) if strategy.active else {}
            steps = steps_cache[strategy]
            if not steps or not self._filter_keeps(strategy, move, moves, filtered_ids):
                continue
            last_level = max(steps)
            if move.dunning_level < last_level:
                step = steps[self._next_level(move, steps, today)]
                if step.days < 0 and move.invoice_date_due < today:
                    continue  # only steps before the due date are left: none for an overdue invoice
                date = move.invoice_date_due + timedelta(days=step.days)
                if self._broken_promise_jump(move):
                    date = min(date, today)  # after a broken promise, the step it jumps to is due at once
                if move.dunning_date:
                    date = max(date, move.dunning_date + timedelta(days=max(step.min_interval_days, 1)))
            elif steps[last_level].repeat_days and move.dunning_date:
                date = move.dunning_date + timedelta(days=steps[last_level].repeat_days)
            else:
                continue
            # an open promise holds it up to its date included (superuser: a date, only read)
            promised = move.sudo().dunning_promise_ids.filtered(lambda promise: promise.state == "open")
            if promised:
                date = max(date, max(promised.mapped("date")) + timedelta(days=1))
            dates[move] = date
        return dates

import itertools

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools.safe_eval import datetime, safe_eval, time

# the weekday fields of the schedule, Monday first (ISO day 1 to 7)
RUN_DAY_FIELDS = ("run_mon", "run_tue", "run_wed", "run_thu", "run_fri", "run_sat", "run_sun")


class DunningStrategy(models.Model):
    """A named sequence of reminder steps applied to the open invoices of a company.

    The flow that runs a strategy lives in ``dunning.engine``; the methods here are
    the public entry points other addons, wizards and scheduled actions call.
    """

    _name = "dunning.strategy"
    _description = "Dunning Strategy"
    _inherit = ["mail.thread"]
    _order = "sequence, name, id"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company",
        string="Company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    automatic = fields.Boolean(
        tracking=True,
        help="Run this strategy on its days, once its time has come, with the scheduled action "
        "'Dunning: scheduled runs'.",
    )
    # The schedule of an automatic strategy, in the time zone of its company's address (else the
    # one of the scheduled action's user): the days of the week, like calendar's recurrences,
    # and the time from which the first pass of the hourly scheduled action runs it.
    run_time = fields.Float(
        string="Run From",
        default=0.0,
        tracking=True,
        help="Time of day (company's time zone) from which the scheduled action runs this strategy, once a day.",
    )
    run_mon = fields.Boolean(string="Monday", default=True)
    run_tue = fields.Boolean(string="Tuesday", default=True)
    run_wed = fields.Boolean(string="Wednesday", default=True)
    run_thu = fields.Boolean(string="Thursday", default=True)
    run_fri = fields.Boolean(string="Friday", default=True)
    run_sat = fields.Boolean(string="Saturday", default=True)
    run_sun = fields.Boolean(string="Sunday", default=True)
    last_scheduled_date = fields.Date(
        string="Last Scheduled Run",
        readonly=True,
        copy=False,
        help="Last day (company's time zone) the scheduled action ran this strategy, whether or not "
        "anybody was due. Written by the scheduled action only.",
    )
    step_ids = fields.One2many("dunning.strategy.step", "strategy_id", string="Steps", copy=True)
    step_count = fields.Integer(compute="_compute_step_count")
    min_amount = fields.Monetary(
        string="Minimum Amount",
        currency_field="currency_id",
        tracking=True,
        help="A customer whose total residual of the reminded invoices is below this amount is not reminded.",
    )
    invoice_domain = fields.Char(
        string="Invoices to Remind",
        tracking=True,
        help="Only the invoices matching this filter are reminded by this strategy (journal, salesperson, "
        "amount, customer tags...). Empty: every open invoice of its customers.",
    )
    responsible_id = fields.Many2one(
        "res.users",
        string="Responsible",
        check_company=True,
        tracking=True,
        domain="[('share', '=', False)]",
        help="Assignee of the activities of steps using the 'Responsible' rule, "
        "and fallback assignee of the 'Salesperson' rule.",
    )
    # Who sees and runs this strategy ("Partagé avec"): enforced by the record rule
    # rule_dunning_strategy_shared, which dunning administrators pass whatever the list.
    shared_user_ids = fields.Many2many(
        "res.users",
        "dunning_strategy_shared_user_rel",
        "strategy_id",
        "user_id",
        string="Shared With",
        domain="[('share', '=', False)]",
        tracking=True,
        help="Only these users (and the dunning administrators) see and run this strategy. "
        "Empty: everybody allowed to launch reminders.",
    )
    run_ids = fields.One2many("dunning.run", "strategy_id", string="Runs")
    execution_report = fields.Boolean(
        string="Execution Report",
        help="After each automatic run, email a summary (counts, failures with their reason, link to the run) "
        "to the users to notify.",
    )
    report_manual_runs = fields.Boolean(
        string="Also After Manual Launches",
        help="Send the execution report after the runs launched by hand too (Run Now, Launch Reminders).",
    )
    report_user_ids = fields.Many2many(
        "res.users",
        "dunning_strategy_report_user_rel",
        "strategy_id",
        "user_id",
        string="Users to Notify",
        domain="[('share', '=', False)]",
        help="Users receiving the execution report of the runs of this strategy.",
    )
    run_count = fields.Integer(compute="_compute_run_count")
    # French late fees (art. L441-10 and D441-5 of the Code de commerce), never for individuals
    late_fees = fields.Boolean(
        string="French Late Fees",
        tracking=True,
        help="Claim late-payment interest and the fixed recovery indemnity from company customers: "
        "shown on the letters and emails, and invoiced by the steps that ask for it.",
    )
    late_interest_rate = fields.Float(
        string="Late Interest Rate (%)",
        digits=(16, 2),
        default=12.15,
        tracking=True,
        help="Annual rate of the late-payment interest, pro rata of the days late on the residual. "
        "By default the ECB refinancing rate plus 10 points: update it every semester.",
    )
    late_fee_indemnity = fields.Monetary(
        string="Recovery Indemnity",
        currency_field="currency_id",
        default=40.0,
        help="Fixed indemnity per invoice paid late (40 euros by law).",
    )
    late_fee_product_id = fields.Many2one(
        "product.product",
        string="Late Fee Product",
        check_company=True,
        default=lambda self: self.env.ref("dunning_strategy.product_dunning_late_fee", raise_if_not_found=False),
        help="Product of the lines of the late-fee invoices (its income account and taxes apply).",
    )

    # Amount checks are Python constraints rather than SQL ones: a failed SQL constraint reaches
    # RPC clients in English whatever their language, a ValidationError is translated.
    @api.constrains("step_ids", "min_amount")
    def _check_steps(self):
        for strategy in self:
            if strategy.min_amount < 0:
                raise ValidationError(self.env._("The minimum amount cannot be negative."))
            days = [step.days for step in strategy.step_ids.sorted(lambda s: (s.sequence, s.id))]
            if any(later <= earlier for earlier, later in itertools.pairwise(days)):
                raise ValidationError(
                    self.env._(
                        "The steps of the strategy %(strategy)s must have strictly increasing days "
                        "(two steps cannot share the same number of days).",
                        strategy=strategy.name,
                    )
                )

    @api.constrains("automatic", "run_time", *RUN_DAY_FIELDS)
    def _check_schedule(self):
        for strategy in self:
            if not 0 <= strategy.run_time < 24:
                raise ValidationError(
                    self.env._("The time of %(strategy)s must be between 00:00 and 23:59.", strategy=strategy.name)
                )
            if strategy.automatic and not any(strategy[day] for day in RUN_DAY_FIELDS):
                raise ValidationError(
                    self.env._(
                        "The automatic strategy %(strategy)s must run on one day of the week at least.",
                        strategy=strategy.name,
                    )
                )

    @api.constrains("late_interest_rate", "late_fee_indemnity")
    def _check_late_fees(self):
        for strategy in self:
            if strategy.late_interest_rate < 0 or strategy.late_fee_indemnity < 0:
                raise ValidationError(
                    self.env._(
                        "The late interest rate and the recovery indemnity of %(strategy)s cannot be negative.",
                        strategy=strategy.name,
                    )
                )

    @api.constrains("invoice_domain")
    def _check_invoice_domain(self):
        """The filter must be a domain on invoices that the database can run: a broken one would
        stop every run of the strategy, the daily one included."""
        # sudo: checked as the selection runs it (see dunning.kind.invoice._invoice_filter_sql);
        # the ORM checked the editor's right to write the strategy, and nothing is returned to him
        Move = self.env["account.move"].sudo()
        for strategy in self.filtered("invoice_domain"):
            domain = strategy._invoice_filter_domain()
            try:
                # run it once, in a savepoint: an unknown field or a value of the wrong type only
                # fails in the database
                with self.env.cr.savepoint():
                    Move.with_company(strategy.company_id).search(domain, limit=1)
            except Exception as error:  # turned into a message the user can act on
                raise ValidationError(
                    self.env._(
                        "The invoice filter of %(strategy)s is not valid: %(error)s",
                        strategy=strategy.name,
                        error=error,
                    )
                ) from error

    @api.depends("step_ids")
    def _compute_step_count(self):
        for strategy in self:
            strategy.step_count = len(strategy.step_ids)

    def _compute_run_count(self):
        counts = dict(
            self.env["dunning.run"]._read_group([("strategy_id", "in", self.ids)], ["strategy_id"], ["__count"])
        )
        for strategy in self:
            strategy.run_count = counts.get(strategy, 0)

    @api.model_create_multi
    def create(self, vals_list):
        self._check_engine_owned(vals_list)
        return super().create(vals_list)

    def copy(self, default=None):
        copies = super().copy(default)
        # "after a broken promise, go to" points at a step of the same strategy: in a copy, at
        # the copy's step of the same level (the field is not copied as is)
        for strategy, copy in zip(self, copies, strict=True):
            copy_steps = {step.level: step for step in copy.step_ids}
            for step in strategy.step_ids.filtered("broken_promise_step_id"):
                if step.level in copy_steps:
                    copy_steps[step.level].broken_promise_step_id = copy_steps.get(step.broken_promise_step_id.level)
        return copies

    def write(self, vals):
        self._check_engine_owned([vals])
        res = super().write(vals)
        # Record rules are checked on the values before a write: re-check them on the values
        # after it, so that a user allowed to edit some strategies (a sales manager and his
        # quotation strategies) cannot turn one into a strategy he may not edit, nor take
        # himself off its "Shared With" list (a dunning administrator passes the rule anyway).
        self.check_access("write")
        return res

    @api.model
    def _check_engine_owned(self, vals_list):
        """The day of the last scheduled run is the scheduled action's: a user setting it would
        make it skip (or run twice) a day."""
        if not self.env.su and any("last_scheduled_date" in vals for vals in vals_list):
            raise AccessError(self.env._("The day of the last scheduled run is set by the scheduled action only."))

    def action_view_runs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("dunning_strategy.action_dunning_run")
        action["domain"] = [("strategy_id", "=", self.id)]
        action["context"] = {"default_strategy_id": self.id}
        return action

    def action_launch_wizard(self):
        """Open the launch wizard on this strategy."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("dunning_strategy.action_dunning_launch")
        action["context"] = {"default_strategy_id": self.id}
        return action

    def action_run_now(self):
        """Run this strategy at today's date as the daily scheduled action would (every customer
        due, at its highest due step), send the reminders and open the run."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        candidates = self._compute_candidates(today)
        if not candidates:
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "type": "info",
                    "message": self.env._("No customer of %(strategy)s is due today.", strategy=self.name),
                },
            }
        run = self._create_run(today, "manual", candidates=candidates)
        run.action_process()
        return run._get_form_action()

    # ------------------------------------------------------------------
    # Public API (the engine does the work, see models/dunning_engine.py)
    # ------------------------------------------------------------------

    def _check_launch_access(self):
        """Raise ``AccessError`` unless the current user may launch reminders of these strategies.

        Runs and their lines are created and processed by the engine as superuser (nobody has the
        right to write them): this is the right checked before. Invoice dunning needs the dunning
        user group; other kinds of documents add their own rule.
        """
        if not self or self.env.su or self.env.user.has_group("dunning_strategy.group_dunning_user"):
            return
        raise AccessError(self.env._("You are not allowed to launch reminders: ask a credit controller."))

    def _invoice_filter_domain(self):
        """The invoice filter of this strategy as a domain on ``account.move`` ([] when empty).

        :raise ValidationError: when the text is not a domain
        """
        self.ensure_one()
        if not self.invoice_domain:
            return []
        context = {
            "datetime": datetime,
            "time": time,
            "relativedelta": relativedelta,
            "context_today": lambda: fields.Date.context_today(self),
        }
        try:
            domain = safe_eval(self.invoice_domain, context)
        except Exception as error:  # any syntax error of the text: a message, not a traceback
            raise ValidationError(
                self.env._(
                    "The invoice filter of %(strategy)s is not valid: %(error)s", strategy=self.name, error=error
                )
            ) from error
        if not isinstance(domain, list | tuple):
            raise ValidationError(
                self.env._("The invoice filter of %(strategy)s must be a list of conditions.", strategy=self.name)
            )
        return list(domain)

    def _dunning_kind(self):
        """The kind of document this strategy reminds (``dunning.document.kind``): invoices here;
        an addon that adds a kind (quotations) returns its own for its strategies."""
        self.ensure_one()
        return self.env["dunning.kind.invoice"]

    @api.model
    def _invoice_strategy_domain(self):
        """Domain of the strategies that remind invoices: all of them here; an addon that adds
        another kind of document (quotations) narrows it to the invoice kind."""
        return []

    def _compute_candidates(self, date, step=None):
        """Customers this strategy would remind at ``date``, without creating anything.

        :param date: run date (``datetime.date``)
        :param step: optional ``dunning.strategy.step`` restricting the run to that step
        :return: list of plain dicts, one per line the run would get (see
            ``dunning.engine._group_candidates``). Same code path as ``_create_run``.
        """
        self.ensure_one()
        return self.env["dunning.engine"]._compute_candidates(self, date, step)

    def _create_run(self, date, mode="manual", step=None, candidates=None):
        """Create a draft ``dunning.run`` of this strategy at ``date`` with one line per customer.

        :param mode: ``'manual'`` or ``'automatic'``
        :param candidates: result of ``_compute_candidates`` when the caller already has it
        :return: the draft run; it sends nothing until ``run.action_process()``.
        """
        self.ensure_one()
        return self.env["dunning.engine"]._create_run(self, date, mode, step=step, candidates=candidates)

    # ------------------------------------------------------------------
    # Cron
    # ------------------------------------------------------------------

    @api.model
    def _cron_run_dunning(self):
        """Entry point of the scheduled action ``dunning_strategy.ir_cron_dunning_run``.

        Creates today's run of every automatic strategy (at most one per strategy and day),
        then processes every unfinished run in committed batches, resuming where a
        previous call stopped. A line done is never redone.
        """
        return self.env["dunning.engine"]._cron_run()

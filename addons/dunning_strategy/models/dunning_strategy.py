import itertools

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError


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
        help="Run this strategy every day with the scheduled action 'Dunning: daily run'.",
    )
    step_ids = fields.One2many("dunning.strategy.step", "strategy_id", string="Steps", copy=True)
    step_count = fields.Integer(compute="_compute_step_count")
    min_amount = fields.Monetary(
        string="Minimum Amount",
        currency_field="currency_id",
        tracking=True,
        help="A customer whose total residual of the reminded invoices is below this amount is not reminded.",
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
    run_ids = fields.One2many("dunning.run", "strategy_id", string="Runs")
    execution_report = fields.Boolean(
        string="Execution Report",
        help="After each automatic run, email a summary (counts, failures with their reason, link to the run) "
        "to the users to notify.",
    )
    report_user_ids = fields.Many2many(
        "res.users",
        "dunning_strategy_report_user_rel",
        "strategy_id",
        "user_id",
        string="Users to Notify",
        domain="[('share', '=', False)]",
        help="Users receiving the execution report of the automatic runs of this strategy.",
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

    def write(self, vals):
        res = super().write(vals)
        # Record rules are checked on the values before a write: re-check them on the values
        # after it, so that a user allowed to edit some strategies (a sales manager and his
        # quotation strategies) cannot turn one into a strategy he may not edit.
        self.check_access("write")
        return res

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

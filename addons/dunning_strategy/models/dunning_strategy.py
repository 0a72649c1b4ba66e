import itertools

from odoo import api, fields, models
from odoo.exceptions import ValidationError


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
    run_count = fields.Integer(compute="_compute_run_count")

    _sql_constraints = [
        ("min_amount_positive", "CHECK(min_amount >= 0)", "The minimum amount cannot be negative."),
    ]

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

    def action_view_runs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("dunning_strategy.action_dunning_run")
        action["domain"] = [("strategy_id", "=", self.id)]
        action["context"] = {"default_strategy_id": self.id}
        return action

    # ------------------------------------------------------------------
    # Public API (the engine does the work, see models/dunning_engine.py)
    # ------------------------------------------------------------------

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

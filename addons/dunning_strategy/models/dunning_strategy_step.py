from odoo import api, fields, models
from odoo.exceptions import ValidationError

# Ten years: beyond, a step means nothing for a reminder, and dates computed from it (due date
# plus days, last reminder plus interval) overflow Python's and PostgreSQL's date ranges.
MAX_STEP_DAYS = 3650


class DunningStrategyStep(models.Model):
    """One level of a strategy: when it is due, and what it does (email, activity, letter)."""

    _name = "dunning.strategy.step"
    _description = "Dunning Strategy Step"
    _order = "strategy_id, sequence, id"
    _check_company_auto = True

    strategy_id = fields.Many2one("dunning.strategy", string="Strategy", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="strategy_id.company_id", store=True, index=True)
    strategy_late_fees = fields.Boolean(related="strategy_id.late_fees", string="Strategy Claims Late Fees")
    sequence = fields.Integer(default=10)
    level = fields.Integer(
        compute="_compute_level",
        store=True,
        help="Position of the step in its strategy, 1 for the first one.",
    )
    name = fields.Char(required=True, translate=True)
    days = fields.Integer(
        string="Days From Due Date",
        default=0,
        help="When the step is due, in days after the invoice's due date: 7 is a week late; a negative number "
        "reminds before the due date (-3: three days before).",
    )
    min_interval_days = fields.Integer(
        default=0,
        string="Minimum Interval (days)",
        help="Leave at least this many days after the previous reminder of the same invoice, even if this "
        "step is already due.",
    )
    repeat_days = fields.Integer(
        default=0,
        string="Repeat Every (days)",
        help="For the last step: remind again every so many days until the invoice is paid. 0: only once.",
    )
    marker_id = fields.Many2one(
        "dunning.marker",
        string="Marker",
        check_company=True,
        help="Coloured label shown on the customer and its invoices once they reached this step.",
    )
    marker_color = fields.Integer(related="marker_id.color", string="Marker Colour")  # dunning_marker_badge
    # email channel
    send_email = fields.Boolean(string="Send Email")
    mail_template_id = fields.Many2one(
        "mail.template",
        string="Email Template",
        domain="[('model', '=', 'dunning.run.line')]",
        help="The email sent to the customer. It can list the customer's overdue invoices with what is left "
        "to pay on each.",
    )
    # activity channel
    schedule_activity = fields.Boolean(string="Schedule Activity")
    activity_type_id = fields.Many2one(
        "mail.activity.type", string="Activity Type", help="What to do, for example a phone call."
    )
    activity_summary = fields.Char(
        string="Activity Summary",
        translate=True,
        help="Short text shown on the activity, for example 'Call about the invoices'.",
    )
    activity_user = fields.Selection(
        [
            ("salesperson", "Salesperson of the customer"),
            ("responsible", "Responsible of the strategy"),
            ("user", "Specific user"),
        ],
        string="Assign To",
        default="salesperson",
        required=True,
        help="Who gets the activity: the customer's salesperson, the person responsible for the strategy, or "
        "always the same person.",
    )
    activity_user_id = fields.Many2one(
        "res.users", string="Activity User", check_company=True, domain="[('share', '=', False)]"
    )
    # letter channel (the letter itself is built by the letters feature)
    print_letter = fields.Boolean(string="Print Letter")
    letter_template_id = fields.Many2one(
        "dunning.letter.template",
        string="Letter Template",
        check_company=True,
        default=lambda self: self.env.ref("dunning_strategy.dunning_letter_template_default", raise_if_not_found=False),
        help="Letter printed for each customer (and put in the dossier of a hand-over).",
    )
    # documents attached to the email and the letter
    attach_invoices = fields.Boolean(
        string="Attach Invoices",
        help="Attach the PDF of each overdue invoice to the email, and print it after the letter.",
    )
    attach_statement = fields.Boolean(
        string="Attach Statement",
        help="Attach a statement of account (open items, residuals, total) to the email and the letter.",
    )
    # escalation
    handover_partner_id = fields.Many2one(
        "res.partner",
        string="Hand Over To",
        check_company=True,
        help="A collection agency or a colleague who receives, once per invoice, a file with the letter, the "
        "statement of account and the invoices. Those invoices then leave the automatic reminders.",
    )
    handover_template_id = fields.Many2one(
        "mail.template",
        string="Hand-over Email",
        domain="[('model', '=', 'dunning.run.line')]",
        default=lambda self: self.env.ref("dunning_strategy.mail_template_dunning_handover", raise_if_not_found=False),
        help="The email that sends that file to the person above.",
    )
    # promises to pay
    broken_promise_step_id = fields.Many2one(
        "dunning.strategy.step",
        string="After a Broken Promise, Go To",
        check_company=True,
        copy=False,  # a copied strategy points its copy at its own step (dunning.strategy.copy)
        domain="[('strategy_id', '=', strategy_id), ('id', '!=', id)]",
        help="When a customer breaks a promise to pay invoices at this step, their next reminder goes straight "
        "to that step (never a lower one).",
    )
    # French late fees
    create_fee_invoice = fields.Boolean(
        string="Invoice Late Fees",
        help="Also prepare a draft invoice of the late fees (interest and the fixed indemnity) to the customer, "
        "once per late invoice. Businesses only, never individuals.",
    )

    # Python constraints only: a failed SQL constraint reaches RPC clients untranslated.
    @api.constrains("days", "repeat_days", "min_interval_days")
    def _check_intervals(self):
        for step in self:
            if step.repeat_days < 0 or step.min_interval_days < 0:
                raise ValidationError(
                    self.env._("The intervals of the step %(step)s cannot be negative.", step=step.name)
                )
            if abs(step.days) > MAX_STEP_DAYS:
                raise ValidationError(
                    self.env._(
                        "The step %(step)s is due %(days)s days from the due date: give a number of days "
                        "between -%(max)s and %(max)s (ten years).",
                        step=step.name,
                        days=step.days,
                        max=MAX_STEP_DAYS,
                    )
                )
            if max(step.repeat_days, step.min_interval_days) > MAX_STEP_DAYS:
                raise ValidationError(
                    self.env._(
                        "The intervals of the step %(step)s cannot exceed %(max)s days (ten years).",
                        step=step.name,
                        max=MAX_STEP_DAYS,
                    )
                )

    @api.constrains("send_email", "mail_template_id", "schedule_activity", "activity_type_id", "activity_user")
    def _check_channels(self):
        for step in self:
            if step.send_email and not step.mail_template_id:
                raise ValidationError(
                    self.env._("The step %(step)s sends an email: choose its template.", step=step.name)
                )
            if step.mail_template_id and step.mail_template_id.model != "dunning.run.line":
                raise ValidationError(
                    self.env._(
                        "The template of the step %(step)s must apply to the model 'Dunning Run Line'.",
                        step=step.name,
                    )
                )
            if step.schedule_activity and not step.activity_type_id:
                raise ValidationError(
                    self.env._("The step %(step)s schedules an activity: choose its type.", step=step.name)
                )
            if step.schedule_activity and step.activity_user == "user" and not step.activity_user_id:
                raise ValidationError(
                    self.env._("The step %(step)s assigns its activity to a user: choose the user.", step=step.name)
                )

    @api.constrains("broken_promise_step_id", "strategy_id")
    def _check_broken_promise_step(self):
        for step in self:
            target = step.broken_promise_step_id
            if target and (target.strategy_id != step.strategy_id or target == step):
                raise ValidationError(
                    self.env._(
                        "After a broken promise, the step %(step)s can only go to another step of its strategy.",
                        step=step.name,
                    )
                )

    @api.constrains("print_letter", "letter_template_id", "handover_partner_id", "handover_template_id")
    def _check_letter_options(self):
        for step in self:
            if (step.print_letter or step.handover_partner_id) and not step.letter_template_id:
                raise ValidationError(
                    self.env._("The step %(step)s prints a letter: choose its letter template.", step=step.name)
                )
            if step.handover_partner_id and not step.handover_template_id:
                raise ValidationError(
                    self.env._("The step %(step)s hands invoices over: choose the email to send.", step=step.name)
                )

    @api.depends("sequence", "strategy_id.step_ids.sequence")
    def _compute_level(self):
        todo = self
        for strategy in self.strategy_id:
            ordered = strategy.step_ids.sorted(lambda s: (s.sequence, s._origin.id or 0))
            for level, step in enumerate(ordered, 1):
                if step in todo:
                    step.level = level
            todo -= ordered
        todo.level = 0

    def write(self, vals):
        res = super().write(vals)
        # Record rules are checked on the values before a write: re-check them after it, so that
        # a step cannot be moved into a strategy its writer may not edit (see dunning.strategy).
        self.check_access("write")
        return res

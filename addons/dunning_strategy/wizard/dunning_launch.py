import base64
from contextlib import closing

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

PREVIEW_FIELDS = (
    "preview_partner_id",
    "preview_email_to",
    "preview_subject",
    "preview_body",
    "preview_letter",
    "preview_letter_name",
    "preview_note",
)


class DunningLaunch(models.TransientModel):
    """Manual launch of a strategy: who the run would remind, adjusted by hand, then launched.

    The list comes from ``dunning.engine._compute_candidates`` (the cron's code path); a
    customer added by hand is reminded at its next step, even when nothing is due yet, and its
    run line records it (``manual``).
    """

    _name = "dunning.launch"
    _description = "Launch Reminders"
    _check_company_auto = True

    strategy_id = fields.Many2one(
        "dunning.strategy",
        string="Strategy",
        required=True,
        default=lambda self: self._default_strategy_id(),
        domain="[('company_id', 'in', allowed_company_ids)]",
    )
    company_id = fields.Many2one(related="strategy_id.company_id", store=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    step_id = fields.Many2one(
        "dunning.strategy.step",
        string="Step",
        check_company=True,
        domain="[('strategy_id', '=', strategy_id)]",
        help="Only the customers due for this step. Empty: every customer due, at its highest due step.",
    )
    date = fields.Date(required=True, default=fields.Date.context_today)
    line_ids = fields.One2many(
        "dunning.launch.line",
        "launch_id",
        string="Customers",
        compute="_compute_line_ids",
        store=True,
        readonly=False,
    )
    no_email_line_ids = fields.One2many(
        "dunning.launch.line",
        string="Customers Without Email",
        compute="_compute_no_email_line_ids",
        help="Customers reminded by email who have no usable email address: their email will fail.",
    )
    line_count = fields.Integer(string="Customer Count", compute="_compute_totals")
    amount_residual = fields.Monetary(string="Total Due", compute="_compute_totals", currency_field="currency_id")
    warning = fields.Char(compute="_compute_line_ids", store=True, help="Why the run cannot be launched as it is.")
    # preview of the reminder of the customer whose eye is on (nothing is sent)
    preview_partner_id = fields.Many2one(
        "res.partner", string="Previewed Customer", compute="_compute_preview", store=True, readonly=True
    )
    preview_email_to = fields.Char(string="To", compute="_compute_preview", store=True, readonly=True)
    preview_subject = fields.Char(string="Subject", compute="_compute_preview", store=True, readonly=True)
    preview_body = fields.Html(string="Email", compute="_compute_preview", store=True, readonly=True)
    preview_letter = fields.Binary(
        string="Letter", compute="_compute_preview", store=True, readonly=True, attachment=False
    )
    preview_letter_name = fields.Char(compute="_compute_preview", store=True, readonly=True)
    preview_note = fields.Char(compute="_compute_preview", store=True, readonly=True)

    @api.model
    def _default_strategy_id(self):
        company = self.env.company
        return company.dunning_strategy_id or self.env["dunning.strategy"].search(
            [("company_id", "=", company.id)], limit=1
        )

    @api.depends("strategy_id", "step_id", "date")
    def _compute_line_ids(self):
        for wizard in self:
            manual_partners = wizard.line_ids.filtered("manual").partner_id
            commands = [Command.clear()]
            wizard.warning = False
            if wizard.strategy_id and wizard.date:
                try:
                    candidates = wizard.strategy_id._compute_candidates(wizard.date, wizard.step_id or None)
                except UserError as error:
                    wizard.warning = error.args[0]
                    candidates = []
                commands += [Command.create(wizard._prepare_line_vals(candidate)) for candidate in candidates]
                listed = {candidate["partner_id"] for candidate in candidates}
                # customers added by hand stay in the list when the strategy, step or date change
                commands += [
                    Command.create({"partner_id": partner.id, "manual": True})
                    for partner in manual_partners
                    if partner.id not in listed
                ]
            wizard.line_ids = commands

    @api.depends("strategy_id", "step_id", "date")
    def _compute_preview(self):
        """A change of strategy, step or date rebuilds the list: the preview, which showed
        another reminder, is cleared with a note. The preview itself is rendered by the
        Preview buttons, never in an onchange (its throw-away run is rolled back, which would
        drop the unsaved lines of the form)."""
        for wizard in self:
            had_preview = bool(wizard.preview_partner_id)
            values = dict.fromkeys(PREVIEW_FIELDS, False)
            if had_preview:
                values["preview_note"] = self.env._(
                    "The strategy, step or date changed: the preview was cleared. Click the eye of a customer, "
                    "then Preview."
                )
            wizard.update(values)

    @api.depends("line_ids.email_issue")
    def _compute_no_email_line_ids(self):
        for wizard in self:
            wizard.no_email_line_ids = wizard.line_ids.filtered("email_issue")

    @api.depends("line_ids.amount_residual")
    def _compute_totals(self):
        for wizard in self:
            wizard.line_count = len(wizard.line_ids)
            wizard.amount_residual = sum(wizard.line_ids.mapped("amount_residual"))

    @api.model
    def _prepare_line_vals(self, candidate):
        """Values of the wizard line of a candidate of ``dunning.engine._group_candidates``."""
        return {
            "partner_id": candidate["partner_id"],
            "manual": candidate.get("manual", False),
            "step_id": candidate["step_id"],
            "move_ids": [Command.set(candidate["move_ids"])],
            "due_move_ids": [Command.set(candidate["due_move_ids"])],
            "amount_residual": candidate["amount_residual"],
        }

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_launch(self):
        """Create the run of the listed customers, send its reminders, and open it."""
        self.ensure_one()
        # the strategy first (archived, other company...), then the list
        self.env["dunning.engine"]._check_run_request(self.strategy_id, self.date, self.step_id or None)
        candidates = self._get_candidates()
        run = self.strategy_id._create_run(self.date, "manual", step=self.step_id or None, candidates=candidates)
        run.action_process()
        return run._get_form_action()

    def action_preview(self):
        """Preview the reminder of the customer whose eye was clicked in the list (the last one
        when several are on), else of the customer previewed last, else of the first listed."""
        self.ensure_one()
        chosen = self.line_ids.filtered(lambda line: line.preview and line.partner_id)
        line = (
            chosen.filtered(lambda line: line.partner_id != self.preview_partner_id)[:1]
            or chosen[:1]
            or self.line_ids.filtered(lambda line: line.partner_id == self.preview_partner_id)[:1]
            or self.line_ids[:1]
        )
        if not line:
            raise UserError(self.env._("There is no customer to preview: add one to the list first."))
        return self._action_preview_line(line)

    def _action_preview_line(self, line):
        """Render the email (and the letter, when the step prints one) of ``line``'s customer
        at the top of the wizard, without sending or storing anything; its eye stays on."""
        self.ensure_one()
        candidate = self._get_candidates(line)[0]
        preview = self._render_preview(candidate)
        self.write(preview)
        (self.line_ids - line).preview = False
        line.preview = True
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Launch Reminders"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "context": dict(self.env.context),
        }

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _get_candidates(self, lines=None):
        """The listed customers (or ``lines``) as candidates of ``dunning.engine._create_run``.

        Refuses, with a message saying what to fix, an empty list, a customer listed twice,
        and a customer with nothing to remind or excluded from dunning.
        """
        self.ensure_one()
        lines = self.line_ids if lines is None else lines
        if not lines:
            raise UserError(self.env._("Select at least one customer to remind."))
        engine = self.env["dunning.engine"].with_company(self.company_id)
        # what the engine would remind now: the invoices and amounts shown in the list are not
        # trusted (a client can send any), each line is rebuilt from the database
        selected = {
            candidate["partner_id"]: candidate
            for candidate in (
                self.strategy_id._compute_candidates(self.date, self.step_id or None)
                if lines.filtered(lambda line: not line.manual)
                else []
            )
        }
        seen = set()
        candidates = []
        for line in lines:
            partner = line.partner_id
            if partner in seen:
                raise UserError(self.env._("The customer %(customer)s is listed twice.", customer=partner.display_name))
            seen.add(partner)
            if line.manual:
                candidate = engine.env["dunning.kind.invoice"]._prepare_manual_candidate(
                    self.strategy_id, partner, self.date
                )
            else:
                candidate = selected.get(partner.commercial_partner_id.id) or {"move_ids": [], "step_id": False}
            if not candidate["move_ids"] or not candidate["step_id"]:
                raise UserError(
                    self.env._(
                        "The customer %(customer)s has no open invoice to remind: remove it from the list.",
                        customer=partner.display_name,
                    )
                )
            if not partner.commercial_partner_id.dunning_enabled:
                raise UserError(
                    self.env._(
                        "The customer %(customer)s is not included in dunning: tick 'Included in Dunning' on the "
                        "customer or remove it from the list.",
                        customer=partner.display_name,
                    )
                )
            candidates.append(candidate)
        return candidates

    def _render_preview(self, candidate):
        """Values of the preview fields for one candidate.

        The run line the templates are rendered on is created in a savepoint rolled back
        right after rendering: nothing is sent, posted or kept, and the engine's own
        rendering (recipient, template, letter renderer) is used.
        """
        engine = self.env["dunning.engine"].with_company(self.company_id)
        engine._check_run_request(self.strategy_id, self.date, self.step_id or None)
        step = self.env["dunning.strategy.step"].browse(candidate["step_id"])
        partner = self.env["res.partner"].browse(candidate["partner_id"])
        values = {
            "preview_partner_id": partner.id,
            "preview_email_to": False,
            "preview_subject": False,
            "preview_body": False,
            "preview_letter": False,
            "preview_letter_name": False,
        }
        notes = []
        with closing(self.env.cr.savepoint()):
            # runs and lines are engine-owned (nobody may create them): the throw-away line is
            # created as superuser, after _check_run_request checked the user's right to launch
            # this strategy, then read and rendered as the user
            run = (
                self.env["dunning.run"]
                .sudo()
                .create(
                    {
                        **engine._prepare_run_vals(self.strategy_id, self.date, "manual", self.step_id or None),
                        "name": self.env._("Preview"),
                    }
                )
            )
            line = self.env["dunning.run.line"].sudo().create(engine._prepare_run_line_vals(run, candidate))
            recipient = engine._get_recipients(line)[line]
            line.recipient_id = recipient
            line = line.with_env(self.env)
            if step.send_email and step.mail_template_id:
                rendered = step.mail_template_id._generate_template(line.ids, ("subject", "body_html"))[line.id]
                values.update(
                    preview_email_to=recipient.email_formatted or recipient.display_name,
                    preview_subject=rendered.get("subject") or step.name,
                    preview_body=rendered.get("body_html") or "",
                )
                reason = engine._check_email_address(recipient)
                if reason:
                    notes.append(self.env._("This email cannot be sent: %(reason)s.", reason=reason))
            else:
                notes.append(self.env._("The step %(step)s sends no email.", step=step.name))
            if step.print_letter:
                letter = None
                try:
                    letter = engine._preview_letter(line)
                    if not letter:
                        notes.append(self.env._("The letter of this step cannot be previewed here."))
                except UserError as error:
                    notes.append(self.env._("The letter cannot be previewed: %(reason)s", reason=error.args[0]))
                if letter:
                    pdf, file_name = letter
                    values.update(preview_letter=base64.b64encode(pdf), preview_letter_name=file_name)
        values["preview_note"] = " ".join(notes) or False
        return values


class DunningLaunchLine(models.TransientModel):
    """One customer of the launch wizard, with what its run line would contain."""

    _name = "dunning.launch.line"
    _description = "Customer to Remind"

    launch_id = fields.Many2one("dunning.launch", required=True, ondelete="cascade", index=True)
    currency_id = fields.Many2one(related="launch_id.currency_id")
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        domain="[('parent_id', '=', False)]",
    )
    manual = fields.Boolean(
        string="Added by Hand",
        default=True,
        help="Added by hand: reminded at its next step, even if not due yet.",
    )
    step_id = fields.Many2one(
        "dunning.strategy.step", string="Step", compute="_compute_candidate", store=True, readonly=False
    )
    move_ids = fields.Many2many(
        "account.move",
        "dunning_launch_line_account_move_rel",
        "line_id",
        "move_id",
        string="Invoices",
        compute="_compute_candidate",
        store=True,
        readonly=False,
    )
    due_move_ids = fields.Many2many(
        "account.move",
        "dunning_launch_line_due_move_rel",
        "line_id",
        "move_id",
        string="Invoices Climbing a Step",
        compute="_compute_candidate",
        store=True,
        readonly=False,
    )
    amount_residual = fields.Monetary(
        string="Amount Due", currency_field="currency_id", compute="_compute_candidate", store=True, readonly=False
    )
    invoice_count = fields.Integer(string="Invoices Count", compute="_compute_invoice_count")
    last_reminder_date = fields.Date(string="Last Reminder", compute="_compute_invoice_count")
    days_late = fields.Integer(
        string="Days Late",
        compute="_compute_invoice_count",
        help="Days since the due date of the customer's oldest listed invoice, at the run date (negative: not due yet).",
    )
    channels = fields.Char(
        compute="_compute_channels", help="What the reminder of this customer's step does: email, activity, letter."
    )
    preview = fields.Boolean(
        help="The customer whose reminder the Preview button shows at the top of the wizard (nothing is sent)."
    )
    email = fields.Char(compute="_compute_email")
    email_issue = fields.Char(string="Email Problem", compute="_compute_email")

    @api.depends("partner_id", "manual", "launch_id.strategy_id", "launch_id.date")
    def _compute_candidate(self):
        """Lines added by hand get their customer's next step and open invoices; lines listed
        by the engine keep what the engine gave them."""
        engine = self.env["dunning.engine"]
        for line in self:
            strategy = line.launch_id.strategy_id
            if not line.manual or not line.partner_id or not strategy:
                line.step_id = line.step_id
                line.move_ids = line.move_ids
                line.due_move_ids = line.due_move_ids
                line.amount_residual = line.amount_residual
                continue
            candidate = (
                engine.env["dunning.kind.invoice"]
                .with_company(strategy.company_id)
                ._prepare_manual_candidate(strategy, line.partner_id, line.launch_id.date)
            )
            line.step_id = candidate["step_id"]
            line.move_ids = candidate["move_ids"]
            line.due_move_ids = candidate["due_move_ids"]
            line.amount_residual = candidate["amount_residual"]

    @api.depends("move_ids", "launch_id.date")
    def _compute_invoice_count(self):
        for line in self:
            line.invoice_count = len(line.move_ids)
            line.last_reminder_date = max(line.move_ids.filtered("dunning_date").mapped("dunning_date"), default=False)
            oldest_due = min(line.move_ids.filtered("invoice_date_due").mapped("invoice_date_due"), default=False)
            run_date = line.launch_id.date
            line.days_late = (run_date - oldest_due).days if oldest_due and run_date else 0

    @api.depends("step_id")
    def _compute_channels(self):
        for line in self:
            step = line.step_id
            labels = [
                label
                for used, label in (
                    (step.send_email, self.env._("Email")),
                    (step.schedule_activity, step.activity_type_id.name or self.env._("Activity")),
                    (step.print_letter, self.env._("Letter")),
                    (step.handover_partner_id, self.env._("Hand-over")),
                )
                if used
            ]
            line.channels = ", ".join(labels)

    @api.depends("partner_id", "partner_id.email", "partner_id.dunning_contact_id", "step_id")
    def _compute_email(self):
        """The address the reminder goes to (same rule as the engine) and, when the step sends
        email, why that address cannot receive it."""
        engine = self.env["dunning.engine"]
        with_partner = self.filtered("partner_id")
        # the wizard launches invoice runs: the invoice kind's rule, on the wizard's lines
        recipients = self.env["dunning.kind.invoice"]._get_recipients(with_partner) if with_partner else {}
        for line in self:
            recipient = recipients.get(line)
            line.email = recipient.email if recipient else False
            line.email_issue = (
                engine._check_email_address(recipient) if recipient and line.step_id.send_email else False
            )

    def action_preview(self):
        """Preview the reminder of this customer at the top of the wizard (nothing is sent)."""
        self.ensure_one()
        return self.launch_id._action_preview_line(self)

    def action_open_partner(self):
        """Open the customer's form, e.g. to fix the email address its reminder would fail on."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.partner_id.display_name,
            "res_model": "res.partner",
            "res_id": self.partner_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
        }

from odoo import Command, api, fields, models
from odoo.exceptions import UserError


class DunningRun(models.Model):
    """One execution of a strategy at a date (a "lot de relance"): one line per customer."""

    _name = "dunning.run"
    _description = "Dunning Run"
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, readonly=True, copy=False, default="/")
    strategy_id = fields.Many2one(
        "dunning.strategy",
        string="Strategy",
        required=True,
        index=True,
        check_company=True,
        ondelete="restrict",
    )
    company_id = fields.Many2one(related="strategy_id.company_id", store=True, index=True, precompute=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    step_id = fields.Many2one(
        "dunning.strategy.step",
        string="Only Step",
        check_company=True,
        domain="[('strategy_id', '=', strategy_id)]",
        help="Restrict the run to the customers due for this step.",
    )
    date = fields.Date(required=True, default=fields.Date.context_today, index=True)
    mode = fields.Selection(
        [("manual", "Manual"), ("automatic", "Automatic")], required=True, default="manual", readonly=True
    )
    state = fields.Selection(
        [("draft", "Draft"), ("running", "Running"), ("done", "Done")],
        required=True,
        default="draft",
        readonly=True,
        copy=False,
        index=True,
    )
    user_id = fields.Many2one("res.users", string="Launched By", default=lambda self: self.env.user, readonly=True)
    line_ids = fields.One2many("dunning.run.line", "run_id", string="Lines", readonly=True)
    line_count = fields.Integer(string="Customers", compute="_compute_counts")
    pending_count = fields.Integer(string="Pending", compute="_compute_counts")
    done_count = fields.Integer(string="Reminded", compute="_compute_counts")
    failed_count = fields.Integer(string="Failed", compute="_compute_counts")
    skipped_count = fields.Integer(string="Skipped", compute="_compute_counts")
    progress = fields.Float(compute="_compute_counts", help="Share of the lines already processed, in percent.")
    amount_residual = fields.Monetary(
        string="Amount Reminded",
        compute="_compute_counts",
        currency_field="currency_id",
        help="What the customers actually reminded owed: the lines done only (not the failed, skipped or pending ones).",
    )
    letters_attachment_id = fields.Many2one(
        "ir.attachment",
        string="Letters Attachment",
        readonly=True,
        copy=False,
        ondelete="set null",
        help="Every letter of the run in one PDF, ready to print, each followed by the documents its step attaches.",
    )
    end_error = fields.Text(
        string="Ending Error",
        readonly=True,
        copy=False,
        help="Why merging the letters or sending the execution report failed when the run ended. "
        "Its reminders were processed; the letters of its batches stay attached to the run.",
    )
    # read as the user (not as superuser, the default of related fields): the attachment's
    # access follows the run's record rules
    letters_pdf = fields.Binary(related="letters_attachment_id.datas", string="Letters to Print", compute_sudo=False)
    letters_file_name = fields.Char(
        related="letters_attachment_id.name", string="Letters File Name", compute_sudo=False
    )

    @api.depends("line_ids.state", "line_ids.amount_residual")
    def _compute_counts(self):
        counts = {
            (run.id, state): (count, amount)
            for run, state, count, amount in self.env["dunning.run.line"]._read_group(
                [("run_id", "in", self.ids)], ["run_id", "state"], ["__count", "amount_residual:sum"]
            )
        }
        for run in self:
            by_state = {
                state: counts.get((run.id, state), (0, 0.0)) for state in ("pending", "done", "failed", "skipped")
            }
            run.pending_count = by_state["pending"][0]
            run.done_count = by_state["done"][0]
            run.failed_count = by_state["failed"][0]
            run.skipped_count = by_state["skipped"][0]
            run.line_count = sum(count for count, _amount in by_state.values())
            run.progress = 100.0 * (run.line_count - run.pending_count) / run.line_count if run.line_count else 0.0
            # only what was sent counts as reminded
            run.amount_residual = by_state["done"][1]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("dunning.run") or "/"
        return super().create(vals_list)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_processed(self):
        if any(run.state != "draft" for run in self):
            raise UserError(self.env._("Only draft runs can be deleted: processed reminders are history."))

    def action_process(self):
        """Send the reminders of the pending lines of these runs (synchronously, no commit).

        Each customer's channels (email, activity, letter) run once; a line done is never
        redone, so calling this twice sends nothing twice.
        """
        if any(run.state == "done" for run in self):
            raise UserError(self.env._("This run is already done."))
        self._dunning_engine()._process_runs(self)
        return True

    def action_view_lines(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("dunning_strategy.action_dunning_run_line")
        action["domain"] = [("run_id", "=", self.id)]
        action["context"] = {"search_default_group_by_state": 1}
        return action

    def action_retry_failed(self):
        """Process the failed lines of these runs again, e.g. after fixing an email address.

        The failed lines go back to pending and through the whole flow (refresh, checks,
        channels): a line whose invoices were paid or reminded meanwhile is skipped, and a
        line done is never redone.
        """
        engine = self._dunning_engine()  # the user's right first, before telling him anything
        failed = self.line_ids.filtered(lambda line: line.state == "failed")
        if not failed:
            raise UserError(self.env._("There is no failed line to retry."))
        failed = failed.sudo()
        failed.write({"state": "pending", "error": False, "processed_date": False})
        failed.run_id.filtered(lambda run: run.state == "done").state = "running"
        engine._process_runs(failed.run_id)
        return True

    def _dunning_engine(self):
        """The engine, as superuser, once the user's right to process these runs was checked.

        Runs and lines are engine-owned: no user may write them, so the engine processes them
        as superuser. The caller must be able to read the runs (record rules: company, kind of
        document) and their strategies (a strategy shared with chosen users only), and to launch
        them.
        """
        self.check_access("read")
        self.strategy_id.check_access("read")
        self.strategy_id._check_launch_access()
        return self.env["dunning.engine"].sudo()

    def _get_form_action(self):
        """Window action opening this run's form."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("dunning_strategy.action_dunning_run")
        action.update({"res_id": self.id, "view_mode": "form", "views": [(False, "form")]})
        return action

    def _send_execution_report(self):
        """Email the summary of these runs (counts, failures with their reason, link) to the
        users chosen on their strategy, each in their language. Only for strategies with the
        execution report on, after their automatic runs, and after their manual ones (Run Now, the
        launch wizard) when they ask for it; queued, never sent inside the run."""
        template = self.env.ref("dunning_strategy.mail_template_execution_report", raise_if_not_found=False)
        if not template:
            return
        for run in self:
            strategy = run.strategy_id
            if not strategy.execution_report or not strategy.report_user_ids:
                continue
            if run.mode != "automatic" and not strategy.report_manual_runs:
                continue
            users_by_lang = strategy.report_user_ids.grouped(lambda user: user.lang or False)
            for lang, users in users_by_lang.items():
                template.with_context(lang=lang).send_mail(
                    run.id,
                    email_values={"recipient_ids": [Command.link(partner.id) for partner in users.partner_id]},
                )

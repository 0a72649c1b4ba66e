"""Quotation follow-ups on the dunning flow.

The engine's flow stays the same (select, group, create lines, process batches, channels,
finalize); each step dispatches on the strategy's ``scope`` or on the line's ``sale_order_id``:

1. ``_select_candidates``    quotation strategies: ``_select_quotation_candidates``, one SQL query
                             over the open quotations, days counted from the expiration date.
2. ``_group_candidates``     one candidate per quotation (never aggregated per customer).
3. ``_prepare_run_line_vals`` the line carries the quotation, its channels, note and next date.
4. ``_refresh_lines`` /      quotations are locked and re-checked (still sent, not followed up
   ``_check_lines``          yet at that date), the recipient is chosen (follow-up contact, else
                             customer) and lines without a usable address fail with the reason.
5. channels                  email posted in the quotation's chatter; the letter (letter +
                             quotation, built with the batch's documents, see ``dunning.document``)
                             logged in the quotation's chatter; step activities on the quotation.
6. ``_finalize_lines``       the quotation records its step, date and next date, and gets an
                             activity at the next date.

Invoice lines go through the engine's own methods untouched.
"""

from datetime import timedelta

from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_amount, format_date


class DunningEngine(models.AbstractModel):
    _inherit = "dunning.engine"

    # ------------------------------------------------------------------
    # 1. Select
    # ------------------------------------------------------------------

    @api.model
    def _select_candidates(self, strategy, date, step=None):
        if strategy.scope == "quotation":
            return self._select_quotation_candidates(strategy, date, step)
        return super()._select_candidates(strategy, date, step)

    @api.model
    def _select_quotation_candidates(self, strategy, date, step=None):
        """Return, as plain dicts, the quotations a run of ``strategy`` at ``date`` follows up.

        One row per quotation: ``sale_order_id``, ``partner_id`` (commercial partner),
        ``amount_residual`` (its total in company currency) and ``step_id``/``step_level``, the
        step due. Never writes anything.

        Why SQL: same reason as the invoice selection, it runs over every open quotation of the
        company; one query keeps it a single pass.

        A quotation is selected when it is open (state 'sent' and not lost: no expiration date, or
        one at most ``dunning_quotation_lost_days`` old), of an active (not archived) customer, of
        the strategy's company, uses this
        strategy (its own, else the company's default quotation strategy), is not excluded from
        automatic follow-ups, was not followed up on or after ``date``, its next follow-up date (if
        any) is reached, it is not waiting in a pending line, its total reaches ``min_amount``, and
        a step is due. Days count from the expiration date, else from the quotation date (UTC).

        The step due is the highest step above the quotation's current level whose days are
        reached (a quotation sent late goes straight to the step of today, it does not get a
        "before expiry" follow-up after expiry), respecting its ``min_interval_days``; once the
        last step is reached, it repeats every ``repeat_days`` when set.
        """
        strategy.ensure_one()
        company = strategy.company_id
        self.env.flush_all()
        step_filter = SQL("AND step.id = %s", step.id) if step else SQL()
        query = SQL(
            """
            WITH steps AS (%(steps)s),
            open_quotations AS (
                SELECT quotation.id, partner.commercial_partner_id,
                       COALESCE(quotation.validity_date, quotation.date_order::date) AS reference_date,
                       quotation.dunning_date,
                       quotation.amount_total / COALESCE(NULLIF(quotation.currency_rate, 0), 1) AS amount,
                       COALESCE(current_step.level, 0) AS current_level
                  FROM sale_order quotation
                  JOIN res_partner partner ON partner.id = quotation.partner_id
                  JOIN res_partner customer ON customer.id = partner.commercial_partner_id
                  JOIN res_company company ON company.id = quotation.company_id
             LEFT JOIN dunning_strategy_step current_step
                        ON current_step.id = quotation.dunning_step_id
                       AND current_step.strategy_id = %(strategy_id)s
                 WHERE quotation.company_id = %(company_id)s
                   AND quotation.state = 'sent'
                   AND (quotation.validity_date IS NULL
                        OR quotation.validity_date >= %(date)s - COALESCE(company.dunning_quotation_lost_days, 0))
                   AND quotation.dunning_excluded IS NOT TRUE
                   AND customer.active
                   AND COALESCE(quotation.dunning_strategy_id, company.dunning_quotation_strategy_id) = %(strategy_id)s
                   AND (quotation.dunning_date IS NULL OR quotation.dunning_date < %(date)s)
                   AND (quotation.dunning_next_date IS NULL OR quotation.dunning_next_date <= %(date)s)
                   AND quotation.amount_total / COALESCE(NULLIF(quotation.currency_rate, 0), 1) >= %(min_amount)s
                   AND NOT EXISTS (
                        SELECT 1
                          FROM dunning_run_line pending_line
                         WHERE pending_line.sale_order_id = quotation.id
                           AND pending_line.state = 'pending'
                   )
            )
            SELECT quotation.id AS sale_order_id,
                   quotation.commercial_partner_id AS partner_id,
                   quotation.amount AS amount_residual,
                   due_step.id AS step_id,
                   due_step.level AS step_level
              FROM open_quotations quotation
              JOIN LATERAL (
                    SELECT step.id, step.level
                      FROM steps step
                     WHERE (
                            (step.level > quotation.current_level
                             AND %(date)s - quotation.reference_date >= step.days
                             AND (quotation.dunning_date IS NULL
                                  OR quotation.dunning_date + step.min_interval_days <= %(date)s))
                         OR (step.is_last
                             AND quotation.current_level >= step.level
                             AND step.repeat_days > 0
                             AND quotation.dunning_date + step.repeat_days <= %(date)s)
                       )
                       %(step_filter)s
                  ORDER BY step.level DESC
                     LIMIT 1
              ) due_step ON TRUE
          ORDER BY quotation.id
            """,
            strategy_id=strategy.id,
            steps=self._steps_sql(strategy),
            company_id=company.id,
            date=date,
            step_filter=step_filter,
            min_amount=strategy.min_amount or 0.0,
        )
        return self.env.execute_query_dict(query)

    # ------------------------------------------------------------------
    # 2. Group: one follow-up per quotation
    # ------------------------------------------------------------------

    @api.model
    def _group_candidates(self, strategy, rows):
        if strategy.scope != "quotation":
            return super()._group_candidates(strategy, rows)
        currency = strategy.company_id.currency_id
        return [
            {
                "sale_order_id": row["sale_order_id"],
                "partner_id": row["partner_id"],
                "step_id": row["step_id"],
                "level": row["step_level"],
                "move_ids": [],
                "due_move_ids": [],
                "amount_residual": currency.round(row["amount_residual"] or 0.0),
                # automatic follow-ups go by email only, as in Dolibarr
                "followup_by_email": True,
                "followup_by_letter": False,
            }
            for row in rows
        ]

    @api.model
    def _check_candidates(self, strategy, candidates):
        """Quotation candidates given by a caller (the follow-up wizards): each a sent quotation
        of the strategy's company that the caller may edit, at a step of the strategy; the
        customer and amount are taken from the quotation."""
        if strategy.scope != "quotation":
            return super()._check_candidates(strategy, candidates)
        checked = []
        for candidate in candidates:
            order = self.env["sale.order"].browse(candidate.get("sale_order_id")).exists()
            # the caller follows up the quotations they may edit, like the follow-up wizard
            if order:
                order.check_access("write")
            if not order or order.company_id != strategy.company_id or order.state != "sent":
                raise UserError(
                    self.env._(
                        "Only sent quotations of %(company)s can be followed up.", company=strategy.company_id.name
                    )
                )
            if candidate["step_id"] not in strategy.step_ids.ids:
                raise UserError(
                    self.env._(
                        "The template of %(quotation)s does not belong to the strategy %(strategy)s.",
                        quotation=order.name,
                        strategy=strategy.name,
                    )
                )
            checked.append(
                dict(
                    candidate,
                    partner_id=order.partner_id.commercial_partner_id.id,
                    move_ids=[],
                    due_move_ids=[],
                    amount_residual=None,  # the quotation's total, see _prepare_run_line_vals
                )
            )
        # once a day by email: see dunning_engine_manual.py
        self._check_quotation_duplicates(checked)
        return checked

    # ------------------------------------------------------------------
    # 3. Lines
    # ------------------------------------------------------------------

    @api.model
    def _prepare_run_line_vals(self, run, candidate):
        """Quotation candidates (``sale_order_id`` set) may also carry ``followup_by_email``,
        ``followup_by_letter``, ``note``, ``next_date`` (default: see ``_quotation_next_date``) and
        the email text edited in a wizard, ``email_subject`` and ``email_body``."""
        if not candidate.get("sale_order_id"):
            return super()._prepare_run_line_vals(run, candidate)
        order = self.env["sale.order"].browse(candidate["sale_order_id"])
        step = self.env["dunning.strategy.step"].browse(candidate["step_id"])
        amount = candidate.get("amount_residual")
        if amount is None:
            amount = order.currency_id._convert(order.amount_total, run.currency_id, run.company_id, run.date)
        return {
            "run_id": run.id,
            "partner_id": candidate.get("partner_id") or order.partner_id.commercial_partner_id.id,
            "sale_order_id": order.id,
            "step_id": step.id,
            "amount_residual": amount,
            "followup_by_email": candidate.get("followup_by_email", True),
            "followup_by_letter": candidate.get("followup_by_letter", False),
            "note": candidate.get("note") or False,
            "next_date": candidate.get("next_date") or self._quotation_next_date(order, step, run.date),
            **self._quotation_edited_email_vals(candidate),
        }

    @api.model
    def _quotation_next_date(self, order, step, date):
        """Next follow-up date after following ``order`` up at ``step`` on ``date``: the date the
        next step is due, else the repeat interval of the last step, else the company's delay."""
        next_step = step._quotation_next_step()
        if next_step:
            return max(
                order._dunning_reference_date() + timedelta(days=next_step.days),
                date + timedelta(days=max(next_step.min_interval_days, 1)),
            )
        if step.repeat_days:
            return date + timedelta(days=step.repeat_days)
        return order._dunning_default_next_date(date)

    # ------------------------------------------------------------------
    # 4. Refresh and check before sending
    # ------------------------------------------------------------------

    @api.model
    def _refresh_lines(self, lines):
        quotation_lines = lines.filtered("sale_order_id")
        invoice_lines = lines - quotation_lines
        to_remind = super()._refresh_lines(invoice_lines) if invoice_lines else invoice_lines
        return to_remind | self._refresh_quotation_lines(quotation_lines)

    @api.model
    def _refresh_quotation_lines(self, lines):
        """Lock the quotations of the lines, re-read them and skip the lines that no longer hold.

        The lock makes a second worker or a manual follow-up of the same quotation wait, then see
        it followed up: an automatic follow-up is never sent twice, and no quotation gets two
        follow-up emails the same day (a failed line retried after another follow-up went out).

        :return: the lines still to follow up
        """
        if not lines:
            return lines
        orders = lines.sale_order_id
        self.env.execute_query(
            SQL(
                "SELECT id FROM sale_order WHERE id = ANY(%s) ORDER BY id FOR UPDATE",
                orders.ids,
                to_flush=self.env["sale.order"]._fields["dunning_date"],
            )
        )
        orders.invalidate_recordset(["state", "dunning_date", "dunning_excluded"])
        emailed = self._lines_emailed_today(lines)
        skipped = {
            line: reason
            for line in lines
            if (
                reason := self._quotation_foreign_reason(line)
                or self._quotation_skip_reason(line)
                or (line in emailed and self.env._("already followed up by email today"))
            )
        }
        return lines - self._close_lines("skipped", skipped)

    @api.model
    def _quotation_foreign_reason(self, line):
        """The engine follows up nothing but a quotation of the line's customer and company."""
        order = line.sale_order_id
        if order.company_id != line.company_id or order.partner_id.commercial_partner_id != line.partner_id:
            return self.env._("quotation of another customer or company")
        return None

    @api.model
    def _quotation_skip_reason(self, line):
        """Why a quotation must not be followed up any more, or None. A follow-up by hand only
        needs the quotation to be still sent; an automatic one also respects the exclusion flag
        and never follows up twice at the same date."""
        order = line.sale_order_id
        if order.state == "sale":
            return self.env._("quotation confirmed")
        if order.state == "cancel":
            return self.env._("quotation cancelled")
        if order.state != "sent":
            return self.env._("quotation not sent")
        if line.run_id.mode == "automatic":
            if order.dunning_excluded:
                return self.env._("quotation excluded from automatic follow-ups")
            if order.dunning_date and order.dunning_date >= line.run_id.date:
                return self.env._("already followed up")
        return None

    @api.model
    def _check_lines(self, lines):
        quotation_lines = lines.filtered("sale_order_id")
        invoice_lines = lines - quotation_lines
        checked = super()._check_lines(invoice_lines) if invoice_lines else invoice_lines
        return checked | self._check_quotation_lines(quotation_lines)

    @api.model
    def _check_quotation_lines(self, lines):
        """Set the recipient of each quotation line and fail the lines that cannot be sent.

        The recipient is the quotation's follow-up contact, else its customer, else the customer's
        company (the first with an email, see ``sale.order._dunning_recipient``). An email alone
        without a usable address fails with the reason, and the letter is suggested; with a letter
        too, the letter goes alone. A letter needs a postal address.

        :return: the lines that can be processed
        """
        failed = {}
        for line in lines:
            recipient = line.sale_order_id._dunning_recipient()
            if line.recipient_id != recipient:
                line.recipient_id = recipient
            reason = None
            if not line.followup_by_email and not line.followup_by_letter:
                reason = self.env._("neither email nor letter chosen")
            elif line.followup_by_email and not line.followup_by_letter:
                reason = self._quotation_email_error(line.sale_order_id, recipient)
            elif line.followup_by_letter and not self.env["dunning.document"]._letter_address_partner(line):
                reason = self.env._(
                    "no postal address for the letter (%(partner)s has no city)", partner=recipient.display_name
                )
            if reason:
                failed[line] = reason
        return lines - self._close_lines("failed", failed)

    @api.model
    def _quotation_email_error(self, order, recipient):
        """The clear reason why the follow-up of ``order`` cannot go by email, or None."""
        reason = self._check_email_address(recipient)
        if not reason:
            return None
        return self.env._(
            "%(reason)s for %(contact)s: add an email address to the follow-up contact or the customer of "
            "%(quotation)s, or follow it up by letter instead.",
            reason=reason,
            contact=recipient.display_name,
            quotation=order.name,
        )

    # ------------------------------------------------------------------
    # 5. Channels
    # ------------------------------------------------------------------

    @api.model
    def _send_email(self, lines):
        quotation_lines = lines.filtered("sale_order_id")
        res = super()._send_email(lines - quotation_lines)
        self._send_quotation_email(quotation_lines)
        return res

    @api.model
    def _send_quotation_email(self, lines):
        """Email channel of quotations: render each template on many lines at once, replace the
        Dolibarr placeholders (or take the text edited in the wizard), post the results in the quotations' chatter at once (queued for the
        mail cron), with the quotation's own PDF files when the company asks for them."""
        lines = lines.filtered(
            lambda line: (
                line.followup_by_email
                and line.step_id.mail_template_id
                and not self._check_email_address(line.recipient_id)
            )
        )
        posts = []
        for template, template_lines in lines.grouped(lambda line: line.step_id.mail_template_id).items():
            rendered = template._generate_template(template_lines.ids, self._email_render_fields())
            for line in template_lines:
                values = dict(rendered[line.id])
                values["subject"], values["body_html"] = self._quotation_email_text(line, values)
                post_values = self._prepare_email_post_values(line, template, values)
                if line.company_id.dunning_quotation_attach_files:
                    own_files = line.sale_order_id._dunning_pdf_attachments()
                    post_values["attachment_ids"] = list(post_values.get("attachment_ids") or []) + own_files.ids
                posts.append((line, line.sale_order_id, post_values))
        # to the recipient only, not to every follower of the quotation; the author stays the user
        self._post_emails(posts)

    @api.model
    def _schedule_activity(self, lines):
        quotation_lines = lines.filtered("sale_order_id")
        res = super()._schedule_activity(lines - quotation_lines)
        self._schedule_quotation_activity(quotation_lines)
        return res

    @api.model
    def _schedule_quotation_activity(self, lines):
        """Activity channel of quotation steps: the step's activity, on the quotation, assigned to
        its salesperson (for the 'Salesperson' rule) or by the step's rule."""
        lines = lines.filtered(lambda line: line.step_id.schedule_activity)
        if not lines:
            return
        model_id = self.env["ir.model"]._get_id("sale.order")
        vals_list = []
        for line in lines:
            vals = self._prepare_activity_vals(line, model_id)
            vals["res_id"] = line.sale_order_id.id
            vals["note"] = self.env._(
                "Follow-up %(step)s of quotation %(quotation)s",
                step=line.step_id.name,
                quotation=line.sale_order_id.name,
            )
            if line.step_id.activity_user == "salesperson" and line.sale_order_id.user_id:
                vals["user_id"] = line.sale_order_id.user_id.id
            vals_list.append(vals)
        activities = self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(vals_list)
        for line, activity in zip(lines, activities, strict=True):
            line.activity_id = activity

    @api.model
    def _print_letters(self, lines):
        quotation_lines = lines.filtered("sale_order_id")
        res = super()._print_letters(lines - quotation_lines)
        self._print_quotation_letters(quotation_lines)
        return res

    @api.model
    def _print_quotation_letters(self, lines):
        """Letter channel of quotations: the letters were printed with the batch's documents
        (letter followed by the quotation, see ``dunning.document``); each one is logged as a
        note in its quotation's chatter. The run's merged PDF is built when the run ends."""
        lines = lines.filtered(lambda line: line.followup_by_letter and line.letter_attachment_id)
        for line in lines:
            line.sale_order_id.sudo().message_post(
                body=self.env._(
                    "Follow-up letter printed (%(step)s), to send by post to %(contact)s.",
                    step=line.step_id.name,
                    contact=line.recipient_id.display_name,
                ),
                attachment_ids=line.letter_attachment_id.ids,
                author_id=self.env.user.partner_id.id,
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )

    @api.model
    def _quotation_placeholder_values(self, line):
        """Values of the Dolibarr placeholders for ``line``, formatted in the recipient's language."""
        order = line.sale_order_id
        recipient = line.recipient_id or order.partner_id
        customer = order.partner_id.commercial_partner_id
        lang = recipient.lang or order.partner_id.lang or self.env.lang
        env = self.env
        first_name = "" if recipient.is_company or not recipient.name else recipient.name.split()[0]
        return {
            "__REF_PROPAL__": order.name,
            "__DATE_PROPAL__": format_date(env, order.date_order, lang_code=lang) if order.date_order else "",
            "__TOTAL_TTC__": format_amount(env, order.amount_total, order.currency_id, lang_code=lang),
            "__TOTAL_HT__": format_amount(env, order.amount_untaxed, order.currency_id, lang_code=lang),
            "__DATE_VALIDITE__": format_date(env, order.validity_date, lang_code=lang) if order.validity_date else "",
            "__THIRDPARTY_NAME__": customer.name,
            "__THIRDPARTY_NAME_ALIAS__": customer.ref or customer.name,
            "__NAME__": recipient.name,
            "__FIRSTNAME__": first_name,
        }

    # ------------------------------------------------------------------
    # 6. After the channels
    # ------------------------------------------------------------------

    @api.model
    def _finalize_lines(self, lines):
        self._advance_quotations(lines.filtered("sale_order_id"))
        return super()._finalize_lines(lines)

    @api.model
    def _advance_quotations(self, lines):
        """Each quotation records its follow-up (step, date, next date) and gets the activity of
        its next follow-up, assigned to its salesperson."""
        for line in lines:
            order = line.sale_order_id.sudo().with_context(dunning_skip_activity_sync=True)
            order.write(
                {
                    "dunning_step_id": line.step_id.id,
                    "dunning_date": max(line.run_id.date, order.dunning_date or line.run_id.date),
                    "dunning_next_date": line.next_date,
                }
            )
            order._dunning_plan_activity(user=line.run_id.user_id)

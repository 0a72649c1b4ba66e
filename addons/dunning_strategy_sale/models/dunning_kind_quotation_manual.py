"""Quotation follow-ups by hand: one follow-up email a day per quotation, and the email shown
(and edited) before it is sent.

- ``_check_quotation_duplicates`` is called by ``_check_candidates``, the path every follow-up
  asked by a caller goes through (the two wizards, any RPC method that reaches the engine):
  a quotation listed twice, or that already got a follow-up email today, is refused before
  anything is created. ``_refresh_lines`` re-checks it under the quotation's lock,
  for lines processed later (a failed line retried after a new follow-up went out).
- ``_render_quotation_email`` renders the email a follow-up would send, for the wizards to
  show it; what the user edits there travels on the run line (``followup_subject``,
  ``followup_body``) and is sent instead of the template's text.
"""

from contextlib import closing
from datetime import datetime, time, timedelta

import pytz
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import html_sanitize

from ..tools.placeholders import replace_placeholders


class DunningKindQuotation(models.AbstractModel):
    _inherit = "dunning.kind.quotation"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # One follow-up email a day
    # ------------------------------------------------------------------

    @api.model
    def _company_day_bounds(self, company):
        """``(start, end)``, naive UTC datetimes: today in ``company``'s time zone, the day of
        ``_company_today``."""
        tz_name = company.partner_id.tz or self.env.context.get("tz") or self.env.user.tz or "UTC"
        tz = pytz.timezone(tz_name)
        today = self.env["dunning.engine"]._company_today(company)
        return tuple(
            tz.localize(datetime.combine(day, time.min)).astimezone(pytz.utc).replace(tzinfo=None)
            for day in (today, today + timedelta(days=1))
        )

    @api.model
    def _quotations_emailed_today(self, orders):
        """The quotations among ``orders`` that already got a follow-up email today in their
        company: a done run line that sent an email, of a run dated today or processed today (a
        run of yesterday finished after midnight), by hand or automatically. Reads only; returns
        them in the caller's environment."""
        emailed = self.env["sale.order"]
        for company, company_orders in orders.grouped("company_id").items():
            today = self.env["dunning.engine"]._company_today(company)
            start, end = self._company_day_bounds(company)
            # superuser: the follow-up may be another salesperson's line; it is only counted
            # here, to refuse a second email, never shown
            lines = (
                self.env["dunning.run.line"]
                .sudo()
                .search(
                    [
                        ("sale_order_id", "in", company_orders.ids),
                        ("state", "=", "done"),
                        ("followup_by_email", "=", True),
                        ("mail_message_id", "!=", False),
                        "|",
                        ("date", "=", today),
                        "&",
                        ("processed_date", ">=", start),
                        ("processed_date", "<", end),
                    ]
                )
            )
            emailed |= lines.sale_order_id
        return emailed.with_env(self.env)

    @api.model
    def _lines_emailed_today(self, lines):
        """The lines among ``lines`` (pending, about to be processed) that would send an email
        today to a quotation that already got one. Lines of a run dated ahead are not sent today
        (the automatic ones follow ``dunning_date``)."""
        lines = lines.filtered(
            lambda line: (
                line.followup_by_email and line.date <= self.env["dunning.engine"]._company_today(line.company_id)
            )
        )
        emailed = self._quotations_emailed_today(lines.sale_order_id)
        return lines.filtered(lambda line: line.sale_order_id in emailed)

    @api.model
    def _check_not_emailed_today(self, orders):
        """Raise a ``UserError`` naming the quotations among ``orders`` that already got a
        follow-up email today: the customer never gets the same email twice a day."""
        emailed = self._quotations_emailed_today(orders)
        if len(emailed) == 1:
            raise UserError(
                self.env._(
                    "The quotation %(quotation)s already got a follow-up email today: it is not sent a second "
                    "one the same day. Its follow-up history shows the email sent; follow it up again tomorrow, "
                    "or by letter.",
                    quotation=emailed.name,
                )
            )
        if emailed:
            raise UserError(
                self.env._(
                    "These quotations already got a follow-up email today, they are not sent a second one the "
                    "same day: %(quotations)s. Untick them, or follow them up by letter.",
                    quotations=", ".join(emailed.mapped("name")),
                )
            )

    @api.model
    def _check_quotation_duplicates(self, candidates):
        """Refuse ``candidates`` (checked quotation candidates) that list a quotation twice, or
        send an email to a quotation that already got one today. The caller's right to follow
        up each quotation was checked first (``_check_candidates``)."""
        order_ids = [candidate["sale_order_id"] for candidate in candidates]
        twice = self.env["sale.order"].browse({order_id for order_id in order_ids if order_ids.count(order_id) > 1})
        if twice:
            raise UserError(
                self.env._(
                    "A quotation is followed up once per run: %(quotations)s is listed twice.",
                    quotations=", ".join(twice.mapped("name")),
                )
            )
        by_email = self.env["sale.order"].browse(
            [candidate["sale_order_id"] for candidate in candidates if candidate.get("followup_by_email", True)]
        )
        self._check_not_emailed_today(by_email)

    # ------------------------------------------------------------------
    # The email shown before sending, and edited
    # ------------------------------------------------------------------

    @api.model
    def _quotation_edited_email_vals(self, candidate):
        """Run line values of the email text edited in a wizard (``email_subject``,
        ``email_body`` of ``candidate``), sent instead of the template's text; none for a
        follow-up without email.

        The lines are inserted in SQL (``dunning.run.line._create_bulk``): the body is sanitized here as the
        html field would be, and the subject kept on one line (an email header)."""
        body = candidate.get("email_body")
        if not (candidate.get("followup_by_email", True) and isinstance(body, str) and body.strip()):
            return {}
        subject = candidate.get("email_subject")
        return {
            "followup_subject": " ".join(subject.split()) if isinstance(subject, str) else False,
            "followup_body": str(html_sanitize(body, sanitize_style=True)),
        }

    @api.model
    def _quotation_template_text(self, line, values):
        """``(subject, body)`` of a template rendered on ``line`` (``values`` of
        ``mail.template._generate_template``), the Dolibarr placeholders replaced."""
        placeholders = self._quotation_placeholder_values(line)
        return (
            replace_placeholders(values.get("subject"), placeholders),
            Markup(replace_placeholders(values.get("body_html") or "", placeholders, True)),
        )

    @api.model
    def _quotation_email_text(self, line, values):
        """``(subject, body)`` the follow-up of ``line`` sends: the text edited in the wizard as it
        was written, else its template's."""
        subject, body = self._quotation_template_text(line, values)
        if line.followup_body:
            return line.followup_subject or subject, Markup(line.followup_body)
        return subject, body

    @api.model
    def _render_quotation_email(self, step, order):
        """``(subject, body)`` of the email a follow-up of ``order`` at ``step`` would send today,
        rendered in the recipient's language, placeholders replaced. Sends and keeps nothing.

        :raise UserError: (or ``AccessError``) when the user may not follow ``order`` up with
            ``step``'s strategy
        """
        strategy = step.strategy_id
        template = step.mail_template_id
        if not template or strategy.scope != "quotation":
            return False, False
        today = fields.Date.context_today(self)
        # rights first: the throw-away run and line below are created as superuser
        order.check_access("write")
        self.env["dunning.engine"]._check_run_request(strategy, today)
        if order.company_id != strategy.company_id:
            return False, False
        engine = self.env["dunning.engine"].sudo()
        try:
            with closing(self.env.cr.savepoint()):
                # runs and lines are engine-owned (nobody may create them): the preview line is
                # created as superuser, after the checks above, and rolled back with the savepoint
                run_vals = engine._prepare_run_vals(strategy, today, "manual")
                run = engine.env["dunning.run"].create({**run_vals, "name": self.env._("Preview")})
                candidate = {"sale_order_id": order.id, "step_id": step.id, "next_date": today}
                line = engine.env["dunning.run.line"].create(engine._prepare_run_line_vals(run, candidate))
                line.recipient_id = order.sudo()._dunning_recipient()
                rendered = template.sudo()._generate_template(line.ids, ("subject", "body_html"))[line.id]
                subject, body = self.sudo()._quotation_template_text(line, rendered)
                self.env.flush_all()
        finally:
            # the rows are gone: forget them
            self.env["dunning.run.line"].invalidate_model(flush=False)
            self.env["dunning.run"].invalidate_model(flush=False)
            order.invalidate_recordset(flush=False)
        return subject, body

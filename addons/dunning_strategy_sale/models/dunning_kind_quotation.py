"""Quotations, the kind of document of quotation strategies (see ``dunning.document.kind``):
selection, one follow-up per quotation, and the values of its line. Re-check, channels and
finalising: ``dunning_kind_quotation_process.py``; letters: ``dunning_kind_quotation_letter.py``;
follow-ups by hand: ``dunning_kind_quotation_manual.py``.
"""

from datetime import timedelta

from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import SQL


class DunningKindQuotation(models.AbstractModel):
    _name = "dunning.kind.quotation"
    _inherit = "dunning.document.kind"
    _description = "Dunning Kind: Quotations"

    # ------------------------------------------------------------------
    # Select
    # ------------------------------------------------------------------

    @api.model
    def _select_query(self, strategy, date, step=None):
        """The quotations a run of ``strategy`` at ``date`` follows up.

        One row per quotation: ``sale_order_id``, ``partner_id`` (commercial partner),
        ``amount_residual`` (its total in company currency) and ``step_id``/``step_level``, the
        step due (``_due_step_sql``).

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
        last step is reached, it repeats every ``repeat_days`` when set (``_due_step_sql``).
        """
        company = strategy.company_id
        return SQL(
            """
            WITH steps AS (%(steps)s),
            open_quotations AS (
                SELECT quotation.id, partner.commercial_partner_id,
                       COALESCE(quotation.validity_date, quotation.date_order::date) AS reference_date,
                       quotation.dunning_date,
                       quotation.amount_total / COALESCE(NULLIF(quotation.currency_rate, 0), 1) AS amount,
                       COALESCE(current_step.level, 0) AS current_level,
                       COALESCE(current_step.level, 0) + 1 AS climb_from
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
              JOIN LATERAL (%(due_step)s) due_step ON TRUE
          ORDER BY quotation.id
            """,
            strategy_id=strategy.id,
            steps=self._steps_sql(strategy),
            company_id=company.id,
            date=date,
            due_step=self._due_step_sql("quotation", date, step),
            min_amount=strategy.min_amount or 0.0,
        )

    @api.model
    def _group_candidates(self, strategy, rows):
        """One follow-up per quotation (never aggregated per customer)."""
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
        checked = []
        # one read and one access check for all the quotations, not one per candidate
        orders = self.env["sale.order"].browse({c["sale_order_id"] for c in candidates if c.get("sale_order_id")})
        orders = orders.exists()
        # the caller follows up the quotations they may edit, like the follow-up wizard
        orders.check_access("write")
        for candidate in candidates:
            order = orders.browse(candidate.get("sale_order_id")).with_prefetch(orders._prefetch_ids)
            if order and order not in orders:
                order = orders.browse()
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
        # once a day by email: see dunning_kind_quotation_manual.py
        self._check_quotation_duplicates(checked)
        return checked

    # ------------------------------------------------------------------
    # Lines
    # ------------------------------------------------------------------

    @api.model
    def _prepare_line_vals(self, run, candidate):
        """Quotation candidates carry ``sale_order_id`` and may also carry ``followup_by_email``,
        ``followup_by_letter``, ``note``, ``next_date`` (default: see ``_quotation_next_date``) and
        the email text edited in a wizard, ``email_subject`` and ``email_body``."""
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

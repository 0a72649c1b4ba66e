"""Demo data only: plays the reminder story of the demo customers that demo/dunning_demo.xml gives.

Kept out of models/dunning_strategy.py so that the production model holds no demo code; it is
a method of ``dunning.strategy`` because Odoo's ``<function>`` in demo XML calls model methods,
and it runs the story through the strategy's public entry points as the scheduled action would.
"""

import logging
from datetime import timedelta

from odoo import Command, fields, models

_logger = logging.getLogger(__name__)

DEMO_RUN_EVERY_DAYS = 5
DEMO_HISTORY_DAYS = 75


class DunningStrategy(models.Model):
    _inherit = "dunning.strategy"

    def _demo_build_story(self, invoices, excluded=()):
        """Demo data: the invoices of the demo customers, their payments and the reminder
        history of the last weeks, so that every step has customers.

        ``invoices`` is the story, given by demo/dunning_demo.xml: ``(customer, due date in days
        from today, amount, payment)`` where ``customer`` names ``demo_partner_<customer>`` and
        payment is an amount paid before the reminders, "paid" (settled before any reminder)
        or "later" (settled in full after the reminders, which stay in its history);
        ``excluded``: customers whose invoices are "do not remind automatically".

        Dates are relative to the installation day. The past runs are processed as the daily
        scheduled action would have done; today's reminders are left to the user or the cron.
        Does nothing (with a log line) when the company has no sales or bank journal.
        """
        self.ensure_one()
        if self.env["res.lang"]._lang_get("fr_FR") and self.env.lang != "fr_FR":
            # The story is French: what its runs write (activity notes, letters) too. Odoo loads
            # a module's translations after its demo data: load ours now, or the letters printed
            # by the story would be in English.
            self.env["ir.module.module"]._load_module_terms(["dunning_strategy"], ["fr_FR"])
            self.env.invalidate_all()
            return self.with_context(lang="fr_FR")._demo_build_story(invoices, excluded)
        company = self.company_id
        Move = self.env["account.move"].with_company(company)
        journal = self.env["account.journal"].search(
            [*self.env["account.journal"]._check_company_domain(company), ("type", "=", "sale")], limit=1
        )
        if not journal:
            _logger.info("Dunning demo story skipped: the company %s has no sales journal.", company.name)
            return
        french = self.env["res.lang"]._lang_get("fr_FR")
        today = fields.Date.context_today(self)
        customers = {key: self.env.ref(f"dunning_strategy.demo_partner_{key}") for key, *_rest in invoices}
        if french:
            self.env["res.partner"].concat(*customers.values()).child_ids.lang = "fr_FR"
            self.env["res.partner"].concat(*customers.values()).lang = "fr_FR"
        # The company's first bank account, in its order: an account created by demo data in this
        # same transaction may sit last in a cached list and not be the one Odoo would pick.
        bank_account = company.partner_id.bank_ids.sorted()[:1]
        moves = Move.create(
            [
                {
                    "move_type": "out_invoice",
                    "journal_id": journal.id,
                    "partner_id": customers[key].id,
                    "partner_bank_id": bank_account.id,
                    "invoice_date": today + timedelta(days=due_in - 30),
                    "invoice_date_due": today + timedelta(days=due_in),
                    "invoice_line_ids": [
                        Command.create(
                            {"name": "Prestations du mois", "quantity": 1, "price_unit": amount, "tax_ids": []}
                        )
                    ],
                }
                for key, due_in, amount, _payment in invoices
            ]
        )
        moves.action_post()
        moves.filtered(lambda m: m.partner_id in [customers[k] for k in excluded]).dunning_excluded = True
        paid_later = self.env["account.move"]
        for move, (_key, due_in, _amount, payment) in zip(moves, invoices, strict=True):
            if payment == "later":
                paid_later |= move
            elif payment:
                self._demo_register_payment(
                    move, None if payment == "paid" else payment, today + timedelta(days=due_in)
                )
        # the history: a run every few days, as the scheduled action would have done
        for days_ago in range(DEMO_HISTORY_DAYS, 0, -DEMO_RUN_EVERY_DAYS):
            run_date = today - timedelta(days=days_ago)
            candidates = self._compute_candidates(run_date)
            if candidates:
                self._create_run(run_date, "automatic", candidates=candidates).action_process()
        for move in paid_later:
            self._demo_register_payment(move, None, today - timedelta(days=1))

    def _demo_build_promises(self, promises, disputes):
        """Demo data: promises to pay and disputes on the invoices of the story.

        ``promises``: ``(customer, promised date in days from today, origin, note, paid)``; a
        paid promise gets its payment (and is kept by it), a date in the past breaks it as the
        daily check would. ``disputes``: ``(customer, reason)``, opened on the customer's open
        invoices, the demo user responsible."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        Promise = self.env["dunning.promise"]
        for key, days, origin, note, paid in promises:
            partner = self.env.ref(f"dunning_strategy.demo_partner_{key}")
            invoices = Promise._default_invoices(partner, self.company_id)
            if not invoices:
                continue
            promise = Promise.create(
                {
                    "partner_id": partner.id,
                    "company_id": self.company_id.id,
                    "invoice_ids": [Command.set(invoices.ids)],
                    "date": today + timedelta(days=days),
                    "origin": origin,
                    "note": note,
                }
            )
            if paid:
                for invoice in promise.invoice_ids:
                    self._demo_register_payment(invoice, None, today)
        Promise._dunning_break_overdue(today)
        responsible = self.env.ref("base.user_demo", raise_if_not_found=False) or self.env.user
        for key, reason in disputes:
            partner = self.env.ref(f"dunning_strategy.demo_partner_{key}")
            invoices = Promise._default_invoices(partner, self.company_id)
            invoices._dunning_open_dispute(reason, user=responsible)

    def _demo_register_payment(self, invoice, amount, payment_date):
        """Register a customer payment through the standard wizard (None: the full residual)."""
        vals = {"payment_date": payment_date}
        if amount:
            vals["amount"] = amount
        register = (
            self.env["account.payment.register"]
            .with_company(invoice.company_id)
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create(vals)
        )
        if not register.journal_id:
            _logger.info("Dunning demo story: no payment journal, %s stays unpaid.", invoice.name)
            return
        register._create_payments()

from datetime import date, timedelta

from odoo import Command
from odoo.addons.account.tests.common import AccountTestInvoicingCommon


class DunningCommon(AccountTestInvoicingCommon):
    """A company of its own, a four-step strategy and helpers to build invoices through the
    real flows (create, post, register payments)."""

    # run dates are explicit; this one is a Monday in the past
    run_date = date(2026, 3, 2)

    @classmethod
    def default_env_context(cls):
        # keep mail notifications on: reminders are emails posted in chatters
        return {"mail_create_nolog": True, "mail_create_nosubscribe": True, "no_reset_password": True}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.company.email = "accounting@company.example.com"
        cls.env.user.email = "accountant@company.example.com"
        cls.template = cls.env.ref("dunning_strategy.mail_template_dunning_reminder")
        cls.call_type = cls.env.ref("dunning_strategy.mail_activity_type_dunning_call")
        cls.markers = cls.env["dunning.marker"].create(
            [{"name": f"Marker {level}", "color": level, "sequence": level} for level in range(1, 5)]
        )
        cls.strategy = cls.env["dunning.strategy"].create(
            {
                "name": "Test strategy",
                "company_id": cls.company.id,
                "step_ids": [
                    Command.create(cls._step_vals(1, "Courtesy", -3)),
                    Command.create(cls._step_vals(2, "Reminder 1", 7)),
                    Command.create(
                        {
                            **cls._step_vals(3, "Reminder 2", 20),
                            "schedule_activity": True,
                            "activity_type_id": cls.call_type.id,
                            "activity_user": "salesperson",
                        }
                    ),
                    Command.create({**cls._step_vals(4, "Formal notice", 50), "repeat_days": 15}),
                ],
            }
        )
        cls.company.dunning_strategy_id = cls.strategy
        cls.step1, cls.step2, cls.step3, cls.step4 = cls.strategy.step_ids.sorted("level")

    @classmethod
    def _step_vals(cls, level, name, days):
        return {
            "name": name,
            "sequence": level * 10,
            "days": days,
            "send_email": True,
            "mail_template_id": cls.template.id,
            "marker_id": cls.markers[level - 1].id,
        }

    @classmethod
    def _create_customer(cls, name, **vals):
        return cls.env["res.partner"].create(
            {"name": name, "email": f"{name.lower().replace(' ', '.')}@customer.example.com", **vals}
        )

    @classmethod
    def _invoice_vals(cls, partner, due_date, amount=1000.0, company=None):
        return {
            "move_type": "out_invoice",
            "company_id": (company or cls.company).id,
            "partner_id": partner.id,
            "invoice_date": due_date - timedelta(days=30),
            "invoice_date_due": due_date,
            "invoice_line_ids": [
                Command.create(
                    {"name": "Consulting", "quantity": 1, "price_unit": amount, "tax_ids": [Command.clear()]}
                )
            ],
        }

    @classmethod
    def _create_invoices(cls, vals_list, post=True, company=None):
        moves = cls.env["account.move"].with_company(company or cls.company).create(vals_list)
        if post:
            moves.action_post()
        return moves

    @classmethod
    def _create_invoice(cls, partner, due_date, amount=1000.0, post=True, company=None):
        """A customer invoice due at ``due_date`` (no payment term: the due date is explicit)."""
        return cls._create_invoices([cls._invoice_vals(partner, due_date, amount, company)], post=post, company=company)

    @classmethod
    def _days_ago(cls, days, ref=None):
        return (ref or cls.run_date) - timedelta(days=days)

    def _pay(self, invoices, amount=None, payment_date=None):
        """Register a payment through the standard wizard; ``amount`` None pays in full."""
        vals = {"payment_date": payment_date or self.run_date}
        if amount is not None:
            vals["amount"] = amount
        wizard = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoices.ids)
            .create(vals)
        )
        return wizard._create_payments()

    def _run(self, run_date=None, strategy=None, step=None):
        """Create and process a manual run; return it."""
        run = (strategy or self.strategy)._create_run(run_date or self.run_date, "manual", step=step)
        run.action_process()
        return run

    def _messages_of(self, partner):
        """Reminder emails posted in the chatter of ``partner``."""
        return self.env["mail.message"].search(
            [("model", "=", "res.partner"), ("res_id", "=", partner.id), ("message_type", "=", "comment")]
        )

    def _mails_of(self, partner):
        return self.env["mail.mail"].search([("model", "=", "res.partner"), ("res_id", "=", partner.id)])

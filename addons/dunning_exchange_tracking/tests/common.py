from datetime import timedelta

from odoo import Command, fields
from odoo.addons.dunning_strategy.tests.common import DunningCommon
from odoo.tests import Form, new_test_user


class DunningCallCommon(DunningCommon):
    """A customer with two invoices 25 days late, reminded at the "Reminder 2" step, which
    schedules a dunning call for its salesperson, the credit controller."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env.user)
        cls.controller = cls._user(
            "call_controller", "account.group_account_invoice,exchange_tracking.group_exchange_create"
        )
        cls.customer = cls._create_customer("Call Customer", user_id=cls.controller.id, phone="+33 4 78 00 00 00")
        cls.invoices = cls._create_invoices(
            [cls._invoice_vals(cls.customer, cls.today - timedelta(days=25), amount) for amount in (1200.0, 800.0)]
        )
        # the first reminder ten days ago; the second one, today, schedules a call
        for run_date in (cls.today - timedelta(days=10), cls.today):
            run = cls.strategy._create_run(run_date, "manual")
            run.action_process()
        cls.line = run.line_ids.filtered(lambda line: line.partner_id == cls.customer)
        cls.activity = cls.line.activity_id

    @classmethod
    def _user(cls, login, groups):
        return new_test_user(
            cls.env,
            login=login,
            groups=groups,
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
            tz="Europe/Paris",
        )

    def _log_call(self, user, activity=None, **values):
        """What the web client does on "Mark Done": the server's action, the form, save."""
        activity = (activity or self.activity).with_user(user)
        action = activity.action_dunning_log_call()
        self.assertEqual(action["res_model"], "exchange.log")
        form = Form(self.env["exchange.log"].with_user(user).with_context(**action["context"]))
        form.description = "<p>Appel de relance</p>"
        for name, value in values.items():
            setattr(form, name, value)
        return form.save()

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .common import DunningCommon


@tagged("post_install", "-at_install")
class TestDunningEngineSecurity(DunningCommon):
    """What a user cannot do around the engine: read a statement without the right, create or
    steer runs and lines, smuggle invoices into a reminder, change who is reminded, see another
    company's markers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.billing_user = new_test_user(
            cls.env,
            login="sec_billing",
            groups="account.group_account_invoice,base.group_partner_manager",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
            email="sec.billing@company.example.com",
        )
        cls.employee = new_test_user(
            cls.env,
            login="sec_employee",
            groups="base.group_user,base.group_partner_manager",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
            email="sec.employee@company.example.com",
        )
        cls.customer = cls._create_customer("Secured Debtor")
        cls.other_customer = cls._create_customer("Other Debtor")
        cls.invoice = cls._create_invoice(cls.customer, cls._days_ago(10))
        cls.other_invoice = cls._create_invoice(cls.other_customer, cls._days_ago(30), amount=5000.0)

    # -- statement of account ----------------------------------------------------------------

    def _statement_html(self, user):
        report = self.env["ir.actions.report"].with_user(user)
        html, _kind = report._render_qweb_html("dunning_strategy.report_dunning_statement", self.customer.ids)
        return html.decode() if isinstance(html, bytes) else html

    def test_statement_refused_to_an_employee_without_dunning_rights(self):
        with self.assertRaises(AccessError):
            self._statement_html(self.employee)

    def test_statement_printed_by_a_credit_controller(self):
        self.assertIn(self.invoice.name, self._statement_html(self.billing_user))

    # -- runs and lines are engine-owned -----------------------------------------------------

    def test_runs_and_lines_cannot_be_created_or_written_by_users(self):
        run = self._run()
        self.assertEqual(set(run.line_ids.mapped("state")), {"done"})
        Run = self.env["dunning.run"].with_user(self.billing_user)
        with self.assertRaises(AccessError):
            Run.create({"strategy_id": self.strategy.id, "date": self.run_date, "mode": "automatic"})
        with self.assertRaises(AccessError):
            run.with_user(self.billing_user).write({"state": "draft"})
        with self.assertRaises(AccessError):
            run.line_ids.with_user(self.billing_user).write({"state": "pending", "move_ids": [Command.clear()]})
        with self.assertRaises(AccessError):
            self.env["dunning.run.line"].with_user(self.billing_user).create(
                {
                    "run_id": run.id,
                    "partner_id": self.customer.id,
                    "step_id": self.step4.id,
                    "due_move_ids": [Command.set(self.other_invoice.ids)],
                }
            )
        self.assertEqual(run.state, "done")
        self.assertEqual(run.line_ids.move_ids, self.invoice | self.other_invoice)

    def test_credit_controller_launches_and_retries_through_the_engine(self):
        self.customer.email = False
        run = self.strategy.with_user(self.billing_user)._create_run(self.run_date)
        run.action_process()
        line = run.line_ids.filtered(lambda line: line.partner_id == self.customer)
        self.assertEqual(line.state, "failed")
        self.customer.email = "fixed@customer.example.com"
        run.action_retry_failed()
        self.assertEqual(line.state, "done", line.error)

    def test_employee_cannot_process_a_run(self):
        run = self.strategy._create_run(self.run_date)
        with self.assertRaises(AccessError):
            run.with_user(self.employee).action_process()
        self.assertEqual(set(run.line_ids.mapped("state")), {"pending"})

    def test_forged_candidates_are_refused(self):
        engine = self.env["dunning.engine"].with_user(self.billing_user)
        forged = {
            "partner_id": self.customer.id,
            "step_id": self.step4.id,
            "level": 4,
            "move_ids": (self.invoice | self.other_invoice).ids,
            "due_move_ids": self.other_invoice.ids,
            "amount_residual": 1.0,
            "manual": True,
        }
        with self.assertRaises(UserError):
            engine._create_run(self.strategy, self.run_date, "manual", candidates=[forged])
        self.assertFalse(self.env["dunning.run"].search([("strategy_id", "=", self.strategy.id)]))

    def test_launch_wizard_rebuilds_each_line_from_the_database(self):
        wizard_form = Form(self.env["dunning.launch"].with_user(self.billing_user))
        wizard_form.strategy_id = self.strategy
        wizard_form.date = self.run_date
        wizard = wizard_form.save()
        line = wizard.line_ids.filtered(lambda line: line.partner_id == self.customer)
        # what a client could send for the line: another customer's invoice, any amount
        line.write(
            {
                "move_ids": [Command.set((self.invoice | self.other_invoice).ids)],
                "due_move_ids": [Command.set(self.other_invoice.ids)],
                "amount_residual": 1.0,
            }
        )
        wizard.line_ids = line
        wizard.action_launch()
        run_line = self.customer.dunning_line_ids
        self.assertEqual(run_line.move_ids, self.invoice)
        self.assertEqual(run_line.amount_residual, self.invoice.amount_residual)
        self.assertFalse(self.other_invoice.dunning_step_id, "the other customer's invoice did not climb")

    def test_engine_reminds_only_the_invoices_of_the_line_customer(self):
        run = self.strategy._create_run(self.run_date)
        line = run.line_ids.filtered(lambda line: line.partner_id == self.customer)
        # a line listing another customer's invoice, as a forged line would
        line.sudo().write({"due_move_ids": [Command.link(self.other_invoice.id)]})
        (run.line_ids - line).sudo().write({"state": "skipped"})
        run.action_process()
        self.assertEqual(line.state, "done", line.error)
        self.assertNotIn(self.other_invoice, line.move_ids | line.due_move_ids)
        self.assertFalse(self.other_invoice.dunning_step_id)
        self.assertEqual(self.invoice.dunning_step_id, self.step2)

    # -- who is reminded, and where ----------------------------------------------------------

    def test_dunning_settings_of_a_customer_need_dunning_rights(self):
        partner = self.customer.with_user(self.employee)
        accomplice = self.env["res.partner"].with_user(self.employee).create({"name": "Accomplice"})
        for vals in (
            {"dunning_enabled": False},
            {"dunning_strategy_id": False},
            {"dunning_contact_id": accomplice.id},
        ):
            with self.assertRaises(AccessError):
                partner.write(vals)
        self.assertTrue(self.customer.dunning_enabled)
        self.customer.with_user(self.billing_user).write({"dunning_enabled": False})
        self.assertFalse(self.customer.dunning_enabled)

    def test_customer_step_cannot_be_written(self):
        self._run()
        with self.assertRaises(AccessError):
            self.customer.with_user(self.employee).write({"dunning_step_by_company": {}})
        self.assertEqual(self.customer.dunning_step_id, self.step2)


@tagged("post_install", "-at_install")
class TestDunningMarkersPerCompany(DunningCommon):
    """A customer shared by two companies has a step and a marker in each, and a user sees
    those of his current company only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.setup_other_company(name="Dunning Company B")["company"]
        cls.user_b = new_test_user(
            cls.env,
            login="markers_user_b",
            groups="account.group_account_invoice",
            company_id=cls.company_b.id,
            company_ids=[cls.company_b.id],
        )
        cls.customer = cls._create_customer("Shared Customer")
        cls._create_invoice(cls.customer, cls._days_ago(25))

    def test_marker_of_company_a_is_not_seen_in_company_b(self):
        self._run()
        self.assertEqual(self.customer.dunning_step_id, self.step2)
        self.assertEqual(self.customer.dunning_marker_id, self.markers[1])
        customer_b = self.customer.with_user(self.user_b)
        self.assertFalse(customer_b.dunning_step_id)
        self.assertFalse(customer_b.dunning_marker_id)
        Partner_b = self.env["res.partner"].with_user(self.user_b)
        self.assertNotIn(self.customer, Partner_b.search([("dunning_marker_id", "=", self.markers[1].id)]))
        self.assertNotIn(self.customer, Partner_b.search([("dunning_step_id", "!=", False)]))
        self.assertIn(self.customer, Partner_b.search([("dunning_step_id", "=", False)]))
        Partner_a = self.env["res.partner"]
        self.assertIn(self.customer, Partner_a.search([("dunning_marker_id", "=", self.markers[1].id)]))
        self.assertIn(self.customer, Partner_a.search([("dunning_marker_id", "ilike", "Marker 2")]))
        self.assertNotIn(self.customer, Partner_a.search([("dunning_marker_id", "=", False)]))

    def test_each_company_has_its_own_step(self):
        self._run()
        strategy_b = self.env["dunning.strategy"].create(
            {
                "name": "Strategy B",
                "company_id": self.company_b.id,
                "step_ids": [Command.create({**self._step_vals(1, "B reminder", 5), "marker_id": self.markers[3].id})],
            }
        )
        self.company_b.dunning_strategy_id = strategy_b
        self._create_invoice(self.customer, self._days_ago(6), company=self.company_b)
        strategy_b.with_company(self.company_b)._create_run(self.run_date).action_process()
        self.assertEqual(self.customer.with_company(self.company_b).dunning_marker_id, self.markers[3])
        self.assertEqual(self.customer.with_company(self.company).dunning_marker_id, self.markers[1])
        self.assertEqual(self.customer.with_user(self.user_b).dunning_marker_id, self.markers[3])

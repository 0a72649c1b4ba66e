from odoo.modules.neutralize import get_neutralization_queries
from odoo.tests import Form, TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestDunningData(TransactionCase):
    """Rule 10: the call activity chains to a call back; a neutralized database stops dunning."""

    def test_reminder_call_suggests_a_call_back(self):
        call = self.env.ref("dunning_strategy.mail_activity_type_dunning_call")
        call_back = self.env.ref("dunning_strategy.mail_activity_type_dunning_call_back")
        self.assertEqual(call.category, "phonecall")
        self.assertEqual(call.chaining_type, "suggest")
        self.assertIn(call_back, call.suggested_next_type_ids)

    def test_neutralization_switches_automatic_dunning_off(self):
        strategy = self.env["dunning.strategy"].create({"name": "Automatic", "automatic": True})
        queries = list(get_neutralization_queries(["dunning_strategy"]))
        self.assertTrue(queries)
        self.env.flush_all()
        for query in queries:
            self.env.cr.execute(query)
        strategy.invalidate_recordset(["automatic"])
        self.assertFalse(strategy.automatic)
        self.assertFalse(self.env["dunning.strategy"].search_count([("automatic", "=", True)]))


@tagged("post_install", "-at_install")
class TestDunningViews(TransactionCase):
    """Rule 9: the screens exist and work through the web client's form logic."""

    def test_strategy_form_adds_steps_through_the_step_form(self):
        template = self.env.ref("dunning_strategy.mail_template_dunning_reminder")
        with Form(self.env["dunning.strategy"]) as strategy_form:
            strategy_form.name = "Form strategy"
            # the steps are added through the step form, in order (the list's handle reorders them)
            for name, days in (("Courtesy", -3), ("Reminder", 7)):
                with strategy_form.step_ids.new() as step_form:
                    step_form.name = name
                    step_form.days = days
                    step_form.send_email = True
                    step_form.mail_template_id = template
        strategy = strategy_form.record
        self.assertEqual(strategy.step_ids.mapped("level"), [1, 2])

    def test_customer_and_invoice_forms_show_dunning(self):
        partner_arch = self.env["res.partner"].get_view(self.env.ref("base.view_partner_form").id)["arch"]
        for field in ("dunning_strategy_id", "dunning_enabled", "dunning_marker_id", "dunning_line_count"):
            self.assertIn(f'name="{field}"', partner_arch)
        move_arch = self.env["account.move"].get_view(self.env.ref("account.view_move_form").id)["arch"]
        for field in ("dunning_excluded", "dunning_step_id", "dunning_line_ids"):
            self.assertIn(f'name="{field}"', move_arch)

    def test_menus_under_invoicing(self):
        root = self.env.ref("dunning_strategy.menu_dunning_root")
        self.assertEqual(root.parent_id, self.env.ref("account.menu_finance"))
        self.assertEqual(self.env.ref("dunning_strategy.menu_dunning_run").parent_id, root)
        config = self.env.ref("dunning_strategy.menu_dunning_config")
        self.assertEqual(config.parent_id, self.env.ref("account.menu_finance_configuration"))
        self.assertEqual(
            {str(menu.action) for menu in config.child_id},
            {
                str(self.env.ref("dunning_strategy.action_dunning_strategy")),
                str(self.env.ref("dunning_strategy.action_dunning_marker")),
                str(self.env.ref("dunning_strategy.action_dunning_letter_template")),
            },
        )
        for model in ("dunning.run", "dunning.run.line", "dunning.strategy", "dunning.marker"):
            views = self.env[model].get_views([(False, "list"), (False, "form"), (False, "search")])
            self.assertEqual(set(views["views"]), {"list", "form", "search"})

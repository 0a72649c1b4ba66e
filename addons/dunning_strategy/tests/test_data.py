from lxml import etree

from odoo.modules.module import get_manifest
from odoo.modules.neutralize import get_neutralization_queries
from odoo.tests import Form, TransactionCase, tagged
from odoo.tools.misc import file_path


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


@tagged("post_install", "-at_install")
class TestDunningReadyStrategy(TransactionCase):
    """A real install (not only the demo) comes with the French strategy "Relances clients" of
    the main company: five steps of rising tone, each with its French email."""

    STEPS = (
        ("step_courtesy", "mail_template_fr_courtesy", -3),
        ("step_reminder_1", "mail_template_fr_reminder_1", 7),
        ("step_reminder_2", "mail_template_fr_reminder_2", 20),
        ("step_reminder_3", "mail_template_fr_reminder_3", 35),
        ("step_formal_notice", "mail_template_fr_formal_notice", 50),
    )
    DATA_FILE = "data/dunning_strategy_fr_data.xml"

    def test_the_strategy_is_data_of_the_main_company_with_its_five_steps(self):
        strategy = self.env.ref("dunning_strategy.strategy_relances_clients")
        self.assertEqual(strategy.name, "Relances clients")
        self.assertEqual(strategy.company_id, self.env.ref("base.main_company"))
        steps = strategy.step_ids.sorted("level")
        self.assertEqual(steps.mapped("level"), [1, 2, 3, 4, 5])
        for step, (step_xmlid, template_xmlid, days) in zip(steps, self.STEPS, strict=True):
            self.assertEqual(step, self.env.ref(f"dunning_strategy.{step_xmlid}"))
            self.assertEqual(step.days, days)
            self.assertTrue(step.send_email)
            self.assertEqual(step.mail_template_id, self.env.ref(f"dunning_strategy.{template_xmlid}"))
            self.assertEqual(step.mail_template_id.model, "dunning.run.line")
            text = step.mail_template_id.body_html.striptags().strip()
            self.assertTrue(text.startswith("Ce message est un rappel automatique"), step_xmlid)
        self.assertEqual(len(set(steps.marker_id.mapped("color"))), 5, "one colour per marker")

    def test_the_records_come_from_a_data_file_not_the_demo(self):
        """Demo data cannot be left out of this database: read where each xmlid is declared."""
        manifest = get_manifest("dunning_strategy")
        self.assertIn(self.DATA_FILE, manifest["data"])
        self.assertNotIn(self.DATA_FILE, manifest["demo"])
        path = file_path(f"dunning_strategy/{self.DATA_FILE}")
        root = etree.parse(path).getroot()
        self.assertEqual(root.get("noupdate"), "1", "the company adapts it: an update keeps its changes")
        declared = {record.get("id") for record in root.iter("record")}
        xmlids = {"strategy_relances_clients", *(step for step, _template, _days in self.STEPS)}
        xmlids |= {template for _step, template, _days in self.STEPS}
        self.assertLessEqual(xmlids, declared)
        self.assertEqual(
            root.xpath("//record[@id='strategy_relances_clients']/field[@name='automatic']/@eval"), ["False"]
        )
        for demo_file in manifest["demo"]:
            demo_root = etree.parse(file_path(f"dunning_strategy/{demo_file}")).getroot()
            for record in demo_root.iter("record"):
                if record.get("id") in xmlids:
                    # the demo may adjust the ready strategy (automatic, minimum), never redeclare its steps
                    self.assertEqual(record.get("id"), "strategy_relances_clients")
                    self.assertFalse(record.xpath("field[@name='step_ids']"))
        for xmlid in xmlids:
            data = self.env["ir.model.data"].search([("module", "=", "dunning_strategy"), ("name", "=", xmlid)])
            self.assertTrue(data.noupdate, xmlid)

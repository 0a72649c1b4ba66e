from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import DunningCommon


@tagged("post_install", "-at_install")
class TestDunningMigration(DunningCommon):
    """Customers coming from another tool: their invoices carry the step already reached."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.first = cls._create_customer("Migrated First")
        cls.second = cls._create_customer("Migrated Second")
        cls.invoices = cls._create_invoices(
            [
                cls._invoice_vals(cls.first, cls._days_ago(25), 700.0),
                cls._invoice_vals(cls.first, cls._days_ago(22), 300.0),
                cls._invoice_vals(cls.second, cls._days_ago(24), 900.0),
            ]
        )

    def _set_step(self, moves, **vals):
        wizard = (
            moves.env["dunning.set.step"]
            .with_context(active_model="account.move", active_ids=moves.ids)
            .create({"strategy_id": self.strategy.id, **vals})
        )
        return wizard.action_apply()

    def test_set_step_mass_action(self):
        self._set_step(self.invoices, step_id=self.step2.id, date=self._days_ago(10))
        self.assertEqual(self.invoices.dunning_step_id, self.step2)
        self.assertEqual(set(self.invoices.mapped("dunning_date")), {self._days_ago(10)})
        self.assertEqual((self.first | self.second).dunning_marker_id, self.markers[1])
        # the next run goes on from there: step 3, not the courtesy email
        run = self._run()
        self.assertEqual(run.line_ids.partner_id, self.first | self.second)
        self.assertEqual(set(run.line_ids.step_id), {self.step3})
        self.assertEqual(self.invoices.dunning_step_id, self.step3)

    def test_set_step_can_reset_invoices(self):
        self._set_step(self.invoices, step_id=self.step3.id, date=self._days_ago(3))
        self._set_step(self.invoices[:2], step_id=False)
        self.assertFalse(self.invoices[:2].dunning_step_id)
        self.assertFalse(self.invoices[0].dunning_date)
        self.assertEqual(self.first.dunning_marker_id, self.env["dunning.marker"])
        self.assertEqual(self.second.dunning_marker_id, self.markers[2])

    def test_set_step_binding_on_invoices(self):
        action = self.env.ref("dunning_strategy.action_dunning_set_step")
        self.assertEqual(action.binding_model_id.model, "account.move")

    def test_set_step_refuses_bad_input(self):
        draft = self._create_invoice(self.first, self._days_ago(5), post=False)
        with self.assertRaisesRegex(UserError, "posted customer invoices"):
            self._set_step(draft, step_id=self.step1.id)
        with self.assertRaisesRegex(UserError, "future"):
            self._set_step(self.invoices, step_id=self.step1.id, date=self._days_ago(-400))
        other = self.setup_other_company()["company"]
        other_strategy = (
            self.env["dunning.strategy"]
            .sudo()
            .create(
                {"name": "Other", "company_id": other.id, "step_ids": [Command.create({"name": "Other", "days": 5})]}
            )
        )
        self.env.user.company_ids |= other
        with self.assertRaisesRegex(UserError, "belongs to the company"):
            self._set_step(
                self.invoices.with_context(allowed_company_ids=[self.company.id, other.id]),
                strategy_id=other_strategy.id,
                step_id=other_strategy.step_ids.id,
            )
        self.assertFalse(self.invoices.dunning_step_id, "nothing written after a refusal")

    def test_import_step_and_date_with_standard_import(self):
        """The columns of Odoo's import: database id of the invoice, step by name, date."""
        result = self.env["account.move"].load(
            [".id", "dunning_step_id", "dunning_date"],
            [
                [str(self.invoices[0].id), "Reminder 2", "2026-02-20"],
                [str(self.invoices[2].id), "Reminder 1", "2026-02-15"],
            ],
        )
        self.assertFalse(result["messages"], result["messages"])
        self.assertEqual(result["ids"], [self.invoices[0].id, self.invoices[2].id])
        self.assertEqual(
            (self.invoices[0].dunning_step_id, str(self.invoices[0].dunning_date)), (self.step3, "2026-02-20")
        )
        self.assertEqual(
            (self.invoices[2].dunning_step_id, str(self.invoices[2].dunning_date)), (self.step2, "2026-02-15")
        )
        self.assertEqual(self.first.dunning_marker_id, self.markers[2])
        self.assertEqual(self.invoices[0].dunning_step_date_due, self.invoices[0].invoice_date_due)

    def test_import_through_the_import_screen(self):
        """The same through the import screen's model, from a CSV file with the labels as headers."""
        csv = (
            "External ID,Dunning Step/External ID,Last Reminder\n"
            f"{self._xmlid(self.invoices[1])},{self._xmlid(self.step2)},2026-02-10\n"
        )
        importer = self.env["base_import.import"].create(
            {"res_model": "account.move", "file": csv.encode(), "file_type": "text/csv", "file_name": "steps.csv"}
        )
        options = {
            "import_skip_records": [],
            "import_set_empty_fields": [],
            "fallback_values": {},
            "name_create_enabled_fields": {},
            "encoding": "",
            "separator": ",",
            "quoting": '"',
            "date_format": "%Y-%m-%d",
            "datetime_format": "",
            "float_thousand_separator": ",",
            "float_decimal_separator": ".",
            "advanced": True,
            "has_headers": True,
            "keep_matches": False,
            "limit": 2000,
            "skip": 0,
        }
        preview = importer.parse_preview(options)
        self.assertFalse(preview.get("error"), preview)
        field_names = ["/".join(match) for match in preview["matches"].values()]
        self.assertEqual(field_names, ["id", "dunning_step_id/id", "dunning_date"], "columns recognised")
        result = importer.execute_import(field_names, preview["headers"], options)
        self.assertFalse(result["messages"], result["messages"])
        self.assertEqual(self.invoices[1].dunning_step_id, self.step2)
        self.assertEqual(str(self.invoices[1].dunning_date), "2026-02-10")

    def _xmlid(self, record):
        """The external id the export screen gives a record (created on the fly, as on export)."""
        return record.export_data(["id"])["datas"][0][0]

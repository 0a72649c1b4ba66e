from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestProjectExchanges(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create({"name": "Hôtel des Alpes", "is_company": True})
        cls.manager = new_test_user(
            cls.env,
            login="exc_project_user",
            groups="project.group_project_user,exchange_tracking.group_exchange_delete",
        )
        cls.project = cls.env["project.project"].create(
            {"name": "Rénovation de la salle", "partner_id": cls.customer.id, "privacy_visibility": "employees"}
        )

    def test_log_count_and_history_of_a_project(self):
        action = self.project.with_user(self.manager).action_log_exchange()
        self.assertEqual(action["context"]["default_partner_id"], self.customer.id)
        exchange = (
            self.env["exchange.log"]
            .with_user(self.manager)
            .with_context(**action["context"])
            .create({"description": "<p>Point de chantier</p>"})
        )
        self.assertEqual(exchange.res_reference, self.project)
        project = self.project.with_user(self.manager)
        self.assertEqual(project.exchange_count, 1)
        history = self.env["exchange.log"].with_user(self.manager).get_history("project.project", self.project.id)
        self.assertEqual([entry["id"] for entry in history["entries"] if entry["type"] == "exchange"], [exchange.id])

    def test_a_private_project_is_not_relatable_by_outsiders(self):
        private = self.env["project.project"].create({"name": "Projet confidentiel", "privacy_visibility": "followers"})
        with self.assertRaises(ValidationError):
            self.env["exchange.log"].with_user(self.manager).create(
                {"partner_id": self.customer.id, "res_model": "project.project", "res_id": private.id}
            )

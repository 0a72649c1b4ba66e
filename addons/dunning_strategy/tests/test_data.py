from odoo.modules.neutralize import get_neutralization_queries
from odoo.tests import TransactionCase, tagged


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

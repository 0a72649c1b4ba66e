from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import DunningCommon


@tagged("post_install", "-at_install")
class TestDunningSettings(DunningCommon):
    """The Dunning section of the Invoicing settings."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id |= cls.env.ref("base.group_system")
        cls.env.user.tz = "Europe/Paris"
        cls.cron = cls.env.ref("dunning_strategy.ir_cron_dunning_run")

    def _settings(self, **vals):
        settings = self.env["res.config.settings"].create(vals)
        settings.execute()
        return settings

    def test_settings_show_the_current_configuration(self):
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.dunning_strategy_id, self.strategy)
        self.assertEqual(settings.dunning_cron_active, self.cron.active)
        self.assertEqual(settings.dunning_batch_size, 100)

    def test_settings_write_the_strategy_the_batch_size_and_the_cron(self):
        other = self.strategy.copy({"name": "Other strategy"})
        self._settings(dunning_strategy_id=other.id, dunning_batch_size=25, dunning_cron_active=False)
        self.assertEqual(self.company.dunning_strategy_id, other)
        self.assertEqual(self.env["dunning.engine"]._get_batch_size(), 25)
        self.assertFalse(self.cron.active)
        self._settings(dunning_cron_active=True)
        self.assertTrue(self.cron.active)

    def test_bad_settings_are_refused(self):
        with self.assertRaisesRegex(ValidationError, "batch size"):
            self._settings(dunning_batch_size=0)

from datetime import datetime

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
        self.cron.sudo().nextcall = datetime(2026, 3, 3, 5, 0)  # 06:00 in Paris (winter)
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.dunning_strategy_id, self.strategy)
        self.assertEqual(settings.dunning_cron_active, self.cron.active)
        self.assertAlmostEqual(settings.dunning_cron_time, 6.0)
        self.assertEqual(settings.dunning_batch_size, 100)

    def test_settings_write_the_strategy_the_batch_size_and_the_cron(self):
        other = self.strategy.copy({"name": "Other strategy"})
        self._settings(
            dunning_strategy_id=other.id, dunning_batch_size=25, dunning_cron_active=False, dunning_cron_time=7.5
        )
        self.assertEqual(self.company.dunning_strategy_id, other)
        self.assertEqual(self.env["dunning.engine"]._get_batch_size(), 25)
        self.assertFalse(self.cron.active)
        local = self.env["res.config.settings"]._dunning_time_of(self.cron.nextcall)
        self.assertAlmostEqual(local, 7.5)
        self.assertGreater(self.cron.nextcall, datetime.now())
        self._settings(dunning_cron_active=True, dunning_cron_time=7.5)
        self.assertTrue(self.cron.active)

    def test_next_call_is_the_next_occurrence_of_the_time(self):
        Settings = self.env["res.config.settings"]
        # 09:00 UTC = 10:00 in Paris: 08:00 is tomorrow, 22:00 today
        now = datetime(2026, 3, 2, 9, 0)
        self.assertEqual(Settings._dunning_next_call(8.0, now=now), datetime(2026, 3, 3, 7, 0))
        self.assertEqual(Settings._dunning_next_call(22.0, now=now), datetime(2026, 3, 2, 21, 0))
        # summer time: 08:00 in Paris is 06:00 UTC
        self.assertEqual(Settings._dunning_next_call(8.0, now=datetime(2026, 7, 1, 12, 0)), datetime(2026, 7, 2, 6, 0))

    def test_bad_settings_are_refused(self):
        with self.assertRaisesRegex(ValidationError, "batch size"):
            self._settings(dunning_batch_size=0)
        with self.assertRaisesRegex(ValidationError, "between 00:00 and 23:59"):
            self._settings(dunning_cron_time=25.0)

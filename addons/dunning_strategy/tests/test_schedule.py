from datetime import date, datetime

from freezegun import freeze_time

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import DunningCommon


@tagged("post_install", "-at_install")
class TestDunningSchedule(DunningCommon):
    """Each automatic strategy runs on its days, from its time (company's time zone), once a day."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # only this test's strategies run automatically (demo data may hold others)
        cls.env["dunning.strategy"].sudo().search([("automatic", "=", True)]).automatic = False
        cls.company.partner_id.tz = "Europe/Paris"  # UTC+1 in March
        # from 14:30 in Paris, on weekdays
        cls.strategy.write({"automatic": True, "run_time": 14.5, "run_sat": False, "run_sun": False})
        cls.customer = cls._create_customer("Scheduled Customer")
        cls._create_invoice(cls.customer, cls._days_ago(10))
        # 6 days late on Monday: due for its first reminder (7 days) on Tuesday
        cls.tuesday_customer = cls._create_customer("Tuesday Customer")
        cls._create_invoice(cls.tuesday_customer, cls._days_ago(6))

    def _due(self, now):
        return self.env["dunning.engine"]._due_scheduled_strategies(now)

    def _cron(self, now):
        with freeze_time(now):
            self.env["dunning.strategy"]._cron_run_dunning()
        return self.env["dunning.run"].search([("strategy_id", "=", self.strategy.id)])

    def test_due_from_its_time_in_the_company_time_zone(self):
        # Monday 2026-03-02: 13:29 UTC is 14:29 in Paris, 13:30 UTC is 14:30
        self.assertEqual(self._due(datetime(2026, 3, 2, 13, 29)), [])
        self.assertEqual(self._due(datetime(2026, 3, 2, 13, 30)), [(self.strategy.id, date(2026, 3, 2))])
        # 23:30 UTC on Monday is already Tuesday 00:30 in Paris: before Tuesday's time
        self.assertEqual(self._due(datetime(2026, 3, 2, 23, 30)), [])
        self.company.partner_id.tz = "Pacific/Kiritimati"  # UTC+14: Tuesday 03:29
        self.assertEqual(self._due(datetime(2026, 3, 2, 13, 29)), [])

    def test_only_on_its_days(self):
        saturday = datetime(2026, 3, 7, 15, 0)
        self.assertEqual(self._due(saturday), [])
        self.assertFalse(self._cron(saturday))
        self.strategy.run_sat = True
        self.assertEqual(self._due(saturday), [(self.strategy.id, date(2026, 3, 7))])

    def test_the_hourly_cron_runs_it_once_a_day_after_its_time(self):
        self.assertFalse(self._cron(datetime(2026, 3, 2, 9, 0)), "10:00 in Paris: too early")
        run = self._cron(datetime(2026, 3, 2, 14, 0))
        self.assertEqual((run.date, run.mode, run.state), (date(2026, 3, 2), "automatic", "done"))
        self.assertEqual(self.strategy.last_scheduled_date, date(2026, 3, 2))
        self.assertEqual(self._cron(datetime(2026, 3, 2, 15, 0)), run, "once a day")
        self.assertEqual(len(self._messages_of(self.customer)), 1)
        runs = self._cron(datetime(2026, 3, 3, 14, 0))
        self.assertEqual(runs.mapped("date"), [date(2026, 3, 3), date(2026, 3, 2)], "the next day again")
        self.assertEqual(runs[0].line_ids.partner_id, self.tuesday_customer)

    def test_nothing_due_costs_one_query_and_is_not_selected_again(self):
        nobody = self.strategy.copy({"name": "Nobody due", "automatic": True, "run_time": 0.0})
        self.env.flush_all()
        with self.assertQueryCount(1):
            self.assertEqual(self._due(datetime(2026, 3, 2, 8, 0)), [(nobody.id, date(2026, 3, 2))])
        self.assertFalse(self._cron(datetime(2026, 3, 2, 8, 0)))
        self.assertFalse(nobody.run_ids, "nobody of its customers was due")
        self.assertEqual(nobody.last_scheduled_date, date(2026, 3, 2), "its day is done anyway")
        self.env.flush_all()
        with self.assertQueryCount(1):
            self.assertEqual(self._due(datetime(2026, 3, 2, 9, 0)), [])

    def test_an_automatic_run_of_the_day_counts_as_done(self):
        """A run the cron created before this schedule existed (or a crashed pass) is not doubled."""
        self.strategy._create_run(date(2026, 3, 2), "automatic")
        self.assertEqual(self._due(datetime(2026, 3, 2, 15, 0)), [])

    def test_bad_schedules_are_refused(self):
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            self.strategy.run_time = 24.0
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            self.strategy.write(dict.fromkeys(("run_mon", "run_tue", "run_wed", "run_thu", "run_fri"), False))
        # a manual strategy needs no day
        self.strategy.write(
            {"automatic": False, **dict.fromkeys(("run_mon", "run_tue", "run_wed", "run_thu", "run_fri"), False)}
        )

    def test_the_last_scheduled_day_is_the_cron_s_only(self):
        manager = new_test_user(
            self.env,
            login="schedule_manager",
            groups="dunning_strategy.group_dunning_manager",
            company_id=self.company.id,
            company_ids=[self.company.id],
        )
        with self.assertRaises(AccessError):
            self.strategy.with_user(manager).last_scheduled_date = date(2026, 3, 2)
        with self.assertRaises(AccessError):
            self.env["dunning.strategy"].with_user(manager).create(
                {"name": "Sneaky", "company_id": self.company.id, "last_scheduled_date": date(2026, 3, 2)}
            )
        self.strategy.with_user(manager).run_time = 8.0  # the schedule itself is the manager's

    def test_an_hourly_pass_with_nothing_due_is_cheap(self):
        """Most passes find nothing to start: one query says so, one more finds no unfinished run."""
        self._cron(datetime(2026, 3, 2, 8, 0))  # warm the caches (10:00 in Paris: nothing due)
        self.env.invalidate_all()
        with self.assertQueryCount(2), freeze_time(datetime(2026, 3, 2, 9, 0)):
            self.env["dunning.strategy"]._cron_run_dunning()

from datetime import timedelta

from freezegun import freeze_time

from odoo.tests import tagged

from .common import DunningCommon


@tagged("post_install", "-at_install")
class TestDunningScreens(DunningCommon):
    """What the customer and invoice screens show: dates, filters, markers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls._create_customer("Screen Customer")
        cls.reminded, cls.fresh, cls.excluded = cls._create_invoices(
            [
                cls._invoice_vals(cls.customer, cls._days_ago(10)),
                cls._invoice_vals(cls.customer, cls._days_ago(-30)),
                cls._invoice_vals(cls.customer, cls._days_ago(40)),
            ]
        )
        cls.excluded.dunning_excluded = True

    def test_customer_last_and_next_reminder_dates(self):
        run = self._run(self._days_ago(5))
        self.assertEqual(run.line_ids.partner_id, self.customer)
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.dunning_last_date, self._days_ago(5))
        self.assertEqual(self.customer.dunning_marker_id, self.markers[0])
        # reminded at step 1: step 2 is due 7 days after the due date, so at run_date - 3
        self.assertEqual(self.reminded.dunning_next_date, self._days_ago(3))
        # not reminded yet: the courtesy step 3 days before its due date
        self.assertEqual(self.fresh.dunning_next_date, self._days_ago(-27))
        self.assertFalse(self.excluded.dunning_next_date)
        self.assertEqual(self.customer.dunning_next_date, self._days_ago(3))
        # a contact shows its company's dates
        contact = self.env["res.partner"].create({"name": "Someone", "parent_id": self.customer.id})
        self.assertEqual(contact.dunning_last_date, self._days_ago(5))

    def test_next_date_keeps_the_minimum_interval_and_repeats(self):
        self.step2.min_interval_days = 10
        self.reminded.write({"dunning_step_id": self.step1.id, "dunning_date": self._days_ago(1)})
        self.assertEqual(self.reminded.dunning_next_date, self._days_ago(-9))
        self.reminded.write({"dunning_step_id": self.step4.id, "dunning_date": self._days_ago(1)})
        self.assertEqual(self.reminded.dunning_next_date, self._days_ago(1) + timedelta(days=15))
        self.step4.repeat_days = 0
        self.reminded.invalidate_recordset(["dunning_next_date"])
        self.assertFalse(self.reminded.dunning_next_date)

    def test_invoice_filters_to_remind_reminded_excluded(self):
        Move = self.env["account.move"]
        mine = [("partner_id", "=", self.customer.id)]
        with freeze_time(self.run_date):
            due_today = {
                row["move_id"] for row in self.env["dunning.engine"]._select_candidates(self.strategy, self.run_date)
            }
            self.assertEqual(Move.search([*mine, ("dunning_to_remind", "=", True)]), self.reminded)
            self.assertEqual(Move.search([*mine, ("dunning_to_remind", "!=", True)]), self.fresh | self.excluded)
            self.assertTrue(self.reminded.dunning_to_remind)
            self.assertIn(self.reminded.id, due_today)
        self.assertEqual(Move.search([*mine, ("dunning_excluded", "=", True)]), self.excluded)
        self._run()
        self.assertEqual(Move.search([*mine, ("dunning_step_id", "!=", False)]), self.reminded)
        with freeze_time(self.run_date):
            self.assertFalse(Move.search([*mine, ("dunning_to_remind", "=", True)]), "reminded today")

    def test_partner_filter_per_marker(self):
        self._run()
        action = self.env.ref("dunning_strategy.action_dunning_partner")
        self.assertEqual(action.res_model, "dunning.customer.situation")
        partners = self.env["res.partner"].search([("dunning_marker_id", "=", self.markers[0].id)])
        self.assertEqual(partners, self.customer)
        situations = self.env["dunning.customer.situation"].search([("marker_id", "=", self.markers[0].id)])
        self.assertEqual(situations.partner_id, self.customer)
        arch = self.env["dunning.customer.situation"].get_view(action.search_view_id.id, "search")["arch"]
        self.assertIn("<searchpanel", arch)
        self.assertIn('name="marker_id"', arch)

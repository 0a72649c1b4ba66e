from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import DunningCommon


@tagged("post_install", "-at_install")
class TestDunningStrategySharing(DunningCommon):
    """ "Shared With": a strategy with chosen users is seen and run by them and the dunning
    administrators only; empty, by every dunning user. Attacks over RPC:
    tests/test_security_strategy_sharing_rpc.py."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()

        def user(login, groups):
            return new_test_user(
                cls.env,
                login=login,
                groups=groups,
                company_id=cls.company.id,
                company_ids=[cls.company.id],
                email=f"{login}@company.example.com",
            )

        cls.chosen = user("sharing_chosen", "account.group_account_invoice")
        cls.outsider = user("sharing_outsider", "account.group_account_invoice")
        cls.manager = user("sharing_manager", "dunning_strategy.group_dunning_manager")
        cls.strategy.shared_user_ids = cls.chosen
        cls.customer = cls._create_customer("Shared Customer")
        cls._create_invoice(cls.customer, cls._days_ago(10))

    def _visible_to(self, user):
        return self.env["dunning.strategy"].with_user(user).search([("id", "=", self.strategy.id)])

    def test_a_chosen_user_sees_and_runs_the_strategy(self):
        self.assertEqual(self._visible_to(self.chosen), self.strategy)
        run = self.strategy.with_user(self.chosen)._create_run(self.run_date)
        run.action_process()
        self.assertEqual((run.state, run.line_ids.partner_id), ("done", self.customer))

    def test_another_dunning_user_neither_sees_nor_runs_it(self):
        self.assertFalse(self._visible_to(self.outsider))
        strategy = self.strategy.with_user(self.outsider)
        with self.assertRaises(AccessError):
            strategy.read(["name"])
        with self.assertRaises(AccessError):
            strategy._create_run(self.run_date)
        with self.assertRaises(AccessError):
            strategy.action_run_now()
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            wizard = (
                self.env["dunning.launch"]
                .with_user(self.outsider)
                .create({"strategy_id": self.strategy.id, "date": self.run_date})
            )
            wizard.action_launch()
        # a run somebody else created cannot be processed nor retried by him either
        run = self.strategy._create_run(self.run_date)
        with self.assertRaises(AccessError):
            run.with_user(self.outsider).action_process()
        with self.assertRaises(AccessError):
            run.with_user(self.outsider).action_retry_failed()
        self.assertEqual(run.pending_count, 1, "nothing was sent")
        self.assertFalse(self._messages_of(self.customer))

    def test_dunning_administrators_see_every_strategy(self):
        self.assertEqual(self._visible_to(self.manager), self.strategy)
        # an administrator may share it with others only: he keeps seeing it as administrator
        self.strategy.with_user(self.manager).shared_user_ids = self.outsider
        self.assertEqual(self._visible_to(self.manager), self.strategy)
        self.assertFalse(self._visible_to(self.chosen))
        self.assertEqual(self._visible_to(self.outsider), self.strategy)

    def test_an_empty_list_shares_it_with_every_dunning_user(self):
        self.strategy.shared_user_ids = False
        for user in (self.chosen, self.outsider, self.manager):
            self.assertEqual(self._visible_to(user), self.strategy, user.login)

    def test_the_worklist_lists_the_strategies_the_user_sees_only(self):
        Worklist = self.env["dunning.worklist"].with_company(self.company)
        with self.env.cr.savepoint():
            self.assertTrue(Worklist.with_user(self.chosen).search([("kind", "=", "remind")]))
        with self.env.cr.savepoint():
            self.assertFalse(Worklist.with_user(self.outsider).search([("kind", "=", "remind")]))

from odoo.tests import tagged

from .common import QuotationFollowupCommon


@tagged("post_install", "-at_install")
class TestAutomaticFollowup(QuotationFollowupCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.strategy.automatic = True

    def _cron(self):
        self.env["dunning.strategy"]._cron_run_dunning()

    def _runs(self):
        return self.env["dunning.run"].search([("strategy_id", "=", self.strategy.id)])

    def test_cron_follows_up_by_email_and_never_twice(self):
        due = self._create_quotation(validity_days=5)
        not_due = self._create_quotation(validity_days=20)
        excluded = self._create_quotation(validity_days=5, dunning_excluded=True)
        self._cron()
        run = self._runs()
        self.assertEqual(run.mode, "automatic")
        self.assertEqual(run.state, "done")
        self.assertEqual(run.line_ids.sale_order_id, due)
        self.assertEqual(run.line_ids.state, "done")
        self.assertEqual(len(self._mails_of(due)), 1)
        self.assertFalse(self._mails_of(not_due) | self._mails_of(excluded))
        self.assertEqual(due.dunning_step_id, self.step1)
        self.assertEqual(due.dunning_next_date, self._days(5), "next date: the expiry step")

        # the cron again the same day, and another automatic run of today: nothing twice
        self._cron()
        self.assertEqual(self._runs(), run)
        self.assertFalse(self.strategy._compute_candidates(self.today))
        self.assertEqual(len(self._mails_of(due)), 1)

    def test_a_line_created_twice_is_sent_once(self):
        # two workers computed the same candidates before either created its run
        order = self._create_quotation(validity_days=5)
        candidates = self.strategy._compute_candidates(self.today)
        first = self.strategy._create_run(self.today, "automatic", candidates=candidates)
        second = self.strategy._create_run(self.today, "automatic", candidates=candidates)
        first.action_process()
        second.action_process()
        self.assertEqual(first.line_ids.state, "done")
        self.assertEqual((second.line_ids.state, second.line_ids.error), ("skipped", "already followed up"))
        self.assertEqual(len(self._mails_of(order)), 1)
        self.assertEqual(len(self._followup_messages(order)), 1)

    def test_automatic_follow_ups_go_by_email_only(self):
        self.step1.print_letter = True
        order = self._create_quotation(validity_days=5)
        self._cron()
        line = order.dunning_line_ids
        self.assertTrue(line.followup_by_email)
        self.assertFalse(line.followup_by_letter)
        self.assertFalse(line.letter_attachment_id)
        # no letter printed: the line's only file is the quotation its email carries
        self.assertEqual(
            self.env["ir.attachment"].search([("res_model", "=", "dunning.run.line"), ("res_id", "=", line.id)]),
            line.attachment_ids,
        )
        self.assertEqual(line.mail_message_id.attachment_ids.mapped("name"), [f"Quotation - {order.name}.pdf"])

    def test_excluded_or_confirmed_while_pending_is_skipped(self):
        excluded = self._create_quotation(validity_days=5)
        confirmed = self._create_quotation(validity_days=5)
        run = self.strategy._create_run(self.today, "automatic")
        excluded.dunning_excluded = True
        confirmed.action_confirm()
        run.action_process()
        reasons = {line.sale_order_id: (line.state, line.error) for line in run.line_ids}
        self.assertEqual(reasons[excluded], ("skipped", "quotation excluded from automatic follow-ups"))
        self.assertEqual(reasons[confirmed], ("skipped", "quotation confirmed"))
        self.assertFalse(self._mails_of(excluded) | self._mails_of(confirmed))

    def test_next_step_follows_after_the_first(self):
        order = self._create_quotation(validity_days=5)
        self.strategy._create_run(self.today, "automatic").action_process()
        self.assertEqual(order.dunning_step_id, self.step1)
        self.assertFalse(self.strategy._compute_candidates(self._days(4)), "next date not reached")
        candidates = self.strategy._compute_candidates(self._days(5))
        self.assertEqual([(c["sale_order_id"], c["step_id"]) for c in candidates], [(order.id, self.step2.id)])
        # after the last step: no automatic follow-up any more, the salesperson is reminded
        run = self.strategy._create_run(self._days(15), "automatic")
        run.action_process()
        self.assertEqual(order.dunning_step_id, self.step3)
        self.assertEqual(order.dunning_next_date, self._days(30), "last step: company delay of 15 days")
        self.assertFalse(self.strategy._compute_candidates(self._days(60)))

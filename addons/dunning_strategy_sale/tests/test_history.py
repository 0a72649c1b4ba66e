from odoo.tests import tagged

from .common import QuotationFollowupCommon


@tagged("post_install", "-at_install")
class TestFollowupHistory(QuotationFollowupCommon):
    def _history(self, order):
        action = order.action_view_dunning_followups()
        return self.env["dunning.run.line"].search(action["domain"])

    def test_history_is_kept_after_confirmation(self):
        order = self._create_quotation(validity_days=5)
        self._followup_wizard(order, note="First call").action_send()
        self._followup_wizard(order, channel="letter", note="Letter sent").action_send()
        self.assertEqual(order.dunning_line_count, 2)
        self.assertTrue(order.activity_ids.filtered(lambda a: a.activity_type_id.res_model == "sale.order"))

        order.action_confirm()
        self.assertEqual(order.state, "sale")
        history = self._history(order)
        self.assertEqual(history, order.dunning_line_ids)
        self.assertEqual(sorted(history.mapped("note")), ["First call", "Letter sent"])
        self.assertEqual(order.dunning_line_count, 2)
        self.assertTrue(history.filtered("letter_attachment_id"), "the letter PDF stays")
        self.assertEqual(order.dunning_date, self.today)
        self.assertFalse(
            order.activity_ids.filtered(
                lambda a: (
                    a.activity_type_id == self.env.ref("dunning_strategy_sale.mail_activity_type_quotation_followup")
                )
            ),
            "no follow-up planned on a signed quotation",
        )
        self.assertFalse(order.dunning_is_open)
        # the customer sees it too
        self.assertEqual(self.customer.dunning_quotation_followup_count, 2)

    def test_history_is_kept_after_cancellation(self):
        order = self._create_quotation(validity_days=5)
        self._followup_wizard(order).action_send()
        order._action_cancel()
        self.assertEqual(len(self._history(order)), 1)
        self.assertEqual(self._history(order).sale_state, "cancel")

    def test_history_fields(self):
        order = self._create_quotation(validity_days=5)
        self._followup_wizard(order, note="Note", next_date=self._days(9)).action_send()
        line = order.dunning_line_ids
        self.assertEqual(
            (line.partner_id, line.sale_order_id, line.note, line.step_id, line.run_user_id, line.date, line.next_date),
            (self.customer, order, "Note", self.step1, self.env.user, self.today, self._days(9)),
        )
        self.assertEqual(order.dunning_last_line_id, line)
        self.assertEqual(order.dunning_last_note, "Note")

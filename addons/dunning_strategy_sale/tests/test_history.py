from lxml import etree

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

    def test_customer_followups_button_shown_before_the_first_followup(self):
        """The customer's "Quote Follow-ups" button is there before any follow-up (a count of 0),
        for the users who follow up quotations."""
        self.assertEqual(self.customer.dunning_quotation_followup_count, 0)
        arch = etree.fromstring(self.env["res.partner"].get_views([(False, "form")])["views"]["form"]["arch"])
        buttons = arch.xpath("//button[@name='action_view_dunning_quotation_followups']")
        self.assertEqual(len(buttons), 1)
        self.assertNotIn("dunning_quotation_followup_count", buttons[0].get("invisible", ""))

    def test_new_in_a_customer_history_follows_up_a_quotation_of_that_customer(self):
        """The history opened from a customer lists its follow-ups; its "New" opens the follow-up
        wizard on that customer's open quotations (the quotation itself when it has one)."""
        contact = self.env["res.partner"].create({"name": "Buyer", "parent_id": self.customer.id})
        order = self._create_quotation(validity_days=5)
        self._create_quotation(partner=self._create_customer("Other Customer"), validity_days=5)
        action = contact.action_view_dunning_quotation_followups()
        self.assertEqual(action["res_model"], "dunning.run.line")
        self.assertEqual(action["domain"], [("sale_order_id", "!=", False), ("partner_id", "=", self.customer.id)])
        self.assertEqual(action["context"]["dunning_followup_partner_id"], self.customer.id)
        self.assertFalse(action["context"]["search_default_filter_open"], "the whole history, signed ones too")
        list_view = self.env["ir.ui.view"].browse(action["views"][0][0])
        new_button = etree.fromstring(list_view.arch).xpath("//header/button[@name='action_new_quotation_followup']")
        self.assertEqual(new_button[0].get("display"), "always", "shown with nothing selected")

        wizard_action = self.env["dunning.run.line"].with_context(**action["context"]).action_new_quotation_followup()
        self.assertEqual((wizard_action["res_model"], wizard_action["target"]), ("dunning.quotation.followup", "new"))
        self.assertEqual(wizard_action["context"]["default_partner_id"], self.customer.id)
        self.assertEqual(wizard_action["context"]["default_sale_order_id"], order.id, "its only open quotation")
        wizard = self.env["dunning.quotation.followup"].with_context(**wizard_action["context"]).create({})
        wizard.action_send()
        self.assertEqual(self.env["dunning.run.line"].search(action["domain"]).sale_order_id, order)

    def test_new_in_a_quotation_history_follows_up_that_quotation(self):
        order = self._create_quotation(validity_days=5)
        action = order.action_view_dunning_followups()
        wizard_action = self.env["dunning.run.line"].with_context(**action["context"]).action_new_quotation_followup()
        self.assertEqual(wizard_action["context"]["default_sale_order_id"], order.id)
        # from the menu: the empty wizard; a forged context is ignored, never a traceback
        Lines = self.env["dunning.run.line"].with_context(
            dunning_followup_partner_id="1; DROP", default_sale_order_id=[1]
        )
        self.assertNotIn("default_sale_order_id", Lines.action_new_quotation_followup()["context"])

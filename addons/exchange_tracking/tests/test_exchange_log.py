import re

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import ExchangeTrackingCase


@tagged("post_install", "-at_install")
class TestExchangeLog(ExchangeTrackingCase):
    def test_sequence_numbers_exchanges_exc_0001(self):
        sequence = self.env.ref("exchange_tracking.seq_exchange_log")
        self.assertEqual((sequence.code, sequence.prefix, sequence.padding), ("exchange.log", "EXC-", 4))
        first = self._log()
        second = self._log()
        self.assertRegex(first.name, r"^EXC-\d{4,}$")
        number = int(first.name.removeprefix("EXC-"))
        self.assertEqual(second.name, f"EXC-{number + 1:04d}")
        # A fresh sequence starts at EXC-0001 (a company-specific one is taken first).
        other_company = self.env["res.company"].create({"name": "Sequence Test SARL"})
        self.env["ir.sequence"].create(
            {
                "name": "Exchange",
                "code": "exchange.log",
                "prefix": "EXC-",
                "padding": 4,
                "company_id": other_company.id,
            }
        )
        exchange = (
            self.env["exchange.log"]
            .with_company(other_company)
            .create({"partner_id": self.customer.id, "mode_id": self.mode_phone.id, "company_id": other_company.id})
        )
        self.assertEqual(exchange.name, "EXC-0001")

    def test_defaults_author_date_direction_mode(self):
        exchange = self.env["exchange.log"].with_user(self.author).create({"partner_id": self.customer.id})
        self.assertEqual(exchange.user_id, self.author)
        self.assertEqual(exchange.direction, "outgoing")
        self.assertTrue(exchange.mode_id)
        self.assertEqual(exchange.company_id, self.company)
        self.assertTrue(exchange.date)

    def test_missing_partner_is_a_clear_error(self):
        with self.assertRaisesRegex(ValidationError, "needs a partner"):
            self.env["exchange.log"].with_user(self.author).create({"mode_id": self.mode_phone.id})
        Log = self.env["exchange.log"].with_user(self.author).with_context(default_partner_id=self.customer.id)
        with self.assertRaisesRegex(ValidationError, "needs a partner"):
            Log.create({"partner_id": False})
        exchange = self._log()
        with self.assertRaisesRegex(ValidationError, "needs a partner"):
            exchange.write({"partner_id": False})

    def test_deleted_document_is_rejected(self):
        product = self.env["product.template"].create({"name": "Pain de campagne"})
        product_id = product.id
        product.unlink()
        with self.assertRaisesRegex(ValidationError, "does not exist"):
            self._log(res_model="product.template", res_id=product_id)

    def test_unknown_or_transient_model_is_rejected(self):
        with self.assertRaisesRegex(ValidationError, "not a kind of document"):
            self._log(res_model="no.such.model", res_id=1)
        with self.assertRaisesRegex(ValidationError, "not a kind of document"):
            self._log(res_model="res.config.settings", res_id=1)
        with self.assertRaisesRegex(ValidationError, "both a model and a record"):
            self._log(res_model="product.template")

    def test_document_chatter_gets_a_link_back(self):
        # The note is posted with the author's rights: posting on a product needs editing it.
        self.author.groups_id += self.env.ref("product.group_product_manager")
        product = self.env["product.template"].create({"name": "Croissant"})
        exchange = self._log(res_model="product.template", res_id=product.id)
        message = product.message_ids.filtered(
            lambda m: m.subtype_id.id == self.ref("exchange_tracking.mt_exchange_logged")
        )
        self.assertEqual(len(message), 1)
        self.assertIn(f'data-oe-model="exchange.log" data-oe-id="{exchange.id}"', message.body)
        self.assertIn(exchange.name, message.body)
        self.assertEqual(message.author_id, self.author.partner_id)
        # Related by code: a product is not among the kinds the form offers, its name still shows.
        self.assertEqual((exchange.res_model, exchange.res_id), ("product.template", product.id))
        self.assertEqual(exchange.res_name, "Croissant")

    def test_link_back_when_the_document_changes(self):
        self.author.groups_id += self.env.ref("product.group_product_manager")
        first, second = self.env["product.template"].create([{"name": "Brioche"}, {"name": "Baguette"}])
        exchange = self._log(res_model="product.template", res_id=first.id)
        exchange.write({"res_model": "product.template", "res_id": second.id})
        self.assertEqual((exchange.res_model, exchange.res_id), ("product.template", second.id))
        self.assertIn(exchange.name, second.message_ids[0].body)

    def test_document_without_chatter_gets_nothing(self):
        country = self.env.ref("base.fr")
        exchange = self._log(res_model="res.country", res_id=country.id)
        self.assertEqual(exchange.res_name, country.display_name)
        self.assertFalse(exchange.res_reference, "the reference widget only offers the declared kinds of document")
        self.assertEqual(exchange.action_open_document()["res_id"], country.id)

    def test_duplicate_gets_a_new_number_and_no_followup(self):
        exchange = self._log(followup_datetime=self._in(days=2), confidential_note="<p>Secret</p>")
        copy = exchange.with_user(self.author).copy()
        self.assertNotEqual(copy.name, exchange.name)
        self.assertRegex(copy.name, r"^EXC-\d{4,}$")
        self.assertEqual(
            (copy.partner_id, copy.mode_id, copy.subject_id),
            (exchange.partner_id, exchange.mode_id, exchange.subject_id),
        )
        self.assertFalse(copy.followup_datetime)
        self.assertEqual(copy.followup_state, "none")
        self.assertFalse(copy.confidential_note)

    def test_choosing_another_author_needs_the_setting(self):
        with self.assertRaisesRegex(UserError, "only log your own exchanges"):
            self._log(user_id=self.colleague.id)
        self.author.groups_id += self.env.ref("exchange_tracking.group_exchange_user_selection")
        exchange = self._log(user_id=self.colleague.id)
        self.assertEqual(exchange.user_id, self.colleague)

    def test_log_form_prefilled_from_a_contact(self):
        action = self.env["exchange.log"].with_user(self.author).action_open_log_form("res.partner", self.contact.id)
        self.assertEqual(action["res_model"], "exchange.log")
        self.assertEqual(action["target"], "new")
        context = action["context"]
        self.assertEqual(context["default_partner_id"], self.customer.id)
        self.assertEqual(context["default_contact_ids"], [(6, 0, self.contact.ids)])
        self.assertNotIn("default_res_model", context)
        exchange = self.env["exchange.log"].with_user(self.author).with_context(**context).create({})
        self.assertEqual(exchange.partner_id, self.customer)
        self.assertEqual(exchange.contact_ids, self.contact)

    def test_log_form_from_nothing_or_a_missing_record(self):
        log = self.env["exchange.log"].with_user(self.author)
        self.assertEqual(log.action_open_log_form(False, False)["context"], {})
        self.assertEqual(log.action_open_log_form("res.partner", 0)["context"], {})
        self.assertEqual(log.action_open_log_form("no.such.model", 3)["context"], {})

    def test_short_description(self):
        exchange = self._log(description="<p>" + "Long talk about bread. " * 10 + "</p>")
        self.assertLessEqual(len(exchange.description_short), 80)
        self.assertTrue(exchange.description_short.startswith("Long talk about bread."))

    def test_suggested_recipients_are_the_contacts(self):
        exchange = self._log(contact_ids=[(6, 0, self.contact.ids)])
        recipients = exchange._message_get_suggested_recipients()
        self.assertIn(self.contact.id, [recipient.get("partner_id") for recipient in recipients])

    def test_search_by_reference_or_partner_name(self):
        exchange = self._log()
        found = self.env["exchange.log"].with_user(self.author).name_search("Boulangerie Martin")
        self.assertIn(exchange.id, [exchange_id for exchange_id, _name in found])
        self.assertTrue(re.match(r"EXC-\d+", exchange.display_name))

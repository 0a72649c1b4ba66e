from odoo.tests import tagged

from .common import ExchangeTrackingCase

SECRET = "Accepts 12 percent off if we deliver before Easter"


@tagged("post_install", "-at_install")
class TestChatterNote(ExchangeTrackingCase):
    """Issue 13, item 8: the note on the document says only that an exchange was logged."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product = cls.env["product.template"].create({"name": "Pain aux noix"})
        cls.subtype = cls.env.ref("exchange_tracking.mt_exchange_logged")
        cls.litigation = cls.env.ref("exchange_tracking.exchange_subject_litigation")

    def _links(self):
        return self.product.message_ids.filtered(lambda message: message.subtype_id == self.subtype)

    def test_note_is_neutral_and_posted_with_the_users_rights(self):
        self.author.groups_id += self.env.ref("product.group_product_manager")
        exchange = self._log(
            res_model="product.template",
            res_id=self.product.id,
            subject_id=self.litigation.id,
            description=f"<p>{SECRET}</p>",
        )
        message = self._links()
        self.assertEqual(len(message), 1)
        self.assertIn(exchange.name, message.body)
        self.assertIn(f'data-oe-id="{exchange.id}"', message.body)
        for leak in (SECRET[:20], self.litigation.name, exchange.mode_id.name):
            self.assertNotIn(leak, message.body)
        self.assertEqual((message.author_id, message.create_uid), (self.author.partner_id, self.author))

    def test_no_note_without_the_right_to_post(self):
        # Reading a product is not the right to post on it (mail.thread's _mail_post_access "write").
        exchange = self._log(res_model="product.template", res_id=self.product.id, description=f"<p>{SECRET}</p>")
        # A product is not a kind of document offered in the form: related by code, shown by name.
        self.assertEqual((exchange.res_model, exchange.res_id), ("product.template", self.product.id))
        self.assertFalse(exchange.res_reference)
        self.assertFalse(self._links())

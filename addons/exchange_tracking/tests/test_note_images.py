import base64

from odoo.tests import tagged

from .common import ExchangeTrackingCase

SECRET = "Accepts 12 percent off if we deliver before Easter"
# A 1x1 transparent PNG, as the HTML editor uploads a pasted image.
PIXEL_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


@tagged("post_install", "-at_install")
class TestNoteImages(ExchangeTrackingCase):
    """Issue 13, item 5: an image of the note is not an attachment every exchange reader reads."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.reader = cls._new_user("exc_img_reader", "read_all")
        cls.exchange = cls._create_exchange(cls.author)

    def _upload(self, user):
        """What the HTML editor does with a pasted image: an attachment of the exchange."""
        attachment = (
            self.env["ir.attachment"]
            .with_user(user)
            .create({"name": "scan.png", "raw": PIXEL_PNG, "res_model": "exchange.log", "res_id": self.exchange.id})
        )
        token = attachment.generate_access_token()[0]
        return (
            attachment,
            f'<p>{SECRET}<img class="img-fluid" src="/web/image/{attachment.id}?access_token={token}"></p>',
        )

    def _exchange_attachments(self, user):
        return (
            self.env["ir.attachment"]
            .with_user(user)
            .search([("res_model", "=", "exchange.log"), ("res_id", "=", self.exchange.id)])
        )

    def test_uploaded_image_goes_into_the_note(self):
        attachment, html = self._upload(self.author)
        self.assertIn(attachment, self._exchange_attachments(self.reader), "the leak this test is about")
        self.exchange.with_user(self.author).confidential_note = html
        self.assertFalse(attachment.exists())
        self.assertFalse(self._exchange_attachments(self.reader))
        self.exchange.invalidate_recordset()
        note = self.exchange.with_user(self.author).confidential_note
        self.assertIn("data:image/png;base64,", note)
        self.assertNotIn("/web/image/", note)
        self.assertFalse(self.exchange.with_user(self.reader).confidential_note)

    def test_pasted_data_image_stays_in_the_note(self):
        data = base64.b64encode(PIXEL_PNG).decode()
        self.exchange.with_user(self.author).confidential_note = f'<p>x<img src="data:image/png;base64,{data}"></p>'
        self.assertIn(f"data:image/png;base64,{data}", self.exchange.with_user(self.author).confidential_note)
        self.assertFalse(self._exchange_attachments(self.env.user))

    def test_other_attachments_of_the_exchange_are_left_alone(self):
        # An image of the chatter, or someone else's upload, is not the writer's to take away.
        colleague_attachment, _html = self._upload(self.env.ref("base.user_admin"))
        message = self.exchange.message_post(body="See the scan", attachment_ids=colleague_attachment.ids)
        self.exchange.with_user(
            self.author
        ).confidential_note = f'<p><img src="/web/image/{colleague_attachment.id}"></p>'
        self.assertTrue(colleague_attachment.exists())
        self.assertEqual(
            (colleague_attachment.res_model, colleague_attachment.res_id), ("exchange.log", self.exchange.id)
        )
        self.assertIn(colleague_attachment, message.attachment_ids)

from lxml import etree

from odoo.tests import tagged

from .common import ExchangeTrackingCase

LONG_TEXT = "Long talk about bread. " * 10


@tagged("post_install", "-at_install")
class TestListDescription(ExchangeTrackingCase):
    """With "shorten descriptions in lists" on: the beginning of the description; off: all of it."""

    def _list_columns(self, user):
        arch = self.env["exchange.log"].with_user(user).get_views([(False, "list")])["views"]["list"]["arch"]
        return etree.fromstring(arch).xpath("//field/@name")

    def test_shortened_by_default(self):
        exchange = self._log(description=f"<p>{LONG_TEXT}</p>")
        columns = self._list_columns(self.author)
        self.assertIn("description_short", columns)
        self.assertNotIn("description_text", columns)
        self.assertLessEqual(len(exchange.description_short), 80)

    def test_full_description_when_not_shortened(self):
        self.env["res.config.settings"].create({"group_exchange_list_description": False}).execute()
        self.assertFalse(self.author.has_group("exchange_tracking.group_exchange_list_description"))
        exchange = self._log(description=f"<p>{LONG_TEXT}</p><p>Second paragraph.</p>")
        columns = self._list_columns(self.author)
        self.assertIn("description_text", columns, "the column stays, with the full description")
        self.assertNotIn("description_short", columns)
        self.assertIn(LONG_TEXT.strip(), exchange.description_text)
        self.assertTrue(exchange.description_text.endswith("Second paragraph."))
        self.assertFalse(self._log(description="<p><br></p>").description_text)

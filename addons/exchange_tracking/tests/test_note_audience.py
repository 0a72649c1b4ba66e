from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import ExchangeTrackingCase

SECRET = "Accepts 12 percent off if we deliver before Easter"


@tagged("post_install", "-at_install")
class TestNoteAudience(ExchangeTrackingCase):
    """Issue 13, item 4: who reads a confidential note is widened by nobody outside that set."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.shared_group = cls.env["res.groups"].create({"name": "Key accounts"})
        cls.creator_group = cls.env["res.groups"].create({"name": "Creator's friends"})
        # Logs exchanges for colleagues (author selection on); not in the note's audience.
        cls.creator = cls._new_user(
            "exc_sec_creator", "delete", extra_groups="exchange_tracking.group_exchange_user_selection"
        )
        cls.creator.groups_id += cls.creator_group
        cls.member = cls._new_user(
            "exc_sec_member", "delete", extra_groups="exchange_tracking.group_exchange_user_selection"
        )
        cls.member.groups_id += cls.shared_group
        cls.see_all = cls._new_user("exc_sec_see_all", "read_all", "confidential")
        cls.exchange = cls._create_exchange(
            cls.creator, user_id=cls.colleague.id, confidential_group_id=cls.shared_group.id
        )
        cls.exchange.with_user(cls.colleague).confidential_note = f"<p>{SECRET}</p>"
        cls.note = cls.env["exchange.confidential.note"].search([("exchange_id", "=", cls.exchange.id)])

    def _reads(self, user, exchange=None):
        exchange = (exchange or self.exchange).with_user(user)
        exchange.invalidate_recordset()
        return SECRET in (exchange.confidential_note or "")

    def test_the_note_starts_with_its_author_and_group(self):
        self.assertEqual((self.note.author_id, self.note.group_id), (self.colleague, self.shared_group))
        self.assertTrue(self._reads(self.colleague))
        self.assertTrue(self._reads(self.member))
        self.assertTrue(self._reads(self.see_all))
        self.assertFalse(self._reads(self.creator))

    def test_the_form_offers_each_role_what_the_server_allows(self):
        self.member.groups_id += self.env.ref("exchange_tracking.group_exchange_read_all")
        expected = {
            # (see the tab, edit the text, change who reads)
            self.colleague: (True, True, True),
            self.member: (True, True, False),
            # reads every note and may reassign an exchange, never edits a note
            self.see_all: (True, False, True),
            self.creator: (False, False, False),
        }
        for user, flags in expected.items():
            with self.subTest(user=user.login):
                exchange = self.exchange.with_user(user)
                exchange.invalidate_recordset()
                self.assertEqual(
                    (
                        exchange.confidential_access,
                        exchange.confidential_editable,
                        exchange.confidential_sharing_editable,
                    ),
                    flags,
                )

    def test_creator_cannot_make_himself_the_author_to_read_the_note(self):
        with self.assertRaises(AccessError):
            self.exchange.with_user(self.creator).write({"user_id": self.creator.id})
        self.assertEqual(self.exchange.user_id, self.colleague)
        self.assertEqual(self.note.author_id, self.colleague)
        self.assertFalse(self._reads(self.creator))

    def test_creator_cannot_share_the_note_with_his_own_group(self):
        with self.assertRaises(AccessError):
            self.exchange.with_user(self.creator).write({"confidential_group_id": self.creator_group.id})
        self.assertEqual(self.note.group_id, self.shared_group)
        self.assertFalse(self._reads(self.creator))

    def test_creator_cannot_move_the_note_to_every_company(self):
        with self.assertRaises(AccessError):
            self.exchange.with_user(self.creator).write({"company_id": False})
        self.assertEqual(self.note.company_id, self.company)

    def test_nobody_writes_who_reads_on_the_note_itself(self):
        for user in (self.member, self.colleague):
            for values in ({"author_id": user.id}, {"group_id": self.creator_group.id}, {"company_id": False}):
                with self.subTest(user=user.login, values=values), self.assertRaises(AccessError):
                    self.note.with_user(user).write(values)
        self.assertEqual((self.note.author_id, self.note.group_id), (self.colleague, self.shared_group))
        other = self._log(user=self.creator)
        with self.assertRaises(AccessError):
            self.env["exchange.confidential.note"].with_user(self.creator).create(
                {"exchange_id": other.id, "note": "<p>mine</p>", "author_id": self.member.id}
            )

    def test_shared_group_member_cannot_widen_through_the_exchange(self):
        # The member logged this exchange for the colleague: he may edit it, not re-share its note.
        exchange = self._create_exchange(
            self.member, user_id=self.colleague.id, confidential_group_id=self.shared_group.id
        )
        exchange.with_user(self.colleague).confidential_note = f"<p>{SECRET}</p>"
        self.assertTrue(self._reads(self.member, exchange))
        for values in ({"confidential_group_id": self.creator_group.id}, {"user_id": self.member.id}):
            with self.subTest(values=values), self.assertRaises(AccessError):
                exchange.with_user(self.member).write(values)
        # He still edits the text, as the group's members do.
        exchange.with_user(self.member).confidential_note = "<p>Edited by the group</p>"
        self.assertIn("Edited by the group", exchange.with_user(self.colleague).confidential_note)

    def test_first_writer_does_not_keep_the_note(self):
        exchange = self._create_exchange(self.creator, user_id=self.colleague.id, confidential_note=f"<p>{SECRET}</p>")
        note = self.env["exchange.confidential.note"].search([("exchange_id", "=", exchange.id)])
        self.assertEqual((note.create_uid, note.author_id), (self.creator, self.colleague))
        self.assertFalse(self._reads(self.creator, exchange))
        with self.assertRaises(AccessError):
            note.with_user(self.creator).read(["note"])
        with self.assertRaises(AccessError):
            exchange.with_user(self.creator).write({"confidential_note": "<p>overwritten</p>"})
        self.assertTrue(self._reads(self.colleague, exchange))

    def test_see_all_confidential_reads_only(self):
        self.assertTrue(self._reads(self.see_all))
        with self.assertRaises(AccessError):
            self.note.with_user(self.see_all).write({"note": "<p>rewritten</p>"})
        with self.assertRaises(AccessError):
            self.note.with_user(self.see_all).unlink()
        self.assertTrue(self.note.exists())
        self.assertTrue(self._reads(self.colleague))

    def test_only_the_author_deletes_the_note(self):
        with self.assertRaises(AccessError):
            self.note.with_user(self.member).unlink()
        self.note.with_user(self.colleague).unlink()
        self.assertFalse(self.note.exists())

    def test_the_author_shares_and_hands_over_the_note(self):
        self.colleague.groups_id += self.env.ref("exchange_tracking.group_exchange_user_selection")
        self.exchange.with_user(self.colleague).write({"confidential_group_id": self.creator_group.id})
        self.assertEqual(self.note.group_id, self.creator_group)
        self.assertTrue(self._reads(self.creator))
        self.assertFalse(self._reads(self.member))
        self.exchange.with_user(self.colleague).write({"user_id": self.author.id})
        self.assertEqual(self.note.author_id, self.author)
        self.assertTrue(self._reads(self.author))
        self.assertFalse(self._reads(self.colleague))

    def test_exchange_administrator_reassigns_an_exchange(self):
        manager = self._new_user(
            "exc_sec_manager", "manager", extra_groups="exchange_tracking.group_exchange_user_selection"
        )
        self.exchange.with_user(manager).write({"user_id": self.author.id})
        self.assertEqual(self.note.author_id, self.author)
        self.assertTrue(self._reads(self.author))

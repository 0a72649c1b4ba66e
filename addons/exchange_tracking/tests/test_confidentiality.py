from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import ExchangeTrackingCase

SECRET = "Discount of 17 percent agreed"


@tagged("post_install", "-at_install")
class TestConfidentiality(ExchangeTrackingCase):
    """The confidential note over every read path, for each kind of user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.shared_group = cls.env["res.groups"].create({"name": "Bakery key accounts"})
        # Exporting needs base.group_allow_export: give it to everyone to test that path.
        cls.author.groups_id += cls.env.ref("base.group_allow_export")
        cls.member = cls._new_user("exc_member", "read_all", extra_groups="base.group_allow_export")
        cls.member.groups_id += cls.shared_group
        cls.outsider = cls._new_user("exc_outsider", "read_all", extra_groups="base.group_allow_export")
        cls.see_all = cls._new_user("exc_see_all", "read_all", "confidential", extra_groups="base.group_allow_export")
        cls.exchange = (
            cls.env["exchange.log"]
            .with_user(cls.author)
            .create(
                {
                    "partner_id": cls.customer.id,
                    "mode_id": cls.env.ref("exchange_tracking.exchange_mode_phone").id,
                    "description": "<p>Public part</p>",
                    "confidential_note": f"<p>{SECRET}</p>",
                    "confidential_group_id": cls.shared_group.id,
                }
            )
        )
        cls.readers = {"author": cls.author, "member": cls.member, "see_all": cls.see_all}

    def _matrix(self):
        return [(name, user, name != "outsider") for name, user in (*self.readers.items(), ("outsider", self.outsider))]

    def test_read(self):
        for name, user, allowed in self._matrix():
            with self.subTest(user=name):
                values = self.exchange.with_user(user).read(["description", "confidential_note"])[0]
                self.assertIn("Public part", values["description"], "the rest of the record stays readable")
                if allowed:
                    self.assertIn(SECRET, values["confidential_note"])
                else:
                    self.assertFalse(values["confidential_note"])

    def test_search_read_and_web_read(self):
        for name, user, allowed in self._matrix():
            with self.subTest(user=name):
                Log = self.env["exchange.log"].with_user(user)
                rows = Log.search_read([("id", "=", self.exchange.id)], ["name", "confidential_note"])
                self.assertEqual(len(rows), 1)
                web = Log.browse(self.exchange.id).web_read({"confidential_note": {}, "confidential_access": {}})[0]
                if allowed:
                    self.assertIn(SECRET, rows[0]["confidential_note"])
                    self.assertIn(SECRET, web["confidential_note"])
                    self.assertTrue(web["confidential_access"])
                else:
                    self.assertFalse(rows[0]["confidential_note"])
                    self.assertFalse(web["confidential_note"])
                    self.assertFalse(web["confidential_access"])

    def test_export_data(self):
        for name, user, allowed in self._matrix():
            with self.subTest(user=name):
                exported = self.exchange.with_user(user).export_data(["name", "confidential_note"])["datas"]
                self.assertEqual(exported[0][0], self.exchange.name)
                if allowed:
                    self.assertIn(SECRET, exported[0][1])
                else:
                    self.assertFalse(exported[0][1])

    def test_search_on_the_note(self):
        for name, user, allowed in self._matrix():
            with self.subTest(user=name):
                Log = self.env["exchange.log"].with_user(user)
                found = Log.search([("confidential_note", "ilike", "17 percent")])
                self.assertEqual(self.exchange in found, allowed)
                self.assertEqual(bool(Log.search_count([("confidential_note", "=like", "%Discount%")])), allowed)
                # Negations and emptiness agree with what the user reads.
                self.assertEqual(
                    self.exchange in Log.search([("confidential_note", "not ilike", "17 percent")]), not allowed
                )
                self.assertEqual(self.exchange in Log.search([("confidential_note", "!=", False)]), allowed)
                self.assertEqual(self.exchange in Log.search([("confidential_note", "=", False)]), not allowed)
                rows = Log.search_read([("confidential_note", "ilike", "percent")], ["id"])
                self.assertEqual(self.exchange.id in [row["id"] for row in rows], allowed)

    def test_the_note_model_itself_is_guarded(self):
        note = self.env["exchange.confidential.note"].search([("exchange_id", "=", self.exchange.id)])
        self.assertEqual(len(note), 1)
        Note = self.env["exchange.confidential.note"].with_user(self.outsider)
        self.assertFalse(Note.search([]) & note)
        with self.assertRaises(AccessError):
            note.with_user(self.outsider).read(["note"])
        other = self._log(user=self.colleague)
        with self.assertRaises(AccessError):
            Note.create({"exchange_id": other.id, "note": "<p>graffiti</p>"})

    def test_outsider_cannot_write_the_note(self):
        with self.assertRaises(AccessError):
            self.exchange.with_user(self.outsider).write({"confidential_note": "<p>overwritten</p>"})

    def test_editor_who_may_not_read_the_note_cannot_overwrite_it(self):
        creator = self._new_user(
            "exc_creator", "delete", extra_groups="exchange_tracking.group_exchange_user_selection"
        )
        exchange = self._log(user=creator, user_id=self.colleague.id)
        exchange.with_user(self.colleague).confidential_note = "<p>Only mine</p>"
        self.assertFalse(exchange.with_user(creator).confidential_note)
        self.assertFalse(exchange.with_user(creator).confidential_access)
        with self.assertRaises(AccessError):
            exchange.with_user(creator).write({"confidential_note": "<p>overwritten</p>"})
        exchange.invalidate_recordset()
        self.assertIn("Only mine", exchange.with_user(self.colleague).confidential_note)

    def test_group_membership_decides(self):
        self.member.groups_id -= self.shared_group
        self.exchange.invalidate_recordset()
        self.assertFalse(self.exchange.with_user(self.member).confidential_note)
        self.member.groups_id += self.shared_group
        self.exchange.invalidate_recordset()
        self.assertIn(SECRET, self.exchange.with_user(self.member).confidential_note)

    def test_member_of_the_group_can_write_the_note(self):
        self.exchange.with_user(self.author).confidential_note = "<p>Updated by the author</p>"
        self.exchange.invalidate_recordset()
        self.assertIn("Updated by the author", self.exchange.with_user(self.member).confidential_note)

    def test_copy_does_not_leak_the_note(self):
        copy = self.exchange.with_user(self.author).copy()
        self.assertFalse(copy.with_user(self.see_all).confidential_note)

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import ExchangeTrackingCase


@tagged("post_install", "-at_install")
class TestAccessRights(ExchangeTrackingCase):
    """Each right of the issue, one by one."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.reader = cls._new_user("exc_reader", "read_own")
        cls.creator = cls._new_user("exc_creator_only", "create")
        cls.editor = cls._new_user("exc_editor", "create", "read_all")
        cls.editor_all = cls._new_user("exc_editor_all", "edit_all")
        cls.cleaner = cls._new_user("exc_cleaner", "edit_all", "delete")
        cls.viewer_all = cls._new_user("exc_viewer_all", "read_all")
        cls.manager = cls._new_user("exc_manager", "manager")
        cls.mine = cls._create_exchange(cls.author)
        cls.theirs = cls._create_exchange(cls.colleague)

    def _visible(self, user):
        return self.env["exchange.log"].with_user(user).search([("id", "in", (self.mine | self.theirs).ids)])

    def test_see_own(self):
        self.assertEqual(self._visible(self.author), self.mine)
        with self.assertRaises(AccessError):
            self.theirs.with_user(self.author).read(["name"])

    def test_own_includes_collaborations_and_followups(self):
        self.theirs.sudo().collaborator_ids = self.reader
        self.assertEqual(self._visible(self.reader), self.theirs)
        self.theirs.sudo().collaborator_ids = False
        self.assertFalse(self._visible(self.reader))
        self.mine.with_user(self.author).write(
            {"followup_datetime": self._in(days=1), "followup_user_id": self.reader.id}
        )
        self.assertEqual(self._visible(self.reader), self.mine)

    def test_create(self):
        with self.assertRaises(AccessError):
            self._log(user=self.reader)
        exchange = self._log(user=self.creator)
        self.assertEqual(exchange.user_id, self.creator)
        # Issue 16: as in Dolibarr, whoever creates exchanges edits his own, without another
        # right (before, "Create exchanges" alone could not edit them afterwards).
        exchange.with_user(self.creator).write({"direction": "incoming"})
        self.assertEqual(exchange.direction, "incoming")
        with self.assertRaises(AccessError):
            self.theirs.with_user(self.creator).write({"direction": "incoming"})
        # ... and deletes nothing without "Delete exchanges", not even his own.
        with self.assertRaises(AccessError):
            exchange.with_user(self.creator).unlink()

    def test_creator_edits_what_he_logged_for_a_colleague(self):
        logged = self._log(user=self.creator)
        logged.sudo().user_id = self.colleague  # what "choose the author" does
        logged.with_user(self.creator).write({"direction": "incoming"})
        self.assertEqual(logged.direction, "incoming")

    def test_edit_only_the_exchanges_one_authored(self):
        own = self._log(user=self.editor)
        own.with_user(self.editor).write({"direction": "incoming"})
        self.assertEqual(own.direction, "incoming")
        self.assertIn(self.theirs, self._visible(self.editor), "the editor sees all...")
        with self.assertRaises(AccessError):
            self.theirs.with_user(self.editor).write({"direction": "incoming"})

    def test_delete(self):
        with self.assertRaises(AccessError):
            self._log(user=self.editor).with_user(self.editor).unlink()
        other = self._log(user=self.author)
        with self.assertRaises(AccessError):
            other.with_user(self.colleague).unlink()
        other.with_user(self.author).unlink()
        self.assertFalse(other.exists())

    def test_see_all(self):
        self.assertEqual(self._visible(self.viewer_all), self.mine | self.theirs)
        with self.assertRaises(AccessError):
            self.theirs.with_user(self.viewer_all).write({"direction": "incoming"})

    def test_readers_may_comment(self):
        message = self.theirs.with_user(self.viewer_all).message_post(body="Called them too", message_type="comment")
        self.assertEqual(message.author_id, self.viewer_all.partner_id)

    def test_see_all_confidential(self):
        exchange = self._log(user=self.colleague, confidential_note="<p>Keep it quiet</p>")
        self.assertFalse(exchange.with_user(self.viewer_all).confidential_note)
        self.viewer_all.groups_id += self.env.ref("exchange_tracking.group_exchange_confidential")
        exchange.invalidate_recordset()
        self.assertIn("Keep it quiet", exchange.with_user(self.viewer_all).confidential_note)

    def test_edit_all_edits_every_exchange_but_deletes_none(self):
        self.theirs.with_user(self.editor_all).write({"direction": "incoming"})
        self.mine.with_user(self.editor_all).write({"direction": "incoming"})
        self.assertEqual((self.theirs | self.mine).mapped("direction"), ["incoming", "incoming"])
        for exchange in (self.theirs, self._log(user=self.editor_all)):
            with self.assertRaises(AccessError):
                exchange.with_user(self.editor_all).unlink()

    def test_delete_follows_edit(self):
        # "Delete exchanges" alone: one's own only; with "Edit all exchanges": every exchange.
        with self.assertRaises(AccessError):
            self.theirs.with_user(self.author).unlink()
        self.theirs.with_user(self.cleaner).unlink()
        self.assertFalse(self.theirs.exists())

    def test_edit_all_stays_out_of_confidential_notes(self):
        editor = self._new_user(
            "exc_editor_all_selecting", "edit_all", extra_groups="exchange_tracking.group_exchange_user_selection"
        )
        exchange = self._log(user=self.colleague, confidential_note="<p>Keep it quiet</p>")
        as_editor = exchange.with_user(editor)
        self.assertFalse(as_editor.confidential_note)
        as_editor.write({"description": "<p>Corrected by the office</p>"})
        with self.assertRaises(AccessError):
            as_editor.write({"confidential_note": "<p>Overwritten</p>"})
        with self.assertRaises(AccessError):
            as_editor.write({"user_id": editor.id})
        self.assertIn("Keep it quiet", exchange.with_user(self.colleague).confidential_note)

    def test_manager_edits_and_deletes_all(self):
        self.theirs.with_user(self.manager).write({"direction": "incoming"})
        self.theirs.with_user(self.manager).unlink()
        self.assertFalse(self.theirs.exists())

    def test_modes_and_subjects_are_configured_by_managers(self):
        with self.assertRaises(AccessError):
            self.env["exchange.mode"].with_user(self.author).create({"name": "Carrier pigeon"})
        mode = self.env["exchange.mode"].with_user(self.manager).create({"name": "Carrier pigeon"})
        self.assertIn(mode, self.env["exchange.mode"].with_user(self.reader).search([]))

    def test_portal_user_gets_nothing(self):
        portal = self.env["res.users"].create(
            {
                "name": "Portal Customer",
                "login": "exc_portal",
                "groups_id": [(6, 0, self.env.ref("base.group_portal").ids)],
            }
        )
        for model in ("exchange.log", "exchange.confidential.note"):
            with self.subTest(model=model), self.assertRaises(AccessError):
                self.env[model].with_user(portal).search([])


@tagged("post_install", "-at_install")
class TestMultiCompany(ExchangeTrackingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.company
        cls.company_b = cls.env["res.company"].create({"name": "Moulin du Sud SAS"})
        both = cls.company_a | cls.company_b
        cls.writer_b = cls._new_user("exc_writer_b", "delete", companies=cls.company_b)
        cls.exchange_a = cls._create_exchange(cls.author)
        cls.exchange_b = (
            cls.env["exchange.log"]
            .with_user(cls.writer_b)
            .with_company(cls.company_b)
            .create({"partner_id": cls.customer.id, "mode_id": cls.mode_phone.id})
            .with_env(cls.env)
        )
        cls.viewer_a = cls._new_user("exc_viewer_a", "read_all", companies=cls.company_a)
        cls.viewer_ab = cls._new_user("exc_viewer_ab", "read_all", companies=both)
        cls.all_companies_a = cls._new_user("exc_all_companies_a", "multi_company", companies=cls.company_a)

    def _visible(self, user, companies=None):
        Log = self.env["exchange.log"].with_user(user)
        if companies:
            Log = Log.with_context(allowed_company_ids=companies.ids)
        return Log.search([("id", "in", (self.exchange_a | self.exchange_b).ids)])

    def test_exchange_takes_the_current_company(self):
        self.assertEqual(self.exchange_a.company_id, self.company_a)
        self.assertEqual(self.exchange_b.company_id, self.company_b)

    def test_without_the_all_companies_right(self):
        self.assertEqual(self._visible(self.viewer_a), self.exchange_a)
        self.assertEqual(self._visible(self.writer_b), self.exchange_b)
        # A user of both companies sees the companies that are active in the switcher.
        self.assertEqual(self._visible(self.viewer_ab, self.company_a), self.exchange_a)
        self.assertEqual(
            self._visible(self.viewer_ab, self.company_a | self.company_b), self.exchange_a | self.exchange_b
        )
        with self.assertRaises(AccessError):
            self.exchange_b.with_user(self.viewer_a).read(["name"])

    def test_with_the_all_companies_right(self):
        self.assertEqual(self._visible(self.all_companies_a), self.exchange_a | self.exchange_b)
        self.exchange_b.with_user(self.all_companies_a).read(["name", "partner_id"])
        # Seeing is not editing.
        with self.assertRaises(AccessError):
            self.exchange_b.with_user(self.all_companies_a).write({"direction": "incoming"})

    def test_edit_all_stays_in_ones_companies(self):
        editor_a = self._new_user("exc_editor_all_a", "edit_all", "delete", companies=self.company_a)
        self.exchange_a.with_user(editor_a).write({"direction": "incoming"})
        with self.assertRaises(AccessError):
            self.exchange_b.with_user(editor_a).write({"direction": "incoming"})
        with self.assertRaises(AccessError):
            self.exchange_b.with_user(editor_a).unlink()

    def test_shared_exchanges_are_seen_by_every_company(self):
        self.company_b.exchange_shared = True
        shared = (
            self.env["exchange.log"]
            .with_user(self.writer_b)
            .with_company(self.company_b)
            .create({"partner_id": self.customer.id, "mode_id": self.mode_phone.id})
        )
        self.assertFalse(shared.company_id)
        self.assertIn(shared, self.env["exchange.log"].with_user(self.viewer_a).search([]))

    def test_confidential_note_follows_the_company(self):
        self.exchange_b.with_user(self.writer_b).confidential_note = "<p>B only</p>"
        see_all_a = self._new_user("exc_conf_a", "multi_company", "confidential", companies=self.company_a)
        self.assertFalse(self.exchange_b.with_user(see_all_a).confidential_note)

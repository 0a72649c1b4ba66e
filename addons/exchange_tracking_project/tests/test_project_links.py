from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestProjectLinks(TransactionCase):
    """Issue 16, item 2, on projects: an exchange linked to several documents ("Lier à…")."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create({"name": "Hôtel des Alpes", "is_company": True})
        groups = "project.group_project_user,exchange_tracking.group_exchange_"

        def user(login, right):
            return new_test_user(cls.env, login=login, groups=groups + right)

        cls.member = user("exc_link_member", "create")
        cls.reader = user("exc_link_reader", "read_all")
        cls.editor = user("exc_link_editor", "edit_all")
        cls.outsider = user("exc_link_outsider", "create")
        Project = cls.env["project.project"]
        cls.site = Project.create({"name": "Rénovation de la salle", "privacy_visibility": "employees"})
        cls.kitchen = Project.create({"name": "Cuisine", "privacy_visibility": "employees"})
        cls.secret = Project.create({"name": "Rachat confidentiel", "privacy_visibility": "followers"})

    def _log(self, user=None, **values):
        return (
            self.env["exchange.log"].with_user(user or self.member).create({"partner_id": self.customer.id, **values})
        )

    def _link(self, project):
        return [Command.create({"res_reference": f"project.project,{project.id}"})]

    def test_linked_projects_count_the_exchange_and_show_it_in_their_history(self):
        exchange = self._log(res_model="project.project", res_id=self.site.id, link_ids=self._link(self.kitchen))
        self.assertEqual(exchange.link_ids.res_reference, self.kitchen)
        # main document linked again: still counted once
        exchange.with_user(self.member).write({"link_ids": self._link(self.site)})
        for project in (self.site, self.kitchen):
            as_member = project.with_user(self.member)
            self.assertEqual(as_member.exchange_count, 1, project.name)
            found = self.env["exchange.log"].with_user(self.member).search(as_member.action_view_exchanges()["domain"])
            self.assertEqual(found, exchange)
            history = self.env["exchange.log"].with_user(self.member).get_history("project.project", project.id)
            self.assertIn(exchange.id, [entry["id"] for entry in history["entries"] if entry["type"] == "exchange"])
        # not the exchanges another user may not read (the count is cached per record, not per user)
        self.kitchen.invalidate_recordset(["exchange_count"])
        self.assertEqual(self.kitchen.with_user(self.outsider).exchange_count, 0)

    def test_a_document_one_may_not_read_cannot_be_linked(self):
        gone = self.env["project.project"].create({"name": "Ancien projet"})
        gone_id = gone.id
        gone.unlink()
        exchange = self._log()
        messages = {}
        for key, res_id in (("secret", self.secret.id), ("gone", gone_id)):
            for values in (
                {"link_ids": [Command.create({"res_model": "project.project", "res_id": res_id})]},
                {"link_ids": [Command.create({"res_reference": f"project.project,{res_id}"})]},
            ):
                with self.assertRaises(ValidationError) as caught:
                    exchange.with_user(self.member).write(values)
                messages[key] = str(caught.exception).replace(str(res_id), "N")
        self.assertEqual(messages["secret"], messages["gone"], "the same answer for forbidden and missing")
        self.assertNotIn("Rachat", messages["secret"])
        with self.assertRaises(ValidationError):
            self.env["exchange.log.link"].with_user(self.member).create(
                {"exchange_id": exchange.id, "res_model": "res.users", "res_id": self.member.id}
            )
        self.assertFalse(exchange.link_ids)

    def test_a_linked_document_name_is_not_leaked(self):
        exchange = self._log(link_ids=self._link(self.site))
        self.secret.message_post(body="Prix de rachat : 2 M€", message_type="comment", subtype_xmlid="mail.mt_note")
        # linked by a process running as superuser, to a project the member may not read
        exchange.with_env(self.env).write(
            {"link_ids": [Command.create({"res_model": "project.project", "res_id": self.secret.id})]}
        )
        links = exchange.with_user(self.member).link_ids
        self.assertEqual(len(links), 2)
        secret_link = links.filtered(lambda link: link.res_id == self.secret.id)
        self.assertFalse(secret_link.res_reference)
        self.assertNotIn("Rachat", secret_link.res_name)
        self.assertNotIn("Rachat", secret_link.display_name)
        rows = (
            self.env["exchange.log.link"]
            .with_user(self.member)
            .search_read([("id", "=", secret_link.id)], ["res_name"])
        )
        self.assertNotIn("Rachat", rows[0]["res_name"])
        events = exchange.with_user(self.member).document_events
        self.assertIn("Rénovation de la salle", events)
        self.assertNotIn("Rachat", events)
        self.assertNotIn("2 M€", events)
        with self.assertRaisesRegex(UserError, "does not exist anymore or you may not read it"):
            secret_link.action_open_document()

    def test_links_follow_the_rights_on_the_exchange(self):
        exchange = self._log(link_ids=self._link(self.site))
        link = exchange.link_ids
        # the outsider does not read the exchange: nor its links
        Link = self.env["exchange.log.link"]
        self.assertFalse(Link.with_user(self.outsider).search([("exchange_id", "=", exchange.id)]))
        with self.assertRaises(AccessError):
            link.with_user(self.outsider).read(["res_name"])
        # the reader reads them, but does not add, change or remove any
        self.assertEqual(Link.with_user(self.reader).search([("exchange_id", "=", exchange.id)]), link)
        with self.assertRaises(AccessError):
            Link.with_user(self.reader).create(
                {"exchange_id": exchange.id, "res_model": "project.project", "res_id": self.kitchen.id}
            )
        for user in (self.reader, self.outsider):
            with self.assertRaises(AccessError):
                Link.with_user(user).create(
                    {"exchange_id": exchange.id, "res_model": "project.project", "res_id": self.kitchen.id}
                )
            with self.assertRaises(AccessError):
                link.with_user(user).unlink()
            with self.assertRaises(AccessError):
                link.with_user(user).write({"res_id": self.kitchen.id})
        # a link of one's own exchange does not move to another
        other = self._log()
        with self.assertRaises(UserError):
            link.with_user(self.member).write({"exchange_id": other.id})
        # who edits every exchange edits the links of every exchange
        exchange.with_user(self.editor).write({"link_ids": self._link(self.kitchen)})
        link.with_user(self.editor).unlink()
        self.assertEqual(exchange.link_ids.res_reference, self.kitchen)

    def test_the_exchange_shows_the_last_events_of_its_documents(self):
        self.site.message_post(body="Réunion de lancement lundi", message_type="comment", subtype_xmlid="mail.mt_note")
        for number in range(7):
            self.kitchen.message_post(
                body=f"Note de cuisine {number}", message_type="comment", subtype_xmlid="mail.mt_note"
            )
        exchange = self._log(res_model="project.project", res_id=self.site.id, link_ids=self._link(self.kitchen))
        # the neutral note an exchange leaves where its author may post (a project manager)
        exchange.with_env(self.env)._post_on_document(self.site)
        self.assertIn(exchange.name, self.site.message_ids[0].body)
        events = exchange.with_user(self.member).document_events
        self.assertIn("Réunion de lancement lundi", events)
        self.assertIn("Note de cuisine 6", events)
        self.assertNotIn("Note de cuisine 1", events, "the last five events per document only")
        self.assertNotIn(exchange.name, events, "the notes linking back to exchanges are left out")
        self.assertLess(events.index("Rénovation de la salle"), events.index("Cuisine"), "the main document first")

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import ExchangeTrackingCase


@tagged("post_install", "-at_install")
class TestRelatedDocumentAccess(ExchangeTrackingCase):
    """Issue 13, item 6: the related document is read with the user's rights, never probed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "Minoterie du Nord SA"})
        cls.partner_b = cls.env["res.partner"].create({"name": "Secret Client of B", "company_id": cls.company_b.id})
        gone = cls.env["res.partner"].create({"name": "Deleted Client"})
        cls.gone_id = gone.id
        gone.unlink()

    def _refusal(self, res_model, res_id):
        with self.assertRaises(ValidationError) as caught:
            self._log(res_model=res_model, res_id=res_id)
        return str(caught.exception)

    def test_relating_a_forbidden_document_is_refused_as_a_missing_one(self):
        forbidden = self._refusal("res.partner", self.partner_b.id)
        missing = self._refusal("res.partner", self.gone_id)
        self.assertIn("does not exist or you may not read it", forbidden)
        self.assertEqual(forbidden.replace(str(self.partner_b.id), "N"), missing.replace(str(self.gone_id), "N"))
        self.assertNotIn("Secret Client", forbidden)
        # A record of a model the user may not read at all, such as the system parameters.
        parameter = self.env["ir.config_parameter"].search([], limit=1)
        self.assertIn("does not exist or you may not read it", self._refusal("ir.config_parameter", parameter.id))

    def test_document_of_a_company_not_enabled_is_refused(self):
        both = self._new_user("exc_both_companies", "delete", companies=self.company | self.company_b)
        Log = self.env["exchange.log"].with_user(both)
        vals = {"partner_id": self.customer.id, "res_model": "res.partner", "res_id": self.partner_b.id}
        with self.assertRaises(ValidationError):
            Log.with_context(allowed_company_ids=self.company.ids).create(vals)
        exchange = Log.with_context(allowed_company_ids=(self.company | self.company_b).ids).create(vals)
        self.assertEqual(exchange.res_name, "Secret Client of B")

    def test_name_of_a_document_the_reader_may_not_read(self):
        # Related by a process running as superuser: the author reads the exchange, not the client.
        exchange = self._log()
        exchange.sudo().write({"res_model": "res.partner", "res_id": self.partner_b.id})
        deleted = self._log()
        soon_gone = self.env["res.partner"].create({"name": "Client leaving soon"})
        deleted.sudo().write({"res_model": "res.partner", "res_id": soon_gone.id})
        soon_gone.unlink()
        names = {}
        for record, res_id in ((exchange, self.partner_b.id), (deleted, soon_gone.id)):
            mine = record.with_user(self.author)
            names[record] = mine.res_name.replace(str(res_id), "N")
            self.assertFalse(mine.res_reference)
            with self.assertRaisesRegex(UserError, "does not exist anymore or you may not read it"):
                mine.action_open_document()
        self.assertEqual(names[exchange], names[deleted], "the same answer for missing and forbidden")
        self.assertNotIn("Secret Client", names[exchange])
        rows = self.env["exchange.log"].with_user(self.author).search_read([("id", "=", exchange.id)], ["res_name"])
        self.assertNotIn("Secret Client", rows[0]["res_name"])
        self.assertEqual(exchange.sudo().res_name, "Secret Client of B")

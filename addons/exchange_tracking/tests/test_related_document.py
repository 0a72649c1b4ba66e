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


@tagged("post_install", "-at_install")
class TestRelatedDocumentPickedByHand(ExchangeTrackingCase):
    """Issue 14, item 2: the related document picked in the form saves, among business kinds only."""

    def _offered_kinds(self, user):
        description = self.env["exchange.log"].with_user(user).fields_get(["res_reference"])["res_reference"]
        return dict(description["selection"])

    def test_only_business_documents_are_offered(self):
        kinds = self._offered_kinds(self.author)
        mixin = self.env.registry["exchange.document.mixin"]
        for model in kinds:
            self.assertTrue(issubclass(self.env.registry[model], mixin), f"{model} is not a declared document")
        # Technical models with a chatter were offered before (about 35 of them); the partner is
        # the exchange's own field.
        for model in ("res.partner", "res.users", "product.template", "mail.blacklist", "res.company"):
            self.assertNotIn(model, kinds)

    def test_bad_reference_over_rpc_gets_a_clear_error(self):
        for reference, message in (
            (f"res.users,{self.author.id}", "is not a kind of document you can pick"),
            ("no such thing", "is not a kind of document you can pick"),
            (f"res.partner,{self.customer.id}", "is not a kind of document you can pick"),
        ):
            with self.subTest(reference=reference), self.assertRaisesRegex(ValidationError, message):
                self._log(res_reference=reference)

    def test_failed_save_keeps_the_next_number(self):
        sequence = self.env.ref("exchange_tracking.seq_exchange_log")
        next_number = sequence.number_next_actual
        outsider = self.env["res.company"].create({"name": "Outsider SAS"})
        unreadable = self.env["res.partner"].create({"name": "Not Yours", "company_id": outsider.id})
        for _attempt in range(2):
            with self.assertRaises(ValidationError):
                self._log(res_model="res.partner", res_id=unreadable.id)
            sequence.invalidate_recordset()
            self.assertEqual(sequence.number_next_actual, next_number, "a failed save consumed a number")
        exchange = self._log()
        self.assertEqual(exchange.name, sequence.get_next_char(next_number))

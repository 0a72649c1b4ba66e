from datetime import timedelta

from odoo import Command, fields
from odoo.tests import TransactionCase, new_test_user

GROUP_PREFIX = "exchange_tracking.group_exchange_"


class ExchangeTrackingCase(TransactionCase):
    """Partners, users of each right and helpers; independent of demo data."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.customer = cls.env["res.partner"].create({"name": "Boulangerie Martin", "is_company": True})
        cls.contact = cls.env["res.partner"].create(
            {"name": "Claire Martin", "parent_id": cls.customer.id, "email": "claire@boulangerie-martin.example"}
        )
        cls.mode_phone = cls.env.ref("exchange_tracking.exchange_mode_phone")
        cls.mode_meeting = cls.env.ref("exchange_tracking.exchange_mode_meeting")
        cls.subject_followup = cls.env.ref("exchange_tracking.exchange_subject_customer_followup")
        cls.author = cls._new_user("exc_author", "delete")
        cls.colleague = cls._new_user("exc_colleague", "delete")

    @classmethod
    def _new_user(cls, login, *rights, companies=None, extra_groups=""):
        groups = ["base.group_user", *(GROUP_PREFIX + right for right in rights)]
        if extra_groups:
            groups.append(extra_groups)
        companies = companies or cls.company
        return new_test_user(
            cls.env,
            login=login,
            groups=",".join(groups),
            company_id=companies[0].id,
            company_ids=[Command.set(companies.ids)],
            tz="Europe/Paris",
        )

    @classmethod
    def _create_exchange(cls, user, **values):
        vals = {
            "partner_id": cls.customer.id,
            "mode_id": cls.mode_phone.id,
            "subject_id": cls.subject_followup.id,
            "description": "<p>Talked about the spring order.</p>",
        }
        vals.update(values)
        return cls.env["exchange.log"].with_user(user).create(vals)

    def _log(self, user=None, **values):
        """Log an exchange as ``user`` (default: the author)."""
        return self._create_exchange(user or self.author, **values)

    @staticmethod
    def _in(**delta):
        """A datetime to come, without microseconds (as stored)."""
        return fields.Datetime.now().replace(microsecond=0) + timedelta(**delta)

"""The customer's link to pay an invoice online: Odoo's own invoice portal page with its access
token, where ``account_payment`` shows the payment providers ("Pay now")."""

from urllib.parse import urljoin

from odoo import models
from odoo.tools import SQL


class AccountMove(models.Model):
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    def _dunning_ensure_access_tokens(self):
        """Give the invoices of ``self`` that have no access token one, in one UPDATE.

        ``_portal_ensure_token`` writes the invoices one by one when a template asks for their
        link: on a batch of reminders that is one write per invoice. The engine calls this on
        the batch's invoices before rendering, so the templates only read the tokens.
        """
        if not self:
            return
        self.flush_model(["access_token"])
        self.env.cr.execute(
            SQL(
                "UPDATE account_move SET access_token = gen_random_uuid()::varchar"
                " WHERE id = ANY(%s) AND access_token IS NULL",
                self.ids,
            )
        )
        self.invalidate_recordset(["access_token"])

    def _dunning_pay_url(self):
        """Absolute link of the invoice's portal page with its access token: the customer sees
        and pays the invoice without an account, as from Odoo's own invoice email."""
        self.ensure_one()
        return urljoin(self.get_base_url(), self.get_portal_url())

"""The customer's side of dunning: /my/dunning lists the logged-in customer's open invoices
(each with its link to pay it online), the reminders it received (letters to download), its
promises to pay and its disputes, and lets it record a promise or dispute an invoice.

Portal users have no access right on ``dunning.run.line`` nor ``dunning.promise``, and
``account.move``'s portal rule only shows the invoices they follow: the controller reads them
with ``sudo()``, always on a domain or after a check bound to the logged-in user's commercial
partner (``_dunning_customer``). Nothing a portal user sends chooses whose records are read.
"""

import math

from odoo import fields, http
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.exceptions import UserError, ValidationError
from odoo.http import request


class DunningCustomerPortal(CustomerPortal):
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "dunning_count" in counters:
            values["dunning_count"] = len(self._dunning_reminders())
        return values

    # ------------------------------------------------------------------
    # What the logged-in customer may see
    # ------------------------------------------------------------------

    @staticmethod
    def _dunning_customer():
        """The commercial partner of the logged-in user: the only customer this page serves."""
        return request.env.user.partner_id.commercial_partner_id

    def _dunning_open_invoices(self):
        """The customer's posted invoices with something left to pay, oldest due first."""
        # sudo: the portal rule of account.move only shows the invoices the user follows; the
        # domain restricts the search to the logged-in customer's own invoices
        return (
            request.env["account.move"]
            .sudo()
            .search(
                [
                    ("commercial_partner_id", "=", self._dunning_customer().id),
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "posted"),
                    ("payment_state", "in", ("not_paid", "partial")),
                    ("amount_residual", ">", 0),
                ],
                order="invoice_date_due, id",
            )
        )

    def _dunning_reminders(self):
        """The reminders sent to the customer (done run lines), newest first."""
        # sudo: portal users have no right on run lines; the domain keeps the customer's own
        return (
            request.env["dunning.run.line"]
            .sudo()
            .search(
                [("partner_id", "child_of", self._dunning_customer().id), ("state", "=", "done")],
                order="date desc, id desc",
            )
        )

    def _dunning_promises(self):
        # sudo: portal users have no right on promises; the domain keeps the customer's own
        return request.env["dunning.promise"].sudo().search([("partner_id", "=", self._dunning_customer().id)])

    def _dunning_disputes(self):
        # sudo: as _dunning_open_invoices, on the customer's own invoices only
        return (
            request.env["account.move"]
            .sudo()
            .search(
                [
                    ("commercial_partner_id", "=", self._dunning_customer().id),
                    ("move_type", "=", "out_invoice"),
                    ("dunning_dispute", "=", True),
                ],
                order="dunning_dispute_date desc, id desc",
            )
        )

    def _dunning_own_invoices(self, invoice_ids):
        """The open invoices of ``invoice_ids`` (strings from a form), or a UserError when one
        of them is not an open invoice of the logged-in customer."""
        try:
            ids = {int(invoice_id) for invoice_id in invoice_ids}
        except (TypeError, ValueError) as error:
            raise UserError(request.env._("Choose invoices from the list.")) from error
        invoices = self._dunning_open_invoices().filtered(lambda move: move.id in ids)
        if len(invoices) != len(ids):
            raise UserError(request.env._("You can only choose your own open invoices."))
        return invoices

    # ------------------------------------------------------------------
    # Pages
    # ------------------------------------------------------------------

    def _dunning_page_values(self, **values):
        customer = self._dunning_customer()
        invoices = self._dunning_open_invoices()
        # the pay link of each invoice is its portal page with its access token (made at once)
        invoices._dunning_ensure_access_tokens()
        return self._prepare_portal_layout_values() | {
            "page_name": "dunning",
            "customer": customer,
            "invoices": invoices,
            "reminders": self._dunning_reminders(),
            "promises": self._dunning_promises(),
            "disputes": self._dunning_disputes(),
            "today": fields.Date.context_today(request.env.user),
            "error": None,
            "message": None,
            "form": {},
            **values,
        }

    @http.route("/my/dunning", type="http", auth="user", website=True, methods=["GET"])
    def portal_my_dunning(self, message=None, **kwargs):
        messages = {
            "promise": request.env._("Thank you: your promise to pay is recorded."),
            "dispute": request.env._("Your dispute is recorded: we will contact you."),
        }
        return request.render(
            "dunning_strategy.portal_my_dunning", self._dunning_page_values(message=messages.get(message))
        )

    @http.route("/my/dunning/letter/<int:line_id>", type="http", auth="user", website=True, methods=["GET"])
    def portal_my_dunning_letter(self, line_id, **kwargs):
        # sudo: portal users have no right on run lines nor on their attachments; the line must
        # be one of the reminders sent to the logged-in customer, else it does not exist for him
        line = request.env["dunning.run.line"].sudo().browse(line_id).exists()
        if not line or line not in self._dunning_reminders() or not line.letter_attachment_id:
            raise request.not_found()
        attachment = line.letter_attachment_id
        return request.make_response(
            attachment.raw,
            headers=[
                ("Content-Type", "application/pdf"),
                ("Content-Disposition", http.content_disposition(attachment.name)),
            ],
        )

    @http.route("/my/dunning/promise", type="http", auth="user", website=True, methods=["POST"])
    def portal_my_dunning_promise(self, date=None, amount=None, note=None, **kwargs):
        if "dunning.promise" not in request.env:
            raise request.not_found()
        invoice_ids = request.httprequest.form.getlist("invoice_ids")
        form = {"date": date, "amount": amount, "note": note, "invoice_ids": invoice_ids}
        try:
            vals = self._dunning_promise_vals(date, amount, note, invoice_ids)
            # sudo: portal users have no right on promises; every invoice was checked to be an
            # open invoice of the logged-in customer, and the promise is that customer's
            request.env["dunning.promise"].sudo().create(vals)
        except (UserError, ValidationError) as error:
            return request.render(
                "dunning_strategy.portal_my_dunning",
                self._dunning_page_values(error=error.args[0], form=form),
            )
        return request.redirect("/my/dunning?message=promise")

    def _dunning_promise_vals(self, date, amount, note, invoice_ids):
        env = request.env
        invoices = self._dunning_own_invoices(invoice_ids)
        if not invoices:
            raise UserError(env._("Choose the invoices you promise to pay."))
        if len(invoices.company_id) > 1:
            raise UserError(env._("Choose invoices of one company at a time."))
        try:
            promised_date = fields.Date.to_date(date) if date else None
        except ValueError:
            promised_date = None
        if not promised_date:
            raise UserError(env._("Enter the date of your payment."))
        if promised_date < fields.Date.context_today(env.user):
            raise UserError(env._("The date of your payment cannot be in the past."))
        try:
            promised_amount = float((amount or "").replace(",", ".").replace(" ", ""))
        except ValueError as error:
            raise UserError(env._("Enter the amount you will pay, as a number.")) from error
        if not math.isfinite(promised_amount) or promised_amount <= 0:
            raise UserError(env._("The amount you will pay must be greater than zero."))
        return {
            "partner_id": self._dunning_customer().id,
            "company_id": invoices.company_id.id,
            "invoice_ids": [fields.Command.set(invoices.ids)],
            "date": promised_date,
            "amount": promised_amount,
            "note": (note or "").strip() or False,
            "user_id": env.user.id,
            "origin": "portal",
        }

    def _dunning_dispute_responsible(self, invoice):
        """Who settles a dispute opened on the portal: the invoice's salesperson, else the
        customer's, else the responsible of the company's dunning strategy, else the
        administrator; never the portal user (the method's last default)."""
        invoice = invoice.sudo()
        candidates = (
            invoice.invoice_user_id
            | invoice.commercial_partner_id.user_id
            | invoice.company_id.dunning_strategy_id.responsible_id
        )
        internal = [user for user in candidates if not user.share]
        return internal[0] if internal else invoice.env.ref("base.user_admin")

    @http.route("/my/dunning/dispute", type="http", auth="user", website=True, methods=["POST"])
    def portal_my_dunning_dispute(self, invoice_id=None, reason=None, **kwargs):
        if "dunning_dispute" not in request.env["account.move"]._fields:
            raise request.not_found()
        form = {"dispute_invoice_id": invoice_id, "reason": reason}
        try:
            invoice = self._dunning_own_invoices([invoice_id] if invoice_id else [])
            if not invoice:
                raise UserError(request.env._("Choose the invoice you dispute."))
            reason = (reason or "").strip()
            if not reason:
                raise UserError(request.env._("Tell us why you dispute this invoice."))
            if invoice.dunning_dispute:
                raise UserError(request.env._("This invoice is already in dispute."))
            # sudo: the invoice was checked to be an open invoice of the logged-in customer
            invoice.sudo()._dunning_open_dispute(reason, user=self._dunning_dispute_responsible(invoice))
        except (UserError, ValidationError) as error:
            return request.render(
                "dunning_strategy.portal_my_dunning",
                self._dunning_page_values(error=error.args[0], form=form),
            )
        return request.redirect("/my/dunning?message=dispute")

import contextlib

from odoo import api, models
from odoo.exceptions import UserError


class DunningQuotationEmailPreview(models.AbstractModel):
    """What the two quotation follow-up wizards share: whether the quotation already got a
    follow-up e-mail today, and the e-mail of the chosen step rendered for it.

    The models that inherit it declare ``sale_order_id``, ``step_id``, ``emailed_today``,
    ``email_subject`` and ``email_body`` with their own attributes: editable in the one-quotation
    wizard, a preview on the lines of the mass follow-up."""

    _name = "dunning.quotation.email.preview"
    _description = "Quotation Follow-up Email Preview"

    @api.depends("sale_order_id")
    def _compute_emailed_today(self):
        # said of the quotations the user may read only
        orders = self.sale_order_id._origin._filtered_access("read")
        emailed = self.env["dunning.kind.quotation"]._quotations_emailed_today(orders)
        for record in self:
            record.emailed_today = record.sale_order_id._origin in emailed

    @api.depends("sale_order_id", "step_id")
    def _compute_email(self):
        kind = self.env["dunning.kind.quotation"]
        for record in self:
            subject = body = False
            # not allowed or not renderable: nothing to show; sending says why
            if record.sale_order_id and record.step_id:
                with contextlib.suppress(UserError):
                    subject, body = kind._render_quotation_email(record.step_id._origin, record.sale_order_id._origin)
            record.email_subject = subject
            record.email_body = body

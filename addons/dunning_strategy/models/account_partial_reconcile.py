from odoo import api, models


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    @api.model_create_multi
    def create(self, vals_list):
        """A payment reconciled with promised invoices may keep their promise: checked for the
        reconciled invoices only, in one query (``dunning.promise._dunning_update_kept``)."""
        partials = super().create(vals_list)
        moves = (partials.debit_move_id | partials.credit_move_id).move_id.filtered(
            lambda move: move.move_type == "out_invoice"
        )
        if moves:
            # superuser: whoever reconciles (an accountant, the bank import) keeps the promise;
            # the promise's state is engine-owned (dunning.promise.write)
            self.env["dunning.promise"].sudo()._dunning_update_kept(moves)
        return partials

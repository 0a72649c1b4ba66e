"""French late fees of a reminder (``tools.late_fees``): computed with the batch's documents,
stored on the line, and invoiced by the engine's late-fee channel."""

from odoo import Command, api, models
from odoo.tools import format_amount

from ..tools.late_fees import compute_late_fees


class DunningDocument(models.AbstractModel):
    _inherit = "dunning.document"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _set_late_fees(self, lines):
        """Store the French late fees of each line at its run date; ``{line: LateFees}``."""
        fees = {}
        for line in lines:
            line_fees = self._compute_late_fees(line)
            if line_fees is None:
                continue
            fees[line] = line_fees
            line.write(
                {
                    "late_fee_indemnity": float(line_fees.indemnity_total),
                    "late_fee_interest": float(line_fees.interest_total),
                }
            )
        return fees

    @api.model
    def _compute_late_fees(self, line):
        """French late fees of the invoices of ``line`` at its run date (``tools.late_fees``), in
        the company currency; None when its strategy claims none. All zero for an individual
        (a customer that is not a company)."""
        strategy = line.run_id.strategy_id
        if not strategy.late_fees:
            return None
        return compute_late_fees(
            [
                {"residual": move.amount_residual_signed, "due_date": move.invoice_date_due, "move": move}
                for move in line.move_ids
                if move.invoice_date_due
            ],
            line.date,
            strategy.late_interest_rate,
            is_company=line.partner_id.is_company,
            indemnity=strategy.late_fee_indemnity,
        )

    @api.model
    def _prepare_fee_invoice_vals(self, line, fee_lines):
        """Values of the draft invoice of the late fees ``fee_lines`` (``InvoiceLateFee`` of
        ``tools.late_fees``) of a run line: one line for the indemnities, one per invoice for
        the interest, with the strategy's product."""
        strategy = line.run_id.strategy_id
        product = strategy.late_fee_product_id
        currency = line.currency_id
        lang = self.env["dunning.letter.template"]._letter_lang(line)
        Document = self.with_context(lang=lang)
        invoice_lines = []
        with_indemnity = [fee for fee in fee_lines if fee.indemnity]
        if with_indemnity:
            invoice_lines.append(
                Command.create(
                    {
                        "product_id": product.id,
                        "name": Document.env._(
                            "Fixed recovery indemnity (art. D441-5 of the French Commercial Code): %(invoices)s",
                            invoices=", ".join(fee.invoice["move"].name for fee in with_indemnity),
                        ),
                        "quantity": len(with_indemnity),
                        "price_unit": float(with_indemnity[0].indemnity),
                    }
                )
            )
        for fee in fee_lines:
            if not fee.interest:
                continue
            invoice_lines.append(
                Command.create(
                    {
                        "product_id": product.id,
                        "name": Document.env._(
                            "Late-payment interest at %(rate)s%% a year (art. L441-10 of the French Commercial Code): "
                            "%(invoice)s, %(days)s days late on %(residual)s",
                            rate=strategy.late_interest_rate,
                            invoice=fee.invoice["move"].name,
                            days=fee.days_late,
                            residual=format_amount(Document.env, float(fee.residual), currency),
                        ),
                        "quantity": 1,
                        "price_unit": float(fee.interest),
                    }
                )
            )
        return {
            "move_type": "out_invoice",
            "partner_id": line.partner_id.id,
            "company_id": line.company_id.id,
            "currency_id": currency.id,
            "invoice_origin": line.run_id.name,
            "invoice_line_ids": invoice_lines,
        }

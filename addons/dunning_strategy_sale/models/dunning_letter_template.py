from odoo import models


class DunningLetterTemplate(models.Model):
    """A letter template may also be the letter of a quotation follow-up step
    (``dunning.strategy.step.quotation_letter_template_id``): it then sees the quotation."""

    _inherit = "dunning.letter.template"

    def _prepare_letter_values(self, line, fees):
        values = super()._prepare_letter_values(line, fees)
        # the quotation followed up (empty on invoice reminders); the Dolibarr placeholders
        # (__REF_PROPAL__...) are replaced in the rendered letter too
        values["quotation"] = line.sale_order_id
        return values

from odoo import api, models
from odoo.exceptions import ValidationError


class DunningStrategyStep(models.Model):
    _inherit = "dunning.strategy.step"

    @api.constrains("mail_template_id", "strategy_id")
    def _check_quotation_template(self):
        """A quotation step is chosen as "the template" of a follow-up: its email template is the
        text of both the email and the letter, so it cannot be empty."""
        for step in self:
            if step.strategy_id.scope == "quotation" and not step.mail_template_id:
                raise ValidationError(
                    self.env._(
                        "The step %(step)s follows up quotations: choose its email template, which is also "
                        "the text of its letters.",
                        step=step.name,
                    )
                )

    def _quotation_next_step(self):
        """The step after this one in its strategy, or an empty recordset."""
        self.ensure_one()
        return self.strategy_id.step_ids.filtered(lambda s: s.level == self.level + 1)[:1]

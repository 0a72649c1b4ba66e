from odoo import api, fields, models
from odoo.exceptions import ValidationError


class DunningStrategyStep(models.Model):
    """What a step of a quotation strategy adds: the quotation attached to its emails, and a
    letter text of its own (a ``dunning.letter.template``, as invoice steps have)."""

    _inherit = "dunning.strategy.step"

    attach_quotation = fields.Boolean(
        string="Attach the Quotation",
        default=True,
        help="Quotation follow-ups: the email carries the quotation's PDF, printed when the email is sent. "
        "Untick to send the text alone.",
    )
    quotation_letter_template_id = fields.Many2one(
        "dunning.letter.template",
        string="Quotation Letter Template",
        check_company=True,
        help="Quotation follow-ups: the text of this step's letters (followed by the quotation). Empty: the "
        "email template is also the letter's text.",
    )

    @api.constrains("mail_template_id", "strategy_id")
    def _check_quotation_template(self):
        """A quotation step is chosen as "the template" of a follow-up: its email template is the
        text of the email (and of the letter, without a letter template), so it cannot be empty."""
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

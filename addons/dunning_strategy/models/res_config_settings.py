from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .dunning_engine import DEFAULT_BATCH_SIZE


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    dunning_strategy_id = fields.Many2one(
        related="company_id.dunning_strategy_id",
        readonly=False,
        domain="[('company_id', '=', company_id)]",
    )
    dunning_digest = fields.Boolean(related="company_id.dunning_digest", readonly=False)
    dunning_digest_user_ids = fields.Many2many(
        related="company_id.dunning_digest_user_ids",
        readonly=False,
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
    )
    dunning_batch_size = fields.Integer(
        string="Dunning Batch Size",
        config_parameter="dunning_strategy.batch_size",
        default=DEFAULT_BATCH_SIZE,
        help="Customers processed per batch; in automatic runs each batch is committed on its own.",
    )
    dunning_cron_active = fields.Boolean(
        string="Automatic Dunning Runs",
        help="Run the automatic strategies on their days, from their time (scheduled action "
        "'Dunning: scheduled runs', every hour).",
    )

    @api.constrains("dunning_batch_size")
    def _check_dunning_settings(self):
        for settings in self:
            if settings.dunning_batch_size < 1:
                raise ValidationError(self.env._("The dunning batch size must be at least 1."))

    @api.model
    def get_values(self):
        res = super().get_values()
        cron = self._dunning_cron()
        if cron:
            res.update(dunning_cron_active=cron.active)
        return res

    def set_values(self):
        res = super().set_values()
        cron = self._dunning_cron()
        if cron and cron.active != self.dunning_cron_active:
            cron.active = self.dunning_cron_active
        return res

    @api.model
    def _dunning_cron(self):
        # sudo: scheduled actions are only readable by administrators, like these settings
        cron = self.env.ref("dunning_strategy.ir_cron_dunning_run", raise_if_not_found=False)
        return cron.sudo() if cron else self.env["ir.cron"]

from datetime import datetime, time, timedelta

import pytz

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
    dunning_batch_size = fields.Integer(
        string="Dunning Batch Size",
        config_parameter="dunning_strategy.batch_size",
        default=DEFAULT_BATCH_SIZE,
        help="Customers processed per batch; in automatic runs each batch is committed on its own.",
    )
    dunning_cron_active = fields.Boolean(
        string="Automatic Dunning Runs",
        help="Run the automatic strategies every day (scheduled action 'Dunning: daily run').",
    )
    dunning_cron_time = fields.Float(
        string="Time of the Daily Run",
        help="Time of day, in your timezone, at which the automatic runs start.",
    )

    @api.constrains("dunning_batch_size", "dunning_cron_time")
    def _check_dunning_settings(self):
        for settings in self:
            if settings.dunning_batch_size < 1:
                raise ValidationError(self.env._("The dunning batch size must be at least 1."))
            if not 0 <= settings.dunning_cron_time < 24:
                raise ValidationError(self.env._("The time of the daily run must be between 00:00 and 23:59."))

    @api.model
    def get_values(self):
        res = super().get_values()
        cron = self._dunning_cron()
        if cron:
            res.update(dunning_cron_active=cron.active, dunning_cron_time=self._dunning_time_of(cron.nextcall))
        return res

    def set_values(self):
        super().set_values()
        cron = self._dunning_cron()
        if not cron:
            return
        vals = {}
        if cron.active != self.dunning_cron_active:
            vals["active"] = self.dunning_cron_active
        # only move the next call when the time changed: saving other settings keeps it
        if round(self._dunning_time_of(cron.nextcall) * 60) != round(self.dunning_cron_time * 60):
            vals["nextcall"] = self._dunning_next_call(self.dunning_cron_time)
        if vals:
            cron.write(vals)

    @api.model
    def _dunning_cron(self):
        # sudo: scheduled actions are only readable by administrators, like these settings
        cron = self.env.ref("dunning_strategy.ir_cron_dunning_run", raise_if_not_found=False)
        return cron.sudo() if cron else self.env["ir.cron"]

    @api.model
    def _dunning_tz(self):
        return pytz.timezone(self.env.user.tz or "UTC")

    @api.model
    def _dunning_time_of(self, utc_datetime):
        """Time of day of a UTC datetime in the user's timezone, as hours (8.5 for 08:30)."""
        local = pytz.utc.localize(utc_datetime).astimezone(self._dunning_tz())
        return local.hour + local.minute / 60.0

    @api.model
    def _dunning_next_call(self, hours, now=None):
        """Next UTC datetime (naive, as stored) at which the user's local clock shows ``hours``."""
        tz = self._dunning_tz()
        now = now or fields.Datetime.now()
        local_now = pytz.utc.localize(now).astimezone(tz)
        minutes = round(hours * 60)
        at = time(minutes // 60 % 24, minutes % 60)
        candidate = tz.localize(datetime.combine(local_now.date(), at))
        if candidate <= local_now:
            candidate = tz.localize(datetime.combine(local_now.date() + timedelta(days=1), at))
        return candidate.astimezone(pytz.utc).replace(tzinfo=None)

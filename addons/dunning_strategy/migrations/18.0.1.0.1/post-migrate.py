from datetime import datetime, timedelta

import pytz

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """The daily scheduled action becomes hourly, each strategy running from its own time.

    The cron record is noupdate: an upgrade would keep it daily. The time at which it ran is kept
    as the time of every strategy (in its company's time zone), so that nothing moves.
    """
    env = api.Environment(cr, SUPERUSER_ID, {})
    cron = env.ref("dunning_strategy.ir_cron_dunning_run", raise_if_not_found=False)
    if not cron or cron.interval_type != "days":
        return
    for strategy in env["dunning.strategy"].with_context(active_test=False).search([]):
        tz = pytz.timezone(strategy.company_id.partner_id.tz or cron.user_id.tz or "UTC")
        local = pytz.utc.localize(cron.nextcall).astimezone(tz)
        strategy.run_time = local.hour + local.minute / 60
    next_hour = datetime.now().replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    cron.write(
        {"name": "Dunning: scheduled runs", "interval_number": 1, "interval_type": "hours", "nextcall": next_hour}
    )

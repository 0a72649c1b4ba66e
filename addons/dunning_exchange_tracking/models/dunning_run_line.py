from odoo import fields, models


class DunningRunLine(models.Model):
    """A reminder lists the calls that logged its call activity."""

    _inherit = "dunning.run.line"

    # read with the user's rights: the record rules of exchange tracking decide which calls he sees
    exchange_log_ids = fields.One2many(
        "exchange.log",
        "dunning_run_line_id",
        string="Calls",
        groups="exchange_tracking.group_exchange_read_own",
        help="The reminder's call, logged as an exchange, with its outcome.",
    )

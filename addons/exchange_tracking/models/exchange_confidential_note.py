from odoo import fields, models
from odoo.exceptions import UserError


class ExchangeConfidentialNote(models.Model):
    """The confidential comment of one exchange, kept apart from the exchange.

    The note lives in its own table so that record rules decide, per record, who may
    read it: the exchange's author, the note's writer, the members of the group the
    exchange shares it with, and the "see all confidential comments" group.
    ``exchange.log.confidential_note`` is a non-stored field computed through this model
    with the current user's rights, so read, search_read, web_read, export_data and
    searching on the note all return nothing to anyone else.
    """

    _name = "exchange.confidential.note"
    _description = "Confidential Note of an Exchange"
    _order = "id"

    exchange_id = fields.Many2one("exchange.log", required=True, index=True, ondelete="cascade")
    note = fields.Html(string="Confidential Note")
    # Stored copies of the exchange's fields, read by the record rules.
    author_id = fields.Many2one(related="exchange_id.user_id", store=True, index=True)
    group_id = fields.Many2one(related="exchange_id.confidential_group_id", store=True)
    company_id = fields.Many2one(related="exchange_id.company_id", store=True, index=True)

    _sql_constraints = [
        ("exchange_uniq", "unique(exchange_id)", "An exchange has only one confidential note."),
    ]

    def write(self, vals):
        if "exchange_id" in vals and any(note.exchange_id.id != vals["exchange_id"] for note in self):
            raise UserError(self.env._("A confidential note cannot be moved to another exchange."))
        return super().write(vals)

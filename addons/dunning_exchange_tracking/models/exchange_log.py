from odoo import fields, models
from odoo.tools import format_datetime


class ExchangeLog(models.Model):
    _inherit = "exchange.log"

    def _dunning_timeline_entry(self):
        """This exchange as an entry of the customer's timeline on the dunning follow-up page."""
        self.ensure_one()
        direction = dict(self._fields["direction"]._description_selection(self.env)).get(self.direction)
        status = status_class = ""
        if self.followup_datetime and self.followup_state == "planned":
            status = self.env._(
                "Follow-up on %(date)s",
                date=format_datetime(self.env, self.followup_datetime, dt_format="short"),
            )
            status_class = "danger" if self.followup_datetime < fields.Datetime.now() else "info"
        return {
            "key": f"exchange-{self.id:010d}",
            "sort_key": self.date,
            "when": format_datetime(self.env, self.date, dt_format="short"),
            "kind": self.mode_id.name or self.env._("Exchange"),
            "icon": self.mode_id.icon or "fa-comments",
            "title": " · ".join(part for part in (self.name, self.subject_id.name, direction) if part),
            "details": self.description_short or "",
            # the author's name, as the exchange history shows it: a reader of the exchange may
            # not read users of other companies
            "author": self.user_id.sudo().name or "",
            "status": status,
            "status_class": status_class,
            "url": f"/odoo/exchange.log/{self.id}",
        }

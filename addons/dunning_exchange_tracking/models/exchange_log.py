from odoo import fields, models
from odoo.tools import format_date, format_datetime, formatLang

# the colour of a call's outcome in the timeline
OUTCOME_CLASSES = {
    "reached": "info",
    "no_answer": "secondary",
    "promise": "success",
    "dispute": "warning",
    "wrong_contact": "danger",
}


class ExchangeLog(models.Model):
    _inherit = "exchange.log"

    def _dunning_outcome_label(self):
        return dict(self._fields["dunning_outcome"]._description_selection(self.env)).get(self.dunning_outcome, "")

    def _dunning_timeline_entry(self):
        """This exchange as an entry of the customer's timeline on the dunning follow-up page."""
        self.ensure_one()
        direction = dict(self._fields["direction"]._description_selection(self.env)).get(self.direction)
        status = status_class = ""
        outcome = self._dunning_outcome_label()
        if self.followup_datetime and self.followup_state == "planned":
            status = self.env._(
                "Follow-up on %(date)s",
                date=format_datetime(self.env, self.followup_datetime, dt_format="short"),
            )
            status_class = "danger" if self.followup_datetime < fields.Datetime.now() else "info"
        elif outcome:
            # the outcome of a reminder call is the badge, unless a follow-up takes it
            status, status_class, outcome = outcome, OUTCOME_CLASSES[self.dunning_outcome], ""
            promise = self.dunning_promise_id
            if promise and promise.has_access("read"):
                status = self.env._(
                    "Promise to pay %(amount)s on %(date)s",
                    amount=formatLang(self.env, promise.amount, currency_obj=promise.currency_id),
                    date=format_date(self.env, promise.date),
                )
        return {
            "key": f"exchange-{self.id:010d}",
            "sort_key": self.date,
            "when": format_datetime(self.env, self.date, dt_format="short"),
            "kind": self.mode_id.name or self.env._("Exchange"),
            "icon": self.mode_id.icon or "fa-comments",
            "title": " · ".join(part for part in (self.name, self.subject_id.name, direction, outcome) if part),
            "details": self.description_short or "",
            # the author's name, as the exchange history shows it: a reader of the exchange may
            # not read users of other companies
            "author": self.user_id.sudo().name or "",
            "status": status,
            "status_class": status_class,
            "url": f"/odoo/exchange.log/{self.id}",
        }

from odoo import api, fields, models
from odoo.tools import format_datetime

TIMELINE_LIMIT = 60


# one concern per file of the same _inherit, as core splits account.move (see STYLE.md)
class ResPartner(models.Model):
    """The timeline of the customer follow-up page: the reminders of the current company (the
    engine's run lines and the e-mails sent by hand from the page), newest first. Other addons
    add their own entries (the exchanges, through the bridge with exchange tracking) by
    extending ``_dunning_timeline_entries``. Everything is read with the user's rights."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    dunning_timeline = fields.Html(
        string="Timeline",
        compute="_compute_dunning_timeline",
        sanitize=False,  # rendered here by QWeb, which escapes every value
        groups="dunning_strategy.group_dunning_user",
    )

    @api.depends_context("company", "lang")
    def _compute_dunning_timeline(self):
        for partner in self:
            entries = partner.commercial_partner_id._dunning_timeline_entries(TIMELINE_LIMIT)
            entries.sort(key=lambda entry: (entry["sort_key"], entry["key"]), reverse=True)
            partner.dunning_timeline = self.env["ir.qweb"]._render(
                "dunning_strategy.dunning_timeline", {"entries": entries[:TIMELINE_LIMIT]}
            )

    def _dunning_timeline_entries(self, limit):
        """Entries of this commercial partner's timeline, as dicts: ``key`` and ``sort_key``
        (a datetime) to order them, ``when``, ``kind``, ``icon``, ``title``, ``details``,
        ``author``, ``status``, ``status_class`` (a Bootstrap colour) and ``url`` to display."""
        self.ensure_one()
        lines = self.env["dunning.run.line"].search(
            [
                ("partner_id", "=", self.id),
                ("company_id", "=", self.env.company.id),
                ("state", "in", ("done", "failed")),
            ],
            order="date desc, id desc",
            limit=limit,
        )
        messages = self.env["mail.message"].search(
            [
                ("model", "=", "res.partner"),
                ("res_id", "=", self.id),
                ("subtype_id", "=", self.env.ref("dunning_strategy.mt_dunning_reminder_by_hand").id),
            ],
            order="date desc, id desc",
            limit=limit,
        )
        return [line._dunning_timeline_entry() for line in lines] + [
            self._dunning_timeline_message_entry(message) for message in messages
        ]

    def _dunning_timeline_message_entry(self, message):
        return {
            "key": f"message-{message.id:010d}",
            "sort_key": message.date,
            "when": format_datetime(self.env, message.date, dt_format="short"),
            "kind": self.env._("Reminder by hand"),
            "icon": "fa-envelope-o",
            "title": message.subject or self.env._("E-mail"),
            "details": "",
            "author": message.author_id.display_name or message.email_from or "",
            "status": "",
            "status_class": "",
            "url": "",
        }

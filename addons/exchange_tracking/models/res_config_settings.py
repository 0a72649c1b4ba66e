from odoo import api, fields, models

BUTTON_DISPLAY_PARAM = "exchange_tracking.button_display"
# Technical groups showing each entry point, implied by "Create exchanges" when enabled.
BUTTON_DISPLAY_GROUPS = {
    "exchange_tracking.group_exchange_form_button": {"form", "both"},
    "exchange_tracking.group_exchange_systray": {"systray", "both"},
}


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    group_exchange_user_selection = fields.Boolean(
        string="Choose the Author of an Exchange",
        implied_group="exchange_tracking.group_exchange_user_selection",
    )
    group_exchange_use_confidential = fields.Boolean(
        string="Confidential Comments",
        implied_group="exchange_tracking.group_exchange_use_confidential",
    )
    group_exchange_use_collaborators = fields.Boolean(
        string="Collaborators",
        implied_group="exchange_tracking.group_exchange_use_collaborators",
    )
    group_exchange_list_description = fields.Boolean(
        string="Shorten Descriptions in Lists",
        implied_group="exchange_tracking.group_exchange_list_description",
    )
    exchange_button_display = fields.Selection(
        [
            ("form", "Button on forms"),
            ("systray", "Systray button"),
            ("both", "Both"),
        ],
        string="“Log an Exchange” Entry Points",
        default="both",
        required=True,
        config_parameter=BUTTON_DISPLAY_PARAM,
    )
    exchange_default_mode_id = fields.Many2one(
        related="company_id.exchange_default_mode_id",
        readonly=False,
    )
    exchange_default_subject_id = fields.Many2one(
        related="company_id.exchange_default_subject_id",
        readonly=False,
    )
    exchange_product_ids = fields.Many2many(
        related="company_id.exchange_product_ids",
        readonly=False,
    )
    exchange_shared = fields.Boolean(
        related="company_id.exchange_shared",
        readonly=False,
    )
    exchange_followup_past_days = fields.Integer(
        related="company_id.exchange_followup_past_days",
        readonly=False,
    )

    def set_values(self):
        result = super().set_values()
        self._apply_exchange_button_display(self.exchange_button_display)
        return result

    @api.model
    def _apply_exchange_button_display(self, display):
        """Show the form buttons and/or the systray button to the users who create exchanges."""
        creators = self.env.ref("exchange_tracking.group_exchange_create").sudo()
        for xmlid, displays in BUTTON_DISPLAY_GROUPS.items():
            group = self.env.ref(xmlid).sudo()
            if display in displays:
                creators._apply_group(group)
            else:
                creators._remove_group(group)

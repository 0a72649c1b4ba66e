from datetime import timedelta

from odoo import api, fields, models
from odoo.osv import expression

# Activity type of the "follow up this quotation" reminder planned at the next follow-up date
FOLLOWUP_ACTIVITY_TYPE = "dunning_strategy_sale.mail_activity_type_quotation_followup"
QUOTATION_FOLLOWUP_GROUP = "dunning_strategy_sale.group_quotation_followup"


class SaleOrder(models.Model):
    """Follow-up state of a quotation: strategy, last and next follow-up, history.

    A quotation is open for follow-ups (Dolibarr's "Ouvert") when it was sent, is neither
    confirmed nor cancelled, and is not lost: its expiration date, if any, passed less than the
    company's "lost after" delay ago (30 days by default). Follow-up steps count days from the
    expiration date, so a step may follow up a quotation that just expired; past that delay it is
    lost and leaves the follow-ups.
    """

    _inherit = "sale.order"

    dunning_strategy_id = fields.Many2one(
        "dunning.strategy",
        string="Follow-up Strategy",
        copy=False,
        check_company=True,
        domain="[('company_id', '=', company_id), ('scope', '=', 'quotation')]",
        help="Strategy of the automatic follow-ups of this quotation. Empty: the company's default quotation strategy.",
    )
    dunning_excluded = fields.Boolean(
        string="Do Not Follow Up Automatically",
        copy=False,
        tracking=True,
        help="Automatic follow-ups skip this quotation; it can still be followed up by hand.",
    )
    dunning_commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id", string="Customer Company"
    )
    dunning_contact_id = fields.Many2one(
        "res.partner",
        string="Follow-up Contact",
        copy=False,
        domain="[('commercial_partner_id', '=', dunning_commercial_partner_id)]",
        help="Contact receiving the follow-ups. Empty: the customer of the quotation.",
    )
    dunning_step_id = fields.Many2one(
        "dunning.strategy.step",
        string="Last Follow-up Template",
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="Step (template) of the last follow-up of this quotation.",
    )
    dunning_level = fields.Integer(related="dunning_step_id.level", string="Follow-up Level")
    dunning_date = fields.Date(string="Last Follow-up", copy=False, readonly=True)
    dunning_next_date = fields.Date(
        string="Next Follow-up",
        compute="_compute_dunning_next_date",
        store=True,
        readonly=False,
        copy=False,
        index="btree_not_null",
        tracking=True,
        help="When the quotation is sent: the date of the first step of its strategy (else in the "
        "company's delay). After each follow-up: the date chosen for the next one. Automatic "
        "follow-ups never run before this date.",
    )
    # the follow-up history is read by the users who follow up quotations only (a right of its own)
    dunning_line_ids = fields.One2many(
        "dunning.run.line", "sale_order_id", string="Follow-ups", readonly=True, groups=QUOTATION_FOLLOWUP_GROUP
    )
    dunning_line_count = fields.Integer(
        compute="_compute_dunning_line_count", string="Follow-up Count", groups=QUOTATION_FOLLOWUP_GROUP
    )
    dunning_last_line_id = fields.Many2one(
        "dunning.run.line",
        compute="_compute_dunning_last_line_id",
        string="Last Follow-up Record",
        groups=QUOTATION_FOLLOWUP_GROUP,
    )
    dunning_last_note = fields.Text(
        compute="_compute_dunning_last_line_id", string="Last Follow-up Note", groups=QUOTATION_FOLLOWUP_GROUP
    )
    dunning_is_open = fields.Boolean(
        compute="_compute_dunning_is_open",
        search="_search_dunning_is_open",
        string="Open for Follow-up",
        help="Sent, neither confirmed nor cancelled, and not expired for longer than the company's lost delay.",
    )

    @api.depends("state", "validity_date", "date_order", "dunning_strategy_id", "company_id")
    def _compute_dunning_next_date(self):
        # Only a sent quotation never followed up gets a computed date; afterwards the date is the
        # one each follow-up planned (or the user typed), and is kept as history once signed.
        today = fields.Date.context_today(self)
        for order in self:
            if order.state == "sent" and not order.dunning_date:
                order.dunning_next_date = order._dunning_first_date(today)
            else:
                order.dunning_next_date = order.dunning_next_date

    def _compute_dunning_line_count(self):
        counts = dict(
            self.env["dunning.run.line"]._read_group(
                [("sale_order_id", "in", self.ids)], ["sale_order_id"], ["__count"]
            )
        )
        for order in self:
            order.dunning_line_count = counts.get(order, 0)

    def _compute_dunning_last_line_id(self):
        last_lines = {}
        if self.ids:
            for line in self.env["dunning.run.line"].search(
                [("sale_order_id", "in", self.ids), ("state", "=", "done")], order="processed_date desc, id desc"
            ):
                last_lines.setdefault(line.sale_order_id, line)
        for order in self:
            last_line = last_lines.get(order, self.env["dunning.run.line"])
            order.dunning_last_line_id = last_line
            order.dunning_last_note = last_line.note

    @api.depends("state", "validity_date", "company_id.dunning_quotation_lost_days")
    def _compute_dunning_is_open(self):
        today = fields.Date.context_today(self)
        for order in self:
            order.dunning_is_open = order._dunning_is_open_at(today)

    def _search_dunning_is_open(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(self.env._("Unsupported search on the open quotations."))
        today = fields.Date.context_today(self)
        # each company has its own lost delay
        not_lost = expression.OR(
            [
                [
                    ("company_id", "=", company.id),
                    "|",
                    ("validity_date", "=", False),
                    ("validity_date", ">=", today - timedelta(days=company.dunning_quotation_lost_days)),
                ]
                for company in self.env.companies
            ]
        )
        domain = expression.AND([[("state", "=", "sent")], not_lost])
        if (operator == "=") != value:
            domain = ["!", *expression.normalize_domain(domain)]
        return domain

    def write(self, vals):
        res = super().write(vals)
        if "dunning_next_date" in vals and not self.env.context.get("dunning_skip_activity_sync"):
            # a date moved by hand moves the planned follow-up activity with it
            for order in self.filtered("dunning_date"):
                order._dunning_plan_activity()
        return res

    def action_confirm(self):
        res = super().action_confirm()
        self._dunning_drop_activity()
        return res

    def _action_cancel(self):
        res = super()._action_cancel()
        self._dunning_drop_activity()
        return res

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_dunning_followup(self):
        """Open the manual follow-up wizard on this quotation."""
        self.ensure_one()
        return self.env["dunning.quotation.followup"]._action_open(order=self)

    def action_view_dunning_followups(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "dunning_strategy_sale.action_dunning_quotation_followup"
        )
        action["domain"] = [("sale_order_id", "=", self.id)]
        action["context"] = {"default_sale_order_id": self.id}
        return action

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    def _dunning_get_strategy(self):
        """The quotation strategy of this quotation: its own, else its company's default."""
        self.ensure_one()
        return self.dunning_strategy_id or self.company_id.dunning_quotation_strategy_id

    def _dunning_reference_date(self):
        """The date the steps count their days from: the expiration date, else the quotation date."""
        self.ensure_one()
        return self.validity_date or (self.date_order and self.date_order.date()) or fields.Date.context_today(self)

    def _dunning_is_open_at(self, date):
        self.ensure_one()
        if self.state != "sent":
            return False
        return not self.validity_date or self.validity_date >= date - timedelta(
            days=self.company_id.dunning_quotation_lost_days
        )

    def _dunning_first_date(self, today):
        """Next follow-up date of a quotation just sent: its first step's date, at the earliest today."""
        self.ensure_one()
        steps = self._dunning_get_strategy().step_ids.sorted("level")
        if not steps:
            return today + timedelta(days=self.company_id.dunning_quotation_delay)
        return max(self._dunning_reference_date() + timedelta(days=steps[0].days), today)

    def _dunning_default_step(self, date=None):
        """Template proposed for the next follow-up, as the automatic follow-ups would choose it:
        among the steps of the quotation's strategy above the last one reached, the latest whose
        date is reached, else the next one; the last step again once reached. Without strategy,
        the template of the last follow-up."""
        self.ensure_one()
        steps = self._dunning_get_strategy().step_ids.sorted("level")
        if not steps:
            return self.dunning_step_id
        date = date or fields.Date.context_today(self)
        current_level = self.dunning_step_id.level if self.dunning_step_id in steps else 0
        ahead = steps.filtered(lambda step: step.level > current_level)
        if not ahead:
            return steps[-1]
        reference = self._dunning_reference_date()
        reached = ahead.filtered(lambda step: reference + timedelta(days=step.days) <= date)
        return reached[-1:] or ahead[0]

    def _dunning_default_next_date(self, date=None):
        self.ensure_one()
        date = date or fields.Date.context_today(self)
        return date + timedelta(days=self.company_id.dunning_quotation_delay)

    def _dunning_recipient(self):
        """Who receives the follow-up: the quotation's follow-up contact, else its customer, else the
        customer's company, the first of them that has an email address. When none has one,
        the follow-up contact or the customer (to address a letter to)."""
        self.ensure_one()
        candidates = self.dunning_contact_id | self.partner_id | self.partner_id.commercial_partner_id
        return candidates.filtered("email")[:1] or candidates[:1]

    def _dunning_pdf_attachments(self):
        """PDF files attached to the quotation itself (e.g. the quotation as sent), oldest first,
        except the files of internal notes: those were never meant for the customer."""
        attachments = self.env["ir.attachment"].search(
            [
                ("res_model", "=", "sale.order"),
                ("res_id", "in", self.ids),
                ("mimetype", "=", "application/pdf"),
            ],
            order="id",
        )
        internal = (
            self.env["mail.message"]
            .sudo()
            .search(
                [
                    ("model", "=", "sale.order"),
                    ("res_id", "in", self.ids),
                    ("attachment_ids", "in", attachments.ids),
                    "|",
                    ("is_internal", "=", True),
                    ("subtype_id.internal", "=", True),
                ]
            )
        )
        return attachments - internal.attachment_ids

    def _dunning_plan_activity(self, user=None):
        """Replace the planned follow-up activity by one at the next follow-up date, assigned to the
        salesperson (else ``user``, else the current user). Nothing is planned on a quotation that
        is no longer open."""
        self.ensure_one()
        order = self.sudo().with_context(mail_activity_quick_update=True)
        order.activity_unlink([FOLLOWUP_ACTIVITY_TYPE])
        if not order.dunning_next_date or order.state != "sent":
            return
        order.activity_schedule(
            FOLLOWUP_ACTIVITY_TYPE,
            date_deadline=order.dunning_next_date,
            summary=self.env._("Follow up quotation %(quotation)s", quotation=order.name),
            user_id=(order.user_id or user or self.env.user).id,
        )

    def _dunning_drop_activity(self):
        self.sudo().activity_unlink([FOLLOWUP_ACTIVITY_TYPE])

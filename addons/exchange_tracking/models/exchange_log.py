import textwrap

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import clean_context, html2plaintext, is_html_empty

GROUP_USER_SELECTION = "exchange_tracking.group_exchange_user_selection"
DESCRIPTION_SHORT_LENGTH = 80


class ExchangeLog(models.Model):
    """One exchange (call, email, meeting...) with a customer, prospect or supplier.

    This file holds the record itself: its fields, numbering, create and write. The other
    concerns are files of the same model: the related document (``exchange_log_document``),
    the confidential note (``exchange_log_confidential``), the follow-up's state
    (``exchange_log_followup``) and its planning (``exchange_log_followup_planning``), the
    history (``exchange_log_history``) and the form actions (``exchange_log_actions``).
    """

    _name = "exchange.log"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _description = "Customer Exchange"
    _order = "date desc, id desc"
    _check_company_auto = True
    _rec_names_search = ["name", "partner_id"]
    # Colleagues who may read an exchange may comment on it.
    _mail_post_access = "read"

    name = fields.Char(
        string="Reference",
        required=True,
        readonly=True,
        copy=False,
        index="trigram",
        default=lambda self: self.env._("New"),
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Partner",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        ondelete="restrict",
        help="The customer, prospect or supplier this exchange was with.",
    )
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id",
        string="Commercial Entity",
        store=True,
        index=True,
    )
    contact_ids = fields.Many2many(
        "res.partner",
        "exchange_log_contact_rel",
        "exchange_id",
        "partner_id",
        string="Contacts",
        check_company=True,
        domain="[('commercial_partner_id', '=', commercial_partner_id)]",
        help="The people you talked to at this partner.",
    )
    direction = fields.Selection(
        [("incoming", "Incoming"), ("outgoing", "Outgoing")],
        required=True,
        default="outgoing",
        tracking=True,
        help="Incoming: the partner contacted you. Outgoing: you contacted the partner.",
    )
    mode_id = fields.Many2one(
        "exchange.mode",
        string="Mode",
        required=True,
        tracking=True,
        check_company=True,
        ondelete="restrict",
        default=lambda self: self._default_mode_id(),
    )
    subject_id = fields.Many2one(
        "exchange.subject",
        string="Subject",
        tracking=True,
        check_company=True,
        ondelete="restrict",
        default=lambda self: self._default_subject_id(),
    )
    product_ids = fields.Many2many(
        "product.product",
        string="Products",
        check_company=True,
        # the company's list of products when it has one (exchange_log_product)
        domain="[('id', 'in', product_allowed_ids)] if product_allowed_ids else []",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Author",
        required=True,
        copy=False,
        tracking=True,
        index=True,
        check_company=True,
        domain="[('share', '=', False)]",
        default=lambda self: self.env.user,
        help="Who had the exchange.",
    )
    user_selection_allowed = fields.Boolean(compute="_compute_user_selection_allowed")
    collaborator_ids = fields.Many2many(
        "res.users",
        "exchange_log_collaborator_rel",
        "exchange_id",
        "user_id",
        string="Collaborators",
        domain="[('share', '=', False)]",
        help="Colleagues who took part in the exchange; they see it among their own exchanges.",
    )
    description = fields.Html()
    description_short = fields.Char(
        string="Short Description",
        compute="_compute_description_short",
        store=True,
    )
    # The full description as plain text, for lists that do not shorten descriptions.
    description_text = fields.Text(string="Full Description", compute="_compute_description_text")
    date = fields.Datetime(required=True, copy=False, default=fields.Datetime.now, tracking=True, index=True)
    company_id = fields.Many2one(
        "res.company",
        string="Company",
        index=True,
        default=lambda self: self._default_company_id(),
    )
    previous_exchange_id = fields.Many2one(
        "exchange.log",
        string="Previous Exchange",
        copy=False,
        check_company=True,
        index="btree_not_null",
        ondelete="set null",
        help="The exchange whose follow-up this one is.",
    )

    # ------------------------------------------------------------------
    # Defaults
    # ------------------------------------------------------------------

    def _default_mode_id(self):
        company = self.env.company
        return company.exchange_default_mode_id or self.env["exchange.mode"].search(
            [("company_id", "in", [False, company.id])], limit=1
        )

    def _default_subject_id(self):
        return self.env.company.exchange_default_subject_id

    def _default_company_id(self):
        company = self.env.company
        return self.env["res.company"] if company.exchange_shared else company

    # ------------------------------------------------------------------
    # Computes, inverses, searches
    # ------------------------------------------------------------------

    @api.depends_context("uid")
    def _compute_user_selection_allowed(self):
        allowed = self.env.user.has_group(GROUP_USER_SELECTION)
        for exchange in self:
            exchange.user_selection_allowed = allowed

    @api.depends("description")
    def _compute_description_short(self):
        for exchange in self:
            text = html2plaintext(exchange.description or "").strip() if not is_html_empty(exchange.description) else ""
            exchange.description_short = (
                textwrap.shorten(text, DESCRIPTION_SHORT_LENGTH, placeholder=" …") if text else False
            )

    @api.depends("description")
    def _compute_description_text(self):
        for exchange in self:
            exchange.description_text = (
                False if is_html_empty(exchange.description) else html2plaintext(exchange.description).strip()
            )

    # ------------------------------------------------------------------
    # Onchanges
    # ------------------------------------------------------------------

    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        commercial = self.partner_id.commercial_partner_id
        self.contact_ids = self.contact_ids.filtered(lambda c: c.commercial_partner_id == commercial)
        if self.followup_contact_id.commercial_partner_id != commercial:
            self.followup_contact_id = False

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        default_partner = self.env.context.get("default_partner_id")
        for vals in vals_list:
            if not vals.get("partner_id", default_partner):
                raise ValidationError(self._missing_partner_message())
            self._check_author_selection(vals)
            if not vals.get("name") or vals["name"] == self.env._("New"):
                # A gapless sequence (data/ir_sequence_data.xml): a failed save gives its number back.
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                vals["name"] = self.env["ir.sequence"].with_company(company).next_by_code("exchange.log") or self.env._(
                    "New"
                )
        exchanges = super().create(vals_list)
        exchanges._post_on_documents()
        return exchanges

    def write(self, vals):
        if "partner_id" in vals and not vals["partner_id"]:
            raise ValidationError(self._missing_partner_message())
        self._check_author_selection(vals)
        notes_to_follow = self._check_note_audience_change(vals)
        documents_before = {}
        if {"res_model", "res_id", "res_reference"} & vals.keys():
            documents_before = {exchange.id: (exchange.res_model, exchange.res_id) for exchange in self}
        result = super().write(vals)
        if notes_to_follow:
            notes_to_follow._follow_exchange()
        if documents_before:
            self.filtered(
                lambda exchange: (
                    exchange.res_model and (exchange.res_model, exchange.res_id) != documents_before[exchange.id]
                )
            )._post_on_documents()
        return result

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    def _missing_partner_message(self):
        return self.env._("An exchange needs a partner: choose the customer, prospect or supplier you talked to.")

    def _check_author_selection(self, vals):
        """Without the "user selection" setting, one logs one's own exchanges only."""
        if not vals.get("user_id") or vals["user_id"] == self.env.uid or self.env.su:
            return
        if not self.env.user.has_group(GROUP_USER_SELECTION):
            raise UserError(
                self.env._("You can only log your own exchanges: choosing another author is disabled in the settings.")
            )

    def _post_on_documents(self):
        """Leave a neutral note on each exchange's main document (see ``_post_on_document``)."""
        for exchange in self:
            document = exchange._get_readable_document()
            if document:
                exchange._post_on_document(document)

    def _post_on_document(self, document):
        """Leave a neutral note on ``document``'s chatter, linking back to the exchange.

        The note says only that an exchange was logged, with its reference and link: the
        readers of the document may not be readers of the exchange, so nothing of what was said
        (description, subject) goes there. It is posted with the current user's rights, and
        only when he may post on the document (``_mail_post_access``: reading an invoice is
        enough, a quotation needs the right to edit it); otherwise the document gets no note,
        the exchange still counts among its exchanges. Documents without a chatter get nothing.
        """
        self.ensure_one()
        if not isinstance(document, self.env.registry["mail.thread"]):
            return
        if not document.has_access(document._get_mail_message_access(document.ids, "create")):
            return
        # A Markup argument makes the translated text Markup, with the other arguments escaped.
        body = self.env._("Exchange %(link)s logged.", link=self._get_html_link(title=self.name))
        document.with_context(clean_context(self.env.context)).message_post(
            body=body,
            author_id=self.env.user.partner_id.id,
            message_type="comment",
            subtype_xmlid="exchange_tracking.mt_exchange_logged",
        )

    def _message_get_suggested_recipients(self):
        recipients = super()._message_get_suggested_recipients()
        for partner in (self.contact_ids or self.partner_id).sudo():
            self._message_add_suggested_recipient(recipients, partner=partner, reason=self.env._("Partner"))
        return recipients

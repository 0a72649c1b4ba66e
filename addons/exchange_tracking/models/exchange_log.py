import textwrap
from datetime import timedelta

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression
from odoo.tools import clean_context, html2plaintext, is_html_empty, plaintext2html

GROUP_CONFIDENTIAL = "exchange_tracking.group_exchange_confidential"
GROUP_USER_SELECTION = "exchange_tracking.group_exchange_user_selection"
# The exchange's fields copied on its confidential note, that decide who reads the note.
NOTE_AUDIENCE_FIELDS = {"user_id": "author_id", "confidential_group_id": "group_id", "company_id": "company_id"}

# Activity types of a follow-up, and the exchange mode proposed for the next exchange.
FOLLOWUP_ACTIVITY_TYPES = {
    "call": "mail.mail_activity_data_call",
    "meeting": "mail.mail_activity_data_meeting",
    "todo": "mail.mail_activity_data_todo",
}
FOLLOWUP_NEXT_MODES = {
    "call": "exchange_tracking.exchange_mode_phone",
    "meeting": "exchange_tracking.exchange_mode_meeting",
}
FOLLOWUP_FIELDS = {
    "followup_type",
    "followup_user_id",
    "followup_contact_id",
    "followup_datetime",
    "followup_note",
    "followup_reminder",
    "followup_reminder_minutes",
}
# Filling the form takes a moment: a follow-up planned "now" is not rejected as past.
FOLLOWUP_PAST_TOLERANCE = timedelta(minutes=5)
FOLLOWUP_EVENT_DURATION = timedelta(minutes=30)
DESCRIPTION_SHORT_LENGTH = 80
HISTORY_LIMIT = 200
# a caller may ask for fewer entries, never for an unbounded history
HISTORY_MAX_LIMIT = 1000
# thirty days: an email reminder further ahead means nothing, and the calendar's alarm dates
# computed from it overflow
MAX_REMINDER_MINUTES = 30 * 24 * 60


class ExchangeLog(models.Model):
    """One exchange (call, email, meeting...) with a customer, prospect or supplier."""

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
        default=lambda self: self.env.company.exchange_default_product_ids,
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
    confidential_note = fields.Html(
        compute="_compute_confidential_note",
        inverse="_inverse_confidential_note",
        search="_search_confidential_note",
        compute_sudo=False,
        help="Only readable by the author, the members of the shared group and the users who "
        "see all confidential comments.",
    )
    confidential_group_id = fields.Many2one(
        "res.groups",
        string="Shared With Group",
        help="The members of this group can read and edit the confidential note. Once the note is "
        "written, only its author and the users who see all confidential comments can change this group.",
    )
    confidential_access = fields.Boolean(
        string="Can Access the Confidential Note",
        compute="_compute_confidential_access",
    )
    # What the form lets the user change; the server enforces the same on write.
    confidential_editable = fields.Boolean(
        string="Can Edit the Confidential Note",
        compute="_compute_confidential_access",
    )
    confidential_sharing_editable = fields.Boolean(
        string="Can Change Who Reads the Confidential Note",
        compute="_compute_confidential_access",
    )
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

    # Follow-up planned at the end of the exchange.
    followup_datetime = fields.Datetime(
        string="Follow-up On",
        copy=False,
        help="Set a date and time to plan a follow-up: an activity for the assignee, "
        "and a calendar event when an email reminder is asked.",
    )
    followup_type = fields.Selection(
        [("call", "Call"), ("meeting", "Meeting"), ("todo", "To-Do")],
        string="Follow-up Type",
        default="call",
        copy=False,
    )
    followup_user_id = fields.Many2one(
        "res.users",
        string="Follow-up Assignee",
        copy=False,
        index="btree_not_null",
        check_company=True,
        domain="[('share', '=', False)]",
        default=lambda self: self.env.user,
    )
    followup_contact_id = fields.Many2one(
        "res.partner",
        string="Follow-up Contact",
        copy=False,
        check_company=True,
        domain="[('commercial_partner_id', '=', commercial_partner_id)]",
    )
    followup_note = fields.Text(string="Follow-up Description", copy=False)
    followup_reminder = fields.Boolean(string="Email Reminder", copy=False)
    followup_reminder_minutes = fields.Integer(
        string="Reminder (minutes before)",
        default=15,
        copy=False,
    )
    followup_state = fields.Selection(
        [
            ("none", "No Follow-up"),
            ("planned", "Planned"),
            ("done", "Done"),
            ("cancelled", "Cancelled"),
        ],
        string="Follow-up Status",
        default="none",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
    )
    followup_done_date = fields.Datetime(string="Follow-up Done On", readonly=True, copy=False)
    followup_overdue = fields.Boolean(string="Follow-up Overdue", compute="_compute_followup_overdue")
    followup_activity_id = fields.Many2one(
        "mail.activity",
        string="Follow-up Activity",
        readonly=True,
        copy=False,
        ondelete="set null",
    )
    followup_event_id = fields.Many2one(
        "calendar.event",
        string="Follow-up Event",
        readonly=True,
        copy=False,
        ondelete="set null",
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
    # Constraints
    # ------------------------------------------------------------------

    @api.constrains("followup_datetime")
    def _check_followup_datetime(self):
        limit = fields.Datetime.now() - FOLLOWUP_PAST_TOLERANCE
        for exchange in self:
            if exchange.followup_state != "done" and exchange.followup_datetime and exchange.followup_datetime < limit:
                raise ValidationError(
                    self.env._(
                        "The follow-up of %(exchange)s is planned in the past (%(date)s): choose a date and time to come.",
                        exchange=exchange.name,
                        date=fields.Datetime.to_string(
                            fields.Datetime.context_timestamp(exchange, exchange.followup_datetime)
                        ),
                    )
                )

    @api.constrains("followup_reminder", "followup_reminder_minutes", "followup_datetime")
    def _check_followup_reminder(self):
        for exchange in self:
            if exchange.followup_reminder_minutes < 0:
                raise ValidationError(
                    self.env._(
                        "A reminder %(minutes)s minutes before the follow-up is not possible: "
                        "give zero or a positive number of minutes.",
                        minutes=exchange.followup_reminder_minutes,
                    )
                )
            if exchange.followup_reminder_minutes > MAX_REMINDER_MINUTES:
                raise ValidationError(
                    self.env._(
                        "A reminder %(minutes)s minutes before the follow-up is too early: give at most "
                        "%(max)s minutes (thirty days).",
                        minutes=exchange.followup_reminder_minutes,
                        max=MAX_REMINDER_MINUTES,
                    )
                )
            if exchange.followup_reminder and not exchange.followup_datetime:
                raise ValidationError(
                    self.env._(
                        "An email reminder needs the date and time of the follow-up (exchange %(exchange)s).",
                        exchange=exchange.name,
                    )
                )

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

    def _get_visible_notes(self):
        """The confidential notes of ``self`` the current user may read (record rules apply)."""
        exchange_ids = [exchange_id for exchange_id in self._origin.ids if exchange_id]
        if not exchange_ids:
            return self.env["exchange.confidential.note"]
        return self.env["exchange.confidential.note"].search([("exchange_id", "in", exchange_ids)])

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_confidential_note(self):
        note_by_exchange = {note.exchange_id.id: note.note for note in self._get_visible_notes()}
        for exchange in self:
            exchange.confidential_note = note_by_exchange.get(exchange._origin.id, False)

    def _inverse_confidential_note(self):
        notes = self._get_visible_notes()
        note_by_exchange = {note.exchange_id.id: note for note in notes}
        all_note_exchange_ids = set(
            self.env["exchange.confidential.note"].sudo().search([("exchange_id", "in", self.ids)]).exchange_id.ids
        )
        for exchange in self:
            note = note_by_exchange.get(exchange.id)
            if note:
                note.note = exchange.confidential_note
            elif exchange.id in all_note_exchange_ids:
                raise AccessError(
                    self.env._(
                        "You are not allowed to change the confidential note of exchange %(exchange)s.",
                        exchange=exchange.name,
                    )
                )
            elif not is_html_empty(exchange.confidential_note):
                self.env["exchange.confidential.note"].create(
                    {"exchange_id": exchange.id, "note": exchange.confidential_note}
                )

    def _search_confidential_note(self, operator, value):
        """Match only the notes the current user may read: searching never reveals a note."""
        notes = self.env["exchange.confidential.note"]
        if operator in ("=", "!=") and not value:
            filled = notes._search([("note", "!=", False)]).subselect("exchange_id")
            return [("id", "not in" if operator == "=" else "in", filled)]
        if operator in expression.NEGATIVE_TERM_OPERATORS:
            positive = expression.TERM_OPERATORS_NEGATION[operator]
            matching = notes._search([("note", positive, value)])
            return [("id", "not in", matching.subselect("exchange_id"))]
        matching = notes._search([("note", operator, value)])
        return [("id", "in", matching.subselect("exchange_id"))]

    @api.depends_context("uid")
    @api.depends("user_id", "confidential_group_id")
    def _compute_confidential_access(self):
        user = self.env.user
        see_all = user.has_group(GROUP_CONFIDENTIAL)
        visible_notes = {note.exchange_id.id: note for note in self._get_visible_notes()}
        # sudo: which exchanges have a note at all (its text is not read), so that a note one
        # may not read is not offered for writing.
        with_note = set(
            self.env["exchange.confidential.note"]
            .sudo()
            .search([("exchange_id", "in", self._origin.ids)])
            .exchange_id.ids
        )
        for exchange in self:
            exchange.confidential_access = (
                see_all
                or not exchange._origin.id
                or exchange.user_id == user
                or exchange._origin.id in visible_notes
                or (exchange.confidential_group_id and exchange.confidential_group_id in user.groups_id)
            )
            note = visible_notes.get(exchange._origin.id)
            if note:
                # "See all confidential comments" reads only; the group edits the text, not who reads it.
                exchange.confidential_editable = note.has_access("write")
                exchange.confidential_sharing_editable = note._can_change_audience()
            else:
                # No note yet: whoever may edit the exchange writes the first one and its group.
                editable = exchange.confidential_access and exchange._origin.id not in with_note
                exchange.confidential_editable = exchange.confidential_sharing_editable = editable

    @api.depends("followup_datetime", "followup_state")
    def _compute_followup_overdue(self):
        now = fields.Datetime.now()
        for exchange in self:
            exchange.followup_overdue = bool(
                exchange.followup_state == "planned" and exchange.followup_datetime and exchange.followup_datetime < now
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
        exchanges.filtered("followup_datetime")._plan_followups()
        exchanges.previous_exchange_id._close_followups_by(exchanges)
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
        if FOLLOWUP_FIELDS & vals.keys():
            self._plan_followups()
        return result

    def unlink(self):
        # The follow-up lives on the partner or document: it goes with the exchange.
        pending = self.filtered(lambda exchange: exchange.followup_state == "planned")
        activities = pending.followup_activity_id.sudo()
        events = pending.followup_event_id.sudo()
        result = super().unlink()
        activities.with_context(exchange_tracking_unlink=True).exists().unlink()
        events.exists().unlink()
        return result

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    @api.model
    def action_open_log_form(self, res_model=None, res_id=None):
        """The "Log an exchange" dialog, pre-filled from the record ``res_model``/``res_id``.

        Called by the form buttons and the systray. The record may be anything (or nothing);
        a record that does not exist or cannot be read is ignored, never an error.
        """
        record = self._get_readable_record(res_model, res_id)
        return self._get_log_form_action(self._get_log_defaults(record))

    def action_log_next_exchange(self):
        """Open the form of the next exchange; saving it marks this follow-up done."""
        self.ensure_one()
        return self._get_log_form_action(self._get_next_exchange_defaults())

    def action_open_document(self):
        self.ensure_one()
        document = self._get_readable_document()
        if not document:
            raise UserError(
                self.env._(
                    "The related document of %(exchange)s does not exist anymore or you may not read it.",
                    exchange=self.name,
                )
            )
        return {
            "type": "ir.actions.act_window",
            "res_model": document._name,
            "res_id": document.id,
            "views": [(False, "form")],
        }

    @api.model
    def action_open_my_followups(self):
        """My follow-ups to come, and those of the last N days (N: company setting)."""
        action = self.env["ir.actions.act_window"]._for_xml_id("exchange_tracking.action_exchange_log_my_followups")
        since = fields.Datetime.now() - timedelta(days=max(self.env.company.exchange_followup_past_days, 0))
        action["domain"] = [
            ("followup_user_id", "=", self.env.uid),
            ("followup_datetime", "!=", False),
            ("followup_datetime", ">=", since),
        ]
        return action

    # ------------------------------------------------------------------
    # History
    # ------------------------------------------------------------------

    @api.model
    def get_history(self, res_model, res_id, limit=HISTORY_LIMIT):
        """Exchanges and chatter messages of one record, newest first.

        For a partner, the exchanges and messages of its contacts are included. Everything is
        read with the current user's rights: an exchange or message they may not read never
        appears. Returns ``{"record": {...}, "entries": [...]}``, at most ``limit`` entries
        (``HISTORY_LIMIT`` by default, never more than ``HISTORY_MAX_LIMIT``).
        """
        try:
            limit = min(max(int(limit or HISTORY_LIMIT), 1), HISTORY_MAX_LIMIT)
        except (TypeError, ValueError) as error:
            raise UserError(self.env._("The number of history entries must be a whole number.")) from error
        record = self._get_readable_record(res_model, res_id)
        if not record:
            raise UserError(self.env._("This record does not exist anymore or you may not read it."))
        if isinstance(record, self.env.registry["exchange.document.mixin"]):
            exchange_domain = record._get_exchange_domain()
        else:
            exchange_domain = [("res_model", "=", record._name), ("res_id", "=", record.id)]
        if record._name == "res.partner":
            partners = self.env["res.partner"].with_context(active_test=False).search([("id", "child_of", record.ids)])
            message_domain = [("model", "=", "res.partner"), ("res_id", "in", partners.ids)]
        else:
            message_domain = [("model", "=", record._name), ("res_id", "=", record.id)]
        link_subtype = self.env.ref("exchange_tracking.mt_exchange_logged")
        message_domain += [
            ("message_type", "!=", "user_notification"),
            "|",
            ("subtype_id", "=", False),
            ("subtype_id", "!=", link_subtype.id),
        ]
        exchanges = self.search(exchange_domain, limit=limit)
        messages = self.env["mail.message"].search(message_domain, limit=limit, order="date desc, id desc")
        entries = [exchange._get_history_entry() for exchange in exchanges]
        entries += [self._get_message_history_entry(message) for message in messages]
        entries.sort(key=lambda entry: (entry["date"], entry["key"]), reverse=True)
        return {
            "record": {"model": record._name, "id": record.id, "display_name": record.display_name},
            "entries": entries[:limit],
        }

    def _get_history_entry(self):
        self.ensure_one()
        return {
            "key": f"exchange-{self.id:010d}",
            "type": "exchange",
            "id": self.id,
            "date": fields.Datetime.to_string(self.date),
            "name": self.name,
            "kind": self.mode_id.name,
            "direction": dict(self._fields["direction"]._description_selection(self.env)).get(self.direction),
            "subject": self.subject_id.name or "",
            "author": self.user_id.sudo().name,
            "partner": self.partner_id.sudo().display_name,
            "summary": self.description_short or "",
        }

    @api.model
    def _get_message_history_entry(self, message):
        if message.message_type in ("email", "email_outgoing"):
            kind = self.env._("Email")
        elif message.subtype_id.internal:
            kind = self.env._("Note")
        elif message.message_type == "notification":
            kind = self.env._("Event")
        else:
            kind = self.env._("Message")
        trackings = message.sudo().tracking_value_ids._filter_has_field_access(self.env)._tracking_value_format()
        changes = "; ".join(
            f"{tracking['changedField']}: {tracking['oldValue']['value'] or ''} → {tracking['newValue']['value'] or ''}"
            for tracking in trackings
        )
        body = "" if is_html_empty(message.body) else " ".join(html2plaintext(message.body).split())
        summary = " — ".join(part for part in (message.subject, body, changes, message.subtype_id.name) if part)
        return {
            "key": f"message-{message.id:010d}",
            "type": "message",
            "id": message.id,
            "date": fields.Datetime.to_string(message.date),
            "name": message.record_name or "",
            "kind": kind,
            "direction": "",
            "subject": message.subject or "",
            "author": message.sudo().author_id.display_name or message.email_from or "",
            "partner": "",
            "summary": textwrap.shorten(summary, 300, placeholder=" …") if summary else "",
        }

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

    def _check_note_audience_change(self, vals):
        """Refuse a write that would change who reads a confidential note, unless the writer
        already controls the note (its author, or a user who sees every confidential comment).

        The note's author, shared group and company are stored copies of the exchange's
        ``user_id``, ``confidential_group_id`` and ``company_id``; whoever may edit the exchange
        (its creator, an editor) could otherwise make himself the author and read the note.
        Returns the notes to bring in line with their exchange once the write is done.
        """
        changed = NOTE_AUDIENCE_FIELDS.keys() & vals.keys()
        Note = self.env["exchange.confidential.note"]
        if not changed or not self.ids:
            return Note
        # sudo: finding which of these exchanges have a note at all, to check the writer's
        # right on those notes below with his own rights (the note's text is not read).
        notes = Note.sudo().search([("exchange_id", "in", self.ids)])
        changing = notes.filtered(
            lambda note: any(note[NOTE_AUDIENCE_FIELDS[field]].id != (vals[field] or False) for field in changed)
        )
        if changing and not changing.with_env(self.env)._can_change_audience():
            raise AccessError(
                self.env._(
                    "You may not change the author, shared group or company of %(exchanges)s: that would "
                    "change who reads its confidential note. Only the note's author and the users who see "
                    "all confidential comments can.",
                    exchanges=", ".join(changing.exchange_id.mapped("name")),
                )
            )
        return changing

    @api.model
    def _get_log_defaults(self, record):
        """Context defaults of an exchange logged from ``record`` (a partner, a document or nothing)."""
        defaults = {}
        if not record:
            return defaults
        if record._name != "res.partner":
            defaults.update(default_res_model=record._name, default_res_id=record.id)
        partner = self._get_document_partner(record)
        if partner:
            defaults["default_partner_id"] = partner.commercial_partner_id.id
            if partner != partner.commercial_partner_id:
                defaults["default_contact_ids"] = [Command.set(partner.ids)]
        return defaults

    def _get_next_exchange_defaults(self, feedback=None):
        self.ensure_one()
        defaults = {
            "default_partner_id": self.partner_id.id,
            "default_previous_exchange_id": self.id,
            "default_direction": "outgoing",
        }
        if self.res_model:
            defaults.update(default_res_model=self.res_model, default_res_id=self.res_id)
        if self.subject_id:
            defaults["default_subject_id"] = self.subject_id.id
        contacts = self.followup_contact_id or self.contact_ids
        if contacts:
            defaults["default_contact_ids"] = [Command.set(contacts.ids)]
        mode_xmlid = FOLLOWUP_NEXT_MODES.get(self.followup_type)
        mode = mode_xmlid and self.env.ref(mode_xmlid, raise_if_not_found=False)
        if mode and mode.active:
            defaults["default_mode_id"] = mode.id
        if feedback:
            defaults["default_description"] = plaintext2html(feedback)
        return defaults

    @api.model
    def _get_log_form_action(self, defaults):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Log an Exchange"),
            "res_model": "exchange.log",
            "views": [(self.env.ref("exchange_tracking.view_exchange_log_form").id, "form")],
            "target": "new",
            "context": defaults,
        }

    def _post_on_documents(self):
        """Leave a neutral note on each related document's chatter, linking back to the exchange.

        The note says only that an exchange was logged, with its reference and link: the
        readers of the document may not be readers of the exchange, so nothing of what was said
        (description, subject) goes there. It is posted with the current user's rights, and
        only when he may post on the document (``_mail_post_access``: reading an invoice is
        enough, a quotation needs the right to edit it); otherwise the document gets no note,
        the exchange still counts among its exchanges. Documents without a chatter get nothing.
        """
        for exchange in self:
            document = exchange._get_readable_document()
            if not document or not isinstance(document, self.env.registry["mail.thread"]):
                continue
            if not document.has_access(document._get_mail_message_access(document.ids, "create")):
                continue
            # A Markup argument makes the translated text Markup, with the other arguments escaped.
            body = self.env._("Exchange %(link)s logged.", link=exchange._get_html_link(title=exchange.name))
            document.with_context(clean_context(self.env.context)).message_post(
                body=body,
                author_id=self.env.user.partner_id.id,
                message_type="comment",
                subtype_xmlid="exchange_tracking.mt_exchange_logged",
            )

    def _get_followup_target(self):
        """The record that carries the follow-up activity: the document when it has activities
        and the user may read it, else the partner."""
        self.ensure_one()
        document = self._get_readable_document()
        if document and isinstance(document, self.env.registry["mail.activity.mixin"]):
            return document
        return self.partner_id

    def _plan_followups(self):
        """Create, update or cancel the follow-up activity and reminder event of each exchange.

        One exchange never has more than one follow-up activity; a follow-up that is done is
        history and is left alone. The activity and the event belong to the exchange: they are
        written as superuser once the user was allowed to create or edit the exchange (planning
        a call-back on a customer must not need the right to edit the customer). Their author
        stays the current user.
        """
        for exchange in self.with_context(clean_context(self.env.context)):
            if exchange.followup_state == "done":
                continue
            if exchange.followup_datetime:
                exchange._plan_followup()
            elif exchange.followup_state == "planned":
                exchange._cancel_followup()

    def _plan_followup(self):
        self.ensure_one()
        assignee = self.followup_user_id or self.user_id
        activity_type = self.env.ref(FOLLOWUP_ACTIVITY_TYPES[self.followup_type or "todo"], raise_if_not_found=False)
        if not activity_type:
            activity_type = self.env.ref("mail.mail_activity_data_todo")
        deadline = fields.Datetime.context_timestamp(
            self.with_context(tz=assignee.tz or self.env.user.tz or "UTC"), self.followup_datetime
        ).date()
        activity_vals = {
            "activity_type_id": activity_type.id,
            "summary": self._get_followup_summary(),
            "note": self._get_followup_note(),
            "date_deadline": deadline,
            "user_id": assignee.id,
        }
        activity = self.followup_activity_id.sudo()
        if activity:
            activity.write(activity_vals)
        else:
            target = self._get_followup_target()
            activity = (
                self.env["mail.activity"]
                .sudo()
                .create(
                    {
                        **activity_vals,
                        "res_model_id": self.env["ir.model"]._get_id(target._name),
                        "res_id": target.id,
                        "exchange_log_id": self.id,
                    }
                )
            )
        event = self.followup_event_id.sudo()
        if self.followup_reminder:
            event_vals = {
                "name": self._get_followup_summary(),
                "description": self._get_followup_note(),
                "start": self.followup_datetime,
                "stop": self.followup_datetime + FOLLOWUP_EVENT_DURATION,
                "user_id": assignee.id,
                "partner_ids": [Command.set(assignee.partner_id.ids)],
                "alarm_ids": [Command.set(self._get_reminder_alarm(self.followup_reminder_minutes).ids)],
            }
            if event:
                event.write(event_vals)
            else:
                event = (
                    self.env["calendar.event"]
                    .sudo()
                    .create(
                        {
                            **event_vals,
                            "res_model_id": activity.res_model_id.id,
                            "res_id": activity.res_id,
                            "activity_ids": [Command.set(activity.ids)],
                        }
                    )
                )
        elif event:
            # calendar cascades the deletion of an event to its activities: unlink them first.
            activity.calendar_event_id = False
            event.unlink()
            event = self.env["calendar.event"].sudo()
        self.sudo().write(
            {
                "followup_activity_id": activity.id,
                "followup_event_id": event.id,
                "followup_state": "planned",
            }
        )

    def _cancel_followup(self):
        self.ensure_one()
        activity = self.followup_activity_id.sudo()
        event = self.followup_event_id.sudo()
        self.sudo().write({"followup_state": "cancelled", "followup_activity_id": False, "followup_event_id": False})
        activity.with_context(exchange_tracking_unlink=True).unlink()
        event.unlink()

    def _close_followups_by(self, next_exchanges):
        """Mark the planned follow-ups of ``self`` done: ``next_exchanges`` were logged for them."""
        for exchange in self.filtered(lambda exchange: exchange.followup_state == "planned"):
            followers_up = next_exchanges.filtered(lambda nxt, exchange=exchange: nxt.previous_exchange_id == exchange)
            feedback = self.env._(
                "Next exchange logged: %(exchanges)s", exchanges=", ".join(followers_up.mapped("name"))
            )
            activity = exchange.followup_activity_id
            if activity:
                # The author of the next exchange may not be the assignee: close it on their behalf.
                activity.sudo()._action_done(feedback=feedback)
            if exchange.followup_state != "done":
                exchange._set_followup_done()

    def _set_followup_done(self):
        self.sudo().write({"followup_state": "done", "followup_done_date": fields.Datetime.now()})

    def _get_followup_summary(self):
        self.ensure_one()
        contact = self.followup_contact_id or self.partner_id
        return self.env._(
            "Follow-up of %(exchange)s with %(contact)s", exchange=self.name, contact=contact.display_name
        )

    def _get_followup_note(self):
        self.ensure_one()
        lines = []
        if self.followup_note:
            lines.append(plaintext2html(self.followup_note))
        link = self._get_html_link(title=self.name)
        if self.subject_id:
            origin = self.env._(
                "Exchange %(link)s with %(partner)s about %(subject)s.",
                link=link,
                partner=self.partner_id.display_name,
                subject=self.subject_id.name,
            )
        else:
            origin = self.env._("Exchange %(link)s with %(partner)s.", link=link, partner=self.partner_id.display_name)
        lines.append(Markup("<p>%s</p>") % origin)
        return Markup("").join(lines)

    @api.model
    def _get_reminder_alarm(self, minutes):
        """The email alarm ``minutes`` before an event: an existing one, or a new one.

        Alarms are shared configuration records; they are looked up and created as superuser.
        """
        alarms = self.env["calendar.alarm"].sudo()
        alarm = alarms.search([("alarm_type", "=", "email"), ("duration_minutes", "=", minutes)], limit=1)
        if not alarm:
            alarm = alarms.create(
                {
                    "name": self.env._("Email - %(minutes)s minutes", minutes=minutes),
                    "alarm_type": "email",
                    "duration": minutes,
                    "interval": "minutes",
                }
            )
        return alarm

    def _message_get_suggested_recipients(self):
        recipients = super()._message_get_suggested_recipients()
        for partner in (self.contact_ids or self.partner_id).sudo():
            self._message_add_suggested_recipient(recipients, partner=partner, reason=self.env._("Partner"))
        return recipients

    @api.model
    def _demo_plan_followups_in_french(self):
        """Demo data: write the planned call-backs (activity, calendar event) in French when French
        is installed. The demo exchanges are created in the installer's language, English; their
        call-backs are planned again in French. Does nothing without French."""
        if not self.env["res.lang"]._lang_get("fr_FR"):
            return
        for exchange in self.search([("followup_state", "=", "planned")]).with_context(lang="fr_FR"):
            exchange._plan_followup()

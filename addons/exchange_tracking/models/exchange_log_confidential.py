from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.osv import expression
from odoo.tools import is_html_empty

GROUP_CONFIDENTIAL = "exchange_tracking.group_exchange_confidential"
# The exchange's fields copied on its confidential note, that decide who reads the note.
NOTE_AUDIENCE_FIELDS = {"user_id": "author_id", "confidential_group_id": "group_id", "company_id": "company_id"}


class ExchangeLog(models.Model):
    """The exchange's confidential note: who reads it, who writes it, who may change who reads it.

    The note itself is an ``exchange.confidential.note`` record, whose record rules decide who
    reads it; the exchange shows it through a non-stored field computed with the reader's rights.
    """

    _inherit = "exchange.log"  # pylint: disable=consider-merging-classes-inherited

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

    # ------------------------------------------------------------------
    # Computes, inverses, searches
    # ------------------------------------------------------------------

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

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

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

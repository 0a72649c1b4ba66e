import base64
import re

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

GROUP_CONFIDENTIAL = "exchange_tracking.group_exchange_confidential"
# The fields of the note that decide who may read it: copied from the exchange by the server only.
AUDIENCE_FIELDS = ("author_id", "group_id", "company_id")
# <img src="/web/image/42..."> or "/web/content/42...": an attachment shown in the note.
ATTACHMENT_SRC = re.compile(r"""src=(["'])/web/(?:image|content)/(\d+)[^"']*\1""")


class ExchangeConfidentialNote(models.Model):
    """The confidential comment of one exchange, kept apart from the exchange.

    The note lives in its own table so that record rules decide, per record, who may
    read it: the note's author (the exchange's author), the members of the group the
    exchange shares it with, and the "see all confidential comments" group (read only).
    ``exchange.log.confidential_note`` is a non-stored field computed through this model
    with the current user's rights, so read, search_read, web_read, export_data and
    searching on the note all return nothing to anyone else.

    ``author_id``, ``group_id`` and ``company_id`` are stored copies of the exchange's
    author, shared group and company. They are not ``related`` fields on purpose: a related
    field is recomputed as superuser whenever the exchange changes, so whoever may edit the
    exchange (its creator, for instance) would decide who reads the note. They are written
    by ``exchange.log`` only, after checking that the writer already controls the note
    (see ``exchange.log._check_note_audience_change``).
    """

    _name = "exchange.confidential.note"
    _description = "Confidential Note of an Exchange"
    _order = "id"

    exchange_id = fields.Many2one("exchange.log", required=True, index=True, ondelete="cascade")
    note = fields.Html(string="Confidential Note")
    author_id = fields.Many2one("res.users", string="Author", index=True, readonly=True)
    group_id = fields.Many2one("res.groups", string="Shared With Group", readonly=True)
    company_id = fields.Many2one("res.company", string="Company", index=True, readonly=True)

    _sql_constraints = [
        ("exchange_uniq", "unique(exchange_id)", "An exchange has only one confidential note."),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        # Who may read a new note is the exchange's business, never the creator's choice.
        if not self.env.su and any(field in vals for vals in vals_list for field in AUDIENCE_FIELDS):
            raise AccessError(self._audience_error())
        for vals in vals_list:
            vals.update(self._audience_values(self.env["exchange.log"].browse(vals.get("exchange_id") or [])))
        notes = super().create(vals_list)
        notes._inline_own_images()
        return notes

    def write(self, vals):
        if "exchange_id" in vals and any(note.exchange_id.id != vals["exchange_id"] for note in self):
            raise UserError(self.env._("A confidential note cannot be moved to another exchange."))
        if not self.env.su and any(field in vals for field in AUDIENCE_FIELDS):
            raise AccessError(self._audience_error())
        result = super().write(vals)
        if "note" in vals:
            self._inline_own_images()
        return result

    @api.model
    def _audience_values(self, exchange):
        """The stored copies of the exchange's fields that the record rules read."""
        # sudo: reading the author, group and company ids of an exchange the ORM will check
        # anyway (the create rule reads exchange_id); the values are copied, not disclosed.
        exchange = exchange.sudo()
        return {
            "author_id": exchange.user_id.id,
            "group_id": exchange.confidential_group_id.id,
            "company_id": exchange.company_id.id,
        }

    def _follow_exchange(self):
        """Copy their exchange's author, shared group and company on these notes again."""
        # sudo: called by exchange.log.write once _check_note_audience_change allowed the writer.
        for note in self.sudo():
            note.write(self._audience_values(note.exchange_id))

    def _audience_error(self):
        return self.env._(
            "Who may read a confidential note follows its exchange (author, shared group, company): "
            "it cannot be changed on the note itself."
        )

    def _can_change_audience(self):
        """Whether the current user may change who reads these notes: their author, or a user who
        sees every confidential comment. The members of the shared group may read and edit the
        text, not give it to others."""
        user = self.env.user
        if self.env.su or user.has_group(GROUP_CONFIDENTIAL):
            return self.has_access("read")
        return all(note.author_id == user for note in self.sudo()) and self.has_access("read")

    def _inline_own_images(self):
        """Keep the images of a note inside the note.

        The HTML editor stores a pasted or uploaded image as an attachment of the record on
        screen, the exchange, which every reader of the exchange may read. An image of the note
        that is such an attachment, uploaded by the current user and not part of a chatter
        message, is written into the note as a ``data:`` URI and the attachment is deleted:
        the image is then only where the note is, behind the note's record rules.
        """
        Attachment = self.env["ir.attachment"]
        for note in self:
            html = note.note or ""
            ids = {int(match.group(2)) for match in ATTACHMENT_SRC.finditer(html)}
            if not ids:
                continue
            # sudo: the attachments are found by id among those of this very exchange that the
            # current user uploaded; he may write the note (checked by the ORM before this call).
            candidates = Attachment.sudo().search(
                [
                    ("id", "in", list(ids)),
                    ("res_model", "=", "exchange.log"),
                    ("res_id", "=", note.exchange_id.id),
                    ("res_field", "=", False),
                    ("create_uid", "=", self.env.uid),
                    ("mimetype", "=like", "image/%"),
                ]
            )
            in_messages = self.env["mail.message"].sudo().search([("attachment_ids", "in", candidates.ids)])
            candidates -= in_messages.attachment_ids
            if not candidates:
                continue
            by_id = {attachment.id: attachment for attachment in candidates}

            def inline(match, by_id=by_id):
                attachment = by_id.get(int(match.group(2)))
                if not attachment:
                    return match.group(0)
                data = base64.b64encode(attachment.raw or b"").decode()
                return f'src="data:{attachment.mimetype};base64,{data}"'

            # sudo: the current user's right to write this note was checked by the ORM; the
            # images left as links (not his uploads) make this second pass find nothing to do.
            note.sudo().write({"note": ATTACHMENT_SRC.sub(inline, html)})
            candidates.unlink()

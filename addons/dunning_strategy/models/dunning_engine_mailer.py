"""The email channels of the engine: the reminder itself and the hand-over dossier, both
posted in bulk (``_post_emails``) on the record the line's kind names (``_post_record``)."""

from collections import defaultdict

from odoo import Command, api, models
from odoo.addons.mail.models.mail_message import _image_dataurl
from odoo.tools import SQL, clean_context


class DunningEngine(models.AbstractModel):
    _inherit = "dunning.engine"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _send_email(self, lines, documents=None):
        """Email channel: render each step's template on many lines at once, let the line's kind
        adjust the text (``_email_values``), then post every email of the batch at once on the
        record the kind names (``_post_record``), in the recipient's language (through the
        template's ``lang``), queued for the mail cron. Lines without a usable address (letter
        steps) are left to the letter."""
        posts = []
        for kind, kind_lines in self._lines_by_kind(lines):
            email_lines = kind_lines.filtered(
                lambda line, kind=kind: (
                    kind._wants_channel(line, "email")
                    and line.step_id.mail_template_id
                    and not self._check_email_address(line.recipient_id)
                )
            )
            # the templates print each invoice's pay link: its access token, made for all at once
            email_lines.move_ids._dunning_ensure_access_tokens()
            for template, template_lines in email_lines.grouped(lambda line: line.step_id.mail_template_id).items():
                rendered = template._generate_template(template_lines.ids, self._email_render_fields())
                for line in template_lines:
                    values = kind._email_values(line, dict(rendered[line.id]))
                    post_values = self._prepare_email_post_values(line, template, values)
                    posts.append((line, kind._post_record(line), post_values))
        # to the recipient only, not to every follower of the record; the author stays the user
        self._post_emails(posts)

    @api.model
    def _post_emails(self, posts, message_field="mail_message_id"):
        """Post the emails of a batch: each one in its record's chatter, to its recipients only,
        queued for the mail cron; the message is kept in the line's ``message_field``.

        :param posts: list of ``(line, record, post_values)``; ``post_values`` are the keyword
            arguments ``message_post`` would take (see ``_prepare_email_post_values``)

        Why not ``message_post``: it renders the notification layout, gathers the followers and
        creates the message, its email and its notifications one post at a time (about 50 ms).
        A reminder goes to its recipients only, with the template's body as it is: the messages
        with their emails (``mail.mail`` inherits ``mail.message``) and the notifications are
        created in bulk, as the mass mailing composer does.
        """
        if not posts:
            return
        reply_to = self._get_reply_to(posts)
        subtype_ids = {}
        message_values, bodies = [], []
        for _line, record, values in posts:
            recipient_ids = values.get("partner_ids") or []
            subtype_xmlid = values.get("subtype_xmlid") or "mail.mt_comment"
            if subtype_xmlid not in subtype_ids:
                subtype_ids[subtype_xmlid] = self.env["ir.model.data"]._xmlid_to_res_id(subtype_xmlid)
            body = values.get("body") or ""
            message_values.append(
                {
                    "model": record._name,
                    "res_id": record.id,
                    "record_name": record.display_name,
                    "message_type": values.get("message_type") or "comment",
                    "subtype_id": subtype_ids[subtype_xmlid],
                    "author_id": values.get("author_id"),
                    "email_from": values["email_from"],
                    "reply_to": values.get("reply_to") or reply_to[record._name, record.id, values["email_from"]],
                    "subject": values.get("subject"),
                    "partner_ids": [Command.set(recipient_ids)],
                    "attachment_ids": [Command.set(values.get("attachment_ids") or [])],
                    # a body with embedded images goes through create, which turns them into files
                    **({"body": body} if _image_dataurl.search(body) else {}),
                }
            )
            bodies.append(body)
        env = self.env(context=clean_context(self.env.context), su=True)
        messages = env["mail.message"].create(message_values)
        self._set_message_bodies(messages, message_values, bodies)
        mails = env["mail.mail"].create(
            [
                {
                    "mail_message_id": message.id,
                    "body_html": body,
                    "recipient_ids": [Command.set(values["partner_ids"][0][2])],
                    "auto_delete": post_values.get("mail_auto_delete", True),
                    # the message stays in the chatter when the email is deleted once sent
                    "is_notification": True,
                }
                for message, body, values, (_line, _record, post_values) in zip(
                    messages, bodies, message_values, posts, strict=True
                )
            ]
        )
        env["mail.notification"].create(
            [
                {
                    "author_id": message.author_id.id,
                    "is_read": True,
                    "mail_mail_id": mail.id,
                    "mail_message_id": message.id,
                    "notification_status": "ready",
                    "notification_type": "email",
                    "res_partner_id": partner_id,
                }
                for message, mail, values in zip(messages, mails, message_values, strict=True)
                for partner_id in values["partner_ids"][0][2]
            ]
        )
        for (line, _record, _values), message in zip(posts, messages, strict=True):
            line[message_field] = message

    @api.model
    def _set_message_bodies(self, messages, message_values, bodies):
        """Store the body of each new message, sanitized once.

        ``create`` sanitizes an HTML value twice (for the column, then for the cache), and
        ``mail.mail`` a third time for the body it inherits: a third of a batch's time. The
        body is sanitized here once, with the options of the field (the message's body shows
        in the chatter: it is sanitized as ``create`` would), then written in one query and
        put in the cache as ``create`` would have.
        """
        field = messages._fields["body"]
        todo = [
            (message, field.convert_to_cache(body, message))
            for message, values, body in zip(messages, message_values, bodies, strict=True)
            if "body" not in values and body
        ]
        if not todo:
            return
        self.env.execute_query(
            SQL(
                """
                UPDATE mail_message message
                   SET body = data.body
                  FROM unnest(%s::int4[], %s::text[]) AS data(id, body)
                 WHERE message.id = data.id
                """,
                [message.id for message, _body in todo],
                [str(body) for _message, body in todo],
            )
        )
        for message, body in todo:
            self.env.cache.set(message, field, body)

    @api.model
    def _get_reply_to(self, posts):
        """Reply-to address of each post without one, computed per model and sender for all
        records at once: ``{(model, res_id, email_from): reply_to}``."""
        records = defaultdict(list)
        for _line, record, values in posts:
            if not values.get("reply_to"):
                records[record._name, values["email_from"]].append(record.id)
        reply_to = {}
        for (model, email_from), res_ids in records.items():
            for res_id, address in self.env[model].browse(res_ids)._notify_get_reply_to(default=email_from).items():
                reply_to[model, res_id, email_from] = address
        return reply_to

    @api.model
    def _email_render_fields(self):
        return ("subject", "body_html", "email_from", "reply_to", "attachment_ids")

    @api.model
    def _prepare_email_post_values(self, line, template, values):
        """Keyword arguments of ``message_post`` for one line (hook for attachments)."""
        email_from = values.get("email_from") or line.company_id.email_formatted or self.env.user.email_formatted
        post_values = {
            "body": values.get("body_html") or "",
            "subject": values.get("subject") or line.step_id.name,
            "email_from": email_from,
            "author_id": self.env.user.partner_id.id,
            "partner_ids": line.recipient_id.ids,
            # the template's own files, then this line's own (statement and invoices...)
            "attachment_ids": [
                *(values.get("attachment_ids") or []),
                *line.run_id.strategy_id._dunning_kind()._email_attachment_ids(line),
            ],
            "message_type": "comment",
            "subtype_xmlid": "mail.mt_comment",
            "force_send": False,
            "mail_auto_delete": template.auto_delete,
        }
        if values.get("reply_to"):
            post_values["reply_to"] = values["reply_to"]
        return post_values

    @api.model
    def _hand_over(self, lines, documents=None):
        """Escalation channel: send the hand-over partner of the step the dossier of the invoices
        handed over (letter, statement, invoice PDFs), then mark them in collection, which
        takes them out of automatic dunning. Once per invoice: an invoice in collection is
        never handed over again."""
        lines = lines.filtered(lambda line: line.handover_move_ids and line.step_id.handover_partner_id)
        posts = []
        for template, template_lines in lines.grouped(lambda line: line.step_id.handover_template_id).items():
            rendered = template._generate_template(template_lines.ids, ("subject", "body_html", "email_from"))
            for line in template_lines:
                values = rendered[line.id]
                # to the hand-over partner only: the customer's followers never get the dossier
                post_values = {
                    "body": values.get("body_html") or "",
                    "subject": values.get("subject") or line.step_id.name,
                    "email_from": values.get("email_from")
                    or line.company_id.email_formatted
                    or self.env.user.email_formatted,
                    "author_id": self.env.user.partner_id.id,
                    "partner_ids": line.step_id.handover_partner_id.ids,
                    "attachment_ids": (line.letter_attachment_id | line.handover_attachment_ids).ids,
                    "mail_auto_delete": template.auto_delete,
                }
                posts.append((line, line.run_id.strategy_id._dunning_kind()._post_record(line), post_values))
        self._post_emails(posts, message_field="handover_message_id")
        for line in lines:
            line.handover_move_ids.sudo().write(
                {
                    "dunning_collection_partner_id": line.step_id.handover_partner_id.id,
                    "dunning_collection_date": line.date,
                    "dunning_excluded": True,
                }
            )

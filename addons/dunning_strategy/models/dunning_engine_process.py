"""The dunning flow, continued: one batch of lines, refreshed and checked by their kind under
lock, then every channel, then finalised (see ``dunning_engine.py``)."""

import logging
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import email_normalize

from .dunning_engine import CONCURRENCY_ERRORS, DunningLinesError

_logger = logging.getLogger(__name__)


class DunningEngine(models.AbstractModel):
    _inherit = "dunning.engine"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _process_lines(self, lines):
        """Refresh, check, then run every channel on the lines of one batch.

        The whole batch runs in one savepoint. When the documents of some customers cannot be
        built (``DunningLinesError``, raised before anything is sent), those lines fail with
        their reason and the batch runs again without them. If anything else raises, the
        batch is replayed line by line, each in its own savepoint, so that only the faulty
        customer fails (with the reason) and the others go out.
        """
        lines = self._refresh_lines(lines)
        lines = self._check_lines(lines)
        while lines:
            try:
                with self.env.cr.savepoint():
                    self._run_channels(lines)
                return
            except DunningLinesError as error:
                reasons = error.reasons
                failed = lines.filtered(lambda line, reasons=reasons: line in reasons)
                if not failed:
                    break
                lines -= self._close_lines("failed", {line: reasons[line] for line in failed})
            except CONCURRENCY_ERRORS:
                raise
            except Exception:  # replayed line by line below
                break
        for line in lines:
            try:
                with self.env.cr.savepoint():
                    self._run_channels(line)
            except CONCURRENCY_ERRORS:
                raise
            except Exception as error:
                _logger.info("Dunning line %s failed: %s", line.id, error)
                self._close_lines("failed", {line: self._error_message(error)})

    @api.model
    def _error_message(self, error):
        """The reason stored on a failed line: what went wrong, never a traceback.

        Odoo's template rendering errors embed the traceback of the template's code after
        the message; the reason keeps the message and the last line (the error itself).
        """
        message = error.args[0] if isinstance(error, UserError) and error.args else str(error)
        if "Traceback (most recent call last)" in message:
            head, _sep, trace = message.partition("Traceback (most recent call last)")
            # the message's format closes with ")" after the traceback: the error is the line before
            last = [line.strip() for line in trace.splitlines() if line.strip() not in ("", ")")][-1:]
            message = "\n".join(part for part in (head.strip(), *last) if part)
        return message or error.__class__.__name__

    @api.model
    def _lines_by_kind(self, lines):
        """``[(kind, lines)]``: the lines of each kind of document (their strategy's)."""
        return [
            (strategy._dunning_kind(), kind_lines)
            for strategy, kind_lines in lines.grouped(lambda line: line.run_id.strategy_id).items()
        ]

    @api.model
    def _refresh_lines(self, lines):
        """Re-read the documents of the lines right before reminding (each kind locks its
        documents first); skip what no longer holds.

        :return: the lines still to remind
        """
        skipped = {}
        for kind, kind_lines in self._lines_by_kind(lines):
            skipped.update(kind._refresh_lines(kind_lines))
        return lines - self._close_lines("skipped", skipped)

    @api.model
    def _check_lines(self, lines):
        """Set the recipient of each line (its kind's) and fail the lines that cannot be sent
        (``_check_line`` of the kind).

        :return: the lines that can be processed
        """
        failed = {}
        for kind, kind_lines in self._lines_by_kind(lines):
            recipients = kind._get_recipients(kind_lines)
            # whether each recipient is blacklisted, in one query for all (read per recipient
            # by ``_check_email_address``: one search each otherwise)
            self.env["res.partner"].union(*recipients.values()).mapped("is_blacklisted")
            for line in kind_lines:
                if line.recipient_id != recipients[line]:
                    line.recipient_id = recipients[line]
                reason = kind._check_line(line)
                if reason:
                    failed[line] = reason
        return lines - self._close_lines("failed", failed)

    @api.model
    def _close_lines(self, state, reasons):
        """Close the lines that will not be processed: ``state`` ('failed' or 'skipped') and
        ``reasons``, ``{line: reason}``, written once per reason.

        :return: the closed lines
        """
        by_reason = defaultdict(list)
        for line, reason in reasons.items():
            by_reason[reason].append(line.id)
        now = fields.Datetime.now()
        Line = self.env["dunning.run.line"]
        for reason, line_ids in by_reason.items():
            Line.browse(line_ids).write({"state": state, "error": reason, "processed_date": now})
        return Line.browse([line.id for line in reasons])

    @api.model
    def _get_recipients(self, lines):
        """``{line: partner}``: who receives each line's reminder (its kind's rule)."""
        recipients = {}
        for kind, kind_lines in self._lines_by_kind(lines):
            recipients.update(kind._get_recipients(kind_lines))
        return recipients

    @api.model
    def _check_email_address(self, partner):
        """Reason why ``partner`` cannot receive an email, or None."""
        if not partner.email:
            return self.env._("no email address")
        if not email_normalize(partner.email):
            return self.env._("invalid email address: %(email)s", email=partner.email)
        if partner.is_blacklisted:
            return self.env._("email address blacklisted: %(email)s", email=partner.email)
        return None

    # ------------------------------------------------------------------
    # 5. Channels: one method each, same signature, each picks its lines
    # ------------------------------------------------------------------

    @api.model
    def _get_channels(self):
        """Channel methods, in the order they run on a batch of lines."""
        return [self._send_email, self._schedule_activity, self._print_letters, self._hand_over, self._invoice_fees]

    @api.model
    def _run_channels(self, lines):
        # documents first (late fees, letters, statement, invoice PDFs): a letter that cannot
        # be built fails its line before any email of the batch goes out
        documents = {}
        for kind, kind_lines in self._lines_by_kind(lines):
            documents.update(kind._prepare_documents(kind_lines) or {})
        for channel in self._get_channels():
            channel(lines, documents)
        self._finalize_lines(lines)

    # ------------------------------------------------------------------
    # 6. After the channels
    # ------------------------------------------------------------------

    @api.model
    def _finalize_lines(self, lines):
        """The documents record their reminder (each kind's), then the lines are done."""
        for kind, kind_lines in self._lines_by_kind(lines):
            kind._finalize_lines(kind_lines)
        lines.write({"state": "done", "error": False, "processed_date": fields.Datetime.now()})

"""The contract of a kind of document the engine reminds (invoices, quotations, ...).

The engine (``dunning.engine``) orchestrates run lines of any kind and never branches on it: it
asks the kind of a line's strategy (``dunning.strategy._dunning_kind``) for what differs. A
kind is one model of ``_inherit = "dunning.document.kind"`` with its own ``_name``
(``dunning.kind.invoice`` here, ``dunning.kind.quotation`` in ``dunning_strategy_sale``) that
implements the methods below marked "must". The others have defaults that fit most kinds.

Select     ``_select_query`` (must): one SQL query, the step due joined with ``_due_step_sql``
           (the one rule of "which step is due"); ``_group_candidates``,
           ``_check_candidates`` (must) and ``_prepare_line_vals`` (must) turn its rows into
           run lines.
Re-check   ``_refresh_lines`` (must): lock the documents, re-read them, ``{line: skip reason}``.
           ``_get_recipients`` (must) and ``_check_line``: who receives it, why it cannot go.
Channels   ``_wants_channel``: which of email, activity, letter a line takes;
           ``_post_record``: the record the email, note and activity go on;
           ``_email_values``: the rendered template adjusted (placeholders, edited text);
           ``_email_attachment_ids``, ``_activity_vals``, ``_letter_note``;
           ``_prepare_documents``: the batch's letters and files, before anything is sent.
Finalise   ``_finalize_lines`` (must): the documents record the reminder.
"""

from odoo import api, models
from odoo.tools import SQL


class DunningDocumentKind(models.AbstractModel):
    _name = "dunning.document.kind"
    _description = "Kind of Document Reminded"

    # ------------------------------------------------------------------
    # Select
    # ------------------------------------------------------------------

    @api.model
    def _select_query(self, strategy, date, step=None):
        """The SQL query of the documents a run of ``strategy`` at ``date`` reminds, with the
        step due for each (``_due_step_sql``). Read by ``dunning.engine._select_candidates``."""
        raise NotImplementedError

    @api.model
    def _steps_sql(self, strategy):
        """The steps of ``strategy`` as rows for the selection queries: ``id``, ``level``,
        ``days``, ``min_interval_days``, ``repeat_days``, ``is_last``."""
        return SQL(
            """
            SELECT step.id, step.level,
                   COALESCE(step.days, 0) AS days,
                   COALESCE(step.min_interval_days, 0) AS min_interval_days,
                   COALESCE(step.repeat_days, 0) AS repeat_days,
                   step.level = MAX(step.level) OVER () AS is_last
              FROM dunning_strategy_step step
             WHERE step.strategy_id = %s
            """,
            strategy.id,
        )

    @api.model
    def _due_step_sql(self, document, date, step=None, one_step=False):
        """The one rule of "which step is due", as the body of a ``LATERAL`` join on the CTE
        ``steps`` (``_steps_sql``) for the row ``document`` (an SQL alias) that has the columns
        ``reference_date`` (days count from it), ``dunning_date`` (last reminder),
        ``current_level`` (0: none yet) and ``climb_from`` (the lowest level it may climb to).

        A step is due when, not reminded on or after ``date`` yet, either its level is
        ``climb_from`` (``one_step``: a document climbs one step per run) or above it (it goes
        straight to the highest step reached), ``date`` is at least ``days`` after the
        reference date and the last reminder is at least ``min_interval_days`` old; or it is
        the last step, already reached, with a ``repeat_days`` interval that has passed. The
        highest such step wins.
        """
        return SQL(
            """
            SELECT step.id, step.level, step.days
              FROM steps step
             WHERE (%(doc)s.dunning_date IS NULL OR %(doc)s.dunning_date < %(date)s)
               AND (
                    (step.level %(climb)s %(doc)s.climb_from
                     AND %(date)s - %(doc)s.reference_date >= step.days
                     AND (%(doc)s.dunning_date IS NULL
                          OR %(doc)s.dunning_date + step.min_interval_days <= %(date)s))
                 OR (step.is_last
                     AND %(doc)s.current_level >= step.level
                     AND step.repeat_days > 0
                     AND %(doc)s.dunning_date + step.repeat_days <= %(date)s)
               )
               %(step_filter)s
          ORDER BY step.level DESC
             LIMIT 1
            """,
            doc=SQL.identifier(document),
            climb=SQL("=" if one_step else ">="),
            date=date,
            step_filter=SQL("AND step.id = %s", step.id) if step else SQL(),
        )

    @api.model
    def _group_candidates(self, strategy, rows):
        """Candidates (one per future run line) of the rows of ``_select_query``: dicts with at
        least ``partner_id``, ``step_id``, ``level``. Default: one per row."""
        return [dict(row, level=row["step_level"]) for row in rows]

    @api.model
    def _check_candidates(self, strategy, candidates):
        """The candidates a caller built (wizards), checked against the database.

        :raise UserError: on a document or step that does not belong there"""
        raise NotImplementedError

    @api.model
    def _prepare_line_vals(self, run, candidate):
        """Values of the run line of one candidate."""
        raise NotImplementedError

    # ------------------------------------------------------------------
    # Under lock, before sending
    # ------------------------------------------------------------------

    @api.model
    def _refresh_lines(self, lines):
        """Lock the documents of ``lines`` ``FOR UPDATE``, re-read them, update what changed on
        the lines and return ``{line: reason}`` of the lines that must be skipped. Never sends."""
        raise NotImplementedError

    @api.model
    def _get_recipients(self, lines):
        """``{line: partner}``: who receives each line's reminder."""
        raise NotImplementedError

    @api.model
    def _check_line(self, line):
        """Why ``line`` cannot be sent (no usable address for its channels...), or None."""
        return None

    # ------------------------------------------------------------------
    # What the channels need
    # ------------------------------------------------------------------

    @api.model
    def _wants_channel(self, line, channel):
        """Whether ``line`` goes by ``channel`` ('email', 'activity' or 'letter'). Default: as
        its step says."""
        step = line.step_id
        return {"email": step.send_email, "activity": step.schedule_activity, "letter": step.print_letter}[channel]

    @api.model
    def _post_record(self, line):
        """The record whose chatter gets the email, the letter's note and the activity."""
        return line.partner_id

    @api.model
    def _email_values(self, line, values):
        """The rendered template values (``subject``, ``body_html``...) of ``line``'s email, as
        sent. Default: as rendered."""
        return values

    @api.model
    def _email_attachment_ids(self, line):
        """Ids of the files attached to ``line``'s email besides the template's own."""
        return line.attachment_ids.ids

    @api.model
    def _activity_vals(self, line, vals):
        """Values of ``line``'s activity, given the engine's (``res_model_id``/``res_id`` are
        already those of ``_post_record``)."""
        return vals

    @api.model
    def _letter_note(self, line):
        """Body of the note logged on ``_post_record`` when ``line``'s letter is printed."""
        return self.env._("Letter printed: %(step)s (%(run)s)", step=line.step_id.name, run=line.run_id.name)

    @api.model
    def _prepare_documents(self, lines):
        """Build the batch's documents (letters, attached files) and store them on the lines;
        raise ``DunningLinesError`` for the lines whose documents cannot be built. Never sends.

        :return: a dict of what the channels may reuse (e.g. ``late_fees``)"""
        return {}

    # ------------------------------------------------------------------
    # Finalise
    # ------------------------------------------------------------------

    @api.model
    def _finalize_lines(self, lines):
        """The documents of the done ``lines`` record their reminder (step, date)."""
        raise NotImplementedError

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    @api.model
    def _steps_by_level(self, strategy):
        return {step.level: step for step in strategy.step_ids}

"""A new kind of document needs only its own adapter (``dunning.document.kind``).

The kind below is defined in this test only: a welcome message to the contacts of a company,
``days`` after they were created (``res.partner``, no new field, no new table). It implements
the contract and nothing else; the engine selects its documents with the shared step-due rule,
creates the lines, emails them through its one email channel and finalises them.

Odoo registers models when an addon loads, not in a test: the kind is a Python subclass of the
registered ``dunning.document.kind`` bound to the test's environment, and the strategy's plug
point (``dunning.strategy._dunning_kind``) returns it for the test's strategy. Everything else
is the real engine on the real database.
"""

from datetime import timedelta
from unittest.mock import patch

from odoo import Command
from odoo.tools import SQL

from .common import DunningCommon

WELCOME_REF = "welcome-kind"


def welcome_kind(env):
    """The test kind, as a class bound to ``env``'s registry."""
    base = env.registry["dunning.document.kind"]

    class WelcomeKind(base):
        finalized = []

        def _select_query(self, strategy, date, step=None):
            return SQL(
                """
                WITH steps AS (%(steps)s),
                contact AS (
                    SELECT partner.id, partner.create_date::date AS reference_date,
                           last.date AS dunning_date, COALESCE(last.level, 0) AS current_level,
                           COALESCE(last.level, 0) + 1 AS climb_from
                      FROM res_partner partner
                 LEFT JOIN LATERAL (
                            SELECT line.date, line_step.level
                              FROM dunning_run_line line
                              JOIN dunning_run run ON run.id = line.run_id
                              JOIN dunning_strategy_step line_step ON line_step.id = line.step_id
                             WHERE line.partner_id = partner.id AND run.strategy_id = %(strategy_id)s
                               AND line.state IN ('pending', 'done')
                          ORDER BY line.date DESC, line.id DESC
                             LIMIT 1
                        ) last ON TRUE
                     WHERE partner.active AND partner.ref = %(ref)s
                )
                SELECT contact.id AS partner_id, due_step.id AS step_id, due_step.level AS step_level
                  FROM contact
                  JOIN LATERAL (%(due_step)s) due_step ON TRUE
              ORDER BY contact.id
                """,
                steps=self._steps_sql(strategy),
                strategy_id=strategy.id,
                ref=WELCOME_REF,
                due_step=self._due_step_sql("contact", date, step),
            )

        def _check_candidates(self, strategy, candidates):
            return candidates

        def _prepare_line_vals(self, run, candidate):
            return {
                "run_id": run.id,
                "partner_id": candidate["partner_id"],
                "step_id": candidate["step_id"],
                "amount_residual": 0.0,
            }

        def _refresh_lines(self, lines):
            self.env.execute_query(
                SQL("SELECT id FROM res_partner WHERE id = ANY(%s) ORDER BY id FOR UPDATE", lines.partner_id.ids)
            )
            return {line: "archived" for line in lines if not line.partner_id.active}

        def _get_recipients(self, lines):
            return {line: line.partner_id for line in lines}

        def _check_line(self, line):
            return self.env["dunning.engine"]._check_email_address(line.recipient_id)

        def _finalize_lines(self, lines):
            self.finalized.extend(lines.ids)

    return WelcomeKind


class TestDocumentKind(DunningCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.welcome = cls.env["dunning.strategy"].create(
            {
                "name": "Welcome",
                "company_id": cls.company.id,
                "step_ids": [
                    Command.create(cls._step_vals(1, "Welcome", 0)),
                    Command.create(cls._step_vals(2, "How are you doing?", 10)),
                ],
            }
        )
        cls.contacts = cls.env["res.partner"].create(
            [
                {"name": "New One", "email": "new.one@customer.example.com", "ref": WELCOME_REF},
                {"name": "New Two", "email": "new.two@customer.example.com", "ref": WELCOME_REF},
                {"name": "No Email", "ref": WELCOME_REF},
            ]
        )
        cls.today = cls.contacts[0].create_date.date()

    def _plug(self):
        kind_class = welcome_kind(self.env)
        kind_class.finalized = []
        strategy_class = type(self.env["dunning.strategy"])
        original = strategy_class._dunning_kind

        def _dunning_kind(strategy):
            if strategy == self.welcome:
                return kind_class(strategy.env, (), ())
            return original(strategy)

        return kind_class, patch.object(strategy_class, "_dunning_kind", _dunning_kind)

    def test_new_kind_is_selected_reminded_by_email_and_finalised_by_the_engine(self):
        kind_class, plugged = self._plug()
        with plugged:
            candidates = self.welcome._compute_candidates(self.today)
            self.assertEqual(
                {(c["partner_id"], c["step_id"]) for c in candidates},
                {(contact.id, self.welcome.step_ids.sorted("level")[0].id) for contact in self.contacts},
            )
            run = self.welcome._create_run(self.today, "manual")
            run.action_process()
            done = run.line_ids.filtered(lambda line: line.state == "done")
            failed = run.line_ids - done
            self.assertEqual(done.partner_id, self.contacts[:2])
            self.assertEqual(failed.partner_id, self.contacts[2])
            self.assertEqual(failed.error, "no email address")
            self.assertEqual(sorted(kind_class.finalized), sorted(done.ids))
            for line in done:
                self.assertEqual(line.mail_message_id.model, "res.partner")
                self.assertEqual(line.mail_message_id.res_id, line.partner_id.id)
                self.assertEqual(line.mail_message_id.partner_ids, line.partner_id)
            self.assertEqual(run.state, "done")
            # the engine's step-due rule holds for the new kind: a contact reminded today is not
            # selected again today (the failed one is), and climbs to the next step in 10 days
            step1, step2 = self.welcome.step_ids.sorted("level")
            self.assertEqual(
                [(c["partner_id"], c["step_id"]) for c in self.welcome._compute_candidates(self.today)],
                [(self.contacts[2].id, step1.id)],
            )
            later = self.welcome._compute_candidates(self.today + timedelta(days=10))
            self.assertEqual(
                {(c["partner_id"], c["step_id"]) for c in later},
                {(self.contacts[0].id, step2.id), (self.contacts[1].id, step2.id), (self.contacts[2].id, step2.id)},
            )

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

# Each kind of work item gets its own last digit in the row ids, so that the ids of the union
# are unique and stable (``source id * 10 + digit``). Another addon adding a kind picks a
# digit of its own (see ``_worklist_queries``).
KIND_DIGITS = {"remind": 1, "call": 2, "failed": 3}


class DunningWorklist(models.Model):
    """ "My day": what a credit controller has to do today in the current company, one row per
    item: customers a run today would remind, dunning calls assigned to the user that are due
    or late, customers whose latest reminder failed. Each row opens the customer's follow-up
    page.

    Read only, recomputed at each read: the customers to remind come from the engine's own
    selection (``dunning.engine._select_candidates``), which depends on today and on every
    payment, so the rows are a query (``_table_query``), not stored data.
    """

    _name = "dunning.worklist"
    _description = "Dunning Worklist"
    _auto = False
    _order = "date, partner_id, id"
    _rec_name = "partner_id"
    _depends = {
        "mail.activity": ["res_model", "res_id", "activity_type_id", "user_id", "date_deadline", "active"],
        "dunning.run.line": ["partner_id", "company_id", "date", "state", "amount_residual", "step_id"],
    }

    kind = fields.Selection(
        [("remind", "To Remind Today"), ("call", "Call to Make"), ("failed", "Failed Reminder")],
        string="To Do",
        readonly=True,
    )
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", string="Company", readonly=True)
    currency_id = fields.Many2one("res.currency", string="Currency", readonly=True)
    date = fields.Date(readonly=True)
    amount = fields.Monetary(string="Amount", currency_field="currency_id", readonly=True)
    step_id = fields.Many2one("dunning.strategy.step", string="Dunning Step", readonly=True)
    activity_id = fields.Many2one("mail.activity", string="Call", readonly=True)
    run_line_id = fields.Many2one("dunning.run.line", string="Reminder", readonly=True)
    description = fields.Char(compute="_compute_description")

    @property
    def _table_query(self):
        # the engine's selection reads every invoice of the company in SQL: dunning users only
        if not self.env.su and not self.env.user.has_group("dunning_strategy.group_dunning_user"):
            raise AccessError(self.env._("Only credit controllers may see the dunning worklist."))
        queries = self._worklist_queries()
        return SQL(" UNION ALL ").join(SQL("(%s)", query) for query in queries)

    def _worklist_queries(self):
        """The queries of the worklist, one per kind of item, each returning the columns ``id``
        (see ``KIND_DIGITS``), ``kind``, ``partner_id``, ``company_id``, ``currency_id``,
        ``date``, ``amount``, ``step_id``, ``activity_id``, ``run_line_id``.

        Extension point: promises and disputes falling due are not part of this addon yet; the
        addon that brings them adds its kind to ``kind`` (``selection_add``) and its query here.
        """
        company = self.env.company
        today = fields.Date.context_today(self)
        return [
            self._remind_query(company, today),
            self._call_query(company, today),
            self._failed_query(company),
        ]

    def _remind_query(self, company, today):
        """Customers a run of today would remind (what ``dunning.launch`` would list), at the
        highest step due, with the total of the invoices listed in the reminder."""
        engine = self.env["dunning.engine"]
        candidates = [
            candidate
            # invoice strategies only: quotation follow-ups are the salespeople's, in Sales
            for strategy in self.env["dunning.strategy"].search(
                [("company_id", "=", company.id), *self.env["dunning.strategy"]._invoice_strategy_domain()]
            )
            for candidate in engine._group_candidates(strategy, engine._select_candidates(strategy, today))
            if candidate["step_id"]
        ]
        return SQL(
            """
            SELECT candidate.partner_id * 10 + %(digit)s AS id,
                   'remind' AS kind,
                   candidate.partner_id,
                   %(company_id)s AS company_id,
                   %(currency_id)s AS currency_id,
                   %(today)s::date AS date,
                   candidate.amount,
                   candidate.step_id,
                   NULL::integer AS activity_id,
                   NULL::integer AS run_line_id
              FROM unnest(%(partner_ids)s::integer[], %(amounts)s::numeric[], %(step_ids)s::integer[])
                   AS candidate(partner_id, amount, step_id)
            """,
            digit=KIND_DIGITS["remind"],
            company_id=company.id,
            currency_id=company.currency_id.id,
            today=today,
            partner_ids=[candidate["partner_id"] for candidate in candidates],
            amounts=[candidate["amount_residual"] for candidate in candidates],
            step_ids=[candidate["step_id"] for candidate in candidates],
        )

    def _call_query(self, company, today):
        """Open dunning calls on customers assigned to the user, due today or late, with the
        customer's overdue amount in the company. Activities have no company: the user's own
        calls show in whichever company he works."""
        call_type = self.env.ref("dunning_strategy.mail_activity_type_dunning_call", raise_if_not_found=False)
        return SQL(
            """
            SELECT activity.id * 10 + %(digit)s AS id,
                   'call' AS kind,
                   activity.res_id AS partner_id,
                   %(company_id)s AS company_id,
                   %(currency_id)s AS currency_id,
                   activity.date_deadline AS date,
                   situation.amount_overdue AS amount,
                   situation.step_id,
                   activity.id AS activity_id,
                   NULL::integer AS run_line_id
              FROM mail_activity activity
         LEFT JOIN dunning_customer_situation situation
                ON situation.partner_id = activity.res_id AND situation.company_id = %(company_id)s
             WHERE activity.res_model = 'res.partner'
               AND activity.activity_type_id = %(call_type_id)s
               AND activity.user_id = %(uid)s
               AND activity.active
               AND activity.date_deadline <= %(today)s
            """,
            digit=KIND_DIGITS["call"],
            company_id=company.id,
            currency_id=company.currency_id.id,
            call_type_id=call_type.id if call_type else 0,
            uid=self.env.uid,
            today=today,
        )

    def _failed_query(self, company):
        """Customers whose latest reminder in the company failed (a retried and sent reminder
        takes the customer off the list)."""
        return SQL(
            """
            SELECT line.id * 10 + %(digit)s AS id,
                   'failed' AS kind,
                   line.partner_id,
                   line.company_id,
                   %(currency_id)s AS currency_id,
                   line.date,
                   line.amount_residual AS amount,
                   line.step_id,
                   NULL::integer AS activity_id,
                   line.id AS run_line_id
              FROM (
                    SELECT DISTINCT ON (partner_id) id, partner_id, company_id, date, amount_residual, step_id, state
                      FROM dunning_run_line
                     WHERE company_id = %(company_id)s
                       AND state IN ('done', 'failed')
                       -- invoice reminders only (a quotation follow-up lists no invoice)
                       AND EXISTS (SELECT 1
                                     FROM dunning_run_line_account_move_rel rel
                                    WHERE rel.line_id = dunning_run_line.id)
                  ORDER BY partner_id, date DESC, id DESC
                   ) line
             WHERE line.state = 'failed'
            """,
            digit=KIND_DIGITS["failed"],
            company_id=company.id,
            currency_id=company.currency_id.id,
        )

    @api.depends("kind")
    def _compute_description(self):
        for item in self:
            if item.kind == "remind":
                item.description = self.env._("Reminder due: %(step)s", step=item.step_id.name)
            elif item.kind == "call":
                activity = item.activity_id
                item.description = activity.summary or activity.activity_type_id.name
            elif item.kind == "failed":
                item.description = (item.run_line_id.error or "").split("\n")[0]
            else:
                item.description = False

    def action_open_customer_page(self):
        """Open the follow-up page of the row's customer."""
        self.ensure_one()
        return self.partner_id.commercial_partner_id.with_company(self.company_id)._get_dunning_followup_action()

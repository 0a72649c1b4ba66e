from odoo.tests import tagged

from .common import DunningCommon

# selection 1, strategy/company/currency/user reads 4, sequence 3, run insert 1, line ids 1,
# lines insert 1, many2many inserts 2
CREATE_RUN_QUERIES = 13
# the same without the selection, with one read of the given candidates' customers and invoices
# for all of them (it was two reads per customer: 31 s for the cron's 2,514 customers)
CREATE_RUN_FROM_CANDIDATES_QUERIES = 15
# the emails of a batch: template and lines read, access tokens, reply-to, messages, their
# bodies (one UPDATE), mails, notifications, their many2many tables, the lines' message
EMAIL_BATCH_QUERIES = 23
# a whole batch: the above, the invoices locked and re-read, the recipients and their
# blacklist, the invoices' next step (one UPDATE) and the customers' stored step, the lines
PROCESS_BATCH_QUERIES = 37


@tagged("post_install", "-at_install")
class TestDunningPerformance(DunningCommon):
    """The number of queries of a run does not depend on the number of invoices."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.small_strategy = cls.strategy.copy({"name": "Small strategy"})
        cls.warm_strategy = cls.strategy.copy({"name": "Warm-up strategy"})
        warm_customer = cls._create_customer("Warm-up Customer")
        warm_customer.with_company(cls.company).dunning_strategy_id = cls.warm_strategy
        # more than the ORM's 100 rows per INSERT: a growing count would show
        big_customers = cls.env["res.partner"].create(
            [{"name": f"Big {i}", "email": f"big{i}@customer.example.com"} for i in range(150)]
        )
        small_customers = cls.env["res.partner"].create(
            [{"name": f"Small {i}", "email": f"small{i}@customer.example.com"} for i in range(10)]
        )
        for customer in small_customers:
            customer.with_company(cls.company).dunning_strategy_id = cls.small_strategy
        vals_list = [cls._invoice_vals(big_customers[i % 150], cls._days_ago(2 + i % 60)) for i in range(300)]
        vals_list += [cls._invoice_vals(small_customers[i % 10], cls._days_ago(2 + i % 60)) for i in range(20)]
        vals_list.append(cls._invoice_vals(warm_customer, cls._days_ago(10)))
        cls._create_invoices(vals_list)

    def test_create_run_query_count_does_not_grow_with_invoices(self):
        # warm the ormcaches (access rules, defaults, sequence) on another run, then start
        # both runs from an empty record cache: only the invoice count differs
        self.warm_strategy._create_run(self.run_date)
        self.env.invalidate_all()
        self.warm_strategy._create_run(self.run_date)
        self.env.invalidate_all()
        with self.assertQueryCount(CREATE_RUN_QUERIES):
            small_run = self.small_strategy._create_run(self.run_date)
        self.env.invalidate_all()
        with self.assertQueryCount(CREATE_RUN_QUERIES):
            big_run = self.strategy._create_run(self.run_date)
        self.assertEqual(len(small_run.line_ids), 10)
        self.assertEqual(len(small_run.line_ids.move_ids), 20)
        self.assertEqual(len(big_run.line_ids), 150)
        self.assertEqual(len(big_run.line_ids.move_ids), 300)

    def test_run_from_given_candidates_query_count_does_not_grow_with_customers(self):
        # the cron and the launch wizard hand their candidates in: the engine checks them
        # again (one read of the invoices and customers for all of them), then creates the run
        engine = self.env["dunning.engine"]
        warm = engine._compute_candidates(self.warm_strategy, self.run_date)
        self.warm_strategy._create_run(self.run_date, candidates=warm)
        small = engine._compute_candidates(self.small_strategy, self.run_date)
        big = engine._compute_candidates(self.strategy, self.run_date)
        self.env.invalidate_all()
        with self.assertQueryCount(CREATE_RUN_FROM_CANDIDATES_QUERIES):
            small_run = self.small_strategy._create_run(self.run_date, candidates=small)
        self.env.invalidate_all()
        with self.assertQueryCount(CREATE_RUN_FROM_CANDIDATES_QUERIES):
            big_run = self.strategy._create_run(self.run_date, candidates=big)
        self.assertEqual(len(small_run.line_ids), 10)
        self.assertEqual(len(big_run.line_ids), 150)

    def test_lines_inserted_in_sql_are_those_the_orm_creates(self):
        engine = self.env["dunning.engine"]
        candidates = engine._compute_candidates(self.small_strategy, self.run_date)
        run = self.small_strategy._create_run(self.run_date, candidates=candidates)
        # runs and lines are engine-owned: the engine creates them as superuser
        orm_run = (
            self.env["dunning.run"]
            .sudo()
            .create(engine._prepare_run_vals(self.small_strategy, self.run_date, "manual"))
        )
        orm_lines = (
            self.env["dunning.run.line"]
            .sudo()
            .create([engine._prepare_run_line_vals(orm_run, candidate) for candidate in candidates])
        )
        Line = self.env["dunning.run.line"]
        names = [
            name
            for name, field in Line._fields.items()
            if field.store and name not in ("id", "run_id", "display_name", "create_date", "write_date")
        ]
        self.env.invalidate_all()

        def values(lines):
            # by customer id: sorted("partner_id") compares records as sets, which keeps the given order
            ordered = lines.sorted(lambda line: line.partner_id.id)
            # as superuser: the values are compared, and bridges add fields of their own groups
            return [{k: v for k, v in row.items() if k != "id"} for row in ordered.sudo().read(names)]

        self.assertEqual(values(run.line_ids), values(orm_lines))
        self.assertEqual(set(run.line_ids.mapped("state")), {"pending"})
        self.assertEqual(run.line_ids.company_id, self.company)
        self.assertEqual(set(run.line_ids.mapped("date")), {self.run_date})
        self.assertEqual(run.line_ids.create_uid, self.env.user)

    def _pending_lines(self, run, size):
        lines = run.line_ids.filtered(lambda line: line.state == "pending").sorted("id")[:size]
        self.env.flush_all()
        self.env.invalidate_all()
        return lines

    def test_email_batch_query_count_does_not_grow_with_customers(self):
        """Posting the emails of a batch costs the same queries for 10 or 30 customers: the
        messages, their emails and notifications are created in bulk, the bodies written in
        one query (``message_post`` cost about 15 queries per email)."""
        run = self.strategy._create_run(self.run_date).sudo()
        engine = self.env["dunning.engine"].sudo()  # the engine processes lines as superuser
        # warm the ormcaches (template, subtypes, access rules) on a first batch
        warm = self._pending_lines(run, 5)
        engine._check_lines(warm)
        engine._send_email(warm)
        warm.state = "done"
        for size in (10, 30):
            lines = self._pending_lines(run, size)
            engine._check_lines(lines)
            self.env.flush_all()
            self.env.invalidate_all()
            with self.assertQueryCount(EMAIL_BATCH_QUERIES):
                engine._send_email(lines)
                self.env.flush_all()
            self.assertEqual(len(lines.mail_message_id), size)
            lines.state = "done"

    def test_batch_query_count_does_not_grow_with_customers(self):
        """A whole batch (the invoices re-read under lock, the recipients and their blacklist,
        the emails, the invoices' next step, the lines done) costs the same queries for 10 or
        30 customers."""
        run = self.strategy._create_run(self.run_date).sudo()
        engine = self.env["dunning.engine"].sudo()
        engine._process_lines(self._pending_lines(run, 5))
        expected = PROCESS_BATCH_QUERIES
        if "purchase_line_id" in self.env["account.move.line"]._fields:
            # purchase's account.move.write reads the invoices' lines, for all of them at once
            # (exchange_tracking_purchase installs it next to this addon)
            expected += 1
        for size in (10, 30):
            lines = self._pending_lines(run, size)
            with self.assertQueryCount(expected):
                engine._process_lines(lines)
                self.env.flush_all()
            self.assertEqual(set(lines.mapped("state")), {"done"})
            self.assertEqual(len(lines.mail_message_id), size)

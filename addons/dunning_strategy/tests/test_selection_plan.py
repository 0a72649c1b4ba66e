import json
from datetime import timedelta

from odoo.tests import tagged
from odoo.tools import SQL

from .common import DunningCommon

PENDING_TABLES = ("dunning_run_line", "dunning_run_line_due_move_rel")


def _plan_nodes(node):
    """Every node of an EXPLAIN (FORMAT JSON) plan."""
    yield node
    for child in node.get("Plans", ()):
        yield from _plan_nodes(child)


@tagged("post_install", "-at_install")
class TestDunningSelectionPlan(DunningCommon):
    """Whatever the planner's statistics, the selection looks the pending lines up from each
    invoice (one probe of its links, then the line of each link by its id), never the other way round:
    on a database without statistics, the planner started from the pending lines and probed
    every invoice for each of them (a nested loop of invoices x pending lines)."""

    def test_pending_lines_are_probed_per_invoice_not_per_pending_line(self):
        customers = [self._create_customer(f"Plan Customer {index}") for index in range(12)]
        invoices = self._create_invoices(
            [self._invoice_vals(customer, self._days_ago(10 + age)) for customer in customers for age in range(3)]
        )
        waiting = self.strategy._create_run(self.run_date)  # a pending line per customer
        self.assertEqual((len(waiting.line_ids), len(invoices)), (12, 36))
        later = self.run_date + timedelta(days=30)
        query = self.strategy._dunning_kind()._select_query(self.strategy, later)
        self.env.flush_all()
        [[plan]] = self.env.execute_query(SQL("EXPLAIN (ANALYZE, FORMAT JSON) %s", query))
        plan = plan if isinstance(plan, list) else json.loads(plan)
        nodes = list(_plan_nodes(plan[0]["Plan"]))
        scans = {}
        for node in nodes:
            if node.get("Relation Name") in PENDING_TABLES:
                scans.setdefault(node["Relation Name"], []).append(node)
        self.assertEqual(set(scans), set(PENDING_TABLES), "the pending lines are read")
        # each invoice's links once (36 invoices), then the line of each link
        self.assertEqual(
            [node["Actual Loops"] <= len(invoices) for node in scans["dunning_run_line_due_move_rel"]], [True]
        )
        [line_scan] = scans["dunning_run_line"]
        self.assertLessEqual(line_scan["Actual Loops"], len(invoices), "once per link, not per invoice and line")
        # and the rule holds: the invoices wait in their pending lines, nothing is due again
        self.assertFalse(self.strategy._compute_candidates(later))

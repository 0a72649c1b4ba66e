from odoo import api, models, tools
from odoo.exceptions import AccessError
from odoo.tools import SQL

# The stored analytics, as (table, unique columns): the two reports, and the customers' 12-month
# history that the "Customers in dunning" view joins (its own view stays live).
SNAPSHOTS = (
    ("dunning_step_effectiveness", ("id",)),
    ("dunning_receivables_health", ("id",)),
    ("dunning_customer_history", ("partner_id", "company_id")),
)
SNAPSHOT_MODELS = ("dunning.step.effectiveness", "dunning.receivables.health", "dunning.customer.situation")


class DunningAnalyticsSnapshot(models.AbstractModel):
    """Analytics stored as PostgreSQL materialized views, refreshed every night and on demand.

    Why stored: the figures read the whole reconciliation history (a year of reminders on 100,000
    invoices is 300,000 reminded invoices and as many partial reconciliations); computed at each
    read they took 5 to 13 s, stored they read in milliseconds. They are as of the last refresh:
    the nightly job, the "Refresh" menu, or a module update."""

    _name = "dunning.analytics.snapshot"
    _description = "Dunning Analytics Snapshot"

    @api.model
    def _create_snapshot(self, table, query, unique_columns=("id",)):
        """(Re)create the materialized view ``table`` from the SQL ``query``, filled now, with the
        unique index that lets it be refreshed while it is read."""
        cr = self.env.cr
        # a plain view (before 18.0.1.0.2) or the previous materialized one
        tools.drop_view_if_exists(cr, table)
        cr.execute(SQL("CREATE MATERIALIZED VIEW %s AS (%s)", SQL.identifier(table), query))
        cr.execute(
            SQL(
                "CREATE UNIQUE INDEX %s ON %s (%s)",
                SQL.identifier(f"{table}_unique"),
                SQL.identifier(table),
                SQL(", ").join(SQL.identifier(column) for column in unique_columns),
            )
        )

    @api.model
    def _refresh_analytics(self):
        """Compute the stored analytics again from the current data (every company)."""
        self.env.flush_all()
        for table, _columns in SNAPSHOTS:
            # CONCURRENTLY: screens keep reading the previous figures while they are computed
            self.env.cr.execute(SQL("REFRESH MATERIALIZED VIEW CONCURRENTLY %s", SQL.identifier(table)))
        for model in SNAPSHOT_MODELS:
            self.env[model].invalidate_model()

    @api.model
    def action_refresh_analytics(self):
        """The "Refresh" menu: credit controllers bring the analytics up to date."""
        if not self.env.user.has_group("dunning_strategy.group_dunning_user"):
            raise AccessError(self.env._("Only dunning users can refresh the dunning analytics."))
        self._refresh_analytics()
        return {"type": "ir.actions.client", "tag": "soft_reload"}

    @api.model
    def _cron_refresh_analytics(self):
        self._refresh_analytics()

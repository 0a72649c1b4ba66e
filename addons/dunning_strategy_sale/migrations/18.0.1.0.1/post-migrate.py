from odoo import SUPERUSER_ID, Command, api

# The "own documents" rules that now belong to the Quotation Follow-ups right; they are noupdate,
# so an upgrade would leave them on the salesperson group.
RULES = (
    "rule_dunning_strategy_salesman",
    "rule_dunning_strategy_step_salesman",
    "rule_dunning_run_salesman",
    "rule_dunning_run_line_salesman",
)


def migrate(cr, version):
    """Quotation follow-ups get a right of their own (``group_quotation_followup``).

    Before it, every salesperson followed up his quotations: those who did keep doing so after
    the upgrade, and the administrator takes the right away from whom he wants.
    """
    env = api.Environment(cr, SUPERUSER_ID, {})
    group = env.ref("dunning_strategy_sale.group_quotation_followup")
    salespeople = env.ref("sales_team.group_sale_salesman").users
    group.write({"users": [Command.link(user.id) for user in salespeople]})
    for name in RULES:
        rule = env.ref(f"dunning_strategy_sale.{name}", raise_if_not_found=False)
        if rule:
            rule.groups = group

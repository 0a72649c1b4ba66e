from . import (
    dunning_analysis,
    dunning_analytics_snapshot,
    dunning_customer_situation,
    dunning_receivables_health,
    dunning_statement,
    dunning_statement_xlsx,
    dunning_step_effectiveness,
    dunning_worklist,
)

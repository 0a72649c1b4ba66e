from . import (
    dunning_document,
    dunning_engine,
    dunning_engine_manual,
    dunning_run,
    dunning_run_line,
    dunning_strategy,
    dunning_strategy_step,
    res_company,
    res_config_settings,
    res_partner,
    sale_order,
)

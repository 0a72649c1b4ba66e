from . import (
    account_move,
    dunning_engine,
    dunning_marker,
    dunning_run,
    dunning_run_line,
    dunning_strategy,
    dunning_strategy_step,
    res_company,
    res_config_settings,
    res_partner,
)

from . import (
    dunning_kind_quotation,
    dunning_kind_quotation_letter,
    dunning_kind_quotation_manual,
    dunning_kind_quotation_process,
    dunning_run,
    dunning_run_line,
    dunning_strategy,
    dunning_strategy_step,
    res_company,
    res_config_settings,
    res_partner,
    sale_order,
)

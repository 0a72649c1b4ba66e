from . import dunning_run_line, exchange_log, exchange_log_demo, exchange_log_dunning_call, mail_activity, res_partner

from . import exchange_log, exchange_log_dunning_call, mail_activity, res_partner

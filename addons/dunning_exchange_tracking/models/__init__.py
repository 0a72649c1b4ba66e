from . import exchange_log, res_partner

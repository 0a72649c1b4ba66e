from . import (
    exchange_confidential_note,
    exchange_document_mixin,
    exchange_log,
    exchange_log_document,
    exchange_mode,
    exchange_subject,
    mail_activity,
    res_company,
    res_config_settings,
    res_partner,
)

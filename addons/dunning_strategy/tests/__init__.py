from . import (
    test_cron,
    test_data,
    test_demo,
    test_i18n,
    test_performance,
    test_processing,
    test_recompute,
    test_security,
    test_selection,
)

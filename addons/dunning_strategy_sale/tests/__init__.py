from . import (
    test_automatic,
    test_history,
    test_i18n,
    test_manual_followup,
    test_mass_followup,
    test_placeholders,
    test_recipient,
    test_rights,
    test_runs,
    test_security_quotation,
    test_selection,
    test_tour,
)

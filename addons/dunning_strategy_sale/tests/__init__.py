from . import (
    test_automatic,
    test_history,
    test_i18n,
    test_manual_followup,
    test_mass_followup,
    test_placeholders,
    test_production_rules,
    test_recipient,
    test_rights,
    test_selection,
    test_to_remind,
    test_tour,
)

from . import (
    test_access_rights,
    test_chatter_note,
    test_confidentiality,
    test_exchange_log,
    test_followup,
    test_history,
    test_i18n,
    test_note_audience,
    test_note_images,
    test_related_document,
    test_settings,
    test_tours,
)

from . import (
    test_automatic,
    test_placeholders,
    test_selection,
)

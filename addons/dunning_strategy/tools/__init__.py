"""Pure helpers of the dunning engine: no ORM, no odoo import (see STYLE.md)."""

from .bank_account import format_account_number, is_valid_iban
from .late_fees import (
    RECOVERY_INDEMNITY,
    InvoiceLateFee,
    LateFees,
    compute_late_fees,
    days_late,
    late_interest,
    recovery_indemnity,
)
from .letter_pdf import (
    Letter,
    LetterLayout,
    LetterRenderError,
    LettersPdf,
    check_letter_html,
    letter_css,
    merge_pdf_files,
    merge_pdfs,
    mjml_to_html,
    pdf_page_count,
    pdf_text,
    render_letters_pdf,
)

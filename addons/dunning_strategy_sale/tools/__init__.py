"""Pure helpers of the quotation follow-ups: no ORM, no odoo import (see STYLE.md)."""

from .placeholders import QUOTATION_PLACEHOLDERS, replace_placeholders

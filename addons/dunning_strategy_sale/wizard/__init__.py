from . import (
    dunning_launch,
    dunning_quotation_email_preview,
    dunning_quotation_followup,
    dunning_quotation_mass,
    dunning_quotation_mass_line,
)

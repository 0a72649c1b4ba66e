"""Bank details printed on the letters: the company's IBAN as customers copy it.

Pure functions: no ORM, no odoo import. Odoo Community stores ``res.partner.bank.acc_number``
as typed (``base_iban``, which formats it, is not a dependency of ``account``), so a letter
formats it itself.

An IBAN (ISO 13616) is two letters of country, two check digits and up to 30 letters or digits;
it is printed in groups of four, as banks print it on a RIB ("FR76 3000 6000 0112 3456 7890 189").
"""

import re

__all__ = ["format_account_number", "is_valid_iban"]

_IBAN_RE = re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}$")


def _compact(number):
    return re.sub(r"[\s.-]", "", number or "").upper()


def is_valid_iban(number):
    """Whether ``number`` (spaces allowed) is an IBAN whose check digits are right (ISO 7064
    mod 97-10: the number with its first four characters moved to the end, letters as 10-35,
    is 1 modulo 97)."""
    compact = _compact(number)
    if not _IBAN_RE.match(compact):
        return False
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(char, 36)) for char in rearranged)) % 97 == 1


def format_account_number(number):
    """``number`` as printed on a letter: an IBAN in groups of four capitals, anything else
    (a national account number) as typed, stripped. ``""`` for an empty number."""
    if not number:
        return ""
    compact = _compact(number)
    if not is_valid_iban(compact):
        return number.strip()
    return " ".join(compact[index : index + 4] for index in range(0, len(compact), 4))

"""French late-payment fees on overdue B2B invoices, computed at a run date.

Pure functions on plain values: no ORM, no odoo import. Amounts are :class:`decimal.Decimal`
rounded to the cent with ROUND_HALF_UP, per invoice; totals are sums of the rounded amounts, so
what a letter lists always adds up to its total.

- Fixed recovery indemnity (indemnité forfaitaire pour frais de recouvrement), art. D441-5 of the
  Code de commerce: 40 euros per invoice paid late, whatever its amount.
- Late-payment interest (pénalités de retard), art. L441-10: the residual times the annual rate,
  pro rata of the days late over a 365-day year: ``residual * rate / 100 * days_late / 365``.
- Neither applies to a consumer (a partner that is not a company): consumer law forbids them,
  so every amount is zero.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

__all__ = [
    "RECOVERY_INDEMNITY",
    "InvoiceLateFee",
    "LateFees",
    "compute_late_fees",
    "days_late",
    "late_interest",
    "recovery_indemnity",
]

RECOVERY_INDEMNITY = Decimal("40.00")
_CENT = Decimal("0.01")
_ZERO = Decimal("0.00")


@dataclass(frozen=True)
class InvoiceLateFee:
    """Fees of one invoice. ``invoice`` is the item given to :func:`compute_late_fees`, untouched,
    so a caller can pass ``{"residual": ..., "due_date": ..., "id": move.id}`` and find it back."""

    invoice: object
    residual: Decimal
    due_date: datetime.date
    days_late: int
    indemnity: Decimal
    interest: Decimal

    @property
    def total(self):
        return self.indemnity + self.interest


@dataclass(frozen=True)
class LateFees:
    """Fees of a set of invoices: ``lines`` in the order of the input, and their sums."""

    lines: tuple
    indemnity_total: Decimal
    interest_total: Decimal

    @property
    def total(self):
        return self.indemnity_total + self.interest_total


def days_late(due_date, run_date):
    """Whole days from ``due_date`` to ``run_date``; 0 when not yet due or due that very day."""
    return max((_as_date(run_date) - _as_date(due_date)).days, 0)


def recovery_indemnity(residual, due_date, run_date, amount=RECOVERY_INDEMNITY):
    """The fixed indemnity (art. D441-5) of one invoice: ``amount`` if it is late with something
    left to pay, else 0."""
    if _as_decimal(residual, "residual") <= 0 or not days_late(due_date, run_date):
        return _ZERO
    return _as_decimal(amount, "amount").quantize(_CENT, rounding=ROUND_HALF_UP)


def late_interest(residual, due_date, run_date, annual_rate):
    """Late-payment interest (art. L441-10) of one invoice at ``annual_rate`` percent a year:
    ``residual * annual_rate / 100 * days_late / 365``, rounded half up to the cent; 0 when not
    late or nothing is left to pay. Raises ``ValueError`` on a negative rate."""
    residual = _as_decimal(residual, "residual")
    rate = _as_decimal(annual_rate, "annual_rate")
    if rate < 0:
        raise ValueError(f"annual_rate must not be negative, got {annual_rate}")
    late = days_late(due_date, run_date)
    if residual <= 0 or not late:
        return _ZERO
    return (residual * rate * late / Decimal(36500)).quantize(_CENT, rounding=ROUND_HALF_UP)


def compute_late_fees(invoices, run_date, annual_rate, is_company, indemnity=RECOVERY_INDEMNITY):
    """Late fees of ``invoices`` at ``run_date``.

    ``invoices``: iterable of ``(residual, due_date)`` tuples or of mappings with the keys
    ``residual`` and ``due_date`` (other keys are kept in ``line.invoice``). Residuals are numbers
    or strings (converted through ``str``, so floats keep their printed value); dates are
    ``date``, ``datetime`` or ISO strings.
    ``annual_rate``: interest rate in percent a year (e.g. ``12.15`` for an ECB rate of 2.15 +
    10 points). ``is_company``: False for a consumer, who owes nothing: all amounts are zero.
    ``indemnity``: the fixed amount per late invoice (40 euros by law; the caller converts it for
    invoices in another currency).

    Returns a :class:`LateFees`. Never rounds a total again: totals are sums of rounded amounts.
    """
    lines = []
    for invoice in invoices:
        residual, due_date = _invoice_values(invoice)
        if is_company:
            fee_indemnity = recovery_indemnity(residual, due_date, run_date, indemnity)
            fee_interest = late_interest(residual, due_date, run_date, annual_rate)
        else:
            fee_indemnity = fee_interest = _ZERO
        lines.append(
            InvoiceLateFee(
                invoice=invoice,
                residual=residual,
                due_date=due_date,
                days_late=days_late(due_date, run_date),
                indemnity=fee_indemnity,
                interest=fee_interest,
            )
        )
    return LateFees(
        lines=tuple(lines),
        indemnity_total=sum((line.indemnity for line in lines), _ZERO),
        interest_total=sum((line.interest for line in lines), _ZERO),
    )


def _invoice_values(invoice):
    if isinstance(invoice, dict):
        residual, due_date = invoice["residual"], invoice["due_date"]
    else:
        residual, due_date = invoice
    return _as_decimal(residual, "residual"), _as_date(due_date)


def _as_decimal(value, name):
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value))
    except InvalidOperation as error:
        raise ValueError(f"{name} is not a number: {value!r}") from error


def _as_date(value):
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        return datetime.date.fromisoformat(value)
    raise TypeError(f"expected a date, got {value!r}")

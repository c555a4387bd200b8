"""Money, units and percentages to words."""

from .numbers import cardinal, decimal, number
from .tables import SCALES, UNITS


def is_one(amount: str) -> bool:
    return amount.replace(",", "") in ("1", "-1")


def money(amount: str, names: tuple, scale: str | None = None) -> str:
    """'2.5', dollars, 'M' -> 'two point five million dollars';
    '3.50' -> 'three dollars fifty cents'."""
    unit, units, cent, cents = names
    if scale:
        return f"{number(amount)} {SCALES[scale]} {units}"
    whole, _, frac = amount.partition(".")
    whole = whole.replace(",", "") or "0"
    if len(frac) == 2:
        cents_value = int(frac)
        parts = []
        if int(whole):
            parts.append(f"{cardinal(whole)} {unit if whole == '1' else units}")
        if cents_value or not parts:
            parts.append(f"{cardinal(str(cents_value))} {cent if cents_value == 1 else cents}")
        return " ".join(parts)
    if frac:
        return f"{decimal(whole + '.' + frac)} {units}"
    return f"{cardinal(whole)} {unit if whole == '1' else units}"


def cents_only(amount: str) -> str:
    return f"{number(amount)} {'cent' if is_one(amount) else 'cents'}"


def unit_words(amount: str, symbol: str, per: str | None = None, singular=False) -> str:
    one, many = UNITS[symbol]
    words = f"{number(amount)} {one if singular or is_one(amount) else many}"
    if per:
        words += " per " + UNITS[per][0]
    return words


def percent(amount: str) -> str:
    return f"{number(amount)} percent"

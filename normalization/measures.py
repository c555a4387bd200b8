"""Money, units, rates and percentages to words."""

from .numbers import cardinal, decimal, number
from .tables import SCALES, UNITS
from .tables_written import EXTRA_UNITS, LENGTH_UNITS, RATE_WORDS, UNIT_VARIANTS


def is_one(amount: str) -> bool:
    return amount.replace(",", "") in ("1", "-1")


def unit_names(symbol: str) -> tuple[str, str] | None:
    """(singular, plural) for a unit as written: exact symbols first (m is not M), then
    spellings that mean the same in any case (KG, Kg, kgs)."""
    names = UNITS.get(symbol)
    if names is not None:
        return names
    lower = symbol.lower()
    key = UNIT_VARIANTS.get(lower)
    if key is not None:
        return UNITS[key]
    return EXTRA_UNITS.get(lower)


def _cents(frac: str) -> str | None:
    """Two-digit cents from a fraction part: '5' is 50 cents, '500' too; '506' is not cents."""
    if len(frac) == 1:
        return frac + "0"
    if len(frac) == 2 or (len(frac) > 2 and not frac[2:].strip("0")):
        return frac[:2]
    return None


def money(amount: str, names: tuple, scale: str | None = None) -> str:
    """'2.5', dollars, 'M' -> 'two point five million dollars';
    '3.50' -> 'three dollars fifty cents'; '.506' -> 'point five zero six dollars'."""
    unit, units, cent, cents = names
    if scale:
        return f"{number(amount)} {SCALES[scale]} {units}"
    whole, _, frac = amount.partition(".")
    whole = whole.replace(",", "")
    cents_text = _cents(frac) if frac else None
    if frac and cents_text is None:
        # Past the cents a trailing zero adds nothing to an amount: $1.2320 is $1.232.
        return f"{decimal((whole or '') + '.' + frac.rstrip('0'))} {units}"
    whole = whole or "0"
    if cents_text is not None:
        cents_value = int(cents_text)
        parts = []
        if int(whole):
            parts.append(f"{cardinal(whole)} {unit if int(whole) == 1 else units}")
        if cents_value or not parts:
            parts.append(f"{cardinal(str(cents_value))} {cent if cents_value == 1 else cents}")
        return " ".join(parts)
    return f"{cardinal(whole)} {unit if int(whole) == 1 else units}"


def has_cents(amount: str) -> bool:
    _, _, frac = amount.partition(".")
    cents_text = _cents(frac) if frac else None
    return bool(cents_text and int(cents_text))


def cents_only(amount: str) -> str:
    return f"{number(amount)} {'cent' if is_one(amount) else 'cents'}"


def rate(per: str) -> str:
    """What follows a '/' or 'per' after an amount: 'a month', 'an hour', 'per gigabyte'."""
    words = RATE_WORDS.get(per) or RATE_WORDS.get(per.lower())
    if words:
        return words
    names = unit_names(per)
    return "per " + (names[0] if names else per)


def unit_words(
    amount: str, symbol: str, per: str | None = None, singular=False, power=None, scale=None
) -> str:
    one, many = unit_names(symbol)
    name = one if singular or (is_one(amount) and not scale) else many
    if power:
        name = _powered(symbol, name, power)
    head = number(amount) + (" " + scale if scale else "")
    words = f"{head} {name}"
    if per:
        per_names = unit_names(per)
        words += " per " + (per_names[0] if per_names else RATE_WORDS.get(per, per).split()[-1])
    return words


def _powered(symbol, name, power):
    if symbol.lower() in LENGTH_UNITS or symbol in LENGTH_UNITS:
        return ("square " if power == "2" else "cubic ") + name
    return name + (" squared" if power == "2" else " cubed")


def percent(amount: str) -> str:
    return f"{number(amount)} percent"

"""Numbers as people write and read them: one rule for showing them, one for reading them back.

Every number shown to a person (a field's value, the review, results, the leaning panel, error
messages) goes through `group_digits`, so "1,200,000" reads the same everywhere. Typed numbers go
through `read_number`, which accepts the ways people group thousands and refuses anything it
would have to guess at. Pure Python: the engine and the CLI use it too.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal

# Commas, spaces (plain, no-break, thin and narrow no-break, which some keyboards and locales
# insert), apostrophes (Swiss style) and underscores (as in Python and YAML).
SEPARATORS = ",' _\u00a0\u2009\u202f\u2019"
_GROUPED = rf"\d{{1,3}}(?P<sep>[{SEPARATORS}])\d{{3}}(?:(?P=sep)\d{{3}})*"
# One separator used throughout, every group after the first exactly three digits: "1,5" and
# "12,00" are refused rather than read as 15 or 1200 (in much of Europe "1,5" means one and a
# half). A point is always the decimal point, so "1.200.000" is refused too.
_NUMBER = re.compile(
    rf"(?P<sign>[-+\u2212]?)(?P<whole>{_GROUPED}|\d+)?(?:\.(?P<fraction>\d+))?", re.ASCII
)
# Far longer than any number a question allows (13 digits with their separators), short enough
# that nothing typed costs real work to read.
MAX_LENGTH = 40


def group_digits(value: float, places: int | None = None) -> str:
    """`value` with its thousands grouped by commas: 1200000 reads "1,200,000", 2.5 reads "2.5".

    `places` fixes the number of decimals (two for money); otherwise a whole number shows none
    and any other number shows the digits it has, never in exponent form.
    """
    if places is not None:
        return f"{value:,.{places}f}"
    if isinstance(value, int) or float(value).is_integer():
        return f"{int(value):,}"
    return format(Decimal(repr(float(value))), ",f")


def read_number(text: str, *, whole: bool) -> int | float:
    """The number in `text`, written with or without thousands separators.

    `whole` asks for an integer: a fraction other than zeros is refused. Raises ValueError for
    anything that is not plainly one number; the range is the caller's to check.
    """
    text = text.strip()
    found = _NUMBER.fullmatch(text) if len(text) <= MAX_LENGTH else None
    if found is None or not (found["whole"] or found["fraction"]):
        raise ValueError(f"not a number: {text[:MAX_LENGTH]!r}")
    digits = re.sub(f"[{SEPARATORS}]", "", found["whole"] or "0")
    negative = found["sign"] in ("-", "\u2212")
    fraction = found["fraction"] or ""
    if whole:
        if fraction.strip("0"):
            raise ValueError(f"not a whole number: {text!r}")
        return -int(digits) if negative else int(digits)
    number = float(f"{digits}.{fraction or 0}")
    if not math.isfinite(number):
        raise ValueError(f"too large: {text!r}")
    return -number if negative else number

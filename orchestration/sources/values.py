"""Parse leaderboard values as they are really written; never invent a number."""

from __future__ import annotations

import math
import re

_NUM = r"[-+]?(?:\d{1,3}(?:,\d{3})+(?:\.\d*)?|\d+(?:[.,]\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_PLAIN = re.compile(rf"^\s*({_NUM})\s*(%)?\s*$")
# "286.26 +/- 16.68", "0.95 (±0.01)", "97.3 ± 0.2 %", "71.2 (0.3)"
_WITH_ERROR = re.compile(rf"^\s*({_NUM})\s*(%)?\s*(?:\(?\s*(?:\+/-|±|\+-)\s*{_NUM}\s*%?\s*\)?|\(\s*{_NUM}\s*\))\s*(%)?\s*$")
_THOUSANDS = re.compile(r"[-+]?\d{1,3}(?:,\d{3})+(?:\.\d*)?")
_MISSING = {"", "n/a", "na", "nan", "none", "null", "-", "--", "—", "?", "tbd", "unknown"}


def parse_value(raw: object) -> tuple[float | None, str | None]:
    """Return ``(number, None)`` or ``(None, reason)``.

    Accepts plain numbers (``1,013.01`` with thousands separators, ``0,5`` with a decimal comma), percentages
    (``97.3%`` -> 97.3, the scale is normalised later in dbt, where the list is known), and a value followed by
    its error (``286.26 +/- 16.68`` -> 286.26). A byte-order mark and footnote / bold stars around the value
    (``63.7*``, ``**70.3**``) are ignored. Ranges, missing markers and anything else are rejected with a reason.
    """
    if raw is None:
        return None, "missing value"
    if isinstance(raw, bool):
        return None, f"boolean is not a metric value: {raw!r}"
    if isinstance(raw, (int, float)):
        if math.isfinite(raw):
            return float(raw), None
        return None, f"non-finite value: {raw!r}"
    text = str(raw).strip().strip("\ufeff").strip("*").strip()
    if text.lower() in _MISSING:
        return None, f"missing value: {text!r}"
    match = _PLAIN.match(text) or _WITH_ERROR.match(text)
    if not match:
        if re.match(rf"^\s*{_NUM}\s*%?\s*(?:-|–|to)\s*{_NUM}\s*%?\s*$", text):
            return None, f"range, not a single value: {text[:60]!r}"
        return None, f"not a number: {text[:60]!r}"
    number = match.group(1)
    if "," in number:
        if _THOUSANDS.fullmatch(number):
            number = number.replace(",", "")
        else:
            number = number.replace(",", ".")
    value = float(number)
    if not math.isfinite(value):
        return None, f"non-finite value: {text[:60]!r}"
    return value, None

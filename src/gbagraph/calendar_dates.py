"""The calendar intervals that date properties point to (``{base}id/date/{token}``): what each token means.

A token is a day (``2023-03-21``), a month (``2023-03``), a year (``2023``), or a vaguer span as a source prints
it: ``mid-2023`` (April to September), ``end-2021`` (October to December), ``first-half-of-2024``,
``second-half-of-2024``, ``early-2024`` (January to April), ``2023-2024`` ("2023/2024": both whole years, which
enclose the financial year 2023-24). :func:`bounds` gives the first and last day a token can mean; the tests hold
``ontology/calendar*.ttl`` to it, so a bound cannot be typed wrong.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")
_YEARS = re.compile(r"^(\d{4})-(\d{4})$")
#: vague spans: word → (first month, last month) of the year
_PARTS = {"mid": (4, 9), "end": (10, 12), "early": (1, 4), "first-half-of": (1, 6), "second-half-of": (7, 12)}
_ALTERNATIVES = "|".join(map(re.escape, _PARTS))
_PART = re.compile(rf"^({_ALTERNATIVES})-(\d{{4}})$")


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def bounds(token: str) -> tuple[date, date]:
    """(earliest, latest) day of ``token``; ValueError for a token of no known form."""
    if m := _DAY.match(token):
        day = date(int(m[1]), int(m[2]), int(m[3]))
        return day, day
    if m := _YEARS.match(token):
        first, last = int(m[1]), int(m[2])
        if last <= first:
            raise ValueError(f"date token {token!r}: the second year must be after the first")
        return date(first, 1, 1), date(last, 12, 31)
    if m := _MONTH.match(token):
        year, month = int(m[1]), int(m[2])
        return date(year, month, 1), _last_day(year, month)
    if m := _YEAR.match(token):
        return date(int(m[1]), 1, 1), date(int(m[1]), 12, 31)
    if m := _PART.match(token):
        first, last = _PARTS[m[1]]
        return date(int(m[2]), first, 1), _last_day(int(m[2]), last)
    raise ValueError(f"date token {token!r} is none of YYYY-MM-DD, YYYY-MM, YYYY, YYYY-YYYY, {'/'.join(_PARTS)}-YYYY")


def value(token: str) -> tuple[str, str] | None:
    """(lexical value, XSD datatype local name) for a whole day, month or year; None for a vaguer span."""
    for pattern, datatype in ((_DAY, "date"), (_MONTH, "gYearMonth"), (_YEAR, "gYear")):
        if pattern.match(token):
            return token, datatype
    return None


def label(token: str) -> str:
    """The label: ISO 8601 for a day, month or year ("2023-03-21", "2023-03", "2023", so that a query showing
    the label shows what 0.2.0 showed); a vaguer span as printed ("mid-2023", "end-2021", "2023/2024",
    "first half of 2024")."""
    if m := _YEARS.match(token):
        return f"{m[1]}/{m[2]}"
    if m := _PART.match(token):
        return f"{m[1].replace('-', ' ')} {m[2]}" if m[1].endswith("-of") else f"{m[1]}-{m[2]}"
    bounds(token)  # a token of no known form raises
    return token

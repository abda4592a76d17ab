"""CSV for spreadsheets: the query page's CSV download, with every value a spreadsheet could run as a formula
neutralised as OWASP advises (a cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a
leading ``'``), except numbers typed as numbers.  The SPARQL protocol's own ``text/csv`` stays exactly as the
SPARQL 1.1 CSV format defines it: this is only for the page's download (see README, "Downloads")."""

from __future__ import annotations

import csv
import io
import json
import re

XSD = "http://www.w3.org/2001/XMLSchema#"
NUMERIC_DATATYPES = frozenset(XSD + name for name in (
    "integer decimal double float int long short byte nonNegativeInteger positiveInteger negativeInteger "
    "nonPositiveInteger unsignedInt unsignedLong unsignedShort unsignedByte").split())
#: first characters a spreadsheet reads as the start of a formula (OWASP CSV injection)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def neutralise(term: dict[str, str] | None) -> str:
    """A SPARQL JSON results term as a spreadsheet cell: its value, with a ``'`` before a formula start."""
    if term is None:
        return ""
    value = term.get("value", "")
    if term.get("datatype") in NUMERIC_DATATYPES and _NUMBER.fullmatch(value):
        return value  # -5 typed as a number stays a number
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def results_to_csv(body: bytes) -> bytes:
    """SPARQL JSON results (SELECT) → CSV with a header row of variable names, formulas neutralised."""
    data = json.loads(body)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    names = data["head"].get("vars", [])
    writer.writerow(names)
    for row in data["results"]["bindings"]:
        writer.writerow([neutralise(row.get(name)) for name in names])
    return out.getvalue().encode("utf-8")

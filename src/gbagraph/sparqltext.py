"""Lexical look at SPARQL text, before any engine parses it: update or query, and which SERVICE IRIs it calls.

A light tokenizer (comments, strings and IRIs are recognised so that keywords inside them do not count) —
enough to refuse updates and unlisted SERVICE calls whatever engine runs the query.
"""

from __future__ import annotations

import re

_TOKEN = re.compile(
    r"""
    (?P<comment>\#[^\n]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][A-Za-z0-9_\u00B7-\uFFFF]+)
  | (?P<pname>[A-Za-z\u00C0-\uFFFF][\w\-.\u00B7-\uFFFF]*?:[\w\-.:%\\\u00B7-\uFFFF]*|:[\w\-.:%\\\u00B7-\uFFFF]*)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<other>\S)
    """,
    re.VERBOSE,
)

UPDATE_KEYWORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
QUERY_KEYWORDS = {"SELECT", "CONSTRUCT", "ASK", "DESCRIBE"}


def tokens(text: str) -> list[tuple[str, str]]:
    """(kind, text) for every token outside comments."""
    out = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind != "comment":
            out.append((kind, match.group()))
    return out


def form(text: str) -> str | None:
    """The first keyword after the prologue (``SELECT``, ``INSERT``, …), upper-cased, or None."""
    toks = tokens(text)
    i = 0
    while i < len(toks):
        kind, value = toks[i]
        upper = value.upper()
        if kind == "word" and upper == "BASE":
            i += 2
            continue
        if kind == "word" and upper == "PREFIX":
            i += 3
            continue
        if kind == "word":
            return upper
        return None
    return None


def is_update(text: str) -> bool:
    """Does the text read as a SPARQL Update request rather than a query?"""
    return form(text) in UPDATE_KEYWORDS


def _prefix_map(toks: list[tuple[str, str]]) -> dict[str, str]:
    prefixes = {}
    for i, (kind, value) in enumerate(toks):
        if kind == "word" and value.upper() == "PREFIX" and i + 2 < len(toks):
            name, iri = toks[i + 1][1], toks[i + 2][1]
            if iri.startswith("<"):
                prefixes[name.rstrip(":")] = iri[1:-1]
    return prefixes


def service_targets(text: str) -> list[str]:
    """The endpoints named by ``SERVICE`` clauses; a variable or unknown prefix gives ``"?var"``/the pname."""
    toks = tokens(text)
    prefixes = _prefix_map(toks)
    targets = []
    for i, (kind, value) in enumerate(toks):
        if kind != "word" or value.upper() != "SERVICE":
            continue
        j = i + 1
        if j < len(toks) and toks[j][0] == "word" and toks[j][1].upper() == "SILENT":
            j += 1
        if j >= len(toks):
            targets.append("")
            continue
        tkind, tval = toks[j]
        if tkind == "iri":
            targets.append(tval[1:-1])
        elif tkind == "pname" and tval.split(":", 1)[0] in prefixes:
            pfx, local = tval.split(":", 1)
            targets.append(prefixes[pfx] + local)
        else:
            targets.append(tval)
    return targets

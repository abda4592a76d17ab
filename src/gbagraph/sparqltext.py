"""Lexical look at SPARQL text, before any engine parses it: the one lexer of gbagraph.

A light tokenizer (comments, strings and IRIs are recognised so that keywords inside them do not count) —
enough to refuse updates and unlisted SERVICE calls whatever engine runs the query, to tell the query form, and
to key the response cache.  :func:`lex` runs it once per request over every reading of the text an engine may
make, and returns a :class:`Lexed` that the guard, the cache and the web layer share:

* rdflib expands ``\\uXXXX``/``\\UXXXXXXXX`` escapes in the *whole* query before parsing (so
  ``\\u0053ERVICE`` is ``SERVICE`` to it), Oxigraph only inside IRIs and strings — both readings are lexed;
* Oxigraph ends a ``#`` comment at CR as well as LF, so ``# note\\rSERVICE <…>`` is a call to it;
* rdflib matches keywords with :meth:`str.upper`, for which ``ı`` is ``I`` and ``ſ`` is ``S`` (``SERVıCE``).

Case folding and CR→LF keep every character in its place, so a token's span in the folded view is its span in
the written text: keywords are read folded, IRIs and names as written.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

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

#: non-ASCII characters whose ``str.upper()`` is one ASCII letter (all of them: tests/safety checks the table)
CASE_FOLD = str.maketrans({"\u0131": "I", "\u017f": "S"})

_ESCAPE = re.compile(r"\\u([0-9a-f]{4}(?:[0-9a-f]{4})?)", re.IGNORECASE)  # rdflib's reading, verbatim


class Token(NamedTuple):
    kind: str  # comment | string | iri | var | pname | word | other
    text: str  # as written
    folded: str  # as a keyword matcher reads it (case-folded, CR as LF)
    start: int
    end: int


def scan(text: str) -> list[Token]:
    """Every token of ``text``, comments included (the tokenizer itself: one pass of the pattern)."""
    view = text.replace("\r", "\n").translate(CASE_FOLD)  # same length: spans fit both
    new = tuple.__new__  # Token(...) without NamedTuple's slower __new__: this runs on every request
    if view == text:  # the usual case: nothing folded, no CR
        return [new(Token, (m.lastgroup or "other", g, g, m.start(), m.end()))
                for m in _TOKEN.finditer(text) for g in (m.group(),)]
    return [new(Token, (m.lastgroup or "other", text[m.start():m.end()], m.group(), m.start(), m.end()))
            for m in _TOKEN.finditer(view)]


def _expand_escapes(text: str) -> str | None:
    """The text as rdflib's parser reads it (escapes expanded everywhere), or None if rdflib cannot."""
    try:
        return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
    except (ValueError, OverflowError):
        return None  # rdflib refuses such a query before evaluating anything


def readings(text: str) -> list[str]:
    """Every way an engine may read ``text``: as written, and with escapes expanded when that differs."""
    views = [text]
    expanded = _expand_escapes(text) if "\\" in text else None
    if expanded is not None and expanded != text:
        views.append(expanded)
    return views


@dataclass(frozen=True)
class Reading:
    """What one reading of the text says (small: it travels to the query workers with the request)."""

    form: str | None  # the first keyword after the prologue (SELECT, INSERT, …), upper-cased
    depth: int  # the deepest nesting of brackets ( { [ outside strings, IRIs and comments
    chain: int  # the longest run of operators a parser nests without brackets (see :func:`_nesting`)
    services: tuple[tuple[str, bool], ...]  # (endpoint, keyword written in ASCII) for every SERVICE
    prefixes: tuple[tuple[str, str], ...]  # PREFIX declarations: (name, namespace IRI)
    used_prefixes: frozenset[str]  # prefix names of the prefixed names used


def prologue_end(toks: Sequence[Token]) -> int:
    """The index of the first token after the prologue (the ``BASE`` and ``PREFIX`` declarations)."""
    i = 0
    while i < len(toks) and toks[i].kind == "word" and toks[i].folded.upper() in ("BASE", "PREFIX"):
        i += 2 if toks[i].folded.upper() == "BASE" else 3
    return i


def _form(toks: Sequence[Token]) -> str | None:
    i = prologue_end(toks)
    if i < len(toks) and toks[i].kind == "word":
        return toks[i].folded.upper()
    return None


def _prefixes(toks: Sequence[Token]) -> dict[str, str]:
    out = {}
    for i, tok in enumerate(toks):
        if tok.kind == "word" and tok.folded.upper() == "PREFIX" and i + 2 < len(toks):
            name, iri = toks[i + 1].text, toks[i + 2].text
            if iri.startswith("<"):
                out[name.rstrip(":")] = iri[1:-1]
    return out


def _services(toks: Sequence[Token], prefixes: dict[str, str]) -> list[tuple[str, bool]]:
    """A variable or unknown prefix gives the ``?var``/pname, a missing target ``""``; the flag is False when
    only case folding makes the keyword ``SERVICE``."""
    out = []
    for i, tok in enumerate(toks):
        if tok.kind != "word" or tok.folded.upper() != "SERVICE":
            continue
        ascii_keyword = tok.text.upper() == "SERVICE"
        j = i + 1
        if j < len(toks) and toks[j].kind == "word" and toks[j].folded.upper() == "SILENT":
            j += 1
        if j >= len(toks):
            out.append(("", ascii_keyword))
            continue
        target = toks[j]
        if target.kind == "iri":
            out.append((target.text[1:-1], ascii_keyword))
        elif target.kind == "pname" and target.text.split(":", 1)[0] in prefixes:
            pfx, local = target.text.split(":", 1)
            out.append((prefixes[pfx] + local, ascii_keyword))
        else:
            out.append((target.text, ascii_keyword))
    return out


#: operator characters: each unary ``!``, binary operator and path operator nests the parse tree one level
#: (``||`` and ``&&`` are one operator written with two characters)
_OPERATORS = frozenset("!|&=<>+-*/^")
#: group-level keywords that nest the algebra (each costs a parser about four operators' worth of stack)
_GROUP_KEYWORDS = {"UNION": 4, "OPTIONAL": 4, "MINUS": 4, "FILTER": 1, "BIND": 1}
_ATOMS = frozenset({"string", "iri", "var", "pname"})


def _is_atom(tok: Token) -> bool:
    return tok.kind in _ATOMS or (tok.kind == "other" and tok.text.isdigit())


def _weight(tok: Token, previous: Token | None, in_parens: bool, datatype: bool) -> int:
    """How much ``tok`` nests the parse tree in its bracket (0 for most tokens)."""
    if tok.kind == "word":
        return _GROUP_KEYWORDS.get(tok.folded.upper(), 0)
    adjacent = previous is not None and previous.end == tok.start
    if tok.kind == "other" and tok.text in _OPERATORS:
        if datatype or (adjacent and tok.text in "|&" and previous is not None and previous.text == tok.text):
            return 0  # the ^^ of a typed literal; the second character of || or &&
        if tok.text in "+-" and not in_parens:
            return 0  # the sign of a number in VALUES or a triple: arithmetic is written inside ( )
        return 1
    if in_parens and previous is not None and not adjacent and _is_atom(tok) and _is_atom(previous):
        return 1  # a member of an RDF collection: ( 1 2 3 )
    return 0


def _nesting(toks: Sequence[Token]) -> tuple[int, int]:
    """(deepest bracket nesting, longest operator chain).

    A recursive parser nests one level per bracket, but also one per unary operator (``!!!!true``), per binary
    operator in a chain (``1+1+1``, ``?a || ?b``), per path step (``:p/:p``, ``^^:p``), per ``UNION``/``OPTIONAL``/
    ``MINUS`` in a group and per member of an RDF collection ``( 1 2 3 )``: the chain at a point of the text is
    the weighted count of those in every bracket enclosing it (a bracket's count ends with it).  The ``^^`` of a
    typed literal and the commas of an argument list count nothing."""
    frames: list[tuple[str, int]] = [("", 0)]  # (bracket, weight so far) per open bracket, the query itself first
    deepest = longest = total = 0
    previous: Token | None = None
    datatype = False  # inside the ^^ after a string
    for tok in toks:
        if tok.kind == "other" and tok.text in "({[":
            frames.append((tok.text, 0))
            deepest = max(deepest, len(frames) - 1)
        elif tok.kind == "other" and tok.text in ")}]":
            if len(frames) > 1:
                total -= frames.pop()[1]
        else:
            datatype = tok.text == "^" and previous is not None and previous.end == tok.start and (
                previous.kind == "string" or (datatype and previous.text == "^"))
            weight = _weight(tok, previous, frames[-1][0] == "(", datatype)
            if weight:
                frames[-1] = (frames[-1][0], frames[-1][1] + weight)
                total += weight
                longest = max(longest, total)
        previous = tok
    return deepest, longest


def _read(toks: Sequence[Token]) -> Reading:
    code = [t for t in toks if t.kind != "comment"]
    prefixes = _prefixes(code)
    used = frozenset(t.text.split(":", 1)[0] for t in code if t.kind == "pname")
    depth, chain = _nesting(code)
    return Reading(_form(code), depth, chain, tuple(_services(code, prefixes)), tuple(prefixes.items()), used)


@dataclass(frozen=True)
class Lexed:
    """A query text as the lexer sees it: every reading, the query form and the normalised text."""

    text: str
    readings: tuple[Reading, ...]
    normalised: str  # comments dropped, whitespace outside strings collapsed: same query → same text

    @property
    def form(self) -> str | None:
        """The query form of the text as written (or as rdflib reads its escapes, if only that one has one)."""
        for reading in self.readings:
            if reading.form:
                return reading.form
        return None

    @property
    def query_form(self) -> str | None:
        """``SELECT``/``ASK``/``CONSTRUCT``/``DESCRIBE``, or None for anything else."""
        kind = self.form
        return kind if kind in QUERY_KEYWORDS else None


def lex(text: str) -> Lexed:
    """Lex ``text`` once: every reading of it (see the module's docstring) and its normalised form."""
    views = readings(text)
    written = scan(views[0])
    lexed = [_read(written)] + [_read(scan(v)) for v in views[1:]]
    return Lexed(text, tuple(lexed), _normalise(written))


#: texts up to this many characters have their lexing remembered, the most recent ``LEXED_KEPT`` of them
LEX_KEPT_CHARS, LEXED_KEPT = 8192, 256


def lex_once(text: str) -> Lexed:
    """:func:`lex`, remembered for recent texts of up to ``LEX_KEPT_CHARS`` characters: a query sent again (the
    usual case for an endpoint) is not lexed again.  A :class:`Lexed` is immutable, so one may be shared."""
    return _remembered(text) if len(text) <= LEX_KEPT_CHARS else lex(text)


@functools.lru_cache(maxsize=LEXED_KEPT)
def _remembered(text: str) -> Lexed:
    return lex(text)


def forget_lexed() -> None:
    """Drop the texts :func:`lex_once` remembers."""
    _remembered.cache_clear()


def _normalise(toks: list[Token]) -> str:
    out: list[str] = []
    end = 0
    for tok in toks:
        if tok.kind == "comment":
            continue
        if out and tok.start > end:
            out.append(" ")
        out.append(tok.text)
        end = tok.end
    return "".join(out)


# -- conveniences (one reading: the text as written) -----------------------------------------------------------

def tokens(text: str) -> list[tuple[str, str]]:
    """(kind, text) for every token outside comments."""
    return [(t.kind, t.text) for t in scan(text) if t.kind != "comment"]


def form(text: str) -> str | None:
    """The first keyword after the prologue (``SELECT``, ``INSERT``, …), upper-cased, or None."""
    return _form([t for t in scan(text) if t.kind != "comment"])


def is_update(text: str) -> bool:
    """Does the text read as a SPARQL Update request rather than a query?"""
    return form(text) in UPDATE_KEYWORDS


def service_targets(text: str) -> list[str]:
    """The endpoints named by ``SERVICE`` clauses; a variable or unknown prefix gives ``"?var"``/the pname."""
    code = [t for t in scan(text) if t.kind != "comment"]
    return [target for target, ascii_keyword in _services(code, _prefixes(code)) if ascii_keyword]

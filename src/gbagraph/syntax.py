"""Syntax errors people can act on: where (line and column, the line itself with a caret under the column) and
what to do, in a plain sentence, instead of a parser's list of expected tokens or Unicode ranges.

The lexer (:mod:`sparqltext`) finds the common mistakes itself — a text that is no query, a prefix never
declared, a bracket never closed or closing nothing; otherwise the parser's position is kept, pointed at the
token there, and its message kept only when it is short and readable.  Used on the error path only.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping

from rdflib import Graph

from .errors import QuerySyntaxError
from .namespaces import prefixes
from .sparqltext import QUERY_KEYWORDS, UPDATE_KEYWORDS, Token, prologue_end, scan

#: every keyword and built-in function name of SPARQL 1.1 Query (and Update, refused elsewhere)
KEYWORDS = frozenset("""
    BASE PREFIX SELECT CONSTRUCT DESCRIBE ASK FROM NAMED WHERE ORDER BY ASC DESC LIMIT OFFSET DISTINCT REDUCED
    OPTIONAL GRAPH UNION FILTER A AS GROUP HAVING VALUES UNDEF SERVICE SILENT BIND MINUS EXISTS NOT IN TRUE FALSE
    COUNT SUM MIN MAX AVG SAMPLE GROUP_CONCAT SEPARATOR STR LANG LANGMATCHES DATATYPE BOUND IRI URI BNODE RAND ABS
    CEIL FLOOR ROUND CONCAT STRLEN UCASE LCASE ENCODE_FOR_URI CONTAINS STRSTARTS STRENDS STRBEFORE STRAFTER YEAR
    MONTH DAY HOURS MINUTES SECONDS TIMEZONE TZ NOW UUID STRUUID MD5 SHA1 SHA256 SHA384 SHA512 COALESCE IF STRLANG
    STRDT SAMETERM ISIRI ISURI ISBLANK ISLITERAL ISNUMERIC REGEX SUBSTR REPLACE LATERAL TRIPLE SUBJECT PREDICATE
    OBJECT ISTRIPLE LANGDIR STRLANGDIR HASLANG HASLANGDIR
    INSERT DELETE DATA LOAD CLEAR CREATE DROP COPY MOVE ADD WITH USING DEFAULT ALL INTO TO
""".split())

_PAIRS = {"{": "}", "(": ")", "[": "]"}
_CLOSERS = {v: k for k, v in _PAIRS.items()}
#: "expected one of A, B" as parsers say it
_EXPECTED = re.compile(r"expected (?:one of )?(.*)", re.DOTALL)
_PUNCTUATION = re.compile(r'"[^\w\s"]{1,2}"')
GENERIC = "the query cannot be read here: check the words and punctuation just before the caret"


@functools.cache
def known_prefixes() -> dict[str, str]:
    """Prefixes whose namespace we can suggest: ours, and the well-known ones rdflib binds."""
    known = {name: str(ns) for name, ns in Graph(bind_namespaces="rdflib").namespaces()}
    return known | prefixes()


def position(text: str, offset: int) -> tuple[int, int]:
    """1-based (line, column) of character ``offset`` of ``text``."""
    before = text[:offset]
    line = before.count("\n") + 1
    return line, offset - (before.rfind("\n") + 1) + 1


def offset_of(text: str, line: int, column: int) -> int:
    """The character offset of 1-based (``line``, ``column``), clamped to the text."""
    lines = text.split("\n")
    line = min(max(line, 1), len(lines))
    start = sum(len(x) + 1 for x in lines[: line - 1])
    return start + min(max(column, 1) - 1, len(lines[line - 1]))


def excerpt(text: str, line: int, column: int) -> str:
    """The line ``line`` of ``text`` and a caret under ``column`` (tabs kept so that the caret lines up)."""
    lines = text.split("\n")
    shown = lines[line - 1].rstrip("\r") if 0 < line <= len(lines) else ""
    pad = "".join("\t" if ch == "\t" else " " for ch in shown[: column - 1])
    return f"    {shown}\n    {pad}^"


def syntax_error(text: str, offset: int, sentence: str) -> QuerySyntaxError:
    """The error for ``text`` at character ``offset``: "syntax error at line L, column C: sentence" + excerpt."""
    line, column = position(text, offset)
    message = f"syntax error at line {line}, column {column}: {sentence}\n{excerpt(text, line, column)}"
    return QuerySyntaxError(message, line=line, column=column)


def _code(text: str) -> list[Token]:
    return [t for t in scan(text) if t.kind != "comment"]


def _form_problem(toks: list[Token]) -> tuple[int, str] | None:
    for i, tok in enumerate(toks[:prologue_end(toks)]):
        if tok.kind == "word" and tok.folded.upper() == "PREFIX" and (
                i + 2 >= len(toks) or toks[i + 1].kind != "pname" or toks[i + 2].kind != "iri"):
            return tok.start, "a PREFIX line is written PREFIX name: <namespace IRI>"
    rest = toks[prologue_end(toks):]
    if not rest:
        end = toks[-1].end if toks else 0
        return end, "the query has no SELECT, ASK, CONSTRUCT or DESCRIBE after its PREFIX and BASE lines"
    tok = rest[0]
    if tok.kind == "word" and tok.folded.upper() in QUERY_KEYWORDS | UPDATE_KEYWORDS:
        return None
    return tok.start, (f"a query must start with SELECT, ASK, CONSTRUCT or DESCRIBE (after any PREFIX and BASE "
                       f"lines), not {tok.text[:30]!r}")


def _prefix_problem(toks: list[Token], predeclared: Mapping[str, str]) -> tuple[int, str] | None:
    declared = set(predeclared)
    for i, tok in enumerate(toks):
        if tok.kind == "word" and tok.folded.upper() == "PREFIX" and i + 1 < len(toks):
            declared.add(toks[i + 1].text.split(":", 1)[0])
    for i, tok in enumerate(toks):
        if tok.kind != "pname" or (i and toks[i - 1].folded.upper() == "PREFIX"):
            continue
        if i and toks[i - 1].text == "_" and toks[i - 1].end == tok.start:  # a blank node label _:b
            continue
        name = tok.text.split(":", 1)[0]
        if name not in declared:
            namespace = known_prefixes().get(name)
            fix = (f"add PREFIX {name}: <{namespace}> at the top" if namespace
                   else f"declare it at the top: PREFIX {name}: <namespace IRI>")
            return tok.start, f"the prefix {name}: is not declared; {fix}"
    return None


def _string_problem(toks: list[Token]) -> tuple[int, str] | None:
    for tok in toks:
        if tok.kind == "other" and tok.text in "'\"":
            return tok.start, f"this string is never closed on its line: add the closing {tok.text}"
    return None


def _word_problem(toks: list[Token]) -> tuple[int, str] | None:
    for i, tok in enumerate(toks):
        if tok.kind != "word" or tok.folded.upper() in KEYWORDS:
            continue
        after = toks[i + 1] if i + 1 < len(toks) else None
        if tok.text == "_" and after is not None and after.start == tok.end and after.text.startswith(":"):
            continue  # a blank node label _:b
        before = toks[i - 1] if i else None
        if before is not None and before.end == tok.start and (before.text == "@" or before.text[-1:].isdigit()
                                                               or before.text == "."):
            continue  # a language tag (@en), an exponent (1e5)
        return tok.start, f"{tok.text[:30]!r} is not a SPARQL keyword (a typo? a prefixed name needs its colon)"
    return None


def _bracket_problem(toks: list[Token]) -> tuple[int, str] | None:
    stack: list[Token] = []
    for tok in toks:
        if tok.kind != "other":
            continue
        if tok.text in _PAIRS:
            stack.append(tok)
        elif tok.text in _CLOSERS:
            if not stack:
                return tok.start, f"this {tok.text} closes nothing: no {_CLOSERS[tok.text]} is open here"
            opened = stack.pop()
            if _PAIRS[opened.text] != tok.text:
                return tok.start, (f"this {tok.text} does not match the {opened.text} opened before it: "
                                   f"close that one first with {_PAIRS[opened.text]}")
    if stack:
        opened = stack[-1]
        return opened.start, f"this {opened.text} is never closed: add a {_PAIRS[opened.text]}"
    return None


def _readable(parser_message: str) -> str:
    """The parser's message if it says something a person can use; a plain sentence otherwise."""
    match = _EXPECTED.search(parser_message)
    if match:  # keep a short list of punctuation ('expected ")"'); keyword and character-range lists mislead
        wanted = [w.strip() for w in match.group(1).split(",")]
        if len(wanted) <= 3 and all(_PUNCTUATION.fullmatch(w) for w in wanted):
            return f"expected {' or '.join(wanted)} here"
        return GENERIC
    flat = " ".join(parser_message.split())
    return flat[:200] if flat and "Expected" not in flat else GENERIC


def explain(text: str, line: int | None, column: int | None, parser_message: str,
            predeclared: Mapping[str, str] = {}) -> QuerySyntaxError:  # noqa: B006 (read only)
    """A readable error for a query ``text`` a parser refused at (``line``, ``column``) with ``parser_message``.

    ``predeclared`` holds the prefixes the engine knows without a PREFIX line."""
    toks = _code(text)
    checks = (_form_problem(toks), _prefix_problem(toks, predeclared), _string_problem(toks),
              _bracket_problem(toks), _word_problem(toks))
    for problem in checks:
        if problem:
            return syntax_error(text, *problem)
    offset = offset_of(text, line or 1, column or 1)
    before = [t for t in toks if t.start < offset] or toks[:1]
    if before and (offset >= len(text.rstrip()) or not text[offset:offset + 1].strip()):
        offset = before[-1].start  # a position past the end of a token or the text: point at the token
    return syntax_error(text, offset, _readable(parser_message))

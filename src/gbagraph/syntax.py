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

import pyoxigraph as ox
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
#: a sentence the engine puts among its expected tokens ("The SELECT contains a variable that is unbound")
_SENTENCE = re.compile(r"[A-Z][a-z]+(?: [\w-]+){2,}")
AGGREGATES = frozenset("COUNT SUM MIN MAX AVG SAMPLE GROUP_CONCAT".split())
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


def engine_sentences(parser_message: str) -> list[str]:
    """The plain sentences of a parser's message (Oxigraph lists them among its expected tokens)."""
    match = _EXPECTED.search(parser_message)
    items = [w.strip() for w in match.group(1).split(",")] if match else []
    return [w for w in items if _SENTENCE.fullmatch(w) and not w.startswith("Expected")]


def _readable(parser_message: str) -> str:
    """The parser's message if it says something a person can use; a plain sentence otherwise."""
    sentences = engine_sentences(parser_message)
    if sentences:
        return "; ".join(sentences)
    match = _EXPECTED.search(parser_message)
    if match:  # keep a short list of punctuation ('expected ")"'); keyword and character-range lists mislead
        wanted = [w.strip() for w in match.group(1).split(",")]
        if len(wanted) <= 3 and all(_PUNCTUATION.fullmatch(w) for w in wanted):
            return f"expected {' or '.join(wanted)} here"
        return GENERIC
    flat = " ".join(parser_message.split())
    return flat[:200] if flat and "Expected" not in flat else GENERIC


def _projection(toks: list[Token]) -> tuple[list[Token], list[Token]]:
    """The tokens of the outermost SELECT's projection and of its GROUP BY (empty lists when there is none)."""
    start = next((i + 1 for i, t in enumerate(toks) if t.kind == "word" and t.folded.upper() == "SELECT"), None)
    if start is None:
        return [], []
    end = next((i for i in range(start, len(toks)) if toks[i].text == "{"
                or (toks[i].kind == "word" and toks[i].folded.upper() in ("WHERE", "FROM"))), len(toks))
    depth, group = 0, []
    for i in range(end, len(toks)):
        depth += {"{": 1, "}": -1}.get(toks[i].text, 0)
        if depth == 0 and toks[i].kind == "word" and toks[i].folded.upper() == "GROUP":
            group = [t for t in toks[i + 2:] if t.kind != "word" or t.folded.upper() not in ("HAVING", "ORDER",
                                                                                               "LIMIT", "OFFSET")]
            group = group[:next((k for k, t in enumerate(group) if t.text in ("}",)), len(group))]
            break
    return toks[start:end], group


def _grouping_problem(toks: list[Token]) -> tuple[int, str] | None:
    """A variable the outermost SELECT shows outside any aggregate while the query groups (or aggregates)."""
    shown, group = _projection(toks)
    grouped = {t.text[1:] for t in group if t.kind == "var"}
    words = {t.folded.upper() for t in shown if t.kind == "word"}
    if not (group or words & AGGREGATES):
        return None
    depth, aggregate_at = 0, None  # aggregate_at: the depth of the aggregate we are inside, if any
    for i, tok in enumerate(shown):
        if tok.text == "(":
            depth += 1
        elif tok.text == ")":
            depth -= 1
            if aggregate_at is not None and depth < aggregate_at:
                aggregate_at = None
        elif tok.kind == "word" and tok.folded.upper() in AGGREGATES and aggregate_at is None:
            aggregate_at = depth + 1
        elif tok.kind == "var" and aggregate_at is None and tok.text[1:] not in grouped:
            if i and shown[i - 1].kind == "word" and shown[i - 1].folded.upper() == "AS":
                continue  # the name an expression is given
            name = tok.text
            return tok.start, (f"{name} is shown but the query groups its rows (GROUP BY or an aggregate such as "
                               f"COUNT), so {name} has no single value per group: add GROUP BY {name}, or show "
                               f"SAMPLE({name}) or GROUP_CONCAT({name}) instead")
    return None


def _rename_problem(toks: list[Token]) -> tuple[int, str] | None:
    """An expression of the SELECT named (AS ?v) after a variable the pattern already binds."""
    shown, _ = _projection(toks)
    after = {t.text[1:] for t in toks[toks.index(shown[-1]) + 1:] if t.kind == "var"} if shown else set()
    for i, tok in enumerate(shown[1:], 1):
        if tok.kind == "var" and shown[i - 1].kind == "word" and shown[i - 1].folded.upper() == "AS" \
                and tok.text[1:] in after:
            return tok.start, (f"{tok.text} is already a variable of the query's pattern: give the expression "
                               "a new name after AS")
    return None


def explain(text: str, line: int | None, column: int | None, parser_message: str,
            predeclared: Mapping[str, str] = {}) -> QuerySyntaxError:  # noqa: B006 (read only)
    """A readable error for a query ``text`` a parser refused at (``line``, ``column``) with ``parser_message``.

    ``predeclared`` holds the prefixes the engine knows without a PREFIX line."""
    toks = _code(text)
    sentences = engine_sentences(parser_message)
    said = f" (the engine says: {'; '.join(sentences)})" if sentences else ""
    checks = (_form_problem(toks), _prefix_problem(toks, predeclared), _string_problem(toks),
              _bracket_problem(toks), _word_problem(toks), _grouping_problem(toks),
              _rename_problem(toks) if "overrides" in parser_message else None)
    for problem in checks:
        if problem:
            return syntax_error(text, problem[0], problem[1] + said)
    offset = offset_of(text, line or 1, column or 1)
    before = [t for t in toks if t.start < offset] or toks[:1]
    if before and (offset >= len(text.rstrip()) or not text[offset:offset + 1].strip()):
        offset = before[-1].start  # a position past the end of a token or the text: point at the token
    return syntax_error(text, offset, _readable(parser_message))


#: texts longer than this are not checked while typing (the server still answers them)
CHECK_MAX_CHARS = 100_000
#: inline rows (the product of the VALUES blocks' sizes) above which a check would cost real work
CHECK_MAX_ROWS = 100_000
_OX_POS = re.compile(r"error at (\d+):(\d+)")


def _inline_rows(toks: list[Token]) -> int:
    """An upper bound of the rows the VALUES blocks of ``toks`` make together (their sizes multiplied)."""
    total = 1
    for i, tok in enumerate(toks):
        if tok.kind == "word" and tok.folded.upper() == "VALUES":
            depth, size = 0, 0
            for t in toks[i + 1:]:
                depth += {"{": 1, "}": -1}.get(t.text, 0)
                size += t.text not in "{}()"
                if depth == 0 and t.text == "}":
                    break
            total *= max(1, size)
    return total


def oxigraph_error(text: str, exc: Exception, predeclared: Mapping[str, str]) -> QuerySyntaxError:
    """The readable error for Oxigraph's ``SyntaxError`` on ``text``."""
    message = str(exc)
    match = _OX_POS.search(message)
    if match:
        return explain(text, int(match.group(1)), int(match.group(2)), message[match.end():].lstrip(": "), predeclared)
    return explain(text, None, None, message, predeclared)


def check(text: str, predeclared: Mapping[str, str] = {}) -> QuerySyntaxError | None:  # noqa: B006 (read only)
    """The syntax error the server would give for ``text``, or None — without evaluating it on any data.

    Oxigraph (the server's parser) reads the text against an empty store, so the verdict agrees with the
    server's; texts whose inline data (VALUES) or SERVICE calls would make that cost real work are only lexed."""
    toks = _code(text)
    if len(text) > CHECK_MAX_CHARS or any(t.kind == "word" and t.folded.upper() == "SERVICE" for t in toks) \
            or _inline_rows(toks) > CHECK_MAX_ROWS:
        problems = (_form_problem(toks), _prefix_problem(toks, predeclared), _string_problem(toks),
                    _bracket_problem(toks), _grouping_problem(toks))
        found = next((p for p in problems if p), None)
        return syntax_error(text, *found) if found else None
    try:
        ox.Store().query(text, prefixes=dict(predeclared) or None)
    except SyntaxError as exc:
        return oxigraph_error(text, exc, predeclared)
    except (ValueError, OSError):  # not a syntax matter (e.g. an evaluation error): the server will say
        return None
    return None

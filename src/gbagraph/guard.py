"""Checks every query passes before an engine sees it, and the wrapper that keeps engines' failures typed.

The lexical look of :mod:`sparqltext` is run on every reading of the text an engine may make:

* rdflib expands ``\\uXXXX``/``\\UXXXXXXXX`` escapes in the *whole* query before parsing (so
  ``\\u0053ERVICE`` is ``SERVICE`` to it), Oxigraph only inside IRIs and strings — both readings are checked;
* Oxigraph ends a ``#`` comment at CR as well as LF, so ``# note\\rSERVICE <…>`` is a call to it;
* rdflib matches keywords with :meth:`str.upper`, for which ``ı`` is ``I`` and ``ſ`` is ``S`` (``SERVıCE``).

Deep nesting is refused before it reaches a parser: Oxigraph's recursive parser overflows the stack (the
whole process dies) at a few thousand levels.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from rdflib.plugins.sparql.sparql import SPARQLError

from .errors import GbagraphError, QueryError, ResultTooLarge, UpdateRefused
from .sparqltext import form, is_update, service_targets, tokens

#: most levels of ``( { [`` a query may nest (real queries use < 20; Oxigraph crashes at a few thousand)
MAX_NESTING = 200

#: non-ASCII characters whose ``str.upper()`` is one ASCII letter (all of them: tests/safety checks the table)
CASE_FOLD = str.maketrans({"\u0131": "I", "\u017f": "S"})

_ESCAPE = re.compile(r"\\u([0-9a-f]{4}(?:[0-9a-f]{4})?)", re.IGNORECASE)  # rdflib's reading, verbatim

E = TypeVar("E")


def _expand_escapes(text: str) -> str | None:
    """The text as rdflib's parser reads it (escapes expanded everywhere), or None if rdflib cannot."""
    try:
        return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
    except (ValueError, OverflowError):
        return None  # rdflib refuses such a query before evaluating anything


def readings(text: str) -> list[str]:
    """Every way an engine may read ``text``: as written and with escapes expanded; CR counted as a newline."""
    views = [text]
    expanded = _expand_escapes(text) if "\\" in text else None
    if expanded is not None and expanded != text:
        views.append(expanded)
    return [v.replace("\r", "\n") for v in views]


def nesting_depth(toks: Iterable[tuple[str, str]]) -> int:
    """The deepest nesting of brackets ``( { [`` among ``toks`` (strings, IRIs and comments do not count)."""
    depth = deepest = 0
    for kind, value in toks:
        if kind != "other":
            continue
        if value in "({[":
            depth += 1
            deepest = max(deepest, depth)
        elif value in ")}]":
            depth = max(0, depth - 1)
    return deepest


def _service_keywords(toks: Iterable[tuple[str, str]]) -> int:
    return sum(1 for kind, value in toks if kind == "word" and value.upper() == "SERVICE")


def check_query(text: str, allowlist: Iterable[str] = ()) -> str | None:
    """Refuse updates, unlisted ``SERVICE`` calls and deep nesting in every reading; the query form or None."""
    allowed = tuple(allowlist)
    for view in readings(text):
        folded = view.translate(CASE_FOLD)
        if is_update(folded):
            raise UpdateRefused("this endpoint is read-only: SPARQL Update is not accepted")
        toks = tokens(folded)
        if nesting_depth(toks) > MAX_NESTING:
            raise QueryError(f"the query nests brackets more than {MAX_NESTING} levels deep; simplify it")
        targets = service_targets(view)
        if _service_keywords(toks) > len(targets):  # a SERVICE keyword only the case folding revealed
            raise QueryError("SERVICE is not allowed on this endpoint (write keywords in ASCII letters)",
                             status=403)
        for target in targets:
            if target not in allowed:
                shown = ", ".join(allowed) or "none"
                raise QueryError(f"SERVICE {target or '(missing)'} is not allowed on this endpoint "
                                 f"(allowed: {shown})", status=403 if target else 400)
    return form(text.translate(CASE_FOLD))


def _evaluation_error(exc: Exception) -> GbagraphError:
    """A typed error for an exception an engine let escape."""
    if isinstance(exc, RecursionError):
        return QueryError("the query is nested too deeply to evaluate; simplify it")
    if isinstance(exc, MemoryError):
        return ResultTooLarge("the query needs more memory than the server allows; add a LIMIT or narrow it")
    if isinstance(exc, OSError):  # an allowed SERVICE endpoint that failed, refused or timed out
        return QueryError(f"query failed: {exc}", status=502)
    detail = " ".join(str(exc).split())[:300]
    if isinstance(exc, _REFUSALS) or type(exc) is Exception:
        return QueryError(f"the query cannot be evaluated: {detail}")
    return GbagraphError(f"the query could not be evaluated ({type(exc).__name__}: {detail})", status=500)


#: how the engines say a query asks for something they cannot do (an unknown function, a bad regex, a huge
#: LIMIT, an invalid language tag …): the client's to fix, so 400; anything else is a 500
_REFUSALS: tuple[type[Exception], ...] = (ValueError, TypeError, ArithmeticError, re.error, RuntimeError,
                                          NotImplementedError, SPARQLError)


def check_size(answer: Any, limit: int | None) -> Any:
    """Refuse an answer whose body is larger than ``limit`` bytes (never cut it)."""
    size = len(answer.body)
    if limit and size > limit:
        raise ResultTooLarge(f"the answer is {size} bytes, more than the server's limit of {limit} bytes; "
                             "add a LIMIT or narrow the query")
    return answer


def guarded(method: Callable[[Any, Any], E]) -> Callable[[Any, Any], E]:
    """Wrap an engine's ``answer``: only ``GbagraphError`` leaves it, and answers larger than
    ``self.policy.max_result_bytes`` are refused."""

    @functools.wraps(method)
    def answer(self: Any, request: Any) -> E:
        try:
            result = method(self, request)
        except GbagraphError:
            raise
        except Exception as exc:
            raise _evaluation_error(exc) from exc
        return check_size(result, getattr(self.policy, "max_result_bytes", None))

    return answer

"""Checks every query passes before an engine sees it, and the wrapper that keeps engines' failures typed.

The checks run on every reading of the text an engine may make (see :mod:`sparqltext`: escapes expanded as
rdflib does, CR ending a comment as in Oxigraph, keywords case-folded as rdflib matches them).

Deep nesting is refused before it reaches a parser: Oxigraph's recursive parser overflows the stack (the
whole process dies) at a few thousand levels.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from typing import Any, Protocol, TypeVar

from rdflib.plugins.sparql.sparql import SPARQLError

from . import sparqltext
from .errors import EvaluationFailed, GbagraphError, QueryError, ResultTooLarge, ServiceFailed, ServiceRefused, UpdateRefused
from .sparqltext import CASE_FOLD, UPDATE_KEYWORDS, Lexed, readings

__all__ = ["CASE_FOLD", "MAX_NESTING", "check_query", "check_size", "guarded", "readings"]

#: most levels of ``( { [`` a query may nest (real queries use < 20; Oxigraph crashes at a few thousand)
MAX_NESTING = 200

def check_query(query: str | Lexed, allowlist: Iterable[str] = ()) -> str | None:
    """Refuse updates, unlisted ``SERVICE`` calls and deep nesting in every reading; the query form or None.

    Give the :class:`~gbagraph.sparqltext.Lexed` text when there is one: the text is then not lexed again."""
    lexed = query if isinstance(query, Lexed) else sparqltext.lex(query)
    allowed = tuple(allowlist)
    for reading in lexed.readings:
        if reading.form in UPDATE_KEYWORDS:
            raise UpdateRefused("this endpoint is read-only: SPARQL Update is not accepted")
        if reading.depth > MAX_NESTING:
            raise QueryError(f"the query nests brackets more than {MAX_NESTING} levels deep; simplify it")
        for target, ascii_keyword in reading.services:
            if not ascii_keyword:  # a SERVICE keyword only the case folding revealed
                raise ServiceRefused("SERVICE is not allowed on this endpoint (write keywords in ASCII letters)")
            if target not in allowed:
                shown = ", ".join(allowed) or "none"
                message = f"SERVICE {target or '(missing)'} is not allowed on this endpoint (allowed: {shown})"
                raise ServiceRefused(message) if target else QueryError(message)
    return lexed.form


def _evaluation_error(exc: Exception) -> GbagraphError:
    """A typed error for an exception an engine let escape."""
    if isinstance(exc, RecursionError):
        return QueryError("the query is nested too deeply to evaluate; simplify it")
    if isinstance(exc, MemoryError):
        return ResultTooLarge("the query needs more memory than the server allows; add a LIMIT or narrow it")
    if isinstance(exc, OSError):  # an allowed SERVICE endpoint that failed, refused or timed out
        return ServiceFailed(f"query failed: {exc}")
    detail = " ".join(str(exc).split())[:300]
    if isinstance(exc, _REFUSALS) or type(exc) is Exception:
        return QueryError(f"the query cannot be evaluated: {detail}")
    return EvaluationFailed(f"the query could not be evaluated ({type(exc).__name__}: {detail})")


#: how the engines say a query asks for something they cannot do (an unknown function, a bad regex, a huge
#: LIMIT, an invalid language tag …): the client's to fix, so 400; anything else is a 500
_REFUSALS: tuple[type[Exception], ...] = (ValueError, TypeError, ArithmeticError, re.error, RuntimeError,
                                          NotImplementedError, SPARQLError)


class _Sized(Protocol):
    @property
    def body(self) -> bytes: ...


S = TypeVar("S", bound=_Sized)


def check_size(answer: S, limit: int | None) -> S:
    """Refuse an answer whose body is larger than ``limit`` bytes (never cut it)."""
    size = len(answer.body)
    if limit and size > limit:
        raise ResultTooLarge(f"the answer is {size} bytes, more than the server's limit of {limit} bytes; "
                             "add a LIMIT or narrow the query")
    return answer


def guarded(method: Callable[[Any, Any], S]) -> Callable[[Any, Any], S]:
    """Wrap an engine's ``answer``: only ``GbagraphError`` leaves it, and answers larger than
    ``self.policy.max_result_bytes`` are refused."""

    @functools.wraps(method)
    def answer(self: Any, request: Any) -> S:
        try:
            result = method(self, request)
        except GbagraphError:
            raise
        except Exception as exc:
            raise _evaluation_error(exc) from exc
        return check_size(result, getattr(self.policy, "max_result_bytes", None))

    return answer

"""Checks every query passes before an engine sees it, and the wrapper that keeps engines' failures typed.

The checks run on every reading of the text an engine may make (see :mod:`sparqltext`: escapes expanded as
rdflib does, CR ending a comment as in Oxigraph, keywords case-folded as rdflib matches them).

Deep nesting is refused before it reaches a parser: Oxigraph's recursive parser overflows the stack (the
whole process dies) at a few thousand levels of brackets, or a few thousand operators nested without brackets.
"""

from __future__ import annotations

import functools
import re
import traceback
from collections.abc import Callable, Iterable
from typing import Any, Protocol, TypeVar

from pyparsing.exceptions import ParseBaseException
from rdflib.plugins.sparql.sparql import SPARQLError

from . import sparqltext
from .errors import EvaluationFailed, GbagraphError, QueryError, ResultTooLarge, ServiceFailed, ServiceRefused, UpdateRefused
from .sparqltext import CASE_FOLD, UPDATE_KEYWORDS, Lexed

__all__ = ["CASE_FOLD", "MAX_CHAIN", "MAX_NESTING", "check_query", "check_size", "guarded", "internal_error"]

#: most levels of ``( { [`` a query may nest (real queries use < 20; Oxigraph crashes at a few thousand)
MAX_NESTING = 200
#: the longest operator chain (:attr:`~gbagraph.sparqltext.Reading.chain`) a query may hold.  Oxigraph 0.5's
#: parser overflows an 8 MB stack (the process dies) at about 9,000 ``!`` in a row, 6,700 ``+`` in a chain,
#: 6,400 ``OPTIONAL`` or ``UNION`` and 2,500 ``MINUS`` in one group (weighted 4 each here): a tenth of that
MAX_CHAIN = 1000


def check_query(query: str | Lexed, allowlist: Iterable[str] = ()) -> str | None:
    """Refuse updates, unlisted ``SERVICE`` calls, deep nesting and long operator chains in every reading; the
    query form or None.

    Give the :class:`~gbagraph.sparqltext.Lexed` text when there is one: the text is then not lexed again."""
    lexed = query if isinstance(query, Lexed) else sparqltext.lex(query)
    allowed = tuple(allowlist)
    for reading in lexed.readings:
        if reading.form in UPDATE_KEYWORDS:
            raise UpdateRefused("this endpoint is read-only: SPARQL Update is not accepted")
        if reading.depth > MAX_NESTING:
            raise QueryError(f"the query nests brackets more than {MAX_NESTING} levels deep; simplify it")
        if reading.chain > MAX_CHAIN:
            raise QueryError(f"the query chains operators {reading.chain} deep (unary and binary operators, path "
                             f"steps, UNION, OPTIONAL, MINUS, collection members); the limit is {MAX_CHAIN}: "
                             "simplify it or split it")
        for target, ascii_keyword in reading.services:
            if not ascii_keyword:  # a SERVICE keyword only the case folding revealed
                raise ServiceRefused("SERVICE is not allowed on this endpoint (write keywords in ASCII letters)")
            if target not in allowed:
                shown = ", ".join(allowed) or "none"
                message = f"SERVICE {target or '(missing)'} is not allowed on this endpoint (allowed: {shown})"
                raise ServiceRefused(message) if target else QueryError(message)
    return lexed.form


def _evaluation_error(exc: Exception) -> GbagraphError:
    """A typed error for an exception an engine let escape: the engine's verdict on the query is the client's to
    fix (400); anything else is our fault (500, with its traceback kept for the log, also across processes)."""
    if isinstance(exc, RecursionError):
        return QueryError("the query is nested too deeply to evaluate; simplify it")
    if isinstance(exc, MemoryError):
        return ResultTooLarge("the query needs more memory than the server allows; add a LIMIT or narrow it")
    if isinstance(exc, OSError):  # an allowed SERVICE endpoint that failed, refused or timed out
        return ServiceFailed(f"query failed: {exc}")
    detail = " ".join(str(exc).split())[:300]
    if isinstance(exc, _REFUSALS) or _raised_by_engine_library(exc):
        return QueryError(f"the query cannot be evaluated: {detail}")
    return internal_error(exc, "the query could not be evaluated")


def internal_error(exc: BaseException, what: str) -> EvaluationFailed:
    """Our own failure as a 500 that carries its traceback as text (``trace``: it survives pickling to the
    process that answers the request, where the web layer's error handler logs it)."""
    detail = " ".join(str(exc).split())[:300]
    error = EvaluationFailed(f"{what} ({type(exc).__name__}: {detail}); the server logged it")
    error.trace = "".join(traceback.format_exception(exc))
    return error


#: how the engines report a query they refuse: pyoxigraph raises SyntaxError (parse) and ValueError (a bad
#: argument); rdflib raises SPARQLError, ValueError (an invalid language tag, a huge LIMIT) and re.error (the
#: query's REGEX pattern: our own patterns are constants) — its parse errors, pyparsing's, become
#: QuerySyntaxError in the engine itself
_REFUSALS: tuple[type[Exception], ...] = (SyntaxError, ValueError, SPARQLError, ParseBaseException, re.error)

#: pure-Python engines whose own ``raise`` (rdflib raises a bare Exception or TypeError for an unknown prefix or
#: datatypes an operator cannot combine) is a verdict on the query, not a fault of ours
_ENGINE_PACKAGES = ("rdflib", "pyparsing")


def _raised_by_engine_library(exc: BaseException) -> bool:
    """Whether the innermost frame of ``exc``'s traceback is in a pure-Python engine's package."""
    tb = exc.__traceback__
    if tb is None:
        return False
    while tb.tb_next is not None:
        tb = tb.tb_next
    module = str(tb.tb_frame.f_globals.get("__name__", ""))
    return module.split(".", 1)[0] in _ENGINE_PACKAGES


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

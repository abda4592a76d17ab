"""The one exception tree of gbagraph (a leaf module: it imports nothing of ours).

Every error gbagraph raises on purpose is a :class:`GbagraphError` subclass: its class fixes the HTTP status the
web layer answers with and the title it shows; its message is the line the CLI prints.  A new kind of failure
gets a class here rather than a ``status=`` override where it is raised.
"""

from __future__ import annotations

from typing import Any


class GbagraphError(Exception):
    """Base of every error gbagraph raises on purpose."""

    status: int = 500
    title: str = "Internal error"

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle as (class, message, attributes): the same error comes out in another process (a query
        worker's parent), whatever the subclass's ``__init__`` takes (keyword-only fields, extra arguments)."""
        return _rebuild, (type(self), self.args), dict(self.__dict__)


def _rebuild(cls: type[GbagraphError], args: tuple[Any, ...]) -> GbagraphError:
    """An instance of ``cls`` with ``args``, without running its ``__init__`` (pickle then restores its
    attributes: message, status and the subclass's own fields)."""
    return cls.__new__(cls, *args)


class LoadError(GbagraphError):
    """A data or ontology file cannot be read or parsed (names the file and line)."""

    status = 500
    title = "Data could not be loaded"


class ShapeViolation(GbagraphError):
    """The data does not conform to the SHACL shapes."""

    status = 500
    title = "Data does not conform to the shapes"

    def __init__(self, message: str, report: str = "") -> None:
        super().__init__(message)
        self.report = report


class DiskTrouble(GbagraphError):
    """The cache folder's disk failed (full, read-only, I/O error) while a start wrote its store: one line saying
    what was being written and how much room a build needs (:func:`gbagraph.pipeline.prepare` logs it and starts
    again in memory)."""

    status = 500
    title = "Cache folder's disk failed"


class InconsistentGraph(GbagraphError):
    """OWL RL inference found a contradiction (owl:Nothing, disjoint classes, …)."""

    status = 500
    title = "Inconsistent graph"


class RuleNotCompiled(GbagraphError):
    """The TBox or the data needs an OWL RL rule the compiled reasoner does not evaluate; caught where it is
    called (:func:`gbagraph.reason.store_closure`), which runs owlrl instead."""

    status = 500
    title = "OWL RL rule not compiled"


class SettingsError(GbagraphError):
    """A setting has an unknown name or a value it cannot take."""

    status = 400
    title = "Invalid setting"


class UsageError(GbagraphError):
    """A command was given wrong or unreadable input (the CLI's own mistakes, e.g. no query to run)."""

    status = 400
    title = "Bad input"


class BadRequest(GbagraphError):
    """The request is malformed (protocol-level)."""

    status = 400
    title = "Bad request"


class QueryError(BadRequest):
    """The query text is not valid SPARQL, or asks for something forbidden."""

    title = "Query error"


class QuerySyntaxError(QueryError):
    """The query text is not valid SPARQL; ``line`` and ``column`` (1-based) say where."""

    title = "Query syntax error"

    def __init__(self, message: str, *, line: int, column: int) -> None:
        super().__init__(message)
        self.line = line
        self.column = column


class ServiceRefused(QueryError):
    """A ``SERVICE`` call to an endpoint this server may not call."""

    status = 403
    title = "SERVICE not allowed"


class ServiceFailed(GbagraphError):
    """An allowed ``SERVICE`` endpoint, the remote SPARQL backend or a graph store failed or refused."""

    status = 502
    title = "Remote endpoint failed"


class RemoteTimeout(ServiceFailed):
    """The remote SPARQL backend did not answer in time."""

    status = 504
    title = "Remote endpoint timed out"


class LinkError(ServiceFailed):
    """A reconciliation endpoint (Wikidata, a local store) could not be reached or answered with an error."""

    title = "Endpoint error"


class ReviewFileError(BadRequest):
    """A review table cannot be read (names the file and line)."""

    title = "Bad review table"


class UpdateRefused(GbagraphError):
    """SPARQL Update sent to a read-only endpoint."""

    status = 403
    title = "Updates are not allowed"


class ReadOnlyView(GbagraphError):
    """Code tried to change the served store through its rdflib view (a bug: a served store is never written)."""

    title = "The served store is read-only"


class NotFound(GbagraphError):
    status = 404
    title = "Not found"


class MethodNotAllowed(GbagraphError):
    status = 405
    title = "Method not allowed"


class NotAcceptable(GbagraphError):
    status = 406
    title = "Not acceptable"


class UnsupportedMediaType(GbagraphError):
    status = 415
    title = "Unsupported media type"


class PayloadTooLarge(GbagraphError):
    status = 413
    title = "Request too large"


class EvaluationFailed(GbagraphError):
    """An engine failed in an unforeseen way while evaluating a query (a bug, not the client's doing)."""

    status = 500
    title = "Query evaluation failed"
    trace = ""  # the original traceback as text (kept across processes; the web layer logs it)


class QueryTimeout(GbagraphError):
    status = 503
    title = "Query timed out"


class TooBusy(GbagraphError):
    status = 503
    title = "Too many concurrent queries"


class IndexPending(GbagraphError):
    """The search index is being built by another process (after a cold start of a big graph)."""

    status = 503
    title = "Search index being built"


class WorkerCrashed(GbagraphError):
    """The worker process evaluating the query died (it is replaced; the query is lost)."""

    status = 503
    title = "Query worker crashed"


class EngineClosed(GbagraphError):
    """The query engine was shut down (the server is stopping)."""

    status = 503
    title = "Query engine shut down"


class ResultTooLarge(GbagraphError):
    status = 507
    title = "Result too large"


class UnknownFormat(GbagraphError):
    status = 400
    title = "Unknown format"


class ClientGone(GbagraphError):
    """The client closed its connection while its query ran: the query was stopped (nobody reads the answer)."""

    status = 499
    title = "Client closed the connection"

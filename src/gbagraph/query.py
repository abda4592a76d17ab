"""Run a SPARQL query on the dataset and serialise the answer: the one interface the web layer and CLI use.

``Engine.answer(QueryRequest) -> Answer`` parses, checks, evaluates and serialises in one call, so that the
call can run in another process (see ``workers``) and only bytes cross back.  Two engines implement it:
``OxigraphEngine`` (in-process pyoxigraph, the serving engine) and ``RdflibEngine`` (pure Python, the
reference, in :mod:`gbagraph.reference.engine`).  The kind of an answer comes from the result object, never
from the query string.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any, Protocol

import pyoxigraph as ox
from rdflib import Dataset

from . import sparqltext
from .errors import QueryError, ResultTooLarge, ServiceFailed
from .formats import Format, answer_format
from .guard import check_query, guarded
from .sparqltext import Lexed
from .syntax import oxigraph_error

QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")


@dataclass(frozen=True)
class QueryRequest:
    """A query and how its answer is wanted.

    ``format`` names the answer's format, chosen by the caller (the web layer negotiates it, once); None gives
    the query form's default.  ``lexed`` is the text as :func:`~gbagraph.sparqltext.lex` read it, when the caller
    already lexed it (then nobody lexes it again).
    """

    query: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    format: str | None = None
    max_rows: int | None = None
    timeout: float | None = None  # seconds; may only lower Settings.query_timeout (enforced by workers)
    lexed: Lexed | None = None

    def lex(self) -> Lexed:
        """The lexed text (lexed now if the caller did not)."""
        return self.lexed if self.lexed is not None else sparqltext.lex(self.query)


@dataclass(frozen=True)
class Answer:
    kind: str  # SELECT | ASK | CONSTRUCT | DESCRIBE
    format: Format
    body: bytes
    count: int  # rows, triples, or 1 for ASK


@dataclass(frozen=True)
class Policy:
    """What a query may do: which SERVICE endpoints it may call, how many rows it may return."""

    service_allowlist: tuple[str, ...] = ()
    max_rows: int = 100_000
    prefixes: dict[str, str] = field(default_factory=dict)
    max_result_bytes: int | None = None  # larger serialised answers are refused (ResultTooLarge)


class Engine(Protocol):
    name: str

    def answer(self, request: QueryRequest) -> Answer: ...


def check_text(query: str | Lexed, policy: Policy) -> str:
    """Refuse updates, unlisted SERVICE calls and deep nesting (see ``guard``); return the query form keyword."""
    kind = check_query(query, policy.service_allowlist)
    return kind if kind in QUERY_FORMS else ""



class OxigraphEngine:
    """Queries on an in-memory pyoxigraph store holding every named graph (default graph = their union)."""

    name = "oxigraph"

    def __init__(self, store: ox.Store, policy: Policy | None = None) -> None:
        self.store = store
        self.policy = policy or Policy()

    @classmethod
    def from_dataset(cls, dataset: Dataset, policy: Policy | None = None) -> OxigraphEngine:
        store = ox.Store()
        buf = io.BytesIO()
        dataset.serialize(buf, format="nquads")
        store.bulk_load(buf.getvalue(), format=ox.RdfFormat.N_QUADS)
        materialise_union(store)
        return cls(store, policy)

    @guarded
    def answer(self, request: QueryRequest) -> Answer:
        lexed = request.lex()
        check_text(lexed, self.policy)
        kwargs: dict[str, Any] = {"prefixes": self.policy.prefixes or None}
        if request.default_graphs:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in request.default_graphs]
        if request.named_graphs:
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in request.named_graphs]
        try:
            result = self.store.query(request.query, **kwargs)
        except SyntaxError as exc:
            raise oxigraph_error(request.query, exc, self.policy.prefixes) from exc
        except (ValueError, RuntimeError) as exc:  # pyoxigraph's refusal while planning (e.g. an unknown function)
            raise QueryError(str(exc)) from exc
        max_rows = request.max_rows or self.policy.max_rows
        try:
            if isinstance(result, ox.QueryBoolean):
                fmt = answer_format(request.format, "ASK")
                return Answer("ASK", fmt, _bytes(result.serialize(format=_ox_results(fmt))), 1)
            if isinstance(result, ox.QuerySolutions):
                fmt = answer_format(request.format, "SELECT")
                body, rows = self._solutions(result, fmt, max_rows)
                return Answer("SELECT", fmt, body, rows)
            kind = "DESCRIBE" if lexed.form == "DESCRIBE" else "CONSTRUCT"
            fmt = answer_format(request.format, kind)
            triples: list[ox.Triple] = []
            for triple in result:  # evaluated as it is read: stops at the first triple past the limit
                if len(triples) == max_rows:
                    _limit(max_rows + 1, max_rows, "triples")
                triples.append(triple)
            out = io.BytesIO()
            prefixes = self.policy.prefixes if fmt.name == "turtle" and self.policy.prefixes else None
            ox.serialize(triples, out, format=getattr(ox.RdfFormat, fmt.oxigraph), prefixes=prefixes)
            return Answer(kind, fmt, out.getvalue(), len(triples))
        except OSError as exc:  # e.g. an allowed SERVICE endpoint that did not answer
            raise ServiceFailed(f"query failed: {exc}") from exc


    def _solutions(self, result: ox.QuerySolutions, fmt: Format, max_rows: int) -> tuple[bytes, int]:
        """The solutions serialised in ``fmt`` and their number, refused (``ResultTooLarge``) as soon as the
        row past ``max_rows`` or the byte past ``max_result_bytes`` is written, not after the whole answer.

        They are written as TSV first, where each solution is one line (TSV escapes newlines in values), so a
        writer counts them exactly while Oxigraph streams; another format is then converted from that TSV
        (lossless, blank node labels included), in Rust both ways."""
        # CSV may be shorter than its TSV (it drops datatypes): its size is checked on the answer only
        out = _CountingWriter(max_rows, None if fmt.name == "csv" else self.policy.max_result_bytes)
        try:
            result.serialize(out, format=ox.QueryResultsFormat.TSV)
        except OSError:
            if out.refusal is not None:  # pyoxigraph may report the writer's exception as an I/O error
                raise out.refusal from None
            raise
        tsv = out.getvalue()
        if fmt.name == "tsv":
            return tsv, out.rows
        converted = ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV)
        return _bytes(converted.serialize(format=_ox_results(fmt))), out.rows


class _CountingWriter(io.BytesIO):
    """A byte buffer that counts TSV result lines as Oxigraph writes them and stops it (``ResultTooLarge``,
    kept in ``refusal``) at the first line or byte past a limit."""

    def __init__(self, max_rows: int, max_bytes: int | None) -> None:
        super().__init__()
        self.max_rows = max_rows
        self.max_bytes = max_bytes
        self.lines = 0
        self.refusal: ResultTooLarge | None = None

    @property
    def rows(self) -> int:
        return max(0, self.lines - 1)  # the first line is the header

    def write(self, data: Any) -> int:
        self.lines += bytes(data).count(b"\n")
        if self.rows > self.max_rows:
            self.refusal = ResultTooLarge(f"the answer has more than {self.max_rows} rows (the server's limit); "
                                          "add a LIMIT or narrow the query")
        elif self.max_bytes and self.tell() + len(data) > self.max_bytes:
            self.refusal = ResultTooLarge(f"the answer is more than the server's limit of {self.max_bytes} "
                                          "bytes; add a LIMIT or narrow the query")
        if self.refusal is not None:
            raise self.refusal
        return super().write(data)


def materialise_union(store: ox.Store) -> None:
    """Copy the set union of all named graphs into the store's default graph.

    The default graph is the merge of the named graphs.  pyoxigraph's ``use_default_graph_as_union`` flag
    matches a triple once per graph that holds it (oxigraph#1919: duplicate rows, inflated COUNTs), so the
    union is stored once instead, as a set, and queried as the plain default graph.
    """
    store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")


def _limit(count: int, max_rows: int, what: str) -> None:
    if count > max_rows:
        raise ResultTooLarge(f"the answer has more than {max_rows} {what} (the server's limit); "
                             "add a LIMIT or narrow the query")


def _ox_results(fmt: Format) -> ox.QueryResultsFormat:
    found: ox.QueryResultsFormat = getattr(ox.QueryResultsFormat, fmt.oxigraph)
    return found


def _bytes(body: bytes | None) -> bytes:
    """What pyoxigraph's ``serialize()`` returns when given no output: the bytes (never None)."""
    assert body is not None
    return body

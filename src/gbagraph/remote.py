"""Scale-out to an existing triple store: push the dataset over the SPARQL 1.1 Graph Store Protocol, and serve
our endpoint on top of a remote SPARQL endpoint.

* :func:`push` PUTs every named graph (``?graph=IRI``, N-Triples) into a Graph Store Protocol endpoint, so the
  named graphs (one per paragraph, provenance, inferred, ontology) are kept; by default it also PUTs the set
  union of the named graphs as the store's default graph (``?default``), which is what our endpoint's default
  graph is, so that a store without a union-default-graph option answers the same queries the same way.
* :class:`RemoteEngine` implements ``Engine.answer`` by forwarding the query (and its dataset parameters) to a
  remote SPARQL endpoint, asking for the format our content negotiation picked; a remote 400 becomes a
  ``QueryError`` (HTTP 400 for our client), an unreachable or failing store a 502.  The same read-only checks as
  the local engines (no updates, SERVICE only to allowed endpoints) run before anything is sent.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox
import requests
from rdflib import Dataset, Graph
from requests.auth import HTTPDigestAuth

from . import formats
from .errors import GbagraphError, QueryError, RemoteTimeout, ServiceFailed
from .formats import Format, answer_format
from .query import Answer, Policy, QueryRequest, check_text
from .sparqltext import Lexed
from .storeview import StoreView

NT = "application/n-triples"


@dataclass
class PushReport:
    store: str
    graphs: int = 0
    triples: int = 0
    default_triples: int = 0
    seconds: float = 0.0
    statuses: dict[str, int] = field(default_factory=dict)  # graph IRI -> HTTP status


def _graphs(dataset: Dataset) -> list[Graph]:
    return [g for g in dataset.graphs() if len(g) and not str(g.identifier).startswith("urn:x-rdflib:")]


def _named_bodies(dataset: Dataset) -> Iterator[tuple[str, bytes]]:
    """(graph IRI, N-Triples) of each non-empty named graph, one at a time: from the store itself when ``dataset``
    is a view of one (no rdflib copy)."""
    if isinstance(dataset.store, StoreView):
        store = dataset.store.store
        for g in store.named_graphs():
            body = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=g) if isinstance(g, ox.NamedNode) else None
            if body:
                yield g.value, body
        return
    for graph in _graphs(dataset):
        yield str(graph.identifier), graph.serialize(format="nt", encoding="utf-8")


def _union_body(dataset: Dataset) -> bytes:
    """The set union of the named graphs as N-Triples (a store view's default graph holds it already)."""
    if isinstance(dataset.store, StoreView):
        return dataset.store.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()) or b""
    union = Graph()
    for graph in _graphs(dataset):
        union += graph
    return union.serialize(format="nt", encoding="utf-8")


def push(dataset: Dataset, store_url: str, *, default_union: bool = True, union_graph: str | None = None,
         auth: tuple[str, str] | None = None, session: requests.Session | None = None,
         timeout: float = 300.0, progress: Callable[[str], None] | None = None) -> PushReport:
    """Replace each named graph of ``dataset`` in the Graph Store Protocol endpoint ``store_url`` (e.g.
    ``http://127.0.0.1:7878/store``); with ``default_union`` also replace its default graph by their union — or,
    for a store without a writable default graph (Virtuoso), the named graph ``union_graph``.  ``auth`` is a
    (user, password) pair for HTTP digest authentication (Virtuoso's ``/sparql-graph-crud-auth``)."""
    http = session or requests.Session()
    if auth is not None:
        http.auth = HTTPDigestAuth(*auth)
    report = PushReport(store_url)
    started = time.monotonic()
    for name, body in _named_bodies(dataset):
        _put(http, store_url, {"graph": name}, body, timeout, report, name)
        report.graphs += 1
        report.triples += _lines(body)
        if progress:
            progress(name)
    if default_union or union_graph:
        target = {"graph": union_graph} if union_graph else {"default": ""}
        union = _union_body(dataset)
        _put(http, store_url, target, union, timeout, report, union_graph or "(default graph)")
        report.default_triples = _lines(union)
    report.seconds = round(time.monotonic() - started, 3)
    return report


def _lines(ntriples: bytes) -> int:
    """The triples of an N-Triples document (one a line; comments and blank lines not counted)."""
    return sum(1 for line in ntriples.splitlines() if line.strip() and not line.lstrip().startswith(b"#"))


def _put(http: requests.Session, url: str, params: dict[str, str], body: bytes, timeout: float, report: PushReport,
         name: str) -> None:
    try:
        r = http.put(url, params=params, data=body, headers={"Content-Type": NT}, timeout=timeout)
    except requests.RequestException as exc:
        raise ServiceFailed(f"cannot reach the graph store {url}: {exc}") from exc
    report.statuses[name] = r.status_code
    if r.status_code not in (200, 201, 204):
        raise ServiceFailed(f"the graph store {url} answered HTTP {r.status_code} for {name}: {r.text[:300]}")


class RemoteEngine:
    """``Engine.answer`` by forwarding to a remote SPARQL 1.1 Protocol endpoint (e.g. ``.../query``)."""

    name = "remote"

    def __init__(self, endpoint: str, policy: Policy | None = None, *, timeout: float = 30.0,
                 session: requests.Session | None = None, default_graphs: tuple[str, ...] = (),
                 named_graphs: tuple[str, ...] = ()) -> None:
        """``default_graphs`` / ``named_graphs``: the dataset to query when a request names none — for a store
        whose own default dataset is not ours (Virtuoso's holds system graphs): the union graph written by
        ``push(union_graph=...)`` and our named graphs.  They are sent as Virtuoso's ``DEFINE input:…`` pragmas at
        the head of the query, not as protocol parameters: Virtuoso echoes each ``named-graph-uri`` parameter as a
        response header, and past 100 of them Python's HTTP client refuses the answer."""
        self.endpoint = endpoint
        self.policy = policy or Policy()
        self.timeout = timeout
        self.session = session or requests.Session()
        self.default_graphs = default_graphs
        self.named_graphs = named_graphs

    def answer(self, request: QueryRequest) -> Answer:
        lexed = request.lex()
        kind = check_text(lexed, self.policy)
        if not kind:
            raise QueryError("syntax error: expected SELECT, ASK, CONSTRUCT or DESCRIBE")
        fmt = answer_format(request.format, kind)
        text = _with_prefixes(lexed, self.policy.prefixes)
        own = bool(request.default_graphs or request.named_graphs)
        if not own and (self.default_graphs or self.named_graphs):
            text = "".join([*(f"DEFINE input:default-graph-uri <{g}>\n" for g in self.default_graphs),
                            *(f"DEFINE input:named-graph-uri <{g}>\n" for g in self.named_graphs)]) + text
        data: list[tuple[str, str]] = [("query", text)]
        data += [("default-graph-uri", g) for g in request.default_graphs]
        data += [("named-graph-uri", g) for g in request.named_graphs]
        try:
            r = self.session.post(self.endpoint, data=data, timeout=self.timeout,
                                  headers={"Accept": fmt.media_type})
        except requests.Timeout as exc:
            raise RemoteTimeout(f"the SPARQL backend did not answer within {self.timeout:g}s") from exc
        except requests.RequestException as exc:
            raise ServiceFailed(f"cannot reach the SPARQL backend {self.endpoint}: {exc}") from exc
        if r.status_code == 400:
            raise QueryError(" ".join(r.text.split())[:500] or "the SPARQL backend refused the query")
        if r.status_code != 200:
            raise ServiceFailed(f"the SPARQL backend answered HTTP {r.status_code}: {r.text[:300]}")
        got = _format_of(r.headers.get("Content-Type", ""), fmt)
        return Answer(kind, got, r.content, -1)


def _format_of(content_type: str, wanted: Format) -> Format:
    media = content_type.split(";")[0].strip().lower()
    if not media or media == wanted.media_type:
        return wanted
    try:
        return formats.by_name(media, (wanted.kind,))
    except GbagraphError as exc:
        raise ServiceFailed(f"the SPARQL backend answered {media}, not {wanted.media_type}") from exc


def _with_prefixes(lexed: Lexed, prefixes: dict[str, str]) -> str:
    """The local engines know our prefixes without PREFIX lines; a remote store does not: declare the missing."""
    written = lexed.readings[0]
    declared = {name for name, _ in written.prefixes}
    lines = [f"PREFIX {p}: <{prefixes[p]}>\n" for p in sorted(written.used_prefixes - declared) if p in prefixes]
    return "".join(lines) + lexed.text

"""Pages for people and RDF for machines: every ``/id/…`` resource and ``/def/…`` term, the dataset description
at ``/.well-known/void``, and the query page at ``/``."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, Response, render_template, request
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from .. import formats
from ..describe import Statement, describe, label_of, resource_graph
from ..errors import NotFound
from ..namespaces import LOCAL_PATHS, prefixes, sparql_prologue
from ..void import VOID_GRAPH, dataset_iri
from .conneg import HTML_CONTENT_TYPE, pick
from .state import state

bp = Blueprint("pages", __name__)

DEFAULT_QUERY = """SELECT ?class (COUNT(?thing) AS ?things)
WHERE { ?thing a ?class }
GROUP BY ?class
ORDER BY DESC(?things)
LIMIT 25
"""


@dataclass(frozen=True)
class Link:
    """An RDF term ready for a page: the text shown, where it links (if anywhere) and a tooltip."""

    text: str
    href: str | None = None
    title: str = ""
    note: str = ""  # datatype or language of a literal
    literal: bool = False


class Presenter:
    """Turns RDF terms into links: IRIs under the base link to this server's pages, others to themselves."""

    def __init__(self) -> None:
        st = state()
        self.base = st.base
        self.dataset = st.bundle.dataset
        self.prefixes = sorted(prefixes(self.base).items(), key=lambda kv: -len(kv[1]))

    def local(self, iri: str) -> str | None:
        """This server's own path for a canonical IRI (``{BASE}id/x`` → ``/id/x``), or None for other IRIs."""
        if iri.startswith(self.base):
            rest = iri[len(self.base):]
            if rest.startswith(LOCAL_PATHS):
                return request.script_root + "/" + rest
        return None

    def short(self, iri: str) -> str:
        for prefix, ns in self.prefixes:
            if iri.startswith(ns) and len(iri) > len(ns):
                return f"{prefix}:{iri[len(ns):]}"
        return iri

    def link(self, node: Node, *, with_label: bool = True) -> Link:
        if isinstance(node, Literal):
            note = f"@{node.language}" if node.language else (self.short(str(node.datatype)) if node.datatype else "")
            return Link(str(node), note=note, literal=True)
        if isinstance(node, BNode):
            return Link(f"_:{node}")
        iri = str(node)
        name = label_of(self.dataset, node) if with_label else None
        href = self.local(iri) or (iri if iri.startswith(("http://", "https://")) else None)
        return Link(name or self.short(iri), href, title=iri)

    def paragraph_links(self, st: Statement) -> list[Link]:
        return [Link("¶" + p.rsplit("/p", 1)[-1].lstrip("0"), self.local(p) or p, title=p) for p in st.paragraphs]


def _grouped(statements: list[Statement]) -> list[tuple[URIRef, list[Statement]]]:
    groups: dict[URIRef, list[Statement]] = {}
    for st in statements:
        groups.setdefault(st.predicate, []).append(st)
    return list(groups.items())


def _rdf_response(graph: Graph, fmt: formats.Format) -> Response:
    body = graph.serialize(format=fmt.rdflib, encoding="utf-8")
    response = Response(body, content_type=fmt.content_type)
    response.headers["Vary"] = "Accept"
    response.add_etag()
    return response.make_conditional(request)


def _alternates(path: str) -> list[tuple[str, str, str]]:
    """(name, media type, link) of each RDF format of a page."""
    return [(f.name, f.media_type, f"{path}?format={f.name}") for f in formats.FORMATS if f.kind == "graph"]


def resource_response(iri: URIRef) -> Response:
    """The page or RDF description of ``iri`` (404 when the graph does not mention it)."""
    st = state()
    fmt = pick(request.headers.get("Accept"), request.args.get("format"), ("graph",))
    if not isinstance(fmt, str):
        graph = resource_graph(st.bundle, iri)
        if not len(graph):
            raise NotFound(f"<{iri}> is not in this graph")
        return _rdf_response(graph, fmt)
    description = describe(st.bundle, iri)
    if description is None:
        raise NotFound(f"<{iri}> is not in this graph")
    view = Presenter()
    body = render_template(
        "resource.html", d=description, view=view, outgoing=_grouped(description.outgoing),
        incoming=_grouped(description.incoming), alternates=_alternates(request.path),
        query=f"DESCRIBE <{iri}>",
    )
    return Response(body, content_type=HTML_CONTENT_TYPE, headers={"Vary": "Accept"})


@bp.route("/id/<path:rest>")
@bp.route("/def/<path:rest>")
@bp.route("/def/", defaults={"rest": ""})
def resource(rest: str) -> Response:
    """``/id/x`` and ``/def/x`` on any host dereference the canonical ``{BASE}id/x`` and ``{BASE}def/x``."""
    return resource_response(URIRef(state().base + request.path[len(request.script_root):].lstrip("/")))


@bp.route("/graph/<path:rest>")
def named_graph(rest: str) -> Response:
    """``/graph/x``: the named graph ``{BASE}graph/x`` — a page (what it holds, where it comes from) or, as RDF,
    its triples and its provenance."""
    st = state()
    iri = URIRef(f"{st.base}graph/{rest}")
    if str(iri) not in st.graph_names:
        raise NotFound(f"<{iri}> is not a named graph of this dataset")
    graph = st.bundle.dataset.graph(iri)
    fmt = pick(request.headers.get("Accept"), request.args.get("format"), ("graph",))
    if not isinstance(fmt, str):
        out = Graph()
        for prefix, ns in st.bundle.dataset.namespaces():
            out.bind(prefix, ns, override=True)
        for triple in graph:
            out.add(triple)
        for triple in resource_graph(st.bundle, iri):  # what the dataset says about the graph: its provenance
            out.add(triple)
        return _rdf_response(out, fmt)
    view = Presenter()
    subjects = sorted({s for s in graph.subjects() if isinstance(s, URIRef)}, key=str)
    body = render_template(
        "graph.html", iri=iri, view=view, triples=len(graph), subjects=subjects,
        about=describe(st.bundle, iri), alternates=_alternates(request.path),
        query=f"SELECT ?s ?p ?o WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}",
    )
    return Response(body, content_type=HTML_CONTENT_TYPE, headers={"Vary": "Accept"})


@bp.route("/.well-known/void")
def void_description() -> Response:
    """The VoID/DCAT description of the dataset (the named graph ``graph/void``)."""
    st = state()
    fmt = pick(request.headers.get("Accept"), request.args.get("format"), ("graph",),
               default=formats.DEFAULTS["graph"])
    if isinstance(fmt, str):
        return resource_response(dataset_iri(st.base))
    return _rdf_response(st.bundle.graph(VOID_GRAPH), fmt)


def query_page() -> Response:
    """The query editor, with the examples of ``queries/`` and the graph's prefixes."""
    st = state()
    examples = [{"name": e.name, "title": e.title, "description": e.description, "text": e.text}
                for e in st.examples]
    body = render_template(
        "query.html",
        examples=examples,
        prefixes=prefixes(st.base),
        prologue=sparql_prologue(st.base),
        base=st.base,
        initial=request.args.get("query") or DEFAULT_QUERY,
        autorun=bool(request.args.get("query")),
        triples=sum(st.bundle.graph_counts().values()),
        graphs=len(st.graph_names),
    )
    return Response(body, content_type=HTML_CONTENT_TYPE, headers={"Vary": "Accept"})


@bp.route("/")
def index() -> Response:
    return query_page()

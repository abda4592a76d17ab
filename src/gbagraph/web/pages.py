"""Pages for people and RDF for machines: every ``/id/…`` resource and ``/def/…`` term, the dataset description
at ``/.well-known/void``, and the query page at ``/``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import cast

from flask import Blueprint, Response, jsonify, redirect, render_template, request
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import VOID
from rdflib.term import Node

from .. import csvsafe, formats, sparqltext, syntax
from ..describe import Statement, describe, exists, label_of, resource_graph
from ..errors import NotFound, QueryError
from ..export import store_graph
from ..holdings import Holding, holdings_of
from ..namespaces import LOCAL_PATHS, gba, prefixes
from ..neighbours import meeting_neighbours
from ..query import QueryRequest
from ..series import NOT_STATED, MeetingEntry, by_date, series_tiers, source_documents
from ..void import VOID_GRAPH, dataset_iri
from .classdiagram import class_diagram, main_relations, relations_diagram
from .conneg import HTML_CONTENT_TYPE, pick
from .links import href_attribute, safe_href
from .state import state
from .timeline import Item, timeline_svg
from .views import query_page

bp = Blueprint("pages", __name__)
bp.add_app_template_filter(href_attribute, "href")  # every href of every template goes through the link policy


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
        href = safe_href(self.local(iri) or iri)
        return Link(name or self.short(iri), href, title=iri)

    def paragraph_links(self, st: Statement) -> list[Link]:
        return [Link("¶" + p.rsplit("/p", 1)[-1].lstrip("0"), self.local(p) or p, title=p) for p in st.paragraphs]


def _grouped(statements: list[Statement]) -> list[tuple[URIRef, list[Statement]]]:
    groups: dict[URIRef, list[Statement]] = {}
    for st in statements:
        groups.setdefault(st.predicate, []).append(st)
    return list(groups.items())


def _rdf_response(graph: Graph, fmt: formats.Format) -> Response:
    return _rdf_bytes(graph.serialize(format=fmt.rdflib, encoding="utf-8"), fmt)


def _rdf_bytes(body: bytes, fmt: formats.Format) -> Response:
    response = Response(body, content_type=fmt.content_type)
    response.headers["Vary"] = "Accept"
    response.add_etag()
    return cast(Response, response.make_conditional(request))


def _alternates(path: str) -> list[tuple[str, str, str]]:
    """(name, media type, link) of each RDF format of a page."""
    return [(f.name, f.media_type, f"{path}?format={f.name}") for f in formats.FORMATS if f.kind == "graph"]


PARTITION_PROPERTIES = (VOID.classPartition, VOID.propertyPartition)


@dataclass(frozen=True)
class Partition:
    """A VoID class or property partition as the dataset page lists it: the class or property and its count."""

    kind: str  # "class" | "property"
    term: URIRef
    count: int


def _partitions(void: Graph, dataset: URIRef) -> list[Partition]:
    """The class partitions (entities per class) and property partitions (triples per property) of
    ``dataset``, largest first; empty for any other resource."""
    out = []
    for kind, link, term_prop, count_prop in (("class", VOID.classPartition, VOID["class"], VOID.entities),
                                              ("property", VOID.propertyPartition, VOID.property, VOID.triples)):
        for part in void.objects(dataset, link):
            term, count = void.value(part, term_prop), void.value(part, count_prop)
            if isinstance(term, URIRef) and isinstance(count, Literal):
                out.append(Partition(kind, term, int(count)))
    return sorted(out, key=lambda p: (p.kind, -p.count, str(p.term)))


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
    partitions = _partitions(st.bundle.graph(VOID_GRAPH), iri)
    neighbours = meeting_neighbours(st.bundle, iri)
    conference = URIRef(st.base + JOINT_CONFERENCE)
    outgoing = [st for st in description.outgoing if st.predicate not in PARTITION_PROPERTIES]
    body = render_template(
        "resource.html", d=description, view=view, outgoing=_grouped(outgoing), partitions=partitions,
        incoming=_grouped(description.incoming), alternates=_alternates(request.path),
        query=f"DESCRIBE <{iri}>", documents=source_documents(st.bundle, iri),
        holdings=_holdings_svg(holdings_of(st.bundle, iri), iri, view), neighbours=neighbours,
        on_series_page=neighbours is not None and conference in (neighbours.series, neighbours.parent),
    )
    return Response(body, content_type=HTML_CONTENT_TYPE, headers={"Vary": "Accept"})


def _holdings_svg(holdings: list[Holding], iri: URIRef, view: Presenter) -> str:
    """The small timeline of a person's holdings (labelled by post) or a post's (labelled by holder), each at its
    start, with until when on its second line."""
    of_post = "/id/post/" in str(iri)
    items = [Item(h.start, h.person if of_post else h.post,
                  ("acting, " if h.acting else "") + (f"until {h.end}" if h.end else "still held when read"),
                  view.local(str(h.iri)) or str(h.iri)) for h in holdings]
    return timeline_svg(items) if items else ""


@bp.route("/id/<path:rest>")
@bp.route("/def/<path:rest>")
@bp.route("/def/", defaults={"rest": ""})
def resource(rest: str) -> Response:
    """``/id/x`` and ``/def/x`` on any host dereference the canonical ``{BASE}id/x`` and ``{BASE}def/x``; the
    ontology (``/def/gba``) and its namespace (``/def/``) are documented on one page for people."""
    if request.path[len(request.script_root):] in ("/def/", "/def/gba"):
        fmt = pick(request.headers.get("Accept"), request.args.get("format"), ("graph",))
        if isinstance(fmt, str):
            return ontology_page()
        return resource_response(URIRef(state().base + "def/gba"))
    return resource_response(URIRef(state().base + request.path[len(request.script_root):].lstrip("/")))


def ontology_page() -> Response:
    """The ontology as documentation: classes in their hierarchy (and a diagram), properties, shapes' cardinalities,
    usage counts and an example of each class (:mod:`gbagraph.ontodoc`)."""
    st = state()
    doc = st.ontology
    view, ns, page = Presenter(), str(gba(st.base)), request.path
    classes = {c.iri: c.label for c in doc.classes}

    @cache
    def term(iri: str) -> Link:
        """Our classes and properties link to their section of this page, other terms to themselves."""
        if iri in doc.labels:
            return Link(doc.labels[iri], f"{page}#{iri[len(ns):]}", title=iri)
        return view.link(URIRef(iri))

    body = render_template("ontology.html", doc=doc, view=view, term=term, ns=ns, alternates=_alternates(page),
                           svg=class_diagram(doc.classes, lambda iri: term(iri).href or "", view.short),
                           relations=relations_diagram(main_relations(doc.properties, classes), classes,
                                                       lambda iri: term(iri).href or ""))
    return Response(body, content_type=HTML_CONTENT_TYPE, headers={"Vary": "Accept"})


#: from this many triples a named graph's RDF is serialised by the store (rdflib would copy it first)
STORE_SERIALISED_FROM = 10_000


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
        about = resource_graph(st.bundle, iri)  # what the dataset says about the graph: its provenance
        if st.bundle.store is not None and st.bundle.graph_counts().get(str(iri), 0) >= STORE_SERIALISED_FROM:
            return _rdf_bytes(store_graph(st.bundle.store, str(iri), about, fmt, st.base), fmt)
        out = Graph()
        for prefix, ns in st.bundle.dataset.namespaces():
            out.bind(prefix, ns, override=True)
        for triple in graph:
            out.add(triple)
        for triple in about:
            out.add(triple)
        return _rdf_response(out, fmt)
    rows = st.bundle.select(f"SELECT DISTINCT ?s WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} FILTER(isIRI(?s)) }}")
    subjects = sorted({row[0] for row in rows if isinstance(row[0], URIRef)}, key=str)
    view = Presenter()
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


@bp.route("/")
def index() -> Response:
    return query_page()


@bp.route("/sparql/check", methods=["GET", "POST"])
def check_query() -> Response:
    """Parse-only: the syntax error ``/sparql`` would give for the ``query`` parameter (as JSON), or ``ok``."""
    text = request.values.get("query", "")
    error = syntax.check(text, prefixes()) if text.strip() else None
    if error is None:
        return jsonify(ok=True)
    return jsonify(ok=False, message=str(error), line=error.line, column=error.column)


@bp.route("/query.csv")
def query_csv() -> Response:
    """The query page's CSV download of a SELECT: values a spreadsheet would run as formulas are neutralised
    (``csvsafe``); ``/sparql``'s ``text/csv`` stays as the SPARQL CSV format defines it."""
    text = request.args.get("query", "")
    if not text.strip():
        raise QueryError("missing query parameter: /query.csv?query=SELECT …")
    if len(text) > state().settings.max_query_length:
        raise QueryError(f"the query is {len(text)} characters; the limit is {state().settings.max_query_length}",
                         status=413)
    answer = state().engine.answer(QueryRequest(text, format="json", lexed=sparqltext.lex_once(text)))
    if answer.kind != "SELECT":
        raise QueryError(f"a CSV download is for SELECT answers; this query is {answer.kind}")
    return Response(csvsafe.results_to_csv(answer.body), content_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="results.csv"'})


@bp.route("/vocabulary.json")
def vocabulary() -> Response:
    """Prefixes, classes and properties the query editor completes (JSON, built from the dataset)."""
    response = jsonify(state().vocabulary)
    response.add_etag()
    response.make_conditional(request)
    return response


SEARCH_LIMIT = 50


@bp.route("/search")
def search() -> Response:
    """``/search?q=text``: the resource page when one resource's label contains ``text``, else a list."""
    text = request.args.get("q", "").strip()
    matches = state().labels.find(text, limit=SEARCH_LIMIT + 1) if text else []  # 503 while the index is built
    view = Presenter()
    if len(matches) == 1:
        href = view.local(str(matches[0].iri))
        if href:
            return redirect(href, code=303)  # type: ignore[return-value]
    body = render_template("search.html", q=text, matches=matches[:SEARCH_LIMIT], more=len(matches) > SEARCH_LIMIT,
                           view=view)
    return Response(body, content_type=HTML_CONTENT_TYPE)


#: the series the series page shows
JOINT_CONFERENCE = "id/meeting/hk-gd-joint-conference"


def _meeting_detail(m: MeetingEntry) -> str:
    """The second line of a meeting on the timeline: place and co-chairs, "not stated" where the data say none."""
    place = ", ".join(name for _, name in m.places) or f"place {NOT_STATED}"
    chairs = " and ".join(c.name for c in m.co_chairs) or NOT_STATED
    return f"{place} · co-chairs: {chairs}"


@bp.route("/series")
def series() -> Response:
    """The meetings of the Joint Conference and of its sub-series (the plenaries and the working meetings) on a
    timeline, one band per tier (SVG drawn here; the script redraws it to fit), and in one table by date with their
    tier, places, co-chairs, co-operation areas, agreements (named of stated) and sources."""
    st = state()
    iri = URIRef(st.base + JOINT_CONFERENCE)
    view = Presenter()
    tiers = series_tiers(st.bundle, iri)
    banded = sum(1 for t in tiers if t.meetings) > 1
    items = [Item(m.date, m.name, _meeting_detail(m), safe_href(view.local(str(m.iri)) or str(m.iri)) or "",
                  tuple(m.previous_dates), t.title if banded else "")
             for t in tiers for m in t.meetings]
    meetings = sorted((m for t in tiers for m in t.meetings), key=by_date)
    series_link = view.link(iri) if exists(st.bundle, iri) else Link(view.short(str(iri)), title=str(iri))
    body = render_template("series.html", series=series_link, meetings=meetings, tiers=tiers, banded=banded,
                           svg=timeline_svg(items), undated=[m for m in meetings if not m.date], view=view,
                           not_stated=NOT_STATED)
    return Response(body, content_type=HTML_CONTENT_TYPE)

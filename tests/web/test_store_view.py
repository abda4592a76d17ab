"""Pages served from the store read it through a view, never through an rdflib copy of the data: served over real
HTTP with ``store.rdflib_copy`` made to fail, they are the same pages as those made from such a copy."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator

import pytest
import requests
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic

from gbagraph import bundle as bundle_module
from gbagraph import formats, settings
from gbagraph.bundle import GraphBundle, rdflib_copy
from gbagraph.describe import resource_graph
from gbagraph.pipeline import Prepared, prepare
from gbagraph.storeview import StoreView
from gbagraph.web import create_app, pages

from .conftest import REPO, run_server, stop_server

TIMEOUT = 60


@dataclasses.dataclass
class Pair:
    view: str  # the server reading the store through the view
    copy: str  # the same store, its pages made from an rdflib copy (what the server did before)
    prepared: Prepared
    copied: GraphBundle


def _copied(prepared: Prepared) -> Prepared:
    b = prepared.bundle
    return dataclasses.replace(prepared, bundle=GraphBundle(rdflib_copy(b.store), store=b.store, base=b.base,
                                                            sources=b.sources))


@pytest.fixture(scope="module")
def pair() -> Iterator[Pair]:
    prepared = prepare(settings(root=REPO, query_workers=0))
    copied = _copied(prepared)  # the copy is made here, before copying is forbidden
    copy_app = create_app(prepared=copied)

    def forbidden(_store: object) -> None:
        raise AssertionError("a request path copied the store into rdflib")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(bundle_module, "rdflib_copy", forbidden)
        view_app = create_app(prepared=prepared)
        view_url, view_srv, view_thread = run_server(view_app)
        copy_url, copy_srv, copy_thread = run_server(copy_app)
        yield Pair(view_url, copy_url, prepared, copied.bundle)
        stop_server(view_app, view_srv, view_thread)
        stop_server(copy_app, copy_srv, copy_thread)
    assert isinstance(prepared.bundle.dataset.store, StoreView)


def _first(prepared: Prepared, query: str) -> str:
    rows = prepared.bundle.select(query)
    assert rows, query
    return str(rows[0][0])


def _paths(prepared: Prepared) -> list[str]:
    """A meeting of the series, one of its co-chairs, a source paragraph, a class, the dataset; the graph of a
    paragraph, an editorial graph, the provenance graph; the series, the editor's words, two searches."""
    base = prepared.bundle.base
    gba = f"<{base}def/"
    meeting = _first(prepared, f"SELECT ?m WHERE {{ ?m {gba}partOfSeries> ?s }} ORDER BY ?m LIMIT 1")
    chair = _first(prepared, f"SELECT ?p WHERE {{ ?m {gba}coChair> ?p }} ORDER BY ?p LIMIT 1")
    para = _first(prepared, "SELECT ?p WHERE { ?g <http://www.w3.org/ns/prov#wasDerivedFrom> ?p "
                            f'FILTER(STRSTARTS(STR(?g), "{base}graph/")) }} ORDER BY ?p LIMIT 1')
    editorial = _first(prepared, f"SELECT ?g WHERE {{ ?g a {gba}EditorialGraph> }} ORDER BY ?g LIMIT 1")
    name = _first(prepared, f"SELECT ?l WHERE {{ <{chair}> <http://www.w3.org/2000/01/rdf-schema#label> ?l }} "
                            "ORDER BY ?l LIMIT 1")
    local = [iri[len(base) - 1:] for iri in (meeting, chair, para, editorial)]
    return [*local, f"{base[:-1]}/graph/meeting-02-press-release/p01"[len(base) - 1:], "/graph/provenance",
            "/def/Meeting", "/.well-known/void", "/series", "/vocabulary.json", "/search?q=plenary",
            f"/search?q={requests.utils.quote(name.split()[0])}", f"/search?q={requests.utils.quote(name)}"]


def _normal(text: str) -> str:
    """Blank node labels differ between the store and a copy of it (the copy re-parses them)."""
    return re.sub(r"_:[A-Za-z0-9]+", "_:b", text)


def test_pages_are_served_without_a_copy_and_as_from_a_copy(pair: Pair) -> None:
    paths = _paths(pair.prepared)
    assert len(paths) == len(set(paths))
    for path in paths:
        view = requests.get(pair.view + path.lstrip("/"), timeout=TIMEOUT, allow_redirects=False)
        copy = requests.get(pair.copy + path.lstrip("/"), timeout=TIMEOUT, allow_redirects=False)
        assert view.status_code == copy.status_code, path
        assert view.status_code in (200, 303), (path, view.status_code)
        assert len(view.content) > 100 or view.status_code == 303, path
        assert view.headers.get("Location") == copy.headers.get("Location"), path
        assert _normal(view.text) == _normal(copy.text), path


@pytest.mark.parametrize("path", ["/id/meeting/hk-gd-joint-conference", "/graph/provenance"])
def test_rdf_descriptions_are_as_from_a_copy(pair: Pair, path: str) -> None:
    graphs = []
    for url in (pair.view, pair.copy):
        r = requests.get(url + path.lstrip("/"), headers={"Accept": "text/turtle"}, timeout=TIMEOUT)
        assert r.status_code == 200, path
        graphs.append(Graph().parse(data=r.text, format="turtle"))
    assert len(graphs[0]) > 10
    assert isomorphic(graphs[0], graphs[1])


def test_health_counts_what_a_copy_counts(pair: Pair) -> None:
    """``triples`` is the sum of the named graphs' sizes, as counted on an rdflib copy before."""
    view = requests.get(pair.view + "healthz", timeout=TIMEOUT).json()
    assert view["triples"] == sum(len(g) for g in pair.copied.dataset.graphs()) > 0
    assert view["graphs"] == len(pair.prepared.bundle.graph_counts())


@pytest.mark.parametrize("fmt", ["turtle", "nt", "jsonld", "rdfxml"])
def test_a_big_graph_is_serialised_by_the_store_as_rdflib_would(pair: Pair, fmt: str,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """From ``STORE_SERIALISED_FROM`` triples a named graph's RDF comes from the store: the same triples."""
    monkeypatch.setattr(pages, "STORE_SERIALISED_FROM", 0)
    calls: list[str] = []
    real = pages.store_graph
    monkeypatch.setattr(pages, "store_graph", lambda *args: calls.append(args[1]) or real(*args))
    iri = URIRef(pair.prepared.bundle.base + "graph/provenance")
    expected = Graph()
    for triple in pair.copied.dataset.graph(iri):
        expected.add(triple)
    for triple in resource_graph(pair.copied, iri):
        expected.add(triple)
    r = requests.get(pair.view + "graph/provenance", params={"format": fmt}, timeout=TIMEOUT)
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith(formats.by_name(fmt, ("graph",)).media_type)
    served = Graph().parse(data=r.content, format=formats.by_name(fmt, ("graph",)).rdflib)
    assert calls == [str(iri)]  # the store wrote it
    assert len(served) == len(expected) > 100
    assert isomorphic(served, expected)

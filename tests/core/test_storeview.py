"""The rdflib view of the served store answers as the reference loader's dataset: same named graphs, same terms,
a union that holds each triple once, an empty default graph — and it refuses writes."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import RDF, RDFS, XSD

from gbagraph.bundle import GraphBundle
from gbagraph.config import Settings
from gbagraph.errors import ReadOnlyView
from gbagraph.pipeline import Prepared, prepare
from gbagraph.reference.loader import load
from gbagraph.storeview import StoreView

BASE = "https://w3id.org/gbagraph/"
ADA = URIRef(BASE + "id/person/ada-example")


@pytest.fixture(scope="module")
def served(mini_settings: Settings) -> Prepared:
    """The mini fixture as served: a pyoxigraph store, no inference (so its named graphs are the loader's)."""
    return prepare(mini_settings.with_(infer=False, query_workers=0))


@pytest.fixture(scope="module")
def reference(mini_settings: Settings) -> GraphBundle:
    return load(mini_settings)


def _named(bundle: GraphBundle) -> dict[str, Graph]:
    return {str(g.identifier): g for g in bundle.dataset.graphs()
            if len(g) and not str(g.identifier).startswith("urn:x-rdflib:")}


def test_the_dataset_of_a_store_is_a_view_not_a_copy(served: Prepared) -> None:
    assert isinstance(served.bundle.dataset.store, StoreView)
    assert served.bundle.dataset.store.store is served.store


def test_named_graphs_hold_what_the_reference_loader_reads(served: Prepared, reference: GraphBundle) -> None:
    view, ref = _named(served.bundle), _named(reference)
    assert set(ref) <= set(view)
    assert set(view) - set(ref) == {BASE + "graph/void"}  # the dataset description is written by prepare()
    for name, graph in ref.items():
        assert len(view[name]) == len(graph), name
        assert isomorphic(view[name], graph), name


def test_the_union_holds_each_triple_once(served: Prepared, reference: GraphBundle) -> None:
    void = served.bundle.graph("void")
    union = list(served.bundle.dataset.triples((None, None, None)))
    assert len(union) == len(set(union)) == len(served.bundle.dataset)
    assert len(set(union)) == len({t for g in _named(reference).values() for t in g} | set(void))
    assert len(served.bundle.dataset) == served.bundle.union_count()


def test_quads_name_the_named_graphs_only(served: Prepared, reference: GraphBundle) -> None:
    seen = {(str(g), o) for _s, _p, o, g in served.bundle.dataset.quads((ADA, None, None, None))}
    expected = {(str(g), o) for _s, _p, o, g in reference.dataset.quads((ADA, None, None, None))}
    assert seen == expected
    assert all(not g.startswith("urn:x-rdflib:") for g, _o in seen)


def test_the_default_graph_is_empty_as_in_the_reference(served: Prepared) -> None:
    default = served.bundle.dataset.graph(DATASET_DEFAULT_GRAPH_ID)
    assert len(default) == 0
    assert list(default.triples((None, None, None))) == []
    assert (ADA, RDF.type, None) in served.bundle.dataset  # while the union has it


def test_terms_come_back_as_rdflib_parses_them(served: Prepared, reference: GraphBundle) -> None:
    labels = set(served.bundle.dataset.objects(ADA, RDFS.label))
    assert labels == set(reference.dataset.objects(ADA, RDFS.label))
    plain = [o for o in served.bundle.dataset.objects(None, None) if isinstance(o, Literal) and not o.language]
    assert plain and all(o.datatype != XSD.string for o in plain)
    # a pattern with a plain literal finds the triple whether or not it names xsd:string
    some = next(o for o in plain if o.datatype is None)
    assert next(served.bundle.dataset.subjects(None, some)) == \
        next(served.bundle.dataset.subjects(None, Literal(str(some), datatype=XSD.string)))


def test_patterns_no_triple_can_match_find_nothing(served: Prepared) -> None:
    ds = served.bundle.dataset
    assert list(ds.objects(Literal("not a subject"), RDFS.label)) == []
    assert list(ds.triples((None, BNode(), None))) == []
    assert len(ds.graph(URIRef(BASE + "graph/no-such-graph"))) == 0


def test_the_view_refuses_writes(served: Prepared) -> None:
    ds = served.bundle.dataset
    with pytest.raises(ReadOnlyView):
        ds.add((ADA, RDFS.label, Literal("changed"), URIRef(BASE + "graph/provenance")))
    with pytest.raises(ReadOnlyView):
        ds.graph(URIRef(BASE + "graph/provenance")).remove((ADA, None, None))
    assert served.store.contains_named_graph(ox.NamedNode(BASE + "graph/provenance"))

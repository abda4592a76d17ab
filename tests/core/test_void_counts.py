"""The VoID statistics of ``graph/void`` (issue 22: counted with fewer scans of the data) equal what the plain
counting queries over the same store give."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import URIRef
from rdflib.namespace import DCTERMS, VOID
from series_fixture import write_series_root

from gbagraph import prepare, settings
from gbagraph.namespaces import BASE, graph_iri
from gbagraph.void import dataset_description, dataset_iri

INFERRED = graph_iri(BASE, "inferred")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> ox.Store:
    """The served store of a small project without its description (as the build has it before sealing), plus
    one inferred triple that a data graph also holds (the triple dumps count it once)."""
    root = write_series_root(tmp_path_factory.mktemp("void"))
    served = prepare(settings(root=root, query_workers=0)).bundle.store
    assert served is not None
    out = ox.Store()
    void = ox.NamedNode(graph_iri(BASE, "void"))
    for quad in served.quads_for_pattern(None, None, None, None):
        if not isinstance(quad.graph_name, ox.DefaultGraph) and quad.graph_name != void:
            out.add(quad)
            out.add(ox.Quad(quad.subject, quad.predicate, quad.object, ox.DefaultGraph()))
    shared = next(q for q in out.quads_for_pattern(None, None, None, ox.NamedNode(graph_iri(BASE, "ontology"))))
    out.add(ox.Quad(shared.subject, shared.predicate, shared.object, ox.NamedNode(INFERRED)))
    return out


def _n(store: ox.Store, query: str) -> int:
    return int(next(iter(store.query(query)))["n"].value)  # type: ignore[index,call-overload]


def test_counts_equal_the_plain_queries(store: ox.Store) -> None:
    g = dataset_description(store, BASE, "http://example.test/")
    ds = dataset_iri(BASE)
    value = lambda s, p: int(g.value(s, p))  # noqa: E731
    assert value(ds, VOID.distinctSubjects) == _n(store, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }")
    assert value(ds, VOID.entities) == _n(store, f'SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s ?p ?o FILTER('
                                                 f'isIRI(?s) && STRSTARTS(STR(?s), "{BASE}id/")) }}')
    prefix = BASE + "id/source/"
    sources = {r["s"].value for r in store.query(  # type: ignore[union-attr]
        f'SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{prefix}")) }}')}
    assert {str(s) for s in g.objects(ds, DCTERMS.source)} == {s for s in sources if "/" not in s[len(prefix):]}
    assert sources  # the fixture has source documents
    description = len(g)  # its triples are all new: its count literals are unique to it
    curated = _n(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?p ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
                        f"FILTER(?g != <{INFERRED}>) }} }}")
    union = _n(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    quads = _n(store, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    curated_quads = _n(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != <{INFERRED}>) }}")
    expected = {"curated-triples": curated + description, "inferred-triples": union + description,
                "curated-quads": curated_quads + description, "inferred-quads": quads + description}
    assert curated < union  # the inferred graph adds triples, one of them also curated
    for fragment, n in expected.items():
        assert value(URIRef(f"{ds}#{fragment}"), VOID.triples) == n, fragment
    assert value(ds, VOID.triples) == expected["inferred-triples"]

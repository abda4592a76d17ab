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


def test_the_served_description_counted_while_loading_equals_the_plain_one(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The start counts the named graphs while parsing and the union around the inferred graph's load (no scans
    after); its description is the one the plain counting queries give on the same store.  The project repeats a
    triple inside a file, across files and in an editorial graph's provenance, and writes the ontology from two
    files (the counts are of distinct triples per graph)."""
    root = write_series_root(tmp_path_factory.mktemp("void-served"))
    onto = sorted((root / "ontology").glob("*.ttl"))
    label = '<https://w3id.org/gbagraph/def/Meeting> <http://www.w3.org/2000/01/rdf-schema#label> "Meeting"@en .\n'
    (root / "ontology" / "zz-extra.ttl").write_text(label * 2, encoding="utf-8")  # another ontology file
    data = sorted(p for p in (root / "data").rglob("*.ttl") if p.parent.name != "links")
    for path in data[:3]:  # one triple of the first file repeated in two more files and inside its own
        with path.open("a", encoding="utf-8") as fh:
            fh.write("\n" + label + label)
    assert onto
    served = prepare(settings(root=root, query_workers=0))
    store = served.bundle.store
    assert store is not None
    void = ox.NamedNode(graph_iri(BASE, "void"))
    described = {(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, void)}
    plain = ox.Store()
    for quad in store.quads_for_pattern(None, None, None, None):
        if not isinstance(quad.graph_name, ox.DefaultGraph) and quad.graph_name != void:
            plain.add(quad)
            plain.add(ox.Quad(quad.subject, quad.predicate, quad.object, ox.DefaultGraph()))
    url = str(next(o for s, p, o in described if p.value == str(VOID.sparqlEndpoint))).strip("<>")
    expected = {(q.subject, q.predicate, q.object) for q in ox.parse(
        dataset_description(plain, BASE, url.removesuffix("sparql")).serialize(format="nt", encoding="utf-8"),
        format=ox.RdfFormat.N_TRIPLES)}
    assert described == expected
    counted = {g: n for g, n in served.bundle.graph_counts().items() if g != void.value}
    assert counted == {r["g"].value: int(r["n"].value) for r in plain.query(  # type: ignore[union-attr]
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")}

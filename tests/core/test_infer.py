from rdflib import Graph, URIRef
from rdflib.namespace import FOAF, OWL, RDF, RDFS

from gbagraph.reason import check_consistency, closure
from gbagraph.reference.loader import load

EX = "http://example.org/"


def test_closure_leaves_input_untouched_and_returns_only_new_triples(mini_settings):
    asserted = load(mini_settings).asserted()
    before = len(asserted)
    result = closure(asserted)
    assert len(asserted) == before
    ada = URIRef("https://w3id.org/gbagraph/id/person/ada-example")
    assert (ada, RDF.type, FOAF.Person) in result.inferred
    assert all(t not in asserted for t in result.inferred)
    assert not any(p == OWL.sameAs and s == o for s, p, o in result.inferred)


def test_disjointness_violation_is_reported():
    g = Graph()
    a, b, x = URIRef(EX + "A"), URIRef(EX + "B"), URIRef(EX + "x")
    g.add((a, RDF.type, OWL.Class))
    g.add((b, RDF.type, OWL.Class))
    g.add((a, OWL.disjointWith, b))
    g.add((x, RDF.type, a))
    g.add((x, RDF.type, b))
    result = closure(g)
    assert result.errors, "owlrl should report the clash"


def test_nothing_member_is_reported():
    g = Graph()
    x = URIRef(EX + "x")
    g.add((x, RDF.type, OWL.Nothing))
    assert check_consistency(g, Graph())
    g2 = Graph()
    g2.add((x, RDFS.label, __import__("rdflib").Literal("fine")))
    assert check_consistency(g2, Graph()) == []

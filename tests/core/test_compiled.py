"""The OWL RL rules compiled for the TBox (reasoner ``rules``) give owlrl's closure, triple for triple.

The bundled graph is compared in the default run (owlrl's closure of it, ~11 s, is computed once for the module),
with every rule that fires on it dropped in turn to show the comparison would catch the loss; rules that do not
fire there, the clash checks (datatypes included) and the hand-over to owlrl are compared on small graphs.  A
generated graph (the bundled triples + ~10k synthetic ones; ~1.3k under ``GBAGRAPH_SHORT=1``) is compared in the
slow suite."""

from __future__ import annotations

import logging
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD
from tooling import short

from gbagraph import compiled, oxstore, reason
from gbagraph.config import Settings
from gbagraph.diskcache import Inputs

EX = "http://example.org/"
A, B, C, D, E = (URIRef(EX + n) for n in "ABCDE")
p, q, r, t, s_ = (URIRef(EX + n) for n in ("p", "q", "r", "t", "s"))
x, y, z, w = (URIRef(EX + n) for n in "xyzw")


def reasoner_input(settings: Settings) -> bytes:
    """What the pipeline hands the reasoner: the asserted triples without the links, as oxigraph writes them."""
    return "".join(triple for _quads, triple, reasoned in oxstore.input_lines(Inputs.scan(settings))
                   if reasoned).encode("utf-8")


def body_of(graph: Graph) -> bytes:
    """``graph`` as N-Triples in oxigraph's canonical form (the form the pipeline's body has)."""
    return ox.serialize(ox.parse(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES,
                                 rename_blank_nodes=False), format=ox.RdfFormat.N_TRIPLES) or b""


def triples(ntriples: bytes) -> set:
    return set(Graph().parse(data=ntriples, format="nt"))


def owlrl_of(body: bytes) -> tuple[set, list[str]]:
    result = reason.store_closure(body, "owlrl")
    return triples(result.ntriples), result.errors


@pytest.fixture(scope="module")
def bundled(project_settings: Settings) -> tuple[bytes, set]:
    body = reasoner_input(project_settings)
    reference, errors = owlrl_of(body)
    assert reference and not errors
    return body, reference


def test_compiled_closure_equals_owlrl_on_the_bundled_graph(bundled: tuple[bytes, set]) -> None:
    body, reference = bundled
    result = reason.store_closure(body, "rules")
    got = triples(result.ntriples)
    assert result.reasoner == "rules" and result.errors == []
    assert got - reference == set(), sorted(got - reference)[:10]
    assert reference - got == set(), sorted(reference - got)[:10]
    assert result.inferred_triples == len(reference)


#: the rules that fire on the bundled graph: without any one of them the comparison above fails (prp-trp has
#: nothing to chain there: the small graph below shows it)
FIRING = ("scm", "cax-sco", "prp-dom", "prp-rng", "prp-spo1", "prp-inv", "prp-symp")


@pytest.mark.parametrize("dropped", FIRING)
def test_the_comparison_fails_when_a_rule_is_dropped(bundled: tuple[bytes, set], dropped: str) -> None:
    body, reference = bundled
    got = triples(compiled.store_closure(body, rules=set(compiled.RULES) - {dropped}).ntriples)
    assert got < reference, f"without {dropped} the closure should lose triples owlrl has"


def _small() -> Graph:
    g = Graph()
    g += [(A, RDF.type, OWL.Class), (B, RDF.type, OWL.Class), (A, RDFS.subClassOf, B), (B, OWL.equivalentClass, C),
          (p, RDF.type, OWL.ObjectProperty), (p, RDFS.subPropertyOf, q), (q, OWL.equivalentProperty, r),
          (p, OWL.inverseOf, s_), (t, RDF.type, OWL.TransitiveProperty), (t, RDFS.subPropertyOf, r),
          (s_, RDF.type, OWL.SymmetricProperty), (q, RDFS.domain, A), (r, RDFS.range, D),
          (x, RDF.type, A), (URIRef(EX + "v"), RDF.type, A), (x, p, y), (y, t, z), (z, t, w),
          (x, RDFS.label, Literal("x")), (OWL.Thing, p, z), (x, q, Literal("1", datatype=XSD.integer))]
    return g


def test_small_graph_every_rule_as_owlrl() -> None:
    body = body_of(_small())
    reference, _ = owlrl_of(body)
    result = reason.store_closure(body, "rules")
    got = triples(result.ntriples)
    assert (y, t, w) in got and (y, s_, x) in got and (x, s_, y) in got and (y, r, w) in got and (w, RDF.type, D) in got
    assert got == reference, (sorted(got - reference)[:5], sorted(reference - got)[:5])
    for rule in ("scm", "prp-trp", "prp-symp", "prp-spo1", "prp-inv", "cax-sco", "prp-dom", "prp-rng"):
        assert triples(compiled.store_closure(body, rules=set(compiled.RULES) - {rule}).ntriples) < reference, rule


N = URIRef(EX + "n")
#: a contradiction for each check, and the rule without which the compiled closure misses it
CLASHES = {
    "cax-dw": ("cax-dw", [(A, OWL.disjointWith, E), (x, RDF.type, E)]),
    "cax-adc": ("cax-adc", [(BNode("adc"), RDF.type, OWL.AllDisjointClasses), (BNode("adc"), OWL.members, BNode("l1")),
                            (BNode("l1"), RDF.first, D), (BNode("l1"), RDF.rest, BNode("l2")),
                            (BNode("l2"), RDF.first, C), (BNode("l2"), RDF.rest, RDF.nil)]),
    "cls-nothing2": ("cls-nothing2", [(E, RDFS.subClassOf, OWL.Nothing), (z, RDF.type, E)]),
    "prp-irp": ("prp-irp", [(t, RDF.type, OWL.IrreflexiveProperty), (w, t, y)]),
    "prp-asyp": ("prp-asyp", [(s_, RDF.type, OWL.AsymmetricProperty)]),
    "prp-pdw": ("prp-pdw", [(s_, OWL.propertyDisjointWith, q), (y, q, x)]),
    "an integer that is not one": ("dt", [(x, N, Literal("abc", datatype=XSD.integer))]),
    "a date that does not exist": ("dt", [(x, N, Literal("2017-02-30", datatype=XSD.date))]),
    "a boolean in a decimal range": ("cax-dw", [(N, RDFS.range, XSD.decimal), (x, N, Literal("true", datatype=XSD.boolean)),
                                                (y, N, Literal("1.5", datatype=XSD.decimal))]),
}


@pytest.mark.parametrize("case", sorted(CLASHES))
def test_clashes_are_found_as_owlrl_finds_them(case: str) -> None:
    rule, extra = CLASHES[case]
    g = _small()
    g += extra
    body = body_of(g)
    _reference, owlrl_errors = owlrl_of(body)
    result = reason.store_closure(body, "rules")
    assert result.reasoner == "rules"
    assert owlrl_errors and result.errors, (owlrl_errors, result.errors)
    assert not compiled.store_closure(body, rules=set(compiled.RULES) - {rule}).errors, rule
    assert not reason.store_closure(body_of(_small()), "rules").errors


def test_a_decimal_that_is_not_one_is_an_error_where_owlrl_crashes() -> None:
    g = _small()
    g += [(x, N, Literal("abc", datatype=XSD.decimal))]
    body = body_of(g)
    with pytest.raises(ArithmeticError):  # decimal.InvalidOperation, from owlrl's dt-not-type check
        owlrl_of(body)
    assert compiled.store_closure(body).errors == [
        f"Lexical value of the literal 'abc' does not match its datatype ({XSD.decimal})"]


HANDED_OVER = {
    "a restriction": [(E, OWL.equivalentClass, BNode("r")), (BNode("r"), RDF.type, OWL.Restriction),
                      (BNode("r"), OWL.onProperty, p), (BNode("r"), OWL.someValuesFrom, OWL.Thing)],
    "a property chain": [(E, RDF.type, OWL.Class), (q, OWL.propertyChainAxiom, BNode("c")),
                         (BNode("c"), RDF.first, p), (BNode("c"), RDF.rest, RDF.nil)],
    "owl:sameAs in the data": [(x, OWL.sameAs, w)],
    "a functional property with two values": [(t, RDF.type, OWL.FunctionalProperty), (y, t, x)],
    "an inverse functional property with two subjects": [(p, RDF.type, OWL.InverseFunctionalProperty), (w, p, y)],
    "a property implying rdf:type": [(E, RDFS.subPropertyOf, RDF.type), (x, E, D)],
    "a derived class membership": [(E, RDFS.range, OWL.Class), (x, E, w)],
    "an individual typed with a datatype": [(w, RDF.type, XSD.integer)],
    "rdf:type as a subproperty": [(RDF.type, RDFS.subPropertyOf, E), (E, RDF.type, OWL.ObjectProperty)],
    "rdf:type with a domain": [(RDF.type, RDFS.domain, E)],
}


@pytest.mark.parametrize("case", sorted(HANDED_OVER))
def test_what_the_rules_do_not_compile_goes_to_owlrl(case: str, caplog: pytest.LogCaptureFixture) -> None:
    """Never a smaller closure: the compiled rules refuse, and store_closure gives owlrl's closure instead (logged)."""
    g = _small()
    g += HANDED_OVER[case]
    body = body_of(g)
    with pytest.raises(compiled.Unsupported):
        compiled.store_closure(body)
    with caplog.at_level(logging.WARNING, logger="gbagraph.reason"):
        result = reason.store_closure(body, "rules")
    reference, _ = owlrl_of(body)
    assert result.reasoner == "owlrl" and triples(result.ntriples) == reference
    assert [r.getMessage() for r in caplog.records if "owlrl computes the closure instead" in r.getMessage()]


def test_reasoner_input_keeps_blank_nodes_and_duplicates_apart() -> None:
    """A triple given twice counts once; a blank node's triples still reason (and stay out of the output)."""
    g = _small()
    g += [(BNode("b"), p, x)]
    body = body_of(g)
    result = compiled.store_closure(body + body)
    assert result.asserted_triples == len(g)
    assert triples(result.ntriples) == owlrl_of(body)[0]
    assert (x, s_, URIRef("b")) not in triples(result.ntriples)


@pytest.mark.slow
def test_compiled_closure_equals_owlrl_on_a_generated_graph(tmp_path: Path) -> None:
    """A generated project with ~10k synthetic triples beside the bundled ones (~1.3k under GBAGRAPH_SHORT=1); the
    target is counted above the bundled data, however much it has grown (a fixed target stops yielding any synthetic
    plenary once the data passes it, as 15k did)."""
    from benchmarks.generate import count_triples, generate

    root = Path(__file__).resolve().parents[2]
    manifest = generate(tmp_path / "g", count_triples(root) + (1_500 if short() else 10_500), 2023)
    assert int(str(manifest["synthetic_triples"])) >= (1_000 if short() else 10_000), manifest
    body = reasoner_input(Settings(root=tmp_path / "g"))
    reference, errors = owlrl_of(body)
    result = reason.store_closure(body, "rules")
    got = triples(result.ntriples)
    assert result.reasoner == "rules" and result.errors == errors == []
    assert reference and got == reference, (sorted(got - reference)[:5], sorted(reference - got)[:5])

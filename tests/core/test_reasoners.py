"""The fast reasoner (reasonable + owlrl on the TBox) gives owlrl's closure; the disk cache round-trips.

(The rules compiled for the TBox, reasoner ``rules``, are compared with owlrl in ``test_compiled.py``.)

The comparisons on the bundled graph are equivalence suites: slow (``-m slow``), on a sample of the graph under
``GBAGRAPH_SHORT=1``; the small graphs are compared in the default run."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS
from tooling import short

from gbagraph import reason
from gbagraph.config import Settings
from gbagraph.pipeline import prepare
from gbagraph.reason import closure
from gbagraph.reference.loader import load

EX = "http://example.org/"


@pytest.fixture(scope="module")
def asserted(project_settings: Settings) -> Graph:
    """The bundled graph's asserted triples; under ``GBAGRAPH_SHORT=1`` its schema and 3,000 of its other
    triples (a sample the reasoners still disagree on if they disagree on a rule)."""
    graph = load(project_settings).asserted()
    if not short():
        return graph
    sample = reason.tbox(graph)
    sample += sorted(set(graph) - set(sample))[:3000]
    return sample


@pytest.fixture(scope="module")
def owlrl_reference(asserted: Graph) -> set:
    """owlrl's closure of ``asserted`` (the slow part of the comparisons: computed once)."""
    return set(closure(asserted).inferred)


@pytest.mark.slow
def test_fast_closure_equals_owlrl_on_bundled_data(asserted: Graph, owlrl_reference: set) -> None:
    reference = owlrl_reference
    fast = reason.fast_closure(asserted)
    got = set(fast.inferred)
    assert reference, "owlrl inferred nothing: the comparison would be empty"
    assert got - reference == set(), sorted(got - reference)[:10]
    assert reference - got == set(), sorted(reference - got)[:10]
    assert fast.errors == []


def test_fast_closure_equals_owlrl_on_mini_fixture(mini_settings: Settings) -> None:
    asserted = load(mini_settings).asserted()
    assert set(reason.fast_closure(asserted).inferred) == set(closure(asserted).inferred)


def _tiny() -> Graph:
    g = Graph()
    a, b, c, x = (URIRef(EX + n) for n in "ABCx")
    g.add((a, RDF.type, OWL.Class))
    g.add((b, RDF.type, OWL.Class))
    g.add((a, RDFS.subClassOf, c))
    g.add((x, RDF.type, a))
    g.add((x, RDFS.label, Literal("x")))
    return g


def test_plain_literals_come_back_plain_and_subclass_types_are_inferred() -> None:
    result = reason.fast_closure(_tiny())
    assert (URIRef(EX + "x"), RDF.type, URIRef(EX + "C")) in result.inferred
    # reasonable answers "x"^^xsd:string: it must not reappear as a new triple
    assert not any(p == RDFS.label for _s, p, _o in result.inferred)


def test_disjoint_classes_clash_is_reported() -> None:
    g = _tiny()
    g.add((URIRef(EX + "A"), OWL.disjointWith, URIRef(EX + "B")))
    g.add((URIRef(EX + "x"), RDF.type, URIRef(EX + "B")))
    assert reason.fast_closure(g).errors
    assert closure(g).errors, "owlrl agrees that this is a clash"


def test_auto_picks_owlrl_for_small_graphs() -> None:
    assert reason.choose("auto", 10, 50_000) == "owlrl"
    assert reason.choose("owlrl", 10**9, 50_000) == "owlrl"
    with pytest.raises(ValueError):
        reason.choose("hermit", 10, 50_000)


def test_inference_cache_round_trip_and_key_changes_with_inputs(mini_copy: Path, tmp_path: Path) -> None:
    settings = Settings(root=mini_copy, cache=True, cache_dir=str(tmp_path / "cache"), reasoner="owlrl",
                        query_workers=0)
    first = prepare(settings)
    entries = list((tmp_path / "cache" / "inferred").glob("*.nt"))
    assert len(entries) == 1 and first.steps[2].counts["reasoner"] == "owlrl" and not first.steps[2].cached
    second = prepare(settings)
    assert [s.name for s in second.steps if s.cached] == ["open", "validate", "engine"]
    assert set(second.inferred) == set(first.inferred) and len(first.inferred)
    # a changed data file gives a new key (no stale closure)
    p01 = mini_copy / "data" / "mini-source" / "p01.ttl"
    p01.write_text(p01.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    third = prepare(settings)
    assert not third.steps[2].cached
    assert len(list((tmp_path / "cache" / "inferred").glob("*.nt"))) == 2


def test_cache_off_writes_nothing(mini_copy: Path, tmp_path: Path) -> None:
    prepare(Settings(root=mini_copy, cache=False, cache_dir=str(tmp_path / "cache"), query_workers=0))
    assert not (tmp_path / "cache").exists()

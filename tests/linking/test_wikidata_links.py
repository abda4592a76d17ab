"""The hand-verified Wikidata links (data/links/wikidata.ttl, written from wikidata-verified.tsv) as served."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, VOID

from gbagraph.config import Settings
from gbagraph.link import WIKIDATA_ITEM
from gbagraph.namespaces import BASE, graph_iri
from gbagraph.pipeline import prepare
from gbagraph.query import QueryRequest

ROOT = Path(__file__).resolve().parents[2]
LINKS = ROOT / "data" / "links" / "wikidata.ttl"
#: the items of wikidata-verified.tsv (checked against published records; the only ones asserted by hand):
#: Hong Kong SAR, Guangdong, China, Macao
VERIFIED = {"http://www.wikidata.org/entity/Q8646", "http://www.wikidata.org/entity/Q15175",
            "http://www.wikidata.org/entity/Q148", "http://www.wikidata.org/entity/Q14773"}

def served_links(public_url: str | None) -> set[tuple[str, str]]:
    settings = Settings(root=ROOT, public_url=public_url, validate=False, infer=False)
    engine = prepare(settings).engine
    query = f"SELECT ?s ?o WHERE {{ GRAPH <{graph_iri(BASE, 'links/wikidata')}> {{ ?s owl:sameAs ?o }} }}"
    body = json.loads(engine.answer(QueryRequest(query, format="json")).body)
    return {(b["s"]["value"], b["o"]["value"]) for b in body["results"]["bindings"]}


@pytest.mark.parametrize("public_url", [None, "https://kg.example.net/"])
def test_served_graph_holds_exactly_the_verified_links(public_url: str | None) -> None:
    links = served_links(public_url)
    assert {o for _, o in links} == VERIFIED
    assert len(links) == len(VERIFIED)  # one place per item
    assert all(s.startswith(BASE + "id/place/") for s, _ in links)


def test_linkset_description_and_iri_form() -> None:
    graph = Graph().parse(LINKS, format="turtle")
    links = list(graph.triples((None, OWL.sameAs, None)))
    assert all(WIKIDATA_ITEM.match(str(o)) for _, _, o in links)
    linksets = list(graph.subjects(RDF.type, VOID.Linkset))
    assert len(linksets) == 1
    ls = linksets[0]
    assert graph.value(ls, VOID.linkPredicate) == OWL.sameAs
    assert graph.value(ls, VOID.triples) == Literal(len(links))
    assert graph.value(ls, VOID.objectsTarget) == URIRef(BASE + "id/dataset/wikidata")

"""Exports for other tools: the entity table (CSV) and the JSON-LD context, and data compacted with it."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from linkdata import make_project
from rdflib import Graph, URIRef
from rdflib.namespace import OWL

from gbagraph import entities
from gbagraph.config import Settings
from gbagraph.namespaces import BASE
from gbagraph.reference.loader import load

LINKS = """\
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix wd: <http://www.wikidata.org/entity/> .
<https://w3id.org/gbagraph/id/place/example-city> owl:sameAs wd:Q900000020 , <https://example.net/city/1> .
"""


def bundle(tmp_path: Path, public_url: str | None = None):  # noqa: ANN201
    return load(Settings(root=make_project(tmp_path / "p", LINKS), public_url=public_url))


def test_entity_table(tmp_path: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(entities.entity_csv(bundle(tmp_path)).decode("utf-8"))))
    by_iri = {r["iri"]: r for r in rows}
    assert list(rows[0]) == list(entities.ENTITY_COLUMNS)
    assert len(rows) == 10  # people, bodies, places and the initiative; not the source paragraph
    assert not any("/id/source/" in iri for iri in by_iri)
    city = by_iri[BASE + "id/place/example-city"]
    assert city["kind"] == "place" and city["type"] == "gba:City" and city["label"] == "Example City"
    assert city["linked_ids"] == "http://www.wikidata.org/entity/Q900000020 | https://example.net/city/1"
    assert city["wikidata"] == "Q900000020"
    tdc = by_iri[BASE + "id/body/example-tdc"]
    assert (tdc["label"], tdc["alt_labels"], tdc["linked_ids"]) == ("Example Trade Development Council", "ETDC", "")


def test_entity_table_keeps_canonical_iris_on_any_host(tmp_path: Path) -> None:
    other = "https://kg.example.net/"
    table = entities.entity_csv(bundle(tmp_path, other)).decode("utf-8")
    assert BASE + "id/place/example-city" in table and other not in table


def test_context_has_plain_keys(tmp_path: Path) -> None:
    ctx = json.loads(entities.context_bytes(bundle(tmp_path)))["@context"]
    assert ctx["gba"] == BASE + "def/" and ctx["id"] == "@id" and ctx["type"] == "@type"
    assert ctx["City"] == "gba:City"
    assert ctx["location"] == {"@id": "gba:location", "@type": "@id"}  # object property
    assert ctx["ordinal"] == "gba:ordinal"  # an integer: a plain JSON number
    assert ctx["note"] == "gba:note"  # xsd:string: plain
    assert ctx["date"] == {"@id": "gba:date", "@type": "xsd:date"}
    assert ctx["label"] == {"@id": "rdfs:label", "@language": "en"}


def test_compacted_jsonld_uses_the_context_and_round_trips(tmp_path: Path) -> None:
    b = bundle(tmp_path)
    body = entities.compact_jsonld(b)
    doc = json.loads(body)
    nodes = {n["id"]: n for n in doc["@graph"]}
    scheme = nodes["init:example-scheme"]
    assert scheme["type"] == "Body" and scheme["label"] == "Example City"
    assert scheme["location"] == "place:example-city" and scheme["ordinal"] == 3
    assert scheme["date"] == "2023-03-21"
    assert nodes["place:example-city"]["sameAs"]
    expected = b.union([b.ontology, *b.curated_graphs()])
    again = Graph().parse(data=body, format="json-ld")
    assert len(again) == len(expected)
    assert (URIRef(BASE + "id/place/example-city"), OWL.sameAs,
            URIRef("http://www.wikidata.org/entity/Q900000020")) in again

"""The fake Wikidata-shaped graph, the tiny project, and helpers to run an oxigraph server (tests/linking)."""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path

from tooling import wait_for_sparql

# Every item Q9000000xx below is FAKE: made up for these tests, it names nothing real and must never be
# copied into data/. Only the class items of link.TYPE_CLASSES (Q5, Q43229, Q327333, Q515, Q486972) are used
# with their Wikidata meaning, as classes.
WIKIDATA_FIXTURE = """\
# FAKE Wikidata-shaped test data (gbagraph tests/linking): the Q9000000xx items are invented.
@prefix wd: <http://www.wikidata.org/entity/> .
@prefix wdt: <http://www.wikidata.org/prop/direct/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix schema: <http://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

# fake classes and countries
wd:Q900000800 rdfs:label "statutory body (fake class)"@en ; wdt:P279 wd:Q43229 .
wd:Q900000801 rdfs:label "public university (fake class)"@en ; wdt:P279 wd:Q900000802 .
wd:Q900000802 rdfs:label "academic institution (fake class)"@en ; wdt:P279 wd:Q43229 .
wd:Q900000900 rdfs:label "film (fake class)"@en .
wd:Q900000901 rdfs:label "ship (fake class)"@en .
wd:Q900000700 rdfs:label "Examplestan (fake country)"@en .
wd:Q900000701 rdfs:label "Otherland (fake country)"@en .

# people
wd:Q900000001 rdfs:label "Ada Example"@en ; schema:name "Ada Example"@en ; skos:altLabel "A. Example"@en ;
    wdt:P31 wd:Q5 ; wdt:P17 wd:Q900000700 .
wd:Q900000002 rdfs:label "Ada Example"@en ; schema:name "Ada Example"@en ; wdt:P31 wd:Q900000900 .   # homonym: a film
wd:Q900000003 rdfs:label "Ada Examples"@en ; wdt:P31 wd:Q5 .                                          # near miss
wd:Q900000004 rdfs:label "Bo Example"@en ; wdt:P31 wd:Q5 ; wdt:P17 wd:Q900000700 .
wd:Q900000005 rdfs:label "Bo Example"@en ; wdt:P31 wd:Q5 ; wdt:P17 wd:Q900000701 .  # homonym of the same type
wd:Q900000006 rdfs:label "Cy Person-Example"@en ; skos:altLabel "Cy Example"@en ; wdt:P31 wd:Q5 .

# bodies
wd:Q900000010 rdfs:label "Example Trade Development Council"@en ; skos:altLabel "ETDC"@en ;
    wdt:P31 wd:Q900000800 ; wdt:P17 wd:Q900000700 ;
    wdt:P856 <https://etdc.example.org/> ; wdt:P571 "1966-01-01T00:00:00Z"^^xsd:dateTime .
wd:Q900000013 rdfs:label "Example Trade Development Council"@en ; wdt:P31 wd:Q900000901 .  # homonym: a ship
wd:Q900000011 rdfs:label "Hong Kong Example University"@en ; wdt:P31 wd:Q900000801 ;
    wdt:P856 <https://hkeu.example.org/> .
wd:Q900000012 rdfs:label "Example Harbour Authority"@en ; wdt:P31 wd:Q327333 .

# places
wd:Q900000020 rdfs:label "Example City"@en ; wdt:P31 wd:Q515 ; wdt:P17 wd:Q900000700 ;
    wdt:P1082 "1234567"^^xsd:decimal ; wdt:P625 "Point(114.1 22.3)" .
wd:Q900000021 rdfs:label "Example City"@en ; wdt:P31 wd:Q900000900 .   # homonym: a film
wd:Q900000023 rdfs:label "Example Citi"@en ; wdt:P31 wd:Q515 .          # near miss
wd:Q900000022 rdfs:label "St Example Island"@en ; wdt:P31 wd:Q486972 ; wdt:P1082 "4321"^^xsd:decimal .
"""

ONTOLOGY = """\
@prefix gba: <https://w3id.org/gbagraph/def/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://w3id.org/gbagraph/def/gba> a owl:Ontology ; rdfs:label "linking test ontology"@en .
gba:Official a owl:Class ; rdfs:label "Official"@en .
gba:Body a owl:Class ; rdfs:label "Body"@en .
gba:StatutoryBody a owl:Class ; rdfs:subClassOf gba:Body .
gba:University a owl:Class ; rdfs:subClassOf gba:Body .
gba:PublicAuthority a owl:Class ; rdfs:subClassOf gba:Body .
gba:Place a owl:Class ; rdfs:label "Place"@en .
gba:City a owl:Class ; rdfs:subClassOf gba:Place .
gba:Paragraph a owl:Class .
gba:location a owl:ObjectProperty ; rdfs:range gba:Place .
gba:ordinal a owl:DatatypeProperty ; rdfs:range xsd:integer .
gba:note a owl:DatatypeProperty ; rdfs:range xsd:string .
gba:date a owl:DatatypeProperty ; rdfs:range xsd:date .
"""

SOURCE = """\
@prefix gba: <https://w3id.org/gbagraph/def/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix src: <https://w3id.org/gbagraph/id/source/test-source/> .
src:p01 a gba:Paragraph ; rdfs:label "Paragraph 1 of the test source"@en .
"""

PARAGRAPH = """\
@prefix gba: <https://w3id.org/gbagraph/def/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix person: <https://w3id.org/gbagraph/id/person/> .
@prefix body: <https://w3id.org/gbagraph/id/body/> .
@prefix place: <https://w3id.org/gbagraph/id/place/> .
@prefix init: <https://w3id.org/gbagraph/id/initiative/> .

person:ada-example a gba:Official ; rdfs:label "Ada Example"@en .
person:bo-example a gba:Official ; rdfs:label "Bo Example"@en .
person:cy-example a gba:Official ; rdfs:label "Cy Example"@en .
person:dee-nobody a gba:Official ; rdfs:label "Dee Nobody"@en .
body:example-tdc a gba:StatutoryBody ; rdfs:label "Example Trade Development Council"@en ;
    skos:prefLabel "Example Trade Development Council"@en ; skos:altLabel "ETDC"@en .
body:hkeu-gz a gba:University ; rdfs:label "The Hong Kong Example University (Guangzhou)"@en .
body:example-harbour a gba:PublicAuthority ; rdfs:label "Example harbour authority"@en .
place:example-city a gba:City ; rdfs:label "Example City"@en .
place:st-example a gba:Place ; rdfs:label "St. Example Island"@en .
init:example-scheme a gba:Body ; rdfs:label "Example City"@en ; gba:location place:example-city ;
    gba:ordinal 3 ; gba:date "2023-03-21"^^<http://www.w3.org/2001/XMLSchema#date> .
"""

#: what reconciliation should find in the fixture: our IRI -> (best candidate, its score)
EXPECTED_BEST = {
    "person/ada-example": ("Q900000001", 1.0),
    "person/cy-example": ("Q900000006", 0.75),
    "body/example-tdc": ("Q900000010", 1.0),
    "body/hkeu-gz": ("Q900000011", 0.9),
    "body/example-harbour": ("Q900000012", 0.9),
    "place/example-city": ("Q900000020", 1.0),
    "place/st-example": ("Q900000022", 0.9),
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str, proc: subprocess.Popen, seconds: float = 20.0) -> None:
    wait_for_sparql(url, proc, seconds, what="oxigraph")


def make_project(root: Path, links: str | None = None) -> Path:
    """A tiny project folder following docs/data-model.md."""
    (root / "ontology").mkdir(parents=True)
    (root / "ontology" / "test.ttl").write_text(ONTOLOGY, encoding="utf-8")
    src = root / "data" / "test-source"
    src.mkdir(parents=True)
    (src / "source.ttl").write_text(SOURCE, encoding="utf-8")
    (src / "p01.ttl").write_text(PARAGRAPH, encoding="utf-8")
    (root / "data" / "links").mkdir()
    if links is not None:
        (root / "data" / "links" / "test.ttl").write_text(links, encoding="utf-8")
    return root



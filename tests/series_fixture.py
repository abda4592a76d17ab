"""A small project for the series page and the search: the mini fixture plus three meetings of the Joint
Conference in two sources (one complete, one without place or co-chairs, one rescheduled), with a Chinese
name.  Written under a temporary folder by the tests that use it."""

from __future__ import annotations

import shutil
from pathlib import Path

MINI = Path(__file__).resolve().parent / "fixtures" / "mini"

PREFIXES = """@prefix gba: <https://w3id.org/gbagraph/def/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix schema: <https://schema.org/> .
@prefix meeting: <https://w3id.org/gbagraph/id/meeting/> .
@prefix person: <https://w3id.org/gbagraph/id/person/> .
@prefix post: <https://w3id.org/gbagraph/id/post/> .
@prefix place: <https://w3id.org/gbagraph/id/place/> .
@prefix part: <https://w3id.org/gbagraph/id/participation/> .
@prefix role: <https://w3id.org/gbagraph/id/role/> .
@prefix source: <https://w3id.org/gbagraph/id/source/> .
"""



def _source(slug: str, title: str, issued: str, url_property: str) -> str:
    """A source document with its date, its original address (``url_property``) and one paragraph."""
    return f"""
source:{slug} a foaf:Document ; rdfs:label "{title}"@en ;
    dcterms:issued "{issued}"^^xsd:date ; {url_property} <https://example.org/release-{slug[-1]}> .
<https://w3id.org/gbagraph/id/source/{slug}/p01> a gba:Paragraph ; dcterms:isPartOf source:{slug} ;
    rdfs:label "Paragraph 1 of release {slug[-1].upper()}"@en .
"""


FILES = {
    "series-a/source.ttl": _source("series-a", "Release A on two plenaries", "2003-08-06", "schema:url"),
    "series-b/source.ttl": _source("series-b", "Release B on a rescheduled plenary", "2021-09-01", "foaf:page"),
    "series-a/p01.ttl": """
meeting:hk-gd-joint-conference a gba:MeetingSeries ; rdfs:label "Hong Kong/Guangdong Co-operation Joint Conference"@en .
meeting:plenary-6 a gba:Meeting ; rdfs:label "6th Plenary of the Joint Conference"@en ;
    skos:altLabel "6th Plenary"@en ; gba:ordinal 6 ; gba:partOfSeries meeting:hk-gd-joint-conference ;
    gba:date "2003-08-05"^^xsd:date ; gba:location place:hong-kong ;
    gba:coChair person:ada-chair .
place:hong-kong rdfs:label "Hong Kong"@en .
person:ada-chair rdfs:label "Ada Chair"@en ; rdfs:label "艾達主席"@zh-Hant .
person:bo-chair rdfs:label "Bo Chair"@en .
part:plenary-6-bo-chair gba:meeting meeting:plenary-6 ; gba:participant person:bo-chair ;
    gba:role role:co-chair ; gba:inPost post:governor .
post:governor rdfs:label "Governor"@en .
meeting:plenary-7 a gba:Meeting ; rdfs:label "7th Plenary of the Joint Conference"@en ;
    gba:ordinal 7 ; gba:partOfSeries meeting:hk-gd-joint-conference ; gba:date "2004"^^xsd:gYear .
""",
    "series-b/p01.ttl": """
meeting:plenary-24 a gba:Meeting ; rdfs:label "24th Plenary of the Joint Conference"@en ;
    gba:ordinal 24 ; gba:partOfSeries meeting:hk-gd-joint-conference ;
    gba:date "2021-09-15"^^xsd:date ; schema:previousStartDate "2021-03-10"^^xsd:date ;
    gba:location place:guangzhou ; gba:coChair person:ada-chair , person:bo-chair .
place:guangzhou rdfs:label "Guangzhou"@en ; rdfs:label "广州"@zh-Hans .
""",
}


def write_series_root(folder: Path) -> Path:
    """A project root (ontology, shapes, data) with the meetings above, under ``folder``."""
    root = folder / "series-root"
    shutil.copytree(MINI, root)
    for name, body in FILES.items():
        path = root / "data" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(PREFIXES + body, encoding="utf-8")
    return root


def write_long_series_root(folder: Path, count: int = 24) -> Path:
    """A project root with ``count`` yearly plenaries (1998 on) in one source, every fourth without a place."""
    root = folder / "long-series-root"
    shutil.copytree(MINI, root)
    meetings = ["meeting:hk-gd-joint-conference a gba:MeetingSeries ; rdfs:label \"The Joint Conference\"@en ."]
    for n in range(1, count + 1):
        place = "" if n % 4 == 0 else f" ; gba:location place:city-{n % 3}"
        meetings.append(f'meeting:plenary-{n} a gba:Meeting ; rdfs:label "Plenary {n}"@en ; gba:ordinal {n} ; '
                        f'gba:partOfSeries meeting:hk-gd-joint-conference ; gba:coChair person:chair-{n % 5} ; '
                        f'gba:date "{1997 + n}-0{1 + n % 9}-1{n % 10}"^^xsd:date{place} .')
    meetings += [f'place:city-{i} rdfs:label "City {i}"@en .' for i in range(3)]
    meetings += [f'person:chair-{i} rdfs:label "Chair {i}"@en .' for i in range(5)]
    folder = root / "data" / "long-series"
    folder.mkdir(parents=True)
    (folder / "source.ttl").write_text(PREFIXES + _source("long-series", "The long series", "2022-01-01", "schema:url"),
                                       encoding="utf-8")
    (folder / "p01.ttl").write_text(PREFIXES + "\n".join(meetings) + "\n", encoding="utf-8")
    return root

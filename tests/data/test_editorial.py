"""Statements from outside the source: data/{source}/editorial.ttl, its provenance and its shape.

Each triple there is marked by a gba:EditorialStatement (rdf:subject, rdf:predicate, rdf:object) with a
skos:editorialNote; ``gbagraph validate`` fails on an unmarked one. The provenance graph types the graph as a
gba:EditorialGraph attributed to the gbagraph project, not derived from a paragraph.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import PROV, RDF, SKOS

from gbagraph.config import Settings
from gbagraph.layout import PROJECT
from gbagraph.reference.loader import load
from gbagraph.validate import validate

ROOT = Path(__file__).resolve().parents[2]
GBA = "https://w3id.org/gbagraph/def/"
EDITORIAL_GRAPH = URIRef("https://w3id.org/gbagraph/graph/plenary-23-press-release/editorial")
OWN_GRAPHS = "https://w3id.org/gbagraph/graph/plenary-23-press-release/"
EDITORIAL_STATEMENT = URIRef(GBA + "EditorialStatement")
ID = "https://w3id.org/gbagraph/id/"


@pytest.fixture(scope="module")
def bundle():
    return load(Settings(root=ROOT))


def statements(bundle) -> list[tuple]:
    ds = bundle.dataset
    return [(st, ds.value(st, RDF.subject), ds.value(st, RDF.predicate), ds.value(st, RDF.object))
            for st in set(ds.subjects(RDF.type, EDITORIAL_STATEMENT))]


def test_the_editorial_graph_is_attributed_to_the_project_not_a_paragraph(bundle):
    prov = bundle.provenance
    assert (EDITORIAL_GRAPH, RDF.type, URIRef(GBA + "EditorialGraph")) in prov
    assert (EDITORIAL_GRAPH, PROV.wasAttributedTo, PROJECT) in prov
    assert (EDITORIAL_GRAPH, PROV.wasDerivedFrom, None) not in prov
    assert str(PROJECT).startswith(ID)


def test_every_marked_triple_is_in_the_graph_and_has_a_note(bundle):
    found = statements(bundle)
    assert len(found) >= 80
    ds = bundle.dataset
    for st, s, p, o in found:
        assert (s, p, o) in ds, st
        notes = [n for n in ds.objects(st, SKOS.editorialNote) if isinstance(n, Literal) and n.language == "en"]
        assert notes and all(len(n) > 40 for n in notes), st


def test_what_the_source_does_not_say_is_marked(bundle):
    marked = {(str(s), str(p), str(o)) for _, s, p, o in statements(bundle)}
    org = "http://www.w3.org/ns/org#"
    # p28 lists the Secretaries; the source never ties them to the bureaus (p9 and p17 name FSTB and LWB)
    assert (f"{ID}post/secretary-for-financial-services-and-the-treasury", org + "postIn",
            f"{ID}body/financial-services-and-the-treasury-bureau") in marked
    assert (f"{ID}post/secretary-for-labour-and-welfare", org + "postIn", f"{ID}body/labour-and-welfare-bureau") in marked
    bureaus = {s for s, p, o in marked if p == org + "subOrganizationOf" and "-bureau" in s}
    assert len(bureaus) == 8  # named only after their Secretaries' titles
    # the year of "yesterday (March 21)" comes from the release date
    assert (f"{ID}meeting/hk-gd-joint-conference-plenary-23", GBA + "date", f"{ID}date/2023-03-21") in marked
    # the triples wholly from outside the source are in the editorial graph only
    editorial = bundle.dataset.graph(EDITORIAL_GRAPH)
    for s, p, o in editorial:
        if (s, RDF.type, EDITORIAL_STATEMENT) in editorial:
            continue
        # (other sources, e.g. of later meetings, may state it: only this source's graphs count here)
        homes = {str(g) for *_, g in bundle.dataset.quads((s, p, o, None)) if str(g).startswith(OWN_GRAPHS)}
        assert homes == {str(EDITORIAL_GRAPH)}, (s, p, o, homes)


def test_an_unmarked_editorial_triple_fails_validation(bundle):
    graph = bundle.dataset.graph(EDITORIAL_GRAPH)
    triple = (URIRef(f"{ID}body/health-bureau"), SKOS.altLabel, Literal("HHB", lang="en"))
    graph.add(triple)
    try:
        result = validate(bundle, Settings(root=ROOT).shapes_file)
    finally:
        graph.remove(triple)
    assert not result.conforms
    assert [v.shape for v in result.violations] == ["gbash:EditorialGraphShape"]
    assert "HHB" in result.violations[0].message


def test_cli_validate_names_the_unmarked_triple(tmp_path: Path):
    project = tmp_path / "project"
    for folder in ("ontology", "data"):
        shutil.copytree(ROOT / folder, project / folder)
    editorial = project / "data" / "plenary-23-press-release" / "editorial.ttl"
    editorial.write_text(editorial.read_text(encoding="utf-8")
                         + '\nbody:health-bureau skos:altLabel "HHB"@en .\n', encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "gbagraph", "--root", str(project), "validate"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "EditorialGraphShape" in proc.stdout and "HHB" in proc.stdout


def test_outside_spellings_and_wikidata_links_are_marked_one_by_one(bundle):
    """Issue 17: "Yin Zonghua" is Xinhua's spelling, not the release's; each owl:sameAs to Wikidata says what its
    identifier was verified against."""
    marked = {(str(s), str(p), str(o)): st for st, s, p, o in statements(bundle)}
    spelling = (f"{ID}person/yin-zhonghua", str(SKOS.altLabel), "Yin Zonghua")
    assert spelling in marked
    homes = {str(g) for *_, g in bundle.dataset.quads((URIRef(spelling[0]), SKOS.altLabel, Literal("Yin Zonghua",
                                                                                                     lang="en"), None))}
    assert homes == {str(EDITORIAL_GRAPH)}
    same_as = "http://www.w3.org/2002/07/owl#sameAs"
    links = [(str(s), str(o)) for s, o in bundle.dataset.subject_objects(URIRef(same_as))]
    assert len(links) == 4
    for s, o in links:
        note = str(bundle.dataset.value(marked[(s, same_as, o)], SKOS.editorialNote))
        assert o.rsplit("/", 1)[-1] in note and "verified" in note, (s, o, note)


@pytest.mark.parametrize(("subject", "predicate", "value"), [
    # the 3rd meeting's year comes from the release's end line, not from paragraph 1
    ("meeting/hk-gd-joint-conference-meeting-3", GBA + "date", f"{ID}date/2000-09-25"),
    # years of dcterms:issued inferred from the series (the releases say only "today (August 2)" etc.)
    ("source/plenary-09-press-release", "http://purl.org/dc/terms/issued", "2006-08-02"),
    ("source/plenary-15-press-release", "http://purl.org/dc/terms/issued", "2012-09-14"),
    ("source/plenary-24-press-release", "http://purl.org/dc/terms/issued", "2024-07-12"),
    ("source/plenary-24-preview", "http://purl.org/dc/terms/issued", "2024-06"),
    # mirror copies that show no publisher: the HKSAR Government is our reading
    ("source/plenary-24-press-release", "http://purl.org/dc/terms/publisher", f"{ID}body/hksar-government"),
    ("source/plenary-24-preview", "http://purl.org/dc/terms/publisher", f"{ID}body/hksar-government"),
])
def test_values_read_from_outside_the_text_are_marked(bundle, subject, predicate, value):
    marked = {(str(s), str(p), str(o)) for _, s, p, o in statements(bundle)}
    assert (ID + subject, predicate, value) in marked


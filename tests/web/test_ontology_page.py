"""The ontology as documentation (issue 17.7): ``/def/gba`` and ``/def/`` list every class of
ontology/gbagraph.ttl in its hierarchy with its properties, the shapes' cardinalities and the usage counts, and draw
the class diagram.  Everything the page should say is worked out here again, with rdflib, from the Turtle files
(the data as written: data/*/*.ttl), and compared with what a real server on 127.0.0.1 serves."""

from __future__ import annotations

import html
import re
import tomllib
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pytest
import requests
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from gbagraph import prepare, settings
from gbagraph.web import create_app

from .conftest import REPO, _real_root, run_server, stop_server

GBA = "https://w3id.org/gbagraph/def/"
SH = "http://www.w3.org/ns/shacl#"
SVG = "{http://www.w3.org/2000/svg}"
PROPERTY_TYPES = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property)


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    app = create_app(prepared=prepare(settings(root=_real_root())))
    url, srv, thread = run_server(app)
    yield url
    stop_server(app, srv, thread)


@pytest.fixture(scope="module")
def page(site: str) -> str:
    r = requests.get(site + "def/gba", headers={"Accept": "text/html"}, timeout=60)
    assert r.status_code == 200, r.text[:300]
    return r.text


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(REPO / "ontology" / "gbagraph.ttl")


@pytest.fixture(scope="module")
def data() -> Graph:
    """The curated data as one graph: every data file, as the loader reads them (one folder deep)."""
    g = Graph()
    for path in sorted((REPO / "data").glob("*/*.ttl")):
        g.parse(path, format="turtle")
    return g


def _classes(ontology: Graph) -> list[URIRef]:
    return sorted(c for c in ontology.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef) and str(c).startswith(GBA))


def _ancestors(ontology: Graph, cls: URIRef) -> list[str]:
    """``cls`` and its superclasses of ours, nearest first."""
    out, todo = [], [cls]
    while todo:
        c = todo.pop(0)
        if str(c) not in out and str(c).startswith(GBA):
            out.append(str(c))
            todo.extend(p for p in ontology.objects(c, RDFS.subClassOf) if isinstance(p, URIRef))
    return out


def _sections(page: str) -> dict[str, str]:
    return {GBA + name: body for name, body in
            re.findall(r'<section class="onto-class" id="([^"]+)">(.*?)</section>', page, re.S)}


def _rows(body: str) -> dict[str, list[str]]:
    """property IRI -> the text of each cell of its row."""
    return {iri: [html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
                  for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for iri, row in re.findall(r'<tr[^>]* data-property="([^"]+)">(.*?)</tr>', body, re.S)}


def test_every_class_has_its_section_with_its_instances_and_an_example(page, ontology, data):
    sections = _sections(page)
    classes = _classes(ontology)
    assert classes and set(sections) == {str(c) for c in classes}
    for cls in classes:
        body = sections[str(cls)]
        label = str(ontology.value(cls, RDFS.label))
        instances = {s for s in data.subjects(RDF.type, cls) if isinstance(s, URIRef)}
        shown = re.search(r'<span class="instances">([\d,]+)</span>', body)
        assert label in body and shown is not None, cls
        assert int(shown.group(1).replace(",", "")) == len(instances), cls
        example = re.search(r'class="example"><a href="([^"]+)"', body)
        assert (example is not None) == bool(instances), cls
        if example:  # a local link to one of the instances
            assert "https://w3id.org/gbagraph" + example.group(1) in {str(s) for s in instances}, cls
        for parent in ontology.objects(cls, RDFS.subClassOf):  # ours link to their section, external ones shown
            assert (f'href="/def/gba#{str(parent)[len(GBA):]}"' if str(parent).startswith(GBA)
                    else f'title="{parent}"') in body, (cls, parent)


def test_every_property_with_its_domain_range_and_triples(page, ontology, data):
    properties = {p for t in PROPERTY_TYPES for p in ontology.subjects(RDF.type, t)
                  if isinstance(p, URIRef) and str(p).startswith(GBA)}
    table = _rows(page.split('<h2 id="properties">', 1)[1])
    assert properties and set(table) == {str(p) for p in properties}
    sections = _sections(page)
    for prop in properties:
        cells = table[str(prop)]
        assert int(cells[-1].replace(",", "")) == len(set(data.triples((None, prop, None)))), prop
        for domain in ontology.objects(prop, RDFS.domain):
            label = str(ontology.value(domain, RDFS.label) or domain)
            assert label in cells[2] or str(domain).rsplit("/", 1)[-1].rsplit("#", 1)[-1] in cells[2], (prop, domain)
            if isinstance(domain, URIRef) and str(domain) in sections:  # listed with its class (or a superclass)
                assert any(str(prop) in _rows(sections[c]) for c in _ancestors(ontology, domain)), (prop, domain)
        for rng in ontology.objects(prop, RDFS.range):
            assert str(rng).rsplit("/", 1)[-1].rsplit("#", 1)[-1] in cells[3] or \
                str(ontology.value(rng, RDFS.label)) in cells[3], (prop, rng)


def _expected_cardinalities() -> dict[tuple[str, str], str]:
    """(class, property) -> "min..max" from the shapes: the tightest when two shapes give one."""
    shapes = Graph().parse(REPO / "ontology" / "shapes.ttl")
    found: dict[tuple[str, str], tuple[int, float]] = {}
    for shape, cls in shapes.subject_objects(URIRef(SH + "targetClass")):
        for prop in shapes.objects(shape, URIRef(SH + "property")):
            path = shapes.value(prop, URIRef(SH + "path"))
            if isinstance(path, URIRef):
                low, high = shapes.value(prop, URIRef(SH + "minCount")), shapes.value(prop, URIRef(SH + "maxCount"))
                card = (int(low) if isinstance(low, Literal) else 0, int(high) if isinstance(high, Literal) else
                        float("inf"))
                key = (str(cls), str(path))
                found[key] = max(found.get(key, card), card, key=lambda c: (c[0], -c[1]))
    return {k: f"{lo}..{'*' if hi == float('inf') else int(hi)}" for k, (lo, hi) in found.items()}


def test_the_shapes_cardinalities_show_on_their_class(page, ontology):
    sections = _sections(page)
    expected = _expected_cardinalities()
    meeting = _rows(sections[GBA + "Meeting"])
    assert expected[(GBA + "Meeting", GBA + "partOfSeries")] == meeting[GBA + "partOfSeries"][3] == "0..1"
    assert expected[(GBA + "Meeting", str(RDFS.label))] == meeting[str(RDFS.label)][3] == "1..1"
    checked = 0
    for (cls, path), card in expected.items():
        if cls not in sections:
            continue
        checked += 1
        chain = _ancestors(ontology, URIRef(cls))
        nearest = next((_rows(sections[c])[path] for c in chain if path in _rows(sections[c])), None)
        assert nearest is not None, (cls, path)
        assert nearest[3] == card, (cls, path, nearest)
    assert checked > 20


def test_the_class_diagram_is_svg_with_a_box_per_class(page, ontology):
    m = re.search(r'<svg class="class-diagram".*?</svg>', page, re.S)
    assert m is not None
    svg = ET.fromstring(m.group(0))
    boxes = svg.findall(f".//{SVG}rect")
    classes = _classes(ontology)
    assert len(boxes) == len(classes)
    links = {a.get("href") for a in svg.findall(f"{SVG}a")}
    assert links == {f"/def/gba#{str(c)[len(GBA):]}" for c in classes}
    labels = {t.text for t in svg.iter(f"{SVG}text") if t.get("class") == "cd-label"}
    assert labels == {str(ontology.value(c, RDFS.label)) for c in classes}
    edges = svg.findall(f"{SVG}path")  # one subclass edge per class with a parent of ours
    assert len(edges) == sum(1 for c in classes if any(str(p).startswith(GBA) for p in ontology.objects(c, RDFS.subClassOf)))


def test_the_version_is_the_release(page, ontology):
    version = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    shown = re.search(r'<dd class="version">([^<\s]+)', page)
    assert shown is not None and shown.group(1) == version
    assert str(ontology.value(URIRef(GBA + "gba"), OWL.versionInfo)) == version


def test_the_namespace_shows_the_same_and_machines_get_rdf(site, page):
    r = requests.get(site + "def/", headers={"Accept": "text/html"}, timeout=60)
    assert r.status_code == 200 and len(_sections(r.text)) == len(_sections(page))
    assert 'href="/def/#Meeting"' in r.text  # on /def/, the sections are linked on /def/
    for path in ("def/gba", "def/"):
        r = requests.get(site + path, headers={"Accept": "text/turtle"}, timeout=60)
        assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/turtle")
        g = Graph().parse(data=r.text, format="turtle")
        assert (URIRef(GBA + "gba"), RDF.type, OWL.Ontology) in g
    term = requests.get(site + "def/Meeting", headers={"Accept": "text/html"}, timeout=60)  # terms keep their pages
    assert term.status_code == 200 and 'class="onto-class"' not in term.text


def test_the_main_relations_are_the_most_used_object_properties(page, ontology, data):
    classes = {str(c) for c in _classes(ontology)}
    pairs = [(str(p), str(d), str(r), len(set(data.triples((None, p, None)))), str(ontology.value(p, RDFS.label)))
             for p in ontology.subjects(RDF.type, OWL.ObjectProperty) if str(p).startswith(GBA)
             for d in ontology.objects(p, RDFS.domain) if str(d) in classes
             for r in ontology.objects(p, RDFS.range) if str(r) in classes]
    expected = [t[:3] for t in sorted((t for t in pairs if t[3]), key=lambda t: (-t[3], t[4]))[:8]]
    m = re.search(r'<svg class="relations-diagram".*?</svg>', page, re.S)
    assert m is not None and len(expected) == 8
    rows = []
    for g in ET.fromstring(m.group(0)).iter(f"{SVG}g"):
        if g.get("class") == "rel":
            domain, rng, prop = (a.get("href", "").split("#", 1)[1] for a in g.findall(f"{SVG}a"))
            assert GBA + prop == g.get("data-property")
            rows.append((GBA + prop, GBA + domain, GBA + rng))
    assert rows == expected

"""Every SHACL shape catches what it is written to catch.

The cases are derived from ``ontology/shapes.ttl`` itself: for each node shape, a real entity of a targeted
class is taken from the bundled data, one constraint of one property shape is broken (value removed, one
value too many, a value of the wrong class, datatype or language, a required value missing), and the
validation report must name that entity, that property shape and its message.  A shape added later gets
its cases without touching this file.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.term import Node

from gbagraph.config import Settings
from gbagraph.namespaces import SH
from gbagraph.reference.loader import load
from gbagraph.validate import union_shapes, validate_graph

SETTINGS = Settings()
SHAPES = union_shapes(Graph().parse(SETTINGS.shapes_file))  # the editorial-graph shape: tests/data/test_editorial.py
BUNDLE = load(SETTINGS)
ASSERTED = BUNDLE.asserted()
# instances of classes the bundled data may not hold yet (post holdings, their pages): each shape gets cases
SAMPLES = Graph().parse(Path(__file__).resolve().parents[1] / "fixtures" / "model-samples" / "samples.ttl")
ASSERTED += SAMPLES
# what sh:class and sh:node need to see: the class hierarchy, and the concepts with their schemes
ONTOLOGY = Graph()
for _t in BUNDLE.ontology:
    if _t[1] in (RDF.type, RDFS.subClassOf) or str(_t[1]).endswith("inScheme"):
        ONTOLOGY.add(_t)
OTHER_CLASS = URIRef("urn:x-test:SomethingElse")


@dataclass(frozen=True)
class Case:
    node_shape: URIRef
    prop_shape: Node
    path: URIRef
    kind: str
    focus: URIRef

    @property
    def id(self) -> str:
        return f"{self.node_shape.split('/')[-1]}-{self.path.split('/')[-1].split('#')[-1]}-{self.kind}"


def _focus_for(node_shape: URIRef, path: URIRef, need_value: bool, turn: int) -> URIRef | None:
    """The ``turn``-th entity (round robin) of a class the shape targets, having a value for ``path`` if needed."""
    candidates = [
        focus
        for cls in sorted(SHAPES.objects(node_shape, SH.targetClass))
        for focus in sorted(ASSERTED.subjects(RDF.type, cls))
        if isinstance(focus, URIRef) and (not need_value or (focus, path, None) in ASSERTED)
    ]
    return candidates[turn % len(candidates)] if candidates else None


def _cases() -> list[Case]:
    cases = []
    for node_shape in sorted(SHAPES.subjects(RDF.type, SH.NodeShape)):
        if (node_shape, SH.targetClass, None) not in SHAPES:
            continue  # used through sh:node only
        for prop in SHAPES.objects(node_shape, SH.property):
            path = SHAPES.value(prop, SH.path)
            if not isinstance(path, URIRef):
                continue
            kinds = []
            min_count = SHAPES.value(prop, SH.minCount)
            if min_count is not None and int(min_count) >= 1:
                kinds.append(("minCount", False))
            if SHAPES.value(prop, SH.maxCount) is not None:
                kinds.append(("maxCount", True))
            for key in ("class", "datatype", "languageIn", "hasValue"):
                if SHAPES.value(prop, SH[key]) is not None:
                    kinds.append((key, key != "hasValue"))
            for kind, need_value in kinds:
                focus = _focus_for(node_shape, path, need_value, len(cases))
                if focus is not None:
                    cases.append(Case(node_shape, prop, path, kind, focus))
    return cases


CASES = _cases()


def _neighbourhood(focus: URIRef) -> Graph:
    """The focus entity's triples, and the types and schemes of what it points to."""
    g = Graph()
    for s, p, o in ASSERTED.triples((focus, None, None)):
        g.add((s, p, o))
        if isinstance(o, URIRef):
            for t in ASSERTED.triples((o, None, None)):
                if t[1] in (RDF.type, SH.targetClass) or str(t[1]).endswith("inScheme"):
                    g.add(t)
    return g


def _extra_value(prop: Node, existing: list[Node], i: int) -> Node:
    datatype = SHAPES.value(prop, SH.datatype)
    sample = existing[0] if existing else None
    if isinstance(sample, Literal) and sample.language:
        return Literal(f"{sample} (extra {i})", lang=sample.language)
    if isinstance(sample, Literal) and sample.datatype == XSD.date:
        return Literal(f"2001-01-0{i + 1}", datatype=XSD.date)
    if isinstance(sample, Literal) and sample.datatype in (XSD.integer, XSD.decimal):
        return Literal(int(sample) + i + 1, datatype=sample.datatype)
    if isinstance(sample, Literal) and sample.datatype == XSD.gYear:
        return Literal(str(2001 + i), datatype=XSD.gYear)
    if isinstance(sample, Literal) and sample.datatype == XSD.gYearMonth:
        return Literal(f"2001-0{i + 1}", datatype=XSD.gYearMonth)
    if isinstance(sample, Literal):
        return Literal(f"{sample}{i}", datatype=datatype or sample.datatype)
    return URIRef(f"urn:x-test:extra-{i}")


def _break(g: Graph, case: Case) -> None:
    prop, focus, path = case.prop_shape, case.focus, case.path
    existing = list(g.objects(focus, path))
    if case.kind == "minCount":
        g.remove((focus, path, None))
    elif case.kind == "maxCount":
        limit = int(SHAPES.value(prop, SH.maxCount))
        for i in range(limit + 1 - len(existing)):
            value = _extra_value(prop, existing, i)
            g.add((focus, path, value))
            if isinstance(value, URIRef) and isinstance(existing[0], URIRef):
                for t in g.objects(existing[0], RDF.type):
                    g.add((value, RDF.type, t))
    elif case.kind == "class":
        g.remove((focus, path, None))
        g.add((focus, path, URIRef("urn:x-test:wrong-kind")))
        g.add((URIRef("urn:x-test:wrong-kind"), RDF.type, OTHER_CLASS))
    elif case.kind == "datatype":
        wrong = Literal(42) if SHAPES.value(prop, SH.datatype) == XSD.string else Literal("not-the-datatype")
        g.remove((focus, path, None))
        g.add((focus, path, wrong))
    elif case.kind == "languageIn":
        g.remove((focus, path, None))
        g.add((focus, path, Literal("texte", lang="fr")))
    elif case.kind == "hasValue":
        g.remove((focus, path, SHAPES.value(prop, SH.hasValue)))


def _batches(cases: list[Case]) -> list[list[Case]]:
    """Cases grouped so that no entity is broken twice in one group: one validation run per group."""
    batches: list[list[Case]] = []
    for case in cases:
        for batch in batches:
            if all(c.focus != case.focus for c in batch):
                batch.append(case)
                break
        else:
            batches.append([case])
    return batches


BATCHES = _batches(CASES)
BATCH_OF = {id(c): i for i, batch in enumerate(BATCHES) for c in batch}


@functools.cache
def _messages_by_focus(batch_no: int) -> dict[str, set[str]]:
    batch = BATCHES[batch_no]
    g = Graph()
    g += ONTOLOGY
    for case in batch:
        g += _neighbourhood(case.focus)
    for case in batch:
        _break(g, case)
    found: dict[str, set[str]] = {}
    for v in validate_graph(g, SHAPES).violations:
        found.setdefault(v.focus, set()).add(v.message)
    return {k: v for k, v in found.items()}


def _hits(case: Case) -> set[str]:
    found = _messages_by_focus(BATCH_OF[id(case)])
    short = ASSERTED.namespace_manager.normalizeUri(case.focus)
    return found.get(short, set()) | found.get(f"<{case.focus}>", set())


def test_every_targeting_shape_has_cases():
    covered = {c.node_shape for c in CASES}
    targeting = {s for s in SHAPES.subjects(RDF.type, SH.NodeShape) if (s, SH.targetClass, None) in SHAPES}
    assert targeting <= covered, sorted(targeting - covered)
    assert len(CASES) >= 3 * len(targeting)


def test_unbroken_neighbourhoods_conform():
    """The same small graphs before breaking: the targeted entities raise no violation of their own."""
    g = Graph()
    g += ONTOLOGY
    focuses = {c.focus for c in CASES}
    for focus in focuses:
        g += _neighbourhood(focus)
    nm = ASSERTED.namespace_manager
    wanted = {nm.normalizeUri(f) for f in focuses} | {f"<{f}>" for f in focuses}
    own = [v for v in validate_graph(g, SHAPES).violations if v.focus in wanted]
    assert not own, own[:5]


def test_bundled_data_conforms():
    result = validate_graph(ASSERTED, SHAPES)
    assert result.conforms, result.text()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_shape_catches_broken_constraint(case: Case):
    message = str(SHAPES.value(case.prop_shape, SH.message))
    assert message in _hits(case), f"{case.kind} on {case.path} of {case.focus} was not reported"


REQUIRED_EVERYWHERE = {
    URIRef("http://www.w3.org/2000/01/rdf-schema#label"): 1,
    URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"): 1,
}


SOURCE_CLASSES = {URIRef("https://w3id.org/gbagraph/def/" + n)
                  for n in ("Paragraph", "PressRelease", "SourceDocument", "NewsReport", "MirrorCopy",
                            "EncyclopedicPage", "OfficialBiography")}
SOURCE_CLASSES |= {URIRef("https://schema.org/NewsArticle")}
TARGETED = sorted({c for c in SHAPES.objects(None, SH.targetClass)}
                  - {URIRef("http://www.w3.org/2004/02/skos/core#" + n) for n in ("Concept", "ConceptScheme")}
                  - {URIRef("http://rdfs.org/ns/void#Linkset")}
                  # annotations of a triple, not entities: a note, no label or paragraph of their own
                  - {URIRef("https://w3id.org/gbagraph/def/EditorialStatement")}
                  # calendar values, defined once in ontology/calendar*.ttl, not stated by a paragraph
                  - {URIRef("https://w3id.org/gbagraph/def/CalendarInterval")})


@pytest.mark.parametrize("cls", TARGETED, ids=lambda c: c.split("/")[-1])
def test_every_entity_class_requires_label_and_paragraph(cls):
    """A label and (for all but the sources themselves) a source paragraph are required of every entity."""
    required: dict[Node, int] = {}
    for node_shape in SHAPES.subjects(SH.targetClass, cls):
        for p in SHAPES.objects(node_shape, SH.property):
            path = SHAPES.value(p, SH.path)
            required[path] = max(required.get(path, 0), int(SHAPES.value(p, SH.minCount) or 0))
    for path, minimum in REQUIRED_EVERYWHERE.items():
        if cls in SOURCE_CLASSES and path.endswith("wasDerivedFrom"):
            continue
        assert required.get(path, 0) >= minimum, f"no shape makes {path} required for {cls}"


def test_paragraph_provenance_is_checked_against_paragraphs():
    """Removing the loader's provenance for one entity makes the data fail."""
    g = Graph()
    g += ASSERTED
    victim = URIRef("https://w3id.org/gbagraph/id/person/john-lee")
    assert (victim, None, None) in g
    g.remove((victim, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"), None))
    result = validate_graph(g, SHAPES)
    assert not result.conforms
    assert any(v.focus in ("person:john-lee", f"<{victim}>") and "paragraph" in v.message
               for v in result.violations)


@pytest.mark.parametrize(
    "target",
    ["https://www.wikidata.org/entity/Q8646", "https://www.wikidata.org/wiki/Q8646",
     "http://www.wikidata.org/entity/P17", "http://www.wikidata.org/entity/Q08646", "Q8646"],
)
def test_wikidata_links_must_have_the_canonical_item_form(target):
    g = Graph()
    g += ONTOLOGY
    place = URIRef("https://w3id.org/gbagraph/id/place/hong-kong")
    g.add((place, URIRef("http://www.w3.org/2002/07/owl#sameAs"),
           URIRef(target) if target.startswith("http") else Literal(target)))
    messages = {v.message for v in validate_graph(g, SHAPES).violations}
    assert any(m.startswith("owl:sameAs must point at a Wikidata item IRI") for m in messages), messages


def test_verified_wikidata_links_pass_the_form_check():
    links = [(s, o) for s, o in ASSERTED.subject_objects(URIRef("http://www.w3.org/2002/07/owl#sameAs"))]
    assert len(links) >= 4
    g = Graph()
    for s, o in links:
        g.add((s, URIRef("http://www.w3.org/2002/07/owl#sameAs"), o))
    assert not [v for v in validate_graph(g, SHAPES).violations if "Wikidata" in v.message]


def _violations_without(triple) -> set[tuple[str, str]]:
    g = Graph()
    g += ASSERTED
    assert triple in g
    g.remove(triple)
    return {(v.focus, v.message) for v in validate_graph(g, SHAPES).violations}


def test_an_agreement_needs_a_signing_date_a_meeting_or_a_not_stated_marker():
    """p6 names the agreement its renewal renews, not when it was signed: the marker is what makes it conform."""
    earlier = URIRef("https://w3id.org/gbagraph/id/agreement/technology-and-innovation-exchange-co-operation-agreement")
    gba = "https://w3id.org/gbagraph/def/"
    found = _violations_without((earlier, URIRef(gba + "notStatedInSources"), URIRef(gba + "signingDate")))
    assert any(focus.endswith("technology-and-innovation-exchange-co-operation-agreement>") or
               focus == "agreement:technology-and-innovation-exchange-co-operation-agreement"
               for focus, message in found if message.startswith("An agreement needs when it was signed")), found


def test_cli_names_the_file_of_a_broken_delegation_and_holding(tmp_path):
    """0.3.0 classes in real files: a delegation without its meeting and a holding without its start fail
    `gbagraph validate`, each violation naming the file that describes the entity."""
    import re
    import shutil
    import subprocess
    import sys

    project = tmp_path / "project"
    for folder in ("ontology", "data"):
        shutil.copytree(SETTINGS.root / folder, project / folder)
    p01 = project / "data" / "plenary-23-press-release" / "p01.ttl"
    text = p01.read_text(encoding="utf-8")
    broken = re.sub(r"(delegation:hk-gd-joint-conference-plenary-23--hksar-government a gba:Delegation ;.*?)"
                    r"\n    gba:delegationTo meeting:hk-gd-joint-conference-plenary-23 ;", r"\1", text, count=1, flags=re.S)
    assert broken != text
    p01.write_text(broken, encoding="utf-8")
    holding_files = [p for p in (project / "data").glob("*/p*.ttl") if "holding:john-lee--chief-executive-of-the-hksar"
                     "--2022-07-01 a gba:PostHolding" in p.read_text(encoding="utf-8")]
    for path in holding_files:
        text = path.read_text(encoding="utf-8")
        start = text.index("holding:john-lee--chief-executive-of-the-hksar--2022-07-01 a gba:PostHolding")
        block_end = text.index(" .\n", start)
        block = re.sub(r"\n    gba:heldFrom date:2022-07-01 ;", "", text[start:block_end])
        block = re.sub(r" ;\n    gba:heldFrom date:2022-07-01$", "", block)
        assert "gba:heldFrom" not in block
        path.write_text(text[:start] + block + text[block_end:], encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "gbagraph", "--root", str(project), "validate"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    delegation = [line for line in lines if "gba:delegationTo" in line and "exactly one gba:delegationTo" in line]
    assert delegation and str(p01) in delegation[0], lines[:5]
    holding = [line for line in lines if "exactly one gba:heldFrom" in line]
    assert holding and all(str(p) in holding[0] for p in holding_files), lines[:5]


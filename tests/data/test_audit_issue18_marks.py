"""Issue 18 audit (helper audit2): readings found in the new agreement data stay marked as editorial.

Each case is a triple that the paragraph states only in part (or not at all) and that the audit found unmarked:
the folder's editorial.ttl must reify it as a gba:EditorialStatement with a note. The last tests pin two
misfilings the audit moved: areas read from titles out of a paragraph file, a co-chair role out of a caption.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
ID = "https://w3id.org/gbagraph/id/"
GBA = "https://w3id.org/gbagraph/def/"
AGREEMENT = GBA + "Agreement"
P12 = ID + "agreement/hk-gd-joint-conference-plenary-12--"
P18 = ID + "agreement/hk-gd-joint-conference-plenary-18--"
FIG24 = ID + "figure/hk-gd-joint-conference-plenary-24-agreements-signed"


def marked(folder: str) -> set[tuple[str, str, str]]:
    g = Graph().parse(DATA / folder / "editorial.ttl")
    out = set()
    for st in g.subjects(RDF.type, URIRef(GBA + "EditorialStatement")):
        if any(len(n) > 40 for n in g.objects(st, SKOS.editorialNote)):
            out.add((str(g.value(st, RDF.subject)), str(g.value(st, RDF.predicate)), str(g.value(st, RDF.object))))
    return out


@pytest.mark.parametrize(("folder", "triple"), [
    # Dim Sum TV p1: eight fields after a count of eight; one agreement per field is our reading
    *[("plenary-12-dim-sum-tv", (P12 + f, str(RDF.type), AGREEMENT))
      for f in ("cepa-and-guangdong-pilot-measures", "finance", "infrastructure", "education", "medical-technology",
                "environmental-protection", "intellectual-property")],
    # Dim Sum TV p3: the Chief Secretary 唐英年, read as Henry Tang
    ("plenary-12-dim-sum-tv", (ID + "agreement/letter-of-intent-on-advancing-qianhai-hong-kong-shenzhen-modern-"
                               "service-industry-co-operation", GBA + "signatory", ID + "person/henry-tang")),
    ("plenary-12-dim-sum-tv", (ID + "person/henry-tang", str(SKOS.altLabel), "唐英年")),
    # Ta Kung Pao p3: witnesses named in Chinese, read as persons of the English sources
    *[("plenary-18-ta-kung-pao", (P18 + s, GBA + "witnessedBy", ID + f"person/{p}"))
      for s in ("food-safety", "education", "intellectual-property", "search-and-rescue", "e-commerce")
      for p in ("zhou-bo", "carrie-lam", "zhao-yufang")],
    # Xinhua p3 prints titles: the areas read from three of them
    ("plenary-22-xinhua", (ID + "agreement/supplementary-memorandum-on-greater-bay-area-sports-co-operation",
                           GBA + "cooperationArea", ID + "area/sports")),
    # cahkms.org p7 is cut at 六: the numeral being complete (six) and the unit are readings
    ("plenary-24-cahkms", (FIG24, GBA + "value", "6")),
    ("plenary-24-cahkms", (FIG24, GBA + "unitText", "agreements signed")),
])
def test_the_reading_is_marked(folder, triple):
    assert triple in marked(folder)


def test_areas_read_from_titles_are_not_in_the_paragraph_file():
    g = Graph().parse(DATA / "plenary-22-xinhua" / "p03.ttl")
    assert not list(g.triples((None, URIRef(GBA + "cooperationArea"), None)))


def test_a_caption_of_the_signing_does_not_make_co_chairs():
    g = Graph().parse(DATA / "plenary-12-dim-sum-tv" / "p06.ttl")
    assert not list(g.triples((None, URIRef(GBA + "role"), URIRef(ID + "role/co-chair"))))


def test_the_11th_count_is_not_labelled_as_signed_at_the_meeting():
    g = Graph().parse(DATA / "plenary-11-ce-closing-remarks" / "p09.ttl")
    labels = [str(o) for o in g.objects(URIRef(ID + "figure/hk-gd-joint-conference-plenary-11-agreements-signed"),
                                        RDFS.label) if isinstance(o, Literal)]
    assert labels and not any("signed at" in label for label in labels)

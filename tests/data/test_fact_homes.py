"""Each fact lives only in the files of the paragraphs that state it (docs/data-model.md, "Provenance").

A paragraph file may name any entity it refers to with rdf:type, rdfs:label, skos:prefLabel and skos:altLabel;
every other triple has ONE home file, unless it is listed in FACTS_STATED_IN_SEVERAL_PARAGRAPHS below with the
paragraphs of the press release (docs/source-paragraphs.md) that each state it. Facts the source does not state
live in editorial.ttl only, each marked there by a gba:EditorialStatement.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from gbagraph.layout import EDITORIAL_FILE, PARAGRAPH_FILE

ROOT = Path(__file__).resolve().parents[2]
SOURCE_DIR = ROOT / "data" / "plenary-23-press-release"
NAMING = {RDF.type, RDFS.label, SKOS.prefLabel, SKOS.altLabel}
GBA = "https://w3id.org/gbagraph/def/"
ORG = "http://www.w3.org/ns/org#"
SDO = "https://schema.org/"
ID = "https://w3id.org/gbagraph/id/"

PLENARY = "meeting/hk-gd-joint-conference-plenary-23"
LEE_AT = "participation/hk-gd-joint-conference-plenary-23-john-lee"
WANG_AT = "participation/hk-gd-joint-conference-plenary-23-wang-weizhong"
CE = "post/chief-executive-of-the-hksar"
GOVERNOR = "post/governor-of-guangdong-province"

#: (subject, predicate, object) -> the paragraphs that state it; IRIs under id/ are written without the prefix.
FACTS_STATED_IN_SEVERAL_PARAGRAPHS: dict[tuple[str, str, str], tuple[int, ...]] = {
    # p1 "Mr John Lee"; p2 "Mr Lee said"; p28 "Mr John Lee"
    ("person/john-lee", SDO + "honorificPrefix", "Mr"): (1, 2, 28),
    # p1 and p28 "the Governor of Guangdong Province, Mr Wang Weizhong" (p3 writes him without "Mr")
    ("person/wang-weizhong", SDO + "honorificPrefix", "Mr"): (1, 28),
    # p1 and p28: "The Chief Executive of the HKSAR, Mr John Lee"
    ("person/john-lee", ORG + "holds", CE): (1, 28),
    (CE, ORG + "heldBy", "person/john-lee"): (1, 28),
    (CE, ORG + "postIn", "body/hksar-government"): (1, 28),
    # p1, p3 ("the Governor of Guangdong Province, Wang Weizhong") and p28
    ("person/wang-weizhong", ORG + "holds", GOVERNOR): (1, 3, 28),
    (GOVERNOR, ORG + "heldBy", "person/wang-weizhong"): (1, 3, 28),
    (GOVERNOR, ORG + "postIn", "body/guangdong-provincial-government"): (1, 3, 28),
    # p1 and p28 both name the two leaders as the plenary's co-chairs
    (PLENARY, GBA + "coChair", "person/john-lee"): (1, 28),
    (PLENARY, GBA + "coChair", "person/wang-weizhong"): (1, 28),
    (PLENARY, GBA + "ordinal", "23"): (1, 28),
    (LEE_AT, GBA + "meeting", PLENARY): (1, 28),
    (LEE_AT, GBA + "participant", "person/john-lee"): (1, 28),
    (LEE_AT, GBA + "role", "role/co-chair"): (1, 28),
    (LEE_AT, GBA + "inPost", CE): (1, 28),
    (WANG_AT, GBA + "meeting", PLENARY): (1, 28),
    (WANG_AT, GBA + "participant", "person/wang-weizhong"): (1, 28),
    (WANG_AT, GBA + "role", "role/co-chair"): (1, 28),
    (WANG_AT, GBA + "inPost", GOVERNOR): (1, 28),
    # "the Mainland cities of the GBA" (p12 "Mainland cities of the GBA", p18, p23, p26 "GBA Mainland cities", p27)
    ("place/mainland-cities-of-the-gba", GBA + "locatedIn", "place/greater-bay-area"): (12, 18, 23, 26, 27),
    ("place/mainland-cities-of-the-gba", GBA + "locatedIn", "place/mainland"): (12, 18, 23, 26, 27),
}


def _term(value: str) -> str:
    return value[len(ID):] if value.startswith(ID) else value


def fact_homes(folder: Path) -> dict[tuple[str, str, str], set[int]]:
    """(subject, predicate, object) of every fact (not a naming triple) -> the paragraph files holding it."""
    homes: dict[tuple[str, str, str], set[int]] = defaultdict(set)
    for path in sorted(folder.glob("p*.ttl")):
        match = PARAGRAPH_FILE.match(path.name)
        assert match, path
        for s, p, o in Graph().parse(path, format="turtle"):
            if p not in NAMING:
                homes[(_term(str(s)), str(p), _term(str(o)))].add(int(match.group(1)))
    return homes


def repeated_facts(folder: Path) -> dict[tuple[str, str, str], tuple[int, ...]]:
    """Facts in more than one paragraph file whose paragraphs are not exactly those listed as stating them."""
    wrong = {}
    for fact, paragraphs in fact_homes(folder).items():
        listed = FACTS_STATED_IN_SEVERAL_PARAGRAPHS.get(fact)
        if len(paragraphs) > 1 and tuple(sorted(paragraphs)) != listed:
            wrong[fact] = tuple(sorted(paragraphs))
    return wrong


def test_every_fact_has_one_home_unless_several_paragraphs_state_it():
    wrong = repeated_facts(SOURCE_DIR)
    assert not wrong, "facts in files whose paragraphs do not state them (or missing from the exceptions):\n" + \
        "\n".join(f"  {fact} in paragraphs {paras}" for fact, paras in sorted(wrong.items()))


def test_every_listed_exception_is_in_exactly_its_paragraphs():
    homes = fact_homes(SOURCE_DIR)
    stale = {fact: (paras, tuple(sorted(homes.get(fact, ()))))
             for fact, paras in FACTS_STATED_IN_SEVERAL_PARAGRAPHS.items()
             if tuple(sorted(homes.get(fact, ()))) != paras or len(paras) < 2}
    assert not stale, f"exceptions that do not match the files (listed, found): {stale}"


def test_a_fact_copied_into_another_paragraph_file_is_caught(tmp_path: Path):
    for path in SOURCE_DIR.glob("*.ttl"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    p03 = tmp_path / "p03.ttl"
    p03.write_text(p03.read_text(encoding="utf-8") + "\nperson:yang-wanming schema:honorificPrefix \"Mr\" .\n",
                   encoding="utf-8")
    assert repeated_facts(tmp_path) == {("person/yang-wanming", SDO + "honorificPrefix", "Mr"): (1, 3)}


def test_editorial_facts_are_in_no_paragraph_file():
    editorial = Graph().parse(SOURCE_DIR / EDITORIAL_FILE, format="turtle")
    statements = set(editorial.subjects(RDF.type, URIRef(GBA + "EditorialStatement")))
    homes = fact_homes(SOURCE_DIR)
    in_paragraphs = [(s, p, o) for s, p, o in editorial if s not in statements and p not in NAMING
                     and (_term(str(s)), str(p), _term(str(o))) in homes]
    assert not in_paragraphs


@pytest.mark.parametrize(("fact", "paragraphs"), [
    # the cases issue 11 lists: honorifics and the CE post in p03, the plenary's ordinal and series in p06, p09,
    # p17, p19, FSTB and LWB under the HKSAR Government in p28, the governments' jurisdictions in many files
    (("person/john-lee", SDO + "honorificPrefix", "Mr"), {1, 2, 28}),
    (("person/wang-weizhong", SDO + "honorificPrefix", "Mr"), {1, 28}),
    ((CE, ORG + "postIn", "body/hksar-government"), {1, 28}),
    ((PLENARY, GBA + "partOfSeries", "meeting/hk-gd-joint-conference"), {1}),
    ((PLENARY, GBA + "ordinal", "23"), {1, 28}),
    (("body/financial-services-and-the-treasury-bureau", ORG + "subOrganizationOf", "body/hksar-government"), {9}),
    (("body/labour-and-welfare-bureau", ORG + "subOrganizationOf", "body/hksar-government"), {17}),
    (("body/hksar-government", GBA + "jurisdiction", "place/hong-kong"), {1}),
    (("body/guangdong-provincial-government", GBA + "jurisdiction", "place/guangdong-province"), {1}),
])
def test_the_misfilings_issue_11_lists_are_gone(fact, paragraphs):
    assert fact_homes(SOURCE_DIR)[fact] == paragraphs


# ---------------------------------------------------------------------------------------------------------------
# gba:acting only where the paragraph states it (issue 17: 82 "false" written where no source says "substantive")
# ---------------------------------------------------------------------------------------------------------------

ACTING_WORD = {True: "acting", False: "substantive"}


def unstated_acting(data: Path) -> list[tuple[str, str]]:
    """(file, value) of every gba:acting whose paragraph does not state it: the source's own text is not kept in the
    repository, so what the paragraph states is read from what the data says of it, the paragraph's
    dcterms:description (source.ttl) or a skos:editorialNote in its file, which must use the word ("acting" for
    true, "substantive" for false)."""
    acting = URIRef(GBA + "acting")
    wrong = []
    for path in sorted(data.glob("*/p*.ttl")):
        g = Graph().parse(path, format="turtle")
        values = {o.toPython() for o in g.objects(None, acting)}
        if not values:
            continue
        source = Graph().parse(path.parent / "source.ttl", format="turtle")
        number = int(PARAGRAPH_FILE.match(path.name).group(1))
        said = [str(o) for p in source.subjects(URIRef(GBA + "paragraphNumber"), None)
                if int(source.value(p, URIRef(GBA + "paragraphNumber"))) == number
                for o in source.objects(p, URIRef("http://purl.org/dc/terms/description"))]
        said += [str(o) for o in g.objects(None, SKOS.editorialNote)]
        for value in values:
            if not any(ACTING_WORD.get(value, "?") in text.lower() for text in said):
                wrong.append((f"{path.parent.name}/{path.name}", str(value).lower()))
    return wrong


def test_acting_is_written_only_where_the_paragraph_states_it():
    assert not unstated_acting(ROOT / "data")


def test_an_unstated_acting_false_is_refused(tmp_path: Path):
    folder = tmp_path / "plenary-23-press-release"
    folder.mkdir()
    for path in SOURCE_DIR.glob("*.ttl"):
        (folder / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    p01 = folder / "p01.ttl"
    p01.write_text(p01.read_text(encoding="utf-8") + "\npart:hk-gd-joint-conference-plenary-23-john-lee "
                   "gba:acting false .\n", encoding="utf-8")
    assert unstated_acting(tmp_path) == [("plenary-23-press-release/p01.ttl", "false")]


# ---------------------------------------------------------------------------------------------------------------
# labels and honorifics in the paragraph that first prints them (issue 17: two were filed one paragraph early)
# ---------------------------------------------------------------------------------------------------------------

def label_homes(folder: Path, subject: str, predicate: URIRef) -> dict[str, set[int]]:
    """value -> the paragraph files of ``folder`` holding (subject, predicate, value)."""
    homes: dict[str, set[int]] = defaultdict(set)
    for path in sorted(folder.glob("p*.ttl")):
        for o in Graph().parse(path, format="turtle").objects(URIRef(ID + subject), predicate):
            homes[str(o)].add(int(PARAGRAPH_FILE.match(path.name).group(1)))
    return homes


@pytest.mark.parametrize(("folder", "subject", "predicate", "value", "paragraphs"), [
    # the locpg.hk page names the Joint Conference in Chinese in mechanism item 1 (p2), not in its opening (p1)
    ("plenary-09-liaison-office-page", "meeting/hk-gd-joint-conference", SKOS.altLabel, "粤港合作联席会议", {2}),
    # news.gov.hk on the 21st: "Mrs Lam" and "Mr Ma" are first written in p3 (p2 gives the names and posts)
    ("plenary-21-news-gov-hk", "person/carrie-lam", URIRef(SDO + "honorificPrefix"), "Mrs", {3}),
    ("plenary-21-news-gov-hk", "person/ma-xingrui", URIRef(SDO + "honorificPrefix"), "Mr", {3}),
])
def test_a_label_lives_in_the_paragraph_that_prints_it(folder, subject, predicate, value, paragraphs):
    assert label_homes(ROOT / "data" / folder, subject, predicate)[value] == paragraphs


def labels_not_in_their_paragraph(folder: Path, texts: dict[int, str]) -> list[tuple[int, str]]:
    """For a source whose paragraph texts are at hand (number -> text): every rdfs:label, skos:altLabel or
    honorific whose words are not in the text of the paragraph file holding it. The repository keeps no source's
    text (no prose is copied), so this runs where a reader supplies the text, and on the cases below."""
    wrong = []
    for path in sorted(folder.glob("p*.ttl")):
        number = int(PARAGRAPH_FILE.match(path.name).group(1))
        text = texts.get(number)
        if text is None:
            continue
        g = Graph().parse(path, format="turtle")
        for predicate in (SKOS.altLabel, URIRef(SDO + "honorificPrefix")):
            for value in g.objects(None, predicate):
                if str(value).lower() not in text.lower():
                    wrong.append((number, str(value)))
    return wrong


def test_a_label_filed_a_paragraph_early_is_caught(tmp_path: Path):
    folder = tmp_path / "page"
    folder.mkdir()
    prefixes = ("@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
                "@prefix m: <https://w3id.org/gbagraph/id/meeting/> .\n")
    (folder / "p01.ttl").write_text(prefixes + 'm:x skos:altLabel "粤港合作联席会议"@zh-hans .\n', encoding="utf-8")
    (folder / "p02.ttl").write_text(prefixes, encoding="utf-8")
    texts = {1: "opening words of the page", 2: "mechanism item 1: 粤港合作联席会议 and its liaison office"}
    assert labels_not_in_their_paragraph(folder, texts) == [(1, "粤港合作联席会议")]
    (folder / "p02.ttl").write_text(prefixes + 'm:x skos:altLabel "粤港合作联席会议"@zh-hans .\n', encoding="utf-8")
    (folder / "p01.ttl").write_text(prefixes, encoding="utf-8")
    assert labels_not_in_their_paragraph(folder, texts) == []


"""The core behind the series page, the search box and the editor's completion, on a small project of three
meetings (tests/series_fixture.py) and on the real data."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import URIRef
from series_fixture import write_series_root

from gbagraph import prepare, settings
from gbagraph.bundle import GraphBundle
from gbagraph.search import INDEX_FILE, LabelIndex, chinese_number
from gbagraph.series import series_meetings, source_documents
from gbagraph.vocabulary import completion_vocabulary

ID = "https://w3id.org/gbagraph/id/"
REPO = Path(__file__).resolve().parents[2]
SERIES = URIRef(ID + "meeting/hk-gd-joint-conference")


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    return prepare(settings(root=write_series_root(tmp_path_factory.mktemp("series")))).bundle


def test_meetings_in_date_order_with_places_chairs_and_sources(bundle):
    meetings = series_meetings(bundle, SERIES)
    assert [(m.name, m.date, m.ordinal) for m in meetings] == [
        ("6th Plenary", "2003-08-05", 6), ("7th Plenary of the Joint Conference", "2004", 7),
        ("24th Plenary of the Joint Conference", "2021-09-15", 24)]
    sixth, seventh, last = meetings
    assert [name for _, name in sixth.places] == ["Hong Kong"]
    assert [(c.name, c.post) for c in sixth.co_chairs] == [("Ada Chair", ""), ("Bo Chair", "Governor")]
    assert [(d.title, d.urls) for d in sixth.sources] == [("Release A on two plenaries", ("https://example.org/release-a",))]
    assert seventh.places == [] and seventh.co_chairs == []
    assert last.previous_dates == ["2021-03-10"]  # announced date kept apart from the date held
    assert [d.urls for d in last.sources] == [("https://example.org/release-b",)]  # foaf:page as well as schema:url


def test_source_documents_of_an_entity(bundle):
    docs = source_documents(bundle, URIRef(ID + "person/ada-chair"))  # described (as a subject) in release A only
    assert [(d.title, d.issued) for d in docs] == [("Release A on two plenaries", "2003-08-06")]
    assert source_documents(bundle, URIRef(ID + "person/nobody")) == []


def test_search_any_language_case_insensitive(bundle):
    index = LabelIndex(bundle)
    assert [m.iri for m in index.find("ada CHAIR")] == [URIRef(ID + "person/ada-chair")]
    zh = index.find("主席")
    # language tags are case-insensitive (BCP 47); the store keeps them in lower case
    assert [(m.iri, m.name, m.language.lower()) for m in zh] == [(URIRef(ID + "person/ada-chair"), "Ada Chair",
                                                                  "zh-hant")]
    assert [m.name for m in index.find("广州")] == ["Guangzhou"]
    assert sorted(m.name for m in index.find("plenar")) == [  # word beginnings, ranked by relevance (bm25)
        "24th Plenary of the Joint Conference", "6th Plenary of the Joint Conference",
        "7th Plenary of the Joint Conference", "Release A on two plenaries", "Release B on a rescheduled plenary"]
    assert index.find("   ") == [] and index.find("no such name") == []
    assert len(index.find("e", limit=2)) == 2


def test_search_ranks_exact_then_prefix_matches_first(bundle):
    index = LabelIndex(bundle)
    assert index.find("6th plenary")[0].iri == URIRef(ID + "meeting/plenary-6")  # its altLabel is exact


def test_search_words_any_order_and_ordinals(bundle):
    """Words or their beginnings in any order, and a numbered thing by its number in English and Chinese."""
    index = LabelIndex(bundle)
    for text in ("plenary 24", "24th plenary", "PLEN 24", "第二十四次", "第24次"):
        found = index.find(text)
        assert found and found[0].iri == URIRef(ID + "meeting/plenary-24"), (text, found)
        assert found[0].kind == "Meeting"
    assert [m.iri for m in index.find("第二十四次")] == [URIRef(ID + "meeting/plenary-24")]
    assert index.find("plenary 25") == []


def test_search_index_file_is_opened_not_rebuilt(bundle, tmp_path):
    """With a folder (the store's, in the cache) the index is a file built once: a later start opens it and reads
    nothing of the data (issue 22: a warm start does nothing proportional to the data); an incomplete file is
    built again."""
    built = LabelIndex(bundle, tmp_path)
    assert (tmp_path / INDEX_FILE).is_file() and built.path == tmp_path / INDEX_FILE
    empty = GraphBundle(store=ox.Store())  # what a rebuild would find: nothing
    opened = LabelIndex(empty, tmp_path)
    for text in ("ada CHAIR", "主席", "plenary 24", "第二十四次", "plenar"):
        assert opened.find(text) == built.find(text) == LabelIndex(bundle).find(text), text
    assert opened.find("第二十四次")[0].kind == "Meeting"
    with sqlite3.connect(tmp_path / INDEX_FILE) as db:  # as a build killed before its last step leaves it
        db.execute("PRAGMA user_version = 0")
    db.close()
    assert LabelIndex(empty, tmp_path).find("ada chair") == []  # rebuilt from (here) an empty store


def test_search_real_data_plenary_23():
    """On the project's own data (issue 20): three ways of naming the 23rd Plenary find it first."""
    index = LabelIndex(prepare(settings(root=REPO)).bundle)
    for text in ("plenary 23", "23rd plenary", "第二十三次"):
        first = index.find(text)[0]
        assert first.iri == URIRef(ID + "meeting/hk-gd-joint-conference-plenary-23") and first.kind == "Meeting", text


@pytest.mark.parametrize(("n", "zh"), [(1, "一"), (10, "十"), (11, "十一"), (23, "二十三"), (105, "一百零五"),
                                       (110, "一百一十"), (2024, "二千零二十四")])
def test_chinese_numbers(n, zh):
    assert chinese_number(n) == zh


def test_vocabulary_has_prefixes_classes_and_properties(bundle):
    vocab = completion_vocabulary(bundle)
    names = {t["name"]: t["kind"] for t in vocab["terms"]}
    assert names["gba:Meeting"] == "class" and names["gba:partOfSeries"] == "property"
    assert names["skos:altLabel"] == "property" and names["gba:Official"] == "class"
    assert vocab["prefixes"]["skos"] == "http://www.w3.org/2004/02/skos/core#"
    assert all(":" in n for n in names)

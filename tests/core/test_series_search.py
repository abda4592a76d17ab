"""The core behind the series page, the search box and the editor's completion, on a small project of three
meetings (tests/series_fixture.py) and on the real data."""

from __future__ import annotations

import pytest
from rdflib import URIRef
from series_fixture import write_series_root

from gbagraph import prepare, settings
from gbagraph.search import LabelIndex
from gbagraph.series import series_meetings, source_documents
from gbagraph.vocabulary import completion_vocabulary

ID = "https://w3id.org/gbagraph/id/"
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
    assert [m.name for m in index.find("plenar")] == [
        "24th Plenary of the Joint Conference", "6th Plenary of the Joint Conference",
        "7th Plenary of the Joint Conference", "Release A on two plenaries", "Release B on a rescheduled plenary"]
    assert index.find("   ") == [] and index.find("no such name") == []
    assert len(index.find("e", limit=2)) == 2


def test_search_ranks_exact_then_prefix_matches_first(bundle):
    index = LabelIndex(bundle)
    assert index.find("6th plenary")[0].iri == URIRef(ID + "meeting/plenary-6")  # its altLabel is exact


def test_vocabulary_has_prefixes_classes_and_properties(bundle):
    vocab = completion_vocabulary(bundle)
    names = {t["name"]: t["kind"] for t in vocab["terms"]}
    assert names["gba:Meeting"] == "class" and names["gba:partOfSeries"] == "property"
    assert names["skos:altLabel"] == "property" and names["gba:Official"] == "class"
    assert vocab["prefixes"]["skos"] == "http://www.w3.org/2004/02/skos/core#"
    assert all(":" in n for n in names)

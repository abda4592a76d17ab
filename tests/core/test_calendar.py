"""Calendar intervals (0.3.0 dates): every ``date:`` IRI the data uses is defined in ``ontology/calendar*.ttl``,
with the label, bounds and value that its token means (``gbagraph.calendar_dates``), so no bound is typed by hand."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from gbagraph.calendar_dates import bounds, label, value

ROOT = Path(__file__).resolve().parents[2]
GBA = "https://w3id.org/gbagraph/def/"
DATE_NS = "https://w3id.org/gbagraph/id/date/"
CALENDAR = Graph()
for _path in sorted((ROOT / "ontology").glob("calendar*.ttl")):
    CALENDAR.parse(_path)
INTERVALS = sorted(s for s in CALENDAR.subjects(RDF.type, URIRef(GBA + "CalendarInterval")))


@pytest.mark.parametrize(("token", "earliest", "latest"), [
    ("2023-03-21", date(2023, 3, 21), date(2023, 3, 21)),
    ("2023-02", date(2023, 2, 1), date(2023, 2, 28)),
    ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
    ("2019", date(2019, 1, 1), date(2019, 12, 31)),
    ("mid-2023", date(2023, 4, 1), date(2023, 9, 30)),
    ("end-2021", date(2021, 10, 1), date(2021, 12, 31)),
    ("first-half-of-2024", date(2024, 1, 1), date(2024, 6, 30)),
    ("2023-2024", date(2023, 1, 1), date(2024, 12, 31)),  # "2023/24": encloses the financial year 2023-24
])
def test_bounds_of_each_form(token, earliest, latest):
    assert bounds(token) == (earliest, latest)


@pytest.mark.parametrize("token", ["2023-13", "2023-02-30", "summer-2023", "2024-2023", "23"])
def test_a_token_of_no_known_form_is_refused(token):
    with pytest.raises(ValueError):
        bounds(token)


def test_labels_keep_what_was_printed():
    assert [label(t) for t in ("2023-03-21", "mid-2023", "end-2021", "2023-2024", "first-half-of-2024")] == [
        "2023-03-21", "mid-2023", "end-2021", "2023/2024", "first half of 2024"]


def test_every_date_the_data_uses_is_defined():
    used = {m for path in (ROOT / "data").rglob("*.ttl")
            for m in re.findall(r"\bdate:([0-9a-z-]+)", path.read_text(encoding="utf-8"))}
    defined = {str(s)[len(DATE_NS):] for s in INTERVALS}
    assert used and not used - defined, sorted(used - defined)


@pytest.mark.parametrize("interval", INTERVALS, ids=lambda s: str(s).rsplit("/", 1)[-1])
def test_each_interval_has_the_bounds_its_token_means(interval):
    token = str(interval)[len(DATE_NS):]
    lo, hi = bounds(token)
    assert set(CALENDAR.objects(interval, URIRef(GBA + "earliest"))) == {Literal(lo.isoformat(), datatype=XSD.date)}
    assert set(CALENDAR.objects(interval, URIRef(GBA + "latest"))) == {Literal(hi.isoformat(), datatype=XSD.date)}
    assert set(CALENDAR.objects(interval, RDFS.label)) == {Literal(label(token), lang="en")}
    exact = value(token)
    expected = {Literal(exact[0], datatype=XSD[exact[1]])} if exact else set()
    assert set(CALENDAR.objects(interval, URIRef(GBA + "dateValue"))) == expected

"""The federated examples of queries/federated/, run by the query engines against the loopback fixture endpoint.

The SERVICE IRI (Wikidata's) is rewritten to the fixture server's and that endpoint is put on the allowlist:
exactly the configuration a deployment uses with the real one.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from linkdata import make_project

from gbagraph.config import Settings
from gbagraph.errors import QueryError
from gbagraph.link import WIKIDATA_ENDPOINT
from gbagraph.pipeline import prepare
from gbagraph.query import QueryRequest
from gbagraph.sparqltext import service_targets

FEDERATED = Path(__file__).resolve().parents[2] / "queries" / "federated"
QUERIES = sorted(FEDERATED.glob("*.rq"))

LINKS = """\
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix wd: <http://www.wikidata.org/entity/> .
@prefix place: <https://w3id.org/gbagraph/id/place/> .
@prefix body: <https://w3id.org/gbagraph/id/body/> .
# links to the FAKE items of the test fixture
place:example-city owl:sameAs wd:Q900000020 .
place:st-example owl:sameAs wd:Q900000022 .
body:example-tdc owl:sameAs wd:Q900000010 .
"""

EXPECTED = {
    "places-with-wikidata-facts": [
        {"label": "Example City", "item": "Q900000020", "population": "1234567", "coordinates": "Point(114.1 22.3)"},
        {"label": "St. Example Island", "item": "Q900000022", "population": "4321"},
    ],
    "bodies-with-wikidata-facts": [
        {"label": "Example Trade Development Council", "item": "Q900000010", "website": "https://etdc.example.org/",
         "inception": "1966-01-01T00:00:00+00:00"},
    ],
    "labels-compared": [
        {"label": "Example City", "item": "Q900000020", "wikidataLabel": "Example City"},
        {"label": "Example Trade Development Council", "item": "Q900000010",
         "wikidataLabel": "Example Trade Development Council"},
        {"label": "St. Example Island", "item": "Q900000022", "wikidataLabel": "St Example Island"},
    ],
}


def test_every_example_is_checked_and_calls_wikidata() -> None:
    assert {q.stem for q in QUERIES} == set(EXPECTED)
    for q in QUERIES:
        assert service_targets(q.read_text(encoding="utf-8")) == [WIKIDATA_ENDPOINT], q.name


def rows(body: bytes) -> list[dict[str, str]]:
    out = []
    for b in json.loads(body)["results"]["bindings"]:
        row = {k: v["value"] for k, v in b.items() if k not in ("place", "body", "entity")}
        row["item"] = row["item"].rsplit("/", 1)[-1]
        if "inception" in row:  # rdflib writes the canonical form of a dateTime, Oxigraph the one it got
            row["inception"] = datetime.fromisoformat(row["inception"]).isoformat()
        out.append(row)
    return out


@pytest.fixture(scope="module", params=["oxigraph", "rdflib"])
def engine(request: pytest.FixtureRequest, endpoint: str, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    root = make_project(tmp_path_factory.mktemp("federated") / "project", LINKS)
    settings = Settings(root=root, engine=request.param, validate=False, infer=False,
                        service_allowlist=(endpoint,))
    return prepare(settings).engine


@pytest.mark.parametrize("query", QUERIES, ids=[q.stem for q in QUERIES])
def test_federated_example(engine, endpoint: str, query: Path) -> None:  # noqa: ANN001
    text = query.read_text(encoding="utf-8").replace(WIKIDATA_ENDPOINT, endpoint)
    answer = engine.answer(QueryRequest(text, format="json"))
    assert answer.kind == "SELECT"
    assert rows(answer.body) == EXPECTED[query.stem]


def test_unlisted_service_is_refused(engine) -> None:  # noqa: ANN001
    text = QUERIES[0].read_text(encoding="utf-8")  # still names Wikidata, which this server does not allow
    with pytest.raises(QueryError, match="SERVICE https://query.wikidata.org/sparql is not allowed"):
        engine.answer(QueryRequest(text, format="json"))

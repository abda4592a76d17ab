"""Reconciliation against a real SPARQL server (oxigraph on 127.0.0.1) holding a fake Wikidata-shaped graph."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from linkdata import EXPECTED_BEST
from rdflib import Graph, URIRef
from rdflib.namespace import SKOS, VOID

from gbagraph import link
from gbagraph.cli.link import ProgressBar
from gbagraph.config import Settings
from gbagraph.namespaces import BASE, WD
from gbagraph.reference.loader import load


def ours(project: Path, **kw: object) -> list[link.Entity]:
    return link.entities(load(Settings(root=project, **kw)))  # type: ignore[arg-type]


def run(project: Path, endpoint: str, **options: object) -> list[link.Candidate]:
    opts = link.Options(endpoint=endpoint, min_interval=0, backoff=0, **options)  # type: ignore[arg-type]
    return link.reconcile(ours(project), opts)


def best(found: list[link.Candidate]) -> dict[str, tuple[str, float]]:
    out: dict[str, tuple[str, float]] = {}
    for c in found:
        key = c.entity.iri[len(BASE) + 3:]
        if key not in out or c.score > out[key][1]:
            out[key] = (c.iri[len(str(WD)):], c.score)
    return out


@pytest.mark.parametrize(("label", "expected"), [
    ("The Hong Kong University of Science and Technology (Guangzhou)",
     "hong kong university of science and technology"),
    ("Hong Kong S.A.R.", "hong kong sar"),
    ("  Trade   Development Council ", "trade development council"),
    ("Shenzhen-Hong Kong Co-operation Zone", "shenzhen hong kong co operation zone"),
    ("Guangdong, Hong Kong & Macao", "guangdong hong kong and macao"),
    ("HONG KONG", "hong kong"),
    ("Theatre of Example", "theatre of example"),
])
def test_normalise(label: str, expected: str) -> None:
    assert link.normalise(label) == expected


def test_variants_cover_brackets_the_punctuation_and_case() -> None:
    forms = link.variants("The Hong Kong Example University (Guangzhou)")
    assert forms[0] == "The Hong Kong Example University (Guangzhou)"
    assert "Hong Kong Example University" in forms
    assert "St Example Island" in link.variants("St. Example Island")
    assert "Example Harbour Authority" in link.variants("Example harbour authority")
    assert len(forms) == len(set(forms))


def test_entities_come_from_iri_patterns_with_labels(project: Path) -> None:
    found = {e.iri[len(BASE) + 3:]: e for e in ours(project)}
    # the initiative labelled "Example City" is not a person, body or place: never looked up
    assert set(found) == {*EXPECTED_BEST, "person/bo-example", "person/dee-nobody"}
    tdc = found["body/example-tdc"]
    assert (tdc.kind, tdc.label, tdc.alt_labels) == ("organization", "Example Trade Development Council", ("ETDC",))
    assert found["place/example-city"].kind == "place"
    assert found["person/ada-example"].kind == "person"


def test_matches_scores_and_type_filter(project: Path, endpoint: str) -> None:
    found = run(project, endpoint)
    got = best(found)
    for key, expected in EXPECTED_BEST.items():
        assert got[key] == expected, key
    items = {c.iri[len(str(WD)):] for c in found}
    # homonyms of another type (a film, a ship) and near-miss names are never candidates
    assert not items & {"Q900000002", "Q900000013", "Q900000021", "Q900000003", "Q900000023"}
    assert "person/dee-nobody" not in got
    # two humans called "Bo Example": both proposed, neither scored as a sure match
    bo = sorted((c.iri[len(str(WD)):], c.score) for c in found if c.entity.iri.endswith("/bo-example"))
    assert bo == [("Q900000004", 0.9), ("Q900000005", 0.9)]
    why = {c.iri[len(str(WD)):]: c.why for c in found}
    assert "1 other candidate" in why["Q900000004"]
    assert "after normalising" in why["Q900000011"] and "Q43229" in why["Q900000011"]
    assert "alias" in why["Q900000006"]


def test_country_hint_separates_homonyms(project: Path, endpoint: str) -> None:
    found = run(project, endpoint, kinds=("person",), country=str(WD) + "Q900000700")
    bo = {c.iri[len(str(WD)):]: c.score for c in found if c.entity.iri.endswith("/bo-example")}
    assert bo["Q900000004"] > bo["Q900000005"]
    assert bo == {"Q900000004": 0.95, "Q900000005": 0.7}


def test_type_option_limits_the_lookup(project: Path, endpoint: str) -> None:
    found = run(project, endpoint, kinds=("place",))
    assert {c.entity.kind for c in found} == {"place"}
    assert set(best(found)) == {"place/example-city", "place/st-example"}


def test_subclasses_are_followed_unless_switched_off(project: Path, endpoint: str) -> None:
    deep = best(run(project, endpoint, kinds=("organization",)))
    shallow = best(run(project, endpoint, kinds=("organization",), subclasses=False))
    assert "body/hkeu-gz" in deep and "body/example-tdc" in deep  # via fake subclasses of Q43229
    assert set(shallow) == {"body/example-harbour"}  # P31 Q327333 directly


@pytest.mark.parametrize("batch_size", [1, 2, 50])
def test_batching_gives_the_same_answer(project: Path, endpoint: str, batch_size: int) -> None:
    client = link.Client(endpoint, min_interval=0, backoff=0)
    opts = link.Options(endpoint=endpoint, batch_size=batch_size, min_interval=0)
    entities = ours(project)
    found = link.reconcile(entities, opts, client=client)
    client.close()
    assert best(found) == {**{k: v for k, v in EXPECTED_BEST.items()}, "person/bo-example": ("Q900000004", 0.9)}
    per_kind = {"person": 4, "organization": 3, "place": 2}
    assert client.requests_made == sum(-(-n // batch_size) for n in per_kind.values())


def test_min_score_drops_weak_candidates(project: Path, endpoint: str) -> None:
    found = run(project, endpoint, min_score=0.8)
    assert "person/cy-example" not in best(found)


def test_progress_bar_counts_batches(project: Path, endpoint: str) -> None:
    stream = io.StringIO()
    opts = link.Options(endpoint=endpoint, batch_size=2, min_interval=0)
    link.reconcile(ours(project), opts, progress=ProgressBar(stream))  # the CLI's bar, fed by reconcile
    lines = stream.getvalue().splitlines()
    assert len(lines) == 5  # persons 2 batches, organisations 2, places 1
    assert lines[-1].startswith("link [########################] 5/5")


def test_review_table_and_candidate_linkset(project: Path, endpoint: str) -> None:
    found = run(project, endpoint)
    table = link.review_table(found, endpoint).splitlines()
    assert table[0].split("\t") == list(link.REVIEW_COLUMNS)
    rows = [line.split("\t") for line in table[1:]]
    assert len(rows) == len(found) == 9
    assert all(len(r) == len(link.REVIEW_COLUMNS) and r[0] == "" and r[-1] == endpoint for r in rows)
    ada = next(r for r in rows if r[1].endswith("/person/ada-example"))
    assert ada[2:6] == ["Ada Example", str(WD) + "Q900000001", "Ada Example", "1.00"]

    graph = Graph().parse(data=link.candidate_linkset(found, endpoint, BASE).serialize(format="turtle"),
                          format="turtle")
    assert len(list(graph.triples((None, SKOS.closeMatch, None)))) == 9
    ls = link.linkset_iri(BASE, "reconciliation-candidates")
    assert graph.value(ls, VOID.linkPredicate) == SKOS.closeMatch
    assert int(graph.value(ls, VOID.triples)) == 9  # type: ignore[arg-type]
    target = graph.value(ls, VOID.objectsTarget)
    assert graph.value(target, VOID.sparqlEndpoint) == URIRef(endpoint)


def test_lookup_query_escapes_labels() -> None:
    q = link.lookup_query(['Say "hi"\\ there'], "person", link.Options())
    assert '"Say \\"hi\\"\\\\ there"@en' in q
    assert "<http://www.wikidata.org/entity/Q5>" in q and "wdt:P31/wdt:P279*" in q

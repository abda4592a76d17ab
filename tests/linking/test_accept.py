"""Accepting reviewed rows: owl:sameAs into data/links/reconciled.ttl with provenance; bad tables are refused."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, VOID, XSD

from gbagraph import link
from gbagraph.config import Settings
from gbagraph.namespaces import BASE, WD, graph_iri
from gbagraph.reference.loader import load

HEADER = "\t".join(link.REVIEW_COLUMNS)
EP = "http://127.0.0.1:9/query"
ADA, BO = BASE + "id/person/ada-example", BASE + "id/person/bo-example"
CITY = BASE + "id/place/example-city"


def row(mark: str, ours: str, theirs: str, endpoint: str = EP) -> str:
    return "\t".join([mark, ours, "label", theirs, "their label", "0.90", "why", endpoint])


def review(tmp_path: Path, *rows: str, name: str = "review.tsv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


NOW = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)


def test_accepted_rows_become_same_as_with_provenance(project: Path, tmp_path: Path) -> None:
    table = review(tmp_path,
                   row("yes", ADA, str(WD) + "Q900000001"),
                   row("", BO, str(WD) + "Q900000004"),
                   row("no", BO, str(WD) + "Q900000005"),
                   row("X", CITY, str(WD) + "Q900000020"))
    settings = Settings(root=project)
    path, added = link.accept(settings, table, by="Reviewer One", now=NOW)
    assert path == project / "data" / "links" / "reconciled.ttl" and added == 2

    bundle = load(settings)  # the loader serves it as graph links/reconciled
    graph = bundle.graph("links/reconciled")
    assert graph_iri(BASE, "links/reconciled") in bundle.sources
    assert set(graph.subject_objects(OWL.sameAs)) == {(URIRef(ADA), WD.Q900000001), (URIRef(CITY), WD.Q900000020)}
    ls = link.linkset_iri(BASE, "reconciled")
    assert (ls, RDF.type, VOID.Linkset) in graph
    assert graph.value(ls, VOID.linkPredicate) == OWL.sameAs
    assert graph.value(ls, VOID.triples) == Literal(2)
    assert graph.value(ls, DCTERMS.created) == Literal(NOW, datatype=XSD.dateTime)
    assert graph.value(ls, PROV.used) == URIRef(EP)
    agent = graph.value(ls, PROV.wasAttributedTo)
    assert graph.value(agent, FOAF.name) == Literal("Reviewer One")
    run = graph.value(ls, PROV.wasGeneratedBy)
    assert graph.value(run, PROV.wasAssociatedWith) == agent
    assert graph.value(run, PROV.used) == URIRef(EP)
    assert set(graph.objects(run, DCTERMS.subject)) == {URIRef(ADA), URIRef(CITY)}
    assert graph.value(graph.value(ls, VOID.objectsTarget), VOID.sparqlEndpoint) == URIRef(EP)


def test_accepting_again_adds_and_keeps_history(project: Path, tmp_path: Path) -> None:
    settings = Settings(root=project)
    link.accept(settings, review(tmp_path, row("yes", ADA, str(WD) + "Q900000001")), by="one", now=NOW)
    later = datetime(2030, 2, 1, tzinfo=UTC)
    second = review(tmp_path, row("yes", ADA, str(WD) + "Q900000001"), row("yes", BO, str(WD) + "Q900000004"),
                    name="second.tsv")
    _, added = link.accept(settings, second, by="two", now=later)
    assert added == 1
    graph = load(settings).graph("links/reconciled")
    ls = link.linkset_iri(BASE, "reconciled")
    assert graph.value(ls, VOID.triples) == Literal(2)
    assert len(list(graph.objects(ls, PROV.wasGeneratedBy))) == 2
    assert {str(graph.value(a, FOAF.name)) for a in graph.objects(ls, PROV.wasAttributedTo)} == {"one", "two"}
    assert str(graph.value(ls, DCTERMS.created)).startswith("2030-01-02")
    assert str(graph.value(ls, DCTERMS.modified)).startswith("2030-02-01")
    # nothing new: the file is left alone
    before = (project / "data" / "links" / "reconciled.ttl").read_bytes()
    assert link.accept(settings, second, by="three")[1] == 0
    assert (project / "data" / "links" / "reconciled.ttl").read_bytes() == before


def test_written_under_the_canonical_iris_when_served_elsewhere(project: Path, tmp_path: Path) -> None:
    settings = Settings(root=project, public_url="https://kg.example.net/")
    table = review(tmp_path, row("yes", ADA, str(WD) + "Q900000001"))
    path, _ = link.accept(settings, table, by="r", now=NOW)
    stored = Graph().parse(path, format="turtle")
    assert (URIRef(ADA), OWL.sameAs, WD.Q900000001) in stored
    served = load(settings).graph("links/reconciled")
    assert (URIRef(ADA), OWL.sameAs, WD.Q900000001) in served


BAD = [
    ([row("maybe", ADA, str(WD) + "Q1")], "review.tsv:2: accept is 'maybe'; write yes or no"),
    ([row("yes", ADA, "Q900000001")], "review.tsv:2: candidate_iri 'Q900000001' is not an http(s) IRI"),
    ([row("", BO, "x"), row("yes", ADA, "https://www.wikidata.org/wiki/Q900000001")],
     "review.tsv:3: candidate_iri https://www.wikidata.org/wiki/Q900000001 is not a Wikidata item IRI"),
    ([row("yes", ADA, str(WD) + "P31")], "review.tsv:2: candidate_iri http://www.wikidata.org/entity/P31 is not"),
    ([row("yes", ADA, str(WD) + "Q1"), row("yes", ADA, str(WD) + "Q2")],
     "review.tsv:3: " + ADA + " is already accepted as http://www.wikidata.org/entity/Q1 on line 2"),
    ([row("yes", BASE + "id/person/nobody", str(WD) + "Q1")],
     "review.tsv:2: our_iri " + BASE + "id/person/nobody is not a person, body or place of this graph"),
    ([row("yes", BASE + "id/initiative/example-scheme", str(WD) + "Q1")], "review.tsv:2: our_iri"),
    (["yes\t" + ADA], "review.tsv:2: 2 column(s), expected 8"),
]


@pytest.mark.parametrize(("rows", "message"), BAD, ids=[f"bad{i}" for i in range(len(BAD))])
def test_bad_review_tables(project: Path, tmp_path: Path, rows: list[str], message: str) -> None:
    table = review(tmp_path, *rows)
    with pytest.raises(link.ReviewFileError) as info:
        link.accept(Settings(root=project), table, by="r")
    assert str(info.value).startswith(str(table.parent) + "/")
    assert message in str(info.value)
    assert not (project / "data" / "links" / "reconciled.ttl").exists()


def test_missing_column_and_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "t.tsv"
    path.write_text("# a comment\nour_iri\tcandidate_iri\n", encoding="utf-8")
    with pytest.raises(link.ReviewFileError, match=r"t.tsv:2: no 'accept' column"):
        link.read_review(path)
    path.write_text("", encoding="utf-8")
    with pytest.raises(link.ReviewFileError, match="empty review table"):
        link.read_review(path)
    with pytest.raises(link.ReviewFileError, match="cannot read"):
        link.read_review(tmp_path / "absent.tsv")


def test_spreadsheet_quirks_are_read(tmp_path: Path) -> None:
    """A byte-order mark, CRLF line ends, quoted cells and columns in another order, as spreadsheets save them."""
    path = tmp_path / "t.tsv"
    text = ("\ufeffour_iri\tcandidate_iri\tACCEPT\r\n"
            f'{ADA}\t{WD}Q900000001\t"Yes"\r\n'
            f"{BO}\t{WD}Q900000004\t\r\n")
    path.write_bytes(text.encode("utf-8"))
    rows = link.read_review(path, endpoint="http://127.0.0.1:1/sparql")
    assert [(r.ours, r.theirs, r.endpoint, r.line) for r in rows] == [
        (ADA, str(WD) + "Q900000001", "http://127.0.0.1:1/sparql", 2)]


def test_wikidata_target_is_the_described_dataset(project: Path, tmp_path: Path) -> None:
    table = review(tmp_path, row("yes", ADA, str(WD) + "Q900000001", link.WIKIDATA_ENDPOINT))
    path, _ = link.accept(Settings(root=project), table, by="r", now=NOW)
    graph = Graph().parse(path, format="turtle")
    ls = link.linkset_iri(BASE, "reconciled")
    wikidata = URIRef(BASE + "id/dataset/wikidata")  # described in data/links/wikidata.ttl
    assert graph.value(ls, VOID.objectsTarget) == wikidata
    assert set(graph.objects(ls, VOID.target)) == {wikidata, link.dataset_iri(BASE)}
    assert graph.value(ls, PROV.used) == URIRef(link.WIKIDATA_ENDPOINT)

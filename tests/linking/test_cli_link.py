"""``gbagraph link`` and ``gbagraph entities`` as a user runs them: a real process, files, exit codes, one-line errors."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

from linkdata import free_port
from rdflib import Graph
from rdflib.namespace import OWL, SKOS

from gbagraph.config import Settings
from gbagraph.namespaces import WD
from gbagraph.reference.loader import load


def gbagraph(root: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gbagraph", "--root", str(root), *args], capture_output=True,
                          text=True, timeout=120, cwd=cwd)


def one_line_error(proc: subprocess.CompletedProcess, *needles: str) -> str:
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("gbagraph: error: "), proc.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


def test_link_review_accept_round_trip(project: Path, endpoint: str, tmp_path: Path) -> None:
    out = tmp_path / "review.tsv"
    proc = gbagraph(project, "link", "--endpoint", endpoint, "-o", str(out), "--interval", "0",
                    "--batch-size", "2")
    assert proc.returncode == 0, proc.stderr
    assert "link [" in proc.stderr and "9 candidate(s)" in proc.stderr  # progress bar and summary
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8")), delimiter="\t"))
    assert len(rows) == 9
    linkset = Graph().parse(tmp_path / "review.closematch.ttl", format="turtle")
    assert len(list(linkset.triples((None, SKOS.closeMatch, None)))) == 9

    # the reviewer accepts the sure matches and one of the two "Bo Example"s
    for r in rows:
        if float(r["score"]) >= 0.95 or r["candidate_iri"].endswith("Q900000004"):
            r["accept"] = "yes"
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), delimiter="\t", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    out.write_text(buf.getvalue(), encoding="utf-8")
    proc = gbagraph(project, "link", "--accept", str(out), "--by", "Test Reviewer")
    assert proc.returncode == 0, proc.stderr
    assert "accepted 4 new link(s)" in proc.stderr

    graph = load(Settings(root=project)).graph("links/reconciled")
    assert {str(o)[len(str(WD)):] for o in graph.objects(None, OWL.sameAs)} == {
        "Q900000001", "Q900000004", "Q900000010", "Q900000020"}


def test_link_type_and_stdout(project: Path, endpoint: str) -> None:
    proc = gbagraph(project, "link", "--endpoint", endpoint, "--type", "place", "-o", "-", "-q", "--interval", "0")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == 3 and all("/id/place/" in line for line in lines[1:])
    assert "link [" not in proc.stderr


def test_unreachable_endpoint_is_one_line(project: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}/query"
    proc = gbagraph(project, "link", "--endpoint", url, "-o", "-", "--retries", "1", "--backoff", "0",
                    "--timeout", "2", "-q")
    one_line_error(proc, url, "no answer after 2 attempt(s)")
    assert proc.returncode == 1


def test_bad_review_table_is_one_line_with_file_and_line(project: Path, tmp_path: Path) -> None:
    bad = tmp_path / "reviewed.tsv"
    bad.write_text("accept\tour_iri\tcandidate_iri\n\tx\ty\nperhaps\thttps://a/\thttps://b/\n", encoding="utf-8")
    proc = gbagraph(project, "link", "--accept", str(bad))
    one_line_error(proc, f"{bad}:3: accept is 'perhaps'")
    assert proc.returncode == 2
    proc = gbagraph(project, "link", "--accept", str(tmp_path / "absent.tsv"))
    one_line_error(proc, "absent.tsv: cannot read")


def test_entities_csv_and_context(project: Path, tmp_path: Path) -> None:
    proc = gbagraph(project, "entities")
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    assert {"iri", "kind", "type", "label", "alt_labels", "linked_ids", "wikidata"} <= set(rows[0])
    target = tmp_path / "context.jsonld"
    proc = gbagraph(project, "entities", "--format", "context", "-o", str(target))
    assert proc.returncode == 0, proc.stderr
    assert json.loads(target.read_text(encoding="utf-8"))["@context"]["sameAs"] == {"@id": "owl:sameAs",
                                                                                    "@type": "@id"}

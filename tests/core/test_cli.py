"""The command line as a user runs it: a real process, exit codes, one-line errors, no tracebacks."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from gbagraph.cli import render_table

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini"


def run(*args: str, root: Path = MINI, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gbagraph", "--root", str(root), *args],
                          capture_output=True, text=True, input=stdin, timeout=120)


def assert_one_line_error(proc: subprocess.CompletedProcess, *needles: str) -> None:
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    first = proc.stderr.strip().splitlines()[0]
    assert first.startswith("gbagraph: error: ")
    for needle in needles:
        assert needle in first, first


def test_validate_passes_on_fixture():
    proc = run("validate")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.startswith("conforms")


def test_validate_fails_with_report(mini_copy):
    """The violation names the file and the line where the focus node's description starts (the one typing it)."""
    p = mini_copy / "data" / "mini-source" / "p01.ttl"
    text = p.read_text(encoding="utf-8") + 'person:ada-example rdfs:label "Second label"@en .\n'
    p.write_text(text, encoding="utf-8")
    line = text.splitlines().index('person:ada-example a gba:Official ; rdfs:label "Ada Example"@en .') + 1
    proc = run("validate", root=mini_copy)
    assert proc.returncode == 1
    assert "does not conform" in proc.stdout
    report = [row for row in proc.stdout.splitlines() if "an official needs exactly one label" in row]
    assert len(report) == 1 and report[0].startswith(f"{p}:{line}: Violation: person:ada-example "), proc.stdout


def test_broken_turtle_is_one_line_with_file_and_line(mini_copy):
    (mini_copy / "data" / "mini-source" / "p02.ttl").write_text("@prefix ex: <http://ex/> .\nex:a ex:b .\n",
                                                                  encoding="utf-8")
    for command in (["validate"], ["stats"], ["query", "-e", "ASK {}"], ["export"]):
        assert_one_line_error(run(*command, root=mini_copy), "data/mini-source/p02.ttl:2")


@pytest.mark.parametrize("fmt", ["table", "csv", "tsv", "json", "xml"])
def test_query_select_formats(fmt):
    proc = run("query", "-f", fmt, "-e", "SELECT ?l WHERE { ?p a foaf:Person ; rdfs:label ?l } ORDER BY ?l")
    assert proc.returncode == 0, proc.stderr
    assert "Ada Example" in proc.stdout and "Bo Example" in proc.stdout
    if fmt == "json":
        assert len(json.loads(proc.stdout)["results"]["bindings"]) == 2


def test_query_from_file_and_stdin(tmp_path):
    q = tmp_path / "q.rq"
    q.write_text("# how many officials?\nSELECT (COUNT(*) AS ?n) WHERE { ?p a gba:Official }\n", encoding="utf-8")
    assert "2" in run("query", "-f", "csv", str(q)).stdout.splitlines()[1]
    assert "2" in run("query", "-f", "csv", "-", stdin=q.read_text()).stdout.splitlines()[1]


def test_construct_prints_turtle():
    proc = run("query", "-f", "turtle", "-e", "CONSTRUCT { ?p a foaf:Person } WHERE { ?p a foaf:Person }")
    assert proc.returncode == 0
    assert "foaf:Person" in proc.stdout


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["query", "-e", "SELECT * WHERE { ?s ?p }"], "line 1, column"),
        (["query", "-e", "INSERT DATA { <a:b> <a:c> <a:d> }"], "read-only"),
        (["query", "/no/such/file.rq"], "/no/such/file.rq"),
        (["export", "--format", "yaml"], "unknown format 'yaml'"),
    ],
)
def test_bad_input_is_one_clear_line(args, needle):
    assert_one_line_error(run(*args), needle)


def test_stats_counts_entities_by_class():
    proc = run("stats")
    assert proc.returncode == 0
    assert "entities: 3" in proc.stdout
    assert "2  gba:Official" in proc.stdout


def test_examples_lists_each_query_with_its_question(tmp_path):
    """``gbagraph examples`` lists queries/ as the query page does (the same reader: gbagraph.examples)."""
    from gbagraph.examples import read_examples

    root = Path(__file__).resolve().parents[2]
    proc = run("examples", root=root)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    examples = read_examples(root / "queries")
    assert len(lines) == len(examples) >= 27
    assert lines[0].split()[0] == examples[0].name and lines[0].endswith(examples[0].title)
    empty = run("examples", root=tmp_path)
    assert empty.returncode != 0 and "no example queries" in empty.stderr and "Traceback" not in empty.stderr


def test_export_to_file(tmp_path):
    out = tmp_path / "dump.nq"
    proc = run("export", "--format", "nq", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "<https://w3id.org/gbagraph/graph/mini-source/p01>" in out.read_text(encoding="utf-8")


def test_render_table_ask_and_select():
    assert render_table({"head": {}, "boolean": True}) == "true\n"
    text = render_table({"head": {"vars": ["a"]}, "results": {"bindings": [{"a": {"type": "literal", "value": "x"}}]}})
    assert text.splitlines()[-1] == "(1 row)"


def test_query_evaluates_once_in_process(monkeypatch):
    """``gbagraph query`` asks the engine once (the answer's form is known from the lexer) with no workers, on the
    store itself."""
    from gbagraph import cli, pipeline

    made = []
    real = pipeline.make_engine

    def counting_engine(settings, bundle, **options):
        engine = real(settings, bundle, **options)
        assert engine.store is bundle.store  # a one-shot query reads the store where it is: no in-memory copy
        made.append(settings.query_workers)
        inner = engine.answer
        calls = []
        engine.answer = lambda request: calls.append(request) or inner(request)
        made.append(calls)
        return engine

    monkeypatch.setattr(pipeline, "make_engine", counting_engine)
    for fmt, text in [("table", "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1"), ("csv", "ASK {}"),
                      ("table", "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1")]:
        made.clear()
        assert cli.main(["--root", str(MINI), "query", "-f", fmt, "-e", text]) == 0
        assert made[0] == 0 and len(made[1]) == 1, (fmt, text)


def test_validate_is_the_servers_gate_an_inconsistent_graph_is_refused(mini_copy):
    """`gbagraph validate` runs the server's start-up steps: data that conforms to the shapes but whose OWL RL
    closure holds a contradiction is refused by both, with the same one-line reason."""
    (mini_copy / "ontology" / "clash.ttl").write_text(
        "@prefix gba: <https://w3id.org/gbagraph/def/> .\n@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "gba:Official owl:disjointWith gba:Robot .\n", encoding="utf-8")
    p01 = mini_copy / "data" / "mini-source" / "p01.ttl"
    p01.write_text(p01.read_text(encoding="utf-8") + "person:ada-example a gba:Robot .\n", encoding="utf-8")
    proc = run("validate", root=mini_copy)
    assert_one_line_error(proc, "ada-example")
    served = subprocess.run([sys.executable, "-c", "import sys; from gbagraph.config import Settings; "
                             "from gbagraph.pipeline import prepare; "
                             f"prepare(Settings(root={str(mini_copy)!r}, query_workers=0))"],
                            capture_output=True, text=True, timeout=120)
    assert served.returncode != 0 and proc.stderr.strip().splitlines()[0].removeprefix("gbagraph: error: ") \
        in served.stderr

"""Syntax errors people can act on (issue 10): line and column, the line with a caret under the column, and a
plain sentence — over HTTP (text and JSON bodies, both engines), and from the CLI."""

from __future__ import annotations

import subprocess
import sys

import pytest
import requests

from gbagraph.errors import QuerySyntaxError
from gbagraph.query import OxigraphEngine, Policy, QueryRequest
from gbagraph.reference.engine import RdflibEngine

TIMEOUT = 30

#: (query, line, column, words the sentence must hold) — the column of the offending token, 1-based
CASES = [
    ("SELEC * WHERE { ?s ?p ?o }", 1, 1, ["must start with SELECT, ASK, CONSTRUCT or DESCRIBE", "PREFIX"]),
    ("SELECT * WHERE {\n  ?s x:p ?o\n}", 2, 6, ["prefix x: is not declared", "PREFIX x: <"]),
    ("SELECT ?t WHERE {\n  ?s dc:title ?t }", 2, 6, ["add PREFIX dc: <http://purl.org/dc/elements/1.1/>"]),
    ("SELECT * WHERE { ?s ?p ?o", 1, 16, ["never closed", "add a }"]),
    ("SELECT ?x ?y }", 1, 14, ["closes nothing"]),
    ("SELECT * WHERE { ?s ?p ?o }\nLIMT 3", 2, 1, ["'LIMT' is not a SPARQL keyword"]),
    ('SELECT * WHERE {\n  ?s ?p "open }', 2, 9, ["string is never closed"]),
    ("SELECT (COUNT(?s) AS ?n WHERE { ?s ?p ?o }", 1, 8, ["never closed", "add a )"]),
]
UNREADABLE = ("LATERAL", "[_]", "\\u{", "OPTIONAL", "Expected")


def check_message(message: str, query: str, line: int, column: int, words: list[str]) -> None:
    assert f"line {line}, column {column}" in message, message
    for word in words:
        assert word in message, message
    for noise in UNREADABLE:
        assert noise not in message, message
    shown, caret = message.splitlines()[-2:]
    assert shown.strip() == query.split("\n")[line - 1].strip()
    assert caret.index("^") - 4 == column - 1 and shown[4:].startswith(query.split("\n")[line - 1].rstrip()[:1])


@pytest.mark.parametrize(("query", "line", "column", "words"), CASES, ids=[c[0][:20] for c in CASES])
def test_engines_explain(mini_server, query: str, line: int, column: int, words: list[str]) -> None:
    dataset = mini_server.prepared.bundle.dataset
    policy = Policy(prefixes={"rdfs": "http://www.w3.org/2000/01/rdf-schema#"})
    engines = [OxigraphEngine.from_dataset(dataset, policy), RdflibEngine(dataset, policy)]
    if "dc:" in query:
        engines.pop()  # rdflib's parser knows the well-known prefixes (dc: among them) without a PREFIX line
    for engine in engines:
        with pytest.raises(QuerySyntaxError) as caught:
            engine.answer(QueryRequest(query))
        assert (caught.value.line, caught.value.column) == (line, column), (engine.name, str(caught.value))
        assert caught.value.status == 400
        check_message(str(caught.value), query, line, column, words)


@pytest.mark.parametrize(("query", "line", "column", "words"), CASES, ids=[c[0][:20] for c in CASES])
def test_http_bodies(server, query: str, line: int, column: int, words: list[str]) -> None:
    text = requests.get(server.sparql, params={"query": query}, timeout=TIMEOUT)
    assert text.status_code == 400 and text.headers["Content-Type"].startswith("text/plain")
    check_message(text.text.rstrip("\n"), query, line, column, words)
    body = requests.get(server.sparql, params={"query": query}, headers={"Accept": "application/json"},
                        timeout=TIMEOUT).json()
    assert body["status"] == 400 and body["title"] == "Query syntax error"
    assert (body["line"], body["column"]) == (line, column)
    assert isinstance(body["line"], int) and isinstance(body["column"], int)
    check_message(body["message"], query, line, column, words)


def test_a_missing_object_points_at_the_line(server) -> None:
    """A case the lexer cannot name: the parser's position, a plain sentence, never its token list."""
    r = requests.get(server.sparql, params={"query": "SELECT * WHERE {\n  ?s ?p \n}"},
                     headers={"Accept": "application/json"}, timeout=TIMEOUT)
    body = r.json()
    assert r.status_code == 400 and body["line"] in (2, 3)
    assert f"line {body['line']}, column {body['column']}" in body["message"]
    assert not any(noise in body["message"] for noise in UNREADABLE), body["message"]


def test_cli_prints_the_same(mini_root) -> None:
    query, line, column, words = CASES[2]
    done = subprocess.run([sys.executable, "-m", "gbagraph", "--root", str(mini_root), "query", "-e", query],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith("gbagraph: error: syntax error at line 2, column 6: ")
    check_message(done.stderr.rstrip("\n"), query, line, column, words)


GROUPING = [  # (query, line, column of the culprit, words): Oxigraph refuses these, we say why and where
    ("SELECT (COUNT(?s) AS ?n) ?p WHERE { ?s ?p ?o }", 1, 26, ["?p is shown but the query groups", "GROUP BY ?p",
                                                               "the engine says: The SELECT contains a variable"]),
    ("SELECT ?x WHERE { ?s ?p ?o } GROUP BY ?s", 1, 8, ["?x is shown", "SAMPLE(?x)"]),
    ("SELECT (STR(?p) AS ?q) (COUNT(?s) AS ?n)\nWHERE { ?s ?p ?o }", 1, 13, ["?p is shown"]),
    ("SELECT (?s AS ?s) WHERE { ?s ?p ?o }", 1, 15, ["?s is already a variable", "the engine says: The SELECT "
                                                     "overrides an existing variable"]),
]


@pytest.mark.parametrize(("query", "line", "column", "words"), GROUPING, ids=[c[0][:24] for c in GROUPING])
def test_grouping_errors_point_at_the_variable(server, query: str, line: int, column: int, words: list[str]) -> None:
    r = requests.get(server.sparql, params={"query": query}, headers={"Accept": "application/json"}, timeout=TIMEOUT)
    assert r.status_code == 400
    body = r.json()
    assert (body["line"], body["column"]) == (line, column), body["message"]
    check_message(body["message"], query, line, column, words)


def protocol_syntax_cases() -> list[str]:
    """The syntax-error queries of this file and of test_protocol.py."""
    return [c[0] for c in CASES + GROUPING] + ["SELECT * WHERE {\n  ?s ?p \n}", "SELEC", "SELECT ?x WHERE { ?x <"]


def test_check_agrees_with_the_endpoint(server) -> None:
    """/sparql/check (parse only, used while typing) gives what /sparql gives: nothing for every example of
    queries/, the same line and column for every syntax case."""
    assert server.examples
    for example in server.examples:
        r = requests.post(server.url + "sparql/check", data={"query": example.text}, timeout=TIMEOUT)
        assert r.json() == {"ok": True}, (example.name, r.text)
    for query in protocol_syntax_cases():
        answer = requests.get(server.sparql, params={"query": query}, headers={"Accept": "application/json"},
                              timeout=TIMEOUT)
        checked = requests.post(server.url + "sparql/check", data={"query": query}, timeout=TIMEOUT).json()
        assert answer.status_code == 400 and checked["ok"] is False, (query, checked)
        expected = answer.json()
        assert (checked["line"], checked["column"], checked["message"]) == \
            (expected["line"], expected["column"], expected["message"]), query


def test_check_does_not_evaluate(server) -> None:
    """A text whose inline data would take long to evaluate is only lexed: the check answers at once."""
    values = " ".join(str(i) for i in range(400))
    slow = f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?a {{ {values} }} VALUES ?b {{ {values} }} VALUES ?c {{ {values} }} }}"
    assert requests.post(server.url + "sparql/check", data={"query": slow}, timeout=5).json() == {"ok": True}
    bad = slow.replace("WHERE", "WHERE { ?s x:p ?o } ")
    assert requests.post(server.url + "sparql/check", data={"query": bad}, timeout=5).json()["ok"] is False

"""SPARQL 1.1 Protocol against a real server, case by case after the W3C protocol test suite (query_get,
query_post_form, query_post_direct, the dataset cases, content types, the bad_* cases), plus the read-only
rules: every way of sending an update is refused and nothing changes."""

from __future__ import annotations

import csv
import io
import json

import pytest
import requests
from rdflib import Graph

from gbagraph import formats
from gbagraph.namespaces import SD

ASK_ANY = "ASK { ?s ?p ?o }"
SELECT_TYPES = "SELECT ?s ?c WHERE { ?s a ?c } ORDER BY ?s ?c LIMIT 10"
CONSTRUCT_TYPES = "CONSTRUCT { ?s a ?c } WHERE { ?s a ?c } LIMIT 10"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
TIMEOUT = 30


def get(server, params, accept=None, **kw):
    headers = {"Accept": accept} if accept else {}
    return requests.get(server.sparql, params=params, headers=headers, timeout=TIMEOUT, **kw)


def post(server, data, content_type=None, accept=None, params=None):
    headers = {}
    if content_type:
        headers["Content-Type"] = content_type
    if accept:
        headers["Accept"] = accept
    return requests.post(server.sparql, data=data, headers=headers, params=params, timeout=TIMEOUT)


def media(response) -> str:
    return response.headers["Content-Type"].split(";")[0].strip()


def count(server) -> int:
    return int(server.select(COUNT)[0]["n"]["value"])


# --- the three ways of sending a query (query_get, query_post_form, query_post_direct) ---

def test_query_get(server):
    r = get(server, {"query": ASK_ANY})
    assert r.status_code == 200
    assert media(r) == "application/sparql-results+json"
    assert r.json() == {"head": {}, "boolean": True}


def test_query_post_form(server):
    r = post(server, {"query": ASK_ANY}, accept="application/sparql-results+xml")
    assert r.status_code == 200
    assert media(r) == "application/sparql-results+xml"
    assert b"<boolean>true</boolean>" in r.content


def test_query_post_direct(server):
    r = post(server, SELECT_TYPES.encode(), "application/sparql-query", accept="application/sparql-results+json")
    assert r.status_code == 200
    assert r.json()["head"]["vars"] == ["s", "c"]
    assert len(r.json()["results"]["bindings"]) > 0


def test_query_post_direct_with_charset(server):
    r = post(server, ASK_ANY.encode(), "application/sparql-query; charset=UTF-8")
    assert r.status_code == 200


def test_query_post_form_utf8_literal(server):
    r = post(server, {"query": 'SELECT ("香港—Hong Kong" AS ?x) WHERE {}'}, accept="text/csv")
    assert r.status_code == 200
    assert "香港—Hong Kong" in r.content.decode("utf-8")


def test_head_request(server):
    r = requests.head(server.sparql, params={"query": ASK_ANY}, timeout=TIMEOUT)
    assert r.status_code == 200
    assert media(r) == "application/sparql-results+json"


# --- dataset: default-graph-uri / named-graph-uri (the dataset's own graphs only) ---

def graph(server, name: str) -> str:
    return f"{server.base}graph/{name}"


def test_dataset_default_graph_get(server):
    """With default-graph-uri=graph/ontology the default graph holds exactly the ontology's triples."""
    onto = graph(server, "ontology")
    in_onto = server.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{onto}> {{ ?s ?p ?o }} }}")[0]["n"]["value"]
    r = get(server, {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "default-graph-uri": onto})
    assert r.status_code == 200
    assert r.json()["results"]["bindings"][0]["n"]["value"] == in_onto
    everything = server.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"]["value"]
    assert int(everything) > int(in_onto)


def test_dataset_default_graphs_post(server):
    onto, prov = graph(server, "ontology"), graph(server, "provenance")
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    expected = server.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ {{ SELECT DISTINCT ?s ?p ?o WHERE {{ "
                             f"VALUES ?g {{ <{onto}> <{prov}> }} GRAPH ?g {{ ?s ?p ?o }} }} }} }}")[0]["n"]["value"]
    r = post(server, [("query", q), ("default-graph-uri", onto), ("default-graph-uri", prov)],
             "application/x-www-form-urlencoded")
    assert r.status_code == 200
    assert r.json()["results"]["bindings"][0]["n"]["value"] == expected


@pytest.mark.parametrize("method", ["get", "post"])
def test_dataset_named_graphs(server, method):
    onto, prov = graph(server, "ontology"), graph(server, "provenance")
    q = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"
    params = [("query", q), ("named-graph-uri", onto), ("named-graph-uri", prov)]
    r = get(server, params) if method == "get" else post(server, params, "application/x-www-form-urlencoded")
    assert r.status_code == 200
    assert [b["g"]["value"] for b in r.json()["results"]["bindings"]] == sorted([onto, prov])


def test_dataset_full(server):
    onto, prov = graph(server, "ontology"), graph(server, "provenance")
    q = "SELECT ?g (COUNT(*) AS ?n) WHERE { { ?s ?p ?o BIND('default' AS ?g) } UNION { GRAPH ?g { ?s ?p ?o } } } GROUP BY ?g"
    r = get(server, [("query", q), ("default-graph-uri", onto), ("named-graph-uri", prov)])
    assert r.status_code == 200
    got = {b["g"]["value"] for b in r.json()["results"]["bindings"]}
    assert got == {"default", prov}


def test_dataset_protocol_overrides_query(server):
    """query_multiple_dataset: FROM in the query and default-graph-uri in the request; the protocol wins."""
    onto, prov = graph(server, "ontology"), graph(server, "provenance")
    q = f"SELECT (COUNT(*) AS ?n) FROM <{prov}> WHERE {{ ?s ?p ?o }}"
    in_onto = server.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{onto}> {{ ?s ?p ?o }} }}")[0]["n"]["value"]
    r = get(server, {"query": q, "default-graph-uri": onto})
    assert r.json()["results"]["bindings"][0]["n"]["value"] == in_onto


def test_dataset_unknown_graph_refused(server):
    r = get(server, {"query": ASK_ANY, "default-graph-uri": "http://example.com/elsewhere"})
    assert r.status_code == 400
    assert "not a graph of this dataset" in r.text


# --- content types (query_content_type_select/ask/construct/describe) ---

@pytest.mark.parametrize("fmt", [f for f in formats.FORMATS if f.kind == "results"], ids=lambda f: f.name)
@pytest.mark.parametrize("query", [SELECT_TYPES, ASK_ANY], ids=["select", "ask"])
def test_results_content_types(server, fmt, query):
    if query == ASK_ANY and fmt.name in ("csv", "tsv"):
        r = get(server, {"query": query}, accept=fmt.media_type)
        assert r.status_code == 406  # a boolean has no standard CSV/TSV form (issue 10)
        assert "application/sparql-results+json" in r.text and "boolean" in r.text
        return
    r = get(server, {"query": query}, accept=fmt.media_type)
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"] == fmt.content_type
    assert "Accept" in r.headers["Vary"]
    if fmt.name == "csv":
        rows = list(csv.reader(io.StringIO(r.text)))
        assert rows[0] == ["s", "c"] and len(rows) > 1


@pytest.mark.parametrize("fmt", [f for f in formats.FORMATS if f.kind == "graph"], ids=lambda f: f.name)
@pytest.mark.parametrize("query", [CONSTRUCT_TYPES, "DESCRIBE ?s WHERE { ?s a ?c } LIMIT 1"],
                         ids=["construct", "describe"])
def test_graph_content_types(server, fmt, query):
    r = get(server, {"query": query}, accept=fmt.media_type)
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"] == fmt.content_type
    g = Graph().parse(data=r.content, format=fmt.rdflib)
    assert len(g) > 0


def test_accept_with_q_values(server):
    r = get(server, {"query": SELECT_TYPES}, accept="application/sparql-results+json;q=0.5, text/csv")
    assert media(r) == "text/csv"


def test_format_parameter_wins(server):
    r = get(server, {"query": SELECT_TYPES, "format": "tsv"}, accept="application/sparql-results+json")
    assert media(r) == "text/tab-separated-values"
    r = get(server, {"query": CONSTRUCT_TYPES, "format": "nt"})
    assert media(r) == "application/n-triples"


def test_unknown_format_is_400(server):
    r = get(server, {"query": SELECT_TYPES, "format": "pdf"})
    assert r.status_code == 400
    assert "unknown format" in r.text


def test_construct_with_results_only_accept_falls_back(server):
    """rdflib's SPARQLStore sends a results-only Accept for CONSTRUCT: answer Turtle, not 406."""
    r = get(server, {"query": CONSTRUCT_TYPES}, accept="application/sparql-results+xml")
    assert r.status_code == 200
    assert media(r) == "text/turtle"


def test_select_with_graph_only_accept_falls_back(server):
    r = get(server, {"query": SELECT_TYPES}, accept="text/turtle")
    assert r.status_code == 200
    assert media(r) == "application/sparql-results+json"


def test_download_parameter(server):
    r = get(server, {"query": SELECT_TYPES, "format": "csv", "download": "1"})
    assert r.headers["Content-Disposition"] == 'attachment; filename="results.csv"'


# --- bad requests ---

def test_bad_query_method(server):
    r = requests.put(server.sparql, params={"query": ASK_ANY}, timeout=TIMEOUT)
    assert r.status_code == 405
    assert "GET" in r.headers["Allow"] and "POST" in r.headers["Allow"]


def test_bad_multiple_queries(server):
    r = get(server, [("query", ASK_ANY), ("query", "ASK { }")])
    assert r.status_code == 400
    assert "more than one 'query'" in r.text


def test_bad_multiple_queries_form(server):
    r = post(server, [("query", ASK_ANY), ("query", ASK_ANY)], "application/x-www-form-urlencoded")
    assert r.status_code == 400


def test_bad_query_wrong_media_type(server):
    r = post(server, ASK_ANY.encode(), "text/plain")
    assert r.status_code == 415
    assert "application/sparql-query" in r.text


def test_bad_query_missing_form_type(server):
    r = post(server, b"query=ASK%20%7B%7D")
    assert r.status_code == 400
    assert "Content-Type" in r.text


def test_bad_query_missing_direct_type(server):
    r = post(server, ASK_ANY.encode())
    assert r.status_code == 400


def test_bad_query_non_utf8_charset(server):
    r = post(server, ASK_ANY.encode("utf-16"), "application/sparql-query; charset=UTF-16")
    assert r.status_code == 400


def test_bad_query_non_utf8_bytes(server):
    r = post(server, 'SELECT ("caf\xe9" AS ?x) WHERE {}'.encode("latin-1"), "application/sparql-query")
    assert r.status_code == 400
    assert "UTF-8" in r.text


def test_bad_query_non_utf8_percent_encoding(server):
    r = requests.get(server.sparql + "?query=SELECT%20(%22caf%E9%22%20AS%20%3Fx)%20%7B%7D", timeout=TIMEOUT)
    assert r.status_code == 400
    assert "UTF-8" in r.text


def test_bad_query_syntax(server):
    r = get(server, {"query": "SELECT * WHERE {\n  ?s ?p \n}"}, accept="application/sparql-results+json")
    assert r.status_code == 400
    assert media(r) == "text/plain"
    assert "line 3" in r.text and "column" in r.text
    assert "Traceback" not in r.text


def test_bad_query_syntax_json_error_body(server):
    r = get(server, {"query": "SELEC"}, accept="application/json")
    assert r.status_code == 400
    body = r.json()
    assert body["status"] == 400 and "syntax error" in body["message"]


def test_missing_query_post(server):
    r = post(server, {"default-graph-uri": graph(server, "ontology")}, "application/x-www-form-urlencoded")
    assert r.status_code == 400
    assert "missing" in r.text


def test_empty_query(server):
    assert get(server, {"query": "  "}).status_code == 400


def test_query_too_long(server):
    limit = server.prepared.settings.max_query_length
    r = post(server, {"query": "ASK {}" + " " * limit}, "application/x-www-form-urlencoded")
    assert r.status_code == 413


def test_body_too_large(server):
    limit = server.prepared.settings.max_body_bytes
    r = post(server, b"x" * (limit + 10), "application/sparql-query")
    assert r.status_code == 413


def test_service_refused(server):
    r = get(server, {"query": "SELECT * WHERE { SERVICE <http://example.com/sparql> { ?s ?p ?o } }"})
    assert r.status_code == 403
    assert "SERVICE" in r.text


# --- read-only: updates refused, nothing changed ---

UPDATE = "INSERT DATA { <http://example.com/s> <http://example.com/p> 'x' }"


@pytest.mark.parametrize("how", ["direct", "form", "get", "query-param", "direct-utf16", "both"])
def test_update_refused_and_nothing_changed(server, how):
    before = count(server)
    if how == "direct":
        r = post(server, UPDATE.encode(), "application/sparql-update")
    elif how == "direct-utf16":
        r = post(server, UPDATE.encode("utf-16"), "application/sparql-update; charset=UTF-16")
    elif how == "form":
        r = post(server, {"update": UPDATE}, "application/x-www-form-urlencoded")
    elif how == "get":  # bad_update_get
        r = get(server, {"update": UPDATE})
    elif how == "both":
        r = post(server, {"update": UPDATE, "query": ASK_ANY}, "application/x-www-form-urlencoded")
    else:  # an update sent as a query
        r = get(server, {"query": "DELETE WHERE { ?s ?p ?o }"})
    assert 400 <= r.status_code < 500
    assert "read-only" in r.text or "query" in r.text
    assert count(server) == before
    assert get(server, {"query": "ASK { <http://example.com/s> ?p ?o }"}).json()["boolean"] is False


def test_bad_multiple_updates(server):
    r = post(server, [("update", UPDATE), ("update", UPDATE)], "application/x-www-form-urlencoded")
    assert r.status_code == 400


# --- service description, CORS ---

@pytest.mark.parametrize("accept", ["text/turtle", "application/rdf+xml", "application/ld+json", "*/*", None])
def test_service_description(server, accept):
    r = get(server, {}, accept=accept)
    assert r.status_code == 200
    fmt = formats.by_name(media(r), ("graph",))
    g = Graph().parse(data=r.content, format=fmt.rdflib)
    rows = g.query("""
        PREFIX sd: <http://www.w3.org/ns/sparql-service-description#>
        PREFIX void: <http://rdfs.org/ns/void#>
        SELECT ?endpoint ?name ?n WHERE {
          ?svc a sd:Service ; sd:endpoint ?endpoint ; sd:defaultDataset ?ds .
          ?ds sd:namedGraph [ sd:name ?name ; sd:graph [ void:triples ?n ] ] }""")
    names = {str(row.name) for row in rows}
    assert {str(row.endpoint) for row in rows} == {server.sparql}
    assert graph(server, "ontology") in names and graph(server, "provenance") in names
    formats_offered = set(g.objects(None, SD.resultFormat))
    assert len(formats_offered) == 8


def test_sparql_get_html_is_query_page(server):
    r = get(server, {}, accept="text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
    assert r.status_code == 200
    assert media(r) == "text/html"
    assert 'id="query"' in r.text


def test_cors(server):
    r = requests.get(server.sparql, params={"query": ASK_ANY}, headers={"Origin": "http://elsewhere.example"},
                     timeout=TIMEOUT)
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    pre = requests.options(server.sparql, headers={"Origin": "http://elsewhere.example",
                                                    "Access-Control-Request-Method": "POST",
                                                    "Access-Control-Request-Headers": "content-type"},
                           timeout=TIMEOUT)
    assert pre.status_code == 200
    assert "POST" in pre.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in pre.headers["Access-Control-Allow-Headers"]
    err = get(server, {"query": "SELEC"})
    assert err.headers["Access-Control-Allow-Origin"] == "*"


def test_errors_never_leak_tracebacks(server):
    for params in ({"query": "SELECT ?x WHERE { ?x <"}, {"query": "ASK {}", "format": "\x00"},
                   {"query": "SELECT * WHERE { ?s ?p ?o } LIMIT -1"}):
        r = get(server, params)
        assert 400 <= r.status_code < 500, (params, r.status_code, r.text)
        assert "Traceback" not in r.text


def test_error_body_follows_accept(server):
    r = get(server, {"query": "SELEC"}, accept="text/html")
    assert media(r) == "text/html" and "syntax error" in r.text
    assert json.loads(get(server, {"query": "SELEC"}, accept="application/json").text)["status"] == 400

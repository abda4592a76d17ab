"""Every return format of the real clients on every query form (issue 10): SPARQLWrapper as it comes (it sends
``format=``, ``output=`` and ``results=`` as well as ``Accept``; no ``setOnlyConneg``), rdflib's SPARQLStore with
each ``returnFormat``, and curl for the format aliases and the 406 of an ASK asked for as CSV/TSV only.

An answer counts when the client reads it into the same solutions, boolean or triples as the JSON/Turtle answer."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from typing import Any
from urllib.error import HTTPError

import pytest
import requests
from rdflib import Graph
from rdflib.compare import isomorphic
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from rdflib.query import Result
from SPARQLWrapper import CSV, JSON, JSONLD, N3, RDF, RDFXML, TSV, TURTLE, XML, SPARQLWrapper
from tooling import require_tool

SELECT = "SELECT ?s ?c WHERE { ?s a ?c } ORDER BY ?s ?c LIMIT 5"
ASK_TRUE = "ASK { ?s a ?c }"
CONSTRUCT = "CONSTRUCT { ?s a ?c } WHERE { ?s a ?c } ORDER BY ?s ?c LIMIT 5"
DESCRIBE = "DESCRIBE ?s WHERE { ?s a ?c } ORDER BY ?s LIMIT 1"
FORMS = {"SELECT": SELECT, "ASK": ASK_TRUE, "CONSTRUCT": CONSTRUCT, "DESCRIBE": DESCRIBE}
RETURN_FORMATS = [JSON, XML, CSV, TSV, N3, TURTLE, RDF, RDFXML, JSONLD]
TIMEOUT = 30


def reference(server, form: str) -> Any:
    """The answer as the JSON (SELECT, ASK) or Turtle (CONSTRUCT, DESCRIBE) form gives it."""
    if form in ("CONSTRUCT", "DESCRIBE"):
        r = requests.get(server.sparql, params={"query": FORMS[form]}, headers={"Accept": "text/turtle"},
                         timeout=TIMEOUT)
        return Graph().parse(data=r.content, format="turtle")
    body = requests.get(server.sparql, params={"query": FORMS[form]}, timeout=TIMEOUT,
                        headers={"Accept": "application/sparql-results+json"}).json()
    if form == "ASK":
        return body["boolean"]
    return [tuple(b[v]["value"] for v in body["head"]["vars"]) for b in body["results"]["bindings"]]


def rows_of(result: Result) -> list[tuple[str, ...]]:
    return [tuple(str(value) for value in row) for row in result]


def read_converted(converted: Any, content_type: str) -> Any:
    """What SPARQLWrapper's ``convert()`` gave, as solutions (tuples of values), a boolean or a Graph."""
    media = content_type.split(";")[0].strip()
    if isinstance(converted, Graph):
        graph = Graph()
        for triple in converted.triples((None, None, None)):
            graph.add(triple)
        return graph
    if isinstance(converted, dict):  # SPARQL JSON results
        if "boolean" in converted:
            return converted["boolean"]
        names = converted["head"]["vars"]
        return [tuple(b[v]["value"] for v in names) for b in converted["results"]["bindings"]]
    if hasattr(converted, "toxml"):  # a DOM of SPARQL XML results
        result = Result.parse(io.BytesIO(converted.toxml().encode("utf-8")), format="xml")
        return result.askAnswer if result.type == "ASK" else rows_of(result)
    assert isinstance(converted, bytes), type(converted)
    if media == "text/csv":
        return [tuple(row) for row in list(csv.reader(io.StringIO(converted.decode("utf-8"))))[1:]]
    if media == "text/tab-separated-values":
        return rows_of(Result.parse(io.BytesIO(converted), format="tsv"))
    return Graph().parse(data=converted, format="turtle")  # SPARQLWrapper's N3/Turtle: bytes


def same(got: Any, expected: Any) -> bool:
    if isinstance(expected, Graph):
        return isinstance(got, Graph) and len(got) > 0 and isomorphic(got, expected)
    return got == expected


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # SPARQLWrapper's note when a format falls back
@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")  # inside SPARQLWrapper
@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("return_format", RETURN_FORMATS)
@pytest.mark.parametrize("form", list(FORMS))
def test_sparqlwrapper_every_return_format(server, form: str, return_format: str, method: str) -> None:
    sw = SPARQLWrapper(server.sparql)
    sw.setMethod(method)
    sw.setQuery(FORMS[form])
    sw.setReturnFormat(return_format)
    if form == "ASK" and return_format in (CSV, TSV):  # SPARQLWrapper then accepts only CSV/TSV: nothing to read
        with pytest.raises(HTTPError) as caught:
            sw.query()
        assert caught.value.code == 406 and b"boolean" in caught.value.read()
        return
    response = sw.query()
    content_type = response.info()["content-type"]
    got = read_converted(response.convert(), content_type)
    assert same(got, reference(server, form)), (content_type, got)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("return_format", ["xml", "json", "csv", "tsv"])
@pytest.mark.parametrize("form", list(FORMS))
def test_sparqlstore_every_return_format(server, form: str, return_format: str) -> None:
    store = Graph(SPARQLStore(server.sparql, method="GET", returnFormat=return_format))
    expected = reference(server, form)
    if form == "ASK" and return_format in ("csv", "tsv"):  # a 406, never a misread boolean
        with pytest.raises((ValueError, HTTPError)):
            store.query(FORMS[form])
        return
    result = store.query(FORMS[form])
    if form == "ASK":
        assert result.askAnswer is expected
    elif form == "SELECT":
        got = rows_of(result)
        assert got == expected
    else:
        assert same(result.graph, expected)


# --- curl ---

def curl(server, *args: str) -> tuple[int, str, bytes]:
    """(status, media type, body) of ``curl -G`` on the endpoint."""
    exe = require_tool("curl", "apt-get install curl")
    done = subprocess.run([exe, "-sS", "-G", server.sparql, "-o", "-", "-D", "/dev/stderr", *args],
                          capture_output=True, timeout=TIMEOUT, check=True)
    head = done.stderr.decode("latin-1").split("\r\n")
    status = int(head[0].split()[1])
    media = next((line.split(":", 1)[1].split(";")[0].strip() for line in head
                  if line.lower().startswith("content-type:")), "")
    return status, media, done.stdout


@pytest.mark.parametrize(("form", "alias", "media"), [
    ("SELECT", "json", "application/sparql-results+json"),
    ("SELECT", "xml", "application/sparql-results+xml"),
    ("SELECT", "csv", "text/csv"),
    ("SELECT", "tsv", "text/tab-separated-values"),
    ("SELECT", "text/csv", "text/csv"),
    ("ASK", "json", "application/sparql-results+json"),
    ("ASK", "xml", "application/sparql-results+xml"),
    ("CONSTRUCT", "json", "application/ld+json"),
    ("CONSTRUCT", "json-ld", "application/ld+json"),
    ("CONSTRUCT", "xml", "application/rdf+xml"),
    ("CONSTRUCT", "rdf+xml", "application/rdf+xml"),
    ("CONSTRUCT", "rdf", "application/rdf+xml"),
    ("CONSTRUCT", "n3", "text/turtle"),
    ("CONSTRUCT", "turtle", "text/turtle"),
    ("CONSTRUCT", "ttl", "text/turtle"),
    ("CONSTRUCT", "nt", "application/n-triples"),
    ("CONSTRUCT", "ntriples", "application/n-triples"),
    ("DESCRIBE", "json", "application/ld+json"),
])
@pytest.mark.parametrize("parameter", ["format", "output", "results"])
def test_curl_format_aliases(server, form: str, alias: str, media: str, parameter: str) -> None:
    status, got, body = curl(server, "--data-urlencode", f"query={FORMS[form]}",
                             "--data-urlencode", f"{parameter}={alias}")
    assert (status, got) == (200, media), body[:300]
    if media == "application/sparql-results+json":
        assert json.loads(body)


@pytest.mark.parametrize(("form", "alias", "accept", "media"), [
    ("CONSTRUCT", "csv", "application/n-triples", "application/n-triples"),  # csv cannot carry triples: Accept
    ("CONSTRUCT", "tsv", "*/*", "text/turtle"),
    ("SELECT", "turtle", "text/csv", "text/csv"),
    ("ASK", "csv", "application/sparql-results+xml", "application/sparql-results+xml"),
    ("ASK", "tsv", "*/*", "application/sparql-results+json"),
])
def test_curl_alias_that_does_not_fit_falls_back_to_accept(server, form, alias, accept, media) -> None:
    status, got, body = curl(server, "--data-urlencode", f"query={FORMS[form]}", "--data-urlencode",
                             f"format={alias}", "-H", f"Accept: {accept}")
    assert (status, got) == (200, media), body[:300]


def test_curl_unknown_format_is_400_naming_the_known(server) -> None:
    status, _, body = curl(server, "--data-urlencode", f"query={SELECT}", "--data-urlencode", "format=pdf")
    assert status == 400
    text = body.decode()
    assert "unknown format 'pdf'" in text and all(name in text for name in ("json", "xml", "csv", "turtle", "n3"))


@pytest.mark.parametrize("accept", ["text/csv", "text/tab-separated-values", "text/csv, text/tab-separated-values;q=0.5"])
def test_curl_ask_as_csv_or_tsv_only_is_406(server, accept: str) -> None:
    status, _, body = curl(server, "--data-urlencode", f"query={ASK_TRUE}", "-H", f"Accept: {accept}")
    assert status == 406
    text = body.decode()
    assert "boolean" in text and "application/sparql-results+json" in text and "application/sparql-results+xml" in text


def test_curl_ask_prefers_a_boolean_format_the_client_also_accepts(server) -> None:
    status, media, body = curl(server, "--data-urlencode", f"query={ASK_TRUE}",
                               "-H", "Accept: text/csv, application/sparql-results+xml;q=0.5")
    assert (status, media) == (200, "application/sparql-results+xml")
    assert b"<boolean>true</boolean>" in body

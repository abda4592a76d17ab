"""/dumps: every format, plain and gzip'd, listed with size, triples and SHA-256; caching headers; a dump
loaded into a fresh graph is isomorphic to what the endpoint serves (N-Quads/TriG keep the graph names).

The round trips are run on the mini graph by default; on the real data they are an equivalence suite: slow
(``-m slow``), N-Triples and N-Quads only under ``GBAGRAPH_SHORT=1``."""

from __future__ import annotations

import functools
import gzip
import hashlib

import pytest
import requests
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic
from tooling import short

from gbagraph import formats

DUMP_FORMATS = [f for f in formats.FORMATS if f.kind in ("graph", "dataset")]


def listing(server) -> dict[str, dict]:
    r = requests.get(server.url + "dumps", headers={"Accept": "application/json"}, timeout=60)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("application/json")
    return {d["name"]: d for d in r.json()["dumps"]}


def served_graph(server, inferred: bool) -> Graph:
    """The union of the served named graphs, fetched by CONSTRUCT as N-Triples (once per server: read only)."""
    return _served_graph(server.sparql, server.base, inferred)


@functools.cache
def _served_graph(sparql: str, base: str, inferred: bool) -> Graph:
    skip = "" if inferred else f"FILTER(?g != <{base}graph/inferred>)"
    q = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {skip} }}"
    r = requests.get(sparql, params={"query": q}, headers={"Accept": "application/n-triples"}, timeout=60)
    return Graph().parse(data=r.content, format="nt")


def served_named_graph(server, name: str) -> Graph:
    q = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}"
    r = requests.get(server.sparql, params={"query": q}, headers={"Accept": "application/n-triples"}, timeout=60)
    return Graph().parse(data=r.content, format="nt")


def test_listing(server):
    dumps = listing(server)
    assert len([d for d in dumps.values() if d["triples"] is not None]) == len(DUMP_FORMATS) * 2 * 2
    for fmt in DUMP_FORMATS:
        for name in (f"gbagraph.{fmt.extension}", f"gbagraph-inferred.{fmt.extension}.gz"):
            d = dumps[name]
            assert d["bytes"] > 0 and d["triples"] > 0 and len(d["sha256"]) == 64
    assert dumps["gbagraph-inferred.nt"]["triples"] > dumps["gbagraph.nt"]["triples"]


def test_listing_html(server):
    r = requests.get(server.url + "dumps", headers={"Accept": "text/html"}, timeout=60)
    assert r.headers["Content-Type"].startswith("text/html")
    assert 'href="/dumps/gbagraph.nq.gz"' in r.text


@pytest.mark.parametrize("fmt", DUMP_FORMATS, ids=lambda f: f.name)
def test_download_matches_listing(server, fmt):
    dumps = listing(server)
    for name, gz in ((f"gbagraph.{fmt.extension}", False), (f"gbagraph.{fmt.extension}.gz", True)):
        r = requests.get(server.url + "dumps/" + name, timeout=60)
        assert r.status_code == 200
        assert r.headers["Content-Type"] == ("application/gzip" if gz else fmt.content_type)
        assert len(r.content) == dumps[name]["bytes"]
        assert hashlib.sha256(r.content).hexdigest() == dumps[name]["sha256"]
        assert r.headers["ETag"].strip('"') == dumps[name]["sha256"]
        assert "Last-Modified" in r.headers


def test_conditional_requests(server):
    url = server.url + "dumps/gbagraph.ttl"
    first = requests.get(url, timeout=60)
    assert requests.get(url, headers={"If-None-Match": first.headers["ETag"]}, timeout=60).status_code == 304
    assert requests.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]},
                        timeout=60).status_code == 304
    partial = requests.get(url, headers={"Range": "bytes=0-9"}, timeout=60)
    assert partial.status_code == 206 and partial.content == first.content[:10]


def test_unknown_dump_404(server):
    assert requests.get(server.url + "dumps/gbagraph.pdf", timeout=60).status_code == 404


TRIPLE_FORMATS = [f for f in DUMP_FORMATS if f.kind == "graph"]
QUAD_FORMATS = [f for f in DUMP_FORMATS if f.kind == "dataset"]
REAL = pytest.mark.parametrize("server", ["real"], indirect=True)


def _some(fmts: list, name: str) -> list:
    return [f for f in fmts if f.name == name] if short() else fmts


@pytest.mark.parametrize("inferred", [False, True], ids=["curated", "inferred"])
@pytest.mark.parametrize("fmt", TRIPLE_FORMATS, ids=lambda f: f.name)
def test_triple_dump_round_trip(mini_server, fmt, inferred):
    triple_round_trip(mini_server, fmt, inferred)


@pytest.mark.slow
@REAL
@pytest.mark.parametrize("inferred", [False, True], ids=["curated", "inferred"])
@pytest.mark.parametrize("fmt", _some(TRIPLE_FORMATS, "nt"), ids=lambda f: f.name)
def test_triple_dump_round_trip_real(server, fmt, inferred):
    triple_round_trip(server, fmt, inferred)


def triple_round_trip(server, fmt, inferred):
    name = f"gbagraph{'-inferred' if inferred else ''}.{fmt.extension}.gz"
    body = gzip.decompress(requests.get(server.url + "dumps/" + name, timeout=60).content)
    dumped = Graph().parse(data=body, format=fmt.rdflib)
    assert isomorphic(dumped, served_graph(server, inferred))


@pytest.mark.parametrize("inferred", [False, True], ids=["curated", "inferred"])
@pytest.mark.parametrize("fmt", QUAD_FORMATS, ids=lambda f: f.name)
def test_quad_dump_keeps_graphs(mini_server, fmt, inferred):
    quad_round_trip(mini_server, fmt, inferred)


@pytest.mark.slow
@REAL
@pytest.mark.parametrize("inferred", [False, True], ids=["curated", "inferred"])
@pytest.mark.parametrize("fmt", _some(QUAD_FORMATS, "nq"), ids=lambda f: f.name)
def test_quad_dump_keeps_graphs_real(server, fmt, inferred):
    quad_round_trip(server, fmt, inferred)


def quad_round_trip(server, fmt, inferred):
    name = f"gbagraph{'-inferred' if inferred else ''}.{fmt.extension}"
    body = requests.get(server.url + "dumps/" + name, timeout=60).content
    dumped = Dataset()
    dumped.parse(data=body, format=fmt.rdflib)
    names = {str(g.identifier) for g in dumped.graphs() if len(g)}
    rows = server.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    served = {b["g"]["value"] for b in rows}
    if not inferred:
        served.discard(f"{server.base}graph/inferred")
    assert names == served
    for g in names:
        assert isomorphic(dumped.graph(URIRef(g)), served_named_graph(server, g)), g


def test_dump_answers_same_queries(server):
    """Load the N-Quads dump into a fresh rdflib store: a query gives the same answer as the endpoint."""
    body = requests.get(server.url + "dumps/gbagraph-inferred.nq", timeout=60).content
    ds = Dataset(default_union=True)
    ds.parse(data=body, format="nquads")
    q = "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c"
    local = {(str(r.c), int(r.n)) for r in ds.query(q)}
    remote = {(b["c"]["value"], int(b["n"]["value"])) for b in server.select(q)}
    assert local == remote


def test_entity_table_and_context_are_listed_and_served(server):
    """Spreadsheet and plain-JSON users get the entity CSV and the JSON-LD @context from /dumps too."""
    import csv
    import io
    import json as jsonlib

    import requests as http

    listing = http.get(server.url + "dumps", headers={"Accept": "application/json"}, timeout=30).json()
    names = {d["name"]: d for d in listing["dumps"]}
    assert {"entities.csv", "context.jsonld"} <= set(names)
    r = http.get(server.url + "dumps/entities.csv", timeout=30)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8"))))
    assert rows and {"iri", "label"} <= set(rows[0])
    assert len(r.content) == names["entities.csv"]["bytes"]
    assert r.headers["ETag"].strip('"') == names["entities.csv"]["sha256"]
    ctx = http.get(server.url + "dumps/context.jsonld", timeout=30)
    assert ctx.headers["Content-Type"].startswith("application/ld+json")
    assert "@context" in jsonlib.loads(ctx.content)
    html = http.get(server.url + "dumps", headers={"Accept": "text/html"}, timeout=30).text
    assert "entities.csv" in html and "JSON-LD @context" in html


def test_dumps_carry_the_release_in_their_saved_name(server):
    """Each dump is saved as gbagraph-VERSION.*, and that versioned path answers with the same bytes."""
    from gbagraph import __version__

    plain = requests.get(server.url + "dumps/gbagraph.nq.gz", timeout=60)
    assert plain.status_code == 200
    assert f'filename="gbagraph-{__version__}.nq.gz"' in plain.headers["Content-Disposition"]
    versioned = requests.get(server.url + f"dumps/gbagraph-{__version__}.nq.gz", timeout=60)
    assert versioned.status_code == 200 and versioned.content == plain.content
    assert requests.get(server.url + "dumps/gbagraph-0.0.1.nq.gz", timeout=60).status_code == 404
    listing = requests.get(server.url + "dumps", headers={"Accept": "application/json"}, timeout=60).json()["dumps"]
    assert any(d["release_url"].endswith(f"/dumps/gbagraph-{__version__}-inferred.ttl") for d in listing)

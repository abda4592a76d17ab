"""Persistent, host-independent IRIs: every server answers for https://w3id.org/gbagraph/... at its own paths,
named graphs dereference, the public URL names the server's own links, and proxy headers count only from
trusted addresses."""

from __future__ import annotations

import subprocess
import sys

import requests
from rdflib import Graph, URIRef
from rdflib.namespace import PROV, VOID

from gbagraph import settings
from gbagraph.namespaces import BASE
from gbagraph.web import create_app

from .test_linked_data import local


def _a_paragraph_graph(server) -> str:
    rows = server.select("SELECT ?g WHERE { ?g prov:wasDerivedFrom ?p . GRAPH ?g { ?s ?x ?y } } ORDER BY ?g LIMIT 1")
    return rows[0]["g"]["value"]


def test_named_graph_page_lists_contents_and_source(server):
    g = _a_paragraph_graph(server)
    assert g.startswith(BASE + "graph/")
    r = requests.get(local(server, g), headers={"Accept": "text/html"}, timeout=30)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/html")
    assert g in r.text and "Where it comes from" in r.text and "What it holds" in r.text
    assert 'href="/id/' in r.text  # its subjects link to this server's pages


def test_named_graph_as_rdf_holds_its_triples_and_provenance(server):
    g = _a_paragraph_graph(server)
    r = requests.get(local(server, g), headers={"Accept": "text/turtle"}, timeout=30)
    assert r.status_code == 200
    got = Graph().parse(data=r.text, format="turtle")
    expected = {(b["s"]["value"], b["p"]["value"], b["o"]["value"]) for b in server.select(
        f"SELECT ?s ?p ?o WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} FILTER(!ISBLANK(?s) && !ISBLANK(?o)) }}")}
    assert expected and expected <= {(str(s), str(p), str(o)) for s, p, o in got}
    assert got.value(URIRef(g), PROV.wasDerivedFrom) is not None


def test_unknown_graph_is_404(server):
    assert requests.get(server.url + "graph/no-such-graph", timeout=30).status_code == 404


def test_void_and_service_description_use_the_public_url(mini_root):
    app = create_app(settings(root=mini_root, public_url="https://kg.example.net/"))
    client = app.test_client()
    void = Graph().parse(data=client.get("/.well-known/void", headers={"Accept": "text/turtle"}).data,
                         format="turtle")
    ds = URIRef(BASE + "id/dataset/gbagraph")
    assert void.value(ds, VOID.sparqlEndpoint) == URIRef("https://kg.example.net/sparql")
    assert all(str(d).startswith("https://kg.example.net/dumps/") for d in void.objects(ds, VOID.dataDump))
    sd = client.get("/sparql", headers={"Accept": "text/turtle"}).data.decode()
    assert "<https://kg.example.net/sparql>" in sd
    listing = client.get("/dumps", headers={"Accept": "application/json"}).get_json()
    assert all(f["url"].startswith("https://kg.example.net/dumps/") for f in listing["dumps"])


def test_forwarded_headers_only_from_trusted_proxies(mini_root):
    forwarded = {"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https", "Accept": "application/json"}
    trusting = create_app(settings(root=mini_root, trusted_proxies=("10.9.9.9",)))
    from_proxy = trusting.test_client().get("/dumps", headers=forwarded, environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert from_proxy.get_json()["dumps"][0]["url"].startswith("https://evil.example/")
    from_client = trusting.test_client().get("/dumps", headers=forwarded, environ_base={"REMOTE_ADDR": "10.1.1.1"})
    assert from_client.get_json()["dumps"][0]["url"].startswith("http://localhost/")
    untrusting = create_app(settings(root=mini_root))
    assert untrusting.test_client().get("/dumps", headers=forwarded).get_json()["dumps"][0]["url"] \
        .startswith("http://localhost/")


def test_examples_answer_the_same_on_any_host(mini_root):
    """The bundled examples carry canonical IRIs: a server on another host gives the same answers."""
    one = create_app(settings(root=mini_root)).test_client()
    two = create_app(settings(root=mini_root, public_url="https://elsewhere.example/")).test_client()
    query = f"SELECT ?s WHERE {{ ?s a <{BASE}def/Official> }} ORDER BY ?s"
    a = one.get("/sparql", query_string={"query": query}, base_url="http://127.0.0.1:8000/")
    b = two.get("/sparql", query_string={"query": query}, base_url="https://elsewhere.example/")
    assert a.status_code == b.status_code == 200 and a.get_json() == b.get_json()
    assert a.get_json()["results"]["bindings"]


def test_public_url_option_after_the_subcommand(mini_root):
    """`gbagraph serve --public-url URL` and `gbagraph --public-url URL serve` are both accepted."""
    for args in (["serve", "--public-url", "x", "--port", "1"], ["--public-url", "x", "serve", "--port", "1"]):
        out = subprocess.run([sys.executable, "-m", "gbagraph", "--root", str(mini_root), *args],
                             capture_output=True, text=True, timeout=120)
        assert out.returncode != 0 and "public URL must be an http(s) URL: 'x'" in out.stderr, out.stderr
        assert "Traceback" not in out.stderr

"""Dereferencing: every /id/ resource and /def/ term gives an HTML page for people and RDF for machines by
content negotiation, with Vary: Accept; the dataset description at /.well-known/void."""

from __future__ import annotations

import socket
import threading

import pytest
import requests
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, VOID
from werkzeug.serving import make_server

from gbagraph import formats, settings
from gbagraph.namespaces import BASE
from gbagraph.web import create_app

GRAPH_FORMATS = [f for f in formats.FORMATS if f.kind == "graph"]
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def local(server, iri: str) -> str:
    assert iri.startswith(server.base)
    return server.url + iri[len(server.base):]


def test_resource_html(server):
    iri = server.some_resource()
    r = requests.get(local(server, iri), headers={"Accept": BROWSER_ACCEPT}, timeout=30)
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "Accept" in r.headers["Vary"]
    assert iri in r.text
    assert 'type="text/turtle"' in r.text  # alternate links


@pytest.mark.parametrize("fmt", GRAPH_FORMATS, ids=lambda f: f.name)
def test_resource_rdf(server, fmt):
    iri = server.some_resource()
    r = requests.get(local(server, iri), headers={"Accept": fmt.media_type}, timeout=30)
    assert r.status_code == 200
    assert r.headers["Content-Type"] == fmt.content_type
    assert "Accept" in r.headers["Vary"]
    g = Graph().parse(data=r.content, format=fmt.rdflib)
    expected = server.select(f"SELECT DISTINCT ?p ?o WHERE {{ <{iri}> ?p ?o }}")
    assert len(set(g.predicate_objects(URIRef(iri)))) == len(expected)
    assert (URIRef(iri), RDF.type, None) in g


@pytest.mark.parametrize("fmt", GRAPH_FORMATS, ids=lambda f: f.name)
def test_resource_format_parameter(server, fmt):
    r = requests.get(local(server, server.some_resource()), params={"format": fmt.name}, timeout=30)
    assert r.headers["Content-Type"] == fmt.content_type


def test_resource_rdf_caches(server):
    url = local(server, server.some_resource())
    r = requests.get(url, headers={"Accept": "text/turtle"}, timeout=30)
    again = requests.get(url, headers={"Accept": "text/turtle", "If-None-Match": r.headers["ETag"]}, timeout=30)
    assert again.status_code == 304


def test_resource_page_mini(mini_server):
    """Labels, types, properties with links, inferred values marked, the source paragraph."""
    r = requests.get(mini_server.url + "id/person/ada-example", headers={"Accept": BROWSER_ACCEPT}, timeout=30)
    html = r.text
    assert "<h1>Ada Example</h1>" in html
    assert 'href="/def/Official"' in html  # the type links to the term's local page
    assert "inferred" in html  # foaf:Person comes from the OWL RL closure
    assert 'href="/id/source/mini-source/p01"' in html
    assert "Paragraph 1 of the mini source" in html


def test_incoming_links(mini_server):
    r = requests.get(mini_server.url + "id/source/mini-source/p01", headers={"Accept": "text/html"}, timeout=30)
    assert r.status_code == 200
    assert "Incoming links" in r.text and 'href="/id/person/ada-example"' in r.text


def test_ontology_term(server):
    onto = server.select(f'SELECT ?t WHERE {{ ?t a ?k FILTER(STRSTARTS(STR(?t), "{server.base}def/")) }} LIMIT 1')
    iri = onto[0]["t"]["value"]
    html = requests.get(local(server, iri), headers={"Accept": "text/html"}, timeout=30)
    assert html.status_code == 200
    ttl = requests.get(local(server, iri), headers={"Accept": "text/turtle"}, timeout=30)
    assert (URIRef(iri), None, None) in Graph().parse(data=ttl.text, format="turtle")


def test_unknown_resource_404(server):
    for accept in ("text/html", "text/turtle"):
        r = requests.get(server.url + "id/person/nobody-at-all", headers={"Accept": accept}, timeout=30)
        assert r.status_code == 404


def test_not_acceptable(server):
    r = requests.get(local(server, server.some_resource()), headers={"Accept": "image/png"}, timeout=30)
    assert r.status_code == 406
    assert "text/turtle" in r.text


def test_local_paths_dereference_canonical_iris(mini_root):
    """Any host: the server's own /id/ path answers for the canonical https://w3id.org/gbagraph/id/ IRI."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    local_url = f"http://127.0.0.1:{port}/"
    srv = make_server("127.0.0.1", port, create_app(settings(root=mini_root)), threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        g = Graph().parse(local_url + "id/person/ada-example", format="turtle")  # rdflib fetches it itself
        assert (URIRef(BASE + "id/person/ada-example"), RDF.type, URIRef(BASE + "def/Official")) in g
        page = requests.get(local_url + "id/person/ada-example", headers={"Accept": "text/html"}, timeout=30)
        assert 'href="/def/Official"' in page.text and "w3id.org/gbagraph/id/person/ada-example" in page.text
    finally:
        srv.shutdown()
        thread.join(5)


@pytest.mark.parametrize("fmt", GRAPH_FORMATS, ids=lambda f: f.name)
def test_void(server, fmt):
    r = requests.get(server.url + ".well-known/void", headers={"Accept": fmt.media_type}, timeout=30)
    assert r.status_code == 200 and r.headers["Content-Type"] == fmt.content_type
    g = Graph().parse(data=r.content, format=fmt.rdflib)
    ds = URIRef(server.base + "id/dataset/gbagraph")
    assert (ds, RDF.type, VOID.Dataset) in g and (ds, RDF.type, DCAT.Dataset) in g
    for prop in (DCTERMS.title, DCTERMS.license, DCTERMS.publisher, VOID.triples, VOID.sparqlEndpoint,
                 VOID.classPartition, VOID.dataDump, DCAT.distribution):
        assert g.value(ds, prop) is not None, prop
    triples = int(g.value(ds, VOID.triples))
    served = int(server.select(
        "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }")[0]["n"]["value"])
    assert triples == served  # everything served, the description itself included


def test_void_html_and_in_sparql(server):
    r = requests.get(server.url + ".well-known/void", headers={"Accept": "text/html"}, timeout=30)
    assert r.status_code == 200 and "Hong Kong" in r.text
    ask = f"ASK {{ GRAPH <{server.base}graph/void> {{ ?d a <http://rdfs.org/ns/void#Dataset> }} }}"
    assert requests.get(server.sparql, params={"query": ask}, timeout=30).json()["boolean"] is True


def test_linksets(server):
    links = server.select(f'SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} '
                          f'FILTER(STRSTARTS(STR(?g), "{server.base}graph/links/")) }}')
    r = requests.get(server.url + ".well-known/void", headers={"Accept": "text/turtle"}, timeout=30)
    g = Graph().parse(data=r.text, format="turtle")
    assert len(set(g.subjects(RDF.type, VOID.Linkset))) == len(links)


def test_void_counts_equal_what_is_served_and_each_dump(server):
    """void:triples of the dataset is the default graph as served (its own description included), and each dump
    family's subset counts exactly what its dumps hold."""
    g = Graph().parse(data=requests.get(server.url + ".well-known/void", headers={"Accept": "text/turtle"},
                                        timeout=30).text, format="turtle")
    ds = URIRef(server.base + "id/dataset/gbagraph")
    served = int(server.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"]["value"])
    assert int(g.value(ds, VOID.triples)) == served
    listing = [d for d in requests.get(server.url + "dumps", headers={"Accept": "application/json"},
                                       timeout=60).json()["dumps"] if d["triples"] is not None]  # not the CSV table
    assert len(listing) >= 20
    checked = 0
    for subset in g.objects(ds, VOID.subset):
        if (subset, RDF.type, VOID.Linkset) in g:
            continue
        count = int(g.value(subset, VOID.triples))
        dumps = {str(u).rsplit("/", 1)[-1] for u in g.objects(subset, VOID.dataDump)}
        assert dumps
        for d in listing:
            if d["name"] in dumps:
                assert d["triples"] == count, (d["name"], d["triples"], count)
                checked += 1
    assert checked == len(listing), (checked, len(listing))


def test_void_names_this_version_and_the_previous_one(server):
    from gbagraph import __version__

    g = Graph().parse(data=requests.get(server.url + ".well-known/void", headers={"Accept": "text/turtle"},
                                        timeout=30).text, format="turtle")
    ds = URIRef(server.base + "id/dataset/gbagraph")
    assert str(g.value(ds, URIRef(str(DCAT) + 'version'))) == __version__
    previous = g.value(ds, URIRef(str(DCAT) + 'previousVersion'))
    assert previous is not None and str(g.value(previous, URIRef(str(DCAT) + 'version'))) != __version__

"""Real SPARQL clients against the server: SPARQLWrapper (GET and POST) and rdflib's SPARQLStore."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, TURTLE, XML, SPARQLWrapper

SELECT = "SELECT ?s ?c WHERE { ?s a ?c } ORDER BY ?s ?c LIMIT 5"
CONSTRUCT = "CONSTRUCT { ?s a ?c } WHERE { ?s a ?c } LIMIT 5"


@pytest.fixture(params=["GET", "POST"])
def wrapper(request, server) -> SPARQLWrapper:
    sw = SPARQLWrapper(server.sparql)
    sw.setMethod(request.param)
    return sw


def test_sparqlwrapper_select(wrapper, server):
    wrapper.setQuery(SELECT)
    wrapper.setReturnFormat(JSON)
    result = wrapper.query().convert()
    assert result["head"]["vars"] == ["s", "c"]
    assert result["results"]["bindings"] == server.select(SELECT)


def test_sparqlwrapper_select_xml(wrapper):
    wrapper.setQuery(SELECT)
    wrapper.setReturnFormat(XML)
    doc = wrapper.query().convert()
    assert len(doc.getElementsByTagName("result")) > 0


def test_sparqlwrapper_ask(wrapper):
    wrapper.setQuery("ASK { ?s a ?c }")
    wrapper.setReturnFormat(JSON)
    assert wrapper.query().convert()["boolean"] is True


def test_sparqlwrapper_construct(wrapper):
    wrapper.setQuery(CONSTRUCT)
    wrapper.setReturnFormat(TURTLE)
    data = wrapper.query().convert()
    assert len(Graph().parse(data=data, format="turtle")) > 0


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")  # inside SPARQLWrapper
def test_sparqlwrapper_construct_default_format(wrapper):
    """SPARQLWrapper's default return format for CONSTRUCT is RDF/XML, parsed into a Graph."""
    wrapper.setQuery(CONSTRUCT)
    graph = wrapper.query().convert()
    assert isinstance(graph, Graph) and len(graph) > 0


@pytest.fixture(params=["GET", "POST", "POST_FORM"])
def store_graph(request, server) -> Graph:
    return Graph(SPARQLStore(server.sparql, method=request.param, returnFormat="xml"))


def test_sparqlstore_select(store_graph, server):
    rows = list(store_graph.query(SELECT))
    assert [(str(r.s), str(r.c)) for r in rows] == [(b["s"]["value"], b["c"]["value"]) for b in server.select(SELECT)]


def test_sparqlstore_ask(store_graph):
    assert store_graph.query("ASK { ?s a ?c }").askAnswer is True
    assert store_graph.query("ASK { <http://example.com/nothing> ?p ?o }").askAnswer is False


def test_sparqlstore_construct(store_graph):
    """SPARQLStore asks for a CONSTRUCT with only a SPARQL-results Accept; the server answers Turtle."""
    result = store_graph.query(CONSTRUCT)
    assert len(result.graph) > 0
    assert all(isinstance(s, URIRef) for s in result.graph.subjects())


def test_sparqlstore_triples(store_graph, server):
    iri = URIRef(server.some_resource())
    assert len(list(store_graph.triples((iri, None, None)))) > 0

"""Both engines give the same answers: every ``queries/*.rq`` file and the protocol cases, on the bundled graph.

SELECT answers are compared as multisets of bindings (order ignored; numbers compared by value; simple,
``xsd:string`` and language-tagged strings by their text, values joined by GROUP_CONCAT in any order; blank
nodes by position only), ASK answers must be equal, and
CONSTRUCT answers isomorphic.  DESCRIBE is not compared: SPARQL leaves its answer to the implementation.

An equivalence suite: slow (``-m slow``); ``GBAGRAPH_SHORT=1`` compares every fourth query and protocol case.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest
from rdflib import Graph, Literal
from rdflib.compare import isomorphic
from rdflib.namespace import XSD
from tooling import short

from gbagraph.config import Settings
from gbagraph.namespaces import BASE, graph_iri
from gbagraph.pipeline import policy_for, prepare
from gbagraph.query import Engine, OxigraphEngine, QueryRequest
from gbagraph.reference.engine import RdflibEngine
from gbagraph.sparqltext import form, service_targets

ROOT = Path(__file__).resolve().parents[2]
QUERY_FILES = sorted((ROOT / "queries").glob("*.rq"))
COMPARED = QUERY_FILES[::4] if short() else QUERY_FILES
NUMERIC = {str(XSD[t]) for t in ("integer", "decimal", "double", "float", "int", "long", "short",
                                 "nonNegativeInteger", "positiveInteger", "negativeInteger", "nonPositiveInteger")}


@pytest.fixture(scope="module")
def engines(project_settings: Settings) -> tuple[Engine, Engine]:
    prepared = prepare(project_settings.with_(validate=False, engine="rdflib"))
    policy = policy_for(prepared.settings)
    dataset = prepared.bundle.dataset
    return RdflibEngine(dataset, policy), OxigraphEngine.from_dataset(dataset, policy)


def _separators(query: str) -> list[str]:
    """GROUP_CONCAT separators of a query (SPARQL leaves the order of the joined values undefined)."""
    found = re.findall(r"""GROUP_CONCAT\s*\([^;]*;\s*separator\s*=\s*(?:"([^"]*)"|'([^']*)')""", query, re.I)
    seps = [a or b for a, b in found]
    if not seps and re.search(r"GROUP_CONCAT", query, re.I):
        seps.append(" ")  # the default separator
    return [s for s in seps if s]


def _unordered(text: str, seps: list[str]) -> str | tuple:
    for sep in seps:
        if sep in text:
            return tuple(sorted(text.split(sep)))
    return text


def _term(value: dict | None, seps: list[str] = ()) -> tuple:  # type: ignore[assignment]
    if value is None:
        return ("unbound",)
    kind = value["type"]
    if kind == "bnode":
        return ("bnode",)
    if kind == "uri":
        return ("uri", value["value"])
    if value.get("xml:lang"):
        # strings compare by their text: engines differ on the tag of derived strings (GROUP_CONCAT keeps a
        # common language tag in Oxigraph, gives a simple literal in rdflib); labels are @en by the shapes anyway
        return ("string", _unordered(value["value"], seps))
    datatype = value.get("datatype", str(XSD.string))
    if datatype == str(XSD.string):
        return ("string", _unordered(value["value"], seps))
    if datatype == str(XSD.boolean) and value["value"] in ("true", "false", "1", "0"):
        return ("boolean", value["value"] in ("true", "1"))  # "1" and "true" are one value (Virtuoso writes 1/0)
    if datatype in NUMERIC:
        try:
            return ("number", Decimal(value["value"]))
        except InvalidOperation:
            return ("literal", value["value"], datatype)
    return ("literal", value["value"], datatype)


def select_multiset(body: bytes, seps: list[str] = ()) -> Counter:  # type: ignore[assignment]
    results = json.loads(body)
    names = results["head"].get("vars", [])
    rows: Counter = Counter()
    for b in results["results"]["bindings"]:
        rows[tuple(_term(b.get(n), seps) for n in names)] += 1
    return rows


def _graph(body: bytes) -> Graph:
    g = Graph()
    g.parse(data=body.decode("utf-8"), format="nt")
    out = Graph()
    for s, p, o in g:
        if isinstance(o, Literal) and o.datatype == XSD.string:
            o = Literal(str(o))
        out.add((s, p, o))
    return out


def compare(query: str, a: Engine, b: Engine, **params: object) -> None:
    kind = form(query)
    fmt = "json" if kind in ("SELECT", "ASK") else "nt"
    ra = a.answer(QueryRequest(query, format=fmt, **params))  # type: ignore[arg-type]
    rb = b.answer(QueryRequest(query, format=fmt, **params))  # type: ignore[arg-type]
    assert ra.kind == rb.kind, (ra.kind, rb.kind)
    if ra.kind == "ASK":
        assert json.loads(ra.body)["boolean"] == json.loads(rb.body)["boolean"]
    elif ra.kind == "SELECT":
        seps = _separators(query)
        ma, mb = select_multiset(ra.body, seps), select_multiset(rb.body, seps)
        if ma != mb and set(ma) == set(mb) and "oxigraph" in (a.name, b.name):
            # Same rows, different multiplicities: pyoxigraph 0.5 counts a triple once per named graph in a
            # union/merged default graph (oxigraph/oxigraph#1919); SPARQL says the default graph is their RDF
            # merge (a set), as rdflib does.  Reported, not hidden: the test shows as xfail until fixed.
            pytest.xfail(f"duplicate rows from oxigraph's union default graph (oxigraph#1919): "
                         f"{sum(ma.values())} vs {sum(mb.values())} rows")
        assert ma == mb, f"{a.name} only: {list((ma - mb).items())[:5]}; {b.name} only: {list((mb - ma).items())[:5]}"
    else:
        ga, gb = _graph(ra.body), _graph(rb.body)
        assert isomorphic(ga, gb), f"{a.name}: {len(ga)} triples, {b.name}: {len(gb)} triples"


#: differences SPARQL allows, reported to the queries' author (make the answer deterministic, then drop the entry)
KNOWN_DIFFERENCES: dict[str, str] = {}


@pytest.mark.parametrize("path", COMPARED, ids=[p.stem for p in COMPARED])
def test_competency_query_same_answer(engines: tuple[Engine, Engine], path: Path) -> None:
    query = path.read_text(encoding="utf-8")
    if path.stem in KNOWN_DIFFERENCES:
        try:
            compare(query, *engines)
        except AssertionError:
            pytest.xfail(KNOWN_DIFFERENCES[path.stem])
        return
    assert not service_targets(query), "federated queries live in queries/federated/ (tests/linking/test_federated.py)"
    assert form(query) != "DESCRIBE", "DESCRIBE answers are implementation-defined: not a competency query"
    compare(query, *engines)


def test_there_are_competency_queries() -> None:
    assert len(QUERY_FILES) >= 27, [p.name for p in QUERY_FILES]


PROTOCOL_CASES = [
    "ASK { ?s ?p ?o }",
    "ASK { <http://example.org/nothing> ?p ?o }",
    "SELECT ?s ?c WHERE { ?s a ?c }",
    "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
    "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
    'SELECT ("香港—Hong Kong" AS ?x) WHERE {}',
    "SELECT ?s ?l WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l FILTER(LANG(?l) = 'en') }",
    "SELECT ?s (COUNT(?o) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?s HAVING (COUNT(?o) > 5)",
    "SELECT ?s WHERE { ?s a ?c OPTIONAL { ?s <http://www.w3.org/2004/02/skos/core#altLabel> ?a } FILTER(!BOUND(?a)) }",
    "SELECT ?x ?y WHERE { ?x <http://www.w3.org/2000/01/rdf-schema#subClassOf>+ ?y }",
    "CONSTRUCT { ?s a ?c } WHERE { ?s a ?c }",
    "CONSTRUCT WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?o }",
]


UNION_1919 = ("pyoxigraph 0.5 counts a triple once per named graph in the union default graph "
              "(oxigraph/oxigraph#1919), so aggregates over the default graph differ from rdflib's (correct) answer")
FROM_IGNORED = ("OxigraphEngine passes use_default_graph_as_union=True even when the query has FROM, and Oxigraph "
                "then ignores the FROM clause")
PROTOCOL_XFAIL: dict[str, str] = {}  # was {HAVING COUNT case: UNION_1919} until query.py stored the union as a set


@pytest.mark.parametrize("query", PROTOCOL_CASES[::4] if short() else PROTOCOL_CASES)
def test_protocol_case_same_answer(engines: tuple[Engine, Engine], query: str) -> None:
    if query in PROTOCOL_XFAIL:
        pytest.xfail(PROTOCOL_XFAIL[query])
    compare(query, *engines)


# query.py's RdflibEngine still calls Dataset.default_context (deprecated in rdflib 7.6) for default-graph-uri
pytestmark = [pytest.mark.slow,
              pytest.mark.filterwarnings("ignore:Dataset.default_context is deprecated:DeprecationWarning")]


@pytest.mark.parametrize("which", ["ontology", "provenance"])
def test_default_graph_parameter_same_answer(engines: tuple[Engine, Engine], project_settings: Settings,
                                             which: str) -> None:
    g = graph_iri(BASE, which)
    compare("SELECT ?s ?p ?o WHERE { ?s ?p ?o }", *engines, default_graphs=(g,))
    compare("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", *engines, default_graphs=(g,))


@pytest.mark.parametrize("which", ["ontology", "provenance"])
def test_named_graph_parameter_same_answer(engines: tuple[Engine, Engine], project_settings: Settings,
                                           which: str) -> None:
    g = graph_iri(BASE, which)
    compare("SELECT ?g ?s WHERE { GRAPH ?g { ?s a ?c } }", *engines, named_graphs=(g,))


def test_from_clause_same_answer(engines: tuple[Engine, Engine], project_settings: Settings) -> None:
    g = graph_iri(BASE, "ontology")
    compare(f"SELECT (COUNT(*) AS ?n) FROM <{g}> WHERE {{ ?s ?p ?o }}", *engines)


def test_comparison_can_fail(engines: tuple[Engine, Engine]) -> None:
    rdflib_engine, ox_engine = engines

    class Off:
        name = "off"

        def answer(self, request: QueryRequest):  # one row short
            answer = ox_engine.answer(request)
            data = json.loads(answer.body)
            data["results"]["bindings"] = data["results"]["bindings"][1:]
            return type(answer)(answer.kind, answer.format, json.dumps(data).encode(), answer.count)

    with pytest.raises(AssertionError):
        compare("SELECT ?s ?c WHERE { ?s a ?c }", rdflib_engine, Off())  # type: ignore[arg-type]

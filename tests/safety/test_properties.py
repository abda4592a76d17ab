"""Property-based checks over query text: only ``GbagraphError`` ever escapes, and neither case, comments,
escapes nor nesting hide an update or a SERVICE call."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from rdflib import Dataset, Literal, URIRef

from gbagraph.errors import GbagraphError, QueryError, UpdateRefused
from gbagraph.query import OxigraphEngine, Policy, QueryRequest, check_text
from gbagraph.reference.engine import RdflibEngine
from gbagraph.workers import WorkerPoolEngine

from .conftest import EX, listening

BOUNDED = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

FRAGMENTS = [
    "SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "WHERE", "{", "}", "(", ")", "[", "]", "?s", "?p", "?o", "$x",
    f"<{EX}s1>", f"<{EX}p1>", "ex:a", "PREFIX", "ex:", f"<{EX}>", "BASE", "SERVICE", "SILENT", "FROM", "NAMED",
    "GRAPH", "OPTIONAL", "UNION", "MINUS", "FILTER", "BIND", "AS", "VALUES", "UNDEF", "LIMIT", "OFFSET", "ORDER",
    "GROUP", "BY", "HAVING", "COUNT(*)", "DISTINCT", ".", ";", ",", "*", "a", '"x"', "'''y'''", '"\\u0022"', "1",
    "2.5", "true", "# c\n", "# c\r", "\\u0053", "\u0131", "\u017f", "INSERT", "DELETE", "DATA", "LOAD", "=", "<",
    ">", "!", "&&", "||", "+", "-", "/", "^", "|", "^^", "@en", "_:b", "NOT", "EXISTS", "IN", "STR(?o)",
    'REGEX(?o, "a")', "SUBSTR(", "<file:///etc/hostname>", "SAMPLE(?o)", "GROUP_CONCAT(?o)", "IF(", "COALESCE(",
    "xsd:integer(?o)", "<http://www.w3.org/2001/XMLSchema#date>(?o)", "LANGMATCHES(", "DATATYPE(?o)", "*+?",
    f"<{EX}f>(?o)", "99999999999999999999999", "!(^<p>)", "REGEX('a', '(')", "STRLANG('a', 'x y')", "SUM(?s)",
]

#: queries each engine once let escape as a raw exception (found by this file's generators and by hand)
EVALUATION_FAILURES = [
    f"SELECT * WHERE {{ ?s ?p ?o FILTER(<{EX}f>(?o)) }}",  # oxigraph: RuntimeError, unknown function
    f"SELECT * WHERE {{ ?s ?p ?o }} ORDER BY <{EX}f>(?o)",  # rdflib: TypeError comparing None
    "SELECT * WHERE { ?s ?p ?o } LIMIT 99999999999999999999999",  # rdflib: ValueError from islice
    "SELECT * WHERE { ?s ?p ?o } OFFSET 99999999999999999999999",
    f"SELECT * WHERE {{ ?s !(^<{EX}p0>) ?o }}",  # rdflib: Exception, invalid path
    "SELECT (REGEX('a', '(') AS ?r) WHERE {}",  # rdflib: re.error
    "SELECT (STRLANG('a', 'x y') AS ?r) WHERE {}",  # rdflib: ValueError, language tag
    f"SELECT (<{EX}f>(1) AS ?x) WHERE {{}}",
    f"SELECT * WHERE {{ ?s <{EX}p0>|^<{EX}p1>/!(^<{EX}p0>|<{EX}p1>) ?o }}",
]
fragment_queries = st.lists(st.sampled_from(FRAGMENTS), max_size=30).map(" ".join)
any_text = st.text(max_size=300)


@pytest.fixture(scope="module")
def tiny() -> Dataset:
    """Five triples: whatever query hypothesis builds, evaluating it is quick."""
    ds = Dataset(default_union=True)
    g = ds.graph(URIRef(EX + "graph/tiny"))
    for i in range(5):
        g.add((URIRef(f"{EX}s{i}"), URIRef(f"{EX}p{i % 2}"), Literal(i if i % 2 else f"v{i}", lang=None)))
    return ds


@pytest.fixture(scope="module")
def tiny_engines(tiny: Dataset) -> list:
    return [RdflibEngine(tiny, Policy()), OxigraphEngine.from_dataset(tiny, Policy())]


@pytest.fixture(scope="module")
def tiny_pools(tiny_engines: list) -> Iterator[list[WorkerPoolEngine]]:
    pools = [WorkerPoolEngine(e, workers=1, timeout=3.0) for e in tiny_engines]
    yield pools
    for pool in pools:
        pool.close()


@BOUNDED
@given(st.one_of(any_text, fragment_queries))
def test_check_text_raises_only_gbagraph_errors(text: str) -> None:
    try:
        check_text(text, Policy())
    except GbagraphError:
        pass


@BOUNDED
@given(any_text)
def test_engines_raise_only_gbagraph_errors_on_any_text(tiny_engines: list, text: str) -> None:
    for engine in tiny_engines:
        try:
            engine.answer(QueryRequest(text))
        except GbagraphError:
            pass


@pytest.mark.parametrize("query", EVALUATION_FAILURES)
def test_evaluation_failures_become_query_errors(tiny_engines: list, query: str) -> None:
    for engine in tiny_engines:
        try:
            engine.answer(QueryRequest(query, format="json"))
        except QueryError as exc:
            assert exc.status == 400, (engine.name, exc)


@BOUNDED
@given(fragment_queries)
@example(EVALUATION_FAILURES[0])
@example(EVALUATION_FAILURES[1])
@example(EVALUATION_FAILURES[4])
def test_engines_raise_only_gbagraph_errors_on_sparql_like_text(tiny_pools: list, text: str) -> None:
    """Through worker pools (a pathological query cannot hang or crash the test run): the inner engine itself
    must only raise ``GbagraphError`` — the worker would report anything else as ``query failed (Type: …)``."""
    for pool in tiny_pools:
        try:
            pool.answer(QueryRequest(text))
        except GbagraphError as exc:
            assert not str(exc).startswith("query failed ("), f"{pool.name} let a raw exception escape: {exc}"


# ---------------------------------------------------------------- updates and SERVICE calls cannot hide

SEPARATORS = [" ", "\n", "\t", "\r\n", " # SELECT * WHERE { }\n", "# ASK {}\r", "\n# SERVICE-free comment\n  "]
UPDATES = [
    ["INSERT", "DATA", "{", f"<{EX}a>", f"<{EX}b>", f"<{EX}c>", "}"],
    ["DELETE", "WHERE", "{", "?s", "?p", "?o", "}"],
    ["DELETE", "DATA", "{", f"<{EX}a>", f"<{EX}b>", f"<{EX}c>", "}"],
    ["LOAD", "<http://127.0.0.1:9/x.ttl>"],
    ["LOAD", "SILENT", "<file:///etc/hostname>", "INTO", "GRAPH", f"<{EX}g>"],
    ["CLEAR", "ALL"], ["DROP", "SILENT", "GRAPH", f"<{EX}g>"], ["CREATE", "GRAPH", f"<{EX}g>"],
    ["COPY", "DEFAULT", "TO", f"<{EX}g>"], ["MOVE", f"<{EX}a>", "TO", f"<{EX}b>"], ["ADD", "DEFAULT", "TO", f"<{EX}g>"],
    ["WITH", f"<{EX}g>", "DELETE", "{", "?s", "?p", "?o", "}", "WHERE", "{", "?s", "?p", "?o", "}"],
]
KEYWORDS = {"INSERT", "DELETE", "DATA", "WHERE", "LOAD", "SILENT", "INTO", "GRAPH", "CLEAR", "ALL", "DROP",
            "CREATE", "COPY", "DEFAULT", "TO", "MOVE", "ADD", "WITH", "SERVICE", "SELECT", "PREFIX", "BASE",
            "OPTIONAL", "UNION", "MINUS", "FILTER", "EXISTS"}


@st.composite
def disguised(draw: st.DrawFn, word: str) -> str:
    """``word`` in random case, some letters written as ``\\u`` escapes or as ı/ſ (rdflib reads them so)."""
    out = []
    for ch in word:
        how = draw(st.sampled_from(["upper", "lower", "upper", "lower", "escape", "fold"]))
        if how == "escape":
            out.append(f"\\u{ord(ch):04X}" if draw(st.booleans()) else f"\\U{ord(ch):08x}")
        elif how == "fold" and ch in "IS":
            out.append({"I": "\u0131", "S": "\u017f"}[ch])
        else:
            out.append(ch.upper() if how == "upper" else ch.lower())
    return "".join(out)


@st.composite
def spelled(draw: st.DrawFn, tokens: list[str], plain: bool = False) -> str:
    """``tokens`` joined by random whitespace and comments, keywords disguised (or only re-cased if ``plain``)."""
    parts = []
    for token in tokens:
        if token in KEYWORDS:
            token = draw(st.sampled_from([token.lower(), token, token.title()])) if plain else draw(disguised(token))
        parts.append(token)
        parts.append(draw(st.sampled_from(SEPARATORS)))
    return "".join(parts)


PROLOGUES = [[], ["PREFIX", "ex:", f"<{EX}>"], ["BASE", f"<{EX}>", "PREFIX", ":", f"<{EX}>"]]


@BOUNDED
@given(st.data())
def test_update_detection_is_not_fooled(data: st.DataObject) -> None:
    tokens = data.draw(st.sampled_from(PROLOGUES)) + data.draw(st.sampled_from(UPDATES))
    text = data.draw(spelled(tokens))
    with pytest.raises(UpdateRefused):
        check_text(text, Policy())


NESTINGS = [
    ("{", "}"), ("OPTIONAL {", "}"), ("{ ?s ?p ?o } UNION {", "}"), ("FILTER EXISTS {", "}"), ("MINUS {", "}"),
    ("{ SELECT * WHERE {", "} }"), ("GRAPH ?g {", "}"),
]


@st.composite
def service_queries(draw: st.DrawFn, url: str, plain: bool = False, nestings: list | None = None) -> str:
    base = url.rsplit("/", 1)[0] + "/"
    prologue, target = draw(st.sampled_from([
        ([], f"<{url}>"), (["PREFIX", "ep:", f"<{base}>"], "ep:sparql"), ([], "?endpoint"), ([], "undeclared:x"),
    ]))
    silent = ["SILENT"] if draw(st.booleans()) else []
    tokens = ["SERVICE", *silent, target, "{", "?s", "?p", "?o", "}"]
    for opening, closing in draw(st.lists(st.sampled_from(nestings or NESTINGS), max_size=4)):
        tokens = [*opening.split(), *tokens, *closing.split()]
    body = ["SELECT", "*", "WHERE", "{", *tokens, "}"]
    return draw(spelled(prologue + body, plain=plain))


@BOUNDED
@given(st.data())
def test_service_detection_is_not_fooled(data: st.DataObject) -> None:
    text = data.draw(service_queries("http://127.0.0.1:9/sparql"))
    with pytest.raises(QueryError) as caught:
        check_text(text, Policy(service_allowlist=("http://other.example/sparql",)))
    assert caught.value.status in (400, 403)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_no_generated_service_call_reaches_the_network(tiny_engines: list, data: st.DataObject) -> None:
    with listening() as listener:
        for engine in tiny_engines:
            text = data.draw(service_queries(listener.url))
            with pytest.raises(QueryError):
                engine.answer(QueryRequest(text))
        assert listener.settle(0.05) == []


#: nestings in which Oxigraph always evaluates the SERVICE (it skips MINUS/EXISTS over empty solutions)
EVALUATED = [NESTINGS[0], NESTINGS[1], NESTINGS[2], NESTINGS[5]]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_generator_control_plain_service_calls_do_reach_an_allowed_listener(tiny_engines: list,
                                                                            data: st.DataObject) -> None:
    """The generator makes real calls: allow the listener and the engines connect to it."""
    with listening() as listener:
        text = data.draw(service_queries(listener.url, plain=True, nestings=EVALUATED))
        if "?endpoint" in text or "undeclared:" in text:
            return  # no IRI to allow
        engine = OxigraphEngine(tiny_engines[1].store, Policy(service_allowlist=(listener.url,)))
        try:
            engine.answer(QueryRequest(text))
        except GbagraphError:
            pass  # the listener answers nothing useful
        assert listener.settle(0.3) != [], text


safe_text = st.text(st.characters(blacklist_characters='"\\\n\r', blacklist_categories=("Cs",)), max_size=40)


@BOUNDED
@given(st.data())
def test_service_in_strings_and_comments_is_not_a_call(data: st.DataObject) -> None:
    word = data.draw(st.sampled_from(["SERVICE", "service", "SeRvIcE", "SERV\u0131CE", "\u017fERVICE"]))
    filler = data.draw(safe_text)
    payload = f"{filler} {word} <http://127.0.0.1:9/> {{ ?s ?p ?o }} {data.draw(safe_text)}"
    text = (f'SELECT ?x WHERE {{ ?x <{EX}p> "{payload}" . ?x <{EX}{word.encode("ascii", "ignore").decode()}> ?y }}'
            f"\n# {payload}\n")
    assert check_text(text, Policy()) == "SELECT"

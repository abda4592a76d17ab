"""The reference engine: queries evaluated by rdflib's pure-Python SPARQL engine, behind the same ``Engine``
interface and policy as the serving engine (:class:`gbagraph.query.OxigraphEngine`).  The differential tests
compare the two; ``engine='rdflib'`` serves with it."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from rdflib import Dataset, Graph, URIRef
from rdflib.plugins.sparql import prepareQuery
from rdflib.query import Result

from ..formats import answer_format
from ..guard import guarded
from ..query import Answer, Policy, QueryRequest, _limit, check_text
from ..syntax import explain


class RdflibEngine:
    """Queries evaluated by rdflib's pure-Python SPARQL engine (the reference implementation)."""

    name = "rdflib"

    def __init__(self, dataset: Dataset, policy: Policy | None = None) -> None:
        self.dataset = dataset
        self.policy = policy or Policy()

    @guarded
    def answer(self, request: QueryRequest) -> Answer:
        lexed = request.lex()
        check_text(lexed, self.policy)
        try:
            prepared = prepareQuery(request.query, initNs=self.policy.prefixes)
        except Exception as exc:  # pyparsing.ParseException and friends
            raise explain(request.query, getattr(exc, "lineno", None), getattr(exc, "column", None),
                          getattr(exc, "msg", None) or str(exc), self.policy.prefixes) from exc
        if prepared.algebra.get("datasetClause"):
            default, named = _dataset_clause(prepared.algebra["datasetClause"])
            prepared.algebra["datasetClause"] = None  # never let rdflib fetch FROM graphs
            if not (request.default_graphs or request.named_graphs):  # the protocol's graphs override FROM
                request = replace(request, default_graphs=default, named_graphs=named)
        target = self._dataset_for(request)
        result: Result = target.query(prepared)
        kind = {"SELECT": "SELECT", "ASK": "ASK", "CONSTRUCT": "CONSTRUCT"}.get(result.type, "CONSTRUCT")
        if result.type == "CONSTRUCT" and lexed.form == "DESCRIBE":
            kind = "DESCRIBE"
        fmt = answer_format(request.format, kind)
        max_rows = request.max_rows or self.policy.max_rows
        if result.type == "ASK":
            return Answer(kind, fmt, result.serialize(format=fmt.rdflib) or b"", 1)
        if result.type == "SELECT":
            _limit(len(result), max_rows, "rows")
            return Answer(kind, fmt, result.serialize(format=fmt.rdflib) or b"", len(result))
        graph = result.graph
        assert graph is not None
        _limit(len(graph), max_rows, "triples")
        for prefix, ns in self.policy.prefixes.items():
            graph.bind(prefix, ns, override=True)
        return Answer(kind, fmt, graph.serialize(format=fmt.rdflib, encoding="utf-8"), len(graph))

    def _dataset_for(self, request: QueryRequest) -> Dataset | Graph:
        if not request.default_graphs and not request.named_graphs:
            return self.dataset
        view = Dataset(default_union=False)
        default = view.default_graph if hasattr(Dataset, "default_graph") else view.default_context  # rdflib < 7.2
        for g in request.default_graphs:
            default += Graph(self.dataset.store, identifier=URIRef(g))  # a view: adds no graph to the dataset
        names = request.named_graphs or tuple(str(c.identifier) for c in self.dataset.graphs())
        for g in names:
            view.graph(URIRef(g)).__iadd__(Graph(self.dataset.store, identifier=URIRef(g)))
        return view


def _dataset_clause(clauses: list[Any]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    default, named = [], []
    for clause in clauses:
        if "default" in clause:
            default.append(str(clause["default"]))
        elif "named" in clause:
            named.append(str(clause["named"]))
    return tuple(default), tuple(named)

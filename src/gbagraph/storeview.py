"""A read-only rdflib ``Store`` over a pyoxigraph store: rdflib code reads the served store without a copy.

Pages, search, the series and the editor's vocabulary are written against rdflib's ``Dataset`` API.  Wrapped in
:class:`StoreView` (``Dataset(store=StoreView(store), default_union=True)``) they read the one on-disk store that
every process shares, one triple pattern at a time, and hold no copy of the data.

It answers as the reference loader's dataset (:func:`gbagraph.reference.loader.load`) does, not as the store is laid out:

- the union (a pattern without a graph) is read from the store's default graph, where the union of the named
  graphs is stored once (:func:`gbagraph.query.materialise_union`): each triple comes once, and ``quads()`` names
  the named graphs holding it, never the default graph;
- the default graph itself is empty, as in the reference loader, which puts every triple in a named graph;
- plain literals come back without a datatype (``Literal("x")``, as rdflib's parsers give them), not as
  ``xsd:string``.

``oxrdflib`` (an rdflib store over pyoxigraph) was tried first: on a store opened with ``Store.read_only`` its
``Dataset.graph()`` fails (it opens a write transaction), its union lists every triple once per graph plus once
for our materialised default graph, and it types plain literals ``xsd:string`` — every method would need
overriding here, so this small store is used instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, cast

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.plugins.stores.memory import Memory
from rdflib.store import Store
from rdflib.term import IdentifiedNode, Node

from .errors import ReadOnlyView

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_DEFAULT = ox.DefaultGraph()

Pattern = tuple[Node | None, Node | None, Node | None]


def from_ox(term: Any) -> Node:
    """The rdflib term for a pyoxigraph term."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value) if datatype == _XSD_STRING else Literal(term.value, datatype=URIRef(datatype))
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    raise ValueError(f"no rdflib term for {term!r}")


def to_ox(term: Node | None) -> Any:
    """The pyoxigraph term for an rdflib term of a pattern (None stays None: any term)."""
    if term is None:
        return None
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)) if term.datatype else None)
    raise ValueError(f"no pyoxigraph term for {term!r}")


class StoreView(Store):
    """rdflib's view of a pyoxigraph store whose default graph holds the union of its named graphs (read-only)."""

    context_aware = True
    graph_aware = True
    formula_aware = False
    transaction_aware = False

    def __init__(self, store: ox.Store) -> None:
        super().__init__()
        self.store = store
        self._names = Memory()  # prefix bindings only, kept as rdflib's own store keeps them

    # -- reading --------------------------------------------------------------------------------------------------

    def _graph_of(self, context: Graph | Node | None) -> Any:
        """The store's graph for ``context``: None for the union, the default graph marker for the (empty)
        default graph, else the named graph."""
        if context is None:
            return None
        identifier = context.identifier if isinstance(context, Graph) else context
        if identifier == DATASET_DEFAULT_GRAPH_ID:
            return _DEFAULT
        return to_ox(identifier)

    def _context(self, name: Any) -> Graph:
        return Graph(store=self, identifier=cast(IdentifiedNode, from_ox(name)))

    def _quads(self, s: Any, p: Any, o: Any, graph: Any) -> Iterator[ox.Quad]:
        try:
            return self.store.quads_for_pattern(s, p, o, graph)
        except TypeError:  # a literal subject, a blank node predicate: no triple has one
            return iter(())

    def _named(self, s: Any, p: Any, o: Any) -> Iterator[Graph]:
        return (self._context(q.graph_name) for q in self._quads(s, p, o, None)
                if not isinstance(q.graph_name, ox.DefaultGraph))

    def triples(self, triple_pattern: Any, context: Any = None) -> Iterator[tuple[Any, Iterator[Graph]]]:
        try:
            s, p, o = (to_ox(t) for t in triple_pattern)
            graph = self._graph_of(context)
        except (TypeError, ValueError):  # a term the store cannot hold (a path, a variable): nothing matches
            return
        if isinstance(graph, ox.DefaultGraph):
            return  # the default graph of the reference dataset is empty
        if graph is None:  # the union: the materialised default graph holds each triple once
            for q in self._quads(s, p, o, _DEFAULT):
                yield (from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)), \
                    self._named(q.subject, q.predicate, q.object)
            return
        context_graph = context if isinstance(context, Graph) else self._context(graph)
        for q in self._quads(s, p, o, graph):
            yield (from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)), iter((context_graph,))

    def __len__(self, context: Any = None) -> int:
        graph = self._graph_of(context)
        if isinstance(graph, ox.DefaultGraph):
            return 0
        where = "?s ?p ?o" if graph is None else f"GRAPH {graph} {{ ?s ?p ?o }}"
        rows = self.store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")
        return int(next(iter(rows))["n"].value)  # type: ignore[arg-type]

    def contexts(self, triple: Any = None) -> Iterator[Graph]:  # type: ignore[override]
        if triple is None:
            return (self._context(g) for g in self.store.named_graphs())
        s, p, o = (to_ox(t) for t in triple)
        return self._named(s, p, o)

    # -- prefixes (kept in memory, as rdflib's store keeps them) --------------------------------------------------

    def bind(self, prefix: str, namespace: URIRef, override: bool = True) -> None:
        self._names.bind(prefix, namespace, override=override)

    def namespace(self, prefix: str) -> URIRef | None:
        return self._names.namespace(prefix)

    def prefix(self, namespace: URIRef) -> str | None:
        return self._names.prefix(namespace)

    def namespaces(self) -> Iterator[tuple[str, URIRef]]:
        return self._names.namespaces()

    # -- writing: refused (asking for a graph that is not there gives an empty one, as rdflib does) ---------------

    def add_graph(self, graph: Graph) -> None:
        pass

    def add(self, triple: Any, context: Any, quoted: bool = False) -> None:
        raise ReadOnlyView("the served store is read-only")

    def addN(self, quads: Iterable[Any]) -> None:  # noqa: N802 (rdflib's name)
        raise ReadOnlyView("the served store is read-only")

    def remove(self, triple: Any, context: Any = None) -> None:
        raise ReadOnlyView("the served store is read-only")

    def remove_graph(self, graph: Graph) -> None:
        raise ReadOnlyView("the served store is read-only")

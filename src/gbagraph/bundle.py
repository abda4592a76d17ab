"""What a prepared dataset is: :class:`GraphBundle`, the served store (or the reference loader's rdflib
``Dataset``) with the files each named graph came from, and the small helpers that read a store as rdflib terms.

Named graphs (see docs/data-model.md and :mod:`.layout`): ``graph/ontology``, one per data file,
``graph/provenance``, and — once prepared — ``graph/inferred`` and ``graph/void``; the default graph is their
union.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, cast

import pyoxigraph as ox
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import PROV
from rdflib.term import Node

from .namespaces import BASE, graph_iri, prefixes
from .storeview import StoreView, from_ox


def solutions(store: ox.Store, query: str, **options: Any) -> ox.QuerySolutions:
    """The rows of a SELECT on ``store`` (typed: pyoxigraph's ``query`` returns any kind of answer)."""
    return cast(ox.QuerySolutions, store.query(query, **options))


def constructed(store: ox.Store, query: str, **options: Any) -> ox.QueryTriples:
    """The triples of a CONSTRUCT on ``store``."""
    return cast(ox.QueryTriples, store.query(query, **options))


class GraphBundle:
    """The loaded dataset and where each named graph came from.

    Built around a pyoxigraph store (:func:`gbagraph.pipeline.prepare`), or as an rdflib ``Dataset``
    (:func:`gbagraph.reference.loader.load`, the reference loader); with a store, :attr:`dataset` is a read-only
    rdflib view of it (:class:`gbagraph.storeview.StoreView`) for the features that read rdflib (resource pages,
    search, dumps of small graphs): no process holds a copy of the data.
    """

    def __init__(self, dataset: Dataset | None = None, *, store: ox.Store | None = None, base: str = BASE,
                 sources: dict[str, list[Path]] | None = None) -> None:
        self._dataset = dataset
        self.store = store
        self.base = base
        self.sources: dict[str, list[Path]] = sources if sources is not None else {}  # graph IRI -> its files
        self._lock = threading.Lock()
        self._counts: dict[str, int] | None = None

    @property
    def dataset(self) -> Dataset:
        """The rdflib dataset: the reference loader's, or a view of the store (no copy; its union and its
        terms as the reference loader's)."""
        with self._lock:
            if self._dataset is None:
                assert self.store is not None
                self._dataset = Dataset(store=StoreView(self.store), default_union=True)
                for prefix, ns in prefixes(BASE).items():
                    self._dataset.bind(prefix, ns, override=True)
            return self._dataset

    def in_memory(self) -> Dataset:
        """An rdflib dataset in memory: the reference loader's, or a copy of the store (what rdflib's SPARQL
        engine, the reference engine, reads; at scale a copy takes as much memory again as the data)."""
        return rdflib_copy(self.store) if self.store is not None else self.dataset

    def graph_counts(self) -> dict[str, int]:
        """Triples per non-empty named graph (from the store when there is one: no rdflib copy)."""
        if self._counts is None:
            if self.store is not None:
                rows = solutions(self.store, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
                self._counts = {row["g"].value: int(row["n"].value) for row in rows}
            else:
                self._counts = {str(g.identifier): len(g) for g in self.dataset.graphs()
                                if len(g) and not str(g.identifier).startswith("urn:x-rdflib:")}
        return self._counts

    def graph(self, name: str) -> Graph:
        """The named graph ``{base}graph/{name}``."""
        return self.dataset.graph(URIRef(graph_iri(self.base, name)))

    def set_counts(self, counts: dict[str, int] | None) -> None:
        """Triples per named graph, when known already (from the store's marker)."""
        if counts:
            self._counts = dict(counts)

    def select(self, query: str) -> list[tuple[Node | None, ...]]:
        """The rows of a SELECT over the union (the default graph), as rdflib terms: run by the store when there
        is one, else by rdflib."""
        if self.store is not None:
            return [tuple(None if term is None else from_ox(term) for term in row)
                    for row in solutions(self.store, query)]
        return [tuple(row) for row in self.dataset.query(query)]  # type: ignore[arg-type]

    def union_count(self) -> int:
        """Distinct triples over all named graphs (the default graph's size)."""
        if self.store is not None:
            rows = solutions(self.store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
            return int(next(iter(rows))["n"].value)
        return len({t for g in self.dataset.graphs() if not str(g.identifier).startswith("urn:x-rdflib:") for t in g})

    @property
    def ontology(self) -> Graph:
        return self.graph("ontology")

    @property
    def provenance(self) -> Graph:
        return self.graph("provenance")

    def curated_graphs(self) -> list[Graph]:
        """Graphs read from ``data/`` (facts, sources, links)."""
        onto = graph_iri(self.base, "ontology")
        return [self.dataset.graph(URIRef(g)) for g in self.sources if g != onto]

    def union(self, graphs: Iterable[Graph]) -> Graph:
        """A fresh graph holding the triples of ``graphs`` (a copy: changing it changes nothing here)."""
        out = Graph()
        for prefix, ns in self.dataset.namespaces():
            out.bind(prefix, ns, override=False)
        for g in graphs:
            for triple in g:
                out.add(triple)
        return out

    def asserted(self, *, links: bool = True) -> Graph:
        """Ontology + curated facts + provenance, as one graph (what SHACL reads).

        With ``links=False`` the graphs under ``graph/links/`` are left out: that is what OWL RL reads, so
        that owl:sameAs to Wikidata does not copy our types, labels and provenance onto Wikidata's items.
        """
        links_prefix = graph_iri(self.base, "links/")
        graphs = [g for g in self.curated_graphs() if links or not str(g.identifier).startswith(links_prefix)]
        return self.union([self.ontology, *graphs, self.provenance])

    def file_of(self, node: Node) -> list[Path]:
        """The files in which ``node`` is a subject, and for a paragraph the files whose graphs cite it (for
        readable validation reports: a paragraph no ``source.ttl`` describes is still traced to its ``pNN.ttl``)."""
        files: list[Path] = []
        if self.store is not None and isinstance(node, URIRef):
            provenance = graph_iri(self.base, "provenance")
            rows = solutions(self.store, f"SELECT DISTINCT ?g WHERE {{ {{ GRAPH ?g {{ <{node}> ?p ?o }} }} UNION "
                             f"{{ GRAPH <{provenance}> {{ ?g <{PROV.wasDerivedFrom}> <{node}> }} }} }}")
            holding = {row["g"].value for row in rows}
            return [p for g_iri, paths in self.sources.items() if g_iri in holding for p in paths]
        citing = {str(g) for g in self.provenance.subjects(PROV.wasDerivedFrom, node)}
        for g_iri, paths in self.sources.items():
            if g_iri in citing or (node, None, None) in self.dataset.graph(URIRef(g_iri)):
                files.extend(paths)
        return files


def add_reachable(source: Graph | Dataset, start: Iterable[Node], out: Graph,
                  follow: Callable[[Node, Node], bool]) -> None:
    """Copy into ``out`` the triples of ``source`` whose subject is in ``start`` or is an object reached from there
    through a (predicate, object) pair that ``follow`` accepts, transitively."""
    todo: list[Node] = list(start)
    seen: set[Node] = set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for s, p, o in source.triples((node, None, None)):
            out.add((s, p, o))
            if follow(p, o):
                todo.append(o)
def rdflib_copy(store: ox.Store) -> Dataset:
    """An rdflib ``Dataset`` (default graph = union) holding the named graphs of ``store``."""
    dataset = Dataset(default_union=True)
    for prefix, ns in prefixes(BASE).items():
        dataset.bind(prefix, ns, override=True)
    for graph in sorted(store.named_graphs(), key=str):
        if isinstance(graph, ox.NamedNode):
            body = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
            if body:
                dataset.graph(URIRef(graph.value)).parse(data=body, format="nt")
    return dataset

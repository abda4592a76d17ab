"""Load the ontology, curated facts and links into one rdflib ``Dataset``, one named graph per file.

Layout (see docs/data-model.md): ``ontology/*.ttl`` (not ``shapes.ttl``) → ``graph/ontology``;
``data/{source}/source.ttl`` → ``graph/{source}/source``; ``data/{source}/pNN.ttl`` → ``graph/{source}/pNN``
with entity-level provenance added to ``graph/provenance``; ``data/{source}/editorial.ttl`` (statements no source
states outright, each reified as a ``gba:EditorialStatement``) → ``graph/{source}/editorial``, recorded in
``graph/provenance`` as a ``gba:EditorialGraph`` attributed to the gbagraph project; ``data/links/NAME.ttl`` →
``graph/links/NAME``. Parse errors name the file and line.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, cast

import pyoxigraph as ox
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import FOAF, PROV, RDF, RDFS
from rdflib.term import Node

from .config import Settings
from .errors import LoadError
from .namespaces import BASE, gba, graph_iri, prefixes
from .storeview import StoreView, from_ox

PARAGRAPH_FILE = re.compile(r"^p(\d+)\.ttl$")
#: the file of a source folder holding the statements that come from the project, not from the source
EDITORIAL_FILE = "editorial.ttl"
#: the agent editorial graphs are attributed to
PROJECT = URIRef(f"{BASE}id/agent/gbagraph-project")


def solutions(store: ox.Store, query: str, **options: Any) -> ox.QuerySolutions:
    """The rows of a SELECT on ``store`` (typed: pyoxigraph's ``query`` returns any kind of answer)."""
    return cast(ox.QuerySolutions, store.query(query, **options))


def constructed(store: ox.Store, query: str, **options: Any) -> ox.QueryTriples:
    """The triples of a CONSTRUCT on ``store``."""
    return cast(ox.QueryTriples, store.query(query, **options))


class GraphBundle:
    """The loaded dataset and where each named graph came from.

    Built either as an rdflib ``Dataset`` (:func:`load`, the reference loader) or around a pyoxigraph store
    (:func:`gbagraph.pipeline.prepare`); then :attr:`dataset` is a read-only rdflib view of the store
    (:class:`gbagraph.storeview.StoreView`) for the features that read rdflib (resource pages, search, dumps of
    small graphs): no process holds a copy of the data.
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


def parse_file(path: Path, root: Path | None = None) -> Graph:
    """Parse one Turtle file; a syntax error becomes a ``LoadError`` naming ``file:line``."""
    shown = _shown(path, root)
    graph = Graph()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LoadError(f"{shown}: cannot read: {exc}") from exc
    try:
        graph.parse(data=text, format="turtle", publicID=path.resolve().as_uri())
    except Exception as exc:  # rdflib raises several unrelated types for syntax errors
        raise LoadError(f"{shown}:{_line_of(exc)}: {_reason(exc)}") from exc
    return graph


def _shown(path: Path, root: Path | None) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve())) if root else str(path)
    except ValueError:
        return str(path)


def _line_of(exc: Exception) -> str:
    lines = getattr(exc, "lines", None)
    if isinstance(lines, int):
        return str(lines + 1)
    match = re.search(r"line[: ]+(\d+)", str(exc))
    return match.group(1) if match else "?"


def _reason(exc: Exception) -> str:
    why = getattr(exc, "_why", None)
    text = str(why) if why else str(exc)
    text = re.sub(r"^at line \d+ of <[^>]*>:\s*", "", text)
    return " ".join(text.split())[:300]


def _ttl_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.ttl") if p.is_file())


def iter_data_files(settings: Settings) -> Iterator[tuple[str, Path, str | None]]:
    """(graph name, file, paragraph IRI or None) for every file under ``data/``."""
    data = settings.data_dir
    if not data.is_dir():
        raise LoadError(f"{data}: no data folder")
    for folder in sorted(p for p in data.iterdir() if p.is_dir()):
        for path in _ttl_files(folder):
            name = f"{folder.name}/{path.stem}"
            paragraph = None
            if folder.name != "links" and PARAGRAPH_FILE.match(path.name):
                paragraph = f"{BASE}id/source/{folder.name}/{path.stem}"
            yield name, path, paragraph


def load(settings: Settings) -> GraphBundle:
    """Read ontology and data into a ``GraphBundle`` (no validation, no inference)."""
    base = BASE
    dataset = Dataset(default_union=True)
    bundle = GraphBundle(dataset=dataset)
    for prefix, ns in prefixes(base).items():
        dataset.bind(prefix, ns, override=True)

    onto_files = [p for p in _ttl_files(settings.ontology_dir) if p.name != "shapes.ttl"]
    if not onto_files:
        raise LoadError(f"{settings.ontology_dir}: no ontology files")
    onto = bundle.ontology
    for path in onto_files:
        onto += parse_file(path, settings.root)
    bundle.sources[graph_iri(base, "ontology")] = onto_files

    prov = bundle.provenance
    for name, path, paragraph in iter_data_files(settings):
        parsed = parse_file(path, settings.root)
        target = bundle.graph(name)
        target += parsed
        bundle.sources[graph_iri(base, name)] = [path]
        if paragraph:
            para = URIRef(paragraph)
            prov.add((URIRef(graph_iri(base, name)), PROV.wasDerivedFrom, para))
            for subject in set(parsed.subjects()):
                if isinstance(subject, URIRef) and subject != para:
                    prov.add((subject, PROV.wasDerivedFrom, para))
        elif path.name == EDITORIAL_FILE and path.parent.name != "links":
            record_editorial(prov, URIRef(graph_iri(base, name)))
    return bundle


def record_editorial(prov: Graph, graph: URIRef) -> None:
    """Record in the provenance graph that ``graph`` holds the project's own statements, not a paragraph's."""
    vocab = gba()
    prov.add((graph, RDF.type, vocab.EditorialGraph))
    prov.add((graph, PROV.wasAttributedTo, PROJECT))
    prov.add((PROJECT, RDF.type, PROV.Agent))
    prov.add((PROJECT, RDF.type, FOAF.Organization))
    prov.add((PROJECT, RDFS.label, Literal("the gbagraph project", lang="en")))

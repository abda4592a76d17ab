"""SHACL validation of the asserted graph, reported as short readable lines.

The engine is pyshacl-turbo (a Rust engine with pyshacl's API and report vocabulary, ~10x faster at 100k
triples, and able to read a pyoxigraph store without an rdflib copy); pyshacl stays the reference
(``engine="pyshacl"``), and ``tests/core/test_shacl_engines.py`` checks both report the same results on the
bundled graph and on every case of the shape-breaking suite.

Shapes see the union of the graphs, which forgets which graph a triple came from. So the shapes that target
``gba:EditorialGraph`` (every triple of an editorial graph is marked by a ``gba:EditorialStatement``) are run
once more on each editorial graph on its own, its node typed as the provenance graph records it.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, cast

import pyoxigraph as ox
import pyshacl
import pyshacl_turbo
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from .beside import Beside
from .bundle import GraphBundle, add_reachable
from .layout import located, parse_file
from .namespaces import SH, gba, prefixes


@dataclass(frozen=True)
class Violation:
    focus: str
    path: str
    message: str
    severity: str
    shape: str
    #: where the focus node is described: ``file:line`` (the line its description starts; a blank node's file only)
    files: tuple[str, ...] = ()

    def line(self) -> str:
        """``file:line: severity: focus path: message (shape S)``, other files describing the focus node after it."""
        where = f"{self.files[0]}: " if self.files else ""
        also = f" [also {', '.join(self.files[1:])}]" if len(self.files) > 1 else ""
        return f"{where}{self.severity}: {self.focus} {self.path}: {self.message} (shape {self.shape}){also}"


@dataclass
class ValidationResult:
    conforms: bool
    violations: list[Violation] = field(default_factory=list)
    shapes: int = 0

    def text(self) -> str:
        """A short human-readable report."""
        if self.conforms:
            return f"conforms: {self.shapes} shapes, no violations"
        lines = [f"does not conform: {len(self.violations)} violation(s)"]
        lines += [v.line() for v in self.violations]
        return "\n".join(lines)


def load_shapes(path: Path) -> Graph:
    return parse_file(path)


def count_shapes(shapes: Graph) -> int:
    return len(set(shapes.subjects(RDF.type, SH.NodeShape)))


#: the SHACL engines: the fast one serves, the reference checks it
ENGINES = {"turbo": pyshacl_turbo.validate, "pyshacl": pyshacl.validate}


def ntriples_data(body: bytes) -> Any:
    """N-Triples as the SHACL engine's own input, parsed by its Rust parser: no scratch store and no dump between
    (given a pyoxigraph store, pyshacl-turbo dumps it to N-Quads text twice and parses that; at 1M this saves
    ~5 s and ~400 MB).  ``pyshacl_turbo.rdf.Input`` is the engine's input record (what it makes of a store);
    without it, a scratch store."""
    try:
        from pyshacl_turbo.rdf import Input
    except ImportError:  # pragma: no cover - another pyshacl-turbo
        scratch = ox.Store()
        scratch.bulk_load(body, format=ox.RdfFormat.N_TRIPLES)
        return scratch
    return Input(body.decode("utf-8"), "nt", None, {}, preserve_ids=True)


def shacl_report(data: Graph | ox.Store | Any, shapes: Graph, engine: str = "turbo") -> tuple[bool, Graph]:
    """(conforms, report graph) of ``data`` (an rdflib graph, a store's default graph, or N-Triples made
    :func:`ntriples_data`) against ``shapes``."""
    conforms, report, _text = ENGINES[engine](
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True
    )
    return bool(conforms), report


def validate_graph(data: Graph | ox.Store | Any, shapes: Graph, bundle: GraphBundle | None = None,
                   engine: str = "turbo", focus_nodes: list[str] | None = None,
                   reported: tuple[bool, Graph] | None = None) -> ValidationResult:
    """Validate ``data`` against ``shapes`` (no inference: shapes see the triples as written), or read the
    engine's ``reported`` (conforms, report graph) of it; each violation's focus node is also appended to
    ``focus_nodes`` (as N-Triples term), when given."""
    conforms, report = reported if reported is not None else shacl_report(data, shapes, engine)
    if not isinstance(data, Graph):  # a store or N-Triples: names are shortened with our prefixes
        data = Graph()
        for prefix, ns in prefixes().items():
            data.bind(prefix, ns)
        data.bind("sh", SH)
    found: list[tuple[Violation, str]] = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        files = places(bundle, focus) if bundle is not None and focus is not None else ()
        violation = Violation(
            focus=_short(focus, data),
            path=_short(report.value(result, SH.resultPath), data),
            message=str(report.value(result, SH.resultMessage) or ""),
            severity=_short(report.value(result, SH.resultSeverity), data).replace("sh:", ""),
            shape=_shape_name(report.value(result, SH.sourceShape), shapes),
            files=files,
        )
        found.append((violation, focus.n3() if focus is not None else ""))
    found.sort(key=lambda pair: _order(pair[0]))  # the focus nodes stay beside their violations
    violations = [violation for violation, _node in found]
    if focus_nodes is not None:
        focus_nodes.extend(node for _violation, node in found)
    errors = [v for v in violations if v.severity == "Violation"]
    return ValidationResult(conforms=bool(conforms) and not errors, violations=violations,
                            shapes=count_shapes(shapes))


def places(bundle: GraphBundle, focus: Node) -> tuple[str, ...]:
    """The files describing ``focus``, each as ``file:line`` where its description starts there (or the first line
    naming it), the file typing it first; a blank node's files without a line (its label is not in the file)."""
    paths = bundle.file_of(focus)
    if not isinstance(focus, URIRef):
        return tuple(str(p) for p in paths)
    return tuple(f"{path}:{line}" if line else str(path) for path, line in located(paths, str(focus)))


def _order(v: Violation) -> tuple[list[tuple[str, int]], str, str, str]:
    """The order of a report's lines: by file and line (as numbers), focus node, path, message."""
    return [_file_line(place) for place in v.files], v.focus, v.path, v.message


def _file_line(place: str) -> tuple[str, int]:
    path, _, line = place.rpartition(":")
    return (path, int(line)) if path and line.isdigit() else (place, 0)


def _shape_name(shape: Node | None, shapes: Graph) -> str:
    """A readable name for the shape that was violated: an anonymous property shape is named by the node
    shape holding it and its path."""
    if isinstance(shape, BNode):
        owner = shapes.value(predicate=SH.property, object=shape)
        path = shapes.value(shape, SH.path)
        return f"{_short(owner, shapes)} / {_short(path, shapes)}"
    return _short(shape, shapes)


def _short(node: Node | None, graph: Graph) -> str:
    if node is None:
        return "-"
    if isinstance(node, URIRef):
        try:
            return graph.namespace_manager.normalizeUri(node)
        except Exception:  # rdflib cannot shorten every IRI
            return f"<{node}>"
    return str(node) if not hasattr(node, "n3") else node.n3()


def validate(bundle: GraphBundle, shapes_file: Path) -> ValidationResult:
    """Validate the bundle's asserted graph against the shapes file, then each editorial graph on its own
    against the shapes that target ``gba:EditorialGraph``."""
    shapes = load_shapes(shapes_file)
    editorial_class = gba(bundle.base).EditorialGraph
    editorial_shapes = shapes_for_class(shapes, editorial_class)
    result = validate_graph(bundle.asserted(), union_shapes(shapes), bundle)
    if not len(editorial_shapes):
        return result
    for graph_iri in sorted({URIRef(str(g)) for g in bundle.provenance.subjects(RDF.type, editorial_class)}):
        data = Graph()
        for triple in bundle.dataset.graph(graph_iri):
            data.add(triple)
        data.add((graph_iri, RDF.type, editorial_class))
        found = validate_graph(data, editorial_shapes, bundle)
        result.violations.extend(found.violations)
        result.conforms = result.conforms and found.conforms
    return result


def validate_store(store: ox.Store, union: ox.Store | ValidationResult | Any, shapes: Graph,
                   bundle: GraphBundle) -> ValidationResult:
    """``validate`` on the served store: ``union`` (the asserted union, from :func:`ntriples_data`, or the result of its
    validation from :func:`child_result`) against the shapes, then each editorial graph of ``store`` on its own
    against the shapes that target ``gba:EditorialGraph``."""
    editorial_class = gba(bundle.base).EditorialGraph
    editorial_shapes = shapes_for_class(shapes, editorial_class)
    result = union if isinstance(union, ValidationResult) else validate_graph(union, union_shapes(shapes), bundle)
    if not len(editorial_shapes):
        return result
    provenance = ox.NamedNode(f"{bundle.base}graph/provenance")
    kind = ox.NamedNode(str(editorial_class))
    rdf_type = ox.NamedNode(str(RDF.type))
    graphs = sorted({cast(ox.NamedNode, q.subject).value for q in store.quads_for_pattern(None, rdf_type, kind, provenance)})
    for name in graphs:
        node = ox.NamedNode(name)
        one = ox.Store()
        one.extend(ox.Quad(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, node))
        one.add(ox.Quad(node, rdf_type, kind))
        found = validate_graph(one, editorial_shapes, bundle)
        result.violations.extend(found.violations)
        result.conforms = result.conforms and found.conforms
    return result


class ShaclBeside:
    """SHACL of the asserted union (an N-Triples file) in a thread (:class:`~gbagraph.beside.Beside`), while the
    start goes on (the store's last bulk loads); :meth:`result` waits for it and reads its report as
    :func:`validate_graph` does."""

    def __init__(self, ntriples: Path, shapes_file: Path) -> None:
        self.shapes = union_shapes(load_shapes(shapes_file))  # the report's shape nodes are this graph's
        self.reported = Beside(lambda: shacl_report(ntriples_data(ntriples.read_bytes()), self.shapes),
                               "gbagraph-shacl")

    def result(self, bundle: GraphBundle | None) -> ValidationResult:
        return validate_graph(None, self.shapes, bundle, reported=self.reported.result())


def union_shapes(shapes: Graph) -> Graph:
    """``shapes`` without the targets of the shapes run per editorial graph: on the union such a shape would
    read every graph's triples as the editorial graph's own."""
    out = Graph()
    for prefix, ns in shapes.namespaces():
        out.bind(prefix, ns, override=True)
    for triple in shapes:
        out.add(triple)
    out.remove((None, SH.targetClass, gba().EditorialGraph))
    return out


def shapes_for_class(shapes: Graph, cls: URIRef) -> Graph:
    """The node shapes of ``shapes`` that target ``cls``, with every node they lead to (blank nodes, prefix
    declarations) and the namespace bindings."""
    out = Graph()
    for prefix, ns in shapes.namespaces():
        out.bind(prefix, ns, override=True)
    leads_on = (SH.prefixes, SH.declare, SH.sparql, SH.property, SH.node)
    add_reachable(shapes, shapes.subjects(SH.targetClass, cls), out,
                  lambda p, o: isinstance(o, BNode) or p in leads_on)
    return out


def shacl_child(ntriples: str, shapes_file: str, out: str) -> None:
    """Validate the N-Triples file ``ntriples`` (the asserted union) against the shapes and write the result to
    ``out`` as JSON, each violation with its focus node: what a start runs in a child process on big graphs,
    beside the reasoner (:func:`gbagraph.pipeline.prepare`); :func:`child_result` reads it back."""
    start = time.perf_counter()
    scratch = ox.Store()
    scratch.bulk_load(path=ntriples, format=ox.RdfFormat.N_TRIPLES, lenient=True)
    nodes: list[str] = []
    result = validate_graph(scratch, union_shapes(load_shapes(Path(shapes_file))), None, focus_nodes=nodes)
    body = {"conforms": result.conforms, "shapes": result.shapes, "triples": len(scratch),
            "seconds": time.perf_counter() - start,
            "violations": [{**asdict(v), "files": [], "node": n} for v, n in zip(result.violations, nodes, strict=True)]}
    Path(out).write_text(json.dumps(body), encoding="utf-8")


def child_result(data: dict[str, Any], bundle: GraphBundle) -> ValidationResult:
    """The result :func:`shacl_child` wrote, each violation traced to its files as ``validate_graph`` does."""
    violations = []
    for v in data["violations"]:
        node = v.pop("node")
        files = places(bundle, URIRef(node[1:-1])) if node.startswith("<") else ()
        violations.append(Violation(**{**v, "files": files}))
    violations.sort(key=_order)
    return ValidationResult(conforms=bool(data["conforms"]), violations=violations, shapes=int(data["shapes"]))

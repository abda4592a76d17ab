"""The ontology as documentation (what ``/def/gba`` shows, the way pyLODE or Widoco pages do): each class of the
ontology in its hierarchy with the external classes it aligns to, its properties (domain, range, and the
cardinality the SHACL shapes give them on that class), how much the data use it (instances per class, triples
per property: one query each on the served store) and one example instance.

Counts are of the data as written: the curated graphs (one per data file), not the ontology, the provenance, the
inferred or the VoID graph.  pyLODE was tried first: it renders offline, but as a standalone document with its own
styles and links, without usage counts, examples, shape cardinalities or a diagram; so this module gathers the
facts and the server's own template shows them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import Node

from .bundle import GraphBundle
from .namespaces import SH, gba, graph_iri
from .void import VOID_GRAPH

#: the kinds of property the ontology declares, in the order the page names them
PROPERTY_KINDS = ((OWL.ObjectProperty, "object"), (OWL.DatatypeProperty, "datatype"),
                  (OWL.AnnotationProperty, "annotation"), (RDF.Property, "property"))
#: graphs the usage counts leave out: what the server derives or describes, not the data as written
DERIVED_GRAPHS = ("ontology", "provenance", "inferred", VOID_GRAPH)


@dataclass(frozen=True)
class Cardinality:
    """What one shape says about a property on a class: at least ``min``, at most ``max`` (None: unbounded)."""

    shape: str
    min: int = 0
    max: int | None = None

    def __str__(self) -> str:
        return f"{self.min}..{'*' if self.max is None else self.max}"


@dataclass(frozen=True)
class PropertyDoc:
    """A property of the ontology: its kind, domains, ranges, super-properties and the triples using it."""

    iri: str
    label: str
    kind: str
    comment: str = ""
    domains: tuple[str, ...] = ()
    ranges: tuple[str, ...] = ()
    parents: tuple[str, ...] = ()
    triples: int = 0


@dataclass(frozen=True)
class ClassProperty:
    """A property as one class's section lists it: from the class's domain, or from a shape on the class."""

    property: PropertyDoc | None  # None: a property from outside the ontology (e.g. rdfs:label) that a shape uses
    iri: str
    cardinality: Cardinality | None = None
    triples: int = 0


@dataclass(frozen=True)
class ClassDoc:
    """A class of the ontology where the hierarchy puts it (``depth``), with its parents (ours and external),
    its subclasses, its properties, its instances (as written) and one of them."""

    iri: str
    label: str
    comment: str
    depth: int
    parents: tuple[str, ...] = ()
    aligned: tuple[str, ...] = ()  # external classes it is a subclass of
    children: tuple[str, ...] = ()
    properties: tuple[ClassProperty, ...] = ()
    instances: int = 0
    example: str | None = None


@dataclass(frozen=True)
class OntologyDoc:
    """Everything the ontology page shows."""

    iri: str
    title: str
    description: str
    version: str
    version_iri: str
    classes: tuple[ClassDoc, ...]  # depth-first, each class once (under its first parent in label order)
    properties: tuple[PropertyDoc, ...]
    labels: dict[str, str] = field(default_factory=dict)  # every class and property of ours: IRI -> label


def _text(graph: Graph, node: Node, prop: URIRef) -> str:
    values = [v for v in graph.objects(node, prop) if isinstance(v, Literal)]
    english = [v for v in values if v.language in (None, "en")]
    return str((english or values)[0]) if values else ""


def _iris(nodes: Iterable[Node]) -> tuple[str, ...]:
    return tuple(sorted({str(n) for n in nodes if isinstance(n, URIRef)}))


def _usage(bundle: GraphBundle) -> tuple[dict[str, tuple[int, str]], dict[str, int]]:
    """(class -> (instances, an example instance), property -> triples) over the data as written: one query each."""
    skip = ", ".join(f"<{graph_iri(bundle.base, name)}>" for name in DERIVED_GRAPHS)
    classes = bundle.select(
        f"SELECT ?c (COUNT(DISTINCT ?s) AS ?n) (MIN(STR(?s)) AS ?x) WHERE {{ GRAPH ?g {{ ?s a ?c }} "
        f"FILTER(?g NOT IN ({skip}) && isIRI(?s)) }} GROUP BY ?c")
    props = bundle.select(f"SELECT ?p (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?p ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
                          f"FILTER(?g NOT IN ({skip})) }} }} GROUP BY ?p")
    return ({str(c): (int(str(n)), str(x)) for c, n, x in classes if c is not None and n is not None},
            {str(p): int(str(n)) for p, n in props if p is not None and n is not None})


def shape_cardinalities(shapes: Graph) -> dict[tuple[str, str], Cardinality]:
    """(class, property) -> the cardinality a shape targeting that class gives the property (its ``sh:property``
    constraints with a plain ``sh:path``; the tightest when several shapes speak of the same pair)."""
    out: dict[tuple[str, str], Cardinality] = {}
    for shape, cls in shapes.subject_objects(SH.targetClass):
        for prop_shape in shapes.objects(shape, SH.property):
            path = shapes.value(prop_shape, SH.path)
            if not isinstance(path, URIRef) or not isinstance(cls, URIRef):
                continue
            low, high = shapes.value(prop_shape, SH.minCount), shapes.value(prop_shape, SH.maxCount)
            found = Cardinality(str(prop_shape) if isinstance(prop_shape, URIRef) else str(shape),
                                int(low) if isinstance(low, Literal) else 0,
                                int(high) if isinstance(high, Literal) else None)
            key = (str(cls), str(path))
            if key not in out or (found.min, -(found.max or 10**9)) > (out[key].min, -(out[key].max or 10**9)):
                out[key] = found
    return out


def _properties(onto: Graph, ns: str, triples: dict[str, int]) -> dict[str, PropertyDoc]:
    out: dict[str, PropertyDoc] = {}
    for kind_class, kind in PROPERTY_KINDS:
        for prop in onto.subjects(RDF.type, kind_class):
            if isinstance(prop, URIRef) and str(prop).startswith(ns) and str(prop) not in out:
                out[str(prop)] = PropertyDoc(
                    str(prop), _text(onto, prop, RDFS.label) or str(prop)[len(ns):], kind,
                    _text(onto, prop, RDFS.comment), _iris(onto.objects(prop, RDFS.domain)),
                    _iris(onto.objects(prop, RDFS.range)), _iris(onto.objects(prop, RDFS.subPropertyOf)),
                    triples.get(str(prop), 0))
    return out


def _hierarchy(classes: dict[str, tuple[str, ...]], labels: dict[str, str]) -> list[tuple[str, int]]:
    """(class, depth) depth-first from the classes with no parent of ours; a class with several parents of ours
    comes once, under the first of them in label order."""
    children: dict[str, list[str]] = {c: [] for c in classes}
    for cls, parents in classes.items():
        if parents:
            children[min(parents, key=lambda p: (labels[p], p))].append(cls)
    order: list[tuple[str, int]] = []
    seen: set[str] = set()

    def walk(cls: str, depth: int) -> None:
        if cls in seen:
            return
        seen.add(cls)
        order.append((cls, depth))
        for child in sorted(children[cls], key=lambda c: (labels[c], c)):
            walk(child, depth + 1)

    for root in sorted((c for c, parents in classes.items() if not parents), key=lambda c: (labels[c], c)):
        walk(root, 0)
    for cls in sorted(set(classes) - seen, key=lambda c: (labels[c], c)):  # parents in a cycle: shown at the top
        walk(cls, 0)
    return order


def _class_properties(parents: dict[str, tuple[str, ...]], props: dict[str, PropertyDoc],
                      cards: dict[tuple[str, str], Cardinality], triples: dict[str, int]) -> dict[str, set[ClassProperty]]:
    """Class -> the properties that apply to its instances: those with the class (or a superclass) as domain, and
    those a shape targeting the class (or a superclass: SHACL's class targets include subclasses) constrains."""
    own: dict[str, dict[str, ClassProperty]] = {cls: {} for cls in parents}
    for (target, path), card in cards.items():
        if target in own:
            own[target][path] = ClassProperty(props.get(path), path, card, triples.get(path, 0))
    for prop in props.values():
        for cls in prop.domains:
            if cls in own and prop.iri not in own[cls]:
                own[cls][prop.iri] = ClassProperty(prop, prop.iri, None, prop.triples)
    out: dict[str, set[ClassProperty]] = {}

    def effective(cls: str, seen: frozenset[str]) -> set[ClassProperty]:
        if cls not in out:
            found = {cp.iri: cp for parent in parents[cls] if parent not in seen
                     for cp in effective(parent, seen | {cls})}
            out[cls] = set((found | own[cls]).values())
        return out[cls]

    for cls in parents:
        effective(cls, frozenset())
    return out


def ontology_doc(bundle: GraphBundle, shapes: Graph) -> OntologyDoc:
    """The documentation of the ontology ``bundle`` serves (its ``graph/ontology``), with the cardinalities of
    ``shapes`` and the usage counts of the served data."""
    onto = Graph()
    for triple in bundle.ontology:
        onto.add(triple)
    ns = str(gba(bundle.base))
    iri = URIRef(ns + "gba")
    instances, triples = _usage(bundle)
    props = _properties(onto, ns, triples)
    ours = sorted({str(c) for c in onto.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef) and str(c).startswith(ns)})
    labels = {c: _text(onto, URIRef(c), RDFS.label) or c[len(ns):] for c in ours}
    supers = {c: _iris(onto.objects(URIRef(c), RDFS.subClassOf)) for c in ours}
    parents = {c: tuple(p for p in supers[c] if p in labels) for c in ours}
    listed = _class_properties(parents, props, shape_cardinalities(shapes), triples)
    docs = []
    for cls, depth in _hierarchy(parents, labels):
        count, example = instances.get(cls, (0, None))
        inherited = {cp for parent in parents[cls] for cp in listed[parent]}
        docs.append(ClassDoc(
            cls, labels[cls], _text(onto, URIRef(cls), RDFS.comment), depth, parents[cls],
            tuple(p for p in supers[cls] if p not in labels),
            tuple(sorted((c for c in ours if cls in parents[c]), key=lambda c: labels[c])),
            tuple(sorted((cp for cp in listed[cls] if cp not in inherited),
                         key=lambda cp: (cp.property is None, cp.property.label if cp.property else cp.iri))),
            count, example))
    version = onto.value(iri, OWL.versionIRI)
    return OntologyDoc(
        str(iri), _text(onto, iri, RDFS.label) or ns, _text(onto, iri, URIRef("http://purl.org/dc/terms/description")),
        _text(onto, iri, OWL.versionInfo), str(version) if version is not None else "", tuple(docs),
        tuple(sorted(props.values(), key=lambda p: (p.label.lower(), p.iri))),
        labels | {p.iri: p.label for p in props.values()})

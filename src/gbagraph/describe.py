"""What the graph says about one resource: outgoing and incoming statements, where each comes from, and the
source paragraphs behind it.  Used by the resource pages; no web framework here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import cast

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, RDF, RDFS, SDO, SKOS
from rdflib.term import Node

from .bundle import GraphBundle, add_reachable
from .namespaces import gba, graph_iri

#: properties whose literal gives a resource's name, best first
LABEL_PROPERTIES = (SKOS.prefLabel, RDFS.label, SDO.name, FOAF.name, DCTERMS.title)
#: properties that may hold the text of a source paragraph, best first
TEXT_PROPERTIES = (SDO.text, RDF.value, PROV.value, DCTERMS.description, RDFS.comment, SKOS.definition)
#: properties that tie a paragraph to its source document
PART_OF = (DCTERMS.isPartOf, SDO.isPartOf)


@dataclass(frozen=True)
class Statement:
    """One (subject or object, predicate) pair with the named graphs that hold the triple."""

    predicate: URIRef
    node: Node  # the object (outgoing) or the subject (incoming)
    graphs: tuple[str, ...]
    inferred: bool  # only in graph/inferred
    paragraphs: tuple[str, ...] = ()  # source paragraphs of the graphs holding it
    editorial_note: str | None = None  # the note of the gba:EditorialStatement marking it (outside the source)

    @property
    def editorial(self) -> bool:
        """Marked as coming (wholly or in part) from outside the source."""
        return self.editorial_note is not None


@dataclass(frozen=True)
class Paragraph:
    iri: URIRef
    label: str | None
    text: str | None
    source: URIRef | None


@dataclass
class Description:
    iri: URIRef
    label: str | None
    types: list[URIRef] = field(default_factory=list)
    outgoing: list[Statement] = field(default_factory=list)
    incoming: list[Statement] = field(default_factory=list)
    paragraphs: list[Paragraph] = field(default_factory=list)


def label_of(dataset: Dataset | Graph, node: Node, lang: str = "en") -> str | None:
    """The best label of ``node`` (English or untagged first), or None."""
    for prop in LABEL_PROPERTIES:
        values = [o for o in dataset.objects(node, prop) if isinstance(o, Literal)]
        if values:
            return best_label(values, lang)
    return None


def best_label(values: Iterable[Literal], lang: str = "en") -> str:
    """The label :func:`label_of` picks among the values of one property (English or untagged first)."""
    return str(min(values, key=lambda v: (v.language not in (lang, None), v.language or "", str(v))))


def text_of(dataset: Dataset | Graph, node: Node) -> str | None:
    for prop in TEXT_PROPERTIES:
        for value in dataset.objects(node, prop):
            if isinstance(value, Literal):
                return str(value)
    return None


def exists(bundle: GraphBundle, iri: URIRef) -> bool:
    """Is ``iri`` the subject or object of any triple in the dataset?"""
    ds = bundle.dataset
    return next(iter(ds.triples((iri, None, None))), None) is not None or \
        next(iter(ds.triples((None, None, iri))), None) is not None


def _graph_paragraphs(bundle: GraphBundle, graphs: Iterable[str]) -> dict[str, str]:
    """Named graph IRI → the paragraph it was read from (from the provenance graph), for ``graphs``."""
    provenance = bundle.provenance
    out = {}
    for g in graphs:
        para = provenance.value(URIRef(g), PROV.wasDerivedFrom)
        if para is not None:
            out[g] = str(para)
    return out


def editorial_notes(bundle: GraphBundle, pattern: tuple[Node | None, Node | None, Node | None]
                    ) -> dict[tuple[Node | None, Node | None, Node | None], str]:
    """(s, p, o) → the notes of the ``gba:EditorialStatement`` nodes marking triples that match ``pattern``."""
    ds = bundle.dataset
    s, p, o = pattern
    marks: dict[tuple[Node | None, Node | None, Node | None], list[str]] = {}
    candidates = ds.subjects(RDF.subject, s) if s is not None else ds.subjects(RDF.object, o)
    editorial = gba(bundle.base).EditorialStatement
    for st in set(candidates):
        if (st, RDF.type, editorial) not in ds:
            continue
        triple = (ds.value(st, RDF.subject), ds.value(st, RDF.predicate), ds.value(st, RDF.object))
        if (p is None or triple[1] == p) and (o is None or triple[2] == o) and (s is None or triple[0] == s):
            marks.setdefault(triple, []).extend(str(n) for n in ds.objects(st, SKOS.editorialNote))
    return {triple: " ".join(sorted(notes)) for triple, notes in marks.items()}


def _statements(bundle: GraphBundle, pattern: tuple[Node | None, Node | None, Node | None, Graph | None],
                position: int) -> list[Statement]:
    inferred = graph_iri(bundle.base, "inferred")
    notes = editorial_notes(bundle, pattern[:3])
    found: dict[tuple[Node, Node], set[str]] = {}
    for quad in bundle.dataset.quads(pattern):
        s, p, o, g = quad
        key = (p, o if position == 2 else s)
        found.setdefault(key, set()).add(str(g.identifier if isinstance(g, Graph) else g))
    para_of = _graph_paragraphs(bundle, {g for graphs in found.values() for g in graphs})
    out = []
    subject, _, obj = pattern[:3]
    for (p, node), graphs in found.items():
        paras = tuple(sorted({para_of[g] for g in graphs if g in para_of}))
        triple = (subject, p, node) if position == 2 else (node, p, obj)
        out.append(Statement(cast(URIRef, p), node, tuple(sorted(graphs)), graphs == {inferred}, paras,
                             notes.get(triple)))
    return sorted(out, key=lambda s: (_order(s.predicate), str(s.predicate), s.inferred, str(s.node)))


def _order(predicate: Node) -> int:
    if predicate == RDF.type:
        return 0
    return 1 if predicate in LABEL_PROPERTIES else 2


def paragraph(bundle: GraphBundle, iri: URIRef) -> Paragraph:
    ds = bundle.dataset
    source = next((o for prop in PART_OF for o in ds.objects(iri, prop) if isinstance(o, URIRef)), None)
    if source is None and str(iri).startswith(bundle.base + "id/source/") and str(iri).count("/") > 5:
        source = URIRef(str(iri).rsplit("/", 1)[0])
    return Paragraph(iri, label_of(ds, iri), text_of(ds, iri), source)


def describe(bundle: GraphBundle, iri: URIRef) -> Description | None:
    """Everything the dataset says about ``iri``, or None when it is not in the graph."""
    if not exists(bundle, iri):
        return None
    ds = bundle.dataset
    outgoing = _statements(bundle, (iri, None, None, None), 2)
    incoming = _statements(bundle, (None, None, iri, None), 0)
    paras = {str(p) for p in ds.objects(iri, PROV.wasDerivedFrom)}
    for st in outgoing:
        paras.update(st.paragraphs)
    return Description(
        iri=iri,
        label=label_of(ds, iri),
        types=sorted({o for o in ds.objects(iri, RDF.type) if isinstance(o, URIRef)}),
        outgoing=outgoing,
        incoming=incoming,
        paragraphs=[paragraph(bundle, URIRef(p)) for p in sorted(paras)],
    )


def resource_graph(bundle: GraphBundle, iri: URIRef) -> Graph:
    """The RDF description of ``iri``: its outgoing triples (blank nodes followed), incoming triples and the
    label triples of the resources it links to (all as stated in the dataset)."""
    ds = bundle.dataset
    out = Graph()
    for prefix, ns in ds.namespaces():
        out.bind(prefix, ns, override=True)
    add_reachable(ds, [iri], out, lambda _p, o: isinstance(o, BNode))
    for triple in ds.triples((None, None, iri)):
        out.add(triple)
    linked = {o for o in out.objects() if isinstance(o, URIRef)} | {s for s in out.subjects() if s != iri}
    for node in linked - {iri}:
        for prop in LABEL_PROPERTIES:
            labels = [(node, prop, o) for o in ds.objects(node, prop) if isinstance(o, Literal)]
            if labels:
                for triple in labels:
                    out.add(triple)
                break
    return out

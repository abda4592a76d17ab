"""Exports for other tools: the entity table (CSV, for spreadsheets and OpenRefine) and a JSON-LD ``@context``.

Core functions returning bytes (no flask): the web layer's ``/dumps`` and ``gbagraph entities`` both call them.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD

from .bundle import GraphBundle
from .namespaces import WD, prefixes

ENTITY_COLUMNS = ("iri", "kind", "type", "label", "alt_labels", "linked_ids", "wikidata")
#: datatypes written as plain JSON values (string, number, true/false), so their keys need no coercion
NATIVE = {XSD.string, XSD.integer, XSD.boolean, XSD.double}
#: how several values share one cell
SEPARATOR = " | "

#: Plain JSON keys for the common terms outside our ontology: key -> (CURIE, coercion).
COMMON_TERMS: dict[str, tuple[str, str | None]] = {
    "label": ("rdfs:label", "@en"),
    "comment": ("rdfs:comment", "@en"),
    "prefLabel": ("skos:prefLabel", "@en"),
    "altLabel": ("skos:altLabel", "@en"),
    "definition": ("skos:definition", "@en"),
    "editorialNote": ("skos:editorialNote", "@en"),
    "inScheme": ("skos:inScheme", "@id"),
    "broader": ("skos:broader", "@id"),
    "closeMatch": ("skos:closeMatch", "@id"),
    "exactMatch": ("skos:exactMatch", "@id"),
    "sameAs": ("owl:sameAs", "@id"),
    "title": ("dcterms:title", "@en"),
    "description": ("dcterms:description", "@en"),
    "date": ("dcterms:date", None),
    "created": ("dcterms:created", None),
    "modified": ("dcterms:modified", None),
    "source": ("dcterms:source", "@id"),
    "subOrganizationOf": ("org:subOrganizationOf", "@id"),
    "holds": ("org:holds", "@id"),
    "postIn": ("org:postIn", "@id"),
    "wasDerivedFrom": ("prov:wasDerivedFrom", "@id"),
    "wasAttributedTo": ("prov:wasAttributedTo", "@id"),
    "honorificPrefix": ("schema:honorificPrefix", None),
    "name": ("foaf:name", None),
    "linkPredicate": ("void:linkPredicate", "@id"),
    "triples": ("void:triples", None),
}


@dataclass(frozen=True)
class EntityRow:
    iri: str
    kind: str
    type: str
    label: str
    alt_labels: str
    linked_ids: str
    wikidata: str

    def cells(self) -> list[str]:
        return [self.iri, self.kind, self.type, self.label, self.alt_labels, self.linked_ids, self.wikidata]


def _text(value: Any) -> str:
    return " ".join(str(value).split())


def _english(graph: Graph, subject: URIRef, *predicates: URIRef) -> list[str]:
    out: list[str] = []
    for p in predicates:
        for v in graph.objects(subject, p):
            if isinstance(v, Literal) and (v.language is None or v.language.lower().startswith("en")):
                t = _text(v)
                if t and t not in out:
                    out.append(t)
    return out


def entity_rows(bundle: GraphBundle) -> list[EntityRow]:
    """One row per typed resource under ``{base}id/`` (not sources and their paragraphs), sorted by IRI."""
    base = bundle.base
    graph = bundle.union(bundle.curated_graphs())
    nm = _bind(Graph(), base).namespace_manager
    rows = []
    for subject in sorted({s for s in graph.subjects(RDF.type) if isinstance(s, URIRef)}):
        iri = str(subject)
        if not iri.startswith(base + "id/") or iri.startswith(base + "id/source/"):
            continue
        kind = iri[len(base) + 3:].split("/", 1)[0]
        types = sorted(nm.normalizeUri(t) for t in graph.objects(subject, RDF.type) if isinstance(t, URIRef))
        main = _english(graph, subject, SKOS.prefLabel, RDFS.label)
        label = sorted(_english(graph, subject, SKOS.prefLabel))[:1] or sorted(main)[:1]
        alts = sorted(x for x in _english(graph, subject, RDFS.label, SKOS.prefLabel, SKOS.altLabel)
                      if x not in label)
        linked = sorted({str(o) for p in (OWL.sameAs, SKOS.exactMatch)
                         for o in graph.objects(subject, p) if isinstance(o, URIRef)})
        qids = [x[len(str(WD)):] for x in linked if x.startswith(str(WD))]
        rows.append(EntityRow(iri, kind, SEPARATOR.join(types), label[0] if label else "", SEPARATOR.join(alts),
                              SEPARATOR.join(linked), SEPARATOR.join(qids)))
    return rows


def entity_csv(bundle: GraphBundle) -> bytes:
    """The entity table as UTF-8 CSV with a header row (multi-valued cells joined by `` | ``)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(ENTITY_COLUMNS)
    for row in entity_rows(bundle):
        writer.writerow(row.cells())
    return buf.getvalue().encode("utf-8")


def _bind(graph: Graph, base: str) -> Graph:
    for prefix, ns in prefixes(base).items():
        graph.bind(prefix, ns, override=True)
    return graph


def _term(curie: str, coercion: str | None) -> dict[str, str] | str:
    if coercion is None:
        return curie
    if coercion.startswith("@") and coercion != "@id":
        return {"@id": curie, "@language": coercion[1:]}
    return {"@id": curie, "@type": coercion}


def jsonld_context(ontology: Graph, base: str) -> dict[str, Any]:
    """``{"@context": …}``: our prefixes, ``id``/``type``, and a plain key for every class and property of ours.

    Object properties coerce to ``@id``; datatype properties with one XSD range get that ``@type`` (except strings,
    integers, booleans and doubles, which are plain JSON values).
    """
    pfx = prefixes(base)
    gba = pfx["gba"]
    ctx: dict[str, Any] = {"id": "@id", "type": "@type"}
    ctx.update({p: ns for p, ns in pfx.items() if p not in ("graph",)})
    for cls in sorted({s for s in ontology.subjects(RDF.type, OWL.Class) if str(s).startswith(gba)}, key=str):
        ctx.setdefault(str(cls)[len(gba):], "gba:" + str(cls)[len(gba):])
    props = {s for t in (OWL.ObjectProperty, OWL.DatatypeProperty, RDF.Property, OWL.AnnotationProperty)
             for s in ontology.subjects(RDF.type, t) if str(s).startswith(gba)}
    for prop in sorted(props, key=str):
        name = str(prop)[len(gba):]
        curie = "gba:" + name
        ranges = [r for r in ontology.objects(prop, RDFS.range) if isinstance(r, URIRef)]
        if (prop, RDF.type, OWL.ObjectProperty) in ontology:
            ctx.setdefault(name, _term(curie, "@id"))
        elif len(ranges) == 1 and str(ranges[0]).startswith(str(XSD)) and ranges[0] not in NATIVE:
            ctx.setdefault(name, _term(curie, "xsd:" + str(ranges[0])[len(str(XSD)):]))
        else:
            ctx.setdefault(name, curie)
    for key, (curie, coercion) in COMMON_TERMS.items():
        ctx.setdefault(key, _term(curie, coercion))
    return {"@context": ctx}


def context_bytes(bundle: GraphBundle) -> bytes:
    """The JSON-LD context document (``application/ld+json``)."""
    return (json.dumps(jsonld_context(bundle.ontology, bundle.base), indent=2, ensure_ascii=False) + "\n").encode()


def compact_jsonld(bundle: GraphBundle, *, inferred: bool = False) -> bytes:
    """The curated data (union of the named graphs) as JSON-LD compacted with :func:`jsonld_context`."""
    graphs = [bundle.ontology, *bundle.curated_graphs()]
    if inferred:
        graphs.append(bundle.graph("inferred"))
    union = _bind(bundle.union(graphs), bundle.base)
    context = jsonld_context(bundle.ontology, bundle.base)["@context"]
    return union.serialize(format="json-ld", context=context, auto_compact=True, use_native_types=True,
                           encoding="utf-8")

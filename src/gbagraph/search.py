"""Find resources by name: a case-insensitive substring match over their labels in every language
(rdfs:label, skos:prefLabel, skos:altLabel).  No web framework here."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Literal, URIRef
from rdflib.namespace import RDFS, SKOS

from .bundle import GraphBundle
from .describe import LABEL_PROPERTIES, best_label

SEARCHED_PROPERTIES = (RDFS.label, SKOS.prefLabel, SKOS.altLabel)


@dataclass(frozen=True)
class Match:
    """A resource whose label matched: its IRI, its display name and the label that matched (with language)."""

    iri: URIRef
    name: str
    matched: str
    language: str | None


class LabelIndex:
    """Every (label, resource) of a dataset, folded for case-insensitive search, and each resource's display name
    (as :func:`gbagraph.describe.label_of` gives it); built once, from one query.  Of a resource's labels that
    match equally well, the one shown is the first by property (as listed above), then by text."""

    def __init__(self, bundle: GraphBundle) -> None:
        props = (*SEARCHED_PROPERTIES, *(p for p in LABEL_PROPERTIES if p not in SEARCHED_PROPERTIES))
        values = " ".join(f"<{p}>" for p in props)
        rows = bundle.select(f"SELECT ?s ?p ?o WHERE {{ VALUES ?p {{ {values} }} ?s ?p ?o "
                             "FILTER(isIRI(?s) && isLiteral(?o)) }")
        labels: dict[URIRef, dict[URIRef, list[Literal]]] = {}
        for s, p, o in rows:
            if isinstance(s, URIRef) and isinstance(p, URIRef) and isinstance(o, Literal):
                labels.setdefault(s, {}).setdefault(p, []).append(o)
        seen: set[tuple[URIRef, str]] = set()
        self.entries: list[tuple[str, URIRef, Literal]] = []
        for prop in SEARCHED_PROPERTIES:
            for s, by_prop in labels.items():
                for o in sorted(by_prop.get(prop, ()), key=lambda v: (str(v), v.language or "")):
                    if (s, str(o)) not in seen:
                        seen.add((s, str(o)))
                        self.entries.append((str(o).casefold(), s, o))
        self.names: dict[URIRef, str] = {}
        for s in {iri for _, iri, _ in self.entries}:
            found = next((best_label(labels[s][p]) for p in LABEL_PROPERTIES if labels[s].get(p)), None)
            if found is not None:
                self.names[s] = found

    def find(self, text: str, limit: int = 50) -> list[Match]:
        """Resources with a label containing ``text`` (case-insensitive), exact matches first, then by name;
        at most ``limit``, one entry per resource."""
        needle = " ".join(text.split()).casefold()
        if not needle:
            return []
        best: dict[URIRef, tuple[int, Literal]] = {}
        for folded, iri, label in self.entries:
            if needle in folded:
                rank = 0 if folded == needle else 1 if folded.startswith(needle) else 2
                if iri not in best or rank < best[iri][0]:
                    best[iri] = (rank, label)
        matches = [(rank, self.names.get(iri) or str(iri), iri, label) for iri, (rank, label) in best.items()]
        matches.sort(key=lambda m: (m[0], m[1].casefold(), str(m[2])))
        return [Match(iri, name, str(label), label.language) for _, name, iri, label in matches[:limit]]

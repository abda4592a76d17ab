"""Find resources by name: a case-insensitive substring match over their labels in every language
(rdfs:label, skos:prefLabel, skos:altLabel).  No web framework here."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import RDFS, SKOS

from .describe import label_of

SEARCHED_PROPERTIES = (RDFS.label, SKOS.prefLabel, SKOS.altLabel)


@dataclass(frozen=True)
class Match:
    """A resource whose label matched: its IRI, its display name and the label that matched (with language)."""

    iri: URIRef
    name: str
    matched: str
    language: str | None


class LabelIndex:
    """Every (label, resource) of a dataset, folded for case-insensitive search; built once."""

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset
        seen: set[tuple[URIRef, str]] = set()
        self.entries: list[tuple[str, URIRef, Literal]] = []
        for prop in SEARCHED_PROPERTIES:
            for s, o in dataset.subject_objects(prop):
                if isinstance(s, URIRef) and isinstance(o, Literal) and (s, str(o)) not in seen:
                    seen.add((s, str(o)))
                    self.entries.append((str(o).casefold(), s, o))

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
        matches = [(rank, label_of(self.dataset, iri) or str(iri), iri, label)
                   for iri, (rank, label) in best.items()]
        matches.sort(key=lambda m: (m[0], m[1].casefold(), str(m[2])))
        return [Match(iri, name, str(label), label.language) for _, name, iri, label in matches[:limit]]

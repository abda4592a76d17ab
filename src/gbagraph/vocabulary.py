"""The words a query editor can complete: prefixes, and the classes and properties of the ontology and of the
data, each as a prefixed name with its label.  Built from the dataset; no web framework here."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from rdflib import URIRef
from rdflib.namespace import OWL, RDF, RDFS

from .bundle import GraphBundle
from .describe import label_of
from .namespaces import prefixes

CLASS_TYPES = (OWL.Class, RDFS.Class)
PROPERTY_TYPES = (RDF.Property, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)


@dataclass(frozen=True)
class Term:
    """A class or property as the editor offers it: ``name`` is the prefixed name (``skos:prefLabel``)."""

    name: str
    kind: str  # "class" | "property"
    label: str = ""


def _shorten(iri: str, known: list[tuple[str, str]]) -> str | None:
    for prefix, ns in known:
        if iri.startswith(ns) and len(iri) > len(ns):
            local = iri[len(ns):]
            if all(c.isalnum() or c in "_-." for c in local) and not local.endswith("."):
                return f"{prefix}:{local}"
    return None


def _distinct(bundle: GraphBundle, declared_as: tuple[URIRef, ...], used: str) -> set[URIRef]:
    """The IRIs typed as one of ``declared_as`` or bound to ``?term`` in the pattern ``used`` (one query: the
    store answers it, no scan of the data in Python)."""
    types = " ".join(f"<{t}>" for t in declared_as)
    rows = bundle.select(f"SELECT DISTINCT ?term WHERE {{ {{ ?term a ?type VALUES ?type {{ {types} }} }} "
                         f"UNION {{ {used} }} }}")
    return {row[0] for row in rows if isinstance(row[0], URIRef)}


def vocabulary_terms(bundle: GraphBundle) -> list[Term]:
    """Every class (declared in the ontology or used as a type) and every property (declared or used as a
    predicate) whose IRI has a known prefix, sorted by name."""
    known = sorted(prefixes(bundle.base).items(), key=lambda kv: -len(kv[1]))
    classes = _distinct(bundle, CLASS_TYPES, "?x a ?term")
    props = _distinct(bundle, PROPERTY_TYPES, "?x ?term ?y")
    terms: dict[str, Term] = {}
    for kind, iris in (("class", classes), ("property", props - classes)):
        for iri in iris:
            name = _shorten(str(iri), known)
            if name and name not in terms:
                terms[name] = Term(name, kind, label_of(bundle.ontology, iri) or "")
    return sorted(terms.values(), key=lambda t: t.name.lower())


def completion_vocabulary(bundle: GraphBundle) -> dict[str, Any]:
    """What the query editor completes, as JSON-ready data: ``{"prefixes": {p: ns}, "terms": [...]}``."""
    return {"prefixes": prefixes(bundle.base), "terms": [asdict(t) for t in vocabulary_terms(bundle)]}

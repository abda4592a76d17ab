"""The reference loader: ontology, curated facts and links read by rdflib into one ``Dataset``, one named graph
per file, laid out as :mod:`gbagraph.layout` says (what :mod:`gbagraph.oxstore` builds in the store, checked
against this by the differential tests).  Parse errors name the file and line."""

from __future__ import annotations

from rdflib import Dataset, URIRef
from rdflib.namespace import PROV

from ..bundle import GraphBundle
from ..config import Settings
from ..errors import LoadError
from ..layout import EDITORIAL_FILE, _ttl_files, iter_data_files, parse_file, record_editorial
from ..namespaces import BASE, graph_iri, prefixes


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

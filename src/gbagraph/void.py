"""Descriptions of the dataset and the service: VoID + DCAT (``graph/void``, ``/.well-known/void``, the dumps)
and the SPARQL 1.1 Service Description (``GET /sparql``).  No web framework here.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, RDFS, VOID, XSD

from . import formats
from .bundle import GraphBundle, solutions
from .config import DEFAULT_PUBLIC_URL
from .export import RELEASES, dump_name
from .namespaces import SD, graph_iri, prefixes

FORMATS_NS = Namespace("http://www.w3.org/ns/formats/")
#: DCAT 3 terms (versions) that rdflib's closed DCAT namespace lacks
DCAT3 = Namespace(str(DCAT))
#: format name in the registry → its IRI in http://www.w3.org/ns/formats/ (for sd:resultFormat, dcterms:format)
W3C_FORMAT = {
    "json": "SPARQL_Results_JSON", "xml": "SPARQL_Results_XML", "csv": "SPARQL_Results_CSV",
    "tsv": "SPARQL_Results_TSV", "turtle": "Turtle", "nt": "N-Triples", "jsonld": "JSON-LD",
    "rdfxml": "RDF_XML", "nq": "N-Quads", "trig": "TriG",
}
IANA = "https://www.iana.org/assignments/media-types/"
TITLE = "gbagraph: Hong Kong / Guangdong co-operation knowledge graph"
DESCRIPTION = ("Who met, what was signed and which initiatives were reported at the Hong Kong/Guangdong "
               "Co-operation Joint Conference, as linked data; every fact cites the paragraph of the "
               "source it comes from.")
LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/")
WIKIDATA = URIRef("http://www.wikidata.org/entity/")
VOID_GRAPH = "void"


def dataset_iri(base: str) -> URIRef:
    return URIRef(f"{base}id/dataset/gbagraph")


def version_iri(base: str, version: str) -> URIRef:
    return URIRef(f"{base}id/dataset/gbagraph/{version}")


def dump_formats() -> list[formats.Format]:
    """Every format a dump is offered in (all triple and quad formats of the registry)."""
    return [f for f in formats.FORMATS if f.kind in ("graph", "dataset")]


def _rows(store: ox.Store, query: str) -> list[ox.QuerySolution]:
    return list(solutions(store, query))


def _term(node: ox.NamedNode | ox.BlankNode | ox.Literal) -> URIRef:
    return URIRef(node.value)


def count(store: ox.Store, query: str) -> int:
    """The ``?n`` of a one-row counting SELECT."""
    return int(_rows(store, query)[0]["n"].value)


def union_size(store: ox.Store) -> int:
    """Triples in the default graph (the union of the named graphs)."""
    return count(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")


def graph_size(store: ox.Store, graph: ox.NamedNode) -> int:
    """Triples in the named graph ``graph``."""
    return count(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}")


def new_in_union(store: ox.Store, body: bytes) -> int:
    """How many of the distinct triples of the N-Triples ``body`` (a small graph) the default graph lacks."""
    triples = {(q.subject, q.predicate, q.object) for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)}
    return sum(1 for s, p, o in triples if next(store.quads_for_pattern(s, p, o, ox.DefaultGraph()), None) is None)

def _part(dataset: URIRef, kind: str, key: str) -> URIRef:
    return URIRef(f"{dataset}#{kind}-{hashlib.sha1(key.encode()).hexdigest()[:10]}")


def dataset_description(store: ox.Store, base: str, public_url: str = DEFAULT_PUBLIC_URL,
                        graph_counts: dict[str, int] | None = None, *, union: int | None = None,
                        only_inferred: int | None = None) -> Graph:
    """VoID + DCAT description of the dataset in ``store`` (its default graph: the union of the named graphs):
    title, licence, publisher, sources, statistics, class and property partitions, link sets, and the dumps and
    SPARQL endpoint of the server reached at ``public_url``.  Counted by queries (no rdflib copy of the data),
    each scan of the data once: the subjects' statistics come from one list of the distinct subjects, and the dumps'
    sizes from the union's size and ``graph_counts`` (triples per named graph, counted when not given).  The
    start, which loads the data, passes what it counted then: ``union`` (the default graph's triples) and
    ``only_inferred`` (the inferred triples no other graph holds); both are counted here when not given."""
    ds = dataset_iri(base)
    if union is None:
        union = union_size(store)
    subjects = _subjects(store, base)
    g = Graph()
    for prefix, ns in prefixes(base).items():
        g.bind(prefix, ns)
    g.bind("formats", FORMATS_NS)
    add = g.add
    add((ds, RDF.type, VOID.Dataset))
    add((ds, RDF.type, DCAT.Dataset))
    add((ds, DCTERMS.title, Literal(TITLE, lang="en")))
    add((ds, RDFS.label, Literal(TITLE, lang="en")))
    add((ds, DCTERMS.description, Literal(DESCRIPTION, lang="en")))
    add((ds, DCTERMS.license, LICENSE))
    publisher = URIRef(f"{ds}#publisher")
    add((ds, DCTERMS.publisher, publisher))
    add((publisher, RDF.type, FOAF.Organization))
    add((publisher, FOAF.name, Literal("the gbagraph project")))
    for source in subjects.sources:
        add((ds, DCTERMS.source, source))
    add((ds, VOID.uriSpace, Literal(base + "id/")))
    add((ds, VOID.vocabulary, URIRef(base + "def/")))
    endpoint = URIRef(public_url + "sparql")
    add((ds, VOID.sparqlEndpoint, endpoint))
    add((endpoint, RDF.type, DCAT.DataService))
    add((endpoint, DCAT.endpointURL, endpoint))
    add((endpoint, DCAT.servesDataset, ds))
    add((endpoint, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    add((ds, DCAT.accessService, endpoint))
    _statistics(g, ds, store, union, subjects)
    _linksets(g, ds, store, base)
    _distributions(g, ds, public_url)
    _versions(g, ds, base)
    counts = graph_counts if graph_counts is not None else {
        r["g"].value: int(r["n"].value)
        for r in _rows(store, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")}
    _served_counts(g, ds, store, base, public_url, union, counts, only_inferred)
    return g


def _versions(g: Graph, ds: URIRef, base: str) -> None:
    """The release this is (version, date) and the one before it (``dcat:previousVersion``)."""
    (version, issued), *older = RELEASES
    g.add((ds, DCAT3.version, Literal(version)))
    g.add((ds, OWL.versionInfo, Literal(version)))
    if issued:
        g.add((ds, DCTERMS.issued, Literal(issued, datatype=XSD.date)))
    this = version_iri(base, version)
    g.add((ds, DCAT3.hasCurrentVersion, this))
    g.add((ds, DCAT3.hasVersion, this))
    g.add((this, RDF.type, DCAT.Dataset))
    g.add((this, DCAT3.version, Literal(version)))
    previous = this
    for old, _date in older:
        earlier = version_iri(base, old)
        g.add((ds, DCAT3.hasVersion, earlier))
        g.add((earlier, RDF.type, DCAT.Dataset))
        g.add((earlier, DCAT3.version, Literal(old)))
        g.add((previous, DCAT3.previousVersion, earlier))
        previous = earlier
    if older:
        g.add((ds, DCAT3.previousVersion, version_iri(base, older[0][0])))


#: the dump families: (fragment, with the inferred graph?, quad formats?) — one VoID subset each
DUMP_SUBSETS = (("curated-triples", False, False), ("curated-quads", False, True),
                ("inferred-triples", True, False), ("inferred-quads", True, True))


def _served_counts(g: Graph, ds: URIRef, store: ox.Store, base: str, public_url: str, union: int,
                   graph_counts: dict[str, int], only_inferred: int | None) -> None:
    """``void:triples`` of the dataset and of one subset per dump family, counted as served: the description
    itself (this graph, not yet in ``store``) included, as it is in the default graph and in every dump.  Quad
    dumps count a triple once per named graph holding it (``graph_counts``); triple dumps and the default graph
    count it once: the union's size (``union``), less the inferred triples no other graph holds."""
    for fragment, with_inferred, quads in DUMP_SUBSETS:
        subset = URIRef(f"{ds}#{fragment}")
        g.add((ds, VOID.subset, subset))
        g.add((subset, RDF.type, VOID.Dataset))
        what = "with the OWL RL inferred graph" if with_inferred else "curated facts and ontology"
        form = "quads: a triple counts once per named graph" if quads else "triples: the union of the graphs"
        g.add((subset, DCTERMS.title, Literal(f"dumps of {what} ({form})", lang="en")))
        for fmt in dump_formats():
            if (fmt.kind == "dataset") == quads:
                for gz in (False, True):
                    name = dump_name(fmt, inferred=with_inferred) + (".gz" if gz else "")
                    g.add((subset, VOID.dataDump, URIRef(f"{public_url}dumps/{name}")))
        g.add((subset, VOID.triples, Literal(0, datatype=XSD.integer)))  # placeholder: counted below
    # every count literal is unique to this graph, so the graph's size is final now; count, then fill in
    own_new = new_in_union(store, g.serialize(format="nt", encoding="utf-8"))
    inferred = graph_iri(base, "inferred")
    named = sum(graph_counts.values())
    if only_inferred is None and not graph_counts.get(inferred):
        only_inferred = 0
    elif only_inferred is None:  # the inferred triples that no other graph holds
        only_inferred = count(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{inferred}> {{ ?s ?p ?o }} "
                                       f"FILTER NOT EXISTS {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != <{inferred}>) }} }}")
    counts = {"curated-triples": union - only_inferred + own_new,
              "curated-quads": named - graph_counts.get(inferred, 0) + len(g),
              "inferred-triples": union + own_new, "inferred-quads": named + len(g)}
    for fragment, n in counts.items():
        g.set((URIRef(f"{ds}#{fragment}"), VOID.triples, Literal(n, datatype=XSD.integer)))
    g.set((ds, VOID.triples, Literal(counts["inferred-triples"], datatype=XSD.integer)))


@dataclass
class Subjects:
    """What the distinct subjects of the union say: how many, how many are ours (``{base}id/``), and the
    source documents (``{base}id/source/NAME``)."""

    distinct: int = 0
    entities: int = 0
    sources: list[URIRef] = field(default_factory=list)


def _subjects(store: ox.Store, base: str) -> Subjects:
    """:class:`Subjects` from one list of the distinct subjects (the string tests run once per subject, not
    once per triple)."""
    ours, source = base + "id/", base + "id/source/"
    out = Subjects()
    for row in solutions(store, "SELECT DISTINCT ?s WHERE { ?s ?p ?o }"):
        out.distinct += 1
        subject = row[0]
        if isinstance(subject, ox.NamedNode) and subject.value.startswith(ours):
            out.entities += 1
            if subject.value.startswith(source) and "/" not in subject.value[len(source):]:
                out.sources.append(URIRef(subject.value))
    out.sources.sort()
    return out


def _statistics(g: Graph, ds: URIRef, store: ox.Store, union: int, subjects: Subjects) -> None:
    numbers = {VOID.triples: union, VOID.entities: subjects.entities, VOID.distinctSubjects: subjects.distinct,
               VOID.distinctObjects: count(store, "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o }")}
    classes = {_term(r["c"]): int(r["n"].value) for r in _rows(
        store, f"SELECT ?c (COUNT(*) AS ?n) WHERE {{ ?s <{RDF.type}> ?c FILTER(isIRI(?c)) }} GROUP BY ?c")}
    props = {_term(r["p"]): int(r["n"].value) for r in _rows(
        store, "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p")}
    for prop, n in numbers.items():
        g.add((ds, prop, Literal(n, datatype=XSD.integer)))
    g.add((ds, VOID.classes, Literal(len(classes), datatype=XSD.integer)))
    g.add((ds, VOID.properties, Literal(len(props), datatype=XSD.integer)))
    for cls, n in sorted(classes.items()):
        part = _part(ds, "class", str(cls))
        g.add((ds, VOID.classPartition, part))
        g.add((part, VOID["class"], cls))
        g.add((part, VOID.entities, Literal(n, datatype=XSD.integer)))
    for prop, n in sorted(props.items()):
        part = _part(ds, "property", str(prop))
        g.add((ds, VOID.propertyPartition, part))
        g.add((part, VOID.property, prop))
        g.add((part, VOID.triples, Literal(n, datatype=XSD.integer)))


def _linksets(g: Graph, ds: URIRef, store: ox.Store, base: str) -> None:
    prefix = graph_iri(base, "links/")
    for graph in sorted(store.named_graphs(), key=str):
        name = graph.value
        if not name.startswith(prefix):
            continue
        size = graph_size(store, ox.NamedNode(name))
        if not size:
            continue
        linkset = _part(ds, "linkset", name)
        predicates = sorted(_term(r["p"]) for r in
                            _rows(store, f"SELECT DISTINCT ?p WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}"))
        objects = _rows(store, f"SELECT DISTINCT ?o WHERE {{ GRAPH <{name}> {{ ?s ?p ?o FILTER(isIRI(?o)) }} }}")
        g.add((ds, VOID.subset, linkset))
        g.add((linkset, RDF.type, VOID.Linkset))
        g.add((linkset, RDFS.label, Literal(f"links: {name[len(prefix):]}", lang="en")))
        g.add((linkset, VOID.triples, Literal(size, datatype=XSD.integer)))
        g.add((linkset, DCTERMS.source, URIRef(name)))
        for p in predicates:
            g.add((linkset, VOID.linkPredicate, p))
        g.add((linkset, VOID.subjectsTarget, ds))
        targets = {_target(_term(r["o"])) for r in objects}
        for target in sorted(t for t in targets if t):
            g.add((linkset, VOID.objectsTarget, target))
            g.add((target, RDF.type, VOID.Dataset))
            if target == WIKIDATA:
                g.add((target, FOAF.homepage, URIRef("https://www.wikidata.org/")))
                g.add((target, VOID.sparqlEndpoint, URIRef("https://query.wikidata.org/sparql")))
                g.add((target, DCTERMS.title, Literal("Wikidata", lang="en")))


def _target(iri: URIRef) -> URIRef | None:
    if iri.startswith(str(WIKIDATA)):
        return WIKIDATA
    if iri.startswith("http"):
        parts = str(iri).split("/")
        return URIRef("/".join(parts[:3]) + "/")
    return None


def _distributions(g: Graph, ds: URIRef, public_url: str) -> None:
    for inferred in (False, True):
        for fmt in dump_formats():
            for gz in (False, True):
                name = dump_name(fmt, inferred=inferred) + (".gz" if gz else "")
                url = URIRef(f"{public_url}dumps/{name}")
                g.add((ds, DCAT.distribution, url))
                if fmt.kind == "dataset" and gz:
                    g.add((ds, VOID.dataDump, url))
                g.add((url, RDF.type, DCAT.Distribution))
                g.add((url, DCAT.downloadURL, url))
                g.add((url, DCAT.mediaType, URIRef(IANA + fmt.media_type)))
                g.add((url, DCTERMS["format"], FORMATS_NS[W3C_FORMAT[fmt.name]]))
                if gz:
                    g.add((url, DCAT.compressFormat, URIRef(IANA + "application/gzip")))
                what = "with the OWL RL inferred triples" if inferred else "curated facts and ontology"
                g.add((url, DCTERMS.title, Literal(f"{name}: {what}", lang="en")))


def service_description(bundle: GraphBundle, endpoint: str, *, federated: bool = False) -> Graph:
    """SPARQL 1.1 Service Description of the endpoint at ``endpoint``: languages, formats, features and the
    default dataset with its named graphs and their triple counts."""
    g = Graph()
    g.bind("sd", SD)
    g.bind("void", VOID)
    g.bind("formats", FORMATS_NS)
    g.bind("dcterms", DCTERMS)
    service = URIRef(endpoint)
    g.add((service, RDF.type, SD.Service))
    g.add((service, SD.endpoint, service))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    g.add((service, SD.feature, SD.UnionDefaultGraph))
    if federated:
        g.add((service, SD.feature, SD.BasicFederatedQuery))
    for fmt in formats.FORMATS:
        if fmt.kind in ("results", "graph"):
            g.add((service, SD.resultFormat, FORMATS_NS[W3C_FORMAT[fmt.name]]))
    ds = dataset_iri(bundle.base)
    g.add((service, SD.defaultDataset, ds))
    g.add((ds, RDF.type, SD.Dataset))
    g.add((ds, RDF.type, VOID.Dataset))
    g.add((ds, DCTERMS.title, Literal(TITLE, lang="en")))
    default = BNode()
    g.add((ds, SD.defaultGraph, default))
    g.add((default, RDF.type, SD.Graph))
    g.add((default, VOID.triples, Literal(bundle.union_count(), datatype=XSD.integer)))
    for name, size in sorted(bundle.graph_counts().items()):
        named, desc = BNode(), BNode()
        g.add((ds, SD.namedGraph, named))
        g.add((named, RDF.type, SD.NamedGraph))
        g.add((named, SD.name, URIRef(name)))
        g.add((named, SD.graph, desc))
        g.add((desc, RDF.type, SD.Graph))
        g.add((desc, VOID.triples, Literal(size, datatype=XSD.integer)))
    return g

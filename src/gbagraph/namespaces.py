"""The IRIs and prefixes of gbagraph, bound once."""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SDO, SKOS, VOID, XSD

#: The persistent namespace of every IRI gbagraph mints (w3id.org redirects it; docs/w3id/ holds the rules).
#: Canonical and host-independent: a server answers for ``{BASE}id/…``, ``{BASE}def/…`` and ``{BASE}graph/…`` at
#: its own ``/id/…``, ``/def/…`` and ``/graph/…`` paths, wherever it runs.
BASE = "https://w3id.org/gbagraph/"

#: The paths under BASE that a server dereferences locally.
LOCAL_PATHS = ("id/", "def/", "graph/")

ORG = Namespace("http://www.w3.org/ns/org#")
SH = Namespace("http://www.w3.org/ns/shacl#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VANN = Namespace("http://purl.org/vocab/vann/")
TIME = Namespace("http://www.w3.org/2006/time#")
WD = Namespace("http://www.wikidata.org/entity/")


def gba(base: str = BASE) -> Namespace:
    """The ontology namespace under ``base``."""
    return Namespace(base + "def/")


def graph_iri(base: str, name: str) -> str:
    """The IRI of named graph ``name`` (e.g. ``ontology``, ``plenary-23-press-release/p06``)."""
    return f"{base}graph/{name}"


def prefixes(base: str = BASE) -> dict[str, str]:
    """Prefix → namespace IRI for everything the graph uses (queries, pages, serialisations)."""
    return {
        "gba": base + "def/",
        "person": base + "id/person/",
        "body": base + "id/body/",
        "post": base + "id/post/",
        "meeting": base + "id/meeting/",
        "agreement": base + "id/agreement/",
        "doc": base + "id/document/",
        "init": base + "id/initiative/",
        "place": base + "id/place/",
        "fig": base + "id/figure/",
        "part": base + "id/participation/",
        "area": base + "id/area/",
        "status": base + "id/status/",
        "role": base + "id/role/",
        "audience": base + "id/audience/",
        "topic": base + "id/topic/",
        "kind": base + "id/kind/",
        "source": base + "id/source/",
        "scheme": base + "id/scheme/",
        "stmt": base + "id/statement/",
        "group": base + "id/group/",
        # (no "date" prefix: the JSON-LD context's plain key "date" is gba:date; data files declare date: themselves)
        "holding": base + "id/holding/",
        "delegation": base + "id/delegation/",
        "src": base + "id/source/plenary-23-press-release/",
        "graph": base + "graph/",
        "rdf": str(RDF),
        "rdfs": str(RDFS),
        "owl": str(OWL),
        "xsd": str(XSD),
        "skos": str(SKOS),
        "dcterms": str(DCTERMS),
        "foaf": str(FOAF),
        "schema": str(SDO),
        "prov": str(PROV),
        "org": str(ORG),
        "dcat": str(DCAT),
        "void": str(VOID),
        "sh": str(SH),
        "sd": str(SD),
        "vann": str(VANN),
        "time": str(TIME),
        "wd": str(WD),
        "wdt": "http://www.wikidata.org/prop/direct/",
    }


def sparql_prologue(base: str = BASE) -> str:
    """``PREFIX`` lines for every prefix, for query editors and examples."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in prefixes(base).items())

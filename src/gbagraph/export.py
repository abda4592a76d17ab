"""Dumps of the dataset in every RDF format of the registry, with or without the inferred graph."""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass

from rdflib import Dataset, Graph, URIRef

from .formats import Format
from .namespaces import graph_iri
from .store import GraphBundle


def selected(bundle: GraphBundle, *, inferred: bool) -> Dataset:
    """A dataset of the bundle's named graphs (all, or all but ``graph/inferred``)."""
    skip = set() if inferred else {graph_iri(bundle.base, "inferred")}
    out = Dataset()
    for prefix, ns in bundle.dataset.namespaces():
        out.bind(prefix, ns, override=True)
    for ctx in bundle.dataset.graphs():
        name = str(ctx.identifier)
        if name in skip or len(ctx) == 0 or name.startswith("urn:x-rdflib:"):
            continue
        out.graph(URIRef(name)).__iadd__(ctx)
    return out


def serialize(bundle: GraphBundle, fmt: Format, *, inferred: bool = False) -> bytes:
    """The dump in ``fmt``: quad formats keep the named graphs; triple formats hold their union."""
    data = selected(bundle, inferred=inferred)
    if fmt.kind == "dataset":
        return data.serialize(format=fmt.rdflib, encoding="utf-8")
    union = Graph()
    for prefix, ns in data.namespaces():
        union.bind(prefix, ns, override=True)
    for ctx in data.graphs():
        union += ctx
    return union.serialize(format=fmt.rdflib, encoding="utf-8")


@dataclass(frozen=True)
class Dump:
    name: str
    format: Format
    inferred: bool
    body: bytes
    gzipped: bytes
    triples: int

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.body).hexdigest()

    @property
    def gzip_sha256(self) -> str:
        return hashlib.sha256(self.gzipped).hexdigest()


def dump_name(fmt: Format, *, inferred: bool) -> str:
    """The file name of a dump: ``gbagraph.ttl``, ``gbagraph-inferred.nq``, …"""
    return f"gbagraph{'-inferred' if inferred else ''}.{fmt.extension}"


def make_dump(bundle: GraphBundle, fmt: Format, *, inferred: bool) -> Dump:
    body = serialize(bundle, fmt, inferred=inferred)
    data = selected(bundle, inferred=inferred)
    triples = sum(len(c) for c in data.graphs()) if fmt.kind == "dataset" else len(
        {t for c in data.graphs() for t in c})
    return Dump(dump_name(fmt, inferred=inferred), fmt, inferred, body, gzip.compress(body, mtime=0), triples)

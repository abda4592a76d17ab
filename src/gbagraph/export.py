"""Dumps of the dataset in every RDF format of the registry, with or without the inferred graph."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Any, BinaryIO

import pyoxigraph as ox
from rdflib import Dataset, Graph, URIRef

from .bundle import GraphBundle
from .formats import Format
from .namespaces import graph_iri, prefixes
from .storeview import to_ox


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


#: dataset releases, newest first: version → date issued (what changed: CHANGELOG.md)
RELEASES = (("0.3.0", None), ("0.2.0", "2026-11-27"), ("0.1.0", None))


def dump_name(fmt: Format, *, inferred: bool) -> str:
    """The file name of a dump: ``gbagraph.ttl``, ``gbagraph-inferred.nq``, …"""
    return f"gbagraph{'-inferred' if inferred else ''}.{fmt.extension}"


def dataset_version() -> str:
    """The version of the dataset release (the newest of :data:`RELEASES`)."""
    return RELEASES[0][0]


def versioned_name(name: str) -> str:
    """The name a downloaded dump is saved under, with the release: ``gbagraph-0.3.0.nq.gz``."""
    return name.replace("gbagraph", f"gbagraph-{dataset_version()}", 1) if name.startswith("gbagraph") else name


def unversioned_name(name: str) -> str:
    """``gbagraph-0.3.0.nq.gz`` → ``gbagraph.nq.gz`` (the release asked for must be this one); other names as given."""
    prefix = f"gbagraph-{dataset_version()}"
    return "gbagraph" + name[len(prefix):] if name.startswith(prefix) else name


def make_dump(bundle: GraphBundle, fmt: Format, *, inferred: bool) -> Dump:
    """The dump in ``fmt``, in memory: written by the store when there is one (12 dumps of the bundled graph in
    1.7 s, ~15 s through rdflib), else serialised by rdflib."""
    if bundle.store is not None:
        out = io.BytesIO()
        triples = store_dump(bundle.store, bundle.base, fmt, out, inferred=inferred)
        body = out.getvalue()
        return Dump(dump_name(fmt, inferred=inferred), fmt, inferred, body, gzip.compress(body, mtime=0), triples)
    body = serialize(bundle, fmt, inferred=inferred)
    data = selected(bundle, inferred=inferred)
    triples = sum(len(c) for c in data.graphs()) if fmt.kind == "dataset" else len(
        {t for c in data.graphs() for t in c})
    return Dump(dump_name(fmt, inferred=inferred), fmt, inferred, body, gzip.compress(body, mtime=0), triples)


# -- dumps streamed from the pyoxigraph store (big graphs: no rdflib copy) -----------------------------------------

def _counted(items: Iterable[Any], counter: list[int]) -> Iterator[Any]:
    for item in items:
        counter[0] += 1
        yield item


def store_dump(store: ox.Store, base: str, fmt: Format, out: BinaryIO, *, inferred: bool) -> int:
    """Write the dump in ``fmt`` from ``store`` to ``out`` (quad formats keep the named graphs, triple formats
    hold their union as a set); the number of quads or triples written."""
    skip = graph_iri(base, "inferred")
    counter = [0]
    target = getattr(ox.RdfFormat, fmt.oxigraph)
    prefixes_ = prefixes(base) if fmt.name in ("turtle", "trig") else None
    if fmt.kind == "dataset":
        quads = (q for q in store.quads_for_pattern(None, None, None, None)
                 if isinstance(q.graph_name, ox.NamedNode) and (inferred or q.graph_name.value != skip))
        ox.serialize(_counted(quads, counter), out, format=target, prefixes=prefixes_)
    else:
        where = "?s ?p ?o" if inferred else (f"SELECT DISTINCT ?s ?p ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
                                             f"FILTER(?g != <{skip}>) }}")
        triples = store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {where} }}")
        ox.serialize(_counted(triples, counter), out, format=target, prefixes=prefixes_)  # type: ignore[arg-type]
    return counter[0]


def store_graph(store: ox.Store, graph: str, extra: Graph, fmt: Format, base: str) -> bytes:
    """The named graph ``graph`` of ``store`` and the triples of ``extra``, each triple once, in the graph format
    ``fmt``: serialised by the store, with no rdflib copy of the graph."""
    added = {ox.Triple(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in extra}
    own = (q.triple for q in store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))
    body = ox.serialize(chain((t for t in own if t not in added), added), format=getattr(ox.RdfFormat, fmt.oxigraph),
                        prefixes=prefixes(base) if fmt.name == "turtle" else None)
    assert body is not None
    return body


def build_dump_files(store: ox.Store, base: str, fmt: Format, folder: Path, *, inferred: bool) -> dict[str, Any]:
    """Write ``NAME`` and ``NAME.gz`` (gzip with a fixed mtime: the same inputs give the same bytes) into
    ``folder`` atomically, then ``NAME.json`` (triples, sizes, SHA-256s) last: a dump is there when that is.
    Temporary files are named ``.tmp-PID-…`` and removed when writing fails (a full disk)."""
    name = dump_name(fmt, inferred=inferred)
    folder.mkdir(parents=True, exist_ok=True)
    tmp, tmp_gz, tmp_meta = (folder / f".tmp-{os.getpid()}-{name}{ext}" for ext in ("", ".gz", ".json"))
    try:
        with tmp.open("wb") as fh:
            triples = store_dump(store, base, fmt, fh, inferred=inferred)
        plain_sha, gz_sha = hashlib.sha256(), hashlib.sha256()
        with tmp.open("rb") as src, tmp_gz.open("wb") as raw:
            with gzip.GzipFile(filename="", fileobj=raw, mode="wb", mtime=0) as gz:
                for chunk in iter(lambda: src.read(1 << 20), b""):
                    plain_sha.update(chunk)
                    gz.write(chunk)
        with tmp_gz.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                gz_sha.update(chunk)
        (folder / f"{name}.json").unlink(missing_ok=True)  # the files change: no facts describe them meanwhile
        os.replace(tmp_gz, folder / f"{name}.gz")
        os.replace(tmp, folder / name)
        meta = {"triples": triples, "bytes": (folder / name).stat().st_size, "sha256": plain_sha.hexdigest(),
                "gzip_bytes": (folder / f"{name}.gz").stat().st_size, "gzip_sha256": gz_sha.hexdigest()}
        tmp_meta.write_text(json.dumps(meta))
        os.replace(tmp_meta, folder / f"{name}.json")
    finally:
        for path in (tmp, tmp_gz, tmp_meta):
            path.unlink(missing_ok=True)
    return meta

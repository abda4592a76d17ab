"""``/dumps``: the whole dataset in every RDF format of the registry, curated-only and with the inferred graph,
plain and gzip'd, each built once on first use, listed with size, triple count and SHA-256; ETag and
Last-Modified let clients cache them.  The files themselves are :mod:`gbagraph.web.dumpfiles`'s (a small
graph's built in memory, a big graph's written from the store into the cache folder in the background)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from flask import Blueprint, Response, jsonify, render_template, request, send_file

from ..bundle import GraphBundle
from ..entities import context_bytes, entity_csv
from ..errors import NotFound, TooBusy
from ..export import Dump, dump_name, unversioned_name, versioned_name
from ..formats import Format
from ..void import dump_formats
from .conneg import HTML_CONTENT_TYPE, HTML_TYPES, accept_of, best
from .dumpfiles import StoreDumps
from .state import state

bp = Blueprint("dumps", __name__)

GZIP = "application/gzip"


@dataclass(frozen=True)
class DumpFile:
    """One downloadable file: a dump, plain or gzip'd."""

    name: str
    format: Format
    inferred: bool
    gz: bool

    def dump(self) -> Dump:
        return state().dumps.get(self.format, self.inferred)

    def body(self) -> bytes:
        dump = self.dump()
        return dump.gzipped if self.gz else dump.body

    def sha256(self) -> str:
        dump = self.dump()
        return dump.gzip_sha256 if self.gz else dump.sha256

    def info(self) -> dict[str, Any]:
        sd = state().store_dumps
        if sd is not None:  # a big graph: what is built, from the cache folder; the rest is being prepared
            meta = sd.meta(dump_name(self.format, inferred=self.inferred))
            if meta is None:
                return {**self.about(), "bytes": None, "triples": None, "sha256": None, "status": "being prepared"}
            return {**self.about(), "bytes": meta["gzip_bytes" if self.gz else "bytes"], "triples": meta["triples"],
                    "sha256": meta["gzip_sha256" if self.gz else "sha256"], "status": "ready"}
        dump = self.dump()
        return {**self.about(), "bytes": len(self.body()), "triples": dump.triples, "sha256": self.sha256()}

    def about(self) -> dict[str, Any]:
        return {
            "name": self.name, "url": f"{state().public_url()}dumps/{self.name}",
            "release_url": f"{state().public_url()}dumps/{versioned_name(self.name)}",
            "format": self.format.name, "media_type": GZIP if self.gz else self.format.media_type,
            "content_media_type": self.format.media_type, "gzip": self.gz,
            "inferred": self.inferred, "named_graphs": self.format.kind == "dataset",
        }


def files() -> dict[str, DumpFile]:
    """Every dump file by name, in listing order."""
    out = {}
    for inferred in (False, True):
        for fmt in dump_formats():
            for gz in (False, True):
                name = dump_name(fmt, inferred=inferred) + (".gz" if gz else "")
                out[name] = DumpFile(name, fmt, inferred, gz)
    return out


#: files for spreadsheet, OpenRefine and plain-JSON users, listed after the dumps: name -> (media type, builder)
EXTRAS: dict[str, tuple[str, Callable[[GraphBundle], bytes]]] = {
    "entities.csv": ("text/csv; charset=utf-8", entity_csv),
    "context.jsonld": ("application/ld+json", context_bytes),
}


def _extra_info(name: str) -> dict[str, Any]:
    media_type, build = EXTRAS[name]
    body = state().dumps.extra(name, build)
    return {"name": name, "url": f"{state().public_url()}dumps/{name}", "format": name.rsplit(".", 1)[-1],
            "media_type": media_type.split(";")[0],
            "content_media_type": media_type.split(";")[0], "gzip": False, "inferred": False, "named_graphs": False,
            "bytes": len(body), "triples": None, "sha256": hashlib.sha256(body).hexdigest()}


def _wants_html() -> bool:
    """HTML when ``format=html`` or ``Accept`` names HTML before JSON; JSON otherwise (scripts, curl)."""
    wanted = request.args.get("format")
    if wanted:
        return wanted == "html"
    return best(accept_of(request.headers.get("Accept")), ["application/json", *HTML_TYPES]) in HTML_TYPES


@bp.route("/dumps")
@bp.route("/dumps/")
def listing() -> Response:
    """The list of dumps (HTML for people, JSON for scripts)."""
    sd = state().store_dumps
    if sd is not None:
        sd.start()  # build the missing dumps in the background; the extras are not offered at this size
    infos = [f.info() for f in files().values()] + ([] if sd else [_extra_info(name) for name in EXTRAS])
    if _wants_html():
        body = render_template("dumps.html", dumps=infos)
        return Response(body, content_type=HTML_CONTENT_TYPE, headers={"Vary": "Accept"})
    response = jsonify({"dumps": infos})
    response.headers["Vary"] = "Accept"
    return response


@bp.route("/dumps/<name>")
def download(name: str) -> Response:
    """One dump file, with ETag (its SHA-256) and Last-Modified (the newest source file); saved under its versioned
    name (``gbagraph-0.3.0.nq.gz``), which is also a path that answers."""
    name = unversioned_name(name)
    file = files().get(name)
    sd = state().store_dumps
    if sd is not None:
        return _from_store(sd, name, file)
    if file is not None:
        body = file.body()
        response = Response(body, content_type=GZIP if file.gz else file.format.content_type)
        response.set_etag(file.sha256())
    elif name in EXTRAS:
        media_type, build = EXTRAS[name]
        body = state().dumps.extra(name, build)
        response = Response(body, content_type=media_type)
        response.set_etag(hashlib.sha256(body).hexdigest())
    else:
        raise NotFound(f"no dump called {name!r}; see /dumps")
    response.last_modified = state().last_modified
    response.headers["Cache-Control"] = "public, max-age=3600"
    response.headers["Content-Disposition"] = f'attachment; filename="{versioned_name(name)}"'
    return cast(Response, response.make_conditional(request, accept_ranges=True, complete_length=len(body)))


def _from_store(sd: StoreDumps, name: str, file: DumpFile | None) -> Response:
    """A dump of a big graph, from the cache folder once built (503 with Retry-After until then)."""
    if file is None:
        raise NotFound(f"no dump called {name!r} for a graph this big; see /dumps")
    meta = sd.meta(dump_name(file.format, inferred=file.inferred))
    if meta is None:
        sd.start()
        raise TooBusy(f"the dump {name} is being prepared; try again in a minute (see /dumps)")
    response = send_file(sd.path(name), mimetype=GZIP if file.gz else file.format.content_type,
                         as_attachment=True, download_name=versioned_name(name), conditional=True,
                         etag=meta["gzip_sha256" if file.gz else "sha256"], last_modified=state().last_modified,
                         max_age=3600)
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response

"""``/dumps``: the whole dataset in every RDF format of the registry, curated-only and with the inferred graph,
plain and gzip'd, each built once on first use, listed with size, triple count and SHA-256; ETag and
Last-Modified let clients cache them.  A small graph's dumps are built in memory (:class:`DumpCache`), a big
graph's written from the store into the cache folder in the background (:class:`StoreDumps`)."""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from flask import Blueprint, Response, jsonify, render_template, request, send_file

from ..bundle import GraphBundle
from ..diskcache import dump_meta
from ..entities import context_bytes, entity_csv
from ..errors import NotFound, TooBusy
from ..export import Dump, build_dump_files, dump_name, make_dump, unversioned_name, versioned_name
from ..formats import Format
from ..void import dump_formats
from .conneg import HTML_CONTENT_TYPE, HTML_TYPES, accept_of, best
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


log = logging.getLogger("gbagraph.dumps")


class DumpCache:
    """Dumps built on first use and kept (one lock: a dump is built once per process)."""

    def __init__(self, bundle: GraphBundle) -> None:
        self.bundle = bundle
        self._dumps: dict[tuple[str, bool], Dump] = {}
        self._extras: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def extra(self, name: str, build: Callable[[GraphBundle], bytes]) -> bytes:
        """A file derived from the dataset other than a dump (entity table, JSON-LD context), built once."""
        with self._lock:
            if name not in self._extras:
                self._extras[name] = build(self.bundle)
            return self._extras[name]

    def carry_over(self, previous: DumpCache) -> None:
        """Take what ``previous`` has built: it served the same store (same cache key), so the same files."""
        with previous._lock:
            dumps, extras = dict(previous._dumps), dict(previous._extras)
        with self._lock:
            self._dumps.update(dumps)
            self._extras.update(extras)

    def get(self, fmt: Format, inferred: bool) -> Dump:
        key = (fmt.name, inferred)
        with self._lock:
            if key not in self._dumps:
                self._dumps[key] = make_dump(self.bundle, fmt, inferred=inferred)
            return self._dumps[key]


#: from this many quads the dumps are written from the store to the cache folder, in the background
STORE_DUMPS_FROM = 50_000


class StoreDumps:
    """Dumps of a big graph, written from the store into ``folder`` (one per store key, shared by every process)
    one after another by a background thread that starts on first use; a dump is listed once it is complete."""

    def __init__(self, store: Any, base: str, folder: Path) -> None:
        self.store, self.base, self.folder = store, base, folder
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def meta(self, name: str) -> dict[str, Any] | None:
        return dump_meta(self.folder, name)  # None for a dump not written yet, or damaged (then written again)

    def path(self, name: str) -> Path:
        return self.folder / name

    def start(self) -> None:
        """Start building the missing dumps in this process (once), unless another process holds their lock."""
        with self._lock:
            if self._thread is None or (not self._thread.is_alive() and self._thread.ident != threading.get_ident()):
                if self._thread is None or any(self.meta(dump_name(f, inferred=i)) is None for f, i in self._all()):
                    self._thread = threading.Thread(target=self._build_all, name="gbagraph-dumps", daemon=True)
                    self._thread.start()

    def _all(self) -> list[tuple[Format, bool]]:
        return [(fmt, inferred) for inferred in (False, True) for fmt in dump_formats()]

    def _build_all(self) -> None:
        for fmt, inferred in self._all():
            name = dump_name(fmt, inferred=inferred)
            if self.meta(name) is not None:
                continue
            lock = self.folder / f"{name}.lock"
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
                if lock.exists() and _pid_alive(lock):
                    continue  # another process is writing it
                lock.unlink(missing_ok=True)
                fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
                os.write(fd, str(os.getpid()).encode())
                os.close(fd)
            except OSError:
                continue
            try:
                build_dump_files(self.store, self.base, fmt, self.folder, inferred=inferred)
            except OSError as exc:
                log.warning("dumps: cannot write %s (%s)", name, exc)
            finally:
                lock.unlink(missing_ok=True)


def _pid_alive(lock: Path) -> bool:
    try:
        os.kill(int(lock.read_text() or 0), 0)
    except (OSError, ValueError):
        return False
    return True

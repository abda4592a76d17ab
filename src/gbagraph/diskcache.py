"""The disk cache of start-up results, and the input hashes its keys are made of.

:class:`DiskCache` keeps values (a SHACL verdict, an inferred graph as N-Triples) under
``{cache_dir}/{kind}/{key}`` and whole folders (the pyoxigraph store, see :mod:`.oxstore`) under
``{cache_dir}/{kind}/{key}/``.  A key is a SHA-256 over what the value depends on: the input files' names and
bytes (:class:`Inputs` hashes each file once per start), the base IRI and the versions of the libraries and of
our own code that compute the value; a changed input gives a new key, so no entry is ever stale.  The default
folder is ``$XDG_CACHE_HOME/gbagraph`` (``~/.cache/gbagraph``): never the repository.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from .config import Settings
from .store import iter_data_files

log = logging.getLogger("gbagraph.start")


def default_cache_dir() -> Path:
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "gbagraph"


def version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "-"


def code_hash(*modules: str) -> str:
    """A short hash of some of our own modules (a cache-key part: a change of code invalidates the value)."""
    here = Path(__file__).resolve().parent
    code = hashlib.sha256()
    for module in modules:
        code.update((here / module).read_bytes())
    return code.hexdigest()[:16]


def library_versions(*names: str) -> str:
    """Versions of gbagraph, rdflib and ``names``, and a hash of the loading/validating/reasoning code."""
    versions = ";".join(f"{n}={version(n)}" for n in ("gbagraph", "rdflib", *names))
    return f"{versions};code={code_hash('store.py', 'oxstore.py', 'validate.py', 'infer.py', 'reason.py')}"


def _file_hash(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def digest(files: Iterable[Path], *extra: str, root: Path | None = None) -> str:
    """SHA-256 over the files (names relative to ``root``, and bytes) and ``extra`` strings."""
    h = hashlib.sha256()
    for value in extra:
        h.update(value.encode("utf-8") + b"\0")
    for path in sorted(files):
        name = str(path.relative_to(root)) if root else path.name
        h.update(name.encode("utf-8") + b"\0" + _file_hash(path).encode("ascii") + b"\0")
    return h.hexdigest()


@dataclass
class Inputs:
    """The files a start reads (ontology, shapes, data), each hashed once; keys combine their hashes."""

    root: Path
    ontology: list[Path]
    shapes: Path | None
    data: list[tuple[str, Path, str | None]]  # (graph name, file, paragraph IRI or None)
    hashes: dict[Path, str] = field(default_factory=dict)

    @classmethod
    def scan(cls, settings: Settings) -> Inputs:
        onto = sorted(p for p in settings.ontology_dir.glob("*.ttl") if p.is_file() and p.name != "shapes.ttl")
        shapes = settings.shapes_file if settings.shapes_file.is_file() else None
        return cls(settings.root, onto, shapes, list(iter_data_files(settings)))

    def files(self, *, shapes: bool) -> list[Path]:
        extra = [self.shapes] if shapes and self.shapes else []
        return sorted([*self.ontology, *extra]) + [path for _name, path, _para in self.data]

    def _hash(self, path: Path) -> str:
        if path not in self.hashes:
            self.hashes[path] = _file_hash(path)
        return self.hashes[path]

    def key(self, *extra: str, shapes: bool) -> str:
        """SHA-256 over the input files (with or without the shapes) and ``extra`` strings."""
        h = hashlib.sha256()
        for value in extra:
            h.update(value.encode("utf-8") + b"\0")
        for path in self.files(shapes=shapes):
            try:
                name = str(path.relative_to(self.root))
            except ValueError:
                name = path.name
            h.update(name.encode("utf-8") + b"\0" + self._hash(path).encode("ascii") + b"\0")
        return h.hexdigest()


def input_files(settings: Settings, *, shapes: bool) -> list[Path]:
    """The files a start reads: ontology (with or without shapes.ttl) and data."""
    return Inputs.scan(settings).files(shapes=shapes)


class DiskCache:
    """Values stored under ``folder/kind/key`` (written atomically; a missing or unreadable entry is a miss)."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = Path(folder) if folder else default_cache_dir()

    def path(self, kind: str, key: str, suffix: str = "") -> Path:
        return self.folder / kind / f"{key}{suffix}"

    def get(self, kind: str, key: str, suffix: str = "") -> bytes | None:
        try:
            return self.path(kind, key, suffix).read_bytes()
        except OSError:
            return None

    def put(self, kind: str, key: str, value: bytes, suffix: str = "") -> None:
        target = self.path(kind, key, suffix)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as fh:
                fh.write(value)
            os.replace(tmp, target)
        except OSError as exc:  # a read-only or full disk only costs the next start its speed
            log.warning("cache: cannot write %s (%s); the next start recomputes it", target, exc.strerror or exc)

    def writable(self) -> str | None:
        """None when values can be written here, else why not (one line)."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=self.folder, prefix=".probe-"):
                pass
        except OSError as exc:
            return f"{self.folder}: {exc.strerror or exc}"
        return None


def cache_for(settings: Settings) -> DiskCache | None:
    return DiskCache(Path(settings.cache_dir) if settings.cache_dir else None) if settings.cache else None

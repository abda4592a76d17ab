"""The disk cache of start-up results, and the input hashes its keys are made of.

:class:`DiskCache` keeps values (a SHACL verdict, an inferred graph as N-Triples) under
``{cache_dir}/{kind}/{key}`` and whole folders (the pyoxigraph store, see :mod:`.oxstore`) under
``{cache_dir}/{kind}/{key}/``.  A key is a SHA-256 over what the value depends on: the input files' names and
bytes (:class:`Inputs` hashes each file once per start), the base IRI and the versions of the libraries and of
our own code that compute the value; a changed input gives a new key, so no entry is ever stale.  The default
folder is ``$XDG_CACHE_HOME/gbagraph`` (``~/.cache/gbagraph``): never the repository.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any, cast

from .config import Settings
from .layout import iter_data_files

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
    return f"{versions};code={code_hash('layout.py', 'bundle.py', 'oxstore.py', 'validate.py', 'reason.py', 'compiled.py')}"


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file's bytes (hex), read in 1 MiB chunks."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def digest(files: Iterable[Path], *extra: str, root: Path | None = None,
           hashed: Callable[[Path], str] = sha256_of) -> str:
    """SHA-256 over the files (names relative to ``root``, and bytes: ``hashed`` gives each one's SHA-256) and
    ``extra`` strings."""
    h = hashlib.sha256()
    for value in extra:
        h.update(value.encode("utf-8") + b"\0")
    for path in sorted(files):
        name = str(path.relative_to(root)) if root else path.name
        h.update(name.encode("utf-8") + b"\0" + hashed(path).encode("ascii") + b"\0")
    return h.hexdigest()


class HashMemo:
    """The SHA-256 of each input file remembered across starts (a JSON file in the cache folder), keyed by what
    changes with its content: size, mtime and ctime (in ns; no tool sets ctime back) and inode.  A warm start
    stats the files and hashes only those that changed: nothing else proportional to the data's bytes."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.known: dict[str, list[Any]] = {}
        self.changed = False
        self.hashed = 0  # files whose bytes were read (not known by their stamp)
        if path is not None:
            try:
                loaded = json.loads(path.read_text(encoding="utf-8"))
                if isinstance(loaded, dict):
                    self.known = loaded
            except (OSError, ValueError):
                pass

    def sha256(self, path: Path) -> str:
        st = path.stat()
        stamp = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
        name = str(path)
        found = self.known.get(name)
        if isinstance(found, list) and len(found) == 5 and found[:4] == stamp and isinstance(found[4], str):
            return found[4]
        sha = sha256_of(path)
        self.known[name] = [*stamp, sha]
        self.changed = True
        self.hashed += 1
        return sha

    def save(self) -> None:
        """Write what was learnt (aside, then renamed); a disk that refuses costs only the memo."""
        if self.path is None or not self.changed:
            return
        tmp = self.path.with_name(f"{tmp_prefix()}{self.path.name}")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(json.dumps(self.known), encoding="utf-8")
            os.replace(tmp, self.path)
            self.changed = False
        except OSError:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)


@dataclass
class Inputs:
    """The files a start reads (ontology, shapes, data), each hashed once; keys combine their hashes."""

    root: Path
    ontology: list[Path]
    shapes: Path | None
    data: list[tuple[str, Path, str | None]]  # (graph name, file, paragraph IRI or None)
    hashes: dict[Path, str] = field(default_factory=dict)
    memo: HashMemo = field(default_factory=lambda: HashMemo(None))
    digests: dict[bool, str] = field(default_factory=dict)  # files_digest(shapes=…), once computed

    @classmethod
    def scan(cls, settings: Settings) -> Inputs:
        onto = sorted(p for p in settings.ontology_dir.glob("*.ttl") if p.is_file() and p.name != "shapes.ttl")
        shapes = settings.shapes_file if settings.shapes_file.is_file() else None
        cache = cache_for(settings)
        where = hashlib.sha256(str(settings.root.resolve()).encode()).hexdigest()[:32]
        memo = HashMemo(cache.path("inputs", where, ".json") if cache is not None and cache.folder else None)
        return cls(settings.root, onto, shapes, list(iter_data_files(settings)), memo=memo)

    def files(self, *, shapes: bool) -> list[Path]:
        extra = [self.shapes] if shapes and self.shapes else []
        return sorted([*self.ontology, *extra]) + [path for _name, path, _para in self.data]

    def _hash(self, path: Path) -> str:
        if path not in self.hashes:
            self.hashes[path] = self.memo.sha256(path)
        return self.hashes[path]

    def key(self, *extra: str, shapes: bool) -> str:
        """SHA-256 over ``extra`` strings and the input files (with or without the shapes): their names and
        hashes are digested once per start (:meth:`files_digest`), whatever the number of keys."""
        h = hashlib.sha256()
        for value in extra:
            h.update(value.encode("utf-8") + b"\0")
        h.update(self.files_digest(shapes=shapes).encode("ascii"))
        return h.hexdigest()

    def files_digest(self, *, shapes: bool) -> str:
        """SHA-256 over the input files' names (relative to the root) and SHA-256s, computed once."""
        if shapes not in self.digests:
            h = hashlib.sha256()
            prefix = "" if str(self.root) == "." else str(self.root) + os.sep
            for path in self.files(shapes=shapes):
                h.update(self._name(path, prefix).encode("utf-8") + b"\0" + self._hash(path).encode("ascii") + b"\0")
            self.memo.save()
            self.digests[shapes] = h.hexdigest()
        return self.digests[shapes]

    def _name(self, path: Path, prefix: str) -> str:
        """``path`` relative to the root (a string prefix: no path arithmetic per file), else its name."""
        text = str(path)
        if prefix and text.startswith(prefix):
            return text[len(prefix):]
        if not prefix and not path.is_absolute():
            return text
        try:
            return str(path.relative_to(self.root))
        except ValueError:
            return path.name

    def newest_mtime(self) -> float | None:
        """The newest modification time (seconds) of the input files and the shapes, from the stamps this start
        took while hashing them (a file not hashed yet is stat'ed); None without files."""
        stamps = []
        for path in self.files(shapes=True):
            known = self.memo.known.get(str(path)) if path in self.hashes else None
            stamps.append(int(known[1]) if isinstance(known, list) and len(known) == 5 else path.stat().st_mtime_ns)
        return max(stamps) / 1e9 if stamps else None

    def digest(self, *extra: str, shapes: bool) -> str:
        """Like :meth:`key` (the same files digested once)."""
        return self.key(*extra, shapes=shapes)


def input_files(settings: Settings, *, shapes: bool) -> list[Path]:
    """The files a start reads: ontology (with or without shapes.ttl) and data."""
    return Inputs.scan(settings).files(shapes=shapes)


def fingerprint(body: bytes) -> dict[str, int | str]:
    """What a cached body is checked against on use: its SHA-256, its size and its number of lines."""
    return {"sha256": hashlib.sha256(body).hexdigest(), "bytes": len(body), "lines": body.count(b"\n")}


def damage(body: bytes, meta: dict[str, Any]) -> str | None:
    """Why ``body`` is not the body ``meta`` (a :func:`fingerprint` and more) was written for, or None."""
    if meta.get("bytes") != len(body):
        return f"{len(body)} bytes, written with {meta.get('bytes')}"
    lines = body.count(b"\n")
    if meta.get("lines") != lines:
        return f"{lines} lines, written with {meta.get('lines')}"
    if meta.get("sha256") != hashlib.sha256(body).hexdigest():
        return "its SHA-256 is not the one it was written with"
    return None


@functools.lru_cache(maxsize=512)
def _file_sha256(path: str, _size: int, _mtime_ns: int, _inode: int) -> str:
    """The SHA-256 of a file, once per version of it (its size, mtime and inode are part of the memo's key)."""
    return sha256_of(Path(path))


def file_damage(path: Path, size: Any, sha256: Any) -> str | None:
    """Why the file at ``path`` is not the one of ``size`` bytes and ``sha256`` that was written, or None."""
    try:
        st = path.stat()
        if st.st_size != size:
            return f"{path.name} has {st.st_size} bytes, written with {size}"
        if _file_sha256(str(path), st.st_size, st.st_mtime_ns, st.st_ino) != sha256:
            return f"{path.name} is not the file written (SHA-256 differs)"
    except OSError as exc:
        return f"{path.name}: {exc.strerror or exc}"
    return None


def dump_meta(folder: Path, name: str) -> dict[str, Any] | None:
    """The facts of the dump ``name`` in ``folder`` (``NAME.json``, written last by
    :func:`gbagraph.export.build_dump_files`) when ``NAME`` and ``NAME.gz`` are the files they describe; else None
    — and the facts of a damaged dump are removed, so that the dump is written again."""
    facts = folder / f"{name}.json"
    try:
        meta = json.loads(facts.read_text())
        problem = file_damage(folder / name, meta["bytes"], meta["sha256"]) \
            or file_damage(folder / f"{name}.gz", meta["gzip_bytes"], meta["gzip_sha256"])
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        problem = f"its facts are unreadable ({exc})"
    if problem is None:
        return cast(dict[str, Any], meta)
    log.warning("dumps: %s is damaged (%s); writing it again", folder / name, problem)
    facts.unlink(missing_ok=True)
    return None


class DiskCache:
    """Values stored under ``folder/kind/key`` (written atomically; a missing or unreadable entry is a miss).

    :meth:`put_checked` and :meth:`get_checked` keep beside each value its :func:`fingerprint` (and any other
    facts about it) in ``{key}.meta.json``, written last; a value whose bytes no longer match is removed and
    reported as a miss, so a truncated, emptied or overwritten entry is recomputed, never used."""

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
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=tmp_prefix())
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(value)
                os.replace(tmp, target)
            finally:
                Path(tmp).unlink(missing_ok=True)
        except OSError as exc:  # a read-only or full disk only costs the next start its speed
            log.warning("cache: cannot write %s (%s); the next start recomputes it", target, exc.strerror or exc)

    def meta_path(self, kind: str, key: str) -> Path:
        return self.folder / kind / f"{key}.meta.json"

    def put_checked(self, kind: str, key: str, value: bytes, suffix: str = "", **facts: Any) -> None:
        """Store ``value`` and, last, its fingerprint and ``facts`` (what :meth:`get_checked` returns with it)."""
        self.put(kind, key, value, suffix)
        if self.path(kind, key, suffix).exists():
            meta = {**facts, **fingerprint(value)}
            self.put(kind, key, json.dumps(meta).encode("utf-8"), ".meta.json")

    def get_checked(self, kind: str, key: str, suffix: str = "") -> tuple[bytes, dict[str, Any]] | None:
        """(value, facts) when the entry is there and its bytes are the ones written; else None (a damaged entry
        is logged and removed)."""
        body, raw = self.get(kind, key, suffix), self.get(kind, key, ".meta.json")
        if body is None and raw is None:
            return None
        try:
            meta = json.loads(raw or b"")
            problem = damage(body or b"", meta) if body is not None and isinstance(meta, dict) else "half written"
        except ValueError:
            problem, meta = "its checksum file is unreadable", {}
        if problem is None:
            _touch(self.meta_path(kind, key))  # recently used: kept by evict()
            return body or b"", cast(dict[str, Any], meta)
        log.warning("cache: %s is damaged (%s); recomputing it", self.path(kind, key, suffix), problem)
        for path in (self.path(kind, key, suffix), self.meta_path(kind, key)):
            path.unlink(missing_ok=True)
        return None

    def writable(self) -> str | None:
        """None when values can be written here, else why not (one line)."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=self.folder, prefix=".probe-"):
                pass
        except OSError as exc:
            return f"{self.folder}: {exc.strerror or exc}"
        return None


# -- temporary files of dead processes, and entries superseded by newer ones --------------------------------------

def tmp_prefix() -> str:
    """The name prefix of a file or folder being written by this process (``.tmp-PID-``): :func:`sweep` removes
    those whose process is gone."""
    return f".tmp-{os.getpid()}-"


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _owner(tmp: Path) -> int:
    """The process writing ``tmp`` (from its name, or the ``pid`` file of a building folder); 0 if unknown."""
    try:
        return int(tmp.name.split("-")[1])
    except (IndexError, ValueError):
        pass
    try:
        return int((tmp / "pid").read_text())
    except (OSError, ValueError):
        return 0


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def sweep(folder: Path) -> int:
    """Remove the temporary files and folders (``.tmp-*``) in ``folder`` whose process is gone; how many."""
    removed = 0
    for tmp in folder.glob(".tmp-*") if folder.is_dir() else ():
        pid = _owner(tmp)
        if not pid or not alive(pid):
            log.info("cache: removing %s, left by a process that did not finish", tmp)
            _remove(tmp)
            removed += 1
    return removed


#: the file in an entry's folder that every process using the entry holds a shared lock on (see :func:`hold`)
IN_USE = "in-use.lock"


def hold(folder: Path) -> int | None:
    """Take a shared lock on ``folder``'s :data:`IN_USE` file for as long as the returned descriptor stays open
    (processes forked from this one share it): :func:`evict` never removes a folder some process holds."""
    try:
        fd = os.open(folder / IN_USE, os.O_RDONLY | os.O_CREAT, 0o644)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def _held(folder: Path) -> bool:
    """Whether a process holds ``folder`` (an exclusive lock cannot be had)."""
    try:
        fd = os.open(folder / IN_USE, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)
    return False


def _touch(path: Path) -> None:
    try:
        os.utime(path)
    except OSError:
        pass


def _entries(folder: Path) -> dict[str, list[Path]]:
    """The entries of one kind by key (a folder ``KEY/``, or files ``KEY.*``), temporary ones left out."""
    out: dict[str, list[Path]] = {}
    for path in folder.iterdir() if folder.is_dir() else ():
        if not path.name.startswith("."):
            out.setdefault(path.name.split(".", 1)[0], []).append(path)
    return out


def _last_used(paths: list[Path]) -> float:
    times = []
    for path in paths:
        try:
            times.append(path.stat().st_mtime)
        except OSError:
            pass
    return max(times, default=0.0)


#: kinds whose entries belong to an entry of another kind (of the same key): kept exactly while that one is
FOLLOWS = {"dumps": "store"}


def evict(cache: DiskCache, keep: int, in_use: set[str]) -> list[str]:
    """Sweep every kind's temporary files of dead processes, then keep the ``keep`` most recently used entries of
    each kind (and those ``in_use``), removing the others: what starts on since-changed inputs left behind (the
    dumps of a store go with it).  The removed entries, as ``kind/key``."""
    removed: list[str] = []
    folders = sorted((p for p in cache.folder.iterdir() if p.is_dir()), key=lambda p: p.name in FOLLOWS) \
        if cache.folder.is_dir() else []
    kept: dict[str, set[str]] = {}
    for folder in folders:
        sweep(folder)
        entries = _entries(folder)
        for path in (p for paths in entries.values() for p in paths if p.is_dir()):
            sweep(path)  # inside an entry's folder: a dump being written
        if folder.name in FOLLOWS:
            gone = [k for k in entries if k not in kept.get(FOLLOWS[folder.name], set()) and k not in in_use]
        else:
            order = sorted(entries, key=lambda k: _last_used(entries[k]), reverse=True)
            gone = [k for k in order if k not in in_use][max(0, keep - len(in_use & set(order))):]
        gone = [k for k in gone if not any(p.is_dir() and _held(p) for p in entries[k])]  # a server still uses it
        kept[folder.name] = set(entries) - set(gone)
        for key in gone:
            for path in entries[key]:
                _remove(path)
            removed.append(f"{folder.name}/{key}")
    if removed:
        log.info("cache: removed %d superseded entr%s (keeping the last %d of each kind): %s", len(removed),
                 "y" if len(removed) == 1 else "ies", keep, ", ".join(removed[:6]) + (" …" if len(removed) > 6 else ""))
    return removed


def cache_for(settings: Settings) -> DiskCache | None:
    return DiskCache(Path(settings.cache_dir) if settings.cache_dir else None) if settings.cache else None

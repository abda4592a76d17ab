"""The dataset's dump files as a server process holds them: a small graph's built in memory on first use
(:class:`DumpCache`), a big graph's written from the store into the cache folder in the background
(:class:`StoreDumps`).  The ``/dumps`` views (:mod:`gbagraph.web.dumps`) serve them; :class:`~.state.State`
holds one of each per app."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..bundle import GraphBundle
from ..diskcache import dump_meta
from ..export import Dump, build_dump_files, dump_name, make_dump
from ..formats import Format
from ..void import dump_formats

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

    def built(self) -> list[tuple[str, bool]]:
        """(format name, with the inferred graph?) of the dumps built so far in this process."""
        with self._lock:
            return sorted(self._dumps)

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

"""Whole-response cache for a read-only dataset: an LRU of answers, bounded in bytes, with one ETag per entry.

The graph does not change while it is served, so the answer to a request is a function of (dataset, normalised
query text, dataset parameters, answer format).  :class:`ResponseCache` keeps the serialised answers of recent
requests under that key, and gives every key an ETag derived from the dataset's hash and the key: the ETag is
known *before* the query is evaluated, so a conditional request (``If-None-Match``) can be answered 304 even
after its entry was evicted, and an ETag from a previous dataset (another hash) never matches.

Use from the web layer (see :meth:`ResponseCache.answer`)::

    cache = ResponseCache(dataset_hash(prepared.settings))
    etag = cache.etag(req)                       # None when the request cannot be keyed
    if etag and request.if_none_match.contains(etag.strip('"')):
        return Response(status=304, headers={"ETag": etag, "Vary": "Accept"})
    answer, etag, hit = cache.answer(engine, req)

The request carries its lexed text and its chosen format: the cache neither lexes nor negotiates.

Errors are never cached (the engine's exception passes through), nor are answers larger than
``max_entry_bytes``.  Thread-safe.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..config import Settings
from ..errors import GbagraphError
from ..formats import answer_format
from ..namespaces import BASE
from ..query import Answer, Engine, QueryRequest

if TYPE_CHECKING:
    from ..diskcache import Inputs


@dataclass(frozen=True)
class CacheKey:
    query: str  # normalised (sparqltext.Lexed.normalised)
    default_graphs: tuple[str, ...]
    named_graphs: tuple[str, ...]
    format: str  # the answer format's name (chosen by the caller: the cache never negotiates)
    max_rows: int | None

    def digest(self) -> str:
        parts = [self.query, "\x1f".join(self.default_graphs), "\x1f".join(self.named_graphs), self.format,
                 str(self.max_rows)]
        return hashlib.sha256("\x1e".join(parts).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Entry:
    answer: Answer
    etag: str
    size: int


@dataclass
class CacheStats:
    hits: int = 0
    misses: int = 0
    stored: int = 0
    evicted: int = 0
    too_big: int = 0


def request_key(request: QueryRequest) -> CacheKey | None:
    """The key of a request, or None when it cannot be keyed (unknown query form or format)."""
    lexed = request.lex()
    kind = lexed.query_form
    if kind is None:
        return None
    try:
        fmt = answer_format(request.format, kind)
    except GbagraphError:
        return None  # the engine reports the unknown format
    return CacheKey(lexed.normalised, tuple(request.default_graphs), tuple(request.named_graphs), fmt.name,
                    request.max_rows)


class ResponseCache:
    """LRU of answers keyed by :class:`CacheKey`, at most ``max_bytes`` of bodies in all."""

    def __init__(self, dataset_hash: str, max_bytes: int = 64 * 1024 * 1024,
                 max_entry_bytes: int | None = None) -> None:
        self.dataset_hash = dataset_hash
        self.max_bytes = max_bytes
        self.max_entry_bytes = max_entry_bytes if max_entry_bytes is not None else max(max_bytes // 8, 1)
        self.stats = CacheStats()
        self._entries: OrderedDict[CacheKey, Entry] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def bytes(self) -> int:
        return self._bytes

    def etag_of(self, key: CacheKey) -> str:
        """A strong ETag: the same for the same key on the same dataset, different otherwise."""
        return '"' + hashlib.sha256(f"{self.dataset_hash}\x1e{key.digest()}".encode()).hexdigest()[:40] + '"'

    def etag(self, request: QueryRequest) -> str | None:
        key = request_key(request)
        return self.etag_of(key) if key else None

    def get(self, key: CacheKey) -> Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                self.stats.misses += 1
                return None
            self._entries.move_to_end(key)
            self.stats.hits += 1
            return entry

    def put(self, key: CacheKey, answer: Answer) -> Entry:
        size = len(answer.body) + len(key.query) + 200
        entry = Entry(answer, self.etag_of(key), size)
        if size > self.max_entry_bytes:
            self.stats.too_big += 1
            return entry
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= old.size
            self._entries[key] = entry
            self._bytes += size
            self.stats.stored += 1
            while self._bytes > self.max_bytes and self._entries:
                _, evicted = self._entries.popitem(last=False)
                self._bytes -= evicted.size
                self.stats.evicted += 1
        return entry

    def answer(self, engine: Engine | Callable[[QueryRequest], Answer], request: QueryRequest,
               key: CacheKey | None = None) -> tuple[Answer, str | None, bool]:
        """(answer, ETag or None, whether it came from the cache); evaluates on a miss and keeps the answer.
        ``key``: the request's key when the caller already has it."""
        call = engine if callable(engine) else engine.answer
        key = key or request_key(request)
        if key is None:
            return call(request), None, False
        entry = self.get(key)
        if entry is not None:
            return entry.answer, entry.etag, True
        answer = call(request)
        return answer, self.put(key, answer).etag, False

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0


def dataset_hash(settings: Settings, inputs: Inputs | None = None) -> str:
    """A hash of everything the served dataset is built from: input files, namespace, inference choice, versions
    (``inputs``: the files as the start scanned and hashed them, else scanned now)."""
    from ..diskcache import Inputs, library_versions

    flags = f"infer={settings.infer};reasoner={settings.reasoner};engine={settings.engine}"
    return (inputs or Inputs.scan(settings)).digest(BASE, flags, library_versions("owlrl", "reasonable", "pyoxigraph"),
                                                    shapes=False)[:32]

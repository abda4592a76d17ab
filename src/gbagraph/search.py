"""Find resources by name: word and prefix matching over their labels in every language (rdfs:label,
skos:prefLabel, skos:altLabel), ranked by SQLite FTS5's bm25, with the kind of thing each one is.

Two FTS5 tables over the same labels: ``unicode61`` words (``plenary 23`` → ``plenary* AND 23*``, any order)
and ``trigram`` for text inside words and for Chinese, which has no spaces between words (``主席``).  Things
with a ``gba:ordinal`` are also found by its spoken forms ("23rd", "第二十三次", "第23次").  The index is
built once per store, from one query: a file beside the store when there is a cache folder, else in
memory.  No web framework here."""

from __future__ import annotations

import contextlib
import csv
import io
import logging
import os
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from .bundle import GraphBundle, solutions
from .describe import LABEL_PROPERTIES, best_label
from .diskcache import tmp_prefix

log = logging.getLogger("gbagraph.search")

SEARCHED_PROPERTIES = (RDFS.label, SKOS.prefLabel, SKOS.altLabel)
_DIGITS = "零一二三四五六七八九"
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Match:
    """A resource whose label matched: its IRI, display name, the label that matched (with language) and
    the kind of thing it is (its class's local name, e.g. "Meeting")."""

    iri: URIRef
    name: str
    matched: str
    language: str | None
    kind: str = ""


def chinese_number(n: int) -> str:
    """1–9999 in Chinese numerals as ordinals are written (23 → 二十三, 10 → 十, 105 → 一百零五)."""
    if not 0 < n < 10000:
        return str(n)
    out, zero = "", False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // value % 10
        if digit:
            out += ("零" if zero and out else "") + ("" if digit == 1 and unit == "十" and not out else _DIGITS[digit])
            out += unit
            zero = False
        else:
            zero = bool(out)
    return out


def ordinal_forms(n: int) -> list[str]:
    """How the ``n``-th is written: "23rd", "第二十三次", "第二十三届", "第23次"."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    zh = chinese_number(n)
    return [f"{n}{suffix}", f"第{zh}次", f"第{zh}届", f"第{zh}屆", f"第{n}次"]


def _kind(types: list[str], base: str) -> str:
    """The local name of the resource's own class (one of ours before others), or ""."""
    ours = sorted(str(t) for t in types if str(t).startswith(base + "def/"))
    chosen = ours[0] if ours else min((str(t) for t in types), default="")
    return re.split(r"[/#]", chosen)[-1]


def _quote(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


@dataclass(frozen=True)
class Label:
    """A literal label: its text and language tag (what :func:`best_label` and the index read of a literal)."""

    text: str
    language: str | None = None

    def __str__(self) -> str:
        return self.text


Term = str | Label | None  # an IRI, a literal, or anything else


def _ox_term(term: object) -> Term:
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.Literal):
        return Label(term.value, term.language)
    return None


def _rdflib_term(term: object) -> Term:
    if isinstance(term, URIRef):
        return str(term)
    if isinstance(term, Literal):
        return Label(str(term), term.language)
    return None


def _rows(bundle: GraphBundle, query: str) -> Iterator[tuple[Term, ...]]:
    """The rows of a SELECT over the union as plain values (no rdflib term per value when there is a store: the
    index reads hundreds of thousands of labels at 1M triples)."""
    if bundle.store is not None:
        for row in solutions(bundle.store, query):
            yield tuple(_ox_term(term) for term in row)
    else:
        for rdf_row in bundle.select(query):
            yield tuple(_rdflib_term(term) for term in rdf_row)


def _plain_rows(store: ox.Store, query: str) -> Iterator[list[str]]:
    """The rows of a SELECT as strings, serialised by the store as CSV (IRIs and literals' lexical forms; "" for
    unbound) and split by the csv module: no Python object per term (at 1M triples the index reads ~700k rows)."""
    body = solutions(store, query).serialize(format=ox.QueryResultsFormat.CSV) or b""
    rows = csv.reader(io.StringIO(body.decode("utf-8"), newline=""))
    next(rows, None)  # the header
    return rows


Labels = dict[str, dict[str, list[Label]]]


def _labels(bundle: GraphBundle) -> Labels:
    """Every literal label of every IRI, by property."""
    props = (*SEARCHED_PROPERTIES, *(p for p in LABEL_PROPERTIES if p not in SEARCHED_PROPERTIES))
    values = " ".join(f"<{p}>" for p in props)
    where = f"WHERE {{ VALUES ?p {{ {values} }} ?s ?p ?o FILTER(isIRI(?s) && isLiteral(?o)) }}"
    labels: Labels = {}
    if bundle.store is not None:
        for s, p, text, language in _plain_rows(bundle.store, f"SELECT ?s ?p (STR(?o) AS ?t) (LANG(?o) AS ?l) {where}"):
            labels.setdefault(s, {}).setdefault(p, []).append(Label(text, language or None))
        return labels
    for subject, prop, o in _rows(bundle, f"SELECT ?s ?p ?o {where}"):
        if isinstance(subject, str) and isinstance(prop, str) and isinstance(o, Label):
            labels.setdefault(subject, {}).setdefault(prop, []).append(o)
    return labels


def _entries(labels: Labels) -> list[tuple[str, Label]]:
    """(resource, label) of the searched properties, each text once per resource (the first property's)."""
    entries: list[tuple[str, Label]] = []
    seen: set[tuple[str, str]] = set()
    for prop in map(str, SEARCHED_PROPERTIES):
        for s, by_prop in labels.items():
            for o in sorted(by_prop.get(prop, ()), key=lambda v: (v.text, v.language or "")):
                if (s, o.text) not in seen:
                    seen.add((s, o.text))
                    entries.append((s, o))
    return entries


def _ordinal_entries(bundle: GraphBundle, labels: Labels) -> list[tuple[str, Label]]:
    """The spoken forms of the ``gba:ordinal`` of every labelled resource."""
    ordinal = bundle.base + "def/ordinal"
    query = f"SELECT ?s (STR(?o) AS ?t) WHERE {{ ?s <{ordinal}> ?o FILTER(isIRI(?s) && isLiteral(?o)) }}"
    rows = _plain_rows(bundle.store, query) if bundle.store is not None else \
        ((s, o.text) for s, o in _rows(bundle, query) if isinstance(s, str) and isinstance(o, Label))
    out: list[tuple[str, Label]] = []
    for s, text in rows:
        if s in labels and text.isdigit():
            out.extend((s, Label(form)) for form in ordinal_forms(int(text)))
    return out


def _kinds(bundle: GraphBundle, labels: Labels) -> dict[str, str]:
    types: dict[str, list[str]] = {}
    query = f"SELECT ?s ?c WHERE {{ ?s <{RDF.type}> ?c FILTER(isIRI(?s) && isIRI(?c)) }}"
    rows = _plain_rows(bundle.store, query) if bundle.store is not None else _rows(bundle, query)
    for s, c in rows:
        if isinstance(s, str) and s in labels and isinstance(c, str):
            types.setdefault(s, []).append(c)
    return {s: _kind(ts, bundle.base) for s, ts in types.items()}


#: the index file in the store's cache folder, and its format (a file of another format is rebuilt)
INDEX_FILE = "search.sqlite"
INDEX_FORMAT = 1


def _fill(db: sqlite3.Connection, bundle: GraphBundle) -> None:
    """Every (label, resource) of ``bundle`` into ``db``: the two FTS5 tables and each resource's display name
    and kind (what :meth:`LabelIndex.find` reads)."""
    labels = _labels(bundle)
    entries = _entries(labels) + _ordinal_entries(bundle, labels)
    names = {}
    for s in labels:
        found = next((best_label(labels[s][p]) for p in map(str, LABEL_PROPERTIES)  # type: ignore[arg-type]
                      if labels[s].get(p)), None)
        if found is not None:
            names[s] = found
    kinds = _kinds(bundle, labels)
    db.execute("CREATE VIRTUAL TABLE words USING fts5(label, tokenize='unicode61 remove_diacritics 2')")
    db.execute("CREATE VIRTUAL TABLE grams USING fts5(label, tokenize='trigram')")
    db.execute("CREATE TABLE entries (rowid INTEGER PRIMARY KEY, iri TEXT, label TEXT, lang TEXT)")
    db.execute("CREATE TABLE about (iri TEXT PRIMARY KEY, name TEXT, kind TEXT) WITHOUT ROWID")
    for table in ("words", "grams"):
        db.executemany(f"INSERT INTO {table}(rowid, label) VALUES (?, ?)",  # noqa: S608 (our names)
                       ((i, str(o)) for i, (_, o) in enumerate(entries)))
    db.executemany("INSERT INTO entries VALUES (?, ?, ?, ?)",
                   ((i, s, o.text, o.language) for i, (s, o) in enumerate(entries)))
    db.executemany("INSERT INTO about VALUES (?, ?, ?)",
                   ((iri, names.get(iri), kinds.get(iri, "")) for iri in {s for s, _ in entries}))
    db.execute(f"PRAGMA user_version = {INDEX_FORMAT}")  # last: a file without it is incomplete
    db.commit()


def _open(path: Path) -> sqlite3.Connection | None:
    """The complete index file at ``path`` opened read-only (it is never written again), or None."""
    if not path.is_file():
        return None
    try:
        db = sqlite3.connect(f"{path.as_uri()}?mode=ro&immutable=1", uri=True, check_same_thread=False)
        if db.execute("PRAGMA user_version").fetchone()[0] == INDEX_FORMAT:
            return db
        db.close()
    except sqlite3.Error:
        pass
    return None


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


def index_file(folder: Path | None) -> LabelIndex | None:
    """The complete index file in ``folder`` opened, or None (absent)."""
    if folder is None:
        return None
    found = _open(folder / INDEX_FILE)
    if found is None:
        return None
    index = LabelIndex.__new__(LabelIndex)
    index.path, index.db, index._pid = folder / INDEX_FILE, found, os.getpid()
    return index


def builder_lock(folder: Path) -> Path:
    return folder / f"{INDEX_FILE}.lock"


def building(folder: Path) -> bool:
    """Whether a live process is building the index file in ``folder`` (its pid is in the lock file)."""
    try:
        return _pid_alive(int(builder_lock(folder).read_text() or 0))
    except (OSError, ValueError):
        return False


def build_index_file(store_path: str, base: str, folder: str) -> None:
    """Build the index file of the sealed store at ``store_path`` into ``folder`` (what a spawned process runs
    after a cold start of a big graph, while the server already answers), holding ``search.sqlite.lock``."""
    where = Path(folder)
    where.mkdir(parents=True, exist_ok=True)
    lock = builder_lock(where)
    lock.write_text(str(os.getpid()))
    try:
        LabelIndex(GraphBundle(store=ox.Store.read_only(store_path), base=base), where)
    finally:
        lock.unlink(missing_ok=True)


class LabelIndex:
    """Every (label, resource) of a dataset in SQLite FTS5 tables, each resource's display name (as
    :func:`gbagraph.describe.label_of` gives it) and kind.  With a ``folder`` (the store's own, in the cache) the
    index is a file there, built once per store and opened read-only by every later start and process (a warm
    start reads nothing proportional to the data); without one it is built in memory."""

    def __init__(self, bundle: GraphBundle, folder: Path | None = None) -> None:
        self.path = folder / INDEX_FILE if folder is not None else None
        self._pid = os.getpid()
        found = _open(self.path) if self.path is not None else None
        if found is not None:
            self.db = found
            return
        if self.path is None or not self._build_file(bundle, self.path):
            self.path = None
            self.db = sqlite3.connect(":memory:", check_same_thread=False)
            _fill(self.db, bundle)

    def _build_file(self, bundle: GraphBundle, path: Path) -> bool:
        """Build the index into ``path`` (written aside, renamed when complete); False when the disk refuses."""
        tmp = path.with_name(f"{tmp_prefix()}{path.name}")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp.unlink(missing_ok=True)
            with contextlib.closing(sqlite3.connect(tmp)) as db:
                _fill(db, bundle)
            os.replace(tmp, path)
        except (OSError, sqlite3.Error) as exc:
            log.warning("search: cannot write the index %s (%s); keeping it in memory", path, exc)
            tmp.unlink(missing_ok=True)
            return False
        found = _open(path)
        if found is None:
            return False
        self.db = found
        return True

    def _conn(self) -> sqlite3.Connection:
        """This process's connection (a server process forked from the one that opened the file opens its own)."""
        if self.path is not None and self._pid != os.getpid():
            found = _open(self.path)
            if found is not None:
                self.db, self._pid = found, os.getpid()
        return self.db

    def _ranked(self, text: str) -> list[tuple[str, str, str | None]]:
        """(resource, label, language) of the entries matching ``text``, best first: every word a word prefix
        (bm25 order), then the text inside a word or a run of Chinese (trigram order)."""
        db = self._conn()
        words = _WORD.findall(text)
        hits: list[tuple[str, str, str | None]] = []
        if words:
            match = " AND ".join(_quote(w) + "*" for w in words)
            hits += db.execute("SELECT e.iri, e.label, e.lang FROM (SELECT rowid AS r, bm25(words) AS rank FROM words "
                               "WHERE words MATCH ?) w JOIN entries e ON e.rowid = w.r ORDER BY w.rank, w.r",
                               (match,)).fetchall()
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        hits += db.execute("SELECT e.iri, e.label, e.lang FROM (SELECT rowid AS r, length(label) AS n FROM grams "
                           "WHERE label LIKE ? ESCAPE '\\') g JOIN entries e ON e.rowid = g.r ORDER BY g.n, g.r",
                           (pattern,)).fetchall()
        return hits

    def find(self, text: str, limit: int = 50) -> list[Match]:
        """Resources whose labels hold the words of ``text`` (as words or word beginnings, any order, any case)
        or ``text`` itself; a label equal to ``text`` first, then by relevance; at most ``limit``, one per
        resource (with its best matching label)."""
        needle = " ".join(text.split())
        if not needle:
            return []
        folded = needle.casefold()
        best: dict[str, tuple[int, int, str, str | None]] = {}  # resource → (exact? 0 : 1, rank, label, language)
        for position, (iri, label, language) in enumerate(self._ranked(needle)):
            key = (0 if label.casefold() == folded else 1, position, label, language)
            if iri not in best or key[:2] < best[iri][:2]:
                best[iri] = key
        order = sorted(best, key=lambda iri: best[iri][:2])[:limit]
        about = self._about(order)
        return [Match(URIRef(iri), about.get(iri, (None, ""))[0] or iri, best[iri][2], best[iri][3],
                      about.get(iri, (None, ""))[1] or "") for iri in order]

    def _about(self, iris: list[str]) -> dict[str, tuple[str | None, str | None]]:
        """{resource: (display name, kind)} of ``iris``."""
        if not iris:
            return {}
        marks = ", ".join("?" for _ in iris)
        rows = self._conn().execute(f"SELECT iri, name, kind FROM about WHERE iri IN ({marks})", iris)  # noqa: S608
        return {iri: (name, kind) for iri, name, kind in rows}


if __name__ == "__main__":  # python -m gbagraph.search STORE BASE FOLDER: what start_search_index runs
    import sys

    build_index_file(*sys.argv[1:4])

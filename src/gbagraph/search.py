"""Find resources by name: word and prefix matching over their labels in every language (rdfs:label,
skos:prefLabel, skos:altLabel), ranked by SQLite FTS5's bm25, with the kind of thing each one is.

Two FTS5 tables over the same labels: ``unicode61`` words (``plenary 23`` → ``plenary* AND 23*``, any order)
and ``trigram`` for text inside words and for Chinese, which has no spaces between words (``主席``).  Things
with a ``gba:ordinal`` are also found by its spoken forms ("23rd", "第二十三次", "第23次").  The index is
built once, in memory, from one query.  No web framework here."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from .bundle import GraphBundle
from .describe import LABEL_PROPERTIES, best_label

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


def _kind(types: list[URIRef], base: str) -> str:
    """The local name of the resource's own class (one of ours before others), or ""."""
    ours = sorted(str(t) for t in types if str(t).startswith(base + "def/"))
    chosen = ours[0] if ours else min((str(t) for t in types), default="")
    return re.split(r"[/#]", chosen)[-1]


def _quote(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


Labels = dict[URIRef, dict[URIRef, list[Literal]]]


def _labels(bundle: GraphBundle) -> Labels:
    """Every literal label of every IRI, by property."""
    props = (*SEARCHED_PROPERTIES, *(p for p in LABEL_PROPERTIES if p not in SEARCHED_PROPERTIES))
    values = " ".join(f"<{p}>" for p in props)
    rows = bundle.select(f"SELECT ?s ?p ?o WHERE {{ VALUES ?p {{ {values} }} ?s ?p ?o "
                         "FILTER(isIRI(?s) && isLiteral(?o)) }")
    labels: Labels = {}
    for s, p, o in rows:
        if isinstance(s, URIRef) and isinstance(p, URIRef) and isinstance(o, Literal):
            labels.setdefault(s, {}).setdefault(p, []).append(o)
    return labels


def _entries(labels: Labels) -> list[tuple[URIRef, Literal]]:
    """(resource, label) of the searched properties, each text once per resource (the first property's)."""
    entries: list[tuple[URIRef, Literal]] = []
    seen: set[tuple[URIRef, str]] = set()
    for prop in SEARCHED_PROPERTIES:
        for s, by_prop in labels.items():
            for o in sorted(by_prop.get(prop, ()), key=lambda v: (str(v), v.language or "")):
                if (s, str(o)) not in seen:
                    seen.add((s, str(o)))
                    entries.append((s, o))
    return entries


def _ordinal_entries(bundle: GraphBundle, labels: Labels) -> list[tuple[URIRef, Literal]]:
    """The spoken forms of the ``gba:ordinal`` of every labelled resource."""
    ordinal = URIRef(bundle.base + "def/ordinal")
    out: list[tuple[URIRef, Literal]] = []
    for s, o in bundle.select(f"SELECT ?s ?o WHERE {{ ?s <{ordinal}> ?o FILTER(isIRI(?s)) }}"):
        if isinstance(s, URIRef) and s in labels and isinstance(o, Literal) and str(o).isdigit():
            out.extend((s, Literal(form)) for form in ordinal_forms(int(str(o))))
    return out


def _kinds(bundle: GraphBundle, labels: Labels) -> dict[URIRef, str]:
    types: dict[URIRef, list[URIRef]] = {}
    for s, c in bundle.select(f"SELECT ?s ?c WHERE {{ ?s <{RDF.type}> ?c FILTER(isIRI(?s) && isIRI(?c)) }}"):
        if isinstance(s, URIRef) and s in labels and isinstance(c, URIRef):
            types.setdefault(s, []).append(c)
    return {s: _kind(ts, bundle.base) for s, ts in types.items()}


class LabelIndex:
    """Every (label, resource) of a dataset in SQLite FTS5 tables (in memory), each resource's display name
    (as :func:`gbagraph.describe.label_of` gives it) and kind."""

    def __init__(self, bundle: GraphBundle) -> None:
        labels = _labels(bundle)
        self.entries = _entries(labels) + _ordinal_entries(bundle, labels)
        self.names: dict[URIRef, str] = {}
        for s in labels:
            found = next((best_label(labels[s][p]) for p in LABEL_PROPERTIES if labels[s].get(p)), None)
            if found is not None:
                self.names[s] = found
        self.kinds = _kinds(bundle, labels)
        self.db = sqlite3.connect(":memory:", check_same_thread=False)
        self.db.execute("CREATE VIRTUAL TABLE words USING fts5(label, tokenize='unicode61 remove_diacritics 2')")
        self.db.execute("CREATE VIRTUAL TABLE grams USING fts5(label, tokenize='trigram')")
        for table in ("words", "grams"):
            self.db.executemany(f"INSERT INTO {table}(rowid, label) VALUES (?, ?)",  # noqa: S608 (our names)
                                ((i, str(o)) for i, (_, o) in enumerate(self.entries)))
        self.db.commit()

    def _ranked(self, text: str) -> list[int]:
        """Entry numbers matching ``text``, best first: every word a word prefix (bm25 order), then the text
        inside a word or a run of Chinese (trigram order)."""
        words = _WORD.findall(text)
        hits: list[int] = []
        if words:
            match = " AND ".join(_quote(w) + "*" for w in words)
            hits += [r for (r,) in self.db.execute("SELECT rowid FROM words WHERE words MATCH ? ORDER BY bm25(words)",
                                                   (match,))]
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        hits += [r for (r,) in self.db.execute("SELECT rowid FROM grams WHERE label LIKE ? ESCAPE '\\' "
                                               "ORDER BY length(label), rowid", (pattern,))]
        return hits

    def find(self, text: str, limit: int = 50) -> list[Match]:
        """Resources whose labels hold the words of ``text`` (as words or word beginnings, any order, any case)
        or ``text`` itself; a label equal to ``text`` first, then by relevance; at most ``limit``, one per
        resource (with its best matching label)."""
        needle = " ".join(text.split())
        if not needle:
            return []
        folded = needle.casefold()
        best: dict[URIRef, tuple[int, int, Literal]] = {}  # resource → (exact? 0 : 1, rank, label)
        for position, row in enumerate(self._ranked(needle)):
            iri, label = self.entries[row]
            key = (0 if str(label).casefold() == folded else 1, position, label)
            if iri not in best or key[:2] < best[iri][:2]:
                best[iri] = key
        order = sorted(best, key=lambda iri: best[iri][:2])[:limit]
        return [Match(iri, self.names.get(iri) or str(iri), str(best[iri][2]), best[iri][2].language,
                      self.kinds.get(iri, "")) for iri in order]

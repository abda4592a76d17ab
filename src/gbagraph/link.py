"""Reconcile our people, bodies and places with a SPARQL endpoint (Wikidata's by default), then accept reviewed links.

Two steps, a person in between (see docs/linking.md):

1. :func:`reconcile` looks our entities up by label and alternative labels in any SPARQL endpoint, filtered by
   type, batched with ``VALUES``; it scores the candidates and writes a review table (TSV) and a linkset of
   ``skos:closeMatch`` candidates.  Nothing it finds is asserted.
2. :func:`accept` turns the rows a person marked as accepted into ``owl:sameAs`` in
   ``data/links/reconciled.ttl`` (the named graph ``graph/links/reconciled``), described as a ``void:Linkset``
   with who accepted them, when, and which endpoint proposed them.
"""

from __future__ import annotations

import argparse
import csv
import getpass
import io
import re
import sys
import time
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import requests
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, VOID, XSD

from . import __version__
from .config import Settings
from .errors import LinkError, ReviewFileError
from .namespaces import BASE, WD, prefixes
from .store import GraphBundle, load, parse_file

WIKIDATA_ENDPOINT = "https://query.wikidata.org/sparql"
WIKIDATA_ENTITY = str(WD)
#: the form of a Wikidata item IRI (the data's SHACL shape checks the same)
WIKIDATA_ITEM = re.compile(r"^http://www\.wikidata\.org/entity/Q[1-9][0-9]*$")
USER_AGENT = (f"gbagraph/{__version__} (linked-data knowledge graph of Hong Kong/Guangdong co-operation; "
              "entity reconciliation) python-requests")
WDT = "http://www.wikidata.org/prop/direct/"
SDO_NAME = "http://schema.org/name"

#: Our IRI path segment -> the ``--type`` it belongs to.
KIND_OF_PATH = {"person": "person", "body": "organization", "place": "place"}

#: Wikidata classes a candidate of each ``--type`` must be an instance of (``wdt:P31``, directly or through
#: ``wdt:P279*`` subclasses).  A small fixed table, used only to filter candidates; it says nothing about
#: which item any of our entities is.
TYPE_CLASSES: dict[str, tuple[str, ...]] = {
    "person": ("Q5",),  # human
    "organization": ("Q43229",  # organization
                     "Q327333",  # government agency
                     "Q4830453",  # business
                     "Q3918"),  # university
    "place": ("Q2221906",  # geographic location
              "Q56061",  # administrative territorial entity
              "Q515",  # city
              "Q486972"),  # human settlement
}

ACCEPT_YES = {"yes", "y", "x", "1", "true", "accept", "accepted", "ok", "✓", "✔"}
ACCEPT_NO = {"", "no", "n", "0", "false", "reject", "rejected", "skip", "-", "?"}
REVIEW_COLUMNS = ("accept", "our_iri", "our_label", "candidate_iri", "candidate_label", "score", "why", "endpoint")


# --------------------------------------------------------------------------------------------------------------
# our entities and their labels


@dataclass(frozen=True)
class Entity:
    iri: str
    kind: str  # person | organization | place
    label: str
    alt_labels: tuple[str, ...] = ()

    @property
    def labels(self) -> tuple[str, ...]:
        return (self.label, *self.alt_labels)


def kind_of(iri: str, base: str) -> str | None:
    """``person``/``organization``/``place`` from an IRI's path (``{base}id/person/…`` …), else None."""
    if not iri.startswith(base + "id/"):
        return None
    segment = iri[len(base) + 3:].split("/", 1)[0]
    return KIND_OF_PATH.get(segment)


def _english(values: Iterable[Any]) -> list[str]:
    out = []
    for v in values:
        if isinstance(v, Literal) and (v.language is None or v.language.lower().startswith("en")):
            text = " ".join(str(v).split())
            if text and text not in out:
                out.append(text)
    return sorted(out)


def entities(bundle: GraphBundle, kinds: Iterable[str] = tuple(TYPE_CLASSES)) -> list[Entity]:
    """Our people, bodies and places (by IRI pattern) with their English labels, sorted by IRI."""
    kinds = set(kinds)
    graph = bundle.union(bundle.curated_graphs())
    out = []
    for subject in sorted({s for s in graph.subjects() if isinstance(s, URIRef)}):
        kind = kind_of(str(subject), bundle.base)
        if kind not in kinds:
            continue
        main = _english(graph.objects(subject, SKOS.prefLabel)) or _english(graph.objects(subject, RDFS.label))
        if not main:
            continue
        others = _english([*graph.objects(subject, RDFS.label), *graph.objects(subject, SKOS.prefLabel),
                           *graph.objects(subject, SKOS.altLabel)])
        out.append(Entity(str(subject), kind, main[0], tuple(x for x in others if x != main[0])))
    return out


# --------------------------------------------------------------------------------------------------------------
# normalisation and lookup variants

_BRACKETS = re.compile(r"\s*[(\[（【][^)\]）】]*[)\]）】]")
_JOINERS = re.compile(r"[.'’`‘]")
_PUNCT = re.compile(r"[^\w\s]")


def normalise(text: str) -> str:
    """Compare form of a name: case folded, brackets (campus names) and a leading "The" dropped, punctuation off."""
    t = unicodedata.normalize("NFKC", text).casefold()
    t = _BRACKETS.sub(" ", t).replace("&", " and ")
    t = _PUNCT.sub(" ", _JOINERS.sub("", t))
    t = " ".join(t.split())
    return t[4:] if t.startswith("the ") else t


def variants(label: str) -> list[str]:
    """Literal forms to look ``label`` up by (exact matches are what an endpoint can index), original first."""
    base = " ".join(label.split())
    forms = [base]
    stripped = " ".join(_BRACKETS.sub(" ", base).split())
    forms.append(stripped)
    for f in list(forms):
        forms.append(" ".join(_JOINERS.sub("", f).split()))
    for f in list(forms):
        if f.lower().startswith("the "):
            forms.append(f[4:])
        else:
            forms.append("The " + f)
    for f in list(forms):
        forms.append(f[:1].upper() + f[1:])
        forms.append(" ".join(w[:1].upper() + w[1:] for w in f.split()))
    seen: list[str] = []
    for f in forms:
        if f and f not in seen:
            seen.append(f)
    return seen


# --------------------------------------------------------------------------------------------------------------
# HTTP


@dataclass
class Client:
    """A polite SPARQL client: User-Agent, timeouts, bounded retries with backoff, and a minimum interval."""

    endpoint: str
    timeout: float = 30.0
    retries: int = 3
    backoff: float = 2.0  # seconds before the first retry, doubled each time
    max_backoff: float = 60.0
    min_interval: float = 1.0  # seconds between two requests (rate limit)
    user_agent: str = USER_AGENT
    sleep: Callable[[float], None] = time.sleep
    requests_made: int = 0
    _last: float = field(default=0.0, repr=False)
    _retry_after: float = field(default=0.0, repr=False)
    _session: requests.Session = field(default_factory=requests.Session, repr=False)

    def close(self) -> None:
        self._session.close()

    def _wait_turn(self) -> None:
        gap = self.min_interval - (time.monotonic() - self._last)
        if self._last and gap > 0:
            self.sleep(gap)
        self._last = time.monotonic()

    def select(self, query: str) -> list[dict[str, dict[str, str]]]:
        """The bindings of a SELECT query (SPARQL JSON results)."""
        headers = {"Accept": "application/sparql-results+json", "User-Agent": self.user_agent}
        problem = ""
        for attempt in range(self.retries + 1):
            if attempt:
                self.sleep(min(self.max_backoff, self._retry_after or self.backoff * 2 ** (attempt - 1)))
            self._wait_turn()
            self._retry_after = 0.0
            self.requests_made += 1
            try:
                response = self._session.post(self.endpoint, data={"query": query}, headers=headers,
                                              timeout=(min(10.0, self.timeout), self.timeout))
            except requests.RequestException as exc:
                problem = _short(exc)
                continue
            with response:
                if response.status_code == 200:
                    try:
                        return response.json()["results"]["bindings"]
                    except (ValueError, KeyError, TypeError) as exc:
                        raise LinkError(f"{self.endpoint}: answer is not SPARQL JSON results ({_short(exc)})") \
                            from exc
                problem = f"HTTP {response.status_code} {_short(response.text)}"
                if response.status_code in (429, 500, 502, 503, 504):
                    self._retry_after = _retry_after(response.headers.get("Retry-After"))
                    continue
                raise LinkError(f"{self.endpoint}: query refused: {problem}")
        raise LinkError(f"{self.endpoint}: no answer after {self.retries + 1} attempt(s): {problem}")


def _retry_after(value: str | None) -> float:
    try:
        return max(0.0, float(value)) if value else 0.0
    except ValueError:
        return 0.0


def _short(thing: object) -> str:
    return " ".join(str(thing).split())[:200]


class Progress:
    """A one-line progress bar on a stream (stderr by default); silent when ``stream`` is None."""

    def __init__(self, total: int, stream: IO[str] | None, label: str = "link") -> None:
        self.total, self.stream, self.label, self.done = total, stream, label, 0
        self.tty = bool(stream is not None and getattr(stream, "isatty", lambda: False)())

    def step(self, note: str = "") -> None:
        self.done += 1
        if self.stream is None:
            return
        width = 24
        filled = width * self.done // max(1, self.total)
        bar = "#" * filled + "." * (width - filled)
        line = f"{self.label} [{bar}] {self.done}/{self.total} {note}".rstrip()
        self.stream.write(("\r" + line) if self.tty else line + "\n")
        if self.tty and self.done >= self.total:
            self.stream.write("\n")
        self.stream.flush()


# --------------------------------------------------------------------------------------------------------------
# reconciliation


@dataclass(frozen=True)
class Candidate:
    entity: Entity
    iri: str
    label: str
    score: float
    why: str


@dataclass
class Options:
    endpoint: str = WIKIDATA_ENDPOINT
    kinds: tuple[str, ...] = tuple(TYPE_CLASSES)
    language: str = "en"
    batch_size: int = 25  # our entities per request
    subclasses: bool = True  # follow wdt:P279* from the item's class to the class table
    country: str | None = None  # an item IRI: candidates in that country (wdt:P17) score higher
    min_score: float = 0.3
    timeout: float = 30.0
    retries: int = 3
    backoff: float = 2.0
    min_interval: float = 1.0
    user_agent: str = USER_AGENT


def _literal(text: str, language: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"@{language}'


def lookup_query(names: Sequence[str], kind: str, options: Options) -> str:
    """The SELECT that finds items named ``names`` (label, alias or schema:name) of one ``--type``."""
    values = " ".join(_literal(n, options.language) for n in names)
    classes = " ".join(f"<{WIKIDATA_ENTITY}{q}>" for q in TYPE_CLASSES[kind])
    path = "wdt:P31/wdt:P279*" if options.subclasses else "wdt:P31"
    return f"""PREFIX rdfs: <{RDFS}>
PREFIX skos: <{SKOS}>
PREFIX schema: <http://schema.org/>
PREFIX wdt: <{WDT}>
SELECT DISTINCT ?name ?via ?item ?itemLabel ?class ?country WHERE {{
  VALUES ?name {{ {values} }}
  {{ ?item rdfs:label ?name BIND("label" AS ?via) }}
  UNION {{ ?item schema:name ?name BIND("label" AS ?via) }}
  UNION {{ ?item skos:altLabel ?name BIND("alias" AS ?via) }}
  VALUES ?class {{ {classes} }}
  ?item {path} ?class .
  OPTIONAL {{ ?item rdfs:label ?itemLabel FILTER(LANGMATCHES(LANG(?itemLabel), "{options.language}")) }}
  OPTIONAL {{ ?item wdt:P17 ?country }}
}}"""


def _batches(items: Sequence[Entity], size: int) -> Iterator[Sequence[Entity]]:
    for i in range(0, len(items), max(1, size)):
        yield items[i:i + max(1, size)]


@dataclass
class _Hit:
    names: set[tuple[str, str]] = field(default_factory=set)  # (our label, via)
    labels: set[str] = field(default_factory=set)
    countries: set[str] = field(default_factory=set)
    classes: set[str] = field(default_factory=set)


def reconcile(ours: Sequence[Entity], options: Options, *, client: Client | None = None,
              progress: IO[str] | None = None) -> list[Candidate]:
    """Look every entity up in ``options.endpoint`` and return scored candidates (best first per entity)."""
    own = client is None
    client = client or Client(options.endpoint, timeout=options.timeout, retries=options.retries,
                              backoff=options.backoff, min_interval=options.min_interval,
                              user_agent=options.user_agent)
    by_kind: dict[str, list[Entity]] = defaultdict(list)
    for e in ours:
        if e.kind in options.kinds:
            by_kind[e.kind].append(e)
    plan = [(kind, batch) for kind in sorted(by_kind) for batch in _batches(by_kind[kind], options.batch_size)]
    bar = Progress(len(plan), progress)
    found: list[Candidate] = []
    try:
        for kind, batch in plan:
            hits = _lookup(batch, kind, options, client)
            for entity in batch:
                found.extend(score(entity, hits.get(entity.iri, {}), options))
            bar.step(f"{kind}: {len(found)} candidate(s)")
    finally:
        if own:
            client.close()
    return [c for c in found if c.score >= options.min_score]


def _lookup(batch: Sequence[Entity], kind: str, options: Options, client: Client) -> dict[str, dict[str, _Hit]]:
    asked: dict[str, list[tuple[Entity, str]]] = defaultdict(list)  # literal -> (entity, our label)
    for entity in batch:
        for label in entity.labels:
            for form in variants(label):
                if (entity, label) not in asked[form]:
                    asked[form].append((entity, label))
    hits: dict[str, dict[str, _Hit]] = defaultdict(lambda: defaultdict(_Hit))
    for row in client.select(lookup_query(sorted(asked), kind, options)):
        name, item = row.get("name", {}).get("value"), row.get("item", {})
        if not name or item.get("type") != "uri":
            continue
        for entity, label in asked.get(name, []):
            hit = hits[entity.iri][item["value"]]
            hit.names.add((label, row.get("via", {}).get("value", "label")))
            if "itemLabel" in row:
                hit.labels.add(row["itemLabel"]["value"])
            if "country" in row:
                hit.countries.add(row["country"]["value"])
            if "class" in row:
                hit.classes.add(row["class"]["value"])
    return hits


def _qid(iri: str) -> str:
    return iri.rsplit("/", 1)[-1] if iri.startswith(WIKIDATA_ENTITY) else iri


def _match(label: str, via: str, their: str) -> tuple[float, str]:
    """How well one of our labels matched an item: (score, why)."""
    if via == "label" and their and label == their:
        return 1.0, f"same label '{label}'"
    if via == "label" and normalise(label) == normalise(their or label):
        return 0.9, f"label '{label}' ~ '{their or label}' after normalising"
    if via == "label":
        return 0.85, f"label '{label}' matched a name of the item"
    return 0.75, f"label '{label}' is an alias of the item"


def score(entity: Entity, hits: dict[str, _Hit], options: Options) -> list[Candidate]:
    """Score each item found for ``entity`` (1.0 = its main label, exactly, on one item of the right type)."""
    out = []
    for item, hit in hits.items():
        their = sorted(hit.labels)[0] if hit.labels else ""
        best, why = 0.0, ""
        for label, via in sorted(hit.names):
            s, w = _match(label, via, their)
            if label != entity.label:
                s, w = s - 0.1, f"{w} (our alternative label)"
            if s > best:
                best, why = s, w
        notes = [why, f"type {', '.join(_qid(c) for c in sorted(hit.classes))}"]
        if options.country:
            if options.country in hit.countries:
                best, notes = best + 0.05, [*notes, f"country {_qid(options.country)}"]
            elif hit.countries:
                best = best - 0.2
                notes.append(f"country {', '.join(_qid(c) for c in sorted(hit.countries))}, "
                             f"not {_qid(options.country)}")
        if len(hits) > 1:
            best -= 0.1 * (len(hits) - 1)
            notes.append(f"{len(hits) - 1} other candidate(s)")
        out.append(Candidate(entity, item, their, round(max(0.0, min(1.0, best)), 2), "; ".join(notes)))
    return sorted(out, key=lambda c: (-c.score, c.iri))


# --------------------------------------------------------------------------------------------------------------
# outputs of a reconciliation run


def _cell(text: str) -> str:
    return " ".join(str(text).split())


def review_table(candidates: Sequence[Candidate], endpoint: str) -> str:
    """The TSV a person reviews: mark ``accept`` with ``yes`` on the rows that are the same thing."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(REVIEW_COLUMNS)
    for c in sorted(candidates, key=lambda c: (c.entity.kind, c.entity.label.casefold(), -c.score, c.iri)):
        writer.writerow(["", c.entity.iri, _cell(c.entity.label), c.iri, _cell(c.label), f"{c.score:.2f}",
                         _cell(c.why), endpoint])
    return buf.getvalue()


def linkset_iri(base: str, name: str) -> URIRef:
    return URIRef(f"{base}id/linkset/{name}")


def dataset_iri(base: str) -> URIRef:
    """Our dataset as VoID describes it."""
    return URIRef(f"{base}id/dataset/gbagraph")


def _target(graph: Graph, endpoint: str, base: str) -> BNode | URIRef:
    """The VoID dataset behind ``endpoint``: Wikidata's is ``{base}id/dataset/wikidata`` (described in
    data/links/wikidata.ttl); any other is described here, by its endpoint."""
    if endpoint == WIKIDATA_ENDPOINT:
        return URIRef(f"{base}id/dataset/wikidata")
    for node in graph.subjects(VOID.sparqlEndpoint, URIRef(endpoint)):
        if isinstance(node, BNode | URIRef):
            return node
    node = BNode()
    graph.add((node, RDF.type, VOID.Dataset))
    graph.add((node, VOID.sparqlEndpoint, URIRef(endpoint)))
    return node


def _targets(graph: Graph, ls: URIRef, endpoint: str, base: str) -> None:
    ours, theirs = dataset_iri(base), _target(graph, endpoint, base)
    graph.set((ls, VOID.subjectsTarget, ours))
    graph.add((ls, VOID.objectsTarget, theirs))
    graph.add((ls, VOID.target, ours))
    graph.add((ls, VOID.target, theirs))


def _bind(graph: Graph, base: str) -> Graph:
    for prefix, ns in prefixes(base).items():
        graph.bind(prefix, ns, override=True)
    return graph


def candidate_linkset(candidates: Sequence[Candidate], endpoint: str, base: str,
                      now: datetime | None = None) -> Graph:
    """The candidates as ``skos:closeMatch`` triples, with a ``void:Linkset`` saying where they come from."""
    now = now or datetime.now(UTC)
    graph = _bind(Graph(), base)
    ls = linkset_iri(base, "reconciliation-candidates")
    for c in candidates:
        graph.add((URIRef(c.entity.iri), SKOS.closeMatch, URIRef(c.iri)))
    graph.add((ls, RDF.type, VOID.Linkset))
    graph.add((ls, RDFS.label, Literal("Reconciliation candidates (not reviewed)", lang="en")))
    graph.add((ls, VOID.linkPredicate, SKOS.closeMatch))
    _targets(graph, ls, endpoint, base)
    graph.add((ls, VOID.triples, Literal(len({(c.entity.iri, c.iri) for c in candidates}))))
    graph.add((ls, DCTERMS.created, Literal(now.replace(microsecond=0), datatype=XSD.dateTime)))
    graph.add((ls, PROV.used, URIRef(endpoint)))
    return graph


# --------------------------------------------------------------------------------------------------------------
# accepting reviewed rows


@dataclass(frozen=True)
class Accepted:
    ours: str
    theirs: str
    endpoint: str
    line: int


def read_review(path: Path, *, endpoint: str | None = None) -> list[Accepted]:
    """The rows of a review table marked accepted; any problem is a ``ReviewFileError`` naming file:line."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ReviewFileError(f"{path}: cannot read: {_short(exc)}") from exc
    rows = [(n, line) for n, line in enumerate(text.splitlines(), 1) if line.strip() and not line.startswith("#")]
    if not rows:
        raise ReviewFileError(f"{path}: empty review table")
    header_line, header_text = rows[0]
    header = [h.strip().lower() for h in next(csv.reader([header_text], delimiter="\t"))]
    for needed in ("accept", "our_iri", "candidate_iri"):
        if needed not in header:
            raise ReviewFileError(f"{path}:{header_line}: no '{needed}' column "
                                  f"(expected the header {' '.join(REVIEW_COLUMNS)})")
    col = {name: header.index(name) for name in header}
    out: list[Accepted] = []
    seen: dict[str, Accepted] = {}
    for n, line in rows[1:]:
        cells = next(csv.reader([line], delimiter="\t"))
        if len(cells) < len(header) and len(cells) <= max(col["accept"], col["our_iri"], col["candidate_iri"]):
            raise ReviewFileError(f"{path}:{n}: {len(cells)} column(s), expected {len(header)}")
        mark = cells[col["accept"]].strip().lower()
        if mark in ACCEPT_NO:
            continue
        if mark not in ACCEPT_YES:
            raise ReviewFileError(f"{path}:{n}: accept is {cells[col['accept']]!r}; write yes or no")
        ours, theirs = cells[col["our_iri"]].strip(), cells[col["candidate_iri"]].strip()
        row_endpoint = cells[col["endpoint"]].strip() if "endpoint" in col and col["endpoint"] < len(cells) else ""
        used = endpoint or row_endpoint or WIKIDATA_ENDPOINT
        _check_iri(path, n, "our_iri", ours)
        _check_iri(path, n, "candidate_iri", theirs)
        if theirs.startswith(("http://www.wikidata.org/", "https://www.wikidata.org/")) and \
                not WIKIDATA_ITEM.match(theirs):
            raise ReviewFileError(f"{path}:{n}: candidate_iri {theirs} is not a Wikidata item IRI "
                                  "(http://www.wikidata.org/entity/Q…)")
        if ours in seen and seen[ours].theirs != theirs:
            raise ReviewFileError(f"{path}:{n}: {ours} is already accepted as {seen[ours].theirs} on line "
                                  f"{seen[ours].line}; accept one candidate per entity")
        if ours not in seen:
            seen[ours] = Accepted(ours, theirs, used, n)
            out.append(seen[ours])
    return out


def _check_iri(path: Path, line: int, column: str, value: str) -> None:
    if not re.match(r"^https?://[^\s<>\"{}|\\^`]+$", value):
        raise ReviewFileError(f"{path}:{line}: {column} {value!r} is not an http(s) IRI")


def accept(settings: Settings, review: Path, *, by: str | None = None, endpoint: str | None = None,
           links_file: Path | None = None, now: datetime | None = None) -> tuple[Path, int]:
    """Add the accepted rows of ``review`` as ``owl:sameAs`` to ``data/links/reconciled.ttl``; (file, links added)."""
    rows = read_review(review, endpoint=endpoint)
    base = BASE
    bundle = load(settings)
    known = {str(s) for g in bundle.curated_graphs() for s in g.subjects() if isinstance(s, URIRef)}
    for row in rows:
        if kind_of(row.ours, base) is None or row.ours not in known:
            raise ReviewFileError(f"{review}:{row.line}: our_iri {row.ours} is not a person, body or place "
                                  "of this graph")
    target = links_file or settings.data_dir / "links" / "reconciled.ttl"
    graph = _bind(parse_file(target) if target.exists() else Graph(), BASE)
    if not rows:
        return target, 0
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    ls = linkset_iri(BASE, "reconciled")

    added = 0
    run = URIRef(f"{ls}/acceptance/{now.strftime('%Y%m%dT%H%M%SZ')}")
    agent = BNode()
    for row in rows:
        triple = (URIRef(row.ours), OWL.sameAs, URIRef(row.theirs))
        if triple not in graph:
            graph.add(triple)
            graph.add((run, DCTERMS.subject, URIRef(row.ours)))
            added += 1
    if not added:
        return target, 0
    graph.add((agent, RDF.type, PROV.Agent))
    graph.add((agent, FOAF.name, Literal(by or getpass.getuser())))
    graph.add((run, RDF.type, PROV.Activity))
    graph.add((run, RDFS.label, Literal(f"acceptance of reviewed links from {review.name}", lang="en")))
    graph.add((run, PROV.wasAssociatedWith, agent))
    graph.add((run, PROV.endedAtTime, Literal(now, datatype=XSD.dateTime)))
    for used in sorted({r.endpoint for r in rows}):
        graph.add((run, PROV.used, URIRef(used)))
        graph.add((ls, PROV.used, URIRef(used)))
        _targets(graph, ls, used, BASE)
    graph.add((ls, RDF.type, VOID.Linkset))
    graph.set((ls, RDFS.label, Literal("Reviewed links from reconciliation", lang="en")))
    graph.set((ls, VOID.linkPredicate, OWL.sameAs))
    if (ls, DCTERMS.created, None) not in graph:
        graph.add((ls, DCTERMS.created, Literal(now, datatype=XSD.dateTime)))
    graph.set((ls, DCTERMS.modified, Literal(now, datatype=XSD.dateTime)))
    graph.add((ls, PROV.wasAttributedTo, agent))
    graph.add((ls, PROV.wasGeneratedBy, run))
    graph.set((ls, VOID.triples, Literal(sum(1 for _ in graph.triples((None, OWL.sameAs, None))))))
    target.parent.mkdir(parents=True, exist_ok=True)
    body = graph.serialize(format="turtle")
    header = ("# Reviewed owl:sameAs links, written by `gbagraph link --accept`: each was proposed by a "
              "reconciliation run\n# and marked accepted by a person (see docs/linking.md). Edit by re-running "
              "the command, not by hand.\n")
    target.write_text(header + body, encoding="utf-8")
    return target, added


# --------------------------------------------------------------------------------------------------------------
# command line (registered by cli.build_parser)


def cmd_link(args: argparse.Namespace) -> int:
    settings: Settings = args.settings_of(args)  # the CLI's own --root/--public-url/environment handling
    if args.accept:
        path, added = accept(settings, Path(args.accept), by=args.by, endpoint=args.endpoint,
                             links_file=Path(args.links_file) if args.links_file else None)
        print(f"accepted {added} new link(s) into {path}" if added else
              f"no new accepted rows in {args.accept}; {path} unchanged", file=sys.stderr)
        return 0
    options = Options(endpoint=args.endpoint or WIKIDATA_ENDPOINT,
                      kinds=(args.type,) if args.type else tuple(TYPE_CLASSES),
                      batch_size=args.batch_size, country=args.country, min_score=args.min_score,
                      timeout=args.timeout, retries=args.retries, min_interval=args.interval,
                      backoff=args.backoff, user_agent=args.user_agent or USER_AGENT,
                      subclasses=not args.no_subclasses)
    ours = entities(load(settings), options.kinds)
    found = reconcile(ours, options, progress=None if args.quiet else sys.stderr)
    table = review_table(found, options.endpoint)
    out = args.output or "link-review.tsv"
    if out == "-":
        sys.stdout.write(table)
    else:
        Path(out).write_text(table, encoding="utf-8")
    linkset = args.linkset or (None if out == "-" else str(Path(out).with_suffix(".closematch.ttl")))
    if linkset:
        graph = candidate_linkset(found, options.endpoint, BASE)
        Path(linkset).write_text(graph.serialize(format="turtle"), encoding="utf-8")
    matched = len({c.entity.iri for c in found})
    print(f"{len(ours)} entities looked up, {matched} with candidates, {len(found)} candidate(s); review "
          f"{out}{f' (linkset {linkset})' if linkset else ''}, mark accept=yes, then: gbagraph link --accept {out}",
          file=sys.stderr)
    return 0


def cmd_entities(args: argparse.Namespace) -> int:
    from . import entities as ents  # the table and JSON-LD context live in entities.py

    settings: Settings = args.settings_of(args)  # the CLI's own --root/--public-url/environment handling
    bundle = load(settings)
    body = {"csv": ents.entity_csv, "context": ents.context_bytes, "jsonld": ents.compact_jsonld}[args.format](bundle)
    if args.output and args.output != "-":
        Path(args.output).write_bytes(body)
        print(f"wrote {args.output} ({len(body)} bytes)", file=sys.stderr)
    else:
        sys.stdout.buffer.write(body)
    return 0


def add_link_commands(sub: Any, settings_of: Callable[[argparse.Namespace], Settings]) -> None:
    """Register ``gbagraph link`` and ``gbagraph entities`` on the CLI's subparsers; ``settings_of`` is how the
    CLI turns its arguments into ``Settings``."""
    p = sub.add_parser("link", help="find candidate links in a SPARQL endpoint, or accept reviewed ones")
    p.add_argument("--endpoint", help=f"SPARQL endpoint to look entities up in (default {WIKIDATA_ENDPOINT})")
    p.add_argument("--type", choices=sorted(TYPE_CLASSES), help="only this kind of entity (default: all)")
    p.add_argument("-o", "--output", help="review table to write (TSV; default link-review.tsv; - for stdout)")
    p.add_argument("--linkset", help="skos:closeMatch candidates (Turtle; default next to the review table)")
    p.add_argument("--accept", metavar="REVIEWED.tsv", help="turn rows marked accept=yes into owl:sameAs")
    p.add_argument("--by", help="who reviewed the table (with --accept; default: the login name)")
    p.add_argument("--links-file", help="links file to add to (with --accept; default data/links/reconciled.ttl)")
    p.add_argument("--country", help="Wikidata item IRI of a country: candidates there score higher")
    p.add_argument("--min-score", type=float, default=0.3, help="drop candidates scoring less (default 0.3)")
    p.add_argument("--batch-size", type=int, default=25, help="entities per request (default 25)")
    p.add_argument("--timeout", type=float, default=30.0, help="seconds per request (default 30)")
    p.add_argument("--retries", type=int, default=3, help="retries per request (default 3)")
    p.add_argument("--backoff", type=float, default=2.0, help="seconds before the first retry (doubles)")
    p.add_argument("--interval", type=float, default=1.0, help="minimum seconds between requests (default 1)")
    p.add_argument("--user-agent", help="User-Agent header (default names gbagraph)")
    p.add_argument("--no-subclasses", action="store_true", help="match wdt:P31 classes only, not subclasses")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_link, settings_of=settings_of)

    p = sub.add_parser("entities", help="write the entity table (CSV) or the JSON-LD context")
    p.add_argument("--format", choices=["csv", "context", "jsonld"], default="csv",
                   help="csv (entity table), context (JSON-LD @context) or jsonld (data compacted with it)")
    p.add_argument("-o", "--output", help="file to write (default: standard output)")
    p.set_defaults(func=cmd_entities, settings_of=settings_of)

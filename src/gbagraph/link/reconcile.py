"""Reconciliation: look our people, bodies and places up by label in a SPARQL endpoint (Wikidata's by default),
score the candidates, and write them as a review table (TSV) and a linkset of ``skos:closeMatch`` candidates.
Nothing it finds is asserted (see :mod:`gbagraph.link.review` for accepting reviewed rows)."""

from __future__ import annotations

import csv
import io
import re
import time
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import requests
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, VOID, XSD
from requests.adapters import HTTPAdapter
from urllib3 import BaseHTTPResponse
from urllib3.util.retry import Retry

from .. import __version__
from ..bundle import GraphBundle
from ..errors import LinkError
from ..namespaces import WD, prefixes

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

#: answers that mean "try again later": retried, honouring Retry-After (seconds or an HTTP date)
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class _PoliteRetry(Retry):
    """urllib3's ``Retry`` that waits ``backoff`` seconds before the first retry (doubling after), caps every
    wait at ``backoff_max`` (Retry-After included), and sleeps with an injectable ``sleeper``."""

    RETRY_AFTER_STATUS_CODES = RETRY_STATUSES

    def __init__(self, *args: Any, sleeper: Callable[[float], None] = time.sleep, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sleeper = sleeper

    def new(self, **kw: Any) -> _PoliteRetry:
        retry = super().new(**kw)
        retry.sleeper = self.sleeper
        return retry

    def get_backoff_time(self) -> float:
        failures = len(self.history)
        return min(self.backoff_max, self.backoff_factor * 2 ** (failures - 1)) if failures else 0.0

    def sleep_for_retry(self, response: BaseHTTPResponse) -> bool:
        wait = self.get_retry_after(response)
        if wait is None:
            return False
        self.sleeper(min(self.backoff_max, wait))
        return True

    def _sleep_backoff(self) -> None:
        wait = self.get_backoff_time()
        if wait > 0:
            self.sleeper(wait)


@dataclass
class Client:
    """A polite SPARQL client: User-Agent, timeouts, bounded retries with backoff and ``Retry-After`` (through
    urllib3's ``Retry``), and a minimum interval between queries."""

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
    _session: requests.Session = field(default_factory=requests.Session, repr=False)

    def __post_init__(self) -> None:
        retry = _PoliteRetry(total=self.retries, backoff_factor=self.backoff, backoff_max=self.max_backoff,
                             status_forcelist=RETRY_STATUSES, allowed_methods=None, raise_on_status=False,
                             respect_retry_after_header=True, sleeper=self.sleep)
        self._session.mount("http://", HTTPAdapter(max_retries=retry))
        self._session.mount("https://", HTTPAdapter(max_retries=retry))

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
        self._wait_turn()
        try:
            response = self._session.post(self.endpoint, data={"query": query}, headers=headers,
                                          timeout=(min(10.0, self.timeout), self.timeout))
        except requests.RequestException as exc:  # unreachable, every attempt
            self.requests_made += self.retries + 1
            raise LinkError(f"{self.endpoint}: no answer after {self.retries + 1} attempt(s): {_short(exc)}") \
                from exc
        finally:
            self._last = time.monotonic()
        used = getattr(response.raw, "retries", None)
        attempts = len(used.history) + 1 if used is not None else 1
        self.requests_made += attempts
        with response:
            if response.status_code == 200:
                try:
                    bindings: list[dict[str, dict[str, str]]] = response.json()["results"]["bindings"]
                    return bindings
                except (ValueError, KeyError, TypeError) as exc:
                    raise LinkError(f"{self.endpoint}: answer is not SPARQL JSON results ({_short(exc)})") from exc
            problem = f"HTTP {response.status_code} {_short(response.text)}"
            if response.status_code in RETRY_STATUSES:
                raise LinkError(f"{self.endpoint}: no answer after {attempts} attempt(s): {problem}")
            raise LinkError(f"{self.endpoint}: query refused: {problem}")


def _short(thing: object) -> str:
    return " ".join(str(thing).split())[:200]


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
              progress: Callable[[int, int, str], None] | None = None) -> list[Candidate]:
    """Look every entity up in ``options.endpoint`` and return scored candidates (best first per entity);
    ``progress(done, total, note)`` is called after each batch."""
    own = client is None
    client = client or Client(options.endpoint, timeout=options.timeout, retries=options.retries,
                              backoff=options.backoff, min_interval=options.min_interval,
                              user_agent=options.user_agent)
    by_kind: dict[str, list[Entity]] = defaultdict(list)
    for e in ours:
        if e.kind in options.kinds:
            by_kind[e.kind].append(e)
    plan = [(kind, batch) for kind in sorted(by_kind) for batch in _batches(by_kind[kind], options.batch_size)]
    found: list[Candidate] = []
    try:
        for done, (kind, batch) in enumerate(plan, 1):
            hits = _lookup(batch, kind, options, client)
            for entity in batch:
                found.extend(score(entity, hits.get(entity.iri, {}), options))
            if progress:
                progress(done, len(plan), f"{kind}: {len(found)} candidate(s)")
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

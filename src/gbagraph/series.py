"""A meeting series in order (date, place, co-chairs, sources) and the source documents behind a resource.
No web framework here: the series page and the resource pages render what these return."""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, RDF, RDFS, SDO, SKOS, XSD
from rdflib.term import Node

from .bundle import GraphBundle
from .describe import PART_OF, label_of
from .namespaces import gba

#: datatypes of the values a timeline can place
DATE_TYPES = (XSD.date, XSD.dateTime, XSD.gYearMonth, XSD.gYear)
#: where a source document's original address is recorded
URL_PROPERTIES = (SDO.url, FOAF.page)
NOT_STATED = "not stated"


@dataclass(frozen=True)
class SourceDocument:
    """A document facts were taken from: its IRI, title, original URL(s) and date of issue."""

    iri: URIRef
    title: str
    urls: tuple[str, ...] = ()
    issued: str = ""


@dataclass(frozen=True)
class Person:
    """A co-chair: the person, and the post held at the meeting when the data say so."""

    iri: URIRef
    name: str
    post: str = ""


@dataclass
class MeetingEntry:
    """One meeting of a series as the series page shows it."""

    iri: URIRef
    name: str
    date: str = ""  # ISO (xsd:date, gYearMonth or gYear lexical form); "" when none is stated
    previous_dates: list[str] = field(default_factory=list)  # announced dates it was moved from
    ordinal: int | None = None
    places: list[tuple[URIRef | None, str]] = field(default_factory=list)
    co_chairs: list[Person] = field(default_factory=list)
    sources: list[SourceDocument] = field(default_factory=list)

    @property
    def year(self) -> str:
        return self.date[:4]


def _short_name(bundle: GraphBundle, node: Node) -> str:
    """The shortest English (or untagged) label of ``node``: "23rd Plenary" rather than its full title."""
    ds = bundle.dataset
    labels = [str(o) for p in (SKOS.altLabel, SKOS.prefLabel, RDFS.label) for o in ds.objects(node, p)
              if isinstance(o, Literal) and o.language in (None, "en")]
    return min(labels, key=len) if labels else label_of(ds, node) or str(node)


def _dates(bundle: GraphBundle, node: Node, props: tuple[URIRef, ...]) -> set[str]:
    """The dates of ``node`` as ISO text: a literal, or (0.3.0) a calendar interval's gba:dateValue or label."""
    ds = bundle.dataset
    g = gba(bundle.base)
    out = set()
    for o in (o for p in props for o in ds.objects(node, p)):
        value: Node | None = o
        if isinstance(o, URIRef):
            value = next(iter(ds.objects(o, g.dateValue)), None) or next(iter(ds.objects(o, RDFS.label)), None)
        if isinstance(value, Literal) and (value.datatype in DATE_TYPES or value.datatype is None or value.language):
            out.add(str(value))
    return out


def source_documents(bundle: GraphBundle, iri: URIRef) -> list[SourceDocument]:
    """The documents whose paragraphs ``iri`` is derived from (``prov:wasDerivedFrom`` a paragraph that is
    ``dcterms:isPartOf`` a document, or the document itself), with their original URLs, oldest first."""
    ds = bundle.dataset
    docs: set[URIRef] = set()
    for para in ds.objects(iri, PROV.wasDerivedFrom):
        parents = [o for prop in PART_OF for o in ds.objects(para, prop) if isinstance(o, URIRef)]
        docs.update(parents or ([para] if isinstance(para, URIRef) else []))
    out = [SourceDocument(
        doc,
        label_of(ds, doc) or str(doc),
        tuple(sorted({str(u) for p in URL_PROPERTIES for u in ds.objects(doc, p)})),
        min((str(d) for d in ds.objects(doc, DCTERMS.issued)), default=""),
    ) for doc in docs]
    return sorted(out, key=lambda d: (d.issued, d.title))


def _co_chairs(bundle: GraphBundle, meeting: URIRef) -> list[Person]:
    ds = bundle.dataset
    g = gba(bundle.base)
    posts: dict[Node, str] = {}
    people: set[Node] = set(ds.objects(meeting, g.coChair))
    for part in ds.subjects(g.meeting, meeting):
        roles = {str(r) for r in ds.objects(part, g.role)}
        if any(r.endswith("/role/co-chair") for r in roles):
            for person in ds.objects(part, g.participant):
                people.add(person)
                post = next(iter(ds.objects(part, g.inPost)), None)
                if post is not None:
                    posts[person] = label_of(ds, post) or str(post)
    chairs = [Person(p, label_of(ds, p) or str(p), posts.get(p, "")) for p in people if isinstance(p, URIRef)]
    return sorted(chairs, key=lambda c: c.name)


def _places(bundle: GraphBundle, meeting: URIRef) -> list[tuple[URIRef | None, str]]:
    ds = bundle.dataset
    out: list[tuple[URIRef | None, str]] = []
    for prop in (gba(bundle.base).location, SDO.location):
        for o in ds.objects(meeting, prop):
            if isinstance(o, URIRef):
                out.append((o, _short_name(bundle, o)))
            elif isinstance(o, Literal):
                out.append((None, str(o)))
    return sorted(set(out), key=lambda p: p[1])


def series_meetings(bundle: GraphBundle, series: URIRef) -> list[MeetingEntry]:
    """The meetings ``gba:partOfSeries`` ``series``, by date (undated last), then ordinal."""
    ds = bundle.dataset
    g = gba(bundle.base)
    previous_props = (SDO.previousStartDate,)
    entries = []
    for meeting in set(ds.subjects(g.partOfSeries, series)):
        if not isinstance(meeting, URIRef):
            continue
        previous = _dates(bundle, meeting, previous_props)
        dates = _dates(bundle, meeting, (g.startDate, g.date, SDO.startDate)) - previous
        ordinal = next((int(o) for o in ds.objects(meeting, g.ordinal) if isinstance(o, Literal)
                        and str(o).isdigit()), None)
        entries.append(MeetingEntry(
            meeting, _short_name(bundle, meeting), min(dates, default=""), sorted(previous), ordinal,
            _places(bundle, meeting), _co_chairs(bundle, meeting), source_documents(bundle, meeting),
        ))
    return sorted(entries, key=lambda e: (not e.date, e.date, e.ordinal or 0, e.name))


def is_meeting(bundle: GraphBundle, iri: URIRef) -> bool:
    return (iri, RDF.type, gba(bundle.base).Meeting) in bundle.dataset

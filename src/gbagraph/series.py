"""A meeting series in order (date, place, co-chairs, areas, agreements, sources), with its sub-series as tiers
(the plenaries and the working meetings of the Joint Conference), and the source documents behind a resource.
No web framework here: the series page and the resource pages render what these return."""

from __future__ import annotations

from collections import Counter
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
#: the unit of a gba:Figure that states how many agreements were signed at or after a meeting (as query 50 reads it)
AGREEMENTS_SIGNED = "agreements signed"


def read_beyond_opening(extent: str) -> bool:
    """Was a source read beyond its opening? Its gba:extentRead begins "whole" (the others begin "opening" or "the
    opening": the part a search tool showed, cut off); query 36 reads it the same way."""
    return extent.strip().lower().startswith("whole")


@dataclass(frozen=True)
class SourceDocument:
    """A document facts were taken from: its IRI, title, original URL(s) and date of issue."""

    iri: URIRef
    title: str
    urls: tuple[str, ...] = ()
    issued: str = ""
    extent: str = ""  # gba:extentRead: how much of it was read


@dataclass(frozen=True)
class AgreementRef:
    """An agreement signed at or after a meeting: named by its title, or (``titled`` False) only by its topic."""

    iri: URIRef
    name: str
    titled: bool


@dataclass(frozen=True)
class Agreements:
    """What the sources say was signed at or after a meeting: the agreements recorded and the counts stated."""

    recorded: tuple[AgreementRef, ...] = ()
    stated: tuple[int, ...] = ()  # every distinct count a source states, smallest first

    @property
    def summary(self) -> str:
        """ "1 named of 8 stated", "1 named, 5 by topic only, of 9 stated", "5 named (no count stated)", ""."""
        titled = sum(a.titled for a in self.recorded)
        parts = [f"{titled} named"] if titled else []
        if len(self.recorded) > titled:
            parts.append(f"{len(self.recorded) - titled} by topic only")
        named = ", ".join(parts) or "none named"
        if not self.stated:
            return f"{named} (no count stated)" if self.recorded else ""
        differ = f" (sources differ: {', '.join(map(str, self.stated))})" if len(self.stated) > 1 else ""
        return f"{named}{',' if len(parts) > 1 else ''} of {max(self.stated)} stated{differ}"


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
    tier: str = ""  # "plenary", "working meeting": the tier of the series it belongs to (see :class:`Tier`)
    areas: list[tuple[URIRef, str]] = field(default_factory=list)  # gba:cooperationArea, by name
    agreements: Agreements = field(default_factory=Agreements)

    @property
    def year(self) -> str:
        return self.date[:4]

    @property
    def read_beyond_opening(self) -> bool:
        """Was any of its sources read beyond its opening (so that a missing area may be missing, not unread)?"""
        return any(read_beyond_opening(d.extent) for d in self.sources)


@dataclass
class Tier:
    """A series and its meetings as one tier of a larger series: the Joint Conference's own meetings (its
    plenaries) or a sub-series of it (its working meetings)."""

    iri: URIRef
    name: str  # what one of its meetings is called: "plenary", "working meeting"
    title: str  # the heading of its row: "Plenaries", "Working Meetings"
    meetings: list[MeetingEntry]


def short_name(bundle: GraphBundle, node: Node) -> str:
    """The shortest English (or untagged) label of ``node``: "23rd Plenary" rather than its full title."""
    labels = _labels(bundle, node)
    return min(labels, key=len) if labels else label_of(bundle.dataset, node) or str(node)


def _labels(bundle: GraphBundle, node: Node) -> list[str]:
    return [str(o) for p in (SKOS.altLabel, SKOS.prefLabel, RDFS.label) for o in bundle.dataset.objects(node, p)
            if isinstance(o, Literal) and o.language in (None, "en")]


def name_in(bundle: GraphBundle, node: Node, series: Node) -> str:
    """The short name of ``node`` less " of [the] <a name of ``series`` or of a series it is part of>": "22nd Working
    Meeting" where its only label is "22nd Working Meeting of the Hong Kong/Guangdong Co-operation Joint Conference"."""
    name = short_name(bundle, node)
    names, seen, todo = [], set(), [series]
    while todo:  # the series and the series it is a sub-series of
        s = todo.pop()
        seen.add(s)
        names += _labels(bundle, s)
        todo += [p for p in bundle.dataset.objects(s, gba(bundle.base).subSeriesOf) if p not in seen]
    for label in sorted(names, key=len, reverse=True):
        for suffix in (f" of the {label}", f" of {label}"):
            if name.endswith(suffix) and len(name) > len(suffix):
                return name.removesuffix(suffix)
    return name


def dates_of(bundle: GraphBundle, node: Node, props: tuple[URIRef, ...]) -> set[str]:
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
        min((str(e) for e in ds.objects(doc, gba(bundle.base).extentRead)), default=""),
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
                out.append((o, short_name(bundle, o)))
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
        previous = dates_of(bundle, meeting, previous_props)
        dates = dates_of(bundle, meeting, (g.startDate, g.date, SDO.startDate)) - previous
        ordinal = next((int(o) for o in ds.objects(meeting, g.ordinal) if isinstance(o, Literal)
                        and str(o).isdigit()), None)
        entries.append(MeetingEntry(
            meeting, name_in(bundle, meeting, series), min(dates, default=""), sorted(previous), ordinal,
            _places(bundle, meeting), _co_chairs(bundle, meeting), source_documents(bundle, meeting),
            areas=_areas(bundle, meeting), agreements=_agreements(bundle, meeting),
        ))
    return sorted(entries, key=by_date)


def by_date(e: MeetingEntry) -> tuple[bool, str, int, str]:
    """The order of meetings: by date (undated last), then ordinal and name."""
    return (not e.date, e.date, e.ordinal or 0, e.name)


def _areas(bundle: GraphBundle, meeting: URIRef) -> list[tuple[URIRef, str]]:
    areas = {a for a in bundle.dataset.objects(meeting, gba(bundle.base).cooperationArea) if isinstance(a, URIRef)}
    return sorted(((a, label_of(bundle.dataset, a) or str(a)) for a in areas), key=lambda a: a[1])


def _agreements(bundle: GraphBundle, meeting: URIRef) -> Agreements:
    """The agreements ``gba:signedAt`` or ``gba:signedAfter`` the meeting, and the counts its figures state."""
    ds = bundle.dataset
    g = gba(bundle.base)
    signed = {a for p in (g.signedAt, g.signedAfter) for a in ds.subjects(p, meeting) if isinstance(a, URIRef)}
    recorded = sorted((AgreementRef(a, label_of(ds, a) or str(a), (a, g.notStatedInSources, DCTERMS.title) not in ds)
                       for a in signed), key=lambda a: (not a.titled, a.name))
    counts = {int(v) for f in ds.subjects(g.figureAbout, meeting)
              if any(str(u) == AGREEMENTS_SIGNED for u in ds.objects(f, g.unitText))
              for v in ds.objects(f, g.value) if isinstance(v, Literal) and str(v).isdigit()}
    return Agreements(tuple(recorded), tuple(sorted(counts)))


def _kind_name(bundle: GraphBundle, meetings: list[MeetingEntry]) -> str:
    """The name most of ``meetings`` go by (their gba:meetingKind), "meeting" when none is stated."""
    ds = bundle.dataset
    kinds = Counter(label_of(ds, k) for m in meetings for k in ds.objects(m.iri, gba(bundle.base).meetingKind))
    kinds.pop(None, None)
    return str(kinds.most_common(1)[0][0]) if kinds else "meeting"


def _plural(name: str) -> str:
    return (name[:-1] + "ies" if name.endswith("y") else name + "s").capitalize()


def sub_series(bundle: GraphBundle, series: URIRef) -> list[URIRef]:
    """The series ``gba:subSeriesOf`` ``series``, directly or through others, by IRI."""
    found: set[URIRef] = set()
    todo = [series]
    while todo:
        for sub in bundle.dataset.subjects(gba(bundle.base).subSeriesOf, todo.pop()):
            if isinstance(sub, URIRef) and sub not in found and sub != series:
                found.add(sub)
                todo.append(sub)
    return sorted(found, key=str)


def series_tiers(bundle: GraphBundle, series: URIRef) -> list[Tier]:
    """``series`` and each of its sub-series (that has meetings) as tiers, the series itself first: each tier's
    meetings in order, named after what most of its meetings are called; a sub-series' heading is its own short
    name less " of <the series>" ("Working Meetings")."""
    tiers = []
    for iri in (series, *sub_series(bundle, series)):
        meetings = series_meetings(bundle, iri)
        if not meetings and iri != series:
            continue
        name = _kind_name(bundle, meetings)
        title = _plural(name) if iri == series else name_in(bundle, iri, series)
        for m in meetings:
            m.tier = name
        tiers.append(Tier(iri, name, title, meetings))
    return tiers


def is_meeting(bundle: GraphBundle, iri: URIRef) -> bool:
    return (iri, RDF.type, gba(bundle.base).Meeting) in bundle.dataset

"""A meeting's neighbours: the previous and next meeting of its own series (by ordinal, else by date) and, for a
meeting of a sub-series (a working meeting), the meetings of the larger series it was held between (the plenaries
before and after it), both worked out from the series; and the meetings the data states it prepared or followed up
(``gba:preparesMeeting``, ``gba:followsUpMeeting``) or was prepared or followed up by. Navigation for the meeting
pages: nothing is written back to the data."""

from __future__ import annotations

from dataclasses import dataclass, replace

from rdflib import Literal, URIRef
from rdflib.namespace import SDO

from .bundle import GraphBundle
from .namespaces import gba
from .series import dates_of, name_in, short_name


@dataclass(frozen=True)
class MeetingRef:
    """A meeting as a link: its IRI, short name, date (ISO, "" when none is stated) and ordinal."""

    iri: URIRef
    name: str
    date: str = ""
    ordinal: int | None = None


@dataclass(frozen=True)
class Neighbours:
    """Where a meeting stands: its series, the meetings before and after it there and, for a sub-series, the
    meetings of the larger series just before (``after``) and just after (``before``) its date."""

    series: URIRef
    series_name: str
    previous: MeetingRef | None = None
    next: MeetingRef | None = None
    parent: URIRef | None = None
    parent_name: str = ""
    after: MeetingRef | None = None
    before: MeetingRef | None = None
    stated: tuple[tuple[str, MeetingRef], ...] = ()  # ("follows up", the 19th Plenary): as the data states


#: the links between meetings the data states, each read both ways: (property, its wording, its inverse's)
STATED_LINKS = (("preparesMeeting", "prepared", "prepared by"), ("followsUpMeeting", "follows up", "followed up by"))


def _series_of(bundle: GraphBundle, meeting: URIRef) -> URIRef | None:
    """The first series (by IRI) ``meeting`` is part of."""
    return min((s for s in bundle.dataset.objects(meeting, gba(bundle.base).partOfSeries) if isinstance(s, URIRef)),
               key=str, default=None)


def _ref(bundle: GraphBundle, meeting: URIRef, series: URIRef | None) -> MeetingRef:
    g = gba(bundle.base)
    previous = dates_of(bundle, meeting, (SDO.previousStartDate,))
    dates = dates_of(bundle, meeting, (g.startDate, g.date, SDO.startDate)) - previous
    ordinal = next((int(o) for o in bundle.dataset.objects(meeting, g.ordinal)
                    if isinstance(o, Literal) and str(o).isdigit()), None)
    name = name_in(bundle, meeting, series) if series is not None else short_name(bundle, meeting)
    return MeetingRef(meeting, name, min(dates, default=""), ordinal)


def stated_links(bundle: GraphBundle, meeting: URIRef) -> tuple[tuple[str, MeetingRef], ...]:
    """The meetings the data states ``meeting`` prepared or followed up, and those stated to have prepared or
    followed it up, each with the wording of the link, in the order of :data:`STATED_LINKS`, then by date."""
    ds = bundle.dataset
    g = gba(bundle.base)
    out: list[tuple[str, MeetingRef]] = []
    for prop, wording, inverse in STATED_LINKS:
        for others, words in ((ds.objects(meeting, g[prop]), wording), (ds.subjects(g[prop], meeting), inverse)):
            refs = {_ref(bundle, m, _series_of(bundle, m)) for m in others if isinstance(m, URIRef) and m != meeting}
            out += [(words, r) for r in sorted(refs, key=lambda r: (not r.date, r.date, r.name))]
    return tuple(out)


def _in_order(bundle: GraphBundle, series: URIRef) -> list[MeetingRef]:
    """The meetings of ``series`` by ordinal (those without one after them, by date), then date and name."""
    meetings = {m for m in bundle.dataset.subjects(gba(bundle.base).partOfSeries, series) if isinstance(m, URIRef)}
    return sorted((_ref(bundle, m, series) for m in meetings),
                  key=lambda r: (r.ordinal is None, r.ordinal or 0, not r.date, r.date, r.name))


def _around(meetings: list[MeetingRef], date: str) -> tuple[MeetingRef | None, MeetingRef | None]:
    """The last meeting dated before ``date`` and the first dated after it (ISO text compared as text)."""
    dated = sorted((m for m in meetings if m.date), key=lambda m: m.date)
    earlier = [m for m in dated if m.date < date and not date.startswith(m.date)]
    later = [m for m in dated if m.date > date and not m.date.startswith(date)]
    return (earlier[-1] if earlier else None), (later[0] if later else None)


def meeting_neighbours(bundle: GraphBundle, meeting: URIRef) -> Neighbours | None:
    """The neighbours of ``meeting`` in the first series it is ``gba:partOfSeries`` (by IRI), or None when it is
    in no series."""
    series = _series_of(bundle, meeting)
    if series is None:
        return None
    order = _in_order(bundle, series)
    at = next(i for i, m in enumerate(order) if m.iri == meeting)
    out = Neighbours(series, short_name(bundle, series), order[at - 1] if at > 0 else None,
                     order[at + 1] if at + 1 < len(order) else None, stated=stated_links(bundle, meeting))
    parent = min((p for p in bundle.dataset.objects(series, gba(bundle.base).subSeriesOf) if isinstance(p, URIRef)),
                 key=str, default=None)
    if parent is None or not order[at].date:
        return out
    after, before = _around(_in_order(bundle, parent), order[at].date)
    return replace(out, parent=parent, parent_name=short_name(bundle, parent), after=after, before=before)

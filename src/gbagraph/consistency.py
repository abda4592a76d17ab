"""Participations checked against post holdings: was the post a participation names held by that person on the
meeting's date?

A holding covers a date when it may have: its start's ``gba:earliest`` is not after the date's ``gba:latest`` and
its end's ``gba:latest`` (if it has ended) is not before the date's ``gba:earliest`` — so a holding printed only to
the year never raises a false warning. Each participation no holding covers is a warning naming the file and line
where the participation is written; one the source says was held in an acting capacity is marked as such (no page
prints acting periods, so these are expected). ``queries/42-participations-without-a-holding.rq`` asks the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.term import Node

from .bundle import GraphBundle
from .layout import located
from .namespaces import ORG, gba


def _query(base: str) -> str:
    return f"""PREFIX gba: <{gba(base)}>
PREFIX org: <{ORG}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?part ?personLabel ?postLabel ?meetingLabel ?date ?acting WHERE {{
  ?part a gba:Participation ;
        gba:participant ?person ;
        gba:inPost ?post ;
        gba:meeting ?meeting .
  ?meeting gba:date ?when .
  ?when gba:earliest ?from ; gba:latest ?to ; rdfs:label ?date .
  MINUS {{  # the covered (person, post, date bounds), found once from the few holdings (a NOT EXISTS per participation
    ?holding a gba:PostHolding ;  # with an OPTIONAL end inside took 43 s at 100k generated triples)
             org:member ?person ;
             gba:post ?post ;
             gba:heldFrom/gba:earliest ?start .
    ?held gba:participant ?person ;
          gba:inPost ?post ;
          gba:meeting/gba:date ?heldWhen .
    ?heldWhen gba:earliest ?from ; gba:latest ?to .
    OPTIONAL {{ ?holding gba:heldUntil/gba:latest ?end }}
    FILTER(?start <= ?to && (!BOUND(?end) || ?end >= ?from))
  }}
  ?person rdfs:label ?personLabel .
  ?post rdfs:label ?postLabel .
  ?meeting rdfs:label ?meetingLabel .
  OPTIONAL {{ ?part gba:acting ?acting }}
}}
ORDER BY ?date ?personLabel"""


@dataclass(frozen=True)
class Conflict:
    """A participation whose post no holding of that person covers on the meeting date."""

    participation: str
    person: str
    post: str
    meeting: str
    date: str
    acting: bool
    file: Path | None = None
    line: int = 0

    def text(self) -> str:
        where = f"{self.file}:{self.line}: " if self.file else ""
        acting = " (acting, as the source says: no page read prints the acting period)" if self.acting else ""
        return (f"warning: {where}{self.person} took part in the {self.meeting} ({self.date}) as {self.post}, "
                f"but no post holding of that post by that person covers the date{acting}")


def _located(bundle: GraphBundle, part: URIRef) -> tuple[Path | None, int]:
    """Where ``part`` is typed (a paragraph file, before an editorial file that only marks it), else named."""
    return next(((path, line) for path, line in located(bundle.file_of(part), str(part)) if line), (None, 0))


def conflicts(bundle: GraphBundle) -> list[Conflict]:
    """Every participation whose post no holding covers on its meeting's date, with its file and line."""
    out = []
    for part, person, post, meeting, date, acting in bundle.select(_query(bundle.base)):
        assert isinstance(part, URIRef)
        path, line = _located(bundle, part)
        out.append(Conflict(str(part), _text(person), _text(post), _text(meeting), _text(date),
                            isinstance(acting, Literal) and acting.toPython() is True, path, line))
    return out


def _text(node: Node | None) -> str:
    return "" if node is None else str(node)


def report(bundle: GraphBundle) -> str:
    """The warnings as lines (empty when every participation is covered), then a count."""
    found = conflicts(bundle)
    if not found:
        return "consistency: every participation's post was held by that person on the meeting date\n"
    acting = sum(c.acting for c in found)
    lines = [c.text() for c in found]
    lines.append(f"consistency: {len(found)} participation(s) not covered by a post holding ({acting} acting)")
    return "\n".join(lines) + "\n"

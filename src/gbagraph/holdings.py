"""The post holdings of a person or of a post (``gba:PostHolding``), for the small timeline on their pages."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Literal, URIRef

from .bundle import GraphBundle
from .namespaces import ORG, gba


@dataclass(frozen=True)
class Holding:
    """One holding: who, which post, from and until (as labelled: ISO or as printed; "" when still held)."""

    iri: URIRef
    person: str
    post: str
    start: str
    end: str
    acting: bool


def holdings_of(bundle: GraphBundle, iri: URIRef) -> list[Holding]:
    """The holdings whose holder (``org:member``) or post (``gba:post``) is ``iri``, by start, then post."""
    g = gba(bundle.base)
    rows = bundle.select(f"""PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?h ?person ?post ?start ?end ?acting WHERE {{
  ?h a <{g.PostHolding}> ; <{ORG.member}> ?p ; <{g.post}> ?q ; <{g.heldFrom}> ?f .
  FILTER(?p = <{iri}> || ?q = <{iri}>)
  ?p rdfs:label ?person . ?q rdfs:label ?post . ?f rdfs:label ?start .
  OPTIONAL {{ ?h <{g.heldUntil}>/rdfs:label ?end }}
  OPTIONAL {{ ?h <{g.acting}> ?acting }}
}}""")
    out = {Holding(h, str(person), str(post), str(start), "" if end is None else str(end),
                   isinstance(acting, Literal) and acting.toPython() is True)
           for h, person, post, start, end, acting in rows if isinstance(h, URIRef)}
    return sorted(out, key=lambda h: (h.start, h.post, h.person, str(h.iri)))

"""Accepting reviewed links: the rows of a review table a person marked accepted become ``owl:sameAs`` in
``data/links/reconciled.ttl`` (the named graph ``graph/links/reconciled``), described as a ``void:Linkset`` with
who accepted them, when, and which endpoint proposed them."""

from __future__ import annotations

import csv
import getpass
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, VOID, XSD

from ..config import Settings
from ..errors import ReviewFileError
from ..layout import parse_file
from ..namespaces import BASE
from ..reference.loader import load
from .reconcile import REVIEW_COLUMNS, WIKIDATA_ENDPOINT, WIKIDATA_ITEM, _bind, _short, _targets, kind_of, linkset_iri

ACCEPT_YES = {"yes", "y", "x", "1", "true", "accept", "accepted", "ok", "✓", "✔"}
ACCEPT_NO = {"", "no", "n", "0", "false", "reject", "rejected", "skip", "-", "?"}


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

"""``gbagraph link`` (reconcile with a SPARQL endpoint, or accept a reviewed table) and ``gbagraph entities``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import IO

from ..entities import compact_jsonld, context_bytes, entity_csv
from ..link import (
    TYPE_CLASSES,
    USER_AGENT,
    WIKIDATA_ENDPOINT,
    Options,
    accept,
    candidate_linkset,
    entities,
    reconcile,
    review_table,
)
from ..namespaces import BASE
from ..reference.loader import load
from ._common import AddCommand, settings_of, write_output


class ProgressBar:
    """A one-line progress bar on a stream: ``bar(done, total, note)`` after each step."""

    def __init__(self, stream: IO[str], label: str = "link") -> None:
        self.stream, self.label = stream, label
        self.tty = bool(getattr(stream, "isatty", lambda: False)())

    def __call__(self, done: int, total: int, note: str = "") -> None:
        width = 24
        filled = width * done // max(1, total)
        bar = "#" * filled + "." * (width - filled)
        line = f"{self.label} [{bar}] {done}/{total} {note}".rstrip()
        self.stream.write(("\r" + line) if self.tty else line + "\n")
        if self.tty and done >= total:
            self.stream.write("\n")
        self.stream.flush()


def cmd_link(args: argparse.Namespace) -> int:
    settings = settings_of(args)
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
    found = reconcile(ours, options, progress=None if args.quiet else ProgressBar(sys.stderr))
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
    settings = settings_of(args)
    bundle = load(settings)
    body = {"csv": entity_csv, "context": context_bytes, "jsonld": compact_jsonld}[args.format](bundle)
    write_output(args.output, body)
    return 0


def register(add: AddCommand) -> None:
    p = add("link", help="find candidate links in a SPARQL endpoint, or accept reviewed ones")
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
    p.set_defaults(func=cmd_link)

    p = add("entities", help="write the entity table (CSV) or the JSON-LD context")
    p.add_argument("--format", choices=["csv", "context", "jsonld"], default="csv",
                   help="csv (entity table), context (JSON-LD @context) or jsonld (data compacted with it)")
    p.add_argument("-o", "--output", help="file to write (default: standard output)")
    p.set_defaults(func=cmd_entities)

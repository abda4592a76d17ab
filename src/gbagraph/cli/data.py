"""``gbagraph validate``, ``query``, ``export`` and ``stats``: the dataset from the command line."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from rdflib import URIRef
from rdflib.namespace import RDF

from .. import consistency, formats, sparqltext
from ..config import ENGINES
from ..errors import ShapeViolation, UsageError
from ..examples import read_examples
from ..export import serialize
from ..pipeline import prepare, validate_only
from ..query import QueryRequest
from ..reference.loader import load
from ._common import AddCommand, settings_of, write_output

#: one-shot commands query the store where it is (an in-memory copy pays off only for a server's many queries)
ONE_SHOT = 0


def cmd_validate(args: argparse.Namespace) -> int:
    """The server's gate without serving (:func:`~gbagraph.pipeline.validate_only`): the report on stdout, exit 1
    when the data does not conform (or is inconsistent); then the participations no post holding covers, as
    warnings with file and line (:mod:`gbagraph.consistency`; they do not change the exit code)."""
    settings = settings_of(args, query_workers=0)
    try:
        result = validate_only(settings)
    except ShapeViolation as exc:
        print(exc.report)
        return 1
    print(result.text())
    sys.stdout.write(consistency.report(load(settings)))
    return 0


def _read_query(args: argparse.Namespace) -> str:
    if args.e is not None:
        return str(args.e)
    if args.file is None:
        raise UsageError("give a query file or -e 'QUERY TEXT'")
    if args.file == "-":
        return sys.stdin.read()
    path = Path(args.file)
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read query: {exc}") from exc


def wire_format(out_format: str, form: str | None) -> str | None:
    """The format to ask the engine for, for ``-f out_format`` and a query of ``form``: the table is rendered
    from JSON; a results format for a graph answer gives Turtle, a graph format for results the table."""
    if form in ("CONSTRUCT", "DESCRIBE"):
        return "turtle" if out_format in ("table", "csv", "tsv", "json", "xml") else out_format
    if form == "ASK" and out_format in ("json", "xml"):
        return out_format
    if form == "SELECT" and out_format in ("csv", "tsv", "json", "xml"):
        return out_format
    return "json" if form else None  # the table (ASK: true/false); an unknown form: the engine reports it


def cmd_query(args: argparse.Namespace) -> int:
    """Lex once, evaluate once, in this process (no query workers)."""
    text = _read_query(args)
    settings = settings_of(args, engine=args.engine, infer=not args.no_inferred, validate=False, query_workers=0,
                           engine_memory_triples=ONE_SHOT)
    prepared = prepare(settings)
    lexed = sparqltext.lex(text)
    wire = wire_format(args.format, lexed.query_form)
    answer = prepared.engine.answer(QueryRequest(query=text, format=wire, lexed=lexed))
    if answer.kind in ("SELECT", "ASK") and answer.format.name == "json" and args.format != "json":
        sys.stdout.write(render_table(json.loads(answer.body)))
        return 0
    sys.stdout.write(answer.body.decode("utf-8"))
    return 0


def render_table(results: dict[str, Any]) -> str:
    """SPARQL JSON results as an aligned text table (or ``true``/``false`` for ASK)."""
    if "boolean" in results:
        return ("true" if results["boolean"] else "false") + "\n"
    names = results["head"]["vars"]
    rows = [[b.get(n, {}).get("value", "") for n in names] for b in results["results"]["bindings"]]
    widths = [max([len(n)] + [len(r[i]) for r in rows]) for i, n in enumerate(names)]
    line = "  ".join(n.ljust(w) for n, w in zip(names, widths, strict=True)).rstrip()
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"


def cmd_export(args: argparse.Namespace) -> int:
    fmt = formats.by_name(args.format, ("graph", "dataset"))
    prepared = prepare(settings_of(args, infer=args.inferred, engine_memory_triples=ONE_SHOT))
    body = serialize(prepared.bundle, fmt, inferred=args.inferred)
    write_output(args.output, body, f", {fmt.media_type}")
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    prepared = prepare(settings_of(args, validate=False, engine_memory_triples=ONE_SHOT))
    bundle = prepared.bundle
    curated = bundle.union(bundle.curated_graphs())
    print(f"graphs: {sum(1 for c in bundle.dataset.graphs() if len(c))}")
    print(f"triples (curated data): {len(curated)}")
    print(f"triples (ontology): {len(bundle.ontology)}")
    print(f"triples (provenance): {len(bundle.provenance)}")
    print(f"triples (inferred): {len(prepared.inferred)}")
    counts: Counter[str] = Counter()
    entities = set()
    for s, o in curated.subject_objects(RDF.type):
        if isinstance(s, URIRef):
            counts[curated.namespace_manager.normalizeUri(o) if isinstance(o, URIRef) else str(o)] += 1
            entities.add(s)
    print(f"entities: {len(entities)}")
    for cls, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"  {n:5d}  {cls}")
    return 0


def cmd_examples(args: argparse.Namespace) -> int:
    """List the example queries of ``queries/`` (name and question); ``gbagraph query queries/NAME.rq`` runs one."""
    folder = settings_of(args).queries_dir
    examples = read_examples(folder)
    if not examples:
        raise UsageError(f"{folder}: no example queries (*.rq)")
    width = max(len(e.name) for e in examples)
    for example in examples:
        print(f"{example.name:<{width}}  {example.title}")
    return 0


def register(add: AddCommand) -> None:
    p = add("validate", help="check the data against the SHACL shapes (exit 1 if it fails)")
    p.set_defaults(func=cmd_validate)

    p = add("query", help="run a SPARQL query on the graph")
    p.add_argument("file", nargs="?", help="query file (.rq), or - for standard input")
    p.add_argument("-e", metavar="QUERY", help="query text")
    p.add_argument("-f", "--format", default="table",
                   choices=["table", "csv", "tsv", "json", "xml", "turtle", "nt", "jsonld", "rdfxml"])
    p.add_argument("--engine", choices=ENGINES, default=None)
    p.add_argument("--no-inferred", action="store_true", help="query the asserted triples only")
    p.set_defaults(func=cmd_query)

    p = add("export", help="write a dump of the dataset")
    p.add_argument("--format", default="turtle", help="turtle, nt, nq, trig, jsonld or xml")
    p.add_argument("--inferred", action="store_true", help="include the OWL RL inferred graph")
    p.add_argument("-o", "--output", help="file to write (default: standard output)")
    p.set_defaults(func=cmd_export)

    p = add("examples", help="list the example queries of queries/ (name and the question each answers)")
    p.set_defaults(func=cmd_examples)

    p = add("stats", help="count triples and entities by class")
    p.set_defaults(func=cmd_stats)

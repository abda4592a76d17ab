"""``gbagraph`` command line: a thin layer over the core (validate, query, export, stats, serve).

Errors a user can cause print one line (``gbagraph: error: …``) and exit non-zero; no tracebacks.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from rdflib import URIRef
from rdflib.namespace import RDF

from . import formats
from .config import Settings
from .errors import GbagraphError, ShapeViolation
from .export import serialize
from .link import add_link_commands
from .pipeline import prepare
from .query import QueryRequest
from .remote import add_push_command
from .store import load
from .validate import validate


def _settings(args: argparse.Namespace, **overrides: object) -> Settings:
    values = {k: v for k, v in overrides.items() if v is not None}
    if getattr(args, "root", None):
        values["root"] = Path(args.root)
    if getattr(args, "public_url", None):
        values["public_url"] = args.public_url
    if getattr(args, "trusted_proxy", None):
        values["trusted_proxies"] = tuple(args.trusted_proxy)
    return Settings.from_env(**values)


def cmd_validate(args: argparse.Namespace) -> int:
    settings = _settings(args)
    bundle = load(settings)
    result = validate(bundle, settings.shapes_file)
    print(result.text())
    return 0 if result.conforms else 1


def _read_query(args: argparse.Namespace) -> str:
    if args.e is not None:
        return args.e
    if args.file is None:
        raise GbagraphError("give a query file or -e 'QUERY TEXT'", status=400)
    if args.file == "-":
        return sys.stdin.read()
    path = Path(args.file)
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise GbagraphError(f"{path}: cannot read query: {exc}", status=400) from exc


def cmd_query(args: argparse.Namespace) -> int:
    text = _read_query(args)
    settings = _settings(args, engine=args.engine, infer=not args.no_inferred, validate=False)
    prepared = prepare(settings)
    out_format = args.format
    wire = {"table": "json", "csv": "csv", "tsv": "tsv", "json": "json", "xml": "xml"}.get(out_format, out_format)
    answer = prepared.engine.answer(QueryRequest(query=text, format=None, accept=None))
    if answer.kind in ("SELECT", "ASK"):
        if out_format in ("turtle", "nt", "jsonld", "rdfxml"):
            out_format, wire = "table", "json"
        answer = prepared.engine.answer(QueryRequest(query=text, format=wire))
        if out_format == "table":
            sys.stdout.write(render_table(json.loads(answer.body)))
            return 0
    else:
        if out_format in ("table", "csv", "tsv", "json", "xml"):
            wire = "turtle"
        answer = prepared.engine.answer(QueryRequest(query=text, format=wire))
    sys.stdout.write(answer.body.decode("utf-8"))
    return 0


def render_table(results: dict) -> str:
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
    settings = _settings(args, infer=args.inferred)
    prepared = prepare(settings)
    body = serialize(prepared.bundle, fmt, inferred=args.inferred)
    if args.output and args.output != "-":
        Path(args.output).write_bytes(body)
        print(f"wrote {args.output} ({len(body)} bytes, {fmt.media_type})", file=sys.stderr)
    else:
        sys.stdout.buffer.write(body)
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    settings = _settings(args, validate=False)
    prepared = prepare(settings)
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


def cmd_serve(args: argparse.Namespace) -> int:
    from .web.serve import serve  # the web layer is only imported when serving

    settings = _settings(args, engine=args.engine, sparql_backend=args.sparql_backend)
    if settings.public_url is None:  # the server's own links point where it listens unless told otherwise
        shown = f"[{args.host}]" if ":" in args.host else args.host
        settings = settings.with_(public_url=f"http://{shown}:{args.port}/")
    return serve(settings, host=args.host, port=args.port, workers=args.workers)


def _global_options(parser: argparse.ArgumentParser, default: object = None) -> None:
    """Options taken before or after the subcommand (``gbagraph --root D serve`` and ``gbagraph serve --root D``)."""
    parser.add_argument("--root", default=default,
                        help="project folder holding ontology/ and data/ (default: this checkout)")
    parser.add_argument("--public-url", metavar="URL", default=default,
                        help="URL the server is reached at, for its own links (VoID, service description); "
                             "the data's IRIs stay https://w3id.org/gbagraph/...")
    parser.add_argument("--trusted-proxy", metavar="ADDRESS", action="append", default=default,
                        help="a reverse proxy whose X-Forwarded-* headers are believed (repeatable)")
    parser.add_argument("--no-progress", action="store_true", default=default or False,
                        help="serve: do not log the start-up steps (parse, validate, infer, engine) on stderr")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gbagraph", description=__doc__.splitlines()[0])
    _global_options(parser)
    sub = parser.add_subparsers(dest="command", required=True)
    common = argparse.ArgumentParser(add_help=False)
    _global_options(common, default=argparse.SUPPRESS)  # after the subcommand; SUPPRESS keeps the value given before
    add_parser = sub.add_parser

    def add_with_common(name: str, **kwargs: object) -> argparse.ArgumentParser:
        kwargs.setdefault("parents", [common])
        return add_parser(name, **kwargs)  # type: ignore[arg-type]

    sub.add_parser = add_with_common  # type: ignore[method-assign]

    p = sub.add_parser("validate", help="check the data against the SHACL shapes (exit 1 if it fails)")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("query", help="run a SPARQL query on the graph")
    p.add_argument("file", nargs="?", help="query file (.rq), or - for standard input")
    p.add_argument("-e", metavar="QUERY", help="query text")
    p.add_argument("-f", "--format", default="table",
                   choices=["table", "csv", "tsv", "json", "xml", "turtle", "nt", "jsonld", "rdfxml"])
    p.add_argument("--engine", choices=["oxigraph", "rdflib"], default=None)
    p.add_argument("--no-inferred", action="store_true", help="query the asserted triples only")
    p.set_defaults(func=cmd_query)

    p = sub.add_parser("export", help="write a dump of the dataset")
    p.add_argument("--format", default="turtle", help="turtle, nt, nq, trig, jsonld or xml")
    p.add_argument("--inferred", action="store_true", help="include the OWL RL inferred graph")
    p.add_argument("-o", "--output", help="file to write (default: standard output)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("stats", help="count triples and entities by class")
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser("serve", help="serve the SPARQL endpoint, pages and dumps")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=None, help="server processes (default: one per core)")
    p.add_argument("--engine", choices=["oxigraph", "rdflib"], default=None)
    p.add_argument("--sparql-backend", metavar="URL", default=None,
                   help="answer /sparql from this remote SPARQL endpoint (e.g. one filled by `gbagraph push`)")
    p.set_defaults(func=cmd_serve)
    add_link_commands(sub, _settings)  # `link` (reconciliation) and `entities` (entity table, JSON-LD context)
    add_push_command(sub, _settings)  # `push` (load the dataset into a Graph Store)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    progress = logging.getLogger("gbagraph.start")
    if args.command == "serve" and not getattr(args, "no_progress", False) and not progress.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("gbagraph: %(message)s"))
        progress.addHandler(handler)
        progress.setLevel(logging.INFO)
    try:
        return int(args.func(args))
    except ShapeViolation as exc:
        print(f"gbagraph: error: {exc}\n{exc.report}", file=sys.stderr)
        return 1
    except GbagraphError as exc:
        print(f"gbagraph: error: {exc}", file=sys.stderr)
        return 2 if exc.status < 500 else 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())

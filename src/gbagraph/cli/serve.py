"""``gbagraph serve``: the SPARQL endpoint, pages and dumps over HTTP."""

from __future__ import annotations

import argparse

from ..config import ENGINES
from ._common import AddCommand, settings_of


def cmd_serve(args: argparse.Namespace) -> int:
    from ..web.serve import serve  # the web layer is only imported when serving

    settings = settings_of(args, engine=args.engine, sparql_backend=args.sparql_backend)
    if settings.public_url is None:  # the server's own links point where it listens unless told otherwise
        shown = f"[{args.host}]" if ":" in args.host else args.host
        settings = settings.with_(public_url=f"http://{shown}:{args.port}/")
    return serve(settings, host=args.host, port=args.port, workers=args.workers)


def register(add: AddCommand) -> None:
    p = add("serve", help="serve the SPARQL endpoint, pages and dumps")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=None, help="server processes (default: one per core)")
    p.add_argument("--no-progress", action="store_true",
                   help="do not log the start-up steps (parse, validate, infer, engine) on stderr")
    p.add_argument("--engine", choices=ENGINES, default=None)
    p.add_argument("--sparql-backend", metavar="URL", default=None,
                   help="answer /sparql from this remote SPARQL endpoint (e.g. one filled by `gbagraph push`)")
    p.set_defaults(func=cmd_serve)

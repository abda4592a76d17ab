"""``gbagraph push``: load the dataset (named graphs kept) into a SPARQL 1.1 Graph Store."""

from __future__ import annotations

import argparse
import os
import sys

from ..pipeline import prepare
from ..remote import push
from ._common import AddCommand, settings_of


def cmd_push(args: argparse.Namespace) -> int:
    prepared = prepare(settings_of(args, engine_memory_triples=0).with_(infer=not args.no_inferred))  # one-shot
    auth = (args.user, os.environ.get("GBAGRAPH_STORE_PASSWORD", "")) if args.user else None
    report = push(prepared.bundle.dataset, args.store, default_union=not args.no_default_union,
                  union_graph=args.union_graph, auth=auth)
    print(f"pushed {report.graphs} graphs, {report.triples} triples (default graph: {report.default_triples}) "
          f"to {report.store} in {report.seconds}s", file=sys.stderr)
    return 0


def register(add: AddCommand) -> None:
    p = add("push", help="load the dataset (named graphs kept) into a SPARQL 1.1 Graph Store")
    p.add_argument("--store", required=True, help="Graph Store Protocol endpoint, e.g. http://127.0.0.1:7878/store")
    p.add_argument("--no-default-union", action="store_true",
                   help="do not also write the union of the named graphs as the store's default graph")
    p.add_argument("--no-inferred", action="store_true", help="push the asserted graphs only")
    p.add_argument("--union-graph", metavar="IRI", default=None,
                   help="write the union into this named graph instead of the default graph (Virtuoso)")
    p.add_argument("--user", default=None,
                   help="user for HTTP digest auth (Virtuoso: dba); password from GBAGRAPH_STORE_PASSWORD")
    p.set_defaults(func=cmd_push)

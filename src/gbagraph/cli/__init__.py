"""``gbagraph`` command line: every subcommand lives here, a thin layer over the core (which returns values and
raises, never prints).  Errors a user can cause print one line (``gbagraph: error: …``) and exit non-zero; no
tracebacks.

``--root``, ``--public-url`` and ``--trusted-proxy`` are taken before or after the subcommand.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from ..errors import GbagraphError, ShapeViolation
from . import data, link, push, serve
from ._common import command_adder, global_options, settings_of
from .data import render_table

__all__ = ["build_parser", "main", "render_table", "settings_of"]

DESCRIPTION = ("gbagraph: a linked-data knowledge graph of Hong Kong / Guangdong co-operation. Validate, query, "
               "export and serve it over SPARQL 1.1.")
EPILOG = ("--root, --public-url and --trusted-proxy go before or after the subcommand. Installed from a wheel "
          "(not run from the checkout)? Pass --root FOLDER (or set GBAGRAPH_ROOT) to the folder holding ontology/ "
          "and data/. More: README.md, docs/scale-out.md, docs/deploy.md.")
#: what a missing data folder means when no --root was given
ROOT_HINT = ("; pass --root FOLDER (or set GBAGRAPH_ROOT) to the project folder holding ontology/ and data/ — "
             "an installed gbagraph does not know where its checkout is")

#: the modules whose ``register(add)`` adds their subcommands, in the order ``--help`` lists them
COMMANDS = (data, serve, link, push)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gbagraph", description=DESCRIPTION, epilog=EPILOG)
    global_options(parser)
    add = command_adder(parser.add_subparsers(dest="command", required=True))
    for module in COMMANDS:
        module.register(add)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    progress = logging.getLogger("gbagraph.start")  # prepare() reports each start-up step here
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
        hint = ROOT_HINT if str(exc).endswith("no data folder") and not getattr(args, "root", None) else ""
        print(f"gbagraph: error: {exc}{hint}", file=sys.stderr)
        return 2 if exc.status < 500 else 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())

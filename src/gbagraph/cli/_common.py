"""What every subcommand shares: the options taken before or after it, and turning them into ``Settings``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..config import Settings

#: registers one subcommand: ``add(name, help=...)`` gives its parser, the shared options already on it
AddCommand = Callable[..., argparse.ArgumentParser]


def global_options(parser: argparse.ArgumentParser, default: object = None) -> None:
    """``--root``, ``--public-url`` and ``--trusted-proxy``: taken before or after the subcommand."""
    parser.add_argument("--root", default=default,
                        help="project folder holding ontology/ and data/ (default: this checkout)")
    parser.add_argument("--public-url", metavar="URL", default=default,
                        help="URL the server is reached at, for its own links (VoID, service description); "
                             "the data's IRIs stay https://w3id.org/gbagraph/...")
    parser.add_argument("--trusted-proxy", metavar="ADDRESS", action="append", default=default,
                        help="a reverse proxy whose X-Forwarded-* headers are believed (repeatable)")


def command_adder(sub: Any) -> AddCommand:
    """``add(name, **kwargs)`` for ``sub``: a subcommand parser that also takes the shared options (after the
    subcommand; their SUPPRESS default keeps a value given before it)."""
    after = argparse.ArgumentParser(add_help=False)
    global_options(after, default=argparse.SUPPRESS)

    def add(name: str, **kwargs: Any) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = sub.add_parser(name, parents=[after], **kwargs)
        return parser

    return add


def settings_of(args: argparse.Namespace, **overrides: object) -> Settings:
    """The settings for a run: ``GBAGRAPH_*`` variables, the shared options, then ``overrides`` (None skipped)."""
    values: dict[str, Any] = {k: v for k, v in overrides.items() if v is not None}
    if getattr(args, "root", None):
        values["root"] = Path(args.root)
    if getattr(args, "public_url", None):
        values["public_url"] = args.public_url
    if getattr(args, "trusted_proxy", None):
        values["trusted_proxies"] = tuple(args.trusted_proxy)
    return Settings.from_env(**values)


def write_output(output: str | None, body: bytes, note: str = "") -> None:
    """``body`` to the file ``output`` (saying so on stderr), or to standard output for None or ``-``."""
    if output and output != "-":
        Path(output).write_bytes(body)
        print(f"wrote {output} ({len(body)} bytes{note})", file=sys.stderr)
    else:
        sys.stdout.buffer.write(body)

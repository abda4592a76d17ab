"""Where the input files are and which named graph each becomes (docs/data-model.md).

``ontology/*.ttl`` (not ``shapes.ttl``) → ``graph/ontology``; ``data/{source}/source.ttl`` →
``graph/{source}/source``; ``data/{source}/pNN.ttl`` → ``graph/{source}/pNN`` with entity-level provenance added to
``graph/provenance``; ``data/{source}/editorial.ttl`` (statements no source states outright, each reified as a
``gba:EditorialStatement``) → ``graph/{source}/editorial``, recorded in ``graph/provenance`` as a
``gba:EditorialGraph`` attributed to the gbagraph project; ``data/links/NAME.ttl`` → ``graph/links/NAME``.
:func:`parse_file` reads one Turtle file with rdflib (the shapes, a review file), its syntax errors naming the
file and line; :func:`located` finds the line of a file where a node's description starts (for reports that name
``file:line``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import FOAF, PROV, RDF, RDFS

from .config import Settings
from .errors import LoadError
from .namespaces import BASE, gba

PARAGRAPH_FILE = re.compile(r"^p(\d+)\.ttl$")
#: the file of a source folder holding the statements that come from the project, not from the source
EDITORIAL_FILE = "editorial.ttl"
#: the agent editorial graphs are attributed to
PROJECT = URIRef(f"{BASE}id/agent/gbagraph-project")


def parse_file(path: Path, root: Path | None = None) -> Graph:
    """Parse one Turtle file; a syntax error becomes a ``LoadError`` naming ``file:line``."""
    shown = _shown(path, root)
    graph = Graph()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LoadError(f"{shown}: cannot read: {exc}") from exc
    try:
        graph.parse(data=text, format="turtle", publicID=path.resolve().as_uri())
    except Exception as exc:  # rdflib raises several unrelated types for syntax errors
        raise LoadError(f"{shown}:{_line_of(exc)}: {_reason(exc)}") from exc
    return graph


_PREFIX = re.compile(r"^\s*(?:@prefix|PREFIX)\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.M)
_LOCAL = re.compile(r"[\w-]+(?:\.[\w-]+)*")


def lines_of(path: Path, iri: str) -> tuple[int, int, int]:
    """(the line of ``path`` where a description of ``iri`` that types it starts, the line where any description
    of it starts, the first line naming it): the IRI is written in full or with a prefix the file declares; a
    description starts where the IRI opens a line followed by a predicate. 0 where there is none."""
    text = path.read_text(encoding="utf-8")
    names = [f"<{re.escape(iri)}>"] + [re.escape(f"{prefix or ''}:{iri[len(ns):]}") for prefix, ns in _PREFIX.findall(text)
                                       if iri.startswith(ns) and _LOCAL.fullmatch(iri[len(ns):])]
    name = "|".join(names)
    named = re.compile(rf"(?<![\w:.<>-])(?:{name})(?![\w-])")
    opens = re.compile(rf"\s*(?:{name})\s+(a|[\w.-]*:\S*|<[^>]*>)(?=\s)")
    typed = subject = first = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if not named.search(line):
            continue
        first = first or number
        start = opens.match(line)
        if start:
            subject = subject or number
            if start.group(1) == "a":
                typed = number
                break
    return typed, subject, first


def located(paths: Iterable[Path], iri: str) -> list[tuple[Path, int]]:
    """Each of ``paths`` with the line where ``iri``'s description starts there (or the first line naming it; 0 if
    none): the files that type it first, then those that describe it, then those that only name it."""
    found = []
    for path in paths:
        try:
            typed, subject, first = lines_of(path, iri)
        except (OSError, UnicodeDecodeError):
            typed = subject = first = 0
        rank = 0 if typed else 1 if subject else 2 if first else 3
        found.append((rank, path, typed or subject or first))
    return [(path, line) for _rank, path, line in sorted(found, key=lambda f: (f[0], str(f[1])))]


def _shown(path: Path, root: Path | None) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve())) if root else str(path)
    except ValueError:
        return str(path)


def _line_of(exc: Exception) -> str:
    lines = getattr(exc, "lines", None)
    if isinstance(lines, int):
        return str(lines + 1)
    match = re.search(r"line[: ]+(\d+)", str(exc))
    return match.group(1) if match else "?"


def _reason(exc: Exception) -> str:
    why = getattr(exc, "_why", None)
    text = str(why) if why else str(exc)
    text = re.sub(r"^at line \d+ of <[^>]*>:\s*", "", text)
    return " ".join(text.split())[:300]


def _ttl_files(folder: Path) -> list[Path]:
    """The Turtle files of ``folder`` (not hidden ones, as ``*.ttl`` matches), from one directory read."""
    with os.scandir(folder) as entries:
        return sorted(folder / e.name for e in entries
                      if e.name.endswith(".ttl") and not e.name.startswith(".") and e.is_file())


def iter_data_files(settings: Settings) -> Iterator[tuple[str, Path, str | None]]:
    """(graph name, file, paragraph IRI or None) for every file under ``data/``."""
    data = settings.data_dir
    if not data.is_dir():
        raise LoadError(f"{data}: no data folder")
    for folder in sorted(p for p in data.iterdir() if p.is_dir()):
        for path in _ttl_files(folder):
            name = f"{folder.name}/{path.stem}"
            paragraph = None
            if folder.name != "links" and PARAGRAPH_FILE.match(path.name):
                paragraph = f"{BASE}id/source/{folder.name}/{path.stem}"
            yield name, path, paragraph


def record_editorial(prov: Graph, graph: URIRef) -> None:
    """Record in the provenance graph that ``graph`` holds the project's own statements, not a paragraph's."""
    vocab = gba()
    prov.add((graph, RDF.type, vocab.EditorialGraph))
    prov.add((graph, PROV.wasAttributedTo, PROJECT))
    prov.add((PROJECT, RDF.type, PROV.Agent))
    prov.add((PROJECT, RDF.type, FOAF.Organization))
    prov.add((PROJECT, RDFS.label, Literal("the gbagraph project", lang="en")))

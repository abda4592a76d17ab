"""The example queries of ``queries/``: what the query page offers and ``gbagraph examples`` lists."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["Example", "read_examples"]


@dataclass(frozen=True)
class Example:
    """A query of ``queries/``: file name, title (its first ``#`` line: the question), the further leading
    ``#`` lines (how it answers) and the text."""

    name: str
    title: str
    text: str
    description: str = ""


def read_examples(folder: Path) -> list[Example]:
    """Every ``*.rq`` file under ``folder`` (top level first, then sub-folders such as ``federated/``); the title
    is the file's first comment line, the name its path without ``.rq``."""
    if not folder.is_dir():
        return []
    out = []
    paths = sorted(folder.rglob("*.rq"), key=lambda p: (len(p.relative_to(folder).parts), str(p)))
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        out.append(_example(path.relative_to(folder), text))
    return out


def _example(relative: Path, text: str) -> Example:
    title_lines = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped.startswith("#"):
            break
        words = stripped.lstrip("#").strip()
        if words:
            title_lines.append(words)
    name = str(relative.with_suffix(""))
    title = title_lines[0] if title_lines else name
    return Example(name, title, text, " ".join(title_lines[1:]))

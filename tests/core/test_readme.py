"""The README cannot drift (issue 20.7): the tour's commands are run and their output compared with what the
README shows, the query shown is the file's text, and the command-line section names every subcommand."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from gbagraph.cli import build_parser

REPO = Path(__file__).resolve().parents[2]
README = (REPO / "README.md").read_text(encoding="utf-8")


def section(title: str) -> str:
    start = README.index(f"\n## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start:end if end > 0 else None]


TOUR = section("A five-minute tour")
#: (the command's query file, the query the README shows, the output the README shows)
STEPS = re.findall(r"```sh\ngbagraph query (queries/\S+\.rq)\n```\n\n```sparql\n(.*?)```\n\n```text\n(.*?)```",
                   TOUR, flags=re.S)


def test_tour_has_its_steps():
    assert len(STEPS) >= 3 and TOUR.count("gbagraph query queries/") == len(STEPS)
    assert "source .venv/bin/activate" in TOUR  # the tour's `gbagraph` is the one of the virtual environment
    count = int(re.search(r"`queries/` holds (\d+) competency questions", TOUR).group(1))
    assert count == len(list((REPO / "queries").glob("*.rq")))


@pytest.mark.parametrize(("path", "shown", "output"), STEPS, ids=[s[0] for s in STEPS])
def test_tour_output_is_what_the_command_prints(path: str, shown: str, output: str):
    assert shown == (REPO / path).read_text(encoding="utf-8"), f"README shows another text than {path}"
    run = subprocess.run([sys.executable, "-m", "gbagraph", "query", path], cwd=REPO, capture_output=True,
                         text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stderr
    assert run.stdout == output, f"README's output of {path} differs from the command's:\n{run.stdout}"


def test_command_line_section_lists_every_subcommand():
    text = section("Command line")
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices  # noqa: SLF001 (argparse keeps them here)
    for name in commands:
        assert re.search(rf"^gbagraph {name}\b", text, flags=re.M), f"README's command line omits {name}"
    assert "--sparql-backend" in text and "--public-url" in text
    assert "docs/scale-out.md" in text and "docs/deploy.md" in text


def test_scale_out_pushes_name_the_public_url():
    """docs/scale-out.md: every push and serve names the URL the server is reached at (its VoID names it)."""
    text = (REPO / "docs" / "scale-out.md").read_text(encoding="utf-8")
    commands = re.findall(r"^(?:\S+=\S+ \\\n\s+)?gbagraph (push|serve) (.*(?:\\\n.*)*)$", text, flags=re.M)
    assert {name for name, _ in commands} == {"push", "serve"}
    for name, rest in commands:
        assert "--public-url https://" in rest, (name, rest)

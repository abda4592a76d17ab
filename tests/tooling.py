"""Finding the external tools and services a test needs, and what to do when one is missing.

A tool installed by ``pip install -e '.[test]'`` lives in the scripts folder of the running interpreter's
environment (``.venv/bin``), which is not on PATH when the tests run as ``.venv/bin/python -m pytest``:
look there first, then on PATH. A test that cannot find what it needs skips on a developer's machine and
fails in CI (``CI=true``), where everything must be installed and every suite must run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import pytest
import requests


def in_ci() -> bool:
    """True when running under CI (``CI=true``, as ``.ci/run`` is started)."""
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def _script_dirs() -> list[Path]:
    dirs = [Path(sys.executable).parent]  # the venv's bin/, not the resolved base interpreter's
    scripts = sysconfig.get_path("scripts")
    if scripts:
        dirs.append(Path(scripts))
    return dirs


def find_tool(name: str) -> str | None:
    """The path of command ``name``: the running environment's scripts folder first, then PATH."""
    for folder in _script_dirs():
        candidate = folder / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return shutil.which(name)


def missing(reason: str) -> None:
    """Skip the test for ``reason`` (a tool or service is not there); in CI, fail it instead."""
    if in_ci():
        pytest.fail(f"{reason} (CI must install everything its suites need)", pytrace=False)
    pytest.skip(reason)


def wait_for_sparql(url: str, proc: subprocess.Popen[bytes], seconds: float = 20.0, what: str = "server") -> None:
    """Wait until the SPARQL endpoint ``url`` answers ``ASK {}`` with 200 (bounded); fail if ``proc`` exits first."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}")
        try:
            with requests.get(url, params={"query": "ASK {}"}, timeout=1) as r:
                if r.status_code == 200:
                    return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not answer at {url} within {seconds}s")


def require_tool(name: str, hint: str) -> str:
    """The path of command ``name``, or skip (fail in CI) saying how to install it."""
    path = find_tool(name)
    if path is None:
        missing(f"the {name} command is not installed ({hint})")
    assert path is not None
    return path


def stop_process(proc: subprocess.Popen[bytes], seconds: float = 10.0) -> None:
    """Stop a server a test started: SIGTERM, then SIGKILL if it has not ended within ``seconds``."""
    proc.terminate()
    try:
        proc.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


def short() -> bool:
    """True under ``GBAGRAPH_SHORT=1`` (as CI runs the slow suites): a slow suite then checks a sample."""
    return os.environ.get("GBAGRAPH_SHORT", "").strip() not in ("", "0")


def children(pid: int) -> list[int]:
    """The child processes of ``pid``, forked by any of its threads (from ``/proc``; empty once it has gone)."""
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return []
    out: list[int] = []
    for task in tasks:
        try:  # a thread may end while we read
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as f:
                out.extend(int(x) for x in f.read().split())
        except OSError:
            continue
    return out


def rss(pid: int) -> int:
    """Resident memory of process ``pid`` in bytes (0 once it has gone)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            return next(int(line.split()[1]) * 1024 for line in f if line.startswith("VmRSS:"))
    except (OSError, StopIteration):
        return 0

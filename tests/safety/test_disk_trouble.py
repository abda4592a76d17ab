"""A full disk under the cache folder (a real size-limited tmpfs), and the cache folder's clean-up: a start that
cannot write its store says so in one line and serves from memory; superseded entries and the temporary files of
dead processes are removed, the last few kept."""

from __future__ import annotations

import gc
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from load.server import call, start
from tooling import missing

from gbagraph.config import Settings
from gbagraph.export import build_dump_files, dump_name
from gbagraph.formats import by_name
from gbagraph.namespaces import BASE
from gbagraph.pipeline import prepare

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini"
ALL_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


def _as_root() -> list[str] | None:
    """How to run a command as root here: directly (we are root), through password-less sudo (a CI runner), or
    None."""
    if os.geteuid() == 0:
        return []
    sudo = shutil.which("sudo")
    if sudo and subprocess.run([sudo, "-n", "true"], capture_output=True, timeout=30).returncode == 0:
        return [sudo, "-n"]
    return None


@pytest.fixture()
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 4 MB tmpfs owned by us (a build of the bundled graph needs about 11 MB at its peak), unmounted after the
    test.  Mounting needs root (or password-less sudo): without it the test skips here and fails in CI."""
    folder = tmp_path / "small-disk"
    folder.mkdir()
    root = _as_root()
    options = f"size=4m,uid={os.getuid()},gid={os.getgid()},mode=0700"
    done = subprocess.run([*root, "mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], capture_output=True,
                          text=True, timeout=30) if root is not None else None
    if done is None or done.returncode != 0:
        missing(f"cannot mount a size-limited tmpfs ({done.stderr.strip() if done else 'not root, no sudo'}): "
                "run as root or with password-less sudo (CI does)")
    try:
        yield folder
    finally:
        subprocess.run([*(root or []), "umount", "-l", str(folder)], capture_output=True, timeout=30, check=False)


def test_a_full_disk_during_the_build_is_one_line_and_the_server_serves_from_memory(small_disk: Path) -> None:
    want = sum(prepare(Settings(cache=False, query_workers=0)).bundle.graph_counts().values())
    server = start(env={"GBAGRAPH_CACHE_DIR": str(small_disk / "cache")}, workers=1)
    try:
        health = server.health()
        status, _h, body, _s = call(server.port, "GET", "/sparql?" + urlencode({"query": ALL_COUNT}),
                                    headers={"Accept": "application/sparql-results+json"})
    finally:
        log = server.stop()
    assert status == 200 and int(json.loads(body)["results"]["bindings"][0]["n"]["value"]) == want
    assert health["store"]["state"] == "memory"
    lines = [line for line in log.splitlines() if "disk:" in line]
    assert len(lines) == 1, log[-3000:]
    assert "No space left on device" in lines[0] and "needs about" in lines[0] and "MB" in lines[0], lines[0]
    assert "Traceback" not in log and "OSError" not in log
    assert not list((small_disk / "cache" / "store").glob(".tmp-*"))  # the half-built store is gone
    assert shutil.disk_usage(small_disk).used < 1 << 20


def test_a_full_disk_while_writing_a_dump_leaves_no_temporary_file(small_disk: Path) -> None:
    prepared = prepare(Settings(cache=False, query_workers=0, validate=False))
    fmt = by_name("nq", ("graph", "dataset"))
    with pytest.raises(OSError):
        for inferred in (False, True):  # ~6 MB each: the first or second does not fit
            build_dump_files(prepared.store, BASE, fmt, small_disk, inferred=inferred)
    assert not list(small_disk.glob(".tmp-*")), list(small_disk.iterdir())
    for inferred in (False, True):
        assert not (small_disk / f"{dump_name(fmt, inferred=inferred)}.json").exists() or (
            small_disk / dump_name(fmt, inferred=inferred)).exists()


def _edit(root: Path, n: int) -> None:
    data = root / "data" / "mini-source" / "p01.ttl"
    data.write_text(data.read_text(encoding="utf-8") + f"\n# edit {n}\n", encoding="utf-8")


def test_superseded_entries_and_dead_processes_files_are_removed(tmp_path: Path) -> None:
    root = tmp_path / "root"
    shutil.copytree(MINI, root)
    cache = tmp_path / "cache"
    settings = Settings(root=root, cache_dir=str(cache), query_workers=0, keep_cache_entries=2)
    first = prepare(settings)
    first_store = first.dumps_folder.name if first.dumps_folder else ""
    dead = 2**22 + 12345  # above pid_max's default: no such process
    while True:
        try:
            os.kill(dead, 0)
            dead += 1
        except ProcessLookupError:
            break
    leftovers = [cache / "store" / f".tmp-{dead}-abc", cache / "inferred" / f".tmp-{dead}-x"]
    (cache / "store" / f".tmp-{dead}-abc").mkdir()
    (cache / "store" / f".tmp-{dead}-abc" / "pid").write_text(str(dead))
    leftovers[1].write_bytes(b"half")
    (cache / "dumps" / first_store).mkdir(parents=True)
    mine = cache / "valid" / f".tmp-{os.getpid()}-live"  # a live process's file is never touched
    mine.write_bytes(b"being written")
    for n in range(3):
        _edit(root, n)
        last = prepare(settings)
    stores = sorted(p.name for p in (cache / "store").iterdir())
    assert first_store in stores and len(stores) == 3  # still served by `first`: never removed under it
    del first
    gc.collect()
    _edit(root, 3)
    last = prepare(settings)
    stores = sorted(p.name for p in (cache / "store").iterdir())
    assert len(stores) == 2 and last.dumps_folder is not None and last.dumps_folder.name in stores
    assert first_store not in stores and not (cache / "dumps" / first_store).exists()
    assert len(list((cache / "inferred").glob("*.nt"))) == 2
    assert not any(p.exists() for p in leftovers) and mine.exists()
    # a dump a dead process was writing for the served store is removed at the next start
    half_dump = last.dumps_folder / f".tmp-{dead}-gbagraph.nq"
    half_dump.parent.mkdir(parents=True)
    half_dump.write_bytes(b"half a dump")
    assert prepare(settings).steps[0].name == "open" and not half_dump.exists()
    # what is kept still opens: the previous inputs start warm
    data = root / "data" / "mini-source" / "p01.ttl"
    data.write_text(data.read_text(encoding="utf-8").replace("\n# edit 3\n", ""), encoding="utf-8")
    assert prepare(settings).steps[0].name == "open"

"""The input files' hashes are remembered across starts (issue 22: a warm start reads no input file's bytes), and
a changed file is hashed again even when its size and mtime were kept."""

from __future__ import annotations

import os
from pathlib import Path

from series_fixture import write_series_root

from gbagraph.config import Settings
from gbagraph.diskcache import Inputs


def _key(settings: Settings) -> tuple[str, Inputs]:
    inputs = Inputs.scan(settings)
    return inputs.key("x", shapes=False), inputs


def test_hashes_remembered_and_a_changed_file_hashed_again(tmp_path: Path) -> None:
    root = write_series_root(tmp_path / "root")
    settings = Settings(root=root, cache_dir=str(tmp_path / "cache"))
    first, inputs = _key(settings)
    assert inputs.memo.hashed == len(inputs.files(shapes=False))
    assert inputs.memo.path is not None and inputs.memo.path.is_file()
    again, inputs = _key(settings)
    assert again == first and inputs.memo.hashed == 0  # every hash came from the memo: no file was read
    path = next(p for _name, p, _para in inputs.data)
    before = path.stat()
    text = path.read_bytes()
    path.write_bytes(text.replace(b"a", b"b", 1) if b"a" in text else text + b"#")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # same mtime; the size may be the same too
    changed, inputs = _key(settings)
    assert changed != first and inputs.memo.hashed == 1
    assert Inputs.scan(settings.with_(cache=False)).key("x", shapes=False) == changed  # what hashing every file gives


def test_the_newest_modification_time_comes_from_the_stamps_taken_while_hashing(tmp_path: Path) -> None:
    """``Last-Modified`` of the dumps and pages: the newest input (shapes included), read from the stamps the start
    took (no second stat of every file on a warm start); a file touched later is the newest."""
    settings = Settings(root=write_series_root(tmp_path), cache_dir=str(tmp_path / "cache"))
    _key_now, inputs = _key(settings)
    files = inputs.files(shapes=True)
    assert inputs.newest_mtime() == max(p.stat().st_mtime_ns for p in files) / 1e9
    later = files[len(files) // 2]
    os.utime(later, ns=(later.stat().st_atime_ns, max(p.stat().st_mtime_ns for p in files) + 5 * 10**9))
    _key_then, again = _key(settings)
    assert again.newest_mtime() == later.stat().st_mtime_ns / 1e9

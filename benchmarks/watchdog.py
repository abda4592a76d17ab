"""Run any command under a PSS watchdog: ``python -m benchmarks.watchdog --limit-mb 3000 -- COMMAND ...``.

The command runs in its own process group; the PSS of its whole tree is sampled every 0.2 s and the group is
killed (SIGKILL) past ``--limit-mb``.  Exits with the command's code (137 when the watchdog killed it) and prints
the tree's peak PSS on stderr: a guard for scale runs that are not ``gbagraph serve`` starts (those have their
own, :mod:`benchmarks.issue22`)."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time

from .harness import tree_pss_mb


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit-mb", type=float, default=3000)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command")
    proc = subprocess.Popen(command, start_new_session=True)
    peak, killed = 0.0, False
    try:
        while proc.poll() is None:
            pss = tree_pss_mb(proc.pid)
            peak = max(peak, pss)
            if pss > args.limit_mb:
                killed = True
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                break
            time.sleep(0.2)
    except KeyboardInterrupt:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait()
    print(f"watchdog: peak PSS of the tree {peak:.0f} MB" + (f"; killed past {args.limit_mb:.0f} MB" if killed else ""),
          file=sys.stderr)
    return 137 if killed else proc.returncode


if __name__ == "__main__":
    raise SystemExit(main())

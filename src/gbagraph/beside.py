"""Work run in a thread beside the start's own: pyoxigraph (bulk loads, compaction) and the SHACL engine release
the GIL, so on a second core it costs the start no time.  What the work raises is raised by :meth:`Beside.result`,
in the thread that waits for it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Beside(Generic[T]):
    """``work()`` started now in a daemon thread named ``name``; :meth:`result` waits for it."""

    def __init__(self, work: Callable[[], T], name: str) -> None:
        self._value: T | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(work,), name=name, daemon=True)
        self._thread.start()

    def _run(self, work: Callable[[], T]) -> None:
        try:
            self._value = work()
        except BaseException as exc:  # raised by result(), in the waiting thread
            self._error = exc

    def result(self) -> T:
        """What ``work()`` returned, once it has; what it raised is raised here."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value  # type: ignore[return-value]  # set by _run when no error

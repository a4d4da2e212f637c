"""A watchdog over a running cell: it fires when the kernel has sent nothing for a while.

nbclient waits for a cell's reply for as long as the execution timeout (30 minutes). A kernel
that stalls (a message lost between kernel and build, a deadlock, a frozen process) would
hold the build, and the store the kernel has open, for that long with nothing on screen.

While a cell runs, every message the kernel sends about it (output, status, comm, the
reply) counts as life. A kernel that sends nothing for ``limit`` seconds is *silent*,
whatever else it does: a kernel that lost the cell's reply is idle and still answers
heartbeats, and so is one sleeping in the cell. The heartbeat only says what kind of
silence it is (a kernel that no longer answers it is frozen or gone). The watchdog does
not act on the kernel itself: ``on_stall`` does (the build kills the kernel, so that the
waiting client ends at once, and runs the chapter again on a fresh kernel).

>>> import time
>>> stalls = []
>>> dog = Watchdog(0.2, on_stall=stalls.append, poll=0.02).start()
>>> dog.cell_started(3, "x = slow()\\n# more")
>>> time.sleep(0.6); dog.cell_finished(); dog.stop()
>>> [(s.cell, s.source) for s in stalls], dog.fired is stalls[0]
([(3, 'x = slow()')], True)
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["DEFAULT_STALL_MINUTES", "Stall", "Watchdog", "first_line"]

#: A cell whose kernel sends nothing for this long is stalled (``[report] stall_minutes``).
DEFAULT_STALL_MINUTES = 5.0


def first_line(source: str, width: int = 60) -> str:
    """A cell's first non-blank line, shortened to ``width`` characters."""
    line = next((x.strip() for x in source.splitlines() if x.strip()), "")
    return line if len(line) <= width else line[:width - 1] + "…"


@dataclass(frozen=True)
class Stall:
    """What the watchdog saw when it fired."""

    cell: int  # the running cell's index in the executed notebook
    source: str  # its first line
    silent: float  # seconds without a message from the kernel
    heartbeat: bool | None  # the kernel still answered heartbeats (None: not known)
    state: str | None  # the kernel's last reported execution state ("busy", "idle")

    def describe(self) -> str:
        """How the kernel was when it fired, in words."""
        if self.heartbeat is False:
            how = "no longer answering heartbeats (frozen or gone)"
        elif self.state == "idle":
            how = "idle (the cell had finished) but its reply never reached the build"
        elif self.state is None:
            how = "silent about the cell since it was sent"
        else:
            how = "busy without output"
        if self.heartbeat and self.state != "idle":
            how += ", though answering heartbeats"
        return f"the kernel sent nothing for {self.silent:.0f} s; it was {how}"


class Watchdog:
    """Fires ``on_stall`` once when a cell runs ``limit`` seconds without a message.

    Call :meth:`cell_started` before a cell's request goes out, :meth:`activity` for each
    message the kernel sends about it and :meth:`cell_finished` after it; ``heartbeat``
    (optional) says whether the kernel still answers heartbeats. The check runs on its own
    daemon thread (:meth:`start`, :meth:`stop`, or ``with``), so it works however the
    waiting client is blocked; ``on_stall`` runs on that thread.
    """

    def __init__(self, limit: float, *, on_stall: Callable[[Stall], object],
                 heartbeat: Callable[[], bool] | None = None, poll: float | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if limit <= 0:
            raise ValueError(f"the watchdog's limit must be positive, not {limit}")
        self.limit = float(limit)
        self.on_stall = on_stall
        self.heartbeat = heartbeat
        self.poll = poll if poll is not None else min(1.0, self.limit / 5)
        self.clock = clock
        self.fired: Stall | None = None
        self._lock = threading.Lock()
        self._cell: tuple[int, str] | None = None
        self._last = 0.0
        self._state: str | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ the client's side
    def cell_started(self, index: int, source: str) -> None:
        with self._lock:
            self._cell = (index, first_line(source))
            self._last = self.clock()

    def activity(self, state: str | None = None) -> None:
        """The kernel sent something; ``state`` when it was a status message."""
        with self._lock:
            self._last = self.clock()
            if state:
                self._state = state

    def cell_finished(self) -> None:
        with self._lock:
            self._cell = None

    # ------------------------------------------------------------------ the thread
    def start(self) -> Watchdog:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="octasee-watchdog",
                                            daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)

    def __enter__(self) -> Watchdog:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def check(self) -> Stall | None:
        """Fire if the running cell has been silent for ``limit`` seconds; the stall."""
        with self._lock:
            if self._cell is None or self.fired is not None:
                return None
            silent = self.clock() - self._last
            if silent < self.limit:
                return None
            cell, source = self._cell
            state = self._state
        beating = None
        if self.heartbeat is not None:
            try:
                beating = bool(self.heartbeat())
            except Exception:  # a closed channel says nothing either way
                beating = None
        stall = Stall(cell=cell, source=source, silent=round(silent, 1), heartbeat=beating,
                      state=state)
        with self._lock:
            if self.fired is not None:
                return None
            self.fired = stall
        self.on_stall(stall)
        return stall

    def _run(self) -> None:
        while not self._stop.wait(self.poll):
            self.check()

"""A live table of the build's chapters and their states (rich), for the command line.

>>> p = BuildProgress(enabled=False)
>>> p("01_intro", "queued", {"title": "Introduction"}); p("01_intro", "ok", {"seconds": 2.5})
>>> p.rows["01_intro"]["state"], p.rows["01_intro"]["seconds"]
('ok', 2.5)
"""

from __future__ import annotations

import time
from typing import Any

from rich.console import Console
from rich.live import Live
from rich.table import Table
from rich.text import Text

__all__ = ["BuildProgress"]

_STYLE = {"queued": "dim", "running": "cyan", "cached": "green", "ok": "green",
          "failed": "bold red", "skipped": "yellow"}
_MARK = {"queued": "·", "running": "…", "cached": "✓ cached", "ok": "✓", "failed": "✗ failed",
         "skipped": "- skipped"}


class BuildProgress:
    """Receives the build's events ``(label, state, info)`` and shows them as a table.

    Use it as a context manager around :func:`~octasee.report.build.build_report`, passing
    it as ``on_event``. With ``enabled=False`` (or no terminal) it only records.
    """

    def __init__(self, *, console: Console | None = None, enabled: bool = True) -> None:
        self.console = console or Console(stderr=True, highlight=False, markup=False,
                                          emoji=False)
        self.lines = enabled and not self.console.is_terminal  # one line per finished step
        self.enabled = enabled and self.console.is_terminal
        self.rows: dict[str, dict[str, Any]] = {}
        self._live: Live | None = None

    def __enter__(self) -> BuildProgress:
        if self.enabled:
            # Drawn afresh at each refresh, so that running times tick between events.
            self._live = Live(console=self.console, refresh_per_second=4, transient=False,
                              get_renderable=self._table)
            self._live.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._live is not None:
            self._live.update(self._table())
            self._live.__exit__(None, None, None)
            self._live = None

    def __call__(self, label: str, state: str, info: dict[str, Any]) -> None:
        row = self.rows.setdefault(label, {"title": info.get("title", ""), "state": state,
                                           "seconds": None, "started": None, "note": "",
                                           "cell": "", "cell_started": None})
        if state == "running" and (row["state"] != "running" or row["started"] is None):
            row["started"] = time.perf_counter()  # the chapter's start; cells come after
        row["state"] = state
        if state == "running" and info.get("cell") is not None:  # the cell it runs now
            row["cell"] = f"cell {info['cell']}: {info.get('source', '')}"
            row["cell_started"] = time.perf_counter()
        elif state != "running":
            row["cell"], row["cell_started"] = "", None
        if info.get("note"):  # a restart, or how a chapter that was restarted ended
            row["note"] = str(info["note"])[:160]
            if self.lines and info.get("restart"):
                self.console.print(f"{'↻':9} {label}  {row['note']}", markup=False)
        if info.get("seconds") is not None:
            row["seconds"] = info["seconds"]
        err = info.get("error")
        if err:
            cell = f"cell {err.get('cell')}: " if err.get("cell") else ""
            row["note"] = f"{cell}{err.get('ename', '')}: {err.get('evalue', '')}"[:120]
        if self._live is not None:
            self._live.update(self._table())
        elif self.lines and state in ("ok", "cached", "failed", "skipped"):
            secs = f" {row['seconds']:.1f} s" if row["seconds"] is not None else ""
            note = f"  {row['note']}" if row["note"] else ""
            self.console.print(f"{_MARK[state]:9} {label}{secs}{note}", markup=False)

    def _table(self) -> Table:
        t = Table(title="octasee build", show_edge=False, header_style="bold")
        t.add_column("chapter")
        t.add_column("state")
        t.add_column("seconds", justify="right")
        t.add_column("note", overflow="fold")
        now = time.perf_counter()
        for label, row in list(self.rows.items()):  # (the refresh thread reads it too)
            secs = row["seconds"]
            if secs is None and row["state"] == "running" and row["started"]:
                secs = now - row["started"]
            note = row["note"]
            if row.get("cell") and row["state"] == "running":  # the running cell, its time
                cell = f"{row['cell']} ({now - row['cell_started']:.0f} s)"
                note = f"{cell} · {note}" if note else cell
            # chapter names and error messages as written (Text, not rich markup)
            t.add_row(Text(label), Text(_MARK.get(row["state"], row["state"]),
                                        style=_STYLE.get(row["state"], "")),
                      "" if secs is None else f"{secs:.1f}", Text(note))
        return t

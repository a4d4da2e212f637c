"""Stress: many report builds, several at once, counting stalls, restarts and failures.

Not a timed benchmark: it looks for builds that hang. It runs ``octasee build`` (the
command, as an analyst runs it) ``--builds`` times, ``--concurrency`` at a time, each into
its own ``--out`` folder, all on the same workspace (read-only opens of its store are
shared; a build with ``--preview --no-cache`` writes nothing there) or, with ``--copy``, on
one copy of it per slot. Each build's manifest says which chapters the watchdog restarted
and why; a build still running after ``--hard-timeout`` seconds is killed and counted as
a hang the watchdog missed.

    python benchmarks/stress_build.py --builds 20 --concurrency 2
    python benchmarks/stress_build.py --builds 6 --stall-minutes 1 --copy --jobs 1

It prints one line per build, then: builds, concurrency, hangs (the watchdog fired: a
kernel silent in a cell), kernel deaths, restarts, failed builds, missed hangs, and the
total and median build time.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Run:
    """One build and what its manifest says."""

    index: int
    slot: int
    seconds: float = 0.0
    exit_code: int | None = None
    timed_out: bool = False
    restarts: list[str] = field(default_factory=list)  # "chapter: why"
    failed: list[str] = field(default_factory=list)  # "chapter: ename"
    error: str = ""

    @property
    def stalls(self) -> int:
        return sum("sent nothing" in r for r in self.restarts) + sum(
            "KernelStalled" in f for f in self.failed)

    @property
    def deaths(self) -> int:
        return sum("died" in r for r in self.restarts) + sum(
            "DeadKernelError" in f for f in self.failed)


def _octasee() -> list[str]:
    exe = Path(sys.executable).with_name("octasee")
    found = str(exe) if exe.exists() else shutil.which("octasee")
    if not found:
        raise SystemExit("no octasee command beside this Python or on PATH")
    return [found]


def _workspace(args: argparse.Namespace) -> Path:
    """The workspace to build (the sample one by default, filled on first use)."""
    from octasee.samples import ensure_samples
    from octasee.workspace import find_workspace

    ws = find_workspace(args.workspace)
    ensure_samples(ws)
    return ws.path.resolve()


def _copies(ws: Path, n: int, root: Path) -> list[Path]:
    out = []
    for i in range(n):
        target = root / f"ws-{i}"
        if not target.exists():
            shutil.copytree(ws, target, ignore=shutil.ignore_patterns(
                ".octasee-cache", "drafts", "*.wal"))
        out.append(target)
    return out


def _read_manifest(out: Path) -> dict[str, Any] | None:
    found = sorted(out.glob("*.manifest.json"))
    return json.loads(found[0].read_text("utf-8")) if found else None


def _build(run: Run, *, command: list[str], workspace: Path, out: Path,
           args: argparse.Namespace) -> Run:
    shutil.rmtree(out, ignore_errors=True)
    cmd = [*command, "build", "--workspace", str(workspace), "--format", "html",
           "--no-cache", "--preview", "--keep-going", "--out", str(out),
           "--jobs", str(args.jobs)]
    if args.stall_minutes is not None:
        cmd += ["--stall-minutes", str(args.stall_minutes)]
    if args.chapters:
        cmd += ["--chapters", str(args.chapters)]
    t0 = time.perf_counter()
    log = out.with_suffix(".log")
    out.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as fh:
        proc = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            run.exit_code = proc.wait(timeout=args.hard_timeout)
        except subprocess.TimeoutExpired:
            run.timed_out = True
            import os
            import signal

            os.killpg(proc.pid, signal.SIGKILL)  # the build, its workers and kernels
            proc.wait()
    run.seconds = round(time.perf_counter() - t0, 1)
    manifest = _read_manifest(out)
    if manifest is None:
        lines = log.read_text("utf-8", "replace").strip().splitlines()
        run.error = lines[-1] if lines else "no manifest"
        return run
    for ch in manifest.get("chapters", []):
        for why in ch.get("incidents") or []:
            run.restarts.append(f"{ch['label']}: {why}")
        if ch.get("state") == "failed":
            err = ch.get("error") or {}
            run.failed.append(f"{ch['label']}: {err.get('ename')} (cell {err.get('cell')})")
    return run


def _schedule(n: int, concurrency: int) -> Iterator[tuple[int, int]]:
    for i in range(n):
        yield i, i % concurrency


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--builds", type=int, default=20)
    p.add_argument("--concurrency", type=int, default=2)
    p.add_argument("--jobs", type=int, default=2, help="notebooks at once in each build")
    p.add_argument("--workspace", help="default: as octasee finds it (else the sample)")
    p.add_argument("--copy", action="store_true", help="one copy of the workspace per slot")
    p.add_argument("--chapters", type=Path, help="another folder of chapter notebooks")
    p.add_argument("--stall-minutes", type=float, default=None,
                   help="the watchdog's limit (default: the workspace's, else 5)")
    p.add_argument("--hard-timeout", type=float, default=2400.0,
                   help="seconds after which a build is killed and counted as a missed hang")
    p.add_argument("--out", type=Path, help="default: a temporary folder")
    args = p.parse_args(argv)

    command = _octasee()
    ws = _workspace(args)
    root = args.out or Path(tempfile.mkdtemp(prefix="octasee-stress-"))
    workspaces = (_copies(ws, args.concurrency, root) if args.copy
                  else [ws] * args.concurrency)
    print(f"{args.builds} builds, {args.concurrency} at a time, --jobs {args.jobs}, "
          f"workspace {ws}{' (copied)' if args.copy else ''}, out {root}", flush=True)

    runs: list[Run] = []
    lock = threading.Lock()
    todo = list(_schedule(args.builds, args.concurrency))

    def slot_worker(slot: int) -> None:
        while True:
            with lock:
                mine = next((t for t in todo if t[1] == slot), None)
                if mine is None:
                    return
                todo.remove(mine)
            i = mine[0]
            run = _build(Run(i, slot), command=command, workspace=workspaces[slot],
                         out=root / f"out-{slot}", args=args)
            with lock:
                runs.append(run)
                notes = "; ".join(run.restarts + run.failed) or run.error
                state = ("HUNG (killed)" if run.timed_out
                         else "ok" if run.exit_code == 0 else f"exit {run.exit_code}")
                print(f"build {i + 1:3d} slot {slot}: {state:13} {run.seconds:7.1f} s"
                      f"  {notes}", flush=True)

    t0 = time.perf_counter()
    threads = [threading.Thread(target=slot_worker, args=(s,))
               for s in range(args.concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    total = time.perf_counter() - t0

    times = [r.seconds for r in runs if not r.timed_out]
    print()
    print(f"builds:            {len(runs)} ({args.concurrency} at a time, --jobs {args.jobs})")
    print(f"hangs (watchdog):  {sum(r.stalls for r in runs)} kernel(s) silent in a cell")
    print(f"kernel deaths:     {sum(r.deaths for r in runs)}")
    cured = sum(1 for r in runs for x in r.restarts
                if not any(f.split(":")[0] == x.split(":")[0] for f in r.failed))
    print(f"restarts:          {sum(len(r.restarts) for r in runs)}"
          f" ({cured} chapter(s) then built)")
    print(f"failed builds:     {sum(1 for r in runs if r.exit_code not in (0, None))}"
          f" ({sum(len(r.failed) for r in runs)} chapter(s))")
    print(f"missed hangs:      {sum(r.timed_out for r in runs)} (killed after "
          f"{args.hard_timeout:.0f} s)")
    print(f"total time:        {total:.0f} s")
    if times:
        print(f"build time:        median {statistics.median(times):.1f} s, "
              f"min {min(times):.1f} s, max {max(times):.1f} s")
    return 0 if all(r.exit_code == 0 for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())

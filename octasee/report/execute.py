"""Run chapter notebooks with papermill: one task per notebook (or per country), in a
bounded pool of worker processes or on a dask.distributed cluster.

Facts this module is built on (``DESIGN.md`` §4):

- Kernels started at once collide on TCP ports. Every kernel here talks over the IPC
  transport with its own socket path prefix, and a start that still fails ("Address
  already in use", "Kernel died before replying") is retried with a fresh prefix.
- Papermill's save after every cell costs about a second a notebook: it is off
  (``request_save_on_cell_execute=False``); the notebook is saved once, at the end or at
  the failing cell.
- ``import nbformat`` spends over a second building an IRI grammar for a JSON-schema
  format checker it never uses. Workers and kernels import it without that checker.
- nbclient waits for a cell's reply as long as the execution timeout (30 minutes). A
  :class:`~octasee.report.watchdog.Watchdog` watches every running cell: when the kernel
  sends nothing about it for ``Task.stall_timeout`` seconds, or dies in it, the kernel is
  killed and the notebook runs again once on a fresh kernel; a second stall or death fails
  the task, naming the cell.

A task carries the notebook's JSON text and returns the executed notebook's JSON text, so
workers need no access to the build's output folder; they do need the workspace (the
store) at the same path, as the notebooks open it.

>>> t = Task(key="k", chapter="01_intro", label="01_intro", notebook_json="{}",
...          parameters={"cycle": "2013-2017"}, cwd="/tmp")
>>> t.label, is_retryable("zmq.error.ZMQError: Address already in use (addr='ipc://x')")
('01_intro', True)
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from octasee.report.errors import ReportError
from octasee.report.watchdog import DEFAULT_STALL_MINUTES, Stall, Watchdog, first_line

__all__ = [
    "Outcome",
    "Task",
    "import_nbformat_lightly",
    "is_retryable",
    "run_task",
    "run_tasks",
]

#: Errors of a kernel start that a fresh start cures (papermill#511 and its kin).
RETRYABLE = ("Address already in use", "Kernel died before replying",
             "Kernel didn't respond", "Invalid Signature", "Kernel died before")
START_ATTEMPTS = 3
#: Runs on a fresh kernel after the kernel stalled or died in a cell.
RESTARTS = 1

# The kernel: ipykernel without jsonschema's IRI grammar (nbclient already passes
# --HistoryManager.hist_file=:memory:).
_KERNEL_LAUNCH = ("import sys; sys.modules.setdefault('rfc3987_syntax', None); "
                  "from ipykernel import kernelapp; kernelapp.launch_new_instance()")
_KERNEL_ENV = {"PYDEVD_DISABLE_FILE_VALIDATION": "1", "JUPYTER_PLATFORM_DIRS": "1",
               "MPLBACKEND": "agg", "PYTHONHASHSEED": "0"}


@dataclass
class Task:
    """One notebook execution: what to run, with which parameters, where."""

    key: str  # cache key: also the task's identity in a run
    chapter: str  # the chapter's slug
    label: str  # slug, or slug-CC for a country profile
    notebook_json: str
    parameters: dict[str, Any]
    cwd: str
    country: str | None = None
    kernel_name: str = "python3"
    timeout: float | None = 1800.0
    start_timeout: float = 60.0
    #: Seconds a running cell's kernel may send nothing before the watchdog fires (None: off).
    stall_timeout: float | None = DEFAULT_STALL_MINUTES * 60
    #: Environment variables for the kernel on top of the worker's (the build's pinned
    #: store snapshot: octasee.store.PIN_ENV).
    env: dict[str, str] = field(default_factory=dict)


@dataclass
class Outcome:
    """What came back from one task: the executed notebook and how it went."""

    key: str
    label: str
    ok: bool
    notebook_json: str | None  # executed (or partly executed) notebook, None if none
    seconds: float
    attempts: int = 1
    error: dict[str, Any] | None = None  # cell, exec_count, ename, evalue, traceback, source
    timings: dict[str, float] = field(default_factory=dict)
    worker: str = ""
    cached: bool = False
    restarts: int = 0  # runs on a fresh kernel after a stall or a dead kernel
    incidents: list[str] = field(default_factory=list)  # what each restart was for


def is_retryable(message: str, kernel_log: str = "") -> bool:
    """Whether a kernel error is one a fresh start cures (port races and their kin).

    A kernel that died of its own Python error (its log shows a traceback that is not a
    socket error) is not retried: it would die again.
    """
    if not any(s in message for s in RETRYABLE):
        return False
    if "Traceback" in kernel_log:
        return any(s in kernel_log for s in ("Address already in use", "Invalid Signature",
                                             "ZMQError"))
    return True


def import_nbformat_lightly() -> Any:
    """``import nbformat`` without jsonschema's IRI format checker (about 1.3 s here).

    nbformat's schema has no IRI fields; the checker's grammar is built at import time
    only because its package is installed (a jupyterlab dependency). The module is hidden
    for the import only, so later imports of it still work.
    """
    if "jsonschema" in sys.modules:
        import nbformat

        return nbformat
    hide = "rfc3987_syntax" not in sys.modules
    if hide:
        sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]
    try:
        import jsonschema._format  # noqa: F401
        import nbformat
    finally:
        if hide and sys.modules.get("rfc3987_syntax", 0) is None:
            del sys.modules["rfc3987_syntax"]
    return nbformat


# --------------------------------------------------------------------------- worker side

_local = threading.local()
_setup_seconds: list[float] = []
#: Where a pool worker sends progress events ``(label, state, info)`` (None: nowhere).
_events: Any = None


def _init_worker(events: Any) -> None:
    global _events
    _events = events


def _emit(label: str, state: str, info: dict[str, Any]) -> None:
    if _events is None:
        return
    with contextlib.suppress(Exception):  # the build is gone: nobody to tell
        _events.put((label, state, info))


def _cell_numbers(executed: Any, original: dict[str, Any]) -> dict[int, int]:
    """Executed-notebook cell index → the cell's position (from 1) in the chapter notebook
    (papermill's injected parameters cell has none). By cell id; by order, skipping the
    injected cell, for a notebook whose cells have no ids (nbformat < 4.5)."""
    cells = executed.get("cells", [])
    ids = [c.get("id") for c in original.get("cells", [])]
    if ids and all(ids):
        position = {cid: i for i, cid in enumerate(ids, start=1)}
        return {i: position[c["id"]] for i, c in enumerate(cells) if c.get("id") in position}
    out, n = {}, 0
    for i, cell in enumerate(cells):
        if "injected-parameters" not in cell.get("metadata", {}).get("tags", []):
            n += 1
            out[i] = n
    return out


class _Attempt:
    """One run of a task's notebook on one kernel: the running cell, the watchdog, the
    progress events and, when the kernel stalls, the kill."""

    def __init__(self, task: Task, original: dict[str, Any], number: int) -> None:
        self.task = task
        self.original = original
        self.number = number
        self.client: Any = None  # the nbclient client, once it runs
        self.cell: tuple[int, str] | None = None  # (executed index, source) last started
        self.running = False
        self.watchdog = (Watchdog(task.stall_timeout, on_stall=self._stalled,
                                  heartbeat=self._beating)
                         if task.stall_timeout else None)

    def chapter_cell(self, index: int) -> int | None:
        """The executed cell ``index`` in the chapter's own numbering."""
        nb = self.client.nb if self.client is not None else None
        return _cell_numbers(nb, self.original).get(index) if nb is not None else None

    def cell_started(self, index: int, cell: Any) -> None:
        self.cell, self.running = (index, cell.source), True
        if self.watchdog is not None:
            self.watchdog.cell_started(index, cell.source)
        _emit(self.task.label, "running",
              {"cell": self.chapter_cell(index), "source": first_line(cell.source),
               "attempt": self.number})

    def cell_finished(self, failed: bool = False) -> None:
        self.running = failed  # a cell that raised stays the one the kernel was lost in
        if self.watchdog is not None:
            self.watchdog.cell_finished()

    def _beating(self) -> bool | None:
        kc = getattr(self.client, "kc", None)
        hb = getattr(kc, "hb_channel", None)
        return None if hb is None else bool(hb.is_beating())

    def _stalled(self, stall: Stall) -> None:
        """Kill the silent kernel: nbclient sees it dead within a second and stops waiting."""
        self.kill_kernel()

    def kill_kernel(self) -> None:
        provisioner = getattr(getattr(self.client, "km", None), "provisioner", None)
        process = getattr(provisioner, "process", None)
        if process is None:
            return
        pgid = getattr(provisioner, "pgid", None)
        try:  # the kernel's own process group: the kernel and any child it started
            if pgid and pgid != os.getpgid(0):
                os.killpg(pgid, signal.SIGKILL)
            else:
                process.kill()
        except OSError:
            with contextlib.suppress(OSError):
                process.kill()


def _worker_setup() -> float:
    """Import papermill once per worker process; returns the seconds it took (0 after)."""
    if _setup_seconds:
        return 0.0
    t0 = time.perf_counter()
    for k, v in _KERNEL_ENV.items():
        os.environ.setdefault(k, v)
    os.environ.setdefault("NBFORMAT_VALIDATOR", "fastjsonschema")
    import_nbformat_lightly()
    import logging

    import papermill  # noqa: F401

    # Outcomes carry every error; papermill's log lines would only garble the display.
    logging.getLogger("papermill").setLevel(logging.CRITICAL)
    from nbclient.output_widget import OutputWidget
    from nbclient.util import run_sync
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.log import logger
    from papermill.utils import merge_kwargs, remove_args

    class DeferredOutputWidget(OutputWidget):
        """nbclient's stand-in for a front end's Output widget, sending its state back to
        the kernel once the cell's reply is in rather than at each output.

        nbclient sends that update on the shell socket from the task that reads IOPub,
        while another task awaits the cell's reply on the same socket; now and then that
        poll is not woken although the reply is there, and the chapter sits until the
        execution timeout (issue 15: chapter 02's weights explorer; the test
        ``test_output_widgets_do_not_make_the_build_miss_a_cells_reply``). The kernel,
        busy with the cell, would read the update only after it anyway.
        """

        def sync_state(self) -> None:
            self.executor.pending_widget_syncs[self.comm_id] = self

    class OctaseeClient(PapermillNotebookClient):
        """papermill's client, watched: each code cell and each message the kernel sends
        about it go to the attempt (its watchdog, the progress display); Output widgets
        sync back to the kernel between cells."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.pending_widget_syncs: dict[str, DeferredOutputWidget] = {}
            self.widget_registry = {"@jupyter-widgets/output":
                                    {"OutputModel": DeferredOutputWidget}}

        def _sync_widgets(self) -> None:
            """Send the Output widgets' state that changed in the cell (no reply awaited)."""
            pending, self.pending_widget_syncs = self.pending_widget_syncs, {}
            for widget in pending.values():
                OutputWidget.sync_state(widget)

        def execute(self, **kwargs: Any) -> Any:
            run = _local.attempt
            if run is not None:
                run.client = self
            with run.watchdog if run is not None and run.watchdog else contextlib.nullcontext():
                return super().execute(**kwargs)

        async def async_execute_cell(self, cell: Any, cell_index: int, *args: Any,
                                     **kwargs: Any) -> Any:
            run = _local.attempt
            watched = (run is not None and cell.cell_type == "code" and cell.source.strip()
                       and self.skip_cells_with_tag not in cell.metadata.get("tags", []))
            if watched:
                run.cell_started(cell_index, cell)
            try:
                done = await super().async_execute_cell(cell, cell_index, *args, **kwargs)
            except BaseException:
                if watched:
                    run.cell_finished(failed=True)  # still the cell the error happened in
                raise
            if watched:
                run.cell_finished()
            self._sync_widgets()  # the reply is in: nothing awaits the shell socket now
            return done

        # nbclient binds the synchronous wrapper to its own coroutine: rebind it.
        execute_cell = run_sync(async_execute_cell)

        def process_message(self, msg: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
            run = _local.attempt
            if run is not None and run.watchdog is not None:
                content = msg.get("content") or {}
                run.watchdog.activity(content.get("execution_state")
                                      if msg.get("msg_type") == "status" else None)
            return super().process_message(msg, *args, **kwargs)

    class OctaseeEngine(NBClientEngine):
        """nbclient, with per-kernel IPC sockets, a handle on the running notebook and a
        watchdog on each cell."""

        @classmethod
        def execute_managed_notebook(cls, nb_man: Any, kernel_name: str,
                                     log_output: bool = False, stdout_file: Any = None,
                                     stderr_file: Any = None, start_timeout: int = 60,
                                     execution_timeout: float | None = None,
                                     **kwargs: Any) -> Any:
            _local.nb = nb_man.nb  # updated in place cell by cell: the partial notebook
            kwargs["kernel_manager_class"] = _local.manager_class
            # The outputs are in; a graceful shutdown only adds waiting.
            kwargs.setdefault("shutdown_kernel", "immediate")
            # As NBClientEngine does, with the watched client.
            kwargs = remove_args(["input_path"], **kwargs)
            final = merge_kwargs(remove_args(["timeout", "startup_timeout"], **kwargs),
                                 timeout=execution_timeout or kwargs.get("timeout"),
                                 startup_timeout=start_timeout, kernel_name=kernel_name,
                                 log=logger, log_output=log_output, stdout_file=stdout_file,
                                 stderr_file=stderr_file)
            return OctaseeClient(nb_man, **final).execute()

    papermill_engines.register("octasee", OctaseeEngine)
    spent = time.perf_counter() - t0
    _setup_seconds.append(spent)
    return spent


def _manager_class(prefix: str, log_path: str, cwd: str,
                   extra_env: dict[str, str] | None = None) -> type:
    """An AsyncKernelManager on the IPC transport with the socket path prefix ``prefix``,
    its kernel logging to ``log_path`` and running in ``cwd`` (set here, not by papermill,
    whose ``cwd`` changes the whole worker process's folder: unsafe with threads), with
    ``extra_env`` in its environment."""
    from jupyter_client.manager import AsyncKernelManager

    class IPCKernelManager(AsyncKernelManager):
        def __init__(self, **kw: Any) -> None:
            super().__init__(**kw)
            self.transport = "ipc"
            self.ip = prefix

        async def _async_pre_start_kernel(self, **kw: Any) -> tuple[list[str], dict[str, Any]]:
            cmd, kw = await super()._async_pre_start_kernel(**kw)
            if len(cmd) >= 3 and cmd[1:3] == ["-m", "ipykernel_launcher"]:
                cmd = [cmd[0], "-c", _KERNEL_LAUNCH, *cmd[3:]]
            env = dict(kw.get("env") or os.environ)
            env.update({k: v for k, v in _KERNEL_ENV.items() if k not in env})
            env.update(extra_env or {})
            kw["env"] = env
            kw["cwd"] = cwd
            log = open(log_path, "ab")  # noqa: SIM115 - the kernel process owns it
            kw["stdout"] = log
            kw["stderr"] = log
            return cmd, kw

    return IPCKernelManager


def _strip_ansi(text: str) -> str:
    import re

    return re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", text)


def _timings(nb: Any) -> dict[str, float]:
    """Kernel start, first code cell (the imports, by convention) and cells, from
    papermill's metadata."""
    from datetime import datetime

    def ts(v: Any) -> float | None:
        try:
            return datetime.fromisoformat(str(v)).timestamp() if v else None
        except ValueError:
            return None

    meta = nb.get("metadata", {}).get("papermill", {})
    start = ts(meta.get("start_time"))
    cells = [c for c in nb.get("cells", []) if c.get("cell_type") == "code"]
    durations = [float(c.get("metadata", {}).get("papermill", {}).get("duration") or 0.0)
                 for c in cells]
    firsts = [ts(c.get("metadata", {}).get("papermill", {}).get("start_time")) for c in cells]
    first = next((f for f in firsts if f), None)
    out = {"cells": round(sum(durations), 3)}
    if start and first:
        out["kernel_start"] = round(max(0.0, first - start), 3)
    real = [(c, d) for c, d in zip(cells, durations, strict=True)
            if not set(c.get("metadata", {}).get("tags", [])) & {"parameters",
                                                                 "injected-parameters"}]
    if real:
        out["first_cell"] = round(real[0][1], 3)
    return out


def _error_info(nb: Any, exc: Any, original: Any) -> dict[str, Any]:
    """Which cell failed, in the chapter's own numbering, and with which error."""
    info: dict[str, Any] = {"ename": getattr(exc, "ename", type(exc).__name__),
                            "evalue": _strip_ansi(str(getattr(exc, "evalue", exc))).strip(),
                            "exec_count": getattr(exc, "exec_count", None),
                            "traceback": _strip_ansi("\n".join(getattr(exc, "traceback", [])
                                                               or [])),
                            "cell": None, "source": getattr(exc, "source", "")}
    failing_id = None
    if nb is not None:
        for cell in nb.get("cells", []):
            if any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
                failing_id = cell.get("id")
                info["source"] = info["source"] or "".join(cell.get("source", ""))
                break
    if failing_id is not None:
        for i, cell in enumerate(original.get("cells", []), start=1):
            if cell.get("id") == failing_id:
                info["cell"] = i
    return info


def run_task(task: Task) -> Outcome:
    """Execute one task with papermill (in a worker process or a dask worker).

    Never raises for a notebook's own error: the outcome says what failed and carries the
    partly executed notebook.
    """
    setup = _worker_setup()
    import nbformat
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    started = time.perf_counter()
    original = json.loads(task.notebook_json)
    Path(task.cwd).mkdir(parents=True, exist_ok=True)
    attempt = starts = 0
    incidents: list[str] = []  # why the notebook was run again on a fresh kernel
    first: tuple[int | None, bool] | None = None  # (cell, stalled) of the first incident

    def outcome(ok: bool, text: str | None, **kw: Any) -> Outcome:
        return Outcome(task.key, task.label, ok, text, round(time.perf_counter() - started, 3),
                       attempt, worker=_worker_name(), restarts=len(incidents),
                       incidents=list(incidents), **kw)

    with tempfile.TemporaryDirectory(prefix="octasee-run-") as tmp:
        inp = Path(tmp) / f"{task.label}.ipynb"
        inp.write_text(task.notebook_json, encoding="utf-8")
        while True:
            attempt += 1
            out = Path(tmp) / f"{task.label}.out.ipynb"
            log = Path(tmp) / f"kernel-{attempt}.log"
            # A short, unique socket prefix: IPC paths must stay under ~100 bytes.
            prefix = os.path.join(tempfile.gettempdir(), f"oct-{uuid.uuid4().hex[:12]}")
            _local.manager_class = _manager_class(prefix, str(log), task.cwd, task.env)
            _local.nb = None
            run = _local.attempt = _Attempt(task, original, attempt)
            try:
                nb = pm.execute_notebook(
                    str(inp), str(out), parameters=task.parameters, engine_name="octasee",
                    request_save_on_cell_execute=False, progress_bar=False, log_output=False,
                    kernel_name=task.kernel_name,
                    start_timeout=int(task.start_timeout), execution_timeout=task.timeout)
                text = nbformat.writes(nb)
                timings = {"worker_setup": round(setup, 3), **_timings(json.loads(text))}
                return outcome(True, text, timings=timings)
            except PapermillExecutionError as exc:
                text = out.read_text("utf-8") if out.exists() else None
                nbd = json.loads(text) if text else None
                info = _error_info(nbd, exc, original)
                if incidents:
                    info["restarts"] = len(incidents)
                return outcome(False, text, error=info,
                               timings={"worker_setup": round(setup, 3)})
            except Exception as exc:
                message = f"{type(exc).__name__}: {exc}"
                kernel_log = log.read_text("utf-8", "replace") if log.exists() else ""
                partial = _local.nb
                ran = partial is not None and any(
                    c.get("execution_count") for c in partial.get("cells", []))
                stall = run.watchdog.fired if run.watchdog is not None else None
                lost = _lost_in_cell(run, stall, exc)
                if lost is None and (is_retryable(message, kernel_log) and not ran
                                     and starts < START_ATTEMPTS - 1):
                    starts += 1
                    time.sleep(0.2 * starts)
                    continue
                if lost is not None and len(incidents) < RESTARTS:
                    incidents.append(lost)
                    first = (run.cell[0] if run.cell else None, stall is not None)
                    _emit(task.label, "running",
                          {"restart": len(incidents), "attempt": attempt + 1,
                           "note": f"restarted on a fresh kernel: {lost}"})
                    continue
                text = nbformat.writes(partial) if partial is not None else None
                info = _error_info(json.loads(text) if text else None, exc, original)
                info["evalue"] = _strip_ansi(str(exc)).strip()
                info["kernel_log"] = kernel_log[-4000:]
                if lost is not None:
                    same = first == (run.cell[0] if run.cell else None, stall is not None)
                    info.update(_lost_error(run, stall, lost, incidents, same=same))
                return outcome(False, text, error=info,
                               timings={"worker_setup": round(setup, 3)})
            finally:
                _local.nb = _local.attempt = None
                _cleanup_sockets(prefix)


def _lost_in_cell(run: _Attempt, stall: Stall | None, exc: BaseException) -> str | None:
    """What went wrong, when the kernel was lost in a cell (the watchdog fired, or the
    kernel died): "in cell N (first line), …"; None for any other error."""
    if run.cell is None or not run.running or not (
            stall is not None or type(exc).__name__ == "DeadKernelError"):
        return None
    index, source = run.cell
    number = run.chapter_cell(index)
    where = (f"cell {number}" if number is not None else "papermill's parameters cell")
    what = stall.describe() if stall is not None else "the kernel died"
    return f"in {where} ({first_line(source)}), {what}"


def _lost_error(run: _Attempt, stall: Stall | None, lost: str, incidents: list[str], *,
                same: bool = False) -> dict[str, Any]:
    """The error of a task whose kernel stalled or died in a cell, after its restarts
    (``same``: the first run was lost in the same cell the same way)."""
    index, source = run.cell or (None, "")
    number = run.chapter_cell(index) if index is not None else None
    if not incidents:
        again = ""
    elif same:
        again = " The same happened on its first run; this was the restart on a fresh kernel."
    else:
        again = (" This was the restart on a fresh kernel; on its first run, "
                 f"{incidents[0]}.")
    if stall is not None:
        todo = ("Rerun the build; if the chapter stalls again, run its notebook in "
                "JupyterLab to see what the cell waits for, or, if the cell computes that "
                "long without output, allow it more with --stall-minutes ([report] "
                "stall_minutes in octasee.toml)")
    else:
        todo = ("Run the notebook in JupyterLab to see why its kernel dies (memory, a "
                "crash in a compiled library)")
    return {"ename": "KernelStalled" if stall is not None else "DeadKernelError",
            "evalue": f"{lost[0].upper()}{lost[1:]}.{again} {todo}",
            "cell": number, "source": source, "restarts": len(incidents),
            "stall": None if stall is None else {
                "seconds": stall.silent, "heartbeat": stall.heartbeat,
                "state": stall.state}}


def _cleanup_sockets(prefix: str) -> None:
    folder, stem = os.path.split(prefix)
    with contextlib.suppress(OSError):
        for name in os.listdir(folder):
            if name.startswith(stem + "-"):
                with contextlib.suppress(OSError):
                    os.unlink(os.path.join(folder, name))


def _worker_name() -> str:
    return f"{os.uname().nodename}:{os.getpid()}"


# --------------------------------------------------------------------------- executors

Event = Callable[[str, str, dict[str, Any]], None]  # (label, state, info)


def run_tasks(tasks: Iterable[Task], *, jobs: int, executor: str = "local",
              scheduler: str | None = None, on_event: Event | None = None,
              stop_on_failure: bool = False) -> Iterator[Outcome]:
    """Run ``tasks`` with at most ``jobs`` at a time; yield outcomes as they finish.

    ``executor="local"`` uses a process pool; ``"dask"`` a dask.distributed client on
    ``scheduler`` (an address), or on a local cluster of ``jobs`` single-threaded
    worker processes when no address is given. ``stop_on_failure`` stops handing out
    tasks after the first failure (running ones finish); the rest are not run.
    """
    pending = list(tasks)
    if not pending:
        return
    emit = on_event or (lambda label, state, info: None)
    if executor == "local":
        yield from _run_local(pending, jobs=jobs, emit=emit, stop_on_failure=stop_on_failure)
    elif executor == "dask":
        yield from _run_dask(pending, jobs=jobs, scheduler=scheduler, emit=emit,
                             stop_on_failure=stop_on_failure)
    else:  # pragma: no cover - checked by build_report
        raise ValueError(executor)


def _run_local(tasks: list[Task], *, jobs: int, emit: Event,
               stop_on_failure: bool) -> Iterator[Outcome]:
    import multiprocessing as mp
    from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait

    # spawn: the build process may hold threads (progress display, duckdb) that fork
    # would copy in an unknown state.
    ctx = mp.get_context("spawn")
    workers = max(1, min(jobs, len(tasks)))
    # Workers report the cell they run (and restarts) here; read on this thread, so that
    # ``emit`` is only ever called from the caller's thread. A SimpleQueue writes at once:
    # a task's events are in the pipe before its result.
    events = ctx.SimpleQueue()

    def relay() -> None:
        while not events.empty():
            emit(*events.get())

    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_worker,
                             initargs=(events,)) as pool:
        queue = list(tasks)
        running: dict[Future[Outcome], Task] = {}
        failed = False
        try:
            while queue or running:
                while queue and len(running) < workers and not (failed and stop_on_failure):
                    t = queue.pop(0)
                    running[pool.submit(run_task, t)] = t
                    emit(t.label, "running", {})
                if not running:
                    break
                done, _ = wait(running, timeout=0.25, return_when=FIRST_COMPLETED)
                relay()
                for fut in done:
                    t = running.pop(fut)
                    outcome = _result(fut, t)
                    failed = failed or not outcome.ok
                    yield outcome
            for t in queue:
                emit(t.label, "skipped", {})
        except BaseException:
            for fut in running:
                fut.cancel()
            pool.shutdown(wait=False, cancel_futures=True)
            raise


def _result(fut: Any, task: Task) -> Outcome:
    try:
        return fut.result()
    except Exception as exc:  # the worker itself died (killed, out of memory)
        evalue = str(exc)
        if type(exc).__name__ == "BrokenProcessPool":
            evalue += (" (if build_report is called from a script, put the call under "
                       "'if __name__ == \"__main__\":': worker processes import the script)")
        return Outcome(task.key, task.label, False, None, 0.0,
                       error={"ename": type(exc).__name__, "evalue": evalue, "cell": None,
                              "exec_count": None, "traceback": "", "source": ""})


def _run_dask(tasks: list[Task], *, jobs: int, scheduler: str | None, emit: Event,
              stop_on_failure: bool) -> Iterator[Outcome]:
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError as exc:
        raise ReportError("the dask executor needs dask.distributed",
                          hint="pip install dask distributed, or use --executor local"
                          ) from exc
    with contextlib.ExitStack() as stack:
        if scheduler:
            client = stack.enter_context(Client(scheduler, set_as_default=False))
        else:
            cluster = stack.enter_context(LocalCluster(
                n_workers=max(1, jobs), threads_per_worker=1, processes=True,
                dashboard_address=None, silence_logs=40))
            client = stack.enter_context(Client(cluster, set_as_default=False))
        slots = max(1, sum(client.nthreads().values()))
        queue = list(tasks)
        by_key: dict[str, Task] = {}
        failed = False

        def submit() -> Any:
            t = queue.pop(0)
            fut = client.submit(run_task, t, key=f"octasee-{t.label}-{uuid.uuid4().hex[:8]}",
                                pure=False)
            by_key[fut.key] = t
            emit(t.label, "running", {})
            return fut

        first = [submit() for _ in range(min(slots, len(queue)))]
        futures = as_completed(first, loop=client.loop)
        for fut in futures:
            t = by_key.pop(fut.key)
            outcome = _result(fut, t)
            failed = failed or not outcome.ok
            yield outcome
            if queue and not (failed and stop_on_failure):
                futures.add(submit())
        for t in queue:
            emit(t.label, "skipped", {})

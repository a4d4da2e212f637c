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
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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
    from papermill.engines import NBClientEngine, papermill_engines

    class OctaseeEngine(NBClientEngine):
        """nbclient, with per-kernel IPC sockets and a handle on the running notebook."""

        @classmethod
        def execute_managed_notebook(cls, nb_man: Any, kernel_name: str,
                                     **kwargs: Any) -> Any:
            _local.nb = nb_man.nb  # updated in place cell by cell: the partial notebook
            kwargs["kernel_manager_class"] = _local.manager_class
            # The outputs are in; a graceful shutdown only adds waiting.
            kwargs.setdefault("shutdown_kernel", "immediate")
            return super().execute_managed_notebook(nb_man, kernel_name, **kwargs)

    papermill_engines.register("octasee", OctaseeEngine)
    spent = time.perf_counter() - t0
    _setup_seconds.append(spent)
    return spent


def _manager_class(prefix: str, log_path: str, cwd: str) -> type:
    """An AsyncKernelManager on the IPC transport with the socket path prefix ``prefix``,
    its kernel logging to ``log_path`` and running in ``cwd`` (set here, not by papermill,
    whose ``cwd`` changes the whole worker process's folder: unsafe with threads)."""
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
    attempt = 0
    with tempfile.TemporaryDirectory(prefix="octasee-run-") as tmp:
        inp = Path(tmp) / f"{task.label}.ipynb"
        inp.write_text(task.notebook_json, encoding="utf-8")
        while True:
            attempt += 1
            out = Path(tmp) / f"{task.label}.out.ipynb"
            log = Path(tmp) / f"kernel-{attempt}.log"
            # A short, unique socket prefix: IPC paths must stay under ~100 bytes.
            prefix = os.path.join(tempfile.gettempdir(), f"oct-{uuid.uuid4().hex[:12]}")
            _local.manager_class = _manager_class(prefix, str(log), task.cwd)
            _local.nb = None
            try:
                nb = pm.execute_notebook(
                    str(inp), str(out), parameters=task.parameters, engine_name="octasee",
                    request_save_on_cell_execute=False, progress_bar=False, log_output=False,
                    kernel_name=task.kernel_name,
                    start_timeout=int(task.start_timeout), execution_timeout=task.timeout)
                text = nbformat.writes(nb)
                timings = {"worker_setup": round(setup, 3), **_timings(json.loads(text))}
                return Outcome(task.key, task.label, True, text,
                               round(time.perf_counter() - started, 3), attempt,
                               timings=timings, worker=_worker_name())
            except PapermillExecutionError as exc:
                text = out.read_text("utf-8") if out.exists() else None
                nbd = json.loads(text) if text else None
                return Outcome(task.key, task.label, False, text,
                               round(time.perf_counter() - started, 3), attempt,
                               error=_error_info(nbd, exc, original),
                               timings={"worker_setup": round(setup, 3)},
                               worker=_worker_name())
            except Exception as exc:
                message = f"{type(exc).__name__}: {exc}"
                kernel_log = log.read_text("utf-8", "replace") if log.exists() else ""
                partial = _local.nb
                ran = partial is not None and any(
                    c.get("execution_count") for c in partial.get("cells", []))
                if (is_retryable(message, kernel_log) and not ran
                        and attempt < START_ATTEMPTS):
                    time.sleep(0.2 * attempt)
                    continue
                text = nbformat.writes(partial) if partial is not None else None
                info = _error_info(json.loads(text) if text else None, exc, original)
                info["evalue"] = _strip_ansi(str(exc)).strip()
                info["kernel_log"] = kernel_log[-4000:]
                return Outcome(task.key, task.label, False, text,
                               round(time.perf_counter() - started, 3), attempt, error=info,
                               timings={"worker_setup": round(setup, 3)},
                               worker=_worker_name())
            finally:
                _local.nb = None
                _cleanup_sockets(prefix)


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
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
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
                done, _ = wait(running, return_when=FIRST_COMPLETED)
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
        from octasee.report.errors import ReportError

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

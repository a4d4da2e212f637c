"""The watchdog: a chapter whose kernel dies or falls silent in a cell is run again once on
a fresh kernel, then fails cleanly, naming the chapter and the cell and saying what to do.

The notebooks are made here: a markdown title (cell 1), the parameters (cell 2), then the
cells under test (cell 3 on).
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from octasee.report.build import build_report
from octasee.report.chapters import Chapter
from octasee.report.errors import ChapterError
from octasee.report.execute import Task, run_tasks
from octasee.report.progress import BuildProgress
from octasee.report.watchdog import Watchdog

from .conftest import BUILD_DATE

PARAMETERS = ('cycle = ""\nworkspace = ""\nvariant = "restricted"\ncountries = "all"\n'
              'output_dir = ""')
#: Kills its own kernel, as a crash in a C extension or the OOM killer would.
DIES = "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"
#: Runs without a word: busy, answering heartbeats, sending nothing.
SILENT = "import time\ntime.sleep(600)"
#: Stops its own process: no message, no heartbeat (a frozen kernel).
FROZEN = "import os, signal\nos.kill(os.getpid(), signal.SIGSTOP)"
#: Silent the first time only (a transient stall): the restart cures it.
SILENT_ONCE = ("import os, time\nif not os.path.exists('ran-once'):\n"
               "    open('ran-once', 'w').close()\n    time.sleep(600)\nprint('second run')")


def _notebook(folder: Path, slug: str, *cells: str) -> Path:
    nb = new_notebook(cells=[new_markdown_cell(f"# {slug.split('_', 1)[1].title()}"),
                             new_code_cell(PARAMETERS, metadata={"tags": ["parameters"]}),
                             *(new_code_cell(c) for c in cells)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    path = folder / f"{slug}.ipynb"
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def _run(tmp_path: Path, *cells: str, stall: float = 3.0):
    path = _notebook(tmp_path / "nb", "90_watched", *cells)
    task = Task(key="k", chapter="90_watched", label="90_watched",
                notebook_json=path.read_text(), parameters={"variant": "restricted"},
                cwd=str(tmp_path / "cwd"), stall_timeout=stall)
    events: list[tuple[str, str, dict]] = []
    t0 = time.monotonic()
    [outcome] = run_tasks([task], jobs=1, on_event=lambda *e: events.append(e))
    return outcome, events, time.monotonic() - t0


def _restarts(events):
    return [info for _, state, info in events if state == "running" and info.get("restart")]


# ------------------------------------------------------------------ the unit, no kernel

def test_watchdog_fires_once_after_silence_and_not_while_messages_come():
    stalls = []
    with Watchdog(0.3, on_stall=stalls.append, poll=0.02, heartbeat=lambda: True) as dog:
        dog.cell_started(7, "\n  weights_explorer(tm)\nmore")
        for _ in range(8):  # a message every 0.1 s: alive
            time.sleep(0.1)
            dog.activity("busy")
        assert stalls == []
        time.sleep(0.6)  # then nothing
        dog.cell_finished()
    [s] = stalls
    assert (s.cell, s.source, s.heartbeat, s.state) == (7, "weights_explorer(tm)", True, "busy")
    assert s.silent >= 0.3 and "busy without output" in s.describe()
    assert dog.fired is s


def test_watchdog_is_quiet_between_cells_and_says_what_kind_of_silence():
    stalls = []
    with Watchdog(0.2, on_stall=stalls.append, poll=0.02) as dog:
        dog.cell_started(1, "x = 1")
        dog.cell_finished()
        time.sleep(0.5)  # no cell running: nothing to watch
    assert stalls == []
    idle = Watchdog(0.1, on_stall=stalls.append, heartbeat=lambda: True)
    idle.cell_started(4, "y()")
    idle.activity("idle")
    time.sleep(0.15)
    assert "reply never reached the build" in idle.check().describe()
    frozen = Watchdog(0.1, on_stall=stalls.append, heartbeat=lambda: False)
    frozen.cell_started(4, "y()")
    time.sleep(0.15)
    assert "no longer answering heartbeats" in frozen.check().describe()
    assert frozen.check() is None  # once only
    with pytest.raises(ValueError):
        Watchdog(0, on_stall=print)


def test_the_limit_comes_from_the_option_else_the_workspace_else_five_minutes(tmp_path):
    from octasee.errors import ConfigError, UsageError
    from octasee.report.build import _stall_minutes
    from octasee.workspace import Workspace

    def ws(**report):
        return Workspace(path=tmp_path, config={"report": report})

    assert _stall_minutes(ws(), None) == 5.0
    assert _stall_minutes(ws(stall_minutes=12), None) == 12.0
    assert _stall_minutes(ws(stall_minutes=12), 0.5) == 0.5
    assert _stall_minutes(ws(stall_minutes=0), None) == 0.0  # off
    # a wrong value is refused when the config is read, naming the key
    with pytest.raises(ConfigError, match="stall_minutes"):
        ws(stall_minutes="ten")
    with pytest.raises(UsageError, match="--stall-minutes"):
        _stall_minutes(ws(), -1)


def test_progress_shows_the_running_cell_its_elapsed_time_and_a_restart():
    p = BuildProgress(enabled=False)
    p("02_regional_overview", "queued", {"title": "Regional overview"})
    p("02_regional_overview", "running", {})
    p("02_regional_overview", "running", {"cell": 10, "source": "weights_explorer(tm)"})
    p.rows["02_regional_overview"]["cell_started"] -= 12.0
    text = " ".join(str(c) for c in p._table().columns[3]._cells)
    assert "cell 10: weights_explorer(tm)" in text and "12 s" in text
    p("02_regional_overview", "running", {"restart": 1,
                                          "note": "restarted: kernel silent in cell 10"})
    assert p.rows["02_regional_overview"]["state"] == "running"
    text = " ".join(str(c) for c in p._table().columns[3]._cells)
    assert "restarted: kernel silent in cell 10" in text
    p("02_regional_overview", "ok", {"seconds": 3.0})
    text = " ".join(str(c) for c in p._table().columns[3]._cells)
    assert "weights_explorer" not in text  # a finished chapter has no running cell


# ------------------------------------------------------------------ kernels

#: What chapter 02's weights explorer does (an Output widget redrawn), many times over.
OUTPUT_WIDGET = ("out = w.Output()\nfor k in range(30):\n    out.clear_output(wait=True)\n"
                 "    with out:\n        display(HTML('x' * 50000))\nout")


def test_output_widgets_do_not_make_the_build_miss_a_cells_reply(tmp_path):
    """The cause of issue 15's stalls: nbclient's Output-widget stand-in sent each update
    to the kernel on the shell socket while the cell's reply was awaited on that socket, and
    now and then the poll was not woken though the reply was there: the cell waited for the
    execution timeout (here 6 s, in a build 30 minutes). The watchdog is off here."""
    cells = ["import ipywidgets as w\nfrom IPython.display import display, HTML",
             *[OUTPUT_WIDGET] * 24, "print('outputs seen by the kernel:', len(out.outputs))"]
    path = _notebook(tmp_path / "nb", "92_widgets", *cells)
    task = Task(key="k", chapter="92_widgets", label="92_widgets",
                notebook_json=path.read_text(), parameters={"variant": "restricted"},
                cwd=str(tmp_path / "cwd"), timeout=6, stall_timeout=None)
    [outcome] = run_tasks([task], jobs=1)
    assert outcome.ok, outcome.error
    nb = json.loads(outcome.notebook_json)
    waited = [c["metadata"]["papermill"]["duration"] for c in nb["cells"]
              if c["cell_type"] == "code" and c["metadata"]["papermill"]["duration"] >= 5]
    assert waited == []
    # the kernel still learns what its Output widgets hold (after each cell, not during it)
    assert "outputs seen by the kernel: 1" in outcome.notebook_json
    state = nb["metadata"]["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    outputs = [len(m["state"]["outputs"]) for m in state.values()
               if m["model_name"] == "OutputModel"]
    assert outputs == [1] * 24


def test_a_kernel_killed_mid_cell_is_restarted_once_then_fails_naming_the_cell(tmp_path):
    outcome, events, seconds = _run(tmp_path, "x = 1", DIES)
    assert not outcome.ok and outcome.restarts == 1 and outcome.attempts == 2
    err = outcome.error
    assert err["ename"] == "DeadKernelError" and err["cell"] == 4
    assert "died" in err["evalue"] and "cell 4" in err["evalue"]
    assert "fresh kernel" in err["evalue"] and "JupyterLab" in err["evalue"]
    assert len(_restarts(events)) == 1
    assert outcome.notebook_json is not None  # the partly executed notebook
    assert seconds < 60  # two kernel starts, two deaths: no waiting


@pytest.mark.parametrize(("cell", "how"), [(SILENT, "busy without output"),
                                           (FROZEN, "no longer answering heartbeats")],
                         ids=["sleeping", "stopped"])
def test_a_silent_kernel_is_restarted_once_then_fails_naming_the_cell(tmp_path, cell, how):
    outcome, events, seconds = _run(tmp_path, "x = 1", cell, "print('never')")
    assert not outcome.ok and outcome.restarts == 1 and outcome.attempts == 2
    err = outcome.error
    assert err["ename"] == "KernelStalled" and err["cell"] == 4
    assert re.search(r"sent nothing for [34] s", err["evalue"]) and how in err["evalue"]
    assert "cell 4" in err["evalue"] and "--stall-minutes" in err["evalue"]
    [restart] = _restarts(events)
    assert "cell 4" in restart["note"]
    running = [i for _, s, i in events if s == "running" and i.get("cell") == 4]
    assert {i["attempt"] for i in running} == {1, 2}
    assert seconds < 60  # not the 600 s of the cell, nor the 30 min execution timeout


def test_a_stall_the_restart_cures_is_an_ok_run_that_says_so(tmp_path):
    outcome, _, _ = _run(tmp_path, SILENT_ONCE)
    assert outcome.ok and outcome.restarts == 1 and outcome.attempts == 2
    assert "second run" in outcome.notebook_json
    assert "cell 3" in outcome.incidents[0] and "sent nothing" in outcome.incidents[0]


def test_the_build_names_chapter_and_cell_and_keeps_going_with_a_failure_box(workspace,
                                                                              tmp_path):
    chapters = [Chapter("91_dies", "Dies", _notebook(tmp_path / "nb", "91_dies", DIES))]
    with pytest.raises(ChapterError) as exc:
        build_report(workspace=workspace, out=tmp_path / "a", chapters=chapters,
                     formats=("html",), build_date=BUILD_DATE, use_cache=False,
                     record_draft=False, stall_minutes=0.05)
    err = exc.value
    assert err.chapter == "91_dies" and err.cell == 3
    assert "restart on a fresh kernel" in err.message and "--keep-going" in err.message
    result = build_report(workspace=workspace, out=tmp_path / "b", chapters=chapters,
                          formats=("html",), build_date=BUILD_DATE, use_cache=False,
                          record_draft=False, keep_going=True, stall_minutes=0.05)
    assert result.exit_code == 1 and result.runs[0].restarts == 1
    html = result.html.read_text()
    assert 'class="build-failure"' in html and "DeadKernelError" in html and "cell 3" in html
    manifest = json.loads(result.manifest.read_text())
    assert manifest["parameters"]["stall_minutes"] == 0.05
    assert manifest["chapters"][0]["restarts"] == 1

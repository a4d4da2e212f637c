"""A user's mistake in a chapter shows as one message with what to do, not a traceback.

The same kernel path serves JupyterLab and papermill: the kernel sends the error to the
notebook as an ``error`` output and answers the execute request with status ``error``, so
papermill (and nbclient under it) still stop at the cell. Only the traceback shown is short.
"""

from __future__ import annotations

import re

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _notebook(*cells: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    return nb


def _run(nb: nbformat.NotebookNode, **kw) -> tuple[nbformat.NotebookNode, Exception | None]:
    client = NotebookClient(nb, kernel_name="python3", timeout=300, **kw)
    try:
        client.execute()
    except CellExecutionError as exc:
        return nb, exc
    return nb, None


def _errors(nb: nbformat.NotebookNode) -> list[dict]:
    return [o for c in nb.cells for o in c.get("outputs", []) if o["output_type"] == "error"]


def test_a_bad_parameter_is_one_line_and_the_cell_still_fails(sample_workspace):
    nb = _notebook(
        "from octasee.chapters import open_chapter",
        f"ch = open_chapter('04', 'Drug trafficking', workspace={str(sample_workspace.path)!r},"
        " countries=['Atlantis'])",
        "print('not reached')")
    nb, exc = _run(nb)
    assert isinstance(exc, CellExecutionError), "the cell must fail (papermill stops there)"
    assert exc.ename == "UsageError"
    [error] = _errors(nb)
    assert error["ename"] == "UsageError"
    assert "unknown member country 'Atlantis'" in error["evalue"]
    text = [ANSI.sub("", line) for line in error["traceback"]]
    assert len("\n".join(text).splitlines()) == 1, text
    assert text[0].startswith("UsageError: parameter 'countries'")
    assert "use member names or ISO codes" in text[0]  # what to do
    assert not nb.cells[2].get("outputs")  # execution stopped at the failing cell


def test_a_later_octasee_error_is_short_too_and_bugs_keep_their_traceback():
    nb = _notebook(
        "from octasee.chapters import open_chapter\n"
        "try:\n"
        "    open_chapter('04', 'x', variant='secret')\n"
        "except Exception as exc:\n"
        "    print(type(exc).__name__)",
        "from octasee.errors import StoreError\n"
        "def deep():\n"
        "    raise StoreError('the store is locked', where='store.duckdb',\n"
        "                     hint='close the other program')\n"
        "deep()",
        "def buggy():\n"
        "    return 1 / 0\n"
        "buggy()")
    nb, exc = _run(nb, allow_errors=True)
    assert exc is None
    store_error, bug = _errors(nb)
    text = [ANSI.sub("", line) for line in store_error["traceback"]]
    assert text == ["StoreError: store.duckdb: the store is locked; close the other program"]
    assert bug["ename"] == "ZeroDivisionError"
    assert len(ANSI.sub("", "\n".join(bug["traceback"])).splitlines()) > 3
    assert "buggy" in ANSI.sub("", "\n".join(bug["traceback"]))


def test_the_kernel_replies_error_with_the_short_message():
    """What JupyterLab and papermill both get from the kernel: the execute_reply."""
    from jupyter_client.manager import start_new_kernel

    km, kc = start_new_kernel(kernel_name="python3")
    try:
        kc.execute_interactive("from octasee.chapters import open_chapter", timeout=120)
        outputs: list[dict] = []
        reply = kc.execute_interactive(
            "open_chapter('04', 'x', variant='secret')", timeout=120,
            output_hook=lambda msg: outputs.append(msg))
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    content = reply["content"]
    assert content["status"] == "error" and content["ename"] == "UsageError"
    assert [ANSI.sub("", t) for t in content["traceback"]] == [
        "UsageError: parameter 'variant' is 'secret'; use 'restricted' (everything) or "
        "'public'"]
    errors = [m for m in outputs if m["msg_type"] == "error"]
    assert len(errors) == 1 and errors[0]["content"]["traceback"] == content["traceback"]


def test_papermill_stops_with_the_short_message(sample_workspace, tmp_path):
    import papermill as pm

    nb = _notebook(
        "cycle = ''",
        "from octasee.chapters import open_chapter\n"
        "ch = open_chapter('04', 'x', workspace=workspace, cycle=cycle)")
    nb.cells[0].metadata["tags"] = ["parameters"]
    src = tmp_path / "in.ipynb"
    nbformat.write(nb, src)
    with pytest.raises(pm.PapermillExecutionError) as exc:
        pm.execute_notebook(str(src), str(tmp_path / "out.ipynb"), kernel_name="python3",
                            parameters={"workspace": str(sample_workspace.path),
                                        "cycle": "2001-2004"}, progress_bar=False)
    assert exc.value.ename == "UsageError"
    lines = ANSI.sub("", "\n".join(exc.value.traceback)).splitlines()
    assert len(lines) == 1 and "not in the store" in lines[0], lines
    assert "cycles in the store: 2009-2012, 2013-2017" in lines[0]

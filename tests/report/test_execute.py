"""Execution: many kernels at once without port races; errors; the cwd of a kernel."""

from __future__ import annotations

import json

from octasee.report.chapters import default_chapters
from octasee.report.execute import Task, is_retryable, run_tasks

from .conftest import FIXTURES


def _tasks(tmp_path, n: int) -> list[Task]:
    chapters = default_chapters(FIXTURES / "quick")[:n]
    return [Task(key=c.slug, chapter=c.slug, label=c.slug,
                 notebook_json=c.notebook.read_text(), parameters={"variant": "public"},
                 cwd=str(tmp_path / c.slug)) for c in chapters]


def test_many_kernels_at_once_do_not_race_for_ports(tmp_path):
    outcomes = list(run_tasks(_tasks(tmp_path, 8), jobs=4))
    assert len(outcomes) == 8
    assert [o.error for o in outcomes if not o.ok] == []
    assert {o.attempts for o in outcomes} == {1}
    for o in outcomes:
        nb = json.loads(o.notebook_json)
        printed = "".join("".join(out.get("text", "")) for c in nb["cells"]
                          for out in c.get("outputs", []))
        assert f"quick {int(o.label[:2])}" in printed and "public" in printed
        assert nb["metadata"]["papermill"]["parameters"] == {"variant": "public"}
    assert len({o.worker for o in outcomes}) == 4


def test_retry_only_what_a_fresh_start_cures():
    assert is_retryable("RuntimeError: Kernel died before replying to kernel_info")
    assert is_retryable("ZMQError: Address already in use (addr='tcp://127.0.0.1:5555')")
    assert not is_retryable("Kernel died before replying to kernel_info",
                            "Traceback (most recent call last):\nValueError: bad config")
    assert not is_retryable("ValueError: a notebook's own error")

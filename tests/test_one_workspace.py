"""One workspace for every entry point, and the checkout's notebooks kept free of outputs.

Issue 15 (parts 3 and 5): JupyterLab started in the checkout, papermill run from another
folder and the CLI must find the same workspace whatever the current folder; they used to
build a second (third …) sample store in ``./build/`` of wherever they were started.
Saving a chapter in JupyterLab wrote its outputs into the checkout's notebook.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
from pathlib import Path

import nbformat
import pytest

import octasee
from octasee.workspace import CONFIG_NAME, create_workspace, find_workspace

ROOT = Path(__file__).resolve().parent.parent
#: Whether the octasee under test is this checkout's (an editable install, as in development).
EDITABLE = Path(octasee.__file__).resolve().parent == ROOT / "octasee"
needs_checkout = pytest.mark.skipif(not EDITABLE or not (ROOT / "notebooks").is_dir(),
                                    reason="octasee is not an editable install of this checkout")


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "OCTASEE_WORKSPACE"}
    env.update(extra)
    return env


def _fake_checkout(folder: Path) -> Path:
    """A folder laid out like a clone of octasee (what a plain install finds upward)."""
    (folder / "octasee").mkdir(parents=True)
    (folder / "octasee" / "__init__.py").write_text("")
    (folder / "notebooks").mkdir()
    (folder / "pyproject.toml").write_text('[project]\nname = "octasee"\nversion = "0"\n')
    return folder


# --------------------------------------------------------------------------- one store


@needs_checkout
def test_papermill_from_three_folders_finds_one_store(tmp_path):
    """The store a notebook opens does not depend on the folder papermill runs in, and
    no folder gets a build/ of its own."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(
        "from octasee.workspace import find_workspace\n"
        "print(find_workspace().store_path.resolve())")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    src = tmp_path / "where.ipynb"
    nbformat.write(nb, src)
    folders = [tmp_path / "a", tmp_path / "b" / "deeper", tmp_path / "c"]
    printed = []
    for i, folder in enumerate(folders):
        folder.mkdir(parents=True)
        out = tmp_path / f"out{i}.ipynb"
        proc = subprocess.run([sys.executable, "-m", "papermill", str(src), str(out),
                               "-k", "python3", "--no-progress-bar"],
                              cwd=folder, env=_env(), capture_output=True, text=True,
                              timeout=300, check=False)
        assert proc.returncode == 0, proc.stderr[-2000:]
        cell = nbformat.read(out, as_version=4).cells[-1]
        printed.append("".join(o.get("text", "") for o in cell["outputs"]).strip())
    assert len(set(printed)) == 1, printed
    assert Path(printed[0]) == (ROOT / "build" / "sample-workspace" / "store.duckdb").resolve()
    for folder in folders:
        assert not (folder / "build").exists(), f"a second store was started in {folder}"


@needs_checkout
def test_a_notebook_in_the_checkout_uses_the_checkout_sample_workspace(monkeypatch):
    """JupyterLab runs a chapter's kernel in notebooks/: it must find <checkout>/build/."""
    monkeypatch.delenv("OCTASEE_WORKSPACE", raising=False)
    stray = ROOT / "notebooks" / "build"
    existed = stray.exists()
    monkeypatch.chdir(ROOT / "notebooks")
    try:
        ws = find_workspace()
        assert ws.path.resolve() == (ROOT / "build" / "sample-workspace").resolve()
        assert ws.is_sample
        assert existed or not stray.exists(), "notebooks/build/ was created"
    finally:
        if not existed and stray.exists():  # the old code's stray store: leave no trace
            shutil.rmtree(stray)


def test_a_plain_install_keeps_the_samples_per_user(tmp_path, monkeypatch):
    """Installed from a wheel and run outside any checkout: one per-user folder,
    never the current folder and never site-packages."""
    import octasee.samples

    monkeypatch.setattr(octasee.samples, "_package_checkout", lambda: None)
    monkeypatch.delenv("OCTASEE_WORKSPACE", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    for where in (tmp_path / "one", tmp_path / "two" / "three"):
        where.mkdir(parents=True)
        monkeypatch.chdir(where)
        ws = find_workspace()
        assert ws.path == tmp_path / "xdg" / "octasee" / "sample-workspace"
        assert ws.is_sample and not (where / "build").exists()
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert find_workspace().path == (tmp_path / "home" / ".local" / "share" / "octasee"
                                     / "sample-workspace")


def test_a_plain_install_used_in_a_clone_uses_the_clone_build_folder(tmp_path, monkeypatch):
    """`pip install .` then `octasee build` in the clone (the README's Quickstart), or
    JupyterLab on the clone's notebooks/: the clone's build/sample-workspace."""
    import octasee.samples

    monkeypatch.setattr(octasee.samples, "_package_checkout", lambda: None)
    monkeypatch.delenv("OCTASEE_WORKSPACE", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    clone = _fake_checkout(tmp_path / "octa-see")
    for where in (clone, clone / "notebooks"):
        monkeypatch.chdir(where)
        assert find_workspace().path == clone / "build" / "sample-workspace"
    assert not (clone / "notebooks" / "build").exists()
    # A folder that merely has a pyproject.toml is not a clone of octasee.
    other = tmp_path / "other"
    (other / "notebooks").mkdir(parents=True)
    (other / "pyproject.toml").write_text('[project]\nname = "something-else"\n')
    monkeypatch.chdir(other / "notebooks")
    assert find_workspace().path == tmp_path / "xdg" / "octasee" / "sample-workspace"


def test_option_environment_and_config_upward_still_win(tmp_path, monkeypatch):
    a = create_workspace(tmp_path / "a", cycle="2013-2017")
    b = create_workspace(tmp_path / "b", cycle="2013-2017")
    (b.path / "notebooks" / "deep").mkdir(parents=True)
    monkeypatch.chdir(b.path / "notebooks" / "deep")
    monkeypatch.delenv("OCTASEE_WORKSPACE", raising=False)
    assert find_workspace().path.resolve() == b.path.resolve()
    monkeypatch.setenv("OCTASEE_WORKSPACE", str(a.path))
    assert find_workspace().path == a.path
    assert find_workspace(b.path).path == b.path
    assert (a.path / CONFIG_NAME).is_file()


def test_an_explicit_sample_folder_is_used_as_given(tmp_path):
    from octasee.workspace import sample_workspace

    ws = sample_workspace(tmp_path / "mine")
    assert ws.path == tmp_path / "mine" and ws.is_sample


# --------------------------------------------------------------------------- no outputs in git


def _notebook_with_outputs() -> dict:
    nb = json.loads((ROOT / "notebooks" / "02_regional_overview.ipynb").read_text("utf-8"))
    for n, cell in enumerate(c for c in nb["cells"] if c["cell_type"] == "code"):
        cell["execution_count"] = n + 1
        cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["x" * 1000]}]
        cell["metadata"]["execution"] = {"iopub.execute_input": "2024-01-01T00:00:00Z"}
    nb["metadata"]["language_info"] = {"name": "python", "version": "3.11.2",
                                       "mimetype": "text/x-python"}
    nb["metadata"]["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    return nb


def test_the_save_hook_strips_only_the_checkout_notebooks(tmp_path):
    from octasee.jupyter import strip_checkout_outputs

    class Manager:
        root_dir = str(tmp_path)

    clone = _fake_checkout(tmp_path / "clone")
    stored = (ROOT / "notebooks" / "02_regional_overview.ipynb").read_text("utf-8")
    model = {"type": "notebook", "content": _notebook_with_outputs()}
    strip_checkout_outputs(model=model, path="clone/notebooks/02.ipynb",
                           contents_manager=Manager())
    assert model["content"] == json.loads(stored)
    assert clone.is_dir()
    # A workspace's own notebooks (octasee init) and any other notebook keep their outputs.
    for path in ("clone/02.ipynb", "ws/notebooks/02.ipynb"):
        model = {"type": "notebook", "content": _notebook_with_outputs()}
        strip_checkout_outputs(model=model, path=path, contents_manager=Manager())
        assert model["content"] == _notebook_with_outputs()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_jupyter_saves_the_checkout_notebooks_without_outputs(tmp_path):
    """A real Jupyter server with octasee's server config (what the install puts into
    <env>/etc/jupyter): saving a chapter of a clone writes it as stored, byte for byte."""
    clone = _fake_checkout(tmp_path / "clone")
    name = "02_regional_overview.ipynb"
    shutil.copy(ROOT / "notebooks" / name, clone / "notebooks" / name)
    before = (clone / "notebooks" / name).read_bytes()
    port, token = _free_port(), secrets.token_hex(16)
    env = _env(JUPYTER_CONFIG_PATH=str(ROOT / "jupyter-config"),
               JUPYTER_CONFIG_DIR=str(tmp_path / "jcfg"), JUPYTER_DATA_DIR=str(tmp_path / "jd"),
               JUPYTER_RUNTIME_DIR=str(tmp_path / "jrt"))
    cmd = [sys.executable, "-m", "jupyter_server", "--no-browser", "--ServerApp.ip=127.0.0.1",
           f"--ServerApp.port={port}", f"--IdentityProvider.token={token}",
           f"--ServerApp.root_dir={clone}", "--ServerApp.port_retries=0",
           "--ServerApp.allow_root=True"]
    log = tmp_path / "server.log"
    with open(log, "w") as fh:
        # Not started in the clone: `python -m` would import its (fake) octasee package.
        proc = subprocess.Popen(cmd, cwd=tmp_path, env=env, stdout=fh, stderr=subprocess.STDOUT)
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.time() + 90
            while True:
                try:
                    urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                    break
                except OSError:
                    assert time.time() < deadline and proc.poll() is None, log.read_text()
                    time.sleep(0.5)

            def put(path: str) -> None:
                body = json.dumps({"type": "notebook", "format": "json",
                                   "content": _notebook_with_outputs()}).encode()
                req = urllib.request.Request(f"{base}/api/contents/{path}?token={token}",
                                             data=body, method="PUT")
                req.add_header("Content-Type", "application/json")
                urllib.request.urlopen(req, timeout=30).read()

            put(f"notebooks/{name}")
            put(f"elsewhere_{name}")
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    assert (clone / "notebooks" / name).read_bytes() == before, log.read_text()[-3000:]
    kept = json.loads((clone / f"elsewhere_{name}").read_text("utf-8"))
    assert any(c.get("outputs") for c in kept["cells"])


def test_the_install_enables_the_save_hook():
    """pip install (plain or editable) puts the server config into <env>/etc/jupyter, which
    Jupyter reads whatever the current folder (a config file in the checkout is not read)."""
    cfg = json.loads((ROOT / "jupyter-config" / "jupyter_server_config.d" / "octasee.json")
                     .read_text("utf-8"))
    assert cfg == {"ServerApp": {"jpserver_extensions": {"octasee.jupyter": True}}}
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    shared = project["tool"]["hatch"]["build"]["targets"]["wheel"].get("shared-data", {})
    assert shared.get("jupyter-config/jupyter_server_config.d/octasee.json") == \
        "etc/jupyter/jupyter_server_config.d/octasee.json", \
        "pyproject.toml: [tool.hatch.build.targets.wheel.shared-data] must install it"


def test_checkpoints_are_ignored():
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    for path in ("notebooks/.ipynb_checkpoints/02_regional_overview-checkpoint.ipynb",
                 ".ipynb_checkpoints/x.ipynb"):
        proc = subprocess.run(["git", "check-ignore", "-q", "--no-index", path], cwd=ROOT,
                              check=False)
        assert proc.returncode == 0, f"{path} is not ignored"

"""Jupyter server extension: the checkout's chapter notebooks are saved without outputs.

An analyst who runs a chapter in JupyterLab in a clone of octasee and saves it would
otherwise write its outputs (hundreds of KB of plots) into the notebook under version
control. This extension registers a pre-save hook that stores notebooks in a checkout's
``notebooks/`` folder as they are kept in git: no outputs, no execution counts, no run
metadata. The open notebook keeps its outputs on screen; only the file is clean.
Notebooks anywhere else (a workspace's own ``notebooks/`` from ``octasee init``, the
build's executed chapters) are saved as they are.

It is enabled by ``etc/jupyter/jupyter_server_config.d/octasee.json``, which installing
octasee (plain or editable) puts into the environment's Jupyter config folder, so every
``jupyter lab`` of that environment loads it, whatever folder it starts in. (A
``jupyter_server_config.py`` in the checkout would not be read: Jupyter does not look in
the current folder. A git filter such as nbstripout needs ``git config`` in every clone.)
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from octasee.samples import is_checkout

__all__ = ["strip_checkout_outputs", "strip_outputs"]

#: Cell metadata Jupyter and papermill add when a cell runs or is folded.
_RUN_CELL_METADATA = ("execution", "ExecuteTime", "papermill", "collapsed", "scrolled",
                      "jupyter")
#: Notebook metadata added by running (widget state, papermill's record).
_RUN_NOTEBOOK_METADATA = ("widgets", "papermill", "execution")


def strip_outputs(nb: dict[str, Any]) -> dict[str, Any]:
    """Make a notebook (nbformat 4 as a dict) look as it is stored: in place, returned."""
    for cell in nb.get("cells", []):
        meta = cell.get("metadata", {})
        for key in _RUN_CELL_METADATA:
            meta.pop(key, None)
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None

    meta = nb.get("metadata", {})
    for key in _RUN_NOTEBOOK_METADATA:
        meta.pop(key, None)
    info = meta.get("language_info")
    if isinstance(info, dict) and "name" in info:  # the kernel adds its version and more
        meta["language_info"] = {"name": info["name"]}
    return nb


def _in_checkout_notebooks(os_path: Path) -> bool:
    folder = os_path.parent
    return folder.name == "notebooks" and is_checkout(folder.parent)


def strip_checkout_outputs(model: dict[str, Any], path: str, contents_manager: Any,
                           **_: Any) -> None:
    """Jupyter pre-save hook: strip a notebook saved into a checkout's ``notebooks/``."""
    if model.get("type") != "notebook" or not isinstance(model.get("content"), dict):
        return
    root = getattr(contents_manager, "root_dir", None)
    if not root:
        return
    os_path = Path(os.path.abspath(os.path.join(root, path.strip("/"))))
    if _in_checkout_notebooks(os_path):
        strip_outputs(model["content"])


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "octasee.jupyter"}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    serverapp.contents_manager.register_pre_save_hook(strip_checkout_outputs)
    serverapp.log.info("octasee: notebooks in a checkout's notebooks/ are saved without "
                       "outputs")

"""octasee: the analysts' workbench for the Organized Crime Threat Assessment for South
East Europe (OCTA-SEE).

The few names an analyst needs in a notebook:

>>> import octasee
>>> octasee.resolve_country("Türkiye")
'TR'
"""

from __future__ import annotations

# The root only re-exports: nothing inside octasee imports it (the layers and that rule are
# import-linter contracts in pyproject.toml, checked by tests/test_layers.py).
from octasee._version import __version__
from octasee.errors import OctaseeError
from octasee.questionnaire.read import read_questionnaire
from octasee.questionnaire.spec import spec_for
from octasee.questionnaire.validate import validate, validate_file
from octasee.reference import country, resolve_country, resolve_world_country
from octasee.store import Store
from octasee.workspace import create_workspace, find_workspace, open_store, sample_workspace

__all__ = [
    "OctaseeError",
    "Store",
    "__version__",
    "country",
    "create_workspace",
    "find_workspace",
    "open_store",
    "read_questionnaire",
    "resolve_country",
    "resolve_world_country",
    "sample_workspace",
    "spec_for",
    "validate",
    "validate_file",
    "write_template",
]


def __getattr__(name: str) -> object:
    # Lazy for import time, not for a cycle: the template writer needs openpyxl (0.15 s to
    # import), which a chapter kernel that imports octasee never uses.
    if name == "write_template":
        from octasee.questionnaire.template import write_template

        return write_template
    raise AttributeError(f"module 'octasee' has no attribute {name!r}")

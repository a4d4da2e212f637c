"""The explorers under a batch executor: plain papermill (nbclient) must never wait on them.

Chapter 02 run alone under plain papermill once sat for over an hour in the weights
explorer's cell: drawing into an Output widget with ``with out:`` made nbclient's stand-in
for the widget write its state back to the kernel while it awaited the cell's reply. The
explorer now sets the widget's ``outputs`` state instead, so a batch executor never routes
output to a widget at all.
"""

from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

SETUP = ("import pandas as pd\nfrom octasee.widgets import weights_explorer\n"
         "tm = pd.DataFrame({'country': ['RS', 'RS', 'HR', 'HR', 'AL', 'AL'],\n"
         "                   'crime_area': ['heroin', 'thb'] * 3,\n"
         "                   'value': [8.0, 2.0, 3.0, 6.0, 5.0, 5.0]})")
EXPLORE = "ex = weights_explorer(tm)\nex"


class CountingClient(NotebookClient):
    """nbclient as papermill runs it, counting the output hooks its Output-widget stand-in
    registers (one for each ``with out:`` a cell enters)."""

    hooks = 0

    def register_output_hook(self, msg_id, hook):  # nbclient calls it for a "with out:"
        type(self).hooks += 1
        return super().register_output_hook(msg_id, hook)


def test_the_weights_explorer_never_routes_output_through_a_widget_in_a_batch_run():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(SETUP)]
                                  + [nbformat.v4.new_code_cell(EXPLORE) for _ in range(12)])
    CountingClient.hooks = 0
    client = CountingClient(nb, timeout=120, kernel_name="python3", store_widget_state=True)
    client.execute()
    assert CountingClient.hooks == 0
    # ... and the figure is still in the widget, for JupyterLab and the saved widget state
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    outputs = [m["state"]["outputs"] for m in state.values() if m["model_name"] == "OutputModel"]
    assert len(outputs) == 12
    for out in outputs:
        [item] = out
        assert item["output_type"] == "display_data"
        assert "application/vnd.plotly.v1+json" in item["data"]
    # the static view (what the report shows) is in every cell's output
    for cell in nb.cells[1:]:
        [shown] = [o for o in cell.outputs if o["output_type"] == "execute_result"]
        assert "explorer-static" in shown["data"]["text/html"]

"""Every notebook runs top to bottom (committed without outputs, executed here)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb"))


# Notebooks on the real open data say so in their first cell and need FURTHEST_DATA or ../shared/data.
REAL_DATA = {"02_leeds_pcn_areas.ipynb", "03_leeds_access_rollout.ipynb"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs(path, request, monkeypatch):
    if path.name in REAL_DATA:
        monkeypatch.setenv("FURTHEST_DATA", str(request.getfixturevalue("shared_data")))
    notebook = nbformat.read(path, as_version=4)
    assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code"), "commit without outputs"
    monkeypatch.setenv("MPLBACKEND", "Agg")
    NotebookClient(notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    errors = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors

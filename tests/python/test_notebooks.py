"""Every notebook runs top to bottom (committed without outputs, executed here), draws at least
one figure and raises nothing."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb"))

# The planner's notebooks, one question each; the first and the sixth run on the embedded demo.
EXPECTED = {
    "01_quickstart.ipynb",
    "02_leeds_needs.ipynb",
    "03_how_sure_are_we.ipynb",
    "04_who_supports_them.ipynb",
    "05_next_wave.ipynb",
    "06_are_we_reaching_them.ipynb",
}

# Notebooks on the real open data say so in their first cell and need FURTHEST_DATA or ../shared/data.
REAL_DATA = {"02_leeds_needs.ipynb", "03_how_sure_are_we.ipynb", "04_who_supports_them.ipynb", "05_next_wave.ipynb"}

# Non-interactive, but unlike Agg it hands each figure to the notebook as a PNG output.
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"


def test_the_notebooks_are_the_planners_six():
    assert {p.name for p in NOTEBOOKS} == EXPECTED
    assert REAL_DATA <= EXPECTED


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs(path, request, monkeypatch):
    notebook = nbformat.read(path, as_version=4)
    assert all(
        not cell.get("outputs") and cell.get("execution_count") is None for cell in notebook.cells if cell.cell_type == "code"
    ), "commit notebooks without outputs"
    if path.name in REAL_DATA:
        assert "FURTHEST_DATA" in notebook.cells[0].source, "a real-data notebook says so in its first cell"
        data = request.getfixturevalue("shared_data")  # skips, with the reason, when the open data are absent
        monkeypatch.setenv("FURTHEST_DATA", str(data))
    monkeypatch.setenv("MPLBACKEND", INLINE_BACKEND)
    NotebookClient(notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()

    outputs = [(i, o) for i, c in enumerate(notebook.cells) if c.cell_type == "code" for o in c.outputs]
    errors = [f"cell {i}: {o.ename}: {o.evalue}" for i, o in outputs if o.output_type == "error"]
    assert not errors, errors
    images = [i for i, o in outputs if o.output_type in ("display_data", "execute_result") and "image/png" in o.get("data", {})]
    assert images, f"{path.name} drew no figure (no image/png output)"

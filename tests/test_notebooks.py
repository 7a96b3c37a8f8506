"""Every notebook runs headless: solved ones pass every check, student ones report "not implemented"."""

from __future__ import annotations

import re

import nbformat
import pytest

from conftest import ASSIGNMENTS, ROOT, execute_notebook, output_text, problems


def _check_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code" and c.source.startswith("grader.check(")]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solutions_run_and_pass_every_check(assignment, tmp_path):
    nb = execute_notebook(nbformat.read(ROOT / "solutions" / f"{assignment}.ipynb", as_version=4), tmp_path)
    assert not problems(nb)
    checks = _check_cells(nb)
    assert checks
    for cell in checks:
        text = output_text(cell)
        assert re.search(r": all \d+ cases passed\.", text), f"{cell.source}\n{text}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_student_notebooks_run_to_the_end_reporting_not_implemented(assignment, tmp_path):
    nb = execute_notebook(nbformat.read(ROOT / "notebooks" / f"{assignment}.ipynb", as_version=4), tmp_path)
    # a failed check says so on stderr (nbgrader's Validate counts it as failed), and nothing else may
    assert not [p for p in problems(nb) if "does not pass its check yet" not in p]
    checks = _check_cells(nb)
    assert checks
    for cell in checks:
        assert "not implemented yet" in output_text(cell), cell.source
    assert all(c.outputs or not c.source.strip() for c in nb.cells if c.cell_type == "code" and c in checks)

"""`nbgrader validate` (and the Validate button) tells the truth: a notebook with a wrong exercise is
listed as failing at that exercise's test cell, the solutions pass, and Run All still runs every cell
(a failed check writes one line to stderr, which nbgrader counts as a failure; it raises nothing)."""

from __future__ import annotations

import os
import subprocess
import sys

import nbformat

from conftest import ROOT
from mlcourse.build import nbgrader, nbgrader_env

ASSIGNMENT = "01_derivatives"
WRONG_SIGMOID = "import numpy as np\n\ndef sigmoid(z):\n    return 1 / (1 + np.exp(z))\n"


def _student_copy(course, fill: dict[str, str], name: str):
    release = nbformat.read(course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    for cell in release.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in fill:
            cell.source = fill[grade_id]
    path = course / f"{name}.ipynb"
    nbformat.write(release, path)
    return path


def _solutions():
    source = nbformat.read(ROOT / "grading" / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    solved = nbformat.read(ROOT / "solutions" / f"{ASSIGNMENT}.ipynb", as_version=4)
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") if c.metadata.get("nbgrader", {}).get("solution") else None
           for c in source.cells]
    return {g: c.source for g, c in zip(ids, solved.cells) if g}  # code answers and written ones


def _validate(course, path) -> str:
    done = subprocess.run([sys.executable, "-m", "nbgrader", "validate", str(path)], cwd=course,
                          env=nbgrader_env(), capture_output=True, text=True, timeout=300)
    return done.stdout + done.stderr


def test_validate_names_the_failing_exercise_and_passes_the_solutions(course_copy):
    course = course_copy
    nbgrader(["generate_assignment", ASSIGNMENT, "--force"], course)
    solutions = _solutions()
    solved = _validate(course, _student_copy(course, solutions, "solved"))
    assert "Success! Your notebook passes all the tests." in solved, solved
    wrong = _validate(course, _student_copy(course, {**solutions, "sigmoid": WRONG_SIGMOID}, "wrong"))
    assert "VALIDATION FAILED ON 1 CELL(S)!" in wrong, wrong
    assert 'grader.check("derivatives.sigmoid", sigmoid)' in wrong, wrong
    assert "sigmoid does not pass its check yet" in wrong, wrong
    # its callers are checked with the reference sigmoid: they pass, so they are not listed
    assert "derivatives.sigmoid_derivative" not in wrong and "derivatives.logistic_loss_dz" not in wrong, wrong

    # Run All (here nbconvert --execute, which stops at the first error) still runs every cell
    path = _student_copy(course, {**solutions, "sigmoid": WRONG_SIGMOID}, "run_all")
    done = subprocess.run([os.path.join(os.path.dirname(sys.executable), "jupyter"), "nbconvert", "--to", "notebook",
                           "--execute", "--output", "executed.ipynb", str(path)], cwd=course, env=nbgrader_env(),
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    executed = nbformat.read(course / "executed.ipynb", as_version=4)
    code = [c for c in executed.cells if c.cell_type == "code"]
    assert all(c.get("execution_count") for c in code), "a cell was not run"
    stderr = [o.text for c in code for o in c.outputs if o.output_type == "stream" and o.name == "stderr"]
    assert stderr == ["sigmoid does not pass its check yet: see the feedback below this line.\n"], stderr

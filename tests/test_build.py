"""The one-source build: generated files are fresh, masters are well-formed, Colab setup and links work."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
import types
from pathlib import Path

import nbformat
import pytest

from conftest import ASSIGNMENTS, ROOT
from mlcourse import BRANCH, REPOSITORY, build, grader


def test_there_are_notebooks():
    assert ASSIGNMENTS and ASSIGNMENTS[0] == "01_derivatives"


def test_generated_files_are_up_to_date():
    stale = build.stale_files()
    assert not stale, f"stale generated files {stale}: run `python3 course.py build` and commit"


@pytest.mark.parametrize("folder", ["notebooks", "solutions", "grading/source/*"])
def test_committed_notebooks_carry_no_outputs(folder):
    paths = sorted(ROOT.glob(f"{folder}/*.ipynb"))
    assert paths
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None, path


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_exercise_of_the_topic_has_a_solution_and_a_test_cell(assignment):
    source = nbformat.read(ROOT / "grading" / "source" / assignment / f"{assignment}.ipynb", as_version=4)
    topic = assignment.split("_", 1)[1]
    tested = {m.group(1) for c in source.cells for m in re.finditer(r'grader\.check\("([^"]+)"', c.source)}
    registered = {e for e in grader.exercises() if e.startswith(topic + ".")}
    assert tested == registered
    solution_ids = {c.metadata["nbgrader"]["grade_id"] for c in source.cells
                    if c.metadata.get("nbgrader", {}).get("solution") and c.cell_type == "code"}
    assert {e.split(".", 1)[1] for e in registered} <= solution_ids
    manual = [c for c in source.cells if c.cell_type == "markdown" and c.metadata.get("nbgrader", {}).get("grade")]
    assert manual, "every notebook has at least one free-response question"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solutions_have_no_markers_and_no_hidden_tests(assignment):
    text = (ROOT / "solutions" / f"{assignment}.ipynb").read_text(encoding="utf-8")
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "HIDDEN TESTS", "grader.grade(", '"nbgrader"'):
        assert marker not in text


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_student_notebooks_hide_solutions_and_hidden_tests(assignment):
    nb = nbformat.read(ROOT / "notebooks" / f"{assignment}.ipynb", as_version=4)
    text = "\n".join(c.source for c in nb.cells)
    assert "HIDDEN TESTS" not in text and "grader.grade(" not in text and "BEGIN SOLUTION" not in text
    solution_cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution") and c.cell_type == "code"]
    assert solution_cells and all("raise NotImplementedError()" in c.source for c in solution_cells)


def _master(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "99_broken.py"
    path.write_text(body, encoding="utf-8")
    return path


@pytest.mark.parametrize("body, complaint", [
    ('# %% tests points=1\n', "missing exercise"),
    ('# %% tests exercise="derivatives.sigmoid" points=1\nprint(1)\n', "leave test cells empty"),
    ('# %% solution id="f"\ndef f():\n    return 1\n', "BEGIN SOLUTION"),
    ('# %% solutoin id="f"\nx = 1\n', "unknown cell kind"),
    ('# %% [markdown] answer id="q"\n# text\n', "missing points"),
])
def test_malformed_masters_are_refused_with_a_reason(tmp_path, body, complaint):
    with pytest.raises(build.MasterError, match=complaint):
        build.source_notebook(_master(tmp_path, body))


def _setup_cell(assignment: str) -> str:
    nb = nbformat.read(ROOT / "notebooks" / f"{assignment}.ipynb", as_version=4)
    return next(c.source for c in nb.cells if c.get("id") == "setup")


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_colab_setup_cell_installs_the_package_and_enables_widgets(assignment, monkeypatch):
    commands, enabled = [], []
    colab = types.ModuleType("google.colab")
    colab.output = types.SimpleNamespace(enable_custom_widget_manager=lambda: enabled.append(True))
    google = types.ModuleType("google")
    google.colab = colab
    monkeypatch.setitem(sys.modules, "google", google)
    monkeypatch.setitem(sys.modules, "google.colab", colab)
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "mlcourse" else real_find_spec(name, *a))
    monkeypatch.setattr(subprocess, "run", lambda cmd, **kw: commands.append(cmd))

    exec(compile(_setup_cell(assignment), "<setup cell>", "exec"), {})

    url = f"git+https://github.com/{REPOSITORY}@{BRANCH}"
    assert commands == [[sys.executable, "-m", "pip", "install", "--quiet", f"mlcourse @ {url}"]]
    assert enabled == [True]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_setup_cell_does_nothing_special_outside_colab(assignment, monkeypatch):
    commands = []
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    monkeypatch.setattr(subprocess, "run", lambda cmd, **kw: commands.append(cmd))
    namespace: dict = {}
    exec(compile(_setup_cell(assignment), "<setup cell>", "exec"), namespace)
    assert commands == [] and namespace["grader"] is grader


def test_every_colab_link_points_at_a_notebook_that_exists():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    prefix = f"https://colab.research.google.com/github/{REPOSITORY}/blob/{BRANCH}/"
    links = re.findall(r"\(https://colab\.research\.google\.com/github/([^)]+)\)", readme)
    assert len(links) == len(ASSIGNMENTS)
    for link in links:
        full = "https://colab.research.google.com/github/" + link
        assert full.startswith(prefix), full
        assert (ROOT / full[len(prefix):]).is_file(), full
    assert {Path(link).stem for link in links} == set(ASSIGNMENTS)

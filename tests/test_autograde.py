"""A synthetic class graded end to end by `python -m mlcourse.autograde`: honest, attacking and broken
submissions of notebook 01, graded in parallel, compared with serial nbgrader, resumed, reproduced.

Each attacking submission is the solutions plus one attack. The attacked exercise must score no more
than its honest code earns, every other exercise its full marks, and the instructor must be told what
happened; broken submissions are reported with a reason and never stop the others.
"""

from __future__ import annotations

import csv
import io
import json
import re

import nbformat
import pytest

from conftest import ROOT
from mlcourse import autograde
from mlcourse.build import nbgrader

ASSIGNMENT = "01_derivatives"
SEED = 777


def _release(course):
    return nbformat.read(course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)


def _solutions():
    source = nbformat.read(ROOT / "grading" / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    solved = nbformat.read(ROOT / "solutions" / f"{ASSIGNMENT}.ipynb", as_version=4)
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in source.cells]
    return {g: c.source for g, c in zip(ids, solved.cells) if g and c.cell_type == "code"}


def _solved(course, **answers):
    nb = _release(course)
    fill = {**_solutions(), **answers}
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in fill:
            cell.source = fill[grade_id]
    return nb


def _test_cell(nb, exercise):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == f"test_{exercise}")


def _edited_test(course):
    nb = _solved(course, sigmoid="def sigmoid(z):\n    return 0.5\n")
    _test_cell(nb, "sigmoid").source = "print('all good')"
    return nb


def _deleted_test(course):
    nb = _solved(course, sigmoid="def sigmoid(z):\n    return 0.5\n")
    nb.cells.remove(_test_cell(nb, "sigmoid"))
    return nb


def _changed_metadata(course):
    nb = _solved(course, sigmoid="def sigmoid(z):\n    return 0.5\n")
    cell = _test_cell(nb, "sigmoid")
    cell.metadata.nbgrader["points"] = 50
    solution = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "graph_forward")
    solution.metadata.nbgrader["grade_id"] = "renamed"
    other = _test_cell(nb, "relative_error")
    other.cell_type, other.metadata.nbgrader["grade"] = "markdown", False
    del other["outputs"], other["execution_count"]
    return nb


WRONG_SIGMOID = "def sigmoid(z):\n    return 0.5 * np.ones_like(z) if np.ndim(z) else 0.5\n"
ATTACKS = {  # student: (notebook maker, attacked exercise or None)
    "solved": (lambda course: _solved(course), None),
    "release": (_release, None),
    "edited_test": (_edited_test, "sigmoid"),
    "deleted_test": (_deleted_test, "sigmoid"),
    "changed_metadata": (_changed_metadata, "sigmoid"),
    "redefines_checker": (lambda course: _solved(course, sigmoid=(
        "grader.check = grader.grade = lambda *a, **k: 2.0\n"
        "import mlcourse.compare\nmlcourse.compare.compare = lambda *a, **k: None\n"
        "np.allclose = lambda *a, **k: True\n" + WRONG_SIGMOID)), "sigmoid"),
    "calls_reference": (lambda course: _solved(course, sigmoid=(
        "import importlib\nsigmoid = importlib.import_module('mlcourse.derivatives').sigmoid\n")), "sigmoid"),
    "kills_kernel": (lambda course: _solved(course, graph_forward=(
        "import os\nos._exit(1)\n" + _solutions()["graph_forward"])), "graph_forward"),
    "loops_forever": (lambda course: _solved(course, graph_forward=(
        "while True:\n    pass\n" + _solutions()["graph_forward"])), "graph_forward"),
    "floods_output": (lambda course: _solved(course, graph_forward=(
        "print('x' * 3_000_000)\n" + _solutions()["graph_forward"])), None),
}
BROKEN = {  # student: (how to make the folder, what the report says)
    "truncated": (lambda course, folder: (folder / f"{ASSIGNMENT}.ipynb").write_text(
        nbformat.writes(_solved(course))[:5000]), "not a readable notebook"),
    "other_assignment": (lambda course, folder: nbformat.write(nbformat.read(
        ROOT / "notebooks" / "02_gradient_descent.ipynb", as_version=4), folder / f"{ASSIGNMENT}.ipynb"),
        "from another assignment"),
    "missing": (lambda course, folder: (folder / "notes.txt").write_text("forgot the notebook"),
                f"{ASSIGNMENT}.ipynb is missing"),
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The class, graded once in parallel: (course folder, outcomes by student, printed report)."""
    course = tmp_path_factory.mktemp("class") / "grading"
    course.mkdir()
    (course / "nbgrader_config.py").write_text((ROOT / "grading" / "nbgrader_config.py").read_text())
    import shutil

    shutil.copytree(ROOT / "grading" / "source" / ASSIGNMENT, course / "source" / ASSIGNMENT)
    nbgrader(["generate_assignment", ASSIGNMENT, "--force"], course)
    for student, (make, _) in ATTACKS.items():
        folder = course / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        nbformat.write(make(course), folder / f"{ASSIGNMENT}.ipynb")
    for student, (make, _) in BROKEN.items():
        folder = course / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        make(course, folder)
    report = io.StringIO()
    first = list(ATTACKS)[:3]  # an interrupted run: only some students, then the rest
    autograde.grade_class(course, ASSIGNMENT, workers=2, seed=SEED, students=first, cell_timeout=8, out=report)
    outcomes = autograde.grade_class(course, ASSIGNMENT, workers=2, cell_timeout=8, out=report)
    return course, {o.student: o for o in outcomes}, report.getvalue()


def _cell_scores(course, student, db=None):
    from nbgrader.api import Gradebook

    with Gradebook(db or f"sqlite:///{course / 'gradebook.db'}") as gb:
        notebook = gb.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, student)
        return {g.name: (g.auto_score, g.max_score) for g in notebook.grades if g.cell_type == "code"}


def test_everyone_is_graded_or_reported_and_the_run_resumed_with_its_seed(graded):
    course, outcomes, report = graded
    assert set(outcomes) == set(ATTACKS) | set(BROKEN)
    for student in ATTACKS:
        assert outcomes[student].status == "graded", (student, outcomes[student].reason)
    for student, (_, said) in BROKEN.items():
        assert said in outcomes[student].reason, (student, outcomes[student])
        assert f"{student}: " in report
    state = json.loads((course / autograde.STATE_DIR / f"{ASSIGNMENT}.json").read_text())
    assert state["seed"] == SEED and "3 already done in this run" in report
    assert re.search(rf"\[#+\] {len(outcomes) - 3}/{len(outcomes) - 3}", report)  # progress of the resumed run


def test_honest_submissions_score_full_and_zero(graded):
    course = graded[0]
    assert all(score == top for score, top in _cell_scores(course, "solved").values())
    assert all(score == 0 for score, _ in _cell_scores(course, "release").values())


@pytest.mark.parametrize("student", [s for s, (_, attacked) in ATTACKS.items() if attacked])
def test_an_attack_costs_only_the_attacked_exercise(graded, student):
    course, outcomes, _ = graded
    scores = _cell_scores(course, student)
    attacked = f"test_{ATTACKS[student][1]}"
    assert scores[attacked][0] < scores[attacked][1], scores
    assert scores[attacked][1] == _cell_scores(course, "solved")[attacked][1]  # points come from the source
    others = {k: v for k, v in scores.items() if k != attacked and k not in _depends_on(ATTACKS[student][1])}
    assert all(score == top for score, top in others.values()), (student, others)


def _depends_on(exercise):
    return {"sigmoid": {"test_sigmoid_derivative", "test_logistic_loss_dz"}}.get(exercise, set())


def test_the_instructor_is_told_what_happened(graded):
    course, outcomes, report = graded
    assert "kernel died" in " ".join(outcomes["kills_kernel"].notes)
    assert "reference" in _graded_text(course, "calls_reference", "test_sigmoid")
    with open(course / "grading-records.csv", newline="") as f:
        rows = {r["student"]: r for r in csv.DictReader(f)}
    assert rows["kills_kernel"]["notes"] and rows["truncated"]["status"] == "failed"
    assert all(r["seed"] == str(SEED) and r["mlcourse"] for r in rows.values())


def test_flooding_the_output_loses_nothing(graded):
    course = graded[0]
    assert _cell_scores(course, "floods_output") == _cell_scores(course, "solved")


def _graded_text(course, student, grade_id):
    nb = nbformat.read(course / "autograded" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)
    return "".join(o.get("text", "") for o in cell.outputs)


def test_grades_and_feedback_come_out_without_hidden_tests(graded):
    course = graded[0]
    with open(course / "grades.csv", newline="") as f:
        rows = {r["student_id"]: r for r in csv.DictReader(f) if r["assignment"] == ASSIGNMENT}
    assert set(ATTACKS) <= set(rows)
    assert float(rows["solved"]["raw_score"]) == sum(top for _, top in _cell_scores(course, "solved").values())
    for student in ATTACKS:
        page = (course / "feedback" / student / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()
        assert "BEGIN HIDDEN TESTS" not in page and "grader.grade(" not in page


def test_rerunning_is_idempotent_and_regrading_with_the_seed_reproduces_the_scores(graded):
    course, outcomes, _ = graded
    before = {s: _cell_scores(course, s) for s in ATTACKS}
    again = io.StringIO()
    autograde.grade_class(course, ASSIGNMENT, workers=2, out=again)
    assert "0 submission(s)" in again.getvalue()
    assert {s: _cell_scores(course, s) for s in ATTACKS} == before
    autograde.grade_class(course, ASSIGNMENT, workers=2, seed=SEED, regrade=True,
                          students=["solved", "redefines_checker"], out=io.StringIO())
    assert {s: _cell_scores(course, s) for s in ["solved", "redefines_checker"]} == \
        {s: before[s] for s in ["solved", "redefines_checker"]}


def test_parallel_grades_equal_serial_nbgrader(graded, tmp_path, monkeypatch):
    """The same submissions graded by plain `nbgrader autograde` (one process, one after another)."""
    course = graded[0]
    import shutil

    serial = tmp_path / "grading"
    serial.mkdir()
    shutil.copy(course / "nbgrader_config.py", serial)
    shutil.copytree(course / "source", serial / "source")
    for student in ["solved", "release", "redefines_checker", "kills_kernel"]:
        shutil.copytree(course / "submitted" / student, serial / "submitted" / student)
    monkeypatch.setenv("MLCOURSE_GRADING_SEED", str(SEED))
    monkeypatch.delenv("MLCOURSE_SEED_LOGGED", raising=False)
    nbgrader(["generate_assignment", ASSIGNMENT, "--force"], serial)
    nbgrader(["autograde", ASSIGNMENT, "--create"], serial)
    for student in ["solved", "release", "redefines_checker", "kills_kernel"]:
        assert _cell_scores(serial, student) == _cell_scores(course, student), student

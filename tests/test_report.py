"""The class report (mlcourse.report) on a small graded class of notebook 01: the solutions, the release,
and students who made known mistakes (two of them the same one). Points must equal the gradebook's,
each mistake must be counted for exactly the students who made it, and the page must stand alone.
The same class shows what grading leaves beside it: points rounded to the course's step everywhere
(gradebook, grading-records.csv, grades.csv, the report), free-response points awaiting a person, and
no notes for an honest class."""

from __future__ import annotations

import base64
import csv
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from conftest import ROOT
from mlcourse import autograde, grader, records, report
from mlcourse.build import nbgrader

ASSIGNMENT = "01_derivatives"
SIGN = ("sigmoid", "import numpy as np\n\ndef sigmoid(z):\n    s = 1 / (1 + np.exp(z))\n"
        "    return float(s) if np.ndim(s) == 0 else s\n", "The sign in the exponent is wrong")
FORWARD = ("numerical_derivative", "def numerical_derivative(f, x, h=1e-5):\n    return (f(x + h) - f(x)) / h\n",
           "forward difference")
ZZ = ("sigmoid_derivative", "def sigmoid_derivative(z):\n    return z * (1 - z)\n", "You computed z(1 − z)")
# the textbook formula: overflows on the 2 edge cases of 7, so 2 · 5/7 = 1.4286 points, recorded as 1.43
TEXTBOOK = ("sigmoid", "import numpy as np\n\ndef sigmoid(z):\n    s = 1 / (1 + np.exp(-np.asarray(z, dtype=float)))\n"
            "    return float(s) if np.ndim(s) == 0 else s\n", None)
CLASS = {"solved": [], "sign_a": [SIGN], "sign_b": [SIGN], "forward": [FORWARD, TEXTBOOK], "two_mistakes": [FORWARD, ZZ]}


def _solutions():
    source = nbformat.read(ROOT / "grading" / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    solved = nbformat.read(ROOT / "solutions" / f"{ASSIGNMENT}.ipynb", as_version=4)
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in source.cells]
    return {g: c.source for g, c in zip(ids, solved.cells) if g and c.cell_type == "code"}


def _submit(course, student, fill):
    nb = nbformat.read(course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in fill:
            cell.source = fill[grade_id]
    folder = course / "submitted" / student / ASSIGNMENT
    folder.mkdir(parents=True)
    nbformat.write(nb, folder / f"{ASSIGNMENT}.ipynb")


def _graded_class(tmp_path):
    course = tmp_path / "grading"
    course.mkdir()
    shutil.copy(ROOT / "grading" / "nbgrader_config.py", course)
    shutil.copytree(ROOT / "grading" / "source" / ASSIGNMENT, course / "source" / ASSIGNMENT)
    nbgrader(["generate_assignment", ASSIGNMENT, "--force"], course)
    solutions = _solutions()
    for student, mistakes in CLASS.items():
        _submit(course, student, {**solutions, **{cell: source for cell, source, _ in mistakes}})
    written = {"why_central": "Its error shrinks like h squared.", "learning_rate": "It overshoots."}
    _submit(course, "wrote_answers", {**solutions, **written})  # free responses for the formgrader
    _submit(course, "release", {})
    # the whole command an instructor types: grade, then report
    assert autograde.main([ASSIGNMENT, "--course", str(course), "--workers", "2", "--seed", "5",
                           "--cell-timeout", "60", "--no-feedback", "--report"]) == 0
    return course


def _rows(path: Path, key: str) -> dict[str, dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return {r[key]: r for r in csv.DictReader(f)}


def _gradebook_points(course):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return {s.student.id: {g.name: g.auto_score if g.manual_score is None else g.manual_score
                               for nb in s.notebooks for g in nb.grades}
                for s in gb.find_assignment(ASSIGNMENT).submissions}


def _points_csv_is_the_gradebook(graded_class):
    rows = _rows(graded_class / "reports" / f"{ASSIGNMENT}-points.csv", "student_id")
    book = _gradebook_points(graded_class)
    assert set(rows) == set(CLASS) | {"release", "wrote_answers"} == set(book)
    for student, grades in book.items():
        for cell, score in grades.items():
            shown = rows[student][cell]
            assert shown == "" if score is None else float(shown) == pytest.approx(score), (student, cell)
        assert float(rows[student]["total"]) == pytest.approx(sum(g or 0 for g in grades.values()))
    data = report.gather(graded_class, ASSIGNMENT)
    checks = [c for c in data.cells if c.exercise_id]
    assert float(rows["solved"]["total"]) == sum(c.max_score for c in checks) > 0
    # written free-response answers wait for a person: blank until the formgrader has a score (an
    # untouched one scores 0 at once)
    free = [c.key for c in data.cells if not c.exercise_id]
    assert free and all(rows["wrote_answers"][k] == "" and rows["solved"][k] == "0" for k in free)
    assert float(rows["solved"]["max_total"]) == data.max_total > float(rows["solved"]["total"])
    assert float(rows["release"]["total"]) == 0
    assert "test_sigmoid" in rows["solved"] and "test_numerical_derivative" in rows["solved"]


def _each_known_mistake_is_counted_for_exactly_who_made_it(graded_class):
    data = report.gather(graded_class, ASSIGNMENT)
    expected = {}
    for student, mistakes in CLASS.items():
        for cell, _, sentence in mistakes:
            if sentence:
                expected.setdefault((f"test_{cell}", sentence), []).append(student)
    found = {(key, sentence): who for key, by in data.mistakes.items() for sentence, who in by.items()}
    for (key, start), students in expected.items():
        full = [s for s in grader.exercise(f"derivatives.{key.removeprefix('test_')}").fingerprints if start in s]
        assert len(full) == 1 and found.get((key, full[0])) == sorted(students), (key, start, found)
    # no mistake is credited to a student who did not make it (the solved and the release have none)
    assert not any(s in ("solved", "release") for who in found.values() for s in who), found
    # the release lost points everywhere without a known mistake: "not implemented" is not one
    assert all("release" in who for key, who in data.unexplained.items()), data.unexplained
    assert data.full_marks(next(c for c in data.cells if c.cell == "test_sigmoid")) == \
        sorted([s for s in CLASS if not {SIGN, TEXTBOOK} & set(CLASS[s])] + ["wrote_answers"])


def _the_page_stands_alone_and_shows_the_class(graded_class):
    page = (graded_class / "reports" / f"{ASSIGNMENT}-report.html").read_text(encoding="utf-8")
    images = re.findall(r'<img[^>]*src="([^"]+)"', page)
    assert len(images) >= 3 and all(src.startswith("data:image/png;base64,") for src in images)
    assert all(base64.b64decode(src.split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n" for src in images)
    assert not re.search(r'(src|href)="(https?:|/)', page)  # nothing fetched from elsewhere
    assert "7 submissions graded" in page and "2 free-response answer(s) still to grade" in page
    assert "The sign in the exponent is wrong" in page and "sign_a, sign_b" in page
    overview = (graded_class / "reports" / f"{ASSIGNMENT}-report.png").read_bytes()
    assert overview[:8] == b"\x89PNG\r\n\x1a\n" and len(overview) > 20_000


def _points_are_rounded_alike_everywhere(graded_class):
    """2 · 5/7 points are 1.43 in the gradebook, and every total is that sum to 0.01 in
    grading-records.csv, grades.csv and the report's table."""
    book = _gradebook_points(graded_class)
    assert book["forward"]["test_sigmoid"] == 1.43
    expected = sum(p or 0 for p in book["forward"].values())
    shown = {"records": _rows(graded_class / "grading-records.csv", "student")["forward"]["score"],
             "grades.csv": _rows(graded_class / "grades.csv", "student_id")["forward"]["raw_score"],
             "report": _rows(graded_class / "reports" / f"{ASSIGNMENT}-points.csv", "student_id")["forward"]["total"]}
    assert all(re.fullmatch(r"\d+\.\d\d?", text) and float(text) == pytest.approx(expected, abs=1e-9)
               for text in shown.values()), (shown, expected)
    assert re.search(r"<td class=\"part\">1\.43</td>", (graded_class / "reports" / f"{ASSIGNMENT}-report.html").read_text())


def _another_step_is_one_setting(graded_class):
    """c.IsolatedGrades.round_to = 0.5 in nbgrader_config.py: grades.csv and the report show halves."""
    config = graded_class / "nbgrader_config.py"
    config.write_text(config.read_text() + "\nc.IsolatedGrades.round_to = 0.5\n")
    nbgrader(["export", "--to", "halves.csv"], graded_class)
    assert _rows(graded_class / "halves.csv", "student_id")["forward"]["raw_score"].endswith(".5")
    points = report.write_csv(report.gather(graded_class, ASSIGNMENT), graded_class / "halves-points.csv")
    row = _rows(points, "student_id")["forward"]
    assert row["test_sigmoid"] == "1.5" and float(row["total"]) * 2 == int(float(row["total"]) * 2)


def _records_note_nothing_and_count_the_free_responses(graded_class, printed):
    """An honest class leaves no notes; the free-response points that wait for a person are shown in
    the progress bar, the summary and grading-records.csv."""
    rows = _rows(graded_class / "grading-records.csv", "student")
    assert set(rows) == set(CLASS) | {"release", "wrote_answers"}
    assert all(row["notes"] == "" for row in rows.values()), {s: r["notes"] for s, r in rows.items()}
    free = sum(c.max_score for c in report.gather(graded_class, ASSIGNMENT).cells if not c.exercise_id)
    assert float(rows["wrote_answers"]["pending_manual"]) == free > 0 and rows["solved"]["pending_manual"] == "0"
    assert re.search(rf"wrote_answers: [\d.]+/[\d.]+, {free:g} to grade by hand", printed), printed
    assert f"To grade by hand (Formgrader): {free:g} points of free-response answers from 1 student(s)" in printed
    assert "What happened while grading" not in (graded_class / "reports" / f"{ASSIGNMENT}-report.html").read_text()


def test_the_report_of_a_small_class(tmp_path, capfd):
    """One test, so that the class is graded once whichever xdist worker runs it."""
    course = _graded_class(tmp_path)
    printed = capfd.readouterr().out
    _points_csv_is_the_gradebook(course)
    _each_known_mistake_is_counted_for_exactly_who_made_it(course)
    _the_page_stands_alone_and_shows_the_class(course)
    _records_note_nothing_and_count_the_free_responses(course, printed)
    _points_are_rounded_alike_everywhere(course)
    _another_step_is_one_setting(course)


def test_a_mistake_shown_only_as_html_is_found():
    cell = nbformat.v4.new_code_cell(outputs=[nbformat.v4.new_output(
        "display_data", data={"text/plain": "<CheckResult>",
                              "text/html": "<div><b>sigmoid:</b> You computed z(1 &minus; z)</div>"})])
    assert "You computed z(1 − z)" in report.output_text(cell)


def test_no_gradebook_is_a_clear_message(tmp_path, capsys):
    assert report.main([ASSIGNMENT, "--course", str(tmp_path)]) == 1
    assert "grade the assignment first" in capsys.readouterr().err


def test_an_assignment_nobody_handed_in_yet(tmp_path):
    """No submission in the gradebook yet; what grading-records.csv noted is shown all the same."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{tmp_path / 'gradebook.db'}") as gb:
        gb.add_assignment("02_gradient_descent")
    records.write_records(tmp_path, "02_gradient_descent", [
        {"student": "dave", "status": "graded", "notes": "02_gradient_descent: test_step: the student edited this locked cell"},
        {"student": "erin", "status": "graded", "notes": ""}])
    paths = report.write_report(tmp_path, "02_gradient_descent", out=None)
    page = paths["html"].read_text(encoding="utf-8")
    assert "No graded submission yet" in page
    assert "What happened while grading" in page and "<b>dave</b>: 02_gradient_descent: test_step: the student edited" in page
    assert "<b>erin</b>" not in page
    assert paths["csv"].read_text().splitlines() == ["student_id,late_penalty,total,max_total"]

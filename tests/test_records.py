"""Rounding and grading-records.csv (mlcourse/records.py) on their own: the step, full marks that were
not earned, the text instructors read, rows replaced rather than added, and the one setting in
nbgrader_config.py. Through real grading: tests/test_report.py and tests/test_autograde.py."""

from __future__ import annotations

import csv

import pytest
import traitlets
from traitlets.config import Config

from conftest import ROOT
from mlcourse import records
from mlcourse.autograde import IsolatedGrades


@pytest.mark.parametrize("points, step, expected", [
    (13.678571, 0.01, 13.68), (2 * 5 / 7, 0.01, 1.43), (0.125, 0.01, 0.13), (0.145, 0.01, 0.15),
    (1.4286, 0.5, 1.5), (1.2, 0.5, 1.0), (1.25, 0.5, 1.5), (7.0, 0.25, 7.0), (1.4286, 0.0, 1.4286), (0.004, 0.01, 0.0),
])
def test_points_go_to_the_nearest_step_halves_up(points, step, expected):
    assert records.rounded(points, step) == expected


def test_a_cell_below_full_marks_stays_below_them():
    assert records.cell_points(1.996, 2, 0.01) == 1.99  # one case of many failed: not shown as full marks
    assert records.cell_points(0.9, 1, 0.5) == 0.5
    assert records.cell_points(2.0, 2, 0.01) == 2.0 and records.cell_points(1.994, 2, 0.01) == 1.99
    assert records.cell_points(0.3, 0.5, 1) == 0.0


@pytest.mark.parametrize("points, step, text", [
    (20.0, 0.01, "20"), (13.678571, 0.01, "13.68"), (13.6, 0.01, "13.6"), (0.0, 0.01, "0"), (100, 1, "100"),
    (1.4286, 0.5, "1.5"), (7.25, 0.25, "7.25"), (2 * 5 / 7, 0, "1.428571429"), (1.43 + 2.0 + 3.14, 0.01, "6.57"),
])
def test_the_text_instructors_read(points, step, text):
    assert records.points_text(points, step) == text


def test_the_step_is_one_setting_of_isolated_grades(tmp_path):
    assert IsolatedGrades().round_to == records.DEFAULT_STEP == 0.01
    with pytest.raises(traitlets.TraitError):
        IsolatedGrades(round_to=-1)
    config = (ROOT / "grading" / "nbgrader_config.py").read_text()
    assert "c.IsolatedGrades.round_to = 0.01" in config and "c.ExportApp.plugin_class = RoundedCsvExport" in config
    assert records.course_step(ROOT / "grading") == 0.01
    (tmp_path / "nbgrader_config.py").write_text("c = get_config()\nc.IsolatedGrades.round_to = 0.5\n")
    assert records.course_step(tmp_path) == 0.5 == IsolatedGrades(config=Config(IsolatedGrades={"round_to": 0.5})).round_to
    assert records.course_step(tmp_path / "nowhere") == records.DEFAULT_STEP


def test_a_later_run_replaces_rows_instead_of_adding_them(tmp_path):
    old = ["assignment,student,status,score,max_score,seed,mlcourse,seconds,reason,notes,isolation",  # older columns
           "01_derivatives,alice,graded,13.6786,23.0,1,0.1.0,3.0,,,jail",
           "01_derivatives,alice,graded,13.6786,23.0,1,0.1.0,3.0,,,jail",  # appended twice by an older version
           "01_derivatives,bob,failed,0,0,1,0.1.0,3.0,truncated,,jail",
           "02_gradient_descent,alice,graded,9,10,2,0.1.0,3.0,,,jail"]
    (tmp_path / records.RECORDS).write_text("\n".join(old) + "\n")
    records.write_records(tmp_path, "01_derivatives", [{"student": "bob", "status": "graded", "score": "20",
                                                         "notes": "01_derivatives: sigmoid: syntax error"}])
    with open(tmp_path / records.RECORDS, newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == records.COLUMNS
    assert [(r["assignment"], r["student"], r["status"]) for r in rows] == [
        ("01_derivatives", "alice", "graded"), ("01_derivatives", "bob", "graded"), ("02_gradient_descent", "alice", "graded")]
    assert rows[1]["notes"] == "01_derivatives: sigmoid: syntax error" and rows[0]["score"] == "13.6786"


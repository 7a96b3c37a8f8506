"""What grading leaves for the instructor, and how its points are rounded.

- **Rounding.** Points are rounded to one step, `c.IsolatedGrades.round_to` in `nbgrader_config.py`
  (0.01 by default; 0.5 for halves; 0 for no rounding): each autograded test cell's points when they are
  recorded, so the gradebook, the formgrader and the feedback hold the rounded number, and every total
  shown in grading-records.csv, grades.csv (`RoundedCsvExport`, installed as nbgrader's
  exporter) and the class report (`mlcourse.report`). Rounding never gives a cell full marks
  that it did not earn.
- **grading-records.csv.** One row per assignment and student: status, score, points still to grade by
  hand, seed, version, time, and in `notes` what happened (cells restored, syntax errors, time limits,
  what the jail refused). A later run replaces a student's row instead of adding one.
"""

from __future__ import annotations

import csv
import math
import os
from pathlib import Path

from . import require_instructor_extra

require_instructor_extra("mlcourse.records", __name__)
from nbgrader.api import Gradebook, MissingEntry  # noqa: E402
from nbgrader.plugins import CsvExportPlugin  # noqa: E402

DEFAULT_STEP = 0.01
RECORDS = "grading-records.csv"  # in the course folder
COLUMNS = ["assignment", "student", "status", "score", "max_score", "pending_manual", "seed", "mlcourse",
           "seconds", "reason", "notes", "isolation"]


# ---------------------------------------------------------------------------------------------------
# Rounding


def _decimals(step: float) -> int:
    return next((d for d in range(12) if abs(round(step, d) - step) < 1e-12), 12)


def rounded(points: float, step: float) -> float:
    """`points` to the nearest multiple of `step` (halves up); unchanged when `step` is 0."""
    points = float(points)
    if not step or step <= 0 or not math.isfinite(points):
        return points
    return round(math.floor(points / step + 0.5 + 1e-9) * step, _decimals(step)) + 0.0  # + 0.0: no -0.0


def cell_points(points: float, top: float, step: float) -> float:
    """A graded cell's points to the step; a cell below full marks stays below them."""
    result = rounded(points, step)
    if step and points < top <= result:
        result = max(0.0, rounded(top - step, step))
    return result


def points_text(points: float, step: float) -> str:
    """Points as the instructor reads them: 13.68, 20 (not 13.6786 or 20.0)."""
    if not step or step <= 0:
        return f"{float(points):.10g}"
    text = f"{rounded(points, step):.{_decimals(step)}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def configured_step(config) -> float:
    """The step set in a loaded nbgrader configuration (traitlets Config), else the default."""
    step = config.IsolatedGrades.get("round_to", DEFAULT_STEP) if "IsolatedGrades" in config else DEFAULT_STEP
    return max(0.0, float(step))


def course_step(course: Path) -> float:
    """The step set in `course`/nbgrader_config.py (the default if it sets none or cannot be read)."""
    from traitlets.config.loader import PyFileConfigLoader

    if not (Path(course) / "nbgrader_config.py").exists():
        return DEFAULT_STEP
    try:
        return configured_step(PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config())
    except Exception:  # noqa: BLE001 - a configuration nbgrader cannot load either; grading says why
        return DEFAULT_STEP


# ---------------------------------------------------------------------------------------------------
# grading-records.csv


def write_records(course: Path, assignment: str, rows: list[dict]) -> Path:
    """Put `rows` (one per student, keys from COLUMNS) into the course's grading-records.csv: each
    replaces that student's earlier row for `assignment`; rows of other students and assignments stay."""
    path = Path(course) / RECORDS
    kept: dict[tuple[str, str], dict] = {}
    if path.exists():
        with open(path, newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                kept[(row.get("assignment") or "", row.get("student") or "")] = row  # the last row of each
    for row in rows:
        kept[(assignment, row["student"])] = {**row, "assignment": assignment}
    scratch = path.with_name(path.name + ".new")
    with open(scratch, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, COLUMNS, extrasaction="ignore")
        writer.writeheader()
        for key in sorted(kept):
            writer.writerow({column: kept[key].get(column, "") for column in COLUMNS})
    os.replace(scratch, path)
    return path


def pending_manual(db: Path, assignment: str, student: str | None = None) -> dict[str, float]:
    """Points per student (or of one student) that wait for a person in the formgrader: free-response
    answers written and not yet graded."""
    pending: dict[str, float] = {}
    with Gradebook(f"sqlite:///{db}") as gb:
        try:
            submissions = ([gb.find_submission(assignment, student)] if student
                           else gb.find_assignment(assignment).submissions)
        except MissingEntry:
            return pending
        for submission in submissions:
            pending[submission.student.id] = pending_points(submission)
    return pending


def pending_points(submission) -> float:
    """The points of a gradebook submission that wait for a person: free-response answers not yet graded."""
    return sum(float(g.max_score) for nb in submission.notebooks for g in nb.grades
               if g.needs_manual_grade and g.manual_score is None)


# ---------------------------------------------------------------------------------------------------
# grades.csv


class RoundedCsvExport(CsvExportPlugin):
    """nbgrader's CSV exporter (`nbgrader export`: the same columns and rows), with every score rounded to
    the course's step (`IsolatedGrades.round_to`), written as proper CSV (a comma in a name stays put)."""

    def export(self, gradebook) -> None:
        step = configured_step(self.config)
        keys = ["assignment", "duedate", "timestamp", "student_id", "last_name", "first_name", "email",
                "raw_score", "late_submission_penalty", "score", "max_score"]
        assignments, students = {str(a) for a in self.assignment}, {str(s) for s in self.student}
        with open(self.to or "grades.csv", "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(keys)
            for assignment in gradebook.assignments:
                if assignments and assignment.name not in assignments:
                    continue
                for student in gradebook.students:
                    if students and student.id not in students:
                        continue
                    try:
                        submission = gradebook.find_submission(assignment.name, student.id)
                        timestamp = submission.timestamp
                        raw = rounded(submission.score, step)
                        penalty = rounded(submission.late_submission_penalty or 0.0, step)
                    except MissingEntry:  # nothing handed in: 0, as nbgrader exports it
                        timestamp, raw, penalty = None, 0.0, 0.0
                    row = [assignment.name, assignment.duedate, timestamp, student.id, student.last_name,
                           student.first_name, student.email, *(points_text(v, step) for v in (
                               raw, penalty, max(0.0, raw - penalty), assignment.max_score))]
                    writer.writerow(["" if value is None else value for value in row])

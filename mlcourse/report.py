"""The class at a glance: `python -m mlcourse.autograde <assignment> --report` (or `python -m mlcourse.report`).

After grading, it writes to `<course>/reports/`:

- `<assignment>-points.csv`: one row per student, one column per graded cell (points), the late
  penalty and the total, straight from nbgrader's gradebook (manual grades included once given);
- `<assignment>-report.html`: one self-contained page (figures embedded as PNG) with the score
  distribution, each exercise's pass rate, which known mistakes how many students made (and who), and
  the table of points coloured by how complete each answer is;
- `<assignment>-report.png`: the same figures on one image, to glance at or paste into a message.

Points come from the gradebook, rounded to the course's step (`c.IsolatedGrades.round_to` in
nbgrader_config.py, `mlcourse.records`), as in grading-records.csv and grades.csv. What happened while
grading (cells restored, syntax errors, time limits, refusals) comes from grading-records.csv. Mistakes come from the autograded notebooks: a graded test cell's
output is the check's feedback, which names a known mistake with one of the exercise's own fingerprint
sentences (`mlcourse.grader`); the report looks for exactly those sentences, so it does not depend on
how the rest of the feedback is laid out.
"""

from __future__ import annotations

import argparse
import base64
import csv
import datetime
import html
import io
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import numpy as np
from matplotlib.figure import Figure

from . import __version__, grader, plots, records
from .records import points_text

REPORTS = "reports"  # in the course folder
_GRADE_CALL = re.compile(r"""grader\.grade\(\s*["']([\w.]+)["']""")


@dataclass
class Graded:
    """One graded cell of the assignment: an autograded check or a free-response answer."""

    notebook: str
    cell: str  # nbgrader grade id, e.g. "test_sigmoid"
    max_score: float
    exercise_id: str | None = None  # "derivatives.sigmoid" for a check, None for a free response
    key: str = ""  # column name: the grade id, prefixed by the notebook when the assignment has several

    @property
    def label(self) -> str:
        return self.key.removeprefix("test_") if self.exercise_id else self.key


@dataclass
class ClassData:
    """Everything the report shows, gathered once."""

    assignment: str
    cells: list[Graded]
    points: dict[str, dict[str, float | None]]  # student -> cell key -> points (None: not graded yet)
    penalty: dict[str, float]  # student -> late penalty
    mistakes: dict[str, dict[str, list[str]]]  # cell key -> fingerprint sentence -> students
    unexplained: dict[str, list[str]]  # cell key -> students who lost points without a known mistake
    failed: dict[str, str] = field(default_factory=dict)  # student -> why grading failed (grading-records.csv)
    notes: dict[str, str] = field(default_factory=dict)  # student -> what happened while grading (the same)
    step: float = records.DEFAULT_STEP  # points are rounded to multiples of this

    @property
    def students(self) -> list[str]:
        return sorted(self.points)

    @property
    def max_total(self) -> float:
        return records.rounded(sum(c.max_score for c in self.cells), self.step)

    def total(self, student: str) -> float:
        return records.rounded(sum(p or 0.0 for p in self.points[student].values())
                               - self.penalty.get(student, 0.0), self.step)

    def text(self, points: float) -> str:
        return points_text(points, self.step)

    def full_marks(self, cell: Graded) -> list[str]:
        return [s for s in self.students if _full(self.points[s].get(cell.key), cell.max_score)]


def _full(points: float | None, top: float) -> bool:
    return points is not None and points >= top - 1e-9


# ---------------------------------------------------------------------------------------------------
# Gathering: gradebook for points, autograded notebooks for mistakes


def gather(course: Path, assignment: str) -> ClassData:
    from nbgrader.api import Gradebook, MissingEntry

    course = Path(course).resolve()
    db = course / "gradebook.db"
    if not db.exists():
        raise FileNotFoundError(f"{db} does not exist: grade the assignment first")
    step = records.course_step(course)
    with Gradebook(f"sqlite:///{db}") as gb:
        try:
            found = gb.find_assignment(assignment)
        except MissingEntry:
            raise LookupError(f"the gradebook has no assignment {assignment!r}") from None
        cells = []
        for notebook in found.notebooks:
            sources = {c.name: c.source for c in notebook.source_cells}
            order = _cell_order(course, assignment, notebook.name)
            for cell in sorted(notebook.grade_cells, key=lambda c: (order.get(c.name, len(order)), c.name)):
                match = _GRADE_CALL.search(sources.get(cell.name, "")) if cell.cell_type == "code" else None
                cells.append(Graded(notebook.name, cell.name, float(cell.max_score),
                                    match.group(1) if match else None))
        several = len(found.notebooks) > 1
        for cell in cells:
            cell.key = f"{cell.notebook}:{cell.cell}" if several else cell.cell
        by_name = {(c.notebook, c.cell): c.key for c in cells}
        points, penalty = {}, {}
        for submission in found.submissions:
            student = submission.student.id
            points[student] = {c.key: None for c in cells}
            penalty[student] = float(submission.late_submission_penalty or 0.0)
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    key = by_name.get((notebook.name, grade.name))
                    if key is not None:
                        points[student][key] = _points(grade, step)
    mistakes, unexplained = _mistakes(course, assignment, cells, points)
    failed, notes = _records(course, assignment, points)
    return ClassData(assignment, cells, points, penalty, mistakes, unexplained, failed, notes, step)


def _points(grade, step: float) -> float | None:
    """A grade's points: the manual score if given, else the autograde score (to the course's step);
    None while a person must still grade it."""
    if grade.manual_score is not None:
        return records.rounded(grade.manual_score, step)
    if grade.auto_score is not None:
        return records.cell_points(grade.auto_score, float(grade.max_score), step)
    return None


def _cell_order(course: Path, assignment: str, notebook: str) -> dict[str, int]:
    """Grade ids in the order they appear in the source notebook (the gradebook keeps no order)."""
    for folder in ("source", "release"):
        path = course / folder / assignment / f"{notebook}.ipynb"
        if path.exists():
            ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in nbformat.read(path, as_version=4).cells]
            return {grade_id: k for k, grade_id in enumerate(ids) if grade_id}
    return {}


def output_text(cell) -> str:
    """All a code cell showed, as text: streams, plain text and (unescaped, untagged) HTML results."""
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            parts.append(out.get("text", ""))
        elif out.get("output_type") in ("execute_result", "display_data"):
            data = out.get("data", {})
            parts.append(data.get("text/plain", ""))
            if "text/html" in data:
                parts.append(html.unescape(re.sub(r"<[^>]+>", " ", data["text/html"])))
    return "\n".join(p if isinstance(p, str) else "".join(p) for p in parts)


def _sentences(exercise_id: str) -> list[str]:
    try:
        return list(grader.exercise(exercise_id).fingerprints)
    except (KeyError, LookupError, ValueError):  # an exercise this version of mlcourse does not know
        return []


def _mistakes(course: Path, assignment: str, cells: list[Graded], points: dict) -> tuple[dict, dict]:
    """For each autograded check: which known mistakes (by fingerprint sentence) which students made, and
    who lost points without one."""
    mistakes: dict[str, dict[str, list[str]]] = {c.key: defaultdict(list) for c in cells if c.exercise_id}
    unexplained: dict[str, list[str]] = {c.key: [] for c in cells if c.exercise_id}
    checks = {(c.notebook, c.cell): c for c in cells if c.exercise_id}
    sentences = {c.key: _sentences(c.exercise_id) for c in checks.values()}
    for student in sorted(points):
        shown: dict[str, str] = {}
        for notebook in {c.notebook for c in cells}:
            path = course / "autograded" / student / assignment / f"{notebook}.ipynb"
            try:
                nb = nbformat.read(path, as_version=4)
            except (OSError, ValueError):
                continue
            for cell in nb.cells:
                check = checks.get((notebook, cell.metadata.get("nbgrader", {}).get("grade_id")))
                if check is not None and cell.cell_type == "code":
                    shown[check.key] = output_text(cell)
        for check in checks.values():
            if _full(points[student].get(check.key), check.max_score):
                continue
            text = shown.get(check.key, "")
            named = [s for s in sentences[check.key] if s in text]
            for sentence in named:
                mistakes[check.key][sentence].append(student)
            if not named:
                unexplained[check.key].append(student)
    return {k: dict(v) for k, v in mistakes.items()}, unexplained


def _records(course: Path, assignment: str, points: dict) -> tuple[dict[str, str], dict[str, str]]:
    """From grading-records.csv: students whose last grading run failed and who have no grades (why), and
    what happened while the others were graded (notes)."""
    path = course / records.RECORDS
    failed: dict[str, str] = {}
    notes: dict[str, str] = {}
    if not path.exists():
        return failed, notes
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row.get("assignment") != assignment or not row.get("student"):
                continue
            student = row["student"]
            failed.pop(student, None)
            notes.pop(student, None)
            if row.get("status") == "failed":
                failed[student] = row.get("reason", "") or "grading failed"
            elif row.get("notes"):
                notes[student] = row["notes"]
    return {s: why for s, why in failed.items() if s not in points}, notes


# ---------------------------------------------------------------------------------------------------
# Writing: CSV, figures, HTML


def write_csv(data: ClassData, path: Path) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["student_id", *[c.key for c in data.cells], "late_penalty", "total", "max_total"])
        for student in data.students:
            row = data.points[student]
            writer.writerow([student, *["" if row[c.key] is None else data.text(row[c.key]) for c in data.cells],
                             data.text(data.penalty.get(student, 0.0)), data.text(data.total(student)),
                             data.text(data.max_total)])
    return path


def _score_distribution(ax, data: ClassData) -> None:
    totals = [data.total(s) for s in data.students]
    top = data.max_total or 1.0
    bins = np.linspace(0, top, min(11, max(2, int(top) + 1)))
    ax.hist(totals, bins=bins, color=plots.REFERENCE, edgecolor="white")
    if totals:
        ax.axvline(float(np.median(totals)), color=plots.STUDENT, linewidth=2,
                   label=f"median {np.median(totals):.3g} of {top:g}")
        ax.legend(fontsize=plots.FONT["legend"], loc="upper left")
    ax.set_xlim(0, top)
    ax.set_xlabel("total points", fontsize=plots.FONT["label"])
    ax.set_ylabel("students", fontsize=plots.FONT["label"])
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.set_title(f"Score distribution ({len(totals)} graded)", fontsize=plots.FONT["title"])


def _pass_rates(ax, data: ClassData) -> None:
    labels = [c.label for c in data.cells]
    graded = [max(1, sum(data.points[s][c.key] is not None for s in data.students)) for c in data.cells]
    full = [len(data.full_marks(c)) / n for c, n in zip(data.cells, graded)]  # among those graded so far
    share = [np.mean([(data.points[s][c.key] or 0.0) / c.max_score if c.max_score else 0.0
                      for s in data.students]) if data.students else 0.0 for c in data.cells]
    y = np.arange(len(labels))
    ax.barh(y, full, color=plots.ACCENT, height=0.6, label="full marks")
    ax.scatter(share, y, color=plots.STUDENT, zorder=3, s=18, label="mean share of points")
    ax.set_yticks(y, labels, fontsize=plots.FONT["tick"])
    ax.invert_yaxis()
    ax.set_xlim(0, 1.02)
    ax.xaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    ax.set_xlabel("students", fontsize=plots.FONT["label"])
    ax.legend(fontsize=plots.FONT["legend"], loc="lower right")
    ax.set_title("Pass rate per exercise", fontsize=plots.FONT["title"])


def _mistake_rows(data: ClassData) -> list[tuple[Graded, str, list[str]]]:
    rows = [(c, sentence, who) for c in data.cells for sentence, who in data.mistakes.get(c.key, {}).items()]
    return sorted(rows, key=lambda r: -len(r[2]))


def _known_mistakes(ax, data: ClassData) -> None:
    rows = _mistake_rows(data)[:12]
    if not rows:
        ax.text(0.5, 0.5, "No known mistake was made", ha="center", va="center", transform=ax.transAxes,
                fontsize=plots.FONT["label"], color=plots.MUTED)
        ax.set_axis_off()
    else:
        y = np.arange(len(rows))
        ax.barh(y, [len(who) for _, _, who in rows], color=plots.WARNING, height=0.6)
        ax.set_yticks(y, [f"{c.label}: {_short(s, 48)}" for c, s, _ in rows], fontsize=plots.FONT["tick"] - 1)
        ax.invert_yaxis()
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.set_xlabel("students", fontsize=plots.FONT["label"])
    ax.set_title("Known mistakes made", fontsize=plots.FONT["title"])


def _points_map(ax, data: ClassData) -> None:
    if not data.students or not data.cells:
        ax.text(0.5, 0.5, "No graded submission yet", ha="center", va="center", transform=ax.transAxes,
                fontsize=plots.FONT["label"], color=plots.MUTED)
        ax.set_axis_off()
        return
    shares = np.array([[np.nan if data.points[s][c.key] is None else
                        (data.points[s][c.key] / c.max_score if c.max_score else 1.0)
                        for c in data.cells] for s in data.students]).reshape(len(data.students), len(data.cells))
    cmap = _share_colormap()
    ax.imshow(np.ma.masked_invalid(shares), cmap=cmap, vmin=0, vmax=1, aspect="auto", interpolation="nearest")
    ax.set_xticks(range(len(data.cells)), [c.label for c in data.cells], rotation=60, ha="right",
                  fontsize=plots.FONT["tick"] - 1)
    step = max(1, len(data.students) // 30)
    ax.set_yticks(range(0, len(data.students), step), data.students[::step], fontsize=plots.FONT["tick"] - 1)
    ax.grid(False)
    ax.set_title("Share of points (green full, red none, grey to grade)", fontsize=plots.FONT["title"])


def _share_colormap():
    from matplotlib.colors import LinearSegmentedColormap

    return LinearSegmentedColormap.from_list("share", [plots.WARNING, "#fab005", plots.ACCENT]).with_extremes(
        bad="#dee2e6")


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1].rstrip() + "…"


def _figure(draw, data: ClassData, size: tuple[float, float]) -> Figure:
    fig, ax = plots.figure(size=size)
    draw(ax, data)
    return fig


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=plots.DPI)
    return buffer.getvalue()


def overview(data: ClassData) -> Figure:
    """All four figures on one image."""
    rows = max(len(data.cells), len(_mistake_rows(data)[:12]), min(len(data.students), 30))
    height = max(3.4, 0.28 * rows + 1.2)
    fig, axes = plots.figure(ncols=2, nrows=2, size=(14, 2 * height))
    _score_distribution(axes[0, 0], data)
    _pass_rates(axes[0, 1], data)
    _known_mistakes(axes[1, 0], data)
    _points_map(axes[1, 1], data)
    fig.suptitle(f"{data.assignment}: {len(data.students)} students graded, mean "
                 f"{_mean_total(data):.3g} of {data.max_total:g} points", fontsize=plots.FONT["title"] + 2)
    return fig


def _mean_total(data: ClassData) -> float:
    return float(np.mean([data.total(s) for s in data.students])) if data.students else 0.0


def write_html(data: ClassData, path: Path) -> Path:
    def img(draw, size):
        encoded = base64.b64encode(_png(_figure(draw, data, size))).decode()
        return f'<img alt="" src="data:image/png;base64,{encoded}">'

    esc = html.escape
    n = len(data.students)
    totals = [data.total(s) for s in data.students]
    summary = (f"{n} submissions graded; total points: mean {np.mean(totals):.3g}, median {np.median(totals):.3g}, "
               f"lowest {data.text(min(totals))}, highest {data.text(max(totals))} of {data.text(data.max_total)}."
               if totals else "No graded submission yet.")
    ungraded = sum(p is None for s in data.students for p in data.points[s].values())
    parts = [f"<h1>{esc(data.assignment)}: the class at a glance</h1>",
             f"<p>{esc(summary)}" + (f" {ungraded} free-response answer(s) still to grade by hand." if ungraded else "")
             + "</p>"]
    if data.failed:
        parts.append("<h2>Not graded</h2><ul>" + "".join(
            f"<li><b>{esc(s)}</b>: {esc(why)}</li>" for s, why in sorted(data.failed.items())) + "</ul>")
    if data.notes:
        parts.append("<h2>What happened while grading</h2><p>Cells put back, syntax errors, time limits and what "
                     "the jail refused (grading-records.csv):</p><ul>" + "".join(
                         f"<li><b>{esc(s)}</b>: {esc(notes)}</li>" for s, notes in sorted(data.notes.items())) + "</ul>")
    height = max(3.0, 0.3 * len(data.cells) + 1.2)
    parts.append(f'<div class="figs">{img(_score_distribution, (6, 3.6))}{img(_pass_rates, (7, height))}</div>')
    parts.append("<h2>Exercises</h2><table><tr><th>exercise</th><th>points</th><th>full marks</th>"
                 "<th>mean points</th><th>known mistakes</th><th>points lost otherwise</th></tr>")
    for c in data.cells:
        got = [data.points[s][c.key] for s in data.students]
        graded = [p for p in got if p is not None]
        mean = f"{np.mean(graded):.3g}" if graded else "–"
        seen = sum(len(who) for who in data.mistakes.get(c.key, {}).values())
        other = ", ".join(data.unexplained.get(c.key, [])) if c.exercise_id else "(free response)"
        parts.append(f"<tr><td>{esc(c.label)}</td><td>{data.text(c.max_score)}</td><td>{len(data.full_marks(c))} of {len(graded)}</td>"
                     f"<td>{mean}</td><td>{seen}</td><td>{esc(other)}</td></tr>")
    parts.append("</table>")
    rows = _mistake_rows(data)
    parts.append("<h2>Known mistakes</h2>")
    if rows:
        parts.append(img(_known_mistakes, (9, max(2.5, 0.35 * min(len(rows), 12) + 1.2))))
        parts.append("<table><tr><th>exercise</th><th>mistake (as the feedback says it)</th><th>students</th>"
                     "<th>who</th></tr>" + "".join(
                         f"<tr><td>{esc(c.label)}</td><td>{esc(s)}</td><td>{len(who)}</td><td>{esc(', '.join(who))}</td></tr>"
                         for c, s, who in rows) + "</table>")
    else:
        parts.append("<p>No submission matched a known mistake.</p>")
    parts.append("<h2>Points per student</h2><table><tr><th>student</th>" +
                 "".join(f"<th>{esc(c.label)}<br><small>{data.text(c.max_score)}</small></th>" for c in data.cells) +
                 f"<th>late penalty</th><th>total<br><small>{data.text(data.max_total)}</small></th></tr>")
    for s in data.students:
        cells = "".join(_points_cell(data.points[s][c.key], c.max_score, data.text) for c in data.cells)
        parts.append(f"<tr><td>{esc(s)}</td>{cells}<td>{data.text(data.penalty.get(s, 0.0))}</td>"
                     f"<td><b>{data.text(data.total(s))}</b></td></tr>")
    parts.append("</table>")
    stamp = datetime.datetime.now().isoformat(timespec="seconds")
    parts.append(f"<p class=note>Made {stamp} by mlcourse {esc(__version__)} from gradebook.db and the autograded "
                 "notebooks. Mistakes are the known ones the checks recognise; points lost otherwise are listed per "
                 "exercise.</p>")
    page = (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{esc(data.assignment)}: class report</title>"
            f"<style>{_CSS}</style></head><body>{''.join(parts)}</body></html>")
    path.write_text(page, encoding="utf-8")
    return path


def _points_cell(points: float | None, top: float, text=lambda p: f"{p:g}") -> str:
    if points is None:
        return '<td class="todo">to grade</td>'
    kind = "full" if _full(points, top) else "none" if points <= 0 else "part"
    return f'<td class="{kind}">{text(points)}</td>'


_CSS = """body{font-family:system-ui,sans-serif;margin:2em;color:#212529;max-width:75em}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #dee2e6;padding:.3em .6em;text-align:left}
th{background:#f1f3f5}.full{background:#d3f9d8}.part{background:#fff3bf}.none{background:#ffe3e3}
.todo{background:#e9ecef;color:#868e96}.figs img{margin-right:1em;vertical-align:top}.note{color:#868e96}
img{max-width:100%}"""


def write_report(course: Path, assignment: str, out=sys.stdout) -> dict[str, Path]:
    """Write the CSV, the HTML page and the overview PNG; return their paths."""
    course = Path(course).resolve()
    data = gather(course, assignment)
    folder = course / REPORTS
    folder.mkdir(exist_ok=True)
    paths = {"csv": write_csv(data, folder / f"{assignment}-points.csv"),
             "html": write_html(data, folder / f"{assignment}-report.html"),
             "png": folder / f"{assignment}-report.png"}
    paths["png"].write_bytes(_png(overview(data)))
    print(f"Class report: {paths['html']} (points: {paths['csv'].name}, overview: {paths['png'].name})", file=out)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mlcourse.report", description=(
        "Write the class report of a graded assignment: points per student and exercise (CSV), an HTML "
        "page with the score distribution, pass rates and known mistakes, and an overview PNG."))
    parser.add_argument("assignment")
    parser.add_argument("--course", type=Path, default=Path("."), help="the nbgrader course folder (default: .)")
    args = parser.parse_args(argv)
    try:
        write_report(args.course, args.assignment)
    except (FileNotFoundError, LookupError) as exc:
        print(f"No report: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

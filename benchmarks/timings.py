"""Measure what the course promises about speed, and print a small report.

    .venv/bin/python benchmarks/timings.py            # all notebooks
    .venv/bin/python benchmarks/timings.py 01_derivatives

- each solutions and student notebook executed end to end, headless, in a fresh kernel (target < 30 s);
- each exercise's check of a correct implementation (target: well under a second);
- nbgrader autograde of one submission per notebook, in a scratch course folder.
Run it on the machine you care about (the target is 2 CPU cores); it is not part of the test suite.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from conftest import execute_notebook, problems  # noqa: E402
from student_copies import own_implementation  # noqa: E402

from mlcourse import grader  # noqa: E402
from mlcourse.build import nbgrader  # noqa: E402


def timed(fn, *args):
    start = time.perf_counter()
    value = fn(*args)
    return time.perf_counter() - start, value


def main(assignments: list[str]) -> None:
    import matplotlib.font_manager  # noqa: F401  (font cache built before timing)

    print(f"{'notebook':<24}{'solutions':>12}{'student':>12}{'autograde':>12}")
    for assignment in assignments:
        with tempfile.TemporaryDirectory() as scratch:
            scratch = Path(scratch)
            row = []
            for folder in ("solutions", "notebooks"):
                nb = nbformat.read(ROOT / folder / f"{assignment}.ipynb", as_version=4)
                seconds, executed = timed(execute_notebook, nb, scratch)
                row.append(f"{seconds:10.1f} s" + ("" if not problems(executed) else "!"))
            course = scratch / "grading"
            course.mkdir()
            shutil.copy(ROOT / "grading" / "nbgrader_config.py", course)
            shutil.copytree(ROOT / "grading" / "source", course / "source")
            nbgrader(["generate_assignment", assignment, "--force"], course)
            submitted = course / "submitted" / "student" / assignment
            submitted.mkdir(parents=True)
            shutil.copy(course / "release" / assignment / f"{assignment}.ipynb", submitted)
            seconds, _ = timed(nbgrader, ["autograde", assignment, "--create"], course)
            row.append(f"{seconds:10.1f} s")
        print(f"{assignment:<24}" + "".join(f"{cell:>12}" for cell in row))

    print("\nslowest checks of a correct implementation:")
    times = []
    for exercise_id in grader.exercises():
        fn = own_implementation(exercise_id)
        seconds, result = timed(grader.check, exercise_id, fn)
        times.append((seconds, exercise_id, result.passed))
    for seconds, exercise_id, passed in sorted(times, reverse=True)[:5]:
        print(f"  {exercise_id:<45}{seconds * 1000:8.1f} ms{'' if passed else '  (FAILED)'}")


if __name__ == "__main__":
    wanted = sys.argv[1:] or sorted(p.stem for p in (ROOT / "masters").glob("[0-9][0-9]_*.py"))
    main(wanted)

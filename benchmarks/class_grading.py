"""Grade a synthetic class two ways and compare: serial `nbgrader autograde` vs `python -m mlcourse.autograde`,
or (`--no-isolation`) `mlcourse.autograde` with every student in a jail vs without the jail.

    .venv/bin/python benchmarks/class_grading.py [--students 60] [--assignment 01_derivatives] [--workers 2]
    .venv/bin/python benchmarks/class_grading.py --no-isolation [--students 12]

The class cycles through three kinds of submission: the solutions, the unmodified release, and the
release with notebook's planted mistakes (tests/test_nbgrader.py). Both runs use the same grading
seed; the script checks that every student's every autograded cell got the same score, and prints
both wall-clock times and the speed-up. Feedback generation is left out of the parallel run so that
both do the same work.
"""

from __future__ import annotations

import argparse
import io
import shutil
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from mlcourse import autograde  # noqa: E402
from mlcourse.build import nbgrader  # noqa: E402
from test_nbgrader import PLANTED, _solutions_by_cell  # noqa: E402

SEED = 2026


def make_course(folder: Path, assignment: str, students: int) -> Path:
    course = folder / "grading"
    course.mkdir(parents=True)
    shutil.copy(ROOT / "grading" / "nbgrader_config.py", course)
    shutil.copytree(ROOT / "grading" / "source" / assignment, course / "source" / assignment)
    nbgrader(["generate_assignment", assignment, "--force"], course)
    release = nbformat.read(course / "release" / assignment / f"{assignment}.ipynb", as_version=4)
    solutions = _solutions_by_cell(assignment)
    kinds = [solutions, {}, {**solutions, **{k: v[0] for k, v in PLANTED[assignment].items()}}]
    for i in range(students):
        nb = nbformat.from_dict(nbformat.reads(nbformat.writes(release), as_version=4))
        for cell in nb.cells:
            fill = kinds[i % 3]
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if grade_id in fill:
                cell.source = fill[grade_id]
        folder = course / "submitted" / f"student{i:03d}" / assignment
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / f"{assignment}.ipynb")
    return course


def scores(course: Path, assignment: str) -> dict:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return {(s.student.id, g.name): g.auto_score for s in gb.find_assignment(assignment).submissions
                for nb in s.notebooks for g in nb.grades if g.cell_type == "code"}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=60)
    parser.add_argument("--assignment", default="01_derivatives")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-isolation", action="store_true",
                        help="compare grading in jails with grading without them (mlcourse/jail.py)")
    args = parser.parse_args()
    if args.no_isolation:
        return compare_isolation(args)
    with tempfile.TemporaryDirectory() as scratch:
        serial = make_course(Path(scratch) / "serial", args.assignment, args.students)
        parallel = make_course(Path(scratch) / "parallel", args.assignment, args.students)

        import os

        os.environ["MLCOURSE_GRADING_SEED"], os.environ["MLCOURSE_SEED_LOGGED"] = str(SEED), "1"
        start = time.perf_counter()
        nbgrader(["autograde", args.assignment, "--create"], serial)
        serial_seconds = time.perf_counter() - start

        start = time.perf_counter()
        outcomes = autograde.grade_class(parallel, args.assignment, workers=args.workers, seed=SEED,
                                         feedback=False, out=io.StringIO())
        parallel_seconds = time.perf_counter() - start

        same = scores(serial, args.assignment) == scores(parallel, args.assignment)
        graded = sum(o.status == "graded" for o in outcomes)
        print(f"{args.students} submissions of {args.assignment}, seed {SEED}, {os.cpu_count()} cores")
        print(f"  serial nbgrader autograde:            {serial_seconds:7.1f} s")
        print(f"  mlcourse.autograde, {args.workers} workers:        {parallel_seconds:7.1f} s "
              f"(x{serial_seconds / parallel_seconds:.2f}); {graded} graded")
        print(f"  same score in every cell: {same}")
        return 0 if same and graded == args.students else 1


def compare_isolation(args) -> int:
    """The same class graded by mlcourse.autograde with the jail and without it, alternating runs so a
    change in the machine's load hits both; per-student seconds and the cost of the jail."""
    import os

    times: dict[bool, list[float]] = {True: [], False: []}
    results = {}
    with tempfile.TemporaryDirectory() as scratch:
        for round_ in range(2):
            for isolation in (True, False) if round_ == 0 else (False, True):
                course = make_course(Path(scratch) / f"{isolation}{round_}", args.assignment, args.students)
                load = os.getloadavg()[0]
                start = time.perf_counter()
                outcomes = autograde.grade_class(course, args.assignment, workers=args.workers, seed=SEED,
                                                 feedback=False, out=io.StringIO(), isolation=isolation)
                seconds = time.perf_counter() - start
                times[isolation].append(seconds)
                results[isolation] = scores(course, args.assignment)
                print(f"  {'jail' if isolation else 'no jail'}: {seconds:6.1f} s for {args.students} students "
                      f"({seconds * args.workers / args.students:.2f} s per student per worker), load {load:.1f}, "
                      f"{sum(o.status == 'graded' for o in outcomes)} graded", flush=True)
    jailed, bare = sum(times[True]), sum(times[False])
    print(f"{args.students} submissions of {args.assignment}, {args.workers} workers, {os.cpu_count()} cores, "
          f"load now {os.getloadavg()[0]:.1f}")
    print(f"  with the jail: {jailed / 2:.1f} s per class; without: {bare / 2:.1f} s; the jail costs "
          f"{100 * (jailed / bare - 1):+.1f} %")
    print(f"  same score in every cell: {results[True] == results[False]}")
    return 0 if results[True] == results[False] else 1


if __name__ == "__main__":
    sys.exit(main())

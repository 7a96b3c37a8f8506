"""How fast a class is graded: serial `nbgrader autograde` against `python -m mlcourse.autograde`, in one run.

    .venv/bin/python benchmarks/class_grading.py [--students 60] [--assignment 01_derivatives] [--workers 2]
                                                  [--rounds 4] [--plain] [--single 3]
    .venv/bin/python benchmarks/class_grading.py --no-isolation [--students 12]

1. **The class.** The same synthetic class (it cycles through the solutions, the unmodified release, and the
   release with the notebook's planted mistakes from tests/test_nbgrader.py) graded with the same
   seed and the course's configuration: serially by `nbgrader autograde` followed by `nbgrader
   generate_feedback`, and by `python -m mlcourse.autograde` with `--workers` processes (its feedback
   and export included); with `--plain` also serially by nbgrader with its own default preprocessors (as
   in 2.). The class arrives in `--rounds` parts and the tools take turns going first on each part, so
   that a change in the machine's load hits all alike. Prints the wall-clock times, the speed-ups, and
   whether every autograded cell got the same score. The course's preprocessors run the sandbox while the
   kernel runs, so serial nbgrader with them keeps both cores busy part of the time too.
2. **One submission** (the solutions), `--single` times each, alternating: plain nbgrader, i.e. its own
   default preprocessors and none of the course's (no jail, no sandbox; the hidden tests run in the
   notebook's kernel, and so do the figure cells): `nbgrader autograde`, `generate_feedback` and `export`,
   against `python -m mlcourse.autograde --student ...`, which does the same three. Prints the medians.

The machine's load (1-minute average) is printed before and after each part: timings on a shared machine
are only comparable side by side, in one run. Each tool's cores busy on average (the whole machine's busy CPU
time over the wall-clock time, from /proc/stat: meaningful when nothing else runs) bound what parallel grading
can gain: serial nbgrader with the course's preprocessors already keeps more than one core busy.
`--no-isolation` compares grading with the jail and without.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from mlcourse import autograde  # noqa: E402
from mlcourse.build import nbgrader, nbgrader_env  # noqa: E402
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


# nbgrader as it comes: its default preprocessors (an ordinary kernel runs every cell, the hidden tests too)
PLAIN_CONFIG = """c = get_config()
c.CourseDirectory.root = __import__("os").path.dirname(__file__)
c.CourseDirectory.course_id = "nn-fundamentals"
c.Execute.timeout = 120
"""


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load {one:.1f} (5 min {five:.1f}, 15 min {fifteen:.1f}) on {os.cpu_count()} cores"


def busy_seconds() -> float | None:
    """CPU seconds the whole machine has spent busy since it started (Linux's /proc/stat), or None: what a grading
    uses, its kernels and jails included, when nothing else runs."""
    try:
        ticks = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return None
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")  # all but idle and iowait


def timed(run) -> float:
    """The wall-clock seconds `run()` takes."""
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=60)
    parser.add_argument("--assignment", default="01_derivatives")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=4, help="the class is graded in this many parts, the two tools "
                        "taking turns (serial first, then parallel first, ...), so that a change in load hits both")
    parser.add_argument("--plain", action="store_true", help="grade the class a third time, serially with "
                        "nbgrader's own preprocessors (no jail, no sandbox, every cell run in the kernel)")
    parser.add_argument("--single", type=int, default=3, help="runs of each tool on one submission (0: none)")
    parser.add_argument("--no-isolation", action="store_true",
                        help="compare grading in jails with grading without them (mlcourse/jail.py)")
    args = parser.parse_args()
    if args.no_isolation:
        return compare_isolation(args)
    os.environ["MLCOURSE_GRADING_SEED"], os.environ["MLCOURSE_SEED_LOGGED"] = str(SEED), "1"
    a = args.assignment
    ok = True
    with tempfile.TemporaryDirectory() as scratch:
        if args.students:
            ok = compare_class(Path(scratch), a, args.students, args.workers, args.rounds, args.plain)
        if args.single:
            ok = single_submission(Path(scratch), a, args.single) and ok
    return 0 if ok else 1


LABELS = {"serial": "serial nbgrader autograde + generate_feedback (the course's preprocessors)",
          "plain": "serial nbgrader autograde + generate_feedback (nbgrader's own preprocessors)",
          "parallel": "mlcourse.autograde, {workers} worker(s)"}


def compare_class(scratch: Path, assignment: str, students: int, workers: int, rounds: int, plain: bool) -> bool:
    """The class graded by each tool in `rounds` parts, taking turns; the wall-clock seconds of each."""
    a = assignment
    tools = ["serial", "plain", "parallel"] if plain else ["serial", "parallel"]
    courses = {tool: make_course(scratch / tool, a, students) for tool in tools}
    if plain:
        (courses["plain"] / "nbgrader_config.py").write_text(PLAIN_CONFIG)
    waiting = {tool: scratch / f"{tool}-waiting" for tool in courses}
    for tool, course in courses.items():  # submissions wait outside submitted/ until their round
        shutil.move(course / "submitted", waiting[tool])
        (course / "submitted").mkdir()
    wall = {tool: 0.0 for tool in courses}
    busy = {tool: 0.0 for tool in courses}
    graded = 0
    print(f"A class of {students} submissions of {a}, seed {SEED}, autograde and feedback, in {rounds} rounds "
          f"taking turns; {load()}", flush=True)
    for k in range(rounds):
        part = [f"student{i:03d}" for i in range(students) if i * rounds // students == k]
        for tool in tools[k % len(tools):] + tools[:k % len(tools)]:
            for student in part:
                shutil.move(waiting[tool] / student, courses[tool] / "submitted" / student)
            wall_start, busy_start = time.perf_counter(), busy_seconds()
            if tool != "parallel":  # nbgrader skips the students it autograded (and gave feedback) before
                nbgrader(["autograde", a, "--create"], courses[tool])
                nbgrader(["generate_feedback", a], courses[tool])
            else:  # it grades only the new submissions, and exports grades.csv each time
                outcomes = autograde.grade_class(courses[tool], a, workers=workers, seed=SEED, out=io.StringIO())
                graded = sum(o.status == "graded" for o in outcomes)
            wall[tool] += time.perf_counter() - wall_start
            busy[tool] += (busy_seconds() or 0.0) - (busy_start or 0.0)
        print(f"  round {k + 1}: {len(part)} students; " + ", ".join(f"{t} {wall[t]:.0f} s" for t in tools)
              + f" so far; {load()}", flush=True)
    same = all(scores(courses[t], a) == scores(courses["parallel"], a) for t in tools)
    feedback = all((c / "feedback" / f"student{i:03d}" / a / f"{a}.html").exists()
                   for c in courses.values() for i in range(students))
    for tool in tools:
        print(f"  {LABELS[tool].format(workers=workers) + ':':78} {wall[tool]:6.1f} s" + (
            f" (mlcourse.autograde x{wall[tool] / wall['parallel']:.2f} faster)" if tool != "parallel" else
            f"; {graded} graded") + (f"; {busy[tool] / wall[tool]:.2f} cores busy on average" if busy[tool] else ""))
    if busy["serial"]:
        # serial nbgrader with the course's preprocessors already keeps more than one core busy (the sandbox grades
        # while the kernel runs): no tool on these cores can beat it by more than the cores it leaves idle
        ceiling = os.cpu_count() * wall["serial"] / busy["serial"]
        print(f"  on {os.cpu_count()} cores no grading can be more than x{ceiling:.2f} faster than serial nbgrader "
              "with the course's preprocessors (that is, with every core busy all the time and no more CPU than it)")
    print(f"  same score in every cell: {same}; feedback for everyone: {feedback}; {load()}", flush=True)
    return same and feedback and graded == students


def single_submission(scratch: Path, assignment: str, runs: int) -> bool:
    """The solutions graded alone, `runs` times by each tool, taking turns (plain, mlcourse, mlcourse, plain...)."""
    plain = make_course(scratch / "single-plain", assignment, 1)
    (plain / "nbgrader_config.py").write_text(PLAIN_CONFIG)
    course = make_course(scratch / "single-mlcourse", assignment, 1)
    student = "student000"
    ml_command = [sys.executable, "-m", "mlcourse.autograde", assignment, "--course", str(course), "--student",
                  student, "--workers", "1", "--seed", str(SEED)]
    def mlcourse_run(*extra):
        subprocess.run(ml_command + list(extra), cwd=course, env=nbgrader_env(), check=True, capture_output=True)

    # untimed first runs: they create the student and warm the caches, for each tool alike
    nbgrader(["autograde", assignment, "--create", "--student", student], plain)
    mlcourse_run()
    times: dict[str, list[float]] = {"plain": [], "mlcourse": []}
    print(f"One submission (the solutions) of {assignment}: autograde, feedback and export, {runs} runs each; "
          f"{load()}", flush=True)
    for k in range(runs):
        for tool in ("plain", "mlcourse") if k % 2 == 0 else ("mlcourse", "plain"):
            if tool == "plain":
                seconds = sum(timed(lambda: nbgrader(step, plain)) for step in (
                    ["autograde", assignment, "--force", "--student", student],
                    ["generate_feedback", assignment, "--force", "--student", student],
                    ["export", "--to", "grades.csv"]))
            else:
                seconds = timed(lambda: mlcourse_run("--regrade"))
            times[tool].append(seconds)
    plain_s, ml_s = statistics.median(times["plain"]), statistics.median(times["mlcourse"])
    print(f"  plain nbgrader (its default preprocessors, no jail): {plain_s:6.1f} s (runs: "
          f"{', '.join(f'{t:.1f}' for t in times['plain'])})")
    print(f"  mlcourse.autograde (jail, sandbox, figures skipped): {ml_s:6.1f} s (runs: "
          f"{', '.join(f'{t:.1f}' for t in times['mlcourse'])}); x{ml_s / plain_s:.2f} of plain nbgrader's time")
    print(f"  {load()}")
    same = scores(plain, assignment) == scores(course, assignment)
    print(f"  same score in every cell: {same}")
    return same


def compare_isolation(args) -> int:
    """The same class graded by mlcourse.autograde with the jail and without it, alternating runs so a
    change in the machine's load hits both; per-student seconds and the cost of the jail."""
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

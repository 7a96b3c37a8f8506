"""nbgrader preprocessors that make autograding trustworthy (grading/nbgrader_config.py installs them).

- `SafeExecute` is nbgrader's Execute, except that the kernel runs in a jail (`mlcourse.jail`) without
  the grading seed; it runs only the cells whose outputs count (the setup and answer cells, not the
  figures and experiments, nor the test cells that `IsolatedGrades` scores again); an answer cell may run
  as long as the sandbox allows one (`AnswerCells.timeout`); and a kernel that dies (a student's
  `os._exit`, a segfault, running out of memory), stops answering or runs past a cell's limit ends the
  run of that notebook with a note instead of failing the whole submission, so an endless loop costs at
  most one cell limit. The sandbox starts grading as the kernel starts: it needs nothing of the kernel.
- `IsolatedGrades` runs after it and decides every autograded test cell's score itself: the hidden
  checks run in a fresh interpreter against the student's answer cells only (`mlcourse.sandbox`), with
  the setup cell and the test cells taken from the gradebook (the instructor's copy), never from the
  submission. It replaces the test cell's outputs with that verdict and the points earned, which
  nbgrader's SaveAutoGrades then records. Whatever the student's code did in the kernel (redefining
  the checker, patching numpy, exiting) cannot reach these scores.

- `RestoreCellMetadata` and `RestoreLockedCells` (nbgrader's OverwriteCells) put back, before grading,
  what a student changed in the instructor's cells (cell types, nbgrader flags and points, locked cells'
  source, deleted test cells), and note each change; a test cell as released, which lacks its hidden
  tests, is restored without nbgrader's "checksum has changed" warning, so that real tampering stands out.

It also records in the autograded notebook's metadata ("mlcourse") the seed and mlcourse version each
submission was graded with, and what happened (`notes`: cells restored, answer cells with a syntax error,
cells stopped by the time limit, what the sandbox refused), so a grade can be explained and reproduced
exactly. Points are rounded to `IsolatedGrades.round_to` (`mlcourse.records`).
"""

from __future__ import annotations

import argparse
import ast
import concurrent.futures
import contextlib
import datetime
import hashlib
import json
import os
import queue
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock

from . import require_instructor_extra

require_instructor_extra("mlcourse.autograde", __name__)  # a one-line message instead of an ImportError below
import nbformat  # noqa: E402
from nbclient.exceptions import CellTimeoutError, DeadKernelError  # noqa: E402
from nbformat.notebooknode import NotebookNode  # noqa: E402
from nbgrader.api import Gradebook, MissingEntry  # noqa: E402
from nbgrader.preprocessors import Execute, NbGraderPreprocessor  # noqa: E402
from sqlalchemy.exc import SAWarning  # noqa: E402
from traitlets import Enum, Float, Integer  # noqa: E402
from traitlets.config import Configurable  # noqa: E402

from . import __version__, grader, jail, records, sandbox  # noqa: E402
from .build import nbgrader, nbgrader_env  # noqa: E402
from .notes import (ANSWER_KEY, NOTES_KEY, RestoreCellMetadata, RestoreLockedCells, defines,  # noqa: E402,F401
                    sanitizing_notes, syntax_errors)
from .records import RoundedCsvExport  # noqa: E402,F401 - nbgrader_config.py installs these from here

EARLY_KEY = "mlcourse_sandbox"  # in nbgrader's resources: the sandbox's job and verdicts, started before the kernel


class AnswerCells(Configurable):
    """How long an answer cell's top-level code may run while grading, in the kernel (SafeExecute) and in
    the sandbox (IsolatedGrades) alike: `c.AnswerCells.timeout` in nbgrader_config.py."""

    timeout = Float(sandbox.CELL_TIME_LIMIT, help=(
        "Seconds an answer cell's top-level code may run while grading, in nbgrader's kernel and in the sandbox "
        "(an answer cell that runs longer cannot score; nbgrader's Execute.timeout still caps it).")).tag(config=True)


class SafeExecute(Execute):
    """nbgrader's Execute; the kernel runs in a jail (`mlcourse.jail_kernel`) and never sees the grading
    seed; it runs only the cells whose outputs count; a kernel that dies, stops answering or runs past a
    cell's limit ends this notebook's run with a note, not with a failure."""

    figure_cells = Enum(("skip", "run"), default_value="skip", help=(
        "Code cells nbgrader does not grade (figures, widgets, experiments, cells a student added): 'skip' "
        "(the default: they never score, and a student's endless loop there would cost a cell limit each) "
        "or 'run' them, each for at most figure_cell_timeout seconds, so that the feedback shows them.")
    ).tag(config=True)
    figure_cell_timeout = Integer(10, help="Seconds a figure cell may run when figure_cells is 'run'.").tag(config=True)

    def preprocess(self, nb, resources=None, km=None):
        self._stopped = False  # once a cell died, stopped answering or ran past its limit: no more cells
        self._timed_out = None
        self._answer_limit = AnswerCells(config=self.config).timeout
        later = any(p is IsolatedGrades for p in self.config.Autograde.get("autograde_preprocessors", []))
        if later and resources and "nbgrader" in resources:  # the sandbox grades meanwhile, on another core
            IsolatedGrades(config=self.config).start(nb, resources)
        if jail.isolation_wanted():
            jail.require()
            from .jail_kernel import JailedKernelManager

            self.kernel_manager_class = JailedKernelManager
        # IsolatedGrades scores the graded cells again and replaces their outputs: the kernel need not.
        with mock.patch.dict(os.environ, {grader.SCORED_ELSEWHERE_VARIABLE: "1"}):
            return super().preprocess(nb, resources, km)

    async def async_start_new_kernel(self, **kwargs):
        kwargs.setdefault("env", {k: v for k, v in os.environ.items() if k != grader.SEED_VARIABLE})
        return await super().async_start_new_kernel(**kwargs)

    @staticmethod
    def role(cell) -> str:
        """'answer', 'rescored' (a test cell IsolatedGrades scores again), 'graded' (another test cell),
        'locked' (the setup cell) or 'figure' (a code cell nbgrader does not grade)."""
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") or cell.metadata.get(ANSWER_KEY):
            return "answer"
        if meta.get("grade"):
            return "rescored" if graded_task(cell.source) is not None else "graded"
        return "locked" if meta else "figure"

    def _get_timeout(self, cell):
        limit = super()._get_timeout(cell)
        role = self.role(cell) if cell is not None else None
        own = self._answer_limit if role == "answer" else self.figure_cell_timeout if role == "figure" else None
        if own is None or own <= 0:
            return limit
        return max(1, round(own)) if limit is None else min(limit, max(1, round(own)))

    async def _async_handle_timeout(self, timeout, cell=None):
        self._timed_out = timeout
        return await super()._async_handle_timeout(timeout, cell)

    def preprocess_cell(self, cell, resources, index):
        if self._stopped or cell.cell_type != "code":
            return cell, resources
        role = self.role(cell)
        if role == "rescored":  # its output is replaced by the sandbox's verdict; an error if nothing does
            cell.outputs = [NotebookNode(output_type="error", ename="NotScoredHere", evalue=SCORED_ELSEWHERE,
                                         traceback=[SCORED_ELSEWHERE])]
            return cell, resources
        if role == "figure" and self.figure_cells == "skip":
            cell.outputs = [NotebookNode(output_type="stream", name="stdout", text=NOT_RUN + "\n")]
            return cell, resources
        self._timed_out = None
        try:
            cell, resources = super().preprocess_cell(cell, resources, index)
        except (DeadKernelError, CellTimeoutError) as exc:  # dead, or stuck where no interrupt reaches (C code)
            how = "died" if isinstance(exc, DeadKernelError) else "stopped answering (even to an interrupt)"
            return self._stop(cell, resources, index, f"The kernel {how} while running")
        if self._timed_out is not None:
            return self._stop(cell, resources, index, f"The kernel was interrupted after {self._timed_out} s, the "
                                                      f"limit for this cell, while running")
        return cell, resources

    def _stop(self, cell, resources, index, what: str):
        self._stopped = True
        note = (f"{what} cell {index + 1} (grade id {cell.metadata.get('nbgrader', {}).get('grade_id', 'none')}); "
                "later cells were not run. The autograded scores come from separate processes and are unaffected.")
        cell.outputs.append(NotebookNode(output_type="stream", name="stdout", text=note + "\n"))
        resources.setdefault(NOTES_KEY, []).append(note)
        self.log.warning(note)
        return cell, resources


SCORED_ELSEWHERE = "This test cell is scored in a separate process (mlcourse.sandbox), not in the notebook's kernel."
NOT_RUN = "(Not run while grading: figures and experiments do not score.)"


class IsolatedGrades(NbGraderPreprocessor):
    """Score every autograded test cell in the sandbox (see the module's docstring)."""

    partial_credit = Enum(("", *grader.POLICIES), default_value="", help=(
        "How a test cell's points follow the hidden cases passed (mlcourse/feedback.py): 'ordinary-then-edge' "
        "(the default, also for ''), 'all-or-nothing' or 'proportional'.")).tag(config=True)
    graded_with = Enum(("", *grader.GRADED_WITH), default_value="", help=(
        "What the functions an exercise calls from earlier exercises are while it is graded: 'references' "
        "(the default, also for ''; a helper's mistake costs points once, in its own exercise) or 'students' "
        "(the student's own helpers: one mistake costs points in every exercise that calls it).")).tag(config=True)
    round_to = Float(records.DEFAULT_STEP, min=0.0, help=(
        "Every autograded test cell's points are rounded to a multiple of this (0.01: two decimals; 0.5: halves; "
        "0: not rounded), never up to full marks they did not earn; grading-records.csv, grades.csv "
        "(RoundedCsvExport) and the class report show totals to the same step.")).tag(config=True)

    def job(self, nb, resources, known: tuple | None = None) -> tuple:
        """What the sandbox grades: the gradebook's test cells and setup, the notebook's answer cells, the seed
        and the configured policies (all plain data, so two jobs compare equal when they are the same). The
        test cells and setup of a job `known` from earlier in the same pass are taken from it: the gradebook
        cannot have changed, so it is read once per notebook."""
        if known is not None:
            tests, setup = known[:2]
        else:
            info = resources["nbgrader"]
            with Gradebook(info["db_url"]) as gb:
                notebook = gb.find_notebook(info["notebook"], info["assignment"])
                sources = {cell.name: cell.source for cell in notebook.source_cells}
                graded_ids = {cell.name for cell in notebook.grade_cells}
            tests = tuple((grade_id, task) for grade_id, source in sources.items() if grade_id in graded_ids
                          for task in [graded_task(source)] if task is not None)
            setup = sources.get("setup", "")
        # Every answer cell counts, also one whose grade id a student changed (nbgrader drops unknown ids); each
        # as the kernel reads it (IPython's magics and shell lines made Python: sandbox.as_python).
        answers = tuple((cell.metadata.get("nbgrader", {}).get("grade_id", f"cell {index + 1}"),
                         sandbox.as_python(cell.source))
                        for index, cell in enumerate(nb.cells)
                        if cell.cell_type == "code" and (cell.metadata.get("nbgrader", {}).get("solution")
                                                         or cell.metadata.get(ANSWER_KEY)))
        return (tests, setup, answers, grader.grading_seed() or 0, AnswerCells(config=self.config).timeout,
                self.partial_credit, self.graded_with)

    @staticmethod
    def grade(job: tuple) -> dict:
        tests, setup, answers, seed, cell_limit, policy, mode = job
        if not tests:
            return {}
        with grader.partial_credit(policy), grader.grading_with(mode):
            return dict(zip([g for g, _ in tests], sandbox.grade_notebook([t for _, t in tests], setup, list(answers),
                                                                           seed, cell_limit=cell_limit)))

    def start(self, nb, resources) -> None:
        """Start grading in the background (SafeExecute does, while the kernel runs: the sandbox needs nothing
        of the kernel); preprocess takes the result if the job is still the same."""
        job = self.job(nb, resources)
        pool = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="mlcourse-sandbox")
        resources[EARLY_KEY] = (job, pool.submit(self.grade, job))
        pool.shutdown(wait=False)

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        started, future = resources.pop(EARLY_KEY, (None, None))
        job = self.job(nb, resources, known=started)
        verdicts = future.result() if started == job else self.grade(job)
        _, _, answers, seed, *_ = job
        broken = syntax_errors(list(answers))
        for verdict in verdicts.values():
            verdict.points = records.cell_points(verdict.points, verdict.task.points, self.round_to)
            why = "".join(f"\nYour answer cell `{cell}` has a syntax error ({error}), so nothing in it could run: "
                          "fix it, run it, then this check." for cell, (error, source) in broken.items()
                          if not verdict.points and defines(source, verdict.task.function))
            head, seed_line, tail = verdict.feedback.partition("\n(graded on hidden cases")
            verdict.feedback = head + why + seed_line + tail
        for cell in nb.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if cell.cell_type == "code" and grade_id in verdicts:
                cell.outputs = _outputs(verdicts[grade_id])
        said = (sanitizing_notes(nb) + resources.get(NOTES_KEY, [])  # SafeExecute's: a dead kernel, a time limit
                + [f"{cell}: syntax error ({why}); nothing in this answer cell was graded"
                   for cell, (why, _) in broken.items()]
                + [f"{g}: {n}" for g, v in verdicts.items() for n in v.notes])
        record = {"student": info.get("student"), "assignment": info["assignment"], "notebook": info["notebook"],
                  "seed": seed, "mlcourse": __version__,
                  "graded_at": datetime.datetime.now().isoformat(timespec="seconds"),
                  "scores": {g: [v.points, v.task.points] for g, v in verdicts.items()},
                  "notes": list(dict.fromkeys(said))}
        nb.metadata[NOTES_KEY] = record
        resources.setdefault("mlcourse_records", []).append(record)
        for note in record["notes"]:
            self.log.warning("%s/%s: %s", info.get("student"), info["notebook"], note)
        return nb, resources


def graded_task(source: str) -> sandbox.Task | None:
    """The `grader.grade("<id>", <function>, points=<n>)` call in a test cell's source, if there is one."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "grade" \
                and len(node.args) >= 2 and isinstance(node.args[0], ast.Constant) \
                and isinstance(node.args[1], ast.Name):
            points = next((k.value.value for k in node.keywords if k.arg == "points"
                           and isinstance(k.value, ast.Constant)), None)
            if isinstance(node.args[0].value, str) and isinstance(points, (int, float)):
                return sandbox.Task(node.args[0].value, node.args[1].id, float(points))
    return None


def _outputs(verdict: sandbox.Graded) -> list[NotebookNode]:
    """The test cell's new outputs: the verdict as text, and the points as the cell's result (nbgrader
    reads a number there as partial credit)."""
    return [NotebookNode(output_type="stream", name="stdout", text=verdict.feedback + "\n"),
            NotebookNode(output_type="execute_result", execution_count=None, metadata={},
                         data={"text/plain": repr(float(verdict.points))})]




# ---------------------------------------------------------------------------------------------------
# Grading a whole class in parallel: python -m mlcourse.autograde <assignment> (see --help)

STATE_DIR = "autograde-runs"  # in the course folder: one JSON file per assignment, for resuming


@dataclass
class Outcome:
    """How one student's submission went."""

    student: str
    status: str  # "graded" or "failed"
    score: float = 0.0
    max_score: float = 0.0
    seconds: float = 0.0
    reason: str = ""  # why it failed, or what to look at
    notes: list[str] = field(default_factory=list)
    isolation: str = "jail"  # or "none (--no-isolation)": how the student's code was run
    manual: float = 0.0  # points of free-response answers that wait for a person (in max_score, not in score)


def grade_class(course: Path, assignment: str, workers: int = 2, seed: int | None = None, regrade: bool = False,
                timeout: float = 900.0, students: list[str] | None = None, feedback: bool = True,
                cell_timeout: int | None = None, out=sys.stdout, isolation: bool = True) -> list[Outcome]:
    """Autograde every submission of `assignment` in `course`/submitted with `workers` nbgrader processes.

    Each student is graded by nbgrader's own `autograde` in a separate process against a private copy of
    the gradebook; their grades are then merged into the course gradebook one at a time. A run can be
    interrupted and started again: students already graded in this run are skipped (with the run's
    seed), unless `regrade`. Failures are reported per student and never stop the others. At the end
    grades go to grades.csv (nbgrader export), feedback to feedback/ (nbgrader generate_feedback, without
    hidden tests), and the seed and version of every grade to grading-records.csv.

    Every student's code runs in a jail (`mlcourse.jail`); where none can be set up this raises
    jail.JailUnavailable, unless `isolation=False` (then every record says so).
    """
    if isolation:
        os.environ.pop(jail.NO_ISOLATION, None)
        jail.require()
    course = course.resolve()
    main_db = course / "gradebook.db"
    _ensure_assignment(course, assignment)
    state_file = course / STATE_DIR / f"{assignment}.json"
    state = {} if regrade or not state_file.exists() else json.loads(state_file.read_text())
    if seed is None:
        seed = state.get("seed") if state.get("seed") is not None else grader.grading_seed()
    seed = secrets.randbelow(2**31) if seed is None else int(seed)
    if state.get("seed") != seed or state.get("mlcourse") != __version__:
        state = {"seed": seed, "mlcourse": __version__, "done": {}}
    _log_seed(course, seed, assignment)
    source_ids = _expected_cells(main_db, assignment)
    everyone = sorted(p.parent.name for p in (course / "submitted").glob(f"*/{assignment}") if p.is_dir())
    scratch_dir = tempfile.TemporaryDirectory(prefix="mlcourse-autograde-")
    scratch = Path(scratch_dir.name)
    os.chmod(scratch, 0o700)
    # Each submission is read once, here: hashed and copied where no student's code can reach it;
    # everything after (nbgrader, the jails) works on that copy.
    submitted = {s: _stage(course / "submitted" / s / assignment, scratch / "submitted" / s / assignment)
                 for s in (students or everyone)}
    isolated = "jail" if isolation else "none (--no-isolation)"
    # a graded submission stays settled until it changes (or --regrade); a failed one is tried again, unless
    # its notebook itself is unreadable or missing (only a new submission can change that)
    settled = {s for s in submitted if state["done"].get(s, {}).get("submission") == submitted[s]
               and state["done"][s].get("isolation", "jail") == isolated and (
                   state["done"][s].get("status") == "graded"
                   or check_submission(scratch / "submitted" / s / assignment, source_ids))}
    todo = [s for s in submitted if s not in settled]  # new, changed since, interrupted, or failed last time
    failed_before = {s: state["done"][s].get("reason", "") for s in todo
                     if state["done"].get(s, {}).get("status") == "failed"}
    outcomes = [Outcome(**{k: v for k, v in state["done"][s].items() if k != "submission"}) for s in sorted(settled)]
    print(f"Grading {assignment}: {len(todo)} submission(s) with {workers} worker(s), seed {seed}, "
          f"mlcourse {__version__}" + (f"; {len(outcomes)} already done in this run" if outcomes else "")
          + (f"; trying again {len(failed_before)} that failed before" if failed_before else ""), file=out)
    progress = _Progress(len(todo), out)
    start = time.perf_counter()
    with scratch_dir, concurrent.futures.ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        extra = {"Execute.timeout": cell_timeout} if cell_timeout else {}
        futures = {pool.submit(_grade_student, course, assignment, student, seed, source_ids, scratch,
                               timeout, feedback, extra, isolation): student for student in todo}
        try:
            for future in concurrent.futures.as_completed(futures):
                outcome, worker_db = future.result()
                if worker_db is not None:
                    try:
                        _merge(worker_db, main_db, assignment, outcome.student)
                    except Exception as exc:  # noqa: BLE001 - one broken merge must not stop the class
                        outcome.status, outcome.reason = "failed", f"could not merge its grades: {exc}"
                _remember_failure(outcome, failed_before.get(outcome.student))
                if outcome.status != "graded":  # no grades of an earlier grading stay in grades.csv
                    _withdraw(course, main_db, assignment, outcome.student)
                outcomes.append(outcome)
                state["done"][outcome.student] = {**vars(outcome), "submission": submitted[outcome.student]}
                state_file.parent.mkdir(exist_ok=True)
                state_file.write_text(json.dumps(state, indent=1))
                progress.step(outcome)
        except KeyboardInterrupt:
            for future in futures:
                future.cancel()
            print("\nInterrupted: run the same command again to grade the rest.", file=out)
            raise
        finally:
            _Worker.close_all()
    print(f"Graded {sum(o.status == 'graded' for o in outcomes)} of {len(outcomes)} in "
          f"{time.perf_counter() - start:.1f} s.", file=out)
    for outcome in outcomes:
        if outcome.status != "graded" or outcome.notes:
            print(f"  {outcome.student}: {outcome.status}. {outcome.reason} {' '.join(outcome.notes)}".rstrip(),
                  file=out)
    _scores_from_gradebook(main_db, assignment, outcomes)  # what grades.csv says, manual grades included
    _export(course, assignment, outcomes, state, out)
    return sorted(outcomes, key=lambda o: o.student)


def _remember_failure(outcome: Outcome, earlier: str | None) -> None:
    """Keep why an earlier run could not grade this student: in the notes once it is graded, in the reason
    if it fails again for another reason."""
    if earlier is None:
        return
    earlier = earlier.split(" (an earlier run: ")[0]
    if outcome.status == "graded":
        outcome.notes.insert(0, f"an earlier run could not grade it: {earlier}")
    elif earlier and earlier != outcome.reason:
        outcome.reason = f"{outcome.reason} (an earlier run: {earlier})"


def _withdraw(course: Path, main_db: Path, assignment: str, student: str) -> None:
    """A submission that could not be graded keeps no autograded score, autograded notebook or feedback
    of an earlier grading (of an earlier submission, perhaps), so grades.csv and grading-records.csv
    agree: the earlier submission leaves the gradebook, or, where the instructor graded some of it by
    hand, only its autograded scores do (the manual grades stay). The student stays in the gradebook,
    so grades.csv has a row for them."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SAWarning)
        with Gradebook(f"sqlite:///{main_db}") as gb:
            gb.update_or_create_student(student)
            try:
                submission = gb.find_submission(assignment, student)
            except MissingEntry:
                submission = None
            grades = [g for nb in submission.notebooks for g in nb.grades] if submission is not None else []
            comments = [c for nb in submission.notebooks for c in nb.comments] if submission is not None else []
            if any(g.manual_score is not None or g.extra_credit for g in grades) or \
                    any(c.manual_comment for c in comments):
                for grade in grades:
                    grade.auto_score = None
                    grade.needs_manual_grade = grade.manual_score is None
                for comment in comments:
                    comment.auto_comment = None
                gb.db.commit()
            elif submission is not None:
                gb.remove_submission(assignment, student)
    for folder in ("autograded", "feedback"):
        shutil.rmtree(course / folder / student / assignment, ignore_errors=True)


def _scores_from_gradebook(main_db: Path, assignment: str, outcomes: list[Outcome]) -> None:
    """Every outcome's score and maximum as the gradebook (and so grades.csv, nbgrader's export) has them, and
    its points still to grade by hand as of now (after any manual grading)."""
    with Gradebook(f"sqlite:///{main_db}") as gb:
        top = float(gb.find_assignment(assignment).max_score)
        for outcome in outcomes:
            try:
                submission = gb.find_submission(assignment, outcome.student)
                outcome.score, outcome.max_score = float(submission.score), top
                outcome.manual = records.pending_points(submission)
            except MissingEntry:
                outcome.score, outcome.max_score, outcome.manual = 0.0, top, 0.0


def _stage(folder: Path, copy: Path) -> str:
    """Copy the submission's regular files (links are not followed) to `copy`, reading each once, and
    give the SHA-256 of what was copied (names and contents): it changes whenever a file does."""
    digest = hashlib.sha256()
    copy.mkdir(parents=True, exist_ok=True)
    if folder.is_dir() and not folder.is_symlink():
        for path in sorted(folder.rglob("*")):
            if path.is_symlink() or not path.is_file():
                continue
            data = path.read_bytes()
            name = str(path.relative_to(folder))
            digest.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            (copy / name).write_bytes(data)
    return digest.hexdigest()[:16]


def _ensure_assignment(course: Path, assignment: str) -> None:
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        try:
            gb.find_assignment(assignment)
            return
        except MissingEntry:
            pass
    nbgrader(["generate_assignment", assignment, "--force"], course)


def _expected_cells(main_db: Path, assignment: str) -> dict[str, set]:
    """The assignment's notebooks, each with the ids of its answer and test cells (not "setup")."""
    with Gradebook(f"sqlite:///{main_db}") as gb:
        return {nb.name: {c.name for c in nb.solution_cells} | {c.name for c in nb.grade_cells}
                for nb in gb.find_assignment(assignment).notebooks}


def _log_seed(course: Path, seed: int, assignment: str) -> None:
    stamp = datetime.datetime.now().isoformat(timespec="seconds")
    with open(course / "grading-seeds.log", "a", encoding="utf-8") as log:
        log.write(f"{stamp}\tseed={seed}\tmlcourse={__version__}\tpython -m mlcourse.autograde {assignment}\n")


def check_submission(folder: Path, source_ids: dict[str, set]) -> str:
    """'' if the submission looks gradable, else why not (in one sentence)."""
    if not folder.is_dir():
        return "there is no submission folder"
    problems = []
    for name in source_ids:
        path = folder / f"{name}.ipynb"
        if not path.exists():
            others = sorted(p.name for p in folder.glob("*.ipynb"))
            problems.append(f"{name}.ipynb is missing" + (f" (found {', '.join(others)})" if others else ""))
            continue
        try:
            nb = nbformat.read(path, as_version=4)
            nbformat.validate(nb)
        except Exception as exc:  # noqa: BLE001 - whatever is wrong with the file, say it
            problems.append(f"{name}.ipynb is not a readable notebook ({type(exc).__name__}: {str(exc)[:120]})")
            continue
        ids = {c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells} - {None}
        if source_ids.get(name) and not ids & source_ids[name]:
            problems.append(f"{name}.ipynb has none of this assignment's cells: a notebook from another assignment?")
    return "; ".join(problems)


def _grade_student(course: Path, assignment: str, student: str, seed: int, source_ids: dict[str, set],
                   scratch: Path, timeout: float, feedback: bool, extra: dict,
                   isolation: bool = True) -> tuple[Outcome, Path | None]:
    """nbgrader autograde (and feedback) for one student, in a worker process, on a private gradebook copy
    and the staged copy of the submission (scratch/submitted)."""
    start = time.perf_counter()
    folder = scratch / "submitted" / student / assignment
    problem = check_submission(folder, source_ids)
    isolated = "jail" if isolation else "none (--no-isolation)"
    worker_db = scratch / f"{student}.db"
    shutil.copy(course / "gradebook.db", worker_db)
    job = {"course": str(course), "assignment": assignment, "student": student, "seed": seed,
           "db": f"sqlite:///{worker_db}", "feedback": feedback, "extra": extra,
           "result": str(scratch / f"{student}.json"), "submitted": str(scratch / "submitted"),
           "isolation": isolation}
    worker = _Worker.mine()
    answer = worker.run(job, timeout)
    if answer is None:
        return Outcome(student, "failed", seconds=time.perf_counter() - start,
                       reason=f"grading took longer than {timeout:.0f} s and was stopped", isolation=isolated), None
    if not answer.get("success") or not (course / "autograded" / student / assignment).is_dir():
        reason = problem or _nbgrader_error(answer.get("log", "") + "\n" + answer.get("error", ""))
        return Outcome(student, "failed", seconds=time.perf_counter() - start, reason=reason, isolation=isolated), None
    score, max_score, notes, manual = _scores(worker_db, course, assignment, student, list(source_ids))
    return Outcome(student, "graded", score, max_score, time.perf_counter() - start, problem, notes,
                   isolated, manual), worker_db


class _Worker:
    """A long-lived `python -m mlcourse.autograde --worker` process that runs nbgrader's own autograde (and
    generate_feedback) for one student after another, so nbgrader's start-up is paid once per worker, not
    once per student. One per thread of the pool; a worker that hangs is killed and replaced."""

    _local = threading.local()
    _all: list[_Worker] = []

    @classmethod
    def mine(cls) -> _Worker:
        worker = getattr(cls._local, "worker", None)
        if worker is None or worker.process.poll() is not None:
            worker = cls._local.worker = cls()
            cls._all.append(worker)
        return worker

    @classmethod
    def close_all(cls) -> None:
        for worker in cls._all:
            worker.stop()
        cls._all.clear()

    def __init__(self):
        env = {**nbgrader_env(), "MLCOURSE_SEED_LOGGED": "1"}
        self.process = subprocess.Popen([sys.executable, "-m", "mlcourse.autograde", "--worker"], env=env,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                        text=True, start_new_session=True)
        self.lines: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def run(self, job: dict, timeout: float) -> dict | None:
        """The worker's answer for `job`, or None if it took longer than `timeout` (the worker is then killed)."""
        self.process.stdin.write(json.dumps(job) + "\n")
        self.process.stdin.flush()
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                self.stop()
                return None
            if line is None:  # the worker died: say so, a new one takes the next student
                return {"success": False, "error": "the grading worker process ended unexpectedly"}
            if line.startswith(_DONE):
                return json.loads(Path(job["result"]).read_text())

    def stop(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        for pipe in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(OSError):
                pipe.close()


_DONE = "mlcourse-autograde-done"


def _worker_main() -> int:
    """The worker's loop: one JSON job per line on stdin; the answer goes to the job's result file."""
    from nbgrader.converters import Autograde, GenerateFeedback
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.utils import capture_log
    from traitlets.config.loader import PyFileConfigLoader

    for line in sys.stdin:
        job = json.loads(line)
        os.environ[grader.SEED_VARIABLE] = str(job["seed"])  # for IsolatedGrades; no kernel or sandbox gets it
        if job.get("isolation", True):
            os.environ.pop(jail.NO_ISOLATION, None)
        else:
            os.environ[jail.NO_ISOLATION] = "1"
        os.chdir(job["course"])
        config = PyFileConfigLoader("nbgrader_config.py", path=job["course"]).load_config()
        config.CourseDirectory.root = job["course"]
        config.CourseDirectory.db_url = job["db"]
        config.CourseDirectory.submitted_directory = job["submitted"]  # the staged copies
        for name, value in job["extra"].items():
            section, key = name.split(".")
            config[section][key] = value
        coursedir = CourseDirectory(config=config)
        coursedir.assignment_id, coursedir.student_id = job["assignment"], job["student"]
        app = Autograde(coursedir=coursedir, config=config)
        app.force, app.create_student = True, True
        answer = capture_log(app)
        if answer.get("success") and job["feedback"]:
            feedback = GenerateFeedback(coursedir=coursedir, config=config)
            feedback.force = True
            capture_log(feedback)
        Path(job["result"]).write_text(json.dumps({k: str(v) if k != "success" else bool(v)
                                                   for k, v in answer.items()}))
        print(_DONE, flush=True)
    return 0


def _nbgrader_error(log: str) -> str:
    lines = [line.split("]", 1)[-1].strip() for line in log.splitlines() if "ERROR" in line or "Error" in line]
    useful = [line for line in lines if line and "Please see the error log" not in line and "Traceback" not in line]
    return f"nbgrader could not grade it: {useful[-1][:200]}" if useful else "nbgrader could not grade it"


def _scores(worker_db: Path, course: Path, assignment: str, student: str, expected: list[str]):
    step = records.course_step(course)
    with Gradebook(f"sqlite:///{worker_db}") as gb:
        submission = gb.find_submission(assignment, student)
        score, max_score = records.rounded(submission.score, step), records.rounded(submission.max_score, step)
        manual = records.pending_points(submission)
    notes = []
    for name in expected:
        path = course / "autograded" / student / assignment / f"{name}.ipynb"
        if path.exists():
            record = nbformat.read(path, as_version=4).metadata.get(NOTES_KEY, {})
            notes += [f"{name}: {n}" for n in record.get("notes", [])]
    return score, max_score, notes, manual


def _merge(worker_db: Path, main_db: Path, assignment: str, student: str) -> None:
    """Copy one student's submission and grades from their gradebook copy into the course's gradebook."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SAWarning)  # nbgrader's own session handling, harmless here
        _copy_grades(worker_db, main_db, assignment, student)


def _copy_grades(worker_db: Path, main_db: Path, assignment: str, student: str) -> None:
    with Gradebook(f"sqlite:///{worker_db}") as src, Gradebook(f"sqlite:///{main_db}") as dst:
        theirs = src.find_student(student)
        dst.update_or_create_student(student, first_name=theirs.first_name, last_name=theirs.last_name,
                                     email=theirs.email, lms_user_id=theirs.lms_user_id)
        submitted = src.find_submission(assignment, student)
        dst.update_or_create_submission(assignment, student, timestamp=submitted.timestamp)
        for notebook in submitted.notebooks:
            mine = dst.find_submission_notebook(notebook.name, assignment, student)
            mine.flagged, mine.late_submission_penalty = notebook.flagged, notebook.late_submission_penalty
            for grade in notebook.grades:  # the manual score an instructor gave stays as it is
                target = dst.find_grade(grade.name, notebook.name, assignment, student)
                target.auto_score, target.needs_manual_grade = grade.auto_score, grade.needs_manual_grade
            for comment in notebook.comments:
                dst.find_comment(comment.name, notebook.name, assignment, student).auto_comment = comment.auto_comment
        dst.db.commit()


def _export(course: Path, assignment: str, outcomes: list[Outcome], state: dict, out) -> None:
    try:
        nbgrader(["export", "--to", "grades.csv"], course)
        print(f"Grades: {course / 'grades.csv'} (nbgrader export)", file=out)
    except RuntimeError as exc:  # a grades.csv of an earlier run would disagree with grading-records.csv
        (course / "grades.csv").unlink(missing_ok=True)
        print(f"nbgrader export failed, grades.csv removed (run `nbgrader export` again): {str(exc)[:300]}", file=out)
    step = records.course_step(course)
    rows = [{"student": o.student, "status": o.status, "score": records.points_text(o.score, step),
             "max_score": records.points_text(o.max_score, step),
             "pending_manual": records.points_text(o.manual, step) if o.status == "graded" else "",
             "seed": state["seed"], "mlcourse": state["mlcourse"], "seconds": f"{o.seconds:.1f}", "reason": o.reason,
             "notes": " | ".join(o.notes), "isolation": o.isolation} for o in outcomes]
    path = records.write_records(course, assignment, rows)
    waiting = {o.student: o.manual for o in outcomes if o.manual}
    if waiting:
        print(f"To grade by hand (Formgrader): {records.points_text(sum(waiting.values()), step)} points of "
              f"free-response answers from {len(waiting)} student(s).", file=out)
    print(f"Records (seed, version, notes per student): {path}; feedback: {course / 'feedback'}", file=out)


class _Progress:
    """A one-line progress bar on a terminal, one line per submission elsewhere."""

    def __init__(self, total: int, out):
        self.total, self.done, self.out = total, 0, out
        self.live = getattr(out, "isatty", lambda: False)()

    def step(self, outcome: Outcome) -> None:
        self.done += 1
        width = 24
        filled = width * self.done // max(1, self.total)
        what = (f"{outcome.score:g}/{outcome.max_score:g}" + (f", {outcome.manual:g} to grade by hand"
                                                              if outcome.manual else "")
                if outcome.status == "graded" else "FAILED")
        line = f"[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total}  {outcome.student}: {what} " \
               f"({outcome.seconds:.1f} s)"
        print(("\r" + line.ljust(90)) if self.live else line, end="" if self.live else "\n", file=self.out, flush=True)
        if self.live and self.done == self.total:
            print(file=self.out)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv == ["--worker"]:
        return _worker_main()
    parser = argparse.ArgumentParser(prog="python -m mlcourse.autograde", description=(
        "Autograde every submission of an assignment with parallel nbgrader processes, then export "
        "grades.csv, feedback and grading-records.csv. Run it again after an interruption to finish."))
    parser.add_argument("assignment")
    parser.add_argument("--course", type=Path, default=Path("."), help="the nbgrader course folder (default: .)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--seed", type=int, help="grading seed (default: the interrupted run's, else a fresh one)")
    parser.add_argument("--regrade", action="store_true", help="grade everyone again, with a new seed")
    parser.add_argument("--student", action="append", help="grade only this student (repeatable)")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds allowed per submission")
    parser.add_argument("--cell-timeout", type=int, help="seconds allowed per notebook cell (nbgrader's "
                        "Execute.timeout; default: the course configuration's)")
    parser.add_argument("--no-feedback", action="store_true")
    parser.add_argument("--no-isolation", action="store_true", help="run students' code without the jail "
                        "(where bubblewrap is not available; recorded for every student in grading-records.csv)")
    parser.add_argument("--report", action="store_true", help="then write the class report (mlcourse.report)")
    args = parser.parse_args(argv)
    try:
        outcomes = grade_class(args.course, args.assignment, args.workers, args.seed, args.regrade, args.timeout,
                               args.student, not args.no_feedback, args.cell_timeout, out=sys.stdout,
                               isolation=not args.no_isolation)
    except jail.JailUnavailable as exc:
        print(exc, file=sys.stderr)
        return 2
    if args.report:
        from .report import write_report
        write_report(args.course, args.assignment)
    return 0 if all(o.status == "graded" for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())

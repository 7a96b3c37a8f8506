"""nbgrader preprocessors that make autograding trustworthy (grading/nbgrader_config.py installs them).

- `SafeExecute` is nbgrader's Execute, except that a kernel that dies (a student's `os._exit`, a
  segfault, running out of memory) ends the run of that notebook with a note instead of failing the
  whole submission.
- `IsolatedGrades` runs after it and decides every autograded test cell's score itself: the hidden
  checks run in a fresh interpreter against the student's answer cells only (`mlcourse.sandbox`), with
  the setup cell and the test cells taken from the gradebook (the instructor's copy), never from the
  submission. It replaces the test cell's outputs with that verdict and the points earned, which
  nbgrader's SaveAutoGrades then records. Whatever the student's code did in the kernel (redefining
  the checker, patching numpy, exiting) cannot reach these scores.

It also records in the autograded notebook's metadata ("mlcourse") the seed and mlcourse version each
submission was graded with, and what happened, so a grade can be explained and reproduced exactly.
"""

from __future__ import annotations

import ast
import datetime

from nbclient.exceptions import DeadKernelError
from nbformat.notebooknode import NotebookNode
from nbgrader.api import Gradebook
from nbgrader.preprocessors import Execute, NbGraderPreprocessor

from . import __version__, grader, sandbox

NOTES_KEY = "mlcourse"  # where a notebook's grading record lives in its metadata


class SafeExecute(Execute):
    """nbgrader's Execute; a kernel death ends this notebook's run with a note, not with a failure."""

    def preprocess(self, nb, resources=None, km=None):
        self._died_at = None
        return super().preprocess(nb, resources, km)

    def preprocess_cell(self, cell, resources, index):
        if self._died_at is not None:
            return cell, resources
        try:
            return super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            self._died_at = index
            note = (f"The kernel died while running cell {index + 1} (grade id "
                    f"{cell.metadata.get('nbgrader', {}).get('grade_id', 'none')}); later cells were not run. "
                    "The autograded scores below come from separate processes and are unaffected.")
            cell.outputs.append(NotebookNode(output_type="stream", name="stdout", text=note + "\n"))
            resources.setdefault(NOTES_KEY, []).append(note)
            self.log.warning(note)
            return cell, resources


class IsolatedGrades(NbGraderPreprocessor):
    """Score every autograded test cell in the sandbox (see the module's docstring)."""

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        with Gradebook(info["db_url"]) as gb:
            notebook = gb.find_notebook(info["notebook"], info["assignment"])
            sources = {cell.name: cell.source for cell in notebook.source_cells}
            answer_ids = {cell.name for cell in notebook.solution_cells}
            graded_ids = {cell.name for cell in notebook.grade_cells}
        tests = {grade_id: task for grade_id, source in sources.items() if grade_id in graded_ids
                 for task in [graded_task(source)] if task is not None}
        seed = grader.grading_seed() or 0
        answers = [(cell.metadata["nbgrader"]["grade_id"], cell.source) for cell in nb.cells
                   if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("solution")
                   and cell.metadata["nbgrader"].get("grade_id") in answer_ids]
        order = list(tests)
        verdicts = dict(zip(order, sandbox.grade_notebook([tests[g] for g in order], sources.get("setup", ""),
                                                          answers, seed))) if order else {}
        for cell in nb.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if cell.cell_type == "code" and grade_id in verdicts:
                cell.outputs = _outputs(verdicts[grade_id])
        record = {"student": info.get("student"), "assignment": info["assignment"], "notebook": info["notebook"],
                  "seed": seed, "mlcourse": __version__,
                  "graded_at": datetime.datetime.now().isoformat(timespec="seconds"),
                  "scores": {g: [v.points, v.task.points] for g, v in verdicts.items()},
                  "notes": resources.get(NOTES_KEY, []) + [f"{g}: {n}" for g, v in verdicts.items() for n in v.notes]}
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



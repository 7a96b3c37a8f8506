"""What happened to a submission on its way through grading, for the instructor (grading-records.csv).

Before grading (nbgrader's sanitizing pass, `grading/nbgrader_config.py`), `RestoreCellMetadata` and
`RestoreLockedCells` put back what a student changed in the instructor's cells: cell types, nbgrader
flags and points, the source of locked cells, deleted test cells; each change becomes a note. A test
cell as released lacks its hidden tests, which is no change of the student's: it is restored without
nbgrader's "checksum has changed" warning, so that a cell a student really edited stands out.

After the kernel ran (`IsolatedGrades`): `syntax_errors` (answer cells that cannot run, so nothing in
them is graded); a cell stopped at its time limit is noted by `SafeExecute` itself (mlcourse/autograde.py).

The notes reach `IsolatedGrades`, which runs in nbgrader's second pass over the notebook, in the
notebook's metadata (`NOTES_KEY`), stamped with a token of this process: notes a submission brought
along in its own metadata are dropped, not believed.
"""

from __future__ import annotations

import re
import secrets

from . import require_instructor_extra

require_instructor_extra("mlcourse.notes", __name__)
import nbformat  # noqa: E402
from nbformat.notebooknode import NotebookNode  # noqa: E402
from nbgrader.api import Gradebook, MissingEntry  # noqa: E402
from nbgrader.preprocessors import ClearHiddenTests, NbGraderPreprocessor, OverwriteCells  # noqa: E402

NOTES_KEY = "mlcourse"  # where a notebook's grading record lives in its metadata
ANSWER_KEY = "mlcourse_answer"  # marks an answer cell whose nbgrader metadata a student broke
_SANITIZED = secrets.token_hex(16)  # stamps the sanitizing pass's notes (see above)


def _note(nb: NotebookNode, note: str) -> None:
    """Keep a note of the sanitizing pass (what was restored) for IsolatedGrades."""
    record = nb.metadata.get(NOTES_KEY)
    if not isinstance(record, dict) or record.get("sanitized") != _SANITIZED:
        record = nb.metadata[NOTES_KEY] = {"sanitized": _SANITIZED, "notes": []}
    if note not in record["notes"]:
        record["notes"].append(note)


def sanitizing_notes(nb: NotebookNode) -> list[str]:
    """The notes of the sanitizing pass over this notebook, in this process."""
    record = nb.metadata.get(NOTES_KEY)
    return list(record.get("notes", [])) if isinstance(record, dict) and record.get("sanitized") == _SANITIZED else []


class RestoreCellMetadata(NbGraderPreprocessor):
    """Before nbgrader's OverwriteCells: give every cell the gradebook knows (by grade id) back its type
    and its nbgrader flags (grade, solution, locked, points). OverwriteCells restores the source and
    points of locked cells but trusts the flags, so a student who unticked "grade" made nbgrader fail the
    whole submission; now the cell is simply the instructor's again, and the change is noted."""

    def preprocess(self, nb, resources):
        nb.metadata[NOTES_KEY] = {"sanitized": _SANITIZED, "notes": []}  # whatever the submission had there goes
        info = resources["nbgrader"]
        with Gradebook(info["db_url"]) as gb:
            notebook = gb.find_notebook(info["notebook"], info["assignment"])
            kinds = {cell.name: (cell.cell_type, cell.locked) for cell in notebook.source_cells}
            points = {cell.name: float(cell.max_score) for cell in notebook.grade_cells}
            answers = {cell.name for cell in notebook.solution_cells}
        for index, cell in enumerate(nb.cells):
            meta = cell.metadata.get("nbgrader", {})
            grade_id = meta.get("grade_id")
            if grade_id not in kinds:
                if meta:  # an id the gradebook does not know (nbgrader would trip over it): keep the code
                    self.log.warning("Cell %s is not in the gradebook; grading it as a plain answer cell", grade_id)
                    answer = bool(meta.get("solution")) and cell.cell_type == "code"
                    if answer:
                        cell.metadata[ANSWER_KEY] = True
                    del cell.metadata["nbgrader"]
                    _note(nb, f"cell {index + 1} has grade id {grade_id!r}, which is not the instructor's (renamed or "
                              f"copied?): graded as {'an answer' if answer else 'a plain'} cell")
                continue
            cell_type, locked = kinds[grade_id]
            if cell.cell_type != cell_type:
                self.log.warning("Cell %s was changed to %s; restoring it as %s", grade_id, cell.cell_type, cell_type)
                _note(nb, f"{grade_id}: the student made it a {cell.cell_type} cell; restored as {cell_type}")
                make = nbformat.v4.new_code_cell if cell_type == "code" else nbformat.v4.new_markdown_cell
                cell = nb.cells[index] = make(source=cell.source, metadata=cell.metadata)
                meta = cell.metadata.nbgrader
            wanted = {"grade": grade_id in points, "solution": grade_id in answers, "locked": bool(locked)}
            changed = [f"{flag} {'off' if want else 'on'}" for flag, want in wanted.items() if bool(meta.get(flag)) != want]
            meta.update(wanted)
            if grade_id in points:
                if float(meta.get("points", -1)) != points[grade_id]:
                    changed.append(f"points {meta.get('points')} instead of {points[grade_id]:g}")
                    meta["points"] = points[grade_id]
            else:
                meta.pop("points", None)
            if changed:
                self.log.warning("Cell %s: nbgrader settings changed (%s); restored", grade_id, ", ".join(changed))
                _note(nb, f"{grade_id}: the student changed its nbgrader settings ({', '.join(changed)}); restored")
        return nb, resources


class RestoreLockedCells(OverwriteCells):
    """nbgrader's OverwriteCells, which gives every locked cell the instructor's source back (and puts back
    deleted test cells, with `add_missing_cells`). A test cell as released lacks its hidden tests, so
    nbgrader warned "Attribute 'checksum' for cell ... has changed!" for every test cell of every student,
    and a cell a student really edited was lost among them. Here a locked cell that is exactly what
    students were given is restored quietly; one a student edited or deleted is restored with nbgrader's
    warning and a note (grading-records.csv)."""

    def preprocess(self, nb, resources):
        self._nb = nb
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, cell_index):
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id is not None:
            try:
                source = self.gradebook.find_source_cell(grade_id, self.notebook_id, self.assignment_id)
            except MissingEntry:
                source = None
            if source is not None and source.locked and cell.source != source.source \
                    and _plain(cell.source) == _plain(self._as_released(source.source)):
                cell.source = source.source  # only the hidden tests differ: what every student has
        return super().preprocess_cell(cell, resources, cell_index)

    def _as_released(self, source: str) -> str:
        cell = nbformat.v4.new_code_cell(source)
        try:
            ClearHiddenTests(parent=self)._remove_hidden_test_region(cell)
        except RuntimeError:  # unbalanced markers: nothing was released from it either
            return source
        return cell.source

    def report_change(self, name, attr, old, new):
        super().report_change(name, attr, old, new)
        _note(self._nb, f"{name}: the student edited this locked cell; the instructor's version was graded"
              if attr == "checksum" else f"{name}: the student changed its {attr} ({new} instead of {old}); restored")

    def add_missing_grade_cells(self, nb, resources):
        present = {cell.metadata.get("nbgrader", {}).get("grade_id") for cell in nb.cells}
        nb, resources = super().add_missing_grade_cells(nb, resources)
        for cell in nb.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if grade_id not in present:
                _note(nb, f"{grade_id}: the student deleted this cell; it was put back and graded")
        return nb, resources


def _plain(source: str) -> str:
    """A cell's source without trailing blanks (which no one sees): for comparing what was released."""
    return "\n".join(line.rstrip() for line in source.strip().splitlines())


def syntax_errors(answers: list[tuple[str, str]]) -> dict[str, tuple[str, str]]:
    """The answer cells that are not valid Python, as the sandbox compiles them: {cell: (why, source)}."""
    broken = {}
    for cell, source in answers:
        try:
            compile(source, cell, "exec", dont_inherit=True)
        except SyntaxError as exc:
            broken[cell] = (f"line {exc.lineno}: {exc.msg}", source)
        except ValueError as exc:  # e.g. a NUL character
            broken[cell] = (str(exc), source)
    return broken


def defines(source: str, function: str) -> bool:
    """Whether broken code looks as if it defines `function` (it cannot be parsed, so by its text)."""
    return re.search(rf"^\s*(async\s+)?def\s+{re.escape(function)}\b|^\s*{re.escape(function)}\s*=", source,
                     re.M) is not None

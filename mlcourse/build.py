"""Regenerate every notebook from its master: `python3 course.py build` (or `python -m mlcourse.build`).

    masters/<id>.py  ──►  grading/source/<id>/<id>.ipynb   nbgrader source (solutions, hidden tests)
                     ──►  notebooks/<id>.ipynb              student version (nbgrader generate_assignment)
                     ──►  solutions/<id>.ipynb              solved version, no markers or metadata
                     ──►  README.md                         the notebook table with Colab badges

`python -m mlcourse.build --check` builds into a temporary folder and lists the files that differ from
the committed ones (exit status 1 if any). The master format is described in AUTHORING.md.
This module is an authoring tool: it needs jupytext and nbgrader, which students never install.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from . import BRANCH, REPOSITORY, require_instructor_extra

require_instructor_extra("mlcourse.build", __name__)  # a one-line message instead of an ImportError below
import nbformat  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
MASTERS = ROOT / "masters"

SETUP_BLOCK = f'''\
# Setup. In Google Colab this installs the course package and turns on interactive widgets;
# anywhere else it only runs the imports below.
import importlib.util
import sys

if "google.colab" in sys.modules:
    if importlib.util.find_spec("mlcourse") is None:
        import os
        import subprocess

        # Colab's own packages already satisfy the course's; pip adds the course and keeps quiet.
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet",
                        "mlcourse @ git+https://github.com/{REPOSITORY}@{BRANCH}"], check=True,
                       env={{**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_ROOT_USER_ACTION": "ignore"}})
        importlib.invalidate_caches()  # so that the imports below find the package just installed
    from google.colab import output

    output.enable_custom_widget_manager()
'''

TEST_CELL = '''\
grader.check("{exercise}", {function})
### BEGIN HIDDEN TESTS
grader.grade("{exercise}", {function}, points={points})
### END HIDDEN TESTS'''

README_START, README_END = "<!-- notebooks:start -->", "<!-- notebooks:end -->"
KERNELSPEC = {"display_name": "Python 3", "language": "python", "name": "python3"}


class MasterError(ValueError):
    """A master notebook breaks the format of AUTHORING.md."""


# ---------------------------------------------------------------------------------------------------
# master -> nbgrader source notebook


def _nbgrader(grade_id: str, *, solution=False, grade=False, locked=False, points=None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3,
            "solution": solution, "task": False}
    if points is not None:
        meta["points"] = points
    return meta


def source_notebook(master: Path) -> nbformat.NotebookNode:
    """The nbgrader source notebook described by a master file."""
    import jupytext

    nb = jupytext.read(master)
    cells = []
    for index, cell in enumerate(nb.cells):
        meta = dict(cell.metadata)
        kind = meta.pop("title", "")
        where = f"{master.name}, cell {index + 1} ({kind or cell.cell_type})"
        new_meta: dict = {}
        source = cell.source
        if cell.cell_type == "markdown" and kind == "answer":
            new_meta["nbgrader"] = _nbgrader(_required(meta, "id", where), solution=True, grade=True,
                                             points=_required(meta, "points", where))
            cell_id = meta["id"]
        elif cell.cell_type == "markdown":
            cell_id = f"md-{index:03d}"
        elif kind == "setup":
            source = SETUP_BLOCK + "\n" + source
            new_meta["nbgrader"] = _nbgrader("setup", locked=True)
            cell_id = "setup"
        elif kind == "solution":
            cell_id = _required(meta, "id", where)
            if "### BEGIN SOLUTION" not in source:
                raise MasterError(f"{where}: a solution cell needs ### BEGIN SOLUTION / ### END SOLUTION")
            new_meta["nbgrader"] = _nbgrader(cell_id, solution=True)
        elif kind == "tests":
            exercise = _required(meta, "exercise", where)
            points = _required(meta, "points", where)
            if source.strip():
                raise MasterError(f"{where}: leave test cells empty; the build writes them")
            function = exercise.split(".", 1)[1]
            source = TEST_CELL.format(exercise=exercise, function=function, points=points)
            cell_id = f"test_{function}"
            new_meta["nbgrader"] = _nbgrader(cell_id, grade=True, locked=True, points=points)
        elif kind == "":
            cell_id = f"code-{index:03d}"
        else:
            raise MasterError(f"{where}: unknown cell kind {kind!r}")
        new = (nbformat.v4.new_markdown_cell if cell.cell_type == "markdown" else nbformat.v4.new_code_cell)(
            source, metadata=new_meta
        )
        new.id = cell_id
        cells.append(new)
    _check_unique_ids(cells, master)
    source_nb = nbformat.v4.new_notebook(cells=cells, metadata={
        "kernelspec": KERNELSPEC, "language_info": {"name": "python"},
    })
    nbformat.validate(source_nb)
    return source_nb


def _required(meta: dict, key: str, where: str):
    if key not in meta:
        raise MasterError(f"{where}: missing {key}=...")
    return meta[key]


def _check_unique_ids(cells, master: Path) -> None:
    seen = set()
    for cell in cells:
        if cell.id in seen:
            raise MasterError(f"{master.name}: the id {cell.id!r} is used twice")
        seen.add(cell.id)


# ---------------------------------------------------------------------------------------------------
# source notebook -> solutions notebook


def solutions_notebook(source_nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The solved notebook: solution markers and hidden tests removed, nbgrader metadata dropped."""
    nb = nbformat.from_dict(source_nb)
    for cell in nb.cells:
        cell.metadata.pop("nbgrader", None)
        cell.source = _strip_markers(cell.source)
    return nb


def _strip_markers(source: str) -> str:
    lines, hidden = [], False
    for line in source.split("\n"):
        if "### BEGIN HIDDEN TESTS" in line:
            hidden = True
        elif "### END HIDDEN TESTS" in line:
            hidden = False
        elif not hidden and "### BEGIN SOLUTION" not in line and "### END SOLUTION" not in line:
            lines.append(line)
    return "\n".join(lines).rstrip("\n")


# ---------------------------------------------------------------------------------------------------
# nbgrader generate_assignment -> student notebooks


def nbgrader_env() -> dict:
    """The environment for nbgrader commands: this interpreter's bin first (nbgrader runs `alembic`)."""
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    return env


def nbgrader(args: list[str], course_dir: Path) -> subprocess.CompletedProcess:
    """Run `nbgrader <args>` in a course folder; raise with its log if it fails."""
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course_dir, env=nbgrader_env(),
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"nbgrader {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done


def student_notebooks(source_dir: Path, assignments: list[str]) -> dict[str, nbformat.NotebookNode]:
    """Run nbgrader generate_assignment in a scratch copy of grading/ and return the release notebooks."""
    with tempfile.TemporaryDirectory() as scratch:
        course = Path(scratch) / "grading"
        course.mkdir()
        shutil.copy(ROOT / "grading" / "nbgrader_config.py", course)
        shutil.copytree(source_dir, course / "source")
        released = {}
        for assignment in assignments:
            nbgrader(["generate_assignment", assignment, "--force"], course)
            released[assignment] = nbformat.read(course / "release" / assignment / f"{assignment}.ipynb",
                                                 as_version=4)
        return released


# ---------------------------------------------------------------------------------------------------
# README table


def readme_table(titles: dict[str, str]) -> str:
    rows = ["| # | Notebook | Open |", "|---|---|---|"]
    for assignment, title in titles.items():
        number = assignment.split("_", 1)[0]
        url = f"https://colab.research.google.com/github/{REPOSITORY}/blob/{BRANCH}/notebooks/{assignment}.ipynb"
        badge = f"[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]({url})"
        rows.append(f"| {number} | [{title}](notebooks/{assignment}.ipynb) | {badge} |")
    return "\n".join(rows)


def _title(nb: nbformat.NotebookNode) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            match = re.search(r"^#\s+(.+)$", cell.source, re.MULTILINE)
            if match:
                return match.group(1).strip()
    return "untitled"


def _with_table(readme: str, table: str) -> str:
    if README_START not in readme or README_END not in readme:
        raise MasterError(f"README.md needs the markers {README_START} and {README_END}")
    head, rest = readme.split(README_START, 1)
    _, tail = rest.split(README_END, 1)
    return f"{head}{README_START}\n{table}\n{README_END}{tail}"


# ---------------------------------------------------------------------------------------------------
# the whole build


def build(out: Path) -> list[Path]:
    """Write every generated file under `out` (the repository root, or a scratch folder); return them."""
    masters = sorted(MASTERS.glob("[0-9][0-9]_*.py"))
    written: list[Path] = []
    titles: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as scratch:
        source_dir = Path(scratch) / "source"
        for master in masters:
            assignment = master.stem
            source_nb = source_notebook(master)
            titles[assignment] = _title(source_nb)
            written.append(_write(source_nb, out / "grading" / "source" / assignment / f"{assignment}.ipynb"))
            _write(source_nb, source_dir / assignment / f"{assignment}.ipynb")
            written.append(_write(solutions_notebook(source_nb), out / "solutions" / f"{assignment}.ipynb"))
        for assignment, nb in student_notebooks(source_dir, list(titles)).items():
            written.append(_write(nb, out / "notebooks" / f"{assignment}.ipynb"))
    readme = _with_table((ROOT / "README.md").read_text(encoding="utf-8"), readme_table(titles))
    (out / "README.md").write_text(readme, encoding="utf-8")
    written.append(out / "README.md")
    return written


def _write(nb: nbformat.NotebookNode, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    nb.metadata.pop("celltoolbar", None)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        nbformat.write(nb, f)
    return path


def stale_files() -> list[str]:
    """Generated files whose committed version differs from a fresh build (or that should not exist)."""
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch)
        fresh = {p.relative_to(out).as_posix() for p in build(out)}
        stale = [rel for rel in sorted(fresh)
                 if not (ROOT / rel).exists() or (ROOT / rel).read_bytes() != (out / rel).read_bytes()]
    return stale + _orphans(fresh)


def _orphans(fresh: set[str]) -> list[str]:
    """Committed generated notebooks that the build no longer makes (their master was removed)."""
    committed = {p.relative_to(ROOT).as_posix() for folder in ("notebooks", "solutions")
                 for p in (ROOT / folder).glob("*.ipynb")}
    committed |= {p.relative_to(ROOT).as_posix() for p in (ROOT / "grading" / "source").glob("*/*.ipynb")}
    return sorted(committed - fresh)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only report generated files that are stale")
    args = parser.parse_args(argv)
    if args.check:
        stale = stale_files()
        for rel in stale:
            print(f"stale: {rel}")
        print("all generated files are up to date" if not stale else "run `python3 course.py build`")
        return 1 if stale else 0
    written = build(ROOT)
    for path in written:
        print(f"wrote {path.relative_to(ROOT)}")
    for rel in _orphans({p.relative_to(ROOT).as_posix() for p in written}):
        (ROOT / rel).unlink()
        print(f"removed {rel}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

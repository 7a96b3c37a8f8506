"""Shared helpers for the tests: paths, headless notebook execution, nbgrader in a scratch course."""

from __future__ import annotations

import os
import shutil
import warnings
from pathlib import Path

import IPython
import IPython.display
import nbformat
import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
ASSIGNMENTS = sorted(p.stem for p in (ROOT / "masters").glob("[0-9][0-9]_*.py"))

os.environ.setdefault("MPLBACKEND", "Agg")


def pytest_sessionstart(session):
    # Build matplotlib's font cache now, so its one-time notice never lands in a notebook's stderr.
    import matplotlib.font_manager  # noqa: F401


def pytest_runtest_setup(item):
    # The browser and the Colab tests share one JupyterLab or one venv, so each group must run on one worker
    # (--dist loadgroup tags their node ids "@group"). pytest 9.2 silently dropped that tag (pytest-xdist#1386),
    # and the Colab tests then reinstalled the course under each other's kernels: say so instead.
    if (item.get_closest_marker("xdist_group") and hasattr(item.config, "workerinput")
            and getattr(item.config.option, "loadgroup", False) and "@" not in item.nodeid):
        pytest.fail("pytest-xdist ignored this test's xdist_group, so its group may run on several workers at "
                    "once: use the pytest that requirements.txt pins (pytest-xdist#1386)", pytrace=False)


def execute_notebook(nb: nbformat.NotebookNode, cwd: Path, timeout: int = 120) -> nbformat.NotebookNode:
    """Run a notebook headless in a fresh kernel (as nbgrader does) and return it with outputs."""
    from nbclient import NotebookClient

    env_seed = os.environ.pop("MLCOURSE_GRADING_SEED", None)  # students run without a grading seed
    try:
        NotebookClient(nb, timeout=timeout, kernel_name="python3",
                       resources={"metadata": {"path": str(cwd)}}).execute()
    finally:
        if env_seed is not None:
            os.environ["MLCOURSE_GRADING_SEED"] = env_seed
    return nb


def output_text(cell) -> str:
    """Everything a code cell showed, as plain text (streams, results, errors)."""
    parts = []
    for out in cell.get("outputs", []):
        if out.output_type == "stream":
            parts.append(out.text)
        elif out.output_type in ("execute_result", "display_data"):
            parts.append(out.data.get("text/plain", ""))
        elif out.output_type == "error":
            parts.append(f"{out.ename}: {out.evalue}")
    return "\n".join(parts)


def problems(nb: nbformat.NotebookNode) -> list[str]:
    """Errors and stderr output anywhere in an executed notebook."""
    found = []
    for index, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.output_type == "error":
                found.append(f"cell {index}: {out.ename}: {out.evalue}")
            elif out.output_type == "stream" and out.name == "stderr":
                found.append(f"cell {index} wrote to stderr: {out.text[:300]}")
    return found


@pytest.fixture
def course_copy(tmp_path) -> Path:
    """A scratch copy of grading/ (configuration and source notebooks only)."""
    course = tmp_path / "grading"
    course.mkdir()
    shutil.copy(ROOT / "grading" / "nbgrader_config.py", course)
    shutil.copytree(ROOT / "grading" / "source", course / "source")
    return course


class FakeHandle:
    def __init__(self):
        self.updates = []

    def update(self, obj):
        self.updates.append(obj)


def texts(fig) -> str:
    """Every text drawn on a figure's axes (the widgets' notes and labels), on one line."""
    return " ".join(t.get_text().replace("\n", " ") for ax in fig.axes for t in ax.texts)


@pytest.fixture
def shown(monkeypatch):
    """The figures the widgets hand to plots.show, kept instead of rendered (rendering is the slow part; the
    notebook tests render every one of them, and fail on any warning)."""
    from mlcourse import plots

    figures = []
    monkeypatch.setattr(plots, "show", lambda fig, handle=None: figures.append(fig))
    return figures


class Shown(list):
    """What was displayed, in order; the re-run hints shown below explorers are kept apart, in `hints`."""

    def __init__(self):
        super().__init__()
        self.hints = []


@pytest.fixture
def front_end(monkeypatch):
    """A pretend IPython: display() records what is shown and hands out display handles."""
    from mlcourse.widgets import core

    shown = Shown()

    def display(obj, display_id=None):
        if isinstance(obj, core.RerunHint):
            shown.hints.append((len(shown), obj))  # (how many things were shown before it, the hint)
        else:
            shown.append(obj)
        return FakeHandle() if display_id else None

    monkeypatch.setattr(IPython, "get_ipython", lambda: object())
    monkeypatch.setattr(IPython.display, "display", display)
    return shown


# Student functions that go wrong in the usual ways, for the widget tests: each widget must say what is
# wrong and still draw the reference.
def not_implemented(*args, **kwargs):
    raise NotImplementedError()


def wrong_shape(*args, **kwargs):
    return np.ones((7, 3))


def raises_type_error(*args, **kwargs):
    raise TypeError("unsupported operand")


def noisy_nan(*args, **kwargs):
    """Prints, warns and overflows before returning nan."""
    print("debugging output")
    warnings.warn("student warning")
    np.exp(1000.0)
    return float("nan")


BROKEN = {"not implemented": not_implemented, "nan": noisy_nan, "wrong shape": wrong_shape,
          "TypeError": raises_type_error}

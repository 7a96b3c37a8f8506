"""The core every widget uses: calling the student's code safely, attempt, the explorer loop, and the package's
public names (every `widgets.<name>` a master calls)."""

from __future__ import annotations

import re
import subprocess
import sys

import numpy as np
import pytest

from conftest import ROOT, not_implemented, noisy_nan
from mlcourse import widgets
from mlcourse.widgets import core


def test_every_name_the_masters_use_is_in_the_package():
    used = set()
    for master in (ROOT / "masters").glob("*.py"):
        used |= set(re.findall(r"\bwidgets\.(\w+)", master.read_text(encoding="utf-8")))
    assert used and not [name for name in sorted(used) if not hasattr(widgets, name)]
    assert all(hasattr(widgets, name) for name in widgets.__all__)


def test_the_setup_cells_imports_leave_matplotlib_and_the_explorers_for_later():
    # a grading kernel and the sandbox run the setup cell but draw nothing: matplotlib and ipywidgets would be
    # most of their start-up (0.85 s of imports instead of 0.20 s)
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys; from mlcourse import data, gradcheck, grader, plots, widgets; "
         "print(' '.join(sorted(sys.modules)))"], capture_output=True, text=True, check=True, cwd=ROOT).stdout.split()
    assert "mlcourse.grader" in loaded
    assert not [m for m in loaded if m.split(".")[0] in ("matplotlib", "ipywidgets")
                or m.startswith("mlcourse.widgets.")]
    assert widgets.EXPLORERS["derivatives"][0] in dir(widgets)


def test_call_says_what_went_wrong_in_one_sentence():
    assert core.call("f", not_implemented, 1.0) == (None, "f needs not_implemented, which is not implemented yet")
    assert core.call("f", lambda: 1 / 0)[1] == "f raised ZeroDivisionError: division by zero"
    assert core.call("f", lambda: "text")[1] == "f returned str, not numbers"
    assert core.call("f", lambda: {"a": object()})[1] == "f returned dict, not numbers"
    assert core.call("f", lambda: np.ones(3), shape=(2,))[1] == "f returned shape (3,), not (2,)"
    assert core.call("f", noisy_nan)[1] == "f returned nan or inf"
    value, why = core.call("f", lambda x: 2 * x, np.arange(3.0), shape=(3,))
    assert why == "" and value.dtype == np.float64 and value.tolist() == [0.0, 2.0, 4.0]


def test_call_keeps_tuples_and_checks_every_part():
    value, why = core.call("gradients", lambda: (np.ones((2, 1)), 0.5), shape=((2, 1), ()))
    assert why == "" and isinstance(value, tuple) and value[0].shape == (2, 1) and float(value[1]) == 0.5
    assert core.call("gradients", lambda: (np.ones((2, 1)), 0.5), shape=((1, 2), ()))[1] == \
        "gradients returned shape ((2, 1), ()), not ((1, 2), ())"
    assert core.call("gradients", lambda: (np.ones(2), np.nan))[1] == "gradients returned nan or inf"
    assert core.call("gradients", lambda: [np.ones(2), np.ones(3)])[0][1].shape == (3,)  # unequal parts of a list


def test_attempt_returns_tuples_of_plain_results(capsys):
    dw, db = core.attempt(lambda X: (X @ np.ones((3, 1)), float(np.sum(X))), np.ones((2, 3)))
    assert dw.shape == (2, 1) and db == 6.0 and isinstance(db, float)
    assert widgets.attempt(lambda: 3) == 3.0
    assert core.attempt(lambda: ({"W1": np.zeros((1, 1))}, 2)) == ({"W1": np.zeros((1, 1))}, 2.0)
    assert core.attempt(lambda: (np.ones(2), float("inf"))) is None
    assert capsys.readouterr().out == "<lambda> returned nan or inf.\n"


def test_run_names_the_innermost_student_function_and_accepts_unusable():
    def helper():
        raise NotImplementedError()

    def outer():
        return helper()

    assert core.run(outer) == (None, "helper is not implemented yet")
    assert core.run(outer, name="outer")[1] == "outer needs helper, which is not implemented yet"
    assert core.run(lambda: core.array([1.0, 2.0], (2, 1), "outer's A"))[1] == "outer's A has shape (2,), not (2, 1)"
    assert core.run(lambda: core.number(np.nan, "cost"))[1] == "cost returned nan"


def test_run_keeps_prints_and_warnings_out(capsys):
    caught = []
    assert core.run(noisy_nan, caught=caught)[0] != 0  # nan comes back: run judges nothing itself
    assert capsys.readouterr().out == "" and caught


def test_explore_redraws_and_live_draws_show_frames(front_end, monkeypatch):
    frames_seen = []
    monkeypatch.setattr(core, "FRAME_SECONDS", 0.0)
    monkeypatch.setattr(core, "QUICK_SECONDS", 0.0)

    def draw(frames, n):
        for k in range(n):
            frames.progress(k + 1, n)
            if frames.due():
                frames_seen.append(k)
        from mlcourse import plots

        return plots.figure()[0]

    core.explore(draw, live=True, progress="steps", n=core.slider("int", 3, 1, 10, 1, "n"))
    (explorer,) = front_end
    controls = explorer.controls
    n, bar = controls.children
    assert frames_seen == [0, 1, 2] and bar.max == 3 and bar.value == 3 and bar.bar_style == "success"
    n.value = 5
    assert bar.max == 5 and len(front_end) == 1


def test_below_each_explorer_a_hint_says_to_run_the_cell_again_once_the_kernel_is_gone(front_end):
    from mlcourse import plots

    core.explore(lambda a: plots.figure()[0], a=core.checkbox(True, "a"))
    core.explore(lambda b: plots.figure()[0], b=core.checkbox(True, "b"))
    assert [at for at, _ in front_end.hints] == [1, 2]  # each right below its explorer
    bundle = front_end.hints[0][1]._repr_mimebundle_()
    assert "run this cell again" in bundle["text/plain"] and "run this cell again" in bundle["text/html"]
    # hidden (JupyterLab) while the explorer's widget, which carries the class, is rendered above it
    assert "mlcourse-explorer" in front_end[0].widget._dom_classes and "mlcourse-explorer" in bundle["text/html"]


def test_controls_wrap_and_redraw_on_release_only():
    slider = core.slider("log", 0.1, -3, 0, 0.05, "lr", base=10)
    assert slider.continuous_update is False and slider.value == pytest.approx(0.1)
    assert core.dropdown({"a": 1, "b": 2}, "b", "choice").options == ("a", "b")
    assert core.checkbox(True, "on").value is True


def test_frames_only_while_the_rest_of_a_redraw_takes_a_while(monkeypatch):
    clock, shown = [0.0], []
    monkeypatch.setattr(core.time, "perf_counter", lambda: clock[0])

    def after(seconds, done, total=10):
        clock[0] += seconds
        frames.progress(done, total)

    frames = core.Frames(shown.append)
    after(0.0, 0)
    after(0.4, 8)  # at this pace it ends 0.5 s after the move: no frame needed
    assert not frames.due()
    frames = core.Frames(shown.append)
    after(0.0, 3)  # going on from 3 of 10 (kept from before)
    after(0.4, 4)  # 0.4 s an epoch: 2.4 s to go
    assert frames.due()
    frames.show("a frame")
    after(2.0, 9)  # 0.4 s to go
    assert not frames.due() and shown == ["a frame"]

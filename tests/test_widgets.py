"""The plots and widgets work headless with any student function: right, missing, raising or returning nan.

pytest turns warnings into errors (pyproject.toml), so every test here also shows that nothing the
student's code does reaches the output as a warning.
"""

from __future__ import annotations

import warnings

import IPython
import IPython.display
import numpy as np
import pytest

from conftest import FakeHandle, texts
from mlcourse import derivatives as ref
from mlcourse import gradcheck, plots
from mlcourse.widgets import core
from mlcourse.widgets import derivatives as nb01


def not_implemented(*args, **kwargs):
    raise NotImplementedError()


def returns_nan(*args, **kwargs):
    return float("nan")


def raises_type_error(*args, **kwargs):
    raise TypeError("unsupported operand")


def noisy(*args, **kwargs):
    """Prints, warns and overflows before returning garbage."""
    print("debugging output")
    warnings.warn("student warning")
    np.exp(1000.0)
    return "garbage"


BROKEN = {"not implemented": not_implemented, "nan": returns_nan, "TypeError": raises_type_error, "noisy": noisy}

Z = np.array([[1.5, -0.5, 2.0]])
Y = np.array([[1.0, 0.0, 0.0]])


def cube_sum(x):
    return np.sum(x**3) / 3


# Each figure builder with the student's functions replaced by `fn` (None: the references).
BUILDERS = {
    "secant": lambda fn: nb01._secant_figure(fn or ref.numerical_derivative, nb01.CURVE, 1.0, 0.1, (-2.5, 2.5)),
    "error": lambda fn: nb01._error_figure(fn or ref.numerical_derivative, nb01.CURVE, 1.0),
    "graph": lambda fn: nb01._graph_figure(fn or ref.graph_forward, fn or ref.graph_backward, 5.0, 3.0, 2.0),
    "sigmoid": lambda fn: nb01._sigmoid_figure(fn or ref.sigmoid, fn or ref.sigmoid_derivative),
    "bars": lambda fn: nb01._bars_figure(fn or gradcheck.gradient_check, cube_sum,
                                            {"right": lambda x: x**2, "wrong": lambda x: 3 * x**2}, np.ones((2, 2)), 1e-5),
    "line": lambda fn: nb01._line_fit_figure(fn or ref.sse_line_gradients, ref.NOTES_X, ref.NOTES_Y, 0.05, 10),
}

# Each public function, called as a notebook calls it.
PUBLIC = {
    "secant": lambda fn: nb01.secant_explorer(fn or ref.numerical_derivative),
    "error": lambda fn: nb01.difference_error_plot(fn or ref.numerical_derivative),
    "graph": lambda fn: nb01.graph_explorer(fn or ref.graph_forward, fn or ref.graph_backward),
    "sigmoid": lambda fn: nb01.sigmoid_plot(fn or ref.sigmoid, fn or ref.sigmoid_derivative),
    "bars": lambda fn: nb01.gradient_check_bars(fn or gradcheck.gradient_check, cube_sum, {"x²": lambda x: x**2},
                                                   np.ones(3)),
    "line": lambda fn: nb01.line_fit_explorer(fn or ref.sse_line_gradients, steps=5),
}


@pytest.mark.parametrize("name", BUILDERS)
def test_the_reference_draws_without_a_note(name):
    fig = BUILDERS[name](None)
    assert "reference only" not in texts(fig) and "not implemented" not in texts(fig)


@pytest.mark.parametrize("kind", BROKEN)
@pytest.mark.parametrize("name", BUILDERS)
def test_a_broken_student_function_gives_a_note_not_an_error(name, kind, capsys):
    fig = BUILDERS[name](BROKEN[kind])
    expected = {"not implemented": ["not implemented yet"], "nan": ["returned nan", "returned shape ()"],
                "TypeError": ["raised TypeError"], "noisy": ["not numbers"]}[kind]
    assert any(sentence in texts(fig) for sentence in expected), texts(fig)
    assert capsys.readouterr().out == ""  # the student's prints are swallowed


@pytest.mark.parametrize("name", PUBLIC)
def test_public_functions_run_without_ipython(name, capsys):
    """The whole way to a PNG (rendering is the slow part, so once each: a note and the reference curves)."""
    assert PUBLIC[name](not_implemented) is None
    assert capsys.readouterr().out == ""  # nothing printed outside IPython, not even a repr


def test_show_outside_ipython_returns_none_and_frees_the_figure():
    fig, ax = plots.figure()
    ax.plot([0, 1], [0, 1])
    assert plots.show(fig) is None
    assert fig.axes == []




def test_show_displays_a_png_and_updates_the_handle(front_end):
    handle = plots.show(plots.figure()[0])
    assert isinstance(handle, FakeHandle)
    assert isinstance(front_end[0], IPython.display.Image) and front_end[0].data[:4] == b"\x89PNG"
    assert plots.show(plots.figure()[0], handle) is handle
    assert len(handle.updates) == 1 and len(front_end) == 1


def test_moving_a_control_redraws_into_the_same_output(front_end):
    calls = []

    def spy(f, x, h=1e-5):
        calls.append(h)
        raise NotImplementedError()

    nb01.secant_explorer(spy, h=0.5)
    (explorer,) = front_end
    controls = explorer.controls
    assert explorer.still[:4] == b"\x89PNG"
    h_slider = next(c for c in controls.children if c.description == "h")
    h_slider.value = 1e-3
    assert calls == [0.5, pytest.approx(1e-3)]
    assert len(front_end) == 1  # redrawn inside the widget, not displayed again


def test_the_student_function_gets_the_right_arguments():
    calls = []

    def spy(f, x, h=1e-5):
        calls.append((x, h))
        return ref.numerical_derivative(f, x, h)

    fig = nb01._secant_figure(spy, nb01.CURVE, 0.5, 0.01, (-2.5, 2.5))
    assert calls == [(0.5, 0.01)] and "(yours)" in "".join(t.get_text() for t in fig.axes[0].get_legend().get_texts())


def test_a_sigmoid_that_overflows_is_told_so():
    fig = nb01._sigmoid_figure(lambda z: 1 / (1 + np.exp(-z)), ref.sigmoid_derivative)
    assert "overflows" in texts(fig)
    assert "no overflow" in texts(nb01._sigmoid_figure(ref.sigmoid, ref.sigmoid_derivative))


def test_a_too_large_learning_rate_is_named():
    assert "too large" in texts(nb01._line_fit_figure(ref.sse_line_gradients, ref.NOTES_X, ref.NOTES_Y, 0.25, 40))


def test_the_function_that_is_missing_is_named():
    def outer(x):
        return inner(x)

    def inner(x):
        raise NotImplementedError()

    assert core.call("outer", outer, 1.0) == (None, "outer needs inner, which is not implemented yet")
    assert core.call("outer", inner, 1.0)[1] == "outer needs inner, which is not implemented yet"
    assert core.call("inner", inner, 1.0)[1] == "inner is not implemented yet"


def test_attempt(capsys):
    assert core.attempt(ref.numerical_derivative, lambda a: 3 * a, 2.0, h=1e-3) == pytest.approx(3.0)
    assert core.attempt(not_implemented, 1.0) is None
    assert capsys.readouterr().out == "not_implemented is not implemented yet.\n"

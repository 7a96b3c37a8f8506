"""Notebook 02's widgets work headless with any student function: right, missing, raising or returning garbage.

pytest turns warnings into errors (pyproject.toml), so every test here also shows that nothing the
student's code does, not even absurd but finite numbers, reaches the output as a warning.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from conftest import texts
from mlcourse import data
from mlcourse.widgets import core
from mlcourse.widgets import gradient_descent as nb02
from mlcourse import gradient_descent as ref


def not_implemented(*args, **kwargs):
    raise NotImplementedError()


def returns_nan(*args, **kwargs):
    return float("nan")


def wrong_shape(*args, **kwargs):
    return np.zeros((3, 7))


def noisy(*args, **kwargs):
    """Prints, warns and overflows before returning garbage."""
    print("debugging output")
    warnings.warn("student warning")
    np.exp(1000.0)
    return "garbage"


BROKEN = {"not implemented": not_implemented, "nan": returns_nan, "wrong shape": wrong_shape}
NOTES = ("not implemented yet", "returned nan", "returned shape", "raised")

X, Y = nb02._regression_data()
BLOBS = data.two_blobs(np.random.default_rng(1), m=40)

# Each figure builder with one student function replaced by `fn` (None: the references).
BUILDERS = {
    "learning rate": lambda fn: nb02._learning_rate_figure(fn or ref.gradient_descent_1d,
                                                              nb02.LANDSCAPES["bowl"], 0.0, 0.9, 8),
    "gradients": lambda fn: nb02._mini_batch_figure(fn or ref.linear_regression_gradients, ref.random_mini_batches,
                                                       X, Y, 0.1, 8, 2),
    "batches": lambda fn: nb02._mini_batch_figure(ref.linear_regression_gradients, fn or ref.random_mini_batches,
                                                     X, Y, 0.1, 8, 2),
    "scaling": lambda fn: nb02._scaling_figure(fn or ref.gradient_descent, 0.8, 10, 8.0),
    "boundary": lambda fn: nb02._boundary_figure(fn or ref.train_logistic_regression, *BLOBS, 0.5, 5, 8),
    "decay": lambda fn: nb02._decay_figure(fn or ref.lr_inverse_time_decay, fn or ref.lr_exponential_decay,
                                              1.0, 0.5, 0.2, 10),
}

# Each public function, called as the notebook calls it (but with short runs).
PUBLIC = {
    "learning rate": lambda fn: nb02.learning_rate_explorer(fn, "quartic", x0=-0.5, steps=5),
    "mini-batch": lambda fn: nb02.mini_batch_explorer(fn, fn, epochs=1),
    "scaling": lambda fn: nb02.feature_scaling_explorer(fn, steps=5),
    "boundary": lambda fn: nb02.decision_boundary_explorer(fn, epochs=2),
    "decay": lambda fn: nb02.decay_explorer(fn, fn, epochs=5),
}


@pytest.mark.parametrize("name", BUILDERS)
def test_the_reference_draws_without_a_note(name):
    fig = BUILDERS[name](None)
    assert not any(note in texts(fig) for note in NOTES), texts(fig)


@pytest.mark.parametrize("kind", BROKEN)
@pytest.mark.parametrize("name", BUILDERS)
def test_a_broken_student_function_gives_a_note_not_an_error(name, kind, capsys):
    fig = BUILDERS[name](BROKEN[kind])
    expected = "not implemented yet" if kind == "not implemented" else "reference only"
    assert expected in texts(fig) and any(note in texts(fig) for note in NOTES), texts(fig)
    assert capsys.readouterr().out == ""  # the student's prints are swallowed


def test_prints_warnings_and_overflows_of_the_student_stay_out_of_the_output(capsys):
    """(Warnings would fail the test: pytest turns them into errors.) All widgets share this machinery."""
    fig = BUILDERS["gradients"](noisy)
    assert "linear_regression_gradients raised ValueError" in texts(fig), texts(fig)
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("name", PUBLIC)
def test_public_functions_run_without_ipython(name, capsys):
    """The whole way to a PNG, once each, with the reference filling in."""
    assert PUBLIC[name](not_implemented) is None
    assert capsys.readouterr().out == ""


def test_absurd_but_finite_results_draw_quietly():
    huge = 1e300
    figures = [
        nb02._learning_rate_figure(lambda df, x0, lr, n: np.full(n + 1, huge), nb02.LANDSCAPES["quartic"],
                                      0.0, 0.1, 5),
        nb02._mini_batch_figure(lambda w, b, X, y: (np.full((1, 1), huge), huge), ref.random_mini_batches,
                                   X, Y, 0.1, 8, 2),
        nb02._scaling_figure(lambda g, x0, lr, n: np.full((n + 1, 2), huge), 0.8, 5, 8.0),
        nb02._boundary_figure(lambda X, Y, lr, n, batch_size=None, rng=None: (np.full((2, 1), huge), -huge,
                                                                                 np.full(n, huge)), *BLOBS, 0.5, 3, 0),
        nb02._decay_figure(lambda *a: huge, lambda *a: -huge, 1.0, 0.5, 0.2, 10),
    ]
    assert all(not any(note in texts(fig) for note in NOTES) for fig in figures)


def test_the_verdicts_of_the_learning_rate_explorer():
    bowl, quartic = nb02.LANDSCAPES["bowl"], nb02.LANDSCAPES["quartic"]

    def verdict(land, x0, lr, steps):
        return nb02._verdict(ref.gradient_descent_1d(core.bounded(land.df), x0, lr, steps), land)

    assert verdict(bowl, 0.0, 0.02, 15).startswith("still on its way")
    assert verdict(bowl, 0.0, 0.5, 3) == "converges to the minimum"
    assert verdict(bowl, 0.0, 0.9, 15) == "oscillates around the minimum, slowly settling"
    assert verdict(bowl, 0.0, 1.0, 15) == "oscillates around the minimum, for ever"
    assert verdict(bowl, 0.0, 1.2, 30).startswith("diverges")
    assert verdict(quartic, -0.5, 0.1, 30).startswith("stalls near the flat point x = 0")
    assert verdict(quartic, 1.2, 1.0, 30).startswith("diverges")  # far past FAR, but no overflow


def test_a_wrong_student_function_is_drawn_beside_the_reference():
    def uphill(df, x0, lr, n_steps):
        path = [float(x0)]
        for _ in range(n_steps):
            path.append(path[-1] + lr * df(path[-1]))
        return np.array(path)

    fig = nb02._learning_rate_figure(uphill, nb02.LANDSCAPES["bowl"], 0.0, 0.1, 5)
    labels = [line.get_label() for line in fig.axes[0].get_lines()]
    assert "yours" in labels and "reference" in labels
    assert fig.axes[1].get_title() == "moves away from the minimum"  # the verdict is about the student's path


def test_mini_batches_that_lose_examples_are_reported():
    def drop_last(X, Y, batch_size, rng):
        return ref.random_mini_batches(X, Y, batch_size, rng)[:-1]

    fig = nb02._mini_batch_figure(ref.linear_regression_gradients, drop_last, X, Y, 0.1, 5, 1)
    assert "random_mini_batches returned shape" in texts(fig)


def test_the_notes_example_prints_the_right_values_and_the_slip(capsys):
    nb02.notes_logistic_example(ref.logistic_regression_gradients)
    out = capsys.readouterr().out
    assert "-0.5500  -0.5500" in out and "-1.15" in out and "not implemented" not in out
    nb02.notes_logistic_example(not_implemented)
    assert "not implemented yet" in capsys.readouterr().out


def test_the_mini_batch_figure_is_redrawn_in_place():
    from conftest import not_implemented
    from mlcourse import plots

    picture = nb02._MiniBatchPicture(X, Y)
    fig = nb02._mini_batch_figure(not_implemented, ref.random_mini_batches, X, Y, 0.1, 8, 3, picture)
    assert "not implemented yet" in texts(fig) and fig.axes[3].get_title() == "the cost (reference)"
    plots.png(fig)
    again = nb02._mini_batch_figure(ref.linear_regression_gradients, ref.random_mini_batches, X, Y, 0.1, 8, 4, picture)
    assert again is fig and "not implemented" not in texts(fig) and fig.axes[3].get_title() == "the cost (yours)"
    assert fig.axes[1].get_title() == "mini-batch of 8: 24 updates" and fig.axes[1].lines[1].get_visible()

"""Notebook 03's widgets work headless with any student function: right, missing, raising or returning garbage.

pytest turns warnings into errors (pyproject.toml), so every test here also shows that nothing the
student's code does, and nothing the figures do, reaches the output as a warning.
"""

from __future__ import annotations

import numpy as np
import pytest

from mlcourse import data, plots
from mlcourse.widgets import core
from mlcourse.widgets import neurons as nb03
from mlcourse import neurons as nr
from conftest import BROKEN, not_implemented, texts

SAID = {"not implemented": ["not implemented yet"], "nan": ["returned nan", "returned shape", "raised"],
        "wrong shape": ["returned shape", "raised", "gave shape"], "TypeError": ["raised TypeError"]}

X_BLOBS, Y_BLOBS = data.two_blobs(np.random.default_rng(3), m=40)
X_SKEWED = data.skewed(np.random.default_rng(0), m=60)


def activations(fn):
    """The activation explorer's table of the student's functions, all replaced by fn (None: the references)."""
    pick = lambda reference: fn or reference  # noqa: E731
    return {"sigmoid": (None, None), "tanh": (pick(nr.tanh), pick(nr.tanh_derivative)),
            "relu": (pick(nr.relu), pick(nr.relu_derivative)),
            "leaky_relu": (pick(nr.leaky_relu), pick(nr.leaky_relu_derivative)), "swish": (pick(nr.swish), None)}


# Each figure builder with the student's functions replaced by `fn` (None: the references).
BUILDERS = {
    "activation": lambda fn: nb03._activation_figure(activations(fn), "leaky_relu", 0.1),
    "boundary": lambda fn: nb03._neuron_boundary_figure(fn or nr.perceptron_predict, X_BLOBS, Y_BLOBS,
                                                           1.0, -0.5, 0.2),
    "gates": lambda fn: nb03._gates_figure(fn or nr.perceptron_train, 3, 1.0),
    "xor": lambda fn: nb03._xor_figure(fn or nr.dense_forward, **nb03.XOR_WEIGHTS),
    "softmax": lambda fn: nb03._temperature_figure(fn or nr.softmax, np.array([[2.1], [3.2], [1.5]]), 0.5),
    "losses": lambda fn: nb03._loss_figure(fn or nr.binary_cross_entropy, fn or nr.mse, 0.2),
    "scaling": lambda fn: nb03._scalings_figure(fn or nr.standardize, fn or nr.min_max_normalize, X_SKEWED),
}

# Each public function, called as the notebook calls it.
PUBLIC = {
    "activation": lambda fn: nb03.activation_explorer(*[fn or ref for ref in (
        nr.tanh, nr.relu, nr.leaky_relu, nr.swish, nr.tanh_derivative, nr.relu_derivative,
        nr.leaky_relu_derivative)], activation="swish"),
    "boundary": lambda fn: nb03.neuron_boundary_explorer(fn or nr.perceptron_predict, X=X_BLOBS, Y=Y_BLOBS),
    "gates": lambda fn: nb03.perceptron_gates(fn or nr.perceptron_train, n_epochs=2),
    "xor": lambda fn: nb03.xor_network(fn or nr.dense_forward),
    "softmax": lambda fn: nb03.softmax_temperature(fn or nr.softmax),
    "losses": lambda fn: nb03.loss_curves(fn or nr.binary_cross_entropy, fn or nr.mse),
    "scaling": lambda fn: nb03.scaling_plot(fn or nr.standardize, fn or nr.min_max_normalize, X_SKEWED),
}


def legends(fig) -> str:
    return " ".join(t.get_text() for ax in fig.axes if ax.get_legend() for t in ax.get_legend().get_texts())


@pytest.mark.parametrize("name", BUILDERS)
def test_the_reference_draws_without_a_note(name):
    fig = BUILDERS[name](None)
    assert "reference only" not in texts(fig) and "not implemented" not in texts(fig)


@pytest.mark.parametrize("kind", BROKEN)
@pytest.mark.parametrize("name", BUILDERS)
def test_a_broken_student_function_gives_a_note_not_an_error(name, kind, capsys):
    fig = BUILDERS[name](BROKEN[kind])
    assert "showing the reference only" in texts(fig), texts(fig)
    assert any(sentence in texts(fig) for sentence in SAID[kind]), texts(fig)
    assert capsys.readouterr().out == ""  # the student's prints are swallowed


@pytest.mark.parametrize("name", PUBLIC)
def test_public_functions_run_without_ipython(name, shown, capsys):
    assert PUBLIC[name](not_implemented) is None
    assert len(shown) == 1 and "not implemented yet" in texts(shown[0])
    assert capsys.readouterr().out == ""


def test_a_public_function_goes_the_whole_way_to_a_png(capsys):
    assert nb03.neuron_boundary_explorer(not_implemented, X=X_BLOBS, Y=Y_BLOBS) is None
    assert capsys.readouterr().out == ""


def test_every_activation_draws_with_the_references():
    for name in nb03.ACTIVATIONS:
        fig = nb03._activation_figure(activations(None), name, 0.2)
        assert "reference only" not in texts(fig)
    assert "saturated" in texts(nb03._activation_figure(activations(None), "tanh", 0.1))
    assert "given (notebook 01)" in legends(nb03._activation_figure(activations(None), "sigmoid", 0.1))


def test_the_student_functions_are_drawn_and_get_the_right_arguments():
    calls = []

    def leaky_relu(z, alpha=0.01):
        calls.append(alpha)
        return nr.leaky_relu(z, alpha)

    fig = nb03._activation_figure({**activations(None), "leaky_relu": (leaky_relu, nr.leaky_relu_derivative)},
                                     "leaky_relu", 0.25)
    assert calls == [0.25] and "yours" in legends(fig)


def test_a_wrong_but_well_formed_prediction_is_pointed_out():
    def predict_strict(X, w, b):  # > instead of ≥: differs only on the boundary, so use w = 0, b = 0
        return (w.T @ X + b > 0).astype(float)

    fig = nb03._neuron_boundary_figure(predict_strict, X_BLOBS, Y_BLOBS, 0.0, 0.0, 0.0)
    assert "differs from the reference" in texts(fig)


def test_xor_is_never_learned_and_the_two_layer_network_computes_it():
    fig = nb03._gates_figure(nr.perceptron_train, 10, 1.0)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles[0].startswith("AND: 0 wrong") and titles[1].startswith("OR: 0 wrong")
    assert not titles[2].startswith("XOR: 0 wrong")
    fig = nb03._xor_figure(nr.dense_forward, **nb03.XOR_WEIGHTS)
    assert [ax.get_title() for ax in fig.axes] == ["hidden unit 1: 0 1 1 1 = OR", "hidden unit 2: 0 0 0 1 = AND",
                                                   "output: 0 1 1 0 = XOR"]


def test_the_loss_figure_shows_the_notes_numbers():
    fig = nb03._loss_figure(nr.binary_cross_entropy, nr.mse, 0.1)
    assert {"0.083", "2.41", "0.030", "2.81"} <= set(texts(fig).split())
    assert "BCE 2.303" in fig.axes[0].get_title()  # −ln 0.1




def test_the_controls_redraw_the_same_output(front_end, monkeypatch):
    drawn = []

    def spy(yours, name, alpha):
        drawn.append((name, alpha))
        return plots.figure()[0]  # an empty figure renders quickly

    monkeypatch.setattr(nb03, "_activation_figure", spy)
    nb03.activation_explorer(*[not_implemented] * 7, activation="tanh", alpha=0.1)
    (explorer,) = front_end
    controls = explorer.controls
    assert explorer.still[:4] == b"\x89PNG" and drawn == [("tanh", 0.1)]
    next(c for c in controls.children if c.description == "activation").value = "relu"
    next(c for c in controls.children if c.description.startswith("leaky")).value = 0.3
    assert drawn[1:] == [("relu", 0.1), ("relu", 0.3)]
    assert len(front_end) == 1  # redrawn inside the widget, not displayed again

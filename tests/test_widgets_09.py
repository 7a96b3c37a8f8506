"""Notebook 09's widgets work headless with any student function: right, missing, raising or returning garbage;
and the experiments show what the notebook says they show (the digit CNN reaches 95 % on the test digits).

pytest turns warnings into errors (pyproject.toml), so every test here also shows that nothing the
student's code does, and nothing the figures do, reaches the output as a warning.
"""

from __future__ import annotations

import time

import numpy as np
import pytest

from mlcourse import cnn
from mlcourse import plots
from mlcourse.widgets import cnn as nb09
from conftest import BROKEN, not_implemented

SAID = {"not implemented": ["not implemented yet"], "nan": ["raised", "nan", "has shape", "returned shape", "other than"],
        "wrong shape": ["has shape", "returned shape", "raised", "other than"], "TypeError": ["raised TypeError"]}
IMAGE = nb09._explorer_image()
LAYERS = ("conv_forward", "conv_backward", "maxpool_forward", "maxpool_backward")


@pytest.fixture(scope="module")
def trained():
    return nb09._cnn_train(nb09._cnn_references())


def explorer(name, fn):
    chosen = {"conv_forward": cnn.conv_forward, "conv_output_size": cnn.conv_output_size, name: fn}
    return nb09._conv_explorer_figure(chosen["conv_forward"], chosen["conv_output_size"], IMAGE, "sharpen", 1, 2, 5)


def training(name, fn):
    layers = {**nb09._cnn_references(), name: fn}
    run, why = nb09.core.run(lambda: nb09._cnn_train(layers, 1))
    return nb09._cnn_training_figure(run or nb09._cnn_train(nb09._cnn_references(), 1), why, 1, finished=True)


def maps(name, fn, parameters):
    chosen = {"conv_forward": cnn.conv_forward, "maxpool_forward": cnn.maxpool_forward, name: fn}
    _, _, X_test, y_test = nb09._digits()
    return nb09._feature_map_figure(parameters, chosen["conv_forward"], chosen["maxpool_forward"], X_test, y_test, 7)


BUILDERS = {
    "explorer: conv_forward": lambda fn, p: explorer("conv_forward", fn or cnn.conv_forward),
    "explorer: conv_output_size": lambda fn, p: explorer("conv_output_size", fn or cnn.conv_output_size),
    **{f"training: {name}": (lambda name: lambda fn, p: training(name, fn or getattr(cnn, name)))(name)
       for name in LAYERS},
    "maps: conv_forward": lambda fn, p: maps("conv_forward", fn or cnn.conv_forward, p),
    "maps: maxpool_forward": lambda fn, p: maps("maxpool_forward", fn or cnn.maxpool_forward, p),
}


def texts(fig) -> str:
    found = [t.get_text() for ax in fig.axes for t in ax.texts] + [fig._suptitle.get_text() if fig._suptitle else ""]
    return " ".join(t.replace("\n", " ") for t in found)


@pytest.mark.parametrize("name", BUILDERS)
def test_the_reference_draws_without_a_note(name, trained):
    fig = BUILDERS[name](None, trained.parameters)
    assert "reference only" not in texts(fig) and "not implemented" not in texts(fig), texts(fig)


@pytest.mark.parametrize("kind", BROKEN)
@pytest.mark.parametrize("name", BUILDERS)
def test_a_broken_student_function_gives_a_note_not_an_error(name, kind, trained, capsys):
    fig = BUILDERS[name](BROKEN[kind], trained.parameters)
    said = texts(fig)
    if name == "explorer: conv_output_size":  # the size is said in the title, the map is the reference's anyway
        assert any(sentence in said for sentence in SAID[kind] + ["the reference gives"]), said
    else:
        assert "showing the reference only" in said, said
        assert any(sentence in said for sentence in SAID[kind]), said
    assert capsys.readouterr().out == ""


def test_a_wrong_output_size_is_named_with_the_right_one():
    fig = explorer("conv_output_size", lambda n, f, pad, stride: (n - f) // stride + 1)
    assert "your conv_output_size gives 3" in fig._suptitle.get_text()
    assert "the reference gives 4" in fig._suptitle.get_text()


def test_a_loop_convolution_too_slow_to_train_is_refused_at_once():
    def crawling(*args, **kwargs):
        time.sleep(0.3)  # 430 batches: over two minutes
        return cnn.conv_forward(*args, **kwargs)

    start = time.perf_counter()
    run, why = nb09.core.run(lambda: nb09._cnn_train({**nb09._cnn_references(), "conv_forward": crawling}))
    assert run is None and "would take about" in why and time.perf_counter() - start < 10


@pytest.fixture
def shown(monkeypatch):
    figures = []
    monkeypatch.setattr(plots, "show", lambda fig, handle=None: figures.append(fig))
    return figures


def test_public_functions_run_without_ipython(shown, trained, capsys):
    nb09.conv_explorer(not_implemented, not_implemented)
    assert "not implemented yet" in texts(shown[-1])
    assert nb09.digits_cnn_training(*[not_implemented] * 4, epochs=1) is None
    assert "not implemented yet" in texts(shown[-1])
    nb09.feature_maps(trained.parameters, not_implemented, not_implemented)
    assert "not implemented yet" in texts(shown[-1])
    assert len(shown) == 3 and "debugging" not in capsys.readouterr().out


def test_training_returns_the_trained_parameters(shown):
    parameters = nb09.digits_cnn_training(cnn.conv_forward, cnn.conv_backward, cnn.maxpool_forward,
                                          cnn.maxpool_backward, epochs=1)
    assert set(parameters) == {"W1", "b1", "W2", "b2"} and parameters["W1"].shape == (3, 3, 1, 8)


def test_summary_tables_mark_what_differs_from_the_reference(capsys):
    def off_by_one(input_shape, layers):
        rows, total = cnn.model_summary(input_shape, layers)
        return [(shape, n + 1 if i == 1 else n) for i, (shape, n) in enumerate(rows)], total + 1

    nb09.summary_tables(cnn.model_summary, {"valid": ((20, 20, 3), cnn.NOTES_VALID)})
    nb09.summary_tables(off_by_one, {"pooled": ((20, 20, 3), cnn.NOTES_POOLED)})
    nb09.summary_tables(not_implemented, {"same": ((20, 20, 3), cnn.NOTES_SAME)})
    printed = capsys.readouterr().out
    assert "473,890" in printed and "559,906" in printed and "not implemented yet" in printed
    assert "← the reference: (20, 20, 32), 4,640" in printed and "← the reference: 68,770" in printed


# --- what the notebook says the experiments show ----------------------------------------------------


def test_the_digit_cnn_reaches_95_percent_on_the_test_digits(trained):
    assert trained.accuracies[-1] >= 0.95 and len(trained.accuracies) == nb09.CNN_EPOCHS
    assert np.mean(trained.costs[-40:]) < 0.2


def test_the_feature_maps_are_the_layers_of_the_trained_network(trained):
    _, _, X_test, _ = nb09._digits()
    probabilities, (_, Z1, _, P, _) = nb09.cnn_forward(nb09._cnn_references(), trained.parameters, X_test[:2])
    assert Z1.shape == (2, 8, 8, 8) and P.shape == (2, 4, 4, 8)
    np.testing.assert_allclose(probabilities.sum(axis=0), 1.0, rtol=1e-12)


def test_training_for_epochs_already_trained_trains_nothing_again(front_end, monkeypatch):
    calls = []
    train = nb09._cnn_train
    monkeypatch.setattr(nb09, "_cnn_train", lambda layers, epochs, progress=None: calls.append(epochs) or
                        train(layers, epochs, progress))
    nb09.digits_cnn_training(cnn.conv_forward, cnn.conv_backward, cnn.maxpool_forward, cnn.maxpool_backward, epochs=1)
    (explorer,) = front_end
    slider, bar = explorer.controls.children
    slider.value = 2
    slider.value = 1
    assert calls == [1, 2] and (bar.value, bar.max) == (1, 1)

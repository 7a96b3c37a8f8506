"""Notebook 07's widgets work headless with any student function: right, missing, raising or returning garbage;
and the experiments show what the notebook says they show (each regularizer beats the over-fitting network on
the validation points).

pytest turns warnings into errors (pyproject.toml), so every test here also shows that nothing the
student's code does, and nothing the figures do, reaches the output as a warning.
"""

from __future__ import annotations

import numpy as np
import pytest

from mlcourse import regularization as rg
from mlcourse.widgets import regularization as nb07
from conftest import BROKEN, not_implemented, texts

SAID = {"not implemented": ["not implemented yet"],
        "nan": ["returned nan", "should return the pair", "is float", "not the pair", "has shape ()"],
        "wrong shape": ["has shape (7, 3)", "should return the pair", "not the pair", "raised"],
        "TypeError": ["raised TypeError"]}

X, Y, X_VAL, Y_VAL = nb07.overfitting_data()

BUILDERS = {
    "L2: l2_cost": lambda fn: nb07._l2_figure({"l2_cost": fn or rg.l2_cost, "l2_gradient": rg.l2_gradient}, 0.3),
    "L2: l2_gradient": lambda fn: nb07._l2_figure({"l2_cost": rg.l2_cost, "l2_gradient": fn or rg.l2_gradient}, 1.0),
    "dropout: forward": lambda fn: nb07._dropout_figure(
        {"dropout_forward": fn or rg.dropout_forward, "dropout_backward": rg.dropout_backward}, 0.8),
    "dropout: backward": lambda fn: nb07._dropout_figure(
        {"dropout_forward": rg.dropout_forward, "dropout_backward": fn or rg.dropout_backward}, 0.7),
    "early stopping": lambda fn: nb07._early_stopping_figure(fn or rg.early_stopping, 10),
    "weight paths": lambda fn: nb07._weight_paths_figure(*nb07._weight_paths_figure_data(fn or rg.weight_update, 0.3),
                                                         0.3),
    "test time": lambda fn: nb07._test_time_figure(fn or rg.dropout_forward, 0.8, 20),
}

PUBLIC = {
    "L2": lambda fn: nb07.l2_explorer(fn, fn),
    "dropout": lambda fn: nb07.dropout_explorer(fn, fn),
    "early stopping": lambda fn: nb07.early_stopping_explorer(fn),
    "weight paths": lambda fn: nb07.weight_paths(fn),
    "test time": lambda fn: nb07.dropout_at_test_time(fn, draws=10),
}


@pytest.mark.parametrize("name", BUILDERS)
def test_the_reference_draws_without_a_note(name):
    fig = BUILDERS[name](None)
    assert "reference only" not in texts(fig) and "not implemented" not in texts(fig), texts(fig)


@pytest.mark.parametrize("kind", BROKEN)
@pytest.mark.parametrize("name", BUILDERS)
def test_a_broken_student_function_gives_a_note_not_an_error(name, kind, capsys):
    fig = BUILDERS[name](BROKEN[kind])
    assert "showing the reference only" in texts(fig), texts(fig)
    assert any(sentence in texts(fig) for sentence in SAID[kind]), texts(fig)
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("name", PUBLIC)
def test_public_functions_run_without_ipython(name, shown, capsys):
    PUBLIC[name](not_implemented)
    assert len(shown) == 1 and "not implemented yet" in texts(shown[0])
    assert "debugging" not in capsys.readouterr().out


# --- what the experiments show ------------------------------------------------------------------------------


def validation_accuracy(parameters) -> float:
    return nb07.accuracy(parameters, X_VAL, Y_VAL)


def test_the_network_overfits_and_every_regularizer_helps():
    plain = nb07._reg_pair({}, 0.0, 1.0)[1]
    assert nb07.accuracy(plain.parameters, X, Y) == 1.0 and validation_accuracy(plain.parameters) < 0.85
    assert plain.val_costs[-1] > 3 * plain.val_costs.min()  # the validation cost rises again
    l2 = nb07._reg_pair({}, 0.3, 1.0)[1]
    dropout = nb07._reg_pair({}, 0.0, 0.8)[1]
    best, _ = rg.early_stopping(list(plain.val_costs), 10)
    for better in (l2.parameters, dropout.parameters, plain.snapshots[best]):
        assert validation_accuracy(better) > validation_accuracy(plain.parameters) + 0.03
    assert validation_accuracy(l2.parameters) >= 0.9
    assert np.sum(nb07._weights_of(l2.parameters) ** 2) < np.sum(nb07._weights_of(plain.parameters) ** 2) / 10


def test_the_students_functions_train_the_same_network_as_the_reference():
    def l2_gradient(W, lambd, m):
        return lambd / m * W

    def dropout_forward(A, keep_prob, rng):
        mask = rng.random(A.shape) < keep_prob
        return A * mask / keep_prob, mask

    mine, reference, why = nb07._reg_pair({"l2_gradient": l2_gradient}, 0.1, 1.0)
    assert why == "" and mine is not reference
    np.testing.assert_allclose(mine.val_costs, reference.val_costs, rtol=1e-9)
    mine, reference, why = nb07._reg_pair({"dropout_forward": dropout_forward}, 0.0, 0.9)
    assert why == ""
    np.testing.assert_allclose(mine.val_costs, reference.val_costs, rtol=1e-9)


def test_a_wrong_regularizer_trains_a_different_network_and_says_nothing_wrong():
    mine, reference, why = nb07._reg_pair({"l2_gradient": lambda W, lambd, m: lambd * W}, 0.3, 1.0)
    assert why == "" and abs(mine.val_costs[-1] - reference.val_costs[-1]) > 1e-3


def test_runs_are_trained_once_and_then_come_from_the_cache(front_end, monkeypatch):
    calls = []
    real = nb07._reg_train
    monkeypatch.setattr(nb07, "_reg_train", lambda *a, **k: calls.append(a[1:3]) or real(*a, **k))
    nb07._RUNS.clear()

    def l2_cost(parameters, lambd, m):
        return rg.l2_cost(parameters, lambd, m)

    nb07.l2_explorer(l2_cost, rg.l2_gradient, lambd=0.1)
    first = len(calls)
    assert first == 4  # λ = 0.1 and λ = 0, the reference's and yours
    slider = next(c for c in front_end[0].controls.children if c.description == "λ")
    slider.value = 1.0
    assert len(calls) == first + 2
    slider.value = 0.1
    assert len(calls) == first + 2  # seen before: redrawn from the cache


def test_early_stopping_picks_an_early_snapshot_and_the_figure_checks_the_students_pair():
    plain = nb07._reg_pair({}, 0.0, 1.0)[1]
    best, stop = rg.early_stopping(list(plain.val_costs), 10)
    assert best == int(np.argmin(plain.val_costs[:stop + 1])) and stop == best + 10
    fig = nb07._early_stopping_figure(lambda losses, patience: (5, 2), 10)
    assert "not two epochs 0 ≤ best ≤ stop" in texts(fig)
    fig = nb07._early_stopping_figure(lambda losses, patience: (1.5, 4), 10)
    assert "reference only" in texts(fig)


def test_l1_clipped_zeroes_the_useless_weights_and_l2_zeroes_none():
    paths = nb07._paths(rg.weight_update, 0.3)
    final = {name: path[-1] for name, path in paths.items()}
    assert np.all(final["l1 clipped"][3:] == 0.0) and np.all(final["l1 clipped"][:3] != 0.0)
    assert not np.any(final["l2"] == 0.0)
    assert np.max(np.abs(final["l1"][3:])) <= 0.05 * 0.3 + 1e-12  # the plain L1 step rattles within α·λ of zero
    assert not np.all(final["l1"][3:] == 0.0)


def test_inverted_dropout_keeps_the_average_activation_and_dropout_at_test_time_costs_accuracy():
    fig = nb07._test_time_figure(rg.dropout_forward, 0.8, 200)
    title = fig.axes[1].get_title()
    assert title.startswith("left on:")
    run = nb07._reg_pair({}, 0.0, 0.8)[1]
    off = nb07.accuracy(run.parameters, X_VAL, Y_VAL)
    rng = np.random.default_rng(0)
    on = [nb07._dropout_on_accuracy(run.parameters, X_VAL, Y_VAL, 0.8, rng) for _ in range(20)]
    assert np.mean(on) < off and np.std(on) > 0

"""Notebook 08's widgets work headless with any student function: right, missing, raising or returning garbage;
and the experiments show what the notebook says they show.

pytest turns warnings into errors (pyproject.toml), so every test here also shows that nothing the
student's code does, and nothing the figures do, reaches the output as a warning.
"""

from __future__ import annotations

import numpy as np
import pytest

from mlcourse import batchnorm as bn
from mlcourse.widgets import batchnorm as nb08
from conftest import BROKEN, not_implemented, texts

SAID = {"not implemented": ["not implemented yet"], "nan": ["raised", "nan", "not an array", "has shape", "other than"],
        "wrong shape": ["has shape", "returned shape", "raised", "other than"], "TypeError": ["raised TypeError"]}


@pytest.fixture
def short(monkeypatch):
    """One epoch instead of twelve: enough to see every function called."""
    monkeypatch.setattr(nb08, "BN_EPOCHS", 1)


def training(name, fn):
    yours = {"batchnorm_forward": bn.batchnorm_forward, "batchnorm_backward": bn.batchnorm_backward, name: fn}
    return nb08._bn_training_figure(*nb08._bn_runs(yours, 1.0), 3, 1, 1.0)


def evaluation(name, fn):
    chosen = {"batchnorm_forward": bn.batchnorm_forward, "update_running_stats": bn.update_running_stats,
              "batchnorm_inference": bn.batchnorm_inference, name: fn}
    return nb08._bn_evaluation_figure(chosen["batchnorm_forward"], chosen["update_running_stats"],
                                      chosen["batchnorm_inference"], 1.0)


def norms(name, fn):
    chosen = {"batchnorm_forward": bn.batchnorm_forward, "layernorm_forward": bn.layernorm_forward, name: fn}
    return nb08._bn_vs_ln_figure(chosen["batchnorm_forward"], chosen["layernorm_forward"], nb08._bn_ln_batch())


BUILDERS = {
    "training: batchnorm_forward": lambda fn: training("batchnorm_forward", fn or bn.batchnorm_forward),
    "training: batchnorm_backward": lambda fn: training("batchnorm_backward", fn or bn.batchnorm_backward),
    "evaluation: batchnorm_forward": lambda fn: evaluation("batchnorm_forward", fn or bn.batchnorm_forward),
    "evaluation: update_running_stats": lambda fn: evaluation("update_running_stats", fn or bn.update_running_stats),
    "evaluation: batchnorm_inference": lambda fn: evaluation("batchnorm_inference", fn or bn.batchnorm_inference),
    "norms: batchnorm_forward": lambda fn: norms("batchnorm_forward", fn or bn.batchnorm_forward),
    "norms: layernorm_forward": lambda fn: norms("layernorm_forward", fn or bn.layernorm_forward),
}

PUBLIC = {
    "training": lambda fn: nb08.bn_training_explorer(fn, fn),
    "evaluation": lambda fn: nb08.bn_evaluation(fn, fn, fn),
    "norms": lambda fn: nb08.bn_vs_ln(fn, fn),
}


@pytest.mark.parametrize("name", BUILDERS)
def test_the_reference_draws_without_a_note(name, short):
    fig = BUILDERS[name](None)
    assert "reference only" not in texts(fig) and "not implemented" not in texts(fig), texts(fig)


@pytest.mark.parametrize("kind", BROKEN)
@pytest.mark.parametrize("name", BUILDERS)
def test_a_broken_student_function_gives_a_note_not_an_error(name, kind, short, capsys):
    fig = BUILDERS[name](BROKEN[kind])
    assert "showing the reference only" in texts(fig), texts(fig)
    assert any(sentence in texts(fig) for sentence in SAID[kind]), texts(fig)
    assert capsys.readouterr().out == ""  # the student's prints are swallowed


@pytest.mark.parametrize("name", PUBLIC)
def test_public_functions_run_without_ipython(name, shown, short, capsys):
    PUBLIC[name](not_implemented)
    assert len(shown) == 1 and "not implemented yet" in texts(shown[0])
    assert "debugging" not in capsys.readouterr().out


def test_the_explorer_redraws_from_its_cache_when_a_control_moves(front_end, short):
    calls = []
    original = nb08._bn_runs
    nb08._bn_runs = lambda *args, **kwargs: calls.append(args) or original(*args, **kwargs)
    try:
        nb08.bn_training_explorer(bn.batchnorm_forward, bn.batchnorm_backward, lr=1.0)
        controls = front_end[0].controls.children
        controls[2].value = 0  # the epoch: no new training
        controls[1].value = 2  # the layer: none either
        controls[0].value = 0.1  # a new learning rate trains once
    finally:
        nb08._bn_runs = original
    assert len(calls) == 2


# --- what the notebook says the experiments show ----------------------------------------------------


RATES = (0.1, 1.0, nb08.BN_DIVERGING, 10.0)  # both train; plain stuck guessing; plain diverges; plain overflows


@pytest.fixture(scope="module")
def runs():
    references = nb08._bn_references()
    return {(lr, norm): nb08._bn_train(references, norm, lr) for lr in RATES for norm in (False, True)}


def last(run) -> float:
    return float(np.nanmean(run.costs[-20:]))


def test_batch_norm_keeps_every_layer_centred_with_unit_spread_while_the_plain_net_drifts(runs):
    plain, normed = runs[0.1, False], runs[0.1, True]
    assert np.all(np.abs(normed.means) < 0.5) and np.all(np.abs(normed.stds - 1) < 0.6)
    assert np.ptp(plain.stds[-1]) > 1.0  # the plain layers end with very different spreads


def test_learning_rates_plain_training_dies_then_diverges_where_batch_norm_trains(runs):
    assert last(runs[0.1, False]) < 1.0 and last(runs[0.1, True]) < 1.0
    assert abs(last(runs[1.0, False]) - np.log(10)) < 0.05 and last(runs[1.0, True]) < 0.5
    assert np.isnan(runs[10.0, False].costs[-1]) and np.all(np.isfinite(runs[10.0, True].costs))


def test_at_the_diverging_rate_the_plain_cost_explodes_while_batch_norm_trains_to_high_accuracy(runs):
    plain, normed = runs[nb08.BN_DIVERGING, False], runs[nb08.BN_DIVERGING, True]
    assert np.nanmax(plain.costs[:20]) > nb08.DIVERGED  # within the first epoch
    assert nb08._bn_outcome(plain.costs).startswith("diverged")
    assert np.all(np.isfinite(normed.costs)) and np.max(normed.costs) < 5 and last(normed) < 0.5
    *_, X_test, y_test = nb08._bn_digits()
    assert nb08._bn_accuracy(nb08._bn_references(), normed, X_test, y_test, 1, "running") > 0.9
    assert nb08._bn_outcome(normed.costs).startswith("trains")
    assert nb08._bn_outcome(runs[1.0, False].costs).startswith("stuck at ln 10")
    assert nb08._bn_outcome(runs[10.0, False].costs).startswith("diverged") and "overflow" in nb08._bn_outcome(
        runs[10.0, False].costs)


def test_the_figure_at_the_diverging_rate_says_so_and_draws_the_cost_leaving_the_axis(runs):
    plain, normed = runs[nb08.BN_DIVERGING, False], runs[nb08.BN_DIVERGING, True]
    fig = nb08._bn_training_figure(plain, normed, normed, "", 6, 1, nb08.BN_DIVERGING)
    curve = fig.axes[1]
    assert "without batch norm: diverged: cost" in texts(fig), texts(fig)
    legend = " ".join(t.get_text() for t in curve.get_legend().get_texts())
    assert "without batch norm: diverged" in legend and "with batch norm (yours): trains" in legend, legend
    tops = [line for line in curve.lines if line.get_marker() == "^"]  # the costs above the axis, on its edge
    assert tops and all(np.all(line.get_ydata() == nb08.COST_AXIS[1]) for line in tops)


def test_the_runs_are_deterministic(runs):
    again = nb08._bn_train(nb08._bn_references(), False, nb08.BN_DIVERGING, epochs=1)
    np.testing.assert_array_equal(again.costs, runs[nb08.BN_DIVERGING, False].costs[:len(again.costs)])


def test_a_batch_of_one_guesses_and_running_statistics_fix_it(runs):
    references = nb08._bn_references()
    *_, X_test, y_test = nb08._bn_digits()
    run = runs[1.0, True]
    whole = nb08._bn_accuracy(references, run, X_test, y_test, len(y_test), "batch")
    alone = nb08._bn_accuracy(references, run, X_test, y_test, 1, "batch")
    running = nb08._bn_accuracy(references, run, X_test, y_test, 1, "running")
    assert alone < 0.2 < 0.93 < running and running > whole - 0.03 and whole > 0.93

"""Notebook 04's widgets work headless with any student function: right, missing, raising or returning garbage;
and the experiments show what the notebook says they show.

pytest turns warnings into errors (pyproject.toml), so every test here also shows that nothing the
student's code does, and nothing the figures do, reaches the output as a warning.
"""

from __future__ import annotations

import numpy as np
import pytest

from mlcourse import backprop as bp
from mlcourse.widgets import core
from mlcourse.widgets import backprop as nb04
from conftest import BROKEN, noisy_nan, not_implemented, texts

SAID = {"not implemented": ["not implemented yet"], "nan": ["has shape", "not a dict", "raised", "nan"],
        "wrong shape": ["has shape", "not a dict", "raised"], "TypeError": ["raised TypeError"]}

REFERENCES = nb04._bp_references()
X_MOONS, Y_MOONS = nb04._bp_moons()
X_FLOW, Y_FLOW = nb04._bp_flow_data()
X_SYMMETRY, Y_SYMMETRY = nb04._bp_symmetry_data()


def functions(name: str | None = None, fn=None) -> dict:
    """The reference's functions, with `name` replaced by fn."""
    chosen = dict(REFERENCES)
    if name is not None:
        chosen[name] = fn
    return chosen


def check_figure(name, fn):
    chosen = functions(name, fn)
    return nb04._backprop_check_figure(chosen["model_forward"], chosen["compute_cost"], chosen["model_backward"])[0]


def training_figure(name, fn, epochs=60):
    runs = nb04._bp_moons_runs(functions(name, fn), X_MOONS, Y_MOONS, 0.5, epochs, 20)
    return nb04._moons_training_figure(*runs, X_MOONS, Y_MOONS, 40, 0.5, epochs, 20)


# Each figure builder with one student function replaced by `fn` (None: the references).
BUILDERS = {
    "check: model_forward": lambda fn: check_figure("model_forward", fn or bp.model_forward),
    "check: compute_cost": lambda fn: check_figure("compute_cost", fn or bp.compute_cost),
    "check: model_backward": lambda fn: check_figure("model_backward", fn or bp.model_backward),
    "training: initialize_parameters": lambda fn: training_figure("initialize_parameters",
                                                                  fn or bp.initialize_parameters),
    "training: model_backward": lambda fn: training_figure("model_backward", fn or bp.model_backward),
    "training: update_parameters": lambda fn: training_figure("update_parameters", fn or bp.update_parameters),
    "flow: initialize_parameters": lambda fn: nb04._gradient_flow_figure(
        functions("initialize_parameters", fn or bp.initialize_parameters), X_FLOW, Y_FLOW, 5, "relu"),
    "flow: linear_backward": lambda fn: nb04._gradient_flow_figure(
        functions("linear_backward", fn or bp.linear_backward), X_FLOW, Y_FLOW, 5, "tanh"),
    "flow: linear_activation_forward": lambda fn: nb04._gradient_flow_figure(
        functions("linear_activation_forward", fn or bp.linear_activation_forward), X_FLOW, Y_FLOW, 5, "sigmoid"),
    "symmetry: linear_activation_backward": lambda fn: nb04._symmetry_figure(
        functions("linear_activation_backward", fn or bp.linear_activation_backward), X_SYMMETRY, Y_SYMMETRY,
        "sigmoid", 20),
    "symmetry: update_parameters": lambda fn: nb04._symmetry_figure(
        functions("update_parameters", fn or bp.update_parameters), X_SYMMETRY, Y_SYMMETRY, "relu", 20),
}


def five(fn=None):
    """The five functions of the training explorer, all fn (None: the references)."""
    return [fn or REFERENCES[name] for name in ("initialize_parameters", "model_forward", "compute_cost",
                                                "model_backward", "update_parameters")]


# Each public function that draws, called as the notebook calls it (but with short runs).
PUBLIC = {
    "whole model check": lambda fn: nb04.whole_model_check(fn, fn, fn),
    "training": lambda fn: nb04.moons_training_explorer(*five(fn), epoch=20, epochs=40),
    "flow": lambda fn: nb04.gradient_flow_explorer(fn, fn, fn, fn, hidden="relu", depth=4),
    "symmetry": lambda fn: nb04.symmetry_explorer(fn, fn, fn, fn, hidden="tanh", steps=10),
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
    assert capsys.readouterr().out == ""  # the student's prints are swallowed


@pytest.mark.parametrize("name", PUBLIC)
def test_public_functions_run_without_ipython(name, shown, capsys):
    PUBLIC[name](not_implemented)
    assert len(shown) == 1 and "not implemented yet" in texts(shown[0])
    printed = capsys.readouterr().out
    assert "debugging" not in printed and ("not implemented yet" in printed or not printed)


def test_a_public_function_goes_the_whole_way_to_a_png(capsys):
    assert nb04.symmetry_explorer(*[not_implemented] * 4, steps=5) is None
    assert capsys.readouterr().out == ""


# --- what the printed tables say ---------------------------------------------------------------------


def test_the_parameter_table_counts_from_the_student_or_from_the_sizes(capsys):
    networks = {"notes": [2, 4, 3, 1], "deep": [64] * 20 + [1]}
    nb04.parameter_table(bp.initialize_parameters, networks)
    table = capsys.readouterr().out
    assert "31" in table and "79,105" in table and "counting from the layer sizes" not in table
    nb04.parameter_table(not_implemented, networks)
    assert "not_implemented is not implemented yet: counting from the layer sizes alone" in capsys.readouterr().out
    nb04.parameter_table(lambda dims, method, rng: {"W1": np.zeros(3)}, {"notes": [2, 4, 3, 1]})
    assert "has shape (3,), not (4, 2)" in capsys.readouterr().out


def test_the_notes_forward_and_the_gradient_table_judge_the_student(capsys):
    nb04.notes_forward(bp.model_forward, bp.compute_cost)
    out = capsys.readouterr().out
    assert out.count("0.5927") == 2 and out.count("0.6189") == 2
    nb04.notes_forward(not_implemented, noisy_nan)
    out = capsys.readouterr().out
    assert "not_implemented is not implemented yet" in out and "has shape" not in out and "debugging" not in out

    nb04.gradient_table(bp.model_forward, bp.model_backward)
    out = capsys.readouterr().out
    assert out.count("right") == 9

    def transposed_dW1(AL, Y, caches):
        grads = bp.model_backward(AL, Y, caches)
        return {**grads, "dW1": grads["dW1"].T, "db2": grads["db2"] * 2}

    nb04.gradient_table(bp.model_forward, transposed_dW1)
    out = capsys.readouterr().out
    assert "wrong shape: dW1 is shaped like W1, (4, 2)" in out and "db2" in out and "differs" in out
    nb04.gradient_table(bp.model_forward, lambda AL, Y, caches: {})
    assert capsys.readouterr().out.count("missing") == 9


# --- the whole-model gradient check --------------------------------------------------------------------


def test_the_reference_passes_the_whole_model_check_and_the_planted_bugs_do_not():
    error = nb04.model_gradient_check(bp.model_forward, bp.compute_cost, bp.model_backward)
    assert error < 1e-9
    X, Y, parameters = nb04.check_network()
    for bug in nb04.BP_PLANTED.values():
        planted = nb04.model_gradient_check(bp.model_forward, bp.compute_cost,
                                               nb04._bp_planted(bp.model_backward, bug, X.shape[1]))
        assert planted > 1e-3, bug
    kinks = nb04.model_gradient_check(bp.model_forward, bp.compute_cost, bp.model_backward, bp.NOTES_X, bp.NOTES_Y,
                                         bp.NOTES_PARAMETERS)
    assert kinks > 1e-2  # right code, but three Z[1] entries sit exactly on ReLU's corner


def test_the_check_network_is_a_fresh_copy_and_the_vector_round_trip_is_exact():
    X, Y, parameters = nb04.check_network()
    parameters["W1"][:] = 0
    assert np.any(nb04.check_network()[2]["W1"] != 0)
    theta = nb04._bp_to_vector(bp.NOTES_PARAMETERS)
    assert theta.size == 31 and theta[0] == bp.NOTES_PARAMETERS["W1"][0, 0]
    back = nb04._bp_from_vector(theta, bp.NOTES_PARAMETERS)
    assert all(np.array_equal(back[k], v) for k, v in bp.NOTES_PARAMETERS.items())


def test_the_whole_model_check_prints_the_students_number_and_the_references(shown, capsys):
    assert nb04.whole_model_check(bp.model_forward, bp.compute_cost, bp.model_backward) < 1e-9
    out = capsys.readouterr().out
    assert "right (below 1e-7)" in out and "The reference reaches " in out

    def sloppy(AL, Y, caches):
        return {k: v * 1.5 for k, v in bp.model_backward(AL, Y, caches).items()}

    assert nb04.whole_model_check(bp.model_forward, bp.compute_cost, sloppy) > 1e-3
    assert "wrong (above 1e-3)" in capsys.readouterr().out
    assert nb04.whole_model_check(bp.model_forward, bp.compute_cost, not_implemented) is None


def test_a_helper_that_is_not_implemented_is_named():
    def linear_activation_backward(dA, cache, activation):
        raise NotImplementedError()

    def model_backward(AL, Y, caches):
        return linear_activation_backward(AL - Y, caches[-1], "sigmoid")

    _, why = core.run(lambda: nb04.model_gradient_check(bp.model_forward, bp.compute_cost,
                                                                     model_backward))
    assert why == "linear_activation_backward is not implemented yet"


# --- training on the moons ---------------------------------------------------------------------------------


def test_training_with_the_reference_learns_the_moons():
    run, reference, why = nb04._bp_moons_runs(functions(), X_MOONS, Y_MOONS, 0.5, 400, 20)
    assert why == "" and run.stop == "" and len(run.costs) == 401 and len(run.snapshots) == 21
    assert run.costs[-1] < 0.1 < 0.6 < run.costs[0]
    np.testing.assert_allclose(run.costs, reference.costs)
    fig = nb04._moons_training_figure(run, reference, why, X_MOONS, Y_MOONS, 400, 0.5, 400, 20)
    assert fig.axes[0].get_title().startswith("after 400 epochs: accuracy 9")


def test_a_run_that_saturates_stops_and_says_why():
    # a student's model_backward that starts from dAL = −(Y/AL − (1 − Y)/(1 − AL)); the reference starts from
    # dZL = AL − Y and does not stop
    textbook = functions("model_backward", lambda AL, Y, caches: bp._backward_variant(AL, Y, caches))
    with np.errstate(all="ignore"):
        run = nb04._bp_train(textbook, X_MOONS, Y_MOONS, nb04.BP_MOONS_DIMS, 3.0, 1500, 100)
    assert run.stop.startswith("stopped at epoch") and "exactly 0 or 1" in run.stop
    assert np.all(np.isfinite(run.costs))


def test_a_student_who_modifies_the_parameters_in_place_does_not_spoil_the_snapshots():
    def update_in_place(parameters, grads, lr):
        for key in parameters:
            parameters[key] -= lr * grads["d" + key]
        return parameters

    run, reference, why = nb04._bp_moons_runs(functions("update_parameters", update_in_place), X_MOONS, Y_MOONS,
                                                 0.5, 40, 20)
    assert why == ""
    for mine, right in zip(run.snapshots, reference.snapshots):
        assert all(np.allclose(mine[k], right[k]) for k in right)


def test_the_training_explorer_draws_live_and_redraws_from_its_cache(front_end, monkeypatch):
    calls = []
    real = nb04._bp_epochs
    monkeypatch.setattr(nb04, "_bp_epochs", lambda *args, **kwargs: calls.append(args[5]) or real(*args, **kwargs))
    nb04.moons_training_explorer(*five(), epoch=500, epochs=1000, every=100)
    controls = front_end[0].controls
    assert len(front_end) == 1  # one explorer: the live frames and the final figure go into its image widget
    assert calls == [1000, 1000]  # the reference's run and yours
    next(c for c in controls.children if c.description == "epoch").value = 300
    assert calls == [1000, 1000]  # moving through the epochs trains nothing again
    next(c for c in controls.children if c.description == "learning rate").value = 0.1
    assert calls == [1000, 1000, 1000, 1000] and len(front_end) == 1
    bar = controls.children[-1]
    assert (bar.value, bar.max, bar.bar_style) == (1000, 1000, "success")


# --- deep nets: vanishing and exploding gradients, and symmetry ----------------------------------------


def flows(depth, hidden):
    with np.errstate(all="ignore"):
        return nb04._bp_flow(functions(), X_FLOW, Y_FLOW, depth, hidden)


def test_sigmoid_gradients_vanish_and_he_keeps_relu_gradients_steady():
    sigmoid = flows(20, "sigmoid")
    for scheme in ("xavier", "he"):
        norms = sigmoid[scheme][1]
        assert norms[0] < 1e-6 * norms[-1]
    relu = flows(20, "relu")
    norms = relu["he"][1]
    assert norms.max() < 100 * norms.min()
    assert relu["N(0, 1)"][0][-2] > 1e10 * relu["N(0, 1)"][0][0]  # activations explode
    assert relu["random"][0][-2] < 1e-10 * relu["random"][0][0]  # and vanish


def test_zeros_gives_no_gradient_below_the_output_layer():
    for hidden, output_moves in (("relu", False), ("tanh", False), ("sigmoid", True)):
        norms = flows(6, hidden)["zeros"][1]
        assert np.all(norms[:-1] == 0) and (norms[-1] > 0) == output_moves, hidden
    fig = nb04._gradient_flow_figure(functions(), X_FLOW, Y_FLOW, 6, "sigmoid")
    assert "zeros: ‖dW[l]‖ = 0 exactly for l = 1..5" in texts(fig)


def test_zeros_never_breaks_symmetry_and_random_weights_do():
    for hidden in ("sigmoid", "tanh", "relu"):
        zeros = nb04._bp_symmetry_run(functions(), X_SYMMETRY, Y_SYMMETRY, "zeros", hidden, 300,
                                         nb04.BP_SYMMETRY_LR[hidden])
        W1 = zeros["W1"]
        assert np.all(W1 == W1[:1]), hidden  # every unit of layer 1 identical, to the last bit
        assert np.any(W1 != 0) == (hidden == "sigmoid"), hidden  # with ReLU or tanh nothing moves at all
        started = nb04._bp_symmetry_run(functions(), X_SYMMETRY, Y_SYMMETRY, "xavier", hidden, 300,
                                           nb04.BP_SYMMETRY_LR[hidden])
        assert np.ptp(started["W1"], axis=0).max() > 0.1
    assert 0.2 < Y_SYMMETRY.mean() < 0.4  # unbalanced, or the zero network would not move at all


def test_the_symmetry_figure_reports_identical_units():
    fig = nb04._symmetry_figure(functions(), X_SYMMETRY, Y_SYMMETRY, "sigmoid", 200)
    labels = [ax.get_ylabel().replace("\n", " ") for ax in fig.axes if ax.get_ylabel()]
    assert labels[0] == "zeros: the units differ by up to 0" and labels[1].startswith("xavier")
    weights = [ax.get_title().split(":", 1)[1] for ax in fig.axes[:4]]
    assert len(set(weights)) == 1  # the four units of the zero network carry the same weights


def test_the_symmetry_runs_kept_in_pieces_are_the_runs_from_the_start():
    training = nb04._BpSymmetryRuns(functions(), X_SYMMETRY, Y_SYMMETRY, every=100)
    runs, why = training("tanh", 250)
    assert why == "" and sorted(runs) == ["xavier", "zeros"]
    whole = nb04._bp_symmetry_run(functions(), X_SYMMETRY, Y_SYMMETRY, "xavier", "tanh", 250, nb04.BP_SYMMETRY_LR["tanh"])
    for key in whole:
        np.testing.assert_array_equal(runs["xavier"][key], whole[key])
    assert len(training.kept["yours", "tanh", "xavier"]) == 4  # after 0, 100, 200 and 300 steps
    training("tanh", 100)
    assert len(training.kept["yours", "tanh", "xavier"]) == 4  # back: nothing trained again

"""The references of notebook 04 agree with closed forms, hand computations and finite differences; their
cases run cleanly (pytest turns warnings into errors) and every known mistake is told apart from them."""

from __future__ import annotations

import copy
import math

import numpy as np
import pytest

from mlcourse import backprop as bp
from mlcourse.compare import compare
from mlcourse.gradcheck import numerical_gradient, relative_error

RNG = np.random.default_rng(2025)
MODEL_BACKWARD = next(e for e in bp.EXERCISES if e.name == "model_backward")


def central_difference(f, z: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """Entrywise (f(z + h) − f(z − h)) / 2h for an elementwise f."""
    return (np.asarray(f(z + h)) - np.asarray(f(z - h))) / (2 * h)


def sigma(z):
    return 1.0 / (1.0 + np.exp(-z))


# --- initialization --------------------------------------------------------------------------------


def test_initialize_parameters_shapes_and_zero_biases():
    dims = [5, 4, 3, 1]
    for method in ("zeros", "random", "xavier", "he"):
        parameters = bp.initialize_parameters(dims, method, np.random.default_rng(1))
        assert sorted(parameters) == ["W1", "W2", "W3", "b1", "b2", "b3"]
        for l in range(1, 4):
            assert parameters[f"W{l}"].shape == (dims[l], dims[l - 1])
            assert parameters[f"W{l}"].dtype == np.float64
            np.testing.assert_array_equal(parameters[f"b{l}"], np.zeros((dims[l], 1)))


@pytest.mark.parametrize("method, scale",
                         [("random", 0.01), ("xavier", math.sqrt(1 / 800)), ("he", math.sqrt(2 / 800))])
def test_initialize_parameters_scales(method, scale):
    W = bp.initialize_parameters([800, 600], method, np.random.default_rng(3))["W1"]  # 480 000 draws
    assert W.std() == pytest.approx(scale, rel=0.01)
    assert abs(W.mean()) < 0.01 * scale


def test_initialize_parameters_draws_layer_after_layer_from_the_given_rng():
    parameters = bp.initialize_parameters([3, 4, 2], "he", np.random.default_rng(7))
    rng = np.random.default_rng(7)
    np.testing.assert_array_equal(parameters["W1"], rng.standard_normal((4, 3)) * math.sqrt(2 / 3))
    np.testing.assert_array_equal(parameters["W2"], rng.standard_normal((2, 4)) * math.sqrt(2 / 4))
    default = bp.initialize_parameters([3, 4, 2])
    for key, value in bp.initialize_parameters([3, 4, 2], "he", np.random.default_rng(0)).items():
        np.testing.assert_array_equal(default[key], value)
    with pytest.raises(ValueError):
        bp.initialize_parameters([3, 2], "glorot")


def _train(parameters, X, Y, lr=0.5, steps=5):
    for _ in range(steps):
        AL, caches = bp.model_forward(X, parameters)
        parameters = bp.update_parameters(parameters, bp.model_backward(AL, Y, caches), lr)
    return parameters


def test_zeros_gives_identical_hidden_units_and_random_weights_break_the_symmetry():
    X = RNG.normal(size=(3, 8))
    Y = (X[:1] > 0).astype(float)
    zeros = bp.initialize_parameters([3, 4, 4, 1], "zeros")
    zeros["b1"], zeros["b2"] = np.ones((4, 1)), np.ones((4, 1))  # hidden units switched on, all alike
    trained = _train(zeros, X, Y)
    for l in (1, 2, 3):
        W = trained[f"W{l}"]
        np.testing.assert_array_equal(W, np.broadcast_to(W[:1], W.shape))  # every unit has the same weights
    assert np.any(trained["W2"] != 0) and np.any(trained["W3"] != 0)  # they did learn, all in the same way
    Z1 = bp.model_forward(X, trained)[1][0][1]
    np.testing.assert_array_equal(Z1, np.broadcast_to(Z1[:1], Z1.shape))  # so they compute the same thing
    he = _train(bp.initialize_parameters([3, 4, 4, 1], "he", np.random.default_rng(1)), X, Y)
    assert np.all(np.ptp(he["W1"], axis=0) > 0)


# --- forward passes --------------------------------------------------------------------------------


def test_linear_forward_is_one_dot_product_per_unit_and_example():
    A_prev, W, b = RNG.normal(size=(3, 5)), RNG.normal(size=(2, 3)), RNG.normal(size=(2, 1))
    Z, cache = bp.linear_forward(A_prev, W, b)
    expected = [[sum(W[i, k] * A_prev[k, j] for k in range(3)) + b[i, 0] for j in range(5)] for i in range(2)]
    np.testing.assert_allclose(Z, expected, rtol=1e-12)
    assert cache[0] is A_prev and cache[1] is W and cache[2] is b


@pytest.mark.parametrize("activation, g", [("relu", lambda z: np.maximum(0, z)), ("sigmoid", sigma), ("tanh", np.tanh)])
def test_linear_activation_forward_applies_the_activation_and_caches_z(activation, g):
    A_prev, W, b = RNG.normal(size=(3, 4)), RNG.normal(size=(2, 3)), RNG.normal(size=(2, 1))
    A, (linear_cache, Z) = bp.linear_activation_forward(A_prev, W, b, activation)
    np.testing.assert_allclose(Z, W @ A_prev + b, rtol=1e-12)
    np.testing.assert_allclose(A, g(Z), rtol=1e-12)
    assert len(linear_cache) == 3


def test_model_forward_on_the_notes_network():
    AL, caches = bp.model_forward(bp.NOTES_X, bp.NOTES_PARAMETERS)
    assert len(caches) == 3 and AL.shape == (1, 3)
    np.testing.assert_array_equal(caches[0][1], [[0.0, 2.0, -3.0], [1.5, 0.0, 2.5], [-0.5, -1.5, 1.5], [3.0, 4.0, 0.0]])
    np.testing.assert_array_equal(caches[2][1], [[0.375, -0.25, -0.125]])  # worked out by hand
    np.testing.assert_allclose(AL, sigma(np.array([[0.375, -0.25, -0.125]])), rtol=1e-12)
    for l, ((A_prev, W, b), Z) in enumerate(caches, start=1):
        assert W is bp.NOTES_PARAMETERS[f"W{l}"]
        if l > 1:
            np.testing.assert_array_equal(A_prev, np.maximum(0, caches[l - 2][1]))


def test_model_forward_is_stable_for_large_logits():
    AL, _ = bp.model_forward(np.array([[1.0, -1.0]]), {"W1": np.array([[800.0]]), "b1": np.zeros((1, 1))})
    np.testing.assert_array_equal(AL, [[1.0, 0.0]])


def test_compute_cost_is_the_mean_cross_entropy_and_clips():
    AL, Y = np.array([[0.92, 0.09, 0.03, 0.94]]), np.array([[1.0, 1.0, 0.0, 0.0]])
    expected = -(math.log(0.92) + math.log(0.09) + math.log(0.97) + math.log(0.06)) / 4
    got = bp.compute_cost(AL, Y)
    assert got == pytest.approx(expected, rel=1e-12) and type(got) is float
    assert bp.compute_cost(np.full((1, 5), 0.5), np.array([[1.0, 0.0, 1.0, 1.0, 0.0]])) == pytest.approx(math.log(2))
    assert bp.compute_cost(np.array([[1.0, 0.0]]), np.array([[1.0, 0.0]])) == pytest.approx(0.0, abs=1e-11)
    assert bp.compute_cost(np.array([[0.0]]), np.array([[1.0]])) == pytest.approx(-math.log(1e-12))


# --- backward passes against finite differences -----------------------------------------------------


def test_linear_backward_matches_finite_differences():
    A_prev, W, b = RNG.normal(size=(4, 6)), RNG.normal(size=(3, 4)), RNG.normal(size=(3, 1))
    G = RNG.normal(size=(3, 6))
    m = A_prev.shape[1]

    def total(A_prev_, W_, b_):  # Σ over examples of a per-example loss, a smooth function of Z
        return float(np.sum(G * np.tanh(W_ @ A_prev_ + b_)))

    dZ = G * (1 - np.tanh(W @ A_prev + b) ** 2)
    dA_prev, dW, db = bp.linear_backward(dZ, (A_prev, W, b))
    assert dA_prev.shape == A_prev.shape and dW.shape == W.shape and db.shape == b.shape
    # dW and db are averages over the m examples; dA_prev is per example (no 1/m)
    assert relative_error(dW, numerical_gradient(lambda w: total(A_prev, w, b), W.copy()) / m) < 1e-8
    assert relative_error(db, numerical_gradient(lambda v: total(A_prev, W, v), b.copy()) / m) < 1e-8
    assert relative_error(dA_prev, numerical_gradient(lambda a: total(a, W, b), A_prev.copy())) < 1e-8


Z_AWAY_FROM_ZERO = np.linspace(-4, 4, 16).reshape(2, 8) + 0.013


@pytest.mark.parametrize("backward, g", [(bp.relu_backward, lambda z: np.maximum(0, z)),
                                         (bp.sigmoid_backward, sigma), (bp.tanh_backward, np.tanh)],
                         ids=["relu", "sigmoid", "tanh"])
def test_activation_backward_is_dA_times_the_slope(backward, g):
    dA = RNG.normal(size=Z_AWAY_FROM_ZERO.shape)
    np.testing.assert_allclose(backward(dA, Z_AWAY_FROM_ZERO), dA * central_difference(g, Z_AWAY_FROM_ZERO),
                               rtol=1e-6, atol=1e-9)


def test_activation_backward_at_zero_and_at_saturation():
    dA = np.array([[2.0, -3.0, 5.0]])
    Z = np.array([[0.0, 1e-300, -1e-300]])
    np.testing.assert_array_equal(bp.relu_backward(dA, Z), [[0.0, -3.0, 0.0]])  # slope 0 at Z = 0 exactly
    np.testing.assert_allclose(bp.sigmoid_backward(dA, np.zeros((1, 3))), dA / 4)
    np.testing.assert_allclose(bp.tanh_backward(dA, np.zeros((1, 3))), dA)
    big = np.array([[-1000.0, 1000.0, 40.0]])
    np.testing.assert_array_equal(bp.sigmoid_backward(dA, big)[0, :2], [0.0, 0.0])
    np.testing.assert_array_equal(bp.tanh_backward(dA, big), [[0.0, 0.0, 0.0]])


def _cost_of(X, Y, parameters):
    return bp.compute_cost(bp.model_forward(X, parameters)[0], Y)


def test_model_backward_matches_the_numerical_gradient_of_the_cost():
    rng = np.random.default_rng(11)
    dims, m = [3, 4, 3, 1], 5
    X, parameters = bp._random_network(rng, dims, m)
    Y = np.array([[1.0, 0.0, 0.0, 1.0, 1.0]])
    AL, caches = bp.model_forward(X, parameters)
    for _, Z in caches[:-1]:
        assert np.min(np.abs(Z)) > 1e-3  # no ReLU kink within reach of the probes
    grads = bp.model_backward(AL, Y, caches)
    assert sorted(grads) == ["dA0", "dA1", "dA2", "dW1", "dW2", "dW3", "db1", "db2", "db3"]
    for key, value in parameters.items():
        numerical = numerical_gradient(lambda _: _cost_of(X, Y, parameters), value)  # perturbs value in place
        assert grads[f"d{key}"].shape == value.shape
        assert relative_error(grads[f"d{key}"], numerical) < 1e-7, key
    # dA0 is the gradient of the summed loss (m times the cost) with respect to the inputs
    numerical = numerical_gradient(lambda x: _cost_of(x, Y, parameters), X.copy())
    assert relative_error(grads["dA0"], m * numerical) < 1e-7


def _stable_cost_of_output(Z_out, Y):
    """The mean cross-entropy as a function of the output layer's Z, computed without σ: −log σ(z) is
    log(1 + e^{−z}) = np.logaddexp(0, −z), so it stays exact where σ(z) rounds to 0 or 1."""
    return float(np.mean(Y * np.logaddexp(0.0, -Z_out) + (1 - Y) * np.logaddexp(0.0, Z_out)))


def test_model_backward_stays_finite_and_exact_when_the_output_saturates():
    """AL rounds to exactly 1.0 for Z above about 37: dAL = −(Y/AL − (1 − Y)/(1 − AL)) would divide 0 by 0
    there; the reference's dZ[L] = AL − Y is the exact gradient, which central differences of the cost
    (computed stably from Z) confirm."""
    X = np.array([[1.0, -1.0, 2.0, -2.0], [0.5, 1.0, 1.0, -1.0]])
    parameters = {"W1": np.array([[40.0, 10.0]]), "b1": np.array([[0.0]])}  # Z = 45, −30, 90, −90
    Y = np.array([[1.0, 0.0, 0.0, 1.0]])  # right and certain, right, wrong and certain, wrong and nearly certain
    AL, caches = bp.model_forward(X, parameters)
    assert AL[0, 0] == AL[0, 2] == 1.0 and AL[0, 3] < 1e-30  # σ(45), σ(90) round to 1.0
    with np.errstate(all="ignore"):
        dAL = -(Y / AL - (1 - Y) / (1 - AL))
    assert not np.all(np.isfinite(dAL))  # the textbook start breaks down here
    grads = bp.model_backward(AL, Y, caches)
    assert all(np.all(np.isfinite(g)) for g in grads.values())

    def cost(W):
        return _stable_cost_of_output(W @ X + parameters["b1"], Y)

    numerical = numerical_gradient(cost, parameters["W1"].copy(), h=1e-6)
    np.testing.assert_allclose(grads["dW1"], numerical, rtol=1e-6)
    np.testing.assert_allclose(grads["dW1"], (AL - Y) @ X.T / X.shape[1], rtol=1e-12)


def test_model_backward_agrees_with_the_textbook_start_where_it_is_finite():
    rng = np.random.default_rng(12)
    for _ in range(5):
        X, parameters = bp._random_network(rng, bp._random_dims(rng), 6)
        Y = rng.integers(0, 2, size=(1, 6)).astype(float)
        AL, caches = bp.model_forward(X, parameters)
        textbook = bp._backward_variant(AL, Y, caches)  # from dAL = −(Y/AL − (1 − Y)/(1 − AL))
        grads = bp.model_backward(AL, Y, caches)
        assert grads.keys() == textbook.keys()
        for key in grads:
            assert compare(textbook[key], grads[key], MODEL_BACKWARD.tolerance) is None, key


def test_model_backward_of_one_layer_is_logistic_regression():
    X, parameters = bp._one_layer_network()
    Y = np.array([[1.0, 0.0, 0.0, 1.0]])
    AL, caches = bp.model_forward(X, parameters)
    grads = bp.model_backward(AL, Y, caches)
    m = X.shape[1]
    np.testing.assert_allclose(grads["dW1"], (AL - Y) @ X.T / m, rtol=1e-12)  # the notes' dZ = A − Y
    np.testing.assert_allclose(grads["db1"], np.sum(AL - Y, axis=1, keepdims=True) / m, rtol=1e-12)
    np.testing.assert_allclose(grads["dA0"], parameters["W1"].T @ (AL - Y), rtol=1e-12)


# --- one step of gradient descent ----------------------------------------------------------------------


def test_update_parameters_returns_new_arrays_and_leaves_its_inputs_alone():
    X, parameters = bp._random_network(np.random.default_rng(5), [3, 4, 1], 6)
    Y = np.array([[1.0, 0.0, 1.0, 1.0, 0.0, 0.0]])
    AL, caches = bp.model_forward(X, parameters)
    grads = bp.model_backward(AL, Y, caches)
    parameters_before, grads_before = copy.deepcopy(parameters), copy.deepcopy(grads)
    updated = bp.update_parameters(parameters, grads, 0.3)
    assert sorted(updated) == sorted(parameters)
    for key, value in parameters.items():
        np.testing.assert_array_equal(value, parameters_before[key])
        np.testing.assert_allclose(updated[key], value - 0.3 * grads[f"d{key}"], rtol=1e-12)
        assert not np.shares_memory(updated[key], value)
    for key, value in grads.items():
        np.testing.assert_array_equal(value, grads_before[key])
    assert _cost_of(X, Y, updated) < _cost_of(X, Y, parameters)  # a small step downhill lowers the cost


# --- a softmax output layer: dZ = A − Y ------------------------------------------------------------------


def softmax(Z):
    e = np.exp(Z - Z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def summed_softmax_cross_entropy(Z, Y):
    """Σ over the examples of −Σ_k Y log softmax(Z), with log softmax = Z − logsumexp(Z) (no log of a 0)."""
    top = Z.max(axis=0, keepdims=True)
    log_A = Z - top - np.log(np.sum(np.exp(Z - top), axis=0, keepdims=True))
    return float(-np.sum(Y * log_A))


def one_hot(labels, n_classes):
    return np.eye(n_classes)[:, labels]


@pytest.mark.parametrize("n_classes, m", [(2, 1), (3, 5), (5, 2), (4, 4)])
def test_softmax_cross_entropy_backward_matches_finite_differences_of_the_loss(n_classes, m):
    rng = np.random.default_rng(100 * n_classes + m)
    Z = rng.normal(size=(n_classes, m)) * 2
    Y = one_hot(rng.integers(0, n_classes, size=m), n_classes)
    dZ = bp.softmax_cross_entropy_backward(softmax(Z), Y)
    assert dZ.shape == (n_classes, m)
    numerical = numerical_gradient(lambda z: summed_softmax_cross_entropy(z, Y), Z.copy())
    assert relative_error(dZ, numerical) < 1e-8
    # the cost J is the mean over the examples, so dZ (without 1/m) is m·∂J/∂Z
    mean_cost = numerical_gradient(lambda z: summed_softmax_cross_entropy(z, Y) / m, Z.copy())
    assert relative_error(dZ, m * mean_cost) < 1e-8


def test_softmax_jacobian_times_the_loss_gradient_is_a_minus_y():
    """The derivation in the notebook, column by column: (diag(a) − a aᵀ)ᵀ (−y/a) = a − y when Σ y = 1."""
    rng = np.random.default_rng(3)
    for n_classes in (2, 3, 6):
        a = softmax(rng.normal(size=(n_classes, 1)))
        jacobian = np.diagflat(a) - a @ a.T  # ∂a_k/∂z_j = a_k(δ_kj − a_j); symmetric
        numerical_jacobian = np.column_stack([central_difference_column(softmax, a_logits, j)
                                              for a_logits in [np.log(a)] for j in range(n_classes)])
        np.testing.assert_allclose(jacobian, numerical_jacobian, atol=1e-9)
        y = one_hot([int(rng.integers(n_classes))], n_classes)
        np.testing.assert_allclose(jacobian.T @ (-y / a), bp.softmax_cross_entropy_backward(a, y), atol=1e-12)


def central_difference_column(f, z, j, h=1e-6):
    step = np.zeros_like(z)
    step[j] = h
    return ((f(z + step) - f(z - step)) / (2 * h)).ravel()


def test_softmax_cross_entropy_of_two_classes_is_the_sigmoids_a_minus_y():
    z, y = np.array([[1.5, -0.3, 4.0]]), np.array([[1.0, 0.0, 0.0]])
    A = softmax(np.vstack([z, np.zeros_like(z)]))  # softmax of (z, 0) is (σ(z), 1 − σ(z))
    dZ = bp.softmax_cross_entropy_backward(A, np.vstack([y, 1 - y]))
    np.testing.assert_allclose(dZ[0], (sigma(z) - y)[0], rtol=1e-12)
    np.testing.assert_allclose(dZ[1], -dZ[0], rtol=1e-12)


def test_a_softmax_output_layer_gets_the_mean_cost_gradient_from_linear_backward():
    """dZ = A − Y without 1/m, then linear_backward's dW = (1/m) dZ A_prevᵀ: the gradient of the mean cost."""
    rng = np.random.default_rng(8)
    A_prev, W, b = rng.normal(size=(4, 6)), rng.normal(size=(3, 4)), rng.normal(size=(3, 1))
    Y = one_hot(rng.integers(0, 3, size=6), 3)
    Z, cache = bp.linear_forward(A_prev, W, b)
    _, dW, db = bp.linear_backward(bp.softmax_cross_entropy_backward(softmax(Z), Y), cache)
    numerical_W = numerical_gradient(lambda w: summed_softmax_cross_entropy(w @ A_prev + b, Y) / 6, W.copy())
    numerical_b = numerical_gradient(lambda c: summed_softmax_cross_entropy(W @ A_prev + c, Y) / 6, b.copy())
    assert relative_error(dW, numerical_W) < 1e-8 and relative_error(db, numerical_b) < 1e-8


def test_softmax_cross_entropy_backward_takes_exact_zeros_and_ones():
    A = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]])
    np.testing.assert_array_equal(bp.softmax_cross_entropy_backward(A, one_hot([1, 2], 3)),
                                  [[1.0, 0.0], [-1.0, 1.0], [0.0, -1.0]])


def test_the_split_off_parts_of_a_topic_are_watched_by_the_reference_spy():
    """_backprop_softmax.py and _neurons_activations.py hold references of their topics: the grader's spy must
    count a call into either file as a call into the topic's reference code."""
    from mlcourse import _backprop_softmax, _neurons_activations, grader, neurons

    for exercise_id, module in (("backprop.model_backward", _backprop_softmax),
                                ("backprop.softmax_cross_entropy_backward", bp),
                                ("neurons.mse", _neurons_activations), ("neurons.tanh", neurons)):
        assert module.__file__ in grader._reference_code_keys(grader.exercise(exercise_id)), (exercise_id, module)
    A, Y = softmax(np.array([[1.0, 2.0], [0.5, -1.0]])), np.eye(2)
    for cheat in (lambda A, Y: _backprop_softmax.softmax_cross_entropy_backward(A, Y),
                  lambda A, Y: bp.softmax_cross_entropy_backward(A, Y)):
        result = grader.check("backprop.softmax_cross_entropy_backward", cheat)
        assert not result.passed and result.score == 0 and "reference implementation" in result.feedback
    result = grader.check("neurons.tanh", lambda z: _neurons_activations.tanh(z))
    assert not result.passed and "reference implementation" in result.feedback


# --- the cases themselves ------------------------------------------------------------------------------


@pytest.mark.parametrize("exercise", bp.EXERCISES, ids=lambda e: e.id)
def test_cases_are_reproducible_and_the_reference_runs_cleanly(exercise):
    for seed in range(3):
        cases = exercise.cases(np.random.default_rng(seed))
        again = exercise.cases(np.random.default_rng(seed))
        assert [c.name for c in cases] == [c.name for c in again]
        assert sum(c.name.startswith("random #") for c in cases) >= 2
        for case, twin in zip(cases, again):
            result = exercise.reference(*copy.deepcopy(case.args), **copy.deepcopy(case.kwargs))  # warnings fail
            assert compare(result, exercise.reference(*twin.args, **twin.kwargs), exercise.tolerance) is None
            assert case.label(["a", "b", "c", "d"])  # renders dicts, caches and generators
    assert len(exercise.fingerprints) >= 2


@pytest.mark.parametrize("exercise", bp.EXERCISES, ids=lambda e: e.id)
def test_every_fingerprint_runs_on_every_case_and_differs_from_the_reference(exercise):
    cases = exercise.cases(np.random.default_rng(0))
    for sentence, wrong in exercise.fingerprints.items():
        differs = False
        for case in cases:
            expected = exercise.reference(*copy.deepcopy(case.args), **copy.deepcopy(case.kwargs))
            with np.errstate(all="ignore"):
                got = wrong(*copy.deepcopy(case.args), **copy.deepcopy(case.kwargs))  # must not raise
            differs = differs or compare(expected, got, exercise.tolerance) is not None
        assert differs, sentence

"""The references of notebook 03 agree with closed forms, independent computations, finite differences
and the worked numbers of the notes; their cases run cleanly (pytest turns warnings into errors)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mlcourse import neurons as nr

RNG = np.random.default_rng(2024)


def central_difference(f, z: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """Entrywise (f(z + h) − f(z − h)) / 2h for an elementwise f."""
    return (np.asarray(f(z + h)) - np.asarray(f(z - h))) / (2 * h)


# --- a neuron and the perceptron -------------------------------------------------------------------


def test_neuron_reproduces_the_notes_example():
    x, w = np.array([1.0, 2.0]), np.array([-2.0, 1.0])
    assert nr.neuron(x, w, 0.0, nr.relu) == 0.0
    assert nr.neuron(x, w, 3.0, nr.relu) == 3.0
    assert type(nr.neuron(x, w, 3.0, nr.relu)) is float


def test_neuron_is_activation_of_the_weighted_sum():
    x, w, b = RNG.normal(size=4), RNG.normal(size=4), 0.7
    z = sum(wi * xi for wi, xi in zip(w, x)) + b
    assert nr.neuron(x, w, b, np.tanh) == pytest.approx(math.tanh(z))
    assert nr.neuron(x, w, b, lambda v: v) == pytest.approx(z)


def test_perceptron_predict_counts_the_boundary_as_one():
    X = np.array([[0.0, 0.0, 1.0, 1.0], [0.0, 1.0, 0.0, 1.0]])
    got = nr.perceptron_predict(X, np.array([[1.0], [1.0]]), -1.0)
    np.testing.assert_array_equal(got, [[0.0, 1.0, 1.0, 1.0]])
    assert got.shape == (1, 4) and got.dtype == np.float64


@pytest.mark.parametrize("labels", [nr.AND_Y, nr.OR_Y], ids=["AND", "OR"])
def test_perceptron_learns_and_and_or_within_a_few_epochs(labels):
    for n_epochs in range(1, 11):
        w, b = nr.perceptron_train(nr.AND_X, labels, 1.0, n_epochs)
        if np.array_equal(nr.perceptron_predict(nr.AND_X, w, b), labels):
            break
    else:
        pytest.fail("the perceptron did not learn a linearly separable function in 10 epochs")
    assert n_epochs <= 6
    assert w.shape == (2, 1) and type(b) is float
    w_more, b_more = nr.perceptron_train(nr.AND_X, labels, 1.0, n_epochs + 5)  # converged: no more updates
    np.testing.assert_array_equal(w_more, w)
    assert b_more == b


def test_perceptron_never_learns_xor():
    for n_epochs in range(1, 51):
        w, b = nr.perceptron_train(nr.AND_X, nr.XOR_Y, 1.0, n_epochs)
        assert not np.array_equal(nr.perceptron_predict(nr.AND_X, w, b), nr.XOR_Y)


def test_perceptron_first_update_from_zero():
    x = np.array([[2.0], [-1.0]])
    w, b = nr.perceptron_train(x, np.array([[0.0]]), 0.5, 1)  # ŷ = 1 at w = 0, b = 0, so y − ŷ = −1
    np.testing.assert_array_equal(w, -0.5 * x)
    assert b == -0.5
    w, b = nr.perceptron_train(x, np.array([[1.0]]), 0.5, 3)  # right from the start: nothing changes
    np.testing.assert_array_equal(w, np.zeros((2, 1)))
    assert b == 0.0


# --- activations and their derivatives --------------------------------------------------------------

MODERATE = np.linspace(-4, 4, 17).reshape(1, -1) + 0.013  # avoids z = 0 exactly


def test_tanh_matches_its_definition_and_is_stable():
    e_plus, e_minus = np.exp(MODERATE), np.exp(-MODERATE)
    np.testing.assert_allclose(nr.tanh(MODERATE), (e_plus - e_minus) / (e_plus + e_minus), rtol=1e-12)
    np.testing.assert_array_equal(nr.tanh(np.array([-1000.0, 1000.0])), [-1.0, 1.0])
    assert nr.tanh(0.0) == 0.0 and type(nr.tanh(0.5)) is float


def test_tanh_is_a_shifted_sigmoid():
    np.testing.assert_allclose(nr.tanh(MODERATE), 2 * nr.sigmoid(2 * MODERATE) - 1, atol=1e-12)


def test_relu_and_leaky_relu():
    z = np.array([[-2.0, -0.5, 0.0, 0.5, 2.0]])
    np.testing.assert_array_equal(nr.relu(z), [[0.0, 0.0, 0.0, 0.5, 2.0]])
    np.testing.assert_allclose(nr.leaky_relu(z), [[-0.02, -0.005, 0.0, 0.5, 2.0]])
    np.testing.assert_allclose(nr.leaky_relu(z, alpha=0.1), [[-0.2, -0.05, 0.0, 0.5, 2.0]])
    np.testing.assert_allclose(nr.leaky_relu(z, alpha=0.1), np.maximum(0.1 * z, z))  # the notes' form, alpha < 1
    np.testing.assert_allclose(nr.leaky_relu(z, alpha=1.5), [[-3.0, -0.75, 0.0, 0.5, 2.0]])
    assert nr.relu(-3.0) == 0.0 and type(nr.relu(-3.0)) is float
    assert nr.leaky_relu(-3.0) == pytest.approx(-0.03) and type(nr.leaky_relu(-3.0)) is float


def test_swish_is_z_times_sigmoid_and_stable():
    np.testing.assert_allclose(nr.swish(MODERATE), MODERATE / (1 + np.exp(-MODERATE)), rtol=1e-12)
    big = nr.swish(np.array([-1000.0, -30.0, 30.0, 1000.0]))  # no overflow warning (warnings are errors)
    np.testing.assert_allclose(big, [0.0, -30.0 / (1 + math.exp(30.0)), 30.0 / (1 + math.exp(-30.0)), 1000.0])
    assert nr.swish(0.0) == 0.0 and type(nr.swish(1.0)) is float


def test_tanh_derivative_matches_central_differences():
    np.testing.assert_allclose(nr.tanh_derivative(MODERATE), central_difference(nr.tanh, MODERATE), atol=1e-8)
    assert nr.tanh_derivative(0.0) == 1.0
    np.testing.assert_array_equal(nr.tanh_derivative(np.array([-1000.0, 1000.0])), [0.0, 0.0])


@pytest.mark.parametrize("alpha", [0.01, 0.1, 0.3, 1.5])
def test_leaky_relu_derivative_matches_central_differences_away_from_zero(alpha):
    np.testing.assert_allclose(nr.leaky_relu_derivative(MODERATE, alpha),
                               central_difference(lambda v: nr.leaky_relu(v, alpha), MODERATE), rtol=1e-6)


def test_relu_derivative_matches_central_differences_away_from_zero():
    np.testing.assert_allclose(nr.relu_derivative(MODERATE), central_difference(nr.relu, MODERATE), atol=1e-9)


def test_derivatives_at_zero_follow_the_contract():
    assert nr.relu_derivative(0.0) == 0.0 and type(nr.relu_derivative(0.0)) is float
    assert nr.relu_derivative(1e-300) == 1.0
    assert nr.leaky_relu_derivative(0.0) == 0.01
    assert nr.leaky_relu_derivative(0.0, alpha=0.2) == 0.2
    np.testing.assert_array_equal(nr.leaky_relu_derivative(np.array([[-1.0, 0.0, 1.0]]), 0.3), [[0.3, 0.3, 1.0]])


# --- softmax -----------------------------------------------------------------------------------------


def test_softmax_reproduces_the_notes_numbers():
    got = nr.softmax(np.array([[2.1], [3.2], [1.5]]))
    np.testing.assert_allclose(got.ravel(), [0.22, 0.66, 0.12], atol=0.005)
    e = np.exp([2.1, 3.2, 1.5])
    np.testing.assert_allclose(got.ravel(), e / e.sum(), rtol=1e-12)


def test_softmax_columns_sum_to_one_and_ignore_a_constant_per_column():
    Z = RNG.normal(size=(4, 6)) * 3
    A = nr.softmax(Z)
    assert A.shape == (4, 6) and np.all(A > 0)
    np.testing.assert_allclose(A.sum(axis=0), np.ones(6), rtol=1e-12)
    np.testing.assert_allclose(nr.softmax(Z + RNG.normal(size=(1, 6)) * 50), A, rtol=1e-10)
    assert not np.allclose(A.sum(axis=1), 1.0)  # rows are not normalised


def test_softmax_is_stable_for_large_logits():
    A = nr.softmax(np.array([[1000.0, 1.0], [999.0, 2.0], [990.0, 3.0]]))
    np.testing.assert_allclose(A, nr.softmax(np.array([[10.0, 1.0], [9.0, 2.0], [0.0, 3.0]])), rtol=1e-12)


def test_softmax_of_two_classes_is_the_sigmoid_of_the_difference():
    Z = RNG.normal(size=(2, 5))
    np.testing.assert_allclose(nr.softmax(Z)[0], nr.sigmoid(Z[0] - Z[1]), rtol=1e-12)


# --- encoding and scaling the inputs -----------------------------------------------------------------


def test_one_hot():
    labels = np.array([2, 0, 1, 1, 2])
    Y = nr.one_hot(labels, 4)
    assert Y.shape == (4, 5) and Y.dtype == np.float64
    np.testing.assert_array_equal(Y.sum(axis=0), np.ones(5))
    np.testing.assert_array_equal(Y.argmax(axis=0), labels)
    np.testing.assert_array_equal(Y[3], np.zeros(5))  # a class that never occurs keeps its row
    np.testing.assert_array_equal(nr.one_hot(np.array([0, 1, 2]), 3), np.eye(3))  # the notes' countries


def test_standardize_gives_mean_zero_and_std_one_per_row():
    X = RNG.normal(size=(3, 7)) * np.array([[0.1], [5.0], [200.0]]) + np.array([[1.0], [-3.0], [1000.0]])
    X_std, mean, std = nr.standardize(X)
    assert mean.shape == (3, 1) and std.shape == (3, 1)
    np.testing.assert_allclose(X_std.mean(axis=1), 0.0, atol=1e-12)
    np.testing.assert_allclose(X_std.std(axis=1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(std.ravel(), [np.sqrt(np.mean((row - row.mean()) ** 2)) for row in X])  # population
    np.testing.assert_allclose(X_std * std + mean, X, rtol=1e-12)


def test_standardize_maps_a_constant_feature_to_zero():
    X_std, mean, std = nr.standardize(np.array([[1.0, 2.0, 4.0], [5.0, 5.0, 5.0]]))
    np.testing.assert_array_equal(X_std[1], np.zeros(3))
    assert mean[1, 0] == 5.0 and std[1, 0] == 0.0


@pytest.mark.parametrize("value", [0.1, 0.7, 1e6 + 0.1, -3.3])
@pytest.mark.parametrize("m", [3, 7])
def test_standardize_finds_a_constant_feature_whose_mean_is_not_exact(value, m):
    X = np.vstack([np.full(m, value), np.arange(m, dtype=float)])
    mean, std = X.mean(axis=1), X.std(axis=1)
    X_std, got_mean, got_std = nr.standardize(X)
    np.testing.assert_array_equal(X_std[0], np.zeros(m))  # exactly 0, not ±1 from round-off over round-off
    assert got_mean[0, 0] == mean[0] and got_std[0, 0] == std[0] and std[0] < 1e-9  # np.mean's and np.std's
    np.testing.assert_allclose(X_std[1], (X[1] - mean[1]) / std[1], rtol=1e-12)


def test_a_constant_row_of_tenths_really_has_a_nonzero_std():
    """Why the contract tests max == min: for three 0.1s np.std is about 1e-17, not 0, so a test of std == 0
    (the old reference's) gives ±1 there, and the case "constant features of 0.1s and 0.7s" tells them apart."""
    row = np.full((1, 3), 0.1)
    assert row.std() > 0
    assert np.all(np.abs((row - row.mean()) / row.std()) == 1.0)


def test_min_max_normalize():
    X = np.array([[1.0, 2.0, 3.0, 6.0], [150.0, 160.0, 180.0, 190.0], [7.0, 7.0, 7.0, 7.0]])
    got = nr.min_max_normalize(X)
    np.testing.assert_allclose(got, [[0.0, 0.2, 0.4, 1.0], [0.0, 0.25, 0.75, 1.0], [0.0, 0.0, 0.0, 0.0]])
    rand = nr.min_max_normalize(RNG.normal(size=(3, 9)) * 40)
    np.testing.assert_array_equal(rand.min(axis=1), np.zeros(3))
    np.testing.assert_allclose(rand.max(axis=1), np.ones(3))


# --- losses --------------------------------------------------------------------------------------------


def test_mse_on_the_notes_three_points():
    got = nr.mse(np.array([[0.6, 0.8, 1.1]]), np.array([[1.1, 1.2, 2.1]]))
    assert got == pytest.approx((0.5**2 + 0.4**2 + 1.0**2) / 3) and type(got) is float
    assert nr.mse(np.array([[1.0, 2.0]]), np.array([[1.0, 2.0]])) == 0.0


@pytest.mark.parametrize("a, y, notes", [(0.92, 1.0, 0.083), (0.09, 1.0, 2.41), (0.03, 0.0, 0.03), (0.94, 0.0, 2.81)])
def test_binary_cross_entropy_reproduces_the_notes_numbers(a, y, notes):
    got = nr.binary_cross_entropy(np.array([[a]]), np.array([[y]]))
    assert got == pytest.approx(notes, abs=0.005)
    assert got == pytest.approx(-math.log(a) if y == 1 else -math.log(1 - a), rel=1e-12)
    assert type(got) is float


def test_binary_cross_entropy_is_the_mean_and_clips():
    a, y = np.array([[0.92, 0.09, 0.03, 0.94]]), np.array([[1.0, 1.0, 0.0, 0.0]])
    expected = -(math.log(0.92) + math.log(0.09) + math.log(0.97) + math.log(0.06)) / 4
    assert nr.binary_cross_entropy(a, y) == pytest.approx(expected, rel=1e-12)
    assert nr.binary_cross_entropy(np.array([[1.0, 0.0]]), np.array([[1.0, 0.0]])) == pytest.approx(0.0, abs=1e-11)
    assert nr.binary_cross_entropy(np.array([[0.0]]), np.array([[1.0]])) == pytest.approx(-math.log(1e-12))


def test_categorical_cross_entropy_uses_the_natural_log():
    A = np.array([[0.775], [0.126], [0.039], [0.070]])
    Y = np.array([[1.0], [0.0], [0.0], [0.0]])
    assert nr.categorical_cross_entropy(A, Y) == pytest.approx(0.2549, abs=5e-5)
    assert nr.categorical_cross_entropy(A, Y) / math.log(2) == pytest.approx(0.3677, abs=5e-5)  # the notes' log2


def test_categorical_cross_entropy_is_the_mean_minus_log_of_the_true_class():
    A = nr.softmax(RNG.normal(size=(4, 6)))
    labels = np.array([0, 3, 1, 1, 2, 0])
    expected = -np.mean(np.log(A[labels, np.arange(6)]))
    assert nr.categorical_cross_entropy(A, nr.one_hot(labels, 4)) == pytest.approx(expected, rel=1e-12)
    zero = np.array([[1.0, 0.0], [0.0, 1.0]])
    assert nr.categorical_cross_entropy(zero, np.eye(2)[:, ::-1]) == pytest.approx(-math.log(1e-12))


def test_two_class_categorical_cross_entropy_equals_binary_cross_entropy():
    p = RNG.uniform(0.05, 0.95, size=(1, 7))
    y = np.array([[1.0, 0.0, 0.0, 1.0, 1.0, 0.0, 1.0]])
    A, Y = np.vstack([1 - p, p]), np.vstack([1 - y, y])
    assert nr.categorical_cross_entropy(A, Y) == pytest.approx(nr.binary_cross_entropy(p, y), rel=1e-12)


# --- a dense layer and its parameters ------------------------------------------------------------------


def test_dense_forward_is_one_neuron_per_unit_and_example():
    A_prev, W, b = RNG.normal(size=(3, 5)), RNG.normal(size=(2, 3)), RNG.normal(size=(2, 1))
    got = nr.dense_forward(A_prev, W, b, nr.relu)
    assert got.shape == (2, 5)
    expected = [[nr.neuron(A_prev[:, j], W[i], float(b[i, 0]), nr.relu) for j in range(5)] for i in range(2)]
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_count_dense_parameters_matches_the_notes_and_the_arrays():
    assert nr.count_dense_parameters([2, 3, 2]) == 17
    assert type(nr.count_dense_parameters([2, 3, 2])) is int
    assert nr.count_dense_parameters([5]) == 0
    sizes = [4, 8, 8, 3]
    shapes = [((n_out, n_in), (n_out, 1)) for n_in, n_out in zip(sizes[:-1], sizes[1:])]
    assert nr.count_dense_parameters(sizes) == sum(np.prod(w) + np.prod(b) for w, b in shapes)


# --- the cases themselves ------------------------------------------------------------------------------


@pytest.mark.parametrize("exercise", nr.EXERCISES, ids=lambda e: e.id)
def test_cases_are_reproducible_and_the_reference_runs_cleanly(exercise):
    for seed in range(5):
        cases = exercise.cases(np.random.default_rng(seed))
        again = exercise.cases(np.random.default_rng(seed))
        assert [c.name for c in cases] == [c.name for c in again]
        assert sum(c.name.startswith("random #") for c in cases) >= 2
        for case in cases:
            result = exercise.reference(*case.args, **case.kwargs)  # a warning would fail the test
            scalar_in = len(case.args) == 1 and isinstance(case.args[0], float)
            if scalar_in or exercise.name in {"neuron", "mse", "binary_cross_entropy", "categorical_cross_entropy"}:
                assert type(result) is float, case.name
            assert np.all(np.isfinite(np.asarray(result[0] if isinstance(result, tuple) else result))), case.name
    assert len(exercise.fingerprints) >= 2

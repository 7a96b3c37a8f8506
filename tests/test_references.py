"""The references of notebook 01 and the gradient-check helper agree with closed forms, with finite
differences and with the worked numbers of the notes. These call mlcourse directly: this is not grading.
float64 throughout; pytest turns every warning into an error, so "no warning" is asserted everywhere."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mlcourse import derivatives as d
from mlcourse import gradcheck as gc

RNG = np.random.default_rng(20240501)


def central(f, x: float, h: float = 1e-6) -> float:
    return (f(x + h) - f(x - h)) / (2 * h)


def elementwise_central(f, z: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """(f(z + h) − f(z − h)) / 2h, entry by entry, for an elementwise f."""
    return (np.asarray(f(z + h)) - np.asarray(f(z - h))) / (2 * h)


# --- numerical_derivative --------------------------------------------------------------------------

KNOWN_DERIVATIVES = [
    (lambda x: x**3, lambda x: 3 * x**2, "x^3"),
    (np.sin, np.cos, "sin"),
    (np.exp, np.exp, "exp"),
    (lambda x: np.exp(0.5 * x), lambda x: 0.5 * np.exp(0.5 * x), "exp(x/2)"),
    (np.log, lambda x: 1 / x, "log"),
    (lambda x: 1 / (1 + x**2), lambda x: -2 * x / (1 + x**2) ** 2, "1/(1+x^2)"),
]


@pytest.mark.parametrize("f, df, name", KNOWN_DERIVATIVES, ids=[k[2] for k in KNOWN_DERIVATIVES])
@pytest.mark.parametrize("x", [0.3, 1.0, 2.5])
def test_numerical_derivative_matches_the_analytic_derivative(f, df, name, x):
    got = d.numerical_derivative(f, x)
    assert type(got) is float
    assert got == pytest.approx(float(df(x)), rel=1e-8, abs=1e-9)


def test_numerical_derivative_is_exact_for_a_line_and_for_the_notes_f():
    assert d.numerical_derivative(lambda a: 3 * a, 2.0, h=0.001) == pytest.approx(3.0, rel=1e-12)
    assert d.numerical_derivative(lambda x: -2.0 * x + 7.0, 11.0, h=0.1) == pytest.approx(-2.0, rel=1e-12)


def test_numerical_derivative_error_is_h_squared_for_a_cube():
    # (f(x+h) − f(x−h)) / 2h = 3x² + h² for f = x³: the central difference is second order in h.
    for x, h in [(2.0, 1e-2), (-1.5, 1e-1), (0.0, 0.5)]:
        assert d.numerical_derivative(lambda t: t**3, x, h) == pytest.approx(3 * x**2 + h**2, rel=1e-10, abs=1e-12)


def test_numerical_derivative_beats_the_forward_difference():
    f, x, h = np.sin, 1.0, 1e-3
    central_error = abs(d.numerical_derivative(f, x, h) - math.cos(x))
    forward_error = abs((f(x + h) - f(x)) / h - math.cos(x))
    assert central_error < forward_error / 100


# --- numerical_gradient, relative_error, gradient_check ---------------------------------------------


def test_numerical_gradient_of_a_quadratic_form():
    # f(x) = ½ xᵀAx + bᵀx has gradient ½ (A + Aᵀ) x + b; central differences are exact for quadratics
    # up to round-off.
    n = 5
    A, b, x = RNG.normal(size=(n, n)), RNG.normal(size=(n, 1)), RNG.normal(size=(n, 1))
    f = lambda v: (0.5 * v.T @ A @ v + b.T @ v).item()  # noqa: E731
    got = gc.numerical_gradient(f, x.copy())
    assert got.shape == (n, 1) and got.dtype == np.float64
    np.testing.assert_allclose(got, 0.5 * (A + A.T) @ x + b, rtol=1e-7, atol=1e-8)


def test_numerical_gradient_keeps_the_shape_of_a_matrix_and_perturbs_one_entry_at_a_time():
    x = RNG.normal(size=(3, 4))
    got = gc.numerical_gradient(lambda v: float(np.sum(v**3) / 3 + v[0, 1] * v[2, 3]), x.copy(), h=1e-4)
    expected = x**2
    expected[0, 1] += x[2, 3]
    expected[2, 3] += x[0, 1]
    assert got.shape == x.shape
    np.testing.assert_allclose(got, expected, rtol=1e-7, atol=1e-8)


def test_numerical_gradient_restores_its_input_exactly():
    x = np.array([[0.1, 0.7, 1e8], [3.3, -2.9, 1e-9]])
    before = x.copy()
    gc.numerical_gradient(lambda v: float(np.sum(np.sin(v))), x)
    np.testing.assert_array_equal(x, before)  # bit for bit, not merely close


def test_relative_error_closed_forms():
    a = np.array([3.0, 4.0])  # ‖a‖ = 5
    assert gc.relative_error(a, a) == 0.0
    assert gc.relative_error(a, -a) == 1.0  # ‖2a‖ / (‖a‖ + ‖a‖)
    assert gc.relative_error(a, np.zeros(2)) == 1.0
    assert gc.relative_error(np.zeros((2, 3)), np.zeros((2, 3))) == 0.0  # 0/0 is defined as 0
    assert gc.relative_error(a, 2 * a) == pytest.approx(5 / 15)  # ‖a‖ / (‖a‖ + 2‖a‖) = 1/3
    assert gc.relative_error(np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([[1.0, 0.0], [0.0, 0.0]])) == (
        pytest.approx(1 / (math.sqrt(2) + 1))
    )
    assert type(gc.relative_error(a, 2 * a)) is float


def test_relative_error_is_symmetric_and_scale_free():
    a, b = RNG.normal(size=(4, 3)), RNG.normal(size=(4, 3))
    assert gc.relative_error(a, b) == pytest.approx(gc.relative_error(b, a), rel=1e-14)
    assert gc.relative_error(1e6 * a, 1e6 * b) == pytest.approx(gc.relative_error(a, b), rel=1e-12)
    assert 0.0 <= gc.relative_error(a, b) <= 1.0


def test_gradient_check_tells_right_from_wrong_gradients():
    x = RNG.normal(size=(3, 2))
    f = lambda v: float(np.sum(v**2))  # noqa: E731
    assert gc.gradient_check(f, lambda v: 2 * v, x.copy()) < 1e-7
    assert gc.gradient_check(f, lambda v: -2 * v, x.copy()) == pytest.approx(1.0, rel=1e-6)
    assert gc.gradient_check(f, lambda v: 6 * v, x.copy()) == pytest.approx(0.5, rel=1e-6)  # ‖4g‖/(‖6g‖+‖2g‖)


def test_gradient_check_passes_h_on():
    # For f = Σ x³/3 the central difference is x² + h²/3, so the relative error grows like h².
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    f, grad = (lambda v: float(np.sum(v**3) / 3)), (lambda v: v**2)
    coarse, fine = gc.gradient_check(f, grad, x.copy(), h=0.1), gc.gradient_check(f, grad, x.copy(), h=0.01)
    numerical = x**2 + 0.1**2 / 3
    assert coarse == pytest.approx(gc.relative_error(x**2, numerical), rel=1e-6)
    assert coarse / fine == pytest.approx(100, rel=1e-3)


# --- the computation graph J = 3(a + bc) -----------------------------------------------------------


def test_graph_reproduces_the_notes_example():
    assert d.graph_forward(5.0, 3.0, 2.0) == 33.0
    assert d.graph_backward(5.0, 3.0, 2.0) == (3.0, 6.0, 9.0)
    assert type(d.graph_forward(5.0, 3.0, 2.0)) is float
    assert all(type(g) is float for g in d.graph_backward(5.0, 3.0, 2.0))


@pytest.mark.parametrize("a, b, c", [tuple(RNG.uniform(-5, 5, size=3)) for _ in range(4)] + [(0.0, 0.0, 0.0)])
def test_graph_backward_matches_finite_differences_of_graph_forward(a, b, c):
    numerical = (
        central(lambda t: d.graph_forward(t, b, c), a),
        central(lambda t: d.graph_forward(a, t, c), b),
        central(lambda t: d.graph_forward(a, b, t), c),
    )
    assert d.graph_backward(a, b, c) == pytest.approx(numerical, rel=1e-7, abs=1e-7)
    assert d.graph_forward(a, b, c) == pytest.approx(3 * (a + b * c), rel=1e-15)


# --- sigmoid and its derivative --------------------------------------------------------------------


def test_sigmoid_matches_the_formula_where_exp_does_not_overflow():
    z = np.linspace(-30, 30, 60).reshape(3, 20)
    got = d.sigmoid(z)
    assert got.shape == z.shape and got.dtype == np.float64
    np.testing.assert_allclose(got, 1 / (1 + np.exp(-z)), rtol=1e-13, atol=0)


def test_sigmoid_of_a_number_is_a_float():
    assert d.sigmoid(0.0) == 0.5 and type(d.sigmoid(0.0)) is float
    assert d.sigmoid(2.0) == pytest.approx(1 / (1 + math.exp(-2.0)), rel=1e-15)


def test_sigmoid_limits_without_overflow_or_warnings():
    z = np.array([-1000.0, -745.0, -710.0, 710.0, 745.0, 1000.0])
    got = d.sigmoid(z)  # any overflow warning would be an error here
    assert np.all(np.isfinite(got))
    assert got[-1] == 1.0 and got[-3] == 1.0
    assert got[0] == 0.0 and 0.0 <= got[2] < 1e-300
    assert d.sigmoid(-1000.0) == 0.0 and d.sigmoid(1000.0) == 1.0


def test_sigmoid_symmetry():
    z = RNG.normal(size=(4, 5)) * 10
    np.testing.assert_allclose(d.sigmoid(-z), 1 - d.sigmoid(z), rtol=1e-12, atol=1e-15)


def test_sigmoid_derivative_matches_finite_differences_of_sigmoid():
    z = np.concatenate([RNG.normal(size=10) * 3, [0.0, -8.0, 8.0]]).reshape(1, 13)
    np.testing.assert_allclose(d.sigmoid_derivative(z), elementwise_central(d.sigmoid, z), rtol=1e-7, atol=1e-10)
    assert d.sigmoid_derivative(0.0) == 0.25 and type(d.sigmoid_derivative(0.0)) is float


def test_sigmoid_derivative_vanishes_at_the_ends_without_warnings():
    got = d.sigmoid_derivative(np.array([[-1000.0, -50.0, 50.0, 1000.0]]))
    assert np.all(got >= 0) and np.all(got < 1e-21)


# --- logistic loss and dL/dz -----------------------------------------------------------------------


def test_logistic_loss_closed_forms():
    assert d.logistic_loss(0.8, 1.0) == pytest.approx(-math.log(0.8), rel=1e-15)
    assert d.logistic_loss(0.8, 0.0) == pytest.approx(-math.log(0.2), rel=1e-14)
    assert d.logistic_loss(0.5, 1.0) == pytest.approx(math.log(2), rel=1e-15)
    a, y = np.array([[0.8, 0.6, 0.9, 0.7]]), np.array([[0.0, 1.0, 1.0, 1.0]])  # the notes' four samples
    np.testing.assert_allclose(d.logistic_loss(a, y), -np.log([[0.2, 0.6, 0.9, 0.7]]), rtol=1e-14)
    assert d.logistic_loss(a, y).shape == (1, 4)


def test_logistic_loss_dz_matches_finite_differences_of_the_loss_of_the_sigmoid():
    z = RNG.normal(size=(1, 8)) * 3
    for y in (np.ones((1, 8)), np.zeros((1, 8)), RNG.integers(0, 2, size=(1, 8)).astype(float)):
        numerical = elementwise_central(lambda t: d.logistic_loss(d.sigmoid(t), y), z)
        np.testing.assert_allclose(d.logistic_loss_dz(z, y), numerical, rtol=1e-6, atol=1e-9)
    assert d.logistic_loss_dz(0.0, 1.0) == -0.5 and type(d.logistic_loss_dz(0.0, 1.0)) is float


def test_logistic_loss_dz_is_bounded_when_confident_and_wrong():
    got = d.logistic_loss_dz(np.array([[40.0, -40.0]]), np.array([[0.0, 1.0]]))
    np.testing.assert_allclose(got, [[1.0, -1.0]], atol=1e-15)


# --- least squares on the notes' three points ------------------------------------------------------


def test_sse_line_gradients_reproduce_the_notes_numbers():
    x, y = np.array([0.6, 0.8, 1.1]), np.array([1.1, 1.2, 2.1])
    d_slope, d_intercept = d.sse_line_gradients(1.0, 0.0, x, y)
    assert (d_slope, d_intercept) == (pytest.approx(-3.44, abs=1e-12), pytest.approx(-3.8, abs=1e-12))
    assert type(d_slope) is float and type(d_intercept) is float
    np.testing.assert_array_equal(d.NOTES_X, x)
    np.testing.assert_array_equal(d.NOTES_Y, y)


def test_sse_line_gradients_are_zero_on_a_perfect_fit():
    x = np.array([1.0, 2.0, 3.0, 4.0])
    assert d.sse_line_gradients(2.0, -1.0, x, 2 * x - 1) == (0.0, 0.0)


@pytest.mark.parametrize("trial", range(3))
def test_sse_line_gradients_match_finite_differences(trial):
    n = 6 + trial
    x, y = RNG.uniform(-2, 2, size=n), RNG.normal(size=n)
    slope, intercept = RNG.normal(size=2)

    def loss(s, i):
        return float(np.sum((y - (s * x + i)) ** 2))

    numerical = (central(lambda s: loss(s, intercept), slope), central(lambda i: loss(slope, i), intercept))
    assert d.sse_line_gradients(slope, intercept, x, y) == pytest.approx(numerical, rel=1e-7, abs=1e-7)


# --- every case of notebook 01 runs cleanly on the reference ---------------------------------------


@pytest.mark.parametrize("exercise", d.EXERCISES, ids=lambda e: e.id)
def test_references_run_their_cases_without_warnings(exercise):
    for case in exercise.cases(np.random.default_rng(0)):
        exercise.reference(*case.args, **case.kwargs)  # a warning is an error here

"""Notebook 02 — gradient descent: references, cases and known mistakes.

Examples are columns: X is (n_x, m), y / Y is (1, m), w is (n_x, 1), b a float.
"""

from __future__ import annotations

import numpy as np

from .compare import Tolerance
from .derivatives import sigmoid
from .grader import Case, Described, Exercise

EXERCISES: list[Exercise] = []
CLIP = 1e-12  # probabilities are clipped to [CLIP, 1 - CLIP] before taking logs


# --- gradient descent on a function of one variable -----------------------------------------------


def gradient_descent_1d(df, x0: float, lr: float, n_steps: int) -> np.ndarray:
    """(n_steps + 1,) array: x0, then each iterate of x ← x − lr·df(x)."""
    path = np.empty(n_steps + 1)
    x = float(x0)
    path[0] = x
    for step in range(1, n_steps + 1):
        x = x - lr * df(x)
        path[step] = x
    return path


def _bowl_1d(centre: float, curvature: float = 1.0) -> Described:
    """df of f(x) = curvature·(x − centre)²."""
    return Described(lambda x: 2 * curvature * (x - centre), f"x ↦ {2 * curvature:g}(x − {centre:g})")


QUARTIC_SLOPE = Described(lambda x: 4 * x**3 - 3 * x**2, "x ↦ 4x³ − 3x² (f = x⁴ − x³)")


def _gd_1d_cases(rng):
    cases = [
        Case((_bowl_1d(3.0), 0.0, 0.1, 5), {}, "f = (x − 3)², lr 0.1: a steady approach"),
        Case((_bowl_1d(3.0), 0.0, 0.9, 6), {}, "lr 0.9: oscillating around the minimum"),
        Case((_bowl_1d(3.0), 0.0, 1.1, 6), {}, "lr 1.1: too high, it diverges"),
        Case((_bowl_1d(0.0), 2.0, 0.25, 0), {}, "n_steps = 0", hint="the path is just [x0]", edge=True),
        Case((QUARTIC_SLOPE, -0.5, 0.1, 8), {}, "non-convex f = x⁴ − x³ from −0.5 (it slows at the flat x = 0)"),
    ]
    for k in range(3):
        centre = float(np.round(rng.uniform(-5, 5), 2))
        df = _bowl_1d(centre, float(np.round(rng.uniform(0.2, 2), 2)))
        cases.append(Case((df, float(np.round(rng.uniform(-5, 5), 2)), float(np.round(rng.uniform(0.01, 0.4), 3)),
                           int(rng.integers(1, 12))), {}, f"random #{k + 1}"))
    return cases


def _ascent_1d(df, x0, lr, n_steps):
    path = [float(x0)]
    for _ in range(n_steps):
        path.append(path[-1] + lr * df(path[-1]))
    return np.array(path)


def _without_start_1d(df, x0, lr, n_steps):
    return gradient_descent_1d(df, x0, lr, n_steps)[1:]


def _frozen_gradient_1d(df, x0, lr, n_steps):
    slope = df(x0)
    return np.array([x0 - lr * slope * k for k in range(n_steps + 1)], dtype=float)


EXERCISES.append(Exercise(
    "gradient_descent.gradient_descent_1d", gradient_descent_1d, _gd_1d_cases,
    {
        "You step uphill (x + lr·df): gradient descent subtracts the slope.": _ascent_1d,
        "Your path leaves out the starting point x0; it holds n_steps + 1 values.": _without_start_1d,
        "You use the slope at x0 for every step; evaluate df at the current x each time.": _frozen_gradient_1d,
        "You return only the final x; return the whole path: x0 and every iterate (n_steps + 1 values).":
            lambda df, x0, lr, n_steps: float(gradient_descent_1d(df, x0, lr, n_steps)[-1]),
    },
))


# --- gradient descent on a function of several variables ------------------------------------------


def gradient_descent(grad_f, x0: np.ndarray, lr: float, n_steps: int) -> np.ndarray:
    """(n_steps + 1, d) array: row 0 is x0 (length d), row k the k-th iterate of x ← x − lr·∇f(x)."""
    x = np.array(x0, dtype=np.float64).reshape(-1)
    path = np.empty((n_steps + 1, x.size))
    path[0] = x
    for step in range(1, n_steps + 1):
        x = x - lr * np.asarray(grad_f(x), dtype=np.float64).reshape(-1)
        path[step] = x
    return path


def _quadratic_bowl(a: np.ndarray, centre: np.ndarray) -> Described:
    """∇f of f(x) = ½ (x − c)ᵀ A (x − c), A symmetric positive definite."""
    text = f"x ↦ A(x − c), A = {np.array2string(a, precision=2, separator=', ')}"
    return Described(lambda x: a @ (x - centre), text.replace("\n", ""))


def _gd_cases(rng):
    elongated = np.array([[10.0, 0.0], [0.0, 1.0]])
    cases = [
        Case((_quadratic_bowl(np.eye(2), np.array([1.0, -2.0])), np.array([0.0, 0.0]), 0.5, 3), {},
             "a round bowl in 2-D"),
        Case((_quadratic_bowl(elongated, np.zeros(2)), np.array([1.0, 1.0]), 0.15, 6), {},
             "an elongated bowl (the steep direction oscillates)"),
        Case((_quadratic_bowl(np.array([[2.0]]), np.array([0.5])), np.array([3.0]), 0.1, 4), {}, "d = 1"),
        Case((_quadratic_bowl(np.eye(3), np.zeros(3)), np.array([1.0, 2.0, 3.0]), 0.1, 0), {}, "n_steps = 0", edge=True),
    ]
    for k in range(3):
        d = int(rng.integers(2, 5))
        q = rng.normal(size=(d, d))
        a = q @ q.T / d + np.eye(d)
        cases.append(Case((_quadratic_bowl(a, rng.normal(size=d)), rng.normal(size=d), 0.1, int(rng.integers(1, 8))),
                          {}, f"random #{k + 1}"))
    return cases


def _gd_aliased(grad_f, x0, lr, n_steps):
    """`x -= ...` on one array and appending it each step: every row is the same (final) array."""
    final = gradient_descent(grad_f, x0, lr, n_steps)[-1]
    return np.tile(final, (n_steps + 1, 1))


def _gd_ascent(grad_f, x0, lr, n_steps):
    return gradient_descent(lambda x: -np.asarray(grad_f(x)), x0, lr, n_steps)


EXERCISES.append(Exercise(
    "gradient_descent.gradient_descent", gradient_descent, _gd_cases,
    {
        "Every row of your path is the final point: you update one array in place (x -= ...) and store that "
        "same array each step; store a copy (path.append(x.copy())) or write x = x - ....": _gd_aliased,
        "You step uphill (x + lr·∇f): gradient descent subtracts the gradient.": _gd_ascent,
        "Your path leaves out the starting point x0; row 0 is x0.": lambda g, x0, lr, n: gradient_descent(g, x0, lr, n)[1:],
        "You return only the final point; return the whole path, one row per iterate (n_steps + 1 rows).":
            lambda g, x0, lr, n: gradient_descent(g, x0, lr, n)[-1],
    },
))


# --- linear regression ----------------------------------------------------------------------------


def linear_regression_gradients(w: np.ndarray, b: float, X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    """(dw, db) of J = 1/(2m) Σ (wᵀX + b − y)²: dw = (1/m) X (ŷ − y)ᵀ, (n_x, 1); db = (1/m) Σ (ŷ − y)."""
    m = X.shape[1]
    error = w.T @ X + b - y  # (1, m)
    return X @ error.T / m, float(np.sum(error) / m)


def _regression_data(rng, n_x: int, m: int):
    X = rng.normal(size=(n_x, m)) * 2
    w_true = rng.normal(size=(n_x, 1))
    y = w_true.T @ X + 0.5 + rng.normal(size=(1, m)) * 0.1
    return X, y


def _linear_regression_cases(rng):
    X = np.array([[1.0, 2.0, 3.0], [0.0, 1.0, -1.0]])
    y = np.array([[2.0, 3.0, 1.0]])
    cases = [
        Case((np.zeros((2, 1)), 0.0, X, y), {}, "w = 0, b = 0 (2 features, 3 examples)"),
        Case((np.array([[1.0], [-1.0]]), 0.5, X, y), {}, "w = [1, −1], b = 0.5"),
        Case((np.array([[2.0]]), -1.0, np.array([[1.0, 2.0, 3.0, 4.0]]), np.array([[1.0, 3.0, 5.0, 7.0]])), {},
             "a perfect fit", hint="every error is 0, so both gradients are 0"),
        Case((np.array([[0.5], [0.2], [-0.3]]), 0.1, np.array([[1.0], [2.0], [3.0]]), np.array([[4.0]])), {},
             "m = 1"),
    ]
    for k in range(3):
        n_x, m = int(rng.integers(1, 5)), int(rng.integers(2, 9))
        X, y = _regression_data(rng, n_x, m)
        cases.append(Case((rng.normal(size=(n_x, 1)), float(rng.normal()), X, y), {}, f"random #{k + 1}"))
    return cases


def _lr_no_mean(w, b, X, y):
    dw, db = linear_regression_gradients(w, b, X, y)
    return dw * X.shape[1], db * X.shape[1]


def _lr_sign(w, b, X, y):
    dw, db = linear_regression_gradients(w, b, X, y)
    return -dw, -db


def _lr_double(w, b, X, y):
    dw, db = linear_regression_gradients(w, b, X, y)
    return 2 * dw, 2 * db


def _lr_m_from_features(w, b, X, y):
    dw, db = linear_regression_gradients(w, b, X, y)
    return dw * X.shape[1] / X.shape[0], db * X.shape[1] / X.shape[0]


def _lr_dw_row(w, b, X, y):
    dw, db = linear_regression_gradients(w, b, X, y)
    return dw.T, db


M_FROM_FEATURES = ("You take m from X.shape[0], the number of features; m is the number of examples, X.shape[1] "
                   "(examples are columns).")
DW_ROW = "Your dw is a row (1, n_x); it is a column (n_x, 1) shaped like w: X @ dz.T / m."

EXERCISES.append(Exercise(
    "gradient_descent.linear_regression_gradients", linear_regression_gradients, _linear_regression_cases,
    {
        "You sum over the examples without dividing by m.": _lr_no_mean,
        "Your gradients have the wrong sign: use the error ŷ − y, not y − ŷ.": _lr_sign,
        "Your gradients are twice too large: the ½ in J = 1/(2m) Σ(...)² cancels the 2 from the square.":
            _lr_double,
        M_FROM_FEATURES: _lr_m_from_features,
        DW_ROW: _lr_dw_row,
    },
))


# --- logistic regression --------------------------------------------------------------------------

NOTES_X = np.array([[2.0, -3.0, 8.0, 14.0], [6.0, 4.0, 17.0, 19.0]])  # the notes' 4-sample example
NOTES_Y = np.array([[0.0, 1.0, 1.0, 1.0]])
NOTES_A = np.array([[0.8, 0.6, 0.9, 0.7]])


def logistic_regression_gradients(X: np.ndarray, A: np.ndarray, Y: np.ndarray) -> tuple[np.ndarray, float]:
    """(dw, db) = ((1/m) X (A − Y)ᵀ, (1/m) Σ (A − Y)); dw is (n_x, 1)."""
    m = X.shape[1]
    dz = A - Y
    return X @ dz.T / m, float(np.sum(dz) / m)


def _classification_data(rng, n_x: int, m: int):
    X = rng.normal(size=(n_x, m))
    Y = (rng.normal(size=(1, m)) + X[:1] > 0).astype(float)
    return X, Y


def _logistic_gradient_cases(rng):
    cases = [
        Case((NOTES_X, NOTES_A, NOTES_Y), {}, "the notes' four examples",
             hint="the notes print dw1 = −1.15; (0.6 − 1)·(−3) is +1.2, so dw1 = −0.55"),
        Case((np.array([[1.0], [2.0], [-1.0]]), np.array([[0.3]]), np.array([[1.0]])), {}, "m = 1, 3 features"),
        Case((np.array([[1.0, 2.0, 3.0]]), np.array([[0.0, 1.0, 1.0]]), np.array([[0.0, 1.0, 1.0]])), {},
             "perfect predictions", hint="A = Y, so both gradients are 0"),
    ]
    for k in range(3):
        n_x, m = int(rng.integers(1, 5)), int(rng.integers(2, 9))
        X, Y = _classification_data(rng, n_x, m)
        cases.append(Case((X, rng.uniform(0.05, 0.95, size=(1, m)), Y), {}, f"random #{k + 1}"))
    return cases


def _logistic_gradients_sum(X, A, Y):
    dw, db = logistic_regression_gradients(X, A, Y)
    return dw * X.shape[1], db * X.shape[1]


EXERCISES.append(Exercise(
    "gradient_descent.logistic_regression_gradients", logistic_regression_gradients, _logistic_gradient_cases,
    {
        "You sum over the examples without dividing by m.": _logistic_gradients_sum,
        "Your gradients have the wrong sign: dz = A − Y, not Y − A.":
            lambda X, A, Y: tuple(-v for v in logistic_regression_gradients(X, A, Y)),
        M_FROM_FEATURES: lambda X, A, Y: tuple(v * X.shape[1] / X.shape[0]
                                               for v in logistic_regression_gradients(X, A, Y)),
        DW_ROW: lambda X, A, Y: (logistic_regression_gradients(X, A, Y)[0].T, logistic_regression_gradients(X, A, Y)[1]),
    },
))


def binary_cross_entropy_cost(A: np.ndarray, Y: np.ndarray) -> float:
    """Mean binary cross-entropy, probabilities clipped to [1e-12, 1 − 1e-12] (a helper, not an exercise)."""
    A = np.clip(A, CLIP, 1 - CLIP)
    return float(-np.mean(Y * np.log(A) + (1 - Y) * np.log(1 - A)))


def logistic_regression_propagate(w: np.ndarray, b: float, X: np.ndarray, Y: np.ndarray):
    """(cost, dw, db) with A = σ(wᵀX + b), the mean cross-entropy cost, and the gradients above."""
    A = sigmoid(w.T @ X + b)
    dw, db = logistic_regression_gradients(X, A, Y)
    return binary_cross_entropy_cost(A, Y), dw, db


def _propagate_cases(rng):
    X = np.array([[1.0, 2.0, -1.0], [3.0, 0.5, -3.2]])
    Y = np.array([[1.0, 0.0, 1.0]])
    cases = [
        Case((np.zeros((2, 1)), 0.0, X, Y), {}, "w = 0, b = 0", hint="every A is σ(0) = 0.5, so the cost is log 2"),
        Case((np.array([[1.0], [2.0]]), 2.0, X, Y), {}, "w = [1, 2], b = 2"),
        Case((np.array([[40.0]]), 0.0, np.array([[1.0, -1.0]]), np.array([[0.0, 1.0]])), {},
             "confident and wrong", hint="clip A to [1e-12, 1 − 1e-12] before the logs", edge=True),
    ]
    for k in range(3):
        n_x, m = int(rng.integers(1, 5)), int(rng.integers(2, 9))
        X, Y = _classification_data(rng, n_x, m)
        cases.append(Case((rng.normal(size=(n_x, 1)), float(rng.normal()), X, Y), {}, f"random #{k + 1}"))
    return cases


def _propagate_sum_cost(w, b, X, Y):
    cost, dw, db = logistic_regression_propagate(w, b, X, Y)
    return cost * X.shape[1], dw, db


def _propagate_no_minus(w, b, X, Y):
    cost, dw, db = logistic_regression_propagate(w, b, X, Y)
    return -cost, dw, db


def _propagate_unclipped(w, b, X, Y):
    _, dw, db = logistic_regression_propagate(w, b, X, Y)
    A = sigmoid(w.T @ X + b)
    with np.errstate(all="ignore"):
        return float(-np.mean(Y * np.log(A) + (1 - Y) * np.log(1 - A))), dw, db


def _propagate_m_from_features(w, b, X, Y):
    return tuple(v * X.shape[1] / X.shape[0] for v in logistic_regression_propagate(w, b, X, Y))


EXERCISES.append(Exercise(
    "gradient_descent.logistic_regression_propagate", logistic_regression_propagate, _propagate_cases,
    {
        "Your cost is a sum over examples; the cost is the mean (divide by m).": _propagate_sum_cost,
        "Your cost is negative: the cross-entropy has a minus sign in front.": _propagate_no_minus,
        "You do not clip A, so an output that rounds to exactly 1 (or 0) gives log(0) = −inf and an infinite "
        "cost; clip A to [1e-12, 1 − 1e-12] before the logs.": _propagate_unclipped,
        M_FROM_FEATURES: _propagate_m_from_features,
    },
))


# --- mini-batches ---------------------------------------------------------------------------------


def random_mini_batches(X: np.ndarray, Y: np.ndarray, batch_size: int, rng: np.random.Generator):
    """List of (X_batch, Y_batch): columns reordered by rng.permutation(m), then consecutive slices of
    batch_size columns; the last batch may be smaller."""
    m = X.shape[1]
    order = rng.permutation(m)
    X, Y = X[:, order], Y[:, order]
    return [(X[:, start:start + batch_size], Y[:, start:start + batch_size]) for start in range(0, m, batch_size)]


def _batch_data(rng, n_x: int, m: int):
    X = np.round(rng.normal(size=(n_x, m)), 3)
    return X, (X[:1] > 0).astype(float)


def _mini_batch_cases(rng):
    X = np.arange(12.0).reshape(2, 6)
    Y = np.array([[0.0, 1.0, 0.0, 1.0, 1.0, 0.0]])
    cases = [
        Case((X, Y, 2, np.random.default_rng(1)), {}, "6 examples in batches of 2"),
        Case((X, Y, 4, np.random.default_rng(2)), {}, "6 examples in batches of 4", hint="the last batch has 2"),
        Case((X, Y, 6, np.random.default_rng(3)), {}, "one batch of everything"),
        Case((X, Y, 1, np.random.default_rng(4)), {}, "batch size 1 (SGD)"),
    ]
    for k in range(3):
        n_x, m = int(rng.integers(1, 4)), int(rng.integers(3, 14))
        X, Y = _batch_data(rng, n_x, m)
        cases.append(Case((X, Y, int(rng.integers(1, m + 1)), np.random.default_rng(int(rng.integers(1000)))), {},
                          f"random #{k + 1}"))
    return cases


def _batches_unshuffled(X, Y, batch_size, rng):
    m = X.shape[1]
    return [(X[:, s:s + batch_size], Y[:, s:s + batch_size]) for s in range(0, m, batch_size)]


def _batches_two_permutations(X, Y, batch_size, rng):
    m = X.shape[1]
    X, Y = X[:, rng.permutation(m)], Y[:, rng.permutation(m)]
    return [(X[:, s:s + batch_size], Y[:, s:s + batch_size]) for s in range(0, m, batch_size)]


def _batches_of_rows(X, Y, batch_size, rng):
    """The right shuffle, then X[k:k + batch_size]: slices of rows (features), not of columns (examples)."""
    m = X.shape[1]
    order = rng.permutation(m)
    X, Y = X[:, order], Y[:, order]
    return [(X[start:start + batch_size], Y[start:start + batch_size]) for start in range(0, m, batch_size)]


def _batches_drop_last(X, Y, batch_size, rng):
    batches = random_mini_batches(X, Y, batch_size, rng)
    return batches if X.shape[1] % batch_size == 0 else batches[:-1]


EXERCISES.append(Exercise(
    "gradient_descent.random_mini_batches", random_mini_batches, _mini_batch_cases,
    {
        "Your batches are not shuffled: reorder the columns with rng.permutation(m) first.": _batches_unshuffled,
        "X and Y are shuffled with two different permutations, so examples lose their labels; draw one "
        "permutation and apply it to both.": _batches_two_permutations,
        "You drop the last, smaller batch; keep it so every example is used each epoch.": _batches_drop_last,
        "You slice rows (X[k:k + batch_size]), which are features; examples are columns: X[:, k:k + batch_size].":
            _batches_of_rows,
    },
))


# --- training logistic regression -----------------------------------------------------------------


def train_logistic_regression(X: np.ndarray, Y: np.ndarray, lr: float, n_epochs: int, batch_size=None, rng=None):
    """(w, b, costs): w (n_x, 1) and b start at 0; each epoch makes one full-batch step (batch_size None)
    or one step per mini-batch of random_mini_batches(X, Y, batch_size, rng); costs[e] is the full-data
    cost after epoch e, an array of length n_epochs. rng None means np.random.default_rng(0)."""
    rng = np.random.default_rng(0) if rng is None else rng
    w, b = np.zeros((X.shape[0], 1)), 0.0
    costs = np.empty(n_epochs)
    for epoch in range(n_epochs):
        batches = [(X, Y)] if batch_size is None else random_mini_batches(X, Y, batch_size, rng)
        for X_batch, Y_batch in batches:
            _, dw, db = logistic_regression_propagate(w, b, X_batch, Y_batch)
            w, b = w - lr * dw, b - lr * db
        costs[epoch] = logistic_regression_propagate(w, b, X, Y)[0]
    return w, float(b), costs


def _training_cases(rng):
    X, Y = _classification_data(np.random.default_rng(7), 2, 12)
    cases = [
        Case((X, Y, 0.5, 5), {}, "full batch, 5 epochs"),
        Case((X, Y, 0.1, 3), {"batch_size": 4, "rng": np.random.default_rng(1)}, "mini-batches of 4"),
        Case((X, Y, 0.05, 2), {"batch_size": 1, "rng": np.random.default_rng(2)}, "SGD (batch size 1)"),
        Case((X, Y, 0.1, 2), {"batch_size": 5}, "rng left out", hint="rng=None means np.random.default_rng(0)",
             hint_for=("value", "shape", "error")),
    ]
    for k in range(2):
        n_x, m = int(rng.integers(1, 4)), int(rng.integers(4, 16))
        X, Y = _classification_data(rng, n_x, m)
        size = None if k == 0 else int(rng.integers(1, m))
        cases.append(Case((X, Y, float(rng.uniform(0.05, 1.0)), int(rng.integers(1, 6))),
                          {"batch_size": size, "rng": np.random.default_rng(int(rng.integers(1000)))},
                          f"random #{k + 1}"))
    return cases


def _train_cost_before_step(X, Y, lr, n_epochs, batch_size=None, rng=None):
    rng = np.random.default_rng(0) if rng is None else rng
    w, b = np.zeros((X.shape[0], 1)), 0.0
    costs = np.empty(n_epochs)
    for epoch in range(n_epochs):
        costs[epoch] = logistic_regression_propagate(w, b, X, Y)[0]
        batches = [(X, Y)] if batch_size is None else random_mini_batches(X, Y, batch_size, rng)
        for X_batch, Y_batch in batches:
            _, dw, db = logistic_regression_propagate(w, b, X_batch, Y_batch)
            w, b = w - lr * dw, b - lr * db
    return w, float(b), costs


def _train_batches_once(X, Y, lr, n_epochs, batch_size=None, rng=None):
    rng = np.random.default_rng(0) if rng is None else rng
    batches = [(X, Y)] if batch_size is None else random_mini_batches(X, Y, batch_size, rng)
    w, b = np.zeros((X.shape[0], 1)), 0.0
    costs = np.empty(n_epochs)
    for epoch in range(n_epochs):
        for X_batch, Y_batch in batches:
            _, dw, db = logistic_regression_propagate(w, b, X_batch, Y_batch)
            w, b = w - lr * dw, b - lr * db
        costs[epoch] = logistic_regression_propagate(w, b, X, Y)[0]
    return w, float(b), costs


def _train_last_batch_cost(X, Y, lr, n_epochs, batch_size=None, rng=None):
    rng = np.random.default_rng(0) if rng is None else rng
    w, b = np.zeros((X.shape[0], 1)), 0.0
    costs = np.empty(n_epochs)
    for epoch in range(n_epochs):
        batches = [(X, Y)] if batch_size is None else random_mini_batches(X, Y, batch_size, rng)
        for X_batch, Y_batch in batches:
            cost, dw, db = logistic_regression_propagate(w, b, X_batch, Y_batch)
            w, b = w - lr * dw, b - lr * db
        costs[epoch] = cost
    return w, float(b), costs


EXERCISES.append(Exercise(
    "gradient_descent.train_logistic_regression", train_logistic_regression, _training_cases,
    {
        "Your costs are recorded before each epoch's updates; costs[e] is the cost after epoch e.":
            _train_cost_before_step,
        "You split into mini-batches once and reuse them; draw new mini-batches every epoch.": _train_batches_once,
        "Your costs[e] is the cost of the epoch's last mini-batch, taken before its step; record the cost on the "
        "whole X, Y after the epoch's updates.": _train_last_batch_cost,
        "You ignore the rng you are given (always np.random.default_rng(0)); shuffle with rng, and create "
        "default_rng(0) only when rng is None.":
            lambda X, Y, lr, n_epochs, batch_size=None, rng=None: train_logistic_regression(
                X, Y, lr, n_epochs, batch_size, np.random.default_rng(0)),
    },
    tolerance=Tolerance(rtol=1e-6, atol=1e-8),  # many chained steps: allow a little round-off
))


# --- learning-rate decay --------------------------------------------------------------------------


def lr_inverse_time_decay(lr0: float, epoch: int, decay_rate: float) -> float:
    """lr0 / (1 + decay_rate·epoch)."""
    return float(lr0 / (1.0 + decay_rate * epoch))


def lr_exponential_decay(lr0: float, epoch: int, k: float) -> float:
    """lr0·exp(−k·epoch)."""
    return float(lr0 * np.exp(-k * epoch))


def _decay_cases(rng):
    cases = [
        Case((0.2, 0, 1.0), {}, "epoch 0", hint="no decay yet: the rate is lr0"),
        Case((0.2, 1, 1.0), {}, "lr0 = 0.2, epoch 1, rate 1"),
        Case((0.2, 3, 1.0), {}, "lr0 = 0.2, epoch 3, rate 1"),
        Case((0.1, 10, 0.0), {}, "a rate of 0 (no decay)"),
        Case((0.5, 100, 0.05), {}, "many epochs"),
    ]
    for k in range(3):
        cases.append(Case((float(np.round(rng.uniform(0.01, 1), 3)), int(rng.integers(1, 50)),
                           float(np.round(rng.uniform(0.01, 0.5), 3))), {}, f"random #{k + 1}"))
    return cases


EXERCISES.append(Exercise(
    "gradient_descent.lr_inverse_time_decay", lr_inverse_time_decay, _decay_cases,
    {
        "You wrote lr0 / 1 + decay_rate·epoch; the whole 1 + decay_rate·epoch is the denominator.":
            lambda lr0, epoch, rate: float(lr0 / 1 + rate * epoch),
        "You multiply by (1 − decay_rate·epoch) instead of dividing by (1 + decay_rate·epoch).":
            lambda lr0, epoch, rate: float(lr0 * (1 - rate * epoch)),
        "You used exponential decay; inverse-time decay is lr0 / (1 + decay_rate·epoch).":
            lambda lr0, epoch, rate: float(lr0 * np.exp(-rate * epoch)),
    },
))

EXERCISES.append(Exercise(
    "gradient_descent.lr_exponential_decay", lr_exponential_decay, _decay_cases,
    {
        "The exponent has the wrong sign: exp(+k·epoch) makes the rate grow.":
            lambda lr0, epoch, k: float(lr0 * np.exp(k * epoch)),
        "You used k as the base (lr0·k^epoch); the schedule is lr0·exp(−k·epoch).":
            lambda lr0, epoch, k: float(lr0 * k**epoch),
        "You subtract instead of multiply: lr0 − exp(−k·epoch); the schedule is lr0·exp(−k·epoch).":
            lambda lr0, epoch, k: float(lr0 - np.exp(-k * epoch)),
    },
))


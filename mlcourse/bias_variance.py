"""Notebook 06 — bias and variance: references, cases and known mistakes.

One-dimensional regression with polynomials: inputs x and targets y are 1-D arrays of length m, the
features Φ(x) are the powers x⁰, x¹, ..., x^degree as the rows of a (degree + 1, m) array (examples are
columns, as everywhere in the course), and a model is its coefficient vector w of shape (degree + 1,),
predicting ŷ = wᵀΦ(x). Data are split by index arrays drawn from an explicit np.random.Generator, so the
student's function and the reference, handed generators in the same state, draw the same permutation.

Each exercise reads top to bottom: the reference, the cases it is checked on (fixed ones first, then
random ones), the mistakes students make, and its `Exercise`.
"""

from __future__ import annotations

import math

import numpy as np

from .compare import Tolerance
from .grader import Case, Exercise

EXERCISES: list[Exercise] = []

DIAGNOSES = ("high bias", "high variance", "high bias and high variance", "good fit")


def _sample(rng, m: int, low: float = -1.0, high: float = 1.0, noise: float = 0.3):
    """(x, y): m inputs in [low, high] and noisy targets sin(πx) + noise, rounded to 3 decimals."""
    x = np.round(rng.uniform(low, high, size=m), 3)
    return x, np.round(np.sin(np.pi * x) + noise * rng.normal(size=m), 3)


# Eight points of the course's running example, a noisy sine: small numbers a student can read.
X8 = np.array([-0.9, -0.6, -0.4, -0.1, 0.2, 0.3, 0.7, 0.95])
Y8 = np.array([-0.41, -0.83, -1.12, -0.2, 0.71, 0.68, 0.95, 0.02])


# --- polynomial features ----------------------------------------------------------------------------


def polynomial_features(x: np.ndarray, degree: int) -> np.ndarray:
    """Φ of shape (degree + 1, m) for x of shape (m,): row k is x**k (row 0 is all ones)."""
    x = np.asarray(x, dtype=np.float64)
    return np.vstack([x**k for k in range(degree + 1)])


def _features_cases(rng):
    cases = [
        Case((np.array([1.0, 2.0, 3.0]), 2), {}, "x = [1, 2, 3], degree 2",
             hint="Φ is (3, 3) here: row 0 is [1, 1, 1], row 1 is x, row 2 is x²"),
        Case((np.array([0.5, -1.0, 2.0, 0.0]), 3), {}, "4 points, degree 3, one x exactly 0",
             hint="x⁰ is 1 even where x = 0; row k holds x**k, so Φ has degree + 1 = 4 rows and m = 4 columns"),
        Case((np.array([-2.0, 0.5, 3.0, 1.0, -1.0]), 0), {}, "degree 0: a constant model",
             hint="degree 0 has one feature, the constant 1: Φ is a (1, m) row of ones", edge=True),
        Case((np.array([0.3, -0.7, 1.2, 2.0, -1.5]), 1), {}, "degree 1: a straight line",
             hint="two rows, the ones and x itself; five columns, one per example"),
        Case((np.array([1.5]), 4), {}, "a single point (m = 1)", hint="Φ is (5, 1): one column", edge=True),
        Case((np.array([10.0, -20.0, 30.0]), 5), {}, "large inputs, degree 5", hint="30⁵ = 24 300 000", edge=True),
    ]
    for k in range(3):
        x = np.round(rng.uniform(-2, 2, size=int(rng.integers(1, 9))), 3)
        cases.append(Case((x, int(rng.integers(0, 7))), {}, f"random #{k + 1}"))
    return cases


EXERCISES.append(Exercise(
    "bias_variance.polynomial_features", polynomial_features, _features_cases,
    {
        "Your powers stop at degree − 1: use range(degree + 1), so that row k is x**k for k = 0, ..., degree.":
            lambda x, degree: np.vstack([np.asarray(x, float) ** k for k in range(degree)]) if degree > 0
            else np.zeros((0, len(x))),
        "You left out the constant row x⁰ = 1: row 0 of Φ is all ones, and rows 1, ..., degree are x¹, ..., "
        "x^degree.": lambda x, degree: np.vstack([np.asarray(x, float) ** k for k in range(1, degree + 2)]),
        "Your Φ is (m, degree + 1), one row per example; in the course examples are columns, so Φ is "
        "(degree + 1, m) with row k equal to x**k.":
            lambda x, degree: np.vstack([np.asarray(x, float) ** k for k in range(degree + 1)]).T,
        "Your rows go from the highest power down (np.vander's order); row k must be x**k, starting with the "
        "ones.": lambda x, degree: np.vstack([np.asarray(x, float) ** k for k in range(degree, -1, -1)]),
    },
))


# --- fitting a polynomial by least squares, with an optional L2 penalty --------------------------------


def fit_polynomial(x: np.ndarray, y: np.ndarray, degree: int, l2: float = 0.0) -> np.ndarray:
    """w (degree + 1,) minimising Σ_i (y_i − wᵀΦ_i)² + l2·Σ_{k≥1} w_k², from the normal equations
    (Φ Φᵀ + l2·D) w = Φ y, where D is the identity with D₀₀ = 0 (the constant term is not penalised)."""
    Phi = polynomial_features(x, degree)
    penalty = l2 * np.eye(degree + 1)
    penalty[0, 0] = 0.0
    return np.linalg.solve(Phi @ Phi.T + penalty, Phi @ np.asarray(y, dtype=np.float64))


def _fit_cases(rng):
    cases = [
        Case((X8, Y8, 3), {}, "eight points of a noisy sine, degree 3",
             hint="solve the normal equations (Φ Φᵀ) w = Φ y with np.linalg.solve; w has degree + 1 = 4 entries, "
                  "w[k] multiplying x**k"),
        Case((X8, Y8, 3), {"l2": 0.5}, "the same with l2 = 0.5",
             hint="the penalty adds l2 to the diagonal of Φ Φᵀ except its first entry: w₀, the constant, is "
                  "not penalised"),
        Case((X8, Y8, 0), {}, "degree 0: the best constant",
             hint="with one feature, the constant 1, least squares gives the mean of y"),
        Case((X8[:3], Y8[:3], 2), {}, "three points, degree 2: the curve passes through all of them",
             hint="as many coefficients as points: the residuals are zero", edge=True),
        Case((X8, Y8, 2), {"l2": 1e6}, "a huge penalty, l2 = 10⁶",
             hint="every w_k with k ≥ 1 is squeezed towards 0, and w₀ goes towards the mean of y: the constant "
                  "is not penalised", edge=True),
        Case((X8[:4], Y8[:4], 6), {"l2": 0.1}, "more coefficients (7) than points (4), l2 = 0.1",
             hint="without a penalty this has no unique answer; with l2 > 0, Φ Φᵀ + l2·D is invertible",
             hint_for=("value", "shape", "nonfinite", "error"), edge=True),  # LinAlgError when l2 is left out
        Case((X8, np.zeros(8), 4), {"l2": 0.3}, "y all zeros", hint="the best fit of zeros is w = 0", edge=True),
        Case((np.array([0.0, 1.0, 2.0, 3.0, 4.0]), np.array([1.0, 3.0, 5.0, 7.0, 9.0]), 1), {},
             "points on the line y = 1 + 2x", hint="the fit recovers w = [1, 2]: w[0] is the intercept"),
    ]
    for k in range(3):
        m = int(rng.integers(6, 16))
        x, y = _sample(rng, m)
        l2 = 0.0 if k == 0 else float(np.round(rng.uniform(0.01, 3.0), 3))
        cases.append(Case((x, y, int(rng.integers(0, 5))), {"l2": l2}, f"random #{k + 1}"))
    return cases


def _fit_variant(x, y, degree, l2=0.0, *, penalise_w0=False, ignore_l2=False, mean=False):
    x, y = np.asarray(x, float), np.asarray(y, float)
    Phi = np.vstack([x**k for k in range(degree + 1)])
    D = np.eye(degree + 1)
    if not penalise_w0:
        D[0, 0] = 0.0
    gram = Phi @ Phi.T / (len(x) if mean else 1)
    rhs = Phi @ y / (len(x) if mean else 1)
    if ignore_l2:
        return np.linalg.lstsq(Phi.T, y, rcond=None)[0]
    return np.linalg.solve(gram + l2 * D, rhs)


EXERCISES.append(Exercise(
    "bias_variance.fit_polynomial", fit_polynomial, _fit_cases,
    {
        "You penalise w₀ too; the constant term is not penalised (the sum runs over k ≥ 1): set the first "
        "diagonal entry of the penalty matrix to 0.": lambda x, y, degree, l2=0.0: _fit_variant(
            x, y, degree, l2, penalise_w0=True),
        "You ignore l2: add l2 to the diagonal of Φ Φᵀ (except the first entry) before solving.":
            lambda x, y, degree, l2=0.0: _fit_variant(x, y, degree, l2, ignore_l2=True),
        "You minimise the mean squared error plus the penalty, so your penalty counts m times as much; the "
        "course's objective is the sum of squared errors + l2·Σ_{k≥1} w_k².":
            lambda x, y, degree, l2=0.0: _fit_variant(x, y, degree, l2, mean=True),
        "Your coefficients are in reverse order (highest power first, as np.polyfit returns them); w[k] "
        "multiplies x**k, so w[0] is the constant.":
            lambda x, y, degree, l2=0.0: _fit_variant(x, y, degree, l2)[::-1],
    },
    tolerance=Tolerance(rtol=1e-6, atol=1e-8),  # normal equations and lstsq differ in round-off, up to ~1e-10
))


# --- predicting -----------------------------------------------------------------------------------------


def predict_polynomial(w: np.ndarray, x: np.ndarray) -> np.ndarray:
    """ŷ = wᵀΦ(x) of shape (m,) for w (degree + 1,) and x (m,)."""
    w = np.asarray(w, dtype=np.float64)
    return w @ polynomial_features(x, len(w) - 1)


def _predict_cases(rng):
    cases = [
        Case((np.array([1.0, 2.0, 3.0]), np.array([0.0, 1.0, -1.0, 2.0])), {}, "w = [1, 2, 3]: 1 + 2x + 3x²",
             hint="ŷ = w[0] + w[1]·x + w[2]·x²: 1 at x = 0, 6 at x = 1"),
        Case((np.array([2.5]), np.array([-1.0, 0.0, 4.0])), {}, "degree 0: a constant",
             hint="with one coefficient every prediction is w[0]", edge=True),
        Case((np.array([0.0, 0.0, 0.0, 1.0]), np.array([-2.0, -1.0, 0.5, 2.0])), {}, "w = [0, 0, 0, 1]: x³",
             hint="w[3] multiplies x³; the order of w is x⁰, x¹, x², x³"),
        Case((np.array([1.0, -1.0]), np.array([3.0])), {}, "a single point (m = 1)",
             hint="the result is still a 1-D array, of shape (1,)", edge=True),
        Case((np.array([0.5, -0.25, 0.125]), np.array([100.0, -200.0])), {}, "large inputs", edge=True),
    ]
    for k in range(3):
        w = np.round(rng.normal(size=int(rng.integers(1, 7))), 3)
        x = np.round(rng.uniform(-2, 2, size=int(rng.integers(1, 9))), 3)
        cases.append(Case((w, x), {}, f"random #{k + 1}"))
    return cases


EXERCISES.append(Exercise(
    "bias_variance.predict_polynomial", predict_polynomial, _predict_cases,
    {
        "You evaluate the coefficients highest power first (np.polyval's order); here w[k] multiplies x**k, "
        "so w[0] is the constant: reverse w for np.polyval, or sum w[k]·x**k yourself.":
            lambda w, x: np.polyval(np.asarray(w, float), np.asarray(x, float)),
        "Your result is a (1, m) row; return the 1-D array of shape (m,), one prediction per point.":
            lambda w, x: (np.asarray(w, float) @ np.vstack([np.asarray(x, float) ** k
                                                             for k in range(len(w))])).reshape(1, -1),
        "Your powers start at x¹; w[0] multiplies x⁰ = 1 (the constant), w[1] multiplies x, and so on.":
            lambda w, x: np.asarray(w, float) @ np.vstack([np.asarray(x, float) ** k for k in range(1, len(w) + 1)]),
    },
))


# --- root mean squared error -------------------------------------------------------------------------------


def rmse(y_hat: np.ndarray, y: np.ndarray) -> float:
    """√( (1/n) Σ (ŷ − y)² ) over all entries, as a float."""
    return float(np.sqrt(np.mean((np.asarray(y_hat, float) - np.asarray(y, float)) ** 2)))


def _rmse_cases(rng):
    cases = [
        Case((np.array([2.0, 4.0, 6.0, 8.0]), np.array([1.0, 5.0, 6.0, 10.0])), {}, "errors 1, −1, 0, −2",
             hint="the squared errors are 1, 1, 0, 4, their mean 1.5, its root 1.2247"),
        Case((np.array([0.5, -1.0, 2.0]), np.array([0.5, -1.0, 2.0])), {}, "a perfect prediction",
             hint="no error at all: the RMSE is 0", edge=True),
        Case((np.array([3.0]), np.array([-1.0])), {}, "a single point",
             hint="with one point the RMSE is the absolute error |ŷ − y|", edge=True),
        Case((np.array([[1.0, 2.0, 3.0, 4.0]]), np.array([[2.0, 2.0, 1.0, 4.0]])), {}, "(1, m) rows",
             hint="average over every entry: np.mean works on any shape"),
        Case((np.array([1e6, -1e6]), np.array([1e6 + 3.0, -1e6 - 4.0])), {}, "large values, small errors", edge=True),
    ]
    for k in range(3):
        m = int(rng.integers(1, 12))
        y = np.round(rng.normal(size=m), 3)
        cases.append(Case((np.round(y + rng.normal(size=m) * 0.5, 3), y), {}, f"random #{k + 1}"))
    return cases


EXERCISES.append(Exercise(
    "bias_variance.rmse", rmse, _rmse_cases,
    {
        "You return the mean squared error; the RMSE is its square root, in the units of y.":
            lambda y_hat, y: float(np.mean((np.asarray(y_hat, float) - y) ** 2)),
        "You take the root of the sum of squared errors; divide by the number of points first (the mean), "
        "then take the root.": lambda y_hat, y: float(np.sqrt(np.sum((np.asarray(y_hat, float) - y) ** 2))),
        "You average the absolute errors (the mean absolute error); the RMSE squares them, averages, then "
        "takes the root.": lambda y_hat, y: float(np.mean(np.abs(np.asarray(y_hat, float) - y))),
    },
))


# --- splitting the data: training, validation and test sets -------------------------------------------------


def train_val_test_split(m: int, fractions, rng: np.random.Generator):
    """(train_idx, val_idx, test_idx) from p = rng.permutation(m): the first ⌊f_train·m⌋ entries of p, the next
    ⌊f_val·m⌋, and the rest (⌊·⌋ of the float product)."""
    f_train, f_val = fractions
    p = rng.permutation(m)
    n_train, n_val = math.floor(f_train * m), math.floor(f_val * m)
    return p[:n_train], p[n_train:n_train + n_val], p[n_train + n_val:]


def _split_cases(rng):
    cases = [
        Case((10, (0.6, 0.2), np.random.default_rng(0)), {}, 
             "10 examples, 60 % / 20 % / 20 %, rng = default_rng(0)",
             hint="p = rng.permutation(10); train p[:6], validation p[6:8], test p[8:]"),
        Case((100, (0.29, 0.3), np.random.default_rng(1)), {}, "100 examples, f_train = 0.29, rng = default_rng(1)",
             hint="in floating point 0.29 · 100 = 28.999999999999996, whose floor is 28: use math.floor of the "
                  "product, not round()", edge=True),
        Case((10, (0.7, 0.3), np.random.default_rng(2)), {}, "70 % / 30 %: the test set is empty, rng = default_rng(2)",
             hint="0.7·10 and 0.3·10 floor to 7 and 3, which leaves nothing for the test set: an empty array",
             edge=True),
        Case((7, (0.5, 0.0), np.random.default_rng(3)), {},
             "no validation set (f_val = 0), m = 7, rng = default_rng(3)",
             hint="⌊0.5·7⌋ = 3 for training, none for validation, the other 4 for test", edge=True),
        Case((1, (0.5, 0.25), np.random.default_rng(4)), {}, "a single example, rng = default_rng(4)",
             hint="⌊0.5⌋ = ⌊0.25⌋ = 0: the one example goes to the test set", edge=True),
        Case((9, (0.67, 0.2), np.random.default_rng(5)), {}, "9 examples, f_train = 0.67, rng = default_rng(5)",
             hint="0.67·9 = 6.03 floors to 6, 0.2·9 = 1.8 floors to 1 (round would give 2)"),
    ]
    for k in range(3):
        m = int(rng.integers(5, 40))
        f_train = float(np.round(rng.uniform(0.4, 0.8), 2))
        f_val = float(np.round(rng.uniform(0.05, 1 - f_train), 2))
        seed = int(rng.integers(1000))
        cases.append(Case((m, (f_train, f_val), np.random.default_rng(seed)), {}, f"random #{k + 1}",
                          hint=f"rng = np.random.default_rng({seed})"))
    return cases


def _split_variant(m, fractions, rng, *, rounding=False, shuffle=True, of_rest=False, swap=False):
    f_train, f_val = fractions
    p = rng.permutation(m) if shuffle else np.arange(m)
    size = (lambda f, n: int(round(f * n))) if rounding else (lambda f, n: math.floor(f * n))
    n_train = size(f_train, m)
    n_val = size(f_val, m - n_train if of_rest else m)
    train, val, test = p[:n_train], p[n_train:n_train + n_val], p[n_train + n_val:]
    return (train, test, val) if swap else (train, val, test)


EXERCISES.append(Exercise(
    "bias_variance.train_val_test_split", train_val_test_split, _split_cases,
    {
        "You round the sizes; the contract takes the floor of f·m (math.floor), so 0.2·9 = 1.8 gives 1 "
        "example, not 2.": lambda m, fractions, rng: _split_variant(m, fractions, rng, rounding=True),
        "You do not shuffle: take the indices from p = rng.permutation(m), not from np.arange(m).":
            lambda m, fractions, rng: _split_variant(m, fractions, rng, shuffle=False),
        "You take f_val of what is left after training; both fractions are of all m examples: "
        "⌊f_val·m⌋ for validation.": lambda m, fractions, rng: _split_variant(m, fractions, rng, of_rest=True),
        "Your validation and test sets are swapped: return (train, validation, test), validation being the "
        "⌊f_val·m⌋ indices right after the training ones.":
            lambda m, fractions, rng: _split_variant(m, fractions, rng, swap=True),
    },
))


# --- k-fold cross-validation: the folds -----------------------------------------------------------------------


def k_fold_indices(m: int, k: int, rng: np.random.Generator) -> list:
    """[(train_idx, val_idx), ...] for i = 0..k−1: folds = np.array_split(rng.permutation(m), k); fold i
    validates, the other folds, concatenated in fold order, train."""
    folds = np.array_split(rng.permutation(m), k)
    return [(np.concatenate(folds[:i] + folds[i + 1:]), folds[i]) for i in range(k)]


def _folds_cases(rng):
    cases = [
        Case((6, 3, np.random.default_rng(0)), {}, "6 examples, 3 folds, rng = default_rng(0)",
             hint="folds = np.array_split(rng.permutation(6), 3) gives three folds of 2; pair i is "
                  "(the other two folds concatenated, fold i)"),
        Case((10, 3, np.random.default_rng(1)), {}, "10 examples, 3 folds of 4, 3 and 3, rng = default_rng(1)",
             hint="np.array_split makes the first folds one longer when k does not divide m"),
        Case((5, 5, np.random.default_rng(2)), {}, "leave-one-out: k = m = 5, rng = default_rng(2)",
             hint="each fold holds one example; training uses the other four", edge=True),
        Case((7, 2, np.random.default_rng(3)), {}, "two folds, m = 7, rng = default_rng(3)",
             hint="folds of 4 and 3: the first pair trains on the second fold and validates on the first"),
        Case((12, 4, np.random.default_rng(4)), {}, "12 examples, 4 folds, rng = default_rng(4)",
             hint="the training indices keep the order of the folds (fold 0, 1, ... without fold i), "
                  "not sorted"),
    ]
    for k in range(3):
        m = int(rng.integers(2, 25))
        seed = int(rng.integers(1000))
        cases.append(Case((m, int(rng.integers(2, m + 1)), np.random.default_rng(seed)), {}, f"random #{k + 1}",
                          hint=f"rng = np.random.default_rng({seed})"))
    return cases


def _folds_variant(m, k, rng, *, swap=False, shuffle=True, sort=False, rest_last=False):
    p = rng.permutation(m) if shuffle else np.arange(m)
    if rest_last:
        size = m // k
        folds = [p[i * size:(i + 1) * size] for i in range(k - 1)] + [p[(k - 1) * size:]]
    else:
        folds = np.array_split(p, k)
    pairs = []
    for i in range(k):
        train = np.concatenate(folds[:i] + folds[i + 1:])
        pairs.append((folds[i], train) if swap else (np.sort(train) if sort else train, folds[i]))
    return pairs


EXERCISES.append(Exercise(
    "bias_variance.k_fold_indices", k_fold_indices, _folds_cases,
    {
        "Your pairs are (validation, training); return (train_idx, val_idx), fold i being the validation set.":
            lambda m, k, rng: _folds_variant(m, k, rng, swap=True),
        "You do not shuffle: split p = rng.permutation(m), not np.arange(m).":
            lambda m, k, rng: _folds_variant(m, k, rng, shuffle=False),
        "Your training indices are sorted (np.setdiff1d sorts, for one): concatenate the other folds in fold "
        "order, np.concatenate(folds[:i] + folds[i + 1:]).": lambda m, k, rng: _folds_variant(m, k, rng, sort=True),
        "Your folds have m // k examples and the last one takes the rest; np.array_split(p, k) spreads the "
        "remainder over the first folds instead.": lambda m, k, rng: _folds_variant(m, k, rng, rest_last=True),
    },
))


# --- choosing the degree by k-fold cross-validation ------------------------------------------------------------


def cross_validate_degree(x: np.ndarray, y: np.ndarray, degree: int, k: int, rng: np.random.Generator) -> float:
    """(1/k) Σ_i MSE_i: for each pair (train, val) of k_fold_indices(len(x), k, rng), fit_polynomial(x[train],
    y[train], degree) (l2 = 0) and MSE_i = mean((predict_polynomial(w, x[val]) − y[val])²)."""
    errors = []
    for train, val in k_fold_indices(len(x), k, rng):
        w = fit_polynomial(x[train], y[train], degree)
        errors.append(np.mean((predict_polynomial(w, x[val]) - y[val]) ** 2))
    return float(np.mean(errors))


def _cv_cases(rng):
    x12, y12 = _sample(np.random.default_rng(12), 12)
    cases = [
        Case((X8, Y8, 1, 4, np.random.default_rng(0)), {}, "eight points, a line, 4 folds, rng = default_rng(0)",
             hint="for each of the 4 pairs from k_fold_indices(8, 4, rng): fit on the training points, predict the "
                  "validation points, take their mean squared error; return the mean of the 4 errors"),
        Case((X8, Y8, 0, 8, np.random.default_rng(1)), {}, "leave-one-out with a constant model, rng = default_rng(1)",
             hint="k = m: every fold holds one point", edge=True),
        Case((x12, y12, 3, 5, np.random.default_rng(2)), {},
             "12 points, degree 3, 5 folds of unequal size, rng = default_rng(2)",
             hint="folds of 3, 3, 2, 2, 2: average the 5 fold errors with equal weight, not the 12 squared errors"),
        Case((x12, y12, 2, 2, np.random.default_rng(3)), {}, "two folds, rng = default_rng(3)",
             hint="each half validates the other"),
        Case((np.array([0.0, 1.0, 2.0, 3.0, 4.0, 5.0]), np.array([1.0, 3.0, 5.0, 7.0, 9.0, 11.0]), 1, 3,
              np.random.default_rng(4)), {}, "points on a line, fitted by a line, rng = default_rng(4)",
             hint="every fold's line is exact, so the validation error is 0 (up to round-off)", edge=True),
    ]
    for k in range(3):
        m = int(rng.integers(10, 21))
        x, y = _sample(rng, m)
        degree, folds, seed = int(rng.integers(0, 4)), int(rng.integers(2, 6)), int(rng.integers(1000))
        cases.append(Case((x, y, degree, folds, np.random.default_rng(seed)), {}, f"random #{k + 1}",
                          hint=f"rng = np.random.default_rng({seed})"))
    return cases


def _cv_variant(x, y, degree, k, rng, *, root=False, pooled=False, on_train=False, swap=False):
    errors, sizes = [], []
    for train, val in k_fold_indices(len(x), k, rng):
        if swap:
            train, val = val, train
        w = np.linalg.lstsq(polynomial_features(x[train], degree).T, y[train], rcond=None)[0]
        where = train if on_train else val
        mse = np.mean((w @ polynomial_features(x[where], degree) - y[where]) ** 2)
        errors.append(np.sqrt(mse) if root else mse)
        sizes.append(len(where))
    return float(np.average(errors, weights=sizes) if pooled else np.mean(errors))


EXERCISES.append(Exercise(
    "bias_variance.cross_validate_degree", cross_validate_degree, _cv_cases,
    {
        "You average the folds' RMSEs; the contract averages their mean squared errors (no root).":
            lambda x, y, degree, k, rng: _cv_variant(x, y, degree, k, rng, root=True),
        "You weight each fold by its size (the mean over all validation points); average the k fold errors "
        "with equal weight, np.mean of the k MSEs.":
            lambda x, y, degree, k, rng: _cv_variant(x, y, degree, k, rng, pooled=True),
        "You measure the error on the training folds; each fold's error is measured on its validation fold, "
        "the points the fit has not seen.": lambda x, y, degree, k, rng: _cv_variant(x, y, degree, k, rng,
                                                                                      on_train=True),
        "You fit on the validation fold and measure on the others; k_fold_indices gives (train_idx, val_idx) "
        "in that order.": lambda x, y, degree, k, rng: _cv_variant(x, y, degree, k, rng, swap=True),
    },
    tolerance=Tolerance(rtol=1e-6, atol=1e-9),  # fits by different solvers agree to ~1e-10
))


# --- bias² and variance from many training sets -------------------------------------------------------------------


def bias_variance_decomposition(predictions: np.ndarray, f_true: np.ndarray) -> tuple[float, float]:
    """(bias², variance) for predictions (n_datasets, n_points) and f_true (n_points,): with p̄ the mean over the
    datasets, bias² = mean over points of (p̄ − f)², variance = mean over points of the mean over datasets of
    (p − p̄)² (the population variance)."""
    predictions = np.asarray(predictions, dtype=np.float64)
    mean_prediction = predictions.mean(axis=0)
    bias2 = np.mean((mean_prediction - np.asarray(f_true, dtype=np.float64)) ** 2)
    variance = np.mean(np.mean((predictions - mean_prediction) ** 2, axis=0))
    return float(bias2), float(variance)


def _bv_cases(rng):
    cases = [
        Case((np.array([[1.0, 2.0], [3.0, 2.0]]), np.array([1.0, 1.0])), {}, "two datasets, two points",
             hint="mean predictions [2, 2]: bias² = mean([1, 1]) = 1; at the first point the predictions 1 and 3 "
                  "vary by 1 (population variance), at the second by 0, so variance = 0.5"),
        Case((np.array([[0.5, -1.0, 2.0]]), np.array([0.0, -1.0, 1.0])), {}, "a single dataset",
             hint="one model has nothing to vary against: variance 0, and bias² is its mean squared error", edge=True),
        Case((np.array([[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]]), np.array([1.0, 2.0, 3.0])), {},
             "every model is exact", hint="no bias and no variance", edge=True),
        Case((np.array([[1.0, 2.0], [3.0, 4.0], [2.0, 0.0]]), np.array([2.0, 2.0])), {},
             "mean prediction equals f: pure variance",
             hint="the average model is right (bias² = 0) although each one is off; divide by n_datasets "
                  "(np.var's default, ddof=0)"),
        Case((np.array([[0.9, 1.1, 3.0, -2.0], [1.3, 0.7, 2.0, -1.0], [1.1, 1.2, 2.5, -1.6]]),
              np.array([1.0, 1.0, 2.0, -1.0])), {}, "three datasets, four points, errors of both signs"),
    ]
    for k in range(3):
        n_sets, n_points = int(rng.integers(2, 7)), int(rng.integers(1, 9))
        f = np.round(rng.normal(size=n_points), 3)
        shift = rng.normal(size=n_points) * 0.5
        cases.append(Case((np.round(f + shift + rng.normal(size=(n_sets, n_points)) * 0.4, 3), f), {},
                          f"random #{k + 1}"))
    return cases


def _bv_variant(predictions, f_true, *, ddof=0, signed=False, total=False, axis=0, std=False):
    p = np.asarray(predictions, float)
    f = np.asarray(f_true, float)
    mean = p.mean(axis=0)
    if axis == 1:  # averages over the points instead of over the datasets
        mean_over_points = p.mean(axis=1, keepdims=True)
        return float(np.mean((mean_over_points - f.mean()) ** 2)), float(np.mean((p - mean_over_points) ** 2))
    with np.errstate(all="ignore"):
        spread = np.sum((p - mean) ** 2, axis=0) / (p.shape[0] - ddof)
    variance = float(np.mean(np.sqrt(spread) if std else spread))
    if total:
        return float(np.mean((p - f) ** 2)), variance
    return float(np.mean(mean - f) if signed else np.mean((mean - f) ** 2)), variance


EXERCISES.append(Exercise(
    "bias_variance.bias_variance_decomposition", bias_variance_decomposition, _bv_cases,
    {
        "Your variance divides by n_datasets − 1 (ddof=1); this course uses the population variance, the mean "
        "of the squared deviations (np.var's default ddof=0).":
            lambda predictions, f_true: _bv_variant(predictions, f_true, ddof=1),
        "Your bias² is the mean squared error of all the models; that is bias² + variance. Average the "
        "predictions over the datasets first, then square that mean's error.":
            lambda predictions, f_true: _bv_variant(predictions, f_true, total=True),
        "Your bias is not squared: square (mean prediction − f) at each point, then average.":
            lambda predictions, f_true: _bv_variant(predictions, f_true, signed=True),
        "You average over the points (axis=1) where the average runs over the datasets (axis=0): the mean "
        "prediction p̄ has one value per point.": lambda predictions, f_true: _bv_variant(predictions, f_true, axis=1),
        "Your variance is a standard deviation; do not take the root.":
            lambda predictions, f_true: _bv_variant(predictions, f_true, std=True),
    },
))


# --- reading training and validation errors --------------------------------------------------------------------------


def diagnose(train_error: float, val_error: float, human_error: float = 0.0, threshold: float = 0.02) -> str:
    """"high bias" if train_error − human_error > threshold (avoidable bias), "high variance" if val_error −
    train_error > threshold, "high bias and high variance" if both, else "good fit"."""
    high_bias = train_error - human_error > threshold
    high_variance = val_error - train_error > threshold
    if high_bias and high_variance:
        return "high bias and high variance"
    return "high bias" if high_bias else "high variance" if high_variance else "good fit"


def _diagnose_cases(rng):
    cases = [
        Case((0.05, 0.06), {}, "the notes' left example: training 5 %, validation 6 %",
             hint="training error 0.05 is 0.05 above human level (0 here): more than 0.02, high bias; validation "
                  "is only 0.01 above training: no high variance"),
        Case((0.02, 0.07), {"human_error": 0.005}, "the notes' right example: 2 %, 7 %, human 0.5 %",
             hint="avoidable bias 0.02 − 0.005 = 0.015 is within 0.02; the gap 0.07 − 0.02 = 0.05 is high "
                  "variance"),
        Case((0.05, 0.06), {"human_error": 0.005}, "the notes' left example with human level 0.5 %",
             hint="avoidable bias 0.045 > 0.02: high bias"),
        Case((0.15, 0.30), {}, "15 % and 30 %", hint="both gaps exceed the threshold: \"high bias and high variance\""),
        Case((0.01, 0.015), {}, "1 % and 1.5 %", hint="both gaps are within 0.02: \"good fit\""),
        Case((0.08, 0.09), {"human_error": 0.07}, "a hard task: human level 7 %",
             hint="compare the training error with human level, not with 0: 0.08 − 0.07 = 0.01 is small"),
        Case((0.1, 0.2), {"human_error": 0.05, "threshold": 0.06}, "a looser threshold, 0.06",
             hint="avoidable bias 0.05 < 0.06, but the gap 0.1 > 0.06: high variance"),
        Case((0.3, 0.25), {}, "validation below training", hint="a negative gap is no variance problem"),
    ]
    for k in range(4):
        human = float(np.round(rng.choice([0.0, rng.uniform(0.0, 0.1)]), 4))
        threshold = float(rng.choice([0.02, 0.02, 0.05, 0.01]))
        bias_gap, variance_gap = (_gap(rng, threshold) for _ in range(2))
        train = float(np.round(human + bias_gap, 4))
        val = float(np.round(train + variance_gap, 4))
        cases.append(Case((train, val), {"human_error": human, "threshold": threshold}, f"random #{k + 1}"))
    return cases


def _gap(rng, threshold: float) -> float:
    """A gap at least 0.002 below or above the threshold (never within round-off of it), rounded to 4 decimals."""
    if rng.random() < 0.5:
        return float(np.round(rng.uniform(0.0, threshold - 0.002), 4))
    return float(np.round(threshold + rng.uniform(0.002, 0.05), 4))


def _diagnose_variant(train_error, val_error, human_error=0.0, threshold=0.02, *, swapped=False, no_human=False,
                      val_vs_human=False, first_only=False):
    high_bias = train_error - (0.0 if no_human else human_error) > threshold
    high_variance = val_error - (human_error if val_vs_human else train_error) > threshold
    if swapped:
        high_bias, high_variance = high_variance, high_bias
    if high_bias and high_variance and not first_only:
        return "high bias and high variance"
    return "high bias" if high_bias else "high variance" if high_variance else "good fit"


EXERCISES.append(Exercise(
    "bias_variance.diagnose", diagnose, _diagnose_cases,
    {
        "Your labels are swapped: a large training error (compared with human level) is high bias, a large gap "
        "from training to validation error is high variance.":
            lambda *a, **k: _diagnose_variant(*a, **k, swapped=True),
        "You ignore human_error: the avoidable bias is train_error − human_error, not the training error itself.":
            lambda *a, **k: _diagnose_variant(*a, **k, no_human=True),
        "You measure variance as val_error − human_error; variance is the gap between validation and "
        "training error, val_error − train_error.": lambda *a, **k: _diagnose_variant(*a, **k, val_vs_human=True),
        "When both gaps are too large you report only \"high bias\"; check both conditions and return "
        "\"high bias and high variance\" then.": lambda *a, **k: _diagnose_variant(*a, **k, first_only=True),
    },
))

"""Notebook 03, sections 3 and 4 — activation functions, softmax and the activations' derivatives: references,
cases and known mistakes.

A part of the topic module `neurons`, which imports it at the top and registers its exercises (in notebook
order, after the perceptron's) so that no module grows past ~800 lines. The grader treats this file as
`neurons`' own: its references are the topic's, so the reference spy watches it too. Examples are columns;
every elementwise function takes a plain number (and returns a float) or an array.
"""

from __future__ import annotations

import numpy as np

from .derivatives import sigmoid
from .grader import Case, Exercise

EXERCISES: list[Exercise] = []

def _elementwise(z, value):
    """Shape a result like an elementwise reference does: a float for a plain number, else an array."""
    value = np.asarray(value, dtype=np.float64)
    return float(value) if np.ndim(z) == 0 else value


def _random_shape(rng, low: int = 1, high: int = 5) -> tuple[int, int]:
    return int(rng.integers(low, high)), int(rng.integers(low, high + 2))


# --- activation functions -------------------------------------------------------------------------


def _activation_cases(rng, large_hint: str = "") -> list[Case]:
    cases = [
        Case((0.0,), {}, "z = 0 (a plain number)", hint="a number in, a number out"),
        Case((-2.5,), {}, "z = −2.5 (a plain number)"),
        Case((np.array([[-2.0, -0.5, 0.0, 0.5, 2.0]]),), {}, "a (1, 5) row"),
        Case((np.array([[-3.0, 1.0], [0.0, -0.1], [4.0, 2.0]]),), {}, "a (3, 2) matrix"),
        Case((np.array([[-1000.0, -30.0], [30.0, 1000.0], [0.0, 2.0]]),), {}, "large magnitudes (3, 2)",
             hint=large_hint, hint_for=("warning", "nonfinite"), edge=True),
    ]
    for k in range(3):
        cases.append(Case((rng.normal(size=_random_shape(rng)) * 3,), {}, f"random #{k + 1}"))
    return cases


def tanh(z):
    """tanh(z) = (e^z − e^{−z}) / (e^z + e^{−z}), elementwise, for any finite z (a float for a number)."""
    return _elementwise(z, np.tanh(np.asarray(z, dtype=np.float64)))


def _tanh_overflowing(z):
    z = np.asarray(z, dtype=np.float64)
    with np.errstate(all="ignore"):
        return _elementwise(z, (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z)))


EXERCISES.append(Exercise(
    "neurons.tanh", tanh,
    lambda rng: _activation_cases(rng, "e^1000 overflows to inf and inf/inf is nan: use np.tanh, or write "
                                       "tanh through e^(−2|z|), which never overflows"),
    {
        "(e^z − e^(−z))/(e^z + e^(−z)) overflows for large |z| (inf/inf = nan); use np.tanh.": _tanh_overflowing,
        "You computed 2σ(z) − 1, which is tanh(z/2); tanh(z) = 2σ(2z) − 1.":
            lambda z: _elementwise(z, 2 * np.asarray(sigmoid(z)) - 1),
        "You computed the sigmoid; tanh lies in (−1, 1) and tanh(0) = 0.": lambda z: _elementwise(z, sigmoid(z)),
    },
))


def relu(z):
    """ReLU(z) = max(0, z), elementwise (a float for a number)."""
    return _elementwise(z, np.maximum(0.0, np.asarray(z, dtype=np.float64)))


EXERCISES.append(Exercise(
    "neurons.relu", relu, _activation_cases,
    {
        "You return 1 where z > 0 (the step function, ReLU's slope); ReLU passes z itself through: max(0, z).":
            lambda z: _elementwise(z, np.asarray(z) > 0),
        "You gave negative z a small slope (leaky ReLU); ReLU is exactly 0 for z ≤ 0.":
            lambda z: _elementwise(z, np.where(np.asarray(z) > 0, z, 0.01 * np.asarray(z))),
        "You computed min(0, z); ReLU keeps the positive part: max(0, z).":
            lambda z: _elementwise(z, np.minimum(0.0, z)),
    },
))


def leaky_relu(z, alpha: float = 0.01):
    """z where z > 0, alpha·z where z ≤ 0, elementwise (a float for a number)."""
    z = np.asarray(z, dtype=np.float64)
    return _elementwise(z, np.where(z > 0, z, alpha * z))


def _leaky_cases(rng, derivative: bool = False) -> list[Case]:
    row = np.array([[-2.0, -0.5, 0.0, 0.5, 2.0]])
    zero_hint = "at z = 0 exactly the value is alpha (the contract: alpha for z ≤ 0)" if derivative else ""
    cases = [
        Case((-2.0,), {}, "z = −2 (a plain number), default alpha", hint="a number in, a number out"),
        Case((0.0,), {}, "z = 0 (a plain number)", hint=zero_hint, edge=True),
        Case((row,), {}, "a (1, 5) row, default alpha", hint="leave alpha = 0.01 as the default",
             hint_for=("value", "error")),
        Case((row,), {"alpha": 0.1}, "alpha = 0.1 (the notes' slope)", hint="use the alpha you are given"),
        Case((np.array([[-3.0, 1.0], [0.0, -0.1], [4.0, 2.0]]),), {"alpha": 0.2}, "a (3, 2) matrix, alpha = 0.2"),
        Case((np.array([[-4.0, 3.0, -1.0]]),), {"alpha": 1.5}, "alpha = 1.5 (larger than 1)",
             hint="alpha·z for z ≤ 0 and z otherwise; np.maximum(alpha*z, z) is the same thing only when "
                  "alpha < 1"),
        Case((np.array([[-1000.0, 1000.0], [0.0, -30.0]]),), {"alpha": 0.05}, "large magnitudes (2, 2)", edge=True),
    ]
    for k in range(3):
        alpha = float(np.round(rng.uniform(0.02, 0.3), 3))
        cases.append(Case((rng.normal(size=_random_shape(rng)) * 3,), {"alpha": alpha}, f"random #{k + 1}"))
    return cases


EXERCISES.append(Exercise(
    "neurons.leaky_relu", leaky_relu, _leaky_cases,
    {
        "You scale the positive side by alpha; leaky ReLU keeps z for z > 0 and gives alpha·z for z ≤ 0.":
            lambda z, alpha=0.01: _elementwise(z, np.where(np.asarray(z) > 0, alpha * np.asarray(z), z)),
        "You wrote max(alpha·z, z), which is leaky ReLU only while alpha < 1; use np.where(z > 0, z, alpha*z).":
            lambda z, alpha=0.01: _elementwise(z, np.maximum(alpha * np.asarray(z), z)),
        "You ignore the alpha argument and always use 0.01; use the alpha you are given.":
            lambda z, alpha=0.01: _elementwise(z, np.where(np.asarray(z) > 0, z, 0.01 * np.asarray(z))),
        "You return 0 for negative z (plain ReLU); leaky ReLU gives alpha·z there.":
            lambda z, alpha=0.01: _elementwise(z, np.maximum(0.0, z)),
    },
))


def swish(z):
    """swish(z) = z·σ(z), elementwise, without overflow for any finite z (a float for a number)."""
    z = np.asarray(z, dtype=np.float64)
    return _elementwise(z, z * np.asarray(sigmoid(z)))


def _swish_overflowing(z):
    z = np.asarray(z, dtype=np.float64)
    with np.errstate(all="ignore"):
        return _elementwise(z, z * np.exp(z) / (1 + np.exp(z)))


EXERCISES.append(Exercise(
    "neurons.swish", swish,
    lambda rng: _activation_cases(rng, "np.exp(1000) overflows: compute σ(z) the stable way (as in "
                                       "notebook 01), then multiply by z"),
    {
        "You return σ(z) alone; swish multiplies it by z: z·σ(z).": lambda z: _elementwise(z, sigmoid(z)),
        "The sign in the exponent is wrong: swish(z) = z/(1 + e^(−z)) = z·σ(z), not z/(1 + e^z).":
            lambda z: _elementwise(z, np.asarray(z) * np.asarray(sigmoid(-np.asarray(z, dtype=np.float64)))),
        "z·e^z/(1 + e^z) overflows for large positive z (inf/inf = nan); use the stable σ(z) from notebook 01.":
            _swish_overflowing,
    },
    warnings_fail=True,  # as for sigmoid in notebook 01: np.exp overflowing means σ was not computed stably
))


# --- softmax --------------------------------------------------------------------------------------


def softmax(Z: np.ndarray) -> np.ndarray:
    """Column-wise softmax of logits Z (C, m): A[i, j] = e^{Z[i, j]} / Σ_k e^{Z[k, j]}; each column sums to 1.

    Each column's maximum is subtracted first, which leaves the result unchanged and keeps exp ≤ 1.
    """
    Z = np.asarray(Z, dtype=np.float64)
    e = np.exp(Z - Z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def _softmax_cases(rng):
    cases = [
        Case((np.array([[2.1], [3.2], [1.5]]),), {}, "the notes' logits [2.1, 3.2, 1.5] as one column",
             hint="e^2.1 : e^3.2 : e^1.5 ≈ 8.17 : 24.53 : 4.48, so about [0.22, 0.66, 0.12]"),
        Case((np.zeros((4, 2)),), {}, "all zeros (4, 2)", hint="equal logits give equal probabilities, 1/4 each"),
        Case((np.array([[1.0, 2.0, 3.0], [1.0, 0.0, -1.0]]),), {}, "2 classes, 3 examples",
             hint="each column (one example) sums to 1, not each row"),
        Case((np.array([[1000.0, -1000.0], [999.0, -998.0], [998.0, -1000.0]]),), {}, "large logits (3, 2)",
             hint="np.exp(1000) overflows; subtract each column's max first (the result does not change)",
             hint_for=("nonfinite", "warning", "value"), edge=True),
        Case((np.array([[1000.0, 1.0], [999.0, 2.0], [990.0, 3.0]]),), {}, "columns on very different scales",
             hint="subtract each column's own max (axis=0, keepdims=True); the max of the whole Z makes "
                  "e^(1 − 1000) underflow to 0 in the second column", edge=True),
    ]
    for k in range(3):
        cases.append(Case((rng.normal(size=_random_shape(rng, 2, 5)) * 3,), {}, f"random #{k + 1}"))
    return cases


def _softmax_rows(Z):
    e = np.exp(Z - Z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _softmax_unstable(Z):
    with np.errstate(all="ignore"):
        e = np.exp(Z)
        return e / e.sum(axis=0, keepdims=True)


def _softmax_global_max(Z):
    with np.errstate(all="ignore"):
        e = np.exp(Z - np.max(Z))
        return e / e.sum(axis=0, keepdims=True)


def _softmax_whole_matrix(Z):
    e = np.exp(Z - np.max(Z))
    return e / np.sum(e)


EXERCISES.append(Exercise(
    "neurons.softmax", softmax, _softmax_cases,
    {
        "You normalise along the rows (axis=1); examples are columns, so each column must sum to 1 (axis=0).":
            _softmax_rows,
        "You take np.exp of the raw logits, which overflows to inf/inf = nan for large logits; subtract each "
        "column's max first (axis=0, keepdims=True).": _softmax_unstable,
        "You subtract the max of the whole Z; subtract each column's own max (axis=0, keepdims=True), or a "
        "column far below the overall max underflows to 0/0 = nan.": _softmax_global_max,
        "You divide by the sum over the whole matrix; divide each column by its own sum "
        "(np.sum(e, axis=0, keepdims=True)).": _softmax_whole_matrix,
    },
))


# --- derivatives of the activations ---------------------------------------------------------------


def tanh_derivative(z):
    """tanh'(z) = 1 − tanh(z)², elementwise (a float for a number)."""
    t = np.tanh(np.asarray(z, dtype=np.float64))
    return _elementwise(z, 1.0 - t**2)


EXERCISES.append(Exercise(
    "neurons.tanh_derivative", tanh_derivative, _activation_cases,
    {
        "You computed 1 − z²; the derivative is 1 − tanh(z)²: apply tanh first.":
            lambda z: _elementwise(z, 1 - np.asarray(z, dtype=np.float64) ** 2),
        "You wrote 1 − tanh(z)*2; the square is tanh(z)**2.":
            lambda z: _elementwise(z, 1 - np.tanh(np.asarray(z, dtype=np.float64)) * 2),
        "You used the sigmoid's pattern tanh(z)(1 − tanh(z)); the derivative of tanh is 1 − tanh(z)².":
            lambda z: _elementwise(z, np.tanh(z) * (1 - np.tanh(z))),
        "You squared the difference, (1 − tanh(z))²; square tanh first: 1 − tanh(z)².":
            lambda z: _elementwise(z, (1 - np.tanh(z)) ** 2),
    },
))


def relu_derivative(z):
    """ReLU'(z) = 1 where z > 0, 0 where z ≤ 0 (the course's choice at z = 0), elementwise, as floats."""
    return _elementwise(z, np.asarray(z, dtype=np.float64) > 0)


def _relu_derivative_cases(rng):
    cases = [
        Case((0.0,), {}, "z = 0 (a plain number)", hint="the course takes the slope at 0 to be 0: 1 only for z > 0",
             edge=True),
        Case((3.0,), {}, "z = 3 (a plain number)", hint="a number in, a number out"),
        Case((np.array([[-2.0, -0.5, 0.0, 0.5, 2.0]]),), {}, "a (1, 5) row with a 0"),
        Case((np.array([[-3.0, 0.0], [0.0, -0.1], [4.0, 0.25]]),), {}, "a (3, 2) matrix with zeros"),
        Case((np.array([[-1000.0, 1000.0, 1e-300]]),), {}, "large and tiny magnitudes", edge=True),
    ]
    for k in range(3):
        cases.append(Case((rng.normal(size=_random_shape(rng)) * 3,), {}, f"random #{k + 1}"))
    return cases


EXERCISES.append(Exercise(
    "neurons.relu_derivative", relu_derivative, _relu_derivative_cases,
    {
        "You give slope 1 at z = 0 (z >= 0); the course's ReLU' is 1 only for z > 0.":
            lambda z: _elementwise(z, np.asarray(z) >= 0),
        "You returned ReLU itself, max(0, z); its derivative is 1 for z > 0 and 0 otherwise.":
            lambda z: _elementwise(z, np.maximum(0.0, z)),
        "np.heaviside(z, 0.5) gives 0.5 at z = 0; the course's ReLU' is 0 there: np.heaviside(z, 0) or "
        "(z > 0).": lambda z: _elementwise(z, np.heaviside(z, 0.5)),
    },
))


def leaky_relu_derivative(z, alpha: float = 0.01):
    """1 where z > 0, alpha where z ≤ 0, elementwise (a float for a number)."""
    z = np.asarray(z, dtype=np.float64)
    return _elementwise(z, np.where(z > 0, 1.0, alpha))


EXERCISES.append(Exercise(
    "neurons.leaky_relu_derivative", leaky_relu_derivative, lambda rng: _leaky_cases(rng, derivative=True),
    {
        "You give slope 1 at z = 0 (z >= 0); the slope is alpha for z ≤ 0 and 1 only for z > 0.":
            lambda z, alpha=0.01: _elementwise(z, np.where(np.asarray(z) >= 0, 1.0, alpha)),
        "The two slopes are swapped: 1 for z > 0 and alpha for z ≤ 0.":
            lambda z, alpha=0.01: _elementwise(z, np.where(np.asarray(z) > 0, alpha, 1.0)),
        "You ignore the alpha argument and always use 0.01; use the alpha you are given.":
            lambda z, alpha=0.01: _elementwise(z, np.where(np.asarray(z) > 0, 1.0, 0.01)),
        "You give slope 0 for z ≤ 0 (ReLU's derivative); leaky ReLU's slope there is alpha.":
            lambda z, alpha=0.01: _elementwise(z, np.asarray(z) > 0),
    },
))

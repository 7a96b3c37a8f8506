"""Notebook 03 — neurons, activations and losses: references, cases and known mistakes.

Examples are columns: X is (n_x, m), Y is (1, m) or one-hot (C, m), logits Z are (C, m); a layer has
W (n_l, n_{l−1}) and b (n_l, 1). Each exercise reads top to bottom: the reference, the cases it is
checked on (fixed ones first, the notes' worked examples among them, then random ones), the mistakes
students make, and its `Exercise`.

The activation functions, softmax and the activations' derivatives (the notebook's sections 3 and 4) live
in `_neurons_activations.py`, imported here and registered in notebook order, so that `neurons.tanh` and
the rest are found here as before.
"""

from __future__ import annotations

import warnings

import numpy as np

from . import _neurons_activations
from ._neurons_activations import (  # noqa: F401 - the topic's references, found here as neurons.<name>
    _elementwise, _random_shape, leaky_relu, leaky_relu_derivative, relu, relu_derivative, softmax, swish, tanh,
    tanh_derivative)
from .compare import Tolerance
from .derivatives import sigmoid
from .grader import Case, Described, Exercise

EXERCISES: list[Exercise] = []
CLIP = 1e-12  # probabilities are clipped (to [CLIP, 1 − CLIP] for BCE, below at CLIP for CCE) before logs


# Activations handed to `neuron` and `dense_forward` in the cases. They are written here, not taken from
# the references below, so a student's function that calls them is not mistaken for calling a reference.
def _relu_activation(z):
    return _elementwise(z, np.maximum(0.0, z))


def _step_activation(z):
    return _elementwise(z, np.where(np.asarray(z) >= 0, 1.0, 0.0))


RELU = Described(_relu_activation, "ReLU: z ↦ max(0, z)")
SIGMOID = Described(lambda z: sigmoid(z), "sigmoid: z ↦ 1/(1 + e^(−z))")
TANH = Described(lambda z: _elementwise(z, np.tanh(z)), "tanh")
IDENTITY = Described(lambda z: _elementwise(z, z), "identity: z ↦ z")
STEP = Described(_step_activation, "step: z ↦ 1 if z ≥ 0 else 0")
ELEMENTWISE_ACTIVATIONS = (RELU, SIGMOID, TANH, IDENTITY)


# --- a single neuron ------------------------------------------------------------------------------


def neuron(x: np.ndarray, w: np.ndarray, b: float, activation) -> float:
    """activation(w·x + b) for x, w of shape (n_x,) and a float b; a float."""
    return float(activation(np.dot(w, x) + b))


def _neuron_cases(rng):
    x, w = np.array([1.0, 2.0]), np.array([-2.0, 1.0])
    cases = [
        Case((x, w, 0.0, RELU), {}, "the notes' neuron without bias",
             hint="w·x = 1·(−2) + 2·1 = 0 and ReLU(0) = 0"),
        Case((x, w, 3.0, RELU), {}, "the notes' neuron with b = 3", hint="w·x + b = 0 + 3, and ReLU(3) = 3"),
        Case((np.array([0.5, -1.0, 2.0]), np.array([1.0, 2.0, 0.5]), -0.5, SIGMOID), {}, "a sigmoid neuron",
             hint="add b to the weighted sum first, then apply the activation to that one number"),
        Case((np.array([3.0]), np.array([-1.5]), 2.0, RELU), {}, "one input, negative sum",
             hint="w·x + b = −2.5, so ReLU gives 0"),
        Case((np.array([1.0, 1.0, 1.0, 1.0]), np.array([0.5, -0.25, 0.25, -1.0]), 0.5, STEP), {},
             "a step neuron exactly at its threshold", hint="w·x + b = 0 and the step gives 1 for z ≥ 0", edge=True),
        Case((np.array([2.0, -1.0]), np.array([0.3, 0.8]), -1.0, TANH), {}, "a tanh neuron"),
        Case((np.array([2.0, -1.0, 4.0]), np.array([1.5, 2.0, -0.5]), 1.25, IDENTITY), {}, "a linear neuron"),
    ]
    for k in range(3):
        n_x = int(rng.integers(1, 6))
        activation = ELEMENTWISE_ACTIVATIONS[int(rng.integers(len(ELEMENTWISE_ACTIVATIONS)))]
        cases.append(Case((rng.normal(size=n_x) * 2, rng.normal(size=n_x), float(rng.normal()), activation), {},
                          f"random #{k + 1}"))
    return cases


EXERCISES.append(Exercise(
    "neurons.neuron", neuron, _neuron_cases,
    {
        "You return the weighted sum w·x + b without applying the activation to it.":
            lambda x, w, b, activation: float(np.dot(w, x) + b),
        "You add b after the activation; the bias belongs inside: activation(w·x + b).":
            lambda x, w, b, activation: float(activation(np.dot(w, x)) + b),
        "You left out the bias b: the neuron computes activation(w·x + b).":
            lambda x, w, b, activation: float(activation(np.dot(w, x))),
    },
))


# --- the perceptron -------------------------------------------------------------------------------


def perceptron_predict(X: np.ndarray, w: np.ndarray, b: float) -> np.ndarray:
    """(1, m) float array of 0/1 for X (n_x, m), w (n_x, 1), b a float: 1 where wᵀX + b ≥ 0."""
    return (w.T @ X + b >= 0).astype(np.float64)


AND_X = np.array([[0.0, 0.0, 1.0, 1.0], [0.0, 1.0, 0.0, 1.0]])  # the four corners of the unit square
AND_Y = np.array([[0.0, 0.0, 0.0, 1.0]])
OR_Y = np.array([[0.0, 1.0, 1.0, 1.0]])
XOR_Y = np.array([[0.0, 1.0, 1.0, 0.0]])


def _perceptron_predict_cases(rng):
    X35 = np.array([[1.0, -2.0, 0.5, 3.0, -1.0], [2.0, 1.0, -1.0, 0.0, -3.0], [0.0, 4.0, 2.0, -1.0, 1.0]])
    cases = [
        Case((AND_X, np.array([[1.0], [1.0]]), -1.5), {}, "AND: w = [1, 1], b = −1.5"),
        Case((AND_X, np.array([[1.0], [1.0]]), -1.0), {}, "OR with points on the boundary",
             hint="wᵀx + b is exactly 0 at (0, 1) and (1, 0); the contract says ≥ 0 gives 1", edge=True),
        Case((AND_X, np.zeros((2, 1)), 0.0), {}, "w = 0, b = 0 (where training starts)",
             hint="wᵀx + b = 0 for every example, and 0 ≥ 0, so every prediction is 1"),
        Case((np.array([[1.0], [-2.0], [0.5]]), np.array([[2.0], [1.0], [-2.0]]), 0.5), {}, "m = 1, 3 features"),
        Case((X35, np.array([[0.5], [-1.0], [0.25]]), 0.5), {}, "3 features, 5 examples"),
    ]
    for k in range(3):
        n_x, m = _random_shape(rng, 1, 5)
        X, w = rng.normal(size=(n_x, m)), rng.normal(size=(n_x, 1))
        z = w.T @ X
        b = float(rng.normal())
        while np.min(np.abs(z + b)) < 1e-6:  # keep random cases well away from the boundary
            b += 0.5
        cases.append(Case((X, w, b), {}, f"random #{k + 1}"))
    return cases


EXERCISES.append(Exercise(
    "neurons.perceptron_predict", perceptron_predict, _perceptron_predict_cases,
    {
        "You use > 0; the perceptron predicts 1 where wᵀx + b ≥ 0, so a point exactly on the boundary gets 1.":
            lambda X, w, b: (w.T @ X + b > 0).astype(np.float64),
        "You predict −1/+1 (the sign); the labels here are 0 and 1: 1 where wᵀx + b ≥ 0, else 0.":
            lambda X, w, b: np.where(w.T @ X + b >= 0, 1.0, -1.0),
        "Your predictions have shape (m,); keep them as a (1, m) row, e.g. w.T @ X + b with w of shape (n_x, 1).":
            lambda X, w, b: (w.ravel() @ X + b >= 0).astype(np.float64),
    },
))


def perceptron_train(X: np.ndarray, Y: np.ndarray, lr: float, n_epochs: int) -> tuple[np.ndarray, float]:
    """(w, b) after n_epochs passes over X (n_x, m) with labels Y (1, m) of 0/1; w (n_x, 1), b a float.

    Start at w = 0, b = 0; for each column x with label y in order: ŷ = 1 if wᵀx + b ≥ 0 else 0, then
    w ← w + lr(y − ŷ)x and b ← b + lr(y − ŷ).
    """
    w, b = np.zeros((X.shape[0], 1)), 0.0
    for _ in range(n_epochs):
        for i in range(X.shape[1]):
            x, y = X[:, i:i + 1], float(Y[0, i])
            y_hat = 1.0 if (w.T @ x).item() + b >= 0 else 0.0
            w = w + lr * (y - y_hat) * x
            b = b + lr * (y - y_hat)
    return w, float(b)


def _perceptron_train_cases(rng):
    X35 = np.array([[1.0, -2.0, 0.0, 3.0, -1.0], [2.0, 1.0, -1.0, 0.0, -3.0], [0.0, 1.0, 2.0, -1.0, 1.0]])
    cases = [
        Case((AND_X, AND_Y, 1.0, 6), {}, "AND, lr = 1, 6 epochs"),
        Case((AND_X, OR_Y, 0.5, 4), {}, "OR, lr = 0.5, 4 epochs"),
        Case((AND_X, XOR_Y, 1.0, 3), {}, "XOR, lr = 1, 3 epochs", hint="XOR is not linearly separable: the "
             "weights keep changing, so every update must follow the rule exactly"),
        Case((np.array([[2.0], [-1.0], [3.0]]), np.array([[0.0]]), 0.5, 1), {}, "one example with label 0",
             hint="w = 0, b = 0 gives wᵀx + b = 0, so ŷ = 1 and the first update is w ← w − lr·x, "
                  "b ← b − lr"),
        Case((AND_X, AND_Y, 1.0, 0), {}, "n_epochs = 0", hint="no passes: w stays zeros of shape (n_x, 1), b = 0.0",
             edge=True),
        Case((X35, np.array([[1.0, 0.0, 0.0, 1.0, 0.0]]), 0.25, 5), {}, "3 features, 5 examples, lr = 0.25"),
    ]
    # Small integers and power-of-two learning rates keep every sum exact, so wᵀx + b = 0 (which happens,
    # e.g. at the first example) comes out exactly 0 however the student adds things up.
    for k in range(3):
        n_x, m = _random_shape(rng, 1, 5)
        X = rng.integers(-3, 4, size=(n_x, m)).astype(np.float64)
        Y = rng.integers(0, 2, size=(1, m)).astype(np.float64)
        lr = float(rng.choice([0.25, 0.5, 1.0]))
        cases.append(Case((X, Y, lr, int(rng.integers(1, 6))), {}, f"random #{k + 1}"))
    return cases


def _train_variant(X, Y, lr, n_epochs, *, strict=False, stale=False, refresh_for_b=False, sign=1.0):
    """The perceptron loop with one mistake switched on."""
    def predict(x, w, b):
        z = (w.T @ x).item() + b
        return 1.0 if (z > 0 if strict else z >= 0) else 0.0

    w, b = np.zeros((X.shape[0], 1)), 0.0
    for _ in range(n_epochs):
        epoch_start = [predict(X[:, i:i + 1], w, b) for i in range(X.shape[1])]
        for i in range(X.shape[1]):
            x, y = X[:, i:i + 1], float(Y[0, i])
            y_hat = epoch_start[i] if stale else predict(x, w, b)
            w = w + sign * lr * (y - y_hat) * x
            if refresh_for_b:
                y_hat = predict(x, w, b)
            b = b + sign * lr * (y - y_hat)
    return w, float(b)


EXERCISES.append(Exercise(
    "neurons.perceptron_train", perceptron_train, _perceptron_train_cases,
    {
        "You predict with > 0; ŷ = 1 where wᵀx + b ≥ 0 (at the start w = 0, b = 0, so ŷ = 1).":
            lambda X, Y, lr, n: _train_variant(X, Y, lr, n, strict=True),
        "You predict all examples once at the start of each epoch; recompute ŷ for each example with the "
        "current w and b, just before its update.": lambda X, Y, lr, n: _train_variant(X, Y, lr, n, stale=True),
        "You compute ŷ again after updating w and use that for b; compute ŷ once per example, before both "
        "updates.": lambda X, Y, lr, n: _train_variant(X, Y, lr, n, refresh_for_b=True),
        "Your updates have the wrong sign: w ← w + lr(y − ŷ)x, so a missed 1 pulls w towards x.":
            lambda X, Y, lr, n: _train_variant(X, Y, lr, n, sign=-1.0),
    },
))


# --- activation functions, softmax and their derivatives (in _neurons_activations.py) ------------

EXERCISES.extend(_neurons_activations.EXERCISES)


# --- one-hot encoding -----------------------------------------------------------------------------


def one_hot(labels: np.ndarray, n_classes: int) -> np.ndarray:
    """(n_classes, m) float array for integer labels (m,): column j is 1 in row labels[j], 0 elsewhere."""
    labels = np.asarray(labels)
    Y = np.zeros((n_classes, labels.size))
    Y[labels, np.arange(labels.size)] = 1.0
    return Y


def _one_hot_cases(rng):
    cases = [
        Case((np.array([0, 1, 2]), 3), {}, "the notes' countries: India, Japan, Madagascar as 0, 1, 2"),
        Case((np.array([2, 0, 1, 1, 2]), 3), {}, "3 classes, 5 examples", hint="one column per example"),
        Case((np.array([1]), 4), {}, "m = 1, 4 classes", hint="the shape is (n_classes, m) = (4, 1)"),
        Case((np.array([0, 0, 1, 0]), 5), {}, "classes 2 to 4 never occur",
             hint="take the number of rows from n_classes, not from the largest label"),
    ]
    for k in range(3):
        n_classes, m = int(rng.integers(2, 7)), int(rng.integers(1, 9))
        cases.append(Case((rng.integers(0, n_classes, size=m), n_classes), {}, f"random #{k + 1}"))
    return cases


def _one_hot_whole_rows(labels, n_classes):
    """Y[labels] = 1 sets every column of each label's row."""
    labels = np.asarray(labels)
    Y = np.zeros((n_classes, labels.size))
    Y[labels] = 1.0
    return Y


EXERCISES.append(Exercise(
    "neurons.one_hot", one_hot, _one_hot_cases,
    {
        "Your result is (m, n_classes), one row per example (np.eye(n_classes)[labels]); examples are columns: "
        "transpose it to (n_classes, m).": lambda labels, n_classes: np.eye(n_classes)[labels],
        "You take the number of classes from the labels (max + 1); use n_classes, as a class may not occur.":
            lambda labels, n_classes: one_hot(labels, int(np.max(labels)) + 1),
        "You set whole rows (Y[labels] = 1); set one entry per column, the label's row of that example: "
        "Y[labels, np.arange(m)] = 1.": _one_hot_whole_rows,
    },
))


# --- preparing the inputs -------------------------------------------------------------------------


def standardize(X: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(X_std, mean, std) for X (n_x, m): X_std = (X − mean)/std per feature (row); mean and std (n_x, 1).

    std is the population standard deviation (divide by m). A constant feature, one whose values are all
    equal (max == min along the row), becomes a row of exact zeros in X_std; its mean and std are still
    returned as np.mean and np.std give them. The test is max == min, not std == 0: the mean of several
    0.1s is not exactly 0.1 in floating point, so such a row has a std of about 1e-17 and (X − mean)/std
    would be ±1.
    """
    X = np.asarray(X, dtype=np.float64)
    mean = X.mean(axis=1, keepdims=True)
    std = X.std(axis=1, keepdims=True)
    constant = X.max(axis=1, keepdims=True) == X.min(axis=1, keepdims=True)
    return np.where(constant, 0.0, (X - mean) / np.where(constant, 1.0, std)), mean, std


# The second case's constant feature holds numbers whose mean is exact (5.0), so its std is exactly 0; the
# "0.1s" case's mean is not exact, so only a test of max == min finds that its feature is constant.
STANDARDIZE_X = np.array([[1.0, 2.0, 3.0, 6.0], [150.0, 160.0, 180.0, 190.0]])


def _scaling_cases(rng, per_row: str, constant: str) -> list[Case]:
    cases = [
        Case((STANDARDIZE_X,), {}, "2 features on different scales, 4 examples",
             hint=f"one {per_row} per feature, i.e. per row (axis=1, keepdims=True)", hint_for=("axis", "shape", "error")),
        Case((np.array([[1.0, 2.0, 4.0], [5.0, 5.0, 5.0]]),), {}, "a constant feature",
             hint=f"the second row never changes: {constant}", edge=True),
        Case((np.array([[0.1, 0.1, 0.1], [2.0, -1.0, 0.5], [0.7, 0.7, 0.7]]),), {},
             "constant features of 0.1s and 0.7s", hint=f"rows 1 and 3 never change: {constant}", edge=True),
        Case((np.array([[3.0], [-1.0], [0.5]]),), {}, "m = 1: every feature is constant", edge=True),
        Case((np.array([[-1.0, 4.0], [0.0, 10.0], [2.0, -2.0]]),), {}, "3 features, 2 examples"),
    ]
    for k in range(3):
        n_x, m = int(rng.integers(1, 5)), int(rng.integers(2, 8))
        X = rng.normal(size=(n_x, m)) * rng.uniform(0.1, 20, size=(n_x, 1)) + rng.normal(size=(n_x, 1)) * 10
        cases.append(Case((X,), {}, f"random #{k + 1}"))
    return cases


def _standardize_variant(X, *, ddof=0, axis=1, keepdims=True, guard="max == min", power=1, brackets=True):
    """standardize with one mistake switched on; guard is how a constant feature is found ("max == min",
    "std > 0" or None for no guard)."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ddof=1 with m = 1 warns about degrees of freedom
        mean = X.mean(axis=axis, keepdims=True)
        std = X.std(axis=axis, ddof=ddof, keepdims=True)
        constant = (X.max(axis=axis, keepdims=True) == X.min(axis=axis, keepdims=True) if guard == "max == min"
                    else std == 0 if guard == "std > 0" else np.zeros_like(std, dtype=bool))
        divisor = np.where(constant, 1.0, std)
        scaled = (X - mean) / divisor**power if brackets else X - mean / divisor
        X_std = np.where(constant, 0.0, scaled) if guard == "max == min" else scaled
    if not keepdims:
        mean, std = mean.ravel(), std.ravel()
    return X_std, mean, std


EXERCISES.append(Exercise(
    "neurons.standardize", standardize,
    lambda rng: _scaling_cases(rng, "mean and one std",
                               "such a feature becomes a row of zeros in X_std. Find it with max == min along the "
                               "row, not with std == 0: round-off can leave its std at about 1e-17 instead of 0"),
    {
        "You use the sample std (ddof=1, divide by m − 1); the course uses the population std (np.std's default).":
            lambda X: _standardize_variant(X, ddof=1),
        "You standardise each example (column, axis=0); each feature is a row: use axis=1.":
            lambda X: _standardize_variant(X, axis=0),
        "Your mean and std have shape (n_x,); keep them as (n_x, 1) columns with keepdims=True.":
            lambda X: _standardize_variant(X, keepdims=False),
        "A constant feature has std 0, so you divide 0 by 0 (nan); map that feature to 0 instead.":
            lambda X: _standardize_variant(X, guard=None),
        "You divide by the variance; divide by the standard deviation (its square root).":
            lambda X: _standardize_variant(X, power=2),
        "You wrote X − mean / std (the notes' form), which divides only the mean; the subtraction needs brackets: "
        "(X − mean) / std.": lambda X: _standardize_variant(X, brackets=False),
        "You find constant features by std == 0 (or std > 0); round-off leaves a row of equal values such as "
        "0.1s with a std of about 1e-17, which then scales to ±1. A feature is constant when its max equals its "
        "min: test that.": lambda X: _standardize_variant(X, guard="std > 0"),
    },
))


def min_max_normalize(X: np.ndarray) -> np.ndarray:
    """(X − min)/(max − min) per feature (row) of X (n_x, m): values in [0, 1]; a constant feature maps to 0."""
    X = np.asarray(X, dtype=np.float64)
    low = X.min(axis=1, keepdims=True)
    spread = X.max(axis=1, keepdims=True) - low
    return (X - low) / np.where(spread > 0, spread, 1.0)


def _min_max_variant(X, *, axis=1, by_max=False, guard=True, brackets=True):
    low = X.min(axis=axis, keepdims=axis is not None)
    high = X.max(axis=axis, keepdims=axis is not None)
    spread = high if by_max else high - low
    with np.errstate(all="ignore"):
        divisor = np.where(spread != 0, spread, 1.0) if guard else spread
        return (X - low) / divisor if brackets else X - low / divisor


EXERCISES.append(Exercise(
    "neurons.min_max_normalize", min_max_normalize,
    lambda rng: _scaling_cases(rng, "min and one max", "max − min is 0, so set that row to 0 (avoid 0/0)"),
    {
        "You divide by the max; the range is max − min.": lambda X: _min_max_variant(X, by_max=True),
        "You scale each example (column, axis=0); each feature is a row: use axis=1.":
            lambda X: _min_max_variant(X, axis=0),
        "You use the min and max of the whole X; each feature (row) has its own: axis=1, keepdims=True.":
            lambda X: _min_max_variant(X, axis=None),
        "A constant feature has max − min = 0, so you divide 0 by 0 (nan); map that feature to 0 instead.":
            lambda X: _min_max_variant(X, guard=False),
        "You wrote X − min / (max − min) (the notes' form), which divides only the min; the subtraction needs "
        "brackets: (X − min) / (max − min).": lambda X: _min_max_variant(X, brackets=False),
    },
))


# --- losses ---------------------------------------------------------------------------------------


def mse(y_hat: np.ndarray, y: np.ndarray) -> float:
    """Mean squared error (1/n) Σ (ŷ − y)² over all entries of y_hat and y (same shape, e.g. (1, m)); a float."""
    return float(np.mean((np.asarray(y_hat, dtype=np.float64) - y) ** 2))


def _mse_cases(rng):
    x = np.array([[0.6, 0.8, 1.1]])  # the notes' three points, with the line ŷ = x
    cases = [
        Case((x, np.array([[1.1, 1.2, 2.1]])), {}, "the notes' three points with ŷ = x",
             hint="errors −0.5, −0.4, −1.0; their squares average to 0.47"),
        Case((np.array([[2.0, 3.0, 5.0, 7.0]]), np.array([[2.0, 3.0, 5.0, 7.0]])), {}, "a perfect fit"),
        Case((np.array([[1.5]]), np.array([[-0.5]])), {}, "m = 1"),
        Case((np.array([[1.0, 2.0, 3.0], [0.0, -1.0, 4.0]]), np.array([[1.5, 2.0, 0.0], [0.0, 1.0, 4.5]])), {},
             "two outputs (2, 3)", hint="average over every entry"),
    ]
    for k in range(3):
        shape = (int(rng.integers(1, 3)), int(rng.integers(2, 8)))
        y = rng.normal(size=shape) * 3
        cases.append(Case((y + rng.normal(size=shape), y), {}, f"random #{k + 1}"))
    return cases


EXERCISES.append(Exercise(
    "neurons.mse", mse, _mse_cases,
    {
        "You sum the squared errors; MSE is their mean (divide by the number of entries).":
            lambda y_hat, y: float(np.sum((y_hat - y) ** 2)),
        "You halved it: ½·mean(...) is a common cost for gradients, but MSE itself is mean((ŷ − y)²).":
            lambda y_hat, y: float(np.mean((y_hat - y) ** 2) / 2),
        "You take the square root (that is the RMSE); MSE is mean((ŷ − y)²).":
            lambda y_hat, y: float(np.sqrt(np.mean((y_hat - y) ** 2))),
        "You average |ŷ − y| (the mean absolute error); MSE squares the errors.":
            lambda y_hat, y: float(np.mean(np.abs(y_hat - y))),
        "You square the mean error, np.mean(ŷ − y)**2; square first, then average: np.mean((ŷ − y)**2).":
            lambda y_hat, y: float(np.mean(y_hat - y) ** 2),
    },
))


def binary_cross_entropy(a: np.ndarray, y: np.ndarray) -> float:
    """−mean(y log a + (1 − y) log(1 − a)) over all entries (natural log), a clipped to [1e-12, 1 − 1e-12].

    a: predicted probabilities, y: 0/1 labels, same shape, e.g. (1, m); returns a float.
    """
    a = np.clip(np.asarray(a, dtype=np.float64), CLIP, 1 - CLIP)
    return float(-np.mean(y * np.log(a) + (1 - y) * np.log(1 - a)))


def _bce_cases(rng):
    cases = [
        Case((np.array([[0.92, 0.09]]), np.array([[1.0, 1.0]])), {}, "the notes' examples with y = 1",
             hint="−log 0.92 ≈ 0.083 and −log 0.09 ≈ 2.41; the loss is their mean"),
        Case((np.array([[0.03, 0.94]]), np.array([[0.0, 0.0]])), {}, "the notes' examples with y = 0",
             hint="−log(1 − 0.03) ≈ 0.03 and −log(1 − 0.94) ≈ 2.81"),
        Case((np.array([[0.92, 0.09, 0.03, 0.94]]), np.array([[1.0, 1.0, 0.0, 0.0]])), {},
             "all four of the notes' examples"),
        Case((np.array([[1.0, 0.0]]), np.array([[1.0, 0.0]])), {}, "a = 1 and a = 0 exactly, both right",
             hint="log(0) is −inf and 0·(−inf) is nan: clip a to [1e-12, 1 − 1e-12] first", edge=True),
        Case((np.array([[0.0, 1.0, 0.5]]), np.array([[1.0, 0.0, 1.0]])), {}, "a = 0 and a = 1 exactly, both wrong",
             hint="with a clipped to [1e-12, 1 − 1e-12] a certain mistake costs about −log(1e-12) ≈ 27.6", edge=True),
        Case((np.array([[0.7, 0.2], [0.5, 0.9], [0.1, 0.6]]), np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 1.0]])), {},
             "several outputs (3, 2): mean over every entry"),
    ]
    for k in range(3):
        shape = (int(rng.integers(1, 3)), int(rng.integers(2, 8)))
        cases.append(Case((rng.uniform(0.02, 0.98, size=shape), rng.integers(0, 2, size=shape).astype(np.float64)),
                          {}, f"random #{k + 1}"))
    return cases


def _bce_unclipped(a, y):
    with np.errstate(all="ignore"):
        return float(-np.mean(y * np.log(a) + (1 - y) * np.log(1 - a)))


def _bce_bracket_slip(a, y):
    a = np.clip(a, CLIP, 1 - CLIP)
    return float(np.mean(-y * np.log(a) + (1 - y) * np.log(1 - a)))


EXERCISES.append(Exercise(
    "neurons.binary_cross_entropy", binary_cross_entropy, _bce_cases,
    {
        "You do not clip a, so a = 0 or a = 1 gives log(0) = −inf (and 0·(−inf) = nan); "
        "clip a to [1e-12, 1 − 1e-12] first.": _bce_unclipped,
        "You sum over the entries; the loss is their mean.":
            lambda a, y: binary_cross_entropy(a, y) * np.size(a),
        "The minus sign in front is missing, so your loss is negative.": lambda a, y: -binary_cross_entropy(a, y),
        "The (1 − y) log(1 − a) term is missing, so examples with y = 0 cost nothing.":
            lambda a, y: float(-np.mean(y * np.log(np.clip(a, CLIP, 1 - CLIP)))),
        "Your minus sign covers only the first term (−y log a + (1 − y) log(1 − a)); put the whole sum in "
        "brackets: −(y log a + (1 − y) log(1 − a)).": _bce_bracket_slip,
    },
    # a = 1 with y = 0 costs −log(1 − (1 − 1e-12)) ≈ 27.6310; clipping 1 − a at 1e-12 instead of a gives
    # −log(1e-12) ≈ 27.6311 (1 − 1e-12 is not exact in floats). Both are right, so allow rtol 1e-5.
    tolerance=Tolerance(rtol=1e-5, atol=1e-9),
))


def categorical_cross_entropy(A: np.ndarray, Y: np.ndarray) -> float:
    """−(1/m) Σ Y log A (natural log), A (C, m) probabilities clipped below at 1e-12, Y (C, m) one-hot; a float."""
    A = np.maximum(np.asarray(A, dtype=np.float64), CLIP)
    return float(-np.sum(Y * np.log(A)) / A.shape[1])


def _cce_cases(rng):
    cases = [
        Case((np.array([[0.775], [0.126], [0.039], [0.070]]), np.array([[1.0], [0.0], [0.0], [0.0]])), {},
             "the notes' example (one example, 4 classes)",
             hint="the notes use log₂ and get 0.3677; the course uses the natural log: −ln 0.775 ≈ 0.2549"),
        Case((np.array([[0.7, 0.1], [0.2, 0.3], [0.1, 0.6]]), np.array([[1.0, 0.0], [0.0, 0.0], [0.0, 1.0]])), {},
             "3 classes, 2 examples", hint="add up −log of the true class's probability, then divide by m = 2"),
        Case((np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]]), np.array([[1.0, 1.0], [0.0, 0.0], [0.0, 0.0]])), {},
             "probabilities of exactly 0 and 1",
             hint="log(0) = −inf and 0·(−inf) = nan: clip A below at 1e-12 first", edge=True),
        Case((np.array([[0.5, 0.2, 0.1, 0.3, 0.25], [0.3, 0.7, 0.1, 0.3, 0.25], [0.2, 0.1, 0.8, 0.4, 0.5]]),
              np.array([[1.0, 0.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 1.0, 0.0], [0.0, 0.0, 1.0, 0.0, 1.0]])), {},
             "3 classes, 5 examples"),
    ]
    for k in range(3):
        n_classes, m = int(rng.integers(2, 6)), int(rng.integers(2, 8))
        A = softmax(rng.normal(size=(n_classes, m)) * 2)
        cases.append(Case((A, one_hot(rng.integers(0, n_classes, size=m), n_classes)), {}, f"random #{k + 1}"))
    return cases


def _cce_unclipped(A, Y):
    with np.errstate(all="ignore"):
        return float(-np.sum(Y * np.log(A)) / A.shape[1])


EXERCISES.append(Exercise(
    "neurons.categorical_cross_entropy", categorical_cross_entropy, _cce_cases,
    {
        "You sum over the examples; divide by m (the number of columns).":
            lambda A, Y: categorical_cross_entropy(A, Y) * A.shape[1],
        "You use log base 2 (as one example in the notes does); the course uses the natural log, np.log.":
            lambda A, Y: categorical_cross_entropy(A, Y) / np.log(2),
        "You average over all C·m entries (np.mean); the sum over classes is one example's loss, so divide by m "
        "only.": lambda A, Y: categorical_cross_entropy(A, Y) / A.shape[0],
        "You do not clip A, so a probability of 0 gives log(0) = −inf (and 0·(−inf) = nan); use "
        "np.maximum(A, 1e-12) first.": _cce_unclipped,
        "You divide by A.shape[0], the number of classes; m is the number of examples, A.shape[1] (examples are "
        "columns).": lambda A, Y: categorical_cross_entropy(A, Y) * A.shape[1] / A.shape[0],
    },
))


# --- a dense layer --------------------------------------------------------------------------------


def dense_forward(A_prev: np.ndarray, W: np.ndarray, b: np.ndarray, activation) -> np.ndarray:
    """activation(W A_prev + b): A_prev (n_{l−1}, m), W (n_l, n_{l−1}), b (n_l, 1); the result is (n_l, m)."""
    return np.asarray(activation(W @ A_prev + b), dtype=np.float64)


def _dense_forward_cases(rng):
    A2x4 = np.array([[1.0, 0.0, -1.0, 2.0], [0.5, -2.0, 1.0, 0.0]])
    W3x2 = np.array([[0.2, -0.5], [1.0, 0.3], [-0.4, 0.8]])
    b3 = np.array([[0.1], [-0.2], [0.0]])
    cases = [
        Case((A2x4, W3x2, b3, RELU), {}, "2 inputs → 3 ReLU units, 4 examples",
             hint="Z = W @ A_prev + b is (3, 4): one column per example"),
        Case((np.array([[1.0], [2.0]]), W3x2, b3, SIGMOID), {}, "m = 1, sigmoid units"),
        Case((np.array([[0.5, -1.0, 2.0], [1.0, 0.0, -0.5], [-2.0, 1.5, 1.0]]),
              np.array([[0.3, -0.2, 0.5], [-1.0, 0.4, 0.1]]), np.array([[0.5], [-0.3]]), TANH), {},
             "3 inputs → 2 tanh units, 3 examples",
             hint="b is a column (n_l, 1): it is added to every column of W A_prev"),
        Case((A2x4, np.array([[1.0, -1.0]]), np.array([[2.0]]), IDENTITY), {}, "one linear output unit"),
    ]
    for k in range(3):
        n_prev, n_l, m = (int(v) for v in rng.integers(1, 6, size=3))
        activation = ELEMENTWISE_ACTIVATIONS[int(rng.integers(len(ELEMENTWISE_ACTIVATIONS)))]
        cases.append(Case((rng.normal(size=(n_prev, m)), rng.normal(size=(n_l, n_prev)), rng.normal(size=(n_l, 1)),
                           activation), {}, f"random #{k + 1}"))
    return cases


EXERCISES.append(Exercise(
    "neurons.dense_forward", dense_forward, _dense_forward_cases,
    {
        "You return Z = W A_prev + b without applying the activation.":
            lambda A_prev, W, b, activation: W @ A_prev + b,
        "You add b after the activation; it belongs inside: activation(W A_prev + b).":
            lambda A_prev, W, b, activation: np.asarray(activation(W @ A_prev)) + b,
        "Your result is (m, n_l), examples as rows (A_prevᵀ Wᵀ); in the course Z = W A_prev + b is (n_l, m).":
            lambda A_prev, W, b, activation: np.asarray(activation(A_prev.T @ W.T + b.T)),
    },
))


# --- counting parameters --------------------------------------------------------------------------


def count_dense_parameters(layer_sizes) -> int:
    """Σ_l (n_{l−1}·n_l + n_l) over the layers after the input: weights plus biases; an int."""
    return int(sum(n_in * n_out + n_out for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:])))


def _count_cases(rng):
    cases = [
        Case(([2, 3, 2],), {}, "the notes' network [2, 3, 2]", hint="(2·3 + 3) + (3·2 + 2) = 9 + 8 = 17"),
        Case(([3, 1],), {}, "logistic regression on 3 features", hint="3 weights and 1 bias"),
        Case(([784, 128, 10],), {}, "an MNIST-sized network [784, 128, 10]"),
        Case(([4, 8, 8, 3],), {}, "two hidden layers [4, 8, 8, 3]"),
        Case(([5],), {}, "only an input layer", hint="no layer computes anything, so there is nothing to learn",
             edge=True),
    ]
    for k in range(3):
        cases.append(Case(([int(n) for n in rng.integers(1, 65, size=int(rng.integers(2, 6)))],), {},
                          f"random #{k + 1}"))
    return cases


def _count_pairs(layer_sizes, per_pair):
    return int(sum(per_pair(n_in, n_out) for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:])))


EXERCISES.append(Exercise(
    "neurons.count_dense_parameters", count_dense_parameters, _count_cases,
    {
        "You count only the weights; every non-input unit also has a bias.":
            lambda sizes: _count_pairs(sizes, lambda n_in, n_out: n_in * n_out),
        "You count biases for the input layer too; the inputs are data, only the units of later layers have "
        "biases.": lambda sizes: count_dense_parameters(sizes) + int(sizes[0]),
        "You give the biases to the sending layer, n_{l−1}(n_l + 1); each layer has one bias per unit of its "
        "own: n_l(n_{l−1} + 1).": lambda sizes: _count_pairs(sizes, lambda n_in, n_out: n_in * (n_out + 1)),
    },
))

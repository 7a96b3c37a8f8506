"""Notebook 04 — backpropagation: references, cases and known mistakes.

Examples are columns: X is (n_x, m) = A[0], Y is (1, m); layer l has W[l] (n_l, n_{l−1}), b[l] (n_l, 1),
Z[l] = W[l] A[l−1] + b[l] and A[l] = g(Z[l]). Parameters live in a dict {"W1", "b1", ..., "WL", "bL"},
gradients in {"dA0", "dW1", "db1", ...}. Every layer is a pair in the CS231n rhythm: `*_forward(...)`
returns `(out, cache)` and `*_backward(dout, cache)` returns the gradients, the two side by side.

Each exercise reads top to bottom: the reference, the cases it is checked on (fixed ones first, then
random ones), the mistakes students make, and its `Exercise`. The last section's exercise, the softmax
output layer's dZ = A − Y, lives in `_backprop_softmax.py` and is registered here, last, as in the notebook.
"""

from __future__ import annotations

import numpy as np

from . import _backprop_softmax
from ._backprop_softmax import softmax_cross_entropy_backward  # noqa: F401 - part of this topic
from .compare import Tolerance
from .derivatives import sigmoid
from .grader import Case, Exercise

EXERCISES: list[Exercise] = []
CLIP = 1e-12  # probabilities are clipped to [CLIP, 1 − CLIP] before taking logs


def _relu(z):
    return np.maximum(0.0, z)


ACTIVATIONS = {"sigmoid": sigmoid, "relu": _relu, "tanh": np.tanh}


def _random_network(rng, layer_dims, m: int):
    """(X, parameters) for a random net: He-scaled weights, small random biases, X (n_0, m)."""
    parameters = {}
    for l in range(1, len(layer_dims)):
        n_prev, n = layer_dims[l - 1], layer_dims[l]
        parameters[f"W{l}"] = rng.normal(size=(n, n_prev)) * np.sqrt(2.0 / n_prev)
        parameters[f"b{l}"] = rng.normal(size=(n, 1)) * 0.1
    return rng.normal(size=(layer_dims[0], m)), parameters


def _random_dims(rng, low: int = 2, high: int = 5) -> list[int]:
    """Layer sizes [n_0, ..., n_L] with 1 ≤ L ≤ 3 and an output layer of one unit."""
    hidden = [int(n) for n in rng.integers(1, 6, size=int(rng.integers(0, 3)))]
    return [int(rng.integers(low, high + 1))] + hidden + [1]


# The notes' network [2, 4, 3, 1] with hand-picked parameters: small numbers, several Z[1] entries exactly 0.
NOTES_X = np.array([[1.0, 2.0, -1.0], [1.0, 0.0, 2.0]])
NOTES_Y = np.array([[1.0, 0.0, 1.0]])
NOTES_PARAMETERS = {
    "W1": np.array([[1.0, -1.0], [0.5, 2.0], [-1.0, 0.0], [2.0, 1.0]]),
    "b1": np.array([[0.0], [-1.0], [0.5], [0.0]]),
    "W2": np.array([[0.5, -1.0, 1.0, 0.0], [1.0, 0.0, -0.5, 0.5], [-1.0, 0.5, 0.0, 1.0]]),
    "b2": np.array([[0.5], [0.0], [-1.0]]),
    "W3": np.array([[1.0, -0.5, 0.5]]),
    "b3": np.array([[-0.25]]),
}


# --- initialization -------------------------------------------------------------------------------


def initialize_parameters(layer_dims, method: str = "he", rng: np.random.Generator | None = None) -> dict:
    """{"W1", "b1", ..., "WL", "bL"} for layer_dims = [n_0, n_1, ..., n_L]: W[l] (n_l, n_{l−1}), b[l] (n_l, 1).

    For l = 1..L in order: W[l] = rng.standard_normal((n_l, n_{l−1})) · scale, scale 0.01 ("random"),
    √(1/n_{l−1}) ("xavier", fan-in form), √(2/n_{l−1}) ("he"); "zeros" draws nothing. b[l] = 0.
    rng None means np.random.default_rng(0).
    """
    rng = np.random.default_rng(0) if rng is None else rng
    if method not in ("zeros", "random", "xavier", "he"):
        raise ValueError(f"unknown method {method!r}: use 'zeros', 'random', 'xavier' or 'he'")
    parameters = {}
    for l in range(1, len(layer_dims)):
        n_prev, n = layer_dims[l - 1], layer_dims[l]
        if method == "zeros":
            parameters[f"W{l}"] = np.zeros((n, n_prev))
        else:
            scale = {"random": 0.01, "xavier": np.sqrt(1.0 / n_prev), "he": np.sqrt(2.0 / n_prev)}[method]
            parameters[f"W{l}"] = rng.standard_normal((n, n_prev)) * scale
        parameters[f"b{l}"] = np.zeros((n, 1))
    return parameters


def _initialize_parameters_cases(rng):
    cases = [
        Case(([2, 4, 3, 1],), {"method": "he", "rng": np.random.default_rng(1)},
              "the notes' network [2, 4, 3, 1], He, default_rng(1)",
              hint="W1 is (4, 2): one row per unit of layer 1, one column per input; He scales by √(2/n_{l−1}), "
                   "the number of inputs to the layer"),
        Case(([3, 5, 2],), {"method": "xavier", "rng": np.random.default_rng(2)},
              "Xavier [3, 5, 2], default_rng(2)",
              hint="this course's \"xavier\" is the fan-in form √(1/n_{l−1}); W1 is (5, 3), W2 is (2, 5)"),
        Case(([4, 3],), {"method": "random", "rng": np.random.default_rng(3)},
              "small random [4, 3], default_rng(3)", hint="scale 0.01 times standard normal draws"),
        Case(([3, 2, 1],), {"method": "zeros", "rng": np.random.default_rng(4)}, "zeros [3, 2, 1]",
              hint="every W and every b is zero; b[l] has shape (n_l, 1)"),
        Case(([5, 4, 1],), {}, "method and rng left out",
              hint="the defaults are method=\"he\" and rng=None, which means np.random.default_rng(0)",
              hint_for=("value", "shape", "error")),
        Case(([6, 3, 3, 2],), {"method": "he", "rng": np.random.default_rng(5)},
              "He, two hidden layers [6, 3, 3, 2], default_rng(5)",
              hint="draw W1, then W2, then W3, each with one call rng.standard_normal((n_l, n_{l−1}))"),
        Case(([1, 1],), {"method": "he", "rng": np.random.default_rng(6)}, "one input, one unit [1, 1]"),
    ]
    methods = ("zeros", "random", "xavier", "he")
    for k in range(3):
        seed = int(rng.integers(1000))
        dims = [int(n) for n in rng.integers(1, 8, size=int(rng.integers(2, 5)))]
        method = methods[int(rng.integers(len(methods)))]
        cases.append(Case((dims,), {"method": method, "rng": np.random.default_rng(seed)}, f"random #{k + 1}",
                           hint=f"rng = np.random.default_rng({seed})"))
    return cases


def _initialize_variant(layer_dims, method="he", rng=None, *, he=2.0, fan_out=False, transposed=False,
                        random_b=False, own_rng=False, uniform=False, flat_b=False, glorot=False):
    """initialize_parameters with one mistake switched on."""
    rng = np.random.default_rng(0) if rng is None or own_rng else rng
    parameters = {}
    for l in range(1, len(layer_dims)):
        n_prev, n = layer_dims[l - 1], layer_dims[l]
        fan = n if fan_out else n_prev
        shape = (n_prev, n) if transposed else (n, n_prev)
        if method == "zeros":
            W, scale = np.zeros(shape), 0.0
        else:
            scale = {"random": 0.01, "xavier": np.sqrt(2.0 / (n_prev + n)) if glorot else np.sqrt(1.0 / fan),
                     "he": np.sqrt(he / fan)}[method]
            W = (rng.random(shape) if uniform else rng.standard_normal(shape)) * scale
        parameters[f"W{l}"] = W
        if random_b and method != "zeros":
            parameters[f"b{l}"] = rng.standard_normal((n, 1)) * scale
        else:
            parameters[f"b{l}"] = np.zeros(n) if flat_b else np.zeros((n, 1))
    return parameters


def _init_mistake(**mistake):
    return lambda layer_dims, method="he", rng=None: _initialize_variant(layer_dims, method, rng, **mistake)


EXERCISES.append(Exercise(
    "backprop.initialize_parameters", initialize_parameters, _initialize_parameters_cases,
    {
        "For \"he\" you scale by √(1/n_{l−1}) (Xavier's fan-in scale); He initialization uses √(2/n_{l−1}).":
            _init_mistake(he=1.0),
        "You divide by n_l, the layer's own size; the scale uses n_{l−1}, the number of inputs to each unit "
        "(the columns of W[l]).": _init_mistake(fan_out=True),
        "Your W[l] has shape (n_{l−1}, n_l); it is (n_l, n_{l−1}) so that Z = W A_prev works: "
        "rng.standard_normal((n_l, n_{l−1})).":
            _init_mistake(transposed=True),
        "You draw the biases at random; b[l] starts at zeros (random weights already break the symmetry), "
        "and the extra draws shift every later W.":
            _init_mistake(random_b=True),
        "You ignore the rng you are given (always np.random.default_rng(0)); draw from rng, and create "
        "default_rng(0) only when rng is None.":
            _init_mistake(own_rng=True),
        "You draw from the uniform distribution on [0, 1) (rng.random); draw from the standard normal, "
        "rng.standard_normal.": _init_mistake(uniform=True),
        "Your biases have shape (n_l,); make them columns (n_l, 1): np.zeros((n_l, 1)).":
            _init_mistake(flat_b=True),
        "For \"xavier\" you use Glorot's √(2/(n_{l−1} + n_l)); this course's \"xavier\" is the fan-in form "
        "√(1/n_{l−1}).": _init_mistake(glorot=True),
    },
))


# --- the linear part of a layer: forward and backward ---------------------------------------------


def linear_forward(A_prev: np.ndarray, W: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, tuple]:
    """(Z, cache): Z = W A_prev + b, (n_l, m), for A_prev (n_{l−1}, m), W (n_l, n_{l−1}), b (n_l, 1);
    cache = (A_prev, W, b)."""
    return W @ A_prev + b, (A_prev, W, b)


def linear_backward(dZ: np.ndarray, cache: tuple) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(dA_prev, dW, db) for dZ (n_l, m) and cache = (A_prev, W, b):
    dW = (1/m) dZ A_prevᵀ (n_l, n_{l−1}), db = (1/m) Σ_columns dZ (n_l, 1), dA_prev = Wᵀ dZ (n_{l−1}, m)."""
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = dZ @ A_prev.T / m
    db = np.sum(dZ, axis=1, keepdims=True) / m
    return W.T @ dZ, dW, db


LINEAR_A = np.array([[1.0, 2.0, 0.0, -1.0], [-1.0, 0.0, 3.0, 2.0]])  # (2, 4): 2 inputs, 4 examples
LINEAR_W = np.array([[1.0, -1.0], [2.0, 0.0], [0.0, 0.5]])  # (3, 2)
LINEAR_B = np.array([[0.5], [-1.0], [0.0]])  # (3, 1)


def _linear_forward_cases(rng):
    cases = [
        Case((LINEAR_A, LINEAR_W, LINEAR_B), {}, "2 inputs → 3 units, 4 examples",
              hint="Z = W @ A_prev + b is (3, 4); column j is W times example j, plus b"),
        Case((np.array([[2.0], [-1.0]]), LINEAR_W, LINEAR_B), {}, "m = 1 (a single example)"),
        Case((np.zeros((2, 4)), LINEAR_W, LINEAR_B), {}, "A_prev all zeros",
              hint="W·0 = 0, so every column of Z is b"),
        Case((np.array([[1e6, -2e6, 3e5], [4e5, 1e6, -1e6]]), LINEAR_W * 1e3, LINEAR_B * 1e6), {},
              "large magnitudes"),
        Case((np.array([[0.5, -1.0], [2.0, 1.0], [1.0, 0.0]]), np.array([[1.0, 2.0, -1.0]]), np.array([[0.25]])), {},
              "one output unit (logistic regression): W (1, 3)"),
    ]
    for k in range(3):
        n_prev, n, m = (int(v) for v in rng.integers(1, 6, size=3))
        cases.append(Case((rng.normal(size=(n_prev, m)), rng.normal(size=(n, n_prev)), rng.normal(size=(n, 1))), {},
                           f"random #{k + 1}"))
    return cases


EXERCISES.append(Exercise(
    "backprop.linear_forward", linear_forward, _linear_forward_cases,
    {
        "You left out the bias: Z = W A_prev + b.": lambda A_prev, W, b: (W @ A_prev, (A_prev, W, b)),
        "Your cache holds (W, A_prev, b); keep the order (A_prev, W, b), the order linear_backward unpacks.":
            lambda A_prev, W, b: (W @ A_prev + b, (W, A_prev, b)),
        "Your Z is (m, n_l), examples as rows (A_prevᵀ Wᵀ); in the course Z = W A_prev + b is (n_l, m).":
            lambda A_prev, W, b: (A_prev.T @ W.T + b.T, (A_prev, W, b)),
        "You return Z alone; return the pair (Z, cache) with cache = (A_prev, W, b).":
            lambda A_prev, W, b: W @ A_prev + b,
    },
))


def _linear_backward_cases(rng):
    dZ = np.array([[1.0, -2.0, 0.0, 3.0], [0.5, 1.0, -1.0, 0.0], [2.0, 0.0, 1.0, -1.0]])  # (3, 4)
    cases = [
        Case((dZ, linear_forward(LINEAR_A, LINEAR_W, LINEAR_B)[1]), {}, "3 units, 2 inputs, 4 examples",
              hint="dW = (1/m) dZ A_prevᵀ is (3, 2) like W; db = (1/m) np.sum(dZ, axis=1, keepdims=True) is (3, 1); "
                   "dA_prev = Wᵀ dZ is (2, 4) like A_prev"),
        Case((np.array([[1.0], [-2.0], [0.5]]), linear_forward(np.array([[2.0], [-1.0]]), LINEAR_W, LINEAR_B)[1]), {},
              "m = 1 (a single example)", hint="with m = 1, dW = dZ A_prevᵀ is an outer product", edge=True),
        Case((np.zeros((3, 4)), linear_forward(LINEAR_A, LINEAR_W, LINEAR_B)[1]), {}, "dZ all zeros",
              hint="every gradient is zero, but each still has its shape: dA_prev (2, 4), dW (3, 2), db (3, 1)"),
        Case((dZ * 1e4, linear_forward(LINEAR_A * 1e5, LINEAR_W * 1e3, LINEAR_B)[1]), {}, "large magnitudes"),
        Case((np.array([[0.2, -0.4, 0.6, -0.1, 0.3]]),
               linear_forward(np.array([[1.0, 0.0, 2.0, -1.0, 0.5], [0.0, 1.0, 1.0, 2.0, -2.0],
                                        [3.0, -1.0, 0.0, 1.0, 1.0]]),
                             np.array([[0.5, -1.0, 2.0]]), np.array([[0.1]]))[1]),
              {}, "one output unit, 3 inputs, 5 examples"),
    ]
    for k in range(3):
        n_prev, n, m = (int(v) for v in rng.integers(1, 6, size=3))
        cache = linear_forward(rng.normal(size=(n_prev, m)), rng.normal(size=(n, n_prev)), rng.normal(size=(n, 1)))[1]
        cases.append(Case((rng.normal(size=(n, m)), cache), {}, f"random #{k + 1}"))
    return cases


def _linear_backward_variant(dZ, cache, *, mean=True, keepdims=True, dA_transposed=False, dW_transposed=False,
                             db_axis=1, m_axis=1, dA_mean=False):
    A_prev, W, b = cache
    m = A_prev.shape[m_axis] if mean else 1
    dW = (A_prev @ dZ.T if dW_transposed else dZ @ A_prev.T) / m
    db = np.sum(dZ, axis=db_axis, keepdims=keepdims and db_axis is not None) / m
    dA_prev = dZ.T @ W if dA_transposed else W.T @ dZ
    return (dA_prev / m if dA_mean else dA_prev), dW, db


EXERCISES.append(Exercise(
    "backprop.linear_backward", linear_backward, _linear_backward_cases,
    {
        "Your dW and db are m times too large: average over the examples, dW = (1/m) dZ A_prevᵀ and "
        "db = (1/m) Σ dZ.": lambda dZ, cache: _linear_backward_variant(dZ, cache, mean=False),
        "Your db has shape (n_l,); keep it a column (n_l, 1) with np.sum(dZ, axis=1, keepdims=True).":
            lambda dZ, cache: _linear_backward_variant(dZ, cache, keepdims=False),
        "Your dA_prev is (m, n_{l−1}), the transpose (dZᵀ W); dA_prev = Wᵀ dZ is (n_{l−1}, m), shaped like "
        "A_prev.": lambda dZ, cache: _linear_backward_variant(dZ, cache, dA_transposed=True),
        "Your dW is (n_{l−1}, n_l), the transpose (A_prev dZᵀ); dW = (1/m) dZ A_prevᵀ is (n_l, n_{l−1}), "
        "shaped like W.": lambda dZ, cache: _linear_backward_variant(dZ, cache, dW_transposed=True),
        "Your db is one number: you summed over every entry of dZ; sum over the examples only, one value per "
        "unit: np.sum(dZ, axis=1, keepdims=True) / m.":
            lambda dZ, cache: _linear_backward_variant(dZ, cache, db_axis=None),
        "Your db is (1, m): you summed over the units (axis=0); sum over the examples, axis=1, to get (n_l, 1).":
            lambda dZ, cache: _linear_backward_variant(dZ, cache, db_axis=0),
        "You take m from A_prev.shape[0], the number of units of the layer below; m is the number of examples, "
        "A_prev.shape[1] (examples are columns).": lambda dZ, cache: _linear_backward_variant(dZ, cache, m_axis=0),
        "You divide dA_prev by m as well; only dW and db average over the examples. dA_prev = Wᵀ dZ keeps one "
        "column per example.": lambda dZ, cache: _linear_backward_variant(dZ, cache, dA_mean=True),
    },
))


# --- the activations, backward: dZ = dA · g'(Z) ---------------------------------------------------


def relu_backward(dA: np.ndarray, Z: np.ndarray) -> np.ndarray:
    """dZ = dA · ReLU'(Z): dA where Z > 0, 0 where Z ≤ 0; dA and Z (n_l, m), dZ (n_l, m)."""
    return dA * (Z > 0)


def sigmoid_backward(dA: np.ndarray, Z: np.ndarray) -> np.ndarray:
    """dZ = dA · σ(Z)(1 − σ(Z)); dA and Z (n_l, m), dZ (n_l, m)."""
    s = sigmoid(Z)
    return dA * s * (1.0 - s)


def tanh_backward(dA: np.ndarray, Z: np.ndarray) -> np.ndarray:
    """dZ = dA · (1 − tanh(Z)²); dA and Z (n_l, m), dZ (n_l, m)."""
    return dA * (1.0 - np.tanh(Z) ** 2)


def _activation_backward_cases(rng, zero_hint: str, large_hint: str = "") -> list[Case]:
    row = np.array([[-2.0, -0.5, 0.0, 0.5, 2.0]])
    Z32 = np.array([[-3.0, 1.0], [0.0, -0.1], [4.0, 0.0]])
    cases = [
        Case((np.array([[1.0, 2.0, 3.0, 4.0, 5.0]]), row), {}, "a (1, 5) row with Z = 0 in the middle",
              hint=zero_hint),
        Case((np.array([[0.5, -1.0], [2.0, 1.5], [-3.0, 1.0]]), Z32), {}, "a (3, 2) matrix, negative dA too",
              hint="multiply dA by g'(Z) entry by entry (*), not with a matrix product"),
        Case((np.zeros((3, 2)), Z32), {}, "dA all zeros", hint="no gradient comes in, so none goes out"),
        Case((np.array([[1.0, -2.0, 3.0, 0.5]]), np.array([[-1000.0, 1000.0, -30.0, 1e-300]])), {},
              "large and tiny magnitudes of Z", hint=large_hint, edge=True),
        Case((np.array([[2.0], [-1.0], [0.5]]), np.array([[0.7], [-1.2], [0.0]])), {}, "m = 1, 3 units"),
    ]
    for k in range(3):
        shape = (int(rng.integers(1, 5)), int(rng.integers(1, 7)))
        Z = rng.normal(size=shape) * 2
        Z[rng.random(shape) < 0.25] = 0.0  # a few exact zeros, where ReLU's slope is 0 by convention
        cases.append(Case((rng.normal(size=shape), Z), {}, f"random #{k + 1}"))
    return cases


EXERCISES.append(Exercise(
    "backprop.relu_backward", relu_backward,
    lambda rng: _activation_backward_cases(rng, "where Z = 0 exactly the gradient is blocked: it passes only where "
                                                "Z > 0 (the course's slope of ReLU at 0 is 0)",
                                           "1e-300 is tiny but still > 0, so its gradient passes"),
    {
        "You let the gradient through where Z = 0 (Z >= 0); ReLU passes it only where Z > 0.":
            lambda dA, Z: dA * (Z >= 0),
        "You return ReLU'(Z) alone; multiply it by the incoming gradient: dZ = dA · (Z > 0).":
            lambda dA, Z: (Z > 0).astype(np.float64),
        "You applied ReLU to dA (max(0, dA)); keep dA's sign and block it where Z ≤ 0: dA · (Z > 0).":
            lambda dA, Z: np.maximum(0.0, dA),
        "You multiply dA by ReLU(Z) itself; multiply by its slope, 1 where Z > 0 and 0 elsewhere.":
            lambda dA, Z: dA * np.maximum(0.0, Z),
    },
))

EXERCISES.append(Exercise(
    "backprop.sigmoid_backward", sigmoid_backward,
    lambda rng: _activation_backward_cases(rng, "σ'(0) = σ(0)(1 − σ(0)) = 1/4, so dZ = dA/4 there",
                                           "σ(−1000) = 0 and σ(1000) = 1, so the slope is 0 at both; "
                                           "use a sigmoid that does not overflow"),
    {
        "You return σ'(Z) alone; multiply it by the incoming gradient: dZ = dA · σ(Z)(1 − σ(Z)).":
            lambda dA, Z: sigmoid(Z) * (1 - sigmoid(Z)),
        "You computed dA · Z(1 − Z); the slope is σ(Z)(1 − σ(Z)): apply the sigmoid to Z first.":
            lambda dA, Z: dA * Z * (1 - Z),
        "You used tanh's slope 1 − σ(Z)²; the sigmoid's slope is σ(Z)(1 − σ(Z)).":
            lambda dA, Z: dA * (1 - sigmoid(Z) ** 2),
    },
))

EXERCISES.append(Exercise(
    "backprop.tanh_backward", tanh_backward,
    lambda rng: _activation_backward_cases(rng, "tanh'(0) = 1 − tanh(0)² = 1, so dZ = dA there",
                                           "tanh(±1000) = ±1, so the slope 1 − tanh(Z)² is 0"),
    {
        "You computed dA · (1 − Z²); the slope is 1 − tanh(Z)²: apply tanh to Z first.":
            lambda dA, Z: dA * (1 - Z**2),
        "You return tanh'(Z) alone; multiply it by the incoming gradient: dZ = dA · (1 − tanh(Z)²).":
            lambda dA, Z: 1 - np.tanh(Z) ** 2,
        "You used the sigmoid's pattern tanh(Z)(1 − tanh(Z)); the slope of tanh is 1 − tanh(Z)².":
            lambda dA, Z: dA * np.tanh(Z) * (1 - np.tanh(Z)),
        "You squared the difference, (1 − tanh(Z))²; square tanh first: dZ = dA · (1 − tanh(Z)²).":
            lambda dA, Z: dA * (1 - np.tanh(Z)) ** 2,
    },
))


# --- a whole layer: linear part, then activation ---------------------------------------------------

BACKWARD = {"sigmoid": sigmoid_backward, "relu": relu_backward, "tanh": tanh_backward}


def linear_activation_forward(A_prev: np.ndarray, W: np.ndarray, b: np.ndarray, activation: str):
    """(A, cache): Z = W A_prev + b, A = g(Z), (n_l, m); g is "sigmoid", "relu" or "tanh";
    cache = (linear_cache, Z) with linear_cache = (A_prev, W, b)."""
    Z, linear_cache = linear_forward(A_prev, W, b)
    return ACTIVATIONS[activation](Z), (linear_cache, Z)


def linear_activation_backward(dA: np.ndarray, cache: tuple, activation: str):
    """(dA_prev, dW, db) for dA (n_l, m) and cache = ((A_prev, W, b), Z): dZ = dA · g'(Z), then
    linear_backward(dZ, (A_prev, W, b))."""
    linear_cache, Z = cache
    return linear_backward(BACKWARD[activation](dA, Z), linear_cache)


LAYER_A = np.array([[1.0, 0.0, 2.0, -1.0, 1.0], [0.0, 1.0, -1.0, 1.0, 2.0]])  # (2, 5)
LAYER_W = np.array([[1.0, 1.0], [1.0, -1.0], [0.5, 0.0]])  # (3, 2); Z has exact zeros with LAYER_B
LAYER_B = np.array([[-1.0], [0.0], [-0.5]])


def _layer_cases(rng, backward: bool) -> list[Case]:
    """Cases for linear_activation_forward (A_prev, W, b, activation) or _backward (dA, cache, activation)."""
    fixed = [
        ((LAYER_A, LAYER_W, LAYER_B, "relu"), "ReLU, 2 inputs → 3 units, 5 examples, some Z exactly 0",
         "where Z ≤ 0 ReLU gives 0 (and passes no gradient back); where Z = 0 exactly, too"),
        ((LAYER_A, LAYER_W, LAYER_B, "sigmoid"), "sigmoid, 2 → 3 units, 5 examples", "σ(0) = 1/2"),
        ((LAYER_A, LAYER_W, LAYER_B, "tanh"), "tanh, 2 → 3 units, 5 examples",
         "\"tanh\" is a third activation: it needs a branch of its own"),
        ((np.array([[2.0], [-1.0], [0.5]]), np.array([[1.0, 0.0, 2.0], [-1.0, 1.0, 0.0]]), np.array([[0.5], [0.5]]),
          "relu"), "ReLU, m = 1", ""),
        ((np.array([[300.0, -400.0], [100.0, 500.0]]), np.array([[2.0, 1.0]]), np.array([[0.0]]), "sigmoid"),
         "sigmoid, large magnitudes", "Z = ±700 or so: use a sigmoid that does not overflow"),
    ]
    cases = []
    for (A_prev, W, b, activation), name, hint in fixed:
        if backward:
            A, cache = linear_activation_forward(A_prev, W, b, activation)
            dA = np.round(np.linspace(-1.5, 2.0, A.size).reshape(A.shape), 3)
            cases.append(Case((dA, cache, activation), {}, name, hint=hint, hint_for=("value", "shape", "nonfinite", "error")))
        else:
            cases.append(Case((A_prev, W, b, activation), {}, name, hint=hint, hint_for=("value", "shape", "nonfinite", "error")))
    for k in range(3):
        n_prev, n, m = (int(v) for v in rng.integers(1, 6, size=3))
        activation = ("sigmoid", "relu", "tanh")[int(rng.integers(3))]
        A_prev, W, b = rng.normal(size=(n_prev, m)), rng.normal(size=(n, n_prev)), rng.normal(size=(n, 1))
        if backward:
            cache = linear_activation_forward(A_prev, W, b, activation)[1]
            cases.append(Case((rng.normal(size=(n, m)), cache, activation), {}, f"random #{k + 1}"))
        else:
            cases.append(Case((A_prev, W, b, activation), {}, f"random #{k + 1}"))
    return cases


def _two_branches(activation: str) -> str:
    """What an if "sigmoid" / else branch computes: ReLU for everything but the sigmoid."""
    return "sigmoid" if activation == "sigmoid" else "relu"


EXERCISES.append(Exercise(
    "backprop.linear_activation_forward", linear_activation_forward, lambda rng: _layer_cases(rng, backward=False),
    {
        "You return Z as A: apply the activation, A = g(Z).":
            lambda A_prev, W, b, activation: (W @ A_prev + b, ((A_prev, W, b), W @ A_prev + b)),
        "Your cache holds A where Z belongs; cache = (linear_cache, Z): the backward pass needs g'(Z).":
            lambda A_prev, W, b, activation: (lambda A: (A, ((A_prev, W, b), A)))(
                ACTIVATIONS[activation](W @ A_prev + b)),
        "Your cache is flat (A_prev, W, b, Z); nest it as (linear_cache, Z) with linear_cache = (A_prev, W, b).":
            lambda A_prev, W, b, activation: (ACTIVATIONS[activation](W @ A_prev + b),
                                              (A_prev, W, b, W @ A_prev + b)),
        "\"tanh\" falls through to ReLU in your branches; give tanh a branch of its own (np.tanh).":
            lambda A_prev, W, b, activation: linear_activation_forward(A_prev, W, b, _two_branches(activation)),
    },
))


def _layer_backward_variant(dA, cache, activation, *, slope=True, relu_at_zero=False, mean=True):
    (A_prev, W, b), Z = cache
    if not slope:
        dZ = dA
    elif relu_at_zero and activation == "relu":
        dZ = dA * (Z >= 0)
    else:
        dZ = BACKWARD[activation](dA, Z)
    dA_prev, dW, db = linear_backward(dZ, (A_prev, W, b))
    return (dA_prev, dW, db) if mean else (dA_prev, dW * A_prev.shape[1], db * A_prev.shape[1])


EXERCISES.append(Exercise(
    "backprop.linear_activation_backward", linear_activation_backward, lambda rng: _layer_cases(rng, backward=True),
    {
        "You pass dA straight to the linear part; first go back through the activation: dZ = dA · g'(Z).":
            lambda dA, cache, activation: _layer_backward_variant(dA, cache, activation, slope=False),
        "\"tanh\" falls through to ReLU's backward in your branches; give tanh a branch of its own: "
        "dZ = dA · (1 − tanh(Z)²).":
            lambda dA, cache, activation: linear_activation_backward(dA, cache, _two_branches(activation)),
        "Your ReLU backward lets the gradient through where Z = 0 (Z >= 0); it passes only where Z > 0.":
            lambda dA, cache, activation: _layer_backward_variant(dA, cache, activation, relu_at_zero=True),
        "Your dW and db are m times too large: average over the examples, dW = (1/m) dZ A_prevᵀ and "
        "db = (1/m) Σ dZ.": lambda dA, cache, activation: _layer_backward_variant(dA, cache, activation, mean=False),
    },
))


# --- the whole network: forward, cost, backward ---------------------------------------------------


def model_forward(X: np.ndarray, parameters: dict) -> tuple[np.ndarray, list]:
    """(AL, caches): layers 1..L−1 are ReLU, layer L is sigmoid; X (n_0, m), AL (1, m) (n_L, m in general);
    caches = [cache of layer 1, ..., cache of layer L], each (linear_cache, Z) from linear_activation_forward."""
    L = len(parameters) // 2
    A, caches = X, []
    for l in range(1, L + 1):
        A, cache = linear_activation_forward(A, parameters[f"W{l}"], parameters[f"b{l}"],
                                             "sigmoid" if l == L else "relu")
        caches.append(cache)
    return A, caches


def compute_cost(AL: np.ndarray, Y: np.ndarray) -> float:
    """J = −(1/m) Σ (Y log AL + (1 − Y) log(1 − AL)), AL and Y (1, m), AL clipped to [1e-12, 1 − 1e-12]."""
    AL = np.clip(AL, CLIP, 1 - CLIP)
    return float(-np.mean(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)))


def model_backward(AL: np.ndarray, Y: np.ndarray, caches: list) -> dict:
    """{"dA{l−1}", "dW{l}", "db{l}" for l = L..1} for AL, Y (1, m) and caches from model_forward: the gradients
    of the cross-entropy cost, from dZ[L] = AL − Y at the sigmoid layer L, then back through the ReLU layers.

    dZ[L] = AL − Y is dAL = −(Y/AL − (1 − Y)/(1 − AL)) taken back through the sigmoid, σ'(Z[L]) = AL(1 − AL),
    with the fraction cancelled. The two agree to round-off while 0 < AL < 1; once AL rounds to exactly 1.0
    (Z[L] above about 37; 0.0 needs Z[L] below about −745), dAL divides 0 by 0, and only AL − Y, the exact
    gradient of the cost, stays finite.
    """
    L = len(caches)
    grads = {}
    dZ = AL - Y
    linear_cache, _ = caches[L - 1]
    dA, grads[f"dW{L}"], grads[f"db{L}"] = linear_backward(dZ, linear_cache)
    grads[f"dA{L - 1}"] = dA
    for l in range(L - 1, 0, -1):
        dA, grads[f"dW{l}"], grads[f"db{l}"] = linear_activation_backward(dA, caches[l - 1], "relu")
        grads[f"dA{l - 1}"] = dA
    return grads


def _one_layer_network():
    X = np.array([[1.0, -2.0, 0.5, 3.0], [2.0, 1.0, -1.0, 0.0], [0.0, 1.0, 1.0, -1.0]])
    return X, {"W1": np.array([[0.5, -0.25, 1.0]]), "b1": np.array([[0.1]])}


def _two_layer_network():
    """[3, 2, 1] with m = 1 and a hidden Z exactly 0."""
    X = np.array([[1.0], [2.0], [-1.0]])
    return X, {"W1": np.array([[1.0, -0.5, 0.0], [0.5, 0.5, 1.0]]), "b1": np.array([[0.0], [0.5]]),
               "W2": np.array([[-1.0, 2.0]]), "b2": np.array([[0.25]])}


def _scaled(parameters: dict, factor: float) -> dict:
    return {k: v * factor for k, v in parameters.items()}


def _model_forward_cases(rng):
    cases = [
        Case((NOTES_X, NOTES_PARAMETERS), {}, "the notes' network [2, 4, 3, 1], 3 examples",
              hint="L = len(parameters) // 2 = 3 layers: ReLU, ReLU, then sigmoid; caches holds one cache per layer"),
        Case(_one_layer_network(), {}, "one layer (logistic regression), L = 1",
              hint="with L = 1 the only layer is the output layer, so it uses the sigmoid"),
        Case(_two_layer_network(), {}, "[3, 2, 1], m = 1"),
        Case((NOTES_X, _scaled(NOTES_PARAMETERS, 0.0)), {}, "all parameters zero",
              hint="every Z is 0: the hidden layers give ReLU(0) = 0 and the output σ(0) = 1/2"),
        Case((NOTES_X * 10, _scaled(NOTES_PARAMETERS, 10.0)), {}, "large magnitudes",
              hint="the output Z reaches several hundred: use a sigmoid that does not overflow", edge=True),
    ]
    for k in range(3):
        dims = _random_dims(rng)
        cases.append(Case(_random_network(rng, dims, int(rng.integers(1, 6))), {}, f"random #{k + 1}"))
    return cases


def _forward_variant(X, parameters, *, hidden="relu", output="sigmoid", keep_last=True):
    L = len(parameters) // 2
    A, caches = X, []
    for l in range(1, L + 1):
        A, cache = linear_activation_forward(A, parameters[f"W{l}"], parameters[f"b{l}"], output if l == L else hidden)
        if l < L or keep_last:
            caches.append(cache)
    return A, caches


EXERCISES.append(Exercise(
    "backprop.model_forward", model_forward, _model_forward_cases,
    {
        "Your output layer uses ReLU; the hidden layers 1..L−1 use ReLU and the output layer L the sigmoid, so "
        "AL is a probability.": lambda X, parameters: _forward_variant(X, parameters, output="relu"),
        "You use the sigmoid in every layer; the hidden layers 1..L−1 use ReLU, only layer L the sigmoid.":
            lambda X, parameters: _forward_variant(X, parameters, hidden="sigmoid"),
        "Your caches miss the output layer's cache; append the cache of every layer 1..L, the last one too.":
            lambda X, parameters: _forward_variant(X, parameters, keep_last=False),
    },
))


def _compute_cost_cases(rng):
    cases = [
        Case((np.array([[0.92, 0.09, 0.03, 0.94]]), np.array([[1.0, 1.0, 0.0, 0.0]])), {},
              "the notes' four predictions",
              hint="−(log 0.92 + log 0.09 + log 0.97 + log 0.06)/4: each term is −log of the probability given "
                   "to the true label"),
        Case((np.array([[0.5, 0.5, 0.5]]), np.array([[1.0, 0.0, 1.0]])), {}, "AL = 1/2 everywhere",
              hint="every example costs −log(1/2) = log 2 ≈ 0.693"),
        Case((np.array([[0.8]]), np.array([[1.0]])), {}, "m = 1"),
        Case((np.array([[1.0, 0.0]]), np.array([[1.0, 0.0]])), {}, "AL exactly 1 and 0, both right",
              hint="log(0) = −inf and 0·(−inf) = nan: clip AL to [1e-12, 1 − 1e-12] first", edge=True),
        Case((np.array([[0.0, 1.0, 0.5]]), np.array([[1.0, 0.0, 1.0]])), {}, "AL exactly 0 and 1, both wrong",
              hint="with AL clipped to [1e-12, 1 − 1e-12] a certain mistake costs −log(1e-12) ≈ 27.6", edge=True),
    ]
    for k in range(3):
        m = int(rng.integers(1, 9))
        cases.append(Case((rng.uniform(0.02, 0.98, size=(1, m)), rng.integers(0, 2, size=(1, m)).astype(np.float64)),
                           {}, f"random #{k + 1}"))
    return cases


def _cost_unclipped(AL, Y):
    with np.errstate(all="ignore"):
        return float(-np.mean(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)))


EXERCISES.append(Exercise(
    "backprop.compute_cost", compute_cost, _compute_cost_cases,
    {
        "The minus sign in front is missing, so your cost is negative: J = −(1/m) Σ (...).":
            lambda AL, Y: -compute_cost(AL, Y),
        "You sum over the examples; the cost is their mean (divide by m).":
            lambda AL, Y: compute_cost(AL, Y) * Y.shape[1],
        "You do not clip AL, so AL = 0 or 1 gives log(0) = −inf (and 0·(−inf) = nan); clip AL to "
        "[1e-12, 1 − 1e-12] first.": _cost_unclipped,
        "The (1 − Y) log(1 − AL) term is missing, so examples with Y = 0 cost nothing.":
            lambda AL, Y: float(-np.mean(Y * np.log(np.clip(AL, CLIP, 1 - CLIP)))),
        "Your cost is a (1, 1) array (from np.dot); turn it into a plain number with float(...).":
            lambda AL, Y: np.array([[compute_cost(AL, Y)]]),
    },
    # AL = 1 with Y = 0 costs −log(1 − (1 − 1e-12)) ≈ 27.6310; clipping 1 − AL at 1e-12 instead of AL gives
    # −log(1e-12) ≈ 27.6311 (1 − 1e-12 is not exact in floats). Both are right, so allow rtol 1e-5.
    tolerance=Tolerance(rtol=1e-5, atol=1e-9),
))


def _model_backward_cases(rng):
    cases = []
    fixed = [
        ((NOTES_X, NOTES_PARAMETERS), NOTES_Y, "the notes' network [2, 4, 3, 1], 3 examples",
         "start from dAL = −(Y/AL − (1 − Y)/(1 − AL)); layer 3 goes back through the sigmoid, layers 2 and 1 "
         "through ReLU; grads holds dA2, dW3, db3, dA1, dW2, db2, dA0, dW1, db1"),
        (_one_layer_network(), np.array([[1.0, 0.0, 0.0, 1.0]]), "one layer (logistic regression), L = 1",
         "the only layer is the sigmoid output: dZ1 = AL − Y, and grads holds dA0, dW1, db1"),
        (_two_layer_network(), np.array([[1.0]]), "[3, 2, 1], m = 1, a hidden Z exactly 0",
         "ReLU passes no gradient where Z = 0"),
        ((NOTES_X, _scaled(NOTES_PARAMETERS, 0.0)), np.array([[1.0, 0.0, 0.0]]), "all parameters zero",
         "AL = 1/2 everywhere; the hidden Z are all 0, so ReLU blocks every gradient below layer L"),
    ]
    for (X, parameters), Y, name, hint in fixed:
        AL, caches = model_forward(X, parameters)
        cases.append(Case((AL, Y, caches), {}, name, hint=hint))
    for k in range(3):
        dims = _random_dims(rng)
        m = int(rng.integers(1, 6))
        X, parameters = _random_network(rng, dims, m)
        AL, caches = model_forward(X, parameters)
        cases.append(Case((AL, rng.integers(0, 2, size=(1, m)).astype(np.float64), caches), {}, f"random #{k + 1}"))
    return cases


def _backward_variant(AL, Y, caches, *, start="cost", hidden="relu", output="sigmoid", shift=0, keep_dA0=True):
    L = len(caches)
    grads = {}
    if start == "dZ":
        dA = AL - Y
    elif start == "flipped":
        dA = Y / AL - (1 - Y) / (1 - AL)
    else:
        dA = -(Y / AL - (1 - Y) / (1 - AL))
    for l in range(L, 0, -1):
        activation = output if l == L else hidden
        dA, grads[f"dW{l}"], grads[f"db{l}"] = linear_activation_backward(dA, caches[l - 1], activation)
        if l > 1 or keep_dA0:
            grads[f"dA{l - 1 + shift}"] = dA
    return grads


EXERCISES.append(Exercise(
    "backprop.model_backward", model_backward, _model_backward_cases,
    {
        "You start from dAL = AL − Y and then go back through the sigmoid as well; AL − Y is already dZL. Start "
        "from dAL = −(Y/AL − (1 − Y)/(1 − AL)) (or use dZL = AL − Y and skip the sigmoid's backward).":
            lambda AL, Y, caches: _backward_variant(AL, Y, caches, start="dZ"),
        "Your dAL has the wrong sign: dAL = −(Y/AL − (1 − Y)/(1 − AL)).":
            lambda AL, Y, caches: _backward_variant(AL, Y, caches, start="flipped"),
        "Your dA keys are one too high (dA1..dAL); layer l's backward gives dA{l−1}, the gradient of its input, "
        "so the keys run dA0..dA{L−1}.": lambda AL, Y, caches: _backward_variant(AL, Y, caches, shift=1),
        "grads has no \"dA0\"; store the gradient of the input, dA0 = W1ᵀ dZ1, too.":
            lambda AL, Y, caches: _backward_variant(AL, Y, caches, keep_dA0=False),
        "You go back through ReLU at the output layer; layer L is the sigmoid layer, layers 1..L−1 are ReLU.":
            lambda AL, Y, caches: _backward_variant(AL, Y, caches, output="relu"),
        "You go back through the sigmoid in every layer; layers 1..L−1 are ReLU, only layer L is the sigmoid.":
            lambda AL, Y, caches: _backward_variant(AL, Y, caches, hidden="sigmoid"),
    },
))


# --- one step of gradient descent -----------------------------------------------------------------


def update_parameters(parameters: dict, grads: dict, lr: float) -> dict:
    """A new dict with W[l] − lr·dW[l] and b[l] − lr·db[l] for l = 1..L; parameters and grads stay unchanged."""
    L = len(parameters) // 2
    updated = {}
    for l in range(1, L + 1):
        updated[f"W{l}"] = parameters[f"W{l}"] - lr * grads[f"dW{l}"]
        updated[f"b{l}"] = parameters[f"b{l}"] - lr * grads[f"db{l}"]
    return updated


def _gradients(X, parameters, Y):
    AL, caches = model_forward(X, parameters)
    return model_backward(AL, Y, caches)


def _update_parameters_cases(rng):
    notes_grads = _gradients(NOTES_X, NOTES_PARAMETERS, NOTES_Y)
    X1, one_layer = _one_layer_network()
    cases = [
        Case((NOTES_PARAMETERS, notes_grads, 0.1), {}, "the notes' network [2, 4, 3, 1], lr = 0.1",
              hint="grads also holds dA0, dA1, dA2, which are not used; update every W and every b, "
                   "L = len(parameters) // 2", hint_for=("value", "shape", "error")),
        Case((one_layer, _gradients(X1, one_layer, np.array([[1.0, 0.0, 0.0, 1.0]])), 1.0), {},
              "one layer, lr = 1", hint="W1 − 1·dW1 and b1 − 1·db1"),
        Case((NOTES_PARAMETERS, notes_grads, 0.0), {}, "lr = 0", hint="a step of size 0 leaves every value as it is"),
        Case((NOTES_PARAMETERS, {k: np.zeros_like(v) for k, v in notes_grads.items()}, 0.5), {}, "zero gradients"),
        Case((_scaled(NOTES_PARAMETERS, 1e3), {k: v * 1e4 for k, v in notes_grads.items()}, 0.5), {},
              "large magnitudes, lr = 0.5"),
    ]
    for k in range(3):
        dims = _random_dims(rng)
        m = int(rng.integers(1, 6))
        X, parameters = _random_network(rng, dims, m)
        grads = _gradients(X, parameters, rng.integers(0, 2, size=(1, m)).astype(np.float64))
        cases.append(Case((parameters, grads, float(np.round(rng.uniform(0.01, 1.0), 3))), {}, f"random #{k + 1}"))
    return cases


def _update_variant(parameters, grads, lr, *, sign=-1.0, layers_off=0, biases=True):
    L = len(parameters) // 2
    updated = {k: v.copy() for k, v in parameters.items()}
    for l in range(1, L + 1 - layers_off):
        updated[f"W{l}"] = parameters[f"W{l}"] + sign * lr * grads[f"dW{l}"]
        if biases:
            updated[f"b{l}"] = parameters[f"b{l}"] + sign * lr * grads[f"db{l}"]
    return updated


EXERCISES.append(Exercise(
    "backprop.update_parameters", update_parameters, _update_parameters_cases,
    {
        "You step uphill (W + lr·dW); gradient descent subtracts: W − lr·dW, b − lr·db.":
            lambda parameters, grads, lr: _update_variant(parameters, grads, lr, sign=1.0),
        "You leave the last layer out (range(1, L)); update layers 1..L: range(1, L + 1).":
            lambda parameters, grads, lr: _update_variant(parameters, grads, lr, layers_off=1),
        "You update only the weights; the biases take a step too: b − lr·db.":
            lambda parameters, grads, lr: _update_variant(parameters, grads, lr, biases=False),
    },
))


# --- a softmax output layer: dZ = A − Y (in _backprop_softmax.py) ---------------------------------

EXERCISES.extend(_backprop_softmax.EXERCISES)

"""Notebook 04, last section — a softmax output layer with the cross-entropy loss: reference, cases, mistakes.

A part of the topic module `backprop` (which registers these exercises after its own, in notebook order), kept
in its own file so that no module grows past ~800 lines. Examples are columns: logits Z and probabilities
A = softmax(Z) are (C, m), the labels Y one-hot (C, m).
"""

from __future__ import annotations

import numpy as np

from .grader import Case, Exercise

EXERCISES: list[Exercise] = []


# --- softmax with cross-entropy, backward: dZ = A − Y ---------------------------------------------


def softmax_cross_entropy_backward(A: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """dZ = A − Y, (C, m), for A = softmax(Z) (C, m) and one-hot labels Y (C, m).

    Column j is ∂𝓛/∂z for example j's own loss 𝓛 = −Σ_k Y[k, j] ln A[k, j]: the softmax Jacobian
    diag(a) − a aᵀ times ∂𝓛/∂a = −y/a collapses to a − y because the entries of y add up to 1. There is no
    1/m, as for dZ[L] = A[L] − Y with the sigmoid: the average over the examples comes in dW = (1/m) dZ A_prevᵀ
    and db. Nothing is divided by A, so probabilities of exactly 0 or 1 are fine.
    """
    return np.asarray(A, dtype=np.float64) - np.asarray(Y, dtype=np.float64)


def _softmax(Z: np.ndarray) -> np.ndarray:
    """Column-wise softmax, for making cases (written here: the cases hand no reference code to students)."""
    e = np.exp(Z - Z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def _one_hot(labels, n_classes: int) -> np.ndarray:
    Y = np.zeros((n_classes, len(labels)))
    Y[np.asarray(labels), np.arange(len(labels))] = 1.0
    return Y


def _softmax_cross_entropy_cases(rng):
    # 3 classes, 5 examples: probabilities with two decimals, so the feedback shows numbers one can check by eye.
    A35 = np.array([[0.70, 0.10, 0.25, 0.05, 0.40], [0.20, 0.60, 0.25, 0.15, 0.35], [0.10, 0.30, 0.50, 0.80, 0.25]])
    cases = [
        Case((np.array([[0.775], [0.126], [0.039], [0.070]]), _one_hot([0], 4)), {},
             "the notes' example (one example, 4 classes, the first is true)",
             hint="dZ = A − Y: the true class's entry is 0.775 − 1 = −0.225, the others keep their probability"),
        Case((A35, _one_hot([0, 1, 2, 2, 0], 3)), {}, "3 classes, 5 examples",
             hint="one column per example, no 1/m: dW = (1/m) dZ A_prevᵀ averages over the examples later"),
        Case((_one_hot([2, 0, 1, 1], 3), _one_hot([2, 0, 1, 1], 3)), {}, "perfect predictions (A = Y)",
             hint="every prediction is right and certain, so the gradient is 0 everywhere", edge=True),
        Case((np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]]), _one_hot([1, 2], 3)), {},
             "certain and wrong: probabilities of exactly 0 and 1",
             hint="A − Y divides by nothing, so exact 0s and 1s are fine; going through ∂𝓛/∂A = −Y/A would divide "
                  "by 0 here", edge=True),
        Case((np.array([[0.8, 0.3, 0.5], [0.2, 0.7, 0.5]]), _one_hot([0, 0, 1], 2)), {}, "two classes (C = 2)",
             hint="with C = 2 the first row is the sigmoid's a − y, and the second row is its negative"),
        Case((np.array([[0.2], [0.5], [0.3]]), _one_hot([2], 3)), {}, "m = 1, 3 classes", edge=True),
    ]
    for k in range(3):
        n_classes, m = int(rng.integers(2, 7)), int(rng.integers(1, 9))
        A = _softmax(rng.normal(size=(n_classes, m)) * 2)
        cases.append(Case((A, _one_hot(rng.integers(0, n_classes, size=m), n_classes)), {}, f"random #{k + 1}"))
    return cases


def _through_softmax_entrywise(A, Y):
    """∂𝓛/∂A = −Y/A times a(1 − a), the sigmoid's slope, entry by entry: −Y(1 − A) = Y(A − 1)."""
    return Y * (A - 1.0)


def _cross_entropy_gradient_only(A, Y):
    """∂𝓛/∂A = −Y/A, without going back through the softmax."""
    with np.errstate(all="ignore"):
        return -Y / A


EXERCISES.append(Exercise(
    "backprop.softmax_cross_entropy_backward", softmax_cross_entropy_backward, _softmax_cross_entropy_cases,
    {
        "The sign is flipped: dZ = A − Y (predicted minus true), not Y − A.": lambda A, Y: Y - A,
        "You divide by m; dZ has no 1/m (as dZ[L] = A[L] − Y with the sigmoid): the average over the examples "
        "comes later, in dW = (1/m) dZ A_prevᵀ and db.": lambda A, Y: (A - Y) / A.shape[1],
        "Your dZ is nonzero only in the true class's row, Y(A − 1): that is −Y/A times a(1 − a), as if softmax "
        "worked entry by entry like the sigmoid. Each probability depends on every logit; the full Jacobian "
        "gives A − Y in every row.": _through_softmax_entrywise,
        "You return ∂𝓛/∂A = −Y/A; go on back through the softmax: with its Jacobian, −Y/A becomes dZ = A − Y.":
            _cross_entropy_gradient_only,
    },
))

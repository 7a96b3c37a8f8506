"""Gradient checking: compare an analytic gradient with a central-difference estimate.

Notebook 01 has students write these three functions; later notebooks use these versions to check
their backward passes.
"""

from __future__ import annotations

from typing import Callable

import numpy as np


def numerical_gradient(f: Callable[[np.ndarray], float], x: np.ndarray, h: float = 1e-5) -> np.ndarray:
    """Central-difference gradient of a scalar function: grad[i] = (f(x + h e_i) - f(x - h e_i)) / 2h.

    x: any shape; the result has the same shape. x is restored exactly after each probe.
    """
    x = np.asarray(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        saved = x[index]
        x[index] = saved + h
        f_plus = f(x)
        x[index] = saved - h
        f_minus = f(x)
        x[index] = saved  # put the exact old value back: saved + h - h need not equal saved
        grad[index] = (f_plus - f_minus) / (2 * h)
    return grad


def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    """||a - b|| / (||a|| + ||b||) with Euclidean norms over all entries; 0.0 when both are zero."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    denominator = np.linalg.norm(a) + np.linalg.norm(b)
    if denominator == 0.0:
        return 0.0
    return float(np.linalg.norm(a - b) / denominator)


def gradient_check(f: Callable, grad_f: Callable, x: np.ndarray, h: float = 1e-5) -> float:
    """Relative error between the analytic gradient grad_f(x) and the central-difference estimate.

    Rough guide: below 1e-7 the gradient is right; around 1e-5 look closer; above 1e-3 it is wrong.
    """
    return relative_error(grad_f(x), numerical_gradient(f, x, h))

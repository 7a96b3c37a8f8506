"""Notebook 08 — batch normalization: references, cases and known mistakes.

Examples are columns: a layer's pre-activations Z are (n, m), n units and m examples. Batch norm takes
its statistics over the batch (axis 1), one mean and one variance per unit; layer norm over the units
of each example (axis 0). γ, β and the running statistics are columns (n, 1). Every layer is a pair,
`*_forward(...) -> (out, cache)` and `*_backward(dout, cache) -> grads`, side by side.

The notes (002) write the normalisation with √(σ² − ε) and the variance without its square; the
course uses the population variance, the mean of the squared deviations, and divides by √(σ² + ε).
Every exercise is checked on a batch with a unit that is constant over the batch (σ² = 0), where the
notes' √(0 − ε) is nan.

Each exercise reads top to bottom: the reference, the cases it is checked on (fixed ones first, then
random ones), the mistakes students make, and its `Exercise`.
"""

from __future__ import annotations

import numpy as np

from .compare import Tolerance
from .grader import Case, Exercise

EXERCISES: list[Exercise] = []
# Normalisation divides by √(σ² + ε); with σ² = 0 that amplifies rounding by 1/√ε ≈ 316, and a correct
# answer computed in another order still agrees to about 1e-12. 1e-7 is tight enough that ε placed
# outside the root (a relative change of about ε/σ = 1e-5) cannot pass.
TIGHT = Tolerance(rtol=1e-7, atol=1e-9)

# The notes' network [2, 4, 3, 1] (notebook 04): the pre-activations Z[1] of its first layer on its
# three examples. Units 1, 2 and 4 hold an exact 0; a small batch a student can follow by hand.
NOTES_Z1 = np.array([[0.0, 2.0, -3.0], [1.5, 0.0, 2.5], [-0.5, -1.5, 1.5], [3.0, 4.0, 0.0]])
NOTES_GAMMA = np.array([[1.0], [2.0], [0.5], [-1.0]])
NOTES_BETA = np.array([[0.0], [1.0], [-0.5], [0.25]])

# A batch of 5 examples in which unit 2 is constant (σ² = 0: the notes' √(σ² − ε) is nan there).
CONSTANT_UNIT = np.array([[1.0, 2.0, 4.0, -1.0, 0.5], [3.0, 3.0, 3.0, 3.0, 3.0], [0.2, -0.7, 0.1, 0.9, -0.4]])


def _columns(rng, n: int, low: float = 0.5, high: float = 2.0) -> tuple[np.ndarray, np.ndarray]:
    """(γ, β), both (n, 1), γ of either sign."""
    gamma = rng.uniform(low, high, size=(n, 1)) * rng.choice([-1.0, 1.0], size=(n, 1))
    return gamma, rng.normal(size=(n, 1))


def _batch(rng, constant_unit: bool = True) -> np.ndarray:
    """A random (n, m) batch with 2 ≤ n ≤ 5, 2 ≤ m ≤ 7, n ≠ m, units of different scales and offsets."""
    n = int(rng.integers(2, 6))
    m = int(rng.choice([k for k in range(2, 8) if k != n]))
    Z = rng.normal(size=(n, m)) * rng.uniform(0.2, 5.0, size=(n, 1)) + rng.normal(scale=3.0, size=(n, 1))
    if constant_unit:
        Z[int(rng.integers(n))] = float(np.round(rng.normal(), 2))
    return Z


# --- batch norm in training mode ------------------------------------------------------------------


def batchnorm_forward(Z: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float = 1e-5) -> tuple[np.ndarray, tuple]:
    """(out, cache) for Z (n, m), γ and β (n, 1): μ and σ² over the batch (axis 1, population variance),
    Ẑ = (Z − μ)/√(σ² + ε), out = γẐ + β; cache = (Z, Z_hat, mu, var, gamma, beta, eps)."""
    mu = np.mean(Z, axis=1, keepdims=True)
    var = np.mean((Z - mu) ** 2, axis=1, keepdims=True)
    Z_hat = (Z - mu) / np.sqrt(var + eps)
    return gamma * Z_hat + beta, (Z, Z_hat, mu, var, gamma, beta, eps)


def _batchnorm_forward_cases(rng):
    cases = [
        Case((NOTES_Z1, NOTES_GAMMA, NOTES_BETA), {}, "the notes' network [2, 4, 3, 1]: Z[1] of its 3 examples",
              hint="μ and σ² are per unit (per row), over the 3 examples: np.mean(..., axis=1, keepdims=True); "
                   "σ² is the mean of the squared deviations (divide by m, not m − 1)"),
        Case((CONSTANT_UNIT, np.array([[1.0], [1.0], [1.0]]), np.zeros((3, 1))), {},
              "unit 2 constant over the batch (σ² = 0), γ = 1, β = 0", edge=True,
              hint="σ² = 0 for unit 2, so Ẑ = 0/√(0 + ε) = 0 there; the notes' √(σ² − ε) would take the root "
                   "of a negative number"),
        Case((CONSTANT_UNIT, np.array([[2.0], [-1.0], [0.5]]), np.array([[0.5], [1.0], [-2.0]])), {"eps": 1e-3},
              "eps = 1e-3 given",
              hint="use the eps you are given, inside the root: √(σ² + eps)"),
        Case((np.array([[2.0], [-1.0], [0.5]]), np.array([[1.5], [2.0], [-1.0]]), np.array([[0.1], [0.2], [0.3]])),
              {}, "a batch of one example (m = 1)", edge=True,
              hint="with one example every unit is constant over the batch: μ = Z, σ² = 0, Ẑ = 0 and out = β"),
        Case((np.array([[1000.0, 1002.0, 998.0, 1001.0], [-5e3, 5e3, 0.0, 2.5e3]]), np.array([[1.0], [0.5]]),
               np.array([[0.0], [10.0]])), {}, "large offsets and scales, n = 2, m = 4", edge=True,
              hint="subtract the mean first, then square: np.mean((Z - mu) ** 2, ...)"),
    ]
    for k in range(3):
        Z = _batch(rng, constant_unit=k == 0)
        gamma, beta = _columns(rng, Z.shape[0])
        cases.append(Case((Z, gamma, beta), {}, f"random #{k + 1}"))
    return cases


def _bn_forward_variant(Z, gamma, beta, eps=1e-5, *, axis=1, ddof=0, minus_eps=False, eps_outside=False,
                        no_square=False, affine=True, cache_order=None):
    """batchnorm_forward (or layer norm with axis=0) with one mistake switched on."""
    with np.errstate(all="ignore"):
        mu = np.mean(Z, axis=axis, keepdims=True)
        deviations = Z - mu
        count = Z.shape[axis] - ddof
        var = np.sum(deviations if no_square else deviations**2, axis=axis, keepdims=True) / count
        if eps_outside:
            Z_hat = deviations / (np.sqrt(var) + eps)
        else:
            Z_hat = deviations / np.sqrt(var - eps if minus_eps else var + eps)
    out = gamma * Z_hat + beta if affine else Z_hat
    cache = (Z, Z_hat, mu, var, gamma, beta, eps)
    return out, cache if cache_order is None else tuple(cache[i] for i in cache_order)


def _bn_forward_mistake(**mistake):
    return lambda Z, gamma, beta, eps=1e-5: _bn_forward_variant(Z, gamma, beta, eps, **mistake)


EXERCISES.append(Exercise(
    "batchnorm.batchnorm_forward", batchnorm_forward, _batchnorm_forward_cases,
    {
        "You divide by √(σ² − ε), as the notes (002) print it; it is √(σ² + ε): ε keeps the root away from 0, "
        "and σ² − ε is negative for a unit that is constant over the batch.": _bn_forward_mistake(minus_eps=True),
        "Your variance sums the deviations without squaring them (the notes' formula (2)), which is always 0; "
        "σ² is the mean of the squared deviations, np.mean((Z - mu) ** 2, axis=1, keepdims=True).":
            _bn_forward_mistake(no_square=True),
        "You take the statistics over the units of each example (axis 0), which is layer norm; batch norm "
        "averages each unit over the batch, axis=1.": _bn_forward_mistake(axis=0),
        "You divide the squared deviations by m − 1 (the sample variance, ddof=1); batch norm uses the mean, "
        "divide by m.": _bn_forward_mistake(ddof=1),
        "You add ε outside the root, (Z − μ)/(√σ² + ε); the formula is (Z − μ)/√(σ² + ε).":
            _bn_forward_mistake(eps_outside=True),
        "You return Ẑ; the layer's output is γẐ + β (γ and β let the network undo the normalisation).":
            _bn_forward_mistake(affine=False),
        "Your cache holds (Z, mu, var, Z_hat, ...); keep the order (Z, Z_hat, mu, var, gamma, beta, eps), the "
        "order batchnorm_backward unpacks.": _bn_forward_mistake(cache_order=(0, 2, 3, 1, 4, 5, 6)),
    },
    tolerance=TIGHT,
))


def batchnorm_backward(dout: np.ndarray, cache: tuple) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(dZ, dgamma, dbeta) for dout (n, m) and the cache of batchnorm_forward: dβ = Σ_batch dout,
    dγ = Σ_batch dout·Ẑ (both (n, 1)), and with dẐ = γ·dout,
    dZ = (1/m)/√(σ² + ε) · (m dẐ − Σ_batch dẐ − Ẑ Σ_batch dẐ·Ẑ)."""
    Z, Z_hat, mu, var, gamma, beta, eps = cache
    m = Z.shape[1]
    dbeta = np.sum(dout, axis=1, keepdims=True)
    dgamma = np.sum(dout * Z_hat, axis=1, keepdims=True)
    dZ_hat = dout * gamma
    dZ = (m * dZ_hat - np.sum(dZ_hat, axis=1, keepdims=True)
          - Z_hat * np.sum(dZ_hat * Z_hat, axis=1, keepdims=True)) / (m * np.sqrt(var + eps))
    return dZ, dgamma, dbeta


def _backward_cases(rng, forward):
    """Cases for a normalisation's backward: (dout, cache) with caches made by the reference forward."""
    fixed = [
        ((NOTES_Z1, NOTES_GAMMA, NOTES_BETA), {}, np.array([[1.0, -1.0, 0.5], [0.0, 2.0, -1.0], [0.5, 0.5, 0.5],
                                                           [-2.0, 1.0, 1.0]]),
         "the notes' network [2, 4, 3, 1]: Z[1] of its 3 examples",
         "dβ = Σ dout and dγ = Σ dout·Ẑ are summed over the batch (axis 1), one entry per unit, (n, 1); dZ has "
         "three terms because μ and σ² depend on every entry they were computed from"),
        ((CONSTANT_UNIT, np.array([[2.0], [-1.0], [0.5]]), np.array([[0.5], [1.0], [-2.0]])), {},
         np.array([[0.3, -0.2, 0.1, 0.0, 0.4], [1.0, -2.0, 0.5, 0.25, 0.0], [-0.6, 0.2, 0.9, -0.1, 0.3]]),
         "a unit constant over the batch (σ² = 0)", "divide by √(σ² + ε), with the ε the cache holds"),
        ((CONSTANT_UNIT, np.ones((3, 1)), np.zeros((3, 1))), {"eps": 1e-2},
         np.array([[1.0, 0.0, -1.0, 2.0, 0.5], [0.1, 0.2, 0.3, 0.4, 0.5], [0.0, 0.0, 1.0, 0.0, 0.0]]),
         "eps = 1e-2 in the cache", "take eps from the cache, not the default 1e-5"),
        ((np.array([[1.0, 3.0, -2.0, 0.0], [10.0, 12.0, 11.0, 9.0]]), np.array([[0.5], [-2.0]]), np.zeros((2, 1))), {},
         np.ones((2, 4)), "dout all ones",
         "dβ = Σ dout over the batch is m = 4 for every unit"),
    ]
    cases = []
    for args, kwargs, dout, case_name, hint in fixed:
        cases.append(Case((dout, forward(*args, **kwargs)[1]), {}, case_name, hint=hint, edge="σ² = 0" in case_name))
    for k in range(3):
        Z = _batch(rng, constant_unit=k == 0)
        gamma, beta = _columns(rng, Z.shape[0])
        cases.append(Case((rng.normal(size=Z.shape), forward(Z, gamma, beta)[1]), {}, f"random #{k + 1}"))
    return cases


def _norm_backward_variant(dout, cache, *, axis=1, constant_stats=False, mean_path_only=False, no_gamma=False,
                           averaged=False, raw_Z=False, keepdims=True, params_axis=1):
    """The backward pass of batch norm (axis 1) or layer norm (axis 0) with one mistake switched on."""
    Z, Z_hat, mu, var, gamma, beta, eps = cache
    count = Z.shape[axis]
    scale = Z.shape[params_axis] if averaged else 1
    dbeta = np.sum(dout, axis=params_axis, keepdims=keepdims) / scale
    dgamma = np.sum(dout * (Z if raw_Z else Z_hat), axis=params_axis, keepdims=keepdims) / scale
    dZ_hat = dout if no_gamma else dout * gamma
    root = np.sqrt(var + eps)
    if constant_stats:
        dZ = dZ_hat / root
    elif mean_path_only:
        dZ = (dZ_hat - np.mean(dZ_hat, axis=axis, keepdims=True)) / root
    else:
        dZ = (count * dZ_hat - np.sum(dZ_hat, axis=axis, keepdims=True)
              - Z_hat * np.sum(dZ_hat * Z_hat, axis=axis, keepdims=True)) / (count * root)
    return dZ, dgamma, dbeta


def _bn_backward_mistake(**mistake):
    return lambda dout, cache: _norm_backward_variant(dout, cache, **mistake)


EXERCISES.append(Exercise(
    "batchnorm.batchnorm_backward", batchnorm_backward, lambda rng: _backward_cases(rng, batchnorm_forward),
    {
        "You treat μ and σ² as constants (dZ = γ·dout/√(σ² + ε)); they are computed from Z, so dZ has two more "
        "terms: subtract the batch mean of dẐ and Ẑ times the batch mean of dẐ·Ẑ.":
            _bn_backward_mistake(constant_stats=True),
        "Your dZ follows μ but not σ² back to Z: it lacks the term −Ẑ·mean(dẐ·Ẑ) that comes through the variance.":
            _bn_backward_mistake(mean_path_only=True),
        "Your dZ is missing the factor γ: the output is γẐ + β, so dẐ = γ·dout.": _bn_backward_mistake(no_gamma=True),
        "Your dγ and dβ are averaged over the batch; they are sums, dβ = Σ dout and dγ = Σ dout·Ẑ (any 1/m is "
        "already in dout).": _bn_backward_mistake(averaged=True),
        "Your dγ multiplies dout by Z; it is Σ dout·Ẑ, with the normalised Ẑ from the cache.":
            _bn_backward_mistake(raw_Z=True),
        "Your dγ and dβ have shape (n,); keep them columns (n, 1) like γ and β: keepdims=True.":
            _bn_backward_mistake(keepdims=False),
    },
    tolerance=TIGHT,
))


# --- running statistics and evaluation ------------------------------------------------------------


def update_running_stats(running_mean: np.ndarray, running_var: np.ndarray, batch_mean: np.ndarray,
                         batch_var: np.ndarray, momentum: float = 0.9) -> tuple[np.ndarray, np.ndarray]:
    """(new running mean, new running var), each momentum·running + (1 − momentum)·batch, all (n, 1)."""
    return (momentum * running_mean + (1 - momentum) * batch_mean,
            momentum * running_var + (1 - momentum) * batch_var)


def _update_running_stats_cases(rng):
    mean, var = np.array([[0.0], [1.0], [-2.0]]), np.array([[1.0], [0.5], [4.0]])
    batch_mean, batch_var = np.array([[1.0], [3.0], [0.0]]), np.array([[2.0], [0.0], [1.0]])
    cases = [
        Case((np.zeros((3, 1)), np.ones((3, 1)), batch_mean, batch_var), {}, "starting from 0 and 1, momentum 0.9",
              hint="new = 0.9·running + 0.1·batch: the running values move a tenth of the way towards the batch's"),
        Case((mean, var, batch_mean, batch_var), {"momentum": 0.99}, "momentum 0.99",
              hint="use the momentum you are given: 0.99·running + 0.01·batch"),
        Case((mean, var, batch_mean, batch_var), {"momentum": 0.0}, "momentum 0 (keep only the batch)",
             edge=True,
              hint="with momentum 0 the new running statistics are the batch's"),
        Case((mean, var, batch_mean, batch_var), {"momentum": 0.5}, "momentum 0.5"),
        Case((mean * 1e4, var * 1e6, batch_mean * 1e4, batch_var * 1e6), {"momentum": 0.8}, "large values, momentum 0.8",
             edge=True),
    ]
    for k in range(3):
        n = int(rng.integers(1, 6))
        cases.append(Case((rng.normal(size=(n, 1)), rng.uniform(0.1, 3, size=(n, 1)), rng.normal(size=(n, 1)),
                           rng.uniform(0.0, 3, size=(n, 1))), {"momentum": float(np.round(rng.uniform(0.5, 0.99), 3))},
                          f"random #{k + 1}"))
    return cases


EXERCISES.append(Exercise(
    "batchnorm.update_running_stats", update_running_stats, _update_running_stats_cases,
    {
        "You weight the batch by momentum and the running value by 1 − momentum; it is the other way round, "
        "momentum·running + (1 − momentum)·batch, so the running statistics change slowly.":
            lambda rm, rv, bm, bv, momentum=0.9: (momentum * bm + (1 - momentum) * rm, momentum * bv + (1 - momentum) * rv),
        "You return the batch's statistics; the running statistics are an exponentially weighted average: "
        "momentum·running + (1 − momentum)·batch.": lambda rm, rv, bm, bv, momentum=0.9: (bm, bv),
        "You average standard deviations (√σ²) instead of variances; keep a running variance: "
        "momentum·running_var + (1 − momentum)·batch_var.":
            lambda rm, rv, bm, bv, momentum=0.9: (momentum * rm + (1 - momentum) * bm,
                                                  (momentum * np.sqrt(rv) + (1 - momentum) * np.sqrt(bv)) ** 2),
    },
))


def batchnorm_inference(Z: np.ndarray, gamma: np.ndarray, beta: np.ndarray, running_mean: np.ndarray,
                        running_var: np.ndarray, eps: float = 1e-5) -> np.ndarray:
    """γ (Z − running_mean)/√(running_var + ε) + β for Z (n, m): the statistics of training, not of this batch."""
    return gamma * (Z - running_mean) / np.sqrt(running_var + eps) + beta


def _batchnorm_inference_cases(rng):
    rm, rv = np.array([[0.5], [3.0], [-0.1]]), np.array([[2.0], [0.25], [0.1]])
    gamma, beta = np.array([[2.0], [-1.0], [0.5]]), np.array([[0.5], [1.0], [-2.0]])
    cases = [
        Case((NOTES_Z1, NOTES_GAMMA, NOTES_BETA, np.array([[-0.5], [1.0], [0.0], [2.0]]),
              np.array([[4.0], [1.0], [0.5], [2.25]])), {}, "the notes' network [2, 4, 3, 1]: Z[1] of its 3 examples",
             hint="normalise with the running statistics you are given, not with this batch's mean and variance"),
        Case((np.array([[1.0], [3.0], [0.2]]), gamma, beta, rm, rv), {}, "a batch of one example (m = 1)",
             edge=True,
             hint="one example has no spread of its own: that is why evaluation uses the running statistics"),
        Case((CONSTANT_UNIT, gamma, beta, rm, rv), {}, "unit 2 constant over the batch", edge=True,
             hint="the batch's own σ² = 0 plays no part; divide by √(running_var + ε)"),
        Case((CONSTANT_UNIT, gamma, beta, rm, np.zeros((3, 1))), {"eps": 1e-3}, "running_var 0, eps = 1e-3",
             edge=True,
             hint="ε inside the root keeps the division finite: √(0 + eps)"),
        Case((CONSTANT_UNIT * 1e3, gamma, beta, rm * 1e3, rv * 1e6), {}, "large values", edge=True),
    ]
    for k in range(3):
        Z = _batch(rng, constant_unit=k == 0)
        n = Z.shape[0]
        gamma, beta = _columns(rng, n)
        cases.append(Case((Z, gamma, beta, rng.normal(size=(n, 1)), rng.uniform(0.1, 4, size=(n, 1))), {},
                          f"random #{k + 1}"))
    return cases


EXERCISES.append(Exercise(
    "batchnorm.batchnorm_inference", batchnorm_inference, _batchnorm_inference_cases,
    {
        "You normalise with this batch's own mean and variance (training mode); at evaluation use the running "
        "statistics: (Z − running_mean)/√(running_var + ε).":
            lambda Z, gamma, beta, rm, rv, eps=1e-5: batchnorm_forward(Z, gamma, beta, eps)[0],
        "You divide by the running variance itself; divide by its root, √(running_var + ε).":
            lambda Z, gamma, beta, rm, rv, eps=1e-5: gamma * (Z - rm) / (rv + eps) + beta,
        "You leave out ε: divide by √(running_var + ε), which also keeps a zero variance finite.":
            lambda Z, gamma, beta, rm, rv, eps=1e-5: _no_eps(Z, gamma, beta, rm, rv),
        "You return the normalised Ẑ; apply γ and β as in training: γẐ + β.":
            lambda Z, gamma, beta, rm, rv, eps=1e-5: (Z - rm) / np.sqrt(rv + eps),
    },
    tolerance=TIGHT,
))


def _no_eps(Z, gamma, beta, rm, rv):
    with np.errstate(all="ignore"):
        return gamma * (Z - rm) / np.sqrt(rv) + beta


# --- layer norm -----------------------------------------------------------------------------------


def layernorm_forward(Z: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float = 1e-5) -> tuple[np.ndarray, tuple]:
    """(out, cache) for Z (n, m), γ and β (n, 1): μ and σ² over the units of each example (axis 0, both
    (1, m)), Ẑ = (Z − μ)/√(σ² + ε), out = γẐ + β; cache = (Z, Z_hat, mu, var, gamma, beta, eps)."""
    mu = np.mean(Z, axis=0, keepdims=True)
    var = np.mean((Z - mu) ** 2, axis=0, keepdims=True)
    Z_hat = (Z - mu) / np.sqrt(var + eps)
    return gamma * Z_hat + beta, (Z, Z_hat, mu, var, gamma, beta, eps)


def _layernorm_forward_cases(rng):
    cases = [
        Case((NOTES_Z1, NOTES_GAMMA, NOTES_BETA), {}, "the notes' network [2, 4, 3, 1]: Z[1] of its 3 examples",
             hint="μ and σ² are per example (per column), over the 4 units: axis=0, keepdims=True, both (1, 3); "
                  "γ and β are still one per unit, (4, 1)"),
        Case((CONSTANT_UNIT.T.copy(), np.ones((5, 1)), np.zeros((5, 1))), {},
             "example 2 constant over its units (σ² = 0)", edge=True,
             hint="σ² = 0 for example 2, so Ẑ = 0/√(0 + ε) = 0 there; not √(σ² − ε)"),
        Case((np.array([[2.0], [-1.0], [0.5]]), np.array([[1.5], [2.0], [-1.0]]), np.array([[0.1], [0.2], [0.3]])),
             {"eps": 1e-3}, "a batch of one example (m = 1), eps = 1e-3", edge=True,
             hint="layer norm needs no batch: one example has statistics over its own units"),
        Case((np.array([[1000.0, -5e3], [1002.0, 5e3], [998.0, 0.0], [1001.0, 2.5e3]]), np.array([[1.0], [0.5], [2.0], [-1.0]]),
              np.array([[0.0], [10.0], [0.0], [1.0]])), {}, "large offsets and scales, n = 4, m = 2", edge=True),
    ]
    for k in range(3):
        Z = _batch(rng, constant_unit=False)
        if k == 0:
            Z[:, int(rng.integers(Z.shape[1]))] = float(np.round(rng.normal(), 2))
        gamma, beta = _columns(rng, Z.shape[0])
        cases.append(Case((Z, gamma, beta), {}, f"random #{k + 1}"))
    return cases


def _ln_forward_mistake(**mistake):
    return lambda Z, gamma, beta, eps=1e-5: _bn_forward_variant(Z, gamma, beta, eps, **{"axis": 0, **mistake})


EXERCISES.append(Exercise(
    "batchnorm.layernorm_forward", layernorm_forward, _layernorm_forward_cases,
    {
        "You take the statistics over the batch (axis 1), which is batch norm; layer norm normalises each example "
        "over its own units, axis=0.": _ln_forward_mistake(axis=1),
        "You divide by √(σ² − ε) (the notes' slip); it is √(σ² + ε).": _ln_forward_mistake(minus_eps=True),
        "You divide the squared deviations by n − 1 (ddof=1); layer norm uses their mean, divide by n.":
            _ln_forward_mistake(ddof=1),
        "You return Ẑ; the output is γẐ + β.": _ln_forward_mistake(affine=False),
    },
    tolerance=TIGHT,
))


def layernorm_backward(dout: np.ndarray, cache: tuple) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(dZ, dgamma, dbeta) for dout (n, m) and the cache of layernorm_forward: dβ = Σ_batch dout and
    dγ = Σ_batch dout·Ẑ, both (n, 1); with dẐ = γ·dout and n units,
    dZ = (1/n)/√(σ² + ε) · (n dẐ − Σ_units dẐ − Ẑ Σ_units dẐ·Ẑ)."""
    Z, Z_hat, mu, var, gamma, beta, eps = cache
    n = Z.shape[0]
    dbeta = np.sum(dout, axis=1, keepdims=True)
    dgamma = np.sum(dout * Z_hat, axis=1, keepdims=True)
    dZ_hat = dout * gamma
    dZ = (n * dZ_hat - np.sum(dZ_hat, axis=0, keepdims=True)
          - Z_hat * np.sum(dZ_hat * Z_hat, axis=0, keepdims=True)) / (n * np.sqrt(var + eps))
    return dZ, dgamma, dbeta


def _ln_backward_mistake(**mistake):
    return lambda dout, cache: _norm_backward_variant(dout, cache, **{"axis": 0, **mistake})


EXERCISES.append(Exercise(
    "batchnorm.layernorm_backward", layernorm_backward, lambda rng: _backward_cases(rng, layernorm_forward),
    {
        "You sum dẐ and dẐ·Ẑ over the batch (axis 1), as batch norm does; layer norm's μ and σ² belong to one "
        "example, so sum over its units (axis 0).": _ln_backward_mistake(axis=1),
        "You treat μ and σ² as constants (dZ = γ·dout/√(σ² + ε)); they depend on every unit of the example, which "
        "adds two terms.": _ln_backward_mistake(constant_stats=True),
        "You sum dγ and dβ over the units (axis 0); γ and β have one entry per unit, so sum over the batch: "
        "axis=1, keepdims=True, (n, 1).": _ln_backward_mistake(params_axis=0),
        "Your dZ is missing the factor γ: dẐ = γ·dout.": _ln_backward_mistake(no_gamma=True),
    },
    tolerance=TIGHT,
))

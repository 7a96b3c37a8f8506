"""Notebook 07 — regularization: references, cases and known mistakes.

Parameters and gradients use notebook 04's dicts: {"W1": (n_1, n_0), "b1": (n_1, 1), ...}. Penalties
apply to the weights W[l] only, never to the biases. The costs use the course's scaling by the number of
examples m: L2 adds (λ/2m) Σ_l ‖W[l]‖², L1 adds (λ/m) Σ_l Σ |W[l]| (the notes also show λ/2m for L1; the
course uses λ/m). `weight_update` follows the notes' per-step form, with λ alone and no 1/m.

Dropout is inverted dropout: a unit is kept with probability keep_prob and what is kept is divided by
keep_prob during training, so nothing needs rescaling at test time. Early stopping follows Keras'
`EarlyStopping(patience=..., min_delta=0)`.

Each exercise reads top to bottom: the reference, the cases it is checked on (fixed ones first, then
random ones), the mistakes students make, and its `Exercise`.
"""

from __future__ import annotations

import numpy as np

from .grader import Case, Exercise

EXERCISES: list[Exercise] = []


def _network(rng, sizes, decimals: int = 2) -> dict:
    """{"W1", "b1", ...} for layer sizes [n_0, ..., n_L], entries ~ N(0, 1) rounded to `decimals`."""
    parameters = {}
    for l in range(1, len(sizes)):
        parameters[f"W{l}"] = np.round(rng.normal(size=(sizes[l], sizes[l - 1])), decimals)
        parameters[f"b{l}"] = np.round(rng.normal(size=(sizes[l], 1)), decimals)
    return parameters


def _random_sizes(rng) -> list[int]:
    return [int(n) for n in rng.integers(1, 6, size=int(rng.integers(2, 5)))]


# One layer with a non-square W (2, 3) and non-zero biases (which must not count), and a deeper net.
ONE_LAYER = {"W1": np.array([[1.0, -2.0, 0.5], [0.0, 3.0, -1.0]]), "b1": np.array([[4.0], [-5.0]])}
THREE_LAYERS = _network(np.random.default_rng(7), [3, 4, 2, 1])


# --- the costs of the penalties ------------------------------------------------------------------------


def _weights(parameters: dict) -> list[np.ndarray]:
    return [np.asarray(v, dtype=np.float64) for k, v in parameters.items() if k.startswith("W")]


def l2_cost(parameters: dict, lambd: float, m: int) -> float:
    """(λ/2m) Σ_l ‖W[l]‖², the squared Frobenius norms of the weights (biases are not penalised)."""
    return float(lambd / (2 * m) * sum(np.sum(W**2) for W in _weights(parameters)))


def l1_cost(parameters: dict, lambd: float, m: int) -> float:
    """(λ/m) Σ_l Σ_kj |W[l]_kj| over the weights (biases are not penalised)."""
    return float(lambd / m * sum(np.sum(np.abs(W)) for W in _weights(parameters)))


def _cost_cases(rng, l1: bool):
    what = "Σ|W|" if l1 else "Σ W²"
    one = "|1| + |−2| + |0.5| + |0| + |3| + |−1| = 7.5" if l1 else "1 + 4 + 0.25 + 0 + 9 + 1 = 15.25"
    cases = [
        Case((ONE_LAYER, 0.6, 3), {}, "one layer, λ = 0.6, m = 3",
             hint=f"{what} over W1 is {one}; the biases b1 = [4, −5] do not count"),
        Case((THREE_LAYERS, 0.1, 5), {}, "three layers, λ = 0.1, m = 5",
             hint="add up the penalty of every weight matrix W1, W2, W3, and only those"),
        Case((ONE_LAYER, 0.0, 3), {}, "λ = 0: no penalty", hint="with λ = 0 the penalty is 0", edge=True),
        Case(({"W1": np.zeros((2, 2)), "b1": np.ones((2, 1))}, 0.7, 4), {}, "all weights zero",
             hint="zero weights cost nothing, whatever the biases are", edge=True),
        Case((ONE_LAYER, 2.0, 1), {}, "a single example, m = 1", edge=True),
        Case(({"W1": np.array([[300.0, -400.0]]), "b1": np.array([[0.0]]), "W2": np.array([[1e3]]),
               "b2": np.array([[1.0]])}, 0.01, 1000), {}, "large weights", edge=True),
    ]
    for k in range(3):
        cases.append(Case((_network(rng, _random_sizes(rng)), float(np.round(rng.uniform(0.01, 2.0), 3)),
                           int(rng.integers(1, 300))), {}, f"random #{k + 1}"))
    return cases


def _penalty_variant(parameters, lambd, m, *, l1=False, biases=False, factor=1.0, norms=False, signed=False):
    """λ·factor/m times Σ over the chosen arrays of Σ W² (or Σ|W|, Σ W, or ‖W‖)."""
    chosen = [np.asarray(v, float) for k, v in parameters.items() if biases or k.startswith("W")]
    if norms:
        total = sum(np.linalg.norm(W) for W in chosen)
    elif signed:
        total = sum(np.sum(W) for W in chosen)
    else:
        total = sum(np.sum(np.abs(W) if l1 else W**2) for W in chosen)
    return float(lambd * factor / m * total)


EXERCISES.append(Exercise(
    "regularization.l2_cost", l2_cost, lambda rng: _cost_cases(rng, l1=False),
    {
        "You penalise the biases too; the L2 penalty sums the squared weights W[l] only (skip the keys b1, b2, ...).":
            lambda p, lambd, m: _penalty_variant(p, lambd, m, biases=True, factor=0.5),
        "Your penalty is twice too large: the L2 cost is (λ/2m) Σ‖W‖², with the 1/2 (which makes its gradient "
        "(λ/m) W).": lambda p, lambd, m: _penalty_variant(p, lambd, m),
        "You left out the 1/m: the L2 cost is (λ/2m) Σ‖W‖², scaled like the averaged cross-entropy.":
            lambda p, lambd, m: _penalty_variant(p, lambd, 1, factor=0.5),
        "You add up the norms ‖W[l]‖ without squaring them; the penalty is the sum of the squared entries, "
        "np.sum(W ** 2).": lambda p, lambd, m: _penalty_variant(p, lambd, m, norms=True, factor=0.5),
    },
))

EXERCISES.append(Exercise(
    "regularization.l1_cost", l1_cost, lambda rng: _cost_cases(rng, l1=True),
    {
        "You use λ/(2m), the form the notes show once; this course's L1 cost is (λ/m) Σ|W| (its gradient is "
        "then (λ/m)·sign(W)).": lambda p, lambd, m: _penalty_variant(p, lambd, m, l1=True, factor=0.5),
        "You penalise the biases too; the L1 penalty sums |W[l]| over the weights only.":
            lambda p, lambd, m: _penalty_variant(p, lambd, m, l1=True, biases=True),
        "You sum the weights themselves, so negative ones cancel positive ones; sum their absolute values, "
        "np.sum(np.abs(W)).": lambda p, lambd, m: _penalty_variant(p, lambd, m, signed=True),
        "You left out the 1/m: the L1 cost is (λ/m) Σ|W|.":
            lambda p, lambd, m: _penalty_variant(p, lambd, 1, l1=True),
        "You squared the weights, which is the L2 penalty; L1 sums their absolute values.":
            lambda p, lambd, m: _penalty_variant(p, lambd, m),
    },
))


# --- the gradients of the penalties --------------------------------------------------------------------


def l2_gradient(W: np.ndarray, lambd: float, m: int) -> np.ndarray:
    """∂/∂W of (λ/2m) ‖W‖²: (λ/m) W, shaped like W."""
    return lambd / m * np.asarray(W, dtype=np.float64)


def l1_gradient(W: np.ndarray, lambd: float, m: int) -> np.ndarray:
    """∂/∂W of (λ/m) Σ|W|: (λ/m) sign(W), with sign(0) = 0 (the subgradient the course uses at the kink)."""
    return lambd / m * np.sign(np.asarray(W, dtype=np.float64))


def _gradient_cases(rng, l1: bool):
    W = ONE_LAYER["W1"]
    cases = [
        Case((W, 0.6, 3), {}, "W1 of shape (2, 3) with a zero entry, λ = 0.6, m = 3",
             hint="(λ/m)·sign(W): 0.2 where W > 0, −0.2 where W < 0, and 0 where W = 0 exactly" if l1 else
             "(λ/m)·W = 0.2·W, shaped like W"),
        Case((np.array([[-0.5], [2.0], [0.0], [1e-8]]), 1.0, 2), {}, "a column with tiny and zero weights",
             hint="sign(1e-8) = 1: even the tiniest weight feels the full pull of L1; sign(0) = 0" if l1 else
             "small weights get small gradients: L2's pull fades near zero", edge=True),
        Case((W, 0.0, 3), {}, "λ = 0", hint="no penalty, no gradient: zeros shaped like W", edge=True),
        Case((W, 3.0, 3), {}, "λ = m = 3", hint="λ/m = 1: the gradient is sign(W) itself" if l1 else
             "λ/m = 1: the gradient is W itself (a new array, not W)"),
        Case((np.array([[250.0, -1e4, 3.0]]), 0.05, 10), {}, "large weights, a (1, 3) row", edge=True),
        Case((W.T.copy(), 0.3, 1), {}, "m = 1, W of shape (3, 2)", edge=True),
    ]
    for k in range(3):
        shape = (int(rng.integers(1, 5)), int(rng.integers(1, 5)))
        W = np.round(rng.normal(size=shape), 2)
        W[rng.random(shape) < 0.2] = 0.0
        cases.append(Case((W, float(np.round(rng.uniform(0.01, 2.0), 3)), int(rng.integers(1, 200))), {},
                          f"random #{k + 1}"))
    return cases


EXERCISES.append(Exercise(
    "regularization.l2_gradient", l2_gradient, lambda rng: _gradient_cases(rng, l1=False),
    {
        "Your gradient is half the right one: the derivative of (λ/2m) W² is (λ/m) W; the 2 of the square "
        "cancels the 1/2.": lambda W, lambd, m: lambd / (2 * m) * np.asarray(W, float),
        "You left out the 1/m: the gradient of (λ/2m)‖W‖² is (λ/m) W.":
            lambda W, lambd, m: lambd * np.asarray(W, float),
        "Your gradient is twice the right one: the 2 of the square cancels the 1/2 of the cost, leaving (λ/m) W.":
            lambda W, lambd, m: 2 * lambd / m * np.asarray(W, float),
        "You return L1's gradient (λ/m)·sign(W); L2's is (λ/m)·W, proportional to the weight itself.":
            lambda W, lambd, m: lambd / m * np.sign(np.asarray(W, float)),
    },
))

EXERCISES.append(Exercise(
    "regularization.l1_gradient", l1_gradient, lambda rng: _gradient_cases(rng, l1=True),
    {
        "You return (λ/m)·W, which is L2's gradient; the slope of |w| is sign(w), so L1's gradient is "
        "(λ/m)·sign(W).": lambda W, lambd, m: lambd / m * np.asarray(W, float),
        "Where a weight is exactly 0 your gradient is +λ/m; the course takes sign(0) = 0 (np.sign does), so a "
        "weight that reached 0 is left there.":
            lambda W, lambd, m: lambd / m * np.where(np.asarray(W, float) >= 0, 1.0, -1.0),
        "You use λ/(2m); this course's L1 cost is (λ/m) Σ|W|, so its gradient is (λ/m)·sign(W).":
            lambda W, lambd, m: lambd / (2 * m) * np.sign(np.asarray(W, float)),
        "You left out the 1/m: the gradient of (λ/m) Σ|W| is (λ/m)·sign(W).":
            lambda W, lambd, m: lambd * np.sign(np.asarray(W, float)),
    },
))


# --- one step of gradient descent with a penalty, in the notes' per-step form -------------------------------


def weight_update(w, grad, lr: float, lambd: float = 0.0, penalty: str | None = None):
    """w − lr·grad (penalty None), w − lr·(grad + λ·w) ("l2"), w − lr·(grad + λ·sign(w)) ("l1"): the notes'
    form,
    λ without 1/m. Works entry by entry on numbers and arrays."""
    w, grad = np.asarray(w, dtype=np.float64), np.asarray(grad, dtype=np.float64)
    if penalty is None:
        step = grad
    elif penalty == "l2":
        step = grad + lambd * w
    elif penalty == "l1":
        step = grad + lambd * np.sign(w)
    else:
        raise ValueError(f"unknown penalty {penalty!r}: use None, 'l2' or 'l1'")
    new = w - lr * step
    return float(new) if new.ndim == 0 else new


def _update_cases(rng):
    w = np.array([[0.5, -0.3, 0.0], [2.0, 0.01, -1.0]])
    g = np.array([[0.1, 0.2, 0.0], [-0.5, 0.0, 0.3]])
    cases = [
        Case((0.5, 0.1, 0.01), {"lambd": 0.1}, "the notes' example without regularization",
             hint="0.5 − 0.01·0.1 = 0.499; with penalty=None, λ plays no part"),
        Case((0.5, 0.1, 0.01), {"lambd": 0.1, "penalty": "l2"}, "the notes' example with L2",
             hint="0.5 − 0.01·(0.1 + 0.1·0.5) = 0.4985"),
        Case((0.5, 0.1, 0.01), {"lambd": 0.1, "penalty": "l1"}, "the notes' example with L1",
             hint="0.5 − 0.01·(0.1 + 0.1·sign(0.5)) = 0.498"),
        Case((w, g, 0.1), {"lambd": 0.5, "penalty": "l1"}, "L1 on a (2, 3) array with a zero weight",
             hint="sign(0) = 0: a weight at exactly 0 gets no L1 push, only its gradient (0 here)", edge=True),
        Case((w, g, 0.1), {"lambd": 0.5, "penalty": "l2"}, "L2 on a (2, 3) array"),
        Case((w, g, 0.1), {}, "λ and penalty left out", hint="the defaults: λ = 0, no penalty"),
        Case((np.array([0.02, -0.02]), np.zeros(2), 1.0), {"lambd": 0.05, "penalty": "l1"},
             "L1 overshoots small weights", hint="0.02 − 1·0.05 = −0.03: the plain L1 step can jump past zero",
             edge=True),
        Case((-0.4, 0.0, 0.5), {"lambd": 0.2, "penalty": "l2"}, "L2 on a negative weight with zero gradient",
             hint="−0.4 − 0.5·(0 + 0.2·(−0.4)) = −0.36: L2 shrinks towards zero from either side"),
    ]
    for k in range(3):
        shape = (int(rng.integers(1, 4)), int(rng.integers(1, 5)))
        w = np.round(rng.normal(size=shape), 2)
        w[rng.random(shape) < 0.2] = 0.0
        penalty = ("l1", "l2", None)[k]
        cases.append(Case((w, np.round(rng.normal(size=shape), 2), float(np.round(rng.uniform(0.01, 0.5), 3))),
                          {"lambd": float(np.round(rng.uniform(0.01, 1.0), 3)), "penalty": penalty},
                          f"random #{k + 1}"))
    return cases


def _update_variant(w, grad, lr, lambd=0.0, penalty=None, *, swap=False, outside=False, ignore=False,
                    always_l2=False, sign_zero=False):
    w, grad = np.asarray(w, float), np.asarray(grad, float)
    if always_l2 and penalty is None:
        penalty = "l2"
    if swap and penalty is not None:
        penalty = {"l1": "l2", "l2": "l1"}[penalty]
    sign = np.where(w >= 0, 1.0, -1.0) if sign_zero else np.sign(w)
    decay = 0.0 if penalty is None or ignore else lambd * (w if penalty == "l2" else sign)
    new = w - lr * grad - decay if outside else w - lr * (grad + decay)
    return float(new) if new.ndim == 0 else new


EXERCISES.append(Exercise(
    "regularization.weight_update", weight_update, _update_cases,
    {
        "Your L1 and L2 terms are swapped: L2 adds λ·w to the gradient (weight decay), L1 adds λ·sign(w).":
            lambda *a, **k: _update_variant(*a, **k, swap=True),
        "You subtract the penalty's term without the learning rate; both terms are inside: w − lr·(grad + λ·w).":
            lambda *a, **k: _update_variant(*a, **k, outside=True),
        "You ignore the penalty: with penalty=\"l2\" add λ·w to the gradient, with \"l1\" add λ·sign(w).":
            lambda *a, **k: _update_variant(*a, **k, ignore=True),
        "You apply weight decay even when penalty is None; then the step is plain w − lr·grad, whatever λ is.":
            lambda *a, **k: _update_variant(*a, **k, always_l2=True),
        "Where a weight is exactly 0 your L1 term is +λ; sign(0) = 0 (np.sign), so it adds nothing there.":
            lambda *a, **k: _update_variant(*a, **k, sign_zero=True),
    },
))


# --- inverted dropout: forward and backward --------------------------------------------------------------------


def dropout_forward(A: np.ndarray, keep_prob: float, rng: np.random.Generator):
    """(A_drop, mask): mask = rng.random(A.shape) < keep_prob (True keeps a unit), A_drop = A·mask / keep_prob."""
    mask = rng.random(np.shape(A)) < keep_prob
    return np.asarray(A, dtype=np.float64) * mask / keep_prob, mask


def dropout_backward(dA: np.ndarray, mask: np.ndarray, keep_prob: float) -> np.ndarray:
    """dA_prev = dA·mask / keep_prob: the gradient flows only through the units kept, scaled as in the forward pass."""
    return np.asarray(dA, dtype=np.float64) * mask / keep_prob


A34 = np.array([[0.5, 1.0, -2.0, 0.0], [3.0, -1.5, 0.25, 2.0], [1.0, 1.0, 1.0, 1.0]])  # (3, 4), a negative or two


def _dropout_forward_cases(rng):
    cases = [
        Case((A34, 0.8, np.random.default_rng(0)), {}, "A (3, 4), keep_prob = 0.8, rng = default_rng(0)",
             hint="mask = rng.random(A.shape) < 0.8; the kept entries are divided by 0.8 (inverted dropout), so "
                  "their expected value stays A"),
        Case((A34, 0.5, np.random.default_rng(1)), {}, "keep_prob = 0.5, rng = default_rng(1)",
             hint="kept entries are doubled, dropped ones are 0"),
        Case((A34, 1.0, np.random.default_rng(2)), {}, "keep_prob = 1: nothing is dropped, rng = default_rng(2)",
             hint="every draw of rng.random is below 1: the mask is all True and A_drop equals A", edge=True),
        Case((np.array([[2.0], [-4.0], [6.0]]), 0.6, np.random.default_rng(3)), {},
             "one example (m = 1), rng = default_rng(3)", hint="draw the mask with the shape of A, (3, 1)", edge=True),
        Case((np.zeros((2, 5)), 0.7, np.random.default_rng(4)), {}, "A all zeros, rng = default_rng(4)",
             hint="still return the mask you drew: the backward pass needs it", edge=True),
    ]
    for k in range(3):
        shape = (int(rng.integers(1, 6)), int(rng.integers(1, 8)))
        seed = int(rng.integers(1000))
        cases.append(Case((np.round(rng.normal(size=shape), 2), float(np.round(rng.uniform(0.3, 0.95), 2)),
                           np.random.default_rng(seed)), {}, f"random #{k + 1}",
                          hint=f"rng = np.random.default_rng({seed})"))
    return cases


def _dropout_variant(A, keep_prob, rng, *, scale="inverted", above=False, binomial=False):
    A = np.asarray(A, float)
    if binomial:
        mask = rng.binomial(1, keep_prob, size=A.shape).astype(bool)
    else:
        draws = rng.random(A.shape)
        mask = draws > keep_prob if above else draws < keep_prob
    with np.errstate(all="ignore"):
        kept = A * mask
        scaled = {"inverted": kept / keep_prob, "none": kept, "times": kept * keep_prob, "rate": kept / (1 - keep_prob)}
        return scaled[scale], mask


EXERCISES.append(Exercise(
    "regularization.dropout_forward", dropout_forward, _dropout_forward_cases,
    {
        "You do not divide by keep_prob: inverted dropout scales the kept activations up by 1/keep_prob, so "
        "that their expected value is unchanged and nothing needs rescaling at test time.":
            lambda A, keep_prob, rng: _dropout_variant(A, keep_prob, rng, scale="none"),
        "You multiply by keep_prob; inverted dropout divides by it (scaling by keep_prob is what the original "
        "dropout does to the weights at test time).":
            lambda A, keep_prob, rng: _dropout_variant(A, keep_prob, rng, scale="times"),
        "You divide by 1 − keep_prob, the dropout rate; divide by keep_prob, the probability of keeping a unit.":
            lambda A, keep_prob, rng: _dropout_variant(A, keep_prob, rng, scale="rate"),
        "You keep a unit when its draw is above keep_prob, i.e. with probability 1 − keep_prob; keep it when "
        "rng.random(A.shape) < keep_prob.": lambda A, keep_prob, rng: _dropout_variant(A, keep_prob, rng, above=True),
        "You drew the mask with rng.binomial; draw it as rng.random(A.shape) < keep_prob, so that the same "
        "generator gives the same mask as the reference.":
            lambda A, keep_prob, rng: _dropout_variant(A, keep_prob, rng, binomial=True),
    },
))


def _dropout_backward_cases(rng):
    dA = np.array([[0.2, -0.4, 1.0, 0.6], [-1.0, 0.5, 0.0, 0.3], [0.7, 0.7, -0.7, 0.1]])
    mask = np.array([[True, False, True, True], [True, True, False, True], [False, True, True, True]])
    cases = [
        Case((dA, mask, 0.8), {}, "dA (3, 4), keep_prob = 0.8",
             hint="dA·mask / keep_prob: zero where the unit was dropped, divided by 0.8 where it was kept"),
        Case((dA, np.ones((3, 4), dtype=bool), 1.0), {}, "keep_prob = 1, everything kept",
             hint="nothing was dropped or scaled: the gradient passes unchanged", edge=True),
        Case((dA, ~mask, 0.5), {}, "keep_prob = 0.5, another mask"),
        Case((np.array([[3.0], [-2.0]]), np.array([[False], [True]]), 0.25), {}, "one example (m = 1)", edge=True),
        Case((dA, mask.astype(float), 0.8), {}, "the mask as 0.0 / 1.0 floats",
             hint="a float mask works the same way as a boolean one"),
    ]
    for k in range(3):
        shape = (int(rng.integers(1, 6)), int(rng.integers(1, 8)))
        keep_prob = float(np.round(rng.uniform(0.3, 0.95), 2))
        cases.append(Case((np.round(rng.normal(size=shape), 2), rng.random(shape) < keep_prob, keep_prob), {},
                          f"random #{k + 1}"))
    return cases


EXERCISES.append(Exercise(
    "regularization.dropout_backward", dropout_backward, _dropout_backward_cases,
    {
        "You do not divide by keep_prob; the forward pass scaled the kept units by 1/keep_prob, so their "
        "gradient carries the same factor.": lambda dA, mask, keep_prob: np.asarray(dA, float) * mask,
        "You multiply by keep_prob; divide by it, as the forward pass did.":
            lambda dA, mask, keep_prob: np.asarray(dA, float) * mask * keep_prob,
        "You divide by 1 − keep_prob, the dropout rate; divide by keep_prob.":
            lambda dA, mask, keep_prob: _divide(np.asarray(dA, float) * mask, 1 - keep_prob),
        "You pass the gradient through the dropped units too: multiply by the mask, which is 0 where a unit "
        "was dropped.": lambda dA, mask, keep_prob: np.asarray(dA, float) / keep_prob,
    },
))


def _divide(a, b):
    with np.errstate(all="ignore"):
        return a / b


# --- early stopping ---------------------------------------------------------------------------------------------


def early_stopping(val_losses, patience: int) -> tuple[int, int]:
    """(best_epoch, stop_epoch), 0-based: stop at the first epoch `patience` epochs after the last strict
    improvement (Keras' EarlyStopping, min_delta=0), else at the last epoch; best_epoch is the first epoch with
    the lowest loss up to the stop."""
    best, best_epoch, wait = np.inf, 0, 0
    for epoch, loss in enumerate(val_losses):
        if loss < best:
            best, best_epoch, wait = loss, epoch, 0
        else:
            wait += 1
            if wait >= patience:
                return best_epoch, epoch
    return best_epoch, len(val_losses) - 1


def _stopping_cases(rng):
    cases = [
        Case(([1.0, 0.8, 0.6, 0.65, 0.7, 0.75, 0.72], 3), {}, "the loss turns up after epoch 2, patience 3",
             hint="epoch 2 is the last improvement; epochs 3, 4, 5 do not improve, so training stops at epoch 5"),
        Case(([0.9, 0.7, 0.5, 0.4, 0.35], 2), {}, "always improving", hint="no stop: the last epoch, 4, is returned"),
        Case(([1.0, 0.8, 0.9, 0.95, 0.5], 2), {}, "a better loss after the stop",
             hint="training stopped at epoch 3, so epoch 4's 0.5 is never seen: the best is epoch 1"),
        Case(([1.0, 0.5, 0.5, 0.5, 0.4], 2), {}, "ties are not improvements",
             hint="min_delta = 0 and a strict <: an equal loss counts as no improvement (stop at epoch 3)"),
        Case(([0.6, 0.7, 0.5, 0.8, 0.9], 1), {}, "patience 1", hint="stop at the first epoch that does not improve"),
        Case((np.array([1.0, 0.9, 0.95, 0.97, 0.85, 0.9, 0.91, 0.92]), 3), {}, "an improvement resets the count",
             hint="epoch 4 improves on epoch 1 just in time; then epochs 5, 6, 7 make the stop"),
        Case(([0.3], 5), {}, "a single epoch", hint="(0, 0)", edge=True),
        Case(([0.5, 0.6, 0.7], 10), {}, "patience longer than the run", hint="never stopped: the last epoch, 2",
             edge=True),
        Case(([0.4, 0.3, 0.3, 0.2, 0.6, 0.2, 0.7], 3), {}, "the lowest loss twice",
             hint="epoch 5 ties epoch 3's 0.2: the first epoch with the lowest loss, 3, is the best", edge=True),
    ]
    for k in range(3):
        n = int(rng.integers(5, 31))
        t = np.arange(n)
        turn = float(rng.uniform(0.2, 0.8)) * n
        losses = np.round(1.0 / (1 + t) + 0.01 * np.maximum(0, t - turn) + 0.05 * rng.normal(size=n) + 1, 2)
        cases.append(Case((losses.tolist(), int(rng.integers(1, 7))), {}, f"random #{k + 1}"))
    return cases


def _stopping_variant(val_losses, patience, *, ties=False, late=False, global_best=False, one_based=False,
                      past_end=False):
    best, best_epoch, wait = np.inf, 0, 0
    stop = None
    for epoch, loss in enumerate(val_losses):
        if loss <= best if ties else loss < best:
            best, best_epoch, wait = loss, epoch, 0
        else:
            wait += 1
            if wait > patience if late else wait >= patience:
                stop = epoch
                break
    if stop is None:
        stop = len(val_losses) if past_end else len(val_losses) - 1
    if global_best:
        best_epoch = int(np.argmin(val_losses))
    return (best_epoch + 1, stop + 1) if one_based else (best_epoch, stop)


EXERCISES.append(Exercise(
    "regularization.early_stopping", early_stopping, _stopping_cases,
    {
        "You count a tie as an improvement (<=); with min_delta = 0 only a strictly lower loss resets the "
        "patience.": lambda losses, patience: _stopping_variant(losses, patience, ties=True),
        "You stop one epoch late: training stops at the epoch that makes `patience` epochs without "
        "improvement (wait >= patience).": lambda losses, patience: _stopping_variant(losses, patience, late=True),
        "Your best epoch is the lowest loss of the whole list; training never saw the epochs after the stop, "
        "so look only up to stop_epoch.":
            lambda losses, patience: _stopping_variant(losses, patience, global_best=True),
        "Your epochs count from 1; they are 0-based positions in val_losses.":
            lambda losses, patience: _stopping_variant(losses, patience, one_based=True),
        "When training never stops early you return len(val_losses); the last epoch is len(val_losses) − 1.":
            lambda losses, patience: _stopping_variant(losses, patience, past_end=True),
    },
))

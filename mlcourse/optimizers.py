"""Notebook 05 — optimizers: references, cases and known mistakes.

Parameters are dicts {"W1": (n_1, n_0), "b1": (n_1, 1), "W2": ..., ...}; gradients and every moment
(velocity v, squared-gradient average s) are dicts keyed by the gradients' names "dW1", "db1", ...,
each shaped like its parameter. Functions that update parameters or moments return new dicts and
leave their inputs (dicts and arrays) unchanged. Each exercise reads top to bottom: the reference, the
cases it is checked on (fixed ones first, the notes' worked example among them, then random ones), the
mistakes students make, and its `Exercise`.

The course adds eps outside the root, v̂/(√ŝ + eps) (the notes show √(ŝ + eps) too), and Adam's bias
correction divides by 1 − β^t, with the power t (one set of notes leaves it out).
"""

from __future__ import annotations

import numpy as np

from .grader import Case, Described, Exercise

EXERCISES: list[Exercise] = []


# --- cases shared by the exercises ----------------------------------------------------------------


def _network(rng, sizes, decimals: int | None = None) -> dict:
    """Parameters W1, b1, ... of a network with layer sizes [n_0, n_1, ..., n_L], entries ~ N(0, 1)."""
    parameters = {}
    for layer in range(1, len(sizes)):
        parameters[f"W{layer}"] = rng.normal(size=(sizes[layer], sizes[layer - 1]))
        parameters[f"b{layer}"] = rng.normal(size=(sizes[layer], 1))
    return _rounded(parameters, decimals)


def _gradient_like(parameters: dict, rng, scale: float = 1.0, squares: bool = False,
                   decimals: int | None = None) -> dict:
    """A dict "dW1", "db1", ... of random arrays shaped like the parameters (non-negative if `squares`)."""
    out = {}
    for name, p in parameters.items():
        draw = rng.normal(size=p.shape) * scale
        out["d" + name] = draw**2 if squares else draw
    return _rounded(out, decimals)


def _rounded(arrays: dict, decimals: int | None) -> dict:
    """Fixed cases use few decimals, so that feedback shows numbers a student can read."""
    return arrays if decimals is None else {key: np.round(a, decimals) for key, a in arrays.items()}


def _random_sizes(rng, max_layers: int = 3) -> list[int]:
    return [int(n) for n in rng.integers(1, 6, size=int(rng.integers(1, max_layers + 1)) + 1)]


# One layer with a non-square W (2, 3), small numbers a student can follow by hand.
ONE_LAYER = {"W1": np.array([[0.5, -1.0, 2.0], [1.5, 0.0, -0.5]]), "b1": np.array([[0.3], [-0.2]])}
ONE_LAYER_GRADS = {"dW1": np.array([[0.2, -0.4, 0.1], [-0.3, 0.5, 0.05]]), "db1": np.array([[0.05], [-0.1]])}
TWO_LAYERS = _network(np.random.default_rng(5), [3, 4, 2], 2)  # W1 (4, 3), W2 (2, 4)
THREE_LAYERS = _network(np.random.default_rng(6), [2, 5, 3, 1], 2)  # W1 (5, 2), W2 (3, 5), W3 (1, 3)


def _zeros_like(parameters: dict) -> dict:
    return {"d" + name: np.zeros(p.shape) for name, p in parameters.items()}


def _tiny_gradients(parameters: dict) -> dict:
    """Gradients of size about 1e-6, so that √s is comparable to eps = 1e-8 only where it is placed wrongly."""
    return {"d" + name: np.linspace(-2e-6, 3e-6, p.size).reshape(p.shape) for name, p in parameters.items()}


def _with_zero_entries(grads: dict) -> dict:
    """The same gradients with every other entry set to exactly 0."""
    out = {}
    for key, g in grads.items():
        g = g.copy()
        g.reshape(-1)[::2] = 0.0
        out[key] = g
    return out


# --- exponentially weighted averages --------------------------------------------------------------

NOTES_VALUES = np.array([0.81, 0.9, 0.96, 0.34])  # the notes' derivatives of four mini-batches


def ewa(values: np.ndarray, beta: float, bias_correction: bool = False) -> np.ndarray:
    """(n,) array V_1 … V_n for values (n,): V_t = βV_{t−1} + (1 − β)x_t from V_0 = 0; corrected V_t/(1 − β^t)."""
    values = np.asarray(values, dtype=np.float64).reshape(-1)
    out = np.empty(values.size)
    average = 0.0
    for t, x_t in enumerate(values, start=1):
        average = beta * average + (1 - beta) * x_t
        out[t - 1] = average / (1 - beta**t) if bias_correction else average
    return out


def _ewa_cases(rng):
    noisy = np.round(2 + np.sin(np.arange(30) / 3) + np.random.default_rng(3).normal(size=30) * 0.5, 3)
    cases = [
        Case((NOTES_VALUES, 0.9), {}, "the notes' four derivatives (β = 0.9)",
             hint="V_1 = 0.9·0 + 0.1·0.81 = 0.081, V_2 = 0.9·0.081 + 0.1·0.9 = 0.1629, …"),
        Case((NOTES_VALUES, 0.9), {"bias_correction": True}, "the notes' derivatives bias-corrected",
             hint="V̂_t = V_t/(1 − 0.9^t) with t = 1, 2, 3, 4: 0.81, 0.8574, 0.8952, 0.7338 (the notes' last two, "
                  "0.8953 and 0.7343, are slips: 0.25235/0.3439 = 0.7338)"),
        Case((np.array([2.5]),), {"beta": 0.9, "bias_correction": True}, "one value (corrected)",
             hint="V̂_1 = (1 − β)·s_1/(1 − β) is s_1 itself"),
        Case((np.full(6, 3.0), 0.8), {}, "a constant sequence (uncorrected)",
             hint="starting from V_0 = 0 the average creeps up: V_t = 3(1 − 0.8^t)"),
        Case((np.full(6, 3.0), 0.8), {"bias_correction": True}, "a constant sequence (corrected)",
             hint="the corrected average of a constant is that constant at every t"),
        Case((np.array([1.0, -2.0, 4.0, 0.5]), 0.0), {"bias_correction": True}, "β = 0",
             hint="with β = 0 each V_t is x_t itself (and 1 − 0^t = 1)"),
        Case((np.zeros(5), 0.9), {"bias_correction": True}, "all zeros"),
        Case((noisy, 0.98), {"bias_correction": True}, "30 noisy values with β = 0.98 (corrected)"),
        Case((noisy, 0.98), {}, "30 noisy values with β = 0.98 (uncorrected)",
             hint="with β = 0.98 the uncorrected average starts far below the values"),
    ]
    for k in range(4):
        n = int(rng.integers(2, 16))
        values = rng.normal(size=n) + rng.uniform(-2, 2)
        beta = float(np.round(rng.uniform(0.6, 0.99), 2))
        cases.append(Case((values, beta), {"bias_correction": bool(k % 2)}, f"random #{k + 1}"))
    return cases


def _ewa_variant(values, beta, bias_correction=False, *, start_at_first=False, swap=False, power=True,
                 t_from_zero=False, store_corrected=False):
    """The EWA loop with one mistake switched on."""
    values = np.asarray(values, dtype=np.float64).reshape(-1)
    weight_old, weight_new = (1 - beta, beta) if swap else (beta, 1 - beta)
    out = np.empty(values.size)
    average = values[0] if start_at_first else 0.0
    with np.errstate(all="ignore"):
        for i, x_t in enumerate(values):
            t = i if t_from_zero else i + 1
            average = weight_old * average + weight_new * x_t
            if bias_correction:
                corrected = average / (1 - beta**t if power else 1 - beta)
                out[i] = corrected
                if store_corrected:
                    average = corrected
            else:
                out[i] = average
    return out


EXERCISES.append(Exercise(
    "optimizers.ewa", ewa, _ewa_cases,
    {
        "Your bias correction divides by (1 − β); it divides by (1 − β^t), with t the position 1, 2, 3, … "
        "(some notes drop the power t).":
            lambda values, beta, bias_correction=False: _ewa_variant(values, beta, bias_correction, power=False),
        "You start the average at the first value (V_0 = s_1); it starts at V_0 = 0, so V_1 = (1 − β)·s_1.":
            lambda values, beta, bias_correction=False: _ewa_variant(values, beta, bias_correction,
                                                                     start_at_first=True),
        "β and 1 − β are swapped: the old average gets the weight β, the new value 1 − β "
        "(V_t = βV_{t−1} + (1 − β)x_t).":
            lambda values, beta, bias_correction=False: _ewa_variant(values, beta, bias_correction, swap=True),
        "You count t from 0, so the first correction divides by 1 − β⁰ = 0; the first value has t = 1 "
        "(enumerate(values, start=1)).":
            lambda values, beta, bias_correction=False: _ewa_variant(values, beta, bias_correction,
                                                                     t_from_zero=True),
        "You keep the corrected value as the running average; keep V_t uncorrected for the next step and "
        "divide only the value you store in the result.":
            lambda values, beta, bias_correction=False: _ewa_variant(values, beta, bias_correction,
                                                                     store_corrected=True),
        "Your result starts with V_0 = 0; return V_1 … V_n only, one value per input value.":
            lambda values, beta, bias_correction=False: np.concatenate([[0.0], ewa(values, beta, bias_correction)]),
    },
))


# --- zero moments ---------------------------------------------------------------------------------


def initialize_velocity(parameters: dict) -> dict:
    """{"dW1": zeros like W1, "db1": zeros like b1, ...}: float64 zeros, one per parameter, keyed "d" + name."""
    return {"d" + name: np.zeros(np.shape(p), dtype=np.float64) for name, p in parameters.items()}


def _initialize_cases(rng):
    cases = [
        Case((ONE_LAYER,), {}, "one layer with a 2×3 W1"),
        Case((TWO_LAYERS,), {}, "two layers (sizes 3 → 4 → 2)",
             hint="one entry per parameter: dW1, db1, dW2, db2"),
        Case((THREE_LAYERS,), {}, "three layers (sizes 2 → 5 → 3 → 1)",
             hint="loop over every layer l = 1 … L, the last one too"),
        Case(({"W1": np.ones((1, 4)), "b1": np.ones((1, 1))},), {}, "one unit with four inputs"),
    ]
    for k in range(3):
        cases.append(Case((_network(rng, _random_sizes(rng, 4)),), {}, f"random #{k + 1}"))
    return cases


def _layer_count(parameters: dict) -> int:
    return len(parameters) // 2


def _zeros_keyed_by_parameters(parameters):
    return {name: np.zeros(np.shape(p)) for name, p in parameters.items()}


def _zeros_for_weights_only(parameters):
    return {"d" + name: np.zeros(np.shape(p)) for name, p in parameters.items() if name.startswith("W")}


def _zeros_missing_last_layer(parameters):
    out = {}
    for layer in range(1, _layer_count(parameters)):  # range(1, L) stops before layer L
        for name in (f"W{layer}", f"b{layer}"):
            out["d" + name] = np.zeros(np.shape(parameters[name]))
    return out


KEYED_BY_PARAMETERS = ("Your keys are the parameters' names ('W1', 'b1', …); moments are keyed like the "
                       "gradients: 'dW1', 'db1', and so on.")
WEIGHTS_ONLY = "You made entries for the weights only; every bias needs one too ('db1', 'db2', …)."
MISSING_LAST_LAYER = ("You leave out the last layer: with L = len(parameters) // 2 layers, loop over "
                      "range(1, L + 1).")

EXERCISES.append(Exercise(
    "optimizers.initialize_velocity", initialize_velocity, _initialize_cases,
    {
        KEYED_BY_PARAMETERS: _zeros_keyed_by_parameters,
        "You copy the parameters' values; the velocity starts at zeros of the same shapes (np.zeros_like).":
            lambda parameters: {"d" + name: np.array(p, dtype=np.float64) for name, p in parameters.items()},
        WEIGHTS_ONLY: _zeros_for_weights_only,
        MISSING_LAST_LAYER: _zeros_missing_last_layer,
    },
))


# --- momentum -------------------------------------------------------------------------------------


def update_with_momentum(parameters: dict, grads: dict, v: dict, beta: float, lr: float) -> tuple[dict, dict]:
    """(parameters, v) after one step, for each p = parameters[name], g = grads["d" + name]:
    v = βv + (1 − β)g, then p = p − lr·v; new dicts, inputs unchanged."""
    new_parameters, new_v = {}, {}
    for name, p in parameters.items():
        key = "d" + name
        new_v[key] = beta * np.asarray(v[key], dtype=np.float64) + (1 - beta) * np.asarray(grads[key], dtype=np.float64)
        new_parameters[name] = np.asarray(p, dtype=np.float64) - lr * new_v[key]
    return new_parameters, new_v


def _momentum_cases(rng):
    two_grads = _gradient_like(TWO_LAYERS, np.random.default_rng(7), 0.5, decimals=2)
    two_v = _gradient_like(TWO_LAYERS, np.random.default_rng(8), 0.3, decimals=2)
    three_grads = _gradient_like(THREE_LAYERS, np.random.default_rng(9), decimals=2)
    three_v = _gradient_like(THREE_LAYERS, np.random.default_rng(10), 0.5, decimals=2)
    cases = [
        Case((ONE_LAYER, ONE_LAYER_GRADS, _zeros_like(ONE_LAYER), 0.9, 0.1), {},
             "the first step (v = 0) with one layer",
             hint="v starts at 0, so v = 0.1·g and p moves by lr·0.1·g"),
        Case((TWO_LAYERS, two_grads, two_v, 0.9, 0.05), {}, "two layers in mid-training",
             hint="update v first, then step p along the new v"),
        Case((ONE_LAYER, _zeros_like(ONE_LAYER), {"dW1": np.full((2, 3), 0.5), "db1": np.array([[-1.0], [2.0]])},
              0.8, 0.1), {}, "zero gradients", hint="with g = 0 the velocity still carries p along: v = βv"),
        Case((TWO_LAYERS, two_grads, two_v, 0.0, 0.1), {}, "β = 0 (plain gradient descent)",
             hint="with β = 0, v = g and p = p − lr·g"),
        Case((THREE_LAYERS, three_grads, three_v, 0.95, 0.01), {}, "three layers with β = 0.95"),
    ]
    for k in range(3):
        parameters = _network(rng, _random_sizes(rng))
        grads, v = _gradient_like(parameters, rng), _gradient_like(parameters, rng, 0.5)
        beta = float(np.round(rng.uniform(0.5, 0.99), 2))
        cases.append(Case((parameters, grads, v, beta, float(np.round(rng.uniform(0.001, 0.3), 3))), {},
                          f"random #{k + 1}"))
    return cases


def _momentum_variant(parameters, grads, v, beta, lr, *, average=True, swap=False, step_with="new v",
                      return_old_v=False, lr_inside=False):
    """One momentum step with one mistake switched on."""
    new_parameters, new_v = {}, {}
    for name, p in parameters.items():
        key = "d" + name
        g = grads[key]
        if lr_inside:  # v = βv + lr·g, p = p − v
            new_v[key] = beta * v[key] + lr * g
            new_parameters[name] = p - new_v[key]
            continue
        if not average:
            new_v[key] = beta * v[key] + g
        elif swap:
            new_v[key] = (1 - beta) * v[key] + beta * g
        else:
            new_v[key] = beta * v[key] + (1 - beta) * g
        step = {"new v": new_v[key], "old v": v[key], "g": g}[step_with]
        new_parameters[name] = p - lr * step
    return new_parameters, (dict(v) if return_old_v else new_v)


EXERCISES.append(Exercise(
    "optimizers.update_with_momentum", update_with_momentum, _momentum_cases,
    {
        "You left out the (1 − β) factor (v = βv + g); this course's velocity is an average: "
        "v = βv + (1 − β)·g.": lambda *a: _momentum_variant(*a, average=False),
        "β and 1 − β are swapped: v = βv + (1 − β)·g, the old velocity gets the weight β.":
            lambda *a: _momentum_variant(*a, swap=True),
        "You step with the gradient (p = p − lr·g); momentum steps along the velocity: p = p − lr·v.":
            lambda *a: _momentum_variant(*a, step_with="g"),
        "You step with the velocity from before this step; update v first, then p = p − lr·v with the new v.":
            lambda *a: _momentum_variant(*a, step_with="old v"),
        "You return the old velocity; return the updated v alongside the new parameters.":
            lambda *a: _momentum_variant(*a, return_old_v=True),
        "You put lr into the velocity (v = βv + lr·g, then p = p − v), another book's convention; this course's "
        "velocity is an average of gradients, v = βv + (1 − β)·g, and the step is p = p − lr·v.":
            lambda *a: _momentum_variant(*a, lr_inside=True),
    },
))


# --- Nesterov's look-ahead ------------------------------------------------------------------------


def nesterov_step(grad_f, w: np.ndarray, v: np.ndarray, beta: float, lr: float) -> tuple[np.ndarray, np.ndarray]:
    """(w, v) for w, v (d,): look-ahead w̃ = w − lr·β·v, v = βv + (1 − β)·∇f(w̃), w = w − lr·v."""
    w, v = np.asarray(w, dtype=np.float64), np.asarray(v, dtype=np.float64)
    look_ahead = w - lr * beta * v
    new_v = beta * v + (1 - beta) * np.asarray(grad_f(look_ahead), dtype=np.float64)
    return w - lr * new_v, new_v


def _bowl(a: np.ndarray, centre: np.ndarray) -> Described:
    """∇f of f(w) = ½ (w − c)ᵀ A (w − c)."""
    shown = {name: np.array2string(x, precision=2, separator=", ").replace("\n", "") for name, x in
             (("A", a), ("c", centre))}
    return Described(lambda w: a @ (w - centre), f"w ↦ A(w − c), A = {shown['A']}, c = {shown['c']}")


CUBIC_SLOPE = Described(lambda w: w**3, "w ↦ w³ (f = Σ w⁴/4)")


def _nesterov_cases(rng):
    elongated = _bowl(np.array([[10.0, 0.0], [0.0, 1.0]]), np.zeros(2))
    cases = [
        Case((_bowl(np.eye(2), np.array([1.0, -2.0])), np.array([0.0, 0.0]), np.zeros(2), 0.9, 0.5), {},
             "the first step (v = 0)", hint="with v = 0 the look-ahead point is w itself"),
        Case((elongated, np.array([1.0, 1.0]), np.array([2.0, -0.5]), 0.9, 0.1), {},
             "an elongated bowl with v ≠ 0",
             hint="evaluate the gradient at the look-ahead point w − lr·β·v, not at w"),
        Case((CUBIC_SLOPE, np.array([1.5, -0.5, 2.0]), np.array([1.0, 0.5, -2.0]), 0.8, 0.2), {},
             "a non-quadratic f in 3-D"),
        Case((_bowl(np.eye(2), np.zeros(2)), np.array([1.0, 2.0]), np.array([2.0, 4.0]), 0.5, 1.0), {},
             "the look-ahead lands on the minimum", hint="w − lr·β·v = 0, where ∇f = 0, so v = βv"),
        Case((_bowl(np.array([[2.0]]), np.array([0.5])), np.array([3.0]), np.array([-1.0]), 0.0, 0.1), {},
             "β = 0 (plain gradient descent) in 1-D", hint="with β = 0 the look-ahead is w and v = ∇f(w)"),
    ]
    for k in range(3):
        d = int(rng.integers(2, 5))
        q = rng.normal(size=(d, d))
        grad_f = _bowl(q @ q.T / d + np.eye(d), rng.normal(size=d))
        beta = float(np.round(rng.uniform(0.5, 0.99), 2))
        cases.append(Case((grad_f, rng.normal(size=d), rng.normal(size=d), beta,
                           float(np.round(rng.uniform(0.01, 0.3), 3))), {}, f"random #{k + 1}"))
    return cases


def _nesterov_variant(grad_f, w, v, beta, lr, *, look_ahead="w − lr·β·v", average=True, step_from_look_ahead=False,
                      return_old_v=False):
    """One Nesterov step with one mistake switched on."""
    w, v = np.asarray(w, dtype=np.float64), np.asarray(v, dtype=np.float64)
    points = {"w − lr·β·v": w - lr * beta * v, "w": w, "w + lr·β·v": w + lr * beta * v, "w − β·v": w - beta * v,
              "w − lr·v": w - lr * v}
    point = points[look_ahead]
    g = np.asarray(grad_f(point), dtype=np.float64)
    new_v = beta * v + ((1 - beta) * g if average else g)
    new_w = (point if step_from_look_ahead else w) - lr * new_v
    return new_w, (v if return_old_v else new_v)


EXERCISES.append(Exercise(
    "optimizers.nesterov_step", nesterov_step, _nesterov_cases,
    {
        "You evaluate the gradient at w, which is plain momentum; Nesterov evaluates it at the look-ahead "
        "point w − lr·β·v.": lambda *a: _nesterov_variant(*a, look_ahead="w"),
        "Your look-ahead point goes the wrong way: it is w − lr·β·v (where momentum is about to carry w), "
        "not w + lr·β·v.": lambda *a: _nesterov_variant(*a, look_ahead="w + lr·β·v"),
        "Your look-ahead point is w − β·v; here v is an average of gradients, so the look-ahead is "
        "w − lr·β·v.": lambda *a: _nesterov_variant(*a, look_ahead="w − β·v"),
        "You step from the look-ahead point; the look-ahead is only where the gradient is taken, the step "
        "starts from w: w = w − lr·v.": lambda *a: _nesterov_variant(*a, step_from_look_ahead=True),
        "You left out the (1 − β) factor: v = βv + (1 − β)·∇f(w − lr·β·v).":
            lambda *a: _nesterov_variant(*a, average=False),
        "Your look-ahead point is w − lr·v; momentum is about to carry w by lr·β·v (the old velocity, damped by "
        "β), so the look-ahead is w − lr·β·v.": lambda *a: _nesterov_variant(*a, look_ahead="w − lr·v"),
        "You return the old velocity; return the updated v alongside the new w.":
            lambda *a: _nesterov_variant(*a, return_old_v=True),
    },
))


# --- AdaGrad and RMSProp --------------------------------------------------------------------------


def update_with_adagrad(parameters: dict, grads: dict, s: dict, lr: float, eps: float = 1e-8) -> tuple[dict, dict]:
    """(parameters, s) after one step, for each p = parameters[name], g = grads["d" + name]:
    s = s + g², then p = p − lr·g/(√s + eps); new dicts, inputs unchanged."""
    new_parameters, new_s = {}, {}
    for name, p in parameters.items():
        key = "d" + name
        g = np.asarray(grads[key], dtype=np.float64)
        new_s[key] = np.asarray(s[key], dtype=np.float64) + g**2
        new_parameters[name] = np.asarray(p, dtype=np.float64) - lr * g / (np.sqrt(new_s[key]) + eps)
    return new_parameters, new_s


def update_with_rmsprop(parameters: dict, grads: dict, s: dict, beta: float, lr: float,
                        eps: float = 1e-8) -> tuple[dict, dict]:
    """(parameters, s) after one step, for each p = parameters[name], g = grads["d" + name]:
    s = βs + (1 − β)g², then p = p − lr·g/(√s + eps); new dicts, inputs unchanged."""
    new_parameters, new_s = {}, {}
    for name, p in parameters.items():
        key = "d" + name
        g = np.asarray(grads[key], dtype=np.float64)
        new_s[key] = beta * np.asarray(s[key], dtype=np.float64) + (1 - beta) * g**2
        new_parameters[name] = np.asarray(p, dtype=np.float64) - lr * g / (np.sqrt(new_s[key]) + eps)
    return new_parameters, new_s


def _adaptive_cases(rng, rmsprop: bool):
    """Cases for AdaGrad (args p, g, s, lr) or RMSProp (args p, g, s, β, lr)."""
    beta = (0.9,) if rmsprop else ()
    two_grads = _gradient_like(TWO_LAYERS, np.random.default_rng(11), decimals=2)
    two_s = _gradient_like(TWO_LAYERS, np.random.default_rng(12), 0.7, squares=True, decimals=3)
    three_grads = _gradient_like(THREE_LAYERS, np.random.default_rng(13), 2.0, decimals=2)
    three_s = _gradient_like(THREE_LAYERS, np.random.default_rng(14), 1.5, squares=True, decimals=3)
    first = ("s starts at 0, so the new s is 0.1·g² and each p moves by lr·g/(√0.1·|g| + eps) ≈ 3.16·lr "
             "against its gradient" if rmsprop
             else "s = 0, so s = g² and each p moves by lr·g/(|g| + eps) ≈ lr·sign(g)")
    cases = [
        Case((ONE_LAYER, ONE_LAYER_GRADS, _zeros_like(ONE_LAYER), *beta, 0.1), {},
             "the first step (s = 0) with one layer",
             hint=first),
        Case((TWO_LAYERS, two_grads, two_s, *beta, 0.05), {}, "two layers with s from earlier steps",
             hint="update s first, then divide by √s + eps with the new s"),
        Case((TWO_LAYERS, _with_zero_entries(two_grads), _zeros_like(TWO_LAYERS), *beta, 0.1), {},
             "zero gradients where s = 0", hint="there g/(√s + eps) = 0/eps = 0: eps keeps 0/0 away", edge=True),
        Case((ONE_LAYER, _tiny_gradients(ONE_LAYER), _zeros_like(ONE_LAYER), *beta, 0.1), {},
             "tiny gradients (about 1e-6)",
             hint="here √s is about 1e-6, so where eps = 1e-8 goes matters: g/(√s + eps), not g/√(s + eps)"),
        Case((THREE_LAYERS, three_grads, three_s, *beta, 0.01), {"eps": 0.1}, "three layers with eps = 0.1",
             hint="use the eps you are given, outside the root"),
    ]
    if rmsprop:
        cases.append(Case((TWO_LAYERS, two_grads, two_s, 0.0, 0.05), {}, "β = 0",
                          hint="with β = 0, s = g² and each p moves by about lr·sign(g)"))
        cases.append(Case((THREE_LAYERS, three_grads, three_s, 0.999, 0.01), {}, "β = 0.999"))
    for k in range(3):
        parameters = _network(rng, _random_sizes(rng))
        grads, s = _gradient_like(parameters, rng), _gradient_like(parameters, rng, 0.8, squares=True)
        rate = float(np.round(rng.uniform(0.001, 0.3), 3))
        args = (parameters, grads, s, float(np.round(rng.uniform(0.5, 0.99), 2)), rate) if rmsprop else (
            parameters, grads, s, rate)
        cases.append(Case(args, {}, f"random #{k + 1}"))
    return cases


def _adaptive_variant(parameters, grads, s, beta, lr, eps, *, accumulate, swap=False, root=True, eps_inside=False,
                      old_s=False, replace=False):
    """One AdaGrad (accumulate=True) or RMSProp step with one mistake switched on."""
    new_parameters, new_s = {}, {}
    for name, p in parameters.items():
        key = "d" + name
        g = grads[key]
        if replace:
            new_s[key] = g**2
        elif accumulate:
            new_s[key] = s[key] + g**2
        elif swap:
            new_s[key] = (1 - beta) * s[key] + beta * g**2
        else:
            new_s[key] = beta * s[key] + (1 - beta) * g**2
        used = s[key] if old_s else new_s[key]
        if not root:
            denominator = used + eps
        elif eps_inside:
            denominator = np.sqrt(used + eps)
        else:
            denominator = np.sqrt(used) + eps
        new_parameters[name] = p - lr * g / denominator
    return new_parameters, new_s


def _adagrad_variant(**mistake):
    return lambda parameters, grads, s, lr, eps=1e-8: _adaptive_variant(parameters, grads, s, None, lr, eps,
                                                                        accumulate=True, **mistake)


def _rmsprop_variant(**mistake):
    return lambda parameters, grads, s, beta, lr, eps=1e-8: _adaptive_variant(parameters, grads, s, beta, lr, eps,
                                                                              accumulate=False, **mistake)


EPS_INSIDE = ("You put eps inside the square root, √(s + eps); the course adds it outside: g/(√s + eps) "
              "(the two differ when gradients are tiny).")
NO_ROOT = "You divide by s + eps; divide by its square root: g/(√s + eps)."
OLD_S = "You divide by the s from before this step; update s first, then use the new s in the step."

EXERCISES.append(Exercise(
    "optimizers.update_with_adagrad", update_with_adagrad, lambda rng: _adaptive_cases(rng, rmsprop=False),
    {
        "You replace s with g²; AdaGrad accumulates every squared gradient so far: s = s + g².":
            _adagrad_variant(replace=True),
        NO_ROOT: _adagrad_variant(root=False),
        EPS_INSIDE: _adagrad_variant(eps_inside=True),
        OLD_S: _adagrad_variant(old_s=True),
    },
))

EXERCISES.append(Exercise(
    "optimizers.update_with_rmsprop", update_with_rmsprop, lambda rng: _adaptive_cases(rng, rmsprop=True),
    {
        "β and 1 − β are swapped: s = βs + (1 − β)·g², the old s gets the weight β.":
            _rmsprop_variant(swap=True),
        NO_ROOT: _rmsprop_variant(root=False),
        EPS_INSIDE: _rmsprop_variant(eps_inside=True),
        OLD_S: _rmsprop_variant(old_s=True),
        "You add up the squared gradients as AdaGrad does; RMSProp averages them: s = βs + (1 − β)·g².":
            lambda parameters, grads, s, beta, lr, eps=1e-8: _adaptive_variant(parameters, grads, s, beta, lr, eps,
                                                                               accumulate=True),
    },
))


# --- Adam -----------------------------------------------------------------------------------------


def initialize_adam(parameters: dict) -> tuple[dict, dict]:
    """(v, s): two separate dicts of float64 zeros shaped like the parameters, keyed "dW1", "db1", ...."""
    v = {"d" + name: np.zeros(np.shape(p), dtype=np.float64) for name, p in parameters.items()}
    s = {"d" + name: np.zeros(np.shape(p), dtype=np.float64) for name, p in parameters.items()}
    return v, s


EXERCISES.append(Exercise(
    "optimizers.initialize_adam", initialize_adam, _initialize_cases,
    {
        KEYED_BY_PARAMETERS: lambda parameters: (_zeros_keyed_by_parameters(parameters),
                                                 _zeros_keyed_by_parameters(parameters)),
        "You return one dict; initialize_adam returns two, (v, s), each of zeros.":
            lambda parameters: initialize_velocity(parameters),
        WEIGHTS_ONLY: lambda parameters: (_zeros_for_weights_only(parameters), _zeros_for_weights_only(parameters)),
        MISSING_LAST_LAYER: lambda parameters: (_zeros_missing_last_layer(parameters),
                                                _zeros_missing_last_layer(parameters)),
    },
))


def update_with_adam(parameters: dict, grads: dict, v: dict, s: dict, t: int, lr: float, beta1: float = 0.9,
                     beta2: float = 0.999, eps: float = 1e-8) -> tuple[dict, dict, dict, dict, dict]:
    """(parameters, v, s, v_corrected, s_corrected) after step t (1 on the first step), for each p, g:
    v = β1·v + (1 − β1)g, s = β2·s + (1 − β2)g², v̂ = v/(1 − β1^t), ŝ = s/(1 − β2^t), p = p − lr·v̂/(√ŝ + eps);
    new dicts, inputs unchanged."""
    new_parameters, new_v, new_s, v_corrected, s_corrected = {}, {}, {}, {}, {}
    for name, p in parameters.items():
        key = "d" + name
        g = np.asarray(grads[key], dtype=np.float64)
        new_v[key] = beta1 * np.asarray(v[key], dtype=np.float64) + (1 - beta1) * g
        new_s[key] = beta2 * np.asarray(s[key], dtype=np.float64) + (1 - beta2) * g**2
        v_corrected[key] = new_v[key] / (1 - beta1**t)
        s_corrected[key] = new_s[key] / (1 - beta2**t)
        step = v_corrected[key] / (np.sqrt(s_corrected[key]) + eps)
        new_parameters[name] = np.asarray(p, dtype=np.float64) - lr * step
    return new_parameters, new_v, new_s, v_corrected, s_corrected


def _adam_state(parameters: dict, rng, t: int, beta1: float = 0.9, beta2: float = 0.999) -> tuple[dict, dict]:
    """Moments (v, s) after t − 1 earlier steps with gradients ~ N(0, 1) (v, s = 0 when t = 1)."""
    v, s = _zeros_like(parameters), _zeros_like(parameters)
    for _ in range(t - 1):
        g = _gradient_like(parameters, rng)
        v = {key: beta1 * v[key] + (1 - beta1) * g[key] for key in v}
        s = {key: beta2 * s[key] + (1 - beta2) * g[key] ** 2 for key in s}
    return v, s


def _adam_cases(rng):
    two_grads = _gradient_like(TWO_LAYERS, np.random.default_rng(15), decimals=2)
    three_grads = _gradient_like(THREE_LAYERS, np.random.default_rng(19), decimals=2)
    v2, s2 = _adam_state(TWO_LAYERS, np.random.default_rng(16), 2)
    v10, s10 = _adam_state(THREE_LAYERS, np.random.default_rng(17), 10)
    v_late, s_late = _adam_state(TWO_LAYERS, np.random.default_rng(18), 200)
    zeros = _zeros_like(ONE_LAYER)
    cases = [
        Case((ONE_LAYER, ONE_LAYER_GRADS, zeros, zeros, 1, 0.01), {}, "the first step (t = 1) with one layer",
             hint="v̂ = g and ŝ = g², so each p moves by lr·g/(|g| + eps) ≈ lr·sign(g)"),
        Case((TWO_LAYERS, two_grads, v2, s2, 2, 0.01), {}, "step t = 2 with two layers",
             hint="the bias correction divides by 1 − β1^t and 1 − β2^t, with the power t"),
        Case((THREE_LAYERS, three_grads, v10, s10, 10, 0.001), {}, "step t = 10 with three layers"),
        Case((TWO_LAYERS, two_grads, v_late, s_late, 200, 0.001), {}, "step t = 200",
             hint="β2^200 ≈ 0.82: the correction of s still matters late in training"),
        Case((ONE_LAYER, _tiny_gradients(ONE_LAYER), zeros, zeros, 1, 0.01), {}, "tiny gradients (about 1e-6) at t = 1",
             hint="√ŝ is about 1e-6 here, so where eps = 1e-8 goes matters: v̂/(√ŝ + eps), not v̂/√(ŝ + eps)"),
        Case((TWO_LAYERS, _with_zero_entries(two_grads), _zeros_like(TWO_LAYERS), _zeros_like(TWO_LAYERS), 1, 0.01),
             {}, "zero gradients where v = s = 0", hint="there v̂/(√ŝ + eps) = 0/eps = 0", edge=True),
        Case((TWO_LAYERS, two_grads, v2, s2, 2, 0.01), {"beta1": 0.0, "beta2": 0.9, "eps": 1e-3},
             "beta1 = 0 and beta2 = 0.9 with eps = 1e-3",
             hint="use the betas and eps you are given; with β1 = 0, v̂ = g"),
    ]
    for k in range(3):
        parameters = _network(rng, _random_sizes(rng))
        t = int(rng.integers(1, 30))
        v, s = _adam_state(parameters, rng, t)
        cases.append(Case((parameters, _gradient_like(parameters, rng), v, s, t,
                           float(np.round(rng.uniform(0.0005, 0.05), 4))), {}, f"random #{k + 1}"))
    return cases


def _adam_variant(parameters, grads, v, s, t, lr, beta1=0.9, beta2=0.999, eps=1e-8, *, correct=True, power=True,
                  t_shift=0, eps_inside=False, times_g=False, report_uncorrected=False, keep_corrected=False):
    """One Adam step with one mistake switched on."""
    out = {"p": {}, "v": {}, "s": {}, "v̂": {}, "ŝ": {}}
    for name, p in parameters.items():
        key = "d" + name
        g = grads[key]
        new_v = beta1 * v[key] + (1 - beta1) * g
        new_s = beta2 * s[key] + (1 - beta2) * g**2
        if not correct:
            v_hat, s_hat = new_v, new_s
        elif not power:
            v_hat, s_hat = new_v / (1 - beta1), new_s / (1 - beta2)
        else:
            v_hat, s_hat = new_v / (1 - beta1 ** (t + t_shift)), new_s / (1 - beta2 ** (t + t_shift))
        step = v_hat / (np.sqrt(s_hat + eps) if eps_inside else np.sqrt(s_hat) + eps)
        out["p"][name] = p - lr * step * (g if times_g else 1.0)
        out["v"][key], out["s"][key] = (v_hat, s_hat) if keep_corrected else (new_v, new_s)
        out["v̂"][key], out["ŝ"][key] = (new_v, new_s) if report_uncorrected else (v_hat, s_hat)
    return out["p"], out["v"], out["s"], out["v̂"], out["ŝ"]


EXERCISES.append(Exercise(
    "optimizers.update_with_adam", update_with_adam, _adam_cases,
    {
        "You skip the bias correction; divide v by (1 − β1^t) and s by (1 − β2^t) before the step.":
            lambda *a, **k: _adam_variant(*a, **k, correct=False),
        "Your bias correction divides by (1 − β1) and (1 − β2): the power t is missing (some notes drop it); "
        "divide by 1 − β1^t and 1 − β2^t.": lambda *a, **k: _adam_variant(*a, **k, power=False),
        "You correct with t + 1; t is already the step number (1 on the first step): divide by 1 − β^t.":
            lambda *a, **k: _adam_variant(*a, **k, t_shift=1),
        "You put eps inside the square root, √(ŝ + eps); the course adds it outside: v̂/(√ŝ + eps) "
        "(the two differ when gradients are tiny).": lambda *a, **k: _adam_variant(*a, **k, eps_inside=True),
        "You multiply the step by the gradient again; v̂ already carries it: p = p − lr·v̂/(√ŝ + eps).":
            lambda *a, **k: _adam_variant(*a, **k, times_g=True),
        "You return v and s in the places of v_corrected and s_corrected; return v/(1 − β1^t) and "
        "s/(1 − β2^t) there.": lambda *a, **k: _adam_variant(*a, **k, report_uncorrected=True),
        "You keep the corrected moments as v and s; return v and s uncorrected (the next step builds on "
        "them) and the corrected ones separately.": lambda *a, **k: _adam_variant(*a, **k, keep_corrected=True),
    },
))

"""The engine of notebook 05's explorers (widgets/optimizers.py): one optimizer's run with the student's update
function or the reference's, and training runs of notebook 04's network on the moons, kept and continued.

The update functions of notebook 05 take dicts ("W1", "b1", ... and "dW1", "db1", ...). _OptimizerRun keeps an
optimizer's parameters and moments, asks for the gradient at the current parameters, calls the update (the
student's or the reference's) and checks what comes back; Nesterov's vector form gets the parameters flattened
into one vector, in the order of their keys. _TrainingRace trains pairs of runs, the student's and the
reference's, from the same start on the same mini-batches, sharing the gradient while they stand at the same
parameters.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from .. import backprop as bpref
from .. import gradient_descent as gd
from .. import optimizers as oref
from . import core
from .core import FAR

OPTIMIZERS = ("gradient descent", "momentum", "Nesterov", "AdaGrad", "RMSProp", "Adam")
UPDATE_FUNCTIONS = {  # the function behind each optimizer: gradient descent is momentum with β = 0
    "gradient descent": "update_with_momentum", "momentum": "update_with_momentum", "Nesterov": "nesterov_step",
    "AdaGrad": "update_with_adagrad", "RMSProp": "update_with_rmsprop", "Adam": "update_with_adam",
}

def _updates(update_with_momentum, nesterov_step, update_with_adagrad, update_with_rmsprop, update_with_adam):
    return {"update_with_momentum": update_with_momentum, "nesterov_step": nesterov_step,
            "update_with_adagrad": update_with_adagrad, "update_with_rmsprop": update_with_rmsprop,
            "update_with_adam": update_with_adam}


REFERENCE_UPDATES = _updates(oref.update_with_momentum, oref.nesterov_step, oref.update_with_adagrad,
                             oref.update_with_rmsprop, oref.update_with_adam)


# --- the engine: one optimizer's run ----------------------------------------------------------------


def _results(value, count: int, names: str) -> tuple:
    """value as a tuple of `count` results, else core.Unusable (its message goes after the update's name)."""
    if isinstance(value, (tuple, list)) and len(value) == count:
        return tuple(value)
    if isinstance(value, (tuple, list)):
        raise core.Unusable(f"returned {len(value)} values, not the {count} values {names}")
    if isinstance(value, np.ndarray):
        raise core.Unusable(f"returned an array of shape {value.shape}, not {names}")
    raise core.Unusable(f"returned {type(value).__name__}, not {names}")


_FLOAT64 = np.dtype(np.float64)


def _plain(value: dict, template: dict) -> bool:
    """Whether value holds a float64 array of the template's shape under each of its keys: the usual case, checked
    quickly (it runs for every step of every run)."""
    for key, array in template.items():
        part = value.get(key)
        if type(part) is not np.ndarray or part.dtype is not _FLOAT64 or part.shape != array.shape:
            return False
    return True


def _like(value, template, what: str):
    """value with the structure of template (a dict of arrays, or an array) as float64 arrays, else core.Unusable."""
    if isinstance(template, dict) and isinstance(value, dict) and _plain(value, template):
        return {key: value[key] for key in template}
    if isinstance(template, dict):
        if not isinstance(value, dict):
            raise core.Unusable(f"returned {type(value).__name__} for {what}, not a dict")
        for key in template:
            if key not in value:
                raise core.Unusable(f"returned {what} without the key {key!r} (keys {sorted(value)})")
        return {key: _like(value[key], template[key], f"{what}[{key!r}]") for key in template}
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise core.Unusable(f"returned {what} that is no array of numbers") from exc
    if array.shape != np.shape(template):
        raise core.Unusable(f"returned {what} of shape {array.shape}, not {np.shape(template)}")
    return array


def _as_vector(parameters: dict) -> np.ndarray:
    return np.concatenate([np.asarray(p).ravel() for p in parameters.values()])


def _from_vector(w, like: dict) -> dict:
    """The vector w cut into arrays shaped like the values of `like`, under the same keys."""
    w = np.asarray(w, dtype=np.float64).reshape(-1)
    out, start = {}, 0
    for key, p in like.items():
        out[key] = w[start:start + p.size].reshape(p.shape)
        start += p.size
    return out


def _gradient_vector(grads: dict, parameters: dict) -> np.ndarray:
    return np.concatenate([np.ravel(grads["d" + name]) for name in parameters])


def _zero_moments(optimizer: str, parameters: dict):
    """The state an optimizer starts from: v, s, (v, s) or, for Nesterov's vector form, a zero vector."""
    if optimizer == "Nesterov":
        return np.zeros(sum(np.size(p) for p in parameters.values()))
    if optimizer == "Adam":
        return oref.initialize_adam(parameters)
    return oref.initialize_velocity(parameters)


def _one_step(optimizer: str, update: Callable, parameters: dict, gradient: Callable, state, t: int,
              settings: dict):
    """(parameters, state) after one step of `optimizer` made by `update`; gradient(p) is the dict of
    gradients at p, settings hold lr and the β's."""
    lr = settings["lr"]
    if optimizer == "Nesterov":
        w = _as_vector(parameters)

        def grad_f(point):
            return _gradient_vector(gradient(_from_vector(point, parameters)), parameters)

        w_new, v = _results(update(grad_f, w, state.copy(), settings["beta"], lr), 2, "(w, v)")
        return _from_vector(_like(w_new, w, "w"), parameters), _like(v, state, "v")
    grads = gradient(parameters)
    if optimizer in ("gradient descent", "momentum"):
        beta = 0.0 if optimizer == "gradient descent" else settings["beta"]
        new, v = _results(update(parameters, grads, state, beta, lr), 2, "(parameters, v)")
        return _like(new, parameters, "parameters"), _like(v, state, "v")
    if optimizer in ("AdaGrad", "RMSProp"):
        beta = () if optimizer == "AdaGrad" else (settings["beta"],)
        new, s = _results(update(parameters, grads, state, *beta, lr), 2, "(parameters, s)")
        return _like(new, parameters, "parameters"), _like(s, state, "s")
    v, s = state
    new, v_new, s_new, _, _ = _results(update(parameters, grads, v, s, t, lr, settings["beta1"], settings["beta2"]),
                                       5, "(parameters, v, s, v_corrected, s_corrected)")
    return _like(new, parameters, "parameters"), (_like(v_new, v, "v"), _like(s_new, s, "s"))


class _OptimizerRun:
    """One optimizer from given parameters, its steps made by `update` (the student's or the reference's).
    A step that fails sets `why` (a sentence naming the function); parameters that turn non-finite or leave
    |·| ≤ FAR set `stopped`. Either way the run stops where it is."""

    def __init__(self, optimizer: str, update: Callable, settings: dict, parameters: dict):
        self.optimizer, self.update, self.settings = optimizer, update, dict(settings)
        self.name = UPDATE_FUNCTIONS[optimizer]
        self.parameters = {key: np.array(p, dtype=np.float64) for key, p in parameters.items()}
        self.state = _zero_moments(optimizer, self.parameters)
        self.t, self.why, self.stopped = 0, "", ""

    @property
    def running(self) -> bool:
        return not (self.why or self.stopped)

    def step(self, gradient: Callable) -> None:
        if not self.running:
            return
        self.t += 1
        try:
            self.parameters, self.state = _one_step(self.optimizer, self.update, self.parameters, gradient,
                                                    self.state, self.t, self.settings)
        except core.Unusable as exc:
            self.why = f"{self.name} {exc}"
            return
        except Exception as exc:  # noqa: BLE001 - whatever the student's code does, the figure must appear
            self.why = core.failure(exc, self.name)
            return
        largest = np.abs(_as_vector(self.parameters)).max()  # nan if any is nan
        if not np.isfinite(largest):
            self.stopped = f"nan or inf at step {self.t}"
        elif largest > FAR:
            self.stopped = f"diverged at step {self.t}"


def _shown(yours: _OptimizerRun, reference: _OptimizerRun) -> tuple[_OptimizerRun, str]:
    """The run to draw and, if that is the reference's, why: the student's failed, or it turned to nan or inf
    where the reference's did not."""
    if yours.why:
        return reference, yours.why
    if yours.stopped.startswith("nan") and not reference.stopped:
        return reference, f"{yours.name} returned nan or inf"
    return yours, ""


NETWORK_LAYERS = (2, 16, 16, 1)


def _network_gradients(parameters: dict, X: np.ndarray, Y: np.ndarray) -> dict:
    """{"dW1", "db1", ...} of notebook 04's network (ReLU layers, a sigmoid output) on (X, Y): the computation of
    the references model_forward and model_backward (dZ[L] = AL − Y, finite however saturated the output),
    written out in one function, since the training explorers call it for every mini-batch: without the
    references' caches, their calls layer by layer and the dA's that the optimizers do not need, it takes about
    two thirds of their time on mini-batches of 8 to 64 and three quarters on all 200 moons (the same inputs side
    by side, medians of 4,000 calls each: 67 against 100 µs at 32, 105 against 139 µs at 200, on 2 cores at a
    load of 5)."""
    L = len(parameters) // 2
    activations = [X]
    for l in range(1, L + 1):
        Z = parameters[f"W{l}"] @ activations[-1] + parameters[f"b{l}"]
        activations.append(np.maximum(Z, 0.0) if l < L else 0.5 + 0.5 * np.tanh(0.5 * Z))  # σ, never overflows
    dZ, grads = (activations[L] - Y) / X.shape[1], {}  # (1/m)·dZ: the 1/m of every dW and db, once
    for l in range(L, 0, -1):
        A_prev = activations[l - 1]
        grads[f"dW{l}"] = dZ @ A_prev.T
        grads[f"db{l}"] = dZ.sum(axis=1, keepdims=True)
        if l > 1:
            dZ = (parameters[f"W{l}"].T @ dZ) * (A_prev > 0)
    return grads


def _network_cost(parameters: dict, X, Y) -> float:
    return bpref.compute_cost(bpref.model_forward(X, parameters)[0], Y)


def _same(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(a[key].shape == b[key].shape and (a[key] == b[key]).all() for key in a)


class _SharedGradient:
    """The network's gradients on one mini-batch as a function of the parameters, computed once for runs that
    stand at the same parameters: the student's run and the reference's, as long as the student's optimizer is
    right (it then costs half the time). Each caller gets its own copy to change as it likes."""

    def __init__(self, X, Y):
        self.X, self.Y, self.at, self.grads = X, Y, None, None

    def __call__(self, parameters: dict) -> dict:
        if self.at is None or not _same(self.at, parameters):
            self.at = {key: np.array(value, dtype=np.float64) for key, value in parameters.items()}
            self.grads = _network_gradients(self.at, self.X, self.Y)
        return {key: value.copy() for key, value in self.grads.items()}


class _TrainingRace:
    """Pairs of runs, the student's and the reference's, one pair per entry of `plans`
    ({key: (optimizer, settings, schedule)}; schedule(epoch) gives the learning rate of that epoch, or None for
    settings["lr"] throughout), all from the same initial network and fed the same mini-batches.
    costs[key, "yours"] and costs[key, "reference"] list the cost on all the data after each epoch, snapshots
    the parameters after each epoch. A race of one plan runs exactly as that plan does in a race of several
    (the mini-batches depend only on the epoch), so the explorers keep one race per plan and draw them together
    (_RaceView)."""

    def __init__(self, updates: dict, X, Y, batch_size: int, plans: dict):
        self.X, self.Y, self.batch_size, self.plans = X, Y, batch_size, plans
        start = bpref.initialize_parameters(list(NETWORK_LAYERS), "he", np.random.default_rng(1))
        self.runs = {key: {"yours": _OptimizerRun(optimizer, updates[UPDATE_FUNCTIONS[optimizer]], settings, start),
                           "reference": _OptimizerRun(optimizer, REFERENCE_UPDATES[UPDATE_FUNCTIONS[optimizer]],
                                                      settings, start)}
                     for key, (optimizer, settings, _) in plans.items()}
        self.costs = {(key, who): [] for key in plans for who in ("yours", "reference")}
        self.snapshots = {(key, who): [] for key in plans for who in ("yours", "reference")}
        self.rng = np.random.default_rng(2)
        self.epochs = 0

    def epoch(self) -> None:
        """One more epoch for every run (call inside core.quiet)."""
        if self.batch_size:
            batches = gd.random_mini_batches(self.X, self.Y, self.batch_size, self.rng)
        else:
            batches = [(self.X, self.Y)]
        for key, runs in self.runs.items():
            schedule = self.plans[key][2]
            for run in runs.values():
                if schedule is not None:
                    run.settings["lr"] = schedule(self.epochs)
            for X_batch, Y_batch in batches:
                gradient = _SharedGradient(X_batch, Y_batch)
                for run in runs.values():
                    run.step(gradient)
            reference, yours = runs["reference"], runs["yours"]
            cost = _network_cost(reference.parameters, self.X, self.Y) if reference.running else np.nan
            self.costs[key, "reference"].append(cost)
            if not (yours.running and reference.running and _same(yours.parameters, reference.parameters)):
                cost = _network_cost(yours.parameters, self.X, self.Y) if yours.running else np.nan
            self.costs[key, "yours"].append(cost)
            for who, run in runs.items():
                self.snapshots[key, who].append({k: np.array(v, dtype=np.float64) for k, v in run.parameters.items()})
        self.epochs += 1


class _RaceView:
    """Races of one plan each, {key: race}, seen together after `epochs` epochs, or as far as all have got:
    what the drawing functions read (the attributes of a _TrainingRace, cut at that epoch)."""

    def __init__(self, races: dict, epochs: int):
        first = next(iter(races.values()))
        self.X, self.Y, self.batch_size = first.X, first.Y, first.batch_size
        self.epochs = min([epochs] + [race.epochs for race in races.values()])
        self.plans = {key: race.plans[key] for key, race in races.items()}
        self.runs = {key: race.runs[key] for key, race in races.items()}
        self.costs = {(key, who): race.costs[key, who][:self.epochs] for key, race in races.items()
                      for who in ("yours", "reference")}
        self.snapshots = {(key, who): race.snapshots[key, who][:self.epochs] for key, race in races.items()
                          for who in ("yours", "reference")}


class _RaceCache:
    """Single-plan races by a key that says everything they depend on, each trained as far as anyone asked:
    moving the epochs back and forth trains nothing again, and moving one optimizer's (or schedule's) knob
    trains only that one. The oldest races go once there are more than `size`."""

    def __init__(self, size: int = 30):
        self.races, self.size = {}, size

    def get(self, tag, make: Callable) -> _TrainingRace:
        if tag not in self.races:
            self.races[tag] = make()
            while len(self.races) > self.size:
                self.races.pop(next(iter(self.races)))
        return self.races[tag]

"""Notebook 04's explorers: the student's layer functions put together into whole networks: parameter counts, the
notes' network's output and gradients, a gradient check of the whole model, training on the moons, the gradient of
every layer of a deep net, and the symmetry that zero weights never break.

The student's result is orange and the reference blue; when a student function fails, the reference does the
whole computation and the figure names the function. Private helpers start with `_bp`.
"""

from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np

from .. import backprop as bpref
from .. import data, gradcheck, plots
from . import core


BP_CHECK_DIMS = (2, 4, 3, 1)  # the network of the whole-model gradient check: the notes' shape, He-initialized
BP_MOONS_DIMS = (2, 16, 8, 1)  # the moons classifier
BP_SYMMETRY_DIMS = (2, 4, 4, 1)  # small enough to show every unit of its first hidden layer
BP_FLOW_WIDTH = 64  # units per hidden layer of the deep net
BP_INIT_SCHEMES = ("zeros", "random", "xavier", "he")


def _bp_keys(L: int) -> list[str]:
    """["W1", "b1", ..., "WL", "bL"]."""
    return [f"{kind}{l}" for l in range(1, L + 1) for kind in ("W", "b")]


def _bp_copy(parameters: dict) -> dict:
    """A copy to hand to the student's code, which might change arrays in place."""
    return {key: value.copy() for key, value in parameters.items()}


def _bp_parameters(parameters, dims, who: str = "initialize_parameters") -> dict:
    """A float copy of {"W1", "b1", ...} checked against the layer sizes dims (W[l] (n_l, n_{l−1}), b[l] (n_l, 1))."""
    if not isinstance(parameters, dict):
        raise core.Unusable(f"{who} returned {type(parameters).__name__}, not a dict")
    checked = {}
    for l in range(1, len(dims)):
        for key, shape in ((f"W{l}", (dims[l], dims[l - 1])), (f"b{l}", (dims[l], 1))):
            if key not in parameters:
                raise core.Unusable(f"{who} gave no {key!r}")
            checked[key] = core.array(parameters[key], shape, f"{who}'s {key}")
    return checked


def _bp_gradients(grads, parameters: dict, who: str = "model_backward") -> dict:
    """{"dW1", "db1", ...} as float arrays shaped like the parameters, or core.Unusable."""
    if not isinstance(grads, dict):
        raise core.Unusable(f"{who} returned {type(grads).__name__}, not a dict")
    checked = {}
    for key, value in parameters.items():
        if "d" + key not in grads:
            raise core.Unusable(f"{who} gave no 'd{key}'")
        checked["d" + key] = core.array(grads["d" + key], value.shape, f"{who}'s d{key}")
    return checked


def _bp_to_vector(parameters: dict) -> np.ndarray:
    """W1, b1, W2, b2, ... flattened (row by row) and joined into one vector θ."""
    return np.concatenate([np.ravel(parameters[key]) for key in _bp_keys(len(parameters) // 2)])


def _bp_from_vector(theta: np.ndarray, like: dict) -> dict:
    """The inverse of _bp_to_vector: θ cut into fresh arrays shaped like the entries of `like`."""
    parameters, start = {}, 0
    for key in _bp_keys(len(like) // 2):
        size = like[key].size
        parameters[key] = theta[start:start + size].reshape(like[key].shape).copy()
        start += size
    return parameters


def _bp_count(dims) -> int:
    return sum(n * n_prev + n for n_prev, n in zip(dims[:-1], dims[1:]))


def _bp_references() -> dict:
    """Every function of notebook 04, the reference's."""
    return {name: getattr(bpref, name) for name in (
        "initialize_parameters", "linear_forward", "linear_backward", "linear_activation_forward",
        "linear_activation_backward", "model_forward", "compute_cost", "model_backward", "update_parameters")}


# --- (a) how many parameters ----------------------------------------------------------------------


def parameter_table(initialize_parameters: Callable, networks: dict) -> None:
    """Prints, for each network {name: layer sizes [n_0, ..., n_L]}, the shapes of the student's W[l] and b[l]
    and the number of parameters (weights and biases); from the sizes alone while initialize_parameters fails."""
    rows, problems = [], []
    for name, dims in networks.items():
        dims = [int(n) for n in dims]
        parameters, why = core.run(lambda: _bp_parameters(
            initialize_parameters(list(dims), "he", np.random.default_rng(0)), dims), blame="initialize_parameters")
        if why and why not in problems:
            problems.append(why)
        count = _bp_count(dims) if parameters is None else sum(v.size for v in parameters.values())
        L = len(dims) - 1
        per_layer = [f"{n * n_prev} + {n}" for n_prev, n in zip(dims[:-1], dims[1:])]
        if L > 4:  # a deep net: say it once for all the equal hidden layers
            per_layer = per_layer[:1] + [f"{L - 2} × ({per_layer[1]})"] + per_layer[-1:]
        sizes = str(dims) if len(dims) <= 6 else f"[{dims[0]}, {dims[1]} × {L - 1} layers, {dims[-1]}]"
        rows.append((name, sizes, " | ".join(per_layer), f"{count:,}"))
    if problems:
        print("; ".join(problems) + ": counting from the layer sizes alone.")
    widths = [max(len(row[i]) for row in rows + [("network", "layer sizes", "weights + biases per layer",
                                                   "parameters")]) for i in range(4)]
    for row in [("network", "layer sizes", "weights + biases per layer", "parameters")] + rows:
        print("  ".join(cell.ljust(w) if i < 3 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths))))


# --- (b) the notes' network: its output, its cost and its gradients ----------------------------------


def notes_forward(model_forward: Callable, compute_cost: Callable) -> None:
    """Prints the student's AL and cost for the notes' network [2, 4, 3, 1] on its three examples beside the
    reference's."""
    AL_right, _ = bpref.model_forward(bpref.NOTES_X, bpref.NOTES_PARAMETERS)
    J_right = bpref.compute_cost(AL_right, bpref.NOTES_Y)
    parameters = {k: v.copy() for k, v in bpref.NOTES_PARAMETERS.items()}
    AL, why = core.run(lambda: core.array(model_forward(bpref.NOTES_X.copy(), parameters)[0], AL_right.shape,
                                           "model_forward's AL"), blame="model_forward")
    J, why_cost = core.run(lambda: core.number(compute_cost(AL_right.copy(), bpref.NOTES_Y.copy()),
                                                "compute_cost"), blame="compute_cost")
    print(f"the notes' network {list(BP_CHECK_DIMS)} on its {AL_right.shape[1]} examples, Y = {bpref.NOTES_Y}")
    yours = why or np.array2string(AL, precision=4)
    print(f"AL: yours {yours}\n    reference {np.array2string(AL_right, precision=4)}")
    print(f"J (from the reference's AL): yours {why_cost or f'{J:.4f}'}, reference {J_right:.4f}")


# --- the gradients of the notes' network, one by one


def gradient_table(model_forward: Callable, model_backward: Callable, X: np.ndarray | None = None,
                   Y: np.ndarray | None = None, parameters: dict | None = None) -> None:
    """Prints every entry the student's model_backward returns for the notes' network (or the given one), in the
    order backpropagation computes them, with its shape and whether it matches the reference."""
    if parameters is None:
        X, Y, parameters = bpref.NOTES_X, bpref.NOTES_Y, bpref.NOTES_PARAMETERS
    AL, caches = bpref.model_forward(X, parameters)
    right = bpref.model_backward(AL, Y, caches)

    def yours():
        AL, caches = model_forward(X.copy(), {k: v.copy() for k, v in parameters.items()})
        core.array(AL, Y.shape, "model_forward's AL")
        grads = model_backward(AL, Y.copy(), caches)
        if not isinstance(grads, dict):
            raise core.Unusable(f"model_backward returned {type(grads).__name__}, not a dict")
        return grads

    grads, why = core.run(yours, blame="model_backward")
    if why:
        print(why + ". The reference's gradients:")
    print(f"{'key':6}{'shape':>10}   {'values (the first four)' if grads is None else 'yours'}")
    for key, value in right.items():
        if grads is None:
            print(f"{key:6}{str(value.shape):>10}   {np.array2string(value.ravel()[:4], precision=4)}"
                  + (" ..." if value.size > 4 else ""))
            continue
        if key not in grads:
            print(f"{key:6}{'—':>10}   missing: grads needs {key!r}")
            continue
        mine = np.asarray(grads[key], dtype=np.float64)
        if mine.shape != value.shape:
            verdict = f"wrong shape: {key} is shaped like {key[1:]}, {value.shape}"
        elif np.allclose(mine, value, rtol=1e-6, atol=1e-9):
            verdict = "right"
        else:
            verdict = f"differs from the reference by up to {np.max(np.abs(mine - value)):.3g}"
        print(f"{key:6}{str(mine.shape):>10}   {verdict}")
    extra = sorted(set(grads or {}) - set(right))
    if extra:
        print(f"(grads also holds {', '.join(map(str, extra))}, which backpropagation does not make)")


# --- (c) a gradient check of the whole model -------------------------------------------------------


def check_network():
    """(X (2, 30), Y (1, 30), parameters) of the whole-model gradient check: 30 moons points and a BP_CHECK_DIMS
    network initialized by the reference's He initialization from default_rng(0)."""
    X, Y, parameters = _bp_check_network()
    return X, Y, {k: v.copy() for k, v in parameters.items()}


def _bp_check_network():
    """(X (2, 30), Y (1, 30), parameters): 30 moons points and a He-initialized BP_CHECK_DIMS network."""
    X, Y = data.moons(np.random.default_rng(0), m=30, noise=0.25)
    return X, Y, bpref.initialize_parameters(list(BP_CHECK_DIMS), "he", np.random.default_rng(0))


def _bp_analytic(model_forward, model_backward, X, Y, parameters):
    """model_backward's dW and db at `parameters`, checked and flattened in the order of _bp_to_vector."""
    AL, caches = model_forward(X.copy(), {k: v.copy() for k, v in parameters.items()})
    core.array(AL, Y.shape, "model_forward's AL")
    grads = _bp_gradients(model_backward(AL, Y.copy(), caches), parameters)
    return _bp_to_vector({key[1:]: value for key, value in grads.items()})


def model_gradient_check(model_forward: Callable, compute_cost: Callable, model_backward: Callable,
                         X: np.ndarray | None = None, Y: np.ndarray | None = None, parameters: dict | None = None,
                         h: float = 1e-5) -> float:
    """The relative error (mlcourse.gradcheck) between model_backward's dW[l], db[l] and central differences of
    J(θ) = compute_cost(model_forward(X, θ)[0], Y), over every parameter θ of the network at once.

    Without X, Y and parameters: the BP_CHECK_DIMS network on 30 moons points (see _bp_check_network). Whatever
    the functions raise is raised; nothing is caught."""
    if parameters is None:
        X, Y, parameters = _bp_check_network()
    parameters = {k: np.asarray(v, dtype=np.float64) for k, v in parameters.items()}

    def cost(theta):
        AL, _ = model_forward(X.copy(), _bp_from_vector(theta, parameters))
        return core.number(compute_cost(AL, Y.copy()), "compute_cost")

    return gradcheck.gradient_check(cost, lambda theta: _bp_analytic(
        model_forward, model_backward, X, Y, _bp_from_vector(theta, parameters)), _bp_to_vector(parameters), h)


def _bp_verdict(error: float) -> str:
    if error < 1e-7:
        return "right (below 1e-7)"
    if error < 1e-3:
        return "look closer (between 1e-7 and 1e-3)"
    return "wrong (above 1e-3)"


def _bp_planted(model_backward, bug: str, m: int):
    """model_backward with one bug planted into its result."""
    def backward(AL, Y, caches):
        grads = dict(model_backward(AL, Y, caches))
        if bug == "no 1/m":
            grads = {k: np.asarray(v) * m if k.startswith("db") else v for k, v in grads.items()}
        elif bug == "sign":
            grads["dW2"] = -np.asarray(grads["dW2"])
        elif bug == "db1":
            grads["db1"] = np.zeros_like(np.asarray(grads["db1"], dtype=np.float64))
        elif bug == "1%":
            grads["dW1"] = np.asarray(grads["dW1"]) * 1.01
        return grads
    return backward


BP_PLANTED = {  # label: the bug planted into the student's gradients
    "every db m times too large (1/m forgotten)": "no 1/m",
    "dW2 with the wrong sign": "sign",
    "db1 left at zero": "db1",
    "dW1 1% too large": "1%",
}


def whole_model_check(model_forward: Callable, compute_cost: Callable, model_backward: Callable) -> float | None:
    """Prints the relative error of the student's backward pass on the BP_CHECK_DIMS network and draws it with
    planted bugs and the ReLU kinks of the notes' network for comparison; returns the error (None if the student's
    functions fail)."""
    fig, error, why = _backprop_check_figure(model_forward, compute_cost, model_backward)
    X, Y, parameters = _bp_check_network()
    reference = _bp_reference_error()
    head = f"Gradient check of the whole network {list(BP_CHECK_DIMS)} ({_bp_count(BP_CHECK_DIMS)} parameters, " \
           f"{X.shape[1]} examples): "
    if error is None:
        print(head + f"{why}; the reference reaches {reference:.1e}.")
    else:
        print(head + f"relative error {error:.1e}, {_bp_verdict(error)}. The reference reaches {reference:.1e}.")
    plots.show(fig)
    return error


def _bp_reference_error() -> float:
    refs = _bp_references()
    return model_gradient_check(refs["model_forward"], refs["compute_cost"], refs["model_backward"])


def _backprop_check_figure(model_forward, compute_cost, model_backward):
    """(fig, the student's error or None, why): bars of relative errors on a log scale."""
    refs = _bp_references()
    X, Y, parameters = _bp_check_network()
    error, why = core.run(lambda: model_gradient_check(model_forward, compute_cost, model_backward),
                          blame="model_backward")
    own = why == ""
    forward, cost, backward = (model_forward, compute_cost, model_backward) if own else \
        (refs["model_forward"], refs["compute_cost"], refs["model_backward"])
    rows = [("yours" if own else "the reference", error if own else _bp_reference_error(),
             plots.STUDENT if own else plots.REFERENCE)]
    for label, bug in BP_PLANTED.items():
        planted, _ = core.run(lambda: model_gradient_check(forward, cost, _bp_planted(backward, bug, X.shape[1])))
        rows.append((f"planted: {label}", planted, plots.WARNING))
    nudged = {k: v + 1e-3 if k == "b1" else v for k, v in bpref.NOTES_PARAMETERS.items()}
    for label, network in (("notes' network, right code: Z = 0 at ReLU kinks", bpref.NOTES_PARAMETERS),
                           ("the same with b1 nudged by 0.001", nudged)):
        value, _ = core.run(lambda: model_gradient_check(forward, cost, backward, bpref.NOTES_X, bpref.NOTES_Y,
                                                           network))
        rows.append((label, value, plots.ACCENT))
    fig, ax = plots.figure(size=(9, 4.6))
    positions = np.arange(len(rows))[::-1]
    values = np.array([np.nan if v is None or not np.isfinite(v) else max(float(v), 1e-16) for _, v, _ in rows])
    ax.axvspan(1e-17, 1e-7, color=plots.ACCENT, alpha=0.08)
    ax.axvspan(1e-3, 10, color=plots.WARNING, alpha=0.08)
    ax.barh(positions, np.nan_to_num(values, nan=0.0), left=1e-17, color=[c for _, _, c in rows], height=0.55)
    for y, value in zip(positions, values):
        ax.text(value if np.isfinite(value) else 1e-16, y, f"  {value:.1e}" if np.isfinite(value) else "  —",
                va="center", fontsize=9)
    ax.set_xscale("log")
    ax.set(xlim=(1e-17, 10), ylim=(-0.7, len(rows) + (0.6 if own else 1.5)), yticks=positions, yticklabels=[r[0] for r in rows],
           xlabel="relative error between backpropagation and central differences (h = 1e-5)")
    ax.text(1e-12, len(rows) - 0.25, "right (< 1e-7)", color=plots.ACCENT, ha="center", fontsize=9)
    ax.text(3e-2, len(rows) - 0.25, "wrong (> 1e-3)", color=plots.WARNING, ha="center", fontsize=9)
    ax.set_title(f"the whole network {list(BP_CHECK_DIMS)}: every dW and db at once")
    if not own:
        plots.note(ax, core.reference_only(why))
    return fig, error, why


# --- (d) training on the moons ----------------------------------------------------------------------


def _bp_moons():
    """200 noisy moons points (examples are columns), the same every time."""
    return data.moons(np.random.default_rng(1), m=200, noise=0.25)


class _BpRun(NamedTuple):
    costs: np.ndarray  # the cost before each epoch's step, epochs + 1 values (fewer if the run stopped)
    snapshots: list  # the parameters after 0, every, 2·every, ... epochs
    stop: str  # '' or why the run ended early


def _bp_epochs(functions: dict, X, Y, dims, lr: float, epochs: int, every: int):
    """Batch gradient descent from initialize_parameters(dims, "he", default_rng(0)), built from `functions`
    (model_forward, compute_cost, model_backward, update_parameters), as a generator: it yields the run so far
    (a _BpRun) after every `every` epochs and returns the whole run."""
    m = X.shape[1]
    parameters = _bp_parameters(functions["initialize_parameters"](list(dims), "he", np.random.default_rng(0)), dims)
    costs, snapshots, saturated = [], [], False
    for epoch in range(epochs + 1):
        AL, caches = functions["model_forward"](X.copy(), _bp_copy(parameters))
        AL = core.array(AL, (1, m), "model_forward's AL")
        cost = core.number(functions["compute_cost"](AL.copy(), Y.copy()), "compute_cost", finite=False)
        if not np.isfinite(cost):
            why = "some outputs AL were exactly 0 or 1, where dAL = −(Y/AL − (1 − Y)/(1 − AL)) divides 0 by 0" \
                if saturated else "the cost became nan or inf"
            return _BpRun(np.array(costs), snapshots, f"stopped at epoch {epoch}: {why}")
        costs.append(cost)
        if epoch % every == 0:
            snapshots.append(parameters)
            if epoch < epochs:
                yield _BpRun(np.array(costs), list(snapshots), "")
        if epoch == epochs:
            break
        saturated = bool(np.any((AL == 0) | (AL == 1)))
        grads = _bp_gradients(functions["model_backward"](AL, Y.copy(), caches), parameters)
        parameters = _bp_parameters(functions["update_parameters"](_bp_copy(parameters), grads, lr), dims,
                                    "update_parameters")
    return _BpRun(np.array(costs), snapshots, "")


def _bp_train(functions: dict, X, Y, dims, lr: float, epochs: int, every: int) -> _BpRun:
    """_bp_epochs run to its end."""
    steps = _bp_epochs(functions, X, Y, dims, lr, epochs, every)
    while True:
        try:
            next(steps)
        except StopIteration as end:
            return end.value


def moons_training_explorer(initialize_parameters: Callable, model_forward: Callable, compute_cost: Callable,
                            model_backward: Callable, update_parameters: Callable, lr: float = 0.5,
                            epoch: int = 1000, epochs: int = 2000, every: int = 20) -> None:
    """Trains a BP_MOONS_DIMS network on 200 moons points with the student's five functions (batch gradient
    descent, He initialization from default_rng(0)) beside the reference: the decision regions after the chosen
    epoch and the cost per epoch. Sliders for the epoch (a snapshot every `every` epochs) and the learning rate; a
    new learning rate trains again (both runs side by side, the cost curves drawn as they go, a progress bar);
    every learning rate's runs are kept, so moving through the epochs trains nothing."""
    X, Y = _bp_moons()
    yours = {"initialize_parameters": initialize_parameters, "model_forward": model_forward,
             "compute_cost": compute_cost, "model_backward": model_backward, "update_parameters": update_parameters}
    runs: dict = {}  # learning rate: (your run, the reference's run, why yours failed)

    def draw(frames, epoch, lr):
        if lr not in runs:
            runs[lr] = _bp_moons_runs(yours, X, Y, lr, epochs, every, frames)
        return _moons_training_figure(*runs[lr], X, Y, epoch, lr, epochs, every)

    core.explore(draw, live=True, progress="training", epoch=core.slider("int", epoch, 0, epochs, every, "epoch"),
                 lr=core.slider("log", lr, -2, 0.5, 0.05, "learning rate", base=10, readout_format=".3f"))


def _bp_moons_runs(yours: dict, X, Y, lr: float, epochs: int, every: int, frames: core.Frames | None = None):
    """(your run or None, the reference's run, why yours failed): both trained on X, Y, side by side, `every`
    epochs at a time; with frames, the cost curves so far are shown as they grow and the progress bar moves."""
    key = (X.tobytes(), Y.tobytes(), lr, epochs, every)
    runs = {"reference": _bp_epochs(_bp_references(), X, Y, BP_MOONS_DIMS, lr, epochs, every),
            "yours": _bp_epochs(yours, X, Y, BP_MOONS_DIMS, lr, epochs, every)}
    now, done, why = {}, {}, ""
    if key in _BP_REFERENCE_RUNS:  # trained before, in this explorer or in an earlier one
        done["reference"] = now["reference"] = _BP_REFERENCE_RUNS[key]

    def advance(who):
        try:
            now[who] = next(runs[who])
        except StopIteration as end:
            done[who] = now[who] = end.value

    while len(done) < 2:
        with np.errstate(all="ignore"):
            if "reference" not in done:
                advance("reference")
        if "yours" not in done:
            _, why = core.run(lambda: advance("yours"))
            if why:
                done["yours"] = now["yours"] = None
        if frames is not None:
            frames.progress(min((len(run.costs) - 1 for run in now.values() if run is not None), default=0), epochs)
            if len(done) < 2 and frames.due():
                frames.show(_moons_training_figure(now["yours"], now["reference"], why, X, Y, epochs, lr, epochs,
                                                   every))
    if frames is not None:
        frames.progress(epochs, epochs)
    if len(_BP_REFERENCE_RUNS) > 20:
        _BP_REFERENCE_RUNS.clear()
    _BP_REFERENCE_RUNS[key] = done["reference"]
    return done["yours"], done["reference"], why


_BP_REFERENCE_RUNS: dict = {}  # the reference's training runs on the moons, by data and settings


def _bp_probabilities(parameters: dict, points: np.ndarray) -> np.ndarray:
    """The network's output on points (2, k), computed with the reference."""
    with np.errstate(all="ignore"):
        return bpref.model_forward(points, parameters)[0][0]


def _moons_training_figure(run: _BpRun | None, reference: _BpRun, why: str, X, Y, epoch: int, lr: float,
                           epochs: int, every: int):
    shown, colour = (run, plots.STUDENT) if run is not None else (reference, plots.REFERENCE)
    fig, (left, right) = plots.figure(ncols=2, size=(11, 4.4))
    grid, extent = plots.plane_grid(X, n=101, margin=0.4)
    k = min(epoch // every, len(shown.snapshots) - 1)
    at = k * every
    probabilities = _bp_probabilities(shown.snapshots[k], np.hstack([X, grid]))
    plots.shade_classes(left, probabilities[X.shape[1]:], extent)
    n = int(round(np.sqrt(grid.shape[1])))
    x1, x2 = grid[0].reshape(n, n), grid[1].reshape(n, n)
    k_ref = min(epoch // every, len(reference.snapshots) - 1)
    reference_p = _bp_probabilities(reference.snapshots[k_ref], grid)
    if np.ptp(reference_p) > 0 and reference_p.min() < 0.5 < reference_p.max():
        left.contour(x1, x2, reference_p.reshape(n, n), levels=[0.5], colors=plots.REFERENCE, linewidths=4,
                     alpha=0.35)
    mine = probabilities[X.shape[1]:]
    if run is not None and mine.min() < 0.5 < mine.max():
        left.contour(x1, x2, mine.reshape(n, n), levels=[0.5], colors=plots.STUDENT, linewidths=1.6)
    plots.class_points(left, X, Y, size=16)
    accuracy = np.mean((probabilities[:X.shape[1]] >= 0.5) == (Y[0] == 1))
    left.set(xlim=extent[:2], ylim=extent[2:], xlabel="x₁", ylabel="x₂")
    left.set_title(f"after {at} epochs: accuracy {accuracy:.0%} ({'yours' if run is not None else 'reference'})")
    left.legend(loc="lower right", fontsize=8)
    right.semilogy(np.arange(len(reference.costs)), reference.costs, color=plots.REFERENCE, linewidth=5, alpha=0.3,
                   label="reference")
    if run is not None and len(run.costs):
        right.semilogy(np.arange(len(run.costs)), run.costs, color=colour, linewidth=1.6, label="yours")
    right.axvline(at, color=plots.MUTED, linewidth=1)
    right.set(xlim=(0, epochs), xlabel="epoch", ylabel="cost J (log scale)")
    final = shown.costs[min(at, len(shown.costs) - 1)] if len(shown.costs) else np.nan
    right.set_title(f"{list(BP_MOONS_DIMS)}, learning rate {lr:.3g}: J = {final:.3f} at epoch {at}")
    right.legend(loc="lower left")
    problems = [why] if why else []
    problems += [f"yours: {run.stop}"] if run is not None and run.stop else []
    problems += [f"reference: {reference.stop}"] if reference.stop else []
    if why:
        plots.note(left, core.reference_only(why))
    if problems[bool(why):]:
        plots.note(right, "\n".join(problems[bool(why):]))
    return fig


# --- (e) the gradient of every layer of a deep net ----------------------------------------------------


def _bp_forward(linear_activation_forward, X, parameters: dict, hidden: str):
    """(AL, caches, [A1, ..., AL]) through layers with the `hidden` activation and a sigmoid output."""
    L = len(parameters) // 2
    A, caches, activations = X, [], []
    for l in range(1, L + 1):
        W = parameters[f"W{l}"]
        A, cache = linear_activation_forward(A, W, parameters[f"b{l}"], "sigmoid" if l == L else hidden)
        A = core.array(A, (W.shape[0], X.shape[1]), f"linear_activation_forward's A{l}")
        caches.append(cache)
        activations.append(A)
    return A, caches, activations


def _bp_backward(linear_activation_backward, AL, Y, caches, hidden: str, linear_backward=None) -> dict:
    """{"dW1", "db1", ...}: from dAL = −(Y/AL − (1 − Y)/(1 − AL)) back through every layer, or, given
    linear_backward, from dZL = AL − Y through layer L's linear part (an output that saturated cannot stop it)."""
    L = len(caches)
    grads = {}
    if linear_backward is None:
        dA, top = -(Y / AL - (1 - Y) / (1 - AL)), L
    else:
        dA, grads[f"dW{L}"], grads[f"db{L}"] = linear_backward(AL - Y, caches[-1][0])
        top = L - 1
    for l in range(top, 0, -1):
        dA, grads[f"dW{l}"], grads[f"db{l}"] = linear_activation_backward(dA, caches[l - 1],
                                                                          "sigmoid" if l == L else hidden)
    return grads


def _bp_flow_data(width: int = BP_FLOW_WIDTH, m: int = 64):
    """X (width, m) standard normal and random labels Y (1, m). (Small enough that numpy's matrix products stay
    on one thread: on a busy machine threads that wait for each other make them many times slower.)"""
    rng = np.random.default_rng(0)
    return rng.standard_normal((width, m)), (rng.random((1, m)) < 0.5).astype(np.float64)


def _bp_flow(functions: dict, X, Y, depth: int, hidden: str) -> dict:
    """{scheme: (RMS of A[l], ‖dW[l]‖ for l = 1..L)} for a net of `depth` layers, width BP_FLOW_WIDTH; the schemes
    are BP_INIT_SCHEMES from initialize_parameters and "N(0, 1)", standard normal weights drawn here."""
    dims = [X.shape[0]] + [BP_FLOW_WIDTH] * (depth - 1) + [1]
    flows = {}
    for scheme in BP_INIT_SCHEMES + ("N(0, 1)",):
        if scheme == "N(0, 1)":
            rng = np.random.default_rng(0)
            parameters = {}
            for l in range(1, depth + 1):
                parameters[f"W{l}"] = rng.standard_normal((dims[l], dims[l - 1]))
                parameters[f"b{l}"] = np.zeros((dims[l], 1))
        else:
            parameters = _bp_parameters(functions["initialize_parameters"](list(dims), scheme,
                                                                           np.random.default_rng(0)), dims)
        AL, caches, activations = _bp_forward(functions["linear_activation_forward"], X.copy(), parameters, hidden)
        grads = _bp_gradients(_bp_backward(functions["linear_activation_backward"], AL, Y, caches, hidden,
                                           functions["linear_backward"]), parameters, "linear_activation_backward")
        flows[scheme] = (np.array([np.sqrt(np.mean(A**2)) for A in activations]),
                         np.array([np.linalg.norm(grads[f"dW{l}"]) for l in range(1, depth + 1)]))
    return flows


def gradient_flow_explorer(initialize_parameters: Callable, linear_activation_forward: Callable,
                           linear_backward: Callable, linear_activation_backward: Callable, hidden: str = "sigmoid",
                           depth: int = 20) -> None:
    """A deep net (width BP_FLOW_WIDTH, `depth` layers, sigmoid output) on random data, initialized by the student's
    initialize_parameters with each scheme (and with standard normal weights): the size of the activations A[l]
    going forward and of the gradients dW[l] coming back, layer by layer, from the student's layer functions over
    the reference. A choice of hidden activation and a slider for the depth."""
    X, Y = _bp_flow_data()
    yours = {"initialize_parameters": initialize_parameters, "linear_activation_forward": linear_activation_forward,
             "linear_backward": linear_backward, "linear_activation_backward": linear_activation_backward}
    core.explore(lambda hidden, depth: _gradient_flow_figure(yours, X, Y, depth, hidden),
                  hidden=core.dropdown(["sigmoid", "tanh", "relu"], hidden, "hidden activation"),
                  depth=core.slider("int", depth, 3, 30, 1, "layers L"))


BP_SCHEME_STYLES = {"zeros": "s:", "random": "v--", "xavier": "o-", "he": "^-", "N(0, 1)": "D-."}


def _gradient_flow_figure(functions: dict, X, Y, depth: int, hidden: str):
    with np.errstate(all="ignore"):
        reference = _bp_flow(_bp_references(), X, Y, depth, hidden)
    flows, why = core.run(lambda: _bp_flow(functions, X, Y, depth, hidden))
    fig, (forward, backward) = plots.figure(ncols=2, size=(12, 4.8))
    layers = np.arange(1, depth + 1)
    zero_schemes = []
    for scheme, style in BP_SCHEME_STYLES.items():
        for ax, index in ((forward, 0), (backward, 1)):
            ghost = reference[scheme][index]
            ax.semilogy(layers, np.where(ghost > 0, ghost, np.nan), color=plots.REFERENCE, linewidth=5, alpha=0.25)
            values = (flows or reference)[scheme][index]
            ax.semilogy(layers, np.where(values > 0, values, np.nan), style, color=plots.STUDENT if flows else
                        plots.REFERENCE, markersize=4, linewidth=1.2, label=scheme)
        if np.any((flows or reference)[scheme][1] == 0):
            zero = [int(l) for l in layers[(flows or reference)[scheme][1] == 0]]
            zero_schemes.append(f"{scheme}: ‖dW[l]‖ = 0 exactly for "
                                + (f"l = 1..{zero[-1]}" if zero == list(range(1, zero[-1] + 1)) else f"l in {zero}"))
    forward.set(xlabel="layer l", ylabel="RMS of A[l]", title=f"forward: how large the activations are ({hidden})")
    backward.set(xlabel="layer l", ylabel="‖dW[l]‖", title="backward: how large the gradients are")
    for ax in (forward, backward):
        ax.set_xlim(0.5, depth + 0.5)
        low, high = ax.get_ylim()
        ax.set_ylim(max(low, 1e-40), min(high, 1e40))
    backward.legend(loc="best", fontsize=8, title="initialization", title_fontsize=8)
    if zero_schemes:
        backward.text(0.02, 0.02, "\n".join(zero_schemes), transform=backward.transAxes, fontsize=8,
                      color=plots.MUTED, va="bottom")
    if why:
        plots.note(forward, core.reference_only(why))
    return fig


# --- (f) symmetry: why zero weights never learn ---------------------------------------------------------


def _bp_symmetry_data():
    """Moons with two of every three points of class 1 left out, so the classes are unbalanced (150 and 75)."""
    X, Y = data.moons(np.random.default_rng(1), m=300, noise=0.25)
    keep = (Y[0] == 0) | (np.arange(Y.shape[1]) % 4 == 1)
    return X[:, keep], Y[:, keep]


def _bp_symmetry_run(functions: dict, X, Y, method: str, hidden: str, steps: int, lr: float,
                     start: dict | None = None) -> dict:
    """The parameters after `steps` steps of batch gradient descent from initialize_parameters(..., method,
    default_rng(0)) (or from `start`), with the student's layer functions and update_parameters."""
    dims = list(BP_SYMMETRY_DIMS)
    parameters = _bp_copy(start) if start is not None else _bp_parameters(
        functions["initialize_parameters"](list(dims), method, np.random.default_rng(0)), dims)
    for _ in range(steps):
        AL, caches, _ = _bp_forward(functions["linear_activation_forward"], X, parameters, hidden)
        grads = _bp_gradients(_bp_backward(functions["linear_activation_backward"], AL, Y, caches, hidden),
                              parameters, "linear_activation_backward")
        parameters = _bp_parameters(functions["update_parameters"](_bp_copy(parameters), grads, lr), dims,
                                    "update_parameters")
    return parameters


class _BpSymmetryRuns:
    """The symmetry explorer's training, kept every `every` steps for each activation and start, so that moving
    the steps slider back costs nothing and forward only the steps not yet made. Call: ({method: parameters
    after `steps` steps}, why): the student's functions, or the reference's and why the student's failed."""

    def __init__(self, functions: dict, X, Y, every: int = 100):
        self.functions, self.X, self.Y, self.every, self.kept = functions, X, Y, every, {}

    def __call__(self, hidden: str, steps: int, frames: core.Frames | None = None):
        methods = ("zeros", "he" if hidden == "relu" else "xavier")
        runs, why = core.run(lambda: {method: self._after("yours", hidden, method, steps, frames)
                                      for method in methods})
        if runs is None:
            with np.errstate(all="ignore"):  # the reference on its own
                runs = {method: self._after("reference", hidden, method, steps, frames) for method in methods}
        return runs, why

    def _after(self, who: str, hidden: str, method: str, steps: int, frames) -> dict:
        functions = self.functions if who == "yours" else _bp_references()
        lr, every = BP_SYMMETRY_LR[hidden], self.every
        kept = self.kept.setdefault((who, hidden, method), [])
        if not kept:
            kept.append(_bp_symmetry_run(functions, self.X, self.Y, method, hidden, 0, lr))
        while (len(kept) - 1) * every < steps:
            if frames is not None:
                frames.progress((len(kept) - 1) * every, steps)
            kept.append(_bp_symmetry_run(functions, self.X, self.Y, method, hidden, every, lr, start=kept[-1]))
        done = min(steps // every, len(kept) - 1) * every
        return _bp_symmetry_run(functions, self.X, self.Y, method, hidden, steps - done, lr, kept[done // every])


BP_SYMMETRY_LR = {"sigmoid": 4.0, "tanh": 0.5, "relu": 0.5}


def symmetry_explorer(initialize_parameters: Callable, linear_activation_forward: Callable,
                      linear_activation_backward: Callable, update_parameters: Callable, hidden: str = "sigmoid",
                      steps: int = 1500) -> None:
    """A BP_SYMMETRY_DIMS network trained from zeros and from random weights with the student's functions: what
    each unit of the first hidden layer computes over the plane, and the network's prediction. A choice of hidden
    activation and a slider for the number of training steps."""
    X, Y = _bp_symmetry_data()
    yours = {"initialize_parameters": initialize_parameters, "linear_activation_forward": linear_activation_forward,
             "linear_activation_backward": linear_activation_backward, "update_parameters": update_parameters}
    training = _BpSymmetryRuns(yours, X, Y)

    def draw(frames, hidden, steps):
        runs, why = training(hidden, steps, frames)
        frames.progress(steps, steps)
        return _draw_symmetry(runs, why, X, Y, hidden, steps)

    core.explore(draw, live=True, progress="training",
                 hidden=core.dropdown(["sigmoid", "tanh", "relu"], hidden, "hidden activation"),
                 steps=core.slider("int", steps, 0, 3000, 100, "training steps"))


def _symmetry_figure(functions: dict, X, Y, hidden: str, steps: int):
    """The symmetry explorer's figure, computed without IPython."""
    return _draw_symmetry(*_BpSymmetryRuns(functions, X, Y)(hidden, steps), X, Y, hidden, steps)


def _draw_symmetry(runs: dict, why: str, X, Y, hidden: str, steps: int):
    """The figure for {method: parameters after `steps` steps} (from _BpSymmetryRuns); why: the student's
    functions failed and these are the reference's."""
    lr = BP_SYMMETRY_LR[hidden]
    methods = tuple(runs)
    units = BP_SYMMETRY_DIMS[1]
    fig, axes = plots.figure(ncols=units + 1, nrows=2, size=(2.6 * (units + 1), 5.6))
    grid, extent = plots.plane_grid(X, n=61, margin=0.4)
    for row, method in enumerate(methods):
        parameters = runs[method]
        with np.errstate(all="ignore"):
            hidden_out = bpref.ACTIVATIONS[hidden](parameters["W1"] @ grid + parameters["b1"])
            output = _bp_generic_output(parameters, np.hstack([X, grid]), hidden)
        low, high = float(hidden_out.min()), float(hidden_out.max())
        for unit in range(units):
            ax = axes[row, unit]
            ax.imshow(hidden_out[unit].reshape(61, 61), extent=extent, origin="lower", aspect="auto", cmap="viridis",
                      vmin=low, vmax=high if high > low else low + 1)
            w, b = parameters["W1"][unit], parameters["b1"][unit, 0]
            ax.set_title(f"unit {unit + 1}: w = ({w[0]:.2f}, {w[1]:.2f})\nb = {b:.2f}", fontsize=9)
            ax.set(xticks=[], yticks=[])
        spread = float(np.max(np.abs(parameters["W1"] - parameters["W1"][:1])))
        axes[row, 0].set_ylabel(f"{method}: the units differ\nby up to {spread:.3g}", fontsize=9)
        ax = axes[row, units]
        plots.shade_classes(ax, output[X.shape[1]:], extent)
        plots.class_points(ax, X, Y, size=10)
        accuracy = np.mean((output[:X.shape[1]] >= 0.5) == (Y[0] == 1))
        ax.set(xlim=extent[:2], ylim=extent[2:], xticks=[], yticks=[])
        ax.set_title(f"prediction: accuracy {accuracy:.0%}", fontsize=9)
    fig.suptitle(f"hidden layer 1 ({hidden}) after {steps} steps, learning rate {lr:g}: "
                 "what each unit computes over the plane", fontsize=10)
    if why:
        plots.note(axes[0, 0], core.reference_only(why))
    return fig


def _bp_generic_output(parameters: dict, points: np.ndarray, hidden: str) -> np.ndarray:
    """The output of a net with `hidden` activations and a sigmoid output (the reference's layers) on points."""
    L = len(parameters) // 2
    A = points
    for l in range(1, L + 1):
        A = bpref.linear_activation_forward(A, parameters[f"W{l}"], parameters[f"b{l}"],
                                            "sigmoid" if l == L else hidden)[0]
    return A[0]

"""Notebook 07's explorers: a network that over-fits a small noisy dataset, trained without regularization, with
L2 (the student's l2_cost and l2_gradient), with inverted dropout (the student's dropout_forward and
dropout_backward) and with early stopping (the student's early_stopping); L1 against L2 weight paths with the
student's weight_update; and what dropout does at test time.

The network is notebook 04's: ReLU hidden layers, a sigmoid output, cross-entropy, examples as columns. Its
forward and backward passes are written out here in a few lines (as notebook 04's reference computes them)
because they run thousands of times per slider position; the student's functions are called where the
regularization enters. Every training run is cached by its settings (and the student's functions), so a
slider position trains once and later visits redraw at once. Private helpers start with `_reg`.
"""

from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np

from .. import data, plots
from .. import regularization as ref
from ..derivatives import sigmoid
from . import core

REG_DIMS = (2, 24, 24, 1)  # wide enough to over-fit 40 points
REG_EPOCHS = 600  # Adam steps (full batch) per run
REG_LR = 0.03
REG_EVERY = 5  # the costs are recorded (and a snapshot kept) every REG_EVERY epochs: one "check"
LAMBDAS = (0.0, 0.03, 0.1, 0.3, 1.0, 3.0)
KEEP_PROBS = (1.0, 0.9, 0.8, 0.7, 0.6, 0.5)
_RUNS: dict = {}  # (functions, λ, keep_prob) -> _RegRun, for the reference and the student alike


def overfitting_data():
    """(X, Y, X_val, Y_val): 40 noisy moons points to train on and 400 more from the same distribution to validate."""
    X, Y = data.moons(np.random.default_rng(3), m=40, noise=0.3)
    X_val, Y_val = data.moons(np.random.default_rng(4), m=400, noise=0.3)
    return X, Y, X_val, Y_val


class _RegRun(NamedTuple):
    parameters: dict  # after the last epoch
    snapshots: list  # the parameters after 0, REG_EVERY, 2·REG_EVERY, ... epochs
    train_costs: np.ndarray  # cross-entropy on the training set (dropout off, no penalty), one per check
    val_costs: np.ndarray  # the same on the validation set
    penalties: np.ndarray  # l2_cost of the parameters at each check


REFERENCES = {"l2_cost": ref.l2_cost, "l2_gradient": ref.l2_gradient, "dropout_forward": ref.dropout_forward,
              "dropout_backward": ref.dropout_backward}


def _reg_probabilities(parameters: dict, X: np.ndarray) -> np.ndarray:
    """The network's output (1, m) with dropout off (test time)."""
    A, L = X, len(parameters) // 2
    for l in range(1, L + 1):
        Z = parameters[f"W{l}"] @ A + parameters[f"b{l}"]
        A = sigmoid(Z) if l == L else np.maximum(Z, 0.0)
    return A


def _reg_cost(parameters: dict, X, Y) -> float:
    A = np.clip(_reg_probabilities(parameters, X), 1e-12, 1 - 1e-12)
    return float(-np.mean(Y * np.log(A) + (1 - Y) * np.log(1 - A)))


def accuracy(parameters: dict, X, Y) -> float:
    return float(np.mean((_reg_probabilities(parameters, X)[0] >= 0.5) == (Y[0] == 1)))


def _reg_gradients(fns: dict, parameters: dict, X, Y, lambd: float, keep_prob: float, rng) -> dict:
    """Backpropagation through the network with inverted dropout after every hidden layer (keep_prob < 1) and
    the L2 penalty's gradient added to every dW (λ > 0), with the student's functions where those enter."""
    L, m = len(parameters) // 2, X.shape[1]
    A, layers = X, []
    for l in range(1, L + 1):
        W = parameters[f"W{l}"]
        Z = W @ A + parameters[f"b{l}"]
        mask = None
        if l == L:
            A_next = sigmoid(Z)
        else:
            A_next = np.maximum(Z, 0.0)
            if keep_prob < 1:
                out = fns["dropout_forward"](A_next.copy(), keep_prob, rng)
                if not isinstance(out, tuple) or len(out) != 2:
                    raise core.Unusable("dropout_forward should return the pair (A_drop, mask)")
                A_next = core.array(out[0], Z.shape, "dropout_forward's A_drop")
                mask = core.array(out[1], Z.shape, "dropout_forward's mask")
        layers.append((A, Z, mask))
        A = A_next
    grads, dZ = {}, A - Y
    for l in range(L, 0, -1):
        A_prev, Z, _ = layers[l - 1]
        W = parameters[f"W{l}"]
        dW = dZ @ A_prev.T / m
        if lambd:
            dW = dW + core.array(fns["l2_gradient"](W.copy(), lambd, m), W.shape, "l2_gradient")
        grads[f"dW{l}"], grads[f"db{l}"] = dW, np.sum(dZ, axis=1, keepdims=True) / m
        if l > 1:
            dA = W.T @ dZ
            mask = layers[l - 2][2]
            if mask is not None:
                dA = core.array(fns["dropout_backward"](dA, mask.copy(), keep_prob), dA.shape, "dropout_backward")
            dZ = dA * (layers[l - 2][1] > 0)
    return grads


def _reg_train(fns: dict, lambd: float = 0.0, keep_prob: float = 1.0, epochs: int = REG_EPOCHS,
               progress=None) -> _RegRun:
    """Adam (β₁ = 0.9, β₂ = 0.999) on the full training set of overfitting_data() from He-initialized weights
    (default_rng(0)); dropout masks from default_rng(1). progress(done, total) now and then."""
    X, Y, X_val, Y_val = overfitting_data()
    init = np.random.default_rng(0)
    parameters = {}
    for l in range(1, len(REG_DIMS)):
        n_prev, n = REG_DIMS[l - 1], REG_DIMS[l]
        parameters[f"W{l}"] = init.standard_normal((n, n_prev)) * np.sqrt(2.0 / n_prev)
        parameters[f"b{l}"] = np.zeros((n, 1))
    v = {key: np.zeros_like(p) for key, p in parameters.items()}
    s = {key: np.zeros_like(p) for key, p in parameters.items()}
    rng = np.random.default_rng(1)
    snapshots, train_costs, val_costs, penalties = [], [], [], []
    for epoch in range(epochs + 1):
        if epoch % REG_EVERY == 0:
            snapshots.append(parameters)
            train_costs.append(_reg_cost(parameters, X, Y))
            val_costs.append(_reg_cost(parameters, X_val, Y_val))
            penalties.append(core.number(fns["l2_cost"]({k: p.copy() for k, p in parameters.items()}, lambd,
                                                        X.shape[1]), "l2_cost") if lambd else 0.0)
            if progress is not None and epoch % 100 == 0:
                progress(epoch, epochs)
        if epoch == epochs:
            break
        grads = _reg_gradients(fns, parameters, X, Y, lambd, keep_prob, rng)
        t = epoch + 1
        new = {}
        for key, p in parameters.items():
            g = grads["d" + key]
            v[key] = 0.9 * v[key] + 0.1 * g
            s[key] = 0.999 * s[key] + 0.001 * g * g
            new[key] = p - REG_LR * (v[key] / (1 - 0.9**t)) / (np.sqrt(s[key] / (1 - 0.999**t)) + 1e-8)
        parameters = new
    return _RegRun(parameters, snapshots, np.array(train_costs), np.array(val_costs), np.array(penalties))


def _reg_run(fns: dict, lambd: float, keep_prob: float, progress=None):
    """(run, why): a cached run with fns, or (None, why the student's functions failed)."""
    key = (tuple(fns[name] for name in sorted(fns)), float(lambd), float(keep_prob))
    if key not in _RUNS:
        run, why = core.run(lambda: _reg_train(fns, lambd, keep_prob, progress=progress))
        if run is None:
            return None, why
        _RUNS[key] = run
    return _RUNS[key], ""


def _reg_pair(yours: dict, lambd: float, keep_prob: float, frames=None):
    """(your run or None, the reference's run, why yours failed), each trained once and cached."""
    def progress(share):
        if frames is None:
            return None
        return lambda done, total: frames.progress(int(share * total + done / 2), total)

    reference, _ = _reg_run(REFERENCES, lambd, keep_prob, progress(0.0))
    mine, why = _reg_run({**REFERENCES, **yours}, lambd, keep_prob, progress(0.5))
    if frames is not None:
        frames.progress(1, 1)
    return mine, reference, why


def _weights_of(parameters: dict) -> np.ndarray:
    return np.concatenate([p.ravel() for key, p in parameters.items() if key.startswith("W")])


def _selection(options, value, description: str):
    import ipywidgets

    return ipywidgets.SelectionSlider(options=list(options), value=value, description=description,
                                      continuous_update=False, style={"description_width": "initial"},
                                      layout=ipywidgets.Layout(width="320px"))


def _regions(ax, mine: dict | None, reference: dict, title: str) -> None:
    """The plane tinted by the shown network's prediction, its boundary (orange: yours) and the reference's (blue)."""
    X, Y, X_val, Y_val = overfitting_data()
    grid, extent = plots.plane_grid(np.hstack([X, X_val]), n=91, margin=0.2)
    shown = mine if mine is not None else reference
    p = _reg_probabilities(shown, grid)[0]
    plots.shade_classes(ax, p, extent)
    n = int(round(np.sqrt(grid.shape[1])))
    x1, x2 = grid[0].reshape(n, n), grid[1].reshape(n, n)
    q = _reg_probabilities(reference, grid)[0]
    if q.min() < 0.5 < q.max():
        ax.contour(x1, x2, q.reshape(n, n), levels=[0.5], colors=plots.REFERENCE, linewidths=4, alpha=0.35)
    if mine is not None and p.min() < 0.5 < p.max():
        ax.contour(x1, x2, p.reshape(n, n), levels=[0.5], colors=plots.STUDENT, linewidths=1.6)
    ax.scatter(X_val[0], X_val[1], s=4, color=plots.MUTED, alpha=0.5, zorder=2, label="validation")
    plots.class_points(ax, X, Y, size=22)
    ax.set(xlim=extent[:2], ylim=extent[2:], xlabel="x₁", ylabel="x₂")
    ax.set_title(title)


def _scores(parameters: dict) -> str:
    X, Y, X_val, Y_val = overfitting_data()
    return f"train {accuracy(parameters, X, Y):.0%}, validation {accuracy(parameters, X_val, Y_val):.0%}"


# --- (a) L2: the decision boundary and the weights for each λ ---------------------------------------------


def l2_explorer(l2_cost: Callable, l2_gradient: Callable, lambd: float = 0.3) -> None:
    """Trains the over-fitting network with your l2_cost and l2_gradient for the λ on the slider (and λ = 0), beside
    the reference: the decision boundary, and the histogram of all the weights against λ = 0's."""
    yours = {"l2_cost": l2_cost, "l2_gradient": l2_gradient}
    core.explore(lambda frames, lambd: _l2_figure(yours, lambd, frames), live=True, progress="training",
                 lambd=_selection(LAMBDAS, lambd, "λ"))


def _l2_figure(yours: dict, lambd: float, frames=None):
    mine, reference, why = _reg_pair(yours, lambd, 1.0, frames)
    plain, plain_reference, _ = _reg_pair(yours, 0.0, 1.0)
    fig, (left, right) = plots.figure(ncols=2, size=(11, 4.4))
    shown = mine if mine is not None else reference
    _regions(left, None if mine is None else mine.parameters, reference.parameters,
             f"λ = {lambd:g}: {_scores(shown.parameters)}")
    left.legend(loc="lower right", fontsize=8)
    weights = _weights_of(shown.parameters)
    free = _weights_of((plain if plain is not None else plain_reference).parameters)
    bins = np.linspace(-max(np.abs(free).max(), 1e-3), max(np.abs(free).max(), 1e-3), 41)
    right.hist(free, bins=bins, color=plots.MUTED, alpha=0.5, label=f"λ = 0: ‖W‖² = {np.sum(free**2):.0f}")
    right.hist(weights, bins=bins, color=plots.STUDENT if mine is not None else plots.REFERENCE, alpha=0.75,
               label=f"λ = {lambd:g}: ‖W‖² = {np.sum(weights**2):.0f}")
    right.set(xlabel="weight value", ylabel="number of weights", yscale="log")
    right.set_title(f"all {weights.size} weights after {REG_EPOCHS} epochs")
    right.legend(loc="upper right", fontsize=8)
    if why:
        plots.note(left, core.reference_only(why))
    return fig


# --- (b) dropout: the boundary and the training and validation curves for each keep_prob ------------------


def dropout_explorer(dropout_forward: Callable, dropout_backward: Callable, keep_prob: float = 0.8) -> None:
    """Trains the over-fitting network with your inverted dropout after each hidden layer for the keep_prob on the
    slider, beside the reference: the decision boundary, and training and validation costs (dropout off when
    measuring) against keep_prob = 1."""
    yours = {"dropout_forward": dropout_forward, "dropout_backward": dropout_backward}
    core.explore(lambda frames, keep_prob: _dropout_figure(yours, keep_prob, frames), live=True, progress="training",
                 keep_prob=_selection(KEEP_PROBS, keep_prob, "keep_prob"))


def _dropout_figure(yours: dict, keep_prob: float, frames=None):
    mine, reference, why = _reg_pair(yours, 0.0, keep_prob, frames)
    plain, _, _ = _reg_pair({}, 0.0, 1.0)
    fig, (left, right) = plots.figure(ncols=2, size=(11, 4.4))
    shown = mine if mine is not None else reference
    _regions(left, None if mine is None else mine.parameters, reference.parameters,
             f"keep_prob = {keep_prob:g}: {_scores(shown.parameters)}")
    left.legend(loc="lower right", fontsize=8)
    epochs = np.arange(len(shown.val_costs)) * REG_EVERY
    right.plot(epochs, plain.train_costs, color=plots.MUTED, linewidth=1, label="no dropout: training")
    right.plot(epochs, plain.val_costs, color=plots.MUTED, linewidth=1, linestyle="--", label="no dropout: validation")
    colour = plots.STUDENT if mine is not None else plots.REFERENCE
    right.plot(epochs, reference.val_costs, color=plots.REFERENCE, linewidth=5, alpha=0.3)
    right.plot(epochs, shown.train_costs, color=colour, linewidth=1.6, label=f"keep_prob {keep_prob:g}: training")
    right.plot(epochs, shown.val_costs, color=colour, linewidth=1.6, linestyle="--",
               label=f"keep_prob {keep_prob:g}: validation")
    right.set(xlabel="epoch", ylabel="cross-entropy (dropout off)", yscale="log")
    right.set_title("training and validation cost")
    right.legend(loc="lower left", fontsize=8)
    if why:
        plots.note(left, core.reference_only(why))
    return fig


# --- (c) early stopping on the validation curve -----------------------------------------------------------


def early_stopping_explorer(early_stopping: Callable, patience: int = 10) -> None:
    """The unregularized network's validation cost, measured every REG_EVERY epochs; your early_stopping(val_costs,
    patience) picks the stop and the best check, shown beside the reference's choice, with the boundary of the best
    snapshot."""
    core.explore(lambda patience: _early_stopping_figure(early_stopping, patience),
                 patience=core.slider("int", patience, 1, 40, 1, "patience (checks)"))


def _early_stop(early_stopping: Callable, losses: np.ndarray, patience: int):
    """((best, stop) as check indices, '') from the student's function, or (None, why)."""
    def checked():
        out = early_stopping(list(losses), patience)
        if not isinstance(out, (tuple, list)) or len(out) != 2:
            raise core.Unusable(f"early_stopping returned {type(out).__name__}, not the pair (best_epoch, stop_epoch)")
        best, stop = (core.number(v, "early_stopping") for v in out)
        if best != int(best) or stop != int(stop) or not 0 <= best <= stop < len(losses):
            raise core.Unusable(f"early_stopping returned ({best:g}, {stop:g}), not two epochs 0 ≤ best ≤ stop < "
                                f"{len(losses)}")
        return int(best), int(stop)

    return core.run(checked, name="early_stopping")


def _early_stopping_figure(early_stopping: Callable, patience: int):
    run, _, _ = _reg_pair({}, 0.0, 1.0)
    mine, why = _early_stop(early_stopping, run.val_costs, patience)
    best_ref, stop_ref = ref.early_stopping(list(run.val_costs), patience)
    best, stop = mine if mine is not None else (best_ref, stop_ref)
    colour = plots.STUDENT if mine is not None else plots.REFERENCE
    fig, (left, right) = plots.figure(ncols=2, size=(11, 4.4))
    _regions(left, run.snapshots[best], run.snapshots[best_ref],
             f"best snapshot, epoch {best * REG_EVERY}: {_scores(run.snapshots[best])}")
    left.legend(loc="lower right", fontsize=8)
    epochs = np.arange(len(run.val_costs)) * REG_EVERY
    right.plot(epochs, run.train_costs, color=plots.MUTED, linewidth=1, label="training")
    right.plot(epochs, run.val_costs, color="#343a40", linewidth=1.4,
               label=f"validation (trained to the end: {accuracy(run.parameters, *overfitting_data()[2:]):.0%})")
    right.axvspan(stop_ref * REG_EVERY, epochs[-1], color=plots.REFERENCE, alpha=0.08)
    right.axvline(best_ref * REG_EVERY, color=plots.REFERENCE, linewidth=5, alpha=0.3)
    right.axvline(best * REG_EVERY, color=colour, linewidth=1.6, label=f"best: epoch {best * REG_EVERY}")
    right.axvline(stop * REG_EVERY, color=colour, linewidth=1.6, linestyle="--",
                  label=f"stop: epoch {stop * REG_EVERY}")
    right.set(xlabel="epoch", ylabel="cross-entropy", yscale="log")
    right.set_title(f"patience {patience} checks ({patience * REG_EVERY} epochs)")
    right.legend(loc="lower left", fontsize=8)
    if why:
        plots.note(right, core.reference_only(why))
    return fig


# --- (d) L1 against L2: weight paths ---------------------------------------------------------------------------

PATH_TRUE_W = np.array([2.0, -1.5, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0])  # three features matter, five do not


def _path_data():
    """(X (m, 8), y (m,)) of a noisy linear model with weights PATH_TRUE_W (rows are examples here: a plain
    least-squares problem, not a network)."""
    rng = np.random.default_rng(6)
    X = rng.normal(size=(60, 8))
    return X, X @ PATH_TRUE_W + 0.5 * rng.normal(size=60)


def _paths(weight_update: Callable, lambd: float, steps: int = 300, lr: float = 0.05) -> dict:
    """{"l2", "l1", "l1 clipped": weights (steps + 1, 8)}: gradient steps on the mean squared error / 2 with the
    student's weight_update; "l1 clipped" stops a weight at 0 when a step would cross it and keeps it there while
    the loss pulls on it less than λ."""
    X, y = _path_data()
    m = X.shape[0]
    paths = {}
    for name in ("l2", "l1", "l1 clipped"):
        w = np.full(8, 0.0)
        w[:] = np.linalg.lstsq(X, y, rcond=None)[0]  # start from the unregularized fit
        path = [w]
        for _ in range(steps):
            grad = X.T @ (X @ w - y) / m
            new = core.array(weight_update(w.copy(), grad.copy(), lr, lambd, "l2" if name == "l2" else "l1"), (8,),
                             "weight_update")
            if name == "l1 clipped":
                new = np.where(w * new < 0, 0.0, new)
                new = np.where((w == 0) & (np.abs(grad) <= lambd), 0.0, new)
            path.append(new)
            w = new
        paths[name] = np.array(path)
    return paths


def weight_paths(weight_update: Callable, lambd: float = 0.3) -> None:
    """Eight weights of a linear model (three matter) under gradient descent with your weight_update: L2 shrinks them
    all smoothly; L1 pulls the useless ones to zero (the plain step overshoots back and forth around it, the clipped
    step stops there exactly)."""
    cache: dict = {}

    def draw(lambd):
        if lambd not in cache:
            cache[lambd] = _weight_paths_figure_data(weight_update, lambd)
        return _weight_paths_figure(*cache[lambd], lambd)

    core.explore(draw, lambd=core.slider("float", lambd, 0.0, 1.0, 0.05, "λ"))


def _weight_paths_figure_data(weight_update: Callable, lambd: float):
    reference = _paths(ref.weight_update, lambd)
    mine, why = core.run(lambda: _paths(weight_update, lambd), name="weight_update")
    return mine, reference, why


def _weight_paths_figure(mine, reference, why: str, lambd: float):
    shown = mine if mine is not None else reference
    fig, axes = plots.figure(ncols=3, size=(13.5, 4.0))
    titles = {"l2": "L2: every weight shrinks", "l1": "L1, the notes' step", "l1 clipped": "L1, clipped at zero"}
    colours = ["#343a40", "#7048e8", "#2f9e44"] + [plots.STUDENT] * 5
    for ax, name in zip(axes, titles):
        steps = np.arange(len(shown[name]))
        for j in range(8):
            ax.plot(steps, reference[name][:, j], color=plots.REFERENCE, linewidth=4, alpha=0.2)
            ax.plot(steps, shown[name][:, j], color=colours[j] if mine is not None else plots.REFERENCE,
                    linewidth=1.3 if j < 3 else 1.0)
        zeros = int(np.sum(shown[name][-1] == 0.0))
        ax.axhline(0, color=plots.MUTED, linewidth=0.8)
        ax.set(xlabel="step", ylabel="weight")
        ax.set_title(f"{titles[name]}: {zeros} of 8 exactly 0")
    axes[0].set_title(f"λ = {lambd:g}. " + axes[0].get_title())
    if why:
        plots.note(axes[0], core.reference_only(why))
    return fig


# --- (e) dropout at test time -----------------------------------------------------------------------------------


def dropout_at_test_time(dropout_forward: Callable, keep_prob: float = 0.8, draws: int = 400) -> None:
    """Left: the average of your A_drop over many draws against A (inverted dropout keeps it; dropping without the
    1/keep_prob shrinks it to keep_prob·A). Right: the dropout-trained network's validation accuracy with dropout
    off (as it must be at test time) and with dropout left on, one random thinned network per prediction."""
    plots.show(_test_time_figure(dropout_forward, keep_prob, draws))


def _test_time_figure(dropout_forward: Callable, keep_prob: float, draws: int):
    X, Y, X_val, Y_val = overfitting_data()
    run, _, _ = _reg_pair({}, 0.0, keep_prob)
    A = np.maximum(run.parameters["W1"] @ X_val[:, :50] + run.parameters["b1"], 0.0)  # hidden layer 1

    def averages(fn):
        rng = np.random.default_rng(0)
        total, total_plain = np.zeros_like(A), np.zeros_like(A)
        for _ in range(draws):
            out = fn(A.copy(), keep_prob, rng)
            if not isinstance(out, tuple) or len(out) != 2:
                raise core.Unusable("dropout_forward should return the pair (A_drop, mask)")
            A_drop, mask = out
            total += core.array(A_drop, A.shape, "dropout_forward's A_drop")
            total_plain += A * core.array(mask, A.shape, "dropout_forward's mask")
        return total / draws, total_plain / draws

    mine, why = core.run(lambda: averages(dropout_forward), name="dropout_forward")
    reference = averages(ref.dropout_forward)
    inverted, plain = mine if mine is not None else reference
    fig, (left, right) = plots.figure(ncols=2, size=(11, 4.2))
    top = float(A.max()) * 1.05
    left.plot([0, top], [0, top], color=plots.MUTED, linewidth=1, label="A itself")
    left.plot([0, top], [0, keep_prob * top], color=plots.MUTED, linewidth=1, linestyle=":",
              label=f"keep_prob · A = {keep_prob:g} A")
    colour = plots.STUDENT if mine is not None else plots.REFERENCE
    left.scatter(A.ravel(), inverted.ravel(), s=6, color=colour, label="mean of A·mask/keep_prob (inverted)")
    left.scatter(A.ravel(), plain.ravel(), s=6, color=plots.MUTED, label="mean of A·mask (no rescaling)")
    left.set(xlabel="activation A (dropout off)", ylabel=f"average over {draws} draws")
    left.set_title(f"hidden layer 1, keep_prob = {keep_prob:g}")
    left.legend(loc="upper left", fontsize=8)
    rng = np.random.default_rng(5)
    on = [_dropout_on_accuracy(run.parameters, X_val, Y_val, keep_prob, rng) for _ in range(30)]
    off = accuracy(run.parameters, X_val, Y_val)
    right.hist(on, bins=np.linspace(min(on + [off]) - 0.02, max(on + [off]) + 0.02, 21), color=plots.MUTED,
               label="dropout left on (30 runs)")
    right.axvline(off, color=plots.ACCENT, linewidth=2, label=f"dropout off: {off:.1%}")
    right.set(xlabel="validation accuracy", ylabel="runs")
    right.set_title(f"left on: {np.mean(on):.1%} on average, from {min(on):.1%} to {max(on):.1%}")
    right.legend(loc="upper left", fontsize=8)
    if why:
        plots.note(left, core.reference_only(why))
    return fig


def _dropout_on_accuracy(parameters: dict, X, Y, keep_prob: float, rng) -> float:
    """Validation accuracy of one stochastic pass with inverted dropout still on (the reference's)."""
    A, L = X, len(parameters) // 2
    for l in range(1, L + 1):
        Z = parameters[f"W{l}"] @ A + parameters[f"b{l}"]
        A = sigmoid(Z) if l == L else ref.dropout_forward(np.maximum(Z, 0.0), keep_prob, rng)[0]
    return float(np.mean((A[0] >= 0.5) == (Y[0] == 1)))

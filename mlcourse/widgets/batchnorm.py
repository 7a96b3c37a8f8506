"""Notebook 08's explorers: a deep network trained with and without batch norm (the distributions of its
pre-activations, epoch by epoch and layer by layer; its cost at learning rates where plain training
diverges), evaluation with batch statistics against running statistics, and batch norm against layer norm.

The network is a stack of ReLU layers on the 8×8 digits, flattened to 64 inputs, with a softmax over the ten
classes: Z = W A (+ b without batch norm), then batch norm of Z with the student's batchnorm_forward /
batchnorm_backward, then ReLU. The batch norm layers keep their running statistics with the student's
update_running_stats. A student function that is not implemented or fails is replaced by the reference,
and the figure says so.
"""

from __future__ import annotations

import time
from typing import Callable, NamedTuple

import numpy as np
from matplotlib.ticker import NullLocator

from .. import batchnorm as bnref
from .. import data, plots
from . import core

BN_WIDTH, BN_DEPTH = 32, 6  # hidden units per layer, hidden layers
BN_EPOCHS, BN_BATCH = 12, 64
# On the slider's learning rates (0.01 to 10, four a decade) the plain network trains up to about 0.3, gets stuck
# guessing (its ReLUs die) from about 0.56, and diverges from 3.16 on, where batch norm still trains (to about
# 96 % test accuracy), until 5.62 (tests/test_widgets_08.py checks this).
BN_DIVERGING = 3.16
DIVERGED = 100.0  # a mean cross-entropy above this (a probability below e^-100 for the right digit): diverged
COST_AXIS = (1e-3, 1e3)  # the cost panel's range; a cost above it is drawn on its top edge
BN_FUNCTIONS = ("batchnorm_forward", "batchnorm_backward", "update_running_stats")


def _bn_references() -> dict:
    return {name: getattr(bnref, name) for name in BN_FUNCTIONS + ("batchnorm_inference", "layernorm_forward")}


def _bn_digits():
    """(X_train (64, m), Y_train one-hot (10, m), y_train, X_test, y_test): the digits, examples as columns."""
    X_train, y_train, X_test, y_test = data.digits_split(np.random.default_rng(8))
    columns = lambda images: images.reshape(len(images), -1).T  # noqa: E731
    return columns(X_train), np.eye(10)[y_train].T, y_train, columns(X_test), y_test


class _BnRun(NamedTuple):
    costs: np.ndarray  # one per mini-batch; nan once diverged
    histograms: np.ndarray  # (epochs + 1, depth, bins): each hidden layer's pre-activations on a fixed batch
    means: np.ndarray  # (epochs + 1, depth): their mean, and
    stds: np.ndarray  # their standard deviation
    parameters: dict
    running: dict  # {l: (running_mean, running_var)} (batch norm only)


BINS = np.linspace(-6, 6, 49)


def _bn_initial(rng) -> dict:
    """He-scaled weights (the same start for both networks), biases 0, γ = 1, β = 0."""
    sizes = [64] + [BN_WIDTH] * BN_DEPTH + [10]
    parameters = {}
    for l in range(1, len(sizes)):
        parameters[f"W{l}"] = rng.standard_normal((sizes[l], sizes[l - 1])) * np.sqrt(2.0 / sizes[l - 1])
        parameters[f"b{l}"] = np.zeros((sizes[l], 1))
        parameters[f"gamma{l}"], parameters[f"beta{l}"] = np.ones((sizes[l], 1)), np.zeros((sizes[l], 1))
    return parameters


def _softmax(Z):
    e = np.exp(Z - Z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def _cross_entropy(logits, Y) -> float:
    """The mean cross-entropy of softmax(logits) against one-hot Y, from the log-softmax: not capped by a clip of
    the probabilities, so that a diverging network shows how far its cost goes (inf or nan once it overflows)."""
    top = logits.max(axis=0, keepdims=True)
    log_probabilities = logits - top - np.log(np.sum(np.exp(logits - top), axis=0, keepdims=True))
    return float(-np.mean(np.sum(Y * log_probabilities, axis=0)))


def _bn_forward_pass(functions, parameters, X, norm: bool, stats: str = "batch", running=None):
    """(logits (10, m), caches, hidden pre-activations, last hidden activation): stats "batch" normalises with the batch's
    statistics (training mode), "running" with `running` through batchnorm_inference."""
    A, caches, hidden = X, [], []
    for l in range(1, BN_DEPTH + 1):
        W = parameters[f"W{l}"]
        Z = W @ A if norm else W @ A + parameters[f"b{l}"]
        if not norm:
            cache, Z_tilde = None, Z
        elif stats == "running":
            cache, Z_tilde = None, functions["batchnorm_inference"](Z, parameters[f"gamma{l}"], parameters[f"beta{l}"],
                                                                    *running[l])
        else:
            Z_tilde, cache = functions["batchnorm_forward"](Z, parameters[f"gamma{l}"], parameters[f"beta{l}"])
            Z_tilde = core.array(Z_tilde, Z.shape, "batchnorm_forward's out")
        hidden.append(Z_tilde)
        caches.append((A, Z, Z_tilde, cache))
        A = np.maximum(Z_tilde, 0.0)
    L = BN_DEPTH + 1
    return parameters[f"W{L}"] @ A + parameters[f"b{L}"], caches, hidden, A


def _bn_train(functions: dict, norm: bool, lr: float, epochs: int = BN_EPOCHS, progress=None) -> _BnRun:
    """Mini-batch gradient descent (batches of BN_BATCH, the same shuffles for both networks)."""
    X, Y, *_ = _bn_digits()
    rng = np.random.default_rng(0)
    parameters, L = _bn_initial(rng), BN_DEPTH + 1
    running = {l: (np.zeros((BN_WIDTH, 1)), np.ones((BN_WIDTH, 1))) for l in range(1, L)}
    probe = X[:, :256]  # the fixed batch whose pre-activations the histograms show
    costs, histograms, means, stds = [], [], [], []

    def record():
        with np.errstate(all="ignore"):  # a diverged network's pre-activations may be too large to square
            hidden = _bn_forward_pass(functions, parameters, probe, norm)[2]
            histograms.append([np.histogram(np.clip(np.nan_to_num(Z, nan=1e9), -6, 6), BINS)[0] for Z in hidden])
            means.append([np.mean(Z) for Z in hidden])
            stds.append([np.std(Z) for Z in hidden])

    record()
    m = X.shape[1]
    for epoch in range(epochs):
        order = rng.permutation(m)
        for start in range(0, m - BN_BATCH + 1, BN_BATCH):
            batch = order[start:start + BN_BATCH]
            Xb, Yb = X[:, batch], Y[:, batch]
            with np.errstate(all="ignore"):  # a diverging run overflows: it is drawn as such, not warned about
                logits, caches, _, A = _bn_forward_pass(functions, parameters, Xb, norm)
                cost = _cross_entropy(logits, Yb)
                costs.append(cost if np.isfinite(cost) else np.nan)
                if not np.isfinite(cost):
                    break
                grads = _bn_backward_pass(functions, parameters, caches, A, _softmax(logits), Yb, norm)
                for key, g in grads.items():
                    parameters[key] = parameters[key] - lr * g
                if norm:
                    for l in range(1, L):
                        Z = caches[l - 1][1]
                        mean, var = functions["update_running_stats"](*running[l], Z.mean(axis=1, keepdims=True),
                                                                      Z.var(axis=1, keepdims=True))
                        running[l] = (core.array(mean, (BN_WIDTH, 1), "update_running_stats' mean"),
                                      core.array(var, (BN_WIDTH, 1), "update_running_stats' var"))
        if costs and not np.isfinite(costs[-1]):
            break
        record()
        if progress is not None:
            progress(epoch + 1, epochs, costs)
    while len(histograms) < epochs + 1:  # a diverged run shows nothing after it diverged
        histograms.append([np.zeros(len(BINS) - 1)] * BN_DEPTH)
        means.append([np.nan] * BN_DEPTH)
        stds.append([np.nan] * BN_DEPTH)
    return _BnRun(np.array(costs), np.array(histograms), np.array(means), np.array(stds), parameters, running)


def _bn_backward_pass(functions, parameters, caches, A_last, probabilities, Y, norm: bool) -> dict:
    m, L = Y.shape[1], BN_DEPTH + 1
    dZ = (probabilities - Y) / m  # softmax and cross-entropy together (notebook 04)
    grads = {f"W{L}": dZ @ A_last.T, f"b{L}": dZ.sum(axis=1, keepdims=True)}
    dA = parameters[f"W{L}"].T @ dZ
    for l in range(L - 1, 0, -1):
        A_prev, Z, Z_tilde, cache = caches[l - 1]
        dZ_tilde = dA * (Z_tilde > 0)
        if norm:
            result = functions["batchnorm_backward"](dZ_tilde, cache)
            if not isinstance(result, tuple) or len(result) != 3:
                raise core.Unusable("batchnorm_backward returned something other than (dZ, dgamma, dbeta)")
            dZ = core.array(result[0], Z.shape, "batchnorm_backward's dZ")
            grads[f"gamma{l}"] = core.array(result[1], (BN_WIDTH, 1), "batchnorm_backward's dgamma")
            grads[f"beta{l}"] = core.array(result[2], (BN_WIDTH, 1), "batchnorm_backward's dbeta")
        else:
            dZ = dZ_tilde
            grads[f"b{l}"] = dZ.sum(axis=1, keepdims=True)
        grads[f"W{l}"] = dZ @ A_prev.T
        dA = parameters[f"W{l}"].T @ dZ
    return grads


def _bn_runs(yours: dict, lr: float, live=None):
    """(plain run, your batch-norm run or None, the reference's batch-norm run, why yours failed)."""
    references = _bn_references()
    plain = _bn_train(references, False, lr)
    reference = _bn_train(references, True, lr)
    progress = None if live is None else (lambda done, total, costs: live(plain, reference, costs, done, total))
    run, why = core.run(lambda: _bn_train({**references, **yours}, True, lr, progress=progress))
    return plain, run, reference, why


def _bn_rate(lr: float) -> float:
    """The learning rate rounded to 3 significant digits: the slider's 10^(k/4) as Python and the browser compute
    it may differ in the last bit, and a diverging run is chaotic enough to show it."""
    return float(f"{lr:.3g}")


def bn_training_explorer(batchnorm_forward: Callable, batchnorm_backward: Callable, lr: float = BN_DIVERGING,
                         layer: int = BN_DEPTH, epoch: int = 1) -> None:
    """The same deep network (six ReLU layers of 32 units on the digits) trained without and with batch norm
    (the student's functions). Left: the distribution of one layer's pre-activations (the input of its ReLU)
    on a fixed batch after the chosen epoch; right: the cost per mini-batch, each network's outcome (trains,
    stuck at guessing, diverged) in its legend. Controls: the learning rate (0.01 to 10, four steps a decade),
    the layer and the epoch."""
    yours = {"batchnorm_forward": batchnorm_forward, "batchnorm_backward": batchnorm_backward}
    runs: dict = {}

    def draw(frames, lr, layer, epoch):
        lr = _bn_rate(lr)
        if lr not in runs:
            frames.progress(0, BN_EPOCHS)

            shown = [time.perf_counter()]

            def live(plain, reference, costs, done, total):
                frames.progress(done, total)
                if frames.due() and time.perf_counter() - shown[0] > 2.5:  # a frame costs about as much as 3 epochs
                    frames.show(_bn_training_figure(plain, None, reference, "", layer, 0, lr, costs))
                    shown[0] = time.perf_counter()

            runs[lr] = _bn_runs(yours, lr, live if core.in_ipython() else None)
            frames.progress(BN_EPOCHS, BN_EPOCHS)
        return _bn_training_figure(*runs[lr], layer, epoch, lr)

    core.explore(draw, live=True, progress="training",
                 lr=core.slider("log", lr, -2, 1, 0.25, "learning rate", base=10, readout_format=".3g"),
                 layer=core.slider("int", layer, 1, BN_DEPTH, 1, "layer"),
                 epoch=core.slider("int", epoch, 0, BN_EPOCHS, 1, "epoch"))


def _diverged_at(costs: np.ndarray) -> int | None:
    """The first mini-batch (counted from 1) whose cost is non-finite or above DIVERGED; None if there is none.
    A run's costs are non-finite only at their end (_bn_train stops at the first), so a run has diverged exactly
    when its cost passed DIVERGED or it overflowed."""
    gone = ~np.isfinite(costs) | (np.nan_to_num(costs) > DIVERGED)
    return int(np.argmax(gone)) + 1 if gone.any() else None


def _bn_outcome(costs: np.ndarray) -> str:
    """How a run went, from its cost per mini-batch: "diverged: ..." (its cost passed DIVERGED, or overflowed),
    "stuck at ln 10: ..." (it ends guessing), "trains" (its last costs average below 1) or "learns little"."""
    if not len(costs):
        return "trains"
    finite = np.isfinite(costs)
    last = np.mean(costs[-20:]) if finite[-1] else np.nan  # (not averaged after an overflow)
    stuck = abs(last - np.log(10)) < 0.05
    if _diverged_at(costs) is not None:
        highest = np.where(finite, costs, -np.inf)
        peak = int(np.argmax(highest))
        went = f"cost {highest[peak]:.0e} at mini-batch {peak + 1}" if highest[peak] > DIVERGED else ""
        then = (f"overflow (nan) at mini-batch {len(costs)}" if not finite[-1]
                else "then stuck at ln 10" if stuck else "")
        return "diverged: " + ", ".join(part for part in (went, then) if part)
    if stuck:
        return "stuck at ln 10: guesses"
    return f"{'trains' if last < 1.0 else 'learns little'} (last cost {last:.2f})"


def _bn_training_figure(plain: _BnRun, run: _BnRun | None, reference: _BnRun, why: str, layer: int, epoch: int,
                        lr: float, live_costs=None):
    fig, (hist, curve) = plots.figure(ncols=2, size=(11.5, 4.1))
    shown, colour, whose = (run, plots.STUDENT, "with batch norm (yours)") if run is not None else \
        (reference, plots.REFERENCE, "with batch norm (reference)")
    for result, style, label in ((plain, {"color": plots.MUTED, "alpha": 0.55}, "without batch norm"),
                                 (shown, {"color": colour, "alpha": 0.55}, whose)):
        counts = result.histograms[epoch, layer - 1]
        if counts.sum():
            mean, std = result.means[epoch, layer - 1], result.stds[epoch, layer - 1]
            hist.stairs(counts / counts.sum(), BINS, fill=True, label=f"{label}: mean {mean:.2g}, std {std:.2g}",
                        **style)
        else:
            hist.plot([], [], label=f"{label}: overflowed before epoch {epoch}", **style)
    hist.set(xlabel=f"pre-activation of layer {layer} (clipped to ±6)", ylabel="share of the values",
             title=f"layer {layer}, after epoch {epoch}, learning rate {lr:g}")
    hist.legend(loc="upper left", fontsize=8)

    top = COST_AXIS[1]
    curve.axhline(np.log(10), color=plots.MUTED, linestyle=":", linewidth=1)
    curve.text(0.99, np.log(10) * 1.12, "guessing: ln 10", color=plots.MUTED, fontsize=8, ha="right", va="bottom",
               transform=curve.get_yaxis_transform())

    def draw(costs, label, **style):
        """The costs, those above the axis drawn on its top edge with ▲, an overflow as ✕ there."""
        steps = np.arange(1, len(costs) + 1)
        curve.plot(steps, np.minimum(costs, top), label=label, **style)
        above = np.isfinite(costs) & (costs > top)
        if above.any():
            curve.plot(steps[above], np.full(above.sum(), top), "^", color=plots.WARNING, markersize=6, clip_on=False)
        if len(costs) and not np.isfinite(costs[-1]):
            curve.plot([len(costs)], [top], "x", color=plots.WARNING, markersize=9, mew=2, clip_on=False)

    outcome = _bn_outcome(plain.costs)
    draw(plain.costs, f"without batch norm: {outcome}", color=plots.MUTED, linewidth=1.5)
    diverged_at = _diverged_at(plain.costs)
    if diverged_at is not None:
        curve.axvline(diverged_at, color=plots.WARNING, linestyle=":", linewidth=1)
        curve.text(0.98, 0.96, f"without batch norm: {outcome}", transform=curve.transAxes, ha="right", va="top",
                   color=plots.WARNING, fontsize=8, bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8})
    if len(reference.costs):
        draw(reference.costs, f"with batch norm (reference): {_bn_outcome(reference.costs)}", color=plots.REFERENCE,
             linewidth=4, alpha=0.3)
    costs = run.costs if run is not None else live_costs
    if costs is not None and len(costs):
        costs = np.asarray(costs)
        draw(costs, f"with batch norm (yours): {_bn_outcome(costs) if run is not None else 'training'}",
             color=plots.STUDENT, linewidth=1.2)
    curve.set(xlabel="mini-batch", ylabel="cross-entropy", yscale="log", ylim=COST_AXIS,
              title=f"cost while training, learning rate {lr:g}")
    curve.yaxis.set_minor_locator(NullLocator())  # minor log ticks cost most of the drawing time
    curve.legend(loc="lower left", fontsize=7.5)
    if why:
        plots.note(hist, core.reference_only(why))
    return fig


# --- evaluation: batch statistics against running statistics ----------------------------------------


def bn_evaluation(batchnorm_forward: Callable, update_running_stats: Callable, batchnorm_inference: Callable,
                  lr: float = 1.0) -> None:
    """Trains the batch-norm network (the reference's training with the student's update_running_stats), then
    measures its test accuracy four ways: the whole test set as one batch and batches of 8, normalised with
    their own statistics (the student's batchnorm_forward); batches of one likewise; and any batch with the
    running statistics (the student's batchnorm_inference)."""
    plots.show(_bn_evaluation_figure(batchnorm_forward, update_running_stats, batchnorm_inference, lr))


def _bn_accuracy(functions, run: _BnRun, X, y, batch: int, stats: str) -> float:
    right = 0
    for start in range(0, X.shape[1], batch):
        logits = _bn_forward_pass(functions, run.parameters, X[:, start:start + batch], True, stats,
                                         run.running)[0]
        right += int(np.sum(np.argmax(logits, axis=0) == y[start:start + batch]))
    return right / X.shape[1]


def _bn_evaluation_figure(batchnorm_forward, update_running_stats, batchnorm_inference, lr):
    references = _bn_references()
    run, why_training = core.run(lambda: _bn_train({**references, "update_running_stats": update_running_stats},
                                                   True, lr))
    if run is None:
        run = _bn_train(references, True, lr)
    *_, X_test, y_test = _bn_digits()
    ways = [("whole test set,\nits own statistics", len(y_test), "batch", "batchnorm_forward"),
            ("batches of 8,\ntheir own statistics", 8, "batch", "batchnorm_forward"),
            ("batches of 1,\ntheir own statistics", 1, "batch", "batchnorm_forward"),
            ("batches of 1,\nrunning statistics", 1, "running", "batchnorm_inference")]
    yours = {**references, "batchnorm_forward": batchnorm_forward, "batchnorm_inference": batchnorm_inference}
    accuracies, colours, whys = [], [], [why_training]
    for _, batch, stats, name in ways:
        with np.errstate(all="ignore"):
            accuracy, why = core.run(lambda: _bn_accuracy(yours, run, X_test, y_test, batch, stats), name=name)
            if accuracy is None:
                accuracy = _bn_accuracy(references, run, X_test, y_test, batch, stats)
        accuracies.append(accuracy)
        colours.append(plots.REFERENCE if why else plots.STUDENT)
        whys.append(why)
    fig, ax = plots.figure(size=(8.5, 3.8))
    bars = ax.bar(range(len(ways)), accuracies, color=colours, width=0.6)
    for bar, accuracy in zip(bars, accuracies):
        ax.text(bar.get_x() + bar.get_width() / 2, accuracy + 0.02, f"{accuracy:.1%}", ha="center", fontsize=9)
    ax.axhline(0.1, color=plots.MUTED, linestyle=":", linewidth=1)
    ax.text(len(ways) - 0.5, 0.11, "guessing: 10%", color=plots.MUTED, fontsize=8, ha="right")
    ax.set(xticks=range(len(ways)), xticklabels=[w[0] for w in ways], ylim=(0, 1.12), ylabel="test accuracy",
           title=f"the same trained network, evaluated four ways ({len(y_test)} test digits)")
    if core.together(whys):
        plots.note(ax, core.reference_only(core.together(whys)))
    return fig


# --- batch norm against layer norm ----------------------------------------------------------------


def bn_vs_ln(batchnorm_forward: Callable, layernorm_forward: Callable, Z: np.ndarray | None = None) -> None:
    """One batch Z (n, m) normalised both ways with the student's functions (γ = 1, β = 0): batch norm makes
    every row (a unit across the batch) mean 0 and spread 1, layer norm every column (an example across its
    units)."""
    plots.show(_bn_vs_ln_figure(batchnorm_forward, layernorm_forward, _bn_ln_batch() if Z is None else Z))


def _bn_ln_batch() -> np.ndarray:
    """6 units × 8 examples, units on very different scales and offsets (as pre-activations can be)."""
    rng = np.random.default_rng(3)
    return np.round(rng.normal(size=(6, 8)) * np.array([[0.5], [3.0], [1.0], [8.0], [0.2], [2.0]])
                    + np.array([[2.0], [-5.0], [0.0], [10.0], [1.0], [-1.0]]), 1)


def _bn_vs_ln_figure(batchnorm_forward, layernorm_forward, Z):
    n, m = Z.shape
    ones, zeros = np.ones((n, 1)), np.zeros((n, 1))
    fig, axes = plots.figure(ncols=3, size=(13, 4.0))
    panels = [(Z, "the batch Z: rows are units, columns examples", None, "")]
    for name, fn, axis in (("batchnorm_forward", batchnorm_forward, 1), ("layernorm_forward", layernorm_forward, 0)):
        out, why = core.call(name, lambda *a: fn(*a)[0], Z.copy(), ones, zeros, shape=Z.shape)
        if out is None:
            out = getattr(bnref, name)(Z, ones, zeros)[0]
        kind = "batch norm: each row normalised" if axis == 1 else "layer norm: each column normalised"
        panels.append((out, kind, axis, why))
    for ax, (values, title, axis, why) in zip(axes, panels):
        ax.grid(False)
        limit = np.max(np.abs(values))
        ax.imshow(values, cmap="RdBu_r", vmin=-limit, vmax=limit, aspect="auto")
        for (i, j), v in np.ndenumerate(values):
            ax.text(j, i, f"{v:.1f}", ha="center", va="center", fontsize=7)
        ax.set(xticks=range(m), yticks=range(n), xlabel="example", ylabel="unit", title=title)
        if axis is not None:
            means, stds = np.round(values.mean(axis=axis), 2) + 0.0, np.round(values.std(axis=axis), 2)  # no "-0.0"
            summary = f"means {means.tolist()}\nstds {stds.tolist()}"
            ax.set_xlabel("example\n" + ("row " if axis == 1 else "column ") + summary,
                          fontsize=7, color=plots.STUDENT if not why else plots.REFERENCE)
            if why:
                plots.note(ax, core.reference_only(why))
    return fig

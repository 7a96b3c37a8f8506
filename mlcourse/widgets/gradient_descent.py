"""Notebook 02's explorers: the learning rate on 1-D landscapes, batch, mini-batch and stochastic descent,
feature scaling, a trained logistic regression and learning-rate decay."""

from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np

from .. import data, plots
from .. import gradient_descent as gd
from . import core
from .core import FAR


def _flat(result) -> np.ndarray:
    """A tuple of arrays and numbers such as (dw, db) as one flat float array (raises if it is no tuple)."""
    return np.concatenate([np.ravel(np.asarray(part, dtype=np.float64)) for part in result])


# --- a 1-D landscape and the learning rate


class Landscape(NamedTuple):
    f: Callable
    df: Callable
    text: str
    xlim: tuple[float, float]
    minimum: float
    flat: float | None = None  # a point where f′ = 0 that is no minimum


LANDSCAPES = {
    "bowl": Landscape(lambda x: (x - 3) ** 2, lambda x: 2 * (x - 3), "f(x) = (x − 3)²", (-2.0, 8.0), 3.0),
    "quartic": Landscape(lambda x: x**4 - x**3, lambda x: 4 * x**3 - 3 * x**2, "f(x) = x⁴ − x³", (-0.8, 1.3),
                         0.75, 0.0),
}


def learning_rate_explorer(gradient_descent_1d: Callable, landscape: str = "bowl", x0: float | None = None,
                           lr: float = 0.1, steps: int = 15) -> None:
    """The student's gradient_descent_1d(df, x0, lr, steps) on a landscape of LANDSCAPES ("bowl" (x − 3)² or
    "quartic" x⁴ − x³): the path on the curve and the iterates step by step, over the reference's path, with a
    verdict (converges, oscillates, diverges, stalls); sliders for the learning rate, x₀ and the steps."""
    land = LANDSCAPES[landscape]
    low, high = land.xlim
    core.explore(lambda lr, x0, steps: _learning_rate_figure(gradient_descent_1d, land, x0, lr, steps),
                  lr=core.slider("float", lr, 0.01, 1.2, 0.01, "learning rate"),
                  x0=core.slider("float", low + 0.2 * (high - low) if x0 is None else x0, low, high, 0.05, "x₀"),
                  steps=core.slider("int", steps, 0, 60, 1, "steps"))


def _learning_rate_figure(gradient_descent_1d, land: Landscape, x0, lr, steps):
    df = core.bounded(land.df)
    reference = np.clip(gd.gradient_descent_1d(df, x0, lr, steps), -10 * FAR, 10 * FAR)
    path, why = core.call("gradient_descent_1d", gradient_descent_1d, df, x0, lr, steps, shape=(steps + 1,))
    fig, (curve, sequence) = plots.figure(ncols=2, size=(10, 3.8))
    if why:
        plots.note(curve, core.reference_only(why))
    xs = np.linspace(*land.xlim, 300)
    ys = land.f(xs)
    curve.plot(xs, ys, color="#212529", linewidth=2, label=land.text)
    plots.ghost(curve, reference, land.f(reference), marker="o", label="reference")
    plots.ghost(sequence, np.arange(steps + 1), reference, marker="o", label="reference")
    if path is not None:
        path = np.clip(path, -10 * FAR, 10 * FAR)
        curve.plot(path, land.f(path), "o-", color=plots.STUDENT, markersize=4, linewidth=1.2, label="yours")
        sequence.plot(np.arange(steps + 1), path, "o-", color=plots.STUDENT, markersize=4, linewidth=1.2,
                      label="yours")
    sequence.axhline(land.minimum, ls="--", color=plots.MUTED, linewidth=1, label=f"minimum x = {land.minimum:g}")
    if land.flat is not None:
        sequence.axhline(land.flat, ls=":", color=plots.WARNING, linewidth=1, label=f"flat point x = {land.flat:g}")
    span = ys.max() - ys.min()
    curve.set(xlim=land.xlim, ylim=(ys.min() - 0.1 * span, ys.max() + 0.15 * span), xlabel="x", ylabel="f(x)",
              title=f"learning rate {lr:g}, {steps} step(s) from x₀ = {x0:g}")
    sequence.set(xlim=(0, max(steps, 1)), ylim=land.xlim, xlabel="step k", ylabel="x_k",
                 title=_verdict(reference if path is None else path, land))
    curve.legend(loc="upper center" if not why else "center")  # both curves leave the middle free
    sequence.legend(loc="best")
    return fig


def _verdict(path: np.ndarray, land: Landscape) -> str:
    """What the path does, in a few words."""
    gap = path - land.minimum
    if not np.all(np.abs(path) <= FAR) or abs(gap[-1]) > max(4 * abs(gap[0]), 1.0):
        return "diverges: the steps grow instead of shrinking"
    if abs(gap[-1]) < 1e-3:
        return "converges to the minimum"
    if path.size > 3 and np.all(gap[-4:-1] * gap[-3:] < 0):
        change = abs(gap[-1]) - abs(gap[-3])
        return "oscillates around the minimum, " + (
            "slowly settling" if change < -1e-9 else "the swings growing" if change > 1e-9 else "for ever")
    if land.flat is not None and abs(path[-1] - land.flat) < 0.15:
        return f"stalls near the flat point x = {land.flat:g}, which is no minimum"
    if abs(gap[-1]) > abs(gap[0]):
        return "moves away from the minimum"
    return "still on its way: more steps or a larger learning rate"


def notes_logistic_example(logistic_regression_gradients: Callable) -> None:
    """Prints the student's (dw, db) for the notes' four examples beside the right values and the notes'."""
    right = _flat(gd.logistic_regression_gradients(gd.NOTES_X, gd.NOTES_A, gd.NOTES_Y))
    yours, why = core.call("logistic_regression_gradients", lambda: _flat(logistic_regression_gradients(
        gd.NOTES_X.copy(), gd.NOTES_A.copy(), gd.NOTES_Y.copy())), shape=(3,))
    if why:
        print(why + ".")
    print(f"{'':6}{'yours':>9}{'right':>9}   the notes")
    for name, mine, value, notes in zip(("dw1", "dw2", "db"), yours if yours is not None else [None] * 3, right,
                                        ("-1.15 (a sign slip)", "-1.05", "0")):
        print(f"{name:6}{'—' if mine is None else f'{mine:.4f}':>9}{value:9.4f}   {notes}")


# --- batch, mini-batch and stochastic descent on a least-squares bowl


class Bowl(NamedTuple):
    """J(θ) = ½ θᵀHθ − gᵀθ + c: the least-squares cost 1/(2m) Σ (θᵀφ − y)² of features Φ (2, m)."""
    H: np.ndarray
    g: np.ndarray
    c: float

    @classmethod
    def of(cls, features: np.ndarray, y: np.ndarray) -> Bowl:
        m = features.shape[1]
        return cls(features @ features.T / m, (features @ y.T).ravel() / m, float(np.mean(y**2) / 2))

    def cost(self, a, b):
        """J at θ = (a, b), elementwise for arrays a and b."""
        (h11, h12), (_, h22) = self.H
        with np.errstate(all="ignore"):
            return 0.5 * (h11 * a * a + 2 * h12 * a * b + h22 * b * b) - self.g[0] * a - self.g[1] * b + self.c

    @property
    def minimum(self) -> np.ndarray:
        return np.linalg.solve(self.H, self.g)


def _regression_data():
    """48 examples of y = wx + b + noise, one feature (examples are columns)."""
    X, y, _, _ = data.linear_regression(np.random.default_rng(1), m=48, n_x=1, noise=0.6)
    return X, y


START = np.array([-1.5, -1.5])  # (w, b) where the mini-batch explorer starts


def mini_batch_explorer(linear_regression_gradients: Callable, random_mini_batches: Callable, lr: float = 0.1,
                        batch_size: int = 8, epochs: int = 10) -> None:
    """Batch, mini-batch and stochastic descent on a one-feature least-squares fit, with the student's
    linear_regression_gradients and random_mini_batches: the (w, b) paths on the contours of J, over the
    reference's, and the cost J per epoch; sliders for the learning rate, the mini-batch size and the epochs."""
    X, y = _regression_data()
    picture = _MiniBatchPicture(X, y)
    core.explore(lambda lr, batch_size, epochs: _mini_batch_figure(
        linear_regression_gradients, random_mini_batches, X, y, lr, batch_size, epochs, picture),
        lr=core.slider("log", lr, -2.5, -0.3, 0.05, "learning rate", base=10, readout_format=".3f"),
        batch_size=core.slider("int", batch_size, 2, 24, 1, "mini-batch size"),
        epochs=core.slider("int", epochs, 1, 30, 1, "epochs"))


def _mini_batches(random_mini_batches, X, Y, batch_size, rng):
    """(the student's list of (X_batch, Y_batch), '') if the batches hold m examples between them, else (None, why)."""
    kept = []

    def run():
        kept[:] = [(np.asarray(xb, dtype=float), np.asarray(yb, dtype=float))
                   for xb, yb in random_mini_batches(X.copy(), Y.copy(), batch_size, rng)]
        return np.hstack([np.vstack(pair) for pair in kept])

    joined, why = core.call("random_mini_batches", run, shape=(X.shape[0] + 1, X.shape[1]))
    return (kept, "") if joined is not None else (None, why)


def _descent_path(gradients, mini_batches, X, y, lr, epochs, batch_size):
    """((updates + 1, 2) array of (w, b) from START, ''), or (None, why): each epoch one step per mini-batch of
    mini_batches(X, y, batch_size, rng), or one step on all of X when batch_size is None."""
    rng = np.random.default_rng(0)
    points = [START.copy()]
    for _ in range(epochs):
        batches, why = ([(X, y)], "") if batch_size is None else _mini_batches(mini_batches, X, y, batch_size, rng)
        for X_batch, y_batch in batches or []:
            if np.any(np.abs(points[-1]) > FAR):
                return np.array(points), ""
            w, b = points[-1]
            step, why = core.call("linear_regression_gradients", lambda: _flat(gradients(
                np.array([[w]]), float(b), X_batch.copy(), y_batch.copy())), shape=(2,))
            if why:
                break
            points.append(points[-1] - lr * step)
        if why:
            return None, why
    return np.array(points), ""


class _MiniBatchPicture:
    """The mini-batch explorer's figure, made once and redrawn in place (plots.lasting): the contours of J stay,
    the paths, titles and cost curves change."""

    def __init__(self, X, y):
        self.bowl = bowl = Bowl.of(np.vstack([X, np.ones_like(X)]), y)
        fig, axes = plots.figure(ncols=2, nrows=2, size=(10, 7.4))
        self.fig, self.panels, self.right = plots.lasting(fig), list(axes.flat[:3]), axes[1, 1]
        xlim, ylim = plots.window(np.array([START, bowl.minimum]), pad=0.35)
        self.ghosts, self.paths = [], []
        for ax in self.panels:
            plots.contour(ax, bowl.cost, xlim, ylim)
            self.ghosts.append(plots.ghost(ax, [], []))
            self.paths.append(ax.plot([], [], "-", color=plots.STUDENT, linewidth=1, marker="o", markersize=2)[0])
            ax.plot(*START, "o", color="#212529")
            ax.plot(*bowl.minimum, "x", color="#212529", markersize=9, mew=2)
            ax.set(xlabel="w", ylabel="b", xlim=xlim, ylim=ylim)
        self.costs = [self.right.semilogy([], [], color=colour, linewidth=0.8 if colour == plots.STUDENT else 1.5)[0]
                      for colour in ("#212529", plots.ACCENT, plots.STUDENT)]
        self.right.axhline(bowl.cost(*bowl.minimum), ls="--", color=plots.MUTED, linewidth=1, label="least possible J")
        self.right.set(xlabel="epochs (passes over the data)", ylabel="J(w, b) on all the data",
                       ylim=(bowl.cost(*bowl.minimum) * 0.8, bowl.cost(*START) * 3))

    def draw(self, runs: dict, m: int, epochs: int):
        """The figure for {name: (batch size or None, the reference's path, the student's path or None, why)}."""
        problems = []
        plots.clear_notes(self.panels[0])
        for ax, ghost, line, cost, (name, (size, reference, path, why)) in zip(
                self.panels, self.ghosts, self.paths, self.costs, runs.items()):
            problems += [why] if why and why not in problems else []
            shown = reference if path is None else path
            ghost.set_data(*reference.T)
            line.set(data=tuple(shown.T), visible=path is not None)
            per_epoch = 1 if size is None else -(-m // size)
            ax.set_title(f"{name}: {epochs * per_epoch} updates")
            cost.set(data=(np.arange(len(shown)) / per_epoch, self.bowl.cost(*shown.T)), label=name)
        if problems:
            plots.note(self.panels[0], core.reference_only("; ".join(problems)))
        self.right.set(xlim=(0, epochs), title="the cost" + (" (reference)" if problems else " (yours)"))
        self.right.legend(loc="upper right")
        plots.keep_layout(self.fig, len(str(epochs)))
        return self.fig


def _mini_batch_figure(linear_regression_gradients, random_mini_batches, X, y, lr, batch_size, epochs,
                       picture: _MiniBatchPicture | None = None):
    """The mini-batch explorer's figure, drawn into picture (a new one if None)."""
    runs = {}
    for name, size in {"batch": None, f"mini-batch of {batch_size}": batch_size, "stochastic (batch of 1)": 1}.items():
        reference, _ = _descent_path(gd.linear_regression_gradients, gd.random_mini_batches, X, y, lr, epochs, size)
        path, why = _descent_path(linear_regression_gradients, random_mini_batches, X, y, lr, epochs, size)
        runs[name] = (size, reference, path, why)
    return (picture or _MiniBatchPicture(X, y)).draw(runs, X.shape[1], epochs)


# --- feature scaling


def feature_scaling_explorer(gradient_descent: Callable, fraction: float = 0.8, steps: int = 30,
                             scale: float = 8.0) -> None:
    """The student's gradient_descent(grad_f, w0, lr, steps) on the least-squares cost of a two-feature fit
    (no intercept), with the raw features (x₂ measured in units `scale` times larger) and standardized: paths
    over the reference's on the contours of J. Each uses `fraction` of its own largest stable learning rate
    2/λ_max; sliders for the fraction, the steps and the scale."""
    core.explore(lambda fraction, steps, scale: _scaling_figure(gradient_descent, fraction, steps, scale),
                  fraction=core.slider("float", fraction, 0.05, 1.1, 0.05, "learning rate ÷ largest stable"),
                  steps=core.slider("int", steps, 1, 100, 1, "steps"),
                  scale=core.slider("float", scale, 1, 20, 1, "scale of x₂"))


def _scaling_figure(gradient_descent, fraction, steps, scale):
    X, y, _, _ = data.linear_regression(np.random.default_rng(1), m=60, n_x=2, noise=0.3)
    X, y = X - X.mean(axis=1, keepdims=True), y - y.mean()
    X[1] *= scale
    fig, axes = plots.figure(ncols=2, size=(10, 4.4))
    problems = []
    for ax, features, name in ((axes[0], X, f"raw (x₂ in units {scale:g}× larger)"),
                               (axes[1], X / X.std(axis=1, keepdims=True), "standardized")):
        bowl = Bowl.of(features, y)
        grad = core.bounded(lambda w, bowl=bowl: bowl.H @ w - bowl.g)
        lr = fraction * 2 / np.linalg.eigvalsh(bowl.H).max()
        reference = gd.gradient_descent(grad, np.zeros(2), lr, steps)
        path, why = core.call("gradient_descent", gradient_descent, grad, np.zeros(2), lr, steps, shape=(steps + 1, 2))
        problems += [why] if why and why not in problems else []
        near = reference[np.linalg.norm(reference - bowl.minimum, axis=1) <= 1.5 * np.linalg.norm(bowl.minimum)]
        xlim, ylim = plots.window(np.vstack([near, np.zeros(2), bowl.minimum]), pad=0.1, square=True)
        plots.contour(ax, bowl.cost, xlim, ylim)
        plots.ghost(ax, *reference.T)
        if path is not None:
            ax.plot(*np.clip(path, -10 * FAR, 10 * FAR).T, "-o", color=plots.STUDENT, linewidth=1, markersize=2.5)
        ax.plot(0, 0, "o", color="#212529")
        ax.plot(*bowl.minimum, "x", color="#212529", markersize=9, mew=2)
        ax.set_aspect("equal")
        shown = reference if path is None else path
        excess = bowl.cost(*shown[-1]) - bowl.cost(*bowl.minimum)
        ax.set(xlabel="w₁", ylabel="w₂", title=f"{name}: lr {lr:.3g}\nafter {steps} steps J − J_min = {excess:.2g}")
    if problems:
        plots.note(axes[0], core.reference_only("; ".join(problems)))
    return fig


# --- a trained logistic regression


def decision_boundary_explorer(train_logistic_regression: Callable, lr: float = 0.5, epochs: int = 30,
                               batch_size: int = 0) -> None:
    """The student's train_logistic_regression on two blobs of points (examples are columns): the decision
    boundary wᵀx + b = 0 over the reference's, and the cost per epoch; sliders for the learning rate and the
    epochs, and a choice of batch size (0: the whole batch)."""
    X, Y = data.two_blobs(np.random.default_rng(1), m=100, distance=3.0)
    core.explore(lambda lr, epochs, batch_size: _boundary_figure(train_logistic_regression, X, Y, lr, epochs,
                                                                 batch_size),
                 lr=core.slider("log", lr, -2, 0.5, 0.05, "learning rate", base=10, readout_format=".3f"),
                 epochs=core.slider("int", epochs, 1, 100, 1, "epochs"),
                 batch_size=core.dropdown([("all (batch)", 0), ("32", 32), ("8", 8), ("1 (stochastic)", 1)],
                                          batch_size, "batch size"))


def _train(train, X, Y, lr, epochs, batch_size):
    """((w, b, costs), '') from train(X, Y, lr, epochs, batch_size or None, rng), or (None, why)."""
    n = X.shape[0]
    flat, why = core.call("train_logistic_regression", lambda: _flat(train(
        X.copy(), Y.copy(), lr, epochs, batch_size=batch_size or None, rng=np.random.default_rng(0))),
        shape=(n + 1 + epochs,))
    return (None, why) if flat is None else ((flat[:n].reshape(n, 1), flat[n], flat[n + 1:]), "")


def _boundary(ax, w, b, xlim, ylim, **style) -> None:
    """The line w₁x₁ + w₂x₂ + b = 0 across the panel (nothing if w = 0)."""
    (w1, w2), a, c = w.ravel(), np.linspace(*xlim, 2), np.linspace(*ylim, 2)
    if abs(w2) >= abs(w1) > 0 or (w2 != 0 and w1 == 0):
        ax.plot(a, -(w1 * a + b) / w2, **style)
    elif w1 != 0:
        ax.plot(-(w2 * c + b) / w1, c, **style)


def _boundary_figure(train_logistic_regression, X, Y, lr, epochs, batch_size):
    reference, _ = _train(gd.train_logistic_regression, X, Y, lr, epochs, batch_size)
    yours, why = _train(train_logistic_regression, X, Y, lr, epochs, batch_size)
    fig, (left, right) = plots.figure(ncols=2, size=(10, 4.2))
    xlim, ylim = plots.window(X.T, pad=0.05)
    for label, marker in ((0, "o"), (1, "s")):
        chosen = Y[0] == label
        left.plot(*X[:, chosen], marker, color="#495057", markersize=4, alpha=0.7, mfc="white" if label == 0 else None,
                  linestyle="none", label=f"y = {label}")
    _boundary(left, *reference[:2], xlim, ylim, color=plots.REFERENCE, linewidth=5, alpha=0.3, label="reference")
    plots.ghost(right, np.arange(1, epochs + 1), reference[2], marker="o" if epochs < 20 else None, label="reference")
    shown = reference
    if why:
        plots.note(left, core.reference_only(why))
    else:
        _boundary(left, *yours[:2], xlim, ylim, color=plots.STUDENT, linewidth=1.8, label="yours")
        right.plot(np.arange(1, epochs + 1), yours[2], color=plots.STUDENT, linewidth=1.5, label="yours")
        shown = yours
    w, b, costs = shown
    accuracy = np.mean(((w.T @ X + b) > 0) == (Y > 0.5))
    left.set(xlim=xlim, ylim=ylim, xlabel="x₁", ylabel="x₂",
             title=f"{'yours' if not why else 'reference'}: {accuracy:.0%} of the points on the right side")
    right.set(xlabel="epoch", ylabel="cost J (all data)", xlim=(0.5, epochs + 0.5),
              title=f"w = ({w[0, 0]:.2f}, {w[1, 0]:.2f}), b = {b:.2f}, final J = {costs[-1]:.3f}")
    left.legend(loc="lower right")
    right.legend(loc="upper right")
    return fig


# --- learning-rate decay


def decay_explorer(lr_inverse_time_decay: Callable, lr_exponential_decay: Callable, lr0: float = 1.0,
                   decay_rate: float = 0.5, k: float = 0.2, epochs: int = 30) -> None:
    """The student's two schedules over the reference's, and what they do to gradient descent on the bowl
    (x − 3)² from x₀ = 0, where the constant rate lr0 = 1 oscillates for ever; sliders for decay_rate and k."""
    core.explore(lambda decay_rate, k: _decay_figure(lr_inverse_time_decay, lr_exponential_decay, lr0, decay_rate, k,
                                                 epochs),
             decay_rate=core.slider("float", decay_rate, 0, 2, 0.05, "decay_rate (inverse time)"),
             k=core.slider("float", k, 0, 1, 0.02, "k (exponential)"))


def _decay_figure(lr_inverse_time_decay, lr_exponential_decay, lr0, decay_rate, k, epochs):
    at = np.arange(epochs + 1)
    schedules = {"inverse time": (lr_inverse_time_decay, gd.lr_inverse_time_decay, decay_rate, "-"),
                 "exponential": (lr_exponential_decay, gd.lr_exponential_decay, k, "--")}
    fig, (left, right) = plots.figure(ncols=2, size=(10, 3.8))
    bowl, problems = LANDSCAPES["bowl"], []
    constant = gd.gradient_descent_1d(bowl.df, 0.0, lr0, epochs)
    right.plot(at, constant, color=plots.MUTED, linewidth=1, label=f"constant rate {lr0:g}")
    for name, (fn, reference, rate, style) in schedules.items():
        expected = np.array([reference(lr0, int(e), rate) for e in at])
        rates, why = core.call(reference.__name__, lambda: [fn(lr0, int(e), rate) for e in at], shape=at.shape)
        plots.ghost(left, at, expected, linestyle=style, label=f"{name} (reference)")
        if why:
            problems.append(why)
        else:
            left.plot(at, rates, style, color=plots.STUDENT, linewidth=1.5, label=f"{name} (yours)")
        rates = expected if why else rates
        x = [0.0]
        with np.errstate(all="ignore"):  # a student's schedule may give absurd (finite) rates
            for rate_now in rates[:-1]:
                x.append(x[-1] - rate_now * bowl.df(x[-1]))
        right.plot(at, np.clip(x, -10 * FAR, 10 * FAR), style, color=plots.REFERENCE if why else plots.STUDENT,
                   linewidth=1.5, label=name)
    if problems:
        plots.note(left, core.reference_only("; ".join(problems)))
    right.axhline(bowl.minimum, ls=":", color=plots.MUTED, linewidth=1)
    left.set(xlabel="epoch", ylabel="learning rate", ylim=(0, lr0 * 1.1), xlim=(0, epochs),
             title=f"lr0 = {lr0:g}, decay_rate = {decay_rate:g}, k = {k:g}")
    right.set(xlabel="step (one per epoch)", ylabel="x", ylim=bowl.xlim, xlim=(0, epochs),
              title=f"descent on {bowl.text} from x₀ = 0")
    left.legend(loc="center right")
    right.legend(loc="lower right")
    return fig

"""Notebook 03's explorers: a neuron's decision boundary, the perceptron on logic gates, activations, softmax and
its temperature, losses as functions of the prediction, feature scaling and a two-layer network for XOR.

Each explorer draws the student's functions (orange) over the reference (blue). The two classes of a dataset are
told apart by colour and marker (plots.class_points): violet circles 0, green triangles 1."""

from __future__ import annotations

from typing import Callable

import numpy as np

from .. import data, plots
from .. import derivatives as ref
from .. import neurons as nref
from . import core


# --- (a) activations and their derivatives ---------------------------------------------------------


def _swish_derivative(z):
    s = ref.sigmoid(z)
    return s * (1 + z * (1 - s))


ACTIVATIONS = {  # name: (function, derivative) of the reference
    "sigmoid": (ref.sigmoid, ref.sigmoid_derivative),
    "tanh": (nref.tanh, nref.tanh_derivative),
    "relu": (nref.relu, nref.relu_derivative),
    "leaky_relu": (nref.leaky_relu, nref.leaky_relu_derivative),
    "swish": (nref.swish, _swish_derivative),
}


def activation_explorer(tanh: Callable, relu: Callable, leaky_relu: Callable, swish: Callable,
                        tanh_derivative: Callable, relu_derivative: Callable, leaky_relu_derivative: Callable,
                        activation: str = "tanh", alpha: float = 0.1) -> None:
    """An activation (dropdown) and its derivative side by side, the student's over the reference, with the
    saturated regions of sigmoid and tanh shaded (slope below a tenth of its peak) and ReLU's dead side marked;
    a slider for leaky ReLU's alpha. The sigmoid is notebook 01's; swish's derivative has no exercise here."""
    yours = {"sigmoid": (None, None), "tanh": (tanh, tanh_derivative), "relu": (relu, relu_derivative),
             "leaky_relu": (leaky_relu, leaky_relu_derivative), "swish": (swish, None)}
    core.explore(lambda activation, alpha: _activation_figure(yours, activation, alpha),
                  activation=core.dropdown(ACTIVATIONS, activation, "activation"),
                  alpha=core.slider("float", alpha, 0.0, 1.0, 0.01, "leaky ReLU's α"))


def _activation_figure(yours: dict, name: str, alpha: float):
    z = np.linspace(-6, 6, 241)
    leaky = name == "leaky_relu"
    fig, axes = plots.figure(ncols=2, size=(10, 3.8))
    for ax, fn, reference, suffix in zip(axes, yours[name], ACTIVATIONS[name], ("", "_derivative")):
        call = (lambda f: lambda z: f(z, alpha)) if leaky else (lambda f: f)
        ax.plot(z, call(reference)(z), color=plots.REFERENCE, linewidth=5, alpha=0.35,
                label="reference" if fn else "given (notebook 01)" if name == "sigmoid" else "reference (no exercise)")
        if fn is not None:
            values, why = core.call(name + suffix, call(fn), z.copy(), shape=z.shape)
            if values is None:
                plots.note(ax, core.reference_only(why))
            else:
                ax.plot(z, values, color=plots.STUDENT, linewidth=1.8, label="yours")
        ax.set(xlabel="z", title=f"{name}{'′' if suffix else ''}(z)" + (f" with α = {alpha:g}" if leaky else ""))
        ax.legend(loc="best")
    slope = ACTIVATIONS[name][1](z)
    if name in ("sigmoid", "tanh"):
        for ax in axes:
            ax.fill_between(z, 0, 1, where=slope < 0.1 * slope.max(), transform=ax.get_xaxis_transform(),
                            color=plots.MUTED, alpha=0.15, linewidth=0)
            ax.text(0.02, 0.5, "shaded:\nsaturated,\nslope < 10%\nof its peak", transform=ax.transAxes,
                    va="center", fontsize=8, color=plots.MUTED)
    elif name == "relu":
        axes[1].axvspan(-6, 0, color=plots.WARNING, alpha=0.06)
        axes[1].text(-3, 0.5, "slope 0: a unit that only\never sees z < 0 stops learning", ha="center",
                     fontsize=8, color=plots.WARNING)
    elif leaky:
        axes[1].text(-3, alpha + 0.08, f"slope α = {alpha:g} keeps\nthe gradient alive" if alpha > 0 else
                     "α = 0: plain ReLU", ha="center", fontsize=8, color=plots.MUTED)
    if name in ("relu", "leaky_relu"):
        axes[1].set_ylim(-0.1, 1.3)
    return fig


# --- (b) a neuron's decision boundary --------------------------------------------------------------


def neuron_boundary_explorer(perceptron_predict: Callable, w1: float = 1.0, w2: float = 1.0, b: float = 0.0,
                               X: np.ndarray | None = None, Y: np.ndarray | None = None) -> None:
    """A neuron with a step activation on a 2-D dataset (two_blobs unless X, Y are given): the plane shaded by
    the student's perceptron_predict(points, w, b), the line w₁x₁ + w₂x₂ + b = 0 with w drawn across it, and
    the accuracy; sliders for w₁, w₂ and b."""
    if X is None:
        X, Y = data.two_blobs(np.random.default_rng(3), m=100)
    core.explore(lambda w1, w2, b: _neuron_boundary_figure(perceptron_predict, X, Y, w1, w2, b),
                  w1=core.slider("float", w1, -3, 3, 0.1, "w₁"), w2=core.slider("float", w2, -3, 3, 0.1, "w₂"),
                  b=core.slider("float", b, -6, 6, 0.1, "b"))


def _neuron_boundary_figure(perceptron_predict, X, Y, w1, w2, b):
    grid, extent = plots.plane_grid(X)
    points, w = np.hstack([X, grid]), np.array([[w1], [w2]])
    predicted, colour, why = core.yours_or_reference("perceptron_predict", perceptron_predict, nref.perceptron_predict,
                                                 points, w, float(b), shape=(1, points.shape[1]))
    fig, ax = plots.figure(size=(6.4, 4.8))
    plots.shade_classes(ax, predicted[0, X.shape[1]:], extent)
    plots.class_points(ax, X, Y)
    plots.separating_line(ax, w, b, extent, color="#212529", linewidth=1.5, label="w₁x₁ + w₂x₂ + b = 0")
    norm = np.hypot(w1, w2)
    if norm > 0:  # w points into the side predicted 1, starting from the line's point nearest the data
        centre = X.mean(axis=1)
        foot = centre - (w[:, 0] @ centre + b) / norm**2 * w[:, 0]
        tip = foot + w[:, 0] / norm * 1.2
        ax.annotate("", tip, foot, arrowprops={"arrowstyle": "->", "color": "#212529", "linewidth": 1.5})
        ax.text(*(tip + w[:, 0] / norm * 0.25), "w", ha="center", va="center", fontsize=11, color="#212529")
    wrong = np.sum(predicted != nref.perceptron_predict(points, w, float(b)))
    if why:
        plots.note(ax, core.reference_only(why))
    elif wrong:
        plots.note(ax, f"your perceptron_predict differs from the reference at {wrong} of {points.shape[1]} points")
    accuracy = np.mean(predicted[0, :X.shape[1]] == Y[0])
    whose = "yours" if colour == plots.STUDENT else "reference"
    ax.set(xlabel="x₁", ylabel="x₂", xlim=extent[:2], ylim=extent[2:])
    ax.set_title(f"w = ({w1:g}, {w2:g}), b = {b:g}: accuracy {accuracy:.0%} ({whose})")
    ax.legend(loc="lower right")
    return fig


# --- (c) the perceptron on logic gates, and a two-layer network for XOR ----------------------------


def perceptron_gates(perceptron_train: Callable, n_epochs: int = 6, lr: float = 1.0) -> None:
    """The student's perceptron_train on AND, OR and XOR: each gate's four points with the boundary after
    n_epochs epochs, and the number of misclassified points after every epoch; a slider for the epochs."""
    core.explore(lambda n_epochs: _gates_figure(perceptron_train, n_epochs, lr),
                  n_epochs=core.slider("int", n_epochs, 0, 20, 1, "epochs"))


def _train_history(perceptron_train, X, Y, lr, n_epochs):
    """Rows [w₁, w₂, b] after 0, 1, ..., n_epochs epochs (each run from the start), or None and why."""
    def run():
        return [np.append(np.ravel(w), b) for w, b in
                (perceptron_train(X.copy(), Y.copy(), lr, k) for k in range(n_epochs + 1))]
    return core.call("perceptron_train", run, shape=(n_epochs + 1, X.shape[0] + 1))


def _gates_figure(perceptron_train, n_epochs, lr):
    fig, axes = plots.figure(ncols=2, nrows=2, size=(8.6, 7))
    notes, errors = [], {}
    for ax, gate in zip(axes.flat, ("and", "or", "xor")):
        X, Y = data.logic_gate(gate)
        history, why = _train_history(perceptron_train, X, Y, lr, n_epochs)
        colour = plots.STUDENT
        if history is None:
            history, colour = _train_history(nref.perceptron_train, X, Y, lr, n_epochs)[0], plots.REFERENCE
            notes += [] if why in notes else [why]
        errors[gate] = [int(np.sum((row[:2] @ X + row[2] >= 0) != Y[0])) for row in history]
        grid, extent = plots.plane_grid(X, n=81)
        w, b = history[-1, :2], history[-1, 2]
        plots.shade_classes(ax, (w @ grid + b >= 0).astype(float), extent)
        plots.class_points(ax, X, Y, size=90)
        plots.separating_line(ax, w, b, extent, color=colour, linewidth=2)
        ax.set(xlim=extent[:2], ylim=extent[2:], xticks=[0, 1], yticks=[0, 1])
        ax.set_title(f"{gate.upper()}: {errors[gate][-1]} wrong after {n_epochs} epoch(s)")
    right = axes[1, 1]
    for (gate, counts), marker, style in zip(errors.items(), "os^", ("-", "--", ":")):
        right.plot(np.arange(n_epochs + 1), counts, marker=marker, linestyle=style, color=colour,
                   label=gate.upper())
    right.set(xlabel="epoch", ylabel="points misclassified", ylim=(-0.3, 4.3), yticks=range(5),
              xlim=(-0.3, max(n_epochs, 1) + 0.3), title="mistakes after each epoch")
    right.legend(loc="upper right")
    if notes:
        plots.note(axes[0, 0], core.reference_only("; ".join(notes)))
    return fig


XOR_WEIGHTS = {  # hidden unit 1 is OR, hidden unit 2 is AND; the output fires for "OR but not AND"
    "W1": np.array([[1.0, 1.0], [1.0, 1.0]]), "b1": np.array([[-0.5], [-1.5]]),
    "W2": np.array([[1.0, -2.0]]), "b2": np.array([[-0.5]]),
}
GATE_NAMES = {(0, 0, 0, 1): "AND", (0, 1, 1, 1): "OR", (0, 1, 1, 0): "XOR", (1, 1, 1, 0): "NAND",
              (1, 0, 0, 0): "NOR", (1, 0, 0, 1): "XNOR"}


def step(z):
    """The perceptron's activation: 1.0 where z ≥ 0, else 0.0 (elementwise)."""
    return (np.asarray(z) >= 0).astype(np.float64)


def xor_network(dense_forward: Callable, W1: np.ndarray | None = None, b1: np.ndarray | None = None,
                W2: np.ndarray | None = None, b2: np.ndarray | None = None) -> None:
    """A 2-2-1 network of step units run with the student's dense_forward over the plane: where each hidden unit
    fires, and where the output does, with the four XOR points. The weights default to XOR_WEIGHTS."""
    weights = {key: np.asarray(given if given is not None else XOR_WEIGHTS[key], dtype=np.float64)
               for key, given in (("W1", W1), ("b1", b1), ("W2", W2), ("b2", b2))}
    plots.show(_xor_figure(dense_forward, **weights))


def _two_layers(dense_forward, W1, b1, W2, b2):
    def run(points):
        hidden = dense_forward(points, W1, b1, step)
        return np.vstack([hidden, dense_forward(hidden, W2, b2, step)])
    return run


def _xor_figure(dense_forward, W1, b1, W2, b2):
    X, Y = data.logic_gate("xor")
    grid, extent = plots.plane_grid(X, n=101)
    points = np.hstack([X, grid])
    shape = (W1.shape[0] + W2.shape[0], points.shape[1])
    values, colour, why = core.yours_or_reference("dense_forward", _two_layers(dense_forward, W1, b1, W2, b2),
                                              _two_layers(nref.dense_forward, W1, b1, W2, b2), points, shape=shape)
    units = [(f"hidden unit {i + 1}", values[i], W1[i], b1[i, 0]) for i in range(min(2, W1.shape[0]))]
    fig, axes = plots.figure(ncols=len(units) + 1, size=(4 * (len(units) + 1), 3.8))
    for ax, (title, fired, w, b) in zip(axes, units + [("output", values[-1], None, None)]):
        plots.shade_classes(ax, fired[4:], extent)
        plots.class_points(ax, X, Y, size=90)
        for _, _, w_line, b_line in units if w is None else [(None, None, w, b)]:
            plots.separating_line(ax, w_line, b_line, extent, color=colour, linewidth=1.5 if w is None else 2,
                      linestyle="--" if w is None else "-")
        corners = tuple(int(v) for v in np.round(fired[:4]))
        name = GATE_NAMES.get(corners, "")
        ax.set(xlim=extent[:2], ylim=extent[2:], xticks=[0, 1], yticks=[0, 1])
        ax.set_title(f"{title}: {' '.join(map(str, corners))}" + (f" = {name}" if name else ""))
    axes[0].set_xlabel("x₁ (green: the unit outputs 1)")
    axes[-1].set_xlabel("dashed: the hidden units' lines")
    if why:
        plots.note(axes[-1], core.reference_only(why))
    return fig


# --- (d) softmax and its temperature --------------------------------------------------------------


def softmax_temperature(softmax: Callable, logits=(2.1, 3.2, 1.5), temperature: float = 1.0) -> None:
    """softmax(z / T) from the student's softmax for fixed logits (default: the notes' [2.1, 3.2, 1.5]): bars of
    the probabilities at T, and each class's probability as T runs from 0.1 to 10; a slider for T."""
    z = np.asarray(logits, dtype=np.float64).reshape(-1, 1)
    core.explore(lambda temperature: _temperature_figure(softmax, z, temperature),
                 temperature=core.slider("log", temperature, -1, 1, 0.05, "temperature T", base=10,
                                         readout_format=".2f"))


def _temperature_figure(softmax, z, temperature):
    temperatures = np.logspace(-1, 1, 81)
    columns = np.hstack([z / temperature, z / temperatures])  # one example (column) per temperature
    probabilities, colour, why = core.yours_or_reference("softmax", softmax, nref.softmax, columns, shape=columns.shape)
    classes = np.arange(z.shape[0])
    fig, (left, right) = plots.figure(ncols=2, size=(10, 3.8))
    left.bar(classes, nref.softmax(columns[:, :1])[:, 0], width=0.7, color=plots.REFERENCE, alpha=0.3,
             label="reference")
    if not why:
        left.bar(classes, probabilities[:, 0], width=0.3, color=plots.STUDENT, label="yours")
    for c, p in zip(classes, probabilities[:, 0]):
        left.text(c, p + 0.02, f"{p:.2f}", ha="center", fontsize=9)
    if np.all(z > 0):
        left.plot(classes, z[:, 0] / z.sum(), "x", color=plots.MUTED, markersize=8, label="z / Σz (no exp)")
    left.set(xticks=classes, xticklabels=[f"z = {v:g}" for v in z[:, 0]], ylim=(0, 1.12), ylabel="probability")
    left.set_title(f"softmax(z / T) at T = {temperature:.2f}")
    left.legend(loc="center right")
    for c, style in zip(classes, ("-", "--", ":", "-.") * len(classes)):
        right.semilogx(temperatures, probabilities[c, 1:], color=colour, linestyle=style, label=f"z = {z[c, 0]:g}")
    right.axvline(temperature, color=plots.MUTED, linewidth=1)
    right.axhline(1 / len(classes), color=plots.MUTED, linestyle=":", linewidth=1)
    right.text(0.11, 1 / len(classes) + 0.02, "uniform: 1/C", fontsize=8, color=plots.MUTED)
    right.set(xlabel="temperature T", ylim=(0, 1.02), title="small T: winner takes all; large T: uniform")
    right.legend(loc="center left")
    if why:
        plots.note(left, core.reference_only(why))
    return fig


# --- (e) losses as functions of the prediction ------------------------------------------------------


def loss_curves(binary_cross_entropy: Callable, mse: Callable, a: float = 0.1) -> None:
    """The student's binary_cross_entropy and mse for one example, against the prediction a: for y = 1, for
    y = 0, and the slope ∂L/∂z each hands back through a sigmoid output a = σ(z); a slider marks one a."""
    core.explore(lambda a: _loss_figure(binary_cross_entropy, mse, a),
                  a=core.slider("float", a, 0.01, 0.99, 0.01, "prediction a"))


def _loss_rows(loss, a, h=1e-4):
    """Rows: loss for y = 1 and for y = 0 at each prediction in a, then ∂L/∂z for y = 1 with a = σ(z) (central
    differences in z), each from loss(np.array([[a]]), np.array([[y]])) for a single example."""
    def one(prediction, y):
        value = np.asarray(loss(np.array([[prediction]]), np.array([[y]])), dtype=np.float64)
        if value.size != 1:
            raise ValueError(f"gave shape {value.shape} for one example, not a single number")
        return value.item()

    z = np.log(a) - np.log1p(-a)
    up, down = ref.sigmoid(z + h), ref.sigmoid(z - h)
    return [[one(p, 1.0) for p in a], [one(p, 0.0) for p in a],
            [(one(p, 1.0) - one(q, 1.0)) / (2 * h) for p, q in zip(up, down)]]


LOSS_FORMULAS = {  # the rows of _loss_rows in closed form: y = 1, y = 0, ∂L/∂z for y = 1
    "BCE": lambda a: np.array([-np.log(a), -np.log1p(-a), a - 1]),
    "MSE": lambda a: np.array([(1 - a) ** 2, a**2, 2 * (a - 1) * a * (1 - a)]),
}


def _loss_figure(binary_cross_entropy, mse, a):
    grid = np.append(np.linspace(0.002, 0.998, 100), a)  # the marked prediction comes last
    fig, axes = plots.figure(ncols=3, size=(13, 3.9))
    notes, marked = [], {}
    for name, short, fn, style in (("binary_cross_entropy", "BCE", binary_cross_entropy, "-"),
                                   ("mse", "MSE", mse, "--")):
        exact = LOSS_FORMULAS[short](grid)
        rows, colour, why = core.yours_or_reference(name, lambda g: _loss_rows(fn, g), LOSS_FORMULAS[short], grid,
                                                shape=exact.shape)
        notes += [why] if why else []
        marked[short] = rows[:, -1]
        for ax, row, truth in zip(axes, rows, exact):
            ax.plot(grid[:-1], truth[:-1], color=plots.REFERENCE, linewidth=5, alpha=0.3)
            ax.plot(grid[:-1], row[:-1], color=colour, linestyle=style, linewidth=1.8,
                    label=f"{short} ({'yours' if not why else 'reference'})")
    notes_points = (((0.92, 0.09), -np.log([0.92, 0.09])), ((0.03, 0.94), -np.log1p(-np.array([0.03, 0.94]))))
    for ax, (at, values) in zip(axes, notes_points):
        ax.plot(at, values, "o", color="#212529", markersize=4, zorder=5)
        for p, v in zip(at, values):
            ax.annotate(f"{v:.2f}" if v > 1 else f"{v:.3f}", (p, v), textcoords="offset points", xytext=(0, 6),
                        ha="center", fontsize=8)
        ax.set(xlabel="prediction a", ylabel="loss", ylim=(0, 5))
    axes[2].axhline(0, color=plots.MUTED, linewidth=0.8)
    axes[2].set(xlabel="prediction a = σ(z)", ylabel="∂L/∂z (what training gets)", ylim=(-1.1, 0.2))
    axes[2].text(0.03, -1.05, "confidently wrong", fontsize=8, color=plots.MUTED)
    for ax in axes:
        ax.axvline(a, color=plots.MUTED, linewidth=1)
        ax.legend(loc="upper center" if ax is not axes[2] else "lower right")
    axes[0].set_title(f"y = 1, a = {a:.2f}: BCE {marked['BCE'][0]:.3f}, MSE {marked['MSE'][0]:.3f}")
    axes[1].set_title(f"y = 0, a = {a:.2f}: BCE {marked['BCE'][1]:.3f}, MSE {marked['MSE'][1]:.3f}")
    axes[2].set_title(f"y = 1, slope ∂L/∂z: BCE {marked['BCE'][2]:.3f}, MSE {marked['MSE'][2]:.3f}")
    if notes:
        plots.note(axes[1], core.reference_only("; ".join(notes)))
    return fig


# --- (f) standardization and min-max scaling ------------------------------------------------------


def scaling_plot(standardize: Callable, min_max_normalize: Callable, X: np.ndarray | None = None) -> None:
    """Two skewed features (data.skewed unless X is given) before and after the student's standardize and
    min_max_normalize: a scatter plot and both features' histograms for each."""
    if X is None:
        X = data.skewed(np.random.default_rng(0))
    plots.show(_scalings_figure(standardize, min_max_normalize, np.asarray(X, dtype=np.float64)))


def _scalings_figure(standardize, min_max_normalize, X):
    scaled, colour, why = core.yours_or_reference("standardize", lambda X: standardize(X)[0],
                                                  lambda X: nref.standardize(X)[0], X, shape=X.shape)
    squeezed, colour_mm, why_mm = core.yours_or_reference("min_max_normalize", min_max_normalize,
                                                          nref.min_max_normalize, X, shape=X.shape)
    fig, axes = plots.figure(ncols=3, nrows=2, size=(12, 6.6))
    panels = (("raw", X, "#495057", ""), ("standardized", scaled, colour, why),
              ("min-max scaled", squeezed, colour_mm, why_mm))
    for column, (title, values, tint, note) in enumerate(panels):
        top, bottom = axes[0, column], axes[1, column]
        top.scatter(values[0], values[1], s=9, color=tint, alpha=0.5, linewidth=0)
        top.set(xlabel="feature 1", ylabel="feature 2")
        means, stds = _two(values.mean(axis=1)), _two(values.std(axis=1))
        top.set_title(f"{title}\nmeans {means}; stds {stds}")
        bottom.stairs(*np.histogram(values[0], bins=30), fill=True, color=tint, alpha=0.55, label="feature 1")
        bottom.stairs(*np.histogram(values[1], bins=30), color=tint, linewidth=1.5, label="feature 2")
        bottom.set(xlabel="value", ylabel="count")
        bottom.set_title(f"ranges [{_two(values[0, [values[0].argmin(), values[0].argmax()]])}], "
                         f"[{_two(values[1, [values[1].argmin(), values[1].argmax()]])}]")
        bottom.legend(loc="upper right")
        if note:
            plots.note(top, core.reference_only(note))
    return fig


def _two(pair) -> str:
    """'0.00, 1.00' for two numbers, with no '-0.00'."""
    return ", ".join(f"{v + 0.0:.2f}" if abs(v) >= 0.005 else "0.00" for v in pair)

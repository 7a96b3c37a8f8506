"""Notebook 01's explorers: secants and tangents, the error of finite differences, the computation graph
J = 3(a + bc), the sigmoid, gradient checks and a line fitted by gradient descent."""

from __future__ import annotations

import re
from typing import Callable, NamedTuple

import numpy as np

from .. import derivatives as ref
from .. import gradcheck, plots
from . import core


# ---------------------------------------------------------------------------------------------------
# Notebook 01: secants, tangents and the error of finite differences


class Curve(NamedTuple):
    f: Callable
    df: Callable  # its exact derivative
    text: str


CURVE = Curve(lambda x: np.sin(2 * x) / 2 + x**2 / 4, lambda x: np.cos(2 * x) + x / 2, "f(x) = sin(2x)/2 + x²/4")


def _curve(f, df) -> Curve:
    if f is None:
        return CURVE
    exact = df or (lambda x: ref.numerical_derivative(f, x, 1e-6))
    return Curve(f, exact, getattr(f, "__name__", "f"))


def secant_explorer(numerical_derivative: Callable, f: Callable | None = None, x0: float = 1.0, h: float = 0.5,
                    df: Callable | None = None, xlim: tuple[float, float] = (-2.5, 2.5)) -> None:
    """f, its tangent at x0, the central secant with the slope of the student's numerical_derivative(f, x0, h),
    and the forward secant; sliders for h (1 down to 1e-6, log scale) and for x0. A custom f must accept numpy
    arrays; its tangent uses df, its exact derivative, if given."""
    curve = _curve(f, df)
    core.explore(lambda x0, h: _secant_figure(numerical_derivative, curve, x0, h, xlim),
                  x0=core.slider("float", x0, xlim[0] + 0.5, xlim[1] - 0.5, 0.05, "x₀"),
                  h=core.slider("log", h, -6, 0, 0.25, "h", base=10, readout_format=".0e"))


def _secant_figure(numerical_derivative, curve: Curve, x0: float, h: float, xlim):
    f = curve.f
    xs = np.linspace(*xlim, 300)
    ys = f(xs)
    true = float(curve.df(x0))
    forward = (f(x0 + h) - f(x0)) / h
    slope, why = core.call("numerical_derivative", numerical_derivative, f, x0, h, shape=())
    fig, ax = plots.figure(size=(7.5, 4.4))
    if slope is None:
        slope, colour, whose = ref.numerical_derivative(f, x0, h), plots.REFERENCE, "reference"
        plots.note(ax, core.reference_only(why))
    else:
        slope, colour, whose = float(slope), plots.STUDENT, "yours"
    line = lambda x_at, y_at, m: y_at + m * (xs - x_at)  # noqa: E731 - a straight line through a point
    ax.plot(xs, ys, color="#212529", linewidth=2.2, label=curve.text)
    ax.plot(xs, line(x0, f(x0), true), "--", color=plots.MUTED, linewidth=1.2, label=f"tangent, slope {true:.6f}")
    ax.plot(xs, line(x0, f(x0), forward), color=plots.ACCENT, alpha=0.45, linewidth=1.4,
            label=f"forward secant, slope {forward:.6f}")
    ax.plot(xs, line(x0 - h, f(x0 - h), slope), color=colour, linewidth=1.8,
            label=f"central secant ({whose}), slope {slope:.6f}")
    ax.plot([x0 - h, x0 + h], [f(x0 - h), f(x0 + h)], "o", color=colour, markersize=5)
    ax.plot([x0], [f(x0)], "o", color="#212529", markersize=5)
    span = ys.max() - ys.min()
    ax.set(xlim=xlim, ylim=(ys.min() - 0.25 * span, ys.max() + 0.25 * span), xlabel="x", ylabel="f(x)")
    ax.set_title(f"h = {h:.0e}: central error {abs(slope - true):.1e}, forward error {abs(forward - true):.1e}")
    ax.legend(loc="lower right")
    return fig


def difference_error_plot(numerical_derivative: Callable, f: Callable | None = None, x0: float = 1.0,
                          df: Callable | None = None) -> None:
    """Log–log plot of |error| against h (1e-1 down to 1e-13) for the forward difference and for the student's
    central difference, with ∝ h and ∝ h² guides: truncation error on the right, round-off on the left.
    A custom f (numpy-friendly) needs its exact derivative df too, or the error bottoms out near 1e-10."""
    plots.show(_error_figure(numerical_derivative, _curve(f, df), x0))


def _error_figure(numerical_derivative, curve: Curve, x0: float):
    f, true = curve.f, float(curve.df(x0))
    hs = np.logspace(-13, -1, 49)
    forward = np.abs((f(x0 + hs) - f(x0)) / hs - true)
    central, why = core.call("numerical_derivative", lambda: [numerical_derivative(f, x0, float(h)) for h in hs],
                             shape=hs.shape)
    fig, ax = plots.figure(size=(7.5, 4.6))
    if central is None:
        central, colour, whose = np.array([ref.numerical_derivative(f, x0, h) for h in hs]), plots.REFERENCE, "reference"
        plots.note(ax, core.reference_only(why))
    else:
        colour, whose = plots.STUDENT, "yours"
    central = np.abs(central - true)
    with np.errstate(divide="ignore"):
        ax.loglog(hs, np.where(forward > 0, forward, np.nan), ".-", color=plots.ACCENT, label="forward difference")
        ax.loglog(hs, np.where(central > 0, central, np.nan), ".-", color=colour, label=f"central difference ({whose})")
    for power, start, size in ((1, 1e-5, forward[-1]), (2, 1e-3, central[-1])):  # guides, a little above the data
        guide = hs >= start
        ax.loglog(hs[guide], 10 * size * (hs[guide] / hs[-1]) ** power, ":", color=plots.MUTED, linewidth=1.5)
        ax.text(start, 10 * size * (start / hs[-1]) ** power, "∝ h" + "²" * (power == 2), color=plots.MUTED,
                ha="right", va="bottom")
    roundoff = np.finfo(float).eps * max(abs(f(x0)), 1.0) / hs
    ax.loglog(hs, roundoff, "--", color=plots.MUTED, linewidth=1, label="ε·|f(x₀)|/h (round-off scale)")
    ax.text(0.03, 0.04, "← round-off wins", transform=ax.transAxes, color=plots.MUTED)
    ax.text(0.97, 0.04, "truncation wins →", transform=ax.transAxes, color=plots.MUTED, ha="right")
    ax.set(xlabel="step h", ylabel="|estimate − f′(x₀)|", ylim=(1e-17, 1e2))
    ax.set_title(f"{curve.text} at x₀ = {x0:g}")
    ax.legend(loc="lower center")
    return fig


# ---------------------------------------------------------------------------------------------------
# Notebook 01: the computation graph J = 3(a + bc)


def graph_explorer(graph_forward: Callable, graph_backward: Callable, a: float = 5.0, b: float = 3.0,
                   c: float = 2.0) -> None:
    """The graph u = bc, v = a + u, J = 3v with forward values and backward derivatives on its edges;
    J and (∂J/∂a, ∂J/∂b, ∂J/∂c) are the student's; sliders for a, b and c."""
    core.explore(lambda a, b, c: _graph_figure(graph_forward, graph_backward, a, b, c),
                 **{name: core.slider("float", value, -5, 5, 0.5, name)
                    for name, value in (("a", a), ("b", b), ("c", c))})


def _graph_figure(graph_forward, graph_backward, a, b, c):
    fig, ax = plots.figure(size=(7.5, 3.6))
    ax.set_axis_off()
    ax.set(xlim=(-0.6, 6.4), ylim=(-0.7, 2.9))
    u, v = b * c, a + b * c
    expected = {"J": 3 * v, "∂J/∂a": 3.0, "∂J/∂b": 3.0 * c, "∂J/∂c": 3.0 * b}
    mine, why_forward = core.call("graph_forward", graph_forward, a, b, c, shape=())
    grads, why_backward = core.call("graph_backward", graph_backward, a, b, c, shape=(3,))
    yours = dict(zip(expected, [mine, *(grads if grads is not None else [None] * 3)]))
    problems = [why for why in (why_forward, why_backward) if why]
    if problems:
        plots.note(ax, "; ".join(problems) + " — the reference fills in")

    def label(name):
        value = yours[name]
        if value is None:
            return f"{name} = {expected[name]:g}", plots.REFERENCE
        wrong = "" if np.isclose(value, expected[name]) else f"  (reference {expected[name]:g})"
        return f"{name} = {float(value):g}{wrong}", plots.STUDENT

    nodes = {"a": (0, 2.2), "b": (0, 1.0), "c": (0, -0.2), "u = bc": (2.2, 0.4), "v = a + u": (4, 1.25), "J = 3v": (5.6, 1.25)}
    edges = [("a", "v = a + u", f"a = {a:g}", "∂J/∂a"), ("b", "u = bc", f"b = {b:g}", "∂J/∂b"),
             ("c", "u = bc", f"c = {c:g}", "∂J/∂c"), ("u = bc", "v = a + u", f"u = {u:g}", f"∂J/∂u = {3.0:g}"),
             ("v = a + u", "J = 3v", f"v = {v:g}", f"∂J/∂v = {3.0:g}")]
    for start, end, forward, backward in edges:
        (x1, y1), (x2, y2) = nodes[start], nodes[end]
        ax.annotate("", (x2, y2), (x1, y1), arrowprops={"arrowstyle": "->", "color": plots.MUTED, "shrinkA": 16,
                                                        "shrinkB": 30})
        xm, ym = (x1 + x2) / 2, (y1 + y2) / 2
        ax.text(xm, ym + 0.1, forward, ha="center", va="bottom", fontsize=9, color="#212529")
        text, colour = label(backward) if backward in expected else (backward, plots.MUTED)
        ax.text(xm, ym - 0.1, text, ha="center", va="top", fontsize=9, color=colour)
    for name, (x, y) in nodes.items():
        ax.text(x, y, name, ha="center", va="center", fontsize=10,
                bbox={"boxstyle": "round,pad=0.35", "facecolor": "#f1f3f5", "edgecolor": plots.MUTED})
    text, colour = label("J")
    ax.text(5.6, 0.8, text, ha="center", va="top", fontsize=10, color=colour)
    ax.text(-0.6, -0.65, "forward values above the arrows, backward derivatives below; "
            "orange: your functions, blue: the reference", fontsize=8, color=plots.MUTED)
    return fig


# ---------------------------------------------------------------------------------------------------
# Notebook 01: the sigmoid, the logistic loss and gradient checks


def sigmoid_plot(sigmoid: Callable, sigmoid_derivative: Callable) -> None:
    """σ and σ' from the student's functions over the reference, and a test of σ at z = ±1000."""
    plots.show(_sigmoid_figure(sigmoid, sigmoid_derivative))


def _sigmoid_figure(sigmoid, sigmoid_derivative):
    z = np.linspace(-8, 8, 201)
    fig, axes = plots.figure(ncols=2, size=(9, 3.6))
    for ax, fn, reference, name in ((axes[0], sigmoid, ref.sigmoid, "sigmoid"),
                                    (axes[1], sigmoid_derivative, ref.sigmoid_derivative, "sigmoid_derivative")):
        ax.plot(z, reference(z), color=plots.REFERENCE, linewidth=5, alpha=0.35, label="reference")
        values, why = core.call(name, fn, z.copy(), shape=z.shape)
        if values is None:
            plots.note(ax, core.reference_only(why))
        else:
            ax.plot(z, values, color=plots.STUDENT, linewidth=1.8, label="yours")
        ax.set(xlabel="z", title="σ(z)" if name == "sigmoid" else "σ′(z) = σ(z)(1 − σ(z))")
        ax.legend(loc="center right")
    caught = []
    extreme, _ = core.call("sigmoid", sigmoid, np.array([-1000.0, 1000.0]), shape=(2,), caught=caught)
    if extreme is not None:
        good = not caught and np.allclose(extreme, [0.0, 1.0])
        verdict = "no overflow, well done" if good else "np.exp overflows: use e^z/(1 + e^z) for z < 0"
        axes[0].text(-7.8, 0.55, f"your σ(±1000) = {extreme[0]:g}, {extreme[1]:g}\n{verdict}", fontsize=8,
                     color=plots.ACCENT if good else plots.WARNING)
    return fig


def gradient_check_bars(gradient_check: Callable, f: Callable, candidates: dict[str, Callable], x: np.ndarray,
                        h: float = 1e-5) -> None:
    """The student's gradient_check(f, grad, x, h) for each candidate gradient, as bars on a log scale with the
    rough guide: below 1e-7 right, above 1e-3 wrong."""
    plots.show(_bars_figure(gradient_check, f, candidates, x, h))


def _bars_figure(gradient_check, f, candidates, x, h):
    fig, ax = plots.figure(size=(7.5, 0.6 * len(candidates) + 1.6))
    notes, missing, errors, colours = [], [], [], []
    for label, grad in candidates.items():
        error, why = core.call("gradient_check", gradient_check, f, grad, np.array(x, dtype=float), h, shape=())
        if error is None:  # the student's gradient_check is at fault, or a function that f or grad uses
            error, why_f = core.call(label, gradcheck.gradient_check, f, grad, np.array(x, dtype=float), h, shape=())
            culprit = re.search(r"needs (\w+), which is not implemented", why_f or why)
            if error is not None or not culprit:
                note = f"{why} — using the reference" if error is not None else why_f
                notes += [note] if note not in notes else []
            elif culprit.group(1) not in missing:
                missing.append(culprit.group(1))
        colours.append(plots.STUDENT if not why else plots.REFERENCE)
        errors.append(np.nan if error is None else max(float(error), 1e-16))
    if missing:
        notes.append(f"not checked yet: {', '.join(missing)} {'is' if len(missing) == 1 else 'are'} not implemented")
    rows = np.arange(len(errors))[::-1]
    ax.axvspan(1e-17, 1e-7, color=plots.ACCENT, alpha=0.08)
    ax.axvspan(1e-3, 10, color=plots.WARNING, alpha=0.08)
    ax.barh(rows, np.nan_to_num(errors, nan=0.0), left=1e-17, color=colours, height=0.5)
    for row, error in zip(rows, errors):
        ax.text(error if np.isfinite(error) else 1e-16, row, f"  {error:.1e}" if np.isfinite(error) else "  —",
                va="center", fontsize=9)
    ax.set_xscale("log")
    ax.set(xlim=(1e-17, 10), ylim=(-0.7, len(errors) + 0.3 + 0.4 * len(notes)), yticks=rows,
           yticklabels=list(candidates), xlabel="relative error from gradient_check")
    ax.text(1e-12, len(errors) - 0.45, "right (< 1e-7)", color=plots.ACCENT, ha="center", fontsize=9)
    ax.text(3e-2, len(errors) - 0.45, "wrong (> 1e-3)", color=plots.WARNING, ha="center", fontsize=9)
    if notes:
        plots.note(ax, "\n".join(notes))
    return fig


# ---------------------------------------------------------------------------------------------------
# Notebook 01: fitting a line by gradient descent


def line_fit_explorer(sse_line_gradients: Callable, x: np.ndarray | None = None, y: np.ndarray | None = None,
                      learning_rate: float = 0.05, steps: int = 20) -> None:
    """Gradient descent from slope 1, intercept 0 with the student's sse_line_gradients(slope, intercept, x, y);
    the data and the fitted line, and the loss per step; sliders for the learning rate and the number of steps.
    The data default to the notes' three points."""
    x = ref.NOTES_X if x is None else np.asarray(x, dtype=float)
    y = ref.NOTES_Y if y is None else np.asarray(y, dtype=float)
    core.explore(lambda learning_rate, steps: _line_fit_figure(sse_line_gradients, x, y, learning_rate, steps),
                  learning_rate=core.slider("log", learning_rate, -3, -0.5, 0.02, "learning rate", base=10,
                                        readout_format=".3f"),
                  steps=core.slider("int", steps, 0, 300, 1, "steps"))


def _descend(gradients, x, y, learning_rate, steps):
    """[(slope, intercept), ...] after 0..steps steps; stops early once the loss passes 1e6 (diverging)."""
    path = [np.array([1.0, 0.0])]
    for _ in range(steps):
        grad, why = core.call("sse_line_gradients", gradients, float(path[-1][0]), float(path[-1][1]), x.copy(),
                              y.copy(), shape=(2,))
        if grad is None:
            return None, why
        path.append(path[-1] - learning_rate * grad)
        if _sse(path[-1], x, y) > 1e6:
            break
    return np.array(path), ""


def _sse(params, x, y):
    with np.errstate(all="ignore"):
        return float(np.sum((y - (params[0] * x + params[1])) ** 2))


def _line_fit_figure(sse_line_gradients, x, y, learning_rate, steps):
    fig, (left, right) = plots.figure(ncols=2, size=(10, 3.8))
    reference, _ = _descend(ref.sse_line_gradients, x, y, learning_rate, steps)
    path, why = _descend(sse_line_gradients, x, y, learning_rate, steps)
    if why:
        plots.note(left, core.reference_only(why))
    grid = np.linspace(min(x.min(), 0) - 0.2, x.max() + 0.2, 50)
    left.plot(x, y, "o", color="#212529", markersize=7, label="data", zorder=5)
    left.plot(grid, grid, ":", color=plots.MUTED, label="start: slope 1, intercept 0")
    losses = {}
    for name, p, colour, width in (("reference", reference, plots.REFERENCE, 4), ("yours", path, plots.STUDENT, 1.8)):
        if p is None:
            continue
        slope, intercept = p[-1]
        left.plot(grid, slope * grid + intercept, color=colour, linewidth=width, alpha=0.4 if width > 2 else 1,
                  label=f"{name}: {slope:.3f}·x {'−' if intercept < 0 else '+'} {abs(intercept):.3f}")
        losses[name] = [_sse(q, x, y) for q in p]
        right.semilogy(np.arange(len(p)), losses[name], color=colour, linewidth=width, alpha=0.4 if width > 2 else 1,
                       label=name)
    best = np.linalg.lstsq(np.stack([x, np.ones_like(x)], axis=1), y, rcond=None)[0]
    right.axhline(_sse(best, x, y), ls="--", color=plots.MUTED, linewidth=1, label="least possible L")
    hessian = 2 * np.array([[np.sum(x * x), np.sum(x)], [np.sum(x), len(x)]])
    limit = 2 / np.linalg.eigvalsh(hessian).max()
    if learning_rate > limit:
        plots.note(right, f"above {limit:.3f} the learning rate is too large: L grows")
    left.set(xlabel="x", ylabel="y", ylim=(min(y.min(), 0) - 0.5, y.max() + 0.8))
    left.set_title(f"after {steps} step(s) with learning rate {learning_rate:.3f}")
    right.set(xlabel="step", ylabel="L = Σ (y − ŷ)²", title="the loss along the way")
    left.legend(loc="upper left", fontsize=8)
    right.legend(loc="best")
    right.set_xlim(0, max(steps, 1))
    return fig

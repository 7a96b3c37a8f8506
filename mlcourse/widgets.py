"""Explorers that draw the student's own functions beside the reference.

Every figure is an ordinary image output shown with `plots.show`, and moving a control re-renders it
into the same display handle, so a run without a widget front end (nbclient, nbgrader, tests) still
keeps the static figure in the cell's outputs and nothing fails. A student function that is not
implemented, raises, or returns non-finite values is replaced by the reference, and the figure says so.
"""

from __future__ import annotations

import contextlib
import io
import re
import traceback
import warnings
from typing import Callable, NamedTuple

import numpy as np

from . import derivatives as ref
from . import gradcheck, plots

# ---------------------------------------------------------------------------------------------------
# Calling the student's code safely


def _call(name: str, fn: Callable, *args, shape: tuple | None = None, caught: list | None = None):
    """(result as a float array, '') if fn(*args) gave finite numbers of `shape`, else (None, a sentence
    starting with `name` that says what went wrong). Warnings go to `caught` (if given), never to the output."""
    with _quiet() as warned:
        try:
            value = np.asarray(fn(*args), dtype=np.float64)
        except NotImplementedError as exc:
            culprit = traceback.extract_tb(exc.__traceback__)[-1].name
            value, why = None, "is not implemented yet" if culprit in (name, "<lambda>", "<module>") else \
                f"needs {culprit}, which is not implemented yet"
        except Exception as exc:  # noqa: BLE001 - whatever the student's code does, the figure must appear
            value, why = None, f"raised {type(exc).__name__}" + (f": {str(exc)[:60]}" if str(exc) else "")
    if caught is not None:
        caught.extend(warned)
    if value is not None and shape is not None and value.shape != shape:
        value, why = None, f"returned shape {value.shape}, not {shape}"
    if value is not None and not np.all(np.isfinite(value)):
        value, why = None, "returned nan or inf"
    return (value, "") if value is not None else (None, f"{name} {why}")


@contextlib.contextmanager
def _quiet():
    """Warnings (recorded, not shown), numpy floating-point messages and prints of the student's code stay
    out of the output."""
    with warnings.catch_warnings(record=True) as caught, np.errstate(all="warn", under="ignore"), \
            contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("always")
        yield caught


def attempt(fn: Callable, *args, **kwargs):
    """fn(*args, **kwargs) for a quick experiment; None, with a one-line note, if it fails or gives nan."""
    value, why = _call(getattr(fn, "__name__", "the function"), lambda: fn(*args, **kwargs))
    if value is None:
        print(why + ".")
        return None
    return float(value) if value.ndim == 0 else value


def _reference_only(why: str) -> str:
    return f"{why} — showing the reference only"


def _explore(draw: Callable, **controls) -> None:
    """Show draw(**values of the controls); redraw into the same output whenever a control moves."""
    import ipywidgets

    handle = None

    def redraw(change=None):
        nonlocal handle
        handle = plots.show(draw(**{name: c.value for name, c in controls.items()}), handle)

    for control in controls.values():
        control.observe(redraw, names="value")
    if _in_ipython():
        from IPython.display import display

        display(ipywidgets.HBox(list(controls.values())))
    redraw()


def _in_ipython() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    return get_ipython() is not None


def _slider(kind: str, value: float, low: float, high: float, step: float, description: str, **extra):
    import ipywidgets

    make = {"float": ipywidgets.FloatSlider, "log": ipywidgets.FloatLogSlider, "int": ipywidgets.IntSlider}[kind]
    return make(value=value, min=low, max=high, step=step, description=description, continuous_update=False,
                style={"description_width": "initial"}, layout=ipywidgets.Layout(width="320px"), **extra)


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
    _explore(lambda x0, h: _secant_figure(numerical_derivative, curve, x0, h, xlim),
             x0=_slider("float", x0, xlim[0] + 0.5, xlim[1] - 0.5, 0.05, "x₀"),
             h=_slider("log", h, -6, 0, 0.25, "h", base=10, readout_format=".0e"))


def _secant_figure(numerical_derivative, curve: Curve, x0: float, h: float, xlim):
    f = curve.f
    xs = np.linspace(*xlim, 300)
    ys = f(xs)
    true = float(curve.df(x0))
    forward = (f(x0 + h) - f(x0)) / h
    slope, why = _call("numerical_derivative", numerical_derivative, f, x0, h, shape=())
    fig, ax = plots.figure(size=(7.5, 4.4))
    if slope is None:
        slope, colour, whose = ref.numerical_derivative(f, x0, h), plots.REFERENCE, "reference"
        plots.note(ax, _reference_only(why))
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
    central, why = _call("numerical_derivative", lambda: [numerical_derivative(f, x0, float(h)) for h in hs], shape=hs.shape)
    fig, ax = plots.figure(size=(7.5, 4.6))
    if central is None:
        central, colour, whose = np.array([ref.numerical_derivative(f, x0, h) for h in hs]), plots.REFERENCE, "reference"
        plots.note(ax, _reference_only(why))
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
    _explore(lambda a, b, c: _graph_figure(graph_forward, graph_backward, a, b, c),
             **{name: _slider("float", value, -5, 5, 0.5, name) for name, value in (("a", a), ("b", b), ("c", c))})


def _graph_figure(graph_forward, graph_backward, a, b, c):
    fig, ax = plots.figure(size=(7.5, 3.6))
    ax.set_axis_off()
    ax.set(xlim=(-0.6, 6.4), ylim=(-0.7, 2.9))
    u, v = b * c, a + b * c
    expected = {"J": 3 * v, "∂J/∂a": 3.0, "∂J/∂b": 3.0 * c, "∂J/∂c": 3.0 * b}
    mine, why_forward = _call("graph_forward", graph_forward, a, b, c, shape=())
    grads, why_backward = _call("graph_backward", graph_backward, a, b, c, shape=(3,))
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
        values, why = _call(name, fn, z.copy(), shape=z.shape)
        if values is None:
            plots.note(ax, _reference_only(why))
        else:
            ax.plot(z, values, color=plots.STUDENT, linewidth=1.8, label="yours")
        ax.set(xlabel="z", title="σ(z)" if name == "sigmoid" else "σ′(z) = σ(z)(1 − σ(z))")
        ax.legend(loc="center right")
    caught = []
    extreme, _ = _call("sigmoid", sigmoid, np.array([-1000.0, 1000.0]), shape=(2,), caught=caught)
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
        error, why = _call("gradient_check", gradient_check, f, grad, np.array(x, dtype=float), h, shape=())
        if error is None:  # the student's gradient_check is at fault, or a function that f or grad uses
            error, why_f = _call(label, gradcheck.gradient_check, f, grad, np.array(x, dtype=float), h, shape=())
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
    _explore(lambda learning_rate, steps: _line_fit_figure(sse_line_gradients, x, y, learning_rate, steps),
             learning_rate=_slider("log", learning_rate, -3, -0.5, 0.02, "learning rate", base=10,
                                   readout_format=".3f"),
             steps=_slider("int", steps, 0, 300, 1, "steps"))


def _descend(gradients, x, y, learning_rate, steps):
    """[(slope, intercept), ...] after 0..steps steps; stops early once the loss passes 1e6 (diverging)."""
    path = [np.array([1.0, 0.0])]
    for _ in range(steps):
        grad, why = _call("sse_line_gradients", gradients, float(path[-1][0]), float(path[-1][1]), x.copy(), y.copy(), shape=(2,))
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
        plots.note(left, _reference_only(why))
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


# ---------------------------------------------------------------------------------------------------
# --- notebook 02: gradient descent ---

from . import data  # noqa: E402 - notebook 02's helpers, kept with its section
from . import gradient_descent as gd  # noqa: E402

FAR = 1e6  # once |x| passes this, a path counts as diverged and the explorers stop moving it


def _bounded(grad: Callable) -> Callable:
    """grad, but 0 once any |x| > FAR: a diverging path then stops instead of overflowing."""
    return lambda x: grad(x) if np.all(np.abs(x) <= FAR) else 0 * np.asarray(x, dtype=float)


def _ghost(ax, x, y, **style) -> None:
    """The reference, wide and pale, for the student's line to run on top of."""
    ax.plot(x, y, color=plots.REFERENCE, linewidth=5, alpha=0.3, solid_capstyle="round", **style)


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
    _explore(lambda lr, x0, steps: _learning_rate_figure(gradient_descent_1d, land, x0, lr, steps),
             lr=_slider("float", lr, 0.01, 1.2, 0.01, "learning rate"),
             x0=_slider("float", low + 0.2 * (high - low) if x0 is None else x0, low, high, 0.05, "x₀"),
             steps=_slider("int", steps, 0, 60, 1, "steps"))


def _learning_rate_figure(gradient_descent_1d, land: Landscape, x0, lr, steps):
    df = _bounded(land.df)
    reference = np.clip(gd.gradient_descent_1d(df, x0, lr, steps), -10 * FAR, 10 * FAR)
    path, why = _call("gradient_descent_1d", gradient_descent_1d, df, x0, lr, steps, shape=(steps + 1,))
    fig, (curve, sequence) = plots.figure(ncols=2, size=(10, 3.8))
    if why:
        plots.note(curve, _reference_only(why))
    xs = np.linspace(*land.xlim, 300)
    ys = land.f(xs)
    curve.plot(xs, ys, color="#212529", linewidth=2, label=land.text)
    _ghost(curve, reference, land.f(reference), marker="o", label="reference")
    _ghost(sequence, np.arange(steps + 1), reference, marker="o", label="reference")
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
    yours, why = _call("logistic_regression_gradients", lambda: _flat(logistic_regression_gradients(
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


def _window(points: np.ndarray, pad: float = 0.25, square: bool = False):
    """(xlim, ylim) around points (k, 2) with a margin; square: equal spans (for an equal aspect)."""
    low, high = points.min(axis=0), points.max(axis=0)
    span = np.maximum(high - low, 1e-3)
    if square:
        span = np.full(2, span.max())
    centre = (low + high) / 2
    return tuple((c - (0.5 + pad) * s, c + (0.5 + pad) * s) for c, s in zip(centre, span))


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
    _explore(lambda lr, batch_size, epochs: _mini_batch_figure(
        linear_regression_gradients, random_mini_batches, X, y, lr, batch_size, epochs),
        lr=_slider("log", lr, -2.5, -0.3, 0.05, "learning rate", base=10, readout_format=".3f"),
        batch_size=_slider("int", batch_size, 2, 24, 1, "mini-batch size"),
        epochs=_slider("int", epochs, 1, 30, 1, "epochs"))


def _mini_batches(random_mini_batches, X, Y, batch_size, rng):
    """(the student's list of (X_batch, Y_batch), '') if the batches hold m examples between them, else (None, why)."""
    kept = []

    def run():
        kept[:] = [(np.asarray(xb, dtype=float), np.asarray(yb, dtype=float))
                   for xb, yb in random_mini_batches(X.copy(), Y.copy(), batch_size, rng)]
        return np.hstack([np.vstack(pair) for pair in kept])

    joined, why = _call("random_mini_batches", run, shape=(X.shape[0] + 1, X.shape[1]))
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
            step, why = _call("linear_regression_gradients", lambda: _flat(gradients(
                np.array([[w]]), float(b), X_batch.copy(), y_batch.copy())), shape=(2,))
            if why:
                break
            points.append(points[-1] - lr * step)
        if why:
            return None, why
    return np.array(points), ""


def _mini_batch_figure(linear_regression_gradients, random_mini_batches, X, y, lr, batch_size, epochs):
    bowl = Bowl.of(np.vstack([X, np.ones_like(X)]), y)
    m = X.shape[1]
    fig, axes = plots.figure(ncols=2, nrows=2, size=(10, 7.4))
    runs = {"batch": None, f"mini-batch of {batch_size}": batch_size, "stochastic (batch of 1)": 1}
    xlim, ylim = _window(np.array([START, bowl.minimum]), pad=0.35)
    problems, costs = [], {}
    for ax, (name, size) in zip(axes.flat, runs.items()):
        reference, _ = _descent_path(gd.linear_regression_gradients, gd.random_mini_batches, X, y, lr, epochs, size)
        path, why = _descent_path(linear_regression_gradients, random_mini_batches, X, y, lr, epochs, size)
        problems += [why] if why and why not in problems else []
        plots.contour(ax, bowl.cost, xlim, ylim)
        _ghost(ax, *reference.T)
        if path is not None:
            ax.plot(*path.T, "-", color=plots.STUDENT, linewidth=1, marker="o", markersize=2)
        ax.plot(*START, "o", color="#212529")
        ax.plot(*bowl.minimum, "x", color="#212529", markersize=9, mew=2)
        per_epoch = 1 if size is None else -(-m // size)
        ax.set(xlabel="w", ylabel="b", title=f"{name}: {epochs * per_epoch} updates")
        shown = reference if path is None else path
        costs[name] = (np.arange(len(shown)) / per_epoch, bowl.cost(*shown.T))
    if problems:
        plots.note(axes[0, 0], _reference_only("; ".join(problems)))
    right = axes[1, 1]
    for (name, (at, cost)), colour in zip(costs.items(), ("#212529", plots.ACCENT, plots.STUDENT)):
        right.semilogy(at, cost, color=colour, linewidth=1.5 if colour != plots.STUDENT else 0.8, label=name)
    right.axhline(bowl.cost(*bowl.minimum), ls="--", color=plots.MUTED, linewidth=1, label="least possible J")
    right.set(xlabel="epochs (passes over the data)", ylabel="J(w, b) on all the data", xlim=(0, epochs),
              ylim=(bowl.cost(*bowl.minimum) * 0.8, bowl.cost(*START) * 3),
              title="the cost" + (" (reference)" if problems else " (yours)"))
    right.legend(loc="upper right")
    return fig


# --- feature scaling


def feature_scaling_explorer(gradient_descent: Callable, fraction: float = 0.8, steps: int = 30,
                             scale: float = 8.0) -> None:
    """The student's gradient_descent(grad_f, w0, lr, steps) on the least-squares cost of a two-feature fit
    (no intercept), with the raw features (x₂ measured in units `scale` times larger) and standardized: paths
    over the reference's on the contours of J. Each uses `fraction` of its own largest stable learning rate
    2/λ_max; sliders for the fraction, the steps and the scale."""
    _explore(lambda fraction, steps, scale: _scaling_figure(gradient_descent, fraction, steps, scale),
             fraction=_slider("float", fraction, 0.05, 1.1, 0.05, "learning rate ÷ largest stable"),
             steps=_slider("int", steps, 1, 100, 1, "steps"),
             scale=_slider("float", scale, 1, 20, 1, "scale of x₂"))


def _scaling_figure(gradient_descent, fraction, steps, scale):
    X, y, _, _ = data.linear_regression(np.random.default_rng(1), m=60, n_x=2, noise=0.3)
    X, y = X - X.mean(axis=1, keepdims=True), y - y.mean()
    X[1] *= scale
    fig, axes = plots.figure(ncols=2, size=(10, 4.4))
    problems = []
    for ax, features, name in ((axes[0], X, f"raw (x₂ in units {scale:g}× larger)"),
                               (axes[1], X / X.std(axis=1, keepdims=True), "standardized")):
        bowl = Bowl.of(features, y)
        grad = _bounded(lambda w, bowl=bowl: bowl.H @ w - bowl.g)
        lr = fraction * 2 / np.linalg.eigvalsh(bowl.H).max()
        reference = gd.gradient_descent(grad, np.zeros(2), lr, steps)
        path, why = _call("gradient_descent", gradient_descent, grad, np.zeros(2), lr, steps, shape=(steps + 1, 2))
        problems += [why] if why and why not in problems else []
        near = reference[np.linalg.norm(reference - bowl.minimum, axis=1) <= 1.5 * np.linalg.norm(bowl.minimum)]
        xlim, ylim = _window(np.vstack([near, np.zeros(2), bowl.minimum]), pad=0.1, square=True)
        plots.contour(ax, bowl.cost, xlim, ylim)
        _ghost(ax, *reference.T)
        if path is not None:
            ax.plot(*np.clip(path, -10 * FAR, 10 * FAR).T, "-o", color=plots.STUDENT, linewidth=1, markersize=2.5)
        ax.plot(0, 0, "o", color="#212529")
        ax.plot(*bowl.minimum, "x", color="#212529", markersize=9, mew=2)
        ax.set_aspect("equal")
        shown = reference if path is None else path
        excess = bowl.cost(*shown[-1]) - bowl.cost(*bowl.minimum)
        ax.set(xlabel="w₁", ylabel="w₂", title=f"{name}: lr {lr:.3g}\nafter {steps} steps J − J_min = {excess:.2g}")
    if problems:
        plots.note(axes[0], _reference_only("; ".join(problems)))
    return fig


# --- a trained logistic regression


def decision_boundary_explorer(train_logistic_regression: Callable, lr: float = 0.5, epochs: int = 30,
                               batch_size: int = 0) -> None:
    """The student's train_logistic_regression on two blobs of points (examples are columns): the decision
    boundary wᵀx + b = 0 over the reference's, and the cost per epoch; sliders for the learning rate and the
    epochs, and a choice of batch size (0: the whole batch)."""
    import ipywidgets

    X, Y = data.two_blobs(np.random.default_rng(1), m=100, distance=3.0)
    choice = ipywidgets.Dropdown(options=[("all (batch)", 0), ("32", 32), ("8", 8), ("1 (stochastic)", 1)],
                                 value=batch_size, description="batch size", style={"description_width": "initial"})
    _explore(lambda lr, epochs, batch_size: _boundary_figure(train_logistic_regression, X, Y, lr, epochs, batch_size),
             lr=_slider("log", lr, -2, 0.5, 0.05, "learning rate", base=10, readout_format=".3f"),
             epochs=_slider("int", epochs, 1, 100, 1, "epochs"), batch_size=choice)


def _train(train, X, Y, lr, epochs, batch_size):
    """((w, b, costs), '') from train(X, Y, lr, epochs, batch_size or None, rng), or (None, why)."""
    n = X.shape[0]
    flat, why = _call("train_logistic_regression", lambda: _flat(train(
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
    xlim, ylim = _window(X.T, pad=0.05)
    for label, marker in ((0, "o"), (1, "s")):
        chosen = Y[0] == label
        left.plot(*X[:, chosen], marker, color="#495057", markersize=4, alpha=0.7, mfc="white" if label == 0 else None,
                  linestyle="none", label=f"y = {label}")
    _boundary(left, *reference[:2], xlim, ylim, color=plots.REFERENCE, linewidth=5, alpha=0.3, label="reference")
    _ghost(right, np.arange(1, epochs + 1), reference[2], marker="o" if epochs < 20 else None, label="reference")
    shown = reference
    if why:
        plots.note(left, _reference_only(why))
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
    _explore(lambda decay_rate, k: _decay_figure(lr_inverse_time_decay, lr_exponential_decay, lr0, decay_rate, k,
                                                 epochs),
             decay_rate=_slider("float", decay_rate, 0, 2, 0.05, "decay_rate (inverse time)"),
             k=_slider("float", k, 0, 1, 0.02, "k (exponential)"))


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
        rates, why = _call(reference.__name__, lambda: [fn(lr0, int(e), rate) for e in at], shape=at.shape)
        _ghost(left, at, expected, linestyle=style, label=f"{name} (reference)")
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
        plots.note(left, _reference_only("; ".join(problems)))
    right.axhline(bowl.minimum, ls=":", color=plots.MUTED, linewidth=1)
    left.set(xlabel="epoch", ylabel="learning rate", ylim=(0, lr0 * 1.1), xlim=(0, epochs),
             title=f"lr0 = {lr0:g}, decay_rate = {decay_rate:g}, k = {k:g}")
    right.set(xlabel="step (one per epoch)", ylabel="x", ylim=bowl.xlim, xlim=(0, epochs),
              title=f"descent on {bowl.text} from x₀ = 0")
    left.legend(loc="center right")
    right.legend(loc="lower right")
    return fig


# ---------------------------------------------------------------------------------------------------
# --- notebook 03: neurons, activations and losses ---
#
# Each explorer takes the student's functions by name and draws them (orange) over the reference (blue).
# The two classes of a dataset are told apart by colour and marker: violet circles 0, green triangles 1.

from matplotlib.colors import ListedColormap  # noqa: E402  (this section's own imports)

from . import data as _data  # noqa: E402
from . import neurons as nref  # noqa: E402

CLASS_COLOURS = ("#7048e8", plots.ACCENT)  # label 0, label 1
CLASS_SHADES = ListedColormap(["#f3f0ff", "#ebfbee"])  # the plane where 0 / 1 is predicted


def _copies(args):
    return [a.copy() if isinstance(a, np.ndarray) else a for a in args]


def _yours_or_reference(name: str, fn: Callable, reference: Callable, *args, shape: tuple | None = None):
    """(values, colour, why): the student's fn(*args) in orange, or the reference's values in blue and the
    sentence saying why (not implemented, raised, nan, wrong shape)."""
    values, why = _call(name, fn, *_copies(args), shape=shape)
    if values is None:
        return np.asarray(reference(*_copies(args)), dtype=np.float64), plots.REFERENCE, why
    return values, plots.STUDENT, ""


def _dropdown(options, value, description: str):
    import ipywidgets

    return ipywidgets.Dropdown(options=list(options), value=value, description=description,
                               style={"description_width": "initial"}, layout=ipywidgets.Layout(width="240px"))


def _plane_grid(X: np.ndarray, n: int = 121, margin: float = 0.5):
    """Points (2, n²) on a grid over X's range (examples are columns) and the extent for imshow."""
    low, high = X.min(axis=1) - margin, X.max(axis=1) + margin
    x1, x2 = np.meshgrid(np.linspace(low[0], high[0], n), np.linspace(low[1], high[1], n))
    return np.vstack([x1.ravel(), x2.ravel()]), (low[0], high[0], low[1], high[1])


def _shade_classes(ax, predictions: np.ndarray, extent) -> None:
    """Tint the plane by a 0/1 prediction made on _plane_grid's grid."""
    n = int(round(np.sqrt(predictions.size)))
    ax.imshow(predictions.reshape(n, n) >= 0.5, extent=extent, origin="lower", cmap=CLASS_SHADES, vmin=0, vmax=1,
              aspect="auto", interpolation="nearest")


def _class_points(ax, X: np.ndarray, Y: np.ndarray, size: float = 24) -> None:
    for label, marker in ((0, "o"), (1, "^")):
        keep = Y[0] == label
        ax.scatter(X[0, keep], X[1, keep], s=size, marker=marker, color=CLASS_COLOURS[label], edgecolor="white",
                   linewidth=0.6, zorder=3, label=f"label {label}")


def _separating_line(ax, w, b: float, extent, **style) -> None:
    """The line w₁x₁ + w₂x₂ + b = 0 across the extent (nothing if w = 0)."""
    w1, w2 = (float(v) for v in np.ravel(w))
    if abs(w1) < 1e-12 and abs(w2) < 1e-12:
        return
    if abs(w2) >= abs(w1):
        x1 = np.array(extent[:2])
        ax.plot(x1, -(w1 * x1 + b) / w2, **style)
    else:
        x2 = np.array(extent[2:])
        ax.plot(-(w2 * x2 + b) / w1, x2, **style)
    ax.set(xlim=extent[:2], ylim=extent[2:])


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
    _explore(lambda activation, alpha: _activation_figure(yours, activation, alpha),
             activation=_dropdown(ACTIVATIONS, activation, "activation"),
             alpha=_slider("float", alpha, 0.0, 1.0, 0.01, "leaky ReLU's α"))


def _activation_figure(yours: dict, name: str, alpha: float):
    z = np.linspace(-6, 6, 241)
    leaky = name == "leaky_relu"
    fig, axes = plots.figure(ncols=2, size=(10, 3.8))
    for ax, fn, reference, suffix in zip(axes, yours[name], ACTIVATIONS[name], ("", "_derivative")):
        call = (lambda f: lambda z: f(z, alpha)) if leaky else (lambda f: f)
        ax.plot(z, call(reference)(z), color=plots.REFERENCE, linewidth=5, alpha=0.35,
                label="reference" if fn else "given (notebook 01)" if name == "sigmoid" else "reference (no exercise)")
        if fn is not None:
            values, why = _call(name + suffix, call(fn), z.copy(), shape=z.shape)
            if values is None:
                plots.note(ax, _reference_only(why))
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
        X, Y = _data.two_blobs(np.random.default_rng(3), m=100)
    _explore(lambda w1, w2, b: _neuron_boundary_figure(perceptron_predict, X, Y, w1, w2, b),
             w1=_slider("float", w1, -3, 3, 0.1, "w₁"), w2=_slider("float", w2, -3, 3, 0.1, "w₂"),
             b=_slider("float", b, -6, 6, 0.1, "b"))


def _neuron_boundary_figure(perceptron_predict, X, Y, w1, w2, b):
    grid, extent = _plane_grid(X)
    points, w = np.hstack([X, grid]), np.array([[w1], [w2]])
    predicted, colour, why = _yours_or_reference("perceptron_predict", perceptron_predict, nref.perceptron_predict,
                                                 points, w, float(b), shape=(1, points.shape[1]))
    fig, ax = plots.figure(size=(6.4, 4.8))
    _shade_classes(ax, predicted[0, X.shape[1]:], extent)
    _class_points(ax, X, Y)
    _separating_line(ax, w, b, extent, color="#212529", linewidth=1.5, label="w₁x₁ + w₂x₂ + b = 0")
    norm = np.hypot(w1, w2)
    if norm > 0:  # w points into the side predicted 1, starting from the line's point nearest the data
        centre = X.mean(axis=1)
        foot = centre - (w[:, 0] @ centre + b) / norm**2 * w[:, 0]
        tip = foot + w[:, 0] / norm * 1.2
        ax.annotate("", tip, foot, arrowprops={"arrowstyle": "->", "color": "#212529", "linewidth": 1.5})
        ax.text(*(tip + w[:, 0] / norm * 0.25), "w", ha="center", va="center", fontsize=11, color="#212529")
    wrong = np.sum(predicted != nref.perceptron_predict(points, w, float(b)))
    if why:
        plots.note(ax, _reference_only(why))
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
    _explore(lambda n_epochs: _gates_figure(perceptron_train, n_epochs, lr),
             n_epochs=_slider("int", n_epochs, 0, 20, 1, "epochs"))


def _train_history(perceptron_train, X, Y, lr, n_epochs):
    """Rows [w₁, w₂, b] after 0, 1, ..., n_epochs epochs (each run from the start), or None and why."""
    def run():
        return [np.append(np.ravel(w), b) for w, b in
                (perceptron_train(X.copy(), Y.copy(), lr, k) for k in range(n_epochs + 1))]
    return _call("perceptron_train", run, shape=(n_epochs + 1, X.shape[0] + 1))


def _gates_figure(perceptron_train, n_epochs, lr):
    fig, axes = plots.figure(ncols=2, nrows=2, size=(8.6, 7))
    notes, errors = [], {}
    for ax, gate in zip(axes.flat, ("and", "or", "xor")):
        X, Y = _data.logic_gate(gate)
        history, why = _train_history(perceptron_train, X, Y, lr, n_epochs)
        colour = plots.STUDENT
        if history is None:
            history, colour = _train_history(nref.perceptron_train, X, Y, lr, n_epochs)[0], plots.REFERENCE
            notes += [] if why in notes else [why]
        errors[gate] = [int(np.sum((row[:2] @ X + row[2] >= 0) != Y[0])) for row in history]
        grid, extent = _plane_grid(X, n=81)
        w, b = history[-1, :2], history[-1, 2]
        _shade_classes(ax, (w @ grid + b >= 0).astype(float), extent)
        _class_points(ax, X, Y, size=90)
        _separating_line(ax, w, b, extent, color=colour, linewidth=2)
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
        plots.note(axes[0, 0], _reference_only("; ".join(notes)))
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
    X, Y = _data.logic_gate("xor")
    grid, extent = _plane_grid(X, n=101)
    points = np.hstack([X, grid])
    shape = (W1.shape[0] + W2.shape[0], points.shape[1])
    values, colour, why = _yours_or_reference("dense_forward", _two_layers(dense_forward, W1, b1, W2, b2),
                                              _two_layers(nref.dense_forward, W1, b1, W2, b2), points, shape=shape)
    units = [(f"hidden unit {i + 1}", values[i], W1[i], b1[i, 0]) for i in range(min(2, W1.shape[0]))]
    fig, axes = plots.figure(ncols=len(units) + 1, size=(4 * (len(units) + 1), 3.8))
    for ax, (title, fired, w, b) in zip(axes, units + [("output", values[-1], None, None)]):
        _shade_classes(ax, fired[4:], extent)
        _class_points(ax, X, Y, size=90)
        for _, _, w_line, b_line in units if w is None else [(None, None, w, b)]:
            _separating_line(ax, w_line, b_line, extent, color=colour, linewidth=1.5 if w is None else 2,
                      linestyle="--" if w is None else "-")
        corners = tuple(int(v) for v in np.round(fired[:4]))
        name = GATE_NAMES.get(corners, "")
        ax.set(xlim=extent[:2], ylim=extent[2:], xticks=[0, 1], yticks=[0, 1])
        ax.set_title(f"{title}: {' '.join(map(str, corners))}" + (f" = {name}" if name else ""))
    axes[0].set_xlabel("x₁ (green: the unit outputs 1)")
    axes[-1].set_xlabel("dashed: the hidden units' lines")
    if why:
        plots.note(axes[-1], _reference_only(why))
    return fig


# --- (d) softmax and its temperature --------------------------------------------------------------


def softmax_temperature(softmax: Callable, logits=(2.1, 3.2, 1.5), temperature: float = 1.0) -> None:
    """softmax(z / T) from the student's softmax for fixed logits (default: the notes' [2.1, 3.2, 1.5]): bars of
    the probabilities at T, and each class's probability as T runs from 0.1 to 10; a slider for T."""
    z = np.asarray(logits, dtype=np.float64).reshape(-1, 1)
    _explore(lambda temperature: _temperature_figure(softmax, z, temperature),
             temperature=_slider("log", temperature, -1, 1, 0.05, "temperature T", base=10, readout_format=".2f"))


def _temperature_figure(softmax, z, temperature):
    temperatures = np.logspace(-1, 1, 81)
    columns = np.hstack([z / temperature, z / temperatures])  # one example (column) per temperature
    probabilities, colour, why = _yours_or_reference("softmax", softmax, nref.softmax, columns, shape=columns.shape)
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
        plots.note(left, _reference_only(why))
    return fig


# --- (e) losses as functions of the prediction ------------------------------------------------------


def loss_curves(binary_cross_entropy: Callable, mse: Callable, a: float = 0.1) -> None:
    """The student's binary_cross_entropy and mse for one example, against the prediction a: for y = 1, for
    y = 0, and the slope ∂L/∂z each hands back through a sigmoid output a = σ(z); a slider marks one a."""
    _explore(lambda a: _loss_figure(binary_cross_entropy, mse, a),
             a=_slider("float", a, 0.01, 0.99, 0.01, "prediction a"))


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
        rows, colour, why = _yours_or_reference(name, lambda g: _loss_rows(fn, g), LOSS_FORMULAS[short], grid,
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
        plots.note(axes[1], _reference_only("; ".join(notes)))
    return fig


# --- (f) standardization and min-max scaling ------------------------------------------------------


def scaling_plot(standardize: Callable, min_max_normalize: Callable, X: np.ndarray | None = None) -> None:
    """Two skewed features (data.skewed unless X is given) before and after the student's standardize and
    min_max_normalize: a scatter plot and both features' histograms for each."""
    if X is None:
        X = _data.skewed(np.random.default_rng(0))
    plots.show(_scalings_figure(standardize, min_max_normalize, np.asarray(X, dtype=np.float64)))


def _scalings_figure(standardize, min_max_normalize, X):
    scaled, colour, why = _yours_or_reference("standardize", lambda X: standardize(X)[0],
                                              lambda X: nref.standardize(X)[0], X, shape=X.shape)
    squeezed, colour_mm, why_mm = _yours_or_reference("min_max_normalize", min_max_normalize, nref.min_max_normalize,
                                                      X, shape=X.shape)
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
            plots.note(top, _reference_only(note))
    return fig


def _two(pair) -> str:
    """'0.00, 1.00' for two numbers, with no '-0.00'."""
    return ", ".join(f"{v + 0.0:.2f}" if abs(v) >= 0.005 else "0.00" for v in pair)


# ---------------------------------------------------------------------------------------------------
# --- notebook 05: optimizers ---
#
# The update functions of notebook 05 take dicts ("W1", "b1", ... and "dW1", "db1", ...). One small engine,
# _OptimizerRun, drives them all: it keeps an optimizer's parameters and moments, asks for the gradient at
# the current parameters, calls the update (the student's or the reference's) and checks what comes back.
# Adapters: a point w = (w₁, w₂) of a 2-D landscape travels as the one-layer "network"
# {"W1": [[w₁]], "b1": [[w₂]]}, so that loops over the keys and loops over the layers l = 1..L both work;
# Nesterov's vector form gets the parameters flattened into one vector, in the order of their keys.
# In panels with several optimizers (or schedules) each has its own colour: a solid line is the student's
# run, a wide pale line of the same colour the reference's.

import time  # noqa: E402  (this section's own imports)

from . import backprop as _backprop  # noqa: E402
from . import data as _datasets  # noqa: E402
from . import gradient_descent as _descent  # noqa: E402
from . import optimizers as oref  # noqa: E402

OPTIMIZERS = ("gradient descent", "momentum", "Nesterov", "AdaGrad", "RMSProp", "Adam")
UPDATE_FUNCTIONS = {  # the function behind each optimizer: gradient descent is momentum with β = 0
    "gradient descent": "update_with_momentum", "momentum": "update_with_momentum", "Nesterov": "nesterov_step",
    "AdaGrad": "update_with_adagrad", "RMSProp": "update_with_rmsprop", "Adam": "update_with_adam",
}
OPTIMIZER_COLOURS = {"gradient descent": "#343a40", "momentum": "#2f9e44", "Nesterov": "#7048e8",
                     "AdaGrad": "#c2255c", "RMSProp": "#1098ad", "Adam": "#f08c00"}
FRAME_SECONDS = 1.0  # a long training run shows a new frame at most this often


def _updates(update_with_momentum, nesterov_step, update_with_adagrad, update_with_rmsprop, update_with_adam):
    return {"update_with_momentum": update_with_momentum, "nesterov_step": nesterov_step,
            "update_with_adagrad": update_with_adagrad, "update_with_rmsprop": update_with_rmsprop,
            "update_with_adam": update_with_adam}


REFERENCE_UPDATES = _updates(oref.update_with_momentum, oref.nesterov_step, oref.update_with_adagrad,
                             oref.update_with_rmsprop, oref.update_with_adam)


def _explore_05(run: Callable, progress: str = "", **controls) -> None:
    """Like _explore, for this notebook: the controls wrap over several rows, and run(show, bar, **values) draws
    by calling show(fig), as often as it likes, into the cell's one image output. With `progress` (a label), an
    ipywidgets progress bar sits beside the controls in IPython; run gets it as `bar` (else None)."""
    import ipywidgets

    handle = None
    live = _in_ipython()
    bar = ipywidgets.IntProgress(value=0, min=0, max=1, description=progress,
                                 style={"description_width": "initial"}) if progress and live else None

    def show(fig):
        nonlocal handle
        handle = plots.show(fig, handle)

    def redraw(change=None):
        run(show, bar, **{name: c.value for name, c in controls.items()})

    for control in controls.values():
        control.observe(redraw, names="value")
    if live:
        from IPython.display import display

        display(ipywidgets.Box(list(controls.values()) + ([bar] if bar is not None else []),
                               layout=ipywidgets.Layout(flex_flow="row wrap")))
    redraw()


def _checkbox(value: bool, description: str):
    import ipywidgets

    return ipywidgets.Checkbox(value=value, description=description, style={"description_width": "initial"})


def _together(whys) -> str:
    """Distinct sentences joined by '; ', with 'f is not implemented yet' for several f said once."""
    whys = list(dict.fromkeys(w for w in whys if w))
    missing = [w.removesuffix(" is not implemented yet") for w in whys if w.endswith(" is not implemented yet")]
    others = [w for w in whys if not w.endswith(" is not implemented yet")]
    if len(missing) > 1:
        others.insert(0, f"{', '.join(missing[:-1])} and {missing[-1]} are not implemented yet")
    elif missing:
        others.insert(0, f"{missing[0]} is not implemented yet")
    return "; ".join(others)


def _room_below(ax, curves) -> None:
    """A log y-range over the finite positive values of `curves` with space under them for a legend."""
    values = np.concatenate([np.ravel(c) for c in curves] + [np.array([np.nan])])
    values = values[np.isfinite(values) & (values > 0)]
    if values.size:
        ax.set_ylim(values.min() / 8, values.max() * 1.5)


# --- (a) exponentially weighted averages ------------------------------------------------------------


def temperatures(days: int = 365) -> np.ndarray:
    """A year of made-up daily temperatures (°C): a seasonal swing from about 4° in January to 22° in July,
    plus day-to-day noise from a fixed generator."""
    day = np.arange(1, days + 1)
    noise = np.random.default_rng(2024).normal(scale=3.0, size=days)
    return 13.0 - 9.0 * np.cos(2 * np.pi * (day - 15) / 365) + noise


def ewa_explorer(ewa: Callable, beta: float = 0.9, bias_correction: bool = False,
                 values: np.ndarray | None = None) -> None:
    """The student's ewa(values, β, bias_correction) on a noisy series (default: temperatures()) over the
    reference's: the whole series, its first values (where bias correction matters, with the other choice
    dashed), and the weight each past value gets; a slider for β and a checkbox for the bias correction."""
    values = temperatures() if values is None else np.asarray(values, dtype=np.float64)
    _explore_05(lambda show, bar, beta, bias_correction: show(_ewa_figure(ewa, values, beta, bias_correction)),
                beta=_slider("float", beta, 0.0, 0.99, 0.01, "β"),
                bias_correction=_checkbox(bias_correction, "bias correction"))


def _ewa_figure(ewa, values, beta, bias_correction):
    days = np.arange(1, values.size + 1)
    reference = oref.ewa(values, beta, bias_correction)
    averages, colour, why = _yours_or_reference("ewa", ewa, oref.ewa, values, beta, bias_correction,
                                                shape=values.shape)
    window = 1 / (1 - beta)
    newest = int(np.ceil(window - 1e-9))  # how many values are less than 1/(1 − β) steps back
    first = int(min(values.size, max(20, round(3 * window))))
    fig, (whole, start, weights) = plots.figure(ncols=3, size=(14, 3.9))
    for ax, upto in ((whole, values.size), (start, first)):
        ax.plot(days[:upto], values[:upto], ".", color=plots.MUTED, markersize=3 if upto > 60 else 5,
                label="values")
        _ghost(ax, days[:upto], reference[:upto], label="reference")
        if not why:
            ax.plot(days[:upto], averages[:upto], color=plots.STUDENT, linewidth=1.6, label="yours")
    other = oref.ewa(values, beta, not bias_correction)
    start.plot(days[:first], other[:first], "--", color="#212529", linewidth=1,
               label="reference " + ("without" if bias_correction else "with") + " correction")
    if why:
        plots.note(whole, _reference_only(why))
    whole.set(xlabel="t (day)", ylabel="value", xlim=(0, values.size + 1),
              title=f"β = {beta:.2f}: an average over about the last {window:.3g} values")
    start.set(xlabel="t (day)", xlim=(0.5, first + 0.5),
              title=f"the first {first} values, bias correction {'on' if bias_correction else 'off'}")
    whole.legend(loc="lower center")
    start.legend(loc="best")
    back = np.arange(min(values.size, int(4 * window) + 2))
    share = (1 - beta) * beta**back
    weights.bar(back, share, width=1.0, color=plots.REFERENCE, alpha=0.35, linewidth=0)
    weights.bar(back[:newest], share[:newest], width=1.0, color=plots.REFERENCE, alpha=0.8, linewidth=0)
    weights.axvline(window - 0.5, color="#212529", linewidth=1, linestyle=":")
    weights.text(0.97, 0.92, f"the newest 1/(1 − β) = {window:.3g} values (dark)\ncarry "
                 f"{1 - beta ** newest:.0%} of the weight;\nβ^(1/(1 − β)) = {beta ** window:.2f} "
                 "(1/e ≈ 0.37)", transform=weights.transAxes, ha="right", va="top", fontsize=8)
    weights.set(xlabel="k: how many steps back", ylabel="weight (1 − β)·β^k", xlim=(-0.5, back[-1] + 0.5),
                title="the weight of the value k steps back")
    return fig


# --- the engine: one optimizer's run ----------------------------------------------------------------


class _Malformed(Exception):
    """The student's update returned something that cannot be used; the message says what, after its name."""


def _results(value, count: int, names: str) -> tuple:
    """value as a tuple of `count` results, else _Malformed."""
    if isinstance(value, (tuple, list)) and len(value) == count:
        return tuple(value)
    if isinstance(value, (tuple, list)):
        raise _Malformed(f"returned {len(value)} values, not the {count} values {names}")
    if isinstance(value, np.ndarray):
        raise _Malformed(f"returned an array of shape {value.shape}, not {names}")
    raise _Malformed(f"returned {type(value).__name__}, not {names}")


def _like(value, template, what: str):
    """value with the structure of template (a dict of arrays, or an array) as float64 arrays, else _Malformed."""
    if isinstance(template, dict):
        if not isinstance(value, dict):
            raise _Malformed(f"returned {type(value).__name__} for {what}, not a dict")
        for key in template:
            if key not in value:
                raise _Malformed(f"returned {what} without the key {key!r} (keys {sorted(value)})")
        return {key: _like(value[key], template[key], f"{what}[{key!r}]") for key in template}
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise _Malformed(f"returned {what} that is no array of numbers") from exc
    if array.shape != np.shape(template):
        raise _Malformed(f"returned {what} of shape {array.shape}, not {np.shape(template)}")
    return array


def _failure(name: str, exc: BaseException) -> str:
    """One sentence for an exception from the student's function `name` (as _call words it)."""
    if isinstance(exc, NotImplementedError):
        culprit = traceback.extract_tb(exc.__traceback__)[-1].name
        return f"{name} is not implemented yet" if culprit in (name, "<lambda>", "<module>") else \
            f"{name} needs {culprit}, which is not implemented yet"
    return f"{name} raised {type(exc).__name__}" + (f": {str(exc)[:60]}" if str(exc) else "")


def _as_vector(parameters: dict) -> np.ndarray:
    return np.concatenate([np.ravel(p) for p in parameters.values()])


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
        except _Malformed as exc:
            self.why = f"{self.name} {exc}"
            return
        except Exception as exc:  # noqa: BLE001 - whatever the student's code does, the figure must appear
            self.why = _failure(self.name, exc)
            return
        values = _as_vector(self.parameters)
        if not np.all(np.isfinite(values)):
            self.stopped = f"nan or inf at step {self.t}"
        elif np.any(np.abs(values) > FAR):
            self.stopped = f"diverged at step {self.t}"


def _shown(yours: _OptimizerRun, reference: _OptimizerRun) -> tuple[_OptimizerRun, str]:
    """The run to draw and, if that is the reference's, why: the student's failed, or it turned to nan or inf
    where the reference's did not."""
    if yours.why:
        return reference, yours.why
    if yours.stopped.startswith("nan") and not reference.stopped:
        return reference, f"{yours.name} returned nan or inf"
    return yours, ""


# --- (b) the race on 2-D landscapes -----------------------------------------------------------------


class RaceLandscape(NamedTuple):
    f: Callable  # f(x, y), elementwise on arrays
    grad: Callable  # ∇f at a point w of shape (2,)
    text: str
    start: tuple[float, float]
    minimum: tuple[float, float]
    xlim: tuple[float, float]
    ylim: tuple[float, float]
    defaults: dict  # the explorer's first settings
    lr_exponents: tuple[float, float]  # the range of the learning-rate slider (gradient descent, momentum)
    max_steps: int
    log_contours: bool = False  # contours of log(1 + f): for landscapes whose f spans many orders


def _quadratic(curvatures, degrees: float) -> tuple[Callable, Callable, np.ndarray]:
    """f(x, y) = ½ wᵀHw, ∇f = Hw, and the rotation, for H with eigenvalues `curvatures` turned by `degrees`."""
    angle = np.radians(degrees)
    turn = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    H = turn @ np.diag(curvatures) @ turn.T
    return (lambda x, y: 0.5 * (H[0, 0] * x * x + 2 * H[0, 1] * x * y + H[1, 1] * y * y),
            lambda w: H @ np.asarray(w, dtype=np.float64), turn)


_RAVINE = _quadratic((0.2, 10.0), 0.0)
_TURNED = _quadratic((0.2, 10.0), 30.0)
_RACE_DEFAULTS = {"lr": 0.15, "beta": 0.9, "lr_adagrad": 1.0, "lr_adaptive": 0.1, "beta1": 0.9, "beta2": 0.99,
                  "steps": 80}


def _rosenbrock(x, y):
    return (1 - x) ** 2 + 100 * (y - x * x) ** 2


def _rosenbrock_gradient(w):
    x, y = np.asarray(w, dtype=np.float64)
    return np.array([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)])


RACE_LANDSCAPES = {
    "ravine": RaceLandscape(_RAVINE[0], _RAVINE[1], "f = 0.1·w₁² + 5·w₂²", (-4.5, 1.0), (0.0, 0.0), (-5.2, 2.5),
                            (-1.6, 1.6), _RACE_DEFAULTS, (-2.5, 0.5), 300),
    "turned ravine": RaceLandscape(_TURNED[0], _TURNED[1], "the same ravine turned by 30°",
                                   tuple(_TURNED[2] @ np.array([-4.5, 1.0])), (0.0, 0.0), (-5.2, 2.5), (-3.0, 2.0),
                                   _RACE_DEFAULTS, (-2.5, 0.5), 300),
    "Rosenbrock": RaceLandscape(_rosenbrock, _rosenbrock_gradient, "f = (1 − w₁)² + 100·(w₂ − w₁²)²", (-1.2, 1.0),
                                (1.0, 1.0), (-2.0, 2.0), (-1.0, 3.0),
                                {"lr": 0.002, "beta": 0.9, "lr_adagrad": 0.5, "lr_adaptive": 0.05, "beta1": 0.9,
                                 "beta2": 0.99, "steps": 600}, (-4.0, -1.5), 2000, log_contours=True),
}


KNOB_NAMES = {"lr": "lr", "beta": "β", "beta1": "β₁", "beta2": "β₂"}


def _race_settings(lr, beta, lr_adagrad, lr_adaptive, beta1, beta2) -> dict:
    return {"gradient descent": {"lr": lr}, "momentum": {"lr": lr, "beta": beta}, "Nesterov": {"lr": lr, "beta": beta},
            "AdaGrad": {"lr": lr_adagrad}, "RMSProp": {"lr": lr_adaptive, "beta": beta2},
            "Adam": {"lr": lr_adaptive, "beta1": beta1, "beta2": beta2}}


def _point_parameters(w) -> dict:
    """The adapter: a point (w₁, w₂) as the parameters {"W1": [[w₁]], "b1": [[w₂]]} of a one-layer network."""
    return {"W1": np.array([[w[0]]], dtype=np.float64), "b1": np.array([[w[1]]], dtype=np.float64)}


def _point(parameters: dict) -> np.ndarray:
    return np.array([parameters["W1"][0, 0], parameters["b1"][0, 0]])


def _point_gradient(grad: Callable) -> Callable:
    """The gradient of a landscape as a function of the adapter's parameters, giving {"dW1": …, "db1": …}."""
    def gradient(parameters):
        g = grad(_point(parameters))
        return {"dW1": np.array([[g[0]]]), "db1": np.array([[g[1]]])}
    return gradient


def _race_path(optimizer, update, settings, land: RaceLandscape, steps: int) -> tuple[np.ndarray, _OptimizerRun]:
    """((steps + 1, 2) array of points from land.start, the run): after a run stops, its last point repeats."""
    run = _OptimizerRun(optimizer, update, settings, _point_parameters(land.start))
    gradient = _point_gradient(land.grad)
    points = [np.array(land.start, dtype=np.float64)]
    for _ in range(steps):
        run.step(gradient)
        if not run.running:
            break
        points.append(_point(run.parameters))
    points += [points[-1]] * (steps + 1 - len(points))
    return np.array(points), run


def optimizer_race(update_with_momentum: Callable, nesterov_step: Callable, update_with_adagrad: Callable,
                   update_with_rmsprop: Callable, update_with_adam: Callable, landscape: str = "ravine",
                   **settings) -> None:
    """Gradient descent (the student's update_with_momentum with β = 0), momentum, Nesterov, AdaGrad, RMSProp and
    Adam from the same start on a landscape of RACE_LANDSCAPES ("ravine", "turned ravine", "Rosenbrock"): each
    path on the contours over the reference's, and f − f_min after every step; sliders for the learning rates,
    the β's and the number of steps. Keyword settings (lr, beta, lr_adagrad, lr_adaptive, beta1, beta2, steps)
    replace the landscape's defaults."""
    land = RACE_LANDSCAPES[landscape]
    start = {**land.defaults, **settings}
    updates = _updates(update_with_momentum, nesterov_step, update_with_adagrad, update_with_rmsprop,
                       update_with_adam)
    low, high = land.lr_exponents
    _explore_05(lambda show, bar, **values: show(_race_figure(updates, land, **values)),
                lr=_slider("log", start["lr"], low, high, 0.05, "lr: GD, momentum, Nesterov", base=10,
                           readout_format=".4f"),
                beta=_slider("float", start["beta"], 0.0, 0.99, 0.01, "β: momentum, Nesterov"),
                lr_adagrad=_slider("log", start["lr_adagrad"], -2, 1, 0.05, "lr: AdaGrad", base=10,
                                   readout_format=".3f"),
                lr_adaptive=_slider("log", start["lr_adaptive"], -3, 0, 0.05, "lr: RMSProp, Adam", base=10,
                                    readout_format=".3f"),
                beta1=_slider("float", start["beta1"], 0.0, 0.99, 0.01, "β₁: Adam"),
                beta2=_slider("float", start["beta2"], 0.5, 0.999, 0.001, "β₂: RMSProp, Adam",
                              readout_format=".3f"),
                steps=_slider("int", start["steps"], 1, land.max_steps, 1, "steps"))


def _race_figure(updates: dict, land: RaceLandscape, lr, beta, lr_adagrad, lr_adaptive, beta1, beta2, steps):
    settings = _race_settings(lr, beta, lr_adagrad, lr_adaptive, beta1, beta2)
    fig, axes = plots.figure(ncols=4, nrows=2, size=(15, 7.2))
    grid = axes[0, 3].get_gridspec()
    for ax in axes[:, 3]:
        ax.remove()
    costs = fig.add_subplot(grid[:, 3])
    costs.grid(True, color="#dee2e6", linewidth=0.8)
    costs.spines[["top", "right"]].set_visible(False)
    costs.tick_params(labelsize=plots.FONT["tick"], colors="#343a40")
    f_min = float(land.f(*land.minimum))
    contours = (lambda x, y: np.log1p(land.f(x, y) - f_min)) if land.log_contours else land.f
    at, lowest = np.arange(steps + 1), 1.0
    with _quiet():
        for ax, optimizer in zip(axes[:, :3].flat, OPTIMIZERS):
            update = updates[UPDATE_FUNCTIONS[optimizer]]
            reference, reference_run = _race_path(optimizer, REFERENCE_UPDATES[UPDATE_FUNCTIONS[optimizer]],
                                                  settings[optimizer], land, steps)
            path, run = _race_path(optimizer, update, settings[optimizer], land, steps)
            run, why = _shown(run, reference_run)
            path = reference if why else path
            plots.contour(ax, contours, land.xlim, land.ylim, levels=12, n=101)
            _ghost(ax, *np.clip(reference, -10 * FAR, 10 * FAR).T)
            if not why:
                ax.plot(*np.clip(path, -10 * FAR, 10 * FAR).T, "-", color=plots.STUDENT, linewidth=1,
                        marker="o" if steps <= 120 else None, markersize=2)
            else:
                plots.note(ax, _reference_only(why))
            ax.plot(*land.start, "o", color="#212529", markersize=5)
            ax.plot(*land.minimum, "x", color="#212529", markersize=8, mew=2)
            excess = np.maximum(land.f(*path.T) - f_min, 1e-16)
            gap = np.maximum(land.f(*reference.T) - f_min, 1e-16)
            lowest = min(lowest, excess.min(), gap.min())
            colour = OPTIMIZER_COLOURS[optimizer]
            costs.semilogy(at, gap, color=colour, linewidth=5, alpha=0.2)
            costs.semilogy(at, excess, color=colour, linewidth=1.5, linestyle="--" if why else "-",
                           label=optimizer + (" (reference)" if why else ""))
            outcome = run.stopped or f"f − f_min = {excess[-1]:.2g}"
            knobs = ", ".join(f"{KNOB_NAMES[name]} {value:g}" for name, value in settings[optimizer].items())
            ax.set_title(f"{optimizer} ({knobs})\n{outcome}", fontsize=9)
            ax.set(xlim=land.xlim, ylim=land.ylim)
            ax.tick_params(labelsize=8)
    top = float(land.f(*land.start)) - f_min
    costs.set(xlabel="step", ylabel="f − f_min", xlim=(0, steps), ylim=(max(lowest / 3, 1e-12), top * 100),
              title=f"{land.text}\nafter {steps} steps")
    costs.legend(loc="upper right", fontsize=8)
    return fig


# --- (c) training notebook 04's network on the moons -----------------------------------------------

NETWORK_LAYERS = (2, 16, 16, 1)
TRAINING_SETTINGS = {  # learning rates that suit each optimizer on the moons (the explorer scales them all)
    "gradient descent": {"lr": 0.5}, "momentum": {"lr": 0.5, "beta": 0.9}, "Nesterov": {"lr": 0.5, "beta": 0.9},
    "AdaGrad": {"lr": 0.1}, "RMSProp": {"lr": 0.01, "beta": 0.9},
    "Adam": {"lr": 0.01, "beta1": 0.9, "beta2": 0.999},
}
BATCH_SIZES = (("all 200 (batch)", 0), ("64", 64), ("32", 32), ("8", 8), ("1 (stochastic)", 1))


def moons_for_training() -> tuple[np.ndarray, np.ndarray]:
    """The 200 moons (X (2, 200), Y (1, 200)) that the training explorers learn."""
    return _datasets.moons(np.random.default_rng(0), m=200, noise=0.2)


def _network_gradients(parameters: dict, X: np.ndarray, Y: np.ndarray) -> dict:
    """{"dW1", "db1", ...} of notebook 04's network (ReLU layers, a sigmoid output) on (X, Y), by the references
    model_forward and model_backward. AL is clipped as compute_cost clips it, so that an output that has
    saturated to exactly 1.0 gives no 0/0 in dAL."""
    AL, caches = _backprop.model_forward(X, parameters)
    grads = _backprop.model_backward(np.clip(AL, _backprop.CLIP, 1 - _backprop.CLIP), Y, caches)
    return {key: grads[key] for key in grads if not key.startswith("dA")}


def _network_cost(parameters: dict, X, Y) -> float:
    return _backprop.compute_cost(_backprop.model_forward(X, parameters)[0], Y)


class _TrainingRace:
    """Pairs of runs, the student's and the reference's, one pair per entry of `plans`
    ({key: (optimizer, settings, schedule)}; schedule(epoch) gives the learning rate of that epoch, or None for
    settings["lr"] throughout), all from the same initial network and fed the same mini-batches.
    costs[key, "yours"] and costs[key, "reference"] list the cost on all the data after each epoch."""

    def __init__(self, updates: dict, X, Y, batch_size: int, plans: dict):
        self.X, self.Y, self.batch_size, self.plans = X, Y, batch_size, plans
        start = _backprop.initialize_parameters(list(NETWORK_LAYERS), "he", np.random.default_rng(1))
        self.runs = {key: {"yours": _OptimizerRun(optimizer, updates[UPDATE_FUNCTIONS[optimizer]], settings, start),
                           "reference": _OptimizerRun(optimizer, REFERENCE_UPDATES[UPDATE_FUNCTIONS[optimizer]],
                                                      settings, start)}
                     for key, (optimizer, settings, _) in plans.items()}
        self.costs = {(key, who): [] for key in plans for who in ("yours", "reference")}
        self.rng = np.random.default_rng(2)
        self.epochs = 0

    def epoch(self) -> None:
        """One more epoch for every run (call inside _quiet)."""
        if self.batch_size:
            batches = _descent.random_mini_batches(self.X, self.Y, self.batch_size, self.rng)
        else:
            batches = [(self.X, self.Y)]
        for key, runs in self.runs.items():
            schedule = self.plans[key][2]
            for who, run in runs.items():
                if schedule is not None:
                    run.settings["lr"] = schedule(self.epochs)
                for X_batch, Y_batch in batches:
                    run.step(lambda p, X_batch=X_batch, Y_batch=Y_batch: _network_gradients(p, X_batch, Y_batch))
                self.costs[key, who].append(_network_cost(run.parameters, self.X, self.Y) if run.running
                                            else np.nan)
        self.epochs += 1


def _train_and_show(show, bar, race: _TrainingRace, epochs: int, draw: Callable) -> None:
    """Train for `epochs` epochs, moving the progress bar (if any) and showing draw(race) every FRAME_SECONDS
    and at the end, all in the same output."""
    if bar is not None:
        bar.max, bar.value, bar.bar_style = epochs, 0, ""
    shown = time.perf_counter()
    for epoch in range(1, epochs + 1):
        with _quiet():
            race.epoch()
        if bar is not None:
            bar.value = epoch
        if epoch < epochs and time.perf_counter() - shown > FRAME_SECONDS:
            show(draw(race))
            shown = time.perf_counter()
    if bar is not None:
        bar.bar_style = "success"
    show(draw(race))


def training_race(update_with_momentum: Callable, nesterov_step: Callable, update_with_adagrad: Callable,
                  update_with_rmsprop: Callable, update_with_adam: Callable, batch_size: int = 32, epochs: int = 60,
                  lr_scale: float = 1.0) -> None:
    """Notebook 04's network (layers NETWORK_LAYERS, reference forward and backward) trained on the moons by the
    student's six optimizers with the learning rates of TRAINING_SETTINGS (times lr_scale), all from the same
    start and on the same mini-batches: the cost after every epoch, drawn as training runs, over the reference's,
    and the decision regions of the best network; a choice of mini-batch size, sliders for the epochs and the
    learning-rate scale, and a progress bar in IPython."""
    import ipywidgets

    updates = _updates(update_with_momentum, nesterov_step, update_with_adagrad, update_with_rmsprop,
                       update_with_adam)
    X, Y = moons_for_training()

    def run(show, bar, batch_size, epochs, lr_scale):
        race = _optimizer_training(updates, X, Y, batch_size, lr_scale)
        _train_and_show(show, bar, race, epochs, lambda race: _draw_training_race(race, epochs))

    _explore_05(run, progress="epochs",
                batch_size=ipywidgets.Dropdown(options=list(BATCH_SIZES), value=batch_size,
                                               description="mini-batch size", style={"description_width": "initial"}),
                epochs=_slider("int", epochs, 5, 200, 5, "epochs"),
                lr_scale=_slider("log", lr_scale, -1, 1, 0.05, "learning rates ×", base=10, readout_format=".2f"))


def _optimizer_training(updates: dict, X, Y, batch_size: int, lr_scale: float) -> _TrainingRace:
    plans = {optimizer: (optimizer, {**settings, "lr": settings["lr"] * lr_scale}, None)
             for optimizer, settings in TRAINING_SETTINGS.items()}
    return _TrainingRace(updates, X, Y, batch_size, plans)


def _draw_training_race(race: _TrainingRace, epochs: int):
    fig, (left, right) = plots.figure(ncols=2, size=(12, 4.4))
    problems, finals, drawn = [], {}, []
    for key, runs in race.runs.items():
        run, why = _shown(runs["yours"], runs["reference"])
        problems.append(why)
        yours, reference = np.array(race.costs[key, "yours"]), np.array(race.costs[key, "reference"])
        at = np.arange(1, race.epochs + 1)
        colour = OPTIMIZER_COLOURS[key]
        left.semilogy(at, reference, color=colour, linewidth=5, alpha=0.2)
        shown = reference if why else yours
        left.semilogy(at, shown, color=colour, linewidth=1.5, linestyle="--" if why else "-",
                      label=f"{key}, lr {run.settings['lr']:.3g}" + (" (reference)" if why else ""))
        drawn += [reference, shown]
        if run.running and race.epochs:
            finals[key] = (shown[-1], run, why)
    if any(problems):
        plots.note(left, _reference_only(_together(problems)))
    batches = -(-race.X.shape[1] // race.batch_size) if race.batch_size else 1
    left.set(xlabel="epoch", ylabel="cost J on all 200 examples", xlim=(0.5, epochs + 0.5),
             title=f"mini-batches of {race.batch_size or race.X.shape[1]}: {batches} updates per epoch; "
                   f"epoch {race.epochs} of {epochs}")
    _room_below(left, drawn)
    left.legend(loc="lower left", fontsize=8, ncols=2)
    grid, extent = _plane_grid(race.X, n=101)
    if finals:
        best = min(finals, key=lambda key: finals[key][0])
        cost, run, why = finals[best]
        predictions = _backprop.model_forward(grid, run.parameters)[0]
        _shade_classes(right, predictions, extent)
        right_now = np.mean((_backprop.model_forward(race.X, run.parameters)[0] >= 0.5) == (race.Y > 0.5))
        right.set_title(f"the lowest cost: {best} ({'reference' if why else 'yours'}), J = {cost:.3f}, "
                        f"{right_now:.0%} right")
    _class_points(right, race.X, race.Y)
    right.set(xlim=extent[:2], ylim=extent[2:], xlabel="x₁", ylabel="x₂")
    right.legend(loc="lower right")
    return fig


def _training_race_figure(updates: dict, X, Y, batch_size: int, epochs: int, lr_scale: float = 1.0):
    """The training explorer's final figure, computed without IPython (updates: like REFERENCE_UPDATES)."""
    race = _optimizer_training(updates, X, Y, batch_size, lr_scale)
    with _quiet():
        for _ in range(epochs):
            race.epoch()
    return _draw_training_race(race, epochs)


# --- (d) learning-rate schedules in training ----------------------------------------------------------

SCHEDULE_COLOURS = {"constant": "#343a40", "step": "#7048e8", "exponential": "#2f9e44", "inverse time": "#c2255c"}


def lr_step_decay(lr0: float, epoch: int, every: int, drop: float = 0.5) -> float:
    """lr0·drop^⌊epoch/every⌋: the rate falls by the factor `drop` once every `every` epochs."""
    return float(lr0 * drop ** (epoch // every))


def _schedules(lr0, every, k, decay_rate) -> dict:
    return {"constant": lambda epoch: lr0, "step": lambda epoch: lr_step_decay(lr0, epoch, every),
            "exponential": lambda epoch: _descent.lr_exponential_decay(lr0, epoch, k),
            "inverse time": lambda epoch: _descent.lr_inverse_time_decay(lr0, epoch, decay_rate)}


def schedule_training(update_with_momentum: Callable, lr0: float = 0.5, beta: float = 0.9, every: int = 10,
                      k: float = 0.05, decay_rate: float = 0.2, batch_size: int = 8, epochs: int = 60) -> None:
    """Notebook 04's network trained on the moons with the student's update_with_momentum (β = beta) on small
    mini-batches, under four learning-rate schedules from lr0: constant, step (halved every `every` epochs),
    exponential (k) and inverse-time (decay_rate) decay, the last two by notebook 02's references. The rate and
    the cost after every epoch, drawn as training runs, over the reference's; sliders for lr0 and the decays."""
    X, Y = moons_for_training()

    def run(show, bar, lr0, every, k, decay_rate):
        race = _schedule_training(update_with_momentum, X, Y, lr0, beta, every, k, decay_rate, batch_size)
        _train_and_show(show, bar, race, epochs, lambda race: _draw_schedules(race, epochs))

    _explore_05(run, progress="epochs",
                lr0=_slider("log", lr0, -2, 0.5, 0.05, "lr0", base=10, readout_format=".3f"),
                every=_slider("int", every, 1, 30, 1, "step: halve every … epochs"),
                k=_slider("float", k, 0.0, 0.3, 0.01, "k (exponential)"),
                decay_rate=_slider("float", decay_rate, 0.0, 1.0, 0.02, "decay_rate (inverse time)"))


def _schedule_training(update_with_momentum, X, Y, lr0, beta, every, k, decay_rate, batch_size) -> _TrainingRace:
    plans = {name: ("momentum", {"lr": lr0, "beta": beta}, schedule)
             for name, schedule in _schedules(lr0, every, k, decay_rate).items()}
    updates = {**REFERENCE_UPDATES, "update_with_momentum": update_with_momentum}
    return _TrainingRace(updates, X, Y, batch_size, plans)


def _draw_schedules(race: _TrainingRace, epochs: int):
    fig, (left, right) = plots.figure(ncols=2, size=(12, 4.2))
    at = np.arange(epochs)
    problems, drawn = [], []
    for key, runs in race.runs.items():
        colour = SCHEDULE_COLOURS[key]
        left.plot(at + 1, [race.plans[key][2](e) for e in at], color=colour, linewidth=1.5, label=key)
        run, why = _shown(runs["yours"], runs["reference"])
        problems.append(why)
        done = np.arange(1, race.epochs + 1)
        reference = np.array(race.costs[key, "reference"])
        right.semilogy(done, reference, color=colour, linewidth=5, alpha=0.2)
        shown = reference if why else np.array(race.costs[key, "yours"])
        last = f", last J = {shown[-1]:.3f}" if race.epochs and np.isfinite(shown[-1]) else ""
        right.semilogy(done, shown, color=colour, linewidth=1.5, linestyle="--" if why else "-",
                       label=key + last + (" (reference)" if why else ""))
        drawn += [reference, shown]
    if any(problems):
        plots.note(right, _reference_only(_together(problems)))
    lr0 = race.plans["constant"][1]["lr"]
    left.set(xlabel="epoch", ylabel="learning rate", xlim=(0.5, epochs + 0.5), ylim=(0, 1.1 * lr0),
             title=f"the schedules from lr0 = {lr0:.3g}")
    right.set(xlabel="epoch", ylabel="cost J on all 200 examples", xlim=(0.5, epochs + 0.5),
              title=f"momentum (β = {race.plans['constant'][1]['beta']:g}) on mini-batches of {race.batch_size}; "
                    f"epoch {race.epochs} of {epochs}")
    _room_below(right, drawn)
    left.legend(loc="upper right")
    right.legend(loc="lower left", fontsize=8, ncols=2)
    return fig


def _schedule_figure(update_with_momentum: Callable, X, Y, epochs: int = 60, lr0: float = 0.5, beta: float = 0.9,
                    every: int = 10, k: float = 0.05, decay_rate: float = 0.2, batch_size: int = 8):
    """The schedule explorer's final figure, computed without IPython."""
    race = _schedule_training(update_with_momentum, X, Y, lr0, beta, every, k, decay_rate, batch_size)
    with _quiet():
        for _ in range(epochs):
            race.epoch()
    return _draw_schedules(race, epochs)


# ---------------------------------------------------------------------------------------------------
# --- notebook 04: backpropagation ---
#
# The student's layer functions put together into whole networks: parameter counts, a gradient check of the whole
# model, training on the moons, the gradient of every layer of a deep net, and the symmetry that zero weights never
# break. The student's result is orange and the reference blue; when a student function fails, the reference does
# the whole computation and the figure names the function. Private helpers of this section start with `_bp`.

from pathlib import Path  # noqa: E402  (this section's own imports)

from . import backprop as bpref  # noqa: E402

BP_CHECK_DIMS = (2, 4, 3, 1)  # the network of the whole-model gradient check: the notes' shape, He-initialized
BP_MOONS_DIMS = (2, 16, 8, 1)  # the moons classifier
BP_SYMMETRY_DIMS = (2, 4, 4, 1)  # small enough to show every unit of its first hidden layer
BP_FLOW_WIDTH = 64  # units per hidden layer of the deep net
BP_INIT_SCHEMES = ("zeros", "random", "xavier", "he")


class _BpGarbage(Exception):
    """A student function returned something the computation cannot use; the message says what."""


def _bp_culprit(exc: BaseException, who: str) -> str:
    """The innermost function outside mlcourse and numpy in exc's traceback (the student's), or `who`."""
    library = (Path(__file__).resolve().parent, Path(np.__file__).resolve().parent)
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        inside = not frame.filename.startswith("<") and any(
            root in Path(frame.filename).resolve().parents for root in library)
        if not inside:
            return who if frame.name in ("<lambda>", "<module>") else frame.name
    return who


def _bp_safely(thunk: Callable, who: str = "your functions"):
    """(thunk(), '') or (None, a sentence naming the student function that is not implemented, raised or returned
    garbage). Warnings and prints stay out of the output."""
    with _quiet():
        try:
            return thunk(), ""
        except _BpGarbage as exc:
            return None, str(exc)
        except NotImplementedError as exc:
            return None, f"{_bp_culprit(exc, who)} is not implemented yet"
        except Exception as exc:  # noqa: BLE001 - whatever the student's code does, the figure must appear
            text = str(exc).splitlines()[0][:60] if str(exc) else ""
            return None, f"{_bp_culprit(exc, who)} raised {type(exc).__name__}" + (f": {text}" if text else "")


def _bp_keys(L: int) -> list[str]:
    """["W1", "b1", ..., "WL", "bL"]."""
    return [f"{kind}{l}" for l in range(1, L + 1) for kind in ("W", "b")]


def _bp_array(value, shape: tuple, what: str) -> np.ndarray:
    """value as a float64 array of exactly `shape`, or _BpGarbage saying what is wrong with it."""
    try:
        array = np.array(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise _BpGarbage(f"{what} is {type(value).__name__}, not an array of shape {shape}") from None
    if array.shape != tuple(shape):
        raise _BpGarbage(f"{what} has shape {array.shape}, not {tuple(shape)}")
    return array


def _bp_number(value, who: str, finite: bool = True) -> float:
    """value as a float (a plain number or an array holding one), or _BpGarbage; nan and inf only if not finite."""
    try:
        number = float(np.asarray(value, dtype=np.float64).reshape(()))
    except (TypeError, ValueError):
        raise _BpGarbage(f"{who}'s result has shape {np.shape(value)}, not one number") from None
    if finite and not np.isfinite(number):
        raise _BpGarbage(f"{who} returned {number}")
    return number


def _bp_copy(parameters: dict) -> dict:
    """A copy to hand to the student's code, which might change arrays in place."""
    return {key: value.copy() for key, value in parameters.items()}


def _bp_parameters(parameters, dims, who: str = "initialize_parameters") -> dict:
    """A float copy of {"W1", "b1", ...} checked against the layer sizes dims (W[l] (n_l, n_{l−1}), b[l] (n_l, 1))."""
    if not isinstance(parameters, dict):
        raise _BpGarbage(f"{who} returned {type(parameters).__name__}, not a dict")
    checked = {}
    for l in range(1, len(dims)):
        for key, shape in ((f"W{l}", (dims[l], dims[l - 1])), (f"b{l}", (dims[l], 1))):
            if key not in parameters:
                raise _BpGarbage(f"{who} gave no {key!r}")
            checked[key] = _bp_array(parameters[key], shape, f"{who}'s {key}")
    return checked


def _bp_gradients(grads, parameters: dict, who: str = "model_backward") -> dict:
    """{"dW1", "db1", ...} as float arrays shaped like the parameters, or _BpGarbage."""
    if not isinstance(grads, dict):
        raise _BpGarbage(f"{who} returned {type(grads).__name__}, not a dict")
    checked = {}
    for key, value in parameters.items():
        if "d" + key not in grads:
            raise _BpGarbage(f"{who} gave no 'd{key}'")
        checked["d" + key] = _bp_array(grads["d" + key], value.shape, f"{who}'s d{key}")
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
        parameters, why = _bp_safely(lambda: _bp_parameters(
            initialize_parameters(list(dims), "he", np.random.default_rng(0)), dims), "initialize_parameters")
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
    AL, why = _bp_safely(lambda: _bp_array(model_forward(bpref.NOTES_X.copy(), parameters)[0], AL_right.shape,
                                           "model_forward's AL"), "model_forward")
    J, why_cost = _bp_safely(lambda: _bp_number(compute_cost(AL_right.copy(), bpref.NOTES_Y.copy()),
                                                "compute_cost"), "compute_cost")
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
        _bp_array(AL, Y.shape, "model_forward's AL")
        grads = model_backward(AL, Y.copy(), caches)
        if not isinstance(grads, dict):
            raise _BpGarbage(f"model_backward returned {type(grads).__name__}, not a dict")
        return grads

    grads, why = _bp_safely(yours, "model_backward")
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
    X, Y = _data.moons(np.random.default_rng(0), m=30, noise=0.25)
    return X, Y, bpref.initialize_parameters(list(BP_CHECK_DIMS), "he", np.random.default_rng(0))


def _bp_analytic(model_forward, model_backward, X, Y, parameters):
    """model_backward's dW and db at `parameters`, checked and flattened in the order of _bp_to_vector."""
    AL, caches = model_forward(X.copy(), {k: v.copy() for k, v in parameters.items()})
    _bp_array(AL, Y.shape, "model_forward's AL")
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
        return _bp_number(compute_cost(AL, Y.copy()), "compute_cost")

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
    error, why = _bp_safely(lambda: model_gradient_check(model_forward, compute_cost, model_backward), "model_backward")
    own = why == ""
    forward, cost, backward = (model_forward, compute_cost, model_backward) if own else \
        (refs["model_forward"], refs["compute_cost"], refs["model_backward"])
    rows = [("yours" if own else "the reference", error if own else _bp_reference_error(),
             plots.STUDENT if own else plots.REFERENCE)]
    for label, bug in BP_PLANTED.items():
        planted, _ = _bp_safely(lambda: model_gradient_check(forward, cost, _bp_planted(backward, bug, X.shape[1])))
        rows.append((f"planted: {label}", planted, plots.WARNING))
    nudged = {k: v + 1e-3 if k == "b1" else v for k, v in bpref.NOTES_PARAMETERS.items()}
    for label, network in (("notes' network, right code: Z = 0 at ReLU kinks", bpref.NOTES_PARAMETERS),
                           ("the same with b1 nudged by 0.001", nudged)):
        value, _ = _bp_safely(lambda: model_gradient_check(forward, cost, backward, bpref.NOTES_X, bpref.NOTES_Y,
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
        plots.note(ax, _reference_only(why))
    return fig, error, why


# --- (d) training on the moons ----------------------------------------------------------------------


def _bp_moons():
    """200 noisy moons points (examples are columns), the same every time."""
    return _data.moons(np.random.default_rng(1), m=200, noise=0.25)


class _BpRun(NamedTuple):
    costs: np.ndarray  # the cost before each epoch's step, epochs + 1 values (fewer if the run stopped)
    snapshots: list  # the parameters after 0, every, 2·every, ... epochs
    stop: str  # '' or why the run ended early


def _bp_train(functions: dict, X, Y, dims, lr: float, epochs: int, every: int, progress=None) -> _BpRun:
    """Batch gradient descent from initialize_parameters(dims, "he", default_rng(0)), built from `functions`
    (model_forward, compute_cost, model_backward, update_parameters); progress(run so far) every 500 epochs."""
    m = X.shape[1]
    parameters = _bp_parameters(functions["initialize_parameters"](list(dims), "he", np.random.default_rng(0)), dims)
    costs, snapshots, saturated = [], [], False
    for epoch in range(epochs + 1):
        AL, caches = functions["model_forward"](X.copy(), _bp_copy(parameters))
        AL = _bp_array(AL, (1, m), "model_forward's AL")
        cost = _bp_number(functions["compute_cost"](AL.copy(), Y.copy()), "compute_cost", finite=False)
        if not np.isfinite(cost):
            why = "some outputs AL were exactly 0 or 1, where dAL = −(Y/AL − (1 − Y)/(1 − AL)) divides 0 by 0" \
                if saturated else "the cost became nan or inf"
            return _BpRun(np.array(costs), snapshots, f"stopped at epoch {epoch}: {why}")
        costs.append(cost)
        if epoch % every == 0:
            snapshots.append(parameters)
            if progress is not None and epoch % 500 == 0 and 0 < epoch < epochs:
                progress(_BpRun(np.array(costs), list(snapshots), ""))
        if epoch == epochs:
            break
        saturated = bool(np.any((AL == 0) | (AL == 1)))
        grads = _bp_gradients(functions["model_backward"](AL, Y.copy(), caches), parameters)
        parameters = _bp_parameters(functions["update_parameters"](_bp_copy(parameters), grads, lr), dims,
                                    "update_parameters")
    return _BpRun(np.array(costs), snapshots, "")


def moons_training_explorer(initialize_parameters: Callable, model_forward: Callable, compute_cost: Callable,
                            model_backward: Callable, update_parameters: Callable, lr: float = 0.5,
                            epoch: int = 1000, epochs: int = 2000, every: int = 20) -> None:
    """Trains a BP_MOONS_DIMS network on 200 moons points with the student's five functions (batch gradient
    descent, He initialization from default_rng(0)) beside the reference: the decision regions after the chosen
    epoch and the cost per epoch. Sliders for the epoch (a snapshot every `every` epochs) and the learning rate; a
    new learning rate trains again, redrawing the cost curve as it goes when a front end is there."""
    X, Y = _bp_moons()
    yours = {"initialize_parameters": initialize_parameters, "model_forward": model_forward,
             "compute_cost": compute_cost, "model_backward": model_backward, "update_parameters": update_parameters}
    runs: dict = {}  # learning rate: (your run, the reference's run, why yours failed)

    def draw(show, epoch, lr):
        if lr not in runs:
            def live(run, reference):  # the cost curve so far, while your run trains
                show(_moons_training_figure(run, reference, "", X, Y, epochs, lr, epochs, every))

            runs[lr] = _bp_moons_runs(yours, X, Y, lr, epochs, every, live if _in_ipython() else None)
        return _moons_training_figure(*runs[lr], X, Y, epoch, lr, epochs, every)

    _bp_explore_live(draw, epoch=_slider("int", epoch, 0, epochs, every, "epoch"),
                     lr=_slider("log", lr, -2, 0.5, 0.05, "learning rate", base=10, readout_format=".3f"))


def _bp_moons_runs(yours: dict, X, Y, lr: float, epochs: int, every: int, live=None):
    """(your run or None, the reference's run, why yours failed): both trained on X, Y; live(your run so far,
    the reference's run) is called while yours trains."""
    with np.errstate(all="ignore"):
        reference = _bp_train(_bp_references(), X, Y, BP_MOONS_DIMS, lr, epochs, every)
    progress = None if live is None else (lambda run: live(run, reference))
    run, why = _bp_safely(lambda: _bp_train(yours, X, Y, BP_MOONS_DIMS, lr, epochs, every, progress))
    return run, reference, why


def _bp_explore_live(draw: Callable, **controls) -> None:
    """_explore for a draw(show, **values) that may show intermediate figures through show(fig) while it works."""
    import ipywidgets

    handle = None

    def show(fig):
        nonlocal handle
        handle = plots.show(fig, handle)

    def redraw(change=None):
        show(draw(show, **{name: c.value for name, c in controls.items()}))

    for control in controls.values():
        control.observe(redraw, names="value")
    if _in_ipython():
        from IPython.display import display

        display(ipywidgets.HBox(list(controls.values())))
    redraw()


def _bp_probabilities(parameters: dict, points: np.ndarray) -> np.ndarray:
    """The network's output on points (2, k), computed with the reference."""
    with np.errstate(all="ignore"):
        return bpref.model_forward(points, parameters)[0][0]


def _moons_training_figure(run: _BpRun | None, reference: _BpRun, why: str, X, Y, epoch: int, lr: float,
                           epochs: int, every: int):
    shown, colour = (run, plots.STUDENT) if run is not None else (reference, plots.REFERENCE)
    fig, (left, right) = plots.figure(ncols=2, size=(11, 4.4))
    grid, extent = _plane_grid(X, n=101, margin=0.4)
    k = min(epoch // every, len(shown.snapshots) - 1)
    at = k * every
    probabilities = _bp_probabilities(shown.snapshots[k], np.hstack([X, grid]))
    _shade_classes(left, probabilities[X.shape[1]:], extent)
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
    _class_points(left, X, Y, size=16)
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
        plots.note(left, _reference_only(why))
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
        A = _bp_array(A, (W.shape[0], X.shape[1]), f"linear_activation_forward's A{l}")
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
    _explore(lambda hidden, depth: _gradient_flow_figure(yours, X, Y, depth, hidden),
             hidden=_dropdown(["sigmoid", "tanh", "relu"], hidden, "hidden activation"),
             depth=_slider("int", depth, 3, 30, 1, "layers L"))


BP_SCHEME_STYLES = {"zeros": "s:", "random": "v--", "xavier": "o-", "he": "^-", "N(0, 1)": "D-."}


def _gradient_flow_figure(functions: dict, X, Y, depth: int, hidden: str):
    with np.errstate(all="ignore"):
        reference = _bp_flow(_bp_references(), X, Y, depth, hidden)
    flows, why = _bp_safely(lambda: _bp_flow(functions, X, Y, depth, hidden))
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
        plots.note(forward, _reference_only(why))
    return fig


# --- (f) symmetry: why zero weights never learn ---------------------------------------------------------


def _bp_symmetry_data():
    """Moons with two of every three points of class 1 left out, so the classes are unbalanced (150 and 75)."""
    X, Y = _data.moons(np.random.default_rng(1), m=300, noise=0.25)
    keep = (Y[0] == 0) | (np.arange(Y.shape[1]) % 4 == 1)
    return X[:, keep], Y[:, keep]


def _bp_symmetry_run(functions: dict, X, Y, method: str, hidden: str, steps: int, lr: float) -> dict:
    """The parameters after `steps` steps of batch gradient descent from initialize_parameters(..., method,
    default_rng(0)), with the student's layer functions and update_parameters."""
    dims = list(BP_SYMMETRY_DIMS)
    parameters = _bp_parameters(functions["initialize_parameters"](list(dims), method, np.random.default_rng(0)),
                                dims)
    for _ in range(steps):
        AL, caches, _ = _bp_forward(functions["linear_activation_forward"], X, parameters, hidden)
        grads = _bp_gradients(_bp_backward(functions["linear_activation_backward"], AL, Y, caches, hidden),
                              parameters, "linear_activation_backward")
        parameters = _bp_parameters(functions["update_parameters"](parameters, grads, lr), dims, "update_parameters")
    return parameters


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
    _explore(lambda hidden, steps: _symmetry_figure(yours, X, Y, hidden, steps),
             hidden=_dropdown(["sigmoid", "tanh", "relu"], hidden, "hidden activation"),
             steps=_slider("int", steps, 0, 3000, 100, "training steps"))


def _symmetry_figure(functions: dict, X, Y, hidden: str, steps: int):
    lr = BP_SYMMETRY_LR[hidden]
    methods = ("zeros", "he" if hidden == "relu" else "xavier")
    runs, why = _bp_safely(lambda: {method: _bp_symmetry_run(functions, X, Y, method, hidden, steps, lr)
                                    for method in methods})
    if runs is None:
        with np.errstate(all="ignore"):  # the reference on its own
            runs = {method: _bp_symmetry_run(_bp_references(), X, Y, method, hidden, steps, lr) for method in methods}
    units = BP_SYMMETRY_DIMS[1]
    fig, axes = plots.figure(ncols=units + 1, nrows=2, size=(2.6 * (units + 1), 5.6))
    grid, extent = _plane_grid(X, n=61, margin=0.4)
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
        _shade_classes(ax, output[X.shape[1]:], extent)
        _class_points(ax, X, Y, size=10)
        accuracy = np.mean((output[:X.shape[1]] >= 0.5) == (Y[0] == 1))
        ax.set(xlim=extent[:2], ylim=extent[2:], xticks=[], yticks=[])
        ax.set_title(f"prediction: accuracy {accuracy:.0%}", fontsize=9)
    fig.suptitle(f"hidden layer 1 ({hidden}) after {steps} steps, learning rate {lr:g}: "
                 "what each unit computes over the plane", fontsize=10)
    if why:
        plots.note(axes[0, 0], _reference_only(why))
    return fig


def _bp_generic_output(parameters: dict, points: np.ndarray, hidden: str) -> np.ndarray:
    """The output of a net with `hidden` activations and a sigmoid output (the reference's layers) on points."""
    L = len(parameters) // 2
    A = points
    for l in range(1, L + 1):
        A = bpref.linear_activation_forward(A, parameters[f"W{l}"], parameters[f"b{l}"],
                                            "sigmoid" if l == L else hidden)[0]
    return A[0]

"""One look for every figure of the course.

    fig, ax = plots.figure()
    ax.plot(x, y, color=plots.STUDENT, label="yours")
    handle = plots.show(fig)            # an ordinary PNG image output
    plots.show(new_fig, handle)         # replaces that output in place (what widgets do)

Figures are `matplotlib.figure.Figure` objects, not pyplot state, so nothing depends on the backend.
"""

from __future__ import annotations

import io
import textwrap
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from matplotlib.figure import Figure
# matplotlib itself is imported when the first figure is made: a notebook's setup cell imports this module, and
# while grading (where no figure is drawn) matplotlib's import would be most of the kernel's and the sandbox's start.

# The palette: the student's result is always orange, the reference always blue.
STUDENT = "#e8590c"
REFERENCE = "#1c7ed6"
ACCENT = "#2f9e44"  # a third curve (e.g. the forward difference)
MUTED = "#868e96"  # guides: slope lines, true tangents, grid-like marks
WARNING = "#c92a2a"  # notes such as "not implemented yet"
PALETTE = {"student": STUDENT, "reference": REFERENCE, "accent": ACCENT, "muted": MUTED, "warning": WARNING}
CLASS_COLOURS = ("#7048e8", ACCENT)  # the two classes of a dataset: label 0 violet circles, label 1 green triangles
CLASS_SHADES = ("#f3f0ff", "#ebfbee")  # the plane where 0 / 1 is predicted

FONT = {"title": 11, "label": 10, "tick": 9, "legend": 9, "note": 9}
PANEL_SIZE = (4.8, 3.4)  # inches per panel
DPI = 100


def figure(ncols: int = 1, nrows: int = 1, size: tuple[float, float] | None = None):
    """A new figure with the course style: (fig, ax) for one panel, (fig, array of axes) for several."""
    from matplotlib.figure import Figure

    size = size or (PANEL_SIZE[0] * ncols, PANEL_SIZE[1] * nrows)
    fig = Figure(figsize=size, dpi=DPI, layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=True)
    for ax in np.atleast_1d(axes).flat:
        ax.grid(True, color="#dee2e6", linewidth=0.8)
        ax.set_axisbelow(True)
        ax.spines[["top", "right"]].set_visible(False)
        ax.tick_params(labelsize=FONT["tick"], colors="#343a40")
    return fig, axes


def note(ax, text: str, color: str = WARNING) -> None:
    """A short boxed remark at the top of a panel, e.g. 'sigmoid is not implemented yet'."""
    inches = ax.get_position().width * ax.figure.get_figwidth()
    text = "\n".join(textwrap.fill(line, max(30, int(12 * inches))) for line in text.splitlines())
    ax.text(0.5, 0.97, text, transform=ax.transAxes, ha="center", va="top", fontsize=FONT["note"], color=color,
            zorder=10, bbox={"boxstyle": "round,pad=0.3", "facecolor": "white", "edgecolor": color})


def clear_notes(ax) -> None:
    """Removes every text of a panel: the notes of the last redraw of a figure that is redrawn in place."""
    for text in list(ax.texts):
        text.remove()


def show(fig: Figure, handle=None):
    """Render `fig` to PNG and show it as an image output (or replace the output of `handle`).

    Returns the IPython DisplayHandle; outside IPython it shows nothing and returns None.
    The figure is cleared afterwards, so its memory is freed.
    """
    data = png(fig)
    try:
        from IPython import get_ipython
        from IPython.display import Image, display
    except ImportError:
        return None
    if get_ipython() is None:
        return None
    image = Image(data=data, format="png")
    if handle is not None:
        handle.update(image)
        return handle
    return display(image, display_id=True)


def png(fig: Figure) -> bytes:
    """`fig` as PNG bytes; the figure is cleared afterwards, so its memory is freed (unless it is `lasting`)."""
    _finish(fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", facecolor="white")
    if not getattr(fig, "lasting", False):
        fig.clear()
    return buffer.getvalue()


def keep_layout(fig: Figure, key) -> bool:
    """For a `lasting` figure, before it is rendered again: keeps the places its layout gave the axes at the last
    render (True) while `key` is the same as the last time, else lets the layout be worked out again (False).
    key: what decides the room the figure's labels need (e.g. how many digits its tick labels have). The
    layout is about a third of the time a render takes."""
    same = key == getattr(fig, "laid_out_for", None)
    fig.set_layout_engine("none" if same else "constrained")
    fig.laid_out_for = key
    return same


def log_layout_key(ax, steps: int) -> tuple:
    """A keep_layout key for a panel with a log y-axis over steps (or epochs): the widths of its lowest and
    highest decade and of the number of steps, which decide the room its labels need."""
    return (*(len(f"{np.floor(np.log10(y)):.0f}") for y in ax.get_ylim()), len(str(steps)))


def lasting(fig: Figure) -> Figure:
    """Marks `fig` as a widget's figure that is redrawn in place (its lines, titles and notes changed, its axes,
    ticks and contours kept): png() then leaves it as it is. Rendering it again costs about half as much as
    rendering a new figure, since the layout of every text it still shows is known."""
    fig.lasting = True
    return fig


def _finish(fig: Figure) -> None:
    """Font sizes of titles, labels and legends (set here, since they are made after figure())."""
    for ax in fig.axes:
        ax.title.set_fontsize(FONT["title"])
        ax.xaxis.label.set_fontsize(FONT["label"])
        ax.yaxis.label.set_fontsize(FONT["label"])
        legend = ax.get_legend()
        if legend is not None:
            legend.get_frame().set_edgecolor("#dee2e6")
            for text in legend.get_texts():
                text.set_fontsize(FONT["legend"])


def contour(ax, f, xlim: tuple[float, float], ylim: tuple[float, float], levels: int = 14, n: int = 121) -> None:
    """Muted contour lines of f(x, y) (numpy-friendly, elementwise) over xlim × ylim, spaced for a bowl: closer
    together near the bottom, where the paths of an optimiser end."""
    x, y = np.meshgrid(np.linspace(*xlim, n), np.linspace(*ylim, n))
    z = f(x, y)
    low, high = float(np.min(z)), float(np.max(z))
    if np.isfinite(low) and np.isfinite(high) and high > low:
        ax.contour(x, y, z, levels=low + (high - low) * np.linspace(0.04, 1, levels) ** 2, colors=MUTED,
                   linewidths=0.7, alpha=0.8)
    ax.set(xlim=xlim, ylim=ylim)


def ghost(ax, x, y, **style):
    """The reference, wide and pale, for the student's line to run on top of (returns the line)."""
    return ax.plot(x, y, color=REFERENCE, linewidth=5, alpha=0.3, solid_capstyle="round", **style)[0]


def window(points: np.ndarray, pad: float = 0.25, square: bool = False):
    """(xlim, ylim) around points (k, 2) with a margin; square: equal spans (for an equal aspect)."""
    low, high = points.min(axis=0), points.max(axis=0)
    span = np.maximum(high - low, 1e-3)
    if square:
        span = np.full(2, span.max())
    centre = (low + high) / 2
    return tuple((c - (0.5 + pad) * s, c + (0.5 + pad) * s) for c, s in zip(centre, span))


def log_room_below(ax, curves) -> None:
    """A log y-range over the finite positive values of `curves` with space under them for a legend."""
    values = np.concatenate([np.ravel(c) for c in curves] + [np.array([np.nan])])
    values = values[np.isfinite(values) & (values > 0)]
    if values.size:
        ax.set_ylim(values.min() / 8, values.max() * 1.5)


# --- a plane of two features, its classes and a classifier's regions


def plane_grid(X: np.ndarray, n: int = 121, margin: float = 0.5):
    """Points (2, n²) on a grid over X's range (examples are columns) and the extent for imshow."""
    low, high = X.min(axis=1) - margin, X.max(axis=1) + margin
    x1, x2 = np.meshgrid(np.linspace(low[0], high[0], n), np.linspace(low[1], high[1], n))
    return np.vstack([x1.ravel(), x2.ravel()]), (low[0], high[0], low[1], high[1])


def shade_classes(ax, predictions: np.ndarray, extent):
    """Tint the plane by a 0/1 prediction made on plane_grid's grid (returns the image)."""
    from matplotlib.colors import ListedColormap

    n = int(round(np.sqrt(predictions.size)))
    return ax.imshow(predictions.reshape(n, n) >= 0.5, extent=extent, origin="lower", cmap=ListedColormap(CLASS_SHADES),
                     vmin=0, vmax=1, aspect="auto", interpolation="nearest")


def class_points(ax, X: np.ndarray, Y: np.ndarray, size: float = 24) -> None:
    """The examples X (2, m) by their labels Y (1, m) in CLASS_COLOURS."""
    for label, marker in ((0, "o"), (1, "^")):
        keep = Y[0] == label
        ax.scatter(X[0, keep], X[1, keep], s=size, marker=marker, color=CLASS_COLOURS[label], edgecolor="white",
                   linewidth=0.6, zorder=3, label=f"label {label}")


def separating_line(ax, w, b: float, extent, **style) -> None:
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

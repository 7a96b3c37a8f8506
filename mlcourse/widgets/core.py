"""What every widget of the course does the same way: call the student's code safely, take controls, redraw.

    value, why = core.call("sigmoid", sigmoid, z, shape=z.shape)   # (float array, '') or (None, one sentence)
    values, colour, why = core.yours_or_reference("sigmoid", sigmoid, ref.sigmoid, z, shape=z.shape)
    result, why = core.run(lambda: ..., name="model_backward")     # any computation; raise Unusable to refuse
    core.explore(lambda lr: figure(lr), lr=core.slider("log", 0.1, -3, 0, 0.05, "learning rate", base=10))

A student function that is not implemented, raises, returns the wrong type or shape, or non-finite numbers
never stops a notebook: the figure says so in one line (`plots.note(ax, core.reference_only(why))`) and shows
the reference instead. An explorer's figure lives in its widget (so a reloaded page still redraws it), and its
output carries a static copy of the first figure, so a run without a widget front end (nbclient, nbgrader,
tests) keeps that figure and nothing fails.
"""

from __future__ import annotations

import base64
import contextlib
import io
import time
import traceback
import warnings
from pathlib import Path
from typing import Callable

import numpy as np

from .. import plots

FAR = 1e6  # once a parameter passes this in size, a path counts as diverged and the explorers stop moving it
FRAME_SECONDS = 1.0  # a long redraw shows a new frame at most this often
FIRST_FRAME_SECONDS = 0.3  # and its first one this soon, so that a moved control answers at once
QUICK_SECONDS = 1.0  # but none if, at its pace so far, it ends this soon after the control moved: a frame
# (0.2–0.5 s of drawing) would only hold up its figure
_LIBRARY = (Path(__file__).resolve().parent.parent, Path(np.__file__).resolve().parent)  # mlcourse, numpy


# ---------------------------------------------------------------------------------------------------
# Calling the student's code


class Unusable(Exception):
    """What a student's function returned cannot be used; the message is the whole sentence ("f returned …")."""


@contextlib.contextmanager
def quiet(caught: list | None = None):
    """Warnings (recorded into `caught`, not shown), numpy floating-point messages and prints of the student's
    code stay out of the output."""
    with warnings.catch_warnings(record=True) as warned, np.errstate(all="warn", under="ignore"), \
            contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("always")
        try:
            yield warned
        finally:
            if caught is not None:
                caught.extend(warned)


def failure(exc: BaseException, name: str | None = None, blame: str = "your functions") -> str:
    """One sentence for an exception from the student's code. The culprit is the innermost function of the
    traceback outside mlcourse and numpy (the student's). With `name`, the function the widget called:
    "name is not implemented yet", "name needs helper, which is not implemented yet", "name raised T: …";
    without, the same about the culprit (`blame` if that is a lambda or module-level code)."""
    if isinstance(exc, Unusable):
        return str(exc)
    culprit = _culprit(exc)
    subject = name or (blame if culprit is None else culprit)
    if isinstance(exc, NotImplementedError):
        if culprit in (None, subject):
            return f"{subject} is not implemented yet"
        return f"{subject} needs {culprit}, which is not implemented yet"
    text = str(exc).splitlines()[0][:60] if str(exc) else ""
    return f"{subject} raised {type(exc).__name__}" + (f": {text}" if text else "")


def _culprit(exc: BaseException) -> str | None:
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        inside = not frame.filename.startswith("<") and any(
            root in Path(frame.filename).resolve().parents for root in _LIBRARY)
        if not inside:
            return None if frame.name in ("<lambda>", "<module>") else frame.name
    return None


def run(thunk: Callable, name: str | None = None, blame: str = "your functions", caught: list | None = None):
    """(thunk(), '') or (None, one sentence saying what went wrong, see `failure`). thunk may raise Unusable
    for a result it cannot use. Prints and warnings stay out of the output (warnings go to `caught`)."""
    with quiet(caught):
        try:
            return thunk(), ""
        except Exception as exc:  # noqa: BLE001 - whatever the student's code does, the figure must appear
            return None, failure(exc, name, blame)


def call(name: str, fn: Callable, *args, shape: tuple | None = None, caught: list | None = None, **kwargs):
    """(result, '') if fn(*args, **kwargs) gave finite numbers, else (None, a sentence starting with `name`).

    The result is a float64 array of `shape` (if given; a tuple such as (∂/∂a, ∂/∂b) is stacked into it).
    Without a shape, or with a tuple of shapes, a tuple result such as (dw, db) stays a tuple of arrays (and a
    dict a dict of arrays). Arrays given in args are the student's to change: pass copies where that matters
    (yours_or_reference does)."""
    value, why = run(lambda: fn(*args, **kwargs), name=name, caught=caught)
    if why:
        return None, why
    try:
        one_array = shape is not None and all(isinstance(n, (int, np.integer)) for n in shape)
        value = np.asarray(value, dtype=np.float64) if one_array else numbers(value)
    except (TypeError, ValueError):
        return None, f"{name} returned {type(value).__name__}, not numbers"
    if shape is not None and _shape(value) != tuple(shape):
        return None, f"{name} returned shape {_shape(value)}, not {tuple(shape)}"
    if not _finite(value):
        return None, f"{name} returned nan or inf"
    return value, ""


def numbers(value):
    """value as float64 arrays with its structure: a tuple (or a list of unequal parts) as a tuple, a dict
    as a dict, anything else as one array. Raises TypeError or ValueError for what holds no numbers."""
    if isinstance(value, tuple):
        return tuple(numbers(part) for part in value)
    if isinstance(value, dict):
        return {key: numbers(part) for key, part in value.items()}
    try:
        return np.asarray(value, dtype=np.float64)
    except ValueError:
        if isinstance(value, list) and value:
            return tuple(numbers(part) for part in value)
        raise


def _shape(value):
    if isinstance(value, tuple):
        return tuple(_shape(part) for part in value)
    return {key: _shape(part) for key, part in value.items()} if isinstance(value, dict) else value.shape


def _finite(value) -> bool:
    parts = value.values() if isinstance(value, dict) else value if isinstance(value, tuple) else None
    return all(_finite(part) for part in parts) if parts is not None else bool(np.all(np.isfinite(value)))


def copies(args) -> list:
    """args with every array copied, so that the student's code cannot change ours in place."""
    return [a.copy() if isinstance(a, np.ndarray) else a for a in args]


def yours_or_reference(name: str, fn: Callable, reference: Callable, *args, shape: tuple | None = None):
    """(values, colour, why): the student's fn(*args) and plots.STUDENT, or the reference's values,
    plots.REFERENCE and the sentence saying why (not implemented, raised, wrong shape, nan)."""
    values, why = call(name, fn, *copies(args), shape=shape)
    if values is None:
        return numbers(reference(*copies(args))), plots.REFERENCE, why
    return values, plots.STUDENT, ""


def attempt(fn: Callable, *args, **kwargs):
    """fn(*args, **kwargs) for a quick experiment in a notebook: a float, an array, or a tuple of them for a
    function that returns several results; None, with a one-line note, if it fails or gives nan."""
    value, why = call(getattr(fn, "__name__", "the function"), fn, *args, **kwargs)
    if value is None:
        print(why + ".")
        return None
    return _plain(value)


def _plain(value):
    if isinstance(value, tuple):
        return tuple(_plain(part) for part in value)
    if isinstance(value, dict):
        return {key: _plain(part) for key, part in value.items()}
    return float(value) if value.ndim == 0 else value


def array(value, shape: tuple, what: str) -> np.ndarray:
    """value as a float64 array of exactly `shape`, or Unusable saying what is wrong with it."""
    try:
        result = np.array(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise Unusable(f"{what} is {type(value).__name__}, not an array of shape {tuple(shape)}") from None
    if result.shape != tuple(shape):
        raise Unusable(f"{what} has shape {result.shape}, not {tuple(shape)}")
    return result


def number(value, who: str, finite: bool = True) -> float:
    """value as a float (a plain number or an array holding one), or Unusable; nan and inf only if not finite."""
    try:
        result = float(np.asarray(value, dtype=np.float64).reshape(()))
    except (TypeError, ValueError):
        raise Unusable(f"{who}'s result has shape {np.shape(value)}, not one number") from None
    if finite and not np.isfinite(result):
        raise Unusable(f"{who} returned {result}")
    return result


def reference_only(why: str) -> str:
    """The note of a panel that shows the reference because the student's function failed."""
    return f"{why} — showing the reference only"


def together(whys) -> str:
    """Distinct sentences joined by '; ', with 'f is not implemented yet' for several f said once."""
    whys = list(dict.fromkeys(w for w in whys if w))
    missing = [w.removesuffix(" is not implemented yet") for w in whys if w.endswith(" is not implemented yet")]
    others = [w for w in whys if not w.endswith(" is not implemented yet")]
    if len(missing) > 1:
        others.insert(0, f"{', '.join(missing[:-1])} and {missing[-1]} are not implemented yet")
    elif missing:
        others.insert(0, f"{missing[0]} is not implemented yet")
    return "; ".join(others)


def bounded(grad: Callable) -> Callable:
    """grad, but 0 once any |x| > FAR: a diverging path then stops instead of overflowing."""
    return lambda x: grad(x) if np.all(np.abs(x) <= FAR) else 0 * np.asarray(x, dtype=float)


# ---------------------------------------------------------------------------------------------------
# The explorer loop and its controls


class Frames:
    """What a long redraw uses to show itself while it works (given to draw when explore(..., live=True)):
    show(fig) replaces the cell's image, due() says whether it is time for a frame (FIRST_FRAME_SECONDS after
    the control moved, then every FRAME_SECONDS, or less often if making a frame takes more than a third of
    that time, as on a busy machine; never when the pace of progress() says that the redraw ends within
    QUICK_SECONDS of the move, or that its rest takes less than half that), progress(done, total) moves the
    progress bar (if any)."""

    def __init__(self, show: Callable, bar=None, seen: bool = True):
        self._show, self.bar, self._shown, self._seen = show, bar, time.perf_counter(), seen
        self._wait = min(FIRST_FRAME_SECONDS, FRAME_SECONDS)
        self._asked = self._start = self._shown
        self._first = self._last = None  # (time, done, total) of the first and the latest progress()

    def show(self, fig) -> None:
        self._show(fig)
        now = time.perf_counter()
        cost = now - self._asked  # of drawing and rendering the frame
        self._wait = max(FRAME_SECONDS, 2 * cost) if FRAME_SECONDS else 0.0
        self._shown = now

    def due(self) -> bool:
        """Time for a frame? Never without a front end (tests, nbgrader): nobody would see it."""
        self._asked = now = time.perf_counter()
        if not (self._seen and now - self._shown > self._wait):
            return False
        rest = self._rest(now)
        return now - self._start + rest >= QUICK_SECONDS and rest >= QUICK_SECONDS / 2

    def _rest(self, now: float) -> float:
        """Seconds the redraw still needs at its pace since its first progress() (inf while unknown)."""
        if self._first is None or self._last[1] <= self._first[1]:
            return float("inf")
        (began, start, _), (_, done, total) = self._first, self._last
        return (now - began) * (total - done) / (done - start)

    def progress(self, done: int, total: int) -> None:
        self._last = (time.perf_counter(), done, total)
        if self._first is None or done < self._first[1]:
            self._first = self._last
        if self.bar is not None:
            self.bar.max, self.bar.value = max(total, 1), done
            self.bar.bar_style = "success" if done >= total else ""


def explore(draw: Callable, live: bool = False, progress: str = "", **controls) -> None:
    """Show draw(**values of the controls) and redraw it whenever a control moves.

    live=True: draw(frames, **values) gets a Frames to show intermediate figures while it works. progress (a
    label) puts a progress bar beside the controls (in IPython), moved by frames.progress. draw returns the
    final figure either way. In IPython the figure lives inside the widget (see Explorer); elsewhere it is
    rendered and dropped (plots.show shows nothing outside IPython)."""
    import ipywidgets  # imported on first use: the graded setup cell imports widgets but never draws

    front_end = in_ipython()
    bar = ipywidgets.IntProgress(value=0, min=0, max=1, description=progress,
                                 style={"description_width": "initial"}) if progress and front_end else None
    explorer = Explorer(list(controls.values()) + ([bar] if bar is not None else [])) if front_end else None

    def show(fig):
        if explorer is None:
            plots.show(fig)
        else:
            explorer.picture.value = plots.png(fig)

    def redraw(change=None):
        values = {name: c.value for name, c in controls.items()}
        show(draw(Frames(show, bar, seen=front_end), **values) if live else draw(**values))

    for control in controls.values():
        control.observe(redraw, names="value")
    if explorer is None:
        redraw()
        return
    from IPython.display import display  # looked up when called, so that tests can stand in for it

    handle = display(explorer, display_id=True)  # first, so that a long first draw shows its frames
    display(RerunHint())  # right below it: what to do once the kernel that holds the controls is gone
    redraw()
    explorer.still = explorer.picture.value
    if handle is not None:
        handle.update(explorer)  # the static copy of the first figure, for runs without a widget front end


class Explorer:
    """What an explorer shows: one widget holding its controls (a wrapping row) and its figure (an image
    widget, so that a page reloaded while the kernel runs still redraws it), displayed with a static copy
    of the first figure (`still`) for front ends without widgets (nbclient, nbgrader's feedback, GitHub).
    A front end that has lost the widget (the kernel is gone) says "model not found", and the RerunHint
    displayed below it says to run the cell again, which brings the widget back."""

    def __init__(self, controls: list):
        import ipywidgets

        self.controls = ipywidgets.Box(controls, layout=ipywidgets.Layout(flex_flow="row wrap"))
        self.picture = ipywidgets.Image(format="png", layout=ipywidgets.Layout(max_width="100%"))
        self.widget = ipywidgets.VBox([self.controls, self.picture])
        self.widget.add_class("mlcourse-explorer")  # a rendered widget hides the RerunHint below it
        self.still = b""

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = {"text/plain": "Controls and a figure: run this cell in Jupyter to use them.",
                  "application/vnd.jupyter.widget-view+json": {
                      "version_major": 2, "version_minor": 0, "model_id": self.widget.model_id}}
        if self.still:
            bundle["image/png"] = base64.b64encode(self.still).decode("ascii")
        return bundle


class RerunHint:
    """The line shown below an explorer: once its kernel is gone (restarted, shut down, the notebook reopened),
    JupyterLab shows only "Error displaying widget: model not found" where the controls were, and this line
    says what to do. While the widget is alive, a style rule hides the line (JupyterLab and Notebook 7 show
    it in trusted notebooks; elsewhere, e.g. a static rendering without controls, the line stays in view)."""

    TEXT = "If the controls above are gone (“model not found”), run this cell again to bring them back."
    STYLE = (".jp-OutputArea-child:has(.mlcourse-explorer) + .jp-OutputArea-child .mlcourse-rerun"
             " { display: none; }")

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/plain": self.TEXT,
                "text/html": f"<style>{self.STYLE}</style>"
                             f"<div class='mlcourse-rerun' style='font-size:12px'>↻ {self.TEXT}</div>"}


def in_ipython() -> bool:
    try:
        from IPython import get_ipython  # looked up when called (tests stand in for it); IPython is optional
    except ImportError:
        return False
    return get_ipython() is not None


def slider(kind: str, value: float, low: float, high: float, step: float, description: str, **extra):
    """A slider that redraws when released: kind "float", "int" or "log" (low and high are then exponents of
    `base`, e.g. base=10)."""
    import ipywidgets

    make = {"float": ipywidgets.FloatSlider, "log": ipywidgets.FloatLogSlider, "int": ipywidgets.IntSlider}[kind]
    width = 300 + 8 * len(description)  # the label (~8 px a letter) and the readout take their room; ~200 px of track
    return make(value=value, min=low, max=high, step=step, description=description, continuous_update=False,
                style={"description_width": "initial"}, layout=ipywidgets.Layout(width=f"{width}px"), **extra)


def dropdown(options, value, description: str):
    """A choice among options (a list of values, of (label, value) pairs, or a dict's keys)."""
    import ipywidgets

    return ipywidgets.Dropdown(options=list(options), value=value, description=description,
                               style={"description_width": "initial"}, layout=ipywidgets.Layout(width="240px"))


def checkbox(value: bool, description: str):
    import ipywidgets

    return ipywidgets.Checkbox(value=value, description=description, style={"description_width": "initial"})

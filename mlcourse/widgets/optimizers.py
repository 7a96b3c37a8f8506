"""Notebook 05's explorers: exponentially weighted averages, a race of optimizers on 2-D landscapes, training
notebook 04's network on the moons with each optimizer, and learning-rate schedules in training.

The update functions of notebook 05 take dicts ("W1", "b1", ... and "dW1", "db1", ...). One small engine,
_OptimizerRun (in _optimizer_runs.py, with the training runs), drives them all. Adapter: a point w = (w₁, w₂)
of a 2-D landscape travels as the one-layer "network" {"W1": [[w₁]], "b1": [[w₂]]}, so that loops over the
keys and loops over the layers l = 1..L both work. The figures are made once per explorer and redrawn in place
(plots.lasting): a redraw then costs about half as much to render. In panels with several optimizers (or schedules) each has its own colour: a solid line is the student's
run, a wide pale line of the same colour the reference's.
"""

from __future__ import annotations

import copy
from typing import Callable, NamedTuple

import numpy as np

from .. import backprop as bpref
from .. import data, plots
from .. import gradient_descent as gd
from .. import optimizers as oref
from . import core
# NETWORK_LAYERS and _network_gradients are not used here: the tests read them as nb05.<name>.
from ._optimizer_runs import (NETWORK_LAYERS, OPTIMIZERS, REFERENCE_UPDATES, UPDATE_FUNCTIONS,  # noqa: F401
                              _network_gradients, _OptimizerRun, _RaceCache, _RaceView, _shown, _TrainingRace,
                              _updates)
from .core import FAR


OPTIMIZER_COLOURS = {"gradient descent": "#343a40", "momentum": "#2f9e44", "Nesterov": "#7048e8",
                     "AdaGrad": "#c2255c", "RMSProp": "#1098ad", "Adam": "#f08c00"}


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
    core.explore(lambda beta, bias_correction: _ewa_figure(ewa, values, beta, bias_correction),
                 beta=core.slider("float", beta, 0.0, 0.99, 0.01, "β"),
                 bias_correction=core.checkbox(bias_correction, "bias correction"))


def _ewa_figure(ewa, values, beta, bias_correction):
    days = np.arange(1, values.size + 1)
    reference = oref.ewa(values, beta, bias_correction)
    averages, colour, why = core.yours_or_reference("ewa", ewa, oref.ewa, values, beta, bias_correction,
                                                shape=values.shape)
    window = 1 / (1 - beta)
    newest = int(np.ceil(window - 1e-9))  # how many values are less than 1/(1 − β) steps back
    first = int(min(values.size, max(20, round(3 * window))))
    fig, (whole, start, weights) = plots.figure(ncols=3, size=(14, 3.9))
    for ax, upto in ((whole, values.size), (start, first)):
        ax.plot(days[:upto], values[:upto], ".", color=plots.MUTED, markersize=3 if upto > 60 else 5,
                label="values")
        plots.ghost(ax, days[:upto], reference[:upto], label="reference")
        if not why:
            ax.plot(days[:upto], averages[:upto], color=plots.STUDENT, linewidth=1.6, label="yours")
    other = oref.ewa(values, beta, not bias_correction)
    start.plot(days[:first], other[:first], "--", color="#212529", linewidth=1,
               label="reference " + ("without" if bias_correction else "with") + " correction")
    if why:
        plots.note(whole, core.reference_only(why))
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
    points = _walk(run, [np.array(land.start, dtype=np.float64)], land, steps)
    return _padded(points, steps), run


def _walk(run: _OptimizerRun, points: list, land: RaceLandscape, steps: int) -> list:
    """points (the path of `run` so far) with the run taken on until it has `steps` steps or stops."""
    gradient = _point_gradient(land.grad)
    while run.running and len(points) <= steps:
        run.step(gradient)
        if run.running:
            points.append(_point(run.parameters))
    return points


def _padded(points: list, steps: int) -> np.ndarray:
    """The first steps + 1 points, the last one repeated where the path stopped sooner."""
    points = points[:steps + 1]
    return np.array(points + [points[-1]] * (steps + 1 - len(points)))


class _RacePaths:
    """_race_path's results kept by (optimizer, update, settings), each run taken on as far as the most steps asked
    so far: moving one optimizer's knob computes only that optimizer, fewer steps are the first part of a longer
    run, and more steps continue it."""

    def __init__(self):
        self.kept = {}

    def __call__(self, optimizer, update, settings: dict, land: RaceLandscape, steps: int):
        key = (optimizer, update, tuple(sorted(settings.items())), land.text)
        if key not in self.kept:
            if len(self.kept) > 200:
                self.kept.clear()
            run = _OptimizerRun(optimizer, update, settings, _point_parameters(land.start))
            self.kept[key] = (run, [np.array(land.start, dtype=np.float64)])
        run, points = self.kept[key]
        _walk(run, points, land, steps)
        if run.t > steps:  # it stopped, or failed, only after the steps shown
            run = copy.copy(run)
            run.why = run.stopped = ""
        return _padded(points, steps), run


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
    paths, picture = _RacePaths(), _RacePicture(land)
    core.explore(lambda **values: _race_figure(updates, land, **values, paths=paths, picture=picture),
                 lr=core.slider("log", start["lr"], low, high, 0.05, "lr: GD, momentum, Nesterov", base=10,
                                readout_format=".4f"),
                 beta=core.slider("float", start["beta"], 0.0, 0.99, 0.01, "β: momentum, Nesterov"),
                 lr_adagrad=core.slider("log", start["lr_adagrad"], -2, 1, 0.05, "lr: AdaGrad", base=10,
                                        readout_format=".3f"),
                 lr_adaptive=core.slider("log", start["lr_adaptive"], -3, 0, 0.05, "lr: RMSProp, Adam", base=10,
                                         readout_format=".3f"),
                 beta1=core.slider("float", start["beta1"], 0.0, 0.99, 0.01, "β₁: Adam"),
                 beta2=core.slider("float", start["beta2"], 0.5, 0.999, 0.001, "β₂: RMSProp, Adam",
                                   readout_format=".3f"),
                 steps=core.slider("int", start["steps"], 1, land.max_steps, 1, "steps"))


class _RacePicture:
    """The race's figure for one landscape, made once and redrawn in place (plots.lasting): the contours, the
    axes and their ticks stay, the paths, costs, titles and notes change. The six panels share their axes, so
    that only the outer ones carry tick labels. The layout (constrained) and the panels' ticks are worked out
    when the figure is first rendered and kept after that (each costs about a third of a redraw): only the cost
    panel's tick labels can change their width, and when they may have (other decades, another number of
    digits in the steps), the layout is worked out again."""

    def __init__(self, land: RaceLandscape):
        self.land, self.ticks_fixed = land, False
        fig, axes = plots.figure(ncols=4, nrows=2, size=(15, 7.2))
        grid = axes[0, 3].get_gridspec()
        for ax in axes[:, 3]:
            ax.remove()
        costs = fig.add_subplot(grid[:, 3])
        costs.grid(True, color="#dee2e6", linewidth=0.8)
        costs.spines[["top", "right"]].set_visible(False)
        costs.tick_params(labelsize=plots.FONT["tick"], colors="#343a40")
        costs.set(yscale="log", xlabel="step", ylabel="f − f_min")
        self.f_min = float(land.f(*land.minimum))
        contours = (lambda x, y: np.log1p(land.f(x, y) - self.f_min)) if land.log_contours else land.f
        self.fig, self.costs, self.panels = plots.lasting(fig), costs, dict(zip(OPTIMIZERS, axes[:, :3].flat))
        self.ghosts, self.paths, self.cost_ghosts, self.cost_lines = {}, {}, {}, {}
        first = axes[0, 0]
        for optimizer, ax in self.panels.items():
            if ax is not first:
                ax.sharex(first)
                ax.sharey(first)
            plots.contour(ax, contours, land.xlim, land.ylim, levels=12, n=101)
            self.ghosts[optimizer] = plots.ghost(ax, [], [])
            self.paths[optimizer] = ax.plot([], [], "-", color=plots.STUDENT, linewidth=1, markersize=2)[0]
            ax.plot(*land.start, "o", color="#212529", markersize=5)
            ax.plot(*land.minimum, "x", color="#212529", markersize=8, mew=2)
            ax.set(xlim=land.xlim, ylim=land.ylim)
            ax.tick_params(labelsize=8)
            ax.label_outer()
            colour = OPTIMIZER_COLOURS[optimizer]
            self.cost_ghosts[optimizer] = costs.plot([], [], color=colour, linewidth=5, alpha=0.2)[0]
            self.cost_lines[optimizer] = costs.plot([], [], color=colour, linewidth=1.5)[0]

    def draw(self, shown: dict, settings: dict, steps: int):
        """The figure for {optimizer: (reference's points, points shown, run shown, why)}, points (steps + 1, 2)."""
        land, at, lowest = self.land, np.arange(steps + 1), 1.0
        for optimizer, (reference, path, run, why) in shown.items():
            ax = self.panels[optimizer]
            plots.clear_notes(ax)
            self.ghosts[optimizer].set_data(*np.clip(reference, -10 * FAR, 10 * FAR).T)
            line = self.paths[optimizer]
            line.set_data(*np.clip(path, -10 * FAR, 10 * FAR).T)
            line.set(visible=not why, marker="o" if steps <= 120 else "None")
            if why:
                plots.note(ax, core.reference_only(why))
            excess = np.maximum(land.f(*path.T) - self.f_min, 1e-16)
            gap = np.maximum(land.f(*reference.T) - self.f_min, 1e-16)
            lowest = min(lowest, excess.min(), gap.min())
            self.cost_ghosts[optimizer].set_data(at, gap)
            self.cost_lines[optimizer].set(data=(at, excess), linestyle="--" if why else "-",
                                           label=optimizer + (" (reference)" if why else ""))
            outcome = run.stopped or f"f − f_min = {excess[-1]:.2g}"
            knobs = ", ".join(f"{KNOB_NAMES[name]} {value:g}" for name, value in settings[optimizer].items())
            ax.set_title(f"{optimizer} ({knobs})\n{outcome}", fontsize=9)
        top = float(land.f(*land.start)) - self.f_min
        ylim = (max(lowest / 3, 1e-12), top * 100)
        self.costs.set(xlim=(0, steps), ylim=ylim, title=f"{land.text}\nafter {steps} steps")
        self.costs.legend(handles=list(self.cost_lines.values()), loc="upper right", fontsize=8)
        self._keep_layout(plots.log_layout_key(self.costs, steps))
        return self.fig

    def _keep_layout(self, labels: tuple) -> None:
        """The layout of the last render kept while the cost panel's labels are as wide (labels: their widths in
        characters); the panels' ticks fixed the first time it is kept."""
        if plots.keep_layout(self.fig, labels) and not self.ticks_fixed:
            first = self.panels[OPTIMIZERS[0]]  # the panels share its tickers
            for axis in (first.xaxis, first.yaxis):
                where = axis.get_majorticklocs()
                axis.set_ticks(where, axis.get_major_formatter().format_ticks(where))
            first.set(xlim=self.land.xlim, ylim=self.land.ylim)
            self.ticks_fixed = True


def _race_figure(updates: dict, land: RaceLandscape, lr, beta, lr_adagrad, lr_adaptive, beta1, beta2, steps,
                 paths: Callable = _race_path, picture: _RacePicture | None = None):
    """The race's figure; paths(optimizer, update, settings, land, steps) gives (points, run), e.g. _RacePaths();
    picture: the _RacePicture to redraw (a new one if None)."""
    settings = _race_settings(lr, beta, lr_adagrad, lr_adaptive, beta1, beta2)
    shown = {}
    with core.quiet():
        for optimizer in OPTIMIZERS:
            name = UPDATE_FUNCTIONS[optimizer]
            reference, reference_run = paths(optimizer, REFERENCE_UPDATES[name], settings[optimizer], land, steps)
            path, run = paths(optimizer, updates[name], settings[optimizer], land, steps)
            run, why = _shown(run, reference_run)
            shown[optimizer] = (reference, reference if why else path, run, why)
        return (picture or _RacePicture(land)).draw(shown, settings, steps)


# --- (c) training notebook 04's network on the moons -----------------------------------------------

TRAINING_SETTINGS = {  # learning rates that suit each optimizer on the moons (the explorer scales them all)
    "gradient descent": {"lr": 0.5}, "momentum": {"lr": 0.5, "beta": 0.9}, "Nesterov": {"lr": 0.5, "beta": 0.9},
    "AdaGrad": {"lr": 0.1}, "RMSProp": {"lr": 0.01, "beta": 0.9},
    "Adam": {"lr": 0.01, "beta1": 0.9, "beta2": 0.999},
}
BATCH_SIZES = (("all 200 (batch)", 0), ("64", 64), ("32", 32), ("8", 8), ("1 (stochastic)", 1))


def moons_for_training() -> tuple[np.ndarray, np.ndarray]:
    """The 200 moons (X (2, 200), Y (1, 200)) that the training explorers learn."""
    return data.moons(np.random.default_rng(0), m=200, noise=0.2)


def _train_and_show(frames: core.Frames, races: dict, epochs: int, draw: Callable):
    """Train every race of {key: race} to `epochs` epochs, all together (an epoch each in turn, so that the
    frames show every curve growing), moving the progress bar and showing draw(view, epochs) every
    core.FRAME_SECONDS; returns the final figure."""
    view = _RaceView(races, epochs)
    frames.progress(view.epochs, epochs)
    while view.epochs < epochs:
        for race in races.values():
            if race.epochs <= view.epochs:
                with core.quiet():
                    race.epoch()
        view = _RaceView(races, epochs)
        frames.progress(view.epochs, epochs)
        if view.epochs < epochs and frames.due():
            frames.show(draw(view, epochs))
    return draw(view, epochs)


def training_race(update_with_momentum: Callable, nesterov_step: Callable, update_with_adagrad: Callable,
                  update_with_rmsprop: Callable, update_with_adam: Callable, batch_size: int = 32, epochs: int = 40,
                  lr_scale: float = 1.0) -> None:
    """Notebook 04's network (layers NETWORK_LAYERS, reference forward and backward) trained on the moons by the
    student's six optimizers with the learning rates of TRAINING_SETTINGS (times lr_scale), all from the same
    start and on the same mini-batches: the cost after every epoch, drawn as training runs, over the reference's,
    and the decision regions of the best network; a choice of mini-batch size, sliders for the epochs and the
    learning-rate scale, and a progress bar in IPython."""
    updates = _updates(update_with_momentum, nesterov_step, update_with_adagrad, update_with_rmsprop,
                       update_with_adam)
    X, Y = moons_for_training()
    cache, picture = _RaceCache(), _TrainingPicture(X, Y)

    def draw(frames, batch_size, epochs, lr_scale):
        races = {optimizer: cache.get((optimizer, batch_size, lr_scale), lambda optimizer=optimizer: _TrainingRace(
            updates, X, Y, batch_size, {optimizer: plan}))
            for optimizer, plan in _optimizer_plans(lr_scale).items()}
        return _train_and_show(frames, races, epochs, lambda view, epochs: _draw_training_race(view, epochs, picture))

    core.explore(draw, live=True, progress="epochs",
                 batch_size=core.dropdown(BATCH_SIZES, batch_size, "mini-batch size"),
                 epochs=core.slider("int", epochs, 5, 200, 5, "epochs"),
                 lr_scale=core.slider("log", lr_scale, -1, 1, 0.05, "learning rates ×", base=10, readout_format=".2f"))


def _optimizer_plans(lr_scale: float) -> dict:
    return {optimizer: (optimizer, {**settings, "lr": settings["lr"] * lr_scale}, None)
            for optimizer, settings in TRAINING_SETTINGS.items()}


def _optimizer_training(updates: dict, X, Y, batch_size: int, lr_scale: float) -> _TrainingRace:
    return _TrainingRace(updates, X, Y, batch_size, _optimizer_plans(lr_scale))


def _cost_curves(ax, colours: dict) -> dict:
    """{key: (the reference's curve, the curve shown)}, empty, on a log axes: for _draw_costs."""
    ax.set_yscale("log")
    return {key: (ax.plot([], [], color=colour, linewidth=5, alpha=0.2)[0],
                  ax.plot([], [], color=colour, linewidth=1.5)[0]) for key, colour in colours.items()}


def _draw_costs(ax, curves: dict, race: _TrainingRace | _RaceView, label: Callable) -> dict:
    """The race's costs after each epoch into curves (_cost_curves), a note if the student's runs failed, a
    y-range with room for the legend; {key: (costs shown, their run, why they are the reference's)}. label(key,
    run, costs) is the legend's text."""
    plots.clear_notes(ax)
    at, shown, drawn = np.arange(1, race.epochs + 1), {}, []
    for key, runs in race.runs.items():
        run, why = _shown(runs["yours"], runs["reference"])
        reference = np.array(race.costs[key, "reference"])
        costs = reference if why else np.array(race.costs[key, "yours"])
        ghost, line = curves[key]
        ghost.set_data(at, reference)
        line.set(data=(at, costs), linestyle="--" if why else "-",
                 label=label(key, run, costs) + (" (reference)" if why else ""))
        shown[key], drawn = (costs, run, why), drawn + [reference, costs]
    if any(why for _, _, why in shown.values()):
        plots.note(ax, core.reference_only(core.together(why for _, _, why in shown.values())))
    plots.log_room_below(ax, drawn)
    return shown


class _TrainingPicture:
    """The training explorer's figure, made once and redrawn in place (plots.lasting), frames and all: the cost
    after every epoch of each optimizer over the reference's, and the decision regions of the network with the
    lowest cost."""

    def __init__(self, X, Y):
        fig, (self.left, self.right) = plots.figure(ncols=2, size=(12, 4.4))
        self.fig, self.X, self.Y, self.regions = plots.lasting(fig), X, Y, None
        self.curves = _cost_curves(self.left, OPTIMIZER_COLOURS)
        self.left.set(xlabel="epoch", ylabel="cost J on all 200 examples")
        self.grid, self.extent = plots.plane_grid(X, n=101)
        plots.class_points(self.right, X, Y)
        self.right.set(xlim=self.extent[:2], ylim=self.extent[2:], xlabel="x₁", ylabel="x₂")
        self.right.legend(loc="lower right")

    def draw(self, race: _TrainingRace | _RaceView, epochs: int):
        shown = _draw_costs(self.left, self.curves, race, lambda key, run, costs: f"{key}, lr {run.settings['lr']:.3g}")
        batches = -(-self.X.shape[1] // race.batch_size) if race.batch_size else 1
        self.left.set(xlim=(0.5, epochs + 0.5), title=f"mini-batches of {race.batch_size or self.X.shape[1]}: "
                      f"{batches} updates per epoch; epoch {race.epochs} of {epochs}")
        self.left.legend(loc="lower left", fontsize=8, ncols=2)
        finals = {key: costs[-1] for key, (costs, _, _) in shown.items() if race.epochs and np.isfinite(costs[-1])}
        if finals:
            best = min(finals, key=finals.get)
            why = shown[best][2]
            parameters = race.snapshots[best, "reference" if why else "yours"][-1]
            m = self.X.shape[1]
            predictions = bpref.model_forward(np.hstack([self.X, self.grid]), parameters)[0]
            if self.regions is None:
                self.regions = plots.shade_classes(self.right, predictions[:, m:], self.extent)
            self.regions.set_data(predictions[:, m:].reshape(self.regions.get_array().shape) >= 0.5)
            right_now = np.mean((predictions[:, :m] >= 0.5) == (self.Y > 0.5))
            self.right.set_title(f"the lowest cost: {best} ({'reference' if why else 'yours'}), "
                                 f"J = {finals[best]:.3f}, {right_now:.0%} right")
        if self.regions is not None:
            self.regions.set_visible(bool(finals))
        if not finals:
            self.right.set_title("")
        plots.keep_layout(self.fig, plots.log_layout_key(self.left, epochs))
        return self.fig


def _draw_training_race(race: _TrainingRace | _RaceView, epochs: int, picture: _TrainingPicture | None = None):
    """The training explorer's figure, drawn into picture (a new one if None)."""
    return (picture or _TrainingPicture(race.X, race.Y)).draw(race, epochs)


def _training_race_figure(updates: dict, X, Y, batch_size: int, epochs: int, lr_scale: float = 1.0):
    """The training explorer's final figure, computed without IPython (updates: like REFERENCE_UPDATES)."""
    race = _optimizer_training(updates, X, Y, batch_size, lr_scale)
    with core.quiet():
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
            "exponential": lambda epoch: gd.lr_exponential_decay(lr0, epoch, k),
            "inverse time": lambda epoch: gd.lr_inverse_time_decay(lr0, epoch, decay_rate)}


def schedule_training(update_with_momentum: Callable, lr0: float = 0.5, beta: float = 0.9, every: int = 10,
                      k: float = 0.05, decay_rate: float = 0.2, batch_size: int = 8, epochs: int = 40) -> None:
    """Notebook 04's network trained on the moons with the student's update_with_momentum (β = beta) on small
    mini-batches, under four learning-rate schedules from lr0: constant, step (halved every `every` epochs),
    exponential (k) and inverse-time (decay_rate) decay, the last two by notebook 02's references. The rate and
    the cost after every epoch, drawn as training runs, over the reference's; sliders for lr0 and the decays."""
    X, Y = moons_for_training()

    updates = {**REFERENCE_UPDATES, "update_with_momentum": update_with_momentum}
    cache, picture = _RaceCache(), _SchedulePicture()

    def draw(frames, lr0, every, k, decay_rate):
        knobs = {"constant": None, "step": every, "exponential": k, "inverse time": decay_rate}  # what each uses
        races = {name: cache.get((name, lr0, knobs[name]), lambda name=name, plan=plan: _TrainingRace(
            updates, X, Y, batch_size, {name: plan}))
            for name, plan in _schedule_plans(lr0, beta, every, k, decay_rate).items()}
        return _train_and_show(frames, races, epochs, lambda view, epochs: _draw_schedules(view, epochs, picture))

    core.explore(draw, live=True, progress="epochs",
                 lr0=core.slider("log", lr0, -2, 0.5, 0.05, "lr0", base=10, readout_format=".3f"),
                 every=core.slider("int", every, 1, 30, 1, "step: halve every … epochs"),
                 k=core.slider("float", k, 0.0, 0.3, 0.01, "k (exponential)"),
                 decay_rate=core.slider("float", decay_rate, 0.0, 1.0, 0.02, "decay_rate (inverse time)"))


def _schedule_plans(lr0, beta, every, k, decay_rate) -> dict:
    return {name: ("momentum", {"lr": lr0, "beta": beta}, schedule)
            for name, schedule in _schedules(lr0, every, k, decay_rate).items()}


def _schedule_training(update_with_momentum, X, Y, lr0, beta, every, k, decay_rate, batch_size) -> _TrainingRace:
    updates = {**REFERENCE_UPDATES, "update_with_momentum": update_with_momentum}
    return _TrainingRace(updates, X, Y, batch_size, _schedule_plans(lr0, beta, every, k, decay_rate))


class _SchedulePicture:
    """The schedule explorer's figure, made once and redrawn in place (plots.lasting): the learning rate of each
    schedule, and the cost after every epoch over the reference's."""

    def __init__(self):
        fig, (self.left, self.right) = plots.figure(ncols=2, size=(12, 4.2))
        self.fig = plots.lasting(fig)
        self.rates = {key: self.left.plot([], [], color=colour, linewidth=1.5, label=key)[0]
                      for key, colour in SCHEDULE_COLOURS.items()}
        self.curves = _cost_curves(self.right, SCHEDULE_COLOURS)
        self.left.set(xlabel="epoch", ylabel="learning rate")
        self.right.set(xlabel="epoch", ylabel="cost J on all 200 examples")
        self.left.legend(loc="upper right")

    def draw(self, race: _TrainingRace | _RaceView, epochs: int):
        at = np.arange(epochs)
        for key, line in self.rates.items():
            line.set_data(at + 1, [race.plans[key][2](e) for e in at])

        def label(key, run, costs):
            return key + (f", last J = {costs[-1]:.3f}" if race.epochs and np.isfinite(costs[-1]) else "")

        _draw_costs(self.right, self.curves, race, label)
        lr0 = race.plans["constant"][1]["lr"]
        self.left.set(xlim=(0.5, epochs + 0.5), ylim=(0, 1.1 * lr0), title=f"the schedules from lr0 = {lr0:.3g}")
        self.right.set(xlim=(0.5, epochs + 0.5), title=f"momentum (β = {race.plans['constant'][1]['beta']:g}) on "
                       f"mini-batches of {race.batch_size}; epoch {race.epochs} of {epochs}")
        self.right.legend(loc="lower left", fontsize=8, ncols=2)
        plots.keep_layout(self.fig, plots.log_layout_key(self.right, epochs) + (f"{lr0:.3g}",))
        return self.fig


def _draw_schedules(race: _TrainingRace | _RaceView, epochs: int, picture: _SchedulePicture | None = None):
    """The schedule explorer's figure, drawn into picture (a new one if None)."""
    return (picture or _SchedulePicture()).draw(race, epochs)


def _schedule_figure(update_with_momentum: Callable, X, Y, epochs: int = 40, lr0: float = 0.5, beta: float = 0.9,
                    every: int = 10, k: float = 0.05, decay_rate: float = 0.2, batch_size: int = 8):
    """The schedule explorer's final figure, computed without IPython."""
    race = _schedule_training(update_with_momentum, X, Y, lr0, beta, every, k, decay_rate, batch_size)
    with core.quiet():
        for _ in range(epochs):
            race.epoch()
    return _draw_schedules(race, epochs)

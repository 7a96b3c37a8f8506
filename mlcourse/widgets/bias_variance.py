"""Notebook 06's explorers: many training sets fitted by polynomials of one degree (the bias–variance picture) with
the curves of bias², variance and noise that add up to the validation error; interpolation against extrapolation;
how the data are split; k-fold cross-validation choosing the degree; and the training-vs-validation table turned
into the map of `diagnose`.

The data come from one true function, f(x) = sin(πx) on [−1, 1], plus Gaussian noise of standard deviation
NOISE. Everything that does not depend on a control (the datasets, the reference's fits) is computed once and
cached; the student's fits are computed for every degree at the first draw, so moving a slider only redraws.
Private helpers start with `_bv`.
"""

from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np

from .. import bias_variance as ref
from .. import plots
from . import core

NOISE = 0.3  # standard deviation of the noise: the noise term of the test error is NOISE² = 0.09
M_TRAIN = 20  # points per training set
N_DATASETS = 100  # training sets in the bias–variance picture
DEGREES = tuple(range(0, 13))
GRID = (np.arange(200) + 0.5) / 100 - 1  # where bias² and variance are measured: midpoints of 200 equal cells
_CACHE: dict = {}


def f_true(x):
    """The true function behind every dataset of the notebook."""
    return np.sin(np.pi * np.asarray(x, dtype=np.float64))


def sample(rng: np.random.Generator, m: int, low: float = -1.0, high: float = 1.0):
    """(x, y): m inputs uniform on [low, high] and y = f_true(x) + noise."""
    x = rng.uniform(low, high, size=m)
    return x, f_true(x) + NOISE * rng.normal(size=m)


def _spread(rng: np.random.Generator, m: int):
    """(x, y): m inputs spread over [−1, 1] (one uniform draw in each of m equal slots), y = f_true(x) + noise."""
    x = (np.arange(m) + rng.uniform(size=m)) * 2 / m - 1
    return x, f_true(x) + NOISE * rng.normal(size=m)


def _bv_datasets():
    """N_DATASETS training sets and as many validation sets of M_TRAIN points each, the same every time. The inputs
    are spread out (never a gap at an end of [−1, 1]), so that the differences between the fits come from the
    noise and the degree rather than from where the points happen to fall."""
    if "datasets" not in _CACHE:
        rng = np.random.default_rng(2024)
        _CACHE["datasets"] = [(_spread(rng, M_TRAIN), sample(rng, M_TRAIN)) for _ in range(N_DATASETS)]
    return _CACHE["datasets"]


class _BvCurves(NamedTuple):
    predictions: dict  # degree -> (N_DATASETS, len(GRID)) predictions on GRID
    bias2: np.ndarray  # per degree
    variance: np.ndarray
    train_mse: np.ndarray  # mean over datasets of the training MSE
    val_mse: np.ndarray  # mean over datasets of the MSE on each dataset's own validation set


def _bv_curves(fit_polynomial, predict_polynomial, bias_variance_decomposition) -> _BvCurves:
    """Every degree's fits to every training set, and the curves, from the given functions."""
    predictions, bias2, variance, train_mse, val_mse = {}, [], [], [], []
    for degree in DEGREES:
        rows, train, val = [], [], []
        for (x, y), (x_val, y_val) in _bv_datasets():
            w = core.array(fit_polynomial(x.copy(), y.copy(), degree), (degree + 1,),
                           f"fit_polynomial (degree {degree})")
            on = lambda points: core.array(predict_polynomial(w.copy(), points.copy()), points.shape,  # noqa: E731
                                           "predict_polynomial")
            rows.append(on(GRID))
            train.append(np.mean((on(x) - y) ** 2))
            val.append(np.mean((on(x_val) - y_val) ** 2))
        predictions[degree] = np.array(rows)
        out = bias_variance_decomposition(predictions[degree].copy(), f_true(GRID))
        if not isinstance(out, (tuple, list)) or len(out) != 2:
            raise core.Unusable("bias_variance_decomposition should return the pair (bias2, variance)")
        bias2.append(core.number(out[0], "bias_variance_decomposition"))
        variance.append(core.number(out[1], "bias_variance_decomposition"))
        train_mse.append(np.mean(train))
        val_mse.append(np.mean(val))
    return _BvCurves(predictions, *(np.array(v) for v in (bias2, variance, train_mse, val_mse)))


def _bv_reference_curves() -> _BvCurves:
    if "reference" not in _CACHE:
        with np.errstate(all="ignore"):
            _CACHE["reference"] = _bv_curves(ref.fit_polynomial, ref.predict_polynomial,
                                             ref.bias_variance_decomposition)
    return _CACHE["reference"]


def bias_variance_explorer(fit_polynomial: Callable, predict_polynomial: Callable,
                           bias_variance_decomposition: Callable, degree: int = 3) -> None:
    """Fits polynomials of the chosen degree to N_DATASETS training sets of M_TRAIN noisy points with your functions:
    left, 25 of the fits, their average and the true function; right, against the degree, your bias² and variance,
    the noise NOISE², their sum, and the measured training and validation errors (the reference pale blue)."""
    mine, why = core.run(lambda: _bv_curves(fit_polynomial, predict_polynomial, bias_variance_decomposition))
    reference = _bv_reference_curves()
    core.explore(lambda degree: _bias_variance_figure(mine, reference, why, degree),
                 degree=core.slider("int", degree, DEGREES[0], DEGREES[-1], 1, "degree"))


def _bias_variance_figure(mine: _BvCurves | None, reference: _BvCurves, why: str, degree: int):
    shown = mine if mine is not None else reference
    colour = plots.STUDENT if mine is not None else plots.REFERENCE
    fig, (left, right) = plots.figure(ncols=2, size=(11.5, 4.4))
    for row in shown.predictions[degree][:25]:
        left.plot(GRID, row, color=colour, linewidth=0.7, alpha=0.35)
    left.plot(GRID, shown.predictions[degree].mean(axis=0), color=colour, linewidth=2.5, label="average fit")
    left.plot(GRID, f_true(GRID), color="#343a40", linewidth=1.6, linestyle="--", label="true f(x) = sin(πx)")
    x, y = _bv_datasets()[0][0]
    left.scatter(x, y, s=14, color="#343a40", zorder=3, label="one training set")
    left.set(xlim=(-1, 1), ylim=(-2.2, 2.2), xlabel="x", ylabel="y")
    i = DEGREES.index(degree)
    left.set_title(f"degree {degree}: bias² = {shown.bias2[i]:.3f}, variance = {shown.variance[i]:.3f}")
    left.legend(loc="lower right", fontsize=8)
    d = np.array(DEGREES)
    total = shown.bias2 + shown.variance + NOISE**2
    for values in (reference.bias2, reference.variance, reference.val_mse):
        right.plot(d, values, color=plots.REFERENCE, linewidth=5, alpha=0.25)
    right.plot(d, shown.bias2, "o-", color="#7048e8", label="bias²")
    right.plot(d, shown.variance, "s-", color=plots.ACCENT, label="variance")
    right.axhline(NOISE**2, color=plots.MUTED, linestyle=":", label=f"noise σ² = {NOISE**2:.2f}")
    right.plot(d, total, color="#343a40", linewidth=2, label="bias² + variance + noise")
    right.plot(d, shown.val_mse, "^--", color=colour, label="validation MSE (measured)")
    right.plot(d, shown.train_mse, "v:", color=colour, label="training MSE (measured)")
    right.axvline(degree, color=plots.MUTED, linewidth=1)
    right.set(xlabel="degree", ylabel="mean squared error", yscale="log", ylim=(1e-4, 30))
    right.set_title(f"lowest validation error at degree {DEGREES[int(np.argmin(shown.val_mse))]}")
    right.legend(loc="upper center", fontsize=7, ncol=2)
    if why:
        plots.note(left, core.reference_only(why))
    return fig


# --- interpolation and extrapolation --------------------------------------------------------------------------


def extrapolation_explorer(fit_polynomial: Callable, predict_polynomial: Callable, rmse: Callable,
                           degree: int = 9) -> None:
    """One training set of 15 points on [−1, 1], fitted with your fit_polynomial at the chosen degree and drawn on
    [−1.5, 1.5]: between the points (interpolation) the fit is tame, beyond them (extrapolation) a high degree
    shoots off. The title gives your rmse on fresh points inside and outside the training range."""
    fits: dict = {}

    def draw(degree):
        if degree not in fits:
            fits[degree] = _bv_extrapolation(fit_polynomial, predict_polynomial, rmse, degree)
        return _extrapolation_figure(*fits[degree], degree)

    core.explore(draw, degree=core.slider("int", degree, 0, 14, 1, "degree"))


def _bv_extrapolation_data():
    rng = np.random.default_rng(15)
    x, y = sample(rng, 15)
    inside = sample(rng, 200)
    outside_x = np.concatenate([rng.uniform(-1.5, -1, 100), rng.uniform(1, 1.5, 100)])
    return x, y, inside, (outside_x, f_true(outside_x) + NOISE * rng.normal(size=200))


def _bv_extrapolation(fit_polynomial, predict_polynomial, rmse, degree: int):
    """(your curve or None, the reference's curve, (rmse inside, rmse outside), why yours failed)."""
    x, y, inside, outside = _bv_extrapolation_data()
    wide = np.linspace(-1.5, 1.5, 301)

    def compute(fit, predict, error):
        w = core.array(fit(x.copy(), y.copy(), degree), (degree + 1,), "fit_polynomial")
        curve = core.array(predict(w.copy(), wide), wide.shape, "predict_polynomial")
        errors = tuple(core.number(error(core.array(predict(w.copy(), px), px.shape, "predict_polynomial"), py),
                                   "rmse") for px, py in (inside, outside))
        return curve, errors

    with np.errstate(all="ignore"):
        reference = compute(ref.fit_polynomial, ref.predict_polynomial, ref.rmse)
    mine, why = core.run(lambda: compute(fit_polynomial, predict_polynomial, rmse))
    return mine, reference, why


def _extrapolation_figure(mine, reference, why: str, degree: int):
    x, y, _, _ = _bv_extrapolation_data()
    wide = np.linspace(-1.5, 1.5, 301)
    (curve, (inside, outside)), colour = (mine, plots.STUDENT) if mine is not None else (reference, plots.REFERENCE)
    fig, ax = plots.figure(size=(8, 4.2))
    ax.axvspan(-1.5, -1, color=plots.MUTED, alpha=0.12)
    ax.axvspan(1, 1.5, color=plots.MUTED, alpha=0.12, label="no training data: extrapolation")
    ax.plot(wide, f_true(wide), color="#343a40", linestyle="--", linewidth=1.4, label="true f")
    plots.ghost(ax, wide, reference[0])
    ax.plot(wide, curve, color=colour, linewidth=1.8, label=f"degree {degree} fit")
    ax.scatter(x, y, s=20, color="#343a40", zorder=3, label="15 training points")
    ax.set(xlim=(-1.5, 1.5), ylim=(-3, 3), xlabel="x", ylabel="y")
    ax.set_title(f"RMSE inside [−1, 1]: {inside:.2f}; outside: {outside:.3g}")
    ax.legend(loc="lower right", fontsize=8)
    if why:
        plots.note(ax, core.reference_only(why))
    return fig


# --- how the data are split ------------------------------------------------------------------------------------

SPLIT_COLOURS = {"train": "#1c7ed6", "validation": "#f08c00", "test": "#7048e8", "unused": "#e9ecef"}


def split_picture(train_val_test_split: Callable, k_fold_indices: Callable | None = None, m: int = 24,
                  fractions=(0.6, 0.2), k: int = 4) -> None:
    """Which of m examples your train_val_test_split(m, fractions, default_rng(0)) sends where (first row, the
    reference's below it), and, given k_fold_indices, your k folds of the training examples (default_rng(1))."""
    plots.show(_split_figure(train_val_test_split, k_fold_indices, m, tuple(fractions), k))


def _roles(parts, names, m) -> np.ndarray:
    """A row of role numbers (index into names; 3 for unused) for examples 0..m−1; an index outside 0..m−1 is
    Unusable."""
    row = np.full(m, 3)
    for part, name in zip(parts, names):
        index = np.asarray(part)
        if index.size and (index.dtype.kind not in "iu" or index.min() < 0 or index.max() >= m):
            raise core.Unusable(f"the {name} indices are not whole numbers between 0 and {m - 1}")
        row[index.astype(int)] = names.index(name)
    return row


def _bv_split_rows(split, folds, m, fractions, k):
    parts = split(m, fractions, np.random.default_rng(0))
    if not isinstance(parts, (tuple, list)) or len(parts) != 3:
        raise core.Unusable(f"train_val_test_split returned {type(parts).__name__}, not three index arrays")
    train, val, test = (np.asarray(part) for part in parts)
    rows = [_roles((train, val, test), ["train", "validation", "test"], m)]
    if folds is None:
        return np.array(rows)
    n_train = len(train)
    pairs = folds(n_train, k, np.random.default_rng(1))
    if not isinstance(pairs, (tuple, list)) or len(pairs) != k or \
            not all(isinstance(p, (tuple, list)) and len(p) == 2 for p in pairs):
        raise core.Unusable(f"k_fold_indices returned {type(pairs).__name__}, not a list of {k} pairs "
                            "(train_idx, val_idx)")
    for train_idx, val_idx in pairs:
        within = _roles((np.asarray(train)[np.asarray(train_idx, dtype=int)],
                         np.asarray(train)[np.asarray(val_idx, dtype=int)]), ["train", "validation"], m)
        rows.append(within)
    return np.array(rows)


def _split_figure(train_val_test_split, k_fold_indices, m, fractions, k):
    folds = None if k_fold_indices is None else k
    reference = _bv_split_rows(ref.train_val_test_split, None if folds is None else ref.k_fold_indices, m, fractions,
                               k)
    mine, why = core.run(lambda: _bv_split_rows(train_val_test_split, k_fold_indices, m, fractions, k))
    names = ["train", "validation", "test", "unused"]
    n_folds = 0 if folds is None else k
    fig, ax = plots.figure(size=(9, 0.5 * (n_folds + 3) + 1))
    rows = [("your split", mine[0] if mine is not None else None), ("reference split", reference[0])]
    rows += [(f"fold {i + 1}", (mine if mine is not None else reference)[i + 1]) for i in range(n_folds)]
    for r, (label, row) in enumerate(rows):
        if row is None:
            continue
        for j, role in enumerate(row):
            ax.add_patch(_square(j, -r, SPLIT_COLOURS[names[min(role, 3)]]))
    ax.set_yticks([-r + 0.45 for r in range(len(rows))], [label for label, _ in rows])
    ax.set_xticks(np.arange(m) + 0.45, [str(j) for j in range(m)], fontsize=7)
    ax.set(xlim=(-0.2, m + 0.1), ylim=(-len(rows) + 0.8, 1.1), xlabel="example")
    ax.grid(False)
    for name, colour in list(SPLIT_COLOURS.items())[:3]:
        ax.bar(0, 0, color=colour, label=name)
    ax.legend(loc="upper right", ncol=3, fontsize=8, bbox_to_anchor=(1, 1.25))
    ax.set_title(f"m = {m}, fractions {fractions}" + (f"; then {k} folds of the training examples" if n_folds else ""),
                 loc="left")
    if why:
        plots.note(ax, core.reference_only(why))
    return fig


def _square(x, y, colour):
    from matplotlib.patches import Rectangle

    return Rectangle((x, y), 0.9, 0.9, facecolor=colour, edgecolor="white")


# --- k-fold cross-validation choosing the degree ------------------------------------------------------------------


def _bv_cv_data():
    return sample(np.random.default_rng(30), 30)


def _bv_cv_errors(cross_validate_degree, k: int) -> np.ndarray:
    x, y = _bv_cv_data()
    return np.array([core.number(cross_validate_degree(x.copy(), y.copy(), d, k, np.random.default_rng(0)),
                                 "cross_validate_degree") for d in DEGREES])


def _bv_true_errors() -> tuple[np.ndarray, np.ndarray]:
    """(training MSE, test MSE on 2000 fresh points) of the fit to all 30 points, per degree (reference)."""
    if "cv_truth" not in _CACHE:
        x, y = _bv_cv_data()
        x_test, y_test = sample(np.random.default_rng(31), 2000)
        fits = [ref.fit_polynomial(x, y, d) for d in DEGREES]
        _CACHE["cv_truth"] = (np.array([np.mean((ref.predict_polynomial(w, x) - y) ** 2) for w in fits]),
                              np.array([np.mean((ref.predict_polynomial(w, x_test) - y_test) ** 2) for w in fits]))
    return _CACHE["cv_truth"]


def cross_validation_explorer(cross_validate_degree: Callable, k: int = 5) -> None:
    """Your cross_validate_degree(x, y, degree, k, default_rng(0)) for every degree on 30 noisy points, the degree it
    picks, the training error (which keeps falling) and the true test error on 2000 fresh points; slider for k."""
    cache: dict = {}

    def draw(k):
        if k not in cache:
            with np.errstate(all="ignore"):
                reference = _bv_cv_errors(ref.cross_validate_degree, k)
            mine, why = core.run(lambda: _bv_cv_errors(cross_validate_degree, k), name="cross_validate_degree")
            cache[k] = (mine, reference, why)
        return _cross_validation_figure(*cache[k], k)

    core.explore(draw, k=core.slider("int", k, 2, 15, 1, "k (folds)"))


def _cross_validation_figure(mine, reference, why: str, k: int):
    shown, colour = (mine, plots.STUDENT) if mine is not None else (reference, plots.REFERENCE)
    train, test = _bv_true_errors()
    d = np.array(DEGREES)
    fig, ax = plots.figure(size=(8, 4.2))
    plots.ghost(ax, d, reference)
    ax.plot(d, shown, "o-", color=colour, label=f"{k}-fold cross-validation MSE")
    ax.plot(d, train, "v:", color=plots.MUTED, label="training MSE (all 30 points)")
    ax.plot(d, test, color="#343a40", linewidth=1.4, label="test MSE on 2000 fresh points")
    best = int(d[np.argmin(shown)])
    ax.axvline(best, color=colour, linestyle="--", linewidth=1)
    ax.set(xlabel="degree", ylabel="mean squared error", yscale="log")
    ax.set_title(f"{k} folds choose degree {best}; the test error is lowest at degree {int(d[np.argmin(test)])}")
    ax.legend(loc="upper center", fontsize=8)
    if why:
        plots.note(ax, core.reference_only(why))
    return fig


# --- the diagnosis map ------------------------------------------------------------------------------------------------

VERDICT_COLOURS = {"good fit": "#ebfbee", "high bias": "#fff4e6", "high variance": "#e7f5ff",
                   "high bias and high variance": "#f3f0ff"}
REMEDIES = {  # the notes' table: what to try for each verdict
    "high bias": "bigger model, train longer",
    "high variance": "more data, regularization, early stopping",
    "high bias and high variance": "first the bias, then the variance",
    "good fit": "done",
}
NOTES_EXAMPLES = {"5 % / 6 %": (0.05, 0.06), "2 % / 7 %": (0.02, 0.07)}


def _bv_verdicts(diagnose, train, val, human_error, threshold) -> np.ndarray:
    """The index into VERDICT_COLOURS of diagnose(t, v, human_error, threshold) for every pair (t, v)."""
    names = list(VERDICT_COLOURS)
    out = np.empty(train.shape, dtype=int)
    for index in np.ndindex(train.shape):
        verdict = diagnose(float(train[index]), float(val[index]), human_error, threshold)
        if not isinstance(verdict, str) or verdict not in names:
            raise core.Unusable(f"diagnose returned {verdict!r}, not one of {', '.join(map(repr, names))}")
        out[index] = names.index(verdict)
    return out


def diagnosis_map(diagnose: Callable, human_error: float = 0.005, threshold: float = 0.02) -> None:
    """The plane of (training error, validation error) coloured by your diagnose, with the reference's borders and
    the notes' two examples; sliders for human-level error and the threshold."""
    core.explore(lambda human_error, threshold: _diagnosis_figure(diagnose, human_error, threshold),
                 human_error=core.slider("float", human_error, 0.0, 0.1, 0.005, "human-level error",
                                         readout_format=".3f"),
                 threshold=core.slider("float", threshold, 0.005, 0.05, 0.005, "threshold", readout_format=".3f"))


def _diagnosis_figure(diagnose: Callable, human_error: float, threshold: float):
    t, v = np.meshgrid(np.linspace(0, 0.15, 76), np.linspace(0, 0.2, 81))
    reference = _bv_verdicts(ref.diagnose, t, v, human_error, threshold)
    mine, why = core.run(lambda: _bv_verdicts(diagnose, t, v, human_error, threshold), name="diagnose")
    shown = mine if mine is not None else reference
    names = list(VERDICT_COLOURS)
    from matplotlib.colors import ListedColormap

    fig, (chart, ax) = plots.figure(ncols=2, size=(12.5, 4.8))
    _flow_chart(chart, human_error, threshold)
    ax.imshow(shown, origin="lower", extent=(0, 0.15, 0, 0.2), aspect="auto", interpolation="nearest",
              cmap=ListedColormap(list(VERDICT_COLOURS.values())), vmin=-0.5, vmax=3.5)
    ax.axvline(human_error + threshold, color=plots.REFERENCE, linewidth=4, alpha=0.35)
    ax.plot([0, 0.15], [threshold, 0.15 + threshold], color=plots.REFERENCE, linewidth=4, alpha=0.35)
    ax.axvline(human_error, color=plots.MUTED, linestyle=":", linewidth=1)
    ax.text(human_error, 0.195, " human level", fontsize=8, color=plots.MUTED, va="top")
    for label, (train, val) in NOTES_EXAMPLES.items():
        verdict = names[_bv_verdicts(diagnose if mine is not None else ref.diagnose, np.array([train]),
                                     np.array([val]), human_error, threshold)[0]]
        ax.scatter([train], [val], color="#343a40", zorder=3)
        ax.annotate(f"{label}: {verdict}", (train, val), textcoords="offset points", xytext=(6, 4), fontsize=8)
    for name in names:
        ax.bar(0, 0, color=VERDICT_COLOURS[name], edgecolor="#adb5bd", label=name)
    ax.set(xlim=(0, 0.15), ylim=(0, 0.2), xlabel="training error", ylabel="validation error")
    wrong = 0 if mine is None else int(np.sum(mine != reference))
    ax.set_title("your diagnose" + (f": differs from the reference at {wrong} of {mine.size} points" if wrong else
                                    "" if mine is not None else ""))
    ax.legend(loc="upper right", fontsize=8)
    if why:
        plots.note(ax, core.reference_only(why))
    return fig


def _flow_chart(ax, human_error: float, threshold: float) -> None:
    """The notes' table as two questions in a row, with what to try after each answer."""
    ax.axis("off")
    ax.set(xlim=(0, 1), ylim=(0, 1))
    ax.set_title(f"human level {human_error:.3g}, threshold {threshold:.3g}")
    box = {"boxstyle": "round,pad=0.45", "facecolor": "white", "edgecolor": "#495057"}
    questions = ((0.26, 0.8, f"avoidable bias:\ntraining − human\n> {threshold:.3g} ?"),
                 (0.26, 0.43, f"gap:\nvalidation − training\n> {threshold:.3g} ?"))
    answers = ((0.76, 0.8, "high bias", "bigger model, train longer,\nbetter features; then ask again"),
               (0.76, 0.43, "high variance", "more data, regularization,\nearly stopping; then ask again"),
               (0.26, 0.08, "good fit", "done: measure once on the test set"))
    for x, y, text in questions:
        ax.text(x, y, text, ha="center", va="center", fontsize=9, bbox=box)
    for x, y, verdict, remedy in answers:
        ax.text(x, y, f"{verdict}\n{remedy}", ha="center", va="center", fontsize=8.5,
                bbox={**box, "facecolor": VERDICT_COLOURS[verdict]})
    arrow = {"arrowstyle": "-|>", "color": "#495057", "linewidth": 1.2}
    for (x0, y0), (x1, y1), label in (((0.42, 0.8), (0.53, 0.8), "yes"), ((0.42, 0.43), (0.53, 0.43), "yes"),
                                      ((0.26, 0.66), (0.26, 0.57), "no"), ((0.26, 0.29), (0.26, 0.16), "no")):
        ax.annotate("", (x1, y1), (x0, y0), arrowprops=arrow)
        ax.text((x0 + x1) / 2 + (0.02 if x0 == x1 else 0), (y0 + y1) / 2 + (0.0 if x0 == x1 else 0.03), label,
                fontsize=8, color="#495057", ha="left" if x0 == x1 else "center", va="center")

"""Notebook 09's explorers: a filter sliding over a small image (presets, padding and stride, the output size
from the student's conv_output_size), a small CNN built from the student's layers and trained on the 8×8
digits with a live cost curve, and the feature maps of its learned filters.

The CNN is conv (8 filters 3×3, same padding) → ReLU → max-pool 2×2 → flatten → dense → softmax, trained by
mini-batch gradient descent with momentum. Its layers are the functions the notebook hands over (the
student's); the dense layer and the softmax with cross-entropy (dZ = A − Y, notebook 04) are written here.
"""

from __future__ import annotations

import time
from typing import Callable, NamedTuple

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import NullLocator

from .. import cnn as cnnref
from .. import data, plots
from . import core

KERNELS = {  # 3×3 presets (cross-correlation: the entry [p, q] meets the window's entry [p, q])
    "vertical edge (Sobel)": [[1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [1.0, 0.0, -1.0]],
    "horizontal edge (Sobel)": [[1.0, 2.0, 1.0], [0.0, 0.0, 0.0], [-1.0, -2.0, -1.0]],
    "diagonal edge": [[0.0, 1.0, 1.0], [-1.0, 0.0, 1.0], [-1.0, -1.0, 0.0]],
    "blur (mean)": [[1 / 9] * 3] * 3,
    "sharpen": [[0.0, -1.0, 0.0], [-1.0, 5.0, -1.0], [0.0, -1.0, 0.0]],
    "identity": [[0.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 0.0]],
}
CNN_FILTERS, CNN_EPOCHS, CNN_BATCH, CNN_LR, CNN_MOMENTUM = 8, 10, 32, 0.1, 0.9
CNN_TIME_LIMIT = 90.0  # seconds: a run projected to take longer (e.g. a loop convolution) is not started
LIVE_SECONDS = 2.5  # at most one intermediate figure this often: drawing one costs about as much as an epoch


def _digits():
    return data.digits_split(np.random.default_rng(0))


def _explorer_image() -> np.ndarray:
    """One 8×8 digit (a zero) from the data set, (1, 8, 8, 1)."""
    images, labels = data.digits()
    return images[np.flatnonzero(labels == 0)[0]][None]


# --- the convolution explorer ---------------------------------------------------------------------


def conv_explorer(conv_output_size: Callable, conv_forward: Callable | None = None,
                  kernel: str = "vertical edge (Sobel)", pad: int = 0, stride: int = 1, position: int = 0) -> None:
    """A 3×3 filter on one 8×8 digit: the padded image with the current window, the filter, and the feature
    map computed by the student's conv_forward (the reference's while conv_forward is None), the current output
    entry marked. The title gives the output size from the student's conv_output_size. Controls: the filter,
    padding, stride, the window's position."""
    image = _explorer_image()
    core.explore(lambda kernel, pad, stride, position: _conv_explorer_figure(conv_forward, conv_output_size, image,
                                                                            kernel, pad, stride, position),
                 kernel=core.dropdown(list(KERNELS), kernel, "filter"),
                 pad=core.slider("int", pad, 0, 3, 1, "padding"), stride=core.slider("int", stride, 1, 3, 1, "stride"),
                 position=core.slider("int", position, 0, 99, 1, "window"))


def _conv_explorer_figure(conv_forward, conv_output_size, image, kernel: str, pad: int, stride: int, position: int):
    W = np.array(KERNELS[kernel]).reshape(3, 3, 1, 1)
    b = np.zeros(1)
    n = image.shape[1]
    expected_size = cnnref.conv_output_size(n, 3, pad, stride)
    size, why_size = core.call("conv_output_size", conv_output_size, n, 3, pad, stride, shape=())
    reference_Z = cnnref.conv_forward(image, W, b, stride, pad)[0]
    Z, why = (None, "") if conv_forward is None else core.call(
        "conv_forward", lambda *a: conv_forward(*a)[0], image.copy(), W, b, stride, pad, shape=reference_Z.shape)
    colour = plots.STUDENT if Z is not None else plots.REFERENCE
    Z = reference_Z if Z is None else Z
    fig, (left, middle, right) = plots.figure(ncols=3, size=(12, 4.2))
    for ax in (left, middle, right):
        ax.grid(False)
    padded = cnnref.zero_pad(image, pad)[0, :, :, 0]
    left.imshow(padded, cmap="Greys", vmin=0, vmax=1)
    if pad:
        left.add_patch(_rectangle(-0.5 + pad, -0.5 + pad, n, n, plots.MUTED, style="--"))
    h, w = divmod(position % (expected_size * expected_size), expected_size)
    left.add_patch(_rectangle(w * stride - 0.5, h * stride - 0.5, 3, 3, colour, line=2.5))
    left.set(title=f"input {n}×{n}, padded to {padded.shape[0]}×{padded.shape[1]}", xticks=[], yticks=[])
    middle.imshow(W[:, :, 0, 0], cmap="RdBu_r", vmin=-2, vmax=2)
    for (p, q), v in np.ndenumerate(W[:, :, 0, 0]):
        middle.text(q, p, f"{v:.2g}", ha="center", va="center", fontsize=11)
    middle.set(title=f"filter: {kernel}", xticks=[], yticks=[])
    limit = max(np.max(np.abs(Z)), 1e-9)
    right.imshow(Z[0, :, :, 0], cmap="RdBu_r", vmin=-limit, vmax=limit)
    right.add_patch(_rectangle(w - 0.5, h - 0.5, 1, 1, colour, line=2.5))
    right.set(xticks=[], yticks=[], title=f"feature map ({'yours' if colour == plots.STUDENT else 'reference'}): "
              f"entry ({h}, {w}) = {Z[0, h, w, 0]:.2f}")
    said = (f"your conv_output_size gives {int(size)}" if size is not None else why_size)
    verdict = "" if size is None or int(size) == expected_size else f" — the reference gives {expected_size}"
    fig.suptitle(f"output size ⌊({n} + 2·{pad} − 3)/{stride}⌋ + 1 = {expected_size}: {said}{verdict}", fontsize=11,
                 color=plots.WARNING if verdict or size is None else "#212529")
    if why:
        plots.note(right, core.reference_only(why))
    return fig


def _rectangle(x, y, width, height, colour, line: float = 1.5, style="-"):
    from matplotlib.patches import Rectangle

    return Rectangle((x, y), width, height, fill=False, edgecolor=colour, linestyle=style, linewidth=line)


# --- parameter counts -----------------------------------------------------------------------------


def summary_tables(model_summary: Callable, models: dict) -> None:
    """For each model {title: (input_shape, layers)}: a table like Keras' summary() from the student's
    model_summary, rows that differ from the reference marked; the reference's table where theirs fails."""
    names = {"dense": "Dense", "conv": "Conv2D", "maxpool": "MaxPooling2D", "flatten": "Flatten"}
    for title, (input_shape, layers) in models.items():
        expected = cnnref.model_summary(input_shape, layers)
        got, why = core.run(lambda: _summary_result(model_summary(input_shape, layers), len(layers)),
                            name="model_summary")
        print(f"{title}, input {tuple(input_shape)}" + (f"  [{core.reference_only(why)}]" if why else ""))
        rows, total = (got if got is not None else expected)
        print(f"  {'layer':34s}{'output shape':22s}{'parameters':>12s}")
        for layer, (shape, params), (want_shape, want_params) in zip(layers, rows, expected[0]):
            text = names.get(layer[0], str(layer[0])) + (f"({', '.join(map(repr, layer[1:]))})" if len(layer) > 1 else "")
            wrong = "" if (tuple(shape), params) == (want_shape, want_params) else \
                f"   ← the reference: {want_shape}, {want_params:,}"
            shown = "(None, " + ", ".join(map(str, shape)) + ")"
            print(f"  {text:34s}{shown:22s}{params:>12,}{wrong}")
        mark = "" if total == expected[1] else f"   ← the reference: {expected[1]:,}"
        print(f"  {'total':56s}{total:>12,}{mark}\n")


def _summary_result(result, n_layers: int):
    """(rows, total) checked for its form: n_layers pairs (shape tuple, int) and an int total, else Unusable."""
    try:
        rows, total = result
        rows = [(tuple(int(n) for n in shape), int(params)) for shape, params in rows]
        total = int(total)
    except (TypeError, ValueError):
        raise core.Unusable("model_summary returned something other than (rows, total) with rows of "
                            "(output_shape, n_params)") from None
    if len(rows) != n_layers:
        raise core.Unusable(f"model_summary returned {len(rows)} rows for {n_layers} layers")
    return rows, total


# --- training the digit classifier ----------------------------------------------------------------


class _CnnRun(NamedTuple):
    costs: list  # per mini-batch
    accuracies: list  # test accuracy after each epoch
    parameters: dict
    seconds: float


def _softmax(Z):
    e = np.exp(Z - Z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def cnn_forward(layers: dict, parameters: dict, X: np.ndarray):
    """(probabilities (10, m), caches) of the digit classifier on X (m, 8, 8, 1), with the given layer functions."""
    Z1, conv_cache = layers["conv_forward"](X, parameters["W1"], parameters["b1"], 1, 1)
    Z1 = core.array(Z1, (X.shape[0], 8, 8, CNN_FILTERS), "conv_forward's Z")
    A1 = np.maximum(Z1, 0.0)
    P, pool_cache = layers["maxpool_forward"](A1, 2, 2)
    P = core.array(P, (X.shape[0], 4, 4, CNN_FILTERS), "maxpool_forward's A")
    F = P.reshape(X.shape[0], -1).T  # flatten: one column per example, as in notebooks 03–05
    return _softmax(parameters["W2"] @ F + parameters["b2"]), (conv_cache, Z1, pool_cache, P, F)


def _cnn_gradients(layers: dict, parameters: dict, caches, probabilities, Y) -> dict:
    conv_cache, Z1, pool_cache, P, F = caches
    m = Y.shape[1]
    dZ2 = (probabilities - Y) / m  # softmax with cross-entropy: dZ = A − Y (notebook 04), averaged over the batch
    dP = (parameters["W2"].T @ dZ2).T.reshape(P.shape)
    dA1 = core.array(layers["maxpool_backward"](dP, pool_cache), Z1.shape, "maxpool_backward's dA_prev")
    result = layers["conv_backward"](dA1 * (Z1 > 0), conv_cache)
    if not isinstance(result, tuple) or len(result) != 3:
        raise core.Unusable("conv_backward returned something other than (dA_prev, dW, db)")
    return {"W1": core.array(result[1], parameters["W1"].shape, "conv_backward's dW"),
            "b1": core.array(result[2], parameters["b1"].shape, "conv_backward's db"),
            "W2": dZ2 @ F.T, "b2": dZ2.sum(axis=1, keepdims=True)}


def _cnn_accuracy(layers, parameters, X, y) -> float:
    return float(np.mean(np.argmax(cnn_forward(layers, parameters, X)[0], axis=0) == y))


def _cnn_train(layers: dict, epochs: int = CNN_EPOCHS, progress=None) -> _CnnRun:
    X_train, y_train, X_test, y_test = _digits()
    rng = np.random.default_rng(0)
    parameters = {"W1": rng.standard_normal((3, 3, 1, CNN_FILTERS)) * np.sqrt(2 / 9), "b1": np.zeros(CNN_FILTERS),
                  "W2": rng.standard_normal((10, 16 * CNN_FILTERS)) * np.sqrt(1 / (16 * CNN_FILTERS)),
                  "b2": np.zeros((10, 1))}
    velocity = {key: np.zeros_like(value) for key, value in parameters.items()}
    Y_train = np.eye(10)[y_train].T
    costs, accuracies, start = [], [], time.perf_counter()
    batches = range(0, len(y_train), CNN_BATCH)
    for epoch in range(epochs):
        order = rng.permutation(len(y_train))
        for k, first in enumerate(batches):
            batch = order[first:first + CNN_BATCH]
            probabilities, caches = cnn_forward(layers, parameters, X_train[batch])
            Y = Y_train[:, batch]
            costs.append(float(-np.mean(np.sum(Y * np.log(np.clip(probabilities, 1e-12, 1.0)), axis=0))))
            grads = _cnn_gradients(layers, parameters, caches, probabilities, Y)
            for key in parameters:  # gradient descent with momentum (notebook 05)
                velocity[key] = CNN_MOMENTUM * velocity[key] + grads[key]
                parameters[key] = parameters[key] - CNN_LR * velocity[key]
            if epoch == 0 and k == 2:
                projected = (time.perf_counter() - start) / 3 * len(batches) * epochs
                if projected > CNN_TIME_LIMIT:
                    raise core.Unusable(f"training with these layers would take about {projected:.0f} s (a loop "
                                        "convolution?), so it was not run")
        accuracies.append(_cnn_accuracy(layers, parameters, X_test, y_test))
        if progress is not None:
            drawing = time.perf_counter()
            progress(_CnnRun(costs, accuracies, parameters, drawing - start), epoch + 1, epochs)
            start += time.perf_counter() - drawing  # the seconds reported are training, not drawing
    return _CnnRun(costs, accuracies, parameters, time.perf_counter() - start)


def _cnn_references() -> dict:
    return {name: getattr(cnnref, name) for name in ("conv_forward", "conv_backward", "maxpool_forward",
                                                     "maxpool_backward")}


def digits_cnn_training(conv_forward: Callable, conv_backward: Callable, maxpool_forward: Callable,
                        maxpool_backward: Callable, epochs: int = CNN_EPOCHS) -> dict | None:
    """Trains the digit classifier with the given layer functions (10 epochs of mini-batches of 32 on 1,348
    digits; a few seconds with vectorized layers), redrawing its cost curve and test accuracy as it goes with
    a progress bar, then shows test digits with its predictions. Returns the trained parameters (None if the
    given layers could not train it; the reference's run is shown then)."""
    layers = {"conv_forward": conv_forward, "conv_backward": conv_backward, "maxpool_forward": maxpool_forward,
              "maxpool_backward": maxpool_backward}
    trained: dict = {}
    kept: dict = {}  # {epochs: (run, why)}: moving the slider back trains nothing again

    def draw(frames, epochs):
        if epochs not in kept:
            frames.progress(0, epochs)

            shown = [time.perf_counter()]

            def live(run, done, total):
                frames.progress(done, total)
                if frames.due() and time.perf_counter() - shown[0] > LIVE_SECONDS:
                    frames.show(_cnn_training_figure(run, "", epochs, finished=False))
                    shown[0] = time.perf_counter()

            with np.errstate(all="ignore"):
                run, why = core.run(lambda: _cnn_train(layers, epochs, live if core.in_ipython() else None))
            if run is None:
                run = _cnn_train(_cnn_references(), epochs)
            kept[epochs] = run, why
        run, why = kept[epochs]
        frames.progress(epochs, epochs)
        trained.update(parameters=run.parameters if not why else None)
        return _cnn_training_figure(run, why, epochs, finished=True)

    core.explore(draw, live=True, progress="epochs", epochs=core.slider("int", epochs, 1, 20, 1, "epochs"))
    return trained.get("parameters")


def _cnn_training_figure(run: _CnnRun, why: str, epochs: int, finished: bool):
    fig = Figure(figsize=(12, 4.2), dpi=plots.DPI, layout="constrained")
    grid = fig.add_gridspec(3, 8, width_ratios=[3, 3, 3, 3, 1, 1, 1, 1])
    curve = fig.add_subplot(grid[:, :4])
    curve.grid(True, color="#dee2e6", linewidth=0.8)
    colour = plots.REFERENCE if why else plots.STUDENT
    steps = np.arange(1, len(run.costs) + 1)
    curve.plot(steps, run.costs, color=colour, alpha=0.35, linewidth=0.8, label="cost of each mini-batch")
    per_epoch = max(1, int(np.ceil(1348 / CNN_BATCH)))
    if len(run.costs) >= per_epoch:
        smooth = np.convolve(run.costs, np.ones(per_epoch) / per_epoch, mode="valid")
        curve.plot(np.arange(per_epoch, len(run.costs) + 1), smooth, color=colour, linewidth=2, label="mean over an epoch")
    curve.set(xlabel="mini-batch", ylabel="cross-entropy", yscale="log", xlim=(0, per_epoch * epochs))
    curve.yaxis.set_minor_locator(NullLocator())  # minor log ticks cost most of the drawing time
    accuracy = curve.twinx()
    epochs_done = np.arange(1, len(run.accuracies) + 1) * per_epoch
    accuracy.plot(epochs_done, run.accuracies, "o-", color=plots.ACCENT, label="test accuracy")
    accuracy.set(ylim=(0.5, 1.0), ylabel="test accuracy")
    accuracy.axhline(0.95, color=plots.ACCENT, linestyle=":", linewidth=1)
    last = run.accuracies[-1] if run.accuracies else float("nan")
    state = "trained" if finished else "training"
    curve.set_title(f"{state}: {len(run.accuracies)} of {epochs} epochs, {run.seconds:.1f} s of computing, "
                    f"test accuracy {last:.1%}")
    curve.legend(loc="lower left", fontsize=8)
    if why:
        plots.note(curve, core.reference_only(why))
    if finished:
        _prediction_grid(fig, grid, run)
    return fig


def _prediction_grid(fig, grid, run: _CnnRun) -> None:
    """Twelve test digits with the network's guesses; wrong guesses in red (the first ones it gets wrong)."""
    _, _, X_test, y_test = _digits()
    predictions = np.argmax(cnn_forward(_cnn_references(), run.parameters, X_test)[0], axis=0)
    wrong = np.flatnonzero(predictions != y_test)[:4]
    shown = list(wrong) + [i for i in range(len(y_test)) if i not in wrong][:12 - len(wrong)]
    for k, i in enumerate(shown):
        ax = fig.add_subplot(grid[k // 4, 4 + k % 4])
        ax.imshow(X_test[i, :, :, 0], cmap="Greys", vmin=0, vmax=1)
        ax.set_xticks([]), ax.set_yticks([])
        right = predictions[i] == y_test[i]
        ax.set_title(f"{predictions[i]}" + ("" if right else f" (is {y_test[i]})"), fontsize=9,
                     color="#212529" if right else plots.WARNING)


def feature_maps(parameters: dict | None, conv_forward: Callable, maxpool_forward: Callable, index: int = 0) -> None:
    """The 8 learned 3×3 filters of a trained classifier and what they make of one test digit: the feature
    maps after ReLU (8×8) and after max pooling (4×4), computed with the student's layers. A slider picks
    the digit. Without trained parameters (None), the reference's training run provides them."""
    if parameters is None:
        parameters = _cnn_train(_cnn_references()).parameters
    _, _, X_test, y_test = _digits()
    core.explore(lambda index: _feature_map_figure(parameters, conv_forward, maxpool_forward, X_test, y_test, index),
                 index=core.slider("int", index, 0, len(y_test) - 1, 1, "test digit"))


def _feature_map_figure(parameters, conv_forward, maxpool_forward, X_test, y_test, index: int):
    x = X_test[index:index + 1]
    layers = {**_cnn_references(), "conv_forward": conv_forward, "maxpool_forward": maxpool_forward}
    result, why = core.run(lambda: cnn_forward(layers, parameters, x))
    if result is None:
        layers, result = _cnn_references(), cnn_forward(_cnn_references(), parameters, x)
    probabilities, (_, Z1, _, P, _) = result
    fig = Figure(figsize=(12, 4.4), dpi=plots.DPI, layout="constrained")
    grid = fig.add_gridspec(3, 2, width_ratios=[1, 7])
    digit = fig.add_subplot(grid[:, 0])
    digit.imshow(x[0, :, :, 0], cmap="Greys", vmin=0, vmax=1)
    guess = int(np.argmax(probabilities[:, 0]))
    digit.set(xticks=[], yticks=[], title=f"digit {y_test[index]}\nguess {guess} ({probabilities[guess, 0]:.0%})")
    rows = ((parameters["W1"][:, :, 0, :], "RdBu_r", "the 8 learned 3×3 filters"),
            (np.maximum(Z1[0], 0.0), "viridis", "their feature maps after ReLU (8×8)"),
            (P[0], "viridis", "after 2×2 max pooling (4×4)"))
    for r, (maps, cmap, title) in enumerate(rows):
        ax = fig.add_subplot(grid[r, 1])
        ax.grid(False)
        limit = max(float(np.max(np.abs(maps))), 1e-9)
        ax.imshow(_mosaic(maps), cmap=cmap, vmin=-limit if cmap == "RdBu_r" else 0, vmax=limit, aspect="equal")
        ax.set_xticks([]), ax.set_yticks([])
        ax.set_title(title, fontsize=9)
        if why and r == 0:
            plots.note(ax, core.reference_only(why))
    return fig


def _mosaic(maps: np.ndarray) -> np.ndarray:
    """(h, w, c) maps side by side in one image, a blank (nan) column between them: one imshow, fast to draw."""
    h, w, c = maps.shape
    tiles = np.full((h, c * (w + 1) - 1), np.nan)
    for k in range(c):
        tiles[:, k * (w + 1):k * (w + 1) + w] = maps[:, :, k]
    return tiles

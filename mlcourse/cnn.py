"""Notebook 09 — CNN basics: references, cases and known mistakes.

Channels last, as in the notes' Keras examples: activations are (m, n_H, n_W, n_C), filters W are
(f, f, n_C_prev, n_C) and biases b are (n_C,). A "convolution" is the cross-correlation that deep-learning
libraries compute: Z[i, h, w, c] = Σ A_pad[i, h·s + p, w·s + q, k] · W[p, q, k, c] + b[c].

The references of conv_forward / conv_backward / maxpool_* are vectorized (a strided view of all the
windows, then one matrix product); the notebook teaches the loop version first. Every layer is a pair,
`*_forward(...) -> (out, cache)` and `*_backward(dout, cache)`.
"""

from __future__ import annotations

import math

import numpy as np

from .compare import Tolerance
from .grader import Case, Exercise

EXERCISES: list[Exercise] = []
TIGHT = Tolerance(rtol=1e-7, atol=1e-9)  # sums of a few hundred products agree to ~1e-14 in any order


def _ints(rng, low: int, high: int, size: int) -> list[int]:
    return [int(v) for v in rng.integers(low, high + 1, size=size)]


# --- sizes ----------------------------------------------------------------------------------------


def conv_output_size(n: int, f: int, pad: int, stride: int) -> int:
    """⌊(n + 2·pad − f)/stride⌋ + 1: the output size along one axis of an n-wide input, f-wide window."""
    return (n + 2 * pad - f) // stride + 1


def _conv_output_size_cases(rng):
    cases = [
        Case((20, 3, 0, 1), {}, "the notes' first valid layer: 20, 3×3, no padding",
             hint="a 3-wide window fits in 20 − 3 + 1 = 18 positions"),
        Case((20, 5, 2, 1), {}, "the notes' same padding: 20, 5×5, pad 2",
             hint="pad = (f − 1)/2 keeps the size: 20 + 4 − 5 + 1 = 20"),
        Case((8, 3, 0, 2), {}, "8, 3×3, stride 2 (the last window does not fit)",
             hint="(8 − 3)/2 = 2.5 is rounded down, a window may not hang over the edge: ⌊2.5⌋ + 1 = 3"),
        Case((7, 3, 1, 2), {}, "7, 3×3, pad 1, stride 2", hint="⌊(7 + 2 − 3)/2⌋ + 1 = 4"),
        Case((6, 6, 0, 1), {}, "filter as large as the input", edge=True, hint="exactly one position fits: 1"),
        Case((10, 2, 0, 2), {}, "2×2 pooling, stride 2", hint="⌊(10 − 2)/2⌋ + 1 = 5: half the size"),
        Case((5, 1, 3, 3), {}, "1×1 filter, pad 3, stride 3", edge=True),
    ]
    for k in range(3):
        f = int(rng.integers(1, 6))
        n, pad, stride = int(rng.integers(f, 30)), int(rng.integers(0, 3)), int(rng.integers(1, 4))
        cases.append(Case((n, f, pad, stride), {}, f"random #{k + 1}"))
    return cases


EXERCISES.append(Exercise(
    "cnn.conv_output_size", conv_output_size, _conv_output_size_cases,
    {
        "You forgot the + 1: a window of width n fits once in an input of width n, so the count is "
        "⌊(n + 2·pad − f)/stride⌋ + 1.": lambda n, f, pad, stride: (n + 2 * pad - f) // stride,
        "You add the padding once; it goes on both sides: n + 2·pad.":
            lambda n, f, pad, stride: (n + pad - f) // stride + 1,
        "You round up; a window that would hang over the edge is not used, so round down: ⌊(n + 2·pad − f)/stride⌋ + 1.":
            lambda n, f, pad, stride: math.ceil((n + 2 * pad - f) / stride) + 1,
        "You divide the whole count by the stride, (n + 2·pad − f + 1)/stride; only the steps are divided: "
        "⌊(n + 2·pad − f)/stride⌋ + 1.": lambda n, f, pad, stride: (n + 2 * pad - f + 1) // stride,
    },
))


# --- zero padding ---------------------------------------------------------------------------------


def zero_pad(X: np.ndarray, pad: int) -> np.ndarray:
    """X (m, n_H, n_W, n_C) with `pad` rows and columns of zeros on each side: (m, n_H + 2·pad, n_W + 2·pad, n_C)."""
    m, n_H, n_W, n_C = X.shape
    padded = np.zeros((m, n_H + 2 * pad, n_W + 2 * pad, n_C), dtype=X.dtype)
    padded[:, pad:pad + n_H, pad:pad + n_W, :] = X
    return padded


def _zero_pad_cases(rng):
    X = np.arange(1.0, 13.0).reshape(1, 3, 4, 1)
    cases = [
        Case((X, 1), {}, "one 3×4 image, one channel, pad 1",
             hint="only the two spatial axes get zeros: (1, 3, 4, 1) becomes (1, 5, 6, 1); the batch and channel "
                  "axes keep their sizes"),
        Case((np.arange(24.0).reshape(2, 2, 3, 2), 2), {}, "2 images, 2 channels, pad 2",
             hint="np.pad(X, ((0, 0), (pad, pad), (pad, pad), (0, 0)))"),
        Case((X, 0), {}, "pad 0", edge=True, hint="nothing to add: the same values, the same shape"),
        Case((np.array([[[[-1.5, 2.0, 0.25]]]]), 3), {}, "a 1×1 image with 3 channels, pad 3", edge=True),
    ]
    for k in range(3):
        m, h, w, c = _ints(rng, 1, 4, 4)
        cases.append(Case((rng.normal(size=(m, h, w, c)), int(rng.integers(1, 3))), {}, f"random #{k + 1}"))
    return cases


EXERCISES.append(Exercise(
    "cnn.zero_pad", zero_pad, _zero_pad_cases,
    {
        "You pad every axis, the batch and the channels too; pad only the two spatial axes: "
        "((0, 0), (pad, pad), (pad, pad), (0, 0)).": lambda X, pad: np.pad(X, pad),
        "You pad on one side only; the zeros go on both sides, (pad, pad) for each spatial axis.":
            lambda X, pad: np.pad(X, ((0, 0), (0, pad), (0, pad), (0, 0))),
        "You pad the height only; both spatial axes get zeros.":
            lambda X, pad: np.pad(X, ((0, 0), (pad, pad), (0, 0), (0, 0))),
    },
))


# --- one step of a convolution --------------------------------------------------------------------


def conv_single_step(a_slice: np.ndarray, W: np.ndarray, b: float) -> float:
    """Σ a_slice · W + b (a float) for one window a_slice (f, f, n_C_prev) and one filter W (f, f, n_C_prev)."""
    return float(np.sum(a_slice * W) + b)


def _conv_single_step_cases(rng):
    a = np.arange(9.0).reshape(3, 3, 1)
    vertical = np.array([[1.0, 0.0, -1.0]] * 3).reshape(3, 3, 1)
    cases = [
        Case((a, vertical, 0.5), {}, "a 3×3 window, a vertical-edge filter, b = 0.5",
             hint="multiply entry by entry and add all nine products, then add b: (0 + 3 + 6) − (2 + 5 + 8) + 0.5"),
        Case((np.ones((2, 2, 3)), np.arange(12.0).reshape(2, 2, 3), -1.0), {}, "a 2×2 window with 3 channels",
             hint="the sum runs over the channels too: all f·f·n_C_prev = 12 products"),
        Case((np.zeros((3, 3, 2)), np.ones((3, 3, 2)), 2.0), {}, "an all-zero window", edge=True, hint="only b is left"),
        Case((np.full((1, 1, 1), 4.0), np.full((1, 1, 1), -0.5), 0.0), {}, "a 1×1 filter, one channel", edge=True),
    ]
    for k in range(3):
        f, c = int(rng.integers(1, 5)), int(rng.integers(1, 4))
        cases.append(Case((rng.normal(size=(f, f, c)), rng.normal(size=(f, f, c)), float(np.round(rng.normal(), 3))),
                          {}, f"random #{k + 1}"))
    return cases


EXERCISES.append(Exercise(
    "cnn.conv_single_step", conv_single_step, _conv_single_step_cases,
    {
        "You left out the bias: Σ a_slice·W + b.": lambda a_slice, W, b: float(np.sum(a_slice * W)),
        "You add b to every product before summing (Σ (a·W + b)); add it once, after the sum.":
            lambda a_slice, W, b: float(np.sum(a_slice * W + b)),
        "You return the products a_slice·W (+ b) entry by entry; sum them into one number.":
            lambda a_slice, W, b: a_slice * W + b,
    },
    tolerance=TIGHT,
))


# --- the convolution layer ------------------------------------------------------------------------


def _windows(A_pad: np.ndarray, f: int, stride: int) -> np.ndarray:
    """A view (m, n_H, n_W, f, f, n_C) of every f×f window of the C-contiguous A_pad, `stride` apart (no copy):
    what sliding_window_view(A_pad, (f, f), axis=(1, 2))[:, ::stride, ::stride] holds, axes reordered, made
    directly from the strides because this runs twice per training step on small arrays (where
    sliding_window_view's checks would cost as much as the arithmetic). Only ever read."""
    m, H, W, C = A_pad.shape
    s_m, s_h, s_w, s_c = A_pad.strides
    shape = (m, (H - f) // stride + 1, (W - f) // stride + 1, f, f, C)
    return np.ndarray(shape, A_pad.dtype, A_pad, 0, (s_m, s_h * stride, s_w * stride, s_h, s_w, s_c))


def _padded(A: np.ndarray, pad: int) -> np.ndarray:
    """zero_pad(A, pad) as a C-contiguous float64 array; A itself (no copy) when pad = 0 and it already is one."""
    if pad == 0:
        return np.ascontiguousarray(A, dtype=np.float64)
    return zero_pad(np.asarray(A, dtype=np.float64), pad)


# im2col and col2im work on a few examples at a time, through one small array reused from group to group:
# unfolding a whole batch at once writes f·f times the input (38 MB for 32×32×32×16, 3×3) into fresh pages,
# which costs as much as the matrix products, and reads it back from beyond the cache. About 1 MiB per group
# stays in cache (measured: the forward pass of that shape twice as fast as one unfolding of the batch).
_GROUP_BYTES = 1 << 20


def _groups(m: int, bytes_per_example: int) -> list[slice]:
    """The batch 0..m as consecutive slices of about _GROUP_BYTES of work each (at least one example; one
    empty slice for an empty batch)."""
    size = max(1, min(m, _GROUP_BYTES // max(1, bytes_per_example)))
    return [slice(start, min(m, start + size)) for start in range(0, m, size)] or [slice(0, 0)]


def _columns_of(windows: np.ndarray, group: slice, columns: np.ndarray) -> np.ndarray:
    """im2col of the examples in `group` into the first rows of `columns` (…, f·f·n_C_prev + 1), whose last
    column holds ones (it multiplies the bias): one row per output position, holding its window in the order
    p, q, k of W's first three axes. Returns those rows."""
    part = windows[group]
    rows = columns[:part.shape[0] * part.shape[1] * part.shape[2]]
    rows[:, :-1].reshape(part.shape)[...] = part
    return rows


def _im2col_setup(A_prev: np.ndarray, f: int, stride: int, pad: int, per_example: int):
    """(windows, groups, columns) for a pass over A_prev: the windows' view, the groups of examples, and one
    array of im2col rows big enough for the largest group, its column of ones already set."""
    windows = _windows(_padded(A_prev, pad), f, stride)
    m, n_H, n_W, _, _, n_C_prev = windows.shape
    groups = _groups(m, per_example)
    columns = np.empty(((groups[0].stop - groups[0].start) * n_H * n_W, f * f * n_C_prev + 1))
    columns[:, -1] = 1.0
    return windows, groups, columns


def conv_forward(A_prev: np.ndarray, W: np.ndarray, b: np.ndarray, stride: int = 1, pad: int = 0) -> tuple[np.ndarray, tuple]:
    """(Z, cache) for A_prev (m, n_H_prev, n_W_prev, n_C_prev), W (f, f, n_C_prev, n_C), b (n_C,):
    Z[i, h, w, c] = Σ_{p,q,k} A_pad[i, h·s + p, w·s + q, k] W[p, q, k, c] + b[c], (m, n_H, n_W, n_C);
    cache = (A_prev, W, b, stride, pad)."""
    f, _, n_C_prev, n_C = W.shape
    m = A_prev.shape[0]
    n_H, n_W = conv_output_size(A_prev.shape[1], f, pad, stride), conv_output_size(A_prev.shape[2], f, pad, stride)
    W_and_b = np.empty((f * f * n_C_prev + 1, n_C))  # W unfolded to (f·f·n_C_prev, n_C), b as its last row
    W_and_b[:-1] = W.reshape(-1, n_C)
    W_and_b[-1] = b
    windows, groups, columns = _im2col_setup(A_prev, f, stride, pad, 8 * n_H * n_W * (f * f * n_C_prev + 1))
    Z = np.empty((m * n_H * n_W, n_C))
    for group in groups:  # im2col: one matrix product for every window and filter of the group
        np.matmul(_columns_of(windows, group, columns), W_and_b, out=Z[group.start * n_H * n_W:group.stop * n_H * n_W])
    return Z.reshape(m, n_H, n_W, n_C), (A_prev, W, b, stride, pad)


def conv_backward(dZ: np.ndarray, cache: tuple) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(dA_prev, dW, db) for dZ (m, n_H, n_W, n_C) and the cache of conv_forward, summed over the batch
    (no 1/m): db[c] = Σ dZ[..., c]; dW[p, q, k, c] = Σ A_pad[i, h·s + p, w·s + q, k] dZ[i, h, w, c];
    dA_pad[i, h·s + p, w·s + q, k] += W[p, q, k, c] dZ[i, h, w, c], the padding then cut off."""
    A_prev, W, b, stride, pad = cache
    f, _, n_C_prev, n_C = W.shape
    m, n_H, n_W, _ = dZ.shape
    H, W_prev = A_prev.shape[1], A_prev.shape[2]
    depth = f * f * n_C_prev
    dZ_rows = np.ascontiguousarray(dZ, dtype=np.float64).reshape(m * n_H * n_W, n_C)
    W_rows = W.reshape(depth, n_C)
    windows, groups, columns = _im2col_setup(A_prev, f, stride, pad, 8 * n_H * n_W * (2 * depth + 1))
    dW_and_db = np.zeros((depth + 1, n_C))  # the column of ones gives db as the last row
    # col2im: every window sends dZ Wᵀ back to the positions it read. The product W_rows @ dZᵀ holds, for
    # each filter offset (p, q) and input channel k, a contiguous block (examples, n_H, n_W), added to a
    # strided slice of dA_pad, which is kept channels first so that the blocks line up with it (one thin
    # product per offset, with n_C_prev columns, would run far below the matrix-multiply rate).
    dA_pad = np.zeros((n_C_prev, m, H + 2 * pad, W_prev + 2 * pad))
    for group in groups:
        dZ_group = dZ_rows[group.start * n_H * n_W:group.stop * n_H * n_W]
        dW_and_db += _columns_of(windows, group, columns).T @ dZ_group
        blocks = (W_rows @ dZ_group.T).reshape(f, f, n_C_prev, group.stop - group.start, n_H, n_W)
        dA_group = dA_pad[:, group]
        for p in range(f):
            for q in range(f):
                dA_group[:, :, p:p + stride * n_H:stride, q:q + stride * n_W:stride] += blocks[p, q]
    dA_prev = dA_pad[:, :, pad:pad + H, pad:pad + W_prev].transpose(1, 2, 3, 0)  # a view, channels last
    return dA_prev, dW_and_db[:-1].reshape(W.shape), dW_and_db[-1]


# Fixed inputs: a 4×5 image with a vertical edge, and small two-channel batches with non-square shapes.
EDGE_IMAGE = np.array([[0.0, 0.0, 1.0, 1.0, 1.0]] * 4).reshape(1, 4, 5, 1)
SOBEL_X = np.array([[1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [1.0, 0.0, -1.0]]).reshape(3, 3, 1, 1)
# An asymmetric filter, so that flipping it (a true convolution) gives different numbers.
TILTED = np.array([[1.0, 2.0], [0.0, -1.0]]).reshape(2, 2, 1, 1)


def _small_batch(seed: int, m: int, h: int, w: int, c: int) -> np.ndarray:
    return np.round(np.random.default_rng(seed).normal(size=(m, h, w, c)), 2)


def _conv_cases(rng, backward: bool):
    A2 = _small_batch(1, 2, 5, 4, 2)
    W2 = np.round(np.random.default_rng(2).normal(size=(3, 3, 2, 3)), 2)
    b2 = np.array([0.5, -1.0, 0.0])
    fixed = [
        ((EDGE_IMAGE, SOBEL_X, np.array([0.0])), {}, "a vertical edge, a 3×3 edge filter, no padding",
         "Z has shape (1, 2, 3, 1): 4 − 3 + 1 rows, 5 − 3 + 1 columns; each entry is conv_single_step of one window"),
        ((EDGE_IMAGE, TILTED, np.array([0.25])), {"stride": 1, "pad": 1}, "an asymmetric 2×2 filter, pad 1",
         "deep-learning \"convolution\" does not flip the filter: window entry [p, q] meets W[p, q]"),
        ((A2, W2, b2), {"stride": 2, "pad": 1}, "2 examples, 2 channels → 3 filters, stride 2, pad 1",
         "window (h, w) starts at row h·stride and column w·stride of the padded input"),
        ((A2, W2, b2), {"stride": 1, "pad": 0}, "2 examples, 2 channels → 3 filters, valid",
         "each of the 3 filters sums over both input channels and adds its own bias b[c]"),
        ((_small_batch(3, 1, 5, 5, 1), np.ones((5, 5, 1, 2)), np.array([1.0, -1.0])), {"stride": 3, "pad": 2},
         "a 5×5 filter, stride 3, pad 2", "n_H = ⌊(5 + 4 − 5)/3⌋ + 1 = 2"),
    ]
    cases = []
    for args, kwargs, name, hint in fixed:
        if backward:
            Z, cache = conv_forward(*args, **kwargs)
            dZ = np.round(np.random.default_rng(len(cases) + 10).normal(size=Z.shape), 2)
            cases.append(Case((dZ, cache), {}, name, hint=hint if len(cases) else
                              "dA_prev is shaped like A_prev, dW like W (f, f, n_C_prev, n_C), db like b (n_C,); "
                              "each window sends W·dZ back to the entries it covered, and those add up"))
        else:
            cases.append(Case(args, kwargs, name, hint=hint))
    for k in range(3):
        m, c_prev, c = _ints(rng, 1, 3, 3)
        f, stride, pad = int(rng.integers(1, 4)), int(rng.integers(1, 3)), int(rng.integers(0, 2))
        h, w = _ints(rng, f, f + 4, 2)
        args = (rng.normal(size=(m, h, w, c_prev)), rng.normal(size=(f, f, c_prev, c)), rng.normal(size=c))
        kwargs = {"stride": stride, "pad": pad}
        if backward:
            Z, cache = conv_forward(*args, **kwargs)
            cases.append(Case((rng.normal(size=Z.shape), cache), {}, f"random #{k + 1}"))
        else:
            cases.append(Case(args, kwargs, f"random #{k + 1}"))
    return cases


def _conv_loops(A_prev, W, b, stride, pad, *, flip=False, bias=True, stride_positions=True):
    """conv_forward by four loops, with one mistake switched on."""
    f, _, _, n_C = W.shape
    m = A_prev.shape[0]
    n_H = conv_output_size(A_prev.shape[1], f, pad, stride)
    n_W = conv_output_size(A_prev.shape[2], f, pad, stride)
    A_pad = zero_pad(A_prev, pad)
    kernel = W[::-1, ::-1] if flip else W
    Z = np.zeros((m, n_H, n_W, n_C))
    step = stride if stride_positions else 1
    for i in range(m):
        for h in range(n_H):
            for w in range(n_W):
                window = A_pad[i, h * step:h * step + f, w * step:w * step + f, :]
                for c in range(n_C):
                    Z[i, h, w, c] = np.sum(window * kernel[..., c]) + (b[c] if bias else 0.0)
    return Z


def _conv_forward_mistake(**mistake):
    def wrong(A_prev, W, b, stride=1, pad=0):
        return _conv_loops(A_prev, W, b, stride, pad, **mistake), (A_prev, W, b, stride, pad)
    return wrong


EXERCISES.append(Exercise(
    "cnn.conv_forward", conv_forward, lambda rng: _conv_cases(rng, backward=False),
    {
        "You flip the filter (a true convolution, as in signal processing); deep-learning layers compute "
        "cross-correlation: window entry [p, q] is multiplied by W[p, q].": _conv_forward_mistake(flip=True),
        "You left out the biases: add b[c] to every entry of output channel c.": _conv_forward_mistake(bias=False),
        "Your windows start at row h and column w; with a stride they start at h·stride and w·stride.":
            _conv_forward_mistake(stride_positions=False),
        "Your cache holds (A_prev, W, b, pad, stride); keep the order (A_prev, W, b, stride, pad), the order "
        "conv_backward unpacks.":
            lambda A_prev, W, b, stride=1, pad=0: (conv_forward(A_prev, W, b, stride, pad)[0], (A_prev, W, b, pad, stride)),
    },
    tolerance=TIGHT,
    uses=("conv_output_size", "conv_single_step", "zero_pad"),  # the loop version of notebook 09
))


def _conv_backward_variant(dZ, cache, *, averaged=False, keep_pad=False, db_keepdims=False, stride_positions=True):
    A_prev, W, b, stride, pad = cache
    f = W.shape[0]
    m, n_H, n_W, n_C = dZ.shape
    A_pad = zero_pad(A_prev, pad)
    dA_pad, dW, db = np.zeros(A_pad.shape), np.zeros(W.shape), np.zeros(n_C)
    step = stride if stride_positions else 1
    for i in range(m):
        for h in range(n_H):
            for w in range(n_W):
                rows, cols = slice(h * step, h * step + f), slice(w * step, w * step + f)
                for c in range(n_C):
                    dA_pad[i, rows, cols, :] += W[..., c] * dZ[i, h, w, c]
                    dW[..., c] += A_pad[i, rows, cols, :] * dZ[i, h, w, c]
                    db[c] += dZ[i, h, w, c]
    if averaged:
        dW, db = dW / m, db / m
    dA_prev = dA_pad if keep_pad else dA_pad[:, pad:pad + A_prev.shape[1], pad:pad + A_prev.shape[2], :]
    return dA_prev, dW, db.reshape(1, 1, 1, n_C) if db_keepdims else db


def _conv_backward_mistake(**mistake):
    return lambda dZ, cache: _conv_backward_variant(dZ, cache, **mistake)


EXERCISES.append(Exercise(
    "cnn.conv_backward", conv_backward, lambda rng: _conv_cases(rng, backward=True),
    {
        "Your dW and db are divided by m; this layer's gradients are sums over the batch (any 1/m is already in "
        "dZ).": _conv_backward_mistake(averaged=True),
        "Your dA_prev still has the padding; cut it off: dA_pad[:, pad:-pad, pad:-pad, :] when pad > 0.":
            _conv_backward_mistake(keep_pad=True),
        "Your db has shape (1, 1, 1, n_C); it is shaped like b, (n_C,): sum over axes (0, 1, 2).":
            _conv_backward_mistake(db_keepdims=True),
        "Your windows start at row h and column w; with a stride they start at h·stride and w·stride, as in the "
        "forward pass.": _conv_backward_mistake(stride_positions=False),
    },
    tolerance=TIGHT,
    uses=("zero_pad",),  # the loop version pads with the student's zero_pad: graded with the reference one
))


# --- max pooling ----------------------------------------------------------------------------------


def maxpool_forward(A_prev: np.ndarray, f: int, stride: int) -> tuple[np.ndarray, tuple]:
    """(A, cache) for A_prev (m, n_H_prev, n_W_prev, n_C): A[i, h, w, c] = max of the f×f window at
    (h·stride, w·stride) of channel c, valid (no padding); cache = (A_prev, f, stride)."""
    return _windows(np.ascontiguousarray(A_prev), f, stride).max(axis=(3, 4)), (A_prev, f, stride)


def maxpool_backward(dA: np.ndarray, cache: tuple) -> np.ndarray:
    """dA_prev shaped like A_prev: each window's dA goes to the position of its maximum (the first in
    row-major order on ties); where windows overlap, their gradients add up."""
    A_prev, f, stride = cache
    m, n_H, n_W, n_C = dA.shape
    windows = _windows(np.ascontiguousarray(A_prev), f, stride).transpose(0, 1, 2, 5, 3, 4).reshape(m, n_H, n_W, n_C, f * f)
    winner = np.argmax(windows, axis=-1)  # the first maximum in row-major order
    dA_prev = np.zeros(A_prev.shape)
    for p in range(f):
        for q in range(f):
            dA_prev[:, p:p + stride * n_H:stride, q:q + stride * n_W:stride, :] += np.where(winner == p * f + q, dA, 0.0)
    return dA_prev


def _pool_inputs():
    ties = np.array([[3.0, 3.0, 0.0, 0.0], [1.0, 3.0, 0.0, 0.0], [2.0, 5.0, 1.0, 4.0], [5.0, 2.0, 4.0, 1.0]])
    return [
        ((np.arange(16.0).reshape(1, 4, 4, 1) % 7, 2, 2), "a 4×4 image, 2×2 windows, stride 2",
         "each output is the largest of one 2×2 block; the blocks do not overlap"),
        ((ties.reshape(1, 4, 4, 1), 2, 2), "ties: several equal maxima in a window (ReLU zeros)",
         "on a tie the first maximum in row-major order wins: np.argmax of the flattened window"),
        ((np.round(np.random.default_rng(4).normal(size=(2, 5, 5, 2)), 1), 3, 1), "overlapping 3×3 windows, stride 1",
         "an entry can be the maximum of several windows: add up what each sends back (+=)"),
        ((np.round(np.random.default_rng(5).normal(size=(1, 5, 7, 3)), 2), 2, 2), "a 5×7 image, 3 channels, stride 2",
         "the last row and column fit no window and get no gradient: ⌊(5 − 2)/2⌋ + 1 = 2 rows"),
        ((np.round(np.random.default_rng(6).normal(size=(2, 6, 4, 1)), 2), 3, 2), "3×3 windows, stride 2 (overlap 1)", ""),
    ]


def _pool_cases(rng, backward: bool):
    cases = []
    inputs = [(args, name, hint) for args, name, hint in _pool_inputs()]
    for k in range(3):
        f, stride = int(rng.integers(1, 4)), int(rng.integers(1, 3))
        m, c = _ints(rng, 1, 3, 2)
        h, w = _ints(rng, f, f + 4, 2)
        A = rng.normal(size=(m, h, w, c))
        if k == 0:
            A = np.maximum(A, 0.0)  # ReLU outputs: ties at 0
        inputs.append(((A, f, stride), f"random #{k + 1}", ""))
    for (A, f, stride), name, hint in inputs:
        if backward:
            out, cache = maxpool_forward(A, f, stride)
            dA = np.round(np.random.default_rng(len(cases) + 20).normal(size=out.shape), 2)
            if name.startswith("random"):
                dA = rng.normal(size=out.shape)
            cases.append(Case((dA, cache), {}, name, hint=hint))
        else:
            cases.append(Case((A, f, stride), {}, name, hint=hint))
    return cases


def _pool_loops(A_prev, f, stride, reduce=np.max):
    m, H, W, C = A_prev.shape
    n_H, n_W = (H - f) // stride + 1, (W - f) // stride + 1
    A = np.zeros((m, n_H, n_W, C))
    for h in range(n_H):
        for w in range(n_W):
            A[:, h, w, :] = reduce(A_prev[:, h * stride:h * stride + f, w * stride:w * stride + f, :], axis=(1, 2))
    return A


EXERCISES.append(Exercise(
    "cnn.maxpool_forward", maxpool_forward, lambda rng: _pool_cases(rng, backward=False),
    {
        "You average each window (average pooling); max pooling keeps its largest entry.":
            lambda A_prev, f, stride: (_pool_loops(A_prev, f, stride, np.mean), (A_prev, f, stride)),
        "You slide the window by 1, ignoring the stride; consecutive windows start stride apart: h·stride.":
            lambda A_prev, f, stride: (_pool_loops(A_prev, f, 1), (A_prev, f, stride)),
        "You take the maximum over the channels as well; pool each channel on its own (axis=(1, 2)).":
            lambda A_prev, f, stride: (np.repeat(_pool_loops(A_prev, f, stride).max(axis=3, keepdims=True),
                                                 A_prev.shape[3], axis=3), (A_prev, f, stride)),
        "Your cache holds (A_prev, stride, f); keep the order (A_prev, f, stride).":
            lambda A_prev, f, stride: (maxpool_forward(A_prev, f, stride)[0], (A_prev, stride, f)),
    },
    tolerance=TIGHT,
))


def _maxpool_backward_variant(dA, cache, *, all_ties=False, average=False, overwrite=False, last_tie=False):
    A_prev, f, stride = cache
    m, n_H, n_W, n_C = dA.shape
    dA_prev = np.zeros(A_prev.shape)
    for i in range(m):
        for h in range(n_H):
            for w in range(n_W):
                rows, cols = slice(h * stride, h * stride + f), slice(w * stride, w * stride + f)
                for c in range(n_C):
                    window = A_prev[i, rows, cols, c]
                    if average:
                        share = np.full((f, f), dA[i, h, w, c] / (f * f))
                    else:
                        mask = window == window.max()
                        if not all_ties:
                            flat = np.flatnonzero(mask)
                            mask = np.zeros(f * f, bool)
                            mask[flat[-1] if last_tie else flat[0]] = True
                            mask = mask.reshape(f, f)
                        share = mask * dA[i, h, w, c]
                    if overwrite:
                        target = dA_prev[i, rows, cols, c]
                        dA_prev[i, rows, cols, c] = np.where(share != 0, share, target)
                    else:
                        dA_prev[i, rows, cols, c] += share
    return dA_prev


def _maxpool_backward_mistake(**mistake):
    return lambda dA, cache: _maxpool_backward_variant(dA, cache, **mistake)


EXERCISES.append(Exercise(
    "cnn.maxpool_backward", maxpool_backward, lambda rng: _pool_cases(rng, backward=True),
    {
        "On a tie you send the gradient to every maximum of the window; only one entry was passed on, the "
        "first maximum in row-major order (np.argmax of the flattened window).":
            _maxpool_backward_mistake(all_ties=True),
        "On a tie you pick the last maximum; pick the first in row-major order, as np.argmax does.":
            _maxpool_backward_mistake(last_tie=True),
        "You spread each window's gradient evenly (average pooling's backward); in max pooling it all goes to "
        "the window's maximum.": _maxpool_backward_mistake(average=True),
        "Where windows overlap you overwrite the gradient (=); it must add up (+=), since an entry can be the "
        "maximum of several windows.": _maxpool_backward_mistake(overwrite=True),
    },
    tolerance=TIGHT,
))


# --- counting parameters like Keras' summary() ----------------------------------------------------


def model_summary(input_shape: tuple, layers: list) -> tuple[list, int]:
    """(rows, total): rows = [(output_shape, n_params) for each layer], shapes without the batch axis,
    for layers ("dense", units) (on the last axis, as Keras' Dense), ("conv", filters, f, "valid" | "same")
    (stride 1), ("maxpool", f, stride) (valid) and ("flatten",); total = Σ n_params."""
    shape, rows = tuple(int(n) for n in input_shape), []
    for layer in layers:
        kind = layer[0]
        if kind == "dense":
            units = layer[1]
            params, shape = (shape[-1] + 1) * units, shape[:-1] + (units,)
        elif kind == "conv":
            filters, f, padding = layer[1:]
            H, W, C = shape
            params = (f * f * C + 1) * filters
            shape = (H, W, filters) if padding == "same" else (H - f + 1, W - f + 1, filters)
        elif kind == "maxpool":
            f, stride = layer[1:]
            H, W, C = shape
            params, shape = 0, ((H - f) // stride + 1, (W - f) // stride + 1, C)
        elif kind == "flatten":
            params, shape = 0, (int(np.prod(shape)),)
        else:
            raise ValueError(f"unknown layer {layer!r}")
        rows.append((shape, params))
    return rows, sum(p for _, p in rows)


NOTES_VALID = [("dense", 16), ("conv", 32, 3, "valid"), ("conv", 64, 5, "valid"), ("conv", 128, 7, "valid"),
               ("flatten",), ("dense", 2)]
NOTES_SAME = [("dense", 16), ("conv", 32, 3, "same"), ("conv", 64, 5, "same"), ("conv", 128, 7, "same"),
              ("flatten",), ("dense", 2)]
NOTES_POOLED = [("dense", 16), ("conv", 32, 3, "same"), ("maxpool", 2, 2), ("conv", 64, 5, "same"), ("flatten",),
                ("dense", 2)]


def _model_summary_cases(rng):
    cases = [
        Case(((20, 20, 3), NOTES_VALID), {}, "the notes' Keras model with valid padding (473,890 parameters)",
             hint="Dense(16) on a (20, 20, 3) input acts on the last axis: (20, 20, 16) with 3·16 + 16 = 64 "
                  "parameters; a conv layer has (f·f·n_C_prev + 1)·filters"),
        Case(((20, 20, 3), NOTES_SAME), {}, "the notes' Keras model with same padding (559,906 parameters)",
             hint="same padding keeps 20 × 20, so Flatten gives 20·20·128 = 51,200 and the last Dense "
                  "51,200·2 + 2"),
        Case(((20, 20, 3), NOTES_POOLED), {}, "the notes' model with max pooling (68,770 parameters)",
             hint="a pooling layer has no parameters; 2×2 windows with stride 2 halve 20 × 20 to 10 × 10"),
        Case(((20, 20, 3), [("conv", 2, 3, "same"), ("conv", 3, 3, "same"), ("flatten",), ("dense", 2)]), {},
             "the notes' small CNN (2,515 parameters)", hint="(3·3·3 + 1)·2 = 56, (3·3·2 + 1)·3 = 57, 1200·2 + 2"),
        Case(((8, 8, 1), [("conv", 8, 3, "same"), ("maxpool", 2, 2), ("flatten",), ("dense", 10)]), {},
             "this notebook's digit classifier"),
        Case(((7, 5, 2), [("conv", 4, 3, "valid"), ("maxpool", 3, 1), ("dense", 3)]), {},
             "non-square input, pooling with stride 1, dense on a 3-D input"),
    ]
    for k in range(3):
        H, W = _ints(rng, 6, 16, 2)
        shape, layers = (H, W, int(rng.integers(1, 4))), []
        for _ in range(int(rng.integers(1, 3))):
            f = int(rng.choice([1, 3, 5]))
            layers.append(("conv", int(rng.integers(1, 9)), f, str(rng.choice(["valid", "same"]))))
            if rng.random() < 0.6:
                layers.append(("maxpool", 2, int(rng.integers(1, 3))))
        layers += [("flatten",), ("dense", int(rng.integers(2, 11)))]
        cases.append(Case((shape, layers), {}, f"random #{k + 1}"))
    return cases


def _summary_variant(input_shape, layers, *, conv_bias=True, conv_channels=True, dense_flattens=False, same_as_valid=False):
    shape, rows = tuple(input_shape), []
    for layer in layers:
        if layer[0] == "dense":
            inputs = int(np.prod(shape)) if dense_flattens else shape[-1]
            rows.append((shape[:-1] + (layer[1],), (inputs + 1) * layer[1]))
        elif layer[0] == "conv":
            filters, f, padding = layer[1:]
            H, W, C = shape
            same = padding == "same" and not same_as_valid
            rows.append(((H, W, filters) if same else (H - f + 1, W - f + 1, filters),
                         (f * f * (C if conv_channels else 1) + (1 if conv_bias else 0)) * filters))
        else:
            rows.append(model_summary(shape, [layer])[0][0])
        shape = rows[-1][0]
    return rows, sum(p for _, p in rows)


def _summary_mistake(**mistake):
    return lambda input_shape, layers: _summary_variant(input_shape, layers, **mistake)


EXERCISES.append(Exercise(
    "cnn.model_summary", model_summary, _model_summary_cases,
    {
        "Your conv layers have no biases; each filter has one: (f·f·n_C_prev + 1)·filters.":
            _summary_mistake(conv_bias=False),
        "Your filters ignore the input channels; a filter spans all of them: f·f·n_C_prev weights, plus a bias.":
            _summary_mistake(conv_channels=False),
        "Your dense layer connects every entry of a 3-D input; Keras' Dense acts on the last axis only, so "
        "Dense(16) on (20, 20, 3) has 3·16 + 16 = 64 parameters and outputs (20, 20, 16).":
            _summary_mistake(dense_flattens=True),
        "You shrink the output of a \"same\" conv layer; same padding keeps n_H and n_W.":
            _summary_mistake(same_as_valid=True),
    },
))

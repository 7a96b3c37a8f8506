# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Convolutional networks: the basics
#
# A dense layer connects every input to every unit. For an image that is wasteful twice over: a 20×20 RGB
# image already has 1,200 inputs per unit, and a pattern such as an edge or a loop looks the same wherever it
# appears, yet a dense layer must learn it separately at every position. A **convolutional layer** slides one
# small filter over the whole image instead: few weights, shared across positions, and an output that keeps
# the image's layout. This notebook builds such a layer (forward and backward, first with loops, then fast),
# max pooling and the parameter count of a Keras model, and ends with a small convolutional network of your own
# that reads handwritten digits.
#
# **By the end you can**
#
# - compute one output of a convolution as the sum of a window times a filter, plus a bias, and say why deep
#   learning's "convolution" is a cross-correlation;
# - work out the output size of a convolution or pooling layer from the input size, filter size, padding and
#   stride, and pad an image with zeros for "same" outputs;
# - write a convolutional layer's forward and backward pass with loops, and read the vectorized version that is
#   more than a thousand times faster;
# - implement max pooling forward and backward;
# - count the parameters of a Keras model layer by layer, as `model.summary()` does;
# - train a small CNN made of your pieces on the 8×8 digits to about 98 % test accuracy.
#
# **How the exercises work** (as in the earlier notebooks). Each exercise is one function: replace
# `raise NotImplementedError()` with your code and run the check cell below it. The later functions call the
# earlier ones, so go in order. The figures run *your* functions beside the reference.
#
# **Notation.** Images are stored *channels last*, as in the notes' Keras examples: a batch of activations is an
# array of shape $(m, n_H, n_W, n_C)$: $m$ examples, height, width and channels (1 for a grey image, 3 for
# RGB, and one per filter after a convolutional layer). A layer's filters are $W$ of shape
# $(f, f, n_{C,\text{prev}}, n_C)$: $n_C$ filters, each $f \times f$ and as deep as its input; its biases $b$ have
# shape $(n_C,)$, one per filter.
#
# **Data.** The last part uses the 8×8 handwritten digits of E. Alpaydin and C. Kaynak, *Optical Recognition of
# Handwritten Digits*, UCI Machine Learning Repository (1998), licensed CC BY 4.0: 1,797 images with pixels from
# 0 to 16, as shipped with scikit-learn, bundled with this course (`mlcourse.data.digits()`).

# %% setup
import time

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from mlcourse import data, grader, widgets

# %% [markdown]
# ## 1 · A filter and a window
#
# A filter is a small array of weights, say $3 \times 3$. Lay it over a $3 \times 3$ window of the image,
# multiply entry by entry and add everything up, then add the filter's bias: that is one number of the output,
#
# $$z = \sum_{p=1}^{f} \sum_{q=1}^{f} \sum_{k=1}^{n_{C,\text{prev}}} a_{p,q,k}\, W_{p,q,k} + b.$$
#
# The notes call this sum of entrywise products the *Frobenius inner product*. With several input channels the
# filter is as deep as the input, and the sum runs over the channels too: one filter gives one number per
# window, whatever the number of input channels.
#
# For a filter such as $\begin{bmatrix} 1 & 0 & -1 \\ 2 & 0 & -2 \\ 1 & 0 & -1 \end{bmatrix}$ (Sobel's), the sum
# is large where the window is bright on the left and dark on the right, and 0 where it is uniform: a detector
# of vertical edges. A network does not get such filters from us; it learns them, starting from random numbers.
#
# **Cross-correlation, not convolution.** In mathematics and signal processing a convolution flips the filter
# (row and column order reversed) before sliding it. Deep-learning libraries do not flip, as the notes say:
# what they call a convolution is a cross-correlation. For learned filters it makes no difference (the network
# would simply learn the flipped filter), but to match a library's numbers you must not flip.
#
# ### Exercise 1 — `conv_single_step`
#
# Return $\sum a_{\text{slice}} \cdot W + b$ as a Python `float`, for one window `a_slice` and one filter `W`,
# both of shape $(f, f, n_{C,\text{prev}})$, and a number `b`.

# %% solution id="conv_single_step"
def conv_single_step(a_slice, W, b):
    """Σ a_slice·W + b over all f·f·n_C_prev entries, as a float."""
    ### BEGIN SOLUTION
    return float(np.sum(a_slice * W) + b)
    ### END SOLUTION


# %% tests exercise="cnn.conv_single_step" points=1

# %% [markdown]
# ## 2 · Output size, padding and stride
#
# Slide an $f$-wide window over a row of $n$ pixels, one pixel at a time: it fits at $n - f + 1$ positions, so a
# $20 \times 20$ image and a $3 \times 3$ filter give $18 \times 18$ outputs, as in the notes. Two settings
# change that count:
#
# - **Padding** $p$ adds $p$ rows and columns of zeros on *every* side, making the input $n + 2p$ wide. "Valid"
#   padding is none at all ($p = 0$); "same" padding chooses $p = (f - 1)/2$ for odd $f$, so that the output
#   keeps the input's size and the pixels at the border are covered as often as the others.
# - **Stride** $s$ moves the window $s$ pixels at a time: the window number $h$ (from 0) starts at $h \cdot s$.
#   A window must fit entirely; if the last step would hang over the edge, it is not taken.
#
# Together, along each axis,
#
# $$n_{\text{out}} = \left\lfloor \frac{n + 2p - f}{s} \right\rfloor + 1.$$
#
# ### Exercises 2 and 3 — `conv_output_size` and `zero_pad`
#
# `conv_output_size` returns an `int` (`//` divides and rounds down). `zero_pad` pads the two spatial axes of an
# array `X` of shape $(m, n_H, n_W, n_C)$ with `pad` zeros on each side and leaves the batch and channel axes
# alone: the result has shape $(m, n_H + 2p, n_W + 2p, n_C)$. `np.pad` takes one `(before, after)` pair per axis.

# %% solution id="conv_output_size"
def conv_output_size(n, f, pad, stride):
    """⌊(n + 2·pad − f)/stride⌋ + 1."""
    ### BEGIN SOLUTION
    return (n + 2 * pad - f) // stride + 1
    ### END SOLUTION


# %% tests exercise="cnn.conv_output_size" points=1

# %% solution id="zero_pad"
def zero_pad(X, pad):
    """X (m, n_H, n_W, n_C) with pad zeros on each side of the two spatial axes."""
    ### BEGIN SOLUTION
    return np.pad(X, ((0, 0), (pad, pad), (pad, pad), (0, 0)))
    ### END SOLUTION


# %% tests exercise="cnn.zero_pad" points=1

# %% [markdown]
# The explorer slides a $3 \times 3$ filter over one of the digits of section 7 (the feature map comes from the
# reference convolution until you have written yours, in the next section). Pick a filter, change the padding
# and stride, and move the window; the title checks the output size against **your** `conv_output_size`. A
# pixel's value is the amount of ink, drawn dark. The vertical-edge filter gives large positive values (red)
# where the window holds more ink in its left column than in its right one, negative values (blue) the other way
# round, and about 0 where the ink is even; with stride 2 the feature map keeps every other position in each
# direction, and with padding 1 it keeps the image's 8 × 8.

# %%
widgets.conv_explorer(conv_output_size, kernel="vertical edge (Sobel)", pad=1, stride=1, position=9)

# %% [markdown]
# ## 3 · The convolutional layer, with loops
#
# A layer has $n_C$ filters. Each one slides over every example of the batch and gives one channel of the
# output, a *feature map*:
#
# $$Z_{i,h,w,c} = \sum_{p,q,k} A^{\text{pad}}_{i,\; h s + p,\; w s + q,\; k}\; W_{p,q,k,c} + b_c,$$
#
# with $A^{\text{pad}}$ the zero-padded input. The output has shape $(m, n_H, n_W, n_C)$ with $n_H$ and $n_W$
# from `conv_output_size`. Written as loops: for every example $i$, output row $h$, output column $w$ and filter
# $c$, cut the window `A_pad[i, h*s : h*s + f, w*s : w*s + f, :]` and hand it to `conv_single_step` with filter
# `W[:, :, :, c]` and bias `b[c]`.
#
# ### Exercise 4 — `conv_forward`
#
# Return `(Z, cache)` with `cache = (A_prev, W, b, stride, pad)` in this order. Use your `zero_pad`,
# `conv_output_size` and `conv_single_step`.

# %% solution id="conv_forward"
def conv_forward(A_prev, W, b, stride=1, pad=0):
    """(Z, cache): Z[i, h, w, c] = conv_single_step(window (h, w) of example i, W[..., c], b[c])."""
    ### BEGIN SOLUTION
    m, n_H_prev, n_W_prev, _ = A_prev.shape
    f, _, _, n_C = W.shape
    n_H = conv_output_size(n_H_prev, f, pad, stride)
    n_W = conv_output_size(n_W_prev, f, pad, stride)
    A_pad = zero_pad(A_prev, pad)
    Z = np.zeros((m, n_H, n_W, n_C))
    for i in range(m):
        for h in range(n_H):
            top = h * stride
            for w in range(n_W):
                left = w * stride
                a_slice = A_pad[i, top:top + f, left:left + f, :]
                for c in range(n_C):
                    Z[i, h, w, c] = conv_single_step(a_slice, W[:, :, :, c], b[c])
    return Z, (A_prev, W, b, stride, pad)
    ### END SOLUTION


# %% tests exercise="cnn.conv_forward" points=3

# %% [markdown]
# The explorer again, now with **your** `conv_forward` computing the feature map (orange marks). The
# horizontal-edge filter responds where the ink changes from top to bottom: positive with ink above and paper
# below (the lower edge of a stroke), negative with paper above and ink below (the upper edge of a stroke).

# %%
widgets.conv_explorer(conv_output_size, conv_forward, kernel="horizontal edge (Sobel)", pad=1, stride=1, position=20)

# %% [markdown]
# ### Going back
#
# Each output $Z_{i,h,w,c}$ came from one window and one filter, so its gradient $dZ_{i,h,w,c}$ goes back
# along the same products:
#
# - to the filter: $W_{p,q,k,c}$ met the window's entry $(p, q, k)$, so $dW_{:,:,:,c}$ gains
#   `window * dZ[i, h, w, c]`;
# - to the input: the window's entry $(p, q, k)$ met $W_{p,q,k,c}$, so that entry of $dA^{\text{pad}}$ gains
#   `W[:, :, :, c] * dZ[i, h, w, c]`;
# - to the bias: $db_c$ gains $dZ_{i,h,w,c}$.
#
# Every weight is used at every position and in every example, so its gradient **adds up** over all of them
# (`+=`); neighbouring windows overlap, so the input's gradient adds up too. At the end cut the padding off
# $dA^{\text{pad}}$: the zeros were not part of the input. As with batch norm, this layer's gradients are sums
# over the batch: any $\frac1m$ of the cost is already in $dZ$.
#
# ### Exercise 5 — `conv_backward`
#
# Return `(dA_prev, dW, db)` shaped like `A_prev`, `W` and `b`, for `dZ` and the cache of `conv_forward`.

# %% solution id="conv_backward"
def conv_backward(dZ, cache):
    """(dA_prev, dW, db): every window sends W·dZ back to its entries and adds window·dZ to dW."""
    ### BEGIN SOLUTION
    A_prev, W, b, stride, pad = cache
    f = W.shape[0]
    m, n_H, n_W, n_C = dZ.shape
    A_pad = zero_pad(A_prev, pad)
    dA_pad = np.zeros(A_pad.shape)
    dW = np.zeros(W.shape)
    db = np.zeros(n_C)
    for i in range(m):
        for h in range(n_H):
            top = h * stride
            for w in range(n_W):
                left = w * stride
                window = A_pad[i, top:top + f, left:left + f, :]
                for c in range(n_C):
                    dA_pad[i, top:top + f, left:left + f, :] += W[:, :, :, c] * dZ[i, h, w, c]
                    dW[:, :, :, c] += window * dZ[i, h, w, c]
                    db[c] += dZ[i, h, w, c]
    dA_prev = dA_pad[:, pad:pad + A_prev.shape[1], pad:pad + A_prev.shape[2], :]
    return dA_prev, dW, db
    ### END SOLUTION


# %% tests exercise="cnn.conv_backward" points=3

# %% [markdown]
# ## 4 · The same layer, fast
#
# Your loops are right, and slow: Python runs the innermost line $m \cdot n_H \cdot n_W \cdot n_C$ times, and each
# run does a tiny numpy operation. Libraries reorganise the same sums into one large matrix product:
#
# 1. **Gather the windows.** `sliding_window_view(A_pad, (f, f), axis=(1, 2))` is a *view* of every
#    $f \times f$ window of the padded batch, made without copying anything (it only tells numpy how to step
#    through the same memory); `[:, ::s, ::s]` keeps the windows that the stride uses. Its shape is
#    $(m, n_H, n_W, n_{C,\text{prev}}, f, f)$.
# 2. **Multiply once.** `np.tensordot` sums the window axes against the filter axes: numpy lays the windows out as
#    the rows of a matrix (*im2col*: image to columns) and multiplies it by the filters laid out as columns, one
#    matrix product of $(m n_H n_W) \times (f^2 n_{C,\text{prev}})$ by $(f^2 n_{C,\text{prev}}) \times n_C$.
# 3. **Backward.** $dW$ is the same product the other way round (windows against $dZ$), $db$ a sum, and
#    $dA^{\text{pad}}$ is built one filter offset $(p, q)$ at a time: every window sends $dZ\, W_{p,q}^\top$ to its
#    entry $(p, q)$, which is one strided slice of $dA^{\text{pad}}$ for all windows at once.
#
# Read the code, run it, and compare it with yours.

# %%
def conv_forward_vectorized(A_prev, W, b, stride=1, pad=0):
    """conv_forward as one matrix product over all the windows."""
    f = W.shape[0]
    windows = sliding_window_view(zero_pad(A_prev, pad), (f, f), axis=(1, 2))[:, ::stride, ::stride]
    Z = np.tensordot(windows, W, axes=([4, 5, 3], [0, 1, 2])) + b  # (m, n_H, n_W, n_C)
    return Z, (A_prev, W, b, stride, pad)


def conv_backward_vectorized(dZ, cache):
    """conv_backward with products over all the windows and f² strided additions."""
    A_prev, W, b, stride, pad = cache
    f = W.shape[0]
    n_H, n_W = dZ.shape[1], dZ.shape[2]
    A_pad = zero_pad(A_prev, pad)
    windows = sliding_window_view(A_pad, (f, f), axis=(1, 2))[:, ::stride, ::stride]
    dW = np.tensordot(windows, dZ, axes=([0, 1, 2], [0, 1, 2])).transpose(1, 2, 0, 3)  # (f, f, n_C_prev, n_C)
    db = dZ.sum(axis=(0, 1, 2))
    dA_pad = np.zeros(A_pad.shape)
    for p in range(f):
        for q in range(f):
            dA_pad[:, p:p + stride * n_H:stride, q:q + stride * n_W:stride, :] += dZ @ W[p, q].T
    return dA_pad[:, pad:pad + A_prev.shape[1], pad:pad + A_prev.shape[2], :], dW, db


# %% [markdown]
# Both versions on a batch of 64 digits and the layer of section 7 (8 filters of $3 \times 3$, same padding):

# %%
rng = np.random.default_rng(9)
A_speed = data.digits()[0][:64]
W_speed, b_speed = rng.normal(size=(3, 3, 1, 8)), rng.normal(size=8)


def timed(fn, *args, repeat=1):
    """(what fn(*args) returned, or None if it failed, and the shortest of `repeat` runs in seconds)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        result = widgets.attempt(fn, *args)
        best = min(best, time.perf_counter() - start)
    return result, best


dZ_speed = rng.normal(size=(64, 8, 8, 8))
cache_speed = (A_speed, W_speed, b_speed, 1, 1)
fast_out, fast_forward = timed(conv_forward_vectorized, A_speed, W_speed, b_speed, 1, 1, repeat=20)
fast_grads, fast_backward = timed(conv_backward_vectorized, dZ_speed, cache_speed, repeat=20)
loop_out, loop_forward = timed(conv_forward, A_speed, W_speed, b_speed, 1, 1)
loop_grads, loop_backward = timed(conv_backward, dZ_speed, cache_speed)
if fast_out is not None and fast_grads is not None:
    print(f"vectorized: forward {1e3 * fast_forward:.2f} ms, backward {1e3 * fast_backward:.2f} ms")
    if loop_out is not None and loop_grads is not None:
        print(f"your loops: forward {1e3 * loop_forward:.0f} ms, backward {1e3 * loop_backward:.0f} ms: "
              f"{(loop_forward + loop_backward) / (fast_forward + fast_backward):.0f} times slower")
        print("largest difference in Z:", np.max(np.abs(loop_out[0] - fast_out[0])),
              "  in dA_prev, dW, db:", max(np.max(np.abs(a - b)) for a, b in zip(loop_grads, fast_grads)))

# %% [markdown]
# Both compute the same numbers up to rounding (differences of $10^{-13}$ or less). The course's reference goes one
# step further (it builds the window view with `as_strided` and reuses one block of memory for the $f^2$
# additions); `benchmarks/conv_speed.py` in the course repository times it against PyTorch's convolution on the
# same shapes, and the two are within a small factor of each other on one CPU core. The digit classifier of
# section 7 trains with the vectorized pair.

# %% [markdown]
# ## 5 · Max pooling
#
# A pooling layer shrinks each feature map: it slides an $f \times f$ window with stride $s$ (usually $f = s = 2$,
# which halves height and width) and keeps the largest entry of each window, channel by channel. It has no
# parameters. Keras uses "valid" pooling (no padding), so the output size is
# $\lfloor (n - f)/s \rfloor + 1$, and the number of channels does not change. Keeping the maximum says "the
# feature was found somewhere in this neighbourhood" and forgets exactly where, which makes the next layers a
# little tolerant of small shifts, and each of their filters sees a larger part of the image.
#
# **Backward.** Only the maximum of a window reached the output, so the window's gradient goes entirely to that
# entry; the others get nothing. Two details:
#
# - **Ties.** After a ReLU many entries are exactly 0, and a window can hold its maximum twice. Only one of them
#   was passed on: the course (like `np.argmax`) takes the *first* in row-major order (the window's rows from the
#   top, each row from the left). A mask `window == window.max()` would send the gradient to all of them.
# - **Overlap.** With $s < f$ windows overlap, and one entry can be the maximum of several windows: add up
#   (`+=`) what each sends back.
#
# ### Exercises 6 and 7 — `maxpool_forward` and `maxpool_backward`
#
# `maxpool_forward` returns `(A, cache)` with `cache = (A_prev, f, stride)`; `maxpool_backward` returns
# `dA_prev`, shaped like `A_prev`. Loop over the output positions $(h, w)$ only and handle all examples and
# channels at once with numpy (`axis=(1, 2)` is the window's height and width): the CNN of section 7 trains with
# your two functions, and loops over examples and channels would make that slow. A hint for the backward pass:
# reshape the window `(m, f, f, n_C)` to `(m, f*f, n_C)`, and `np.argmax(..., axis=1)` gives, for every example
# and channel, the position of the first maximum.

# %% solution id="maxpool_forward"
def maxpool_forward(A_prev, f, stride):
    """(A, cache): the largest entry of each f×f window (stride apart) of each channel; no padding."""
    ### BEGIN SOLUTION
    m, n_H_prev, n_W_prev, n_C = A_prev.shape
    n_H = (n_H_prev - f) // stride + 1
    n_W = (n_W_prev - f) // stride + 1
    A = np.zeros((m, n_H, n_W, n_C))
    for h in range(n_H):
        for w in range(n_W):
            window = A_prev[:, h * stride:h * stride + f, w * stride:w * stride + f, :]
            A[:, h, w, :] = np.max(window, axis=(1, 2))
    return A, (A_prev, f, stride)
    ### END SOLUTION


# %% tests exercise="cnn.maxpool_forward" points=2

# %% solution id="maxpool_backward"
def maxpool_backward(dA, cache):
    """dA_prev: each window's gradient to its first maximum (row-major order); overlapping windows add up."""
    ### BEGIN SOLUTION
    A_prev, f, stride = cache
    m, n_H, n_W, n_C = dA.shape
    dA_prev = np.zeros(A_prev.shape)
    for h in range(n_H):
        for w in range(n_W):
            rows = slice(h * stride, h * stride + f)
            cols = slice(w * stride, w * stride + f)
            window = A_prev[:, rows, cols, :].reshape(m, f * f, n_C)
            first = np.argmax(window, axis=1)  # (m, n_C): where the first maximum is
            mask = np.arange(f * f)[None, :, None] == first[:, None, :]
            dA_prev[:, rows, cols, :] += (mask * dA[:, h:h + 1, w, :]).reshape(m, f, f, n_C)
    return dA_prev
    ### END SOLUTION


# %% tests exercise="cnn.maxpool_backward" points=2

# %% [markdown]
# ## 6 · Counting parameters
#
# How many numbers does a model learn? Layer by layer, as Keras' `model.summary()` lists them:
#
# | layer | output shape for input $(n_H, n_W, n_C)$ | parameters |
# |---|---|---|
# | `Conv2D(filters, f, padding)` | $(n_H - f + 1, n_W - f + 1, \text{filters})$ valid, $(n_H, n_W, \text{filters})$ same | $(f \cdot f \cdot n_C + 1) \cdot \text{filters}$ |
# | `MaxPooling2D(f, s)` | $(\lfloor (n_H - f)/s \rfloor + 1, \dots, n_C)$ | 0 |
# | `Flatten()` | $(n_H n_W n_C,)$ | 0 |
# | `Dense(units)` on $(\dots, d)$ | $(\dots, \text{units})$ | $(d + 1) \cdot \text{units}$ |
#
# A convolutional layer's count does not depend on the image size at all: its filters are shared by every
# position. The last row holds a surprise the notes' summaries show: Keras' `Dense` applied to an image acts on
# the **last axis only**, the same small layer at every pixel. The notes' first model starts with `Dense(16)` on
# a $(20, 20, 3)$ input and gets $(20, 20, 16)$ with $3 \cdot 16 + 16 = 64$ parameters, not
# $1200 \cdot 16 + 16$. The notes' three models total 473,890 (valid padding), 559,906 (same padding: the
# feature maps stay $20 \times 20$, so the final `Dense` after `Flatten` is much larger) and 68,770 (with one
# max-pooling layer).
#
# ### Exercise 8 — `model_summary`
#
# `layers` is a list of tuples: `("dense", units)`, `("conv", filters, f, "valid" or "same")` (stride 1),
# `("maxpool", f, stride)` and `("flatten",)`. Return `(rows, total)`: `rows` holds one pair
# `(output_shape, n_params)` per layer, the shape a tuple without the batch axis, and `total` the sum of the
# parameters.

# %% solution id="model_summary"
def model_summary(input_shape, layers):
    """(rows, total): (output_shape, n_params) for each layer, as Keras' summary() lists them."""
    ### BEGIN SOLUTION
    shape = tuple(input_shape)
    rows = []
    for layer in layers:
        kind = layer[0]
        if kind == "dense":
            units = layer[1]
            n_params = (shape[-1] + 1) * units
            shape = shape[:-1] + (units,)
        elif kind == "conv":
            filters, f, padding = layer[1], layer[2], layer[3]
            n_H, n_W, n_C = shape
            n_params = (f * f * n_C + 1) * filters
            if padding == "same":
                shape = (n_H, n_W, filters)
            else:
                shape = (n_H - f + 1, n_W - f + 1, filters)
        elif kind == "maxpool":
            f, stride = layer[1], layer[2]
            n_H, n_W, n_C = shape
            n_params = 0
            shape = ((n_H - f) // stride + 1, (n_W - f) // stride + 1, n_C)
        else:  # flatten
            n_params = 0
            shape = (int(np.prod(shape)),)
        rows.append((shape, n_params))
    return rows, sum(n for _, n in rows)
    ### END SOLUTION


# %% tests exercise="cnn.model_summary" points=2

# %% [markdown]
# Your function on the notes' models and on this notebook's digit classifier:

# %%
notes_start = [("dense", 16), ("conv", 32, 3, "same")]
widgets.summary_tables(model_summary, {
    "the notes' model, valid padding": ((20, 20, 3), [("dense", 16), ("conv", 32, 3, "valid"), ("conv", 64, 5, "valid"),
                                                       ("conv", 128, 7, "valid"), ("flatten",), ("dense", 2)]),
    "the notes' model, same padding": ((20, 20, 3), notes_start + [("conv", 64, 5, "same"), ("conv", 128, 7, "same"),
                                                                   ("flatten",), ("dense", 2)]),
    "the notes' model with max pooling": ((20, 20, 3), notes_start + [("maxpool", 2, 2), ("conv", 64, 5, "same"),
                                                                      ("flatten",), ("dense", 2)]),
    "section 7's digit classifier": ((8, 8, 1), [("conv", 8, 3, "same"), ("maxpool", 2, 2), ("flatten",),
                                                 ("dense", 10)]),
})

# %% [markdown]
# **Question.** The digit classifier of section 7 has 1,370 parameters. A dense network with one hidden layer of
# 128 units on the same 8×8 images would have $(64 + 1) \cdot 128 + (128 + 1) \cdot 10 = 9{,}610$. Where does
# the difference come from, and why does sharing one filter across all positions suit images? Name one thing a
# convolutional layer cannot do that a dense layer can.

# %% [markdown] answer id="weight_sharing" points=2
# A dense unit has its own weight for every input pixel, so its count grows with the image: 65 parameters per
# hidden unit here, 1,201 per unit for a 20×20×3 image. A convolutional filter has only $f \cdot f \cdot n_C + 1$
# weights (10 for a 3×3 filter on a grey image) and uses the same weights at every position; the layer's count
# depends on the filter size and the number of filters, not on the image size. In the classifier the 8 filters
# cost 80 parameters, pooling none, and most of the 1,370 sit in the final dense layer (128·10 + 10). Sharing
# suits images because a local pattern (an edge, a corner, a loop) means the same thing wherever it appears: one
# filter learns it once and finds it everywhere, using every position of every image as training data for the
# same few weights, which needs less data and overfits less; and the output keeps the image's layout, so the next
# layer can combine nearby features into larger ones. What it cannot do: a filter sees only its $f \times f$
# window, so one convolutional layer cannot relate distant pixels directly (a dense layer connects everything to
# everything), and because its weights are the same everywhere it cannot treat a position specially (a pattern in
# the top-left corner gets the same response as in the centre), which a dense layer can learn.

# %% [markdown]
# ## 7 · A convolutional network for handwritten digits
#
# Time to put the pieces together. The classifier reads an 8×8 grey digit and outputs ten probabilities:
#
# $$\underbrace{(m, 8, 8, 1)}_{\text{image}} \xrightarrow{\text{conv } 3\times3,\ 8 \text{ filters, same}}
# (m, 8, 8, 8) \xrightarrow{\text{ReLU}} \xrightarrow{\text{max-pool } 2\times2} (m, 4, 4, 8)
# \xrightarrow{\text{flatten}} (128, m) \xrightarrow{\text{dense}} (10, m) \xrightarrow{\text{softmax}}
# \text{probabilities}.$$
#
# The flattened features are turned into columns, one per example, so that the dense layer and the softmax are
# exactly notebook 03's and 04's. The softmax with categorical cross-entropy has the simple gradient
# $dZ = A - Y$ (notebook 04), averaged over the batch; from there the backward pass goes through the dense layer,
# back into the $(m, 4, 4, 8)$ shape, through **your** `maxpool_backward`, the ReLU, and the vectorized
# `conv_backward`. Training is mini-batch gradient descent with momentum (notebook 05: batches of 32,
# learning rate 0.1, $\beta = 0.9$) on 1,348 digits; the other 449 are the test set, never trained on.
#
# Ten epochs take a few seconds of computing, so the training runs right here (not behind a button); the progress bar and the cost curve move
# while it trains (in a live notebook). The green line is the accuracy on the test digits after each epoch,
# which should end near 98 %; the panel on the right shows test digits with the network's guesses, the wrong
# ones first, in red. The slider trains again for another number of epochs.

# %%
trained = widgets.digits_cnn_training(conv_forward_vectorized, conv_backward_vectorized, maxpool_forward,
                                      maxpool_backward, epochs=10)

# %% [markdown]
# What did the filters learn? Each of the eight $3 \times 3$ filters (top row, red positive and blue negative)
# responds to a small pattern: strokes of one orientation, the end of a stroke, a dark-to-light edge. The
# middle row shows where in the chosen digit each filter found its pattern (after ReLU), the bottom row what
# max pooling keeps of it. The dense layer then decides from these 128 numbers which digit it is. Move the slider
# through the test digits; compare a 0 with a 1, and look at what the network got wrong above.

# %%
widgets.feature_maps(trained, conv_forward_vectorized, maxpool_forward, index=0)

# %% [markdown]
# ## Summary
#
# - A convolutional layer slides $n_C$ filters of shape $(f, f, n_{C,\text{prev}})$ over the input; each output
#   is $\sum \text{window} \cdot W + b$. Deep-learning "convolution" is cross-correlation (no flipping).
# - Output size along each axis: $\lfloor (n + 2p - f)/s \rfloor + 1$; "valid" is $p = 0$, "same" is
#   $p = (f - 1)/2$ with stride 1.
# - Backward: every window adds $W \cdot dZ$ to the input's gradient and $\text{window} \cdot dZ$ to $dW$; shared
#   weights and overlapping windows make gradients add up; the padding is cut off at the end.
# - Loops are clear but slow; gathering all the windows (a strided view, im2col) turns the layer into one matrix
#   product, more than a thousand times faster here.
# - Max pooling keeps each window's maximum and sends its gradient back to that one entry (the first, on ties).
# - Parameters: $(f^2 n_{C,\text{prev}} + 1) \cdot n_C$ per convolutional layer, independent of the image size;
#   Keras' `Dense` on an image acts on the last axis. The notes' models have 473,890, 559,906 and 68,770.
# - A network of one convolutional layer, pooling and a dense softmax layer, built from these pieces, reads the
#   8×8 digits with about 98 % test accuracy after a few seconds of training.

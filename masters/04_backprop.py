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
# # Backpropagation
#
# Notebook 03 ran a layer forward; notebook 02 lowered a cost by walking against its gradient. To train a
# network with many layers we need the gradient of the cost with respect to *every* weight and bias, thousands
# of numbers, at a cost not much above one forward pass. Backpropagation delivers exactly that: the chain rule,
# applied layer by layer from the cost back to the input. This notebook builds it one small piece at a time,
# checks the assembled result against central differences, trains a network on a curved dataset, and then looks
# at what goes wrong in deep networks: gradients that vanish or explode, and weights that start out equal and
# stay equal.
#
# **By the end you can**
#
# - store the parameters of an $L$-layer network in a dictionary, count them, and initialize them with small
#   random, Xavier or He scales, explaining what each scale is for;
# - run the forward pass of a whole network on a batch, keeping in a *cache* what the backward pass needs;
# - derive and implement the backward pass of a layer: $dZ$ from $dA$ for ReLU, sigmoid and tanh, then $dW$,
#   $db$ and $dA_{\text{prev}}$ from $dZ$, and chain the layers from the cost back to the input;
# - check a whole backward pass with central differences and read its relative error;
# - train a network on a dataset no straight line separates;
# - explain vanishing and exploding gradients, and why a network whose weights start at zero never learns
#   more than one unit per layer.
#
# **How the exercises work** (as in the earlier notebooks). Each exercise is one function: replace
# `raise NotImplementedError()` with your code and run the check cell below it, which tries your function on
# fixed and random cases and says what is wrong, if anything. The later functions call the earlier ones, so go
# in order. The figures run *your* functions beside the reference; until a function works they show the
# reference alone and say which function is missing.
#
# **Notation.** Examples are *columns*: the input is $X = A^{[0]}$ of shape $(n_0, m)$, the labels $Y$ of shape
# $(1, m)$. Layer $l$ has $n_l$ units, weights $W^{[l]}$ of shape $(n_l, n_{l-1})$ and biases $b^{[l]}$ of shape
# $(n_l, 1)$. In code they are `parameters["W3"]`, `parameters["b3"]`, and a gradient such as
# $\partial J / \partial W^{[3]}$ is `grads["dW3"]`.

# %% setup
import numpy as np

from mlcourse import data, gradcheck, grader, widgets
from mlcourse.backprop import NOTES_PARAMETERS, NOTES_X, NOTES_Y
from mlcourse.derivatives import sigmoid

# %% [markdown]
# ## 1 · A deep network and its parameters
#
# A network with $L$ layers computes, for $l = 1, \dots, L$,
#
# $$Z^{[l]} = W^{[l]} A^{[l-1]} + b^{[l]}, \qquad A^{[l]} = g^{[l]}\bigl(Z^{[l]}\bigr),$$
#
# starting from $A^{[0]} = X$ and ending with the prediction $A^{[L]}$. The input layer has no parameters and is
# not counted in $L$. In this notebook every hidden layer uses ReLU and the output layer a sigmoid, so $A^{[L]}$
# of shape $(1, m)$ holds the probability of label 1 for each example.
#
# The notes' running example has layer sizes $[n_0, n_1, n_2, n_3] = [2, 4, 3, 1]$:
#
# | layer $l$ | units $n_l$ | $W^{[l]}$ | $b^{[l]}$ | $Z^{[l]}$, $A^{[l]}$ | parameters |
# |---|---|---|---|---|---|
# | 1 (ReLU) | 4 | $(4, 2)$ | $(4, 1)$ | $(4, m)$ | $8 + 4 = 12$ |
# | 2 (ReLU) | 3 | $(3, 4)$ | $(3, 1)$ | $(3, m)$ | $12 + 3 = 15$ |
# | 3 (sigmoid) | 1 | $(1, 3)$ | $(1, 1)$ | $(1, m)$ | $3 + 1 = 4$ |
#
# 31 parameters in all. Each $W^{[l]}$ has one row per unit of its layer and one column per input to it, which
# is what makes $W^{[l]} A^{[l-1]}$ work for any batch size $m$.
#
# ### Where training starts
#
# Gradient descent needs a starting point. The biases can start at zero. The weights must not (section 9
# shows why): they are drawn at random, and the scale of the draw matters more than one would think. Four
# choices, each drawing $W^{[l]}$ as standard normal numbers times a scale:
#
# | `method` | $W^{[l]}$ | idea |
# |---|---|---|
# | `"zeros"` | all $0$ | the tempting mistake |
# | `"random"` | $0.01 \cdot \mathcal{N}(0, 1)$ | "small random numbers" |
# | `"xavier"` | $\sqrt{1/n_{l-1}} \cdot \mathcal{N}(0, 1)$ | keeps $\operatorname{Var}(z)$ steady for tanh-like units |
# | `"he"` | $\sqrt{2/n_{l-1}} \cdot \mathcal{N}(0, 1)$ | the same for ReLU units, which silence half their inputs |
#
# $n_{l-1}$, the number of inputs of each unit of layer $l$ (its *fan-in*), sets the scale: the more terms
# $z$ adds up, the smaller each weight must be. Section 9 explains where $1/n$ and $2/n$ come from.
#
# ### Exercise 1 — `initialize_parameters`
#
# `layer_dims` is the list $[n_0, n_1, \dots, n_L]$. Return the dictionary `{"W1": ..., "b1": ..., "WL": ...,
# "bL": ...}` with every `b` a column of zeros of shape $(n_l, 1)$. For the random methods draw each weight
# matrix with **one** call `rng.standard_normal((n_l, n_prev))`, for $l = 1, 2, \dots, L$ in that order, and
# multiply it by the scale; `"zeros"` draws nothing. When `rng` is `None`, use `np.random.default_rng(0)`. (The
# same generator in the same order gives the same numbers, which is how the check can compare yours with the
# reference's.)

# %% solution id="initialize_parameters"
def initialize_parameters(layer_dims, method="he", rng=None):
    """{"W1", "b1", ..., "WL", "bL"} for layer_dims [n_0, ..., n_L]: W[l] (n_l, n_{l−1}) drawn by method, b[l] 0."""
    ### BEGIN SOLUTION
    if rng is None:
        rng = np.random.default_rng(0)
    scales = {"random": lambda n_in: 0.01, "xavier": lambda n_in: np.sqrt(1.0 / n_in),
              "he": lambda n_in: np.sqrt(2.0 / n_in)}
    parameters = {}
    for l in range(1, len(layer_dims)):
        n_in, n_out = layer_dims[l - 1], layer_dims[l]
        if method == "zeros":
            parameters[f"W{l}"] = np.zeros((n_out, n_in))
        else:
            parameters[f"W{l}"] = rng.standard_normal((n_out, n_in)) * scales[method](n_in)
        parameters[f"b{l}"] = np.zeros((n_out, 1))
    return parameters
    ### END SOLUTION


# %% tests exercise="backprop.initialize_parameters" points=2

# %% [markdown]
# Here are the networks of this notebook, with the shapes **your** `initialize_parameters` makes turned into a
# count: each layer has $n_l \cdot n_{l-1}$ weights and $n_l$ biases. The deep net of section 9 has twenty layers
# of 64 units; most of its parameters sit in the nineteen $64 \times 64$ weight matrices.

# %%
widgets.parameter_table(initialize_parameters, {
    "the notes' network": [2, 4, 3, 1],
    "moons classifier (section 8)": [2, 16, 8, 1],
    "symmetry experiment (section 9)": [2, 4, 4, 1],
    "deep net (section 9)": [64] * 20 + [1],
})

# %% [markdown]
# ## 2 · The idea of backpropagation
#
# For one example, the network and its loss form a chain of functions:
#
# $$x = a^{[0]} \xrightarrow{\;W^{[1]}, b^{[1]}\;} z^{[1]} \xrightarrow{\;g\;} a^{[1]} \xrightarrow{\;W^{[2]},
# b^{[2]}\;} z^{[2]} \to \cdots \to a^{[L]} \to \mathcal{L}\bigl(a^{[L]}, y\bigr).$$
#
# The chain rule of notebook 01 says how a change far back travels forward: the derivative of the loss with
# respect to an early quantity is the product of the local derivatives of every step after it. Backpropagation
# evaluates those products from the back, sharing the work. Knowing $\partial \mathcal{L}/\partial a^{[l]}$ (how
# the loss reacts to layer $l$'s output), one local step gives $\partial \mathcal{L}/\partial z^{[l]}$, and from
# that both the gradients of $W^{[l]}$ and $b^{[l]}$ and the derivative $\partial \mathcal{L}/\partial a^{[l-1]}$
# that the layer below needs. One sweep from layer $L$ down to layer 1 yields every gradient.
#
# Two consequences shape the code:
#
# - **Caches.** The local derivatives need values from the forward pass (the layer's input $A^{[l-1]}$, its
#   weights, its $Z^{[l]}$). Each forward function returns them in a `cache` next to its output, and the matching
#   backward function takes that cache back. Every piece comes as a pair, `*_forward(...) -> (out, cache)` and
#   `*_backward(dout, cache)`, written side by side.
# - **Cost.** The backward sweep costs about as much as the forward pass (a few matrix products per layer).
#   Central differences (notebook 01) need two forward passes *per parameter*: 158 210 of them for the 79 105
#   parameters of the deep net above. They stay useful as a referee (section 7), not as a method.
#
# **A convention about $\frac1m$.** The cost averages the losses of the $m$ examples,
# $J = \frac1m \sum_{i=1}^m \mathcal{L}^{(i)}$. In the code, `dA` and `dZ` have one column per example, and
# column $i$ holds the derivative of *that example's own loss* $\mathcal{L}^{(i)}$; only `dW` and `db`, which
# add up contributions of all the examples, are derivatives of $J$ and carry the factor $\frac1m$. So the
# $\frac1m$ appears in exactly one place: where a sum over the examples is taken.

# %% [markdown]
# ## 3 · The linear part of a layer: forward and backward
#
# The linear step $Z = W A_{\text{prev}} + b$ is notebook 03's dense layer without its activation. Here it also
# returns its cache, `(A_prev, W, b)`.
#
# ### Exercise 2 — `linear_forward`
#
# Return the pair `(Z, cache)` with `Z` of shape $(n_l, m)$ and `cache = (A_prev, W, b)` in that order.

# %% solution id="linear_forward"
def linear_forward(A_prev, W, b):
    """(Z, cache): Z = W A_prev + b for A_prev (n_{l−1}, m), W (n_l, n_{l−1}), b (n_l, 1); cache (A_prev, W, b)."""
    ### BEGIN SOLUTION
    Z = W @ A_prev + b
    return Z, (A_prev, W, b)
    ### END SOLUTION


# %% tests exercise="backprop.linear_forward" points=1

# %% [markdown]
# ### Going back through it
#
# Suppose the layer above has already worked out $dZ = \partial \mathcal{L}/\partial Z$, of shape $(n_l, m)$.
# Take one example first, a column $a$ of the input and the column $dz$ of $dZ$. Since
# $z_j = \sum_k W_{jk} a_k + b_j$:
#
# - $W_{jk}$ appears only in $z_j$, multiplied by $a_k$, so $\partial \mathcal{L}/\partial W_{jk} = dz_j\, a_k$:
#   the whole matrix of these is the outer product $dz\, a^\top$, of shape $(n_l, n_{l-1})$ like $W$;
# - $b_j$ appears only in $z_j$, with slope 1, so $\partial \mathcal{L}/\partial b_j = dz_j$;
# - $a_k$ appears in *every* $z_j$, so its derivative adds up all the paths:
#   $\partial \mathcal{L}/\partial a_k = \sum_j W_{jk}\, dz_j$, which is the vector $W^\top dz$.
#
# Now all $m$ examples. The weights and biases are shared by all of them, and $J$ is the average loss, so
# their gradients average the per-example ones; $A_{\text{prev}}$ is not shared, each column belongs to its own
# example:
#
# $$dW = \frac1m \sum_{i=1}^m dz^{(i)} a^{(i)\top} = \frac1m\, dZ\, A_{\text{prev}}^\top, \qquad
# db = \frac1m \sum_{i=1}^m dz^{(i)}, \qquad dA_{\text{prev}} = W^\top dZ.$$
#
# The shapes check the formulas: $(n_l, m) \cdot (m, n_{l-1})$ gives $dW$ the shape of $W$, and
# $(n_{l-1}, n_l) \cdot (n_l, m)$ gives $dA_{\text{prev}}$ the shape of $A_{\text{prev}}$. The sum for $db$ runs
# along each row (over the examples): `np.sum(dZ, axis=1, keepdims=True)`, which keeps the column shape
# $(n_l, 1)$ of $b$. Every gradient has the shape of the thing it is the gradient of; when a transpose is
# missing, the shapes usually say so first.
#
# ### Exercise 3 — `linear_backward`
#
# Return `(dA_prev, dW, db)` for `dZ` and the cache of `linear_forward`.

# %% solution id="linear_backward"
def linear_backward(dZ, cache):
    """(dA_prev, dW, db): dW = (1/m) dZ A_prevᵀ, db = (1/m) Σ_columns dZ as (n_l, 1), dA_prev = Wᵀ dZ."""
    ### BEGIN SOLUTION
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = (dZ @ A_prev.T) / m
    db = np.sum(dZ, axis=1, keepdims=True) / m
    dA_prev = W.T @ dZ
    return dA_prev, dW, db
    ### END SOLUTION


# %% tests exercise="backprop.linear_backward" points=3

# %% [markdown]
# ## 4 · Through the activation
#
# The activation works entry by entry, $A = g(Z)$, so each entry of $Z$ influences only the same entry of $A$,
# and the chain rule is a plain product entry by entry (`*` in numpy, not `@`):
#
# $$dZ = dA * g'(Z).$$
#
# The three activations of the course and their slopes (notebooks 01 and 03):
#
# | $g$ | $g'(Z)$ | remark |
# |---|---|---|
# | ReLU | $1$ where $Z > 0$, else $0$ | the gradient passes unchanged or not at all; at $Z = 0$ the course takes 0 |
# | sigmoid | $\sigma(Z)\,(1 - \sigma(Z))$ | at most $\frac14$, and tiny once $\lvert Z \rvert$ is large |
# | tanh | $1 - \tanh^2(Z)$ | at most 1, tiny once $\lvert Z \rvert$ is large |
#
# These functions take $Z$ (kept in the layer's cache) rather than $A$. The slopes could also be written with
# $A$, as $A(1 - A)$ and $1 - A^2$, but $Z$ serves all three alike.
#
# ### Exercises 4 to 6 — `relu_backward`, `sigmoid_backward`, `tanh_backward`
#
# Each returns `dZ`, of the shape of `dA` and `Z`. Use the overflow-free `sigmoid` this notebook imports from
# notebook 01's reference.

# %% solution id="relu_backward"
def relu_backward(dA, Z):
    """dZ = dA where Z > 0, and 0 where Z ≤ 0."""
    ### BEGIN SOLUTION
    return np.where(Z > 0, dA, 0.0)
    ### END SOLUTION


# %% tests exercise="backprop.relu_backward" points=1

# %% solution id="sigmoid_backward"
def sigmoid_backward(dA, Z):
    """dZ = dA · σ(Z)(1 − σ(Z)), entry by entry."""
    ### BEGIN SOLUTION
    s = sigmoid(Z)
    return dA * s * (1.0 - s)
    ### END SOLUTION


# %% tests exercise="backprop.sigmoid_backward" points=1

# %% solution id="tanh_backward"
def tanh_backward(dA, Z):
    """dZ = dA · (1 − tanh(Z)²), entry by entry."""
    ### BEGIN SOLUTION
    t = np.tanh(Z)
    return dA * (1.0 - t * t)
    ### END SOLUTION


# %% tests exercise="backprop.tanh_backward" points=1

# %% [markdown]
# ## 5 · A whole layer
#
# A layer is its linear part followed by its activation; going back, the order reverses. The layer's cache
# holds both caches: `cache = (linear_cache, Z)`.
#
# $$\text{forward: } A_{\text{prev}} \xrightarrow{\texttt{linear\_forward}} Z \xrightarrow{\;g\;} A,
# \qquad \text{backward: } dA \xrightarrow{\;* g'(Z)\;} dZ \xrightarrow{\texttt{linear\_backward}}
# (dA_{\text{prev}}, dW, db).$$
#
# ### Exercises 7 and 8 — `linear_activation_forward` and `linear_activation_backward`
#
# `activation` is one of the strings `"sigmoid"`, `"relu"` and `"tanh"`; give each its own branch (a plain
# `else` that treats everything but the sigmoid as ReLU gets tanh wrong). Use your functions from above.

# %% solution id="linear_activation_forward"
def linear_activation_forward(A_prev, W, b, activation):
    """(A, cache): A = g(W A_prev + b) for g named by activation; cache = (linear_cache, Z)."""
    ### BEGIN SOLUTION
    Z, linear_cache = linear_forward(A_prev, W, b)
    if activation == "sigmoid":
        A = sigmoid(Z)
    elif activation == "relu":
        A = np.maximum(0.0, Z)
    elif activation == "tanh":
        A = np.tanh(Z)
    else:
        raise ValueError(f"unknown activation {activation!r}")
    return A, (linear_cache, Z)
    ### END SOLUTION


# %% tests exercise="backprop.linear_activation_forward" points=2

# %% solution id="linear_activation_backward"
def linear_activation_backward(dA, cache, activation):
    """(dA_prev, dW, db) for dA (n_l, m) and cache = (linear_cache, Z): back through g, then the linear part."""
    ### BEGIN SOLUTION
    linear_cache, Z = cache
    if activation == "sigmoid":
        dZ = sigmoid_backward(dA, Z)
    elif activation == "relu":
        dZ = relu_backward(dA, Z)
    elif activation == "tanh":
        dZ = tanh_backward(dA, Z)
    else:
        raise ValueError(f"unknown activation {activation!r}")
    return linear_backward(dZ, linear_cache)
    ### END SOLUTION


# %% tests exercise="backprop.linear_activation_backward" points=2

# %% [markdown]
# ## 6 · The whole network
#
# ### Forward
#
# The forward pass runs the layers in order: layers $1, \dots, L-1$ with ReLU, layer $L$ with the sigmoid. It
# keeps every layer's cache, in order, for the way back. The number of layers is not passed in: the dictionary
# holds two entries per layer, so $L$ is `len(parameters) // 2`.
#
# ### Exercise 9 — `model_forward`
#
# Return `(AL, caches)`: the output $A^{[L]}$ of shape $(1, m)$ and the list of the $L$ layer caches, layer 1
# first.

# %% solution id="model_forward"
def model_forward(X, parameters):
    """(AL, caches): ReLU layers 1..L−1, a sigmoid layer L; caches = [cache of layer 1, ..., cache of layer L]."""
    ### BEGIN SOLUTION
    L = len(parameters) // 2
    A = X
    caches = []
    for l in range(1, L + 1):
        activation = "sigmoid" if l == L else "relu"
        A, cache = linear_activation_forward(A, parameters[f"W{l}"], parameters[f"b{l}"], activation)
        caches.append(cache)
    return A, caches
    ### END SOLUTION


# %% tests exercise="backprop.model_forward" points=2

# %% [markdown]
# ### The cost
#
# The cost is notebook 03's binary cross-entropy of the predictions, averaged over the $m$ examples, with the
# natural logarithm:
#
# $$J = -\frac1m \sum_{i=1}^m \Bigl( y^{(i)} \ln a^{[L](i)} + \bigl(1 - y^{(i)}\bigr) \ln\bigl(1 - a^{[L](i)}\bigr)
# \Bigr).$$
#
# As there, clip the predictions to $[10^{-12}, 1 - 10^{-12}]$ first, so that an output of exactly 0 or 1 costs
# a large but finite amount instead of `inf` or `nan`.
#
# ### Exercise 10 — `compute_cost`
#
# `AL` and `Y` have shape $(1, m)$; return $J$ as a `float`.

# %% solution id="compute_cost"
def compute_cost(AL, Y):
    """J = −(1/m) Σ (Y ln AL + (1 − Y) ln(1 − AL)) with AL clipped to [1e-12, 1 − 1e-12]; a float."""
    ### BEGIN SOLUTION
    m = Y.shape[1]
    AL = np.clip(AL, 1e-12, 1 - 1e-12)
    return float(-np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / m)
    ### END SOLUTION


# %% tests exercise="backprop.compute_cost" points=1

# %% [markdown]
# Your two functions on the notes' network, with the hand-picked parameters `NOTES_PARAMETERS` (imported in the
# setup cell) and its three examples `NOTES_X`, `NOTES_Y`:

# %%
widgets.notes_forward(model_forward, compute_cost)

# %% [markdown]
# ### Backward
#
# The backward pass starts where the forward pass ended, at the loss. For one example with output $a = a^{[L]}$,
#
# $$\frac{\partial \mathcal{L}}{\partial a} = -\left(\frac{y}{a} - \frac{1 - y}{1 - a}\right),$$
#
# which is `dAL = -(Y / AL - (1 - Y) / (1 - AL))` for all the columns at once. From there, layer $L$ goes back
# through its sigmoid, and layers $L-1, \dots, 1$ through ReLU, each handing its $dA_{\text{prev}}$ to the layer
# below:
#
# $$dZ^{[l]} = dA^{[l]} * g'\bigl(Z^{[l]}\bigr), \quad dW^{[l]} = \tfrac1m\, dZ^{[l]} A^{[l-1]\top}, \quad
# db^{[l]} = \tfrac1m \textstyle\sum_i dZ^{[l](i)}, \quad dA^{[l-1]} = W^{[l]\top} dZ^{[l]}.$$
#
# This is the notes' summary of backpropagation. The notes start it one step later, from
# $dZ^{[L]} = A^{[L]} - Y$: going through the sigmoid multiplies $\partial \mathcal{L}/\partial a$ by
# $\sigma' = a(1 - a)$, and
#
# $$-\left(\frac{y}{a} - \frac{1 - y}{1 - a}\right) a(1 - a) = -y(1 - a) + (1 - y)a = a - y.$$
#
# The short form is also the safer one in floating point: a sigmoid output rounds to exactly 1.0 once
# $z > 37$ or so, and then `(1 - Y) / (1 - AL)` divides 0 by 0. (Section 8 meets this.) Either way, do not use
# both: starting from $A^{[L]} - Y$ *and* going back through the sigmoid applies its slope twice.
#
# ### Exercise 11 — `model_backward`
#
# Return the dictionary `grads` holding, for every layer $l$, `"dW{l}"`, `"db{l}"` and `"dA{l-1}"`, the
# gradient of the layer's *input*: so the `dA` keys run from `"dA0"` (the gradient with respect to $X$) to
# `"dA{L-1}"`. Start from `dAL` as above and pass `caches[l - 1]` to layer `l`.

# %% solution id="model_backward"
def model_backward(AL, Y, caches):
    """grads with dA{l−1}, dW{l}, db{l} for l = L..1, from dAL = −(Y/AL − (1 − Y)/(1 − AL))."""
    ### BEGIN SOLUTION
    L = len(caches)
    grads = {}
    dA = -(Y / AL - (1 - Y) / (1 - AL))
    for l in range(L, 0, -1):
        activation = "sigmoid" if l == L else "relu"
        dA_prev, dW, db = linear_activation_backward(dA, caches[l - 1], activation)
        grads[f"dA{l - 1}"], grads[f"dW{l}"], grads[f"db{l}"] = dA_prev, dW, db
        dA = dA_prev
    return grads
    ### END SOLUTION


# %% tests exercise="backprop.model_backward" points=3

# %% [markdown]
# Your gradients for the notes' network, in the order backpropagation computes them: the output layer first.
# Some entries of `dW1` and `db1` are exactly 0 because three entries of $Z^{[1]}$ are exactly 0, and ReLU
# passes no gradient there.

# %%
widgets.gradient_table(model_forward, model_backward)

# %% [markdown]
# ### One step of gradient descent
#
# With the gradients in hand, the update is notebook 02's step for every parameter:
#
# $$W^{[l]} \leftarrow W^{[l]} - \alpha\, dW^{[l]}, \qquad b^{[l]} \leftarrow b^{[l]} - \alpha\, db^{[l]},
# \qquad l = 1, \dots, L.$$
#
# ### Exercise 12 — `update_parameters`
#
# Return a **new** dictionary and leave `parameters` and `grads` as they were. `W - lr * dW` makes a new array;
# `W -= lr * dW` would change the caller's array in place (and the check reports it). `grads` also holds the
# `dA` entries, which the update does not use.

# %% solution id="update_parameters"
def update_parameters(parameters, grads, lr):
    """A new dict with W[l] − lr·dW[l] and b[l] − lr·db[l] for l = 1..L; the inputs stay unchanged."""
    ### BEGIN SOLUTION
    L = len(parameters) // 2
    new = {}
    for l in range(1, L + 1):
        for kind in ("W", "b"):
            new[f"{kind}{l}"] = parameters[f"{kind}{l}"] - lr * grads[f"d{kind}{l}"]
    return new
    ### END SOLUTION


# %% tests exercise="backprop.update_parameters" points=1

# %% [markdown]
# ## 7 · Checking the whole backward pass
#
# Each piece passed its check, but the pieces must also fit together: an index off by one, a cache handed to the
# wrong layer, or a sign, and every layer is still "right" while the network's gradient is wrong. The test is
# notebook 01's gradient check, applied to the cost as a function of **all** the parameters at once:
#
# 1. lay every parameter out in one long vector $\theta$ (`W1` row by row, then `b1`, `W2`, and so on), and write
#    $J(\theta)$ as "cut $\theta$ back into the dictionary, run the forward pass, compute the cost";
# 2. the numerical gradient nudges each of the entries of $\theta$ by $\pm h$ and runs the forward pass twice for each;
# 3. the analytic gradient is your `dW1, db1, dW2, ...` laid out in the same order;
# 4. their relative error $\lVert a - b \rVert / (\lVert a \rVert + \lVert b \rVert)$ says how well they agree.
#
# The network is the notes' shape $[2, 4, 3, 1]$, He-initialized, on 30 points of the moons dataset (section 8).
# The helpers of notebook 01 come from `mlcourse.gradcheck`.

# %%
def to_vector(parameters):
    """W1, b1, W2, b2, ... flattened and joined into one vector θ."""
    L = len(parameters) // 2
    return np.concatenate([parameters[f"{kind}{l}"].ravel() for l in range(1, L + 1) for kind in ("W", "b")])


def to_parameters(theta, like):
    """θ cut back into a dictionary of arrays shaped like those of `like` (the inverse of to_vector)."""
    L = len(like) // 2
    parameters, start = {}, 0
    for key in [f"{kind}{l}" for l in range(1, L + 1) for kind in ("W", "b")]:
        size = like[key].size
        parameters[key] = theta[start:start + size].reshape(like[key].shape)
        start += size
    return parameters


X_check, Y_check, parameters_check = widgets.check_network()


def cost_of(theta):
    AL, _ = model_forward(X_check, to_parameters(theta, parameters_check))
    return compute_cost(AL, Y_check)


def gradient_of(theta):
    AL, caches = model_forward(X_check, to_parameters(theta, parameters_check))
    grads = model_backward(AL, Y_check, caches)
    return to_vector({key: grads["d" + key] for key in parameters_check})


theta = to_vector(parameters_check)
print(f"θ has {theta.size} entries: {2 * theta.size} forward passes for the numerical gradient")
error = widgets.attempt(gradcheck.gradient_check, cost_of, gradient_of, theta)
if error is not None:
    print(f"relative error of your backward pass: {error:.1e}")

# %% [markdown]
# ### Reading the relative error
#
# With $h = 10^{-5}$, central differences are accurate to about $h^2 = 10^{-10}$ relative to the size of the
# gradient, and round-off adds about $\varepsilon / h \approx 10^{-11}$ (notebook 01). A correct backward pass
# therefore lands near $10^{-10}$ or below, and notebook 01's rough guide applies:
#
# - **around $10^{-7}$ or below**: the two gradients agree to six or seven digits. No bug produces that by
#   accident; the backward pass is right.
# - **around $10^{-2}$**: they agree only to a percent or so. That is far too much disagreement for
#   approximation error; almost always it is a bug, though usually not a wholesale one (a wrong sign or a
#   forgotten transpose gives errors near 1). Typical causes: one layer's gradient or a few entries wrong, a
#   factor off by a little, or a smaller group of parameters (a bias, one layer) wrong while the large ones
#   are right. It can also be a false alarm: a parameter sitting exactly on a kink.
#
# The kink deserves a look. ReLU has a corner at 0, and the course's `relu_backward` gives slope 0 there, but a
# central difference straddles the corner and measures the *average* of the two sides. The notes' network has
# three entries of $Z^{[1]}$ that are exactly 0, so the check on it reports a large error even though the code
# is right; nudge $b^{[1]}$ by $10^{-3}$, which moves every $Z^{[1]}$ off 0, and the error drops back below
# $10^{-10}$. That is why a gradient check uses random parameters and data.
#
# The figure repeats your check and plants four bugs into your gradients (they keep their shapes, so only the
# numbers can give them away), then runs your code on the notes' network, kinks and all.

# %%
widgets.whole_model_check(model_forward, compute_cost, model_backward);

# %% [markdown]
# The mildest planted bug, `dW1` 1% too large, gives only about $2 \cdot 10^{-3}$, just past the line: a bug that
# touches few or small numbers raises the relative error only a little, because the norms are dominated by the
# large entries. So do not excuse a value between $10^{-7}$ and $10^{-3}$ without finding its cause.
#
# **Question.** A classmate's gradient check of their whole network reports a relative error of $10^{-2}$, and
# they say "close enough, the model trains anyway". What does $10^{-2}$ tell you, compared with $10^{-7}$? Name two
# different things that could cause it, and say how you would find out which part of the backward pass is
# wrong.

# %% [markdown] answer id="gradient_check_verdict" points=2
# The relative error $\lVert a - b \rVert / (\lVert a \rVert + \lVert b \rVert)$ compares the analytic and the
# numerical gradient as a whole. Central differences with $h = 10^{-5}$ are accurate to roughly $10^{-10}$, so a
# correct backward pass gives $10^{-7}$ or less: six or more matching digits, which no bug produces by chance.
# $10^{-2}$ means the two gradients differ by about a percent of their size: far beyond approximation error, so
# almost certainly a bug, just not one that ruins every entry (a wrong sign or a missing transpose gives errors
# near 1). "It trains anyway" proves nothing: gradient descent also goes downhill with a somewhat wrong
# gradient, only to a worse place or more slowly. Possible causes: one group of parameters is wrong while the
# large ones are right, for example `db` of one layer missing its $\frac1m$ or set to zero, or one layer's
# `dW` scaled a little; a slip in a single layer (say the ReLU mask applied with `>=` or to the wrong `Z`);
# or, the one harmless case, parameters that sit exactly on a ReLU kink ($Z = 0$), where the numerical slope
# is the average of the two sides. To find the culprit, compare the two gradients piece by piece: cut both
# vectors back into `dW1, db1, ...` and compute the relative error of each block; the wrong block names the
# layer and whether weights or biases are at fault. Then rerun with slightly perturbed random parameters to
# rule out kinks, and check that layer's backward function on its own.

# %% [markdown]
# ## 8 · Training on the moons
#
# Now the pieces train a network. The *moons* are two interleaving half circles with noise: no straight line
# separates them, so logistic regression (notebook 02) cannot, but a network with hidden layers can bend its
# boundary around them. Batch gradient descent is four of your functions in a loop:
#
# ```python
# parameters = initialize_parameters([2, 16, 8, 1], "he", np.random.default_rng(0))
# for epoch in range(epochs):
#     AL, caches = model_forward(X, parameters)
#     cost = compute_cost(AL, Y)          # recorded for the curve
#     grads = model_backward(AL, Y, caches)
#     parameters = update_parameters(parameters, grads, lr)
# ```
#
# The explorer runs this loop with your functions for 2000 epochs on 200 points (and the reference beside it,
# pale blue), keeping the parameters every 20 epochs. The shading is your network's prediction after the chosen
# epoch, the orange line its decision boundary $A^{[L]} = \frac12$; the right panel is the cost. Slide through
# the epochs: the boundary starts as a few straight pieces and bends into the gap between the moons. Then try
# other learning rates. A large one makes the cost jump, and soon some outputs are so confident that they round
# to exactly 0 or 1; `dAL` then divides 0 by 0 and the run stops (the figure says when). The form
# $dZ^{[L]} = A^{[L]} - Y$ would not stop there.

# %%
widgets.moons_training_explorer(initialize_parameters, model_forward, compute_cost, model_backward,
                                update_parameters, lr=0.5, epoch=1000)

# %% [markdown]
# After 1000 epochs the network classifies almost all the training points correctly, and the cost keeps
# falling slowly. Keep in mind that these are the *training* points: how well the boundary does on new points
# is a different question, taken up with regularization later in the course.

# %% [markdown]
# ## 9 · Deep networks: vanishing and exploding gradients
#
# Unroll the backward recursion over many layers. Each layer multiplies the incoming gradient by two things,
#
# $$dA^{[l-1]} = W^{[l]\top}\bigl(dA^{[l]} * g'(Z^{[l]})\bigr),$$
#
# a weight matrix and the slopes of the activation. After $L$ layers the gradient that reaches the first layer
# has gone through $L$ such factors. If they are typically smaller than 1 it shrinks geometrically, and the
# first layers hardly learn (a *vanishing* gradient); if they are larger than 1 it grows geometrically and the
# steps become huge (an *exploding* gradient; with large enough values the numbers overflow to `inf` and then
# `nan`). The forward pass has the same problem: activations shrink or grow layer by layer.
#
# **How large should the weights be?** Take one unit, $z = \sum_{k=1}^{n} w_k a_k$ with $n = n_{l-1}$ inputs,
# and independent weights of mean 0 and variance $\operatorname{Var}(w)$. Then
#
# $$\operatorname{Var}(z) = n \cdot \operatorname{Var}(w) \cdot \mathbb{E}\bigl[a^2\bigr].$$
#
# The sum of $n$ terms grows with $n$, and the weights must make up for it:
#
# - for tanh-like units (slope about 1 near 0), $\operatorname{Var}(w) = 1/n$ keeps the size of $z$ from layer
#   to layer: **Xavier** initialization, in its fan-in form;
# - ReLU sets half its inputs to zero, which halves $\mathbb{E}[a^2]$, and $\operatorname{Var}(w) = 2/n$
#   makes up for it: **He** initialization (Kaiming He and co-authors, 2015);
# - Xavier Glorot and Yoshua Bengio (2010) looked at the backward pass too, which asks for $1/n_{\text{out}}$,
#   and proposed the compromise $\operatorname{Var}(w) = 2/(n_{\text{in}} + n_{\text{out}})$ (Keras's default,
#   `glorot_uniform`). **The notes (003) write this as "$2/n_{in} + n_{out}$"**: the parentheses are missing, and
#   read literally that is a different and much larger number. This course's `"xavier"` is the fan-in form
#   $\sqrt{1/n_{l-1}}$.
#
# The notes' first idea, standard normal weights ($\operatorname{Var}(w) = 1$), multiplies $\mathbb{E}[z^2]$ by
# about $n$ at every layer ($n/2$ with ReLU); the small `"random"` scale 0.01 multiplies it by $n \cdot 10^{-4}$
# (or half that). With $n = 64$ both drift geometrically with depth, the first up, the second down.
#
# The explorer builds a deep net of 64 units per layer, initializes it with **your** `initialize_parameters`
# (each method, plus standard normal weights drawn here), and runs one forward and one backward pass of **your**
# layer functions on 64 random examples. The left panel shows how large the activations $A^{[l]}$ are, the right
# panel the norm of every $dW^{[l]}$, on logarithmic axes. (The backward pass starts from
# $dZ^{[L]} = A^{[L]} - Y$ with your `linear_backward`, so that a saturated output cannot hide what happens
# below it.) Compare the hidden activations and change the depth.

# %%
widgets.gradient_flow_explorer(initialize_parameters, linear_activation_forward, linear_backward,
                               linear_activation_backward, hidden="sigmoid", depth=20)

# %% [markdown]
# What to look for:
#
# - **sigmoid**: even with Xavier or He scales the gradient shrinks by a factor of three to four per layer on
#   its way to the input, since $\sigma' \le \frac14$ at every layer: over twenty layers, ten to twelve orders
#   of magnitude. This is why deep networks moved from the sigmoid to ReLU.
# - **ReLU**: He keeps both activations and gradients at the same size through all the layers (they wander a
#   little: a product of random factors); Xavier loses about a factor $\sqrt2$ of the activations per layer;
#   `"random"` shrinks them by about $0.01\sqrt{64/2} \approx 0.06$ per layer, and every gradient is
#   minute; standard normal weights make activations and gradients explode.
# - **tanh**: Xavier and He keep the gradients steady (with Xavier the activations shrink, slowly); with
#   standard normal weights the units saturate and the gradients of the first layers explode.
# - **zeros**: no gradient at all below the last layer, whatever the depth. The next part shows why.
#
# The notes list the remedies: ReLU-like activations, careful initialization, batch normalization, residual
# connections (which give the gradient a path around each layer) and gradient clipping. (The notes 001 also say
# an exploding gradient "creates a stable model"; it does the opposite, making training unstable.)
#
# ### Why zeros never learns: symmetry
#
# Start with every weight equal to zero. Then every unit of a hidden layer computes the same function of the
# same inputs, so they all output the same values. Going back, each unit of a layer receives the same
# gradient, because it sits in the same position with the same (zero) outgoing weights, so each gets the same
# update, and after the update the units are still identical. By induction they stay copies of one another
# forever: a layer of $n$ units behaves like a single unit, however long it trains. Random starting weights
# break this symmetry; that is their job, and why the biases may start at zero.
#
# With ReLU or tanh it is even worse: $g(0) = 0$, so all hidden outputs are zero, no gradient reaches any
# hidden weight, and nothing below the output layer ever moves. With the sigmoid, $\sigma(0) = \frac12$, so the
# network does learn, as one unit per layer. (One more twist: with exactly balanced classes the zero network
# sits at a point where *every* gradient is zero, since the output's $dW$ is proportional to the average of
# $A^{[L]} - Y$. The explorer therefore uses moons with twice as many points of one class as of the other.)
#
# The explorer trains the network $[2, 4, 4, 1]$ with your functions, from zeros (top) and from random weights
# (bottom). The first four panels of each row show what the four units of the first hidden layer compute over
# the plane, the last the network's prediction.

# %%
widgets.symmetry_explorer(initialize_parameters, linear_activation_forward, linear_activation_backward,
                          update_parameters, hidden="sigmoid", steps=1500)

# %% [markdown]
# From zeros, the four units carry the same weights to the last digit, and the network can only draw a
# straight boundary; from random weights, the units differ, and the boundary bends. Switch to tanh or ReLU to
# see the zero network not move at all.
#
# **Question.** Explain why a network whose weights all start at zero never learns more than one distinct unit
# per hidden layer, whatever the learning rate and however long it trains. Why is it fine to start the biases
# at zero when the weights are random?

# %% [markdown] answer id="zero_initialization" points=2
# With all weights zero, every unit of a hidden layer computes the same weighted sum of the same inputs, so all
# of them have the same $Z$ and the same output. In the backward pass the units of a layer are
# interchangeable too: each receives $dA = W^\top dZ$ from the layer above, whose weights are all equal, so each
# gets the same $dZ$ and hence the same row of $dW = \frac1m dZ\,A_{\text{prev}}^\top$ and the same $db$. The
# update subtracts the same amounts from the same values, so after the step the units are again identical, and
# by induction after every step: the symmetry is never broken, and $n$ units work like one, whatever the
# learning rate or the number of steps. (With ReLU or tanh it is worse: $g(0) = 0$, the hidden outputs are zero,
# the output layer's weights get zero gradient and pass nothing back, so the hidden weights never move at all.)
# Random weights give each unit a different function from the start, so the units receive different gradients
# and learn different features. Once the weights are random the biases need no randomness: each unit's $z$
# already differs through its own weights, and the bias gradient of each unit depends on its own $dZ$, so
# zero biases cannot make units equal.

# %% [markdown]
# ## 10 · More than two classes: a softmax output layer
#
# To tell $C > 2$ classes apart, a network ends in $C$ units with notebook 03's softmax, and is trained on the
# categorical cross-entropy (natural log). For one example with logits $z = (z_1, \dots, z_C)$ and one-hot
# label $y$,
#
# $$a_k = \frac{e^{z_k}}{\sum_{j=1}^{C} e^{z_j}}, \qquad \mathcal{L} = -\sum_{k=1}^{C} y_k \ln a_k .$$
#
# Section 4's rule $dZ = dA * g'(Z)$ does not apply here, because softmax does not work entry by entry: all the
# $a_k$ share one denominator, so each logit moves *every* probability, and the chain rule must add up the
# paths through all $C$ of them:
#
# $$\frac{\partial \mathcal{L}}{\partial z_j} = \sum_{k=1}^{C} \frac{\partial \mathcal{L}}{\partial a_k}\,
# \frac{\partial a_k}{\partial z_j}.$$
#
# **The loss's slopes.** Only the logarithms depend on $a$, so $\partial \mathcal{L} / \partial a_k = -y_k / a_k$.
#
# **The softmax's slopes** (its Jacobian). With $S = \sum_j e^{z_j}$, the quotient rule gives on the diagonal
# and off it
#
# $$\frac{\partial a_j}{\partial z_j} = \frac{e^{z_j} S - e^{z_j} e^{z_j}}{S^2} = a_j (1 - a_j), \qquad
# \frac{\partial a_k}{\partial z_j} = \frac{0 \cdot S - e^{z_k} e^{z_j}}{S^2} = -a_k a_j \quad (k \ne j),$$
#
# in one line $\partial a_k / \partial z_j = a_k (\delta_{kj} - a_j)$, where $\delta_{kj}$ is 1 for $k = j$ and 0
# otherwise. The diagonal is the sigmoid's familiar $a(1 - a)$; the entries off the diagonal are what an
# entry-by-entry rule would leave out.
#
# **Both together.** Each $a_k$ in the loss's slope cancels against the $a_k$ in front of the Jacobian:
#
# $$\frac{\partial \mathcal{L}}{\partial z_j} = \sum_{k=1}^{C} \Bigl(-\frac{y_k}{a_k}\Bigr)\, a_k (\delta_{kj} - a_j)
# = -\sum_{k} y_k \delta_{kj} + a_j \sum_{k} y_k = -y_j + a_j ,$$
#
# because $\delta_{kj}$ picks $y_j$ out of the first sum and the labels add up to $\sum_k y_k = 1$. For all $m$
# examples at once, one column each:
#
# $$dZ^{[L]} = A^{[L]} - Y .$$
#
# This is the formula the sigmoid output layer gave in section 6, and not by chance: for $C = 2$ the softmax of
# $(z, 0)$ is $(\sigma(z), 1 - \sigma(z))$, and the first row of $A - Y$ is the sigmoid's $a - y$.
#
# Three things to keep in mind:
#
# - **No $\frac1m$ in $dZ$.** Column $j$ is the gradient of example $j$'s own loss. The cost averages the
#   losses, and that average enters once, in $dW^{[L]} = \frac1m\, dZ^{[L]} A^{[L-1]\top}$ and $db^{[L]}$
#   (section 3's `linear_backward`). Dividing $dZ$ by $m$ as well divides twice.
# - **Never divide by $A$.** The $-Y/A$ in the middle of the derivation cancels on paper, so code should not
#   compute it: with large logits some probabilities round to exactly 0 or 1, and $-Y/A$ then gives `inf` or
#   `nan`, while $A - Y$ is always finite (the same reason section 6 prefers $A^{[L]} - Y$ for the sigmoid).
# - **Only $\sum_k y_k = 1$ was used.** Any label vector that adds up to 1 gives $A - Y$, smoothed labels such
#   as $(0.9, 0.05, 0.05)$ too. Labels that mark several classes at once do not add up to 1; they need one
#   sigmoid per class instead.
#
# ### Exercise 13 — `softmax_cross_entropy_backward`
#
# `A` holds the softmax outputs and `Y` the one-hot labels, both of shape $(C, m)$; return `dZ`, of the same
# shape.

# %% solution id="softmax_cross_entropy_backward"
def softmax_cross_entropy_backward(A, Y):
    """dZ = A − Y, (C, m), for softmax outputs A (C, m) with the cross-entropy loss and one-hot labels Y (C, m)."""
    ### BEGIN SOLUTION
    return A - Y
    ### END SOLUTION


# %% tests exercise="backprop.softmax_cross_entropy_backward" points=1

# %% [markdown]
# As in section 7, a derivation is worth checking numerically. The cell below perturbs each logit of a small
# batch (4 classes, 6 examples) by $\pm h$, takes central differences of the *summed* loss $m J$, and compares
# them with your `dZ`: the relative error should be around $10^{-10}$ or smaller.

# %%
from mlcourse.neurons import categorical_cross_entropy, softmax  # notebook 03's references

rng = np.random.default_rng(4)
Z = rng.normal(size=(4, 6)) * 2  # logits: 4 classes, 6 examples
Y = np.eye(4)[:, rng.integers(0, 4, size=6)]  # one-hot labels, one column per example
m = Z.shape[1]


def summed_loss(Z):
    return m * categorical_cross_entropy(softmax(Z), Y)  # the cost J is the mean, so m·J is the sum of the losses


numerical = gradcheck.numerical_gradient(summed_loss, Z.copy())
try:
    yours = np.asarray(softmax_cross_entropy_backward(softmax(Z), Y), dtype=float)
except Exception as exc:  # not implemented yet, or an error: show the numbers to aim for
    print(f"softmax_cross_entropy_backward raised {type(exc).__name__}. Central differences give dZ =")
    print(np.round(numerical, 4))
else:
    if yours.shape == numerical.shape:
        error = gradcheck.relative_error(yours, numerical)
        print(f"relative error of your dZ against central differences: {error:.1e}")
    else:
        print(f"your dZ has shape {yours.shape}; it should have the shape of Z, {numerical.shape}")

# %% [markdown]
# ## Summary
#
# - An $L$-layer network stores $W^{[l]}$ of shape $(n_l, n_{l-1})$ and $b^{[l]}$ of shape $(n_l, 1)$; it has
#   $\sum_l (n_l n_{l-1} + n_l)$ parameters (31 for the notes' $[2, 4, 3, 1]$).
# - Every piece is a forward/backward pair sharing a cache. Backward through a layer:
#   $dZ = dA * g'(Z)$, $dW = \frac1m dZ A_{\text{prev}}^\top$, $db = \frac1m \sum_i dZ^{(i)}$,
#   $dA_{\text{prev}} = W^\top dZ$; every gradient has the shape of its parameter.
# - The backward pass starts at $dA^{[L]} = -\bigl(\frac{Y}{A^{[L]}} - \frac{1-Y}{1-A^{[L]}}\bigr)$, which the
#   sigmoid turns into $dZ^{[L]} = A^{[L]} - Y$, and runs layer by layer from $L$ to 1.
# - A gradient check of the whole network compares backpropagation with central differences over all the
#   parameters at once; the reference reaches about $4 \cdot 10^{-11}$. Below $10^{-7}$ is right, $10^{-2}$ is a
#   bug (or a ReLU kink: check at random points).
# - Batch gradient descent with these functions learns the curved boundary of the moons.
# - Deep networks multiply the gradient by a weight matrix and an activation slope per layer: with the sigmoid
#   or a badly scaled start it vanishes or explodes. Xavier ($\operatorname{Var}(w) = 1/n_{l-1}$) suits tanh, He
#   ($2/n_{l-1}$) suits ReLU; Glorot's compromise is $2/(n_{\text{in}} + n_{\text{out}})$, with parentheses.
# - Zero weights never break the symmetry between the units of a layer; random weights do, so biases can start
#   at zero.

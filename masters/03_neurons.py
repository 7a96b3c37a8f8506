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
# # Neurons, activations and losses
#
# A neural network is built from one small part used over and over: a unit that weighs its inputs, adds a
# constant and passes the total through a fixed non-linear function. This notebook builds that unit, the
# oldest learning rule for it, the functions it can use, the way several of them form a layer, and the numbers
# that tell a network how wrong it is. Along the way it prepares the data such a network is fed.
#
# **By the end you can**
#
# - compute a neuron's output and draw the line a step neuron (a perceptron) draws through its input space;
# - train a perceptron with Rosenblatt's rule, and prove that no single perceptron computes XOR;
# - implement tanh, ReLU, leaky ReLU, swish and softmax with their derivatives, and say where each one
#   *saturates* or *dies*;
# - one-hot encode class labels, and standardize or min-max scale input features;
# - compute the mean squared error and the binary and categorical cross-entropies, and explain why
#   classifiers use cross-entropy;
# - run a dense layer on a whole batch of examples at once and count a network's parameters.
#
# **How the exercises work** (as in notebook 01). Each exercise is one function: replace
# `raise NotImplementedError()` with your code and run the check cell below it, which tries your function on
# fixed and random cases and says what is wrong, if anything. The figures draw *your* functions next to the
# reference; until a function works they show the reference alone and say so.
#
# **Notation.** Examples are *columns*: a batch of $m$ examples with $n_x$ features is a matrix $X$ of shape
# $(n_x, m)$, its labels a row $Y$ of shape $(1, m)$ (or $(C, m)$ for $C$ classes).

# %% setup
import numpy as np

from mlcourse import data, grader, plots, widgets
from mlcourse.derivatives import sigmoid

# %% [markdown]
# ## 1 · One neuron
#
# A neuron receives $n_x$ numbers $x_1, \dots, x_{n_x}$. It holds one **weight** $w_i$ per input, which says
# how much that input counts and in which direction, and one **bias** $b$. It first forms the weighted sum
#
# $$z = w_1 x_1 + w_2 x_2 + \dots + w_{n_x} x_{n_x} + b = w \cdot x + b,$$
#
# and then applies an **activation function** $g$ to that single number: the neuron's output is
# $a = g(z)$. The weights and the bias are the neuron's *parameters*, the numbers training adjusts; $g$ is
# chosen in advance.
#
# The bias plays the role of the intercept of a straight line. Without it, $z = 0$ whenever $x = 0$, and the
# point where the neuron switches on is tied to the weights alone. The notes show this with
# $x = (1, 2)$, $w = (-2, 1)$ and the activation $\text{ReLU}(z) = \max(0, z)$:
#
# - with $b = 0$: $z = 1 \cdot (-2) + 2 \cdot 1 = 0$, and $\text{ReLU}(0) = 0$: the neuron stays silent;
# - with $b = 3$: $z = 0 + 3 = 3$, and $\text{ReLU}(3) = 3$: it fires.
#
# With $b = 3$ the neuron responds as soon as $w \cdot x > -3$ instead of $w \cdot x > 0$: the bias moved its
# threshold without touching the weights.
#
# ### Exercise 1 — `neuron`
#
# `x` and `w` are 1-D arrays of the same length, `b` is a number and `activation` is a function of one number.
# Return the neuron's output as a Python `float`. Add the bias *before* applying the activation.

# %% solution id="neuron"
def neuron(x, w, b, activation):
    """activation(w·x + b) for 1-D arrays x and w of the same length and a number b; a float."""
    ### BEGIN SOLUTION
    z = np.dot(w, x) + b
    return float(activation(z))
    ### END SOLUTION


# %% tests exercise="neurons.neuron" points=1

# %% [markdown]
# The notes' neuron, without and with its bias (you should get 0 and 3):

# %%
x_notes, w_notes = np.array([1.0, 2.0]), np.array([-2.0, 1.0])
for b in (0.0, 3.0):
    print(f"b = {b}:", widgets.attempt(neuron, x_notes, w_notes, b, lambda z: np.maximum(0.0, z)))

# %% [markdown]
# ## 2 · The perceptron
#
# Frank Rosenblatt's **perceptron** (1957) is the neuron above with the *step* function as its activation:
#
# $$\hat y = \begin{cases} 1 & \text{if } w \cdot x + b \ge 0, \\ 0 & \text{otherwise.} \end{cases}$$
#
# It answers a yes/no question. Its answer changes where $w \cdot x + b = 0$: with two inputs that is the
# straight line $w_1 x_1 + w_2 x_2 + b = 0$ (with more inputs, a flat *hyperplane*). Everything on one side is
# labelled 1, everything on the other 0, so a perceptron can only separate classes that a straight line can
# separate: *linearly separable* classes. Three facts about the line help when you move it around:
#
# - $w$ is perpendicular to the line and points into the side labelled 1;
# - $b$ shifts the line along $w$ without turning it (its distance from the origin is $|b| / \lVert w \rVert$);
# - multiplying $w$ and $b$ by the same positive number changes nothing: the sign of $w \cdot x + b$ stays.
#
# For a whole batch $X$ of shape $(n_x, m)$, store the weights as a column $w$ of shape $(n_x, 1)$; then
# $w^\top X + b$ is a row of shape $(1, m)$ holding $z$ for every example at once.
#
# ### Exercise 2 — `perceptron_predict`
#
# Return the predictions as a float array of shape $(1, m)$ holding 0.0 and 1.0. A point exactly on the line
# ($z = 0$) gets 1.

# %% solution id="perceptron_predict"
def perceptron_predict(X, w, b):
    """(1, m) array of 0.0/1.0 for X (n_x, m), w (n_x, 1) and a number b: 1 where wᵀx + b ≥ 0."""
    ### BEGIN SOLUTION
    z = w.T @ X + b  # (1, n_x) @ (n_x, m) -> (1, m)
    return (z >= 0).astype(float)
    ### END SOLUTION


# %% tests exercise="neurons.perceptron_predict" points=1

# %% [markdown]
# Here is one step neuron on two clouds of points. The shading shows **your** `perceptron_predict` over the
# whole plane (green where it says 1), the black line is $w_1 x_1 + w_2 x_2 + b = 0$ and the arrow is $w$.
# Find weights that separate the clouds as well as possible. Then try a few things: double $w_1$, $w_2$ and
# $b$ together; flip all their signs; keep $w$ and move only $b$.

# %%
widgets.neuron_boundary_explorer(perceptron_predict, w1=1.0, w2=-1.0, b=0.5)

# %% [markdown]
# ### Rosenblatt's learning rule
#
# Instead of setting the weights by hand, the perceptron can find them itself. Start with $w = 0$ and $b = 0$
# and visit the examples one after another. For an example $x$ with label $y$, predict $\hat y$ with the
# current weights, then update
#
# $$w \leftarrow w + \eta\,(y - \hat y)\,x, \qquad b \leftarrow b + \eta\,(y - \hat y),$$
#
# where $\eta > 0$ is the learning rate. The factor $y - \hat y$ can only be $0$, $+1$ or $-1$:
#
# - the prediction was right: $y - \hat y = 0$ and nothing changes;
# - a 1 was missed ($y = 1$, $\hat y = 0$): $w$ moves *towards* $x$ and $b$ grows, so $w \cdot x + b$ rises
#   by $\eta(\lVert x \rVert^2 + 1)$ and this example is closer to being labelled 1 next time;
# - a 0 was called a 1: the same step in the opposite direction.
#
# One pass over all $m$ examples is an **epoch**. If a line separating the two classes exists, the perceptron
# convergence theorem guarantees that the rule stops making mistakes after finitely many updates. (Starting
# from zero, the learning rate only scales $w$ and $b$ together, which, as you saw above, never changes a
# prediction: any $\eta > 0$ makes the same mistakes.)
#
# ### Exercise 3 — `perceptron_train`
#
# Return `(w, b)` after `n_epochs` epochs: `w` of shape $(n_x, 1)$ and `b` a float. Visit the columns of `X`
# in order; predict each example with the *current* `w` and `b` (your `perceptron_predict` on the column
# `X[:, i:i+1]` does it), and use that one prediction for both updates.

# %% solution id="perceptron_train"
def perceptron_train(X, Y, lr, n_epochs):
    """(w, b) after n_epochs passes of the perceptron rule over X (n_x, m), Y (1, m); w (n_x, 1), b a float."""
    ### BEGIN SOLUTION
    w = np.zeros((X.shape[0], 1))
    b = 0.0
    for _ in range(n_epochs):
        for i in range(X.shape[1]):
            x = X[:, i:i + 1]  # one example as an (n_x, 1) column
            error = Y[0, i] - perceptron_predict(x, w, b).item()
            w = w + lr * error * x
            b = b + lr * error
    return w, float(b)
    ### END SOLUTION


# %% tests exercise="neurons.perceptron_train" points=2

# %% [markdown]
# Your `perceptron_train` on three logic gates, each given by its truth table: four points $(x_1, x_2)$ with
# $x_i \in \{0, 1\}$ and their labels ($\text{AND}$ is 1 only at $(1, 1)$; $\text{OR}$ is 1 unless both are 0;
# $\text{XOR}$ is 1 where exactly one is 1). The panels show the line after the chosen number of epochs, the
# last panel the number of misclassified points after each epoch. Move the slider up to 20 epochs.

# %%
widgets.perceptron_gates(perceptron_train, n_epochs=6)

# %% [markdown]
# AND and OR are learned within a few epochs. XOR never is: the line keeps moving and at least one point is
# always on the wrong side. Marvin Minsky and Seymour Papert's book *Perceptrons* (1969) made this kind of
# limit of single-layer perceptrons famous. Section 8 shows how a second layer removes it.
#
# **Question.** Why can a single perceptron never compute XOR, however long it trains? Write down what the
# four points of the truth table demand of $w_1$, $w_2$ and $b$, and show that no numbers meet all four
# demands. What does the learning rule do instead?

# %% [markdown] answer id="why_xor" points=2
# The perceptron outputs 1 exactly where $w_1 x_1 + w_2 x_2 + b \ge 0$. XOR's truth table demands
# $(0,0) \mapsto 0$: $b < 0$; $(1,0) \mapsto 1$: $w_1 + b \ge 0$; $(0,1) \mapsto 1$: $w_2 + b \ge 0$; and
# $(1,1) \mapsto 0$: $w_1 + w_2 + b < 0$. Adding the two middle inequalities gives $w_1 + w_2 + 2b \ge 0$, so
# $w_1 + w_2 + b \ge -b > 0$ because $b < 0$, which contradicts the last one. So no line puts $(0,1)$ and
# $(1,0)$ on one side and $(0,0)$ and $(1,1)$ on the other: XOR is not linearly separable. Since every
# $(w, b)$ misclassifies at least one point, the rule finds a mistake in every epoch and keeps updating: the
# weights cycle and the error count never reaches zero (the convergence theorem needs a separating line, and
# there is none).

# %% [markdown]
# ## 3 · Activation functions
#
# Why not leave the activation out, or make it linear? Because linear layers collapse. Two of them compute
# $W_2(W_1 x + b_1) + b_2 = (W_2 W_1)\,x + (W_2 b_1 + b_2)$, which is again one linear layer; a hundred of
# them still draw only straight boundaries. A non-linear $g$ between the layers is what lets depth build
# curved boundaries. The perceptron's step is non-linear, but its slope is zero everywhere (and undefined at
# 0), so gradient descent gets no signal from it. Trainable networks therefore use smooth or piecewise-linear
# activations:
#
# | name | $g(z)$ | range | remarks |
# |---|---|---|---|
# | sigmoid | $\sigma(z) = \dfrac{1}{1 + e^{-z}}$ | $(0, 1)$ | notebook 01; reads as a probability |
# | tanh | $\dfrac{e^{z} - e^{-z}}{e^{z} + e^{-z}} = 2\sigma(2z) - 1$ | $(-1, 1)$ | a stretched sigmoid, centred at 0 |
# | ReLU | $\max(0, z)$ | $[0, \infty)$ | cheap; the default in hidden layers |
# | leaky ReLU | $z$ if $z > 0$, else $\alpha z$ | $\mathbb{R}$ | a small slope $\alpha$ for $z \le 0$ |
# | swish | $z\,\sigma(z) = \dfrac{z}{1 + e^{-z}}$ | $[\approx -0.28, \infty)$ | a smooth ReLU (Google Brain, 2017) |
#
# tanh is zero-centred: its outputs average near 0, which makes life easier for the next layer than the
# sigmoid's outputs, all positive. Leaky ReLU with a *learned* $\alpha$ is called PReLU (parametric ReLU).
#
# Two traps from the notes and from `numpy`:
#
# - The notes write leaky ReLU as $\max(0.1z, z)$. That formula is right only while $\alpha < 1$; for
#   $\alpha > 1$ it picks $\alpha z$ on the *positive* side. Write it as a choice on the sign of $z$
#   (`np.where`).
# - The textbook formula for tanh computes $e^{1000}$ for $z = 1000$, which overflows to `inf`, and
#   `inf/inf` is `nan`. `np.tanh` is computed stably; use it. For swish, multiply by your overflow-free
#   `sigmoid`, which this notebook imports from notebook 01's reference.
#
# ### Exercises 4 to 7 — `tanh`, `relu`, `leaky_relu`, `swish`
#
# All four work elementwise on arrays of any shape, and a plain number in gives a plain `float` out (as the
# sigmoid in notebook 01 did). `leaky_relu` has a parameter `alpha` with default 0.01; the notes use 0.1.

# %% solution id="tanh"
def tanh(z):
    """tanh(z), elementwise, for any finite z; a float for a number, else an array."""
    ### BEGIN SOLUTION
    t = np.tanh(np.asarray(z, dtype=float))
    return t.item() if t.ndim == 0 else t
    ### END SOLUTION


# %% tests exercise="neurons.tanh" points=1

# %% solution id="relu"
def relu(z):
    """ReLU(z) = max(0, z), elementwise; a float for a number, else an array."""
    ### BEGIN SOLUTION
    r = np.maximum(0.0, np.asarray(z, dtype=float))
    return r.item() if r.ndim == 0 else r
    ### END SOLUTION


# %% tests exercise="neurons.relu" points=1

# %% solution id="leaky_relu"
def leaky_relu(z, alpha=0.01):
    """z where z > 0 and alpha·z where z ≤ 0, elementwise; a float for a number, else an array."""
    ### BEGIN SOLUTION
    z = np.asarray(z, dtype=float)
    r = np.where(z > 0, z, alpha * z)
    return r.item() if r.ndim == 0 else r
    ### END SOLUTION


# %% tests exercise="neurons.leaky_relu" points=1

# %% solution id="swish"
def swish(z):
    """swish(z) = z·σ(z), elementwise, without overflow; a float for a number, else an array."""
    ### BEGIN SOLUTION
    z = np.asarray(z, dtype=float)
    r = z * np.asarray(sigmoid(z))
    return r.item() if r.ndim == 0 else r
    ### END SOLUTION


# %% tests exercise="neurons.swish" points=1

# %% [markdown]
# ### Their derivatives
#
# Backpropagation (a later notebook) multiplies the slope $g'(z)$ of every unit along the path from the loss
# back to a weight. Where $g'$ is close to zero, hardly any signal gets through, and the weights before that
# unit barely move.
#
# - **sigmoid**: $\sigma'(z) = \sigma(z)\,(1 - \sigma(z))$ (notebook 01), at most $1/4$.
# - **tanh**: from $\tanh = \sinh / \cosh$ and the quotient rule,
#   $$\tanh'(z) = \frac{\cosh^2 z - \sinh^2 z}{\cosh^2 z} = 1 - \tanh^2(z),$$
#   at most 1 (at $z = 0$). Like the sigmoid's, it is cheap once $\tanh(z)$ is known.
# - **ReLU**: 1 for $z > 0$ and 0 for $z < 0$. At $z = 0$ the function has a corner and no derivative; code
#   has to return *something*, and this course returns 0 there.
# - **leaky ReLU**: 1 for $z > 0$ and $\alpha$ for $z \le 0$.
#
# **Saturation.** For large $|z|$ the sigmoid and tanh are almost flat: $\sigma'(z) < 0.025$ (a tenth of its
# peak) once $|z| > 3.64$, and $\tanh'(z) < 0.1$ once $|z| > 1.82$ (at $z = 3.6$ the sigmoid's slope is still
# 0.0259, and at $z = 1.8$ tanh's is 0.1036). The second threshold is half the first because
# $\tanh(z) = 2\sigma(2z) - 1$, so $\tanh'(z) = 4\sigma'(2z)$. A unit pushed that far *saturates*: its
# output hardly changes, and the gradient through it nearly vanishes. Stack many such layers and the early
# ones stop learning (the *vanishing gradient*).
#
# **Dying ReLU.** ReLU never saturates for $z > 0$, where its slope is exactly 1. For $z < 0$, though, the
# slope is exactly 0. A unit whose $z$ is negative for *every* training example (after a large update, say)
# gets no gradient at all, so its weights never change again: it has died. Leaky ReLU keeps the slope
# $\alpha$ there, small but not zero, so such a unit can recover.
#
# ### Exercises 8 to 10 — `tanh_derivative`, `relu_derivative`, `leaky_relu_derivative`
#
# Elementwise, with a plain `float` for a plain number. `tanh_derivative` may use your `tanh`.

# %% solution id="tanh_derivative"
def tanh_derivative(z):
    """tanh'(z) = 1 − tanh(z)², elementwise; a float for a number, else an array."""
    ### BEGIN SOLUTION
    t = tanh(z)
    return 1 - t**2
    ### END SOLUTION


# %% tests exercise="neurons.tanh_derivative" points=1

# %% solution id="relu_derivative"
def relu_derivative(z):
    """1.0 where z > 0 and 0.0 where z ≤ 0, elementwise; a float for a number, else an array."""
    ### BEGIN SOLUTION
    d = (np.asarray(z) > 0).astype(float)
    return d.item() if d.ndim == 0 else d
    ### END SOLUTION


# %% tests exercise="neurons.relu_derivative" points=1

# %% solution id="leaky_relu_derivative"
def leaky_relu_derivative(z, alpha=0.01):
    """1.0 where z > 0 and alpha where z ≤ 0, elementwise; a float for a number, else an array."""
    ### BEGIN SOLUTION
    d = np.where(np.asarray(z) > 0, 1.0, alpha)
    return d.item() if d.ndim == 0 else d
    ### END SOLUTION


# %% tests exercise="neurons.leaky_relu_derivative" points=1

# %% [markdown]
# The activation explorer draws **your** function and its derivative over the reference. Pick an activation
# from the menu. For the sigmoid and tanh the grey bands mark where the slope is below a tenth of its peak;
# compare how wide they are. For leaky ReLU, move $\alpha$: at $\alpha = 0$ it is ReLU, at $\alpha = 1$ the
# identity, which is no longer non-linear at all.

# %%
widgets.activation_explorer(tanh, relu, leaky_relu, swish, tanh_derivative, relu_derivative,
                            leaky_relu_derivative, activation="tanh", alpha=0.1)

# %% [markdown]
# ## 4 · Softmax: scores into probabilities
#
# A classifier with $C$ classes ends in $C$ output units, one score $z_i$ (a *logit*) per class. To read the
# scores as probabilities they must be positive and add up to 1. **Softmax** does this:
#
# $$\operatorname{softmax}(z)_i = \frac{e^{z_i}}{\sum_{j=1}^{C} e^{z_j}}.$$
#
# The exponential makes every score positive and stretches the gaps between them, so the best class stands
# out. With the notes' scores $z = (2.1, 3.2, 1.5)$: $e^{2.1} \approx 8.17$, $e^{3.2} \approx 24.53$,
# $e^{1.5} \approx 4.48$, which sum to $37.18$, so the probabilities are about $(0.22, 0.66, 0.12)$. Dividing
# the raw scores by their sum would give the flatter $(0.31, 0.47, 0.22)$, and fails outright once a score is
# negative. With two classes and scores $(z, 0)$, softmax gives $e^z / (e^z + 1) = \sigma(z)$: the sigmoid is
# the two-class case. (One sigmoid per class would not do for $C > 2$: the $C$ numbers would not add up to 1.)
#
# **Overflow.** `np.exp(1000)` is `inf`, and `inf/inf` is `nan`. Softmax does not change if the same constant
# $c$ is subtracted from every score, since
#
# $$\frac{e^{z_i - c}}{\sum_j e^{z_j - c}} = \frac{e^{-c}\,e^{z_i}}{e^{-c} \sum_j e^{z_j}}
# = \frac{e^{z_i}}{\sum_j e^{z_j}}.$$
#
# Choose $c = \max_j z_j$: every exponent is then $\le 0$, so no term exceeds 1, and the largest term is
# exactly $e^0 = 1$, so the sum is at least 1 and never 0.
#
# ### Exercise 11 — `softmax`
#
# `Z` has shape $(C, m)$: one column of scores per example. Apply softmax to each column, subtracting each
# column's own maximum (`axis=0, keepdims=True`); every column of the result sums to 1.

# %% solution id="softmax"
def softmax(Z):
    """Column-wise softmax of scores Z (C, m), computed after subtracting each column's max; (C, m)."""
    ### BEGIN SOLUTION
    Z = np.asarray(Z, dtype=float)
    e = np.exp(Z - Z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)
    ### END SOLUTION


# %% tests exercise="neurons.softmax" points=2

# %% [markdown]
# The notes' example, one column (about 0.22, 0.66 and 0.12):

# %%
widgets.attempt(softmax, np.array([[2.1], [3.2], [1.5]]))

# %% [markdown]
# ### Temperature
#
# Dividing the scores by a **temperature** $T > 0$ before the softmax, $\operatorname{softmax}(z / T)$, keeps
# their order but changes how sure the result looks. Small $T$ magnifies the gaps and the largest score takes
# almost all the probability; large $T$ shrinks the gaps and the probabilities approach $1/C$. Language models
# sample their next word this way, and "knowledge distillation" trains small networks on a large one's
# high-temperature outputs. The figure runs **your** softmax on $z / T$ for the notes' scores.

# %%
widgets.softmax_temperature(softmax, logits=(2.1, 3.2, 1.5), temperature=1.0)

# %% [markdown]
# ## 5 · Class labels as numbers: one-hot encoding
#
# Labels often arrive as words: countries, animals, fruits. Numbering them (India 1, Japan 2, Madagascar 3,
# ...), the *ordinal* encoding, invents an order and distances that are not there: nothing makes Madagascar
# "three times" India, or Japan halfway between the other two. Ordinal codes suit labels with a genuine
# order (primary school, secondary school, university). For unordered labels the **one-hot** encoding uses
# $C$ numbers per label, a 1 in the position of its class and 0 everywhere else:
#
# $$\text{India} \mapsto \begin{pmatrix}1\\0\\0\end{pmatrix}, \quad
# \text{Japan} \mapsto \begin{pmatrix}0\\1\\0\end{pmatrix}, \quad
# \text{Madagascar} \mapsto \begin{pmatrix}0\\0\\1\end{pmatrix}.$$
#
# A one-hot label is a probability vector that puts everything on the true class, which is exactly what a
# softmax output can be compared with (section 7). The price is size: $C$ numbers per example, a burden only
# when $C$ is very large.
#
# ### Exercise 12 — `one_hot`
#
# `labels` is a 1-D integer array of class numbers $0, \dots, C-1$, one per example. Return a float array of
# shape `(n_classes, m)`: column $j$ has its 1 in row `labels[j]`. Take the number of rows from `n_classes`,
# since a class may not occur in a small batch. (Indexing `Y[labels, np.arange(m)] = 1` sets one entry per
# column in a single step.)

# %% solution id="one_hot"
def one_hot(labels, n_classes):
    """(n_classes, m) float array for integer labels (m,): column j is 1 in row labels[j], 0 elsewhere."""
    ### BEGIN SOLUTION
    labels = np.asarray(labels)
    Y = np.zeros((n_classes, labels.size))
    Y[labels, np.arange(labels.size)] = 1.0
    return Y
    ### END SOLUTION


# %% tests exercise="neurons.one_hot" points=1

# %% [markdown]
# ## 6 · Preparing the inputs: standardization and min-max scaling
#
# Features measured in different units can differ in size by orders of magnitude: a count of a few units next
# to an income in the tens of thousands. In a weighted sum the large feature drowns the small one until the
# weights compensate, and gradient descent struggles with a cost that is steep in one weight and flat in
# another (notebook 02's elongated bowl). The cure is to bring every feature to a similar scale first. Each
# feature is a *row* of $X$, and its statistics are taken over the $m$ examples, i.e. along `axis=1`.
#
# **Standardization** (the *z-score*) subtracts the feature's mean $\mu$ and divides by its standard deviation
# $s$:
#
# $$x' = \frac{x - \mu}{s}, \qquad \mu = \frac{1}{m}\sum_{i=1}^m x^{(i)}, \qquad
# s = \sqrt{\frac{1}{m}\sum_{i=1}^m \bigl(x^{(i)} - \mu\bigr)^2}.$$
#
# Every feature then has mean 0 and standard deviation 1. This course divides by $m$ (the *population*
# standard deviation, `np.std`'s default), not by $m - 1$.
#
# **Min-max scaling** maps the smallest value to 0 and the largest to 1:
#
# $$x' = \frac{x - \min x}{\max x - \min x}.$$
#
# The notes write these formulas as "$X_i - \text{mean} / \text{std}$" and "$X_i - X_{\min} / (X_{\max} -
# X_{\min})$": the subtraction needs brackets, or only the second term is divided.
#
# Three practical points:
#
# - A feature that never changes has $s = 0$ and $\max - \min = 0$, and the formulas divide 0 by 0. Map such a
#   feature to a row of zeros, and recognise it by its largest value equalling its smallest, not by $s = 0$: the
#   mean of three 0.1s is not exactly 0.1 in floating point, so their computed $s$ is about $10^{-17}$, and
#   $(x - \mu)/s$ would give $\pm 1$ instead of 0.
# - Compute $\mu$, $s$, $\min$ and $\max$ on the **training** data only, keep them, and apply the same
#   numbers to validation and test data. That is why `standardize` returns them.
# - Outliers matter. Min-max is fixed entirely by the two most extreme values, so a single outlier squeezes
#   all the other data into a narrow strip. Mean and standard deviation are pulled by outliers too, but less
#   (the notes' "more robust to outliers" is relative; truly robust scalings use the median and quartiles).
#
# ### Exercises 13 and 14 — `standardize` and `min_max_normalize`
#
# `standardize` returns the tuple `(X_std, mean, std)` with `mean` and `std` as columns of shape $(n_x, 1)$
# (`keepdims=True`); `min_max_normalize` returns the scaled array. Both leave a constant feature at 0.

# %% solution id="standardize"
def standardize(X):
    """(X_std, mean, std) for X (n_x, m): each feature (row) shifted to mean 0 and scaled to std 1."""
    ### BEGIN SOLUTION
    X = np.asarray(X, dtype=float)
    mean = X.mean(axis=1, keepdims=True)
    std = X.std(axis=1, keepdims=True)  # the population std: divides by m
    constant = X.max(axis=1, keepdims=True) == X.min(axis=1, keepdims=True)  # not std == 0: round-off
    X_std = (X - mean) / np.where(constant, 1.0, std)
    return np.where(constant, 0.0, X_std), mean, std
    ### END SOLUTION


# %% tests exercise="neurons.standardize" points=2

# %% solution id="min_max_normalize"
def min_max_normalize(X):
    """(X − min) / (max − min) for each feature (row) of X (n_x, m); a constant feature becomes 0."""
    ### BEGIN SOLUTION
    X = np.asarray(X, dtype=float)
    low = X.min(axis=1, keepdims=True)
    spread = X.max(axis=1, keepdims=True) - low
    return (X - low) / np.where(spread > 0, spread, 1.0)
    ### END SOLUTION


# %% tests exercise="neurons.min_max_normalize" points=1

# %% [markdown]
# Two right-skewed features with a few large outliers, before and after **your** two scalings. Read the
# axes: min-max puts the outliers at 1 and crowds most points below 0.2, while standardization centres the
# bulk near 0 and leaves the outliers several standard deviations out. Now compare the *shapes* of the
# histograms: both scalings are a shift and a stretch of each feature, so neither removes the skew. (A
# logarithm would; that is a different kind of transformation.)

# %%
widgets.scaling_plot(standardize, min_max_normalize)

# %% [markdown]
# ## 7 · Losses: how wrong is a prediction?
#
# Training needs a single number that is small when the network's predictions are good and large when they
# are bad: the **loss** of one prediction, averaged over the examples into the **cost**, which gradient
# descent then lowers. The right loss depends on what the network predicts.
#
# ### Regression: the mean squared error
#
# For numbers, compare prediction and truth directly and average the squared differences over all $n$
# entries:
#
# $$\text{MSE} = \frac{1}{n}\sum_{i=1}^{n} \bigl(\hat y_i - y_i\bigr)^2.$$
#
# Squaring makes every error count positively and weighs large errors more. On the three points of notebook
# 01 with the line $\hat y = x$, the errors are $-0.5$, $-0.4$ and $-1.0$, and the MSE is
# $(0.25 + 0.16 + 1)/3 = 0.47$. (Notebook 01 used the *sum* of squares; some texts put a factor $\tfrac12$ in
# front to tidy up the derivative. Both have the same minimum, but MSE is the mean.)
#
# ### Exercise 15 — `mse`
#
# `y_hat` and `y` have the same shape, for example $(1, m)$; return the mean over all entries as a `float`.

# %% solution id="mse"
def mse(y_hat, y):
    """Mean of (y_hat − y)² over all entries (same shapes); a float."""
    ### BEGIN SOLUTION
    return float(np.mean((np.asarray(y_hat, dtype=float) - y) ** 2))
    ### END SOLUTION


# %% tests exercise="neurons.mse" points=1

# %% [markdown]
# ### Two classes: binary cross-entropy
#
# A binary classifier ends in one sigmoid unit whose output $a$ is read as the probability that the label is
# 1. A good loss is small when $a$ is near the true label and huge when the network is confidently wrong.
# The negative logarithm of the probability given to the true label does exactly this:
#
# - if $y = 1$, the loss is $-\ln a$: for $a = 0.92$ it is $-\ln 0.92 \approx 0.083$; for $a = 0.09$ it is
#   $-\ln 0.09 \approx 2.41$;
# - if $y = 0$, the probability of the true label is $1 - a$ and the loss is $-\ln(1 - a)$: for $a = 0.03$,
#   $-\ln 0.97 \approx 0.030$; for $a = 0.94$, $-\ln 0.06 \approx 2.81$.
#
# Since $y$ is 0 or 1, one formula covers both cases (the term of the wrong case is multiplied by 0):
#
# $$L(a, y) = -\bigl(y \ln a + (1 - y)\ln(1 - a)\bigr), \qquad
# \text{BCE} = \frac{1}{n}\sum_{i=1}^{n} L(a_i, y_i).$$
#
# This is notebook 01's logistic loss, averaged. It is also called *log loss*. The course uses the natural
# logarithm throughout.
#
# **Clipping.** An output of exactly 0 or 1 (a sigmoid rounds to 1.0 from $z \approx 37$ on) makes
# $\ln 0 = -\infty$ appear, and even where its factor is 0, $0 \cdot (-\infty)$ is `nan`. Clip the
# predictions to $[\varepsilon, 1 - \varepsilon]$ with $\varepsilon = 10^{-12}$ first (`np.clip`): a certain
# and wrong prediction then costs $-\ln 10^{-12} \approx 27.6$, large but finite.
#
# ### Exercise 16 — `binary_cross_entropy`
#
# `a` (probabilities) and `y` (labels 0 and 1) have the same shape; return the mean loss over all entries as a
# `float`, using `np.log` after clipping `a`.

# %% solution id="binary_cross_entropy"
def binary_cross_entropy(a, y):
    """−mean(y ln a + (1 − y) ln(1 − a)) over all entries, with a clipped to [1e-12, 1 − 1e-12]; a float."""
    ### BEGIN SOLUTION
    a = np.clip(np.asarray(a, dtype=float), 1e-12, 1 - 1e-12)
    return float(-np.mean(y * np.log(a) + (1 - y) * np.log(1 - a)))
    ### END SOLUTION


# %% tests exercise="neurons.binary_cross_entropy" points=2

# %% [markdown]
# ### Several classes: categorical cross-entropy
#
# With $C$ classes, the network's softmax gives a column of probabilities $a$ per example and the label is a
# one-hot column $y$. The loss is again minus the log of the probability given to the true class; written
# with the one-hot vector, the sum picks out that one term:
#
# $$L(a, y) = -\sum_{i=1}^{C} y_i \ln a_i, \qquad
# \text{CCE} = -\frac{1}{m}\sum_{j=1}^{m}\sum_{i=1}^{C} Y_{ij} \ln A_{ij}$$
#
# for $A$ and $Y$ of shape $(C, m)$. Note the $\frac{1}{m}$: the sum over classes is one example's loss, and
# only the examples are averaged.
#
# The notes' example has $C = 4$ and the true class first, predicted with probability $0.775$:
# $L = -\ln 0.775 \approx 0.2549$. **The notes compute this with $\log_2$ and get $0.3677$**. That number is
# the same loss measured in bits instead of natural units; it is larger by the factor
# $1/\ln 2 \approx 1.443$. The course, like the deep-learning libraries, uses the natural log, so the answer
# here is $0.2549$.
#
# (If an example may belong to *several* classes at once, say the fruits in a photo of a basket, the classes
# no longer compete: each output gets its own sigmoid and its own binary cross-entropy instead of a softmax.)
#
# ### Exercise 17 — `categorical_cross_entropy`
#
# `A` holds probabilities and `Y` one-hot labels, both of shape $(C, m)$. Clip `A` from below at $10^{-12}$
# (`np.maximum`), and return the cost as a `float`.

# %% solution id="categorical_cross_entropy"
def categorical_cross_entropy(A, Y):
    """−(1/m) Σ Y ln A for A (C, m) probabilities clipped below at 1e-12 and Y (C, m) one-hot; a float."""
    ### BEGIN SOLUTION
    A = np.maximum(np.asarray(A, dtype=float), 1e-12)
    m = A.shape[1]
    return float(-np.sum(Y * np.log(A)) / m)
    ### END SOLUTION


# %% tests exercise="neurons.categorical_cross_entropy" points=2

# %% [markdown]
# ### Why classifiers use cross-entropy
#
# The figure plots **your** `binary_cross_entropy` and `mse` for a single example against the prediction
# $a$: on the left for the label $y = 1$, in the middle for $y = 0$ (the dots are the notes' four examples).
# The right panel shows the slope $\partial L / \partial z$ that each loss sends back through a sigmoid output
# $a = \sigma(z)$, computed from your functions by central differences. Move the marked prediction towards
# $a = 0$ with $y = 1$: the network is more and more confidently wrong.

# %%
widgets.loss_curves(binary_cross_entropy, mse, a=0.1)

# %% [markdown]
# **Question.** For a sigmoid output with label $y = 1$, compare cross-entropy and the squared error when the
# prediction is confidently wrong ($a$ close to 0): how large is each loss, and how large is the slope
# $\partial L / \partial z$ that reaches $z$? Use notebook 01's result for cross-entropy and the chain rule for
# $(a - y)^2$, and explain what this means for training.

# %% [markdown] answer id="why_cross_entropy" points=2
# With $y = 1$ the cross-entropy is $-\ln a$, which grows without bound as $a \to 0$, while the squared error
# $(1 - a)^2$ can never exceed 1: a confident mistake costs cross-entropy a lot and the squared error hardly
# more than a mild one. The slopes differ even more. For cross-entropy with a sigmoid output,
# $\partial L / \partial z = a - y$ (notebook 01), which is close to $-1$ when $a \approx 0$: the worst
# mistakes get the strongest correction. For the squared error the chain rule gives
# $\partial L / \partial z = 2(a - y)\,\sigma'(z) = 2(a - 1)\,a(1 - a)$, and the factor $a(1 - a)$ goes to 0 as
# $a \to 0$, because the sigmoid is saturated there. So with the squared error a network that is very sure and
# very wrong receives almost no gradient and learns slowly exactly where it most needs to (the right panel
# shows the MSE slope fading to 0 at $a = 0$ while the BCE slope stays near $-1$). Cross-entropy also reads
# the output as a probability, so minimising it is maximum likelihood for the labels.

# %% [markdown]
# ## 8 · Layers: many neurons at once
#
# A **dense** (fully connected) layer is $n_l$ neurons that all see the same $n_{l-1}$ inputs. Stack the
# neurons' weight vectors as the *rows* of a matrix $W$ of shape $(n_l, n_{l-1})$ and their biases in a column
# $b$ of shape $(n_l, 1)$. For a batch $A_{\text{prev}}$ of shape $(n_{l-1}, m)$, one example per column,
#
# $$Z = W A_{\text{prev}} + b, \qquad A = g(Z),$$
#
# where $Z$ and $A$ have shape $(n_l, m)$: entry $(j, i)$ is neuron $j$'s response to example $i$. The shapes
# check themselves: $(n_l, n_{l-1}) \cdot (n_{l-1}, m) = (n_l, m)$, and `numpy` adds the column $b$ to every
# column of $W A_{\text{prev}}$ (broadcasting). One matrix product computes every neuron on every example.
#
# ### Exercise 18 — `dense_forward`
#
# Return `activation(W @ A_prev + b)`, of shape $(n_l, m)$.

# %% solution id="dense_forward"
def dense_forward(A_prev, W, b, activation):
    """activation(W A_prev + b) for A_prev (n_{l−1}, m), W (n_l, n_{l−1}), b (n_l, 1); shape (n_l, m)."""
    ### BEGIN SOLUTION
    Z = W @ A_prev + b
    return activation(Z)
    ### END SOLUTION


# %% tests exercise="neurons.dense_forward" points=2

# %% [markdown]
# ### Two layers compute XOR
#
# A single perceptron cannot compute XOR, but XOR is "OR, but not AND", and each of those is one perceptron.
# So take a hidden layer of two step units, $h_1 = \text{step}(x_1 + x_2 - 0.5)$, which is OR, and
# $h_2 = \text{step}(x_1 + x_2 - 1.5)$, which is AND, and an output unit $\text{step}(h_1 - 2h_2 - 0.5)$, which
# fires when $h_1 = 1$ and $h_2 = 0$. In matrices:
#
# $$W^{[1]} = \begin{pmatrix} 1 & 1 \\ 1 & 1 \end{pmatrix}, \quad
# b^{[1]} = \begin{pmatrix} -0.5 \\ -1.5 \end{pmatrix}, \quad
# W^{[2]} = \begin{pmatrix} 1 & -2 \end{pmatrix}, \quad b^{[2]} = \begin{pmatrix} -0.5 \end{pmatrix}.$$
#
# Your `dense_forward` runs both layers on all four points at once (they are the columns of `X_xor`):

# %%
def step(z):
    return (z >= 0).astype(float)


X_xor, Y_xor = data.logic_gate("xor")
W1, b1 = np.array([[1.0, 1.0], [1.0, 1.0]]), np.array([[-0.5], [-1.5]])
W2, b2 = np.array([[1.0, -2.0]]), np.array([[-0.5]])


def two_layers(X):
    return dense_forward(dense_forward(X, W1, b1, step), W2, b2, step)


print("labels: ", Y_xor)
print("network:", widgets.attempt(two_layers, X_xor))

# %% [markdown]
# Over the whole plane: each hidden unit cuts it along one line, and the output unit keeps the band between
# the two lines. Change the weights in the call (for example $b^{[2]} = 0.5$) to see other combinations.

# %%
widgets.xor_network(dense_forward, W1, b1, W2, b2)

# %% [markdown]
# Here the weights were set by hand. With smooth activations instead of steps, backpropagation (a later
# notebook) finds such weights by gradient descent, for problems where nobody could set them by hand.
#
# ### Counting parameters
#
# A dense layer with $n_{l-1}$ inputs and $n_l$ units has $n_l \cdot n_{l-1}$ weights and $n_l$ biases. The
# input layer only holds the data and has no parameters. For the notes' network with layer sizes
# $[2, 3, 2]$:
#
# $$\underbrace{2 \cdot 3 + 3}_{\text{hidden layer}} + \underbrace{3 \cdot 2 + 2}_{\text{output layer}}
# = 9 + 8 = 17.$$
#
# The XOR network above has $[2, 2, 1]$: $6 + 3 = 9$ parameters, the entries of $W^{[1]}, b^{[1]}, W^{[2]},
# b^{[2]}$. A network for $28 \times 28$ images with one hidden layer of 128 units and 10 classes already has
# $784 \cdot 128 + 128 + 128 \cdot 10 + 10 = 101\,770$. This is the "Param #" column of a Keras model summary.
#
# ### Exercise 19 — `count_dense_parameters`
#
# `layer_sizes` lists the number of units per layer, input first. Return the total number of weights and
# biases as an `int`.

# %% solution id="count_dense_parameters"
def count_dense_parameters(layer_sizes):
    """Σ over the layers after the input of (n_{l−1}·n_l weights + n_l biases); an int."""
    ### BEGIN SOLUTION
    total = 0
    for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:]):
        total += n_in * n_out + n_out
    return total
    ### END SOLUTION


# %% tests exercise="neurons.count_dense_parameters" points=1

# %% [markdown]
# ## Summary
#
# - A neuron computes $a = g(w \cdot x + b)$; the bias moves its threshold (the notes' ReLU neuron gives 0
#   without bias and 3 with $b = 3$).
# - The perceptron uses the step function and separates the plane along the line $w \cdot x + b = 0$.
#   Rosenblatt's rule $w \leftarrow w + \eta(y - \hat y)x$ learns any linearly separable problem, such as AND
#   and OR, but no line computes XOR.
# - Activations make depth worthwhile. tanh $= 2\sigma(2z) - 1$ with $\tanh' = 1 - \tanh^2$; sigmoid and tanh
#   saturate for large $|z|$; ReLU has slope 1 or 0 and can die; leaky ReLU keeps a slope $\alpha$; swish is
#   $z\,\sigma(z)$.
# - Softmax turns $C$ scores into probabilities ($[2.1, 3.2, 1.5] \mapsto [0.22, 0.66, 0.12]$); subtract each
#   column's maximum first. A temperature sharpens or flattens it.
# - Unordered labels are one-hot encoded; features are standardized (population std) or min-max scaled, per
#   row, with constant features mapped to 0 and the training statistics reused on new data.
# - MSE for regression; binary cross-entropy for a sigmoid output and categorical cross-entropy for a softmax
#   output, with the natural log and clipped probabilities ($-\ln 0.775 \approx 0.2549$, not the notes'
#   $\log_2$ value 0.3677). Cross-entropy punishes confident mistakes and keeps their gradient alive.
# - A dense layer is $A = g(W A_{\text{prev}} + b)$ with examples as columns; two layers compute XOR; the
#   network $[2, 3, 2]$ has 17 parameters.

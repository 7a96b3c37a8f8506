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
# # Gradient descent
#
# A network learns by adjusting its parameters until its cost is small. For all but the simplest models
# there is no formula for the best parameters, so we search for them: measure which way the cost slopes, take a
# small step downhill, and repeat. This notebook builds that search, gradient descent, from one variable up
# to training a logistic-regression classifier on mini-batches.
#
# **By the end you can**
#
# - write the update $x \leftarrow x - \alpha\, f'(x)$ and predict from the learning rate $\alpha$ whether it
#   crawls, converges, oscillates or diverges;
# - say what gradient descent needs from a function (a gradient, not convexity) and what it finds on a
#   non-convex one;
# - compute the gradients of linear and logistic regression for all $m$ examples at once, with examples as
#   columns, and explain why feature scaling speeds descent up;
# - split data into random mini-batches and train with batch, mini-batch and stochastic gradient descent;
# - shrink the learning rate over the epochs with inverse-time and exponential decay.
#
# **How the exercises work.** Each exercise is one function. Replace `raise NotImplementedError()` with your
# code and run the check cell below it. The figures draw *your* functions over the reference (pale blue);
# until a function works they show the reference alone and say so. The sigmoid comes ready-made from
# notebook 01.

# %% setup
import numpy as np

from mlcourse import data, grader, plots, widgets
from mlcourse.derivatives import sigmoid

# %% [markdown]
# ## 1 · Walking downhill
#
# Suppose we want the $x$ where $f(x)$ is smallest. The derivative $f'(x)$ tells us which way is uphill: if it
# is positive, $f$ grows to the right, so the minimum lies to the left; if it is negative, the other way round.
# Either way, moving *against* the sign of the derivative goes downhill. Gradient descent does exactly that,
# over and over, from a starting point $x_0$:
#
# $$x_{k+1} = x_k - \alpha\, f'(x_k), \qquad k = 0, 1, 2, \dots$$
#
# The positive number $\alpha$ is the **learning rate** (the notes call it $v$). The step is not a fixed
# length: it is $\alpha$ times the slope, so it is long where the function is steep and shrinks as the slope
# flattens out near the bottom. In practice one stops after a set number of steps, or once the steps become
# tiny.
#
# A small example makes the sign rule concrete. For $f(x) = (x - 3)^2$ the derivative is $f'(x) = 2(x - 3)$.
# From $x_0 = 0$ the slope is $-6$, and with $\alpha = 0.1$ the first step gives
# $x_1 = 0 - 0.1 \cdot (-6) = 0.6$: a move to the right, towards the minimum at 3.
#
# ### Exercise 1 — `gradient_descent_1d`
#
# Return the whole path as a numpy array of $n_\text{steps} + 1$ floats: $x_0$ first, then every iterate.
# `df` is a function that returns $f'(x)$; evaluate it at the *current* $x$ in every step.

# %% solution id="gradient_descent_1d"
def gradient_descent_1d(df, x0, lr, n_steps):
    """Path of gradient descent on a function of one variable: [x0, x1, ..., x_n] with x ← x − lr·df(x)."""
    ### BEGIN SOLUTION
    x = float(x0)
    path = [x]
    for _ in range(n_steps):
        x = x - lr * df(x)
        path.append(x)
    return np.array(path)
    ### END SOLUTION


# %% tests exercise="gradient_descent.gradient_descent_1d" points=2

# %% [markdown]
# ### How large a step?
#
# For the bowl $f(x) = (x - 3)^2$ we can follow the distance to the minimum exactly. One step gives
#
# $$x_{k+1} - 3 = x_k - 3 - 2\alpha\,(x_k - 3) = (1 - 2\alpha)\,(x_k - 3),$$
#
# so every step multiplies the distance by the same factor $1 - 2\alpha$. That one number tells the whole story:
#
# | learning rate | factor $1 - 2\alpha$ | what happens |
# |---|---|---|
# | $0 < \alpha < 0.5$ | between 0 and 1 | a steady approach from one side; slow when $\alpha$ is small |
# | $\alpha = 0.5$ | 0 | the minimum in a single step (a lucky property of a perfect parabola) |
# | $0.5 < \alpha < 1$ | between $-1$ and 0 | each step jumps over the minimum, but less far every time: it oscillates and settles |
# | $\alpha = 1$ | $-1$ | it jumps from $0$ to $6$ and back for ever, around the minimum but never reaching it |
# | $\alpha > 1$ | below $-1$ | each jump overshoots further than the last: it diverges |
#
# The notes' pictures for "learning rate too high" show the oscillating cases. Here are the first steps from
# $x_0 = 0$ with your function, for a small, a large, a critical and a too-large rate:

# %%
def bowl_slope(x):
    return 2 * (x - 3)


for lr in (0.1, 0.9, 1.0, 1.1):
    path = widgets.attempt(gradient_descent_1d, bowl_slope, 0.0, lr, 6)
    if path is None:
        break
    print(f"lr = {lr}:", np.round(path, 3))

# %% [markdown]
# Now explore. Start with the learning rate at 0.1, then try 0.02, 0.5, 0.9, 1.0 and 1.05; change the start
# $x_0$ and the number of steps too. The left panel draws the path on the curve, the right one the iterates
# $x_k$ step by step, and the title says what the path does.

# %%
widgets.learning_rate_explorer(gradient_descent_1d, "bowl", x0=0.0, lr=0.1, steps=15)

# %% [markdown]
# ## 2 · Convexity is not required
#
# A function is **convex** if the straight line between any two points of its graph never dips below the graph,
# as for the bowl above. The notes list convexity as a requirement of gradient descent, and claim that from any
# starting point it is guaranteed to reach the minimum. Both statements are wrong, and it is worth being precise
# about why.
#
# - Gradient descent needs only a gradient to evaluate: the function must be differentiable (almost everywhere
#   is enough in practice; ReLU networks have kinks). The loss of a neural network with a hidden layer is
#   non-convex, and gradient descent is still how all of them are trained.
# - What gradient descent can promise, with a small enough learning rate, is to approach a point where the
#   gradient is (nearly) zero. On a convex function every such point is a global minimum; that is what
#   convexity buys. On a non-convex function it may be a local minimum, a saddle point, or just a very flat
#   stretch where the steps become too small to make progress.
# - Even on a convex function the guarantee holds only for a suitable learning rate: section 1 showed a bowl
#   on which a too-large rate diverges from every start except the minimum itself.
#
# A one-variable example shows the trap. Take
#
# $$f(x) = x^4 - x^3, \qquad f'(x) = 4x^3 - 3x^2 = x^2\,(4x - 3).$$
#
# The slope is zero at $x = 3/4$, the minimum, and also at $x = 0$. But $x = 0$ is no minimum: $f'$ is negative
# on both sides of it, so $f$ keeps falling as we pass through; the graph just flattens for a moment. Starting
# at $x_0 = -0.5$, every step moves right by $\alpha x^2 (3 - 4x)$, which shrinks like $x^2$ as $x$ nears 0.
# The path creeps towards the flat point and, in any reasonable number of steps, stays there, while the true
# minimum is a short walk further on.

# %%
widgets.learning_rate_explorer(gradient_descent_1d, "quartic", x0=-0.5, lr=0.1, steps=30)

# %% [markdown]
# Try a few more: 60 steps from $-0.5$; a start to the right of the flat point, such as $x_0 = 1.2$; and larger
# learning rates from there (the quartic is steep on the right, so its safe range is smaller than the bowl's).
#
# **Question.** Describe what gradient descent does on $f(x) = x^4 - x^3$ from $x_0 = -0.5$, and explain why
# from the derivative. Is the notes' statement "starting anywhere, gradient descent is guaranteed to reach the
# minimum" true? Why does it not help to say "the function must be convex" for neural networks?

# %% [markdown] answer id="non_convex" points=2
# From $x_0 = -0.5$ the iterates increase towards $x = 0$ and slow down more and more: after 30 steps with
# $\alpha = 0.1$ they are still below 0 and barely moving. The derivative $f'(x) = x^2(4x - 3)$ is negative
# for $x < 0$, so each step goes right, but its size $\alpha x^2 (3 - 4x)$ shrinks like $x^2$ as $x \to 0$;
# the path stalls at the flat point $x = 0$, where $f' = 0$ although $f$ has no minimum there (it keeps
# decreasing until $x = 3/4$). So the notes' guarantee is false: gradient descent only heads for a point with
# zero gradient, which on a non-convex function can be a flat point, a saddle or a local minimum, and even on a
# convex function it can diverge if the learning rate is too large. Requiring convexity does not rescue the
# statement for neural networks, because their losses are not convex; gradient descent works for them
# without that property, and we accept that it finds a good low point rather than a guaranteed global minimum.

# %% [markdown]
# ## 3 · Many parameters: the gradient
#
# A model has many parameters, which we collect in one vector $\theta$. The derivative becomes the
# **gradient** $\nabla f(\theta)$, the vector of partial derivatives $\partial f / \partial \theta_j$, and the
# update moves every parameter at once, each against its own partial derivative:
#
# $$\theta_{k+1} = \theta_k - \alpha\, \nabla f(\theta_k), \qquad\text{that is}\qquad
# \theta_j \leftarrow \theta_j - \alpha \frac{\partial f}{\partial \theta_j} \text{ for every } j
# \text{ simultaneously.}$$
#
# "Simultaneously" matters: all the partial derivatives are evaluated at the *old* $\theta$ before any
# parameter changes. The gradient points in the direction in which $f$ rises fastest, so $-\nabla f$ is the
# direction of steepest descent, and gradient descent is also called the **method of steepest descent**.
# Augustin-Louis Cauchy proposed it in 1847, in the middle of the 19th century.
#
# **Two slips in the notes.** One set of notes dates Cauchy's method to the "mid of 18th century"; 1847 is the
# 19th. The same notes call the procedure "Gradient Ascent, which is also known as steepest descent". Steepest
# descent *is* gradient descent: it steps against the gradient, $\theta - \alpha \nabla f$, to make $f$ smaller.
# Gradient *ascent* steps along it, $\theta + \alpha \nabla f$, to make $f$ larger (to maximise a likelihood, for
# instance); it is the same method applied to $-f$, but not another name for descent. They also say the method
# runs "until the cost function approaches zero": it comes to rest where the *gradient* is close to zero, and
# the cost there can be any value.
#
# ### Exercise 2 — `gradient_descent`
#
# The same loop for a vector `x0` of length $d$; `grad_f(x)` returns the gradient (length $d$). Return a
# $(n_\text{steps} + 1, d)$ array whose row $k$ is the $k$-th iterate. One trap: `x -= lr * g` changes the
# array in place, so if you stored that same array in your list, every stored row changes with it. Write
# `x = x - lr * g` (a new array each step) or store copies.

# %% solution id="gradient_descent"
def gradient_descent(grad_f, x0, lr, n_steps):
    """Path of gradient descent from x0 (length d): an (n_steps + 1, d) array, row k the k-th iterate."""
    ### BEGIN SOLUTION
    x = np.array(x0, dtype=float).reshape(-1)  # a float copy: x0 itself is never changed
    path = [x]
    for _ in range(n_steps):
        x = x - lr * np.asarray(grad_f(x), dtype=float).reshape(-1)  # a new array, not an in-place update
        path.append(x)
    return np.array(path)
    ### END SOLUTION


# %% tests exercise="gradient_descent.gradient_descent" points=2

# %% [markdown]
# On the round bowl $f(\theta) = \frac12 \lVert \theta - (1, -2) \rVert^2$, whose gradient is
# $\theta - (1, -2)$, a learning rate of 0.5 halves the distance to the minimum at every step:

# %%
widgets.attempt(gradient_descent, lambda theta: theta - np.array([1.0, -2.0]), np.zeros(2), 0.5, 3)

# %% [markdown]
# ## 4 · Linear regression, all examples at once
#
# Notebook 01 fitted a line to three points with a loop over the examples. Now the model has $n_x$ features
# and the data come as a matrix with one **column per example**: $X$ has shape $(n_x, m)$, the targets $y$ have
# shape $(1, m)$, the weights $w$ shape $(n_x, 1)$, and the bias $b$ is a number. One matrix product predicts
# every example:
#
# $$\hat y = w^\top X + b \quad (1, m), \qquad
# J(w, b) = \frac{1}{2m} \sum_{i=1}^{m} \bigl(\hat y^{(i)} - y^{(i)}\bigr)^2 .$$
#
# The cost is a *mean* over the examples, so its size does not depend on $m$, and the factor $\tfrac12$ is there
# to cancel the 2 that the square brings down. With the error $e = \hat y - y$ (shape $(1, m)$) the chain rule
# gives, for weight $j$, $\partial J/\partial w_j = \frac1m \sum_i e^{(i)} x_j^{(i)}$: the errors weighted by
# that feature, averaged. Stacking all $j$ is a single matrix product, and the bias sees a feature that is
# always 1:
#
# $$dw = \frac{\partial J}{\partial w} = \frac{1}{m}\, X e^\top \quad (n_x, 1), \qquad
# db = \frac{\partial J}{\partial b} = \frac{1}{m} \sum_{i=1}^{m} e^{(i)} .$$
#
# Check the shapes: $(n_x, m)$ times $(m, 1)$ is $(n_x, 1)$, the shape of $w$, as a gradient must be. This
# "vectorized" form replaces the notes' loop over examples (accumulate $dw_1$, $dw_2$, $db$, then divide by
# $m$) with one line that numpy runs far faster. (Compared with notebook 01, whose loss was a plain sum without
# the $\frac12$, these gradients are $2m$ times smaller; a different cost, the same minimum.)
#
# ### Exercise 3 — `linear_regression_gradients`
#
# Return `(dw, db)`: `dw` of shape $(n_x, 1)$ and `db` as a float. No loops needed.

# %% solution id="linear_regression_gradients"
def linear_regression_gradients(w, b, X, y):
    """(dw, db) of J = 1/(2m) Σ (wᵀX + b − y)²; X: (n_x, m), y: (1, m), w and dw: (n_x, 1), db a float."""
    ### BEGIN SOLUTION
    m = X.shape[1]
    error = w.T @ X + b - y  # (1, m): prediction minus target, one column per example
    dw = X @ error.T / m  # (n_x, m) @ (m, 1) -> (n_x, 1)
    db = float(np.sum(error) / m)
    return dw, db
    ### END SOLUTION


# %% tests exercise="gradient_descent.linear_regression_gradients" points=2

# %% [markdown]
# ### Elongated bowls and feature scaling
#
# For linear regression the cost is a bowl whose steepness in the direction of $w_j$ is the average of
# $x_j^2$. If one feature is measured in units ten times larger than another, its direction is a hundred times
# steeper, and the contours of $J$ become long, thin ellipses. That hurts gradient descent twice over:
#
# - the learning rate must be small enough for the *steepest* direction (on a bowl whose steepest curvature is
#   $\lambda_\text{max}$, any $\alpha > 2/\lambda_\text{max}$ diverges, just as $\alpha > 1$ did for
#   $(x - 3)^2$, whose curvature is 2);
# - with such a small rate, progress along the *flat* direction is painfully slow, and the path zig-zags
#   across the narrow valley instead of running along it.
#
# The cure is cheap: **standardize** each feature, subtracting its mean and dividing by its standard deviation,
# $x_j \leftarrow (x_j - \mu_j)/\sigma_j$, with $\mu_j$ and $\sigma_j$ computed on the training data (and the
# same numbers reused for any new data). All directions then have similar curvature and the bowl is nearly
# round.
#
# Below, **your** `gradient_descent` runs on the cost of a two-feature fit (data already centred, so no bias),
# once with the second feature in units `scale` times larger and once standardized. To be fair, each panel uses
# the same fraction of *its own* largest stable learning rate $2/\lambda_\text{max}$. Move the fraction, the
# number of steps and the scale; set the scale to 1 and the two panels look alike; push the fraction past 1.

# %%
widgets.feature_scaling_explorer(gradient_descent)

# %% [markdown]
# ## 5 · The gradients of logistic regression
#
# Logistic regression predicts a probability for each example, $A = \sigma(w^\top X + b)$ of shape $(1, m)$,
# and its cost is the mean logistic loss from notebook 01,
#
# $$J(w, b) = -\frac{1}{m} \sum_{i=1}^{m} \Bigl( y^{(i)} \log a^{(i)} + \bigl(1 - y^{(i)}\bigr) \log\bigl(1 - a^{(i)}\bigr) \Bigr).$$
#
# Notebook 01 showed that for one example $\partial L / \partial z = a - y$. Since $z = w^\top x + b$, the chain
# rule multiplies by $x_j$ for $w_j$ and by 1 for $b$, and averaging over the examples gives the same shape of
# result as for linear regression, with $A - Y$ in place of the error:
#
# $$dZ = A - Y \quad (1, m), \qquad dw = \frac{1}{m}\, X\, dZ^\top \quad (n_x, 1), \qquad
# db = \frac{1}{m} \sum_{i=1}^{m} dZ^{(i)} .$$
#
# ### The notes' example, and a slip in it
#
# The notes take two features and four examples, with predictions $A$ already given:
#
# $$X = \begin{bmatrix} 2 & -3 & 8 & 14 \\ 6 & 4 & 17 & 19 \end{bmatrix}, \qquad
# Y = \begin{bmatrix} 0 & 1 & 1 & 1 \end{bmatrix}, \qquad
# A = \begin{bmatrix} 0.8 & 0.6 & 0.9 & 0.7 \end{bmatrix}.$$
#
# So $dZ = A - Y = [0.8,\ -0.4,\ -0.1,\ -0.3]$. For $dw_1$, multiply by the first row of $X$ and average:
#
# $$dw_1 = \tfrac14\bigl(0.8 \cdot 2 + (-0.4)(-3) + (-0.1) \cdot 8 + (-0.3) \cdot 14\bigr)
# = \tfrac14 (1.6 + 1.2 - 0.8 - 4.2) = \tfrac14(-2.2) = -0.55 .$$
#
# The notes write the second term as $-1.2$ and arrive at $-1.15$, but a negative times a negative is
# positive: $(0.6 - 1)\cdot(-3) = +1.2$. The right value is $dw_1 = -0.55$. The other two results in the notes
# are right: $dw_2 = \tfrac14(4.8 - 1.6 - 1.7 - 5.7) = -1.05$ and $db = \tfrac14(0.8 - 0.4 - 0.1 - 0.3) = 0$.
#
# ### Exercise 4 — `logistic_regression_gradients`
#
# Given the predictions `A` (not $w$ and $b$), return `(dw, db)`: `dw` of shape $(n_x, 1)$, `db` a float.

# %% solution id="logistic_regression_gradients"
def logistic_regression_gradients(X, A, Y):
    """(dw, db) = ((1/m) X (A − Y)ᵀ, (1/m) Σ (A − Y)); X: (n_x, m), A and Y: (1, m), dw: (n_x, 1)."""
    ### BEGIN SOLUTION
    m = X.shape[1]
    dZ = A - Y  # (1, m)
    dw = X @ dZ.T / m  # (n_x, 1)
    db = float(np.sum(dZ) / m)
    return dw, db
    ### END SOLUTION


# %% tests exercise="gradient_descent.logistic_regression_gradients" points=2

# %% [markdown]
# Your function on the notes' example:

# %%
widgets.notes_logistic_example(logistic_regression_gradients)

# %% [markdown]
# ### Exercise 5 — `logistic_regression_propagate`
#
# One full evaluation for given parameters: compute $A = \sigma(w^\top X + b)$ with the `sigmoid` imported at
# the top, the cost $J$ as a float, and the gradients with your `logistic_regression_gradients`. Return
# `(cost, dw, db)`.
#
# A confident model can produce $a$ so close to 1 that it *is* 1.0 in floating point, and then
# $\log(1 - a) = -\infty$. Before taking the logs, clip the probabilities to $[10^{-12},\ 1 - 10^{-12}]$ with
# `np.clip`. Use the clipped values for the cost only; the gradients use $A$ itself.

# %% solution id="logistic_regression_propagate"
def logistic_regression_propagate(w, b, X, Y):
    """(cost, dw, db) for A = σ(wᵀX + b): the mean cross-entropy (A clipped to [1e-12, 1 − 1e-12] in the
    logs) and the gradients of logistic_regression_gradients."""
    ### BEGIN SOLUTION
    A = sigmoid(w.T @ X + b)  # (1, m)
    A_safe = np.clip(A, 1e-12, 1 - 1e-12)
    cost = float(-np.mean(Y * np.log(A_safe) + (1 - Y) * np.log(1 - A_safe)))
    dw, db = logistic_regression_gradients(X, A, Y)
    return cost, dw, db
    ### END SOLUTION


# %% tests exercise="gradient_descent.logistic_regression_propagate" points=2

# %% [markdown]
# ## 6 · Batch, mini-batch and stochastic gradient descent
#
# The gradients above average over all $m$ examples. That is **batch** gradient descent: one step per pass
# over the data. A pass over the whole training set is called an **epoch**. When $m$ is in the millions, a
# single step costs a pass over millions of examples, and most of that work is redundant: a few hundred
# examples already point in roughly the same direction as all of them.
#
# - **Stochastic** gradient descent (SGD) takes a step after every single example: $m$ cheap, very noisy
#   steps per epoch.
# - **Mini-batch** gradient descent takes a step after every group of, say, 32 or 64 examples: each gradient
#   is an average over the group, far less noisy than one example's, and the group is still processed as one
#   matrix product, which is what vector hardware does best.
#
# All three are the same algorithm with a different batch size: $m$, 1, or something in between. Before every
# epoch the examples are shuffled, so that the batches differ from epoch to epoch and no batch is made of, say,
# only one class because the data happened to be sorted.
#
# ### Exercise 6 — `random_mini_batches`
#
# Return a list of `(X_batch, Y_batch)` pairs:
#
# 1. draw one order of the columns with `rng.permutation(m)` and apply that *same* order to `X` and to `Y`
#    (two different permutations would give examples the wrong labels);
# 2. cut the shuffled columns into consecutive slices of `batch_size`; if `batch_size` does not divide $m$, the
#    last batch is smaller. Keep it: every example is used once per epoch.
#
# `rng` is a numpy random generator; call `rng.permutation` exactly once, so that your batches match the
# reference's for the same generator.

# %% solution id="random_mini_batches"
def random_mini_batches(X, Y, batch_size, rng):
    """[(X_batch, Y_batch), ...]: the columns shuffled by one rng.permutation(m), cut into slices of batch_size."""
    ### BEGIN SOLUTION
    m = X.shape[1]
    order = rng.permutation(m)
    X_shuffled, Y_shuffled = X[:, order], Y[:, order]
    batches = []
    for start in range(0, m, batch_size):
        batches.append((X_shuffled[:, start:start + batch_size], Y_shuffled[:, start:start + batch_size]))
    return batches
    ### END SOLUTION


# %% tests exercise="gradient_descent.random_mini_batches" points=2

# %% [markdown]
# Ten examples in batches of four give batches of 4, 4 and 2 examples:

# %%
def batch_sizes(m, batch_size):
    X, Y = data.two_blobs(np.random.default_rng(0), m=m)
    return [X_batch.shape[1] for X_batch, _ in random_mini_batches(X, Y, batch_size, np.random.default_rng(1))]


widgets.attempt(batch_sizes, 10, 4)

# %% [markdown]
# ### The three side by side
#
# The explorer fits a line $\hat y = wx + b$ to 48 points with **your** `linear_regression_gradients` and
# `random_mini_batches`, starting from $(w, b) = (-1.5, -1.5)$. Three panels show the path of $(w, b)$ over the
# contours of the cost for batch, mini-batch and stochastic descent, each for the same number of epochs, and the
# fourth panel shows the cost on all the data against the epochs. Things to try: raise the learning rate until
# the stochastic path misbehaves while batch descent is still fine (one example's gradient can be much
# steeper than the average); lower it and watch the stochastic cloud around the minimum shrink; change the
# mini-batch size.

# %%
widgets.mini_batch_explorer(linear_regression_gradients, random_mini_batches)

# %% [markdown]
# **Question.** In the cost panel, the stochastic and mini-batch curves are jagged while the batch curve is
# smooth, yet after one or two epochs they are far lower. Explain both observations. Why does the stochastic
# path never settle exactly at the minimum, and what could make it settle?

# %% [markdown] answer id="noisy_but_fast" points=2
# Each stochastic or mini-batch step uses the gradient of only a few examples. On average it points the same way
# as the full gradient, but it varies from batch to batch, so some steps go partly uphill for the whole data
# set and the cost measured on all the data jumps up and down. Batch descent always follows the exact gradient,
# so its cost falls smoothly. The work per epoch is the same for all three (every example's gradient is
# computed once), but batch descent turns an epoch into one step while mini-batches of 8 turn it into six steps
# and SGD into 48; far from the minimum all of these steps point roughly downhill, so for the same compute the
# small batches make much more progress. Near the minimum the full gradient goes to zero but a single example's
# gradient does not (the examples disagree about where the best line is), so with a constant learning rate the
# stochastic path keeps jumping around in a cloud whose size grows with the learning rate. Shrinking the
# learning rate over time (section 8) or using larger batches lets it settle.

# %% [markdown]
# ## 7 · Training logistic regression
#
# Everything comes together in a training loop. Start from $w = 0$ (shape $(n_x, 1)$) and $b = 0$; then, for
# each epoch:
#
# 1. split the data into batches: all of it at once if `batch_size` is `None`, otherwise fresh batches from
#    `random_mini_batches(X, Y, batch_size, rng)` (new ones every epoch);
# 2. for each batch, compute the gradients on that batch with `logistic_regression_propagate` and update
#    $w \leftarrow w - \alpha\, dw$, $b \leftarrow b - \alpha\, db$;
# 3. at the end of the epoch, record the cost on **all** the data with the updated parameters.
#
# ### Exercise 7 — `train_logistic_regression`
#
# Return `(w, b, costs)`: `w` of shape $(n_x, 1)$, `b` a float, and `costs` an array with one entry per epoch.
# When `rng` is `None`, use `np.random.default_rng(0)`. Use your own `logistic_regression_propagate` and
# `random_mini_batches`.

# %% solution id="train_logistic_regression"
def train_logistic_regression(X, Y, lr, n_epochs, batch_size=None, rng=None):
    """(w, b, costs) after n_epochs of (mini-)batch gradient descent from w = 0, b = 0; costs[e] is the cost on
    all the data after epoch e. batch_size None: full batch; rng None: np.random.default_rng(0)."""
    ### BEGIN SOLUTION
    if rng is None:
        rng = np.random.default_rng(0)
    w = np.zeros((X.shape[0], 1))
    b = 0.0
    costs = []
    for _ in range(n_epochs):
        if batch_size is None:
            batches = [(X, Y)]
        else:
            batches = random_mini_batches(X, Y, batch_size, rng)
        for X_batch, Y_batch in batches:
            _, dw, db = logistic_regression_propagate(w, b, X_batch, Y_batch)
            w = w - lr * dw
            b = b - lr * db
        cost, _, _ = logistic_regression_propagate(w, b, X, Y)
        costs.append(cost)
    return w, float(b), np.array(costs)
    ### END SOLUTION


# %% tests exercise="gradient_descent.train_logistic_regression" points=3

# %% [markdown]
# **Your** classifier on two clouds of points. The line is the decision boundary $w^\top x + b = 0$, where the
# predicted probability is exactly one half. Change the learning rate, the epochs and the batch size: with
# batches of 8 or 1, a handful of epochs reaches what full-batch descent needs dozens of epochs for.

# %%
widgets.decision_boundary_explorer(train_logistic_regression)

# %% [markdown]
# ## 8 · Learning-rate decay
#
# A constant learning rate is a compromise. Early on, large steps make quick progress; near the minimum, they
# bounce around it, both on the bowl of section 1 with $\alpha = 1$ and, with any rate, in the noisy cloud of
# stochastic descent. The notes suggest the natural remedy: let the rate shrink as training goes on. Two common
# **schedules**, written with the number of the epoch, $\text{epoch} = 0, 1, 2, \dots$ (the argument `epoch` in
# the code; the first epoch is number 0), and the initial rate $\alpha_0$:
#
# $$\text{inverse-time decay:}\quad \alpha = \frac{\alpha_0}{1 + r \cdot \text{epoch}}, \qquad\qquad
# \text{exponential decay:}\quad \alpha = \alpha_0\, e^{-k \cdot \text{epoch}},$$
#
# where $r$ (`decay_rate` in the code) and $k$ set how fast the rate falls, and $e \approx 2.718$ is Euler's
# number.
#
# Both start at $\alpha_0$. Inverse-time decay falls quickly at first and then slowly, like $1/\text{epoch}$;
# exponential decay multiplies the rate by the same factor $e^{-k}$ every epoch, so it soon becomes tiny, which can
# freeze training before it has arrived. A decay rate $r$ (or $k$) of 0 means no decay.
#
# ### Exercise 8 — `lr_inverse_time_decay` and Exercise 9 — `lr_exponential_decay`
#
# Return the learning rate for the given epoch as a float. Watch the brackets in the first one.

# %% solution id="lr_inverse_time_decay"
def lr_inverse_time_decay(lr0, epoch, decay_rate):
    """lr0 / (1 + decay_rate·epoch)."""
    ### BEGIN SOLUTION
    return float(lr0 / (1 + decay_rate * epoch))
    ### END SOLUTION


# %% tests exercise="gradient_descent.lr_inverse_time_decay" points=1

# %% solution id="lr_exponential_decay"
def lr_exponential_decay(lr0, epoch, k):
    """lr0·exp(−k·epoch)."""
    ### BEGIN SOLUTION
    return float(lr0 * np.exp(-k * epoch))
    ### END SOLUTION


# %% tests exercise="gradient_descent.lr_exponential_decay" points=1

# %% [markdown]
# **Your** two schedules (left), and what they do to the bowl $(x - 3)^2$ from section 1 started with
# $\alpha_0 = 1$, the rate at which a constant step bounces between 0 and 6 for ever (right; one step per
# epoch). As soon as the rate drops below 1 the bounces shrink, and once it is below 0.5 the path approaches
# from one side. Make the decay slower or faster with the sliders.

# %%
widgets.decay_explorer(lr_inverse_time_decay, lr_exponential_decay)

# %% [markdown]
# ## Summary
#
# - Gradient descent repeats $\theta \leftarrow \theta - \alpha \nabla f(\theta)$: each step goes against the
#   gradient, by an amount proportional to it.
# - The learning rate decides the behaviour. On $(x - 3)^2$ the distance to the minimum is multiplied by
#   $1 - 2\alpha$ each step: slow for small $\alpha$, oscillating for $0.5 < \alpha < 1$, bouncing for ever at
#   $\alpha = 1$, diverging above.
# - Gradient descent needs a gradient, not a convex function. It heads for a point where the gradient vanishes:
#   on a convex function the global minimum, otherwise possibly a local minimum, a saddle or a flat stretch
#   (such as $x = 0$ for $x^4 - x^3$).
# - With examples as columns, the gradients of linear and logistic regression are single matrix products:
#   $dw = \frac1m X e^\top$ with $e = \hat y - y$ or $A - Y$, and $db$ the mean of $e$. In the notes' example
#   $dw = (-0.55, -1.05)$ and $db = 0$; the $-1.15$ in the notes comes from a sign slip.
# - Features on very different scales make the cost an elongated bowl; standardizing them makes it round and
#   descent fast.
# - Batch, mini-batch and stochastic descent differ only in the batch size. Smaller batches give noisier but
#   many more steps per epoch; shuffling every epoch keeps the batches random.
# - Decaying the learning rate with the epoch number, $\alpha_0/(1 + r \cdot \text{epoch})$ or
#   $\alpha_0 e^{-k \cdot \text{epoch}}$, keeps the early progress and removes the late bouncing.
#
# Next: neurons with other activation functions, and the losses that go with them.

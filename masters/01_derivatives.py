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
# # Derivatives and numerical gradients
#
# Training a network means changing its parameters a little at a time so that the loss goes down. To know
# *which* way is down we need derivatives, and to trust the derivatives our code computes we need a way to
# check them. This notebook builds both tools from scratch.
#
# **By the end you can**
#
# - estimate a derivative from two function values, and explain why the central difference beats the
#   forward difference;
# - compute the numerical gradient of a function of a whole array and use it to check an analytic gradient;
# - send derivatives backwards through a computation graph with the chain rule;
# - differentiate the sigmoid and the logistic loss, and see why $\partial L/\partial z = a - y$;
# - compute the gradient of a least-squares line fit and watch gradient descent follow it.
#
# **How this course works.**
#
# - *Starting.* On your own computer: `python3 course.py lab` in the course folder (the first run installs
#   everything, a few minutes), then open `notebooks/`. On a JupyterHub, open the notebook your instructor
#   handed out. In Colab, use the notebook's "Open in Colab" badge in the README: the first code cell installs
#   the course package. Then run the cells from the top (Shift+Enter runs one and moves on).
# - *Exercises.* Each exercise is one function. Replace `raise NotImplementedError()` with your code, run that
#   cell, then run the check cell below it. The check tries your function on fixed and random cases and
#   answers in a panel: green ✔ means every case passed; red ✘ names the case that failed, what was expected
#   and what your function gave, where they differ and by how much, and, if your result matches a mistake
#   students often make, that mistake in one sentence. Run a check before its function's cell and it says so.
# - *Figures.* The figures between the exercises draw *your* functions next to the reference; until a function
#   works they show the reference alone and say so. Move a slider and the figure redraws. If a figure's
#   controls are gone or say "model not found" (after you reopened the notebook or restarted the kernel),
#   run its cell again.
# - *Stuck?* The worked solutions are in `solutions/` (opened in the same lab as `notebooks/`); try the
#   exercise first, the check's hints usually get you there.
# - *Submitting.* Save the notebook and hand in the `.ipynb` file the way your instructor asks (a hub's
#   Assignments tab, or an upload). When it is graded, each check runs again on new random cases, in a fresh
#   Python that sees only the code in the exercise cells (the ones that start out with
#   `raise NotImplementedError()`): keep everything your functions need, helpers and imports included, in
#   those cells.

# %% setup
import numpy as np

from mlcourse import grader, plots, widgets

# %% [markdown]
# ## 1 · A derivative is a slope
#
# Pick a point $x$ and step a distance $h$ to the right. The input changes by $\Delta x = h$ and the output by
# $\Delta y = f(x+h) - f(x)$. Their ratio $\Delta y / \Delta x$ is the slope of the straight line (a *secant*)
# through the two points $(x, f(x))$ and $(x+h, f(x+h))$. The derivative is the value this slope settles on
# as the step shrinks to nothing:
#
# $$f'(x) = \frac{df}{dx} = \lim_{h \to 0} \frac{f(x+h) - f(x)}{h}.$$
#
# The lecture notes begin with the straight line $f(a) = 3a$. Going from $a = 2$ to $a = 2.001$ lifts $f$
# from $6$ to $6.003$: the output moves three times as far as the input, so the slope is
# $0.003 / 0.001 = 3$. From $a = 5$ to $a = 5.001$, $f$ goes from $15$ to $15.003$, and the slope is $3$ again.
# A straight line climbs at the same rate everywhere. On a curve the slope changes from point to point, and
# then the size of the step matters.
#
# ### Forward and central differences
#
# A computer cannot take the limit, so it picks a small $h$ and stops there. Two natural choices are
#
# $$\text{forward: } \frac{f(x+h) - f(x)}{h}, \qquad\qquad \text{central: } \frac{f(x+h) - f(x-h)}{2h}.$$
#
# How far is each from $f'(x)$? Expand $f$ around $x$ (Taylor):
#
# $$f(x \pm h) = f(x) \pm h\,f'(x) + \frac{h^2}{2} f''(x) \pm \frac{h^3}{6} f'''(x) + \dots$$
#
# For the forward difference, subtract $f(x)$ and divide by $h$: the curvature term survives,
#
# $$\frac{f(x+h) - f(x)}{h} = f'(x) + \frac{h}{2} f''(x) + O(h^2),$$
#
# so the error shrinks only in proportion to $h$. For the central difference, subtract the two expansions:
# $f(x)$ and the $h^2$ terms appear with the same sign on both sides and cancel, and what is left is
#
# $$\frac{f(x+h) - f(x-h)}{2h} = f'(x) + \frac{h^2}{6} f'''(x) + O(h^4).$$
#
# The error now shrinks like $h^2$: make $h$ ten times smaller and the central error drops a hundredfold,
# the forward error only tenfold. Both need two evaluations of $f$, so the central difference is the better
# buy. (When $f(x)$ is already known, the forward difference needs only one new evaluation; that is its one
# advantage.)
#
# ### Exercise 1 — `numerical_derivative`
#
# Return the central-difference estimate of $f'(x)$ as a Python `float`. Mind the brackets: `/ 2*h` divides
# by 2 and then *multiplies* by $h$.

# %% solution id="numerical_derivative"
def numerical_derivative(f, x, h=1e-5):
    """Central-difference estimate of f'(x): (f(x + h) - f(x - h)) / (2h), as a float."""
    ### BEGIN SOLUTION
    return float((f(x + h) - f(x - h)) / (2 * h))
    ### END SOLUTION


# %% tests exercise="derivatives.numerical_derivative" points=2

# %% [markdown]
# The notes' straight line, at $a = 2$ and at $a = 5$ (both slopes should be 3, up to the last few digits):

# %%
for a in (2.0, 5.0):
    print(f"slope of 3a at a = {a}:", widgets.attempt(numerical_derivative, lambda a: 3 * a, a, h=0.001))

# %% [markdown]
# ### Secants turning into a tangent
#
# The explorer below draws a curve, its tangent at $x_0$ (dashed), the forward secant (pale green) and the
# central secant whose slope comes from **your** `numerical_derivative`. Slide $h$ from 1 down to $10^{-6}$
# and watch both secants turn into the tangent. The title shows both errors: each time $h$ drops by a factor
# of 10, the central error drops by about 100 and the forward error by about 10 (until rounding takes over,
# as the next plot shows). Move $x_0$ too: where the curve bends sharply, large steps go badly wrong.

# %%
widgets.secant_explorer(numerical_derivative)

# %% [markdown]
# ### How small should $h$ be?
#
# The Taylor argument says *smaller is better*. A computer disagrees below a certain point. A float64 keeps
# about 16 significant digits, so $f(x+h)$ and $f(x-h)$ each carry a rounding error of roughly
# $\varepsilon\,|f(x)|$ with $\varepsilon \approx 2.2 \cdot 10^{-16}$. For tiny $h$ the two values agree in
# almost every digit, the subtraction keeps mostly the rounding noise, and dividing by $2h$ magnifies that
# noise. The total error behaves like
#
# $$\underbrace{C\,h^2}_{\text{truncation}} + \underbrace{\frac{\varepsilon\,|f(x)|}{h}}_{\text{round-off}},$$
#
# which is smallest around $h \approx \varepsilon^{1/3} \approx 6 \cdot 10^{-6}$ for the central difference (and
# around $\varepsilon^{1/2} \approx 1.5 \cdot 10^{-8}$ for the forward one, whose truncation term is $C\,h$), when
# $f$ and its derivatives are of size about 1. That is why `h=1e-5` is the default.
#
# The plot measures the error of both differences for $h$ from $10^{-1}$ down to $10^{-13}$ on a log–log
# scale, where a power law becomes a straight line: slope 1 for $\propto h$, slope 2 for $\propto h^2$.
# On the right, truncation dominates and each curve follows its power; on the left, round-off takes over
# and both curves climb roughly parallel to the dashed $1/h$ line, ragged because rounding errors are erratic.
# Compare the two lowest stretches: the forward difference does best near $h = 10^{-8}$, with an error of about
# $6 \cdot 10^{-9}$; the central difference does best between $h = 10^{-6}$ and $10^{-5}$, with errors around
# $10^{-11}$ (a few points dip lower by luck of rounding).

# %%
widgets.difference_error_plot(numerical_derivative)

# %% [markdown]
# **Question.** Why is the central difference more accurate than the forward difference for the same $h$?
# Answer in three or four sentences, using the Taylor expansion and one thing you see in the error plot.

# %% [markdown] answer id="why_central" points=2
# In the Taylor expansion of $f(x+h)$ the first term after $f'(x)$ is $\frac{h}{2} f''(x)$, and the forward
# difference keeps it, so its error is proportional to $h$. The central difference subtracts the expansions of
# $f(x+h)$ and $f(x-h)$; the even-power terms, including the curvature term $\frac{h^2}{2} f''(x)$, appear in
# both with the same sign and cancel, so the first error term left is $\frac{h^2}{6} f'''(x)$, proportional to
# $h^2$. For small $h$, $h^2$ is far smaller than $h$: in the plot the central error falls along the slope-2
# line (100× smaller per factor 10 in $h$) while the forward error falls along the slope-1 line. Each at its
# best step, the central difference is several hundred times more accurate: about $10^{-11}$ near
# $h = 10^{-5}$ against about $6 \cdot 10^{-9}$ at $h = 10^{-8}$ for the forward one (the two lowest points of
# the plot differ by about 2700×, partly by luck of rounding). (For very small $h$ round-off, which grows like
# $1/h$, hurts both, so making $h$ tiny does not help.)

# %% [markdown]
# ## 2 · The gradient: one partial derivative per entry
#
# A loss depends on many numbers at once, for example every entry of a weight matrix $W$ of shape
# $(n_l, n_{l-1})$. For a scalar function $f$ of an array $x$, the partial derivative $\partial f / \partial x_i$
# asks how fast $f$ changes when you nudge the single entry $x_i$ and hold all the others still. Collecting
# them in an array of the same shape as $x$ gives the **gradient** $\nabla f(x)$. Numerically, each entry is a
# central difference along one coordinate:
#
# $$\frac{\partial f}{\partial x_i} \approx \frac{f(x + h\,e_i) - f(x - h\,e_i)}{2h},$$
#
# where $e_i$ is the array with a 1 in position $i$ and zeros everywhere else. This costs two evaluations of
# $f$ per entry: fine for checking a few hundred numbers, hopeless for training a network with millions of
# parameters. That is what backpropagation is for; the numerical gradient is the referee.
#
# ### Exercise 2 — `numerical_gradient`
#
# Return an array of the same shape as `x`. Three traps:
#
# - `x` may be a matrix. Visit every index with `for i in np.ndindex(x.shape):`; a plain
#   `range(len(x))` walks over whole rows.
# - `x_plus = x` does not copy anything: both names point to the same array.
# - Leave the caller's array as it was. Work on a float copy (`np.array(x, dtype=float)`), and after each
#   probe put back the saved value: adding $h$ and subtracting it again need not return the same float.

# %% solution id="numerical_gradient"
def numerical_gradient(f, x, h=1e-5):
    """Central-difference gradient of a scalar function f at x; the result has the shape of x."""
    ### BEGIN SOLUTION
    x = np.array(x, dtype=float)  # a private copy: the caller's array is never touched
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        saved = x[i]
        x[i] = saved + h
        f_plus = f(x)
        x[i] = saved - h
        f_minus = f(x)
        x[i] = saved
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad
    ### END SOLUTION


# %% tests exercise="derivatives.numerical_gradient" points=3

# %% [markdown]
# ## 3 · Checking a gradient
#
# Later notebooks compute gradients from formulas (backpropagation). One wrong sign or a forgotten factor,
# and training quietly goes astray. The numerical gradient is slow but hard to get wrong, so we compare the
# two. The absolute difference $\lVert a - b \rVert$ is a poor yardstick: $10^{-4}$ is negligible for
# gradients of size 1000 and enormous for gradients of size $10^{-6}$. The **relative error** divides by the
# size of the vectors:
#
# $$\operatorname{rel}(a, b) = \frac{\lVert a - b \rVert}{\lVert a \rVert + \lVert b \rVert},$$
#
# with Euclidean norms taken over all entries (`np.linalg.norm` does this for any shape). By the triangle
# inequality it lies between 0 (equal) and 1 (for instance $b = -a$). When both arrays are all zeros it is
# $0/0$; call that $0.0$.
#
# A rough guide for central differences with $h = 10^{-5}$:
#
# | relative error | verdict |
# |---|---|
# | below $10^{-7}$ | the gradient is right |
# | $10^{-7}$ to $10^{-3}$ | look closer: a kink (such as ReLU at 0), a large $h$, or a small bug |
# | above $10^{-3}$ | almost surely a bug |
#
# ### Exercise 3 — `relative_error`

# %% solution id="relative_error"
def relative_error(a, b):
    """||a - b|| / (||a|| + ||b||) with Euclidean norms over all entries; 0.0 when both are zero."""
    ### BEGIN SOLUTION
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    size = np.sqrt(np.sum(a**2)) + np.sqrt(np.sum(b**2))
    if size == 0:
        return 0.0
    return float(np.sqrt(np.sum((a - b) ** 2)) / size)
    ### END SOLUTION


# %% tests exercise="derivatives.relative_error" points=1

# %% [markdown]
# ### Exercise 4 — `gradient_check`
#
# Put the two together: return the relative error between the analytic gradient `grad_f(x)` and your
# `numerical_gradient(f, x, h)`. Pass `h` on, so the caller can choose the step.

# %% solution id="gradient_check"
def gradient_check(f, grad_f, x, h=1e-5):
    """Relative error between grad_f(x) and the central-difference gradient of f at x."""
    ### BEGIN SOLUTION
    return relative_error(grad_f(x), numerical_gradient(f, x, h))
    ### END SOLUTION


# %% tests exercise="derivatives.gradient_check" points=2

# %% [markdown]
# Your `gradient_check` at work on $f(x) = \sum x^3 / 3$, whose gradient is $x^2$ entry by entry, for four
# candidate gradients. A gradient three times too large is caught at once; a slip of $10^{-4}$ in one
# entry lands in the "look closer" zone.

# %%
x = np.array([[1.0, -2.0, 0.5], [3.0, 0.2, -1.0]])
tiny_slip = np.zeros_like(x)
tiny_slip[0, 1] = 1e-4
widgets.gradient_check_bars(gradient_check, lambda x: np.sum(x**3) / 3, {
    "x² (right)": lambda x: x**2,
    "x² + 0.0001 in one entry": lambda x: x**2 + tiny_slip,
    "3x² (3× too large)": lambda x: 3 * x**2,
    "−x² (wrong sign)": lambda x: -(x**2),
}, x)

# %% [markdown]
# ## 4 · Derivatives through a computation graph
#
# The notes build $J(a, b, c) = 3(a + bc)$ from three simple steps,
#
# $$u = bc, \qquad v = a + u, \qquad J = 3v.$$
#
# The **forward pass** runs left to right and computes values. With the notes' numbers $a = 5$, $b = 3$,
# $c = 2$: $u = 6$, $v = 11$, $J = 33$.
#
# The **backward pass** runs right to left. Each step knows only its own local derivative; the chain rule
# says to multiply it by the derivative of $J$ that arrives from the step's output:
#
# $$\frac{\partial J}{\partial v} = 3, \qquad
# \frac{\partial J}{\partial a} = \frac{\partial J}{\partial v}\,\frac{\partial v}{\partial a} = 3 \cdot 1 = 3, \qquad
# \frac{\partial J}{\partial u} = \frac{\partial J}{\partial v}\,\frac{\partial v}{\partial u} = 3 \cdot 1 = 3,$$
#
# $$\frac{\partial J}{\partial b} = \frac{\partial J}{\partial u}\,\frac{\partial u}{\partial b} = 3c = 6, \qquad
# \frac{\partial J}{\partial c} = \frac{\partial J}{\partial u}\,\frac{\partial u}{\partial c} = 3b = 9.$$
#
# A sanity check in the spirit of section 1: raise $b$ from 3 to 3.001. Then $u$ grows by 0.002 (that is,
# $c$ times the nudge), $v$ by the same, and $J$ by 0.006, which is 6 times the nudge. Backpropagation is this
# bookkeeping, done once per step and reused by every path that passes through it.
#
# **A slip in the notes.** The notes write the path to $b$ as "$\frac{dJ}{da} = \frac{dJ}{dv}\frac{dv}{du}
# \frac{du}{db} = 3 \cdot 1 \cdot C^2 = 6$". The left side should read $\partial J / \partial b$, and the last
# factor is $\partial u / \partial b = c = 2$ (not $c^2$, which would give 12).
#
# ### Exercise 5 — `graph_forward` and Exercise 6 — `graph_backward`
#
# Compute $J$ through $u$ and $v$ as a `float`, then return $(\partial J/\partial a,\ \partial J/\partial b,\
# \partial J/\partial c)$ as a tuple of three floats, by the chain rule as above (no numerical differences).

# %% solution id="graph_forward"
def graph_forward(a, b, c):
    """J = 3(a + bc), computed through u = bc and v = a + u."""
    ### BEGIN SOLUTION
    u = b * c
    v = a + u
    return float(3 * v)
    ### END SOLUTION


# %% tests exercise="derivatives.graph_forward" points=1

# %% solution id="graph_backward"
def graph_backward(a, b, c):
    """(dJ/da, dJ/db, dJ/dc) of J = 3(a + bc), by the chain rule from J back to the inputs."""
    ### BEGIN SOLUTION
    dJ_dv = 3.0  # J = 3v
    dJ_da = dJ_dv * 1.0  # v = a + u
    dJ_du = dJ_dv * 1.0
    dJ_db = dJ_du * c  # u = bc
    dJ_dc = dJ_du * b
    return float(dJ_da), float(dJ_db), float(dJ_dc)
    ### END SOLUTION


# %% tests exercise="derivatives.graph_backward" points=2

# %% [markdown]
# The graph with your values: forward values above the arrows, derivatives of $J$ below. Move $a$, $b$ and
# $c$: $\partial J/\partial a$ never changes (why?), while $\partial J/\partial b$ follows $c$ and
# $\partial J / \partial c$ follows $b$.

# %%
widgets.graph_explorer(graph_forward, graph_backward)

# %% [markdown]
# And the referee from section 1 agrees: the numerical slope of $J$ in the direction of $b$ at the notes'
# point should be 6.

# %%
widgets.attempt(numerical_derivative, lambda b: graph_forward(5.0, b, 2.0), 3.0)

# %% [markdown]
# ## 5 · The sigmoid and its derivative
#
# The sigmoid $\sigma(z) = \dfrac{1}{1 + e^{-z}}$ squeezes any real number into the interval $(0, 1)$, which
# lets logistic regression read its output $a = \sigma(z)$ as the probability that the label is 1.
#
# Its derivative has a neat form. Write $\sigma = (1 + e^{-z})^{-1}$ and apply the chain rule:
#
# $$\sigma'(z) = \frac{e^{-z}}{(1 + e^{-z})^2}
# = \underbrace{\frac{1}{1 + e^{-z}}}_{\sigma(z)} \cdot \underbrace{\frac{e^{-z}}{1 + e^{-z}}}_{1 - \sigma(z)}
# = \sigma(z)\,\bigl(1 - \sigma(z)\bigr).$$
#
# Once the forward pass has $\sigma(z)$, the derivative costs one multiplication. It peaks at $1/4$ for
# $z = 0$ and fades towards 0 for large $|z|$, where the sigmoid is flat ("saturated"); a later notebook
# shows what that does to deep networks.
#
# **A slip in the notes.** After this derivation the notes write the result as $y(1 - y)$. It is
# $a(1 - a)$ with $a = \sigma(z)$; the label $y$ plays no part in the derivative of the sigmoid.
#
# ### Overflow
#
# For $z = -1000$ the textbook formula computes $e^{1000}$, which overflows to `inf` with a warning. Here
# $1/(1 + \infty) = 0$ happens to be the right answer, but the warning is a bad sign, and in other formulas an
# `inf` turns into `nan`. The cure is to never feed `np.exp` a large positive number:
#
# - for $z \ge 0$ use $\dfrac{1}{1 + e^{-z}}$, where $e^{-z} \le 1$;
# - for $z < 0$ multiply top and bottom by $e^{z}$: $\sigma(z) = \dfrac{e^{z}}{1 + e^{z}}$, where $e^{z} < 1$.
#
# **`np.where` does not skip the branch it rejects.** The natural one-liner
# `np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z)))` gives the right values and still warns
# about overflow. Python computes each argument completely, for *every* element, before `np.where` is called:
# `np.exp(-z)` meets $e^{1000}$ at $z = -1000$, and `np.exp(z)` at $z = 1000$ (where $\infty/\infty$ adds a
# second warning). `np.where` only picks from the finished arrays afterwards. Two ways without any warning:
#
# - compute each formula only where it applies, with a boolean mask: `positive = z >= 0`, then fill
#   `result[positive]` from `z[positive]` and `result[~positive]` from `z[~positive]`;
# - or give `np.exp` no positive number at all: with $t = e^{-|z|} \le 1$, $\sigma(z)$ is $\dfrac{1}{1 + t}$
#   for $z \ge 0$ and $\dfrac{t}{1 + t}$ for $z < 0$, and `np.where(z >= 0, 1 / (1 + t), t / (1 + t))` is safe,
#   because both of its branches are.
#
# (`with np.errstate(over="ignore", invalid="ignore"):` around the one-liner would hide the warnings instead; that
# is acceptable only because the values that overflow are the ones `np.where` throws away.)
#
# ### Exercise 7 — `sigmoid`
#
# Elementwise on arrays of any shape, with no warning for any finite $z$ (the check fails a sigmoid that
# warns). A plain number in gives a plain `float` out.

# %% solution id="sigmoid"
def sigmoid(z):
    """σ(z) = 1 / (1 + exp(-z)), elementwise, without overflow; a float for a number, else an array."""
    ### BEGIN SOLUTION
    z = np.asarray(z, dtype=float)
    result = np.empty_like(z)
    positive = z >= 0
    result[positive] = 1 / (1 + np.exp(-z[positive]))
    exp_z = np.exp(z[~positive])  # z < 0 here, so exp(z) < 1
    result[~positive] = exp_z / (1 + exp_z)
    return result.item() if result.ndim == 0 else result
    ### END SOLUTION


# %% tests exercise="derivatives.sigmoid" points=2

# %% [markdown]
# ### Exercise 8 — `sigmoid_derivative`
#
# Return $\sigma(z)(1 - \sigma(z))$, elementwise, shaped like `sigmoid`'s result. Use your `sigmoid`.

# %% solution id="sigmoid_derivative"
def sigmoid_derivative(z):
    """σ'(z) = σ(z)(1 - σ(z)), elementwise; a float for a number, else an array."""
    ### BEGIN SOLUTION
    s = sigmoid(z)
    return s * (1 - s)
    ### END SOLUTION


# %% tests exercise="derivatives.sigmoid_derivative" points=1

# %% [markdown]
# Your two functions (orange) over the reference (pale blue), and your sigmoid at $z = \pm 1000$:

# %%
widgets.sigmoid_plot(sigmoid, sigmoid_derivative)

# %% [markdown]
# ## 6 · The logistic loss, and $\partial L / \partial z = a - y$
#
# For one example with label $y \in \{0, 1\}$ and prediction $a = \sigma(z)$, logistic regression uses
#
# $$L(a, y) = -\bigl(y \log a + (1 - y) \log(1 - a)\bigr)$$
#
# with the natural logarithm. Only one term is active at a time. If $y = 1$ the loss is $-\log a$: zero when
# $a \to 1$, unbounded as $a \to 0$. If $y = 0$ it is $-\log(1 - a)$, the mirror image. A confident wrong
# answer is expensive. On arrays the loss is elementwise, one value per example; averaging over the $m$
# examples gives the cost $J = \frac{1}{m}\sum_i L(a^{(i)}, y^{(i)})$, which is not part of this exercise.
#
# To train, we need the derivative with respect to $z$, the number the network actually computes. The chain
# rule goes through $a$:
#
# $$\frac{\partial L}{\partial a} = -\frac{y}{a} + \frac{1 - y}{1 - a} = \frac{a - y}{a(1 - a)}, \qquad
# \frac{da}{dz} = a(1 - a),$$
#
# $$\frac{\partial L}{\partial z} = \frac{\partial L}{\partial a}\,\frac{da}{dz}
# = \frac{a - y}{a(1 - a)} \cdot a(1 - a) = a - y.$$
#
# The awkward factor $a(1 - a)$ cancels exactly: the gradient that reaches $z$ is simply *prediction minus
# label*. This is the $dZ^{[L]} = A^{[L]} - Y$ that starts the backward pass of a network with a sigmoid
# output. Computing $a - y$ directly is also safer than multiplying the two factors, since
# $\partial L / \partial a$ blows up when $a$ is near 0 or 1.
#
# ### Exercise 9 — `logistic_loss`
#
# Elementwise in `a` and `y` (arrays of the same shape, or plain numbers, which give a plain `float`).

# %% solution id="logistic_loss"
def logistic_loss(a, y):
    """L(a, y) = -(y log a + (1 - y) log(1 - a)), elementwise, natural log."""
    ### BEGIN SOLUTION
    a = np.asarray(a, dtype=float)
    y = np.asarray(y, dtype=float)
    loss = -(y * np.log(a) + (1 - y) * np.log(1 - a))
    return loss.item() if loss.ndim == 0 else loss
    ### END SOLUTION


# %% tests exercise="derivatives.logistic_loss" points=2

# %% [markdown]
# ### Exercise 10 — `logistic_loss_dz`
#
# Note that this function takes $z$, not $a$: return $\partial L / \partial z$ for $a = \sigma(z)$, elementwise.
# Use your `sigmoid`.

# %% solution id="logistic_loss_dz"
def logistic_loss_dz(z, y):
    """dL/dz = sigmoid(z) - y for L(sigmoid(z), y), elementwise."""
    ### BEGIN SOLUTION
    dz = np.asarray(sigmoid(z)) - np.asarray(y, dtype=float)
    return dz.item() if dz.ndim == 0 else dz
    ### END SOLUTION


# %% tests exercise="derivatives.logistic_loss_dz" points=2

# %% [markdown]
# Now let your `gradient_check` judge the formula. The function checked is the total loss of five examples
# as a function of their $z$ values, built from your `sigmoid` and `logistic_loss`; the candidates are your
# `logistic_loss_dz` and two classic mistakes.

# %%
z = np.array([[1.5, -0.5, 2.0, -3.0, 0.3]])
y = np.array([[1.0, 0.0, 0.0, 1.0, 1.0]])
widgets.gradient_check_bars(gradient_check, lambda z: np.sum(logistic_loss(sigmoid(z), y)), {
    "your logistic_loss_dz": lambda z: logistic_loss_dz(z, y),
    "y − σ(z) (sign flipped)": lambda z: y - sigmoid(z),
    "(σ(z) − y)·σ′(z) (σ′ once too often)": lambda z: (sigmoid(z) - y) * sigmoid_derivative(z),
}, z)

# %% [markdown]
# ## 7 · Fitting a line by gradient descent
#
# The notes fit a line to three points (weight $x$, height $y$): $(0.6, 1.1)$, $(0.8, 1.2)$ and $(1.1, 2.1)$.
# The model predicts $\hat y = \text{slope}\cdot x + \text{intercept}$, and the loss is the sum of squared
# residuals
#
# $$L(\text{slope}, \text{intercept}) = \sum_{i=1}^{3} \bigl(y_i - (\text{slope}\cdot x_i + \text{intercept})\bigr)^2.$$
#
# Call the residual $r_i = y_i - (\text{slope}\cdot x_i + \text{intercept})$. The chain rule on each term gives
# $\partial r_i^2 / \partial r_i = 2 r_i$, times $\partial r_i / \partial\,\text{slope} = -x_i$ or
# $\partial r_i / \partial\,\text{intercept} = -1$:
#
# $$\frac{\partial L}{\partial\,\text{slope}} = -2 \sum_i x_i\, r_i, \qquad
# \frac{\partial L}{\partial\,\text{intercept}} = -2 \sum_i r_i.$$
#
# The notes start from slope $= 1$, intercept $= 0$. The residuals are $0.5$, $0.4$ and $1.0$, so
#
# $$\frac{\partial L}{\partial\,\text{slope}} = -2\,(0.6 \cdot 0.5 + 0.8 \cdot 0.4 + 1.1 \cdot 1.0) = -3.44, \qquad
# \frac{\partial L}{\partial\,\text{intercept}} = -2\,(0.5 + 0.4 + 1.0) = -3.8.$$
#
# Both are negative: raising either parameter lowers the loss. Gradient descent therefore raises both, by the
# learning rate $\alpha$ times the gradient: $\text{slope} \leftarrow \text{slope} - \alpha\,
# \partial L/\partial\,\text{slope}$, and the same for the intercept.
#
# ### Exercise 11 — `sse_line_gradients`
#
# Return the tuple $(\partial L/\partial\,\text{slope},\ \partial L/\partial\,\text{intercept})$ as two floats,
# for arrays `x` and `y` of any length. $L$ is a sum, not a mean.

# %% solution id="sse_line_gradients"
def sse_line_gradients(slope, intercept, x, y):
    """(dL/dslope, dL/dintercept) of L = sum((y - (slope * x + intercept))**2)."""
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    residual = y - (slope * x + intercept)
    return float(-2 * np.sum(x * residual)), float(-2 * np.sum(residual))
    ### END SOLUTION


# %% tests exercise="derivatives.sse_line_gradients" points=2

# %% [markdown]
# Gradient descent with **your** gradients, starting from the notes' slope 1 and intercept 0. Change the number
# of steps and the learning rate. Try 0.01, 0.1, about 0.19 and then 0.2 with a few hundred steps, and notice
# how long the last stretch of the loss curve takes even when the learning rate is fine.

# %%
widgets.line_fit_explorer(sse_line_gradients)

# %% [markdown]
# **Question.** What happens to the fit when the learning rate goes from 0.19 to 0.2, and why? Why does the
# loss flatten out long before it reaches its least possible value, even at a good learning rate?

# %% [markdown] answer id="learning_rate" points=1
# Each step moves the parameters by $\alpha$ times the gradient, and along the steepest direction of this
# bowl-shaped loss the gradient changes quickly. Below about $0.195$ every step along that direction ends
# closer to the bottom than it started (for the larger rates, on the other side of the valley), so the loss
# falls. Above it each step overshoots by more than the distance it started from: the error along that
# direction changes sign and grows by a constant factor every step, and the loss climbs exponentially (at 0.2
# slowly, so give it enough steps). The slow tail comes from the other direction: the three $x$ values are
# close together, so raising the slope and lowering the intercept by matching amounts barely changes the
# predictions. The loss is almost flat along that combination, the gradient there is tiny, and a learning rate
# small enough for the steep direction makes only slow progress along the flat one.

# %% [markdown]
# ## Summary
#
# - A derivative is the limit of the slope $\Delta y / \Delta x$. The central difference
#   $\frac{f(x+h) - f(x-h)}{2h}$ has error $O(h^2)$, the forward difference only $O(h)$; round-off sets a floor,
#   so $h \approx 10^{-5}$ is a good default.
# - The numerical gradient applies the central difference to one entry at a time. Compared with an analytic
#   gradient through the relative error, it catches bugs: below $10^{-7}$ is right, above $10^{-3}$ is wrong.
# - The chain rule multiplies local derivatives along the path from the output back to each input; this is
#   backpropagation in miniature ($J = 3(a + bc)$ gives $3, 6, 9$ at $a = 5$, $b = 3$, $c = 2$).
# - $\sigma'(z) = \sigma(z)(1 - \sigma(z))$; compute $\sigma$ without overflow by treating $z < 0$ separately.
# - For the logistic loss the chain rule collapses to $\partial L / \partial z = a - y$.
# - Gradient descent on the notes' line fit starts from the gradient $(-3.44, -3.8)$, and the learning rate
#   decides between slow progress, good progress and divergence.
#
# Keep `gradient_check` in mind: from now on, every backward pass you write can be tested against it.

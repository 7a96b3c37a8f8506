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
# # Optimizers: momentum, RMSProp and Adam
#
# Notebook 02's gradient descent steps along the gradient of the current mini-batch, with one learning rate
# shared by every parameter, and forgets each gradient as soon as it has used it. That is enough for a round
# bowl. Real costs have long, narrow valleys, gradients of very different sizes for different parameters, and
# the noise of mini-batches on top. The optimizers that train today's networks repair this by *remembering*:
# momentum and Nesterov's method keep a running average of the gradients, AdaGrad and RMSProp keep one of
# their squares to give every parameter its own step size, and Adam keeps both. All of them rest on one small
# tool, the exponentially weighted average, which is where this notebook starts.
#
# **By the end you can**
#
# - compute an exponentially weighted average, say over roughly how many values it averages, and correct its
#   bias towards zero in the first steps;
# - implement momentum, Nesterov's look-ahead step, AdaGrad, RMSProp and Adam as updates of a network's
#   parameter dictionary;
# - explain why momentum survives learning rates at which gradient descent diverges, why AdaGrad slows down,
#   where the $\varepsilon$ goes, and why Adam needs its bias correction;
# - compare the optimizers on two-dimensional landscapes and on training notebook 04's network, and shrink the
#   learning rate during training with a schedule.
#
# **How the exercises work.** Each exercise is one function. Replace `raise NotImplementedError()` with your
# code and run the check cell below it: it tries your function on fixed cases (the notes' worked example among
# them) and on random ones, and says what is wrong, if anything. The figures run *your* functions and draw
# them over the reference (pale blue); until a function works they show the reference alone and say so. The
# network comes ready-made: notebook 04's reference `initialize_parameters`, `model_forward`, `compute_cost`
# and `model_backward` are imported below, so a mistake in your backpropagation cannot spoil this notebook.
#
# **Notation.** As in notebook 04, a network's parameters live in a dictionary
# `{"W1": W[1], "b1": b[1], ..., "WL": W[L], "bL": b[L]}` and its gradients in one keyed by the same names with
# a `d` in front: `grads["dW1"]` is $\partial J / \partial W^{[1]}$, of the same shape as `W1`. Every running
# average an optimizer keeps (the velocity $v$, the average of squared gradients $s$) is a dictionary keyed like
# the gradients, so `v["dW1"]` also has the shape of `W1`. All the formulas below work entry by entry: $g^2$ is
# `g * g` (or `g ** 2`), $\sqrt{s}$ is `np.sqrt(s)`, and a fraction is an elementwise division. The step
# counter $t = 1, 2, 3, \dots$ counts updates (mini-batches), not epochs, and the learning rate $\alpha$ is the
# argument `lr`.
#
# Every function returns **new** dictionaries and arrays and leaves its arguments as they were. Write
# `p - lr * v`, not `p -= lr * v`: the second form overwrites the caller's array, and the checks notice.

# %% setup
import numpy as np

from mlcourse import grader, widgets
from mlcourse.backprop import compute_cost, initialize_parameters, model_backward, model_forward
from mlcourse.gradient_descent import random_mini_batches

# %% [markdown]
# ## 1 · The trouble with one learning rate
#
# Take the cost $f(w) = 0.1\,w_1^2 + 5\,w_2^2$, a bowl that curves fifty times more sharply across than along:
# its contours are long thin ellipses, a *ravine*. Its gradient is $(0.2\,w_1,\ 10\,w_2)$, so one gradient-descent step
# multiplies each coordinate by its own factor:
#
# $$w_1 \leftarrow (1 - 0.2\,\alpha)\, w_1, \qquad w_2 \leftarrow (1 - 10\,\alpha)\, w_2 .$$
#
# The numbers 0.2 and 10 are the curvatures of the two directions. The steep direction decides what
# learning rate is safe: $|1 - 10\alpha| < 1$ needs $\alpha < 0.2$, and above that $w_2$ swings further out
# at every step. With $\alpha = 0.15$ the factor for $w_2$ is $-0.5$, so $w_2$ flips sign at every step (the
# zig-zag across the ravine), while the factor for $w_1$ is $0.97$: after 80 steps, $0.97^{80} \approx 0.09$ of
# the way along the floor is still left. No single $\alpha$ can be large enough for the flat direction and small
# enough for the steep one. The ratio of the two curvatures, here 50, measures how bad this is; the costs of
# neural networks have such ravines in many directions at once, and mini-batches add noise to every gradient.
#
# Two ideas help, and the rest of the notebook builds them.
#
# - **Remember the direction.** Average the gradients of the last few steps. Across the ravine they point
#   alternately one way and the other and cancel; along it they agree and add up. That is *momentum*.
# - **Give every parameter its own step size.** Divide each parameter's step by the typical size of its own
#   gradients: steep directions then get small steps and flat ones large steps. That is *AdaGrad* and
#   *RMSProp*. *Adam* does both.
#
# Both ideas need a running average that costs one number per parameter. Here it is.
#
# ## 2 · Exponentially weighted averages
#
# Given a sequence $x_1, x_2, x_3, \dots$ (daily temperatures, or one weight's gradient at successive steps),
# the **exponentially weighted average** (EWA) starts at $V_0 = 0$ and mixes in each new value with the weight
# $1 - \beta$:
#
# $$V_t = \beta\, V_{t-1} + (1 - \beta)\, x_t, \qquad 0 \le \beta < 1 .$$
#
# (The notes call the values $s_t$. This notebook writes $x_t$, because from section 5 on $s$ is the running
# average of squared gradients that RMSProp and Adam keep: a different thing.)
#
# Substituting the formula into itself shows what $V_t$ is made of:
#
# $$V_t = (1 - \beta)\bigl(x_t + \beta\, x_{t-1} + \beta^2 x_{t-2} + \dots + \beta^{t-1} x_1\bigr).$$
#
# The value $k$ steps back counts with the weight $(1 - \beta)\beta^k$: the newest value most, older ones less
# and less, shrinking by the factor $\beta$ per step. Unlike the mean of a sliding window, this needs no list of
# old values, only the previous $V$.
#
# **Over how many values?** The weights fall to about $1/e \approx 0.37$ of the newest one after
# $1/(1 - \beta)$ steps, because $\beta^{1/(1-\beta)} \approx 1/e$ when $\beta$ is close to 1:
# $0.9^{10} = 0.349$ and $0.98^{50} = 0.364$. So $\beta = 0.9$ averages over roughly the last 10 values and
# $\beta = 0.98$ over the last 50. For small $\beta$ the rule is rough ($0.5^2 = 0.25$, not $0.37$), but
# "about the last two values" is still the right picture. A larger $\beta$ gives a smoother curve that reacts
# later: it lags behind the data.
#
# **The bias at the start.** The weights add up to
# $(1 - \beta)(1 + \beta + \dots + \beta^{t-1}) = 1 - \beta^t$, which is close to 1 only once $t$ is large.
# At $t = 1$ they add up to $1 - \beta$: $V_1 = (1 - \beta)\,x_1$, a tenth of $x_1$ for $\beta = 0.9$. The
# missing weight sits on the starting value $V_0 = 0$, so the first averages are pulled towards zero. The
# **bias correction** divides by the actual sum of the weights:
#
# $$\hat V_t = \frac{V_t}{1 - \beta^t}.$$
#
# It matters only at the start, since $1 - \beta^t \to 1$ (for $\beta = 0.9$, $\beta^{50} \approx 0.005$).
#
# **The notes' example.** The derivatives of the cost with respect to one weight on the first four
# mini-batches are $0.81, 0.9, 0.96, 0.34$; with $\beta = 0.9$:
#
# | $t$ | $x_t$ | $V_t = 0.9\,V_{t-1} + 0.1\,x_t$ | $1 - 0.9^t$ | $\hat V_t$ |
# |---|---|---|---|---|
# | 1 | 0.81 | 0.081 | 0.1 | 0.81 |
# | 2 | 0.9 | 0.1629 | 0.19 | 0.8574 |
# | 3 | 0.96 | 0.24261 | 0.271 | 0.8952 |
# | 4 | 0.34 | 0.25235 | 0.3439 | 0.7338 |
#
# Without the correction the averages (0.08 to 0.25) lie far below every one of the values; with it they stay
# among them, and the drop to 0.34 at $t = 4$ pulls the average down only part of the way. (The notes print
# 0.8953 and 0.7343 for the last two corrected values: rounding slips, since $0.24261/0.271 = 0.8952$ and
# $0.25235/0.3439 = 0.7338$. They also write the divisor as $1 - b^t$; the $b$ there is the same $\beta$.)
#
# ### Exercise 1 — `ewa`
#
# Return a numpy array with $V_1, \dots, V_n$, one value per input value ($V_0 = 0$ is not part of the result).
# With `bias_correction=True`, store $V_t / (1 - \beta^t)$ instead, but keep the running average $V_t$ itself
# uncorrected: the next step builds on $V_t$, not on $\hat V_t$. The first value has $t = 1$.

# %% solution id="ewa"
def ewa(values, beta, bias_correction=False):
    """[V_1, ..., V_n] for values (n,): V_t = β·V_{t−1} + (1 − β)·x_t from V_0 = 0; divided by 1 − β^t if
    bias_correction."""
    ### BEGIN SOLUTION
    values = np.asarray(values, dtype=float)
    out = np.zeros(values.size)
    average = 0.0
    for t in range(1, values.size + 1):
        average = beta * average + (1 - beta) * values[t - 1]
        out[t - 1] = average / (1 - beta**t) if bias_correction else average
    return out
    ### END SOLUTION


# %% tests exercise="optimizers.ewa" points=2

# %% [markdown]
# The notes' four derivatives, without and with the correction:

# %%
notes_values = np.array([0.81, 0.9, 0.96, 0.34])
for correction in (False, True):
    averages = widgets.attempt(ewa, notes_values, 0.9, bias_correction=correction)
    if averages is None:
        break
    print("corrected:  " if correction else "uncorrected:", np.round(averages, 4))

# %% [markdown]
# The explorer runs **your** `ewa` on a year of made-up daily temperatures, cold in January and warm in July.
# The left panel shows the whole year, the middle one the first days (dashed: the reference with the other
# choice of bias correction), and the right one the weight $(1 - \beta)\beta^k$ of the value $k$ days back,
# with the newest $1/(1 - \beta)$ values darker. Things to try:
#
# - $\beta = 0.5$, $0.9$ and $0.98$: noisy, smooth, and smooth but late (look at the autumn);
# - with $\beta = 0.98$, switch the bias correction off and on, and watch the middle panel: without it, the
#   average needs weeks to climb from 0 to the January temperatures.

# %%
widgets.ewa_explorer(ewa, beta=0.9, bias_correction=False)

# %% [markdown]
# ## 3 · Momentum
#
# Gradient descent with **momentum** steps along an exponentially weighted average of the gradients, the
# *velocity* $v$, instead of along the latest gradient. For every parameter $p$ (each $W^{[l]}$ and
# $b^{[l]}$) with gradient $g$ (`grads["dW1"]` for `W1`, ...):
#
# $$v \leftarrow \beta\, v + (1 - \beta)\, g, \qquad p \leftarrow p - \alpha\, v ,$$
#
# with $v$ starting at zero and $\beta$ typically 0.9 (the notes suggest values between 0.8 and 0.99). Think of
# a ball rolling down the cost: its velocity builds up along a steady slope and does not turn at every bump.
# (Momentum usually goes without bias correction; its only effect would be on the first few steps, which are
# merely slow.)
#
# On the ravine of section 1, the gradient's steep component changes sign at every step, so its average stays
# small, while the component along the floor keeps its sign, so there $v$ grows to the full gradient. The step
# points more along the ravine than across it. That is also why momentum tolerates larger learning rates: on a
# bowl of curvature $\lambda$, gradient descent is stable only for $\alpha\lambda < 2$, while momentum in this
# form is stable for $\alpha(1 - \beta)\lambda < 2(1 + \beta)$ (a result about this recursion that we state
# without proof), so with $\beta = 0.9$ the learning rate may be 19 times larger. At the *same* $\alpha$ the
# step along a steady slope is no longer than gradient descent's ($v$ approaches $g$); the gain comes from the
# cancelled zig-zag and the larger $\alpha$ it allows. Section 7 lets you see both.
#
# **Another common form.** Many texts leave out the factor $1 - \beta$ and write $v \leftarrow \beta v + g$, and
# Keras (`SGD(learning_rate=0.01, momentum=0.9)` in the notes) does the same with $\alpha$ folded into $v$.
# Along a steady slope that velocity grows to $g/(1 - \beta)$, ten times the gradient for $\beta = 0.9$, so it
# is the same method with the learning rate multiplied by $1/(1 - \beta)$: Keras' 0.01 with momentum 0.9
# corresponds to $\alpha = 0.1$ here. This course uses the averaging form with $1 - \beta$ throughout.
#
# ### Exercise 2 — `initialize_velocity`
#
# Return a dictionary with a float array of zeros for every parameter, keyed by the gradient's name (`"dW1"`
# for `"W1"`, `"db1"` for `"b1"`, ...) and shaped like the parameter. Loop over `parameters.items()`, so that any
# number of layers works.

# %% solution id="initialize_velocity"
def initialize_velocity(parameters):
    """{"dW1": zeros like W1, "db1": zeros like b1, ...}: one float array of zeros per parameter."""
    ### BEGIN SOLUTION
    v = {}
    for name, p in parameters.items():
        v["d" + name] = np.zeros(np.shape(p))
    return v
    ### END SOLUTION


# %% tests exercise="optimizers.initialize_velocity" points=1

# %% [markdown]
# ### Exercise 3 — `update_with_momentum`
#
# Return `(parameters, v)` after one step. For every `name` in `parameters`, with `key = "d" + name`, first
# compute the new velocity $\beta v + (1 - \beta) g$ from `v[key]` and `grads[key]`, then move the parameter
# against the *new* velocity. Put the results into new dictionaries. With `beta = 0` this is plain gradient
# descent, which is how the figures below run gradient descent with your code.

# %% solution id="update_with_momentum"
def update_with_momentum(parameters, grads, v, beta, lr):
    """(parameters, v) after one momentum step: v = β·v + (1 − β)·g, then p = p − lr·v, for every parameter."""
    ### BEGIN SOLUTION
    new_parameters, new_v = {}, {}
    for name, p in parameters.items():
        key = "d" + name
        new_v[key] = beta * v[key] + (1 - beta) * grads[key]
        new_parameters[name] = p - lr * new_v[key]
    return new_parameters, new_v
    ### END SOLUTION


# %% tests exercise="optimizers.update_with_momentum" points=2

# %% [markdown]
# ## 4 · Nesterov's look-ahead
#
# Whatever the next gradient turns out to be, momentum is going to move $w$ by $-\alpha\beta v$, the part of the
# next step that the old velocity carries. Nesterov's method therefore measures the slope where that will take
# it, at the **look-ahead** point, rather than where it stands:
#
# $$\tilde w = w - \alpha\beta\, v, \qquad v \leftarrow \beta\, v + (1 - \beta)\,\nabla f(\tilde w), \qquad
# w \leftarrow w - \alpha\, v .$$
#
# If the ball is about to run up the far side of the ravine, the gradient at $\tilde w$ already points back,
# and the velocity is braked one step earlier than plain momentum would brake it, so the path rings less.
# The look-ahead is only where the gradient is taken: the step itself starts from $w$. Yurii Nesterov
# published the method in 1983 (one of the notes says "the late 1980s"), with a proof that on smooth convex
# problems its error shrinks like $1/k^2$ after $k$ steps, where gradient descent's shrinks like $1/k$; Ilya
# Sutskever and colleagues made it popular for training networks in 2013.
#
# Because the gradient is needed at another point than $w$, this update takes the gradient as a *function*
# `grad_f`, and works on vectors: `w` and `v` are 1-D arrays. (To use it on a network, the figures flatten all
# the parameters into one vector and back.)
#
# ### Exercise 4 — `nesterov_step`
#
# Return `(w, v)` after one step, both new arrays.

# %% solution id="nesterov_step"
def nesterov_step(grad_f, w, v, beta, lr):
    """(w, v) after one Nesterov step: look-ahead w − lr·β·v, v = β·v + (1 − β)·grad_f(look-ahead),
    then w = w − lr·v."""
    ### BEGIN SOLUTION
    look_ahead = w - lr * beta * v
    v = beta * v + (1 - beta) * grad_f(look_ahead)
    w = w - lr * v
    return w, v
    ### END SOLUTION


# %% tests exercise="optimizers.nesterov_step" points=2

# %% [markdown]
# ## 5 · A step size for every parameter: AdaGrad and RMSProp
#
# **AdaGrad** (John Duchi, Elad Hazan and Yoram Singer, 2011) keeps, for every parameter, the sum $s$ of all its
# squared gradients so far, and divides the step by its square root:
#
# $$s \leftarrow s + g^2, \qquad p \leftarrow p - \alpha\, \frac{g}{\sqrt{s} + \varepsilon} .$$
#
# The small $\varepsilon = 10^{-8}$ keeps a parameter whose gradients have all been zero from a division $0/0$.
# On the very first step $s = g^2$, so every parameter moves by $\alpha\, g/|g|$, that is by about $\alpha$,
# whatever the size of its gradient: steep and flat directions alike. Later, parameters with a history of large
# gradients take small steps and those with small gradients large ones. This suits sparse inputs, where a rare
# feature's weight gets large steps on the few occasions that it has a gradient at all.
#
# AdaGrad's weakness is that $s$ only grows. The effective learning rate $\alpha / \sqrt{s}$ keeps shrinking
# (like $1/\sqrt{t}$ when the gradients have a steady size), and training can grind to a halt long before the
# minimum.
#
# **RMSProp** (proposed by Geoffrey Hinton in his 2012 lecture course) replaces the sum by an exponentially
# weighted average, which forgets old gradients:
#
# $$s \leftarrow \beta\, s + (1 - \beta)\, g^2, \qquad p \leftarrow p - \alpha\, \frac{g}{\sqrt{s} + \varepsilon} .$$
#
# Now $\sqrt{s}$ is the **r**oot of the **m**ean **s**quare of the recent gradients, which gives the method its
# name, and the effective rate can grow again when gradients get smaller. Common settings are $\beta = 0.9$ and
# $\alpha = 0.001$. Like momentum's velocity, $s$ starts at zero without correction, so the first step is
# $\alpha\, g / (\sqrt{0.1}\,|g|) \approx 3.16\,\alpha$ in size.
#
# **Where $\varepsilon$ goes.** This course adds $\varepsilon$ *outside* the root, $g/(\sqrt{s} + \varepsilon)$.
# Some of the notes put it inside, $g/\sqrt{s + \varepsilon}$. For gradients of ordinary size the two agree, but
# not for tiny ones: with $g = 10^{-6}$ on AdaGrad's first step, $g/(\sqrt{s} + \varepsilon) = 10^{-6}/(1.01
# \cdot 10^{-6}) \approx 0.99$, while $g/\sqrt{s + \varepsilon} = 10^{-6}/\sqrt{10^{-12} + 10^{-8}} \approx
# 0.01$, a step a hundred times smaller. One of the notes' slides also updates the average for $b$ from the
# average for $W$ ($v_{db} = \beta\, v_{dw} + \dots$); that is a slip: every parameter keeps its own $s$.
#
# ### Exercises 5 and 6 — `update_with_adagrad` and `update_with_rmsprop`
#
# Return `(parameters, s)` after one step, in new dictionaries. Update `s[key]` first, then use the *new* `s` in
# the step, with `eps` outside the square root.

# %% solution id="update_with_adagrad"
def update_with_adagrad(parameters, grads, s, lr, eps=1e-8):
    """(parameters, s) after one AdaGrad step: s = s + g², then p = p − lr·g/(√s + eps), for every parameter."""
    ### BEGIN SOLUTION
    new_parameters, new_s = {}, {}
    for name, p in parameters.items():
        key = "d" + name
        g = grads[key]
        new_s[key] = s[key] + g**2
        new_parameters[name] = p - lr * g / (np.sqrt(new_s[key]) + eps)
    return new_parameters, new_s
    ### END SOLUTION


# %% tests exercise="optimizers.update_with_adagrad" points=2

# %% solution id="update_with_rmsprop"
def update_with_rmsprop(parameters, grads, s, beta, lr, eps=1e-8):
    """(parameters, s) after one RMSProp step: s = β·s + (1 − β)·g², then p = p − lr·g/(√s + eps)."""
    ### BEGIN SOLUTION
    new_parameters, new_s = {}, {}
    for name, p in parameters.items():
        key = "d" + name
        g = grads[key]
        new_s[key] = beta * s[key] + (1 - beta) * g**2
        new_parameters[name] = p - lr * g / (np.sqrt(new_s[key]) + eps)
    return new_parameters, new_s
    ### END SOLUTION


# %% tests exercise="optimizers.update_with_rmsprop" points=2

# %% [markdown]
# ## 6 · Adam
#
# **Adam** (*adaptive moment estimation*, Diederik Kingma and Jimmy Ba, 2014) keeps both averages: the
# velocity $v$ of momentum (the first moment of the gradient) and the average $s$ of squared gradients of
# RMSProp (the second moment). Both start at zero, so both are bias-corrected, with the step number $t$:
#
# $$v \leftarrow \beta_1 v + (1 - \beta_1)\, g, \qquad s \leftarrow \beta_2\, s + (1 - \beta_2)\, g^2,$$
#
# $$\hat v = \frac{v}{1 - \beta_1^{\,t}}, \qquad \hat s = \frac{s}{1 - \beta_2^{\,t}}, \qquad
# p \leftarrow p - \alpha\, \frac{\hat v}{\sqrt{\hat s} + \varepsilon} .$$
#
# The usual settings are $\beta_1 = 0.9$, $\beta_2 = 0.999$, $\varepsilon = 10^{-8}$ and $\alpha = 0.001$. The
# ratio $\hat v / \sqrt{\hat s}$ is an average gradient divided by a root-mean-square gradient, so it is rarely
# much larger than 1: in Adam, $\alpha$ says roughly *how far* a parameter may move per step, whereas in
# gradient descent it multiplies the gradient.
#
# Three slips to avoid, all in the notes: one set corrects with $1 - \beta_1$ and $1 - \beta_2$, without the
# power $t$, which multiplies the averages by 10 and 1000 for ever instead of only at the start; one slide
# multiplies the whole step by $dw_t$ once more at the end, although $\hat v$ already carries the gradient; and
# the slides show $\varepsilon$ both inside and outside the root, where the course uses
# $\hat v / (\sqrt{\hat s} + \varepsilon)$.
#
# ### Exercise 7 — `initialize_adam`
#
# Return `(v, s)`: two separate dictionaries of zeros, each keyed and shaped as in `initialize_velocity`.

# %% solution id="initialize_adam"
def initialize_adam(parameters):
    """(v, s): two dicts of zeros keyed "dW1", "db1", ..., shaped like the parameters."""
    ### BEGIN SOLUTION
    v, s = {}, {}
    for name, p in parameters.items():
        v["d" + name] = np.zeros(np.shape(p))
        s["d" + name] = np.zeros(np.shape(p))
    return v, s
    ### END SOLUTION


# %% tests exercise="optimizers.initialize_adam" points=1

# %% [markdown]
# ### Exercise 8 — `update_with_adam`
#
# Return five dictionaries, `(parameters, v, s, v_corrected, s_corrected)`: the new parameters, the new *uncorrected*
# averages (the next step builds on them), and the corrected ones $\hat v$ and $\hat s$ that the step used
# (handy for looking inside). `t` is the number of this step, 1 on the first: unlike the epoch numbers of
# notebook 02's schedules, which start at 0, it must start at 1, since $t = 0$ would divide by
# $1 - \beta_1^0 = 0$.

# %% solution id="update_with_adam"
def update_with_adam(parameters, grads, v, s, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    """(parameters, v, s, v_corrected, s_corrected) after Adam's step number t (1 on the first step)."""
    ### BEGIN SOLUTION
    new_parameters, new_v, new_s, v_corrected, s_corrected = {}, {}, {}, {}, {}
    for name, p in parameters.items():
        key = "d" + name
        g = grads[key]
        new_v[key] = beta1 * v[key] + (1 - beta1) * g
        new_s[key] = beta2 * s[key] + (1 - beta2) * g**2
        v_corrected[key] = new_v[key] / (1 - beta1**t)
        s_corrected[key] = new_s[key] / (1 - beta2**t)
        new_parameters[name] = p - lr * v_corrected[key] / (np.sqrt(s_corrected[key]) + eps)
    return new_parameters, new_v, new_s, v_corrected, s_corrected
    ### END SOLUTION


# %% tests exercise="optimizers.update_with_adam" points=3

# %% [markdown]
# **Question.** Take Adam's first step ($t = 1$, $v = s = 0$) with $\beta_1 = 0.9$, $\beta_2 = 0.999$ for one
# parameter with gradient $g \ne 0$, and ignore $\varepsilon$. How large is the step with the bias correction,
# and how large would it be without it? Is the uncorrected step too small or too large, and why is this the
# opposite of what happens to momentum's uncorrected velocity? What happens to the difference over the first
# few hundred steps?

# %% [markdown] answer id="adam_bias_correction" points=2
# With the correction, $\hat v = 0.1\,g/0.1 = g$ and $\hat s = 0.001\,g^2/0.001 = g^2$, so the step is
# $\alpha\, g/|g|$: exactly $\alpha$ in size, against the gradient. Without it, $v = 0.1\,g$ and
# $s = 0.001\,g^2$, so $v/\sqrt{s} = 0.1\,g/(0.0316\,|g|) \approx 3.16\,\operatorname{sign}(g)$: the step is
# about 3.16 times too **large**. Both averages are biased towards zero, but $s$ far more than $v$ (its
# weights add up to $1 - \beta_2^t = 0.001$ instead of $1 - \beta_1^t = 0.1$), and $s$ sits under a square
# root in the denominator, so the shortfall of the denominator wins. Momentum's uncorrected velocity has no
# denominator: $v = 0.1\,g$ simply makes its first steps ten times too *small*, a slow start that does no harm.
# For Adam the factor $(1 - \beta_1^t)/\sqrt{1 - \beta_2^t}$ even grows at first, to about 6.5 around
# $t = 10$, and is still about 3.2 at $t = 100$ and 1.6 at $t = 500$; it approaches 1 only after a few thousand
# steps, when $\beta_2^t$ has become small. Uncorrected Adam would therefore take its largest steps at the very
# start, exactly when its averages rest on the fewest gradients, and could throw the parameters far from a good
# initialization. The correction makes $\hat v$ and $\hat s$ proper averages of the gradients seen so far from
# the first step on.

# %% [markdown]
# ## 7 · A race on two-dimensional landscapes
#
# Time to watch your optimizers move. Your update functions work on parameter dictionaries, so the race hands
# them a point $w = (w_1, w_2)$ dressed up as a tiny network: `{"W1": [[w1]], "b1": [[w2]]}`, with the gradient
# as `{"dW1": [[∂f/∂w1]], "db1": [[∂f/∂w2]]}`, and reads the point back after each step. Gradient descent is your
# `update_with_momentum` with $\beta = 0$, and Nesterov gets the point as a vector. Each panel draws your
# optimizer's path (orange) over the reference's (pale blue); the panel on the right shows $f - f_\text{min}$
# after every step, on a log scale, for all six.
#
# First the ravine of section 1, $f = 0.1\,w_1^2 + 5\,w_2^2$. Things to try:
#
# 1. As it starts ($\alpha = 0.15$): gradient descent zig-zags for a few steps and then crawls along the floor;
#    momentum swings to and fro across the ravine but gets further; Nesterov swings less.
# 2. Raise the first learning rate to 0.25, then 1 and 3. Gradient descent diverges once $\alpha > 0.2$;
#    momentum carries on, and by the rule of section 3 stays stable up to $\alpha = 3.8$.
# 3. Set $\beta = 0.6$ and $\alpha = 0.7$: momentum now gets to the minimum almost exactly within 80 steps.
#    (Nesterov's look-ahead, in this form, has a narrower safe range at such rates.)
# 4. AdaGrad and RMSProp go straight down to the floor and then along it: dividing by each coordinate's own
#    gradient size removes the difference between steep and flat, because here the ravine runs along a
#    coordinate axis. Lower $\beta_1$ to 0 and Adam becomes RMSProp with bias correction.

# %%
widgets.optimizer_race(update_with_momentum, nesterov_step, update_with_adagrad, update_with_rmsprop,
                       update_with_adam, landscape="ravine")

# %% [markdown]
# **Question.** In the ravine race, compare gradient descent and momentum ($\beta = 0.9$) at $\alpha = 0.15$
# and at $\alpha = 0.5$. Explain what you see with the factors $1 - \alpha\lambda$ of section 1 ($\lambda = 0.2$
# along the ravine, $10$ across it) and with what averaging does to the two components of the gradient. Why can
# momentum use the larger learning rate, and why does that make it faster along the floor?

# %% [markdown] answer id="momentum_ravine" points=2
# At $\alpha = 0.15$ gradient descent multiplies $w_2$ by $1 - 10 \cdot 0.15 = -0.5$ per step, so the steep
# coordinate flips sign and dies out within a few steps (the zig-zag), but it multiplies $w_1$ by only
# $1 - 0.2 \cdot 0.15 = 0.97$, so after 80 steps about 9% of the distance along the floor is left
# ($f - f_\text{min} \approx 0.015$). Momentum at the same $\alpha$ ends closer ($\approx 0.004$) although its
# path swings across the ravine: its velocity keeps some of the earlier steps' motion. At $\alpha = 0.5$
# gradient descent's factor across the ravine is $1 - 5 = -4$: every step overshoots four times further, and it
# diverges. Momentum still converges. Its velocity averages the gradients: across the ravine the gradient
# changes sign from step to step, so those components largely cancel in $v$ and the steps across stay small;
# along the floor the gradient keeps its sign, so $v$ builds up to the full gradient. The recursion with
# $1 - \beta$ is stable as long as $\alpha(1 - \beta)\lambda < 2(1 + \beta)$, i.e. up to $\alpha = 3.8$ for
# $\lambda = 10$, instead of $\alpha < 0.2$ for gradient descent. Since the steady step along the floor is
# $\alpha$ times the gradient there, a learning rate that gradient descent cannot survive moves momentum along
# the flat direction much faster: the learning rate is no longer capped by the steep direction alone.

# %% [markdown]
# The same ravine turned by 30°. Gradient descent, momentum and Nesterov do not care which way the axes point:
# their paths are those of the first race, turned. AdaGrad, RMSProp and Adam do care. Their step sizes are per
# *coordinate*, and now the steep and the flat direction each mix both coordinates, so their advantage is gone
# and Adam even does worst. Per-parameter step sizes help when the awkward directions line up with individual
# parameters, which in networks they often roughly do, but they are no cure for every ravine.

# %%
widgets.optimizer_race(update_with_momentum, nesterov_step, update_with_adagrad, update_with_rmsprop,
                       update_with_adam, landscape="turned ravine")

# %% [markdown]
# Finally Howard Rosenbrock's banana valley, $f = (1 - w_1)^2 + 100\,(w_2 - w_1^2)^2$, with its minimum at
# $(1, 1)$ at the end of a long, curved and almost flat floor between steep walls. Near the minimum the walls
# have a curvature of about 1000, so gradient descent needs $\alpha$ below about 0.002 and then crawls along
# the floor. Things to try: raise the first learning rate to 0.01 (gradient descent diverges at once, momentum
# arrives); 2000 steps; Adam with $\beta_1 = 0$. RMSProp's steps stay about $\alpha$ long however close it gets,
# so with a constant learning rate it bounces around near the minimum instead of settling; section 9 returns to
# this.

# %%
widgets.optimizer_race(update_with_momentum, nesterov_step, update_with_adagrad, update_with_rmsprop,
                       update_with_adam, landscape="Rosenbrock")

# %% [markdown]
# ## 8 · Training a network
#
# Now a real cost: notebook 04's network, with layer sizes $[2, 16, 16, 1]$ (ReLU hidden layers, a sigmoid
# output), learning to separate the two interleaving half moons. The training loop is the one of notebook 02;
# only the update line changes from optimizer to optimizer. Here it is with your Adam. Note that $t$ counts
# updates, so it grows by one per mini-batch, not per epoch.

# %%
X_moons, Y_moons = widgets.moons_for_training()


def gradients(parameters, X, Y):
    """{"dW1": ..., "db1": ..., ...} of notebook 04's network on (X, Y), by the reference forward and backward."""
    AL, caches = model_forward(X, parameters)
    grads = model_backward(AL, Y, caches)  # dZ = AL − Y at the output: finite even where AL is exactly 1.0
    return {key: grads[key] for key in grads if not key.startswith("dA")}  # the optimizers need dW and db only


def train_with_adam(epochs, lr=0.01, batch_size=32):
    """The cost on all the data after each epoch of training with your Adam from He initialization."""
    parameters = initialize_parameters([2, 16, 16, 1], "he", np.random.default_rng(1))
    v, s = initialize_adam(parameters)
    rng = np.random.default_rng(2)
    t = 0
    costs = []
    for epoch in range(epochs):
        for X_batch, Y_batch in random_mini_batches(X_moons, Y_moons, batch_size, rng):
            t = t + 1
            grads = gradients(parameters, X_batch, Y_batch)
            parameters, v, s, _, _ = update_with_adam(parameters, grads, v, s, t, lr)
        AL, _ = model_forward(X_moons, parameters)
        costs.append(compute_cost(AL, Y_moons))
    return np.array(costs)


costs = widgets.attempt(train_with_adam, 20)
if costs is not None:
    print("cost after epochs 1, 5, 10 and 20:", np.round(costs[[0, 4, 9, 19]], 4))

# %% [markdown]
# The explorer trains the same network from the same start with each of your six optimizers, all on the same
# mini-batches, and draws the cost on all 200 examples after every epoch while training runs (wide pale lines:
# the reference's runs), with the decision regions of the network that ends with the lowest cost. Each optimizer
# has a learning rate that suits it (in the legend); the last slider multiplies them all. Things to try:
#
# - the whole batch of 200: one update per epoch, and everyone is slow;
# - mini-batches of 8: many more updates per epoch, and more noise; mini-batches of 1 (it takes a while): the
#   same learning rates are now far too large for gradient descent, momentum and Nesterov, which get stuck
#   near $\ln 2 \approx 0.69$, the cost of answering ½ everywhere, while AdaGrad copes;
# - learning rates $\times 3$: gradient descent's cost jumps about, while momentum at the same rate stays much
#   calmer; learning rates $\times 0.3$: every curve becomes smooth, and slow.

# %%
widgets.training_race(update_with_momentum, nesterov_step, update_with_adagrad, update_with_rmsprop,
                      update_with_adam, batch_size=32, epochs=40)

# %% [markdown]
# ## 9 · Learning-rate decay during training
#
# With small mini-batches every gradient is noisy, so with a constant learning rate the parameters never
# settle: near the minimum they keep jumping about in a region whose size grows with $\alpha$. Shrinking the
# learning rate over the epochs keeps the fast start and lets the end settle. Notebook 02 introduced two
# schedules, written with the number of the epoch, $\text{epoch} = 0, 1, 2, \dots$ (counted from 0, and not to
# be confused with the step counter $t$, which counts updates from 1); here is a third, **step decay**, which
# halves the rate every $T$ epochs:
#
# $$\text{inverse time: } \alpha = \frac{\alpha_0}{1 + r \cdot \text{epoch}}, \qquad
# \text{exponential: } \alpha = \alpha_0\, e^{-k \cdot \text{epoch}}, \qquad
# \text{step: } \alpha = \alpha_0 \cdot 0.5^{\lfloor \text{epoch}/T \rfloor} ,$$
#
# where $e \approx 2.718$ is Euler's number and $\lfloor \cdot \rfloor$ rounds down.
#
# Adaptive optimizers scale each parameter's step, but they do not shrink it near the minimum on their own
# (RMSProp's bouncing on the Rosenbrock valley showed that), so schedules are used with them too.
#
# The explorer trains the network with your `update_with_momentum` ($\beta = 0.9$) on mini-batches of 8, once
# with each schedule (notebook 02's references compute the rates), and draws the rates and the costs as training
# runs. With the constant rate the cost keeps jumping from epoch to epoch; the decayed ones settle into smooth
# curves, and step and exponential decay end as low as the constant rate's luckiest epochs. Things to try:
#
# - $k = 0.3$, or a step every 3 epochs: the rate becomes tiny so soon that training freezes far too early;
# - $\alpha_0 = 0.1$: the constant rate is calmer but slow, and now every schedule is harmful, because a rate
#   that starts small needs no shrinking.

# %%
widgets.schedule_training(update_with_momentum, lr0=0.5, every=10, k=0.05, decay_rate=0.2)

# %% [markdown]
# ## Summary
#
# - An exponentially weighted average $V_t = \beta V_{t-1} + (1 - \beta)x_t$ from $V_0 = 0$ weights the value
#   $k$ steps back by $(1 - \beta)\beta^k$ and averages over roughly the last $1/(1 - \beta)$ values. Its weights
#   add up to $1 - \beta^t$, so the first averages are too close to zero; $V_t / (1 - \beta^t)$ corrects this (the
#   notes' example: 0.81, 0.8574, 0.8952, 0.7338).
# - Momentum steps along the average of the gradients: $v \leftarrow \beta v + (1 - \beta)g$,
#   $p \leftarrow p - \alpha v$. The zig-zag across a ravine cancels in the average, and learning rates far
#   above gradient descent's limit stay stable. Nesterov's method takes the gradient at the look-ahead point
#   $w - \alpha\beta v$.
# - AdaGrad divides each parameter's step by the root of its summed squared gradients, so its steps shrink for
#   ever; RMSProp uses an average of the squares instead. The course adds $\varepsilon$ outside the root:
#   $g / (\sqrt{s} + \varepsilon)$.
# - Adam combines momentum and RMSProp with bias correction by $1 - \beta_1^t$ and $1 - \beta_2^t$ (with the
#   power $t$): $p \leftarrow p - \alpha\, \hat v / (\sqrt{\hat s} + \varepsilon)$. Without the correction its
#   first steps would be several times too large.
# - Per-parameter step sizes beat a ravine that runs along the axes, not one that runs across them; momentum
#   helps either way.
# - On noisy mini-batches a decaying learning rate (step, exponential or inverse-time) keeps the fast start and
#   lets training settle.

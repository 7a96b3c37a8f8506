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
# # Regularization: L2, L1, dropout and early stopping
#
# Notebook 06 ended with a diagnosis: when the training error is close to what is achievable but the validation
# error is much higher, the model has high variance, and the notes' remedies are more data, regularization and
# early stopping. More data is often not to be had. This notebook builds the other remedies and tries each of them
# on the same problem: a network with two hidden layers of 24 units, 697 parameters, trained on only 40 noisy points.
# It learns them perfectly and does worse on new points than a much simpler boundary would.
#
# **By the end you can**
#
# - add an L2 or L1 penalty on the weights to a network's cost and its gradient, and explain why the biases are
#   left out and why L2 is called *weight decay*;
# - carry out the notes' worked weight update with and without L2 and L1, and explain why L1 drives weights to
#   exactly zero while L2 only shrinks them;
# - implement inverted dropout, forward and backward, and explain why nothing needs rescaling at test time;
# - stop training early with Keras' patience rule and pick the best epoch;
# - compare what each method does to the decision boundary, the weights and the validation error.
#
# **How the exercises work** (as in the earlier notebooks). Each exercise is one function: replace
# `raise NotImplementedError()` with your code and run the check cell below it. The figures train the network
# with *your* functions where the regularization enters (the rest of the network is notebook 04's reference) beside
# the reference (pale blue); until a function works they show the reference alone and say which function is
# missing. Each training run takes a fraction of a second and is kept, so moving back to a setting you have seen
# redraws at once. No function may change the arrays or dictionaries it is given.
#
# **Notation** (notebook 04's). Examples are columns; the $m$ training examples form $X$ of shape $(n_0, m)$. Layer
# $l$ has weights $W^{[l]}$ of shape $(n_l, n_{l-1})$ and biases $b^{[l]}$ of shape $(n_l, 1)$, stored as
# `parameters["W1"]`, `parameters["b1"]`, ...; $\lambda$ is written `lambd` in code, since `lambda` is a Python
# keyword.

# %% setup
import numpy as np

from mlcourse import grader, widgets

# %% [markdown]
# ## 1 · A network that over-fits
#
# The data are 40 points of the noisy moons of notebook 04, and 400 more from the same distribution to validate.
# The network $[2, 24, 24, 1]$ (ReLU, then a sigmoid output) is trained by Adam for 600 epochs on all 40 points at
# once. With 697 parameters for 40 points it can draw almost any boundary, and it does: it reaches 100% training
# accuracy by bending around individual noisy points, and only about 82% on the validation points. The
# cross-entropy on the validation set tells the same story more sharply: after a few dozen epochs it starts to
# *rise* while the training cost keeps falling, because the network becomes very confident, and confidently wrong
# about the validation points that lie on the other side of its contorted boundary.
#
# Each section below tries one remedy on exactly this network, data and training: the same starting weights, the
# same number of steps.

# %% [markdown]
# ## 2 · L2 regularization
#
# Large weights make a network's output change steeply, which is what fitting individual noisy points requires.
# L2 regularization adds the size of the weights to the cost, so that training trades a little training error for
# smaller weights:
#
# $$J_{\text{regularized}} = \underbrace{-\frac1m \sum_{i=1}^m \Bigl[y^{(i)} \log a^{[L](i)} + \bigl(1 - y^{(i)}\bigr)
# \log\bigl(1 - a^{[L](i)}\bigr)\Bigr]}_{\text{cross-entropy, as before}}
# + \underbrace{\frac{\lambda}{2m} \sum_{l=1}^{L} \bigl\lVert W^{[l]} \bigr\rVert^2}_{\text{L2 penalty}},
# \qquad \bigl\lVert W \bigr\rVert^2 = \sum_{k}\sum_{j} W_{kj}^2 .$$
#
# - $\lVert W \rVert^2$ is the sum of the squares of *all* the entries (the squared Frobenius norm), for every layer.
# - The biases are not penalised. A bias only shifts a unit's input; it does not make the function steeper, and
#   there is one per unit against $n_{l-1}$ weights, so penalising it would cost accuracy and gain nothing.
# - $m$ is the number of training examples (notes 003 call it "the number of inputs"; in their formula it is the
#   number of examples, as here). Dividing by $m$ keeps the balance between the two terms when the dataset grows.
#   The $\frac12$ is there to cancel the 2 of the derivative.
# - $\lambda \ge 0$ is a hyperparameter, chosen with a validation set or cross-validation like the degree of
#   notebook 06. Conventions differ: Keras's `regularizers.l2(0.01)` in notes 003 adds $0.01 \sum W^2$ to the cost,
#   with no $\frac{1}{2m}$, so its numbers are not this course's $\lambda$.
#
# ### Exercise 1 — `l2_cost`
#
# Return the L2 penalty $\frac{\lambda}{2m} \sum_l \lVert W^{[l]} \rVert^2$ of the network `parameters` (a dict with
# the keys `"W1"`, `"b1"`, ..., any number of layers) as a float. Only the keys that start with `"W"` count.

# %% solution id="l2_cost"
def l2_cost(parameters, lambd, m):
    """(λ/2m) Σ_l ‖W[l]‖² over the weights only."""
    ### BEGIN SOLUTION
    total = 0.0
    for key, value in parameters.items():
        if key.startswith("W"):
            total += np.sum(np.square(value))
    return float(lambd / (2 * m) * total)
    ### END SOLUTION


# %% tests exercise="regularization.l2_cost" points=1

# %% [markdown]
# ### Its gradient, and why it is called weight decay
#
# Each weight appears in the penalty once, squared: $\frac{\partial}{\partial W_{kj}} \frac{\lambda}{2m} W_{kj}^2
# = \frac{\lambda}{m} W_{kj}$. So backpropagation is unchanged except that every $dW^{[l]}$ gets one more term:
#
# $$dW^{[l]} = \underbrace{\frac1m\, dZ^{[l]} A^{[l-1]\top}}_{\text{from the cross-entropy}} + \frac{\lambda}{m}
# W^{[l]}, \qquad db^{[l]} \text{ unchanged.}$$
#
# One step of gradient descent then reads
#
# $$W \leftarrow W - \alpha \Bigl(dW_{\text{cross-entropy}} + \frac{\lambda}{m} W\Bigr)
# = \Bigl(1 - \frac{\alpha\lambda}{m}\Bigr) W - \alpha\, dW_{\text{cross-entropy}} :$$
#
# before the usual step, every weight is multiplied by a factor a little below 1. The weights *decay* towards zero
# unless the data keep pushing them out; hence the name.
#
# ### Exercise 2 — `l2_gradient`
#
# Return the penalty's contribution to $dW$ for one weight matrix: $\frac{\lambda}{m} W$, a new array shaped like `W`.

# %% solution id="l2_gradient"
def l2_gradient(W, lambd, m):
    """(λ/m) W: the gradient of (λ/2m)‖W‖²."""
    ### BEGIN SOLUTION
    return (lambd / m) * np.asarray(W, dtype=float)
    ### END SOLUTION


# %% tests exercise="regularization.l2_gradient" points=1

# %% [markdown]
# The explorer trains the network with **your** `l2_cost` and `l2_gradient` for the $\lambda$ on the slider. Left:
# the decision boundary (yours orange, the reference's pale blue), the training points (large) and the validation
# points (grey dots), and both accuracies in the title. Right: a histogram of all 648 weights, against the
# unregularized network's (grey). Each new $\lambda$ trains once, with a progress bar.

# %%
widgets.l2_explorer(l2_cost, l2_gradient, lambd=0.3)

# %% [markdown]
# With $\lambda = 0.3$ the boundary is smooth, the training accuracy drops from 100% to 95%, and the validation
# accuracy rises from 82% to about 91%: a little bias bought a lot less variance. The weights lose their long tails
# (the sum of their squares shrinks by a factor of more than 20). Slide further: at $\lambda = 1$ and $3$ the weights
# are squeezed so hard that the boundary flattens towards a line, and both accuracies fall towards the 82–86% a
# straight boundary gets here: high bias. Between too little and too much, $\lambda$ is chosen on validation data.

# %% [markdown]
# ## 3 · L1 regularization
#
# L1 penalises the absolute values of the weights instead of their squares:
#
# $$J_{\text{regularized}} = J + \frac{\lambda}{m} \sum_{l} \sum_{k,j} \bigl\lvert W^{[l]}_{kj} \bigr\rvert .$$
#
# (Notes 002 show this with $\frac{\lambda}{m}$ in one formula and $\frac{\lambda}{2m}$ in another; this course
# uses $\frac{\lambda}{m}$, so that the gradient below has no $\frac12$.) The slope of $\lvert w \rvert$ is
# $\operatorname{sign}(w)$: $+1$ for positive weights, $-1$ for negative ones. At $w = 0$ the absolute value has a
# corner and no derivative; any value between $-1$ and $1$ is a valid *subgradient* there, and the course uses 0
# (what `np.sign(0)` gives), so a weight that sits at zero feels no push:
#
# $$dW^{[l]} \mathrel{+}= \frac{\lambda}{m} \operatorname{sign}\bigl(W^{[l]}\bigr).$$
#
# The two penalties treat large and small weights differently (notes 004's example: a weight of 10 costs 100 under
# L2 and 10 under L1). L2's pull, $\frac{\lambda}{m} w$, fades as the weight shrinks, so small weights are left
# almost alone and never quite reach zero. L1's pull has the same strength $\frac{\lambda}{m}$ however small the
# weight, so a weight whose usefulness to the loss is weaker than that pull is driven all the way to zero: L1
# produces *sparse* weights, and switches irrelevant inputs off altogether. (The notes also say that "L2 is not
# robust to outliers". That is true of the squared *error* used as a loss, where a few large errors dominate the
# sum; as a penalty on the weights, L2 has nothing to do with outliers in the data.)
#
# ### Exercises 3 and 4 — `l1_cost` and `l1_gradient`
#
# `l1_cost` returns $\frac{\lambda}{m} \sum_l \sum \lvert W^{[l]} \rvert$ over the weights only, as a float;
# `l1_gradient` returns $\frac{\lambda}{m} \operatorname{sign}(W)$ for one weight matrix, with
# $\operatorname{sign}(0) = 0$.

# %% solution id="l1_cost"
def l1_cost(parameters, lambd, m):
    """(λ/m) Σ_l Σ |W[l]| over the weights only."""
    ### BEGIN SOLUTION
    total = sum(np.sum(np.abs(value)) for key, value in parameters.items() if key.startswith("W"))
    return float(lambd / m * total)
    ### END SOLUTION


# %% tests exercise="regularization.l1_cost" points=1

# %% solution id="l1_gradient"
def l1_gradient(W, lambd, m):
    """(λ/m) sign(W), with sign(0) = 0."""
    ### BEGIN SOLUTION
    return (lambd / m) * np.sign(W)
    ### END SOLUTION


# %% tests exercise="regularization.l1_gradient" points=1

# %% [markdown]
# ## 4 · The notes' worked update
#
# The notes compare the three updates on a single weight, with the penalty's strength written as $\lambda$ alone
# (their per-step form: the $\frac1m$ of the costs above is folded into $\lambda$). For $w = 0.5$, a gradient of the
# loss $\partial L / \partial w = 0.1$, learning rate $\alpha = 0.01$ and $\lambda = 0.1$:
#
# | penalty | update | new $w$ |
# |---|---|---|
# | none | $w - \alpha\, \dfrac{\partial L}{\partial w} = 0.5 - 0.01 \cdot 0.1$ | $0.499$ |
# | L2 | $w - \alpha \Bigl(\dfrac{\partial L}{\partial w} + \lambda w\Bigr) = 0.5 - 0.01\,(0.1 + 0.05)$ | $0.4985$ |
# | L1 | $w - \alpha \Bigl(\dfrac{\partial L}{\partial w} + \lambda \operatorname{sign}(w)\Bigr) = 0.5 - 0.01\,(0.1 + 0.1)$ | $0.498$ |
#
# Both penalties make the step towards zero a little longer. For this weight L1's push is the larger, since
# $\lambda \operatorname{sign}(w) = 0.1$ against $\lambda w = 0.05$; for a weight larger than 1 it would be the other
# way round.
#
# ### Exercise 5 — `weight_update`
#
# Return the updated weight(s) for `penalty` `None`, `"l2"` or `"l1"`, in the notes' form (no $\frac1m$). `w` and
# `grad` may be numbers or arrays of the same shape; work entry by entry. With `penalty=None`, `lambd` plays no part.

# %% solution id="weight_update"
def weight_update(w, grad, lr, lambd=0.0, penalty=None):
    """One step: w − lr·grad, plus λ·w ("l2") or λ·sign(w) ("l1") inside the bracket."""
    ### BEGIN SOLUTION
    if penalty == "l2":
        grad = grad + lambd * w
    elif penalty == "l1":
        grad = grad + lambd * np.sign(w)
    return w - lr * grad
    ### END SOLUTION


# %% tests exercise="regularization.weight_update" points=2

# %% [markdown]
# ### L1 against L2: where the weights go
#
# To watch sparsity happen we leave the network for a moment and take a linear model with eight inputs, of which
# only the first three matter (true weights $2, -1.5, 1$ and five zeros), fitted to 60 noisy examples. Starting
# from the unregularized least-squares weights, each panel takes 300 steps of **your** `weight_update` (learning
# rate 0.05, the mean squared error's gradient) and draws the eight weights step by step: the three that matter
# in dark colours, the five useless ones in orange.
#
# - **L2**: every weight shrinks by the same *factor* at each step, so the useless ones become small but stay off
#   zero.
# - **L1, the notes' step**: the useless weights race to zero; then each step overshoots, since a step of
#   $\alpha\lambda$ flips the sign of a weight smaller than that, and they rattle in a band of width $\alpha\lambda$
#   around zero instead of settling.
# - **L1, clipped**: the same steps, except that a weight which would cross zero stops at zero, and stays there as
#   long as the loss pulls on it less than $\lambda$ (its subgradient condition). This is how L1 is used in
#   practice (the *proximal* or *truncated-gradient* step); the useless weights become exactly 0.

# %%
widgets.weight_paths(weight_update, lambd=0.3)

# %% [markdown]
# The titles count the weights that are exactly zero at the end. Raise $\lambda$ and the clipped L1 also zeroes the
# weakest of the useful weights; lower it and fewer useless ones reach zero. Under L2 none ever does.
#
# **Question.** Explain, using the update rules, why L1 regularization can set a weight to exactly zero and keep it
# there, while L2 regularization only makes weights small. When would you prefer the sparse solution?

# %% [markdown] answer id="l1_sparsity" points=2
# The L2 term adds $\lambda w$ to the gradient, so each step multiplies the weight by $(1 - \alpha\lambda)$ before
# the loss's own step: a pull proportional to the weight. As the weight shrinks the pull shrinks with it, and any
# small push from the loss balances it at a small nonzero value; a geometric shrinkage never reaches zero. The L1
# term adds $\lambda\,\operatorname{sign}(w)$: a pull of constant size $\lambda$, however small the weight. If the
# loss pulls a weight away from zero with a slope smaller than $\lambda$ in size, the penalty wins all the way down
# to zero; at zero the subgradient condition $\lvert \partial L / \partial w \rvert \le \lambda$ holds, so zero is
# where the regularized cost is lowest and, with a step that stops at zero rather than overshooting, the weight
# stays exactly there. (Geometrically, the L1 ball has corners on the axes, and the lowest point of the cost on it
# often lies at a corner, where some coordinates are zero.) A sparse solution is preferable when many inputs are
# probably irrelevant and we want the model to ignore them outright: it selects features, makes the model cheaper
# and easier to interpret, and is less distracted by noisy inputs. When the output depends a little on all inputs,
# L2 usually predicts better.

# %% [markdown]
# ## 5 · Dropout
#
# Dropout regularizes differently: during training, each hidden unit is switched off at random in every step,
# independently, for one step only. The network in each step is a random *thinned* network, and over the whole run
# training touches a different one of the $2^{n}$ thinned networks at every step ($n$ the number of hidden units),
# all of them sharing weights. A unit can then no longer rely on particular other units being present (the notes'
# *co-adaptation*); it has to be useful on its own, in many combinations, which acts against fitting the noise.
#
# Each unit is kept with probability `keep_prob` ($p$) and dropped with probability $1 - p$, the *dropout rate*.
# (The two are easy to confuse, and the notes do so: they write "shut down neurons with probability $1 - p$, where
# $p$ is the dropout rate", but then $p$ is the probability of *keeping* a unit. Keras's `Dropout(rate)` takes the
# dropout rate; this course's `keep_prob` is the other one. `keep_prob = 1` means no dropout. The notes' tip "a
# good value in a hidden layer is between 0.5 and 0.8, where 1.0 means no dropout" is about `keep_prob` too.)
#
# ### Inverted dropout
#
# A dropped unit contributes 0, so on average a layer passes on only the fraction $p$ of its activation. Then the
# network at test time, with every unit present, would see activations about $1/p$ times larger than it was
# trained on. Two fixes exist:
#
# - the original one: train with plain dropout and multiply the outgoing weights by $p$ at test time (the notes'
#   slide "the weights are scaled by $p$");
# - **inverted dropout**, used by every modern library and by this course: divide the kept activations by $p$
#   *during training*, so that their expected value is unchanged, $\mathbb{E}[A \cdot \text{mask} / p] = A$; at test
#   time the network is used as it is, with nothing to rescale.
#
# (The notes describe inverted dropout as rescaling the *weights* after each update; it rescales the
# *activations*, in the forward pass, as their own implementation slide says.)
#
# For a hidden layer's activation $A^{[l]}$ of shape $(n_l, m)$, in training:
#
# $$\text{mask} = \bigl(\text{uniform random numbers of shape } (n_l, m)\bigr) < p, \qquad
# A^{[l]}_{\text{drop}} = \frac{A^{[l]} \odot \text{mask}}{p},$$
#
# a new mask at every step, and one entry per unit *and example*. Going back, the same mask and the same factor
# apply to the gradient, since the forward step is just a multiplication by $\text{mask}/p$:
#
# $$dA^{[l]} = \frac{dA^{[l]}_{\text{drop}} \odot \text{mask}}{p}.$$
#
# ### Exercises 6 and 7 — `dropout_forward` and `dropout_backward`
#
# `dropout_forward(A, keep_prob, rng)` draws `mask = rng.random(A.shape) < keep_prob` (one call, so that the same
# generator gives your function and the reference the same mask) and returns `(A_drop, mask)`.
# `dropout_backward(dA, mask, keep_prob)` returns `dA * mask / keep_prob`.

# %% solution id="dropout_forward"
def dropout_forward(A, keep_prob, rng):
    """(A·mask / keep_prob, mask) with mask = rng.random(A.shape) < keep_prob."""
    ### BEGIN SOLUTION
    mask = rng.random(A.shape) < keep_prob
    return A * mask / keep_prob, mask
    ### END SOLUTION


# %% tests exercise="regularization.dropout_forward" points=2

# %% solution id="dropout_backward"
def dropout_backward(dA, mask, keep_prob):
    """dA·mask / keep_prob: only the kept units pass the gradient, with the forward pass's factor."""
    ### BEGIN SOLUTION
    return dA * mask / keep_prob
    ### END SOLUTION


# %% tests exercise="regularization.dropout_backward" points=1

# %% [markdown]
# The explorer trains the network with **your** dropout after both hidden layers for the `keep_prob` on the slider.
# Right: the training and validation costs during training (measured with dropout off, as at test time), against
# the network without dropout (grey).

# %%
widgets.dropout_explorer(dropout_forward, dropout_backward, keep_prob=0.8)

# %% [markdown]
# With `keep_prob = 0.8` the validation cost climbs much more slowly than without dropout, the boundary is
# smoother, and the validation accuracy rises from 82% to about 89%. The training curve is noisier: each step trains
# a different thinned network. With only 24 units per layer, small values of `keep_prob` leave so few units that
# the network underfits; the notes' advice to use a larger network with dropout (at least $n/p$ units where $n$
# would do without it) is about exactly this.
#
# ### Why dropout is off at test time
#
# A prediction should not be a lottery. The left panel averages **your** `A_drop` for the first hidden layer of the
# dropout-trained network over 400 masks: with the division by `keep_prob` the average lands on $A$ itself (the
# diagonal), without it on $p \cdot A$. The right panel leaves dropout switched on while predicting the validation
# set: every run gives a different accuracy, and almost all of them are below that of the full network with
# dropout off.

# %%
widgets.dropout_at_test_time(dropout_forward, keep_prob=0.8)

# %% [markdown]
# ## 6 · Early stopping
#
# The simplest remedy needs no change to the cost at all. Training first fits the broad shape of the data and only
# later the noise, so the validation cost usually falls, bottoms out and rises again. *Early stopping* measures the
# validation cost as training goes, keeps the weights of the best point so far, and stops once the validation cost
# has not improved for a while. "A while" is the *patience*: how many checks in a row without a new best to accept
# before giving up, since a noisy validation curve often rises for a check or two and then improves again.
#
# This course follows Keras's `EarlyStopping(patience=..., min_delta=0)`: a check *improves* only if its loss is
# strictly lower than every loss before it; after each check that does not improve, a counter goes up by one, and
# training stops at the check where the counter reaches `patience` (an improvement resets it to 0). If that never
# happens, training runs to the last check. The weights kept are those of the first check with the lowest loss seen
# up to the stop (`restore_best_weights=True` in Keras).
#
# ### Exercise 8 — `early_stopping`
#
# `val_losses` is a list (or array) of validation losses, one per check, numbered from 0. Return the pair
# `(best_epoch, stop_epoch)` as described, both 0-based positions in `val_losses`. Example: for
# `[1.0, 0.8, 0.6, 0.65, 0.7, 0.75, 0.72]` with patience 3 the last improvement is at 2, checks 3, 4 and 5 do not
# improve, so training stops at 5, and the best is 2.

# %% solution id="early_stopping"
def early_stopping(val_losses, patience):
    """(best_epoch, stop_epoch): stop `patience` checks after the last strict improvement, or at the end."""
    ### BEGIN SOLUTION
    best_loss, best_epoch, waited = float("inf"), 0, 0
    for epoch, loss in enumerate(val_losses):
        if loss < best_loss:
            best_loss, best_epoch, waited = loss, epoch, 0
        else:
            waited += 1
            if waited == patience:
                return best_epoch, epoch
    return best_epoch, len(val_losses) - 1
    ### END SOLUTION


# %% tests exercise="regularization.early_stopping" points=2

# %% [markdown]
# The explorer records the unregularized network's validation cost every 5 epochs (one check) and hands the list to
# **your** `early_stopping`. Right: the curves with your best and stop epochs (the reference's in pale blue; the
# shaded epochs are the ones training would never run). Left: the boundary of the kept snapshot.

# %%
widgets.early_stopping_explorer(early_stopping, patience=10)

# %% [markdown]
# The validation cost is lowest very early, after about 15 epochs, long before the training points are all
# classified correctly: most of what the network does after that is to grow more confident, and the
# cross-entropy punishes confident mistakes on the validation points. The kept network has a simple, slightly
# underfitting boundary that scores about 86% on the validation points against the 82% of the fully trained one,
# at a fortieth of the training. Patience changes when training stops but here not which snapshot is kept. (Had we
# watched the validation *accuracy* instead, the stop would come later; what to monitor is a choice too.)
#
# **Question.** Which regularizer did best on this problem, and is that a reliable conclusion? Name one advantage
# and one drawback of early stopping compared with L2 regularization.

# %% [markdown] answer id="which_regularizer" points=2
# On this problem L2 with $\lambda = 0.3$ reached the highest validation accuracy (about 91%), dropout with
# `keep_prob = 0.8` about 89%, early stopping about 86%, against 82% without regularization. It is not a reliable
# ranking: there are only 40 training points and one training run per setting, the validation set of 400 points
# measures accuracy to within a few percent, and each method was tried at a handful of settings chosen on the same
# validation set (so the winners' numbers are optimistic, as in notebook 06); another dataset, network or seed
# could order them differently, and the methods can also be combined. Early stopping's advantages: it costs
# nothing extra (it even saves training time) and needs no change to the cost or the backward pass; its only
# hyperparameter, the patience, is forgiving. Its drawback: it ties two jobs together, lowering the cost and not
# overfitting, with one knob, the number of steps, so we can no longer optimise the cost as well as possible and
# then tune regularization separately; the result also depends on the optimizer and learning rate. L2 keeps the
# two apart, at the price of a hyperparameter $\lambda$ that must be searched with a full training run for each
# value.

# %% [markdown]
# ## Summary
#
# - **L2**: cost $+\frac{\lambda}{2m} \sum_l \lVert W^{[l]} \rVert^2$ over the weights only, gradient
#   $+\frac{\lambda}{m} W$, so each step shrinks the weights by the factor $1 - \alpha\lambda/m$: weight decay.
# - **L1**: cost $+\frac{\lambda}{m} \sum \lvert W \rvert$ (this course's scaling), gradient
#   $+\frac{\lambda}{m} \operatorname{sign}(W)$ with $\operatorname{sign}(0) = 0$. Its constant pull drives weak
#   weights to exactly zero (with a step that stops at zero): sparse weights. L2 only shrinks.
# - The notes' per-step form: $w = 0.5$, gradient $0.1$, $\alpha = 0.01$, $\lambda = 0.1$ gives 0.499 (none),
#   0.4985 (L2), 0.498 (L1).
# - **Inverted dropout**: keep each unit with probability `keep_prob`, divide what is kept by `keep_prob`, apply the
#   same mask and factor going back; at test time use the full network as it is. `keep_prob` is not the dropout rate.
# - **Early stopping** (Keras's rule): stop `patience` checks after the last strict improvement of the validation
#   loss, keep the best weights.
# - On 40 noisy moons points the network $[2, 24, 24, 1]$ reaches about 82% validation accuracy unregularized, about
#   91% with L2 ($\lambda = 0.3$), 89% with dropout (`keep_prob = 0.8`) and 86% with early stopping. Every
#   regularizer has a strength to choose on validation data: too weak leaves the variance, too strong makes bias.

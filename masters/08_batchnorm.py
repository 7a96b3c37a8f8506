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
# # Batch normalization
#
# Notebook 04 ended with deep networks whose activations and gradients drift from layer to layer, and
# careful initialization as one remedy. Initialization only sets the start: once training moves the weights,
# the distribution of every layer's inputs moves with them. **Batch normalization** (Ioffe and Szegedy, 2015)
# steers it during training too: each layer standardises its pre-activations over the current mini-batch
# and then lets the network choose their scale and offset itself. This notebook builds the layer forward and
# backward, trains a deep network with and without it, looks at the one way it differs between training and
# evaluation, and ends with its sibling, layer normalization.
#
# **By the end you can**
#
# - normalise a layer's pre-activations over a mini-batch and apply the learned scale $\gamma$ and shift
#   $\beta$, and say why $\varepsilon$ goes *inside* the square root;
# - derive and implement the backward pass, including the paths through the batch mean and variance;
# - keep running averages of the statistics during training and use them at evaluation, and explain what
#   goes wrong with a batch of one otherwise;
# - see in a trained network what batch norm does to the distributions inside it and to the learning rates it
#   tolerates;
# - tell batch norm from layer norm by the axis they normalise, and implement layer norm.
#
# **How the exercises work** (as in the earlier notebooks). Each exercise is one function: replace
# `raise NotImplementedError()` with your code and run the check cell below it, which tries your function on
# fixed and random cases and says what is wrong, if anything. The figures run *your* functions beside the
# reference; until a function works they show the reference and say which function is missing.
#
# **Notation.** As in notebook 04, examples are *columns*. A layer's pre-activations $Z = W A_{\text{prev}}$
# for a mini-batch of $m$ examples form an $(n, m)$ array: row $j$ holds unit $j$'s value for every example of
# the batch. $\gamma$, $\beta$ and the running statistics have one entry per unit: columns of shape $(n, 1)$.

# %% setup
import numpy as np

from mlcourse import gradcheck, grader, widgets

# %% [markdown]
# ## 1 · Normalising over the batch
#
# Take one unit $j$ of a layer and its values $z^{(1)}, \dots, z^{(m)}$ on the $m$ examples of the current
# mini-batch (one row of $Z$). Batch norm computes their mean and variance,
#
# $$\mu = \frac1m \sum_{i=1}^m z^{(i)}, \qquad \sigma^2 = \frac1m \sum_{i=1}^m \bigl(z^{(i)} - \mu\bigr)^2,$$
#
# standardises each value and then scales and shifts it with two parameters of its own,
#
# $$\hat z^{(i)} = \frac{z^{(i)} - \mu}{\sqrt{\sigma^2 + \varepsilon}}, \qquad \tilde z^{(i)} = \gamma\, \hat z^{(i)} + \beta.$$
#
# The layer's activation then takes $\tilde z$ instead of $z$: $A = g(\tilde Z)$. Every unit has its own
# $\mu$, $\sigma^2$, $\gamma$ and $\beta$. Three remarks:
#
# - **$\varepsilon$ belongs inside the root**, a small positive number ($10^{-5}$ here). A unit can be constant
#   over a batch (a ReLU that is off for every example, or a batch of one example): then $\sigma^2 = 0$, and
#   $\sqrt{0 + \varepsilon}$ keeps the division finite, giving $\hat z = 0$.
# - **$\sigma^2$ is the mean of the squared deviations**, divided by $m$ (the population variance, `np.var`'s
#   default), not by $m - 1$.
# - **$\gamma$ and $\beta$ can undo the normalisation** ($\gamma = \sqrt{\sigma^2 + \varepsilon}$,
#   $\beta = \mu$ gives back $z$), so normalising takes nothing away from what the layer can express; the
#   network decides by gradient descent which mean and spread suit the activation that follows. That also
#   makes the layer's own bias $b$ redundant ($\beta$ does its job, and subtracting $\mu$ removes any $b$), so
#   layers followed by batch norm usually drop it: here $Z = W A_{\text{prev}}$.
#
# **Two slips in the notes (002).** Their formula (2) writes the variance as $\frac1n \sum_i (Z^{(i)} - \mu)$,
# without the square, which is always 0; and formula (3) divides by $\sqrt{\sigma^2 - \varepsilon}$, which is the
# root of a negative number for a constant unit. The formulas above are the right ones; the check below tries
# both slips.
#
# ### Exercise 1 — `batchnorm_forward`
#
# Return `(out, cache)`: `out` $= \gamma \hat Z + \beta$ of shape $(n, m)$, and
# `cache = (Z, Z_hat, mu, var, gamma, beta, eps)` in this order, with `mu` and `var` columns $(n, 1)$
# (`keepdims=True`). The statistics run along each row: `axis=1`.

# %% solution id="batchnorm_forward"
def batchnorm_forward(Z, gamma, beta, eps=1e-5):
    """(out, cache): Ẑ = (Z − μ)/√(σ² + ε) with μ, σ² of each row (over the batch), out = γẐ + β."""
    ### BEGIN SOLUTION
    mu = np.mean(Z, axis=1, keepdims=True)
    var = np.mean((Z - mu) ** 2, axis=1, keepdims=True)
    Z_hat = (Z - mu) / np.sqrt(var + eps)
    out = gamma * Z_hat + beta
    return out, (Z, Z_hat, mu, var, gamma, beta, eps)
    ### END SOLUTION


# %% tests exercise="batchnorm.batchnorm_forward" points=2

# %% [markdown]
# A quick look with your function: three units on very different scales, one of them constant, come out with
# mean 0 and spread 1 per row (with $\gamma = 1$, $\beta = 0$); the constant unit becomes 0, not `nan`.

# %%
Z_demo = np.array([[1.0, 2.0, 4.0, -1.0, 0.5], [3.0, 3.0, 3.0, 3.0, 3.0], [200.0, -700.0, 100.0, 900.0, -400.0]])
result = widgets.attempt(batchnorm_forward, Z_demo, np.ones((3, 1)), np.zeros((3, 1)))
if result is not None:
    out_demo = result[0]
    print("out =\n", np.round(out_demo, 3))
    print("mean of each row:", np.round(out_demo.mean(axis=1), 6), " spread of each row:", np.round(out_demo.std(axis=1), 4))

# %% [markdown]
# ## 2 · Going back through batch norm
#
# The layer above hands back $d\tilde Z = \partial \mathcal{L} / \partial \tilde Z$, of shape $(n, m)$ (as in
# notebook 04, column $i$ belongs to example $i$; any $\frac1m$ of the cost is already in it). The parameters
# are the easy part: $\tilde z^{(i)} = \gamma \hat z^{(i)} + \beta$, and $\gamma$ and $\beta$ are shared by all
# the examples of the batch, so their gradients add up over the batch:
#
# $$d\beta = \sum_{i=1}^m d\tilde z^{(i)}, \qquad d\gamma = \sum_{i=1}^m d\tilde z^{(i)}\, \hat z^{(i)},
# \qquad d\hat z^{(i)} = \gamma\, d\tilde z^{(i)}.$$
#
# The interesting part is $dZ$. Unlike a dense layer, where $z^{(i)}$ influences only its own output, every
# $z^{(i)}$ here also moves $\mu$ and $\sigma^2$, and through them *every* $\hat z^{(k)}$ of the batch. The chain
# rule adds up the three paths (write $s = \sqrt{\sigma^2 + \varepsilon}$):
#
# $$\frac{\partial \hat z^{(k)}}{\partial z^{(i)}} = \frac{1}{s}\Bigl([k = i] - \frac1m - \frac1m\,
# \hat z^{(k)} \hat z^{(i)}\Bigr),$$
#
# using $\partial \mu / \partial z^{(i)} = \frac1m$ and $\partial \sigma^2 / \partial z^{(i)} =
# \frac2m (z^{(i)} - \mu)$. Summing over $k$ with the weights $d\hat z^{(k)}$ gives the compact form
#
# $$dz^{(i)} = \frac{1}{m\, s}\Bigl(m\, d\hat z^{(i)} - \sum_{k} d\hat z^{(k)} - \hat z^{(i)} \sum_k d\hat z^{(k)}
# \hat z^{(k)}\Bigr).$$
#
# Read it as: the gradient a plain standardisation would pass ($d\hat z / s$), minus its mean over the batch
# (the mean path: shifting all of a unit's values together changes nothing after normalising), minus its
# component along $\hat z$ (the variance path: stretching them changes nothing either). All sums run along
# the rows (`axis=1, keepdims=True`).
#
# ### Exercise 2 — `batchnorm_backward`
#
# Return `(dZ, dgamma, dbeta)` for `dout` $= d\tilde Z$ and the cache of `batchnorm_forward`; `dgamma` and
# `dbeta` have shape $(n, 1)$. Take $\varepsilon$ from the cache.

# %% solution id="batchnorm_backward"
def batchnorm_backward(dout, cache):
    """(dZ, dgamma, dbeta): dβ = Σ dout, dγ = Σ dout·Ẑ over the batch; dZ by the three paths through μ and σ²."""
    ### BEGIN SOLUTION
    Z, Z_hat, mu, var, gamma, beta, eps = cache
    m = Z.shape[1]
    dbeta = np.sum(dout, axis=1, keepdims=True)
    dgamma = np.sum(dout * Z_hat, axis=1, keepdims=True)
    dZ_hat = dout * gamma
    dZ = (m * dZ_hat - np.sum(dZ_hat, axis=1, keepdims=True)
          - Z_hat * np.sum(dZ_hat * Z_hat, axis=1, keepdims=True)) / (m * np.sqrt(var + eps))
    return dZ, dgamma, dbeta
    ### END SOLUTION


# %% tests exercise="batchnorm.batchnorm_backward" points=3

# %% [markdown]
# The check compares your gradients with the reference's. Here is an independent referee, notebook 01's
# gradient check: for a random batch and a random $d\tilde Z$, the loss $\mathcal{L} = \sum \tilde Z \cdot
# d\tilde Z$ has exactly the gradients your backward pass returns, and central differences estimate them.

# %%
rng = np.random.default_rng(8)
Z_check = rng.normal(size=(4, 6)) * 3 + 1
gamma_check, beta_check, dout_check = rng.normal(size=(4, 1)), rng.normal(size=(4, 1)), rng.normal(size=(4, 6))


def loss_of_Z(Z):
    return float(np.sum(batchnorm_forward(Z, gamma_check, beta_check)[0] * dout_check))


def gradient_of_Z(Z):
    return batchnorm_backward(dout_check, batchnorm_forward(Z, gamma_check, beta_check)[1])[0]


error = widgets.attempt(gradcheck.gradient_check, loss_of_Z, gradient_of_Z, Z_check)
if error is not None:
    print(f"relative error of your dZ: {error:.1e}  (below 1e-7: right)")

# %% [markdown]
# ## 3 · What batch norm does to training
#
# The explorer trains one deep network twice on the 8×8 handwritten digits of notebook 09 (flattened to 64
# inputs): six ReLU layers of 32 units and a softmax over the ten classes, mini-batches of 64 (the few digits
# left over at the end of an epoch are skipped: batch norm needs a real batch), twelve epochs, the same
# He-initialized start and the same batches. The grey network is plain; the orange one puts **your**
# `batchnorm_forward` and `batchnorm_backward` between every linear step and its ReLU. The left panel is the
# distribution of one layer's pre-activations (what enters its ReLU) on a fixed batch of 256 digits after the
# chosen epoch; the right panel the cost of every mini-batch, with each network's outcome in the legend. Choose
# the learning rate on its slider (0.01 to 10, four steps a decade); a new rate trains both networks again
# (a few seconds).
#
# It starts at **learning rate 3.16**, where the two networks part ways at once. The plain network's cost
# explodes within the first epoch, to about $10^{148}$ (far off the top of the panel: the red triangles mark the
# mini-batches whose cost is above it): one large step makes the weights of every layer much larger, and through
# six layers these factors multiply, so the logits become enormous. After that a whole layer's ReLUs are switched
# off for every input, and the network can only guess ($\ln 10$). With batch norm the same network at the same
# rate trains to a cost near 0.1: normalising undoes the growth of the weights in each layer, so a large step
# cannot push the pre-activations to extremes.
#
# Things to try:
#
# - **Layer and epoch** at learning rate 0.1. Without batch norm each layer's distribution has its own centre
#   and spread, and they change as training goes on (the deeper layers most); this is the drift the notes call
#   *internal covariate shift*. With batch norm every layer stays centred with a spread near 1, moved only as far
#   as the learned $\gamma$ and $\beta$ take it.
# - **The learning rate, step by step upwards.** From 0.03 to about 0.3 both networks train (below that,
#   slowly). From 0.56 the plain network's cost jumps in the first batches, its ReLUs end up switched off for
#   every input, and its cost settles at $\ln 10 \approx 2.30$: it guesses. From 3.16 it diverges, and at 5.62
#   and 10 its numbers overflow (the red ✕). Batch norm trains at every rate from 0.03 up to 3.16, and at the
#   larger ones faster than at 0.1.
# - **Learning rates 5.62 and 10.** The batch-norm network stays finite but learns little: batch norm widens
#   the range of usable learning rates; it does not remove the limit.

# %%
widgets.bn_training_explorer(batchnorm_forward, batchnorm_backward, lr=3.16, layer=6, epoch=1)

# %% [markdown]
# ## 4 · Training and evaluation
#
# In training, each batch is normalised with its own $\mu$ and $\sigma^2$. At evaluation that is the wrong
# thing to do: a prediction for one example should not depend on which other examples happen to share its
# batch, and a single example has no spread at all ($\sigma^2 = 0$, so $\hat z = 0$ and every unit outputs
# $\beta$, whatever the input). So during training each batch-norm layer also keeps **running averages** of the
# batch statistics, the exponentially weighted averages of notebook 05:
#
# $$\mu_{\text{run}} \leftarrow \rho\, \mu_{\text{run}} + (1 - \rho)\, \mu_{\text{batch}}, \qquad
# \sigma^2_{\text{run}} \leftarrow \rho\, \sigma^2_{\text{run}} + (1 - \rho)\, \sigma^2_{\text{batch}},$$
#
# with a momentum $\rho$ near 1 (0.9 here; Keras uses 0.99), starting from $\mu_{\text{run}} = 0$ and
# $\sigma^2_{\text{run}} = 1$. At evaluation the layer uses these fixed numbers, so it becomes a plain affine
# map of each example:
#
# $$\tilde z = \gamma\, \frac{z - \mu_{\text{run}}}{\sqrt{\sigma^2_{\text{run}} + \varepsilon}} + \beta.$$
#
# The notes (002) call them $\mu_{\text{pop}}$ and $\sigma_{\text{pop}}$: estimates of the statistics of the
# whole population of inputs, built from the batches seen in training.
#
# ### Exercise 3 — `update_running_stats`
#
# Return the pair `(new_running_mean, new_running_var)`, each of shape $(n, 1)$; leave the inputs unchanged.

# %% solution id="update_running_stats"
def update_running_stats(running_mean, running_var, batch_mean, batch_var, momentum=0.9):
    """(momentum·running_mean + (1 − momentum)·batch_mean, the same for the variances)."""
    ### BEGIN SOLUTION
    new_mean = momentum * running_mean + (1 - momentum) * batch_mean
    new_var = momentum * running_var + (1 - momentum) * batch_var
    return new_mean, new_var
    ### END SOLUTION


# %% tests exercise="batchnorm.update_running_stats" points=1

# %% [markdown]
# ### Exercise 4 — `batchnorm_inference`
#
# Return $\gamma (Z - \mu_{\text{run}}) / \sqrt{\sigma^2_{\text{run}} + \varepsilon} + \beta$ for a batch `Z` of
# any size $m$, one example included.

# %% solution id="batchnorm_inference"
def batchnorm_inference(Z, gamma, beta, running_mean, running_var, eps=1e-5):
    """γ (Z − running_mean)/√(running_var + ε) + β: the statistics of training, not of this batch."""
    ### BEGIN SOLUTION
    Z_hat = (Z - running_mean) / np.sqrt(running_var + eps)
    return gamma * Z_hat + beta
    ### END SOLUTION


# %% tests exercise="batchnorm.batchnorm_inference" points=1

# %% [markdown]
# The figure trains the batch-norm network of section 3 at learning rate 1, keeping its running statistics with
# **your** `update_running_stats`, and then classifies the 449 test digits four ways. The whole test set,
# normalised with its own statistics, is a large batch much like the training batches, and the running
# statistics (your `batchnorm_inference`, one digit at a time) do as well, about 97 %. Batches of 8
# lose a lot: their statistics are noisy, and each digit's class now depends on its seven neighbours. Batches of
# one collapse to a guess: every unit of every example is normalised to $\hat z = 0$, so the network outputs
# the same thing for every digit.

# %%
widgets.bn_evaluation(batchnorm_forward, update_running_stats, batchnorm_inference)

# %% [markdown]
# **Question.** A classmate trains a network with batch norm and it reaches 97 % on the validation set. They
# deploy it in an app that classifies one image at a time, still calling the layers in training mode, and it
# gets almost everything wrong. Explain what happens to each batch-norm layer on a batch of one, why the running
# statistics fix it, and one more reason why even a large evaluation batch should not use its own statistics.

# %% [markdown] answer id="batch_of_one" points=2
# In training mode a batch-norm layer normalises each unit with the mean and variance of the current batch.
# With one example, the mean of each unit is that example's own value and the variance is 0, so
# $\hat z = (z - z)/\sqrt{0 + \varepsilon} = 0$ for every unit, and the layer outputs $\beta$ whatever the
# image was. Every layer after the first therefore sees the same input for every image, and the network gives
# the same answer for all of them: at best the most common class. The running averages of $\mu$ and $\sigma^2$
# collected during training are fixed numbers that describe the training data as a whole; normalising with them
# turns the layer into a fixed affine map of each example, $\gamma (z - \mu_{\text{run}})/\sqrt{\sigma^2_{\text{run}} +
# \varepsilon} + \beta$, which needs no other examples and gives the network's learned behaviour. Even a large
# evaluation batch should not use its own statistics: then an example's prediction depends on which other
# examples share its batch (a batch of only cats shifts every unit differently from a mixed batch), results are
# not reproducible from one batch to the next, and a batch that differs in distribution from the training data
# (a covariate shift) would be silently re-centred instead of evaluated as the trained network would.

# %% [markdown]
# ## 5 · Layer normalization
#
# Batch norm needs a batch: its statistics come from the other examples. That is a problem for batches of one,
# for very small batches (noisy statistics) and for recurrent networks, whose batch at every time step is a
# different mix. **Layer normalization** (Ba, Kiros and Hinton, 2016) normalises along the other axis: each
# example over its own $n$ units,
#
# $$\mu^{(i)} = \frac1n \sum_{j=1}^n z_j^{(i)}, \qquad \sigma^{2\,(i)} = \frac1n \sum_{j=1}^n \bigl(z_j^{(i)} -
# \mu^{(i)}\bigr)^2, \qquad \hat z_j^{(i)} = \frac{z_j^{(i)} - \mu^{(i)}}{\sqrt{\sigma^{2\,(i)} + \varepsilon}}, \qquad
# \tilde z_j^{(i)} = \gamma_j \hat z_j^{(i)} + \beta_j.$$
#
# In array terms only the axis changes: the statistics run down each *column* (`axis=0`), giving `mu` and `var`
# of shape $(1, m)$, while $\gamma$ and $\beta$ stay one per unit, $(n, 1)$. Layer norm behaves the same in
# training and evaluation and needs no running statistics. The notes sum it up as: batch norm for convolutional
# networks, layer norm for recurrent ones (and, since then, for transformers).
#
# ### Exercises 5 and 6 — `layernorm_forward` and `layernorm_backward`
#
# The same cache layout as batch norm: `(Z, Z_hat, mu, var, gamma, beta, eps)`. In the backward pass the three
# paths now run through each example's own $\mu^{(i)}$ and $\sigma^{2\,(i)}$, so the sums in $dZ$ run over the
# units (`axis=0`) and $m$ becomes $n$; $d\gamma$ and $d\beta$ still add up over the batch (`axis=1`), since
# $\gamma_j$ and $\beta_j$ are shared by all the examples.

# %% solution id="layernorm_forward"
def layernorm_forward(Z, gamma, beta, eps=1e-5):
    """(out, cache): Ẑ = (Z − μ)/√(σ² + ε) with μ, σ² of each column (over the units), out = γẐ + β."""
    ### BEGIN SOLUTION
    mu = np.mean(Z, axis=0, keepdims=True)
    var = np.mean((Z - mu) ** 2, axis=0, keepdims=True)
    Z_hat = (Z - mu) / np.sqrt(var + eps)
    return gamma * Z_hat + beta, (Z, Z_hat, mu, var, gamma, beta, eps)
    ### END SOLUTION


# %% tests exercise="batchnorm.layernorm_forward" points=1

# %% solution id="layernorm_backward"
def layernorm_backward(dout, cache):
    """(dZ, dgamma, dbeta): dβ, dγ summed over the batch; dZ by the paths through each example's μ and σ²."""
    ### BEGIN SOLUTION
    Z, Z_hat, mu, var, gamma, beta, eps = cache
    n = Z.shape[0]
    dbeta = np.sum(dout, axis=1, keepdims=True)
    dgamma = np.sum(dout * Z_hat, axis=1, keepdims=True)
    dZ_hat = dout * gamma
    dZ = (n * dZ_hat - np.sum(dZ_hat, axis=0, keepdims=True)
          - Z_hat * np.sum(dZ_hat * Z_hat, axis=0, keepdims=True)) / (n * np.sqrt(var + eps))
    return dZ, dgamma, dbeta
    ### END SOLUTION


# %% tests exercise="batchnorm.layernorm_backward" points=2

# %% [markdown]
# The same batch, normalised by **your** two functions ($\gamma = 1$, $\beta = 0$): six units on very different
# scales, eight examples. Batch norm makes every *row* mean 0 and spread 1, so unit 4 (around 10) and unit 5
# (around 1) become comparable while the examples keep their order within each unit. Layer norm makes every
# *column* mean 0 and spread 1: within one example the large units dominate, and unit 4 stays the largest of
# almost every column.

# %%
widgets.bn_vs_ln(batchnorm_forward, layernorm_forward)

# %% [markdown]
# ## Summary
#
# - Batch norm standardises each unit over the mini-batch, $\hat z = (z - \mu)/\sqrt{\sigma^2 + \varepsilon}$ with
#   the population variance, then applies a learned scale and shift, $\gamma \hat z + \beta$. $\varepsilon$ goes
#   inside the root (the notes' $\sqrt{\sigma^2 - \varepsilon}$ and their unsquared variance are slips).
# - Its backward pass has three paths, directly and through $\mu$ and $\sigma^2$:
#   $dz = \frac{1}{m s}\bigl(m\, d\hat z - \sum d\hat z - \hat z \sum d\hat z\, \hat z\bigr)$, with
#   $d\gamma = \sum d\tilde z\, \hat z$ and $d\beta = \sum d\tilde z$ over the batch.
# - In a deep network it keeps every layer's pre-activations centred and of unit spread while the weights move,
#   and it trains at learning rates where the plain network dies or overflows (not at any rate).
# - Training uses the batch's statistics and updates running averages; evaluation uses the running averages, so
#   that each example gets the same answer in any batch, alone included.
# - Layer norm normalises each example over its units instead (`axis=0`): no batch needed, the same in training
#   and evaluation.

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
# # Bias, variance and choosing a model
#
# Notebook 04 trained a network until it classified almost every training point correctly, and notebook 05 made
# that faster. Neither asked the question that matters in practice: how well does the model do on examples it
# has *not* seen? A low training error can hide a model that has learned the noise of its particular training
# set. This notebook takes the question apart on the simplest models that show every effect, polynomials fitted
# to noisy points of a curve, where everything can be computed exactly and drawn: what "bias" and "variance"
# mean, how they add up (with the noise) to the error on new data, how to estimate that error honestly with a
# validation set or k-fold cross-validation, and how to read a model's training and validation errors to decide
# what to do next.
#
# **By the end you can**
#
# - fit a polynomial of any degree by least squares, with and without an L2 penalty, in closed form;
# - split data into training, validation and test sets, and into the $k$ folds of cross-validation;
# - define the bias and the variance of a learning method, measure them from many training sets, and explain
#   why $\text{bias}^2 + \text{variance} + \text{noise}$ is the expected squared error on new data;
# - explain why a flexible model is most dangerous outside the range of its training data;
# - choose a model's complexity by $k$-fold cross-validation;
# - diagnose high bias and high variance from training, validation and human-level errors, and name the remedies.
#
# **How the exercises work** (as in the earlier notebooks). Each exercise is one function: replace
# `raise NotImplementedError()` with your code and run the check cell below it, which tries your function on
# fixed and random cases and says what is wrong, if anything. Later functions call earlier ones, so go in order.
# The figures run *your* functions beside the reference (pale blue); until a function works they show the
# reference alone and say which function is missing. No function may change the arrays it is given: build new
# ones.
#
# **Notation.** One input per example here: the inputs are a 1-D array `x` of length $m$, the targets `y` the same.
# As everywhere in the course examples are *columns*: the features of the $m$ examples form an array $\Phi$ of
# shape $(d + 1, m)$, one row per feature, one column per example.

# %% setup
import numpy as np

from mlcourse import grader, widgets

# %% [markdown]
# ## 1 · The question: error on new data
#
# Every dataset of this notebook comes from the same recipe. A true function, here $f(x) = \sin(\pi x)$ on
# $[-1, 1]$, and targets
#
# $$y = f(x) + \varepsilon, \qquad \varepsilon \sim \mathcal{N}(0, \sigma^2), \quad \sigma = 0.3,$$
#
# where the noise $\varepsilon$ is new for every example and independent of everything else. The noise stands for
# everything the input does not tell us: measurement error, mislabelled examples (the notes' "teacher noise"),
# or influences on $y$ that are not among the inputs. No model can predict it, so even the true $f$ itself has an
# expected squared error of $\sigma^2 = 0.09$ on new examples. That floor is the *irreducible error*.
#
# A learning method sees one training set of $m$ points and returns a model $\hat f$. We judge $\hat f$ by its
# error on new examples from the same recipe, its *generalization error*. The training error is a poor guide:
# the training points were used to choose $\hat f$, so it fits them better than it fits points it never saw, and
# the more flexible the model, the larger that difference.

# %% [markdown]
# ## 2 · Polynomial models
#
# A polynomial of degree $d$ is linear in its coefficients:
#
# $$\hat y = w_0 + w_1 x + w_2 x^2 + \dots + w_d x^d = w^\top \phi(x), \qquad
# \phi(x) = \bigl(1, x, x^2, \dots, x^d\bigr)^\top .$$
#
# The powers of $x$ are the *features*. For $m$ examples they form the array $\Phi$ of shape $(d + 1, m)$ whose
# row $k$ holds $x^k$ for every example (row 0 is all ones), and the predictions for all examples at once are the
# row $w^\top \Phi$. The degree $d$ is the model's *complexity*: degree 0 is a constant, degree 1 a line, and with
# $m$ points, degree $m - 1$ can pass through every one of them.
#
# ### Exercise 1 — `polynomial_features`
#
# Return $\Phi$, the array of shape `(degree + 1, m)` whose row `k` is `x**k`.

# %% solution id="polynomial_features"
def polynomial_features(x, degree):
    """Φ (degree + 1, m): row k is x**k, for x of shape (m,)."""
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=float)
    return np.array([x**k for k in range(degree + 1)])
    ### END SOLUTION


# %% tests exercise="bias_variance.polynomial_features" points=1

# %% [markdown]
# ### Least squares, and least squares with a penalty
#
# Fitting means choosing $w$ to make the squared errors on the training set small. We will also want a version
# that keeps the coefficients small, the *L2 penalty* (ridge regression) that notebook 07 applies to networks:
#
# $$E(w) = \sum_{i=1}^m \bigl(y_i - w^\top \phi(x_i)\bigr)^2 + \lambda \sum_{k=1}^{d} w_k^2 .$$
#
# The penalty skips $w_0$: the constant only moves the curve up or down, and shrinking it would pull every
# prediction towards 0 for no reason. $E$ is a quadratic bowl in $w$, so its minimum is where the gradient
# vanishes. With $y$ as a column and $D$ the identity matrix with its first diagonal entry set to 0,
#
# $$E(w) = \lVert y - \Phi^\top w \rVert^2 + \lambda\, w^\top D w, \qquad
# \nabla E = -2\,\Phi\,(y - \Phi^\top w) + 2\lambda D w = 0
# \quad\Longrightarrow\quad \bigl(\Phi \Phi^\top + \lambda D\bigr)\, w = \Phi\, y .$$
#
# These are the *normal equations*: $d + 1$ linear equations for $d + 1$ unknowns, solved with
# `np.linalg.solve` (never by inverting the matrix). With $\lambda = 0$ they have one solution when there are at
# least $d + 1$ distinct inputs; with $\lambda > 0$ always, however many coefficients there are.
#
# ### Exercise 2 — `fit_polynomial`
#
# Return the coefficients $w$ of shape `(degree + 1,)`, with `w[k]` the coefficient of $x^k$. Use your
# `polynomial_features`. (NumPy's `np.polyfit` also fits polynomials, but returns the *highest* power first and
# knows no penalty.)

# %% solution id="fit_polynomial"
def fit_polynomial(x, y, degree, l2=0.0):
    """w (degree + 1,) minimising Σ (y − wᵀΦ)² + l2·Σ_{k≥1} w_k², from the normal equations."""
    ### BEGIN SOLUTION
    Phi = polynomial_features(x, degree)
    D = np.eye(degree + 1)
    D[0, 0] = 0.0
    return np.linalg.solve(Phi @ Phi.T + l2 * D, Phi @ np.asarray(y, dtype=float))
    ### END SOLUTION


# %% tests exercise="bias_variance.fit_polynomial" points=2

# %% [markdown]
# ### Exercise 3 — `predict_polynomial`
#
# Return the predictions $w^\top \Phi(x)$ as a 1-D array of length $m$; the degree is `len(w) - 1`.

# %% solution id="predict_polynomial"
def predict_polynomial(w, x):
    """ŷ = wᵀΦ(x), shape (m,)."""
    ### BEGIN SOLUTION
    return np.asarray(w, dtype=float) @ polynomial_features(x, len(w) - 1)
    ### END SOLUTION


# %% tests exercise="bias_variance.predict_polynomial" points=1

# %% [markdown]
# ### Measuring the error: MSE and RMSE
#
# The mean squared error $\text{MSE} = \frac1n \sum_i (\hat y_i - y_i)^2$ is what the fit minimises and what adds
# up neatly in section 4. Its root, the *root mean squared error* (notes 004),
#
# $$\text{RMSE} = \sqrt{\frac1n \sum_{i=1}^n (\hat y_i - y_i)^2},$$
#
# is in the units of $y$, which makes it easier to read: an RMSE of 0.3 means predictions are typically about 0.3
# off. Both rank models the same way; a model with the lower RMSE on data it has not seen generalizes better.
#
# ### Exercise 4 — `rmse`
#
# Return the RMSE of the predictions `y_hat` against the targets `y` (arrays of any equal shape) as a float.

# %% solution id="rmse"
def rmse(y_hat, y):
    """√(mean of (ŷ − y)²) over all entries, a float."""
    ### BEGIN SOLUTION
    diff = np.asarray(y_hat, dtype=float) - np.asarray(y, dtype=float)
    return float(np.sqrt(np.mean(diff**2)))
    ### END SOLUTION


# %% tests exercise="bias_variance.rmse" points=1

# %% [markdown]
# ## 3 · Training, validation and test sets
#
# To estimate the error on new data we need data the model has not seen. The usual arrangement splits the
# labelled examples three ways:
#
# | set | used for | the error on it estimates |
# |---|---|---|
# | training | fitting the parameters $w$ | nothing useful: it is optimistic |
# | validation | choosing hyperparameters (degree, $\lambda$, epochs, architecture) | the error of each candidate, slightly optimistic for the winner |
# | test | one final measurement, after every choice is made | the error on new data, honestly |
#
# The validation error of the chosen model is optimistic too: among many candidates, the winner is partly the
# one that was lucky on this validation set. The test set is kept out of every decision so that one number stays
# honest. (Notes 003 and 004 say the test set has no labels; it has them, or it could not be scored. What makes
# it a test set is that it is never used for training or for choosing.) The notes' warning story, 97% accuracy
# during experiments and 90% in production, is what happens when the same data are used to tune and to measure.
#
# The split must be random: data often arrive sorted (by date, by class, by source), and the first 60% of a
# sorted file is not like the rest.
#
# ### Exercise 5 — `train_val_test_split`
#
# `fractions = (f_train, f_val)`. Draw `p = rng.permutation(m)` once; the first $\lfloor f_\text{train}\, m\rfloor$
# entries of `p` are the training indices, the next $\lfloor f_\text{val}\, m\rfloor$ the validation indices, and
# the rest the test indices. Take the floor of the product as Python computes it (`math.floor` or `int`), even
# where rounding errors make it surprising: `0.29 * 100` is `28.999999999999996`. Return the three index arrays.

# %% solution id="train_val_test_split"
def train_val_test_split(m, fractions, rng):
    """(train_idx, val_idx, test_idx) from one permutation rng.permutation(m), sizes ⌊f·m⌋."""
    ### BEGIN SOLUTION
    f_train, f_val = fractions
    p = rng.permutation(m)
    n_train = int(np.floor(f_train * m))
    n_val = int(np.floor(f_val * m))
    return p[:n_train], p[n_train:n_train + n_val], p[n_train + n_val:]
    ### END SOLUTION


# %% tests exercise="bias_variance.train_val_test_split" points=1

# %% [markdown]
# The figure shows where **your** split sends 24 examples, 60% / 20% / 20% (the reference's split below it).

# %%
widgets.split_picture(train_val_test_split)

# %% [markdown]
# ## 4 · Bias and variance
#
# Imagine running the whole learning method many times, each time on a fresh training set from the same recipe.
# Each run gives a different model $\hat f_D$ (the subscript is the training set $D$). At a fixed input $x$ write
# $\bar f(x) = \mathbb{E}_D\bigl[\hat f_D(x)\bigr]$ for the *average model*. Then:
#
# - the **bias** at $x$ is $\bar f(x) - f(x)$: how far the average model is from the truth. It comes from the
#   assumptions built into the method (a line cannot bend), not from any particular training set;
# - the **variance** at $x$ is $\mathbb{E}_D\bigl[(\hat f_D(x) - \bar f(x))^2\bigr]$: how much the model changes
#   from one training set to the next.
#
# (The notes' first definition of variance, "the change in prediction accuracy between training data and
# test data", describes a *symptom*, the gap between training and validation error that section 7 reads. The
# definition is the spread of the models over training sets, as their later slides and notes 004 say.)
#
# ### Why they add up
#
# Take a new example $(x, y)$ with $y = f(x) + \varepsilon$, independent of the training set. Its expected squared
# error, over training sets and noise, splits into three parts. Add and subtract $f(x)$ and $\bar f(x)$:
#
# $$y - \hat f_D(x) = \underbrace{\varepsilon}_{\text{noise}} + \underbrace{\bigl(f(x) - \bar f(x)\bigr)}_{-\text{bias}}
# + \underbrace{\bigl(\bar f(x) - \hat f_D(x)\bigr)}_{\text{spread}} .$$
#
# Square and take expectations. The cross terms vanish: $\varepsilon$ has mean 0 and is independent of $D$; the
# spread has mean 0 over $D$ by the definition of $\bar f$; and the bias is a fixed number. What remains is
#
# $$\mathbb{E}\bigl[(y - \hat f_D(x))^2\bigr] = \underbrace{\bigl(\bar f(x) - f(x)\bigr)^2}_{\text{bias}^2}
# + \underbrace{\mathbb{E}_D\bigl[(\hat f_D(x) - \bar f(x))^2\bigr]}_{\text{variance}}
# + \underbrace{\sigma^2}_{\text{noise}} .$$
#
# Averaged over the inputs $x$, this is the expected test error. The notes' figure of the trade-off labels the
# total as "the sum of bias² and variance"; the total error on new data also holds the noise $\sigma^2$, a floor
# under every curve that no model removes.
#
# In practice we have one training set and cannot compute either term (we do not know $f$). Here we do: the
# figures below draw 100 training sets of 20 points, fit each one, and measure bias² and variance on a fine grid
# of inputs. With predictions `P` of shape `(n_datasets, n_points)` (row $j$ is the model trained on set $j$) and
# the true values `f` at those points:
#
# $$\text{bias}^2 = \frac{1}{n}\sum_{x} \bigl(\bar P(x) - f(x)\bigr)^2, \qquad
# \text{variance} = \frac{1}{n}\sum_{x} \frac{1}{N}\sum_{j=1}^{N} \bigl(P_j(x) - \bar P(x)\bigr)^2,$$
#
# where $\bar P(x)$ is the mean of column $x$ over the $N$ datasets. The variance divides by $N$, not $N - 1$: it
# is the variance of the $N$ models we have (NumPy's default, `ddof=0`).
#
# ### Exercise 6 — `bias_variance_decomposition`
#
# Return the pair `(bias2, variance)` as two floats.

# %% solution id="bias_variance_decomposition"
def bias_variance_decomposition(predictions, f_true):
    """(bias², variance): mean over points of (mean prediction − f)² and of the variance over datasets."""
    ### BEGIN SOLUTION
    predictions = np.asarray(predictions, dtype=float)
    mean_prediction = predictions.mean(axis=0)
    bias2 = np.mean((mean_prediction - f_true) ** 2)
    variance = np.mean(predictions.var(axis=0))
    return float(bias2), float(variance)
    ### END SOLUTION


# %% tests exercise="bias_variance.bias_variance_decomposition" points=2

# %% [markdown]
# The explorer fits polynomials of the chosen degree to the 100 training sets with **your** `fit_polynomial` and
# `predict_polynomial` and measures bias² and variance with **your** `bias_variance_decomposition`. Left: 25 of the
# fits (thin), their average (thick) and the true function (dashed). Right, against the degree: bias², variance,
# the noise $\sigma^2 = 0.09$, their sum, and two errors *measured* the ordinary way, each model's training error
# and its error on a validation set of its own, averaged over the 100 training sets.
#
# Move the degree from 0 to 12 and watch the left panel change character: at degree 0 or 1 every fit is nearly the
# same wrong curve (high bias, low variance: *underfitting*); at degree 11 or 12 the average is close to the truth
# but each fit wiggles after its own noise (low bias, high variance: *overfitting*).

# %%
widgets.bias_variance_explorer(fit_polynomial, predict_polynomial, bias_variance_decomposition, degree=3)

# %% [markdown]
# What the right panel shows:
#
# - the measured validation error follows bias² + variance + noise closely: the decomposition is not a metaphor,
#   it is the test error taken apart;
# - it is U-shaped, lowest at degree 3 here: the degrees 1 and 2 cannot bend like a sine (bias² ≈ 0.2), and above
#   about 8 the variance grows quickly;
# - the training error keeps falling as the degree grows, which is why it cannot choose the degree;
# - between degrees 3 and 7 the curve is nearly flat: several models are about equally good, and the simplest of them is
#   as good as any (Occam's razor, in the notes' words).
#
# The notes' rules of thumb, "increasing the bias will decrease the variance", describe what usually happens
# along one axis of complexity, as here; they are tendencies, not laws. More training data, for instance, lowers
# the variance without raising the bias.

# %% [markdown]
# ## 5 · Interpolation and extrapolation
#
# Predicting between the training inputs is *interpolation*; predicting outside their range is *extrapolation*.
# A polynomial of high degree is held in place only where there are data. Beyond the last training point nothing
# restrains its highest powers, and $x^9$ grows very fast. The explorer fits one training set of 15 points on
# $[-1, 1]$ with **your** functions and draws the fit on $[-1.5, 1.5]$; its title gives **your** `rmse` on fresh
# points inside and outside the training range.

# %%
widgets.extrapolation_explorer(fit_polynomial, predict_polynomial, rmse, degree=9)

# %% [markdown]
# A degree-3 fit extrapolates tolerably for a little way; degree 9 misses by orders of magnitude just outside the
# data while its error inside stays reasonable. Networks are flexible models too, and the lesson carries over:
# trust a model only on inputs like the ones it was trained on.

# %% [markdown]
# ## 6 · k-fold cross-validation
#
# A single validation set of a small dataset is both expensive (its points are lost for training) and noisy (a
# few unusual points can decide the choice). *$k$-fold cross-validation* uses every example for validation once:
#
# 1. shuffle the $m$ indices and cut them into $k$ folds of nearly equal size;
# 2. for $i = 1, \dots, k$: train on the other $k - 1$ folds, measure the error on fold $i$;
# 3. average the $k$ errors.
#
# It costs $k$ trainings per candidate, so it suits small datasets and cheap models; with $k = m$ it is
# *leave-one-out*. Once cross-validation has chosen the hyperparameters, the model is trained once more on all the
# training data, and the test set still gives the final number.
#
# ### Exercise 7 — `k_fold_indices`
#
# Return a list of $k$ pairs `(train_idx, val_idx)`: with `folds = np.array_split(rng.permutation(m), k)`, pair `i`
# validates on `folds[i]` and trains on the other folds, concatenated in fold order. (`np.array_split`, unlike
# `np.split`, accepts an $m$ that $k$ does not divide: it makes the first folds one longer.)

# %% solution id="k_fold_indices"
def k_fold_indices(m, k, rng):
    """[(train_idx, val_idx) for each fold i]: fold i validates, the other folds train."""
    ### BEGIN SOLUTION
    folds = np.array_split(rng.permutation(m), k)
    pairs = []
    for i in range(k):
        train = np.concatenate([folds[j] for j in range(k) if j != i])
        pairs.append((train, folds[i]))
    return pairs
    ### END SOLUTION


# %% tests exercise="bias_variance.k_fold_indices" points=1

# %% [markdown]
# Here are **your** four folds of the 14 training examples from section 3's split: in each row one fold validates
# (orange) and the other three train (blue); the validation and test examples of the split take no part (grey).

# %%
widgets.split_picture(train_val_test_split, k_fold_indices, k=4)

# %% [markdown]
# ### Exercise 8 — `cross_validate_degree`
#
# Return the $k$-fold cross-validation error of a polynomial of the given degree: for each pair of
# `k_fold_indices(len(x), k, rng)`, fit with your `fit_polynomial` on the training indices (no penalty), predict
# the validation points with your `predict_polynomial`, and take their mean squared error. Return the plain mean of
# the $k$ fold errors as a float (each fold counts the same, even when the folds differ in size by one).

# %% solution id="cross_validate_degree"
def cross_validate_degree(x, y, degree, k, rng):
    """The mean over the k folds of the validation MSE of a degree-`degree` polynomial."""
    ### BEGIN SOLUTION
    errors = []
    for train, val in k_fold_indices(len(x), k, rng):
        w = fit_polynomial(x[train], y[train], degree)
        errors.append(np.mean((predict_polynomial(w, x[val]) - y[val]) ** 2))
    return float(np.mean(errors))
    ### END SOLUTION


# %% tests exercise="bias_variance.cross_validate_degree" points=2

# %% [markdown]
# The explorer runs **your** `cross_validate_degree` on one dataset of 30 points for every degree from 0 to 12 (the
# same folds for each degree, from `default_rng(0)`), marks the degree it picks, and compares it with the training
# error and with the true test error of each degree, measured on 2000 fresh points. Change $k$: with few folds each
# model trains on fewer points, so the estimates are pessimistic for the flexible models; with many folds they
# cost more.

# %%
widgets.cross_validation_explorer(cross_validate_degree, k=5)

# %% [markdown]
# Cross-validation picks a degree near the one with the lowest true test error, using nothing but the 30 points;
# the training error would have picked the highest degree on offer.
#
# **Question.** A classmate fits polynomials of degrees 0 to 12 to a dataset and picks the degree with the lowest
# *training* error. Another picks the one with the lowest *test* error and reports that test error as the model's
# expected error on new data. What goes wrong in each case, and what should they do instead?

# %% [markdown] answer id="choosing_the_degree" points=2
# The training error falls (or at least never rises) as the degree grows, because a higher-degree polynomial can do
# everything a lower one can and more; the first classmate therefore always picks the highest degree, the model
# that fits the noise of this particular training set best and has the largest variance. Its error on new data is
# usually far worse than its training error suggests. The second classmate uses the test set to *choose*: among
# thirteen candidates the one with the lowest test error is partly the one that was luckiest on those particular
# test points, so its test error is an optimistic estimate of its error on new data. Once the test set has taken
# part in a decision it is no longer an honest measure. What to do: choose the degree with a separate validation
# set or, for a small dataset, by k-fold cross-validation on the training data; then retrain the chosen degree on
# all the training data and measure it once on the untouched test set, and report that number.

# %% [markdown]
# ## 7 · Reading the errors: high bias or high variance?
#
# With a real problem we cannot draw 100 training sets. What we have is a training error, a validation error, and
# often an idea of the best error achievable. For many perception tasks that is *human-level error*: how often
# careful experts get it wrong, a stand-in for the *Bayes error*, the lowest error any classifier could reach
# because of the noise in the task. Two gaps then carry the diagnosis:
#
# - **avoidable bias** $=$ training error $-$ human-level error. The model does not even fit the data it was
#   trained on as well as is possible: **high bias** (underfitting);
# - **variance** (the gap) $=$ validation error $-$ training error. The model does much better on the data it has
#   seen than on new data from the same distribution: **high variance** (overfitting).
#
# The notes' two examples, with human-level error 0.5%:
#
# | training error | validation error | avoidable bias | gap | verdict |
# |---|---|---|---|---|
# | 5% | 6% | 4.5% | 1% | high bias |
# | 2% | 7% | 1.5% | 5% | high variance |
#
# and their table of what to do:
#
# | verdict | try |
# |---|---|
# | high bias | a bigger model (more layers or units, a higher degree), training longer, better features |
# | high variance | more training data (or data augmentation), regularization (notebook 07), early stopping |
# | both | the bias first: a model that cannot fit the training data gives the variance nothing to work on |
# | neither | done |
#
# Whether a gap is "large" depends on the task; we compare each gap with a threshold.
#
# ### Exercise 9 — `diagnose`
#
# Return `"high bias"` when `train_error - human_error > threshold`, `"high variance"` when
# `val_error - train_error > threshold`, `"high bias and high variance"` when both hold and `"good fit"` when
# neither does. Compute the two differences exactly as written. (Floating point has a say at the threshold itself:
# `0.07 - 0.05` is `0.020000000000000004`, which *is* greater than `0.02`. The checks stay away from such ties.)

# %% solution id="diagnose"
def diagnose(train_error, val_error, human_error=0.0, threshold=0.02):
    """'high bias', 'high variance', 'high bias and high variance' or 'good fit' from the two gaps."""
    ### BEGIN SOLUTION
    high_bias = train_error - human_error > threshold
    high_variance = val_error - train_error > threshold
    if high_bias and high_variance:
        return "high bias and high variance"
    if high_bias:
        return "high bias"
    if high_variance:
        return "high variance"
    return "good fit"
    ### END SOLUTION


# %% tests exercise="bias_variance.diagnose" points=2

# %% [markdown]
# On the left, the notes' table as a flow chart: first the bias, then the variance, and after each remedy the
# question again. On the right, every pair (training error, validation error) coloured by **your** `diagnose`; the
# blue lines are the reference's borders, the black dots the notes' two examples. The vertical border is "training error = human level
# + threshold", the diagonal one "validation error = training error + threshold"; below the diagonal the gap is
# small. Move the human-level error and see the notes' left example change its verdict: how bad a 5% training error
# is depends on what is achievable.

# %%
widgets.diagnosis_map(diagnose, human_error=0.005, threshold=0.02)

# %% [markdown]
# **Question.** A speech recognizer has a training error of 8% and a validation error of 10%. Is it suffering from
# high bias or from high variance if human-level error on the task is 1%? And if it is 7.5%? For each case, name one
# thing worth trying next and one that would be a waste of time.

# %% [markdown] answer id="human_level" points=2
# With human-level error 1% the avoidable bias is 8% − 1% = 7%, while the gap to validation is only 2%: the model
# underfits, it cannot even fit its own training data as well as people manage. Worth trying: a bigger model, more
# training, better features. A waste of time: collecting more data or adding regularization, which fight variance
# and would leave the training error (and so the validation error) about where it is, or make it worse. With
# human-level error 7.5% the avoidable bias is only 0.5%: the model is about as good as possible on the training
# data, and the larger problem is the 2% gap to the validation data, variance. Worth trying: more data, data
# augmentation, regularization, early stopping. A waste of time: a much bigger model or longer training, which
# would drive the training error further below what is realistically achievable and usually widen the gap.

# %% [markdown]
# ## Summary
#
# - Least squares with an L2 penalty on all but the constant has the closed form
#   $(\Phi\Phi^\top + \lambda D)\,w = \Phi y$; a polynomial of degree $d$ is a linear model on the features
#   $1, x, \dots, x^d$.
# - The expected squared error on new data is $\text{bias}^2 + \text{variance} + \sigma^2$: bias is the error of the
#   average model, variance the spread of the models over training sets, $\sigma^2$ the noise no model removes.
#   Simple models have high bias, flexible ones high variance; the validation error is U-shaped in between.
# - The training error always favours the most flexible model. Choose with a validation set or $k$-fold
#   cross-validation, and keep the test set (which has labels) out of every choice.
# - Flexible models are most dangerous outside the range of their training data.
# - Avoidable bias (training − human-level error) large: bigger model, longer training. Gap (validation − training)
#   large: more data, regularization, early stopping, the subject of the next notebook.

"""Generic diagnoses (mlcourse/diagnoses.py): each names its mistake, and stays silent on correct code and
on wrong code that is wrong in some other way.

Each diagnosis is tried on a small exercise of its own (a reference, a few cases), with a function
making exactly its mistake and one that is wrong for an unrelated reason; then on real exercises with
mistakes nobody listed among their fingerprints, through `grader.check`.
"""

from __future__ import annotations

import numpy as np
import pytest

import student_copies
from mlcourse import diagnoses, feedback, grader
from mlcourse.cases import Case, Exercise
from mlcourse.compare import compare

RNG = np.random.default_rng(0)
X34 = RNG.normal(size=(3, 4))
X25 = RNG.normal(size=(2, 5))
X33 = RNG.normal(size=(3, 3))


def noisy(fn):
    """Wrong for an unrelated reason: a different, irregular error on every entry."""
    def wrong(*args, **kwargs):
        out = fn(*args, **kwargs)
        noise = lambda v: v + np.random.default_rng(7).normal(size=np.shape(v)) * 0.3 + 0.1  # noqa: E731
        if isinstance(out, dict):
            return {k: noise(v) for k, v in out.items()}
        if isinstance(out, tuple):
            return tuple(noise(v) for v in out)
        return noise(out)
    return wrong


def descend(x0, lr, n_steps):
    path = [x0]
    for _ in range(n_steps):
        path.append(path[-1] - lr * 2 * (path[-1] - 1.0))
    return np.array(path)


def decay(lr0, epoch):
    return lr0 * 0.5 ** epoch


def smooth(x, *, h=0.1):
    return np.cos(x) * h + x


def update(params, grads, lr):
    return {k: params[k] - lr * grads["d" + k] for k in params}


def backward(n_layers):
    return {f"dA{l}": np.full((2, 1), float(l + 1)) for l in range(n_layers)} | {"dW1": np.ones((2, 2))}


class A(tuple):
    """Arguments with keywords: A((x,), {"h": 0.3})."""

    def __new__(cls, args, kwargs):
        return super().__new__(cls, (args, kwargs))


PARAMS = {"W1": X33, "b1": X34[:, :1], "W2": X25[:, :3]}
GRADS = {"dW1": X33 * 0.5 + 1, "db1": X34[:, 1:2], "dW2": X25[:, 1:4]}

# kind: (reference, list of argument tuples, the mistake, declarations for Exercise)
TABLE = {
    "step": (descend, [(0.0, 0.1, 3), (2.0, 0.2, 5), (0.5, 0.3, 0)], lambda x0, lr, n: descend(x0, lr, n + 1), {}),
    "default": (smooth, [A((X34,), {"h": 0.3}), A((X25,), {"h": 0.5})], lambda x, h=0.1: smooth(x), {}),
    "keys": (backward, [(3,), (4,)],
             lambda n: {f"dA{l + 1}": v for l, v in enumerate(backward(n)[f"dA{k}"] for k in range(n))}
             | {"dW1": np.ones((2, 2))}, {}),
    "swap": (lambda x: (x.sum(), x.max()), [(X34,), (X25,)], lambda x: (x.max(), x.sum()), {}),
    "unchanged": (update, [(PARAMS, GRADS, 0.1), (PARAMS, GRADS, 0.5)],
                  lambda p, g, lr: {k: (p[k] - lr * g["d" + k] if k != "W2" else p[k]) for k in p}, {}),
    "per_m": (lambda X: X @ X.T / X.shape[1], [(X34,), (X25,)], lambda X: X @ X.T, {}),
    "update": (update, [(PARAMS, GRADS, 0.1), (PARAMS, GRADS, 0.5)],
               lambda p, g, lr: {k: p[k] + lr * g["d" + k] for k in p}, {}),
    "axis": (lambda X: X - X.mean(axis=1, keepdims=True), [(X34,), (X25,)],
             lambda X: X - X.mean(axis=0, keepdims=True), {}),
    "reduce": (lambda X: X ** 2, [(X34,), (X25,)], lambda X: float(np.mean(X ** 2)), {}),
    "shift": (lambda x: np.cumsum(x), [(X34[0],), (X25[1],)], lambda x: np.concatenate([[0.0], np.cumsum(x)[:-1]]),
              {}),
    "transpose": (lambda X: X @ X.T @ X, [(X34,), (X25,)], lambda X: (X @ X.T @ X).T, {}),
    "sign": (lambda X: X ** 3 - X, [(X34,), (X25,)], lambda X: X - X ** 3, {}),
    "factor": (lambda X: np.tanh(X), [(X34,), (X25,)], lambda X: 2 * np.tanh(X), {}),
    "keepdims": (lambda X: X.sum(axis=1, keepdims=True), [(X34,), (X25,)], lambda X: X.sum(axis=1), {}),
}


def failures(reference, arguments, fn, **declared) -> list[diagnoses.Failure]:
    ex = Exercise("toy.fn", reference, lambda rng: [], {}, **declared)
    found = []
    for args in arguments:
        args, kwargs = args if isinstance(args, A) else (args, {})
        expected, got = reference(*args, **kwargs), fn(*args, **kwargs)
        if compare(expected, got, ex.tolerance) is not None:
            found.append(diagnoses.Failure(ex, Case(args, kwargs, "c"), expected, got))
    return found


def test_every_diagnosis_is_in_the_table_and_has_a_kind():
    assert set(TABLE) == set(diagnoses.KINDS)
    assert len(diagnoses.KINDS) == len(set(diagnoses.KINDS))


@pytest.mark.parametrize("kind", list(TABLE))
def test_a_diagnosis_names_its_mistake(kind):
    reference, arguments, mistake, declared = TABLE[kind]
    found = failures(reference, arguments, mistake, **declared)
    assert found, "the mistake must fail"
    named = diagnoses.diagnose(found)
    assert named is not None and named[0] == kind, named
    sentence = named[1]
    assert sentence[0].isupper() and sentence.endswith((".", ")")) and "\n" not in sentence and len(sentence) < 300


@pytest.mark.parametrize("kind", list(TABLE))
def test_a_diagnosis_is_silent_on_right_and_on_unrelated_wrong_code(kind):
    reference, arguments, mistake, declared = TABLE[kind]
    assert failures(reference, arguments, reference, **declared) == []
    assert diagnoses.diagnose([]) is None
    unrelated = failures(reference, arguments, noisy(reference), **declared)
    assert unrelated and diagnoses.diagnose(unrelated) is None


@pytest.mark.parametrize("kind, diagnosis", diagnoses.DIAGNOSES)
def test_each_diagnosis_alone_fires_only_on_mistakes_it_can_explain(kind, diagnosis):
    """Run alone, a diagnosis says nothing on the other kinds' unrelated wrong code."""
    for reference, arguments, _, declared in TABLE.values():
        for failure in failures(reference, arguments, noisy(reference), **declared):
            assert diagnosis(failure) in (None, diagnoses.UNTESTABLE), (kind, failure.got)


# ---------------------------------------------------------------------------------------------------
# On real exercises, with mistakes that no fingerprint lists


def sigmoid(z):
    z = np.asarray(z, dtype=float)
    s = np.where(z >= 0, 1 / (1 + np.exp(-np.abs(z))), np.exp(-np.abs(z)) / (1 + np.exp(-np.abs(z))))
    return float(s) if s.ndim == 0 else s


def own(exercise_id):
    return student_copies.own_implementation(exercise_id)


UNLISTED = [
    # (exercise, a mistake nobody listed, the kind that must name it)
    ("gradient_descent.gradient_descent_1d",
     lambda df, x0, lr, n_steps: own("gradient_descent.gradient_descent_1d")(df, x0, lr, n_steps + 1), "step"),
    ("gradient_descent.lr_exponential_decay",
     lambda lr0, epoch, k: own("gradient_descent.lr_exponential_decay")(lr0, epoch + 1, k), "step"),
    ("backprop.update_parameters",
     lambda p, g, lr: own("backprop.update_parameters")(p, g, 2 * lr), "update"),
    ("derivatives.sigmoid_derivative", lambda z: -own("derivatives.sigmoid_derivative")(z), "sign"),
    ("derivatives.logistic_loss", lambda a, y: float(np.sum(own("derivatives.logistic_loss")(a, y))), "reduce"),
    ("neurons.softmax", lambda Z: own("neurons.softmax")(Z).T, "transpose"),
]


@pytest.mark.parametrize("exercise_id, mistake, kind", UNLISTED, ids=[f"{e}-{k}" for e, _, k in UNLISTED])
def test_mistakes_nobody_listed_are_named_in_the_feedback(exercise_id, mistake, kind):
    result = grader.check(exercise_id, mistake, seed=3, hidden=True)
    assert not result.passed
    named = feedback.diagnose(grader.exercise(exercise_id), result.outcomes)
    assert named is not None and named[0] == kind, result.feedback
    assert result.feedback.splitlines()[1] == named[1]  # the diagnosis is the headline


def test_a_fingerprint_wins_over_a_generic_diagnosis():
    sentence = "The sign is flipped: dL/dz = a − y with a = σ(z), not y − a."
    mistake = student_copies.fingerprints("derivatives.logistic_loss_dz")[sentence]
    result = grader.check("derivatives.logistic_loss_dz", mistake)
    assert feedback.diagnose(grader.exercise("derivatives.logistic_loss_dz"), result.outcomes)[0] == "sign"
    assert result.feedback.splitlines()[1] == sentence


@pytest.mark.parametrize("exercise_id", ["derivatives.sigmoid", "neurons.softmax", "backprop.linear_backward",
                                         "optimizers.update_with_adam", "gradient_descent.gradient_descent"])
def test_right_code_and_noise_get_no_diagnosis(exercise_id):
    assert grader.check(exercise_id, own(exercise_id)).passed
    result = grader.check(exercise_id, noisy(own(exercise_id)))
    assert not result.passed and feedback.diagnose(grader.exercise(exercise_id), result.outcomes) is None


@pytest.mark.parametrize("exercise_id", grader.exercises())
def test_results_of_zeros_get_no_diagnosis(exercise_id):
    """All zeros is what many mistakes give (an aliased array, a forgotten update): it proves no relation."""
    def zeros(*args, **kwargs):
        return _zeros_like(own(exercise_id)(*args, **kwargs))

    result = grader.check(exercise_id, zeros, seed=4)
    if not result.passed:
        assert feedback.diagnose(grader.exercise(exercise_id), result.outcomes) is None, result.feedback


def _zeros_like(value):
    if isinstance(value, dict):
        return {k: _zeros_like(v) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        return type(value)(_zeros_like(v) for v in value)
    if isinstance(value, np.ndarray) and value.dtype.kind == "f":
        return np.zeros_like(value)
    return 0.0 if isinstance(value, float) else value


def test_a_hint_about_a_diagnosis_is_shown_when_that_diagnosis_names_the_mistake():
    # min_max_normalize's first case hints at the axis: shown for a reduction over the wrong axis ...
    def per_column(X):
        X = np.asarray(X, dtype=float)
        low, high = X.min(axis=0, keepdims=True), X.max(axis=0, keepdims=True)
        return (X - low) / np.where(high > low, high - low, 1.0)

    text = grader.check("neurons.min_max_normalize", per_column).feedback
    assert "other axis" in text.splitlines()[1] or "axis=0" in text
    assert "Hint: one" in text and "axis=1, keepdims=True" in text

    # ... and not for the bracket slip (x − min)/max − min, which is no axis mistake
    def bracket_slip(X):
        X = np.asarray(X, dtype=float)
        low, high = X.min(axis=1, keepdims=True), X.max(axis=1, keepdims=True)
        return (X - low) / high - low

    text = grader.check("neurons.min_max_normalize", bracket_slip).feedback
    assert "Hint: one" not in text

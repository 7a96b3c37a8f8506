"""The references of notebook 07 agree with hand computations (the notes' worked update), finite differences
of the penalties, the expectations of dropout and a brute-force reading of early stopping; their cases run
cleanly and every known mistake is told apart from them."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from mlcourse import regularization as reg
from mlcourse.compare import compare
from mlcourse.gradcheck import numerical_gradient, relative_error

RNG = np.random.default_rng(2027)


def _network():
    return {"W1": RNG.normal(size=(4, 3)), "b1": RNG.normal(size=(4, 1)), "W2": RNG.normal(size=(1, 4)),
            "b2": RNG.normal(size=(1, 1))}


def test_costs_by_hand_and_biases_do_not_count():
    p = reg.ONE_LAYER
    assert reg.l2_cost(p, 0.6, 3) == pytest.approx(0.6 / 6 * 15.25)
    assert reg.l1_cost(p, 0.6, 3) == pytest.approx(0.6 / 3 * 7.5)
    q = _network()
    changed = {**q, "b1": q["b1"] + 100.0, "b2": q["b2"] - 7.0}
    assert reg.l2_cost(changed, 0.3, 5) == reg.l2_cost(q, 0.3, 5)
    explicit = sum(q[k][i, j] ** 2 for k in ("W1", "W2") for i in range(q[k].shape[0]) for j in range(q[k].shape[1]))
    assert reg.l2_cost(q, 0.3, 5) == pytest.approx(0.3 / 10 * explicit, rel=1e-12)
    assert type(reg.l1_cost(q, 0.3, 5)) is float and type(reg.l2_cost(q, 0.3, 5)) is float


def test_l2_gradient_is_the_derivative_of_l2_cost():
    q = _network()
    for key in ("W1", "W2"):
        numerical = numerical_gradient(lambda _: reg.l2_cost(q, 0.7, 6), q[key])  # perturbs q[key] in place
        assert relative_error(reg.l2_gradient(q[key], 0.7, 6), numerical) < 1e-8


def test_l1_gradient_is_the_derivative_of_l1_cost_away_from_zero():
    q = _network()  # normal draws: no entry within reach of the probes' h = 1e-5 of zero
    assert min(np.min(np.abs(q["W1"])), np.min(np.abs(q["W2"]))) > 1e-4
    for key in ("W1", "W2"):
        numerical = numerical_gradient(lambda _: reg.l1_cost(q, 0.7, 6), q[key])
        assert relative_error(reg.l1_gradient(q[key], 0.7, 6), numerical) < 1e-8
    np.testing.assert_array_equal(reg.l1_gradient(np.array([[0.0, -3.0, 1e-300]]), 2.0, 4), [[0.0, -0.5, 0.5]])


def test_weight_update_reproduces_the_notes_worked_example():
    assert reg.weight_update(0.5, 0.1, 0.01) == pytest.approx(0.499, abs=1e-15)
    assert reg.weight_update(0.5, 0.1, 0.01, 0.1, "l2") == pytest.approx(0.4985, abs=1e-15)
    assert reg.weight_update(0.5, 0.1, 0.01, 0.1, "l1") == pytest.approx(0.498, abs=1e-15)
    assert type(reg.weight_update(0.5, 0.1, 0.01, 0.1, "l1")) is float
    with pytest.raises(ValueError):
        reg.weight_update(0.5, 0.1, 0.01, 0.1, "l3")


def test_the_l2_step_is_a_gradient_step_on_the_penalised_loss():
    """w − lr·(grad + λw) = w − lr·∇(L + (λ/2)‖w‖²) with ∇L = grad; the penalty's gradient numerically."""
    w, grad, lambd = RNG.normal(size=(3, 2)), RNG.normal(size=(3, 2)), 0.4
    penalty_gradient = numerical_gradient(lambda v: lambd / 2 * float(np.sum(v**2)), w.copy())
    np.testing.assert_allclose(reg.weight_update(w, grad, 0.1, lambd, "l2"), w - 0.1 * (grad + penalty_gradient),
                               rtol=1e-8)
    before = w.copy()
    reg.weight_update(w, grad, 0.1, lambd, "l1")
    np.testing.assert_array_equal(w, before)


def test_inverted_dropout_keeps_the_expected_activation():
    A = np.array([[1.0, -2.0, 0.5], [3.0, 0.0, -1.0]])
    rng = np.random.default_rng(0)
    draws = [reg.dropout_forward(A, 0.7, rng) for _ in range(40_000)]
    mean = np.mean([a for a, _ in draws], axis=0)
    kept = np.mean([m for _, m in draws])
    np.testing.assert_allclose(mean, A, atol=0.03)
    assert kept == pytest.approx(0.7, abs=0.005)
    A_drop, mask = reg.dropout_forward(A, 0.7, np.random.default_rng(5))
    np.testing.assert_array_equal(mask, np.random.default_rng(5).random(A.shape) < 0.7)
    np.testing.assert_array_equal(A_drop, np.where(mask, A / 0.7, 0.0))
    np.testing.assert_array_equal(reg.dropout_forward(A, 1.0, np.random.default_rng(1))[0], A)


def test_dropout_backward_is_the_gradient_of_the_forward_pass_with_its_mask():
    A, dA = RNG.normal(size=(3, 5)), RNG.normal(size=(3, 5))
    mask = RNG.random((3, 5)) < 0.6

    def total(a):  # Σ dA · forward(A): its gradient with respect to A is what backward returns
        return float(np.sum(dA * a * mask / 0.6))

    assert relative_error(reg.dropout_backward(dA, mask, 0.6), numerical_gradient(total, A.copy())) < 1e-8


def _stop_by_windows(losses, patience):
    """Brute force: stop at the first epoch e whose last `patience` losses none beat the best loss before them."""
    for e in range(patience, len(losses)):
        if min(losses[e - patience + 1:e + 1]) >= min(losses[:e - patience + 1]):
            return int(np.argmin(losses[:e + 1])), e
    return int(np.argmin(losses)), len(losses) - 1


def test_early_stopping_agrees_with_a_brute_force_reading():
    rng = np.random.default_rng(8)
    for _ in range(400):
        losses = list(np.round(rng.uniform(0, 1, size=int(rng.integers(1, 25))), 1))  # many ties
        patience = int(rng.integers(1, 6))
        assert reg.early_stopping(losses, patience) == _stop_by_windows(losses, patience), (losses, patience)


def test_early_stopping_examples():
    assert reg.early_stopping([1.0, 0.8, 0.6, 0.65, 0.7, 0.75, 0.72], 3) == (2, 5)
    assert reg.early_stopping([1.0, 0.8, 0.9, 0.95, 0.5], 2) == (1, 3)
    assert reg.early_stopping([1.0, 0.5, 0.5, 0.5, 0.4], 2) == (1, 3)
    assert reg.early_stopping(np.array([0.3]), 4) == (0, 0)


@pytest.mark.parametrize("exercise", reg.EXERCISES, ids=lambda e: e.id)
def test_cases_are_reproducible_and_the_reference_runs_cleanly(exercise):
    for seed in range(3):
        cases = exercise.cases(np.random.default_rng(seed))
        again = exercise.cases(np.random.default_rng(seed))
        assert [c.name for c in cases] == [c.name for c in again]
        assert sum(c.name.startswith("random #") for c in cases) >= 2
        for case, twin in zip(cases, again):
            args, kwargs = copy.deepcopy(case.args), copy.deepcopy(case.kwargs)
            result = exercise.reference(*args, **kwargs)  # warnings fail
            assert compare(result, exercise.reference(*twin.args, **twin.kwargs), exercise.tolerance) is None
            for before, after in zip(case.args, args):  # the reference leaves its inputs alone
                if isinstance(before, np.ndarray):
                    np.testing.assert_array_equal(before, after)
                elif isinstance(before, dict):
                    assert all(np.array_equal(before[k], after[k]) for k in before)
            assert case.label(["a", "b", "c", "d", "e"])
    assert len(exercise.fingerprints) >= 2


@pytest.mark.parametrize("exercise", reg.EXERCISES, ids=lambda e: e.id)
def test_every_fingerprint_runs_on_every_case_and_differs_from_the_reference(exercise):
    cases = exercise.cases(np.random.default_rng(0))
    for sentence, wrong in exercise.fingerprints.items():
        differs = False
        for case in cases:
            expected = exercise.reference(*copy.deepcopy(case.args), **copy.deepcopy(case.kwargs))
            with np.errstate(all="ignore"):
                got = wrong(*copy.deepcopy(case.args), **copy.deepcopy(case.kwargs))  # must not raise
            differs = differs or compare(expected, got, exercise.tolerance) is not None
        assert differs, sentence

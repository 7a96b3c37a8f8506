"""The references of notebook 06 agree with independent closed forms (numpy's own polynomial tools, the
normal equations' optimality, leave-one-out for a constant, the identity bias² + variance = mean squared
error); their cases run cleanly and every known mistake is told apart from them."""

from __future__ import annotations

import copy
import math

import numpy as np
import pytest

from mlcourse import bias_variance as bv
from mlcourse.compare import compare

RNG = np.random.default_rng(2026)


def test_polynomial_features_is_vandermonde_with_examples_as_columns():
    x = RNG.uniform(-2, 2, size=7)
    for degree in range(6):
        Phi = bv.polynomial_features(x, degree)
        assert Phi.shape == (degree + 1, 7) and Phi.dtype == np.float64
        np.testing.assert_allclose(Phi, np.vander(x, degree + 1, increasing=True).T, rtol=1e-14)
    np.testing.assert_array_equal(bv.polynomial_features(np.array([0.0, 2.0]), 2), [[1, 1], [0, 2], [0, 4]])


def _objective(w, x, y, l2):
    residual = y - w @ bv.polynomial_features(x, len(w) - 1)
    return float(residual @ residual + l2 * np.sum(w[1:] ** 2))


def test_fit_polynomial_without_penalty_is_numpys_least_squares_fit():
    x = RNG.uniform(-1, 1, size=20)
    y = np.sin(3 * x) + 0.1 * RNG.normal(size=20)
    for degree in range(7):
        w = bv.fit_polynomial(x, y, degree)
        assert w.shape == (degree + 1,)
        np.testing.assert_allclose(w, np.polyfit(x, y, degree)[::-1], rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(bv.fit_polynomial(x, y, 0), [y.mean()], rtol=1e-12)


@pytest.mark.parametrize("l2", [0.0, 0.05, 1.0, 30.0])
def test_fit_polynomial_is_a_stationary_point_of_its_objective(l2):
    """The gradient of Σ(y − wᵀΦ)² + l2·Σ_{k≥1} w_k², by central differences, vanishes at the fit."""
    x = RNG.uniform(-1, 1, size=12)
    y = np.cos(2 * x) + 0.2 * RNG.normal(size=12)
    w = bv.fit_polynomial(x, y, 4, l2)
    h = 1e-6
    gradient = [(_objective(w + h * e, x, y, l2) - _objective(w - h * e, x, y, l2)) / (2 * h) for e in np.eye(5)]
    assert np.max(np.abs(gradient)) < 1e-6
    # and it is a minimum: nudging any coefficient raises the objective
    for e in np.eye(5):
        assert _objective(w + 1e-3 * e, x, y, l2) > _objective(w, x, y, l2)


def test_fit_polynomial_leaves_the_constant_unpenalised_and_solves_underdetermined_problems():
    x, y = np.array([-1.0, 0.0, 1.0, 2.0]), np.array([3.0, 5.0, 4.0, 6.0])
    np.testing.assert_allclose(bv.fit_polynomial(x, y, 3, 1e9), [y.mean(), 0, 0, 0], atol=1e-6)
    augmented = np.vstack([bv.polynomial_features(x, 6).T, np.sqrt(0.1) * np.eye(7)[1:]])
    expected = np.linalg.lstsq(augmented, np.concatenate([y, np.zeros(6)]), rcond=None)[0]
    np.testing.assert_allclose(bv.fit_polynomial(x, y, 6, 0.1), expected, rtol=1e-8, atol=1e-10)


def test_predict_polynomial_is_numpys_polyval_in_increasing_order():
    w, x = RNG.normal(size=5), RNG.uniform(-3, 3, size=9)
    np.testing.assert_allclose(bv.predict_polynomial(w, x), np.polynomial.polynomial.polyval(x, w), rtol=1e-12)
    assert bv.predict_polynomial(np.array([2.0]), np.array([1.0, 5.0])).tolist() == [2.0, 2.0]


def test_rmse_by_hand():
    assert bv.rmse(np.array([2.0, 4.0, 6.0, 8.0]), np.array([1.0, 5.0, 6.0, 10.0])) == pytest.approx(math.sqrt(1.5))
    assert bv.rmse(np.array([3.0]), np.array([-1.0])) == 4.0
    assert type(bv.rmse(np.zeros(3), np.zeros(3))) is float


def test_train_val_test_split_partitions_a_permutation_with_floored_sizes():
    for m, fractions in [(10, (0.6, 0.2)), (100, (0.29, 0.3)), (10, (0.7, 0.3)), (37, (0.55, 0.25))]:
        train, val, test = bv.train_val_test_split(m, fractions, np.random.default_rng(9))
        assert len(train) == math.floor(fractions[0] * m) and len(val) == math.floor(fractions[1] * m)
        np.testing.assert_array_equal(np.concatenate([train, val, test]), np.random.default_rng(9).permutation(m))
    assert len(bv.train_val_test_split(100, (0.29, 0.3), np.random.default_rng(0))[0]) == 28  # 28.999999999999996
    assert len(bv.train_val_test_split(10, (0.7, 0.3), np.random.default_rng(0))[2]) == 0


def test_k_fold_indices_validates_every_example_exactly_once():
    for m, k in [(10, 3), (7, 7), (23, 4), (2, 2)]:
        pairs = bv.k_fold_indices(m, k, np.random.default_rng(m))
        assert len(pairs) == k
        validated = np.concatenate([val for _, val in pairs])
        np.testing.assert_array_equal(np.sort(validated), np.arange(m))
        np.testing.assert_array_equal(validated, np.random.default_rng(m).permutation(m))  # folds in order
        sizes = [len(val) for _, val in pairs]
        assert max(sizes) - min(sizes) <= 1 and sizes == sorted(sizes, reverse=True)
        for train, val in pairs:
            assert len(train) + len(val) == m and not set(train) & set(val)


def test_leave_one_out_of_a_constant_model_has_a_closed_form():
    """Leaving out y_i, the mean of the others misses y_i by m/(m − 1)·(y_i − ȳ)."""
    y = RNG.normal(size=9)
    x = RNG.uniform(-1, 1, size=9)
    expected = (9 / 8) ** 2 * np.mean((y - y.mean()) ** 2)
    assert bv.cross_validate_degree(x, y, 0, 9, np.random.default_rng(1)) == pytest.approx(expected, rel=1e-12)


def test_cross_validation_prefers_the_true_degree_on_a_cubic():
    rng = np.random.default_rng(3)
    x = rng.uniform(-1, 1, size=60)
    y = 2 * x**3 - x + 0.05 * rng.normal(size=60)
    errors = [bv.cross_validate_degree(x, y, d, 5, np.random.default_rng(0)) for d in range(8)]
    assert errors[2] > 10 * errors[3] and min(errors) > 0.9 * errors[3]  # below 3 underfits; above, no real gain


def test_bias_squared_plus_variance_is_the_mean_squared_error_of_the_models():
    predictions, f = RNG.normal(size=(30, 11)), RNG.normal(size=11)
    bias2, variance = bv.bias_variance_decomposition(predictions, f)
    assert bias2 + variance == pytest.approx(np.mean((predictions - f) ** 2), rel=1e-12)
    assert variance == pytest.approx(np.mean(np.var(predictions, axis=0)), rel=1e-12)


def test_bias_and_variance_of_known_distributions():
    """Predictions f + b + σ·noise: bias² → b², variance → σ² as the number of datasets grows."""
    f = np.linspace(-1, 1, 5)
    predictions = f + 0.3 + 0.5 * np.random.default_rng(4).normal(size=(200_000, 5))
    bias2, variance = bv.bias_variance_decomposition(predictions, f)
    assert bias2 == pytest.approx(0.09, rel=0.01) and variance == pytest.approx(0.25, rel=0.01)


def test_diagnose_follows_the_notes_and_computes_exactly_as_written():
    assert bv.diagnose(0.05, 0.06) == "high bias"
    assert bv.diagnose(0.02, 0.07, human_error=0.005) == "high variance"
    assert bv.diagnose(0.2, 0.5) == "high bias and high variance"
    assert bv.diagnose(0.01, 0.02) == "good fit"
    assert 0.07 - 0.05 > 0.02  # 0.020000000000000004 in floating point
    assert bv.diagnose(0.05, 0.07) == "high bias and high variance"  # computed as written, so the gap counts


@pytest.mark.parametrize("exercise", bv.EXERCISES, ids=lambda e: e.id)
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
            assert case.label(["a", "b", "c", "d", "e"])
    assert len(exercise.fingerprints) >= 2


def test_diagnose_cases_stay_away_from_the_thresholds():
    exercise = next(e for e in bv.EXERCISES if e.id == "bias_variance.diagnose")
    for seed in range(50):
        for hidden in (0, 1):
            for case in exercise.cases(np.random.default_rng([seed, hidden])):
                train, val = case.args
                human, threshold = case.kwargs.get("human_error", 0.0), case.kwargs.get("threshold", 0.02)
                assert abs(train - human - threshold) > 1e-9 and abs(val - train - threshold) > 1e-9


@pytest.mark.parametrize("exercise", bv.EXERCISES, ids=lambda e: e.id)
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

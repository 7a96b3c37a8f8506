"""The references of notebook 08 agree with closed forms and finite differences; their cases run cleanly
(pytest turns warnings into errors) and every known mistake is told apart from them."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from mlcourse import batchnorm as bn
from mlcourse.gradcheck import numerical_gradient, relative_error

RNG = np.random.default_rng(808)


def _batch(n=4, m=6, constant_row=None):
    Z = RNG.normal(size=(n, m)) * RNG.uniform(0.5, 3, size=(n, 1)) + RNG.normal(size=(n, 1)) * 2
    if constant_row is not None:
        Z[constant_row] = 1.25
    return Z, RNG.normal(size=(n, 1)), RNG.normal(size=(n, 1))


# --- forward passes --------------------------------------------------------------------------------


def test_batchnorm_forward_gives_each_unit_mean_beta_and_spread_gamma():
    Z, gamma, beta = _batch()
    out, (Z_c, Z_hat, mu, var, g, b, eps) = bn.batchnorm_forward(Z, gamma, beta, eps=1e-12)
    assert mu.shape == var.shape == (4, 1) and out.shape == Z.shape
    np.testing.assert_allclose(mu[:, 0], [np.mean(row) for row in Z], rtol=1e-12)
    np.testing.assert_allclose(var[:, 0], [np.var(row) for row in Z], rtol=1e-12)  # population variance
    np.testing.assert_allclose(Z_hat.mean(axis=1), 0, atol=1e-12)
    np.testing.assert_allclose(Z_hat.std(axis=1), 1, rtol=1e-9)
    np.testing.assert_allclose(out.mean(axis=1, keepdims=True), beta, atol=1e-12)
    np.testing.assert_allclose(out.std(axis=1, keepdims=True), np.abs(gamma), rtol=1e-9)
    assert Z_c is Z and g is gamma and b is beta and eps == 1e-12


def test_batchnorm_forward_by_hand_on_one_unit():
    Z = np.array([[1.0, 2.0, 3.0, 6.0]])  # μ = 3, σ² = (4 + 1 + 0 + 9)/4 = 3.5
    out, cache = bn.batchnorm_forward(Z, np.array([[2.0]]), np.array([[1.0]]), eps=0.5)
    np.testing.assert_allclose(out, 2.0 * (Z - 3.0) / 2.0 + 1.0, rtol=1e-15)  # √(3.5 + 0.5) = 2
    assert cache[2][0, 0] == 3.0 and cache[3][0, 0] == 3.5


def test_a_constant_unit_is_normalised_to_zero_where_the_notes_formula_gives_nan():
    Z, gamma, beta = _batch(constant_row=1)
    out, cache = bn.batchnorm_forward(Z, gamma, beta)
    np.testing.assert_array_equal(cache[1][1], 0.0)
    np.testing.assert_array_equal(out[1], np.full(Z.shape[1], beta[1, 0]))
    with np.errstate(invalid="ignore"):
        assert np.isnan((Z[1] - cache[2][1]) / np.sqrt(cache[3][1] - 1e-5)).all()  # the notes' √(σ² − ε)
    wrong = next(f for s, f in _fingerprints("batchnorm.batchnorm_forward").items() if "√(σ² − ε)" in s)
    assert np.isnan(wrong(Z, gamma, beta)[0][1]).all()


def test_layernorm_forward_normalises_each_example_and_needs_no_batch():
    Z, gamma, beta = _batch(n=5, m=3)
    out, (_, Z_hat, mu, var, *_rest) = bn.layernorm_forward(Z, gamma, beta, eps=1e-12)
    assert mu.shape == var.shape == (1, 3)
    np.testing.assert_allclose(Z_hat.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(Z_hat.std(axis=0), 1, rtol=1e-9)
    single, _ = bn.layernorm_forward(Z[:, :1], gamma, beta, eps=1e-12)
    np.testing.assert_allclose(single, out[:, :1], rtol=1e-12)  # one example alone: the same output


def test_layernorm_is_batchnorm_of_the_transpose_with_gamma_per_unit():
    Z, gamma, beta = _batch(n=3, m=5)
    ln_hat = bn.layernorm_forward(Z, np.ones((3, 1)), np.zeros((3, 1)))[1][1]
    bn_hat = bn.batchnorm_forward(Z.T, np.ones((5, 1)), np.zeros((5, 1)))[1][1]
    np.testing.assert_allclose(ln_hat, bn_hat.T, rtol=1e-12)


# --- backward passes: finite differences ----------------------------------------------------------


def _check_backward(forward, backward, Z, gamma, beta, eps=1e-5):
    dout = RNG.normal(size=Z.shape)
    out, cache = forward(Z, gamma, beta, eps)
    dZ, dgamma, dbeta = backward(dout, cache)
    assert dZ.shape == Z.shape and dgamma.shape == dbeta.shape == gamma.shape
    loss = lambda Z_, g_, b_: float(np.sum(forward(Z_, g_, b_, eps)[0] * dout))  # noqa: E731
    for got, numerical in ((dZ, numerical_gradient(lambda z: loss(z, gamma, beta), Z.copy())),
                           (dgamma, numerical_gradient(lambda g: loss(Z, g, beta), gamma.copy())),
                           (dbeta, numerical_gradient(lambda b: loss(Z, gamma, b), beta.copy()))):
        assert relative_error(got, numerical) < 1e-7, relative_error(got, numerical)


@pytest.mark.parametrize("constant_row", [None, 2])
@pytest.mark.parametrize("shape", [(4, 6), (3, 2), (1, 5)])
def test_batchnorm_backward_matches_finite_differences(shape, constant_row):
    Z, gamma, beta = _batch(*shape, constant_row=constant_row if constant_row is not None and constant_row < shape[0] else None)
    _check_backward(bn.batchnorm_forward, bn.batchnorm_backward, Z, gamma, beta, eps=1e-3)


@pytest.mark.parametrize("shape", [(4, 6), (5, 1), (3, 2)])
def test_layernorm_backward_matches_finite_differences(shape):
    Z, gamma, beta = _batch(*shape)
    _check_backward(bn.layernorm_forward, bn.layernorm_backward, Z, gamma, beta, eps=1e-3)


def test_batchnorm_backward_of_a_shift_is_zero():
    Z, gamma, beta = _batch()
    dZ, _, dbeta = bn.batchnorm_backward(np.ones_like(Z), bn.batchnorm_forward(Z, gamma, beta)[1])
    np.testing.assert_allclose(dZ, 0, atol=1e-12)  # adding a constant to a unit's outputs: Ẑ does not move
    np.testing.assert_array_equal(dbeta, np.full((4, 1), Z.shape[1]))


# --- running statistics and evaluation ------------------------------------------------------------


def test_running_statistics_forget_geometrically():
    mean, var = np.zeros((2, 1)), np.ones((2, 1))
    target_mean, target_var = np.array([[3.0], [-1.0]]), np.array([[4.0], [0.25]])
    for step in range(1, 51):
        mean, var = bn.update_running_stats(mean, var, target_mean, target_var, momentum=0.9)
        np.testing.assert_allclose(mean, target_mean * (1 - 0.9**step), rtol=1e-12)
        np.testing.assert_allclose(var, target_var + (1 - target_var) * 0.9**step, rtol=1e-12)


def test_inference_with_the_batch_statistics_is_training_mode():
    Z, gamma, beta = _batch()
    out, (_, _, mu, var, *_rest) = bn.batchnorm_forward(Z, gamma, beta)
    np.testing.assert_allclose(bn.batchnorm_inference(Z, gamma, beta, mu, var), out, rtol=1e-12)
    one = bn.batchnorm_inference(Z[:, :1], gamma, beta, mu, var)  # a batch of one: same as inside the batch
    np.testing.assert_allclose(one, out[:, :1], rtol=1e-12)


# --- every reference leaves its inputs alone, the mistakes differ from the reference --------------


def _fingerprints(exercise_id):
    return next(e for e in bn.EXERCISES if e.id == exercise_id).fingerprints


@pytest.mark.parametrize("exercise", bn.EXERCISES, ids=lambda e: e.id)
def test_references_run_their_cases_cleanly_and_leave_inputs_unchanged(exercise):
    for seed in (0, 1, 2):
        for case in exercise.cases(np.random.default_rng(seed)):
            before = copy.deepcopy((case.args, case.kwargs))
            result = exercise.reference(*case.args, **case.kwargs)
            for value in (result if isinstance(result, tuple) else (result,)):
                for array in (value if isinstance(value, tuple) else (value,)):
                    if isinstance(array, np.ndarray):
                        assert array.dtype == np.float64 and np.all(np.isfinite(array))
            np.testing.assert_equal(case.args, before[0])

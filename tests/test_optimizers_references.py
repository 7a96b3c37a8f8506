"""The references of notebook 05 agree with closed forms, independent computations and the worked numbers
of the notes; they never change their inputs; their cases run cleanly (pytest turns warnings into errors)
and every known mistake differs from the reference and from every other mistake on some case."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from mlcourse import optimizers as op
from mlcourse.compare import compare

RNG = np.random.default_rng(2025)
NETWORK = op._network(np.random.default_rng(1), [3, 4, 2])  # W1 (4, 3), b1 (4, 1), W2 (2, 4), b2 (2, 1)


def gradients(scale: float = 1.0, seed: int = 2) -> dict:
    return op._gradient_like(NETWORK, np.random.default_rng(seed), scale)


# --- exponentially weighted averages -----------------------------------------------------------------


def test_ewa_reproduces_the_notes_numbers():
    np.testing.assert_allclose(op.ewa(op.NOTES_VALUES, 0.9), [0.081, 0.1629, 0.24261, 0.252349], rtol=1e-12)
    corrected = op.ewa(op.NOTES_VALUES, 0.9, bias_correction=True)
    # The notes print 0.8953 and 0.7343 for the last two; 0.24261/0.271 = 0.89524 and 0.25235/0.3439 = 0.73379.
    np.testing.assert_allclose(corrected, [0.81, 0.8574, 0.8952, 0.7338], atol=5e-5)
    np.testing.assert_allclose(corrected, op.ewa(op.NOTES_VALUES, 0.9) / (1 - 0.9 ** np.arange(1, 5)), rtol=1e-12)
    assert corrected.dtype == np.float64 and corrected.shape == (4,)


def test_ewa_matches_its_closed_form():
    values, beta = RNG.normal(size=12), 0.85
    t = np.arange(1, 13)
    closed = [(1 - beta) * sum(beta ** (k - i) * values[i - 1] for i in range(1, k + 1)) for k in t]
    np.testing.assert_allclose(op.ewa(values, beta), closed, rtol=1e-12)
    np.testing.assert_allclose(op.ewa(values, beta, bias_correction=True), closed / (1 - beta**t), rtol=1e-12)


def test_ewa_with_beta_zero_returns_the_values():
    values = RNG.normal(size=7)
    np.testing.assert_array_equal(op.ewa(values, 0.0), values)
    np.testing.assert_array_equal(op.ewa(values, 0.0, bias_correction=True), values)


@pytest.mark.parametrize("beta", [0.5, 0.9, 0.99])
def test_bias_corrected_ewa_of_a_constant_is_the_constant(beta):
    np.testing.assert_allclose(op.ewa(np.full(40, 2.5), beta, bias_correction=True), np.full(40, 2.5), rtol=1e-12)
    np.testing.assert_allclose(op.ewa(np.full(40, 2.5), beta), 2.5 * (1 - beta ** np.arange(1, 41)), rtol=1e-12)


# --- zero moments --------------------------------------------------------------------------------------


def test_initialized_moments_are_float64_zeros_keyed_by_the_gradients():
    parameters = {"W1": np.ones((4, 3), dtype=np.int64), "b1": np.ones((4, 1)), "W2": np.ones((1, 4)),
                  "b2": np.ones((1, 1))}
    v = op.initialize_velocity(parameters)
    adam_v, adam_s = op.initialize_adam(parameters)
    for moments in (v, adam_v, adam_s):
        assert list(moments) == ["dW1", "db1", "dW2", "db2"]
        for name, p in parameters.items():
            assert moments["d" + name].shape == p.shape and moments["d" + name].dtype == np.float64
            assert not moments["d" + name].any()
    assert adam_v is not adam_s and all(adam_v[k] is not adam_s[k] for k in adam_v)  # two separate dicts


# --- momentum and Nesterov -----------------------------------------------------------------------------


def test_momentum_with_beta_zero_is_plain_gradient_descent():
    g, v = gradients(), gradients(0.5, seed=3)
    parameters, new_v = op.update_with_momentum(NETWORK, g, v, 0.0, 0.1)
    for name, p in NETWORK.items():
        np.testing.assert_allclose(parameters[name], p - 0.1 * g["d" + name], rtol=1e-12)
        np.testing.assert_array_equal(new_v["d" + name], g["d" + name])


def test_momentum_on_a_constant_gradient_follows_the_closed_form():
    g, beta, lr = gradients(), 0.9, 0.05
    parameters, v = NETWORK, op.initialize_velocity(NETWORK)
    for _ in range(6):
        parameters, v = op.update_with_momentum(parameters, g, v, beta, lr)
    total = sum(1 - beta**j for j in range(1, 7))
    for name, p in NETWORK.items():
        key = "d" + name
        np.testing.assert_allclose(v[key], (1 - beta**6) * g[key], rtol=1e-12)  # v_k = (1 − β^k)·g
        np.testing.assert_allclose(parameters[name], p - lr * total * g[key], rtol=1e-12)  # Σ_j (1 − β^j) steps


def test_nesterov_with_zero_velocity_or_beta_zero_matches_simpler_steps():
    a, centre = np.array([[3.0, 1.0], [1.0, 2.0]]), np.array([1.0, -1.0])
    grad_f = op._bowl(a, centre)
    w, v = np.array([0.5, 2.0]), np.array([1.0, -3.0])
    new_w, new_v = op.nesterov_step(grad_f, w, np.zeros(2), 0.9, 0.1)  # v = 0: look-ahead is w, as momentum
    np.testing.assert_allclose(new_v, 0.1 * a @ (w - centre), rtol=1e-12)
    np.testing.assert_allclose(new_w, w - 0.1 * new_v, rtol=1e-12)
    new_w, new_v = op.nesterov_step(grad_f, w, v, 0.0, 0.1)  # β = 0: plain gradient descent
    np.testing.assert_allclose(new_w, w - 0.1 * a @ (w - centre), rtol=1e-12)
    look_ahead = w - 0.1 * 0.8 * v  # the gradient is taken at w − lr·β·v
    np.testing.assert_allclose(op.nesterov_step(grad_f, w, v, 0.8, 0.1)[1], 0.8 * v + 0.2 * a @ (look_ahead - centre),
                               rtol=1e-12)


def test_nesterov_converges_on_a_quadratic():
    a, centre = np.array([[10.0, 0.0], [0.0, 1.0]]), np.array([2.0, -3.0])
    grad_f = op._bowl(a, centre)
    w, v = np.zeros(2), np.zeros(2)
    for _ in range(500):
        w, v = op.nesterov_step(grad_f, w, v, 0.9, 0.15)
    np.testing.assert_allclose(w, centre, atol=1e-10)
    np.testing.assert_allclose(v, 0.0, atol=1e-10)


# --- AdaGrad, RMSProp, Adam ----------------------------------------------------------------------------


def test_adagrad_on_a_constant_gradient_shrinks_its_steps_like_one_over_root_k():
    g, lr = gradients(), 0.1
    s = op._zeros_like(NETWORK)
    parameters = NETWORK
    for k in range(1, 6):
        before = parameters
        parameters, s = op.update_with_adagrad(parameters, g, s, lr)
        for name in NETWORK:
            key = "d" + name
            np.testing.assert_allclose(s[key], k * g[key] ** 2, rtol=1e-12)
            expected = lr * g[key] / (np.sqrt(k) * np.abs(g[key]) + 1e-8)  # ≈ lr·sign(g)/√k
            np.testing.assert_allclose(before[name] - parameters[name], expected, rtol=1e-9, atol=1e-15)


def test_rmsprop_on_a_constant_gradient_follows_the_closed_form():
    g, beta, lr = gradients(), 0.9, 0.01
    s = op._zeros_like(NETWORK)
    parameters = NETWORK
    for k in range(1, 8):
        before = parameters
        parameters, s = op.update_with_rmsprop(parameters, g, s, beta, lr)
        for name in NETWORK:
            key = "d" + name
            np.testing.assert_allclose(s[key], (1 - beta**k) * g[key] ** 2, rtol=1e-12)
            step = lr * g[key] / (np.sqrt(1 - beta**k) * np.abs(g[key]) + 1e-8)
            np.testing.assert_allclose(before[name] - parameters[name], step, rtol=1e-9, atol=1e-15)
    with_beta_zero, _ = op.update_with_rmsprop(NETWORK, g, op._zeros_like(NETWORK), 0.0, lr)
    for name in NETWORK:  # β = 0: s = g², a step of ≈ lr·sign(g)
        np.testing.assert_allclose(NETWORK[name] - with_beta_zero[name], lr * np.sign(g["d" + name]), rtol=1e-6)


def test_adams_first_step_moves_each_parameter_by_lr_times_the_sign_of_its_gradient():
    g = gradients()
    v, s = op.initialize_adam(NETWORK)
    parameters, v, s, v_hat, s_hat = op.update_with_adam(NETWORK, g, v, s, 1, 0.01)
    for name, p in NETWORK.items():
        key = "d" + name
        np.testing.assert_allclose(p - parameters[name], 0.01 * np.sign(g[key]), rtol=1e-6)
        np.testing.assert_allclose(v[key], 0.1 * g[key], rtol=1e-12)
        np.testing.assert_allclose(s[key], 0.001 * g[key] ** 2, rtol=1e-12)
        np.testing.assert_allclose(v_hat[key], g[key], rtol=1e-12)
        np.testing.assert_allclose(s_hat[key], g[key] ** 2, rtol=1e-12)


def test_adams_bias_correction_is_exact_for_a_constant_gradient():
    g, lr = gradients(), 0.001
    v, s = op.initialize_adam(NETWORK)
    parameters = NETWORK
    for t in range(1, 40):
        before = parameters
        parameters, v, s, v_hat, s_hat = op.update_with_adam(parameters, g, v, s, t, lr)
        for name in NETWORK:
            key = "d" + name
            np.testing.assert_allclose(v_hat[key], g[key], rtol=1e-9)
            np.testing.assert_allclose(s_hat[key], g[key] ** 2, rtol=1e-9)
            np.testing.assert_allclose(before[name] - parameters[name], lr * np.sign(g[key]), rtol=1e-6)


def test_adam_with_beta1_zero_is_rmsprop_with_a_corrected_s():
    g, s = gradients(), op._gradient_like(NETWORK, np.random.default_rng(4), squares=True)
    adam, _, adam_s, v_hat, s_hat = op.update_with_adam(NETWORK, g, op._zeros_like(NETWORK), s, 3, 0.01,
                                                         beta1=0.0, beta2=0.9, eps=1e-3)
    _, rms_s = op.update_with_rmsprop(NETWORK, g, s, 0.9, 0.01)
    for name in NETWORK:
        key = "d" + name
        np.testing.assert_array_equal(v_hat[key], g[key])
        np.testing.assert_allclose(adam_s[key], rms_s[key], rtol=1e-12)
        np.testing.assert_allclose(NETWORK[name] - adam[name], 0.01 * g[key] / (np.sqrt(s_hat[key]) + 1e-3), rtol=1e-12)


def test_eps_is_added_outside_the_root():
    tiny = op._tiny_gradients(NETWORK)
    zeros = op._zeros_like(NETWORK)
    parameters, _ = op.update_with_adagrad(NETWORK, tiny, zeros, 0.1)
    adam = op.update_with_adam(NETWORK, tiny, zeros, zeros, 1, 0.1)[0]
    for name in NETWORK:
        g = tiny["d" + name]
        np.testing.assert_allclose(NETWORK[name] - parameters[name], 0.1 * g / (np.abs(g) + 1e-8), rtol=1e-12)
        np.testing.assert_allclose(NETWORK[name] - adam[name], 0.1 * g / (np.abs(g) + 1e-8), rtol=1e-9)


# --- inputs are left alone and results are new -----------------------------------------------------------


def _calls():
    g, v, s = gradients(), gradients(0.3, seed=5), op._gradient_like(NETWORK, np.random.default_rng(6), squares=True)
    grad_f = op._bowl(np.eye(3), np.zeros(3))
    return [
        (op.ewa, (RNG.normal(size=5), 0.9), {"bias_correction": True}),
        (op.initialize_velocity, (NETWORK,), {}),
        (op.initialize_adam, (NETWORK,), {}),
        (op.update_with_momentum, (NETWORK, g, v, 0.9, 0.1), {}),
        (op.nesterov_step, (grad_f, np.ones(3), np.full(3, 0.5), 0.9, 0.1), {}),
        (op.update_with_adagrad, (NETWORK, g, s, 0.1), {}),
        (op.update_with_rmsprop, (NETWORK, g, s, 0.9, 0.1), {}),
        (op.update_with_adam, (NETWORK, g, v, s, 3, 0.01), {}),
    ]


def _leaves(value):
    """Every array inside nested tuples and dicts."""
    if isinstance(value, dict):
        return [a for item in value.values() for a in _leaves(item)]
    if isinstance(value, (tuple, list)):
        return [a for item in value for a in _leaves(item)]
    return [value] if isinstance(value, np.ndarray) else []


@pytest.mark.parametrize("fn, args, kwargs", _calls(), ids=lambda x: getattr(x, "__name__", ""))
def test_inputs_are_never_changed_and_results_share_no_arrays_with_them(fn, args, kwargs):
    before = copy.deepcopy(args)
    result = fn(*args, **kwargs)
    for old, new in zip(_leaves(before), _leaves(args)):
        np.testing.assert_array_equal(old, new)
    inputs = {id(a) for a in _leaves(args)}
    assert not any(id(a) in inputs for a in _leaves(result))
    assert not any(r is a for r in (result if isinstance(result, tuple) else (result,)) for a in args)
    for array in _leaves(result):
        assert array.dtype == np.float64


# --- the cases and the mistakes --------------------------------------------------------------------------


def _same(a, b, tol) -> bool:
    """Equal within the tolerance, or exactly equal (counting nan and inf)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k], tol) for k in a)
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        return len(a) == len(b) and all(_same(x, y, tol) for x, y in zip(a, b))
    if isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.shape == b.shape and np.array_equal(
            a, b, equal_nan=True):
        return True
    try:
        return compare(a, b, tol) is None
    except TypeError:
        return False


@pytest.mark.parametrize("exercise", op.EXERCISES, ids=lambda e: e.id)
def test_cases_run_cleanly_and_every_mistake_is_told_apart(exercise):
    assert exercise.id == f"optimizers.{exercise.reference.__name__}"
    assert len(exercise.fingerprints) >= 2
    for seed in range(3):
        cases = exercise.cases(np.random.default_rng(seed))
        again = exercise.cases(np.random.default_rng(seed))
        assert [c.name for c in cases] == [c.name for c in again]
        assert sum(c.name.startswith("random #") for c in cases) >= 2
        assert all(c.name for c in cases) and not cases[0].name.startswith("random")
        expected = [exercise.reference(*copy.deepcopy(c.args), **copy.deepcopy(c.kwargs)) for c in cases]
        for result in expected:
            assert all(np.all(np.isfinite(a)) for a in _leaves(result))
        with np.errstate(all="ignore"):
            wrong = {sentence: [fn(*copy.deepcopy(c.args), **copy.deepcopy(c.kwargs)) for c in cases]
                     for sentence, fn in exercise.fingerprints.items()}
        for sentence, outputs in wrong.items():
            assert not all(_same(e, o, exercise.tolerance) for e, o in zip(expected, outputs)), sentence
        sentences = list(wrong)
        for i, first in enumerate(sentences):
            for second in sentences[i + 1:]:
                pair = zip(wrong[first], wrong[second])
                assert not all(_same(a, b, exercise.tolerance) for a, b in pair), (first, second)

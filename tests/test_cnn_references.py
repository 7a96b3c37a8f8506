"""The references of notebook 09 agree with the definitions written as loops, with finite differences and
with the notes' Keras summaries; their cases run cleanly and leave their inputs unchanged."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from mlcourse import cnn
from mlcourse.gradcheck import numerical_gradient, relative_error

RNG = np.random.default_rng(909)


def conv_by_definition(A_prev, W, b, stride, pad):
    """Z[i, h, w, c] = Σ_{p,q,k} A_pad[i, h·s + p, w·s + q, k] W[p, q, k, c] + b[c], written out."""
    m, H, Wd, C = A_prev.shape
    f, _, _, K = W.shape
    A_pad = np.zeros((m, H + 2 * pad, Wd + 2 * pad, C))
    A_pad[:, pad:pad + H, pad:pad + Wd, :] = A_prev
    n_H, n_W = (H + 2 * pad - f) // stride + 1, (Wd + 2 * pad - f) // stride + 1
    Z = np.zeros((m, n_H, n_W, K))
    for i in range(m):
        for h in range(n_H):
            for w in range(n_W):
                for c in range(K):
                    total = b[c]
                    for p in range(f):
                        for q in range(f):
                            for k in range(C):
                                total += A_pad[i, h * stride + p, w * stride + q, k] * W[p, q, k, c]
                    Z[i, h, w, c] = total
    return Z


SHAPES = [((2, 5, 4, 3), 3, 2, 1, 1), ((1, 7, 7, 1), 3, 1, 2, 0), ((3, 6, 5, 2), 2, 4, 1, 2), ((1, 4, 4, 2), 4, 3, 1, 0),
          ((2, 8, 9, 1), 5, 2, 3, 2), ((1, 3, 3, 1), 1, 1, 2, 1)]


@pytest.mark.parametrize("shape, f, n_C, stride, pad", SHAPES)
def test_conv_forward_is_the_cross_correlation_of_its_definition(shape, f, n_C, stride, pad):
    A, W, b = RNG.normal(size=shape), RNG.normal(size=(f, f, shape[3], n_C)), RNG.normal(size=n_C)
    Z, cache = cnn.conv_forward(A, W, b, stride, pad)
    np.testing.assert_allclose(Z, conv_by_definition(A, W, b, stride, pad), rtol=1e-12, atol=1e-12)
    assert Z.shape[1] == cnn.conv_output_size(shape[1], f, pad, stride)
    assert cache[0] is A and cache[1] is W and cache[2] is b and cache[3:] == (stride, pad)


def test_conv_forward_finds_the_vertical_edge():
    Z, _ = cnn.conv_forward(cnn.EDGE_IMAGE, cnn.SOBEL_X, np.zeros(1))
    np.testing.assert_array_equal(Z[0, :, :, 0], [[-4.0, -4.0, 0.0], [-4.0, -4.0, 0.0]])


@pytest.mark.parametrize("shape, f, n_C, stride, pad", SHAPES)
def test_conv_backward_matches_finite_differences(shape, f, n_C, stride, pad):
    A, W, b = RNG.normal(size=shape), RNG.normal(size=(f, f, shape[3], n_C)), RNG.normal(size=n_C)
    Z, cache = cnn.conv_forward(A, W, b, stride, pad)
    dZ = RNG.normal(size=Z.shape)
    dA, dW, db = cnn.conv_backward(dZ, cache)
    assert dA.shape == A.shape and dW.shape == W.shape and db.shape == b.shape
    loss = lambda A_, W_, b_: float(np.sum(cnn.conv_forward(A_, W_, b_, stride, pad)[0] * dZ))  # noqa: E731
    assert relative_error(dA, numerical_gradient(lambda a: loss(a, W, b), A.copy())) < 1e-8
    assert relative_error(dW, numerical_gradient(lambda w: loss(A, w, b), W.copy())) < 1e-8
    assert relative_error(db, numerical_gradient(lambda v: loss(A, W, v), b.copy())) < 1e-8


@pytest.mark.parametrize("group_bytes", [1, 10_000, 20_000])
def test_conv_in_groups_of_examples_gives_the_same_results(monkeypatch, group_bytes):
    """im2col and col2im go through the batch a few examples at a time (cnn._GROUP_BYTES); groups of 1, 2 and 4
    of 5 examples (the last one shorter) give what one group gives, and the forward pass its definition."""
    A, W, b = RNG.normal(size=(5, 6, 5, 2)), RNG.normal(size=(3, 3, 2, 4)), RNG.normal(size=4)
    Z, cache = cnn.conv_forward(A, W, b, 1, 1)
    dZ = RNG.normal(size=Z.shape)
    whole = (Z, *cnn.conv_backward(dZ, cache))
    monkeypatch.setattr(cnn, "_GROUP_BYTES", group_bytes)
    assert len(cnn._groups(5, 8 * 30 * 19)) > 1 and len(cnn._groups(5, 8 * 30 * 37)) > 1
    Z_grouped, cache = cnn.conv_forward(A, W, b, 1, 1)
    np.testing.assert_allclose(Z_grouped, conv_by_definition(A, W, b, 1, 1), rtol=1e-12, atol=1e-12)
    for grouped, one in zip((Z_grouped, *cnn.conv_backward(dZ, cache)), whole):
        assert grouped.shape == one.shape
        np.testing.assert_allclose(grouped, one, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("shape, f, pad", [((0, 5, 5, 2), 3, 1), ((2, 2, 2, 2), 3, 0), ((0, 2, 2, 1), 3, 0)])
def test_conv_of_an_empty_batch_or_an_empty_output_is_empty(shape, f, pad):
    A, W, b = RNG.normal(size=shape), RNG.normal(size=(f, f, shape[3], 3)), RNG.normal(size=3)
    Z, cache = cnn.conv_forward(A, W, b, 1, pad)
    assert Z.shape == (shape[0], *(2 * [cnn.conv_output_size(shape[1], f, pad, 1)]), 3) and Z.size == 0
    dA, dW, db = cnn.conv_backward(np.ones(Z.shape), cache)
    assert dA.shape == A.shape and dW.shape == W.shape and db.shape == b.shape
    assert not (dA.any() or dW.any() or db.any())


@pytest.mark.parametrize("channels", [1, 3])
def test_conv_results_are_their_own_arrays_whatever_later_calls_do(channels):
    """What conv_forward and conv_backward return shares no memory with any later call: a later call, on
    other shapes or the same, leaves earlier results unchanged (as it would not with module-level buffers)."""
    A, W, b = RNG.normal(size=(2, 6, 5, channels)), RNG.normal(size=(3, 3, channels, 4)), RNG.normal(size=4)
    Z, cache = cnn.conv_forward(A, W, b, 1, 1)
    dZ = RNG.normal(size=Z.shape)
    results = (Z, *cnn.conv_backward(dZ, cache))
    kept = [r.copy() for r in results]
    for shape, pad in (((2, 6, 5, channels), 1), ((3, 9, 9, channels), 0)):
        A2 = RNG.normal(size=shape)
        Z2, cache2 = cnn.conv_forward(A2, W, b, 1, pad)
        cnn.conv_backward(RNG.normal(size=Z2.shape), cache2)
    for result, copy_ in zip(results, kept):
        np.testing.assert_array_equal(result, copy_)


def test_conv_output_size_and_zero_pad():
    assert [cnn.conv_output_size(*a) for a in [(20, 3, 0, 1), (18, 5, 0, 1), (14, 7, 0, 1), (20, 7, 3, 1),
                                                (8, 3, 0, 2), (10, 2, 0, 2)]] == [18, 14, 8, 20, 3, 5]
    X = RNG.normal(size=(2, 3, 4, 2))
    padded = cnn.zero_pad(X, 2)
    assert padded.shape == (2, 7, 8, 2)
    np.testing.assert_array_equal(padded[:, 2:5, 2:6, :], X)
    assert np.sum(padded != 0) == X.size


def test_conv_single_step_by_hand():
    a = np.arange(9.0).reshape(3, 3, 1)
    W = np.array([[1.0, 0.0, -1.0]] * 3).reshape(3, 3, 1)
    assert cnn.conv_single_step(a, W, 0.5) == (0 + 3 + 6) - (2 + 5 + 8) + 0.5
    assert isinstance(cnn.conv_single_step(a, W, 0.5), float)


def pool_by_definition(A, f, stride):
    m, H, W, C = A.shape
    n_H, n_W = (H - f) // stride + 1, (W - f) // stride + 1
    out, grad_to = np.zeros((m, n_H, n_W, C)), {}
    for i in range(m):
        for h in range(n_H):
            for w in range(n_W):
                for c in range(C):
                    window = A[i, h * stride:h * stride + f, w * stride:w * stride + f, c]
                    out[i, h, w, c] = window.max()
                    p, q = divmod(int(np.argmax(window)), f)
                    grad_to[i, h, w, c] = (i, h * stride + p, w * stride + q, c)
    return out, grad_to


@pytest.mark.parametrize("shape, f, stride", [((2, 4, 4, 3), 2, 2), ((1, 5, 5, 1), 3, 1), ((2, 6, 7, 2), 3, 2),
                                              ((1, 5, 4, 2), 2, 3)])
def test_maxpool_forward_and_backward_follow_their_definition(shape, f, stride):
    A = np.maximum(RNG.normal(size=shape), 0.0)  # ReLU outputs: many ties at 0
    out, cache = cnn.maxpool_forward(A, f, stride)
    expected, grad_to = pool_by_definition(A, f, stride)
    np.testing.assert_array_equal(out, expected)
    dA = RNG.normal(size=out.shape)
    want = np.zeros(A.shape)
    for where, target in grad_to.items():
        want[target] += dA[where]  # overlapping windows add up
    np.testing.assert_allclose(cnn.maxpool_backward(dA, cache), want, rtol=1e-12, atol=1e-15)


def test_maxpool_backward_matches_finite_differences_away_from_ties():
    A = RNG.permutation(np.arange(2 * 6 * 6 * 2, dtype=float)).reshape(2, 6, 6, 2) / 10  # distinct values
    out, cache = cnn.maxpool_forward(A, 3, 1)
    dA = RNG.normal(size=out.shape)
    numerical = numerical_gradient(lambda a: float(np.sum(cnn.maxpool_forward(a, 3, 1)[0] * dA)), A.copy())
    assert relative_error(cnn.maxpool_backward(dA, cache), numerical) < 1e-8


def test_model_summary_reproduces_the_notes_keras_summaries():
    rows, total = cnn.model_summary((20, 20, 3), cnn.NOTES_VALID)
    assert rows == [((20, 20, 16), 64), ((18, 18, 32), 4640), ((14, 14, 64), 51264), ((8, 8, 128), 401536),
                    ((8192,), 0), ((2,), 16386)]
    assert total == 473_890
    rows, total = cnn.model_summary((20, 20, 3), cnn.NOTES_SAME)
    assert [r[0] for r in rows][1:5] == [(20, 20, 32), (20, 20, 64), (20, 20, 128), (51200,)]
    assert rows[-1] == ((2,), 102402) and total == 559_906
    assert cnn.model_summary((20, 20, 3), cnn.NOTES_POOLED)[1] == 68_770
    assert cnn.model_summary((20, 20, 3), [("conv", 2, 3, "same"), ("conv", 3, 3, "same"), ("flatten",),
                                           ("dense", 2)])[1] == 2515


def test_model_summary_counts_the_parameters_of_real_arrays():
    """The count for a conv → pool → dense net equals the sizes of arrays that run through the layers."""
    W1, b1 = RNG.normal(size=(3, 3, 1, 8)), RNG.normal(size=8)
    Z, _ = cnn.conv_forward(RNG.normal(size=(1, 8, 8, 1)), W1, b1, 1, 1)
    P, _ = cnn.maxpool_forward(Z, 2, 2)
    W2, b2 = RNG.normal(size=(P.size, 10)), RNG.normal(size=10)
    rows, total = cnn.model_summary((8, 8, 1), [("conv", 8, 3, "same"), ("maxpool", 2, 2), ("flatten",), ("dense", 10)])
    assert [r[0] for r in rows] == [Z.shape[1:], P.shape[1:], (P.size,), (10,)]
    assert total == W1.size + b1.size + W2.size + b2.size


@pytest.mark.parametrize("exercise", cnn.EXERCISES, ids=lambda e: e.id)
def test_references_run_their_cases_cleanly_and_leave_inputs_unchanged(exercise):
    for seed in (0, 1, 2):
        for case in exercise.cases(np.random.default_rng(seed)):
            before = copy.deepcopy((case.args, case.kwargs))
            result = exercise.reference(*case.args, **case.kwargs)
            first = result[0] if isinstance(result, tuple) else result
            if isinstance(first, np.ndarray):
                assert first.dtype == np.float64 and np.all(np.isfinite(first))
            np.testing.assert_equal(case.args, before[0])

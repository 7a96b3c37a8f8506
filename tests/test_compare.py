"""compare(): every key, every element, every shape is compared, and each difference is named in one
plain sentence with the evidence (shapes, dtype, entries, errors, the tolerance) behind it."""

from __future__ import annotations

import fractions

import numpy as np
import pytest

from mlcourse.compare import Mismatch, Tolerance, compare, describe

TOL = Tolerance()
M = np.arange(1.0, 7.0).reshape(2, 3)  # non-square, so a transpose cannot pass


def mismatch(expected, got, tol: Tolerance = TOL) -> Mismatch:
    found = compare(expected, got, tol)
    assert found is not None, f"{got!r} should not match {expected!r}"
    assert found.sentence.endswith((".", "?", "!")) and found.sentence[0].isupper()
    return found


def text(found: Mismatch) -> str:
    return found.sentence + "\n" + "\n".join(found.evidence)


# --- tuples ----------------------------------------------------------------------------------------


def test_tuple_equal_and_list_accepted_for_tuple():
    assert compare((1.0, M), (1.0, M.copy())) is None
    assert compare((1.0, 2.0), [1.0, 2.0]) is None


@pytest.mark.parametrize("got", [(1.0,), (1.0, 2.0, 3.0), ()])
def test_tuple_of_wrong_length(got):
    found = mismatch((1.0, 2.0), got)
    assert "2 values" in found.sentence and f"holds {len(got)}" in found.sentence


def test_tuple_compares_every_element():
    found = mismatch((1.0, 2.0, 3.0), (1.0, 2.0, 3.5))
    assert found.sentence.startswith("Your result[2]")


def test_tuple_expected_but_array_given():
    found = mismatch((1.0, 2.0), np.array([1.0, 2.0]))
    assert "tuple of 2 values" in found.sentence and "numpy array" in found.sentence


def test_nested_containers_name_the_path():
    expected = {"W": (M, 2.0)}
    found = mismatch(expected, {"W": (M, 3.0)})
    assert found.sentence.startswith("Your result['W'][1]")


def test_list_results_are_compared_element_by_element():
    batches = [(M, np.ones((1, 3))), (M[:, :1], np.zeros((1, 1)))]
    assert compare(batches, [(M.copy(), np.ones((1, 3))), (M[:, :1].copy(), np.zeros((1, 1)))]) is None
    assert "should hold 2 values, but it holds 1" in mismatch(batches, batches[:1]).sentence
    assert mismatch(batches, [batches[0], (M[:, :1], np.ones((1, 1)))]).sentence.startswith("Your result[1][1]")
    assert "should be a list of 2 values, but it is a numpy array" in mismatch(batches, M).sentence


# --- dicts -----------------------------------------------------------------------------------------


def test_dict_equal_in_any_order():
    assert compare({"a": 1.0, "b": M}, {"b": M.copy(), "a": 1.0}) is None


def test_dict_missing_key_fails():
    found = mismatch({"dW": M, "db": 1.0}, {"dW": M})
    assert "missing" in found.sentence and "'db'" in found.sentence
    assert any("expected keys" in line for line in found.evidence)


def test_dict_extra_key_fails():
    found = mismatch({"dW": M}, {"dW": M, "dA": M})
    assert "unexpected" in found.sentence and "'dA'" in found.sentence


def test_dict_with_a_missing_and_an_extra_key_names_both():
    found = mismatch({"dW": M, "db": 1.0}, {"dW": M, "d_b": 1.0})
    assert "'db'" in found.sentence and "'d_b'" in found.sentence


def test_dict_comparison_never_iterates_over_the_students_keys():
    class OnlyPretends(dict):
        """A dict that lies when iterated: it yields no keys at all."""

        def __iter__(self):
            return iter(())

        def keys(self):
            return []

        def items(self):
            return []

    found = compare({"a": 1.0}, OnlyPretends(a=2.0))
    assert found is not None  # a checker that iterates over the student's keys would pass this
    assert compare({}, {}) is None
    assert mismatch({"a": 1.0}, {}).sentence


def test_dict_values_compared_under_every_expected_key():
    found = mismatch({"a": 1.0, "b": 2.0, "c": 3.0}, {"a": 1.0, "b": 2.0, "c": -3.0})
    assert found.sentence.startswith("Your result['c']") and "sign" in found.sentence


def test_dict_expected_but_tuple_given():
    assert "dict" in mismatch({"a": 1.0}, (1.0,)).sentence


# --- arrays ----------------------------------------------------------------------------------------


def test_array_equal_within_tolerance():
    assert compare(M, M + 1e-9) is None
    assert compare(M, M * (1 + 5e-7)) is None


def test_transpose_is_diagnosed():
    found = mismatch(M, M.T.copy())
    assert "transpose" in found.sentence
    assert "(3, 2)" in found.sentence and "(2, 3)" in found.sentence


@pytest.mark.parametrize("expected_shape, got_shape", [((3, 1), (3,)), ((3,), (3, 1)), ((1, 4), (4,))])
def test_rank_one_versus_column_is_diagnosed(expected_shape, got_shape):
    values = np.arange(1.0, 1.0 + np.prod(expected_shape))
    found = mismatch(values.reshape(expected_shape), values.reshape(got_shape))
    assert str(got_shape) in found.sentence and str(expected_shape) in found.sentence
    assert "values are right" in found.sentence and "keepdims" in found.sentence


def test_broadcast_shape_is_diagnosed():
    found = mismatch(np.ones((3, 1)), np.ones((3, 3)))
    assert "(3, 3)" in found.sentence and "broadcast" in found.sentence


def test_list_instead_of_array():
    found = mismatch(M, M.tolist())
    assert "list" in found.sentence and "np.array" in found.sentence


def test_int_dtype_is_fine_when_the_values_are_right():
    assert compare(np.array([[1.0, 0.0], [2.0, 3.0]]), np.array([[1, 0], [2, 3]])) is None
    assert compare(np.array([[1.0, 0.0]]), np.array([[1, 0]], dtype=np.int32)) is None
    found = mismatch(np.array([[0.5, 1.0]]), np.array([[0, 1]]))
    assert "wrong values" in found.sentence


def test_non_numeric_dtype_is_named():
    found = mismatch(M, M.astype(str))
    assert "dtype" in found.sentence


def test_nan_in_an_array_is_named_with_its_index():
    got = M.copy()
    got[1, 2] = np.nan
    found = mismatch(M, got)
    assert "nan" in found.sentence
    assert "(1, 2)" in text(found)


def test_inf_in_an_array_is_named():
    got = M.copy()
    got[0, 0] = -np.inf
    assert "-inf" in mismatch(M, got).sentence


def test_inf_expected_and_given_is_fine():
    assert compare(np.array([1.0, np.inf]), np.array([1.0, np.inf])) is None


def test_array_value_evidence_shows_entries_errors_and_the_tolerance():
    got = M.copy()
    got[0, 1] += 0.5
    got[1, 2] -= 0.25
    found = mismatch(M, got)
    shown = text(found)
    assert "right shape but wrong values" in found.sentence
    assert "2 of 6 entries differ" in shown
    assert "at (0, 1): expected 2, got 2.5" in shown
    assert "at (1, 2): expected 6, got 5.75" in shown
    assert "max abs error 0.5" in shown and "max rel error 0.25" in shown
    assert str(TOL) in shown and "1e-06" in shown
    assert "shape (2, 3), dtype float64" in shown


def test_relative_error_skips_zero_entries():
    found = mismatch(np.array([0.0, 2.0]), np.array([1.0, 2.0]))
    assert "inf" not in text(found) and "max abs error 1" in text(found)


def test_sign_flip_and_constant_factor_are_named():
    assert "wrong sign" in mismatch(M, -M).sentence
    assert "2×" in mismatch(M, 2 * M).sentence
    assert "1/4 of" in mismatch(M, M / 4).sentence
    assert "factor" not in mismatch(M, M + 1).sentence


def test_a_looser_tolerance_is_used_and_shown():
    loose = Tolerance(rtol=1e-3, atol=1e-6)
    assert compare(M, M * (1 + 5e-4), loose) is None
    found = mismatch(M, M * (1 + 5e-3), loose)
    assert str(loose) in text(found) and "0.001" in text(found)


def test_number_where_an_array_is_due():
    found = mismatch(np.ones((2, 1)), 1.0)
    assert "single number" in found.sentence and "(2, 1)" in found.sentence


def test_string_where_an_array_is_due():
    found = mismatch(M, "array")
    assert "numpy array" in found.sentence and "str" in found.sentence


# --- scalars ---------------------------------------------------------------------------------------


def test_scalar_equal_and_numeric_types_accepted():
    assert compare(0.5, 0.5) is None
    assert compare(0.5, np.float64(0.5)) is None
    assert compare(0.5, np.float32(0.5)) is None
    assert compare(2.0, 2) is None
    assert compare(2.0, np.int64(2)) is None
    assert compare(0.5, fractions.Fraction(1, 2)) is None


def test_zero_d_array_is_accepted_as_a_number():
    # np.where and np.sum give 0-d arrays for plain-number inputs: that is a number, and right here
    assert compare(0.5, np.where(0.0 >= 0, np.array(0.5), 0.0)) is None
    assert compare(3, np.array(3)) is None
    found = mismatch(0.5, np.array(0.75))  # ... and wrong like any other number
    assert "wrong value" in found.sentence and found.kind == "value"
    assert "True" in mismatch(1.0, np.array(True)).sentence or "number" in mismatch(1.0, np.array(True)).sentence


def test_mismatches_say_what_kind_they_are():
    assert mismatch(np.ones((2, 3)), np.ones((3, 2))).kind == "shape"
    assert mismatch(np.ones(3), np.array([1.0, np.nan, 1.0])).kind == "nonfinite"
    assert mismatch(np.ones(3), 2 * np.ones(3)).kind == "value"
    assert mismatch((1.0, 2.0), (1.0,)).kind == "shape"
    assert mismatch(1.0, float("inf")).kind == "nonfinite"


def test_one_by_one_array_is_named_as_a_shape_mistake():
    found = mismatch(0.5, np.array([[0.5]]))
    assert "(1, 1)" in found.sentence and "single number" in found.sentence


def test_array_where_a_number_is_due():
    found = mismatch(2.0, np.ones(3))
    assert "(3,)" in found.sentence and "sum or mean" in found.sentence


@pytest.mark.parametrize("got, words", [(True, "True where a number is due"), ("0.5", "str"), ([0.5], "list"), (None, "return")])
def test_non_numbers_where_a_number_is_due(got, words):
    assert words in mismatch(0.5, got).sentence


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
def test_non_finite_scalar(bad):
    found = mismatch(0.5, bad)
    assert "finite" in found.sentence and "0.5" in text(found)


def test_scalar_evidence_shows_expected_got_error_and_tolerance():
    found = mismatch(2.0, 2.1)
    shown = text(found)
    assert "expected: 2.0" in shown and "got:      2.1" in shown
    assert "abs error 0.1" in shown and str(TOL) in shown
    assert "factor" not in found.sentence  # any wrong number is *some* multiple of the right one
    assert "factor" not in mismatch((1.0, 2.0), (1.0, 4.0)).sentence


def test_scalar_sign_is_named_but_no_factor():
    assert "it has the wrong sign" in mismatch(2.0, -2.0).sentence
    assert mismatch(2.0, 1.0).sentence == "Your result has the wrong value."  # 1/2 of it: a coincidence, maybe
    assert mismatch(np.array([[2.0]]), np.array([[6.0]])).sentence == (
        "Your result has the right shape but wrong values.")  # one entry is a single value too


def test_huge_integer_is_reported_not_raised():
    found = mismatch(2.0, 3**1000)
    assert "too large" in found.sentence


def test_wild_values_never_warn():
    # pytest turns warnings into errors: overflow inside the comparison must stay silent.
    assert mismatch(np.array([-1e308, 1e308]), np.array([1e308, -1e308])).sentence
    assert mismatch(np.array([1e-300, 1.0]), np.array([1e308, 1.0])).sentence
    assert mismatch(1e-300, 1e308).sentence


def test_absolute_tolerance_near_zero():
    assert compare(0.0, 1e-12) is None
    assert compare(0.0, 1e-3) is not None


# --- describe --------------------------------------------------------------------------------------


def test_describe_is_short_and_readable():
    assert describe(2.0) == "2.0"
    assert describe(np.float64(0.25)) == "0.25"
    assert describe(np.array(0.5)) == "0-d array(0.5)"
    assert describe((1.0, [2.0])) == "(1.0, [2.0])"
    assert describe({"a": 1.0}) == "{'a': 1.0}"
    assert describe(np.zeros((2, 3))).startswith("array of shape (2, 3), dtype float64:")
    assert len(describe(np.zeros((100, 100)))) < 600
    assert len(describe("x" * 1000)) < 210

"""Notebook 06's widgets work headless with any student function: right, missing, raising or returning garbage;
and the experiments show what the notebook says they show.

pytest turns warnings into errors (pyproject.toml), so every test here also shows that nothing the
student's code does, and nothing the figures do, reaches the output as a warning.
"""

from __future__ import annotations

import numpy as np
import pytest

from mlcourse import bias_variance as bv
from mlcourse.widgets import bias_variance as nb06
from conftest import BROKEN, not_implemented, texts

SAID = {"not implemented": ["not implemented yet"],
        "nan": ["has shape ()", "returned nan", "should return the pair", "is float", "returned float",
                "not three index arrays", "not a list of"],
        "wrong shape": ["has shape (7, 3)", "should return the pair", "not one of", "not whole numbers",
                        "not a list of",
                        "not three index arrays",
                        "not one number", "raised"],
        "TypeError": ["raised TypeError"]}


def curves(fit=None, predict=None, decomposition=None):
    return nb06._bv_curves(fit or bv.fit_polynomial, predict or bv.predict_polynomial,
                           decomposition or bv.bias_variance_decomposition)


def bias_variance_figure(**replaced):
    mine, why = nb06.core.run(lambda: curves(**replaced))
    return nb06._bias_variance_figure(mine, nb06._bv_reference_curves(), why, 3)


def cv_figure(fn):
    mine, why = nb06.core.run(lambda: nb06._bv_cv_errors(fn, 5), name="cross_validate_degree")
    return nb06._cross_validation_figure(mine, nb06._bv_cv_errors(bv.cross_validate_degree, 5), why, 5)


# Each figure builder with one student function replaced by `fn` (None: the reference).
BUILDERS = {
    "picture: fit_polynomial": lambda fn: bias_variance_figure(fit=fn),
    "picture: predict_polynomial": lambda fn: bias_variance_figure(predict=fn),
    "picture: bias_variance_decomposition": lambda fn: bias_variance_figure(decomposition=fn),
    "extrapolation: fit_polynomial": lambda fn: nb06._extrapolation_figure(
        *nb06._bv_extrapolation(fn or bv.fit_polynomial, bv.predict_polynomial, bv.rmse, 9), 9),
    "extrapolation: rmse": lambda fn: nb06._extrapolation_figure(
        *nb06._bv_extrapolation(bv.fit_polynomial, bv.predict_polynomial, fn or bv.rmse, 9), 9),
    "split: train_val_test_split": lambda fn: nb06._split_figure(fn or bv.train_val_test_split, bv.k_fold_indices,
                                                                 24, (0.6, 0.2), 4),
    "split: k_fold_indices": lambda fn: nb06._split_figure(bv.train_val_test_split, fn or bv.k_fold_indices,
                                                           24, (0.6, 0.2), 4),
    "cross-validation": lambda fn: cv_figure(fn or bv.cross_validate_degree),
    "diagnosis": lambda fn: nb06._diagnosis_figure(fn or bv.diagnose, 0.005, 0.02),
}

PUBLIC = {
    "picture": lambda fn: nb06.bias_variance_explorer(fn, fn, fn),
    "extrapolation": lambda fn: nb06.extrapolation_explorer(fn, fn, fn),
    "split": lambda fn: nb06.split_picture(fn, fn),
    "cross-validation": lambda fn: nb06.cross_validation_explorer(fn),
    "diagnosis": lambda fn: nb06.diagnosis_map(fn),
}


@pytest.mark.parametrize("name", BUILDERS)
def test_the_reference_draws_without_a_note(name):
    fig = BUILDERS[name](None)
    assert "reference only" not in texts(fig) and "not implemented" not in texts(fig), texts(fig)


@pytest.mark.parametrize("kind", BROKEN)
@pytest.mark.parametrize("name", BUILDERS)
def test_a_broken_student_function_gives_a_note_not_an_error(name, kind, capsys):
    fig = BUILDERS[name](BROKEN[kind])
    assert "showing the reference only" in texts(fig), texts(fig)
    assert any(sentence in texts(fig) for sentence in SAID[kind]), texts(fig)
    assert capsys.readouterr().out == ""  # the student's prints are swallowed


@pytest.mark.parametrize("name", PUBLIC)
def test_public_functions_run_without_ipython(name, shown, capsys):
    PUBLIC[name](not_implemented)
    assert len(shown) == 1 and "not implemented yet" in texts(shown[0])
    assert "debugging" not in capsys.readouterr().out


# --- what the figures show -------------------------------------------------------------------------------


def test_bias2_variance_and_noise_add_up_to_the_measured_validation_error_and_make_a_u():
    c = nb06._bv_reference_curves()
    total = c.bias2 + c.variance + nb06.NOISE**2
    np.testing.assert_allclose(c.val_mse[:11], total[:11], rtol=0.25)  # 2000 validation points per degree
    assert int(np.argmin(c.val_mse)) == 3 and c.val_mse[0] > 4 * c.val_mse[3] and c.val_mse[-1] > 5 * c.val_mse[3]
    assert np.all(np.diff(c.variance) > 0) and c.bias2[0] > 0.4 > 0.01 > c.bias2[3]
    assert np.all(np.diff(c.train_mse) <= 1e-12)  # the training error never rises with the degree


def test_the_students_own_functions_give_the_same_picture():
    c = curves(fit=lambda x, y, d: np.polyfit(x, y, d)[::-1],
               predict=lambda w, x: np.polynomial.polynomial.polyval(x, w))
    np.testing.assert_allclose(c.val_mse, nb06._bv_reference_curves().val_mse, rtol=1e-6)


def test_a_high_degree_extrapolates_wildly():
    _, (_, (inside, outside)), why = nb06._bv_extrapolation(bv.fit_polynomial, bv.predict_polynomial, bv.rmse, 9)
    assert why == "" and outside > 10 * inside
    _, (_, (inside3, outside3)), _ = nb06._bv_extrapolation(bv.fit_polynomial, bv.predict_polynomial, bv.rmse, 3)
    assert outside3 < outside / 10


def test_cross_validation_picks_the_degree_the_test_error_prefers():
    _, test = nb06._bv_true_errors()
    for k in (3, 5, 10):
        errors = nb06._bv_cv_errors(bv.cross_validate_degree, k)
        assert int(np.argmin(errors)) in (3, 4) and int(np.argmin(test)) == 3


def test_the_diagnosis_map_counts_where_the_student_differs():
    fig = nb06._diagnosis_figure(bv.diagnose, 0.005, 0.02)
    assert fig.axes[1].get_title() == "your diagnose"

    def swapped(train_error, val_error, human_error=0.0, threshold=0.02):
        verdict = bv.diagnose(train_error, val_error, human_error, threshold)
        return {"high bias": "high variance", "high variance": "high bias"}.get(verdict, verdict)

    assert "differs from the reference at" in nb06._diagnosis_figure(swapped, 0.005, 0.02).axes[1].get_title()
    annotations = texts(nb06._diagnosis_figure(bv.diagnose, 0.005, 0.02))
    assert "5 % / 6 %: high bias" in annotations and "2 % / 7 %: high variance" in annotations


def test_the_split_picture_marks_every_example_once():
    rows = nb06._bv_split_rows(bv.train_val_test_split, bv.k_fold_indices, 24, (0.6, 0.2), 4)
    assert [int(np.sum(rows[0] == r)) for r in range(3)] == [14, 4, 6]
    folds = rows[1:]
    assert np.all(np.sum(folds == 1, axis=0)[rows[0] == 0] == 1)  # each training example validates once
    assert np.all(folds[:, rows[0] != 0] == 3)  # validation and test examples take no part


def test_the_explorer_fits_once_and_redraws_from_its_cache(front_end, monkeypatch):
    calls = []

    def counting_fit(x, y, degree, l2=0.0):
        calls.append(degree)
        return bv.fit_polynomial(x, y, degree, l2)

    nb06.bias_variance_explorer(counting_fit, bv.predict_polynomial, bv.bias_variance_decomposition, degree=3)
    fitted = len(calls)
    assert fitted == len(nb06.DEGREES) * nb06.N_DATASETS
    controls = front_end[0].controls
    next(c for c in controls.children if c.description == "degree").value = 8
    assert len(calls) == fitted and len(front_end) == 1  # redrawn into the same image, nothing fitted again


def test_student_functions_that_change_their_inputs_do_not_spoil_the_data():
    def scribbling_fit(x, y, degree, l2=0.0):
        w = bv.fit_polynomial(x, y, degree, l2)
        x[:] = 0.0
        y[:] = 0.0
        return w

    before = [(a.copy(), b.copy()) for (a, b), _ in nb06._bv_datasets()]
    curves(fit=scribbling_fit)
    for (x, y), ((a, b), _) in zip(before, nb06._bv_datasets()):
        np.testing.assert_array_equal(x, a)
        np.testing.assert_array_equal(y, b)

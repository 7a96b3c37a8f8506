"""The grader: right answers pass with full marks, known mistakes fail and are named, and anything a
student's function does (return nonsense, raise, print, loop, exit, change its inputs, call mlcourse's
own reference) is reported in plain words and never raised.

Every test that takes `exercise_id` runs for every registered exercise, so a new notebook is covered as
soon as its topic is added to grader.TOPICS. The bad-input tests use a sample of exercises of different
kinds (array, tuple and float results). The references are checked "as a student would have typed
them" (tests/student_copies.py): the grader rejects functions that run mlcourse's own reference code.
"""

from __future__ import annotations

import copy
import itertools
import re
import signal
import sys
import time
import warnings

import numpy as np
import pytest

import student_copies
from mlcourse import grader

EXERCISES = grader.exercises()
SAMPLE = ["derivatives.sigmoid", "derivatives.numerical_gradient", "derivatives.sse_line_gradients",
          "derivatives.relative_error", "derivatives.graph_backward"]
# Notebook 01's exercises whose numbers the notes work out: each must be checked on those numbers.
NOTES_WORKED_EXAMPLES = ["derivatives.numerical_derivative", "derivatives.graph_forward",
                         "derivatives.graph_backward", "derivatives.logistic_loss", "derivatives.sse_line_gradients"]


def own(exercise_id):
    return student_copies.own_implementation(exercise_id)


def name_of(exercise_id: str) -> str:
    return exercise_id.split(".", 1)[1]


def quietly(exercise_id, fn, **kwargs) -> grader.CheckResult:
    """check(), asserting that it raised nothing, warned nothing and left the interpreter as it was."""
    hooks = (sys.gettrace(), sys.getprofile(), signal.getsignal(signal.SIGALRM), signal.getitimer(signal.ITIMER_REAL))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = grader.check(exercise_id, fn, **kwargs)
    assert caught == [], [str(w.message) for w in caught]
    assert (sys.gettrace(), sys.getprofile(), signal.getsignal(signal.SIGALRM),
            signal.getitimer(signal.ITIMER_REAL)) == hooks
    assert isinstance(result.feedback, str) and result.feedback.startswith(name_of(exercise_id) + ":")
    assert isinstance(result.score, float) and isinstance(result.max_score, float)
    assert 0.0 <= result.score <= result.max_score
    return result


def failed(exercise_id, fn, **kwargs) -> grader.CheckResult:
    result = quietly(exercise_id, fn, **kwargs)
    assert not result.passed, result.feedback
    assert result.score < result.max_score
    with pytest.raises(AssertionError, match=re.escape(result.feedback.splitlines()[0])):
        result.assert_passed()
    return result


def case_names(exercise_id, seed=0, hidden=False) -> list[str]:
    ex = grader.exercise(exercise_id)
    names = grader._parameter_names(ex.reference)
    return [c.label(names) for c in ex.cases(np.random.default_rng([seed, int(hidden)]))]


# ---------------------------------------------------------------------------------------------------
# The registry


def test_exercises_are_listed_in_course_order_with_unique_ids():
    assert len(EXERCISES) == len(set(EXERCISES)) > 0
    topics = [e.split(".", 1)[0] for e in EXERCISES]
    assert topics == sorted(topics, key=grader.TOPICS.index)  # grouped by notebook, notebooks in order
    assert set(topics) == set(grader.TOPICS)


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_reference_is_the_function_named_by_the_id(exercise_id):
    reference = grader.reference(exercise_id)
    assert callable(reference) and reference.__name__ == name_of(exercise_id)


def test_unknown_exercise_suggests_the_close_ones():
    with pytest.raises(KeyError, match="derivatives.sigmoid"):
        grader.check("derivatives.sigmod", own("derivatives.sigmoid"))


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_exercise_has_named_cases_and_fingerprints(exercise_id):
    ex = grader.exercise(exercise_id)
    fingerprints = student_copies.fingerprints(exercise_id)
    assert len(fingerprints) >= 2, "at least two known mistakes per exercise"
    assert fingerprints.keys() == ex.fingerprints.keys()
    for sentence in fingerprints:
        assert sentence == sentence.strip() and sentence.endswith((".", ")")) and len(sentence) > 15, sentence
    cases = ex.cases(np.random.default_rng(0))
    names = [c.name for c in cases]
    assert all(names) and len(set(names)) == len(names), "every case has its own name"
    assert len(cases) >= 4
    # fixed cases first (the same for every seed), random ones after them (different per seed)
    seeds = [case_names(exercise_id, seed) for seed in (0, 1)]
    assert seeds[0][0] == seeds[1][0], "the first case is a fixed one"
    assert seeds[0] != seeds[1], "some cases are random and follow the seed"
    assert case_names(exercise_id, 0) == case_names(exercise_id, 0), "a seed always gives the same cases"
    assert case_names(exercise_id, 0, hidden=True) != seeds[0], "hidden cases differ from the visible ones"


@pytest.mark.parametrize("topic", grader.TOPICS)
def test_each_notebook_checks_some_of_the_notes_worked_examples(topic):
    names = [c.name for e in EXERCISES if e.startswith(topic + ".")
             for c in grader.exercise(e).cases(np.random.default_rng(0))]
    assert any("the notes'" in n for n in names)


@pytest.mark.parametrize("exercise_id", NOTES_WORKED_EXAMPLES)
def test_notes_worked_examples_are_cases(exercise_id):
    assert any("the notes'" in c.name for c in grader.exercise(exercise_id).cases(np.random.default_rng(0)))


# ---------------------------------------------------------------------------------------------------
# Right answers pass, the reference itself and known mistakes do not


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_reference_typed_by_a_student_passes_with_full_marks(exercise_id):
    for seed, hidden in [(0, False), (1, False), (20240501, False), (0, True), (7, True)]:
        result = quietly(exercise_id, own(exercise_id), seed=seed, hidden=hidden)
        assert result.passed, f"seed {seed}, hidden={hidden}:\n{result.feedback}"
        assert result.score == result.max_score == float(len(result.outcomes)) > 0
        assert result.feedback == f"{name_of(exercise_id)}: all {len(result.outcomes)} cases passed."
        assert result.seed == seed
        result.assert_passed()


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_the_reference_itself_is_refused_plainly(exercise_id):
    result = failed(exercise_id, grader.reference(exercise_id))
    assert result.score == 0.0
    assert "calls mlcourse's own reference implementation; write the computation yourself" in result.feedback
    assert result.feedback.splitlines()[0] == f"{name_of(exercise_id)}: not passed, score 0 of {result.max_score:g}."


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_every_fingerprint_fails_and_is_named(exercise_id):
    for sentence, mistake in student_copies.fingerprints(exercise_id).items():
        for seed, hidden in [(0, False), (3, True)]:
            result = failed(exercise_id, mistake, seed=seed, hidden=hidden)
            assert sentence in result.feedback, f"seed {seed}, hidden={hidden}:\n{result.feedback}"
            assert result.feedback.splitlines()[1] == sentence  # the mistake comes first, then the evidence
            assert "First failing case — " in result.feedback


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_outputs_recorded_under_one_seed_fail_under_another(exercise_id):
    recorded = []

    def recorder(*args, **kwargs):
        out = own(exercise_id)(*args, **kwargs)
        recorded.append(copy.deepcopy(out))
        return out

    assert quietly(exercise_id, recorder, seed=0).passed

    def replay_from(outputs):
        calls = itertools.count()
        return lambda *args, **kwargs: copy.deepcopy(outputs[min(next(calls), len(outputs) - 1)])

    assert quietly(exercise_id, replay_from(recorded), seed=0).passed  # the replay itself works
    for kwargs in ({"seed": 1}, {"seed": 0, "hidden": True}):
        result = failed(exercise_id, replay_from(recorded), **kwargs)
        assert result.score > 0, "the fixed cases still pass: partial credit"


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_check_is_deterministic_for_a_seed(exercise_id):
    mistake = next(iter(student_copies.fingerprints(exercise_id).values()))
    assert quietly(exercise_id, mistake, seed=5).feedback == quietly(exercise_id, mistake, seed=5).feedback


# ---------------------------------------------------------------------------------------------------
# Seeds from the environment, and grade()


def test_check_takes_its_seed_from_the_environment(monkeypatch):
    monkeypatch.setenv(grader.SEED_VARIABLE, "4321")
    assert quietly("derivatives.sigmoid", own("derivatives.sigmoid")).seed == 4321
    monkeypatch.setenv(grader.SEED_VARIABLE, "not a number")
    assert quietly("derivatives.sigmoid", own("derivatives.sigmoid")).seed == 0
    monkeypatch.delenv(grader.SEED_VARIABLE)
    assert quietly("derivatives.sigmoid", own("derivatives.sigmoid")).seed == 0


@pytest.mark.parametrize("exercise_id", SAMPLE)
def test_grade_gives_full_points_to_a_right_answer(exercise_id, monkeypatch, capfd):
    monkeypatch.setenv(grader.SEED_VARIABLE, "4321")
    points = grader.grade(exercise_id, own(exercise_id), points=2)
    assert points == 2.0 and type(points) is float
    out, err = capfd.readouterr()
    assert err == ""
    assert f"all" in out and "(graded on hidden cases, seed 4321)" in out


@pytest.mark.parametrize("exercise_id", SAMPLE)
def test_grade_gives_partial_points_to_outputs_hard_coded_from_the_visible_check(exercise_id, monkeypatch, capfd):
    recorded = []

    def recorder(*args, **kwargs):
        out = own(exercise_id)(*args, **kwargs)
        recorded.append(copy.deepcopy(out))
        return out

    assert quietly(exercise_id, recorder).passed  # what the student saw, without a grading seed
    monkeypatch.setenv(grader.SEED_VARIABLE, "99")
    for policy in ("proportional", "ordinary-then-edge", "all-or-nothing"):
        monkeypatch.setenv(grader.POLICY_VARIABLE, policy)
        calls = itertools.count()
        points = grader.grade(exercise_id, lambda *a, **k: recorded[min(next(calls), len(recorded) - 1)], points=3)
        out, err = capfd.readouterr()
        assert err == "" and "seed 99" in out and "cases passed" in out
        if policy == "proportional":  # the fixed cases still pass
            assert 0 < points < 3 and f"→ {points:g} of 3 points (proportional)" in out
        else:  # random ordinary cases fail: nothing
            assert points == 0 and "→ 0 of 3 points" in out


def test_grade_gives_nothing_for_nothing(monkeypatch, capfd):
    def sigmoid(z):
        raise NotImplementedError()

    monkeypatch.setenv(grader.SEED_VARIABLE, "5")
    assert grader.grade("derivatives.sigmoid", sigmoid, points=2) == 0.0
    assert grader.grade("derivatives.sigmoid", None, points=2) == 0.0
    assert grader.grade("derivatives.sigmoid", grader.reference("derivatives.sigmoid"), points=2) == 0.0
    out, err = capfd.readouterr()
    assert err == "" and "not implemented yet" in out


def test_grade_gives_points_in_proportion_to_the_cases_passed(monkeypatch, capfd):
    sigmoid = own("derivatives.sigmoid")

    def only_numbers(z):  # right for plain numbers, wrong (all zeros) for arrays
        return sigmoid(z) if np.ndim(z) == 0 else np.zeros_like(z)

    monkeypatch.setenv(grader.SEED_VARIABLE, "5")
    monkeypatch.setenv(grader.POLICY_VARIABLE, "proportional")
    result = grader.check("derivatives.sigmoid", only_numbers, hidden=True)
    points = grader.grade("derivatives.sigmoid", only_numbers, points=2)
    assert 0 < result.score < result.max_score
    assert points == pytest.approx(2 * result.score / result.max_score, abs=1e-4)  # rounded to 4 places
    out, _ = capfd.readouterr()
    passed = int(result.score)
    assert f"Points: {passed} of {result.max_score:g} cases passed → {points:g} of 2 points (proportional)." in out


# ---------------------------------------------------------------------------------------------------
# What the student reads


def test_failing_feedback_names_the_case_and_shows_expected_got_and_tolerance():
    sigmoid = own("derivatives.sigmoid")

    def slightly_off(z):
        s = sigmoid(z)
        return s + 1e-3

    text = failed("derivatives.sigmoid", slightly_off).feedback
    lines = text.splitlines()
    assert lines[0] == "sigmoid: 0 of 7 cases passed."
    assert lines[1] == "Your result has the wrong value."
    assert "First failing case — z = 0 (a plain number): z = 0.0" in text
    assert "expected: 0.5" in text and "got:      0.501" in text
    assert "abs error 0.001" in text and "tolerance |got − expected| ≤ 1e-09 + 1e-06·|expected|" in text
    assert "Hint: σ(0) = 1/2; a number in, a number out" in text
    assert "Also failing: a (1, 3) row, large magnitudes (3, 2)" in text


def test_array_feedback_shows_shapes_dtype_first_entries_and_errors():
    sigmoid = own("derivatives.sigmoid")

    def wrong_in_one_entry(z):
        s = sigmoid(z)
        if np.ndim(s) == 0:
            return s
        s = s.copy()
        s.flat[-1] += 0.25
        return s

    text = failed("derivatives.sigmoid", wrong_in_one_entry).feedback
    assert "Your result has the right shape but wrong values." in text
    assert "First failing case — a (1, 3) row: z = array([[-1.,  0.,  1.]])" in text
    assert "1 of 3 entries differ; first ones:" in text
    assert re.search(r"at \(0, 2\): expected 0\.7310585\d*, got 0\.9810585", text)
    assert "max abs error 0.25, max rel error 0.342" in text and "tolerance" in text
    assert "array of shape (1, 3), dtype float64" in text


def test_fingerprint_feedback_reads_well():
    sigmoid_derivative_mistake = student_copies.fingerprints("derivatives.sigmoid_derivative")[
        "You computed z(1 − z); the formula is σ(z)(1 − σ(z)): apply the sigmoid first."]
    text = failed("derivatives.sigmoid_derivative", sigmoid_derivative_mistake).feedback
    lines = text.splitlines()
    assert lines[0].startswith("sigmoid_derivative: 0 of 6 cases passed.")
    assert lines[1] == "You computed z(1 − z); the formula is σ(z)(1 − σ(z)): apply the sigmoid first."
    assert lines[2] == ""
    assert lines[3] == "First failing case — z = 0: z = 0.0"
    assert "expected: 0.25" in text and "got:      0.0" in text


def test_result_shows_as_text():
    result = failed("derivatives.sigmoid", lambda z: None)
    assert str(result) == repr(result) == result.feedback
    assert "did you forget to `return` it?" in result.feedback


def test_result_shows_as_a_compact_coloured_panel_in_jupyter():
    good = quietly("derivatives.sigmoid", own("derivatives.sigmoid"))._repr_html_()
    assert good.count("<div") == 1 and "<pre" not in good  # one line: nothing more to say
    assert "✔" in good and "#1a7f37" in good and "sigmoid: all 7 cases passed." in good

    def sigmoid(z):
        raise ValueError("z must be <b>positive</b> & finite")

    bad = failed("derivatives.sigmoid", sigmoid)._repr_html_()
    assert bad.count("<div") == 1 and bad.count("<pre") == 1
    assert "✘" in bad and "#b42318" in bad
    assert "&lt;b&gt;positive&lt;/b&gt; &amp; finite" in bad and "<b>positive" not in bad


# ---------------------------------------------------------------------------------------------------
# Bad input is reported, never raised


def _first_array(value):
    """The first numpy array in a result (itself, or inside a tuple or list)."""
    if isinstance(value, np.ndarray):
        return value
    if isinstance(value, (tuple, list)):
        return next((v for v in value if isinstance(v, np.ndarray)), None)
    return None


def _fail_in_helper(value):
    raise ValueError(f"cannot handle a {type(value).__name__} here")  # the line the feedback must show


def calls_a_failing_helper(*args, **kwargs):
    return _fail_in_helper(args[0])


@pytest.mark.parametrize("exercise_id", SAMPLE)
def test_returning_none(exercise_id):
    result = failed(exercise_id, lambda *a, **k: None)
    assert result.score == 0.0
    assert "Your result is None: did you forget to `return` it?" in result.feedback


@pytest.mark.parametrize("exercise_id", SAMPLE)
def test_not_implemented(exercise_id):
    def student(*args, **kwargs):
        raise NotImplementedError()

    result = failed(exercise_id, student)
    assert result.score == 0.0
    assert result.feedback == (f"{name_of(exercise_id)}: not implemented yet.\n"
                               "Replace `raise NotImplementedError()` with your code, then run this check again.")


def test_not_implemented_for_some_inputs_only_keeps_the_credit_earned():
    sigmoid = own("derivatives.sigmoid")

    def numbers_only(z):
        if np.ndim(z):
            raise NotImplementedError("arrays next week")
        return sigmoid(z)

    result = failed("derivatives.sigmoid", numbers_only)
    assert result.score == 1.0
    assert result.feedback.splitlines()[:2] == [
        "sigmoid: 1 of 7 cases passed.",
        "`sigmoid` is not implemented yet: replace `raise NotImplementedError()` with your code."]


@pytest.mark.parametrize("exercise_id", SAMPLE)
def test_exception_is_reported_with_type_message_and_the_students_line(exercise_id):
    result = failed(exercise_id, calls_a_failing_helper)
    line = _fail_in_helper.__code__.co_firstlineno + 1
    assert f"`{name_of(exercise_id)}` raised ValueError: cannot handle a " in result.feedback
    assert f"at line {line} of _fail_in_helper: raise ValueError(" in result.feedback
    assert result.score == 0.0


def test_exception_classes_own_str_is_not_run():
    """The grader reads an exception through BaseException's own methods: no student code runs there."""
    class Strange(Exception):
        def __str__(self):
            raise RuntimeError("no text")

    def sigmoid(z):
        raise Strange("its message")

    def bare(z):
        raise Strange()

    assert "raised Strange: its message" in failed("derivatives.sigmoid", sigmoid).feedback
    assert "`sigmoid` raised Strange.\n" in failed("derivatives.sigmoid", bare).feedback


@pytest.mark.parametrize("exercise_id", SAMPLE)
def test_returning_a_string(exercise_id):
    result = failed(exercise_id, lambda *a, **k: "0.5")
    assert result.score == 0.0
    assert re.search(r"should be (a number|a numpy array|a tuple of \d values), but it is a str", result.feedback)


@pytest.mark.parametrize("exercise_id", ["derivatives.sigmoid", "derivatives.numerical_gradient",
                                         "derivatives.sigmoid_derivative", "derivatives.logistic_loss_dz"])
def test_transposed_result_is_diagnosed(exercise_id):
    right = own(exercise_id)
    result = failed(exercise_id, lambda *a, **k: np.asarray(right(*a, **k)).T if np.ndim(right(*a, **k)) else right(*a, **k))
    assert "it is the transpose of the right answer" in result.feedback


@pytest.mark.parametrize("exercise_id", ["derivatives.sigmoid", "derivatives.numerical_gradient",
                                         "derivatives.logistic_loss"])
def test_flattened_result_is_diagnosed(exercise_id):
    right = own(exercise_id)

    def flattened(*args, **kwargs):
        out = right(*args, **kwargs)
        return out.ravel() if isinstance(out, np.ndarray) else out

    assert "(the values are right): reshape it, or keep the dimension with keepdims=True" in failed(
        exercise_id, flattened).feedback


def test_column_instead_of_rank_one_is_diagnosed():
    right = own("derivatives.numerical_gradient")
    result = failed("derivatives.numerical_gradient", lambda f, x, h=1e-5: right(f, x, h).reshape(-1, 1))
    assert "has shape (3, 1) but shape (3,) is due (the values are right)" in result.feedback


@pytest.mark.parametrize("exercise_id", SAMPLE)
def test_nan_in_the_result_is_named(exercise_id):
    right = own(exercise_id)

    def with_nan(*args, **kwargs):
        out = copy.deepcopy(right(*args, **kwargs))
        array = _first_array(out)
        if array is not None:
            array.flat[0] = np.nan
            return out
        return (np.nan,) + tuple(out[1:]) if isinstance(out, tuple) else np.nan

    result = failed(exercise_id, with_nan)
    assert re.search(r"(is|contains) nan where (a )?finite numbers? (is|are) due", result.feedback)
    assert result.score == 0.0


@pytest.mark.parametrize("exercise_id", ["derivatives.sigmoid", "derivatives.numerical_gradient",
                                         "derivatives.sse_line_gradients", "derivatives.relative_error"])
def test_changing_an_input_array_in_place_is_reported(exercise_id):
    right = own(exercise_id)

    def scribbles_on_its_input(*args, **kwargs):
        out = right(*copy.deepcopy(args), **copy.deepcopy(kwargs))
        for value in args:
            if isinstance(value, np.ndarray):
                value += 1.0
        return out

    result = failed(exercise_id, scribbles_on_its_input)
    names = grader._parameter_names(grader.reference(exercise_id))
    assert re.search(r"Your function changed `(%s)` in place; the caller's array must be left as it was"
                     % "|".join(names), result.feedback)


def test_restoring_an_input_inexactly_is_explained():
    def numerical_gradient(f, x, h=1e-5):
        grad = np.zeros_like(x)
        for i in np.ndindex(x.shape):
            x[i] += h
            plus = f(x)
            x[i] -= 2 * h
            minus = f(x)
            x[i] += h  # x + h − 2h + h is not always x again in floating point
            grad[i] = (plus - minus) / (2 * h)
        return grad

    text = failed("derivatives.numerical_gradient", numerical_gradient).feedback
    assert "Your function left `x` slightly changed" in text and "save the old value and put it back" in text


def test_calling_the_reference_after_passing_some_cases_scores_nothing():
    import mlcourse.derivatives

    sigmoid = own("derivatives.sigmoid")

    def half_borrowed(z):
        return sigmoid(z) if np.ndim(z) == 0 else mlcourse.derivatives.sigmoid(z)

    result = failed("derivatives.sigmoid", half_borrowed)
    assert result.score == 0.0
    assert result.feedback.splitlines()[:2] == [
        "sigmoid: not passed, score 0 of 7.",
        "`sigmoid` calls mlcourse's own reference implementation; write the computation yourself."]


def test_sigmoid_that_overflows_fails_with_the_warning_named():
    def sigmoid(z):
        s = 1 / (1 + np.exp(-np.asarray(z, dtype=float)))
        return float(s) if np.ndim(s) == 0 else s

    result = failed("derivatives.sigmoid", sigmoid)
    assert result.feedback.splitlines()[1].startswith(
        "`sigmoid` returns the right values, but raised a warning: RuntimeWarning: overflow encountered in exp.")
    assert "np.where computes both of them for every element" in result.feedback
    assert "large magnitudes" in result.feedback and "Hint: np.exp(1000) overflows" in result.feedback


def test_a_safe_sigmoid_written_with_np_where_is_told_why_it_still_warns():
    def sigmoid(z):  # the safe formulas, but np.where evaluates both for every element
        z = np.asarray(z, dtype=float)
        s = np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z)))
        return s  # a 0-d array for a number: accepted as a number

    result = failed("derivatives.sigmoid", sigmoid)
    assert "returns the right values, but raised a warning" in result.feedback
    assert "np.where computes both of them for every element before it picks" in result.feedback
    assert "np.exp(-np.abs(z))" in result.feedback
    assert "z = 0 (a plain number)" not in result.feedback  # the 0-d array was a right number


def test_a_hint_is_shown_only_for_the_failure_it_is_about():
    def numerical_gradient(f, x, h=1e-5):  # right values, but x is changed in place
        grad = np.zeros_like(x, dtype=float)
        for i in np.ndindex(x.shape):
            old = x[i]
            x[i] = old + h
            plus = f(x)
            x[i] = old - h
            minus = f(x)
            x[i] = old + 1.0  # forgets to restore x
            grad[i] = (plus - minus) / (2 * h)
        return grad

    text = failed("derivatives.numerical_gradient", numerical_gradient).feedback
    assert "changed `x` in place" in text and "Hint:" not in text

    sigmoid = own("derivatives.sigmoid")
    text = failed("derivatives.sigmoid", lambda z: sigmoid(z) + 1e-3).feedback  # a value mistake: the hint
    assert "Hint: σ(0) = 1/2" in text

    def sigmoid_raises(z):
        raise ValueError("no")

    assert "Hint:" not in failed("derivatives.sigmoid", sigmoid_raises).feedback  # an error: its own sentence


def test_a_warning_in_a_passing_function_does_not_leak():
    right = own("derivatives.sigmoid_derivative")

    def sigmoid_derivative(z):
        warnings.warn("just saying", UserWarning)
        return right(z)

    assert quietly("derivatives.sigmoid_derivative", sigmoid_derivative).passed


@pytest.mark.parametrize("exercise_id", SAMPLE)
def test_printing_does_not_leak_and_a_passing_check_is_silent(exercise_id, capfd):
    right = own(exercise_id)

    def chatty(*args, **kwargs):
        for i in range(2000):
            print("debugging", i)
        print("something odd", file=sys.stderr)
        sys.stderr.write("more odd things\n")
        return right(*args, **kwargs)

    assert quietly(exercise_id, chatty).passed
    assert quietly(exercise_id, own(exercise_id)).passed
    assert capfd.readouterr() == ("", "")


def test_printing_in_a_failing_function_is_mentioned_not_shown(capfd):
    def sigmoid(z):
        print("z is", z)
        print("oops", file=sys.stderr)
        return -1.0

    text = failed("derivatives.sigmoid", sigmoid).feedback
    assert "(your function printed 2 line(s); hidden here)" in text and "oops" not in text
    assert capfd.readouterr() == ("", "")


@pytest.mark.parametrize("code", [3, None, "bye"])
def test_sys_exit_is_reported(code):
    def sigmoid(z):
        sys.exit(code)

    result = failed("derivatives.sigmoid", sigmoid)
    shown = "sys.exit()" if code is None else f"sys.exit({code!r})"
    assert f"`sigmoid` called {shown}, which would end the program; return the result instead." in result.feedback
    assert result.score == 0.0


def test_keyboard_interrupt_is_reported():
    def sigmoid(z):
        raise KeyboardInterrupt

    assert "The check was interrupted (KeyboardInterrupt)." in failed("derivatives.sigmoid", sigmoid).feedback


@pytest.mark.parametrize("value", [None, 0.5, "sigmoid", np.ones(3)])
def test_something_that_is_not_a_function(value):
    result = failed("derivatives.sigmoid", value)
    assert result.score == 0.0 and result.max_score == 7.0
    assert result.feedback.startswith("sigmoid: not checked.\n`sigmoid` should be a function, but it is ")
    if value is None:
        assert result.feedback.endswith("but it is None.")


# --- running too long (the limit is lowered so these stay quick; each loop also ends by itself after a
# few seconds, so a broken time limit fails a test instead of hanging the suite)


@pytest.fixture
def short_limit(monkeypatch):
    monkeypatch.setattr(grader, "CALL_TIME_LIMIT", 0.2)


def _for_a_while(seconds: float = 4.0):
    end = time.perf_counter() + seconds
    return lambda: time.perf_counter() < end


def sleeps(*args, **kwargs):
    time.sleep(4)


def loops(*args, **kwargs):
    going = _for_a_while()
    while going():
        pass


def loops_inside_a_bare_except(*args, **kwargs):
    try:
        going = _for_a_while()
        while going():
            pass
    except:  # noqa: E722 - the student's code under test
        return 0.5


def loops_around_a_bare_except(*args, **kwargs):
    going = _for_a_while()
    while going():
        try:
            time.sleep(0.01)
        except:  # noqa: E722
            pass


def _swallowing_helper(going):
    while going():
        try:
            sum(range(10))
        except:  # noqa: E722
            pass


def loops_in_nested_bare_excepts(*args, **kwargs):
    going = _for_a_while()
    while going():
        try:
            _swallowing_helper(going)
        except BaseException:
            continue


def prints_forever_inside_a_bare_except(*args, **kwargs):
    going = _for_a_while()
    while going():
        try:
            print("still going")
        except:  # noqa: E722
            pass


@pytest.mark.parametrize("student", [sleeps, loops, loops_inside_a_bare_except, loops_around_a_bare_except,
                                     loops_in_nested_bare_excepts, prints_forever_inside_a_bare_except],
                         ids=lambda f: f.__name__)
@pytest.mark.parametrize("exercise_id", ["derivatives.sigmoid", "derivatives.sse_line_gradients"])
def test_running_too_long_is_stopped_and_reported(exercise_id, student, short_limit, capfd):
    result = failed(exercise_id, student)
    assert re.search(rf"`{name_of(exercise_id)}` was stopped after running \d+\.\d s \(the limit is 0\.2 s\): "
                     r"is there a loop that never ends\?", result.feedback), result.feedback
    assert "further case(s) were not run" in result.feedback  # one slow case is enough to know
    assert result.score == 0.0
    assert capfd.readouterr() == ("", "")


def test_time_limit_applies_to_each_call_not_to_the_check(monkeypatch):
    monkeypatch.setattr(grader, "CALL_TIME_LIMIT", 0.5)
    right = own("derivatives.sigmoid")

    def a_bit_slow(z):
        time.sleep(0.1)
        return right(z)

    assert quietly("derivatives.sigmoid", a_bit_slow).passed  # 7 cases × 0.1 s > 0.5 s in all


def test_slow_case_after_fast_ones_keeps_their_credit(short_limit):
    right = own("derivatives.sigmoid")

    def slow_on_arrays(z):
        if np.ndim(z):
            time.sleep(4)
        return right(z)

    result = failed("derivatives.sigmoid", slow_on_arrays)
    assert result.score == 1.0 and "was stopped after running" in result.feedback


# --- nothing a student's function returns makes check() raise


class Hostile:
    """A result that fails at everything a checker might try on it."""

    def _refuse(self, *args, **kwargs):
        raise RuntimeError("no")

    __repr__ = __str__ = __len__ = __iter__ = __float__ = __index__ = __array__ = __eq__ = __bool__ = _refuse
    __hash__ = None


def _hostile_results():
    return [None, "0.5", object(), Hostile(), 3**1000, float("nan"), -np.inf, True, [], {}, (), np.array([]),
            np.array(["a", "b"]), np.ones((2, 2), dtype=object), np.array(0.5), np.full((50, 50), 1e308),
            (Hostile(), Hostile()), {"a": Hostile()}]


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_no_result_makes_check_raise(exercise_id):
    for value in _hostile_results():
        failed(exercise_id, lambda *a, _value=value, **k: _value)
    for exc in (ValueError("x"), TypeError(), ZeroDivisionError(), RecursionError(), MemoryError(),
                GeneratorExit(), SystemExit(1)):
        def raises(*args, _exc=exc, **kwargs):
            raise _exc
        failed(exercise_id, raises)


# --- containers of arrays, helpers, booleans, mistakes that raise -------------------------------------


def test_changing_an_array_inside_a_dict_argument_is_reported():
    right = student_copies.own_implementation("backprop.update_parameters")

    def update_parameters(parameters, grads, lr):
        expected = right(parameters, grads, lr)
        for key in parameters:
            parameters[key] -= lr * grads["d" + key]  # changes the caller's arrays
        return expected

    result = failed("backprop.update_parameters", update_parameters)
    assert "changed `parameters['W1']` in place" in result.feedback


def test_a_helper_that_is_not_implemented_is_named():
    def tanh(z):
        raise NotImplementedError()

    def tanh_derivative(z):
        return 1 - tanh(z) ** 2

    result = failed("neurons.tanh_derivative", tanh_derivative)
    assert result.feedback.splitlines()[0] == (
        "tanh_derivative: `tanh_derivative` needs `tanh`, which is not implemented yet: finish `tanh` first.")
    assert result.score == 0


def test_true_false_arrays_are_not_numbers():
    def relu_derivative(z):
        return np.asarray(z) > 0

    result = failed("neurons.relu_derivative", relu_derivative)
    assert "where a number is due: convert with float(...)" in result.feedback  # the scalar case
    result = failed("neurons.relu_derivative", lambda z: relu_derivative(z) if np.ndim(z) else float(z > 0))
    assert "holds True/False values; numbers are due: convert with .astype(float)" in result.feedback


def test_case_labels_show_containers_of_arrays_by_shape():
    label = grader.describe_argument({"W1": np.zeros((4, 2)), "b1": np.zeros((4, 1))})
    assert label == "{'W1': <4×2 array>, 'b1': <4×1 array>}"
    assert grader.describe_argument([(np.zeros((2, 3)), np.ones(2)), np.zeros(0)]) == \
        "[(<2×3 array>, <2 array>), <0 array>]"


def test_a_mistake_that_raises_where_the_student_code_raises_is_still_named():
    ex = grader.exercise("derivatives.graph_forward")
    sentence = next(iter(ex.fingerprints))
    wrong = student_copies.fingerprints("derivatives.graph_forward")[sentence]

    def flaky(a, b, c):  # the known mistake, plus an error the mistake shares on one input
        if a == 5.0:
            raise ZeroDivisionError("division by zero")
        return wrong(a, b, c)

    def raising_mistake(a, b, c):
        if a == 5.0:
            raise ZeroDivisionError("division by zero")
        return wrong(a, b, c)

    saved = dict(ex.fingerprints)
    try:
        ex.fingerprints.clear()
        ex.fingerprints["A mistake that also divides by zero at a = 5."] = raising_mistake
        result = failed("derivatives.graph_forward", flaky)
        assert "A mistake that also divides by zero at a = 5." in result.feedback
    finally:
        ex.fingerprints.clear()
        ex.fingerprints.update(saved)

"""Each exercise graded on its own: while an exercise is checked or graded, the functions it calls from
earlier exercises (`Exercise.uses`) are the references, so one mistake costs points once, in its own
exercise, and a skipped helper zeroes only itself. With `graded_with = "students"` the old cascade returns.

The submissions are notebook 04's solutions with one planted bug, graded in the sandbox (the autograde
path) and checked in the notebook's kernel (`grader.check`).
"""

from __future__ import annotations

import nbformat
import pytest

from conftest import ROOT
from mlcourse import grader, sandbox
from mlcourse.autograde import graded_task

SOURCE = nbformat.read(ROOT / "grading" / "source" / "04_backprop" / "04_backprop.ipynb", as_version=4)
SETUP = next(c.source for c in SOURCE.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "setup")
ANSWERS = [(c.metadata.nbgrader.grade_id, c.source) for c in SOURCE.cells
           if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")]
GRADED = ("backprop.linear_forward", "backprop.linear_backward", "backprop.linear_activation_forward",
          "backprop.linear_activation_backward", "backprop.model_forward", "backprop.model_backward")
TASKS = [t for c in SOURCE.cells if (t := graded_task(c.source)) is not None and t.exercise_id in GRADED]
FULL = {t.exercise_id: t.points for t in TASKS}
# db without keepdims: a (n,) vector where (n, 1) belongs
BUGGY_LINEAR_BACKWARD = ("def linear_backward(dZ, cache):\n    A_prev, W, b = cache\n    m = A_prev.shape[1]\n"
                         "    return W.T @ dZ, dZ @ A_prev.T / m, np.sum(dZ, axis=1) / m\n")
SKIPPED_LINEAR_FORWARD = "def linear_forward(A_prev, W, b):\n    raise NotImplementedError()\n"


def submission(**replaced: str) -> list[tuple[str, str]]:
    return [(g, replaced.get(g, source)) for g, source in ANSWERS]


def scores(answers, mode: str | None = None) -> dict[str, float]:
    with grader.grading_with(mode):
        return {v.task.exercise_id: v.points for v in sandbox.grade_notebook(TASKS, SETUP, answers, seed=5)}


def test_every_exercise_that_calls_another_declares_it():
    for exercise_id in ("backprop.linear_activation_backward", "backprop.model_backward", "derivatives.gradient_check",
                        "gradient_descent.train_logistic_regression", "bias_variance.cross_validate_degree"):
        assert grader.exercise(exercise_id).uses, exercise_id
    for exercise_id in grader.exercises():  # every name is an exercise of the same notebook
        topic = exercise_id.split(".")[0]
        for name in grader.exercise(exercise_id).uses:
            grader.exercise(f"{topic}.{name}")


def test_a_helpers_mistake_costs_points_only_in_its_own_exercise():
    got = scores(submission(linear_backward=BUGGY_LINEAR_BACKWARD))
    assert got == {**FULL, "backprop.linear_backward": 0.0}, got


def test_a_skipped_helper_zeroes_only_itself():
    got = scores(submission(linear_forward=SKIPPED_LINEAR_FORWARD))
    assert got == {**FULL, "backprop.linear_forward": 0.0}, got


def test_the_cascade_returns_when_the_instructor_chooses_the_students_helpers():
    got = scores(submission(linear_backward=BUGGY_LINEAR_BACKWARD), "students")
    for hurt in ("backprop.linear_backward", "backprop.linear_activation_backward", "backprop.model_backward"):
        assert got[hurt] == 0.0, got
    assert got["backprop.linear_forward"] == FULL["backprop.linear_forward"]
    skipped = scores(submission(linear_forward=SKIPPED_LINEAR_FORWARD), "students")
    assert skipped["backprop.model_forward"] == skipped["backprop.linear_activation_forward"] == 0.0, skipped


def kernel(**replaced: str) -> dict:
    ns = {"__name__": "__main__"}
    exec(SETUP, ns)
    for _, source in submission(**replaced):
        exec(compile(source, "<answer cell>", "exec"), ns)
    return ns


def test_the_check_in_the_notebook_says_where_the_mistake_is():
    ns = kernel(linear_backward=BUGGY_LINEAR_BACKWARD)
    assert not grader.check("backprop.linear_backward", ns["linear_backward"]).passed
    result = grader.check("backprop.linear_activation_backward", ns["linear_activation_backward"])
    assert result.passed, result.feedback
    assert "Your `linear_activation_backward` is right; it was checked with the references `linear_backward`" \
        in result.feedback, result.feedback
    assert "Your own `linear_backward` has a mistake: see its check." in result.feedback, result.feedback
    assert ns["linear_backward"].__code__.co_filename == "<answer cell>"  # the notebook's namespace is untouched
    clean = grader.check("backprop.linear_activation_backward", kernel()["linear_activation_backward"])
    assert clean.passed and "has a mistake" not in clean.feedback, clean.feedback


def test_the_check_blames_the_exercise_itself_when_it_is_wrong_with_the_references():
    wrong = ("def model_forward(X, parameters):\n    return linear_activation_forward(X, parameters['W1'], "
             "parameters['b1'], 'relu')\n")
    result = grader.check("backprop.model_forward", kernel(model_forward=wrong)["model_forward"])
    assert not result.passed
    assert "so the mistake is in `model_forward` itself" in result.feedback, result.feedback


def test_the_check_follows_the_students_mode(monkeypatch):
    monkeypatch.setenv(grader.GRADED_WITH_VARIABLE, "students")
    ns = kernel(linear_backward=BUGGY_LINEAR_BACKWARD)
    result = grader.check("backprop.linear_activation_backward", ns["linear_activation_backward"])
    assert not result.passed and "reference" not in result.feedback.split("\n")[-1], result.feedback


@pytest.mark.parametrize("reach", [
    "mlcourse.backprop.linear_activation_forward(A_prev, W, b, activation)",  # the exercise's own reference
    "mlcourse.backprop.model_forward(A_prev, {'W1': W, 'b1': b})",  # one it does not use
])
def test_only_the_injected_references_may_run(reach):
    cheat = f"import mlcourse.backprop\ndef linear_activation_forward(A_prev, W, b, activation):\n    return {reach}\n"
    ns = kernel(linear_activation_forward=cheat)
    result = grader.check("backprop.linear_activation_forward", ns["linear_activation_forward"])
    assert "calls mlcourse's own reference implementation" in result.feedback, result.feedback
    answers = submission(linear_activation_forward=cheat)
    assert scores(answers)["backprop.linear_activation_forward"] == 0.0


def test_the_graded_feedback_says_which_references_stood_in():
    with grader.grading_with("references"):
        verdicts = {v.task.exercise_id: v for v in
                    sandbox.grade_notebook(TASKS, SETUP, submission(linear_backward=BUGGY_LINEAR_BACKWARD), seed=5)}
    said = verdicts["backprop.linear_activation_backward"].feedback
    assert "Your `linear_activation_backward` is right; it was checked with the references `linear_backward`, " \
           "`relu_backward`, `sigmoid_backward`, `tanh_backward` in place of yours." in said, said
    assert "in place of yours" not in verdicts["backprop.linear_backward"].feedback

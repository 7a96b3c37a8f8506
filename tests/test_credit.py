"""Partial credit (mlcourse/feedback.py): the three policies, how the feedback explains the points, and
how the instructor chooses the policy (IsolatedGrades.partial_credit, MLCOURSE_PARTIAL_CREDIT)."""

from __future__ import annotations

import numpy as np
import pytest
import traitlets

import student_copies
from conftest import ROOT
from mlcourse import feedback, grader
from mlcourse.autograde import IsolatedGrades
from mlcourse.cases import Case

CASES = [Case((k,), {}, f"ordinary {k}") for k in range(4)] + [Case((9,), {}, f"edge {k}", edge=True) for k in range(2)]


def outcomes(passed: list[bool]) -> list[feedback.CaseOutcome]:
    return [feedback.CaseOutcome(case, ok) for case, ok in zip(CASES, passed)]


@pytest.mark.parametrize("passed, shares", [
    # passed per case (4 ordinary, 2 edge)         all-or-nothing, proportional, ordinary-then-edge
    ([True] * 6, (1.0, 1.0, 1.0)),
    ([True] * 4 + [False, True], (0.0, 5 / 6, 5 / 6)),  # only an edge case fails: most of the points
    ([True] * 4 + [False, False], (0.0, 4 / 6, 4 / 6)),
    ([True, True, False, True, True, True], (0.0, 5 / 6, 0.0)),  # an ordinary case fails: a wrong formula
    ([False] * 6, (0.0, 0.0, 0.0)),
    ([True, True], (0.0, 2 / 6, 0.0)),  # stopped after two cases: the rest count as failed
])
def test_the_three_policies(passed, shares):
    for policy, share in zip(("all-or-nothing", "proportional", "ordinary-then-edge"), shares):
        got, note = feedback.credit(CASES, outcomes(passed), policy)
        assert got == pytest.approx(share), (policy, note)
        assert "→" in note and policy.split("-")[0] in note


def test_the_note_says_how_the_points_were_computed():
    _, note = feedback.credit(CASES, outcomes([True, False, True, True, True, True]), "ordinary-then-edge")
    assert note.startswith("3 of 4 ordinary cases passed → no points")
    _, note = feedback.credit(CASES, outcomes([True] * 4 + [False, True]), "ordinary-then-edge")
    assert note.startswith("all 4 ordinary cases, and 1 of 2 edge cases passed → 83 % of the points")
    _, note = feedback.credit(CASES, outcomes([True] * 3 + [False] * 3), "all-or-nothing")
    assert note.startswith("3 of 6 cases passed → no points (all-or-nothing")


def test_grade_shows_the_points_in_the_cell_output(monkeypatch, capfd):
    sigmoid = student_copies.own_implementation("derivatives.sigmoid")

    def only_numbers(z):  # right for plain numbers, wrong for arrays
        return sigmoid(z) if np.ndim(z) == 0 else np.zeros_like(z)

    monkeypatch.setenv(grader.SEED_VARIABLE, "5")
    assert grader.grade("derivatives.sigmoid", only_numbers, points=2) == 0.0  # the default policy
    out, _ = capfd.readouterr()
    assert "Points: 1 of 5 ordinary cases passed → 0 of 2 points (ordinary cases first" in out
    monkeypatch.setenv(grader.POLICY_VARIABLE, "all-or-nothing")
    assert grader.grade("derivatives.sigmoid", only_numbers, points=2) == 0.0
    out, _ = capfd.readouterr()
    assert "Points: 1 of 7 cases passed → 0 of 2 points (all-or-nothing" in out


def test_edge_cases_alone_cost_only_their_share(monkeypatch, capfd):
    def sigmoid(z):  # the textbook formula: overflows on the edge cases, right everywhere else
        s = 1 / (1 + np.exp(-np.asarray(z, dtype=float)))
        return float(s) if np.ndim(s) == 0 else s

    monkeypatch.setenv(grader.SEED_VARIABLE, "5")
    points = grader.grade("derivatives.sigmoid", sigmoid, points=2)
    out, _ = capfd.readouterr()
    assert points == pytest.approx(2 * 5 / 7, abs=1e-4)
    assert "all 5 ordinary cases, and 0 of 2 edge cases passed → 1.4286 of 2 points" in out


def test_the_policy_comes_from_the_grading_run_then_the_environment_then_the_default(monkeypatch):
    monkeypatch.delenv(grader.POLICY_VARIABLE, raising=False)
    assert feedback.partial_credit_policy() == feedback.DEFAULT_POLICY == "ordinary-then-edge"
    monkeypatch.setenv(grader.POLICY_VARIABLE, "proportional")
    assert feedback.partial_credit_policy() == "proportional"
    with grader.partial_credit("all-or-nothing"):
        assert feedback.partial_credit_policy() == "all-or-nothing"
        with grader.partial_credit(""):  # '' means the course default
            assert feedback.partial_credit_policy() == "proportional"
    assert feedback.partial_credit_policy() == "proportional"
    with pytest.raises(ValueError, match="ordinary-then-edge"):
        with grader.partial_credit("half"):
            pass


def test_isolated_grades_takes_the_policy_from_the_nbgrader_config():
    assert IsolatedGrades().partial_credit == ""
    assert IsolatedGrades(partial_credit="all-or-nothing").partial_credit == "all-or-nothing"
    with pytest.raises(traitlets.TraitError):
        IsolatedGrades(partial_credit="generous")
    config = (ROOT / "grading" / "nbgrader_config.py").read_text()
    assert 'c.IsolatedGrades.partial_credit = "ordinary-then-edge"' in config


@pytest.mark.parametrize("exercise_id", ["derivatives.sigmoid", "neurons.softmax", "backprop.linear_backward",
                                         "optimizers.update_with_adam"])
def test_a_wrong_formula_scores_nothing_under_the_default(exercise_id):
    """Every fingerprinted mistake of these exercises keeps no points unless only edge cases catch it."""
    for sentence, mistake in student_copies.fingerprints(exercise_id).items():
        result = grader.check(exercise_id, mistake, seed=2, hidden=True)
        cases = grader.cases_for(exercise_id, 2, True)
        passed = [o.passed for o in result.outcomes] + [False] * (len(cases) - len(result.outcomes))
        if not all(ok for ok, case in zip(passed, cases) if not case.edge):  # an ordinary case fails
            assert result.share == 0.0, sentence
        assert "Points: " in result.feedback


def test_grade_skips_its_own_run_where_the_cell_is_scored_elsewhere(monkeypatch, capfd):
    calls = []

    def sigmoid(z):
        calls.append(z)
        return 0.5

    monkeypatch.setenv(grader.SCORED_ELSEWHERE_VARIABLE, "1")
    assert grader.grade("derivatives.sigmoid", sigmoid, points=2) == 0.0
    assert calls == [] and "scored separately" in capfd.readouterr().out
    monkeypatch.setenv(grader.SCORED_ELSEWHERE_VARIABLE, "0")  # only "1" counts
    grader.grade("derivatives.sigmoid", sigmoid, points=2)
    assert calls


def test_judge_calls_says_it_in_points_when_it_knows_them():
    sigmoid = student_copies.own_implementation("derivatives.sigmoid")
    cases = grader.cases_for("derivatives.sigmoid", 1, hidden=True)
    forbidden = grader._reference_code_keys(grader.exercise("derivatives.sigmoid"))

    def call_for(case):
        wrong = lambda z: sigmoid(z) * 2  # noqa: E731
        return grader.call_student(wrong, case, forbidden)

    in_share = grader.judge_calls("derivatives.sigmoid", cases, call_for, "sigmoid", 1)
    in_points = grader.judge_calls("derivatives.sigmoid", cases, call_for, "sigmoid", 1, points=3)
    assert "→ no points" in in_share.feedback and "→ 0 of 3 points" in in_points.feedback

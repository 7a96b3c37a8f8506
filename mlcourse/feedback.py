"""From judged cases to what the student reads and the points a test cell earns.

`summarise` turns the outcome of every case into a `CheckResult`: one plain sentence on what is wrong
(a known mistake of the exercise if its fingerprint matches, else a generic diagnosis from
`mlcourse.diagnoses`, else the first failing case's own sentence), then the evidence, and the case's
hint only when it is about the way the case failed.

Partial credit follows a policy the instructor chooses (`c.IsolatedGrades.partial_credit` in
grading/nbgrader_config.py, or the environment variable MLCOURSE_PARTIAL_CREDIT):

    "ordinary-then-edge"  (the default) nothing unless every ordinary case passes; then the cases
                          passed, edge cases included, in proportion. A wrong formula fails ordinary
                          cases and earns 0; a right one that trips on an edge case (overflow, 0/0)
                          keeps most of the points.
    "all-or-nothing"      the points only when every case passes.
    "proportional"        the share of cases passed.
"""

from __future__ import annotations

import ast
import contextlib
import copy
import functools
import html
import inspect
import io
import os
import re
import textwrap
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from . import diagnoses
from .cases import Case, Exercise, parameter_names
from .compare import Tolerance, compare

POLICY_VARIABLE = "MLCOURSE_PARTIAL_CREDIT"
POLICIES = ("ordinary-then-edge", "all-or-nothing", "proportional")
DEFAULT_POLICY = "ordinary-then-edge"
_chosen_policy: list[str] = []  # set while IsolatedGrades grades (see `partial_credit`)

CHEATED = object()  # marks an output that came from calling mlcourse's own reference


@dataclass
class CaseOutcome:
    case: Case
    passed: bool
    sentence: str = ""  # why it failed, in one sentence
    evidence: list[str] = field(default_factory=list)
    output: Any = None  # what the student's function returned (None if it raised)
    error: str = ""  # the type of exception the student's function raised, if it did
    stop: bool = False  # no point running further cases (not implemented, timed out, ...)
    kinds: tuple[str, ...] = ()  # how it failed: cases.VALUE, SHAPE, NONFINITE, WARNING, MUTATION, ERROR
    expected: Any = None  # what the reference returned


@dataclass
class CheckResult:
    exercise_id: str
    passed: bool
    score: float  # cases passed (0 if the reference was called)
    max_score: float  # cases
    feedback: str
    seed: int | None = None
    outcomes: list[CaseOutcome] = field(default_factory=list, repr=False)
    credit: float | None = None  # share of the points earned under `policy`; None (made elsewhere): score / max_score
    policy: str = ""  # the partial-credit policy the share follows
    credit_note: str = ""  # how the share was computed, e.g. "3 of 5 ordinary cases passed → no points (...)"

    @property
    def share(self) -> float:
        if self.credit is not None:
            return self.credit
        return self.score / self.max_score if self.max_score else 0.0

    def assert_passed(self) -> None:
        if not self.passed:
            raise AssertionError(self.feedback)

    def __str__(self) -> str:
        return self.feedback

    def __repr__(self) -> str:
        return self.feedback

    def _repr_html_(self) -> str:
        colour, mark = ("#1a7f37", "✔") if self.passed else ("#b42318", "✘")
        background = "#eefbf1" if self.passed else "#fef3f2"
        title, _, body = unicode_math(self.feedback).partition("\n")
        # A light panel in every theme: background and text colours are both set on every element, since a
        # dark theme gives <pre> its own (light) text colour.
        body_html = (
            f"<pre style='margin:6px 0 0 0;padding:0;white-space:pre-wrap;font-size:12px;background:none;"
            f"color:#1f2328;border:none'>"
            f"{html.escape(body.strip())}</pre>"
            if body.strip()
            else ""
        )
        return (
            f"<div class='mlcourse-check' style='border-left:5px solid {colour};background:{background};"
            f"padding:6px 10px;border-radius:4px;font-family:sans-serif;color:#1f2328'>"
            f"<b style='color:{colour}'>{mark} {html.escape(title)}</b>{body_html}</div>"
        )


def named_parts(ex: Exercise, text: str) -> str:
    """"result[1]" in feedback as "dW" when the reference ends in `return dA_prev, dW, db`."""
    names = returned_names(ex.reference)
    return re.sub(r"\b([Yy]our )?result\[(\d+)\]",
                  lambda m: (m.group(1) or "") + names[int(m.group(2))]
                  if int(m.group(2)) < len(names) and names[int(m.group(2))] else m.group(0), text) if names else text


@functools.lru_cache(maxsize=None)
def returned_names(fn: Callable) -> tuple[str, ...]:
    """The names in the reference's last `return a, b, c` (None for a part that is an expression), else ()."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    except Exception:  # noqa: BLE001 - no source (or not allowed to read it): keep "result[1]"
        return ()
    returns = [node.value for node in ast.walk(tree) if isinstance(node, ast.Return)]
    if not returns or not isinstance(returns[-1], ast.Tuple):
        return ()
    return tuple(getattr(part, "id", None) for part in returns[-1].elts)  # None for a part that is no name


_SUBSCRIPTS = dict(zip("0123456789+-−=()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ"))
_SUPERSCRIPTS = dict(zip("0123456789+-−=()inxyz", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ⁱⁿˣʸᶻ"))


def unicode_math(text: str) -> str:
    """The notes' TeX-like indices in feedback as Unicode, for the panel: n_{l−1} → nₗ₋₁, n_l → nₗ,
    e^{−z} → e⁻ᶻ. An index with a character Unicode cannot raise or lower stays as it was."""
    def shifted(table):
        return lambda m: "".join(table[c] for c in m.group(1)) if all(c in table for c in m.group(1)) else m.group(0)

    text = re.sub(r"_\{([^{}]+)\}", shifted(_SUBSCRIPTS), text)
    text = re.sub(r"\^\{([^{}]+)\}", shifted(_SUPERSCRIPTS), text)
    return re.sub(r"\bn_l\b", "nₗ", text)


# ---------------------------------------------------------------------------------------------------
# Partial credit


def partial_credit_policy() -> str:
    """The policy in force: the one IsolatedGrades was configured with while it grades, else
    MLCOURSE_PARTIAL_CREDIT, else DEFAULT_POLICY."""
    chosen = (_chosen_policy[-1] if _chosen_policy else "") or os.environ.get(POLICY_VARIABLE, "").strip()
    return chosen if chosen in POLICIES else DEFAULT_POLICY


@contextlib.contextmanager
def partial_credit(policy: str | None):
    """Grade under `policy` inside this block (None or "": the course default)."""
    if policy and policy not in POLICIES:
        raise ValueError(f"Unknown partial-credit policy {policy!r}; choose one of {', '.join(POLICIES)}.")
    _chosen_policy.append(policy or "")
    try:
        yield
    finally:
        _chosen_policy.pop()


# ---------------------------------------------------------------------------------------------------
# Helpers graded with the references (Exercise.uses)

# What the functions an exercise calls from earlier exercises (`Exercise.uses`) are bound to while it is
# checked: "references" (each exercise graded on its own: a helper's mistake costs points once) or
# "students" (the student's own helpers: one mistake costs points in every caller). The instructor
# chooses with c.IsolatedGrades.graded_with; the notebook's own checks read this variable.
GRADED_WITH_VARIABLE = "MLCOURSE_GRADED_WITH"
GRADED_WITH = ("references", "students")
_chosen_graded_with: list[str] = []


def graded_with() -> str:
    """"references" or "students": see GRADED_WITH_VARIABLE."""
    chosen = (_chosen_graded_with[-1] if _chosen_graded_with else "") or os.environ.get(GRADED_WITH_VARIABLE, "")
    return chosen.strip() if chosen.strip() in GRADED_WITH else GRADED_WITH[0]


@contextlib.contextmanager
def grading_with(mode: str | None):
    """Bind helpers to `mode` ("references" or "students"; None or "": the default) inside this block."""
    if mode and mode not in GRADED_WITH:
        raise ValueError(f"Unknown mode {mode!r}; choose one of {', '.join(GRADED_WITH)}.")
    _chosen_graded_with.append(mode or "")
    try:
        yield
    finally:
        _chosen_graded_with.pop()


def helpers_sentence(name: str, passed: bool, used: list[str]) -> str:
    """Which references stood in for the student's helpers while `name` was checked."""
    shown, plural = ", ".join(f"`{helper}`" for helper in used), "s" if len(used) > 1 else ""
    if passed:
        return f"Your `{name}` is right; it was checked with the reference{plural} {shown} in place of yours."
    return f"It was checked with the reference{plural} {shown} in place of yours, so the mistake is in `{name}` itself."


def credit(cases: list[Case], outcomes: list[CaseOutcome], policy: str) -> tuple[float, str]:
    """(share of the points, how it was computed) for these outcomes; cases not run count as failed."""
    passed = [o.passed for o in outcomes] + [False] * (len(cases) - len(outcomes))  # outcome k is case k's
    ordinary = [c for c in cases if not c.edge]
    edge = [c for c in cases if c.edge]
    n_passed = sum(passed)
    n_ordinary = sum(p for p, c in zip(passed, cases) if not c.edge)
    n_edge = n_passed - n_ordinary
    total = len(cases)
    if policy == "proportional":
        share = n_passed / total if total else 0.0
        return share, f"{n_passed} of {total} cases passed → {_percent(share)} (proportional)"
    if policy == "all-or-nothing":
        share = 1.0 if n_passed == total and total else 0.0
        return share, f"{n_passed} of {total} cases passed → {_percent(share)} (all-or-nothing: every case must pass)"
    # ordinary-then-edge
    if n_ordinary < len(ordinary) or not total:
        return 0.0, (f"{n_ordinary} of {len(ordinary)} ordinary cases passed → {_percent(0.0)} (ordinary cases "
                     "first: every one must pass before any points)")
    share = n_passed / total
    edges = f", and {n_edge} of {len(edge)} edge cases" if edge else ""
    return share, (f"all {len(ordinary)} ordinary cases{edges} passed → {_percent(share)} (ordinary cases first, "
                   "then edge cases in proportion)")


def credit_line(result: CheckResult, points: float | None = None) -> str:
    """'Points: 3 of 5 ordinary cases passed → 0 of 2 points (...)' for grade(); without points, the share."""
    if not result.credit_note:
        return ""
    note = result.credit_note
    if points is not None:
        earned = points_earned(result, points)
        note = note.replace(f"→ {_percent(result.share)}", f"→ {earned:g} of {points:g} points", 1)
    return f"Points: {note}."


def points_earned(result: CheckResult, points: float) -> float:
    return round(points * result.share, 4) if result.max_score else 0.0


def _percent(share: float) -> str:
    if share == 0:
        return "no points"
    if share == 1:
        return "full points"
    return f"{100 * share:.0f} % of the points"


# ---------------------------------------------------------------------------------------------------
# The feedback


def summarise(ex: Exercise, cases: list[Case], outcomes: list[CaseOutcome], seed: int, sentence: str = "",
              graded: bool = False) -> CheckResult:
    """The CheckResult for these outcomes; `sentence`: nothing could run, and why. When `graded`, the
    points are computed under the partial-credit policy in force and the feedback says how."""
    policy = partial_credit_policy()
    total = float(len(cases))
    passed_count = sum(o.passed for o in outcomes)
    failures = [o for o in outcomes if not o.passed]

    def finish(passed: bool, score: float, lines: list[str], share: float | None = None, note: str = ""):
        if share is None:
            share, note = credit(cases, outcomes, policy)
        if graded:  # the points matter: say how they were computed
            lines = lines + [f"Points: {note}."]
        return CheckResult(ex.id, passed, score, total, named_parts(ex, "\n".join(lines)), seed, outcomes, share,
                           policy, note)

    if sentence:  # nothing could run
        return finish(False, 0.0, [f"{ex.name}: not checked.", sentence], 0.0, "nothing could be run → no points")
    if not failures and len(outcomes) == len(cases):
        return CheckResult(ex.id, True, total, total, f"{ex.name}: all {len(cases)} cases passed.", seed, outcomes,
                           1.0, policy, "all cases passed → full points")

    first = failures[0]
    if first is outcomes[0] and first.stop and "which is not implemented yet" in first.sentence:
        return finish(False, 0.0, [f"{ex.name}: {first.sentence}"], 0.0, "not implemented yet → no points")
    if first is outcomes[0] and first.stop and "is not implemented yet" in first.sentence:
        return finish(False, 0.0, [f"{ex.name}: not implemented yet.", "Replace `raise NotImplementedError()` "
                                   "with your code, then run this check again."], 0.0, "not implemented yet → no points")
    cheated = any(o.output is CHEATED for o in outcomes)
    score = 0.0 if cheated else float(passed_count)
    if cheated:  # no case counts, whatever ran before
        lines = [f"{ex.name}: not passed, score 0 of {len(cases)}."]
    else:
        lines = [f"{ex.name}: {passed_count} of {len(cases)} cases passed."]
    mistake = None if first.stop else fingerprint(ex, outcomes)
    diagnosis = None if first.stop else diagnose(ex, outcomes)  # also for the hint when a fingerprint wins
    headline = mistake or (diagnosis[1] if diagnosis else None)
    lines.append(headline or first.sentence)
    lines.append("")
    lines.append(f"First failing case — {first.case.label(parameter_names(ex.reference))}")
    if headline:
        lines.append("  " + first.sentence)
    lines.extend("  " + line for evidence in first.evidence for line in evidence.splitlines())
    kinds = first.kinds + ((diagnosis[0],) if diagnosis else ())
    if first.case.hint_applies(kinds):
        lines.append(f"  Hint: {first.case.hint}")
    others = [o.case.name or "unnamed" for o in failures[1:]]
    if others:
        lines.append(f"Also failing: {', '.join(others[:6])}{' …' if len(others) > 6 else ''}.")
    skipped = len(cases) - len(outcomes)
    if skipped:
        lines.append(f"{skipped} further case(s) were not run.")
    if cheated:
        return finish(False, score, lines, 0.0, "mlcourse's reference was called → no points")
    return finish(False, score, lines)


def diagnose(ex: Exercise, outcomes: list[CaseOutcome]) -> tuple[str, str] | None:
    """A generic diagnosis (kind, sentence) of the failing cases that returned a result, or None."""
    failing = [o for o in outcomes if not o.passed]
    if not failing or any(o.stop or o.error or o.output is None or "mutation" in o.kinds for o in failing):
        return None
    return diagnoses.diagnose([diagnoses.Failure(ex, o.case, o.expected, o.output) for o in failing])


def fingerprint(ex: Exercise, outcomes: list[CaseOutcome]) -> str | None:
    """The sentence of the first known mistake that behaves like the student's code on every case: the
    same output, or the same kind of exception where the student's code raised one."""
    if any(o.stop or (o.output is None and not o.error) for o in outcomes) or not outcomes:
        return None
    if all(o.error for o in outcomes):  # nothing to go on but exceptions: too weak to name a mistake
        return None
    for sentence, wrong_fn in ex.fingerprints.items():
        if all(_same_behaviour(wrong_fn, o, ex.tolerance) for o in outcomes):
            return sentence
    return None


def _same_behaviour(wrong_fn: Callable, outcome: CaseOutcome, tol: Tolerance) -> bool:
    case = outcome.case
    try:
        with quiet():
            wrong = wrong_fn(*copy.deepcopy(case.args), **copy.deepcopy(case.kwargs))
    except Exception as exc:  # noqa: BLE001 - a mistake may well raise
        return type(exc).__name__ == outcome.error
    if outcome.error:
        return False
    try:
        return identical(wrong, outcome.output) or compare(wrong, outcome.output, tol) is None
    except Exception:  # noqa: BLE001
        return False


def identical(a, b) -> bool:
    """Exactly equal, counting nan == nan and inf == inf (compare() rejects non-finite results)."""
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        return len(a) == len(b) and all(identical(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(identical(a[k], b[k]) for k in a)
    try:
        return np.shape(a) == np.shape(b) and bool(np.array_equal(a, b, equal_nan=True))
    except TypeError:
        return False


@contextlib.contextmanager
def quiet():
    with warnings.catch_warnings(), np.errstate(all="ignore"), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        yield


# ---------------------------------------------------------------------------------------------------
# A check cell run before its function's cell


def explain_undefined_functions() -> None:
    """In IPython, a check cell such as `grader.check("derivatives.sigmoid", sigmoid)` run before the cell that
    defines `sigmoid` fails with NameError before `check` can run: say so in one sentence instead of a
    traceback. Other errors, and NameErrors elsewhere, keep IPython's usual traceback."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None or getattr(shell, "_mlcourse_explains_names", False):
        return

    show = shell.showtraceback

    def showtraceback(exc_tuple=None, *args, **kwargs):
        import linecache
        import sys

        value, tb = (exc_tuple or sys.exc_info())[1:]
        name = getattr(value, "name", None)
        while tb is not None and tb.tb_next is not None:
            tb = tb.tb_next
        line = linecache.getline(tb.tb_frame.f_code.co_filename, tb.tb_lineno) if tb is not None else ""
        if isinstance(value, NameError) and name and "grader.check(" in line:
            sentence = (f"NameError: {name} is not defined yet: run the cell with `def {name}` (above this "
                        f"check) first, then run this check again.")
            value._render_traceback_ = lambda: [sentence]  # what IPython shows instead of the traceback
        return show(exc_tuple, *args, **kwargs)

    shell.showtraceback = showtraceback  # this shell only; every other error keeps its usual traceback
    shell._mlcourse_explains_names = True

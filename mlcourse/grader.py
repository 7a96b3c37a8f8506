"""Checks for the course's exercises.

    from mlcourse import grader
    grader.exercises()                      # every exercise id, in course order
    grader.reference("derivatives.sigmoid") # the reference implementation
    result = grader.check("derivatives.sigmoid", sigmoid)
    result.passed, result.score, result.max_score, result.feedback
    result.assert_passed()

`check` runs the student's function on fixed cases (the notes' worked examples among them) and on random
cases drawn from a seeded generator, compares every output with the reference's, and explains what is
wrong: which case, expected vs got, and, when the output matches a known mistake (a "fingerprint"),
that mistake in one sentence. Nothing the student's function does makes `check` raise.

Each notebook's exercises live in `mlcourse/<topic>.py` as `Exercise` entries beside their references.
The hidden part of a graded test cell calls `grade(...)`: the same check on fresh random cases whose seed
comes from the environment variable MLCOURSE_GRADING_SEED, returning the points earned under the
partial-credit policy in force (see `mlcourse.feedback`).

This module runs the student's code (a time limit, the reference spy, warnings and prints captured;
`mlcourse.sandbox` trusts this file's hooks by its name, so they stay here) and judges each call.
The rest lives beside it and is re-exported here:
- `mlcourse.cases`: `Case`, `Exercise`, `Described`, how arguments are shown;
- `mlcourse.feedback`: from judged cases to feedback and points (`CheckResult`, partial-credit policies);
- `mlcourse.diagnoses`: mistakes named without a fingerprint (off by one step, wrong axis, 1/m, ...).
"""

from __future__ import annotations

import contextlib
import copy
import difflib
import functools
import importlib
import inspect
import io
import os
import signal
import sys
import threading
import time
import traceback
import types
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np

from .cases import (DEFAULT_HINT_FOR, ERROR, MUTATION, NONFINITE, SHAPE, VALUE, WARNING, Case,  # noqa: F401
                    Described, Exercise, describe_argument)
from .cases import parameter_names as _parameter_names
from .compare import Mismatch, _kind, compare, describe
from .feedback import (CHEATED as _CHEATED, DEFAULT_POLICY, GRADED_WITH, GRADED_WITH_VARIABLE,  # noqa: F401
                       POLICIES, POLICY_VARIABLE, CaseOutcome, CheckResult, credit_line, graded_with, grading_with,
                       helpers_sentence, partial_credit, partial_credit_policy, points_earned, summarise)
from .feedback import explain_undefined_functions
from .feedback import identical as _identical  # noqa: F401 - used by tests/test_sandbox.py

# One module per notebook, in course order.
TOPICS = ("derivatives", "gradient_descent", "neurons", "backprop", "optimizers", "bias_variance",
          "regularization", "batchnorm", "cnn")

SEED_VARIABLE = "MLCOURSE_GRADING_SEED"
# Set (to "1") in the environment of a kernel whose graded cells are scored again outside it (nbgrader
# autograde with mlcourse.autograde.IsolatedGrades, which replaces their outputs): grade() then skips
# its own run of the hidden cases. Only the autograde pipeline may set it; see grade().
SCORED_ELSEWHERE_VARIABLE = "MLCOURSE_SCORED_ELSEWHERE"
CALL_TIME_LIMIT = 3.0  # seconds for one call of the student's function
_PACKAGE_DIR = Path(__file__).resolve().parent

# ---------------------------------------------------------------------------------------------------
# Registry


_EXERCISES: dict[str, Exercise] | None = None


def _registry() -> dict[str, Exercise]:
    global _EXERCISES
    if _EXERCISES is None:
        found: dict[str, Exercise] = {}
        for topic in TOPICS:
            for exercise in importlib.import_module(f"mlcourse.{topic}").EXERCISES:
                found[exercise.id] = exercise
        _EXERCISES = found
    return _EXERCISES


def exercises() -> list[str]:
    """Every exercise id, in course order."""
    return list(_registry())


def exercise(exercise_id: str) -> Exercise:
    registry = _registry()
    if exercise_id not in registry:
        close = difflib.get_close_matches(exercise_id, registry, n=3)
        hint = f" Did you mean {', '.join(map(repr, close))}?" if close else ""
        raise KeyError(f"No exercise {exercise_id!r}.{hint}")
    return registry[exercise_id]


def reference(exercise_id: str) -> Callable:
    """The reference implementation of an exercise."""
    return exercise(exercise_id).reference


# ---------------------------------------------------------------------------------------------------
# Checking


def grading_seed() -> int | None:
    """The seed the instructor set for this grading run, or None when not grading."""
    raw = os.environ.get(SEED_VARIABLE, "").strip()
    try:
        return int(raw) if raw else None
    except ValueError:
        return None


def check(exercise_id: str, student_fn, *, hidden: bool = False, seed: int | None = None) -> CheckResult:
    """Run `student_fn` on the exercise's cases and explain any difference from the reference.

    The random cases come from `seed`; by default the grading seed (MLCOURSE_GRADING_SEED) or 0.
    `hidden=True` draws a different set of random cases from the same seed (used when grading); the
    feedback then also says how the points are computed under the partial-credit policy.
    """
    ex = exercise(exercise_id)
    seed = _seed(seed)
    cases = cases_for(exercise_id, seed, hidden)
    if not callable(student_fn):
        return summarise(ex, cases, [], seed, not_a_function(ex.name, student_fn), graded=hidden)
    forbidden = _reference_code_keys(ex)
    own_name = getattr(student_fn, "__name__", ex.name)
    helpers = injected_references(ex)
    run = with_references(student_fn, helpers)
    result = judge_calls(exercise_id, cases, lambda case: call_student(run, case, forbidden, helpers), own_name,
                         seed, graded=hidden)
    used = [name for name in helpers if name in _global_names(getattr(student_fn, "__code__", None))]
    if used:
        result.feedback += "\n" + _helpers_note(ex, result.passed, used, student_fn, hidden, seed)
    if not (result.passed or hidden or _quiet):
        _tell_validate(result)
    return result


def _tell_validate(result: CheckResult) -> None:
    """In a notebook's kernel, one line on stderr for a failed check: nbgrader's Validate (button and
    `nbgrader validate`) counts a test cell that wrote to stderr as failed and shows that line, while
    Run All goes on to the next cell (an exception would stop it). Autograde scores test cells in the
    sandbox and replaces their outputs, so this line never costs points there."""
    try:
        from IPython import get_ipython

        in_kernel = getattr(get_ipython(), "kernel", None) is not None
    except ImportError:
        in_kernel = False
    if in_kernel:
        name = result.exercise_id.split(".", 1)[1]
        sys.stderr.write(f"{name} does not pass its check yet: see the feedback below this line.\n")  # one write,
        sys.stderr.flush()  # so that the line arrives as one output


def injected_references(ex: Exercise, mode: str | None = None) -> dict[str, Callable]:
    """{name: reference} for the exercise's `uses`, or {} when graded with the students' own helpers."""
    if (mode or graded_with()) != "references":
        return {}
    topic = ex.id.split(".", 1)[0]
    return {name: exercise(f"{topic}.{name}").reference for name in ex.uses}


def with_references(student_fn, helpers: dict[str, Callable]):
    """A copy of the student's function whose global names in `helpers` mean the references; the
    notebook's namespace is not touched, so no other code of the student's can reach them."""
    if not helpers or not isinstance(student_fn, types.FunctionType):
        return student_fn
    overlay = {**student_fn.__globals__, **helpers}
    copy_fn = types.FunctionType(student_fn.__code__, overlay, student_fn.__name__, student_fn.__defaults__,
                                 student_fn.__closure__)
    copy_fn.__kwdefaults__, copy_fn.__qualname__ = student_fn.__kwdefaults__, student_fn.__qualname__
    if overlay.get(student_fn.__name__) is student_fn:  # a recursive call runs the same copy
        overlay[student_fn.__name__] = copy_fn
    return copy_fn


def _global_names(code) -> set[str]:
    """The global names a function's code (and the code nested in it) reads."""
    names, todo = set(), [code] if code is not None else []
    while todo:
        code = todo.pop()
        names.update(code.co_names)
        todo.extend(c for c in code.co_consts if inspect.iscode(c))
    return names


_quiet: list[bool] = []  # non-empty while a helper's check runs for another exercise's note


def _helpers_note(ex: Exercise, passed: bool, used: list[str], student_fn, hidden: bool, seed: int) -> str:
    """Which references stood in for the student's helpers, and (in a notebook's check) whether the
    student's own helpers pass their checks."""
    note = helpers_sentence(ex.name, passed, used)
    if hidden or _quiet:
        return note
    topic, module = ex.id.split(".", 1)[0], student_fn.__globals__
    _quiet.append(True)  # the helpers' checks need only pass or fail, not notes of their own
    try:
        faulty = [name for name in used if not (callable(module.get(name)) and
                                                check(f"{topic}.{name}", module[name], seed=seed).passed)]
    finally:
        _quiet.pop()
    if faulty:
        yours = " and ".join(f"`{name}`" for name in faulty)
        note += f" Your own {yours} {'has' if len(faulty) == 1 else 'have'} a mistake: see {'its' if len(faulty) == 1 else 'their'} check."
    return note


def cases_for(exercise_id: str, seed: int, hidden: bool) -> list[Case]:
    """The exercise's cases for this seed: the fixed ones, then random ones (another set when hidden)."""
    return exercise(exercise_id).cases(np.random.default_rng([seed, 1 if hidden else 0]))


def not_a_function(name: str, value) -> str:
    return f"`{name}` should be a function, but it is {_kind(value)}."


def judge_calls(exercise_id: str, cases: list[Case], call_for: Callable[[Case], Call | str], own_name: str,
                seed: int, graded: bool = True, points: float | None = None) -> CheckResult:
    """Judge the student's function case by case; `call_for(case)` runs it (here or in a sandbox) and
    gives its Call, or a sentence saying why there is none (e.g. the sandbox process died). When
    `graded` (the sandbox's hidden cases), the feedback says how the share of the points follows the
    partial-credit policy in force: in points when the cell's `points` are given, else as a share."""
    ex = exercise(exercise_id)
    outcomes: list[CaseOutcome] = []
    for case in cases:
        call = call_for(case)
        outcome = CaseOutcome(case, False, call, stop=True) if isinstance(call, str) else \
            _outcome(ex, case, call, own_name)
        outcomes.append(outcome)
        if outcome.stop:
            break
    result = summarise(ex, cases, outcomes, seed, graded=graded)
    if graded and points is not None and not result.passed:
        result.feedback = result.feedback.replace(credit_line(result), credit_line(result, points))
    return result


def _seed(seed: int | None) -> int:
    return (grading_seed() or 0) if seed is None else seed


def grade(exercise_id: str, student_fn, points: float) -> float:
    """Grade on hidden cases: show the feedback, return the points earned (nbgrader reads them).

    In a kernel whose graded cells are scored again in a sandbox (SCORED_ELSEWHERE_VARIABLE set), the
    run here would only be thrown away: say so and return 0.0 (the sandbox's verdict replaces both)."""
    if os.environ.get(SCORED_ELSEWHERE_VARIABLE) == "1":
        print(f"{exercise(exercise_id).name}: scored separately, in a fresh process (this output is replaced).")
        return 0.0
    result = check(exercise_id, student_fn, hidden=True)
    if not result.passed:  # say it in points, as the cell is worth `points`
        result.feedback = result.feedback.replace(credit_line(result), credit_line(result, points))
    result.feedback += f"\n(graded on hidden cases, seed {result.seed})"
    _show(result)
    return points_earned(result, points)


def _show(result: CheckResult) -> None:
    try:
        from IPython import get_ipython
        from IPython.display import display

        if get_ipython() is not None:
            display(result)
            return
    except ImportError:
        pass
    print(result.feedback)


# ---------------------------------------------------------------------------------------------------
# Running one case of the student's code, safely



class _TimeUp(BaseException):
    """Raised inside the student's code when a call runs too long (a BaseException, so a student's
    `except Exception` cannot swallow it)."""


@dataclass
class Raised:
    """An exception from the student's code, reduced to what feedback needs (it can cross processes)."""

    type_name: str
    text: str
    kind: str = "error"  # "error", "not implemented", "interrupted" or "exit"
    helper: str = ""  # the innermost function of the student's own code in the traceback
    line: str = ""  # 'at line N of f: <source>'
    exit_code: str = ""  # repr of sys.exit's argument, "" for sys.exit()

    @classmethod
    def of(cls, exc: BaseException) -> Raised:
        """Read through BaseException's own methods, so no code of the student's exception class runs."""
        kind_of = type(exc)
        kind = ("not implemented" if issubclass(kind_of, NotImplementedError) else
                "interrupted" if issubclass(kind_of, KeyboardInterrupt) else
                "exit" if issubclass(kind_of, SystemExit) else "error")
        code = SystemExit.code.__get__(exc) if kind == "exit" else None
        try:
            text = BaseException.__str__(exc)
        except Exception:  # noqa: BLE001 - arguments whose str() fails
            text = f"<{kind_of.__name__} that cannot be shown>"
        shown_code = "" if code is None else repr(code) if type(code) in (int, str, bool) else f"<{type(code).__name__}>"
        return cls(kind_of.__name__, text, kind, _student_function(exc), _student_line(exc), shown_code)


@dataclass
class Call:
    """What one call of the student's function did: its result or exception, its arguments afterwards
    (to see changes made in place), its warnings and prints, and whether it ran too long or called a
    reference. `check` judges a Call the same way whether it ran here or in a sandbox process."""

    got: Any = None
    raised: Raised | None = None
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # "Category: message"
    printed: str = ""
    printed_lines: int = 0
    seconds: float = 0.0
    expired: bool = False
    cheated: bool = False

    @property
    def stops(self) -> bool:
        """No further case is worth running after this call (the sandbox stops there too)."""
        return self.expired or self.cheated or (self.raised is not None and self.raised.kind != "error")


def call_student(student_fn, case: Case, forbidden: frozenset, helpers: dict | None = None) -> Call:
    """Run the student's function on a copy of the case's arguments, with a time limit, the reference
    spy (which allows the references handed over in the case and in `helpers`, see `with_references`),
    and warnings and prints captured."""
    args, kwargs = copy.deepcopy(case.args), copy.deepcopy(case.kwargs)
    deadline = _Deadline(CALL_TIME_LIMIT)
    handed = (case.args, case.kwargs, tuple((helpers or {}).values()))
    spy = _ReferenceSpy(forbidden, _handed_over(handed, forbidden), deadline)
    caught: list[warnings.WarningMessage] = []
    printed = _BoundedText()
    raised: BaseException | None = None
    got = None
    start = time.perf_counter()
    try:
        with warnings.catch_warnings(record=True) as caught, \
                contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed), spy:
            warnings.simplefilter("always")
            got = deadline.call(student_fn, args, kwargs)
    except BaseException as exc:  # noqa: BLE001 - anything the student's code raises is reported
        raised = exc
    if spy.lost and not spy.called:  # whatever ran after that went unwatched: it cannot count
        got, raised = None, RecursionError("your code recursed so deeply that the grader lost track of it")
    return Call(got, Raised.of(raised) if raised is not None else None, args, kwargs,
                [f"{w.category.__name__}: {_safe_str(w.message)}" for w in caught], printed.text, printed.lines,
                time.perf_counter() - start, deadline.expired, spy.called)


def _outcome(ex: Exercise, case: Case, call: Call, own_name: str) -> CaseOutcome:
    """Judge one call of the student's function against the reference on the same case."""
    expected = ex.reference(*copy.deepcopy(case.args), **copy.deepcopy(case.kwargs))
    if call.expired:  # even when the student's code caught the interruption and carried on
        return CaseOutcome(case, False, f"`{ex.name}` was stopped after running {call.seconds:.1f} s "
                           f"(the limit is {CALL_TIME_LIMIT:g} s): is there a loop that never ends?", stop=True)
    if call.cheated:
        return CaseOutcome(case, False, f"`{ex.name}` calls mlcourse's own reference implementation; "
                           "write the computation yourself.", output=_CHEATED, stop=True)
    if call.raised is not None:
        return _raised_outcome(ex, case, call.raised, own_name)
    try:
        outcome = _judge(ex, case, expected, call)
    except Exception as exc:  # noqa: BLE001 - a result so odd that comparing it failed
        outcome = CaseOutcome(case, False, f"Your result could not be checked: reading it raised "
                              f"{type(exc).__name__}. Return {_describe_type(expected)}.",
                              [f"got: {_safe_repr(call.got)}"], output=call.got, kinds=(SHAPE,))
    outcome.expected = expected
    return outcome


def _judge(ex: Exercise, case: Case, expected, call: Call) -> CaseOutcome:
    """Compare what the student's function returned (and did to its inputs) with the reference."""
    got, evidence = call.got, []
    if call.printed:
        evidence.append(f"(your function printed {call.printed_lines} line(s); hidden here)")
    changed = _mutated(case, call.args, call.kwargs, _parameter_names(ex.reference))
    if changed:
        return CaseOutcome(case, False, changed, evidence, output=got, kinds=(MUTATION,))
    mismatch: Mismatch | None = compare(expected, got, ex.tolerance)
    warned = call.warnings if ex.warnings_fail else []
    if mismatch is None and warned:
        return CaseOutcome(case, False, _warning_sentence(ex, warned[0]), evidence, output=got, kinds=(WARNING,))
    if mismatch:
        also = [f"(computing it also raised {warned[0]})"] if warned else []
        return CaseOutcome(case, False, mismatch.sentence, mismatch.evidence + also + evidence, output=got,
                           kinds=(mismatch.kind,) + ((WARNING,) if warned else ()))
    return CaseOutcome(case, True, output=got)


def _warning_sentence(ex: Exercise, warning: str) -> str:
    """The values are right but computing them warned: say so, and where such a warning comes from
    when the student computed the safe form already (np.where evaluates both branches everywhere)."""
    sentence = f"`{ex.name}` returns the right values, but raised a warning: {warning}."
    if not warning.startswith("RuntimeWarning"):
        return sentence
    if "overflow" in warning and "exp" in warning:
        return sentence + (" np.exp got a large positive number somewhere. If you chose between two formulas "
                           "with np.where, note that np.where computes both of them for every element before "
                           "it picks, so the formula you discard still overflows; compute e = np.exp(-np.abs(z)), "
                           "which never exceeds 1, and build both formulas from e.")
    return sentence + (" If you chose between two formulas with np.where, note that np.where computes both of them "
                       "for every element before it picks, so the one you discard can still warn; give each "
                       "formula only values it can handle (e.g. np.abs, np.clip) before choosing.")


def _raised_outcome(ex: Exercise, case: Case, exc: Raised, own_name: str) -> CaseOutcome:
    """The outcome of a call that ended with an exception from the student's code."""
    if exc.kind == "not implemented":
        helper = exc.helper
        if helper and helper not in (ex.name, own_name):
            return CaseOutcome(case, False, f"`{ex.name}` needs `{helper}`, which is not implemented yet: "
                               f"finish `{helper}` first.", stop=True)
        return CaseOutcome(case, False, f"`{ex.name}` is not implemented yet: replace `raise "
                           "NotImplementedError()` with your code.", stop=True)
    if exc.kind == "interrupted":
        return CaseOutcome(case, False, "The check was interrupted (KeyboardInterrupt).", stop=True)
    if exc.kind == "exit":
        call = f"sys.exit({exc.exit_code})" if exc.exit_code else "sys.exit()"
        return CaseOutcome(case, False, f"`{ex.name}` called {call}, which would end the program; "
                           "return the result instead.", stop=True)
    return CaseOutcome(case, False, f"`{ex.name}` raised {exc.type_name}" + (f": {exc.text}" if exc.text else "."),
                       [exc.line] if exc.line else [], error=exc.type_name, kinds=(ERROR,))


def _describe_type(value) -> str:
    """'a float', 'a numpy array of shape (3, 1)', 'a tuple of 2 values', ... for 'Return ...' hints."""
    if isinstance(value, np.ndarray):
        return f"a numpy array of shape {value.shape}"
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of {len(value)} values"
    if isinstance(value, dict):
        return f"a dict with keys {', '.join(map(repr, value))}"
    return "a float" if isinstance(value, float) else _kind(value)


def _safe_str(value) -> str:
    try:
        return str(value)
    except Exception:  # noqa: BLE001 - a student's exception whose __str__ fails
        return f"<{type(value).__name__} that cannot be shown>"


def _safe_repr(value) -> str:
    try:
        return describe(value)
    except Exception:  # noqa: BLE001
        return f"<{type(value).__name__} that cannot be shown>"


def _mutated(case: Case, args: tuple, kwargs: dict, names: list[str]) -> str:
    """A sentence if the student's function changed an input array in place (also one inside a dict,
    list or tuple argument), else ''."""
    names = names + [f"argument {i + 1}" for i in range(len(names), len(args))]
    pairs = [(f"`{n}`", a, b) for n, a, b in zip(names, case.args, args)]
    pairs += [(f"`{k}`", case.kwargs[k], kwargs[k]) for k in case.kwargs]
    for where, before, after in (item for pair in pairs for item in _array_pairs(*pair)):
        if not np.array_equal(before, after, equal_nan=True):
            drift = np.max(np.abs(np.asarray(after, float) - before)) if after.shape == before.shape else np.inf
            if drift < 1e-8 * max(1.0, np.max(np.abs(before))):
                return (f"Your function left {where} slightly changed (by {drift:.1e}): adding a step h and "
                        "subtracting it again does not restore a float exactly; save the old value and put it back.")
            return (f"Your function changed {where} in place; the caller's array must be left as it was "
                    "(work on a copy, or build new arrays with x = x - ... instead of x -= ...).")
    return ""


def _array_pairs(where: str, before, after):
    """(where, original array, the array the student's function received) for every array in an argument."""
    if isinstance(before, np.ndarray):
        if isinstance(after, np.ndarray):
            yield where, before, after
    elif isinstance(before, dict) and isinstance(after, dict):
        for key in before:
            if key in after:
                yield from _array_pairs(f"{where[:-1]}[{key!r}]`", before[key], after[key])
    elif isinstance(before, (list, tuple)) and isinstance(after, (list, tuple)):
        for i, (b, a) in enumerate(zip(before, after)):
            yield from _array_pairs(f"{where[:-1]}[{i}]`", b, a)


def _student_function(exc: BaseException) -> str:
    """The name of the innermost function of the student's own code in a traceback, or ''."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if not _is_library(f.filename)]
    return frames[-1].name if frames else ""


def _student_line(exc: BaseException) -> str:
    """'line N: <source>' of the innermost frame in the student's own code, or ''."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if not _is_library(f.filename)]
    if not frames:
        return ""
    frame = frames[-1]
    source = f": {frame.line.strip()}" if frame.line else ""
    return f"at line {frame.lineno} of {frame.name}{source}"


@functools.lru_cache(maxsize=1024)
def _is_library(filename: str) -> bool:
    path = Path(filename).resolve() if not filename.startswith("<") else None
    if path is None:
        return False
    library_roots = (_PACKAGE_DIR, Path(np.__file__).resolve().parent.parent, Path(contextlib.__file__).resolve().parent)
    return any(root in path.parents for root in library_roots)


def _reference_code_keys(ex: Exercise) -> frozenset:
    """The files of the exercise's notebook's references (mlcourse/<topic>.py): the student's code may run
    none of their functions (references, their private variants, helpers) except those it is handed."""
    topic = ex.id.split(".", 1)[0]
    files = set()
    for other in _registry().values():
        if other.id.split(".", 1)[0] == topic:
            code = getattr(other.reference, "__code__", None)
            if code is not None:
                files.add(code.co_filename)
    return frozenset(files)


def _code_key(code) -> tuple:
    return (code.co_filename, code.co_firstlineno, code.co_name)


def _handed_over(values, files: frozenset) -> frozenset:
    """Keys of the code in `files` that the case hands to the student's function (e.g. the lambda inside
    `Described(f, "x ↦ x³")`), with the code nested in it and the module functions it calls (also
    through a module-level dict, list or tuple of functions)."""
    keys: set = set()
    todo = list(values)
    while todo:
        value = todo.pop()
        if isinstance(value, (list, tuple)):
            todo.extend(value)
        elif isinstance(value, dict):
            todo.extend(value.values())
        elif isinstance(value, Described):
            todo.append(value._fn)
        elif callable(value) and getattr(value, "__code__", None) is not None:
            codes, module = [value.__code__], getattr(value, "__globals__", {})
            while codes:
                code = codes.pop()
                if code.co_filename not in files or _code_key(code) in keys:
                    continue
                keys.add(_code_key(code))
                codes.extend(c for c in code.co_consts if inspect.iscode(c))
                codes.extend(f.__code__ for name in code.co_names
                             if inspect.isfunction(f := module.get(name)) and f.__code__.co_filename in files)
                todo.extend(table for name in code.co_names  # e.g. a dict of activations' derivatives
                            if isinstance(table := module.get(name), (dict, list, tuple)))
            todo.extend(c.cell_contents for c in (getattr(value, "__closure__", None) or ()) if _has_contents(c))
    return frozenset(keys)


def _has_contents(cell) -> bool:
    try:
        cell.cell_contents
    except ValueError:
        return False
    return True


class _ReferenceSpy:
    """A profile hook noticing when the student's code runs code of mlcourse's reference files other
    than what the case handed to it.

    Once the student's time is up it also switches the deadline's tracer back on at every call and
    return in the student's code (see `_Deadline`). It must never raise: Python would switch it off; so
    it reads only its own attributes and treats any failure as tampering.
    """

    def __init__(self, files: frozenset, allowed: frozenset = frozenset(), deadline: _Deadline | None = None):
        self._files, self._allowed, self.called, self.lost, self._previous = files, allowed, False, False, None
        self._deadline = deadline

    def __call__(self, frame, event, arg):
        try:
            code = frame.f_code
            if event == "call" and code.co_filename in self._files and \
                    (code.co_filename, code.co_firstlineno, code.co_name) not in self._allowed:
                self.called = True
            deadline = self._deadline
            if deadline is not None and deadline.expired and deadline.active:
                deadline.rearm(frame)
        except RecursionError:  # the student's code is too deep to watch: nothing from here on counts
            self.lost = True
        except BaseException:  # noqa: BLE001 - only tampering with the grader can get here
            self.called = True

    def __enter__(self):
        self._previous = sys.getprofile()
        sys.setprofile(self)
        return self

    def __exit__(self, *exc):
        self.lost = self.lost or sys.getprofile() is not self  # Python drops a hook that fails (deep recursion)
        sys.setprofile(self._previous)
        return False


class _Deadline:
    """Runs the student's function and stops it after `seconds` (main thread only; elsewhere no limit).

    When the time is up, a SIGALRM (repeated every 0.2 s) raises _TimeUp in the student's code. A bare
    `except:` can catch that and carry on, so the first alarm also arms a hook that raises _TimeUp again
    inside that `except:` block, from where it escapes:
    - Python 3.12+: a sys.monitoring INSTRUCTION callback raises at every step of the student's code
      (it stays on when it raises, so nested `except:` blocks do not help either);
    - before that: a trace function on the student's frames raises at the first line after a _TimeUp
      entered the frame. Python switches off a trace function that raises, so the reference spy (a
      profile hook) switches it on again at the next call or return. (Two bare `except:` blocks nested
      in one function can still catch every alarm there.)
    The hooks themselves must never raise (Python would switch them off): an alarm that lands inside
    one only arms the tracer and comes back 1 ms later. `expired` says that the time ran out, even if
    the student's code swallowed every interruption and returned.
    """

    def __init__(self, seconds: float):
        self.seconds, self.active, self.expired = seconds, False, False
        self._tracer = self._stop  # one bound method, so `sys.gettrace() is self._tracer` works
        self._in_flight = False  # a _TimeUp is on its way through the student's frames (tracer only)
        self._tool: int | None = None  # the sys.monitoring tool id while the instruction hook is on

    def call(self, fn: Callable, args: tuple, kwargs: dict):
        if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
            return fn(*args, **kwargs)
        previous_handler = signal.signal(signal.SIGALRM, self._alarm)
        previous_trace = sys.gettrace()
        signal.setitimer(signal.ITIMER_REAL, self.seconds, 0.2)
        try:
            return self._run(fn, args, kwargs)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous_handler)
            if self.expired:
                sys.settrace(previous_trace)
                self._stop_monitoring()

    def _run(self, fn: Callable, args: tuple, kwargs: dict):
        """The frame below which the student's code runs; _TimeUp is raised only while `active`."""
        self.active = True
        try:
            return fn(*args, **kwargs)
        finally:
            self.active = False  # a plain attribute store, so no alarm can slip in before it

    def _alarm(self, signum, frame):
        if not self.active:
            return
        self.expired = True
        chain = _frames_below_run(frame)
        if chain is None:
            return
        if self._tool is None and not self._start_monitoring():
            self._arm(chain)
        if any(f.f_code in _HOOK_CODES for f in chain):
            signal.setitimer(signal.ITIMER_REAL, 0.001, 0.2)  # try again in a moment, outside the hook
            return
        raise _TimeUp()

    # --- Python 3.12+: sys.monitoring

    def _start_monitoring(self) -> bool:
        monitoring = getattr(sys, "monitoring", None)
        if monitoring is None:
            return False
        for tool in (4, 3, 5):  # ids no standard tool claims (5 is "optimizer", unused)
            if monitoring.get_tool(tool) is None:
                monitoring.use_tool_id(tool, "mlcourse time limit")
                monitoring.register_callback(tool, monitoring.events.INSTRUCTION, self._on_instruction)
                monitoring.set_events(tool, monitoring.events.INSTRUCTION)
                self._tool = tool
                return True
        return False

    def _stop_monitoring(self) -> None:
        if self._tool is not None:
            monitoring = sys.monitoring
            monitoring.set_events(self._tool, 0)
            monitoring.register_callback(self._tool, monitoring.events.INSTRUCTION, None)
            monitoring.free_tool_id(self._tool)
            self._tool = None

    def _on_instruction(self, code, offset):
        if _is_library(code.co_filename):
            return sys.monitoring.DISABLE  # never again at this place in library code
        if self.active:
            raise _TimeUp()
        return None

    # --- before Python 3.12: a trace function

    def rearm(self, frame) -> None:
        """Switch the trace function on again (the spy calls this once time is up)."""
        if self._tool is None:
            chain = _frames_below_run(frame)
            if chain is not None:
                self._arm(chain)

    def _arm(self, chain: list) -> None:
        if sys.gettrace() is not self._tracer:
            sys.settrace(self._tracer)
        for frame in chain:
            if frame.f_trace is not self._tracer and not _is_library(frame.f_code.co_filename):
                frame.f_trace = self._tracer

    def _stop(self, frame, event, arg):
        """The trace function: the first step after a _TimeUp entered one of the student's frames raises
        _TimeUp again (in an `except:` block that caught it, that is its first line)."""
        if not self.active or _is_library(frame.f_code.co_filename):
            return None
        if event == "exception":
            if arg[0] is _TimeUp:
                self._in_flight = True
        elif self._in_flight:
            self._in_flight = False
            raise _TimeUp()
        return self._tracer


def _frames_below_run(frame) -> list | None:
    """The frames from `frame` out to the student's function, or None when not inside `_Deadline._run`."""
    chain = []
    while frame is not None and frame.f_code is not _Deadline._run.__code__:
        chain.append(frame)
        frame = frame.f_back
    return chain if frame is not None else None


# The grader's own hooks, which an alarm must not raise in.
_HOOK_CODES = frozenset({_ReferenceSpy.__call__.__code__, _Deadline.rearm.__code__, _Deadline._arm.__code__,
                         _Deadline._stop.__code__, _Deadline._on_instruction.__code__, _frames_below_run.__code__})


class _BoundedText(io.TextIOBase):
    """Collects what the student's function prints, keeping at most `limit` characters."""

    def __init__(self, limit: int = 10_000):
        self.text, self.lines, self._limit = "", 0, limit

    def write(self, s: str) -> int:
        self.lines += s.count("\n")
        if len(self.text) < self._limit:
            self.text += s[: self._limit - len(self.text)]
        return len(s)




explain_undefined_functions()  # the setup cell imports grader: a check run too early then says so

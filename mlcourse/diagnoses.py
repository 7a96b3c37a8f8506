"""Generic diagnoses: mistakes named without anyone having listed them for the exercise.

When a student's function fails, the grader first tries the exercise's fingerprints (mistakes someone
wrote down). If none matches, it tries these relations between the student's results and the
reference's, on every failing case, and reports the first that holds on all of them in one sentence:

    step      the result is the reference's with a step count or time index one more or one fewer
    per_m     off by exactly the number of examples m (a missing 1/m, or a mean where a sum is due)
    axis      the result is what the reference computes along the other axis (sum/mean/max over the
              wrong axis, with or without keepdims)
    shift     one value too many or too few at one end, or every value shifted by one position
    transpose the transpose of the right result
    sign      every value has the wrong sign
    factor    every value is off by the same constant factor
    keepdims  the right values in the wrong shape

They are tried in that order, so the most specific sentence wins. Each diagnosis is a small function
of one failure (`Failure`): it returns its sentence, None when the relation does not hold, or
UNTESTABLE when the case cannot tell (e.g. there is no step count to change); a diagnosis is reported
when it holds on at least one failing case and on every failing case that can tell.

An exercise can declare which arguments are step counts or time indices (`Exercise.steps`) and where
the number of examples comes from (`Exercise.m`); see `mlcourse.cases.Exercise`.
"""

from __future__ import annotations

import contextlib
import copy
import io
import warnings
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from .cases import Case, Exercise, parameter_names
from .compare import compare

# Arguments with these names holding an int are taken as step counts / time indices when an exercise
# declares none. Counts (how many steps) and indices (which step) are worded differently.
STEP_COUNTS = ("n_steps", "n_epochs", "n_iterations", "num_iterations", "num_epochs", "n_iter", "steps", "epochs")
STEP_INDICES = ("t", "epoch", "step", "iteration")
STEP_NAMES = STEP_COUNTS + STEP_INDICES

UNTESTABLE = "untestable"  # a diagnosis's answer when this case cannot tell either way


@dataclass
class Failure:
    """One failing case with a result: what the reference gave and what the student's function gave."""

    exercise: Exercise
    case: Case
    expected: Any
    got: Any

    def rerun(self, args: tuple, kwargs: dict):
        """The reference on other arguments, or None if it cannot run on them."""
        try:
            with _quiet():
                return self.exercise.reference(*copy.deepcopy(args), **copy.deepcopy(kwargs))
        except Exception:  # noqa: BLE001 - e.g. n_steps = -1, or transposed shapes that do not fit
            return None

    def matches(self, value) -> bool:
        """Whether the student's result equals `value` within the exercise's tolerance."""
        if value is None:
            return False
        try:
            return compare(value, self.got, self.exercise.tolerance) is None
        except Exception:  # noqa: BLE001
            return False


# ---------------------------------------------------------------------------------------------------
# The diagnoses, most specific first


def off_by_one_step(f: Failure) -> str | None:
    """The result is the reference's with a step count or time index (n_steps, epoch, t) ±1."""
    names = parameter_names(f.exercise.reference)
    declared = f.exercise.steps
    found = []
    for i, (name, value) in enumerate(zip(names, f.case.args)):
        if (name in declared or (not declared and name in STEP_NAMES)) and _is_int(value):
            found.append((name, value, i))
    for name, value in f.case.kwargs.items():
        if (name in declared or (not declared and name in STEP_NAMES)) and _is_int(value):
            found.append((name, value, name))
    if not found:
        return UNTESTABLE
    for name, value, where in found:
        for delta in (-1, 1):
            if value + delta < 0:
                continue
            args, kwargs = list(f.case.args), dict(f.case.kwargs)
            if isinstance(where, int):
                args[where] = type(value)(value + delta)
            else:
                kwargs[where] = type(value)(value + delta)
            if f.matches(f.rerun(tuple(args), kwargs)):
                index = name in STEP_INDICES
                why = ("an index that starts at 0 where the formula's starts at 1, or the other way round" if index
                       else f"a loop that runs one time too {'few' if delta < 0 else 'many'}")
                return (f"Your result is the right one for `{name}` = {value + delta}, not for the `{name}` = "
                        f"{value} you were given: an off-by-one ({why}).")
    return None


def divided_by_m(f: Failure) -> str | None:
    """Every differing value is off by exactly m, the number of examples (or a length the sum runs over)."""
    leaves = _differing_leaves(f)
    if not leaves:
        return None
    for m, what in _example_counts(f):
        if m < 2:
            continue
        for direction, factor in (("divided", 1.0 / m), ("missing", float(m))):
            if all(_scaled(e, g, factor, f) for _, e, g in leaves):
                if direction == "divided":
                    return (f"Your result is 1/{m} of the right one, and {what}: you divide by it (or take a "
                            "mean) where a plain sum is due.")
                return (f"Your result is {m} times the right one, and {what}: a division by it is missing (a sum "
                        "where the mean is due, or the 1/m left out).")
    return None


def other_axis(f: Failure) -> str | None:
    """The result is the reference's on the transposed inputs, transposed back: a reduction (sum, mean,
    max, min, softmax's normalisation) runs along the other axis."""
    positions = [i for i, a in enumerate(f.case.args) if isinstance(a, np.ndarray) and a.ndim == 2]
    if not positions:
        return UNTESTABLE
    args = tuple(a.T if i in positions else a for i, a in enumerate(f.case.args))
    other = f.rerun(args, f.case.kwargs)
    if other is None:
        return UNTESTABLE
    back = _map_arrays(other, lambda a: a.T if a.ndim == 2 else a)
    if _same(back, f.expected, f):
        return UNTESTABLE  # the computation does not depend on the axis here
    reshaped = isinstance(back, np.ndarray) and isinstance(f.got, np.ndarray) and f.got.size == back.size \
        and f.got.dtype.kind in "biuf" and _close(back.ravel(), f.got.ravel(), f)
    if f.matches(back) or reshaped:
        return ("Your result is what the right computation gives along the other axis: check the axis= of "
                "your sums, means, maxima and minima (examples are columns: axis=1 runs over the examples, "
                "axis=0 over the entries of one example), and keep the dimension with keepdims=True.")
    return None


def shifted_by_one(f: Failure) -> str | None:
    """One value too many or too few at one end, or every value shifted one place (an off-by-one index)."""
    e, g = f.expected, f.got
    if not (isinstance(e, np.ndarray) and isinstance(g, np.ndarray)) or e.ndim != g.ndim or e.ndim == 0:
        return UNTESTABLE
    g = g.astype(float) if g.dtype.kind in "biuf" else None
    if g is None:
        return None
    axis = e.ndim - 1 if e.ndim == 2 and e.shape[0] == g.shape[0] and e.shape[0] < e.shape[1] else 0
    n_e, n_g = e.shape[axis], g.shape[axis]
    if [s for k, s in enumerate(e.shape) if k != axis] != [s for k, s in enumerate(g.shape) if k != axis]:
        return None
    take = lambda a, sl: a[(slice(None),) * axis + (sl,)]  # noqa: E731
    where = "" if e.ndim == 1 else f" along axis {axis}"
    if n_g == n_e - 1 >= 1:
        for sl, end in ((slice(1, None), "first"), (slice(None, -1), "last")):
            if _close(take(e, sl), g, f):
                return (f"Your result lacks the {end} value{where} and is otherwise right: an off-by-one (a loop "
                        "or slice one too short, or the start value left out).")
    if n_g == n_e + 1 >= 2:
        for sl, end in ((slice(1, None), "first"), (slice(None, -1), "last")):
            if _close(e, take(g, sl), f):
                return (f"Your result has one value too many{where} (the {end}) and is otherwise right: an "
                        "off-by-one (a loop or slice one too long?).")
    if n_g == n_e >= 3:
        if _close(take(e, slice(None, -1)), take(g, slice(1, None)), f):
            return f"Your values are shifted by one place{where}: each sits where the next one belongs (an off-by-one index)."
        if _close(take(e, slice(1, None)), take(g, slice(None, -1)), f):
            return (f"Your values are shifted by one place{where}: each sits where the previous one belongs (an "
                    "off-by-one index).")
    return None


def transposed(f: Failure) -> str | None:
    leaves = _differing_leaves(f)
    if not leaves or not all(np.ndim(e) == 2 and np.ndim(g) == 2 for _, e, g in leaves):
        return None
    if all(g.T.shape == e.shape and _close(e, g.T, f) and not _close(e, e.T, f) for _, e, g in leaves):
        return (f"{_subject(leaves)} the transpose of the right one: rows and columns are swapped (examples are "
                "columns, so a result for m examples has m columns).")
    return None


def wrong_sign(f: Failure) -> str | None:
    leaves = _differing_leaves(f)
    if leaves and all(_scaled(e, g, -1.0, f) for _, e, g in leaves):
        return f"{_subject(leaves)} the negative of the right one: a minus sign is missing or one too many."
    return None


def constant_factor(f: Failure) -> str | None:
    """Every differing value is the same multiple of the right one. Any wrong single number is *some*
    multiple of the right one, so this needs two or more different nonzero values to go on."""
    leaves = _differing_leaves(f)
    if not leaves:
        return None
    expected = np.concatenate([np.ravel(e) for _, e, _ in leaves])
    got = np.concatenate([np.ravel(g) for _, _, g in leaves])
    nonzero = np.abs(expected) > 1e-12
    if len(np.unique(np.round(np.abs(expected[nonzero]), 12))) < 2:
        return UNTESTABLE
    factor = float(np.median(got[nonzero] / expected[nonzero]))
    if not np.isfinite(factor) or factor in (0.0, 1.0) or not _scaled(expected, got, factor, f):
        return None
    return f"{_subject(leaves)} {_pretty_factor(factor)} the right one: a constant factor is off."


def right_values_wrong_shape(f: Failure) -> str | None:
    leaves = _shape_leaves(f.expected, f.got)
    if leaves and all(np.size(e) == np.size(g) and _close(np.ravel(e), np.ravel(g), f) for e, g in leaves):
        shapes = ", ".join(f"{np.shape(g)} where {np.shape(e)} is due" for e, g in leaves[:2])
        return (f"Your values are right but the shape is wrong ({shapes}): keep the dimension with "
                "keepdims=True, or reshape.")
    return None


# (kind, diagnosis), most specific first. A case's hint can be about a kind (Case.hint_for).
DIAGNOSES: tuple[tuple[str, Callable[[Failure], str | None]], ...] = (
    ("step", off_by_one_step),
    ("per_m", divided_by_m),
    ("axis", other_axis),
    ("shift", shifted_by_one),
    ("transpose", transposed),
    ("sign", wrong_sign),
    ("factor", constant_factor),
    ("keepdims", right_values_wrong_shape),
)
KINDS = tuple(kind for kind, _ in DIAGNOSES)


def diagnose(failures: list[Failure]) -> tuple[str, str] | None:
    """(kind, sentence) of the first diagnosis that holds on some failing case and on every failing case
    that can tell; the sentence is the one for the first such case."""
    if not failures:
        return None
    for kind, diagnosis in DIAGNOSES:
        sentence = None
        for failure in failures:
            try:
                said = diagnosis(failure)
            except Exception:  # noqa: BLE001 - a diagnosis must never break the feedback
                said = None
            if said is None:
                sentence = None
                break
            if said != UNTESTABLE and sentence is None:
                sentence = said
        if sentence:
            return kind, sentence
    return None


# ---------------------------------------------------------------------------------------------------
# Helpers


def _is_int(value) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def _example_counts(f: Failure) -> list[tuple[int, str]]:
    """(m, 'm = 4, the number of examples') candidates for this case."""
    declared, names = f.exercise.m, parameter_names(f.exercise.reference)
    values = dict(zip(names, f.case.args)) | dict(f.case.kwargs)
    if callable(declared):
        m = declared(*f.case.args, **f.case.kwargs)
        return [(int(m), f"m = {int(m)} examples")]
    if declared is not None:
        name, axis = declared
        array = values.get(name)
        return [(int(np.shape(array)[axis]), f"m = {np.shape(array)[axis]} examples")] if array is not None else []
    found = []
    for name, value in values.items():
        if isinstance(value, np.ndarray) and value.ndim == 2:
            found.append((value.shape[1], f"m = {value.shape[1]}, the number of columns (examples) of `{name}`"))
        elif isinstance(value, np.ndarray) and value.ndim == 1:
            found.append((value.shape[0], f"n = {value.shape[0]}, the length of `{name}`"))
    return found


def _differing_leaves(f: Failure) -> list[tuple[str, np.ndarray, np.ndarray]] | None:
    """(where, expected, got) as float arrays of the same shape for every part of the result that
    differs, or None when some part differs in structure or shape (then value relations do not apply)."""
    out: list = []

    def walk(e, g, where):
        if isinstance(e, (tuple, list)):
            if not isinstance(g, (tuple, list)) or len(g) != len(e):
                raise _Unfit
            for i, (a, b) in enumerate(zip(e, g)):
                walk(a, b, f"{where}[{i}]")
        elif isinstance(e, dict):
            if not isinstance(g, dict) or any(k not in g for k in e):
                raise _Unfit
            for k in e:
                walk(e[k], g[k], f"{where}[{k!r}]")
        else:
            try:
                ea, ga = np.asarray(e, dtype=float), np.asarray(g, dtype=float)
            except (TypeError, ValueError):
                raise _Unfit from None
            if ea.shape != ga.shape or not np.all(np.isfinite(ga)):
                raise _Unfit
            if not _close(ea, ga, f):
                out.append((where, ea, ga))

    try:
        walk(f.expected, f.got, "")
    except _Unfit:
        return None
    return out or None


def _shape_leaves(expected, got) -> list[tuple[np.ndarray, np.ndarray]] | None:
    """(expected, got) arrays whose shapes differ, in results of the same structure; None if the
    structure differs or nothing differs in shape."""
    if isinstance(expected, (tuple, list)):
        if not isinstance(got, (tuple, list)) or len(got) != len(expected):
            return None
        parts = [_shape_leaves(e, g) for e, g in zip(expected, got)]
        return None if any(p is None and np.shape(e) != np.shape(g) for p, e, g in zip(parts, expected, got)) \
            else [x for p in parts if p for x in p] or None
    if isinstance(expected, np.ndarray) and isinstance(got, np.ndarray) and expected.shape != got.shape \
            and got.dtype.kind in "biuf":
        return [(expected, got.astype(float))]
    return None


class _Unfit(Exception):
    pass


def _close(e, g, f: Failure) -> bool:
    e, g = np.asarray(e, dtype=float), np.asarray(g, dtype=float)
    tol = f.exercise.tolerance
    with np.errstate(all="ignore"):
        return e.shape == g.shape and bool(np.allclose(g, e, rtol=tol.rtol, atol=tol.atol))


def _scaled(e, g, factor: float, f: Failure) -> bool:
    """g = factor·e, where e is not all (nearly) zero."""
    tol = f.exercise.tolerance
    e = np.asarray(e, dtype=float)
    return bool(np.any(np.abs(e) > max(tol.atol, 1e-12))) and _close(factor * e, g, f)


def _same(a, b, f: Failure) -> bool:
    try:
        return compare(a, b, f.exercise.tolerance) is None
    except Exception:  # noqa: BLE001
        return False


def _map_arrays(value, fn):
    if isinstance(value, np.ndarray):
        return fn(value)
    if isinstance(value, tuple):
        return tuple(_map_arrays(v, fn) for v in value)
    if isinstance(value, list):
        return [_map_arrays(v, fn) for v in value]
    if isinstance(value, dict):
        return {k: _map_arrays(v, fn) for k, v in value.items()}
    return value


def _subject(leaves) -> str:
    """'Your result is' for a whole result, '`result[1]` is' (or 'Parts ... are') for parts of one."""
    wheres = [w for w, _, _ in leaves]
    if wheres == [""]:
        return "Your result is"
    if len(wheres) == 1:
        return f"Your result{wheres[0]} is"
    return "Your result" + " and result".join(wheres) + " are each"


def _pretty_factor(factor: float) -> str:
    for n in range(2, 65):
        if np.isclose(factor, n):
            return f"{n}×"
        if np.isclose(factor, 1 / n):
            return f"1/{n} of"
    return f"{factor:.4g}×"


@contextlib.contextmanager
def _quiet():
    with warnings.catch_warnings(), np.errstate(all="ignore"), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        yield

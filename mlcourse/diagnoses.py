"""Generic diagnoses: mistakes named without anyone having listed them for the exercise.

When a student's function fails, the grader first tries the exercise's fingerprints (mistakes someone
wrote down). If none matches, it tries these relations between the student's results and the
reference's, on every failing case, and reports the first that holds on all of them in one sentence:

    step      the result is the reference's with a step count or time index one more or one fewer
    default   the result is the reference's with a keyword argument left at its default (h not used)
    keys      a dict result whose keys are numbered one too high or too low (dA1.. for dA0..)
    swap      two parts of the result in each other's places
    unchanged parts of the result are an input returned as it came in (never updated)
    per_m     off by exactly the number of examples m (a missing 1/m, or a mean where a sum is due)
    update    the result is an input moved by a step of the wrong sign or size (W + lr·dW)
    axis      the result is what the reference computes along the other axis (sum/mean/max over the
              wrong axis, with or without keepdims)
    reduce    the result is the sum or mean of the right values, where one value per entry is due (or
              the values themselves where their sum or mean is due)
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

from .cases import Case, Exercise, describe_argument, parameter_names
from .compare import _pretty_factor, compare

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
            other = f.rerun(tuple(args), kwargs)
            if other is not None and not _all_zero(other) and f.matches(other):
                index = name in STEP_INDICES
                why = ("an index that starts at 0 where the formula's starts at 1, or the other way round" if index
                       else f"a loop that runs one time too {'few' if delta < 0 else 'many'}")
                return (f"Your result is the right one for `{name}` = {value + delta}, not for the `{name}` = "
                        f"{value} you were given: an off-by-one ({why}).")
    return None


def ignored_argument(f: Failure) -> str | None:
    """The result is the reference's with a keyword argument left at its default: the student's code
    does not use the value it was given (h, alpha, eps, beta1, ...)."""
    if not f.case.kwargs:
        return UNTESTABLE
    for name in f.case.kwargs:
        kwargs = {k: v for k, v in f.case.kwargs.items() if k != name}
        default = f.rerun(f.case.args, kwargs)
        if default is not None and not _same(default, f.expected, f) and not _all_zero(default) \
                and f.matches(default):
            return (f"Your result is what the default `{name}` gives, not the `{name}` = "
                    f"{_short(f.case.kwargs[name])} you were given: use the argument (pass it on, too).")
    return None


def renumbered_keys(f: Failure) -> str | None:
    """A dict result whose keys of one family carry numbers one too high or too low (dA1..dAL where
    dA0..dA{L−1} are due), with the right values under them."""
    e, g = f.expected, f.got
    if not (isinstance(e, dict) and isinstance(g, dict)):
        return UNTESTABLE
    if set(e) == set(g) or not all(isinstance(k, str) for k in list(e) + list(g)):
        return None
    stems = {k.rstrip("0123456789") for k in set(e) ^ set(g)}
    for stem in stems:
        for delta in (1, -1):
            moved = {(_renumber(k, delta) if k.rstrip("0123456789") == stem else k): k for k in e}
            if set(moved) == set(g) and all(_same(e[old], g[new], f) for new, old in moved.items()):
                first = min((k for k in e if k.rstrip("0123456789") == stem and k != stem), key=lambda k: int(k[len(stem):]))
                return (f"Your keys {stem}… are numbered one too {'high' if delta > 0 else 'low'} "
                        f"({_renumber(first, delta)!r} where {first!r} is due), and the values under them are right: "
                        "an off-by-one in the layer index.")
    return None


def swapped_parts(f: Failure) -> str | None:
    """Two parts of a tuple (or two values of a dict) are in each other's places."""
    e, g = f.expected, f.got
    if isinstance(e, (tuple, list)) and isinstance(g, (tuple, list)) and len(e) == len(g) >= 2:
        keys = list(range(len(e)))
    elif isinstance(e, dict) and isinstance(g, dict) and set(e) == set(g) and len(e) >= 2:
        keys = list(e)
    else:
        return UNTESTABLE
    wrong = [k for k in keys if not _same(e[k], g[k], f)]
    if len(wrong) == 2:
        a, b = wrong
        if _same(e[a], g[b], f) and _same(e[b], g[a], f):
            return f"Your result[{a!r}] and result[{b!r}] are in each other's places: swap them."
    return None


def unchanged_input(f: Failure) -> str | None:
    """Some parts of the result are an input returned as it came in: they were never updated."""
    leaves = _differing_leaves(f)
    if not leaves:
        return None
    inputs = _input_leaves(f)
    same = [w for w, e, g in leaves if any(_close(x, g, f) for x in _candidates(w, g, inputs))]
    if len(same) != len(leaves):
        return None
    shown = "Your result" + ", result".join(same[:3]) + (" …" if len(same) > 3 else "")
    return (f"{shown} {'is' if len(same) == 1 else 'are'} returned exactly as passed in: never updated "
            "(a loop that stops one layer early, a branch never taken, or the old value returned?).")


def wrong_step(f: Failure) -> str | None:
    """The result is an input moved by a step, and the step has the wrong sign or size (W + lr·dW)."""
    leaves = _differing_leaves(f)
    if not leaves:
        return None
    inputs = _input_leaves(f)
    factors = []
    for w, e, g in leaves:
        found = None
        for x in _candidates(w, g, inputs):
            step, mine = e - x, g - x
            if not np.any(np.abs(step) > 1e-12) or _close(x, g, f):
                continue
            c = float(np.median(mine[np.abs(step) > 1e-12] / step[np.abs(step) > 1e-12]))
            if np.isfinite(c) and c not in (0.0, 1.0) and _close(c * step, mine, f):
                found = c
                break
        if found is None:
            return None
        factors.append(found)
    if not np.allclose(factors, factors[0]):
        return None
    if np.isclose(factors[0], -1):
        return ("Your result moved away from the values passed in the opposite direction to the right one: the "
                "step has the wrong sign (descent subtracts: W − lr·dW, not W + lr·dW).")
    size = _pretty_factor(factors[0])
    size = f"{size} as far" if size.endswith("×") else f"only {size[:-3]} as far"
    return (f"Your result moved {size} from the values passed in as the right one: a factor in the step is off "
            "(lr, β or 1 − β?).")


def summed_or_averaged(f: Failure) -> str | None:
    """The result is the sum or mean of the right values (all of them, or along an axis) where one value
    per entry is due, or the other way round: the values a sum or mean is due over, left unreduced."""
    e, g = f.expected, f.got
    if isinstance(e, np.ndarray) and e.size >= 2:
        big, small, reduced = e, g, True
    elif isinstance(g, np.ndarray) and g.size >= 2 and np.size(e) < g.size and not isinstance(e, (tuple, list, dict)):
        big, small, reduced = g, e, False
    else:
        return UNTESTABLE
    try:
        big, small = np.asarray(big, dtype=float), np.asarray(small, dtype=float)
    except (TypeError, ValueError):
        return None
    for how, fn in (("mean", np.mean), ("sum", np.sum)):
        for axis in (None,) + tuple(range(big.ndim)):
            value = fn(big, axis=axis)
            if small.size == np.size(value) and small.size < big.size and _close(np.ravel(value), np.ravel(small), f):
                over = "all the values" if axis is None else f"axis {axis}"
                if reduced:
                    return (f"Your result is the {how} of the right values over {over}; no {how} is due here: "
                            f"return one value per entry, shape {e.shape}.")
                return (f"Your result holds the values whose {how} over {over} is due, not the {how} itself: "
                        f"take the {how} (np.{how}), and return {'a plain number' if np.ndim(e) == 0 else np.shape(e)}.")
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
    """One value too many or too few at one end, or every value shifted one place (an off-by-one index);
    in a tuple result, in the one part that differs."""
    e, g = f.expected, f.got
    if isinstance(e, tuple) and isinstance(g, (tuple, list)) and len(e) == len(g):
        wrong = [k for k in range(len(e)) if not _same(e[k], g[k], f)]
        if len(wrong) != 1:
            return None
        said = _shifted(e[wrong[0]], g[wrong[0]], f)
        return said.replace("Your result", f"Your result[{wrong[0]}]", 1) if said and said != UNTESTABLE else said
    return _shifted(e, g, f)


def _shifted(e, g, f: Failure) -> str | None:
    if isinstance(e, list) and isinstance(g, (list, tuple)):
        if len(e) < 2:
            return UNTESTABLE
        if len(g) == len(e) - 1 and (_same(e[1:], list(g), f) or _same(e[:-1], list(g), f)):
            end = "first" if _same(e[1:], list(g), f) else "last"
            return (f"Your result lacks the {end} item and is otherwise right: an off-by-one (a loop or slice one "
                    "too short?).")
        if len(g) == len(e) + 1 and (_same(e, list(g[1:]), f) or _same(e, list(g[:-1]), f)):
            return "Your result has one item too many and is otherwise right: an off-by-one (a loop or slice one too long?)."
        return None
    if not (isinstance(e, np.ndarray) and isinstance(g, np.ndarray)) or e.ndim != g.ndim or e.ndim == 0:
        return UNTESTABLE
    if g.dtype.kind not in "biuf":
        return None
    g = g.astype(float)
    axis = e.ndim - 1 if e.ndim == 2 and e.shape[0] == g.shape[0] and e.shape[0] < e.shape[1] else 0
    n_e, n_g = e.shape[axis], g.shape[axis]
    if n_e < 2:
        return UNTESTABLE
    if [s for k, s in enumerate(e.shape) if k != axis] != [s for k, s in enumerate(g.shape) if k != axis]:
        return None
    take = lambda a, sl: a[(slice(None),) * axis + (sl,)]  # noqa: E731
    where = "" if e.ndim == 1 else f" along axis {axis}"
    if n_g == n_e - 1:
        for sl, end in ((slice(1, None), "first"), (slice(None, -1), "last")):
            if _close(take(e, sl), g, f):
                return (f"Your result lacks the {end} value{where} and is otherwise right: an off-by-one (a loop "
                        "or slice one too short, or the start value left out).")
    if n_g == n_e + 1:
        for sl, end in ((slice(1, None), "first"), (slice(None, -1), "last")):
            if _close(e, take(g, sl), f):
                return (f"Your result has one value too many{where} (the {end}) and is otherwise right: an "
                        "off-by-one (a loop or slice one too long?).")
    if n_g == n_e >= 3:
        if _close(take(e, slice(None, -1)), take(g, slice(1, None)), f):
            return (f"Your values are shifted by one place{where}: each sits one place later than it should (an "
                    "off-by-one index, e.g. a value recorded before the step instead of after it).")
        if _close(take(e, slice(1, None)), take(g, slice(None, -1)), f):
            return (f"Your values are shifted by one place{where}: each sits one place earlier than it should (an "
                    "off-by-one index).")
    return None


def transposed(f: Failure) -> str | None:
    """The transpose of the right result (or of a part of it)."""
    leaves = _shape_leaves(f.expected, f.got) or [(e, g) for _, e, g in (_differing_leaves(f) or [])]
    if not leaves or not all(np.ndim(e) == 2 and np.ndim(g) == 2 for e, g in leaves):
        return None
    if all(g.T.shape == e.shape and _close(e, g.T, f) and not _close(e, e.T, f) for e, g in leaves):
        return ("Your result (or a part of it) is the transpose of the right one: rows and columns are swapped "
                "(examples are columns, so a result for m examples has m columns).")
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
        shapes = ", ".join(f"{np.shape(g)} where {np.shape(e) or 'a plain number'} is due" for e, g in leaves[:2])
        fix = "turn it into a number with float(...)" if any(np.ndim(e) == 0 for e, _ in leaves) else \
            "keep the dimension with keepdims=True, or reshape"
        return f"Your values are right but the shape is wrong ({shapes}): {fix}."
    return None


# (kind, diagnosis), most specific first. A case's hint can be about a kind (Case.hint_for).
DIAGNOSES: tuple[tuple[str, Callable[[Failure], str | None]], ...] = (
    ("step", off_by_one_step),
    ("default", ignored_argument),
    ("keys", renumbered_keys),
    ("swap", swapped_parts),
    ("unchanged", unchanged_input),
    ("per_m", divided_by_m),
    ("update", wrong_step),
    ("axis", other_axis),
    ("reduce", summed_or_averaged),
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
                with _quiet():  # wild results (1e308, huge ints) must not make a diagnosis warn
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
    structure differs or nothing differs in shape. A (1, 1) array where a number is due counts."""
    out: list = []

    def walk(e, g):
        if isinstance(e, (tuple, list)):
            if not isinstance(g, (tuple, list)) or len(g) != len(e):
                raise _Unfit
            for a, b in zip(e, g):
                walk(a, b)
        elif isinstance(e, dict):
            if not isinstance(g, dict) or set(g) != set(e):
                raise _Unfit
            for k in e:
                walk(e[k], g[k])
        elif isinstance(e, np.ndarray):
            if not isinstance(g, np.ndarray) or g.dtype.kind not in "biuf":
                raise _Unfit
            if g.shape != e.shape:
                out.append((e, g.astype(float)))
        elif isinstance(e, (float, int)) and isinstance(g, np.ndarray) and g.size == 1 and g.ndim \
                and g.dtype.kind in "iuf":
            out.append((np.asarray(float(e)), g.astype(float)))

    try:
        walk(expected, got)
    except _Unfit:
        return None
    return out or None


def _input_leaves(f: Failure) -> list[tuple[str, np.ndarray]]:
    """(key, array) for every float array among the case's arguments (inside dicts and tuples too);
    the key is the dict key it sits under, or ''."""
    found: list = []

    def walk(value, key):
        if isinstance(value, np.ndarray) and value.dtype.kind in "iuf":
            found.append((key, value.astype(float)))
        elif isinstance(value, dict):
            for k, v in value.items():
                walk(v, str(k))
        elif isinstance(value, (tuple, list)):
            for v in value:
                walk(v, key)

    walk(list(f.case.args) + list(f.case.kwargs.values()), "")
    return found


def _candidates(where: str, got: np.ndarray, inputs) -> list[np.ndarray]:
    """Inputs that a result part at `where` could have come from: the same shape, and the same dict key
    when the part sits under one."""
    key = where.rsplit("[", 1)[-1].strip("]'\"") if where.endswith("]") and "'" in where[-3:] else ""
    return [x for k, x in inputs if x.shape == np.shape(got) and (not key or k == key)]


def _renumber(key: str, delta: int) -> str:
    """'dA1' -> 'dA2' for delta 1; keys without a trailing number stay."""
    stem = key.rstrip("0123456789")
    return f"{stem}{int(key[len(stem):]) + delta}" if stem != key else key


def _short(value) -> str:
    text = describe_argument(value, inside=True)
    return text if len(text) <= 40 else text[:40] + "…"


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


def _all_zero(value) -> bool:
    """Nothing but zeros (or no numbers at all): a result any number of mistakes could give."""
    if isinstance(value, dict):
        return all(_all_zero(v) for v in value.values())
    if isinstance(value, (tuple, list)):
        return all(_all_zero(v) for v in value)
    try:
        return not np.any(np.abs(np.asarray(value, dtype=float)) > 1e-8)
    except (TypeError, ValueError):
        return False


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
    if len(wheres) <= 3:
        return "Your result" + " and result".join(wheres) + " are each"
    return f"Your result{wheres[0]}, result{wheres[1]} and {len(wheres) - 2} more parts are each"




@contextlib.contextmanager
def _quiet():
    with warnings.catch_warnings(), np.errstate(all="ignore"), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        yield

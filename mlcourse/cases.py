"""How an exercise is described: its cases (`Case`), the exercise itself (`Exercise`), readable test
functions (`Described`) and how a case's arguments are shown in feedback.

`mlcourse.grader` re-exports all of these; topic modules import them from there.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from .compare import Tolerance, describe

# What a case's hint is about. A hint is shown only when the case fails in one of the ways it names, so
# a student whose function changed its input in place is not told about axes, and one whose result is
# right but warned is not told to do what they already did.
VALUE = "value"  # right type and shape, wrong numbers
SHAPE = "shape"  # wrong shape, type or structure (None, a list for an array, a missing key, ...)
NONFINITE = "nonfinite"  # nan or inf where finite numbers are due
WARNING = "warning"  # a warning (e.g. overflow in exp) in an exercise whose check forbids them
MUTATION = "mutation"  # an input array was changed in place
ERROR = "error"  # the function raised an exception
# ... or a generic diagnosis (mlcourse/diagnoses.py) that named the mistake, e.g. "axis" for a
# reduction over the wrong axis: see diagnoses.KINDS.
DEFAULT_HINT_FOR = (VALUE, SHAPE, NONFINITE)
FAILURE_KINDS = (VALUE, SHAPE, NONFINITE, WARNING, MUTATION, ERROR)


@dataclass(frozen=True)
class Case:
    """One call of the function under test: `fn(*args, **kwargs)`.

    - `name`: a short name shown in feedback ("the notes' worked example"; random cases "random #k").
    - `hint`: one line shown under the evidence when this case is the first to fail, but only when it
      failed in a way the hint is about, which `hint_for` says: one kind or a tuple of kinds among
      "value" (wrong numbers), "shape" (wrong shape, type or structure), "nonfinite" (nan/inf),
      "warning" (a warning where the exercise forbids them), "mutation" (an input changed in place),
      "error" (an exception), or the kind of a generic diagnosis (`mlcourse.diagnoses.KINDS`, e.g.
      "axis", "step", "per_m"), which matches when that diagnosis named the mistake. The default,
      ("value", "shape", "nonfinite"), suits a hint that explains the expected numbers. Mutations,
      exceptions and warnings have sentences of their own and need no hint unless it is about them.
    - `edge`: an edge case (a boundary value, overflow, 0/0, m = 1, ...) rather than an ordinary one.
      Under the default partial-credit policy ("ordinary-then-edge", see `mlcourse.feedback`) a test cell
      earns nothing unless every ordinary case passes; edge cases then earn the rest in proportion.

        Case((z,), {}, "large magnitudes", hint="exp must only ever see −|z|", hint_for="warning", edge=True)
    """

    args: tuple
    kwargs: dict = field(default_factory=dict)
    name: str = ""
    hint: str = ""
    hint_for: tuple[str, ...] | str = DEFAULT_HINT_FOR
    edge: bool = False

    def __post_init__(self):
        if isinstance(self.hint_for, str):
            object.__setattr__(self, "hint_for", (self.hint_for,))

    def hint_applies(self, kinds) -> bool:
        """Whether the hint is about a failure of these kinds (a failure may be of several at once)."""
        return bool(self.hint) and any(kind in self.hint_for for kind in kinds)

    def label(self, parameter_names: list[str]) -> str:
        """e.g. 'the notes' example: a = 5.0, b = 3.0, c = 2.0'."""
        names = parameter_names + [f"arg{i + 1}" for i in range(len(parameter_names), len(self.args))]
        shown = [f"{n} = {describe_argument(a)}" for n, a in zip(names, self.args)]
        shown += [f"{k} = {describe_argument(v)}" for k, v in self.kwargs.items()]
        return f"{self.name}: {', '.join(shown)}" if self.name else ", ".join(shown)


@dataclass(frozen=True)
class Exercise:
    """An exercise: its reference, how to make its cases, and the mistakes it recognises.

    Optional declarations for the generic diagnoses (mlcourse/diagnoses.py):
    - `steps`: names of arguments that count steps or index time (`n_steps`, `n_epochs`, `t`, `epoch`):
      when the student's result equals the reference's with one of them ±1, feedback says "off by one".
      Left empty, arguments with those usual names (diagnoses.STEP_NAMES) holding ints are used.
    - `m`: where the number of examples comes from, `("X", 1)` (argument name, axis) or a function of
      the case's arguments: a result off by exactly a factor m is named "1/m missing" or "divided by m".
      Left None, the columns of 2-D array arguments are tried.
    """

    id: str  # "<topic>.<function name>"
    reference: Callable
    cases: Callable[[np.random.Generator], list[Case]]  # fixed cases first, then random ones from rng
    fingerprints: dict[str, Callable]  # one plain sentence naming a mistake -> a function making it
    tolerance: Tolerance = Tolerance()
    warnings_fail: bool = False  # a warning from the student's code fails the case (e.g. exp overflow)
    steps: tuple[str, ...] = ()
    m: tuple[str, int] | Callable | None = None

    @property
    def name(self) -> str:
        return self.id.split(".", 1)[1]


class Described:
    """A callable with a readable name, so feedback can show `f = x ↦ x**3` instead of a memory address."""

    def __init__(self, fn: Callable, text: str):
        self._fn, self._text = fn, text
        self.__name__ = text

    def __call__(self, *args, **kwargs):
        return self._fn(*args, **kwargs)

    def __repr__(self) -> str:
        return self._text

    def __deepcopy__(self, memo):
        return self


def describe_argument(value, inside: bool = False) -> str:
    """One line for a case's argument; arrays inside dicts, lists and tuples are shown by their shapes."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k!r}: {describe_argument(v, True)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)) and any(isinstance(v, (np.ndarray, list, tuple, dict)) for v in value):
        inner = ", ".join(describe_argument(v, True) for v in value)
        return f"[{inner}]" if isinstance(value, list) else f"({inner})"
    if isinstance(value, np.ndarray) and inside:
        return f"<{'×'.join(map(str, value.shape)) or '0-d'} array>"
    if isinstance(value, np.random.Generator):
        return "a np.random.Generator"
    text = describe(value)
    if " at 0x" in text:  # a default repr: a memory address means nothing to a student (and changes)
        return getattr(value, "__name__", None) or f"a {type(value).__name__}"
    return text if "\n" not in text else "array(" + np.array2string(
        value, separator=", ", precision=4, threshold=12, edgeitems=2
    ).replace("\n", "") + ")"


def parameter_names(fn: Callable) -> list[str]:
    try:
        return list(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        return []

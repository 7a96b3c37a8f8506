"""Fresh copies of mlcourse's topic modules, as a student's own code would be.

The grader refuses a function that runs mlcourse's own reference code, so the tests check copies of
the topic modules compiled under another file name: the same code, but not the same code objects.
Names a copy imports from another mlcourse module (e.g. `numerical_gradient` from `gradcheck`) are
rebound to that module's copy, so nothing in a copy runs the original references. An exercise is looked
up in the copy of the module that defines it: its topic module, or a private part of the topic that the
topic module registers (e.g. `_backprop_softmax`, `_neurons_activations`).
"""

from __future__ import annotations

import importlib
import inspect
import types
from functools import cache


@cache
def topic_copy(module_name: str) -> types.ModuleType:
    original = importlib.import_module(f"mlcourse.{module_name}")
    copy = types.ModuleType(f"student_copy_of_{module_name}")
    copy.__dict__["__package__"] = "mlcourse"  # relative imports resolve to mlcourse
    exec(compile(inspect.getsource(original), f"<student copy of {module_name}>", "exec"), copy.__dict__)
    for name, value in list(copy.__dict__.items()):
        home = getattr(value, "__module__", "") or ""
        if inspect.isfunction(value) and home.startswith("mlcourse.") and home != original.__name__:
            helper = home.rsplit(".", 1)[1]
            if helper not in ("grader", "compare"):
                copy.__dict__[name] = getattr(topic_copy(helper), name)
    return copy


def home_module(exercise_id: str) -> str:
    """The name of the mlcourse module that defines the exercise (where its cases function lives)."""
    from mlcourse import grader

    return grader.exercise(exercise_id).cases.__module__.rsplit(".", 1)[1]


def own_implementation(exercise_id: str):
    """The reference of `exercise_id`, as if the student had typed it."""
    name = exercise_id.split(".", 1)[1]
    return getattr(topic_copy(home_module(exercise_id)), name)


def fingerprints(exercise_id: str) -> dict:
    """The exercise's known mistakes, taken from the copy so they never run an original reference."""
    return next(e for e in topic_copy(home_module(exercise_id)).EXERCISES if e.id == exercise_id).fingerprints

"""Compare a student's result with the reference's and say, in plain words, how they differ.

`compare(expected, got, tol)` walks tuples, lists, dicts, arrays and scalars together. It returns None
when they agree, or a `Mismatch`: one sentence a student can act on plus the evidence behind it.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Tolerance:
    """Two numbers agree when |got - expected| <= atol + rtol * |expected| (numpy's `isclose`)."""

    rtol: float = 1e-6
    atol: float = 1e-9

    def __str__(self) -> str:
        return f"|got − expected| ≤ {self.atol:g} + {self.rtol:g}·|expected|"


# What kind of difference a Mismatch is (a case's hint says which kinds it is about, see cases.Case).
VALUE, SHAPE, NONFINITE = "value", "shape", "nonfinite"


@dataclass
class Mismatch:
    sentence: str  # what is wrong, in one plain sentence
    evidence: list[str] = field(default_factory=list)  # expected vs got, where they differ
    kind: str = SHAPE  # VALUE: right type and shape, wrong numbers; NONFINITE: nan/inf; SHAPE: anything else


def compare(expected, got, tol: Tolerance = Tolerance(), where: str = "your result") -> Mismatch | None:
    """None if `got` matches `expected` in structure, shape and value (within `tol`), else a Mismatch."""
    with np.errstate(all="ignore"):  # a wild result (1e308, huge ints) must not make the comparison warn
        return _compare(expected, got, tol, where)


def _compare(expected, got, tol: Tolerance, where: str) -> Mismatch | None:
    if got is None:
        return Mismatch(f"{_cap(where)} is None: did you forget to `return` it?")
    if isinstance(expected, (tuple, list)):
        return _compare_sequence(expected, got, tol, where)
    if isinstance(expected, dict):
        return _compare_dict(expected, got, tol, where)
    if isinstance(expected, np.ndarray):
        return _compare_array(expected, got, tol, where)
    if _is_number(expected):
        return _compare_scalar(expected, got, tol, where)
    if isinstance(expected, str):  # a verdict such as "high bias": exactly these characters
        return None if isinstance(got, str) and got == expected else Mismatch(
            f"{_cap(where)} is {describe(got)} where {expected!r} is due.", [f"expected: {expected!r}"])
    raise TypeError(f"compare() cannot handle an expected value of type {type(expected).__name__}")


def describe(value) -> str:
    """A short, readable rendering of a value for feedback."""
    if isinstance(value, np.ndarray):
        with np.printoptions(precision=6, threshold=24, edgeitems=3, linewidth=88, suppress=False):
            body = np.array2string(value, separator=", ")
        return f"array of shape {value.shape}, dtype {value.dtype}:\n{_indent(body)}" if value.ndim else (
            f"0-d array({value.item()!r})"
        )
    if isinstance(value, (float, np.floating)):
        text = f"{float(value):.10g}"
        return text if any(ch in text for ch in ".enai") else text + ".0"
    if isinstance(value, (tuple, list)):
        inner = ", ".join(describe(v) for v in value)
        return f"({inner})" if isinstance(value, tuple) else f"[{inner}]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k!r}: {describe(v)}" for k, v in value.items()) + "}"
    text = repr(value)
    return text if len(text) <= 200 else text[:200] + "…"


# ---------------------------------------------------------------------------------------------------
# containers


def _compare_sequence(expected: tuple | list, got, tol: Tolerance, where: str) -> Mismatch | None:
    if not isinstance(got, (tuple, list)):
        what = "tuple" if isinstance(expected, tuple) else "list"
        return Mismatch(
            f"{_cap(where)} should be a {what} of {len(expected)} values, but it is {_kind(got)}.",
            [f"got: {describe(got)}"],
        )
    if len(got) != len(expected):
        return Mismatch(
            f"{_cap(where)} should hold {len(expected)} values, but it holds {len(got)}.",
            [f"got: {describe(got)}"],
        )
    for i, (e, g) in enumerate(zip(expected, got)):
        mismatch = _compare(e, g, tol, f"{where}[{i}]")
        if mismatch:
            return mismatch
    return None


def _compare_dict(expected: dict, got, tol: Tolerance, where: str) -> Mismatch | None:
    if not isinstance(got, dict):
        return Mismatch(f"{_cap(where)} should be a dict, but it is {_kind(got)}.", [f"got: {describe(got)}"])
    missing = [k for k in expected if k not in got]
    extra = [k for k in got if k not in expected]
    if missing or extra:
        parts = []
        if missing:
            parts.append("is missing the key(s) " + ", ".join(map(repr, missing)))
        if extra:
            parts.append("has unexpected key(s) " + ", ".join(map(repr, extra)))
        return Mismatch(
            f"{_cap(where)} {' and '.join(parts)}.",
            [f"expected keys: {sorted(map(str, expected))}", f"got keys:      {sorted(map(str, got))}"],
        )
    for key in expected:  # iterate over the *expected* keys: a missing key can never pass
        mismatch = _compare(expected[key], got[key], tol, f"{where}[{key!r}]")
        if mismatch:
            return mismatch
    return None


# ---------------------------------------------------------------------------------------------------
# scalars and arrays


def _is_number(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def _compare_scalar(expected, got, tol: Tolerance, where: str) -> Mismatch | None:
    if isinstance(got, np.ndarray) and got.ndim == 0 and got.dtype.kind in "iuf":
        got = got[()]  # a 0-d array is a number (np.where and np.sum of a 0-d input return one)
    if isinstance(got, np.ndarray):
        if got.size == 1:
            return Mismatch(
                f"{_cap(where)} is an array of shape {got.shape} where a single number is due: "
                "use float(...) or .item() to turn it into a number.",
                [f"got: {describe(got)}"],
            )
        return Mismatch(
            f"{_cap(where)} is an array of shape {got.shape} where a single number is due "
            "(a missing sum or mean?).",
            [f"expected: {describe(expected)}", f"got: {describe(got)}"],
        )
    if isinstance(got, (bool, np.bool_)):
        return Mismatch(f"{_cap(where)} is {got!r} where a number is due: convert with float(...).",
                        [f"expected: {describe(float(expected))}"])
    if not _is_number(got):
        return Mismatch(f"{_cap(where)} should be a number, but it is {_kind(got)}.", [f"got: {describe(got)}"])
    try:
        got = float(got)  # also a numpy scalar, a Python int or a Fraction
    except OverflowError:
        return Mismatch(f"{_cap(where)} is an integer too large for a float (a power or product of Python ints?).",
                        [f"expected: {describe(float(expected))}", f"got: {describe(got)}"])
    if not np.isfinite(got):
        return Mismatch(
            f"{_cap(where)} is {float(got)} where a finite number is due.",
            [f"expected: {describe(float(expected))}"], NONFINITE,
        )
    if np.isclose(got, expected, rtol=tol.rtol, atol=tol.atol):
        return None
    evidence = [
        f"expected: {describe(float(expected))}",
        f"got:      {describe(float(got))}",
        f"abs error {abs(got - expected):.3g}; tolerance {tol}",
    ]
    return Mismatch(f"{_cap(where)} has the wrong value{_relation(np.float64(expected), np.float64(got), tol)}.", evidence,
                    VALUE)


def _compare_array(expected: np.ndarray, got, tol: Tolerance, where: str) -> Mismatch | None:
    if isinstance(got, (list, tuple)):
        return Mismatch(
            f"{_cap(where)} is a Python {type(got).__name__}; a numpy array is due (np.array(...)).",
            [f"got: {describe(got)}"],
        )
    if _is_number(got):
        return Mismatch(
            f"{_cap(where)} is a single number; an array of shape {expected.shape} is due "
            "(did you sum or average over entries you should keep?).",
            [f"got: {describe(got)}"],
        )
    if not isinstance(got, np.ndarray):
        return Mismatch(f"{_cap(where)} should be a numpy array, but it is {_kind(got)}.", [f"got: {describe(got)}"])
    if got.dtype.kind == "b" and expected.dtype.kind != "b":
        return Mismatch(
            f"{_cap(where)} holds True/False values; numbers are due: convert with .astype(float).",
            [f"got: {describe(got)}"],
        )
    if got.dtype.kind not in "biuf":
        return Mismatch(
            f"{_cap(where)} has dtype {got.dtype}; a numeric (float) array is due.", [f"got: {describe(got)}"]
        )
    if got.shape != expected.shape:
        return Mismatch(_shape_sentence(expected, got, tol, where), [
            f"expected shape {expected.shape}, got shape {got.shape}",
        ])
    got64 = got.astype(np.float64)
    bad = ~np.isfinite(got64) & np.isfinite(expected)
    if bad.any():
        index = tuple(int(i) for i in np.argwhere(bad)[0])
        return Mismatch(
            f"{_cap(where)} contains {float(got64[index])} where finite numbers are due.",
            [f"first at index {index}: expected {expected[index]:.6g}", describe(got)], NONFINITE,
        )
    close = np.isclose(got64, expected, rtol=tol.rtol, atol=tol.atol)
    if close.all():
        return None
    return Mismatch(
        f"{_cap(where)} has the right shape but wrong values{_relation(expected, got64, tol)}.",
        _value_evidence(expected, got64, close, tol), VALUE,
    )


def _value_evidence(expected: np.ndarray, got: np.ndarray, close: np.ndarray, tol: Tolerance) -> list[str]:
    wrong = np.argwhere(~close)
    lines = [f"{len(wrong)} of {expected.size} entries differ; first ones:"]
    for idx in wrong[:3]:
        index = tuple(int(i) for i in idx)
        lines.append(f"  at {index}: expected {expected[index]:.8g}, got {got[index]:.8g}")
    abs_err = np.abs(got - expected)
    nonzero = expected != 0  # a relative error is meaningless where the expected entry is 0
    rel = f", max rel error {np.max(abs_err[nonzero] / np.abs(expected[nonzero])):.3g}" if nonzero.any() else ""
    lines.append(f"max abs error {abs_err.max():.3g}{rel}; tolerance {tol}")
    lines.append("expected: " + describe(expected))
    lines.append("got:      " + describe(got))
    return lines


def _relation(expected: np.ndarray, got: np.ndarray, tol: Tolerance) -> str:
    """Name a simple relation between got and expected (sign flip, constant factor), or ''.

    Any wrong single number is *some* multiple of the right one (σ(0) = 0.5 is 2× σ'(0) = 0.25), so for
    a single value only a sign flip is named.
    """
    expected, got = np.asarray(expected, float), np.asarray(got, float)
    if not np.any(np.abs(expected) > tol.atol):
        return ""
    single = expected.size == 1
    if np.allclose(got, -expected, rtol=tol.rtol, atol=tol.atol):
        return ": it has the wrong sign" if single else ": every value has the wrong sign"
    nonzero = np.abs(expected) > 1e-12
    ratio = got[nonzero] / expected[nonzero]
    if not np.all(np.isfinite(ratio)):
        return ""
    factor = float(np.median(ratio))
    if single or factor == 0 or not np.allclose(got, factor * expected, rtol=1e-6, atol=tol.atol):
        return ""
    return f": every value is {_pretty_factor(factor)} the expected one (a constant factor is off)"


def _pretty_factor(factor: float) -> str:
    for n in range(2, 65):
        if np.isclose(factor, n):
            return f"{n}×"
        if np.isclose(factor, 1 / n):
            return f"1/{n} of"
    return f"{factor:.4g}×"


def _shape_sentence(expected: np.ndarray, got: np.ndarray, tol: Tolerance, where: str) -> str:
    prefix = f"{_cap(where)} has shape {got.shape} but shape {expected.shape} is due"
    if got.shape == expected.shape[::-1] and got.ndim == 2 and np.allclose(
        got.T, expected, rtol=tol.rtol, atol=tol.atol
    ):
        return prefix + ": it is the transpose of the right answer."
    if got.size == expected.size and np.allclose(
        got.reshape(expected.shape), expected, rtol=tol.rtol, atol=tol.atol
    ):
        return prefix + " (the values are right): reshape it, or keep the dimension with keepdims=True."
    if got.ndim > expected.ndim or got.size > expected.size:
        return prefix + " (a (n,) array broadcast against an (n, 1) one, or a sum over the wrong axis?)."
    return prefix + " (a sum or mean over the wrong axis?)."


def _kind(value) -> str:
    """'a str', 'an int', 'a numpy array of shape (2, 3)', 'None'."""
    if value is None:
        return "None"
    if isinstance(value, np.ndarray):
        return f"a numpy array of shape {value.shape}"
    name = type(value).__name__
    return f"an {name}" if name[:1].lower() in "aeiou" else f"a {name}"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _indent(text: str, pad: str = "    ") -> str:
    return "\n".join(pad + line for line in text.splitlines())

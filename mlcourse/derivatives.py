"""Notebook 01 — derivatives and numerical gradients: references, cases and known mistakes.

Each exercise reads top to bottom: the reference, the cases it is checked on (fixed ones first, the
notes' worked examples among them, then random ones), the mistakes students make, and its `Exercise`.
"""

from __future__ import annotations

import numpy as np

from .compare import Tolerance
from .grader import Case, Described, Exercise
from .gradcheck import gradient_check, numerical_gradient, relative_error

EXERCISES: list[Exercise] = []

# Test functions with readable names and known derivatives; all smooth, so central differences are
# accurate and forward differences are visibly worse for h ≥ 1e-3.
CUBE = Described(lambda x: x**3, "x ↦ x³")
SINE = Described(np.sin, "x ↦ sin(x)")
EXP_HALF = Described(lambda x: np.exp(0.5 * x), "x ↦ exp(x/2)")
TRIPLE = Described(lambda a: 3 * a, "a ↦ 3a")  # the notes' f(a) = 3a: slope 3 everywhere
SCALAR_FUNCTIONS = (CUBE, SINE, EXP_HALF)


def _polynomial(rng: np.random.Generator) -> Described:
    c = np.round(rng.uniform(-2, 2, size=4), 2)
    text = f"x ↦ {c[3]:g}x³ + {c[2]:g}x² + {c[1]:g}x + {c[0]:g}"
    return Described(lambda x: c[3] * x**3 + c[2] * x**2 + c[1] * x + c[0], text)


# --- numerical_derivative -------------------------------------------------------------------------


def numerical_derivative(f, x: float, h: float = 1e-5) -> float:
    """Central difference (f(x + h) - f(x - h)) / 2h, a float."""
    return float((f(x + h) - f(x - h)) / (2 * h))


def _numerical_derivative_cases(rng):
    cases = [
        Case((TRIPLE, 2.0), {"h": 0.001}, "the notes' f(a) = 3a at a = 2"),
        Case((CUBE, 2.0), {"h": 1e-3}, "x³ at 2 with h = 1e-3"),
        Case((SINE, 1.0), {"h": 1e-2}, "sin at 1 with h = 1e-2"),
        Case((EXP_HALF, 0.0), {}, "default h", hint="leave h = 1e-5 as the default", hint_for=("value", "error")),
        Case((CUBE, 0.0), {"h": 1e-2}, "x³ at 0 (a zero slope)"),
    ]
    for k in range(4):
        h = float(rng.choice([1e-2, 1e-3, 1e-4]))
        cases.append(Case((_polynomial(rng), float(np.round(rng.uniform(-3, 3), 3))), {"h": h}, f"random #{k + 1}"))
    return cases


EXERCISES.append(Exercise(
    "derivatives.numerical_derivative", numerical_derivative, _numerical_derivative_cases,
    {
        "You use the forward difference (f(x+h) − f(x))/h; the central difference (f(x+h) − f(x−h))/(2h) "
        "is due.": lambda f, x, h=1e-5: (f(x + h) - f(x)) / h,
        "You use the backward difference (f(x) − f(x−h))/h; the central difference is due.":
            lambda f, x, h=1e-5: (f(x) - f(x - h)) / h,
        "You divide by h instead of 2h: the two probes are 2h apart.": lambda f, x, h=1e-5: (f(x + h) - f(x - h)) / h,
        "You wrote …/2*h, which multiplies by h; write …/(2*h).": lambda f, x, h=1e-5: (f(x + h) - f(x - h)) / 2 * h,
        "You ignore the h you are given (always 1e-5); probe at x ± h with the caller's h.":
            lambda f, x, h=1e-5: float((f(x + 1e-5) - f(x - 1e-5)) / 2e-5),
    },
))


# --- numerical_gradient ---------------------------------------------------------------------------

SUM_OF_SQUARES = Described(lambda x: float(np.sum(x**2)), "x ↦ Σ x²")
MIXED = Described(lambda x: float(np.sum(np.sin(x) * x) + np.prod(x[:2]) if x.size > 1 else np.sum(np.sin(x) * x)),
                  "x ↦ Σ x·sin(x) + x₀x₁")
CUBIC_SUM = Described(lambda x: float(np.sum(x**3) / 3), "x ↦ Σ x³/3")


def _quadratic_form(rng, n: int) -> Described:
    a = rng.normal(size=(n, n))
    b = rng.normal(size=(n, 1))
    return Described(lambda x: (0.5 * x.T @ a @ x + b.T @ x).item(), f"x ↦ ½xᵀAx + bᵀx (A {n}×{n})")


def _numerical_gradient_cases(rng):
    cases = [
        Case((SUM_OF_SQUARES, np.array([1.0, -2.0, 3.0])), {}, "Σx² on a vector", hint="the gradient is 2x"),
        Case((CUBIC_SUM, np.array([[1.0, 2.0, -1.0], [0.5, 0.0, 3.0]])), {"h": 1e-3}, "a 2×3 matrix",
             hint="perturb one entry at a time; x has two axes here", hint_for=("value", "shape", "error")),
        Case((MIXED, np.array([0.3])), {"h": 1e-2}, "a single entry"),
        Case((CUBIC_SUM, np.zeros((3, 1))), {"h": 1e-2}, "zeros of shape (3, 1)"),
    ]
    for k in range(3):
        n = int(rng.integers(2, 5))
        cases.append(Case((_quadratic_form(rng, n), rng.normal(size=(n, 1))), {"h": 1e-4}, f"random #{k + 1}"))
    shape = (int(rng.integers(2, 4)), int(rng.integers(4, 6)))
    cases.append(Case((CUBIC_SUM, rng.normal(size=shape)), {"h": 1e-3}, "random matrix"))
    return cases


def _gradient_forward(f, x, h=1e-5):
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    fx = f(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        grad[i] = (f(x) - fx) / h
        x[i] = old
    return grad


def _gradient_over_h(f, x, h=1e-5):
    """(f(x + h·eᵢ) − f(x − h·eᵢ))/h: the two probes are 2h apart."""
    return 2 * numerical_gradient(f, x, h)


def _gradient_aliased(f, x, h=1e-5):
    """x_plus = x and x_minus = x name the same array, so both probes see x unchanged."""
    return np.zeros_like(np.asarray(x, dtype=float))


def _gradient_whole_rows(f, x, h=1e-5):
    """`for i in range(len(x)): x[i] += h` perturbs a whole row of a matrix at once."""
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for i in range(len(x)):
        old = x[i].copy()
        x[i] = old + h
        plus = f(x)
        x[i] = old - h
        minus = f(x)
        x[i] = old
        grad[i] = (plus - minus) / (2 * h)
    return grad


EXERCISES.append(Exercise(
    "derivatives.numerical_gradient", numerical_gradient, _numerical_gradient_cases,
    {
        "You use a forward difference per entry; the central difference (f(x+h·eᵢ) − f(x−h·eᵢ))/(2h) is due.":
            _gradient_forward,
        "Your gradient is all zeros: x_plus and x_minus are the same array as x (assignment does not copy); "
        "use x.copy() or change one entry and restore it.": _gradient_aliased,
        "You perturb a whole row at once (range(len(x)) on a matrix); perturb one entry at a time with "
        "np.ndindex(x.shape) or np.nditer.": _gradient_whole_rows,
        "You divide by h instead of 2h: the probes x + h·eᵢ and x − h·eᵢ are 2h apart.": _gradient_over_h,
    },
    tolerance=Tolerance(rtol=1e-6, atol=1e-8),  # probes of f carry round-off of about 1e-11 / h
))


# --- relative_error -------------------------------------------------------------------------------


def _relative_error_cases(rng):
    a = np.array([1.0, 2.0, 3.0])
    cases = [
        Case((a, a + np.array([1e-3, 0.0, 0.0])), {}, "two close vectors"),
        Case((np.array([[1.0, 0.0], [0.0, 1.0], [2.0, 2.0]]), np.array([[1.0, 0.5], [0.0, 1.0], [2.0, 1.0]])), {},
             "3×2 matrices"),
        Case((np.zeros((2, 3)), np.zeros((2, 3))), {}, "both all zeros",
             hint="0/0 is undefined: the contract says return 0.0 when both are zero", edge=True),
        Case((np.zeros(3), np.array([0.0, 1.0, 0.0])), {}, "one all zeros"),
        Case((np.array([5.0, -5.0]), np.array([5.0, -5.0])), {}, "identical"),
    ]
    for k in range(3):
        shape = (int(rng.integers(1, 4)), int(rng.integers(2, 5)))
        x = rng.normal(size=shape) * 10.0 ** rng.integers(-2, 3)
        cases.append(Case((x, x + rng.normal(size=shape) * 0.1 * np.abs(x).max()), {}, f"random #{k + 1}"))
    return cases


def _relative_error_unguarded(a, b):
    with np.errstate(all="ignore"):
        return float(np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b)))


EXERCISES.append(Exercise(
    "derivatives.relative_error", relative_error, _relative_error_cases,
    {
        "You return the absolute error ‖a − b‖; divide it by ‖a‖ + ‖b‖.": lambda a, b: float(np.linalg.norm(a - b)),
        "You divide by ‖a‖ alone; the denominator is ‖a‖ + ‖b‖.":
            lambda a, b: float(np.linalg.norm(a - b) / np.linalg.norm(a)) if np.any(a) else 0.0,
        "You divide by ‖a + b‖; the denominator is ‖a‖ + ‖b‖ (two separate norms).":
            lambda a, b: float(np.linalg.norm(a - b) / np.linalg.norm(a + b)) if np.any(a + b) else 0.0,
        "You use the largest entry-wise difference instead of the Euclidean norm of a − b.":
            lambda a, b: float(np.max(np.abs(a - b)) / (np.linalg.norm(a) + np.linalg.norm(b)))
            if np.any(a) or np.any(b) else 0.0,
        "When both are zero you divide 0 by 0 (nan); the contract says return 0.0 then.": _relative_error_unguarded,
    },
))


# --- gradient_check -------------------------------------------------------------------------------

CUBIC_SUM_GRAD = Described(lambda x: x**2, "x ↦ x² (right)")
CUBIC_SUM_GRAD_WRONG = Described(lambda x: 3 * x**2, "x ↦ 3x² (wrong by 3×)")
SUM_OF_SQUARES_GRAD = Described(lambda x: 2 * x, "x ↦ 2x (right)")
SUM_OF_SQUARES_GRAD_SIGN = Described(lambda x: -2 * x, "x ↦ −2x (wrong sign)")


def _gradient_check_cases(rng):
    x = np.array([[1.0, -2.0], [0.5, 3.0], [2.0, 1.0]])
    cases = [
        Case((SUM_OF_SQUARES, SUM_OF_SQUARES_GRAD_SIGN, np.array([1.0, 2.0, 3.0])), {}, "a gradient with the wrong sign"),
        Case((CUBIC_SUM, CUBIC_SUM_GRAD_WRONG, x), {}, "a gradient off by 3×"),
        Case((CUBIC_SUM, CUBIC_SUM_GRAD, x), {"h": 1e-1}, "a right gradient, coarse h = 0.1",
             hint="pass h on to numerical_gradient"),
        Case((CUBIC_SUM, CUBIC_SUM_GRAD, x), {"h": 1e-2}, "a right gradient, h = 0.01"),
    ]
    for k in range(2):
        shape = (int(rng.integers(2, 4)), int(rng.integers(1, 4)))
        cases.append(Case((CUBIC_SUM, CUBIC_SUM_GRAD, rng.normal(size=shape) * 2), {"h": 0.05}, f"random #{k + 1}"))
    return cases


def _gradient_check_ignores_h(f, grad_f, x, h=1e-5):
    return relative_error(grad_f(x), numerical_gradient(f, x))


def _gradient_check_absolute(f, grad_f, x, h=1e-5):
    return float(np.linalg.norm(grad_f(x) - numerical_gradient(f, x, h)))


EXERCISES.append(Exercise(
    "derivatives.gradient_check", gradient_check, _gradient_check_cases,
    {
        "You do not pass h on to numerical_gradient, so it always uses its default.": _gradient_check_ignores_h,
        "You return the absolute difference ‖grad − numerical‖; use relative_error.": _gradient_check_absolute,
        "You return a verdict (True/False); return the relative error itself, a float, and let the reader judge "
        "it.": lambda f, grad_f, x, h=1e-5: bool(gradient_check(f, grad_f, x, h) < 1e-7),
    },
    # Right gradients give relative errors near round-off (1e-10 or less), which differ between two
    # correct implementations; below 1e-8 absolute they count as equal.
    tolerance=Tolerance(rtol=1e-4, atol=1e-8),
))


# --- the computation graph J = 3(a + bc) ----------------------------------------------------------


def graph_forward(a: float, b: float, c: float) -> float:
    """J = 3(a + bc), computed as the graph does: u = bc, v = a + u, J = 3v."""
    u = b * c
    v = a + u
    return float(3 * v)


def graph_backward(a: float, b: float, c: float) -> tuple[float, float, float]:
    """(dJ/da, dJ/db, dJ/dc) by the chain rule: dJ/dv = 3, dv/da = dv/du = 1, du/db = c, du/dc = b."""
    dJ_dv = 3.0
    dJ_du = dJ_dv * 1.0
    return float(dJ_dv * 1.0), float(dJ_du * c), float(dJ_du * b)


def _graph_cases(rng):
    cases = [
        Case((5.0, 3.0, 2.0), {}, "the notes' example a = 5, b = 3, c = 2"),
        Case((0.0, 0.0, 0.0), {}, "all zeros"),
        Case((1.0, -2.0, 4.0), {}, "a negative b"),
        Case((-3.0, 2.0, 2.0), {}, "b = c"),
    ]
    for k in range(4):
        a, b, c = (float(v) for v in np.round(rng.uniform(-10, 10, size=3), 2))
        cases.append(Case((a, b, c), {}, f"random #{k + 1}"))
    return cases


EXERCISES.append(Exercise(
    "derivatives.graph_forward", graph_forward, _graph_cases,
    {
        "You left out the factor 3: J = 3v.": lambda a, b, c: float(a + b * c),
        "You computed 3a + bc: the 3 multiplies the whole of v = a + bc (mind the brackets).":
            lambda a, b, c: float(3 * a + b * c),
        "You computed 3(a + b)c: u = bc is formed first, then v = a + u.": lambda a, b, c: float(3 * (a + b) * c),
    },
))

EXERCISES.append(Exercise(
    "derivatives.graph_backward", graph_backward, _graph_cases,
    {
        "You left out dJ/dv = 3: every path from J starts by multiplying by 3.":
            lambda a, b, c: (1.0, float(c), float(b)),
        "dJ/db and dJ/dc are swapped: u = bc changes with b at rate c, and with c at rate b.":
            lambda a, b, c: (3.0, float(3 * b), float(3 * c)),
        "You returned the values (a, b, c) times 3 instead of the derivatives.":
            lambda a, b, c: (float(3 * a), float(3 * b), float(3 * c)),
        "Your dJ/db is 3c², as in the notes' chain-rule line for b (a slip there); du/db = c, so "
        "dJ/db = 3 · 1 · c = 3c.": lambda a, b, c: (3.0, float(3 * c**2), float(3 * b)),
    },
))


# --- the sigmoid and its derivative ---------------------------------------------------------------


def sigmoid(z):
    """σ(z) = 1 / (1 + e^{-z}), elementwise, without overflow for any finite z.

    For z < 0 the equivalent form e^{z} / (1 + e^{z}) is used, so exp never sees a large positive number.
    """
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(-np.abs(z))  # in (0, 1]: never overflows
    result = np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return float(result) if result.ndim == 0 else result


def _sigmoid_cases(rng):
    cases = [
        Case((0.0,), {}, "z = 0 (a plain number)", hint="σ(0) = 1/2; a number in, a number out"),
        Case((np.array([[-1.0, 0.0, 1.0]]),), {}, "a (1, 3) row"),
        Case((np.array([[-1000.0, -30.0], [30.0, 1000.0], [0.0, 2.0]]),), {}, "large magnitudes (3, 2)",
             hint="np.exp(1000) overflows: exp may only ever see −|z|, as in e^{−|z|} (never above 1)",
             hint_for=("warning", "nonfinite"), edge=True),
        Case((np.array([-710.0, 710.0]),), {}, "beyond exp's range", edge=True),
    ]
    for k in range(3):
        shape = (int(rng.integers(1, 5)), int(rng.integers(1, 6)))
        cases.append(Case((rng.normal(size=shape) * 5,), {}, f"random #{k + 1}"))
    return cases


EXERCISES.append(Exercise(
    "derivatives.sigmoid", sigmoid, _sigmoid_cases,
    {
        "The sign in the exponent is wrong: σ(z) = 1/(1 + e^{−z}), so large z gives values near 1.":
            lambda z: _as_output(z, 1 / (1 + np.exp(np.asarray(z, float)))),
        "You wrote 1/(1 − e^{−z}); the denominator is 1 + e^{−z}.":
            lambda z: _as_output(z, 1 / (1 - np.exp(-np.asarray(z, float)))),
        "You computed tanh(z); the sigmoid is 1/(1 + e^{−z}) and lies in (0, 1).":
            lambda z: _as_output(z, np.tanh(np.asarray(z, float))),
    },
    warnings_fail=True,
))


def _as_output(z, value):
    """Shape a fingerprint's value like the reference would: a float for a number, else an array."""
    return float(value) if np.ndim(z) == 0 else value


def sigmoid_derivative(z):
    """σ'(z) = σ(z)(1 − σ(z)), elementwise."""
    s = np.asarray(sigmoid(z), dtype=np.float64)
    result = s * (1.0 - s)
    return float(result) if result.ndim == 0 else result


def _sigmoid_derivative_cases(rng):
    cases = [
        Case((0.0,), {}, "z = 0", hint="σ'(0) = 1/4"),
        Case((np.array([[-2.0, -0.5, 0.0, 0.5, 2.0]]),), {}, "a (1, 5) row"),
        Case((np.array([[-50.0], [50.0], [3.0]]),), {}, "saturated ends (3, 1)"),
    ]
    for k in range(3):
        shape = (int(rng.integers(1, 4)), int(rng.integers(2, 6)))
        cases.append(Case((rng.normal(size=shape) * 3,), {}, f"random #{k + 1}"))
    return cases


EXERCISES.append(Exercise(
    "derivatives.sigmoid_derivative", sigmoid_derivative, _sigmoid_derivative_cases,
    {
        "You computed z(1 − z); the formula is σ(z)(1 − σ(z)): apply the sigmoid first.":
            lambda z: _as_output(z, np.asarray(z, float) * (1 - np.asarray(z, float))),
        "You returned σ(z) itself, not its derivative σ(z)(1 − σ(z)).": lambda z: sigmoid(z),
        "You computed σ(z)(1 + σ(z)); the derivative is σ(z)(1 − σ(z)).":
            lambda z: _as_output(z, np.asarray(sigmoid(z)) * (1 + np.asarray(sigmoid(z)))),
    },
))


# --- the logistic loss and its derivative ---------------------------------------------------------


def logistic_loss(a, y):
    """L(a, y) = −(y log a + (1 − y) log(1 − a)), elementwise (natural log)."""
    a, y = np.asarray(a, dtype=np.float64), np.asarray(y, dtype=np.float64)
    result = -(y * np.log(a) + (1.0 - y) * np.log(1.0 - a))
    return float(result) if result.ndim == 0 else result


def _logistic_loss_cases(rng):
    cases = [
        Case((0.8, 1.0), {}, "a = 0.8, y = 1", hint="only the y log a term is left: −log 0.8"),
        Case((0.8, 0.0), {}, "a = 0.8, y = 0", hint="only the (1 − y) log(1 − a) term is left"),
        Case((np.array([[0.8, 0.6, 0.9, 0.7]]), np.array([[0.0, 1.0, 1.0, 1.0]])), {}, "the notes' four samples"),
        Case((np.array([[0.5], [1e-6]]), np.array([[1.0], [1.0]])), {}, "a nearly certain mistake (2, 1)"),
    ]
    for k in range(3):
        m = int(rng.integers(1, 7))
        a = rng.uniform(0.02, 0.98, size=(1, m))
        cases.append(Case((a, rng.integers(0, 2, size=(1, m)).astype(float)), {}, f"random #{k + 1}"))
    return cases


EXERCISES.append(Exercise(
    "derivatives.logistic_loss", logistic_loss, _logistic_loss_cases,
    {
        "The minus sign in front is missing, so your losses are negative; L = −(y log a + (1 − y) log(1 − a)).":
            lambda a, y: _as_output(a, np.asarray(y) * np.log(a) + (1 - np.asarray(y)) * np.log(1 - np.asarray(a))),
        "The (1 − y) log(1 − a) term is missing, so examples with y = 0 cost nothing.":
            lambda a, y: _as_output(a, -np.asarray(y) * np.log(a)),
        "You use log base 10; the loss uses the natural log (np.log).":
            lambda a, y: _as_output(a, -(np.asarray(y) * np.log10(a) + (1 - np.asarray(y)) * np.log10(1 - np.asarray(a)))),
        "You average the losses; the loss is elementwise, one value per example (averaging makes the cost).":
            lambda a, y: float(np.mean(logistic_loss(a, y))),
        "Your minus sign covers only the first term (−y log a + (1 − y) log(1 − a)); put the whole sum in "
        "brackets: −(y log a + (1 − y) log(1 − a)).":
            lambda a, y: _as_output(a, -np.asarray(y) * np.log(a) + (1 - np.asarray(y)) * np.log(1 - np.asarray(a))),
    },
))


def logistic_loss_dz(z, y):
    """dL/dz = σ(z) − y for L(σ(z), y), elementwise."""
    result = np.asarray(sigmoid(z)) - np.asarray(y, dtype=np.float64)
    return float(result) if result.ndim == 0 else result


def _logistic_loss_dz_cases(rng):
    cases = [
        Case((0.0, 1.0), {}, "z = 0, y = 1", hint="σ(0) − 1 = −1/2"),
        Case((np.array([[2.0, -1.0, 0.5]]), np.array([[1.0, 0.0, 1.0]])), {}, "a (1, 3) row"),
        Case((np.array([[40.0, -40.0]]), np.array([[0.0, 1.0]])), {}, "confident and wrong"),
    ]
    for k in range(3):
        m = int(rng.integers(1, 6))
        cases.append(Case((rng.normal(size=(1, m)) * 3, rng.integers(0, 2, size=(1, m)).astype(float)), {},
                          f"random #{k + 1}"))
    return cases


EXERCISES.append(Exercise(
    "derivatives.logistic_loss_dz", logistic_loss_dz, _logistic_loss_dz_cases,
    {
        "The sign is flipped: dL/dz = a − y with a = σ(z), not y − a.":
            lambda z, y: _as_output(z, np.asarray(y) - np.asarray(sigmoid(z))),
        "You subtracted y from z; apply the sigmoid first: dL/dz = σ(z) − y.":
            lambda z, y: _as_output(z, np.asarray(z) - np.asarray(y)),
        "You multiplied by σ'(z) once more: dL/da · da/dz already simplifies to σ(z) − y.":
            lambda z, y: _as_output(z, (np.asarray(sigmoid(z)) - np.asarray(y)) * np.asarray(sigmoid_derivative(z))),
    },
))


# --- fitting a line by least squares (the notes' three points) ------------------------------------


def sse_line_gradients(slope: float, intercept: float, x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """(∂L/∂slope, ∂L/∂intercept) of L = Σ (y − (slope·x + intercept))².

    With residuals r = y − (slope·x + intercept): ∂L/∂slope = −2 Σ x r and ∂L/∂intercept = −2 Σ r.
    """
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    residual = y - (slope * x + intercept)
    return float(-2.0 * np.sum(x * residual)), float(-2.0 * np.sum(residual))


NOTES_X = np.array([0.6, 0.8, 1.1])  # the notes' three points (weight, height)
NOTES_Y = np.array([1.1, 1.2, 2.1])


def _sse_cases(rng):
    cases = [
        Case((1.0, 0.0, NOTES_X, NOTES_Y), {}, "the notes' three points, slope 1, intercept 0"),
        Case((0.0, 0.0, NOTES_X, NOTES_Y), {}, "the notes' points, slope 0"),
        Case((2.0, -1.0, np.array([1.0, 2.0, 3.0, 4.0]), np.array([1.0, 3.0, 5.0, 7.0])), {}, "a perfect fit",
             hint="on the line y = 2x − 1 every residual is 0"),
        Case((0.5, 0.25, np.array([2.0]), np.array([-1.0])), {}, "one point"),
    ]
    for k in range(3):
        n = int(rng.integers(2, 9))
        x = rng.uniform(-2, 2, size=n)
        y = 1.5 * x - 0.5 + rng.normal(size=n) * 0.3
        cases.append(Case((float(rng.normal()), float(rng.normal()), x, y), {}, f"random #{k + 1}"))
    return cases


def _sse_no_two(slope, intercept, x, y):
    d_slope, d_intercept = sse_line_gradients(slope, intercept, x, y)
    return d_slope / 2, d_intercept / 2


def _sse_mean(slope, intercept, x, y):
    d_slope, d_intercept = sse_line_gradients(slope, intercept, x, y)
    return d_slope / len(x), d_intercept / len(x)


EXERCISES.append(Exercise(
    "derivatives.sse_line_gradients", sse_line_gradients, _sse_cases,
    {
        "Both derivatives have the wrong sign: the inner derivative of (y − ŷ)² brings a factor −1.":
            lambda s, i, x, y: tuple(-v for v in sse_line_gradients(s, i, x, y)),
        "The factor 2 from the square is missing.": _sse_no_two,
        "You return them in the wrong order: (∂L/∂slope, ∂L/∂intercept) is due.":
            lambda s, i, x, y: sse_line_gradients(s, i, x, y)[::-1],
        "You average over the points; L is a sum of squared residuals, not their mean.": _sse_mean,
        "Your ∂L/∂slope lacks the factor x: the residual y − (slope·x + intercept) changes with the slope at "
        "rate −x, so ∂L/∂slope = −2 Σ x·r.": lambda s, i, x, y: (sse_line_gradients(s, i, x, y)[1],) * 2,
    },
))

"""Measure how the grader treats the known mistakes of every exercise, and print a small report.

    .venv/bin/python benchmarks/feedback_quality.py          # summary
    .venv/bin/python benchmarks/feedback_quality.py -v       # every fingerprint with its diagnosis

- named: the share of fingerprinted mistakes that a *generic* diagnosis (mlcourse/diagnoses.py) also
  names, i.e. that would be named even if nobody had listed them;
- points kept: the mean share of a test cell's points that those wrong implementations keep under each
  partial-credit policy, on the hidden cases of a few grading seeds.
Not part of the test suite.
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import student_copies  # noqa: E402

from mlcourse import feedback, grader  # noqa: E402

SEEDS = (0, 1, 2)


def own(exercise_id):
    return student_copies.own_implementation(exercise_id)


def _sig(z):
    return 1 / (1 + np.exp(-np.clip(z, -500, 500)))


# Plausible mistakes that no exercise lists among its fingerprints, written as a student might (some as
# a right function called wrongly). Some of them no generic diagnosis can name, on purpose.
UNLISTED = {
    "gradient_descent.gradient_descent_1d": {
        "one step too few (range(n_steps - 1))": lambda df, x0, lr, n: own("gradient_descent.gradient_descent_1d")(
            df, x0, lr, max(n - 1, 0)),
        "the path without its last point": lambda df, x0, lr, n: own("gradient_descent.gradient_descent_1d")(
            df, x0, lr, n)[:-1],
    },
    "gradient_descent.lr_inverse_time_decay": {
        "epoch counted from 1": lambda lr0, epoch, d: lr0 / (1 + d * (epoch + 1)),
    },
    "gradient_descent.linear_regression_gradients": {
        "divides by m twice": lambda w, b, X, y: tuple(
            v / X.shape[1] for v in own("gradient_descent.linear_regression_gradients")(w, b, X, y)),
    },
    "gradient_descent.logistic_regression_gradients": {
        "db without 1/m": lambda X, A, Y: (own("gradient_descent.logistic_regression_gradients")(X, A, Y)[0],
                                           float(np.sum(A - Y))),
    },
    "neurons.perceptron_train": {
        "one epoch too many": lambda X, Y, lr, n: own("neurons.perceptron_train")(X, Y, lr, n + 1),
    },
    "neurons.one_hot": {
        "one row per example (m, C)": lambda labels, n: np.eye(n)[labels],
    },
    "neurons.softmax": {
        "normalises over all entries": lambda Z: np.exp(Z - Z.max()) / np.exp(Z - Z.max()).sum(),
        "transposed result": lambda Z: own("neurons.softmax")(Z).T,
    },
    "neurons.mse": {
        "sums instead of averaging": lambda y_hat, y: float(np.sum((y_hat - y) ** 2)),
        "forgets the square (mean error)": lambda y_hat, y: float(np.mean(y_hat - y)),
    },
    "neurons.binary_cross_entropy": {
        "returns one loss per example": lambda a, y: -(y * np.log(np.clip(a, 1e-12, 1 - 1e-12))
                                                       + (1 - y) * np.log(np.clip(1 - a, 1e-12, 1))),
    },
    "neurons.standardize": {
        "divides by the variance": lambda X: (lambda m, v: ((X - m) / np.where(v > 0, v, 1.0), m, np.sqrt(v)))(
            X.mean(axis=1, keepdims=True), X.var(axis=1, keepdims=True)),
    },
    "neurons.dense_forward": {
        "bias added after the activation": lambda A, W, b, g: g(W @ A) + b,
    },
    "backprop.linear_backward": {
        "db without keepdims": lambda dZ, cache: (lambda r: (r[0], r[1], r[2].ravel()))(
            own("backprop.linear_backward")(dZ, cache)),
        "dW without 1/m (db right)": lambda dZ, cache: (lambda r: (r[0], r[1] * dZ.shape[1], r[2]))(
            own("backprop.linear_backward")(dZ, cache)),
    },
    "backprop.compute_cost": {
        "returns the per-example losses": lambda AL, Y: -(Y * np.log(np.clip(AL, 1e-12, 1 - 1e-12))
                                                          + (1 - Y) * np.log(np.clip(1 - AL, 1e-12, 1))),
    },
    "backprop.update_parameters": {
        "lr applied twice": lambda p, g, lr: own("backprop.update_parameters")(p, g, lr * lr),
        "biases left alone, weights stepped twice": lambda p, g, lr: {
            k: (v - 2 * lr * g["d" + k]) if k.startswith("W") else v for k, v in p.items()},
    },
    "optimizers.ewa": {
        "β and 1 − β swapped, with correction": lambda values, beta, bias_correction=False: own("optimizers.ewa")(
            values, 1 - beta, bias_correction),
    },
    "optimizers.update_with_adam": {
        "t − 1 in the correction": lambda p, g, v, s, t, lr, beta1=0.9, beta2=0.999, eps=1e-8:
            own("optimizers.update_with_adam")(p, g, v, s, max(t - 1, 1), lr, beta1, beta2, eps),
        "ignores the eps given": lambda p, g, v, s, t, lr, beta1=0.9, beta2=0.999, eps=1e-8:
            own("optimizers.update_with_adam")(p, g, v, s, t, lr, beta1, beta2),
    },
    "optimizers.nesterov_step": {
        "steps uphill": lambda grad_f, w, v, beta, lr: (lambda nv: (w + lr * nv, nv))(
            beta * v + (1 - beta) * grad_f(w - lr * beta * v)),
    },
}


def main(verbose: bool) -> None:
    named, total = 0, 0
    kept: dict[str, list[float]] = {p: [] for p in feedback.POLICIES}
    by_kind: dict[str, int] = {}
    for exercise_id in grader.exercises():
        ex = grader.exercise(exercise_id)
        for sentence, mistake in student_copies.fingerprints(exercise_id).items():
            total += 1
            found = None
            for seed in SEEDS:
                result = grader.check(exercise_id, mistake, seed=seed, hidden=True)
                found = found or feedback.diagnose(ex, result.outcomes)
                for policy in feedback.POLICIES:
                    share, _ = feedback.credit(grader.cases_for(exercise_id, seed, True), result.outcomes, policy)
                    kept[policy].append(share)
            if found:
                named += 1
                by_kind[found[0]] = by_kind.get(found[0], 0) + 1
            if verbose:
                print(f"{exercise_id}: {sentence}\n    -> {found[1] if found else '(no generic diagnosis)'}")
    print(f"fingerprinted mistakes: {total}; also named by a generic diagnosis: {named} "
          f"({100 * named / total:.0f} %)  by kind: {by_kind}")
    for policy, shares in kept.items():
        print(f"  {policy:20s} mean share of points kept by wrong implementations: {statistics.mean(shares):.3f}"
              f"  (max {max(shares):.2f}; {sum(s > 0 for s in shares)} of {len(shares)} runs keep some)")
    unlisted(verbose)


def unlisted(verbose: bool) -> None:
    total = named = generic = rejected = 0
    kept: dict[str, list[float]] = {p: [] for p in feedback.POLICIES}
    for exercise_id, mistakes in UNLISTED.items():
        ex = grader.exercise(exercise_id)
        for what, mistake in mistakes.items():
            total += 1
            result = grader.check(exercise_id, mistake, seed=0, hidden=True)
            rejected += not result.passed
            headline = result.feedback.splitlines()[1] if len(result.feedback.splitlines()) > 1 else ""
            by_fingerprint = headline in ex.fingerprints
            found = feedback.diagnose(ex, result.outcomes)
            named += bool(by_fingerprint or found)
            generic += bool(found) and not by_fingerprint
            for policy in feedback.POLICIES:
                kept[policy].append(feedback.credit(grader.cases_for(exercise_id, 0, True), result.outcomes, policy)[0])
            if verbose:
                print(f"{exercise_id} [{what}]: {headline}")
    print(f"unlisted mistakes: {total}; rejected {rejected}; named {named}: {named - generic} by a fingerprint after "
          f"all, {generic} of the other {total - named + generic} by a generic diagnosis")
    for policy, shares in kept.items():
        print(f"  {policy:20s} mean share of points kept: {statistics.mean(shares):.3f}")


if __name__ == "__main__":
    main("-v" in sys.argv)

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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import student_copies  # noqa: E402

from mlcourse import feedback, grader  # noqa: E402

SEEDS = (0, 1, 2)


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


if __name__ == "__main__":
    main("-v" in sys.argv)

"""How long the explorers of notebooks 06 and 07 take to draw, and to redraw when a control moves.

    .venv/bin/python benchmarks/redraws_06_07.py

Each explorer is started as its notebook starts it (with the references standing in for the student's
functions), with a pretend front end so that its controls exist; then each control is moved to a new value
(a first visit: it may train or fit) and back (a second visit: from the cache). Every time includes rendering
the PNG. Each time is wall-clock seconds and, in brackets, the CPU seconds of the process: on a busy shared
machine the first grows with the load, the second much less. Target: a moved control redraws in under a second
on 2 cores. Not part of the test suite; quote the load (`uptime`) with the numbers.
"""

from __future__ import annotations

import os
import sys
import time

import IPython
import IPython.display

from mlcourse import bias_variance as bv
from mlcourse import regularization as rg
from mlcourse import widgets


class _Handle:
    def update(self, obj):
        pass


def _front_end(shown: list) -> None:
    IPython.get_ipython = lambda: object()
    IPython.display.display = lambda obj, display_id=None: shown.append(obj) or (_Handle() if display_id else None)


EXPLORERS = {  # name: (start, {control description: (a new value, the start value)})
    "06 bias-variance picture": (lambda: widgets.bias_variance_explorer(
        bv.fit_polynomial, bv.predict_polynomial, bv.bias_variance_decomposition, degree=3), {"degree": (9, 3)}),
    "06 extrapolation": (lambda: widgets.extrapolation_explorer(bv.fit_polynomial, bv.predict_polynomial, bv.rmse,
                                                                degree=9), {"degree": (3, 9)}),
    "06 cross-validation": (lambda: widgets.cross_validation_explorer(bv.cross_validate_degree, k=5),
                            {"k (folds)": (10, 5)}),
    "06 diagnosis map": (lambda: widgets.diagnosis_map(bv.diagnose), {"human-level error": (0.05, 0.005)}),
    "07 L2": (lambda: widgets.l2_explorer(rg.l2_cost, rg.l2_gradient, lambd=0.3), {"λ": (1.0, 0.3)}),
    "07 dropout": (lambda: widgets.dropout_explorer(rg.dropout_forward, rg.dropout_backward, keep_prob=0.8),
                   {"keep_prob": (0.6, 0.8)}),
    "07 early stopping": (lambda: widgets.early_stopping_explorer(rg.early_stopping, patience=10),
                          {"patience (checks)": (25, 10)}),
    "07 weight paths": (lambda: widgets.weight_paths(rg.weight_update, lambd=0.3), {"λ": (0.6, 0.3)}),
}


def main() -> None:
    import matplotlib.font_manager  # noqa: F401  (font cache built before timing)

    shown: list = []
    _front_end(shown)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"{'explorer':28} {'first draw':>16} {'new value':>16} {'cached':>16}")
    for name, (start, moves) in EXPLORERS.items():
        shown.clear()
        first = _timed(start)
        controls = {c.description: c for c in shown[0].children if hasattr(c, "description")}
        for description, (new, old) in moves.items():
            times = [_timed(lambda: setattr(controls[description], "value", value)) for value in (new, old, new)]
            cached = min(times[1:])
            print(f"{name:28} " + " ".join(f"{w:7.2f}s ({c:4.2f}s)" for w, c in (first, times[0], cached)))


def _timed(action) -> tuple[float, float]:
    """(wall-clock seconds, CPU seconds of this process) that action() took."""
    wall, cpu = time.perf_counter(), time.process_time()
    action()
    return time.perf_counter() - wall, time.process_time() - cpu


if __name__ == "__main__":
    sys.exit(main())

"""How long every widget of notebooks 01–09 takes to draw, and to redraw when one of its controls moves.

    python benchmarks/widget_latency.py                      # this checkout
    python benchmarks/widget_latency.py --compare /tmp/main  # another checkout (e.g. main) first, side by side
    python benchmarks/widget_latency.py --only race          # widgets whose label contains "race"
    python benchmarks/widget_latency.py --save before.json   # keep the times, to show them later with
    python benchmarks/widget_latency.py --before before.json # ... this checkout's, side by side

Each widget is built as its notebook builds it, with the references as the student's functions (fresh copies of
the topic modules, tests/student_copies.py), under a stand-in front end that records display updates. Then each
control in turn moves once (a slider by 15% of its range, a dropdown to its next option, a checkbox flips), and
two times are taken: until the first new image appears (a live widget shows frames while it works) and until
the redraw is done. The control then moves back, and that redraw (a second visit: what a widget keeps from
the first one) is timed too. PNG rendering is included: it is part of what a student waits for. Each time is given as wall-clock seconds and, in brackets, the CPU seconds the process used (all its
threads): on a busy shared machine the wall-clock time grows with the load, the CPU time much less. The course's
budget is a redraw under 1 s on 2 cores; quote the machine's load with the numbers.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent


def widgets_to_time(own, np, data):
    """{label: a function that builds the widget as its notebook does, or (prepare, build): build(widgets,
    prepare(widgets)), only build timed, for a widget that takes what an earlier cell made}."""
    d = lambda name: own(f"derivatives.{name}")  # noqa: E731 - short names for the tables below
    g = lambda name: own(f"gradient_descent.{name}")  # noqa: E731
    n = lambda name: own(f"neurons.{name}")  # noqa: E731
    b = lambda name: own(f"backprop.{name}")  # noqa: E731
    o = lambda name: own(f"optimizers.{name}")  # noqa: E731
    v = lambda name: own(f"bias_variance.{name}")  # noqa: E731
    r = lambda name: own(f"regularization.{name}")  # noqa: E731
    bn = lambda name: own(f"batchnorm.{name}")  # noqa: E731
    c = lambda name: own(f"cnn.{name}")  # noqa: E731
    updates = [o(name) for name in ("update_with_momentum", "nesterov_step", "update_with_adagrad",
                                    "update_with_rmsprop", "update_with_adam")]
    x = np.array([[1.0, -2.0, 0.5], [3.0, 0.2, -1.0]])
    z, y = np.array([[1.5, -0.5, 2.0, -3.0, 0.3]]), np.array([[1.0, 0.0, 0.0, 1.0, 1.0]])
    return {
        "01 secant_explorer": lambda w: w.secant_explorer(d("numerical_derivative")),
        "01 difference_error_plot": lambda w: w.difference_error_plot(d("numerical_derivative")),
        "01 gradient_check_bars (x³)": lambda w: w.gradient_check_bars(d("gradient_check"), lambda x: np.sum(x**3) / 3, {
            "right": lambda x: x**2, "slip": lambda x: x**2 + 1e-4, "3x": lambda x: 3 * x**2,
            "sign": lambda x: -(x**2)}, x),
        "01 gradient_check_bars (loss)": lambda w: w.gradient_check_bars(
            d("gradient_check"), lambda z: np.sum(d("logistic_loss")(d("sigmoid")(z), y)),
            {"yours": lambda z: d("logistic_loss_dz")(z, y), "sign": lambda z: y - d("sigmoid")(z)}, z),
        "01 graph_explorer": lambda w: w.graph_explorer(d("graph_forward"), d("graph_backward")),
        "01 sigmoid_plot": lambda w: w.sigmoid_plot(d("sigmoid"), d("sigmoid_derivative")),
        "01 line_fit_explorer": lambda w: w.line_fit_explorer(d("sse_line_gradients")),
        "02 learning_rate_explorer (bowl)": lambda w: w.learning_rate_explorer(g("gradient_descent_1d"), "bowl",
                                                                               x0=0.0, lr=0.1, steps=15),
        "02 learning_rate_explorer (quartic)": lambda w: w.learning_rate_explorer(g("gradient_descent_1d"), "quartic",
                                                                                  x0=-0.5, lr=0.1, steps=30),
        "02 feature_scaling_explorer": lambda w: w.feature_scaling_explorer(g("gradient_descent")),
        "02 notes_logistic_example": lambda w: w.notes_logistic_example(g("logistic_regression_gradients")),
        "02 mini_batch_explorer": lambda w: w.mini_batch_explorer(g("linear_regression_gradients"),
                                                                  g("random_mini_batches")),
        "02 decision_boundary_explorer": lambda w: w.decision_boundary_explorer(g("train_logistic_regression")),
        "02 decay_explorer": lambda w: w.decay_explorer(g("lr_inverse_time_decay"), g("lr_exponential_decay")),
        "03 neuron_boundary_explorer": lambda w: w.neuron_boundary_explorer(n("perceptron_predict"), w1=1.0,
                                                                            w2=-1.0, b=0.5),
        "03 perceptron_gates": lambda w: w.perceptron_gates(n("perceptron_train"), n_epochs=6),
        "03 activation_explorer": lambda w: w.activation_explorer(*[n(name) for name in (
            "tanh", "relu", "leaky_relu", "swish", "tanh_derivative", "relu_derivative", "leaky_relu_derivative")]),
        "03 softmax_temperature": lambda w: w.softmax_temperature(n("softmax")),
        "03 scaling_plot": lambda w: w.scaling_plot(n("standardize"), n("min_max_normalize")),
        "03 loss_curves": lambda w: w.loss_curves(n("binary_cross_entropy"), n("mse"), a=0.1),
        "03 xor_network": lambda w: w.xor_network(n("dense_forward")),
        "04 parameter_table": lambda w: w.parameter_table(b("initialize_parameters"), {
            "notes": [2, 4, 3, 1], "moons": [2, 16, 8, 1], "deep": [64] * 20 + [1]}),
        "04 notes_forward": lambda w: w.notes_forward(b("model_forward"), b("compute_cost")),
        "04 gradient_table": lambda w: w.gradient_table(b("model_forward"), b("model_backward")),
        "04 whole_model_check": lambda w: w.whole_model_check(b("model_forward"), b("compute_cost"),
                                                              b("model_backward")),
        "04 moons_training_explorer": lambda w: w.moons_training_explorer(*[b(name) for name in (
            "initialize_parameters", "model_forward", "compute_cost", "model_backward", "update_parameters")],
            lr=0.5, epoch=1000),
        "04 gradient_flow_explorer": lambda w: w.gradient_flow_explorer(*[b(name) for name in (
            "initialize_parameters", "linear_activation_forward", "linear_backward", "linear_activation_backward")],
            hidden="sigmoid", depth=20),
        "04 symmetry_explorer": lambda w: w.symmetry_explorer(*[b(name) for name in (
            "initialize_parameters", "linear_activation_forward", "linear_activation_backward", "update_parameters")],
            hidden="sigmoid", steps=1500),
        "05 ewa_explorer": lambda w: w.ewa_explorer(o("ewa"), beta=0.9, bias_correction=False),
        "05 optimizer_race (ravine)": lambda w: w.optimizer_race(*updates, landscape="ravine"),
        "05 optimizer_race (turned ravine)": lambda w: w.optimizer_race(*updates, landscape="turned ravine"),
        "05 optimizer_race (Rosenbrock)": lambda w: w.optimizer_race(*updates, landscape="Rosenbrock"),
        "05 training_race": lambda w: w.training_race(*updates, batch_size=32, epochs=40),
        "05 schedule_training": lambda w: w.schedule_training(o("update_with_momentum"), lr0=0.5, every=10, k=0.05,
                                                              decay_rate=0.2),
        "06 split_picture": lambda w: w.split_picture(v("train_val_test_split")),
        "06 split_picture (k folds)": lambda w: w.split_picture(v("train_val_test_split"), v("k_fold_indices"), k=4),
        "06 bias_variance_explorer": lambda w: w.bias_variance_explorer(
            v("fit_polynomial"), v("predict_polynomial"), v("bias_variance_decomposition"), degree=3),
        "06 extrapolation_explorer": lambda w: w.extrapolation_explorer(v("fit_polynomial"), v("predict_polynomial"),
                                                                        v("rmse"), degree=9),
        "06 cross_validation_explorer": lambda w: w.cross_validation_explorer(v("cross_validate_degree"), k=5),
        "06 diagnosis_map": lambda w: w.diagnosis_map(v("diagnose"), human_error=0.005, threshold=0.02),
        "07 l2_explorer": lambda w: w.l2_explorer(r("l2_cost"), r("l2_gradient"), lambd=0.3),
        "07 weight_paths": lambda w: w.weight_paths(r("weight_update"), lambd=0.3),
        "07 dropout_explorer": lambda w: w.dropout_explorer(r("dropout_forward"), r("dropout_backward"), keep_prob=0.8),
        "07 dropout_at_test_time": lambda w: w.dropout_at_test_time(r("dropout_forward"), keep_prob=0.8),
        "07 early_stopping_explorer": lambda w: w.early_stopping_explorer(r("early_stopping"), patience=10),
        "08 bn_training_explorer": lambda w: w.bn_training_explorer(bn("batchnorm_forward"), bn("batchnorm_backward"),
                                                                    lr=1.0, layer=6, epoch=1),
        "08 bn_evaluation": lambda w: w.bn_evaluation(bn("batchnorm_forward"), bn("update_running_stats"),
                                                      bn("batchnorm_inference")),
        "08 bn_vs_ln": lambda w: w.bn_vs_ln(bn("batchnorm_forward"), bn("layernorm_forward")),
        "09 conv_explorer (sizes)": lambda w: w.conv_explorer(c("conv_output_size"), kernel="vertical edge (Sobel)",
                                                              pad=1, stride=1, position=9),
        "09 conv_explorer (yours)": lambda w: w.conv_explorer(c("conv_output_size"), c("conv_forward"),
                                                              kernel="horizontal edge (Sobel)", pad=1, stride=1,
                                                              position=20),
        "09 summary_tables": lambda w: w.summary_tables(c("model_summary"), {
            "valid padding": ((20, 20, 3), [("dense", 16), ("conv", 32, 3, "valid"), ("conv", 64, 5, "valid"),
                                            ("conv", 128, 7, "valid"), ("flatten",), ("dense", 2)]),
            "digit classifier": ((8, 8, 1), [("conv", 8, 3, "same"), ("maxpool", 2, 2), ("flatten",), ("dense", 10)])}),
        "09 digits_cnn_training": lambda w: w.digits_cnn_training(*[c(name) for name in (
            "conv_forward", "conv_backward", "maxpool_forward", "maxpool_backward")], epochs=10),
        # trained as the notebook's previous cell trains it (not timed: the widget is given the parameters)
        "09 feature_maps": (lambda w: w.cnn._cnn_train(w.cnn._cnn_references()).parameters,
                            lambda w, trained: w.feature_maps(trained, c("conv_forward"), c("maxpool_forward"), index=0)),
    }


class FrontEnd:
    """A stand-in for IPython's display: keeps the controls of the explorer shown and times every new image (an
    explorer's picture changing, or an image displayed or updated)."""

    def __init__(self):
        self.controls, self.updates = [], []

    def display(self, obj, display_id=None):
        if hasattr(obj, "controls") and hasattr(obj, "picture"):  # core.Explorer: controls and an image widget
            self.controls = [c for c in obj.controls.children
                             if hasattr(c, "value") and type(c).__name__ != "IntProgress"]
            obj.picture.observe(lambda change: self.updates.append(time.perf_counter()), names="value")
        else:
            self.updates.append(time.perf_counter())
        return self if display_id else None

    def update(self, obj):
        if not hasattr(obj, "picture"):  # an explorer's static copy is no new image
            self.updates.append(time.perf_counter())


def moved(control):
    """A new value for the control: 15% of a slider's range (at least a step) further (or back), the next option,
    the other state."""
    kind = type(control).__name__
    if kind == "Checkbox":
        return not control.value
    if hasattr(control, "options"):  # a dropdown, a selection slider
        values = [option[1] if isinstance(option, tuple) else option for option in control.options]
        return values[(values.index(control.value) + 1) % len(values)]
    if kind == "FloatLogSlider":
        exponent = __import__("math").log(control.value, control.base)
        target = exponent + 0.15 * (control.max - control.min)
        target = target if target <= control.max else exponent - 0.15 * (control.max - control.min)
        return control.base ** (control.min + round((target - control.min) / control.step) * control.step)
    span = max(0.15 * (control.max - control.min), control.step)  # at least one step on a short slider
    target = control.value + span if control.value + span <= control.max else control.value - span
    steps = round((target - control.min) / control.step)
    value = control.min + steps * control.step
    return int(value) if kind == "IntSlider" else value


def measure(only: str = "", rows_file: str = "") -> list[dict]:
    import IPython
    import IPython.display
    import numpy as np

    from mlcourse import data, widgets
    from student_copies import own_implementation

    rows = []
    for label, build in widgets_to_time(own_implementation, np, data).items():
        if only and only not in label:
            continue
        front = FrontEnd()
        IPython.get_ipython = lambda: object()
        IPython.display.display = front.display
        with contextlib.redirect_stdout(io.StringIO()):
            if isinstance(build, tuple):
                prepare, build_with = build
                made = prepare(widgets)
                build = lambda w, made=made, build_with=build_with: build_with(w, made)  # noqa: E731
            start, cpu = time.perf_counter(), time.process_time()
            build(widgets)
            rows.append({"widget": label, "control": "(first draw)", "first": None,
                         "done": time.perf_counter() - start, "cpu": time.process_time() - cpu})
            for control in list(front.controls):
                if rows_file:  # what is measured so far, for a run that is stopped or fails
                    Path(rows_file).write_text(json.dumps(rows))
                before, count = control.value, len(front.updates)
                start, cpu = time.perf_counter(), time.process_time()
                control.value = moved(control)
                done, cpu = time.perf_counter() - start, time.process_time() - cpu
                first = front.updates[count] - start if len(front.updates) > count else None
                row = {"widget": label, "control": f"{control.description} → {control.value:.4g}"
                       if isinstance(control.value, float) else f"{control.description} → {control.value}",
                       "first": first, "done": done, "cpu": cpu}
                start, cpu = time.perf_counter(), time.process_time()
                control.value = before
                row.update(back=time.perf_counter() - start, back_cpu=time.process_time() - cpu)
                rows.append(row)
        print(f"{label}: done", file=sys.stderr)
    if rows_file:
        Path(rows_file).write_text(json.dumps(rows))
    return rows


def table(columns: dict[str, list[dict]]) -> str:
    """Rows of (widget, control) with, for each checkout, 'redraw done (CPU)' in seconds (and the first image
    before it where a redraw shows frames as it works), then the same for the move back."""
    keys = list(dict.fromkeys((r["widget"], r["control"].split(" → ")[0]) for rows in columns.values() for r in rows))
    found = {name: {(r["widget"], r["control"].split(" → ")[0]): r for r in rows} for name, rows in columns.items()}
    head = f"{'widget':36} {'control':30}" + "".join(f" {name + ': moved':>24} {'back':>12}" for name in columns)
    lines = [head, "-" * len(head)]
    for key in keys:
        cells = []
        for name in columns:
            r = found[name].get(key)
            if r is None:
                cells.append(f" {'—':>24} {'—':>12}")
                continue
            cell = f"{r['done']:.2f} ({r['cpu']:.2f})"
            if r["first"] is not None and r["done"] - r["first"] > 0.05:
                cell = f"{r['first']:.2f} … " + cell
            back = f"{r['back']:.2f} ({r['back_cpu']:.2f})" if "back" in r else ""
            cells.append(f" {cell:>24} {back:>12}")
        control = next(r["control"] for rows in columns.values() for r in rows
                       if (r["widget"], r["control"].split(" → ")[0]) == key)
        lines.append(f"{key[0]:36} {control[:30]:30}" + "".join(cells))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compare", help="another checkout of the course to time first (e.g. main)")
    parser.add_argument("--before", help="times saved earlier with --save, shown as the first column")
    parser.add_argument("--save", help="keep this checkout's times in this JSON file (for --before)")
    parser.add_argument("--only", default="", help="only widgets whose label contains this")
    parser.add_argument("--root", help=argparse.SUPPRESS)  # the checkout whose mlcourse is timed (internal)
    parser.add_argument("--rows", help=argparse.SUPPRESS)  # where the timing process writes its rows (internal)
    args = parser.parse_args()
    if args.rows:
        sys.path[:0] = [args.root, str(HERE / "tests")]
        os.environ.setdefault("MPLBACKEND", "Agg")
        measure(args.only, args.rows)
        return
    columns = {"before": json.loads(Path(args.before).read_text())} if args.before else {}
    for name, root in ([("before", args.compare)] if args.compare else []) + [("this checkout", str(HERE))]:
        with tempfile.TemporaryDirectory() as scratch:
            rows = Path(scratch) / "rows.json"
            done = subprocess.run([sys.executable, __file__, "--root", root, "--rows", str(rows), "--only", args.only],
                                  cwd=root)
            columns[name] = json.loads(rows.read_text()) if rows.exists() else []
        if done.returncode:
            print(f"{name}: the timing stopped (exit status {done.returncode}); the rows measured before it follow",
                  file=sys.stderr)
    if args.save:
        Path(args.save).write_text(json.dumps(columns["this checkout"]))
    load = os.getloadavg()
    print(f"load average {load[0]:.2f}, {load[1]:.2f}, {load[2]:.2f} on {os.cpu_count()} cores. Seconds of wall "
          "clock (CPU seconds in brackets); 'a … b': the first frame after a, done after b; 'back': the control "
          "moved back to where it was")
    print(table(columns))


if __name__ == "__main__":
    main()

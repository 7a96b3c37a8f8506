"""nbgrader end to end in a scratch copy of grading/: release, autograde, feedback, export.

Three submissions per notebook: the solutions (full autograded marks), the unmodified release (zero),
and one with planted mistakes (partial marks, the mistakes named in the graded output).
"""

from __future__ import annotations

import csv
import os
import re

import nbformat
import pytest

from conftest import ASSIGNMENTS, ROOT, output_text
from mlcourse import grader
from mlcourse.build import nbgrader
from mlcourse.autograde import NOT_RUN

# Mistakes typed as a student would, per notebook: {solution cell id: (source, exercise id, a
# fingerprint sentence the feedback must contain)}.
PLANTED = {
    "01_derivatives": {
        "numerical_derivative": (
            "def numerical_derivative(f, x, h=1e-5):\n    return (f(x + h) - f(x)) / h\n",
            "derivatives.numerical_derivative", "forward difference"),
        "sigmoid": (
            "import numpy as np\n\ndef sigmoid(z):\n    s = 1 / (1 + np.exp(z))\n"
            "    return float(s) if np.ndim(s) == 0 else s\n",
            "derivatives.sigmoid", "The sign in the exponent is wrong"),
        "sigmoid_derivative": (
            "def sigmoid_derivative(z):\n    return z * (1 - z)\n",
            "derivatives.sigmoid_derivative", "You computed z(1 − z)"),
    },
    "02_gradient_descent": {
        "gradient_descent_1d": (
            "def gradient_descent_1d(df, x0, lr, n_steps):\n    path = [x0]\n    x = x0\n"
            "    for _ in range(n_steps):\n        x = x + lr * df(x)\n        path.append(x)\n"
            "    return np.array(path)\n",
            "gradient_descent.gradient_descent_1d", "You step uphill (x + lr·df)"),
        "random_mini_batches": (
            "def random_mini_batches(X, Y, batch_size, rng):\n    m = X.shape[1]\n"
            "    X = X[:, rng.permutation(m)]\n    Y = Y[:, rng.permutation(m)]\n"
            "    return [(X[:, k:k + batch_size], Y[:, k:k + batch_size]) for k in range(0, m, batch_size)]\n",
            "gradient_descent.random_mini_batches", "shuffled with two different permutations"),
        "lr_exponential_decay": (
            "def lr_exponential_decay(lr0, epoch, k):\n    return lr0 * np.exp(k * epoch)\n",
            "gradient_descent.lr_exponential_decay", "The exponent has the wrong sign"),
    },
    "03_neurons": {
        "relu": (
            "def relu(z):\n    return np.minimum(0, z)\n",
            "neurons.relu", "You computed min(0, z)"),
        "softmax": (
            "def softmax(Z):\n    e = np.exp(Z - Z.max(axis=1, keepdims=True))\n"
            "    return e / e.sum(axis=1, keepdims=True)\n",
            "neurons.softmax", "You normalise along the rows (axis=1)"),
        "categorical_cross_entropy": (
            "def categorical_cross_entropy(A, Y):\n    A = np.maximum(A, 1e-12)\n"
            "    return float(-np.sum(Y * np.log2(A)) / A.shape[1])\n",
            "neurons.categorical_cross_entropy", "You use log base 2"),
    },
    "04_backprop": {  # mistakes whose functions no other graded function of the notebook calls, except by name
        "initialize_parameters": (
            "def initialize_parameters(layer_dims, method='he', rng=None):\n"
            "    rng = np.random.default_rng(0) if rng is None else rng\n    parameters = {}\n"
            "    for l in range(1, len(layer_dims)):\n        n = layer_dims[l]\n"
            "        scale = {'zeros': 0.0, 'random': 0.01, 'xavier': np.sqrt(1 / n), 'he': np.sqrt(2 / n)}[method]\n"
            "        W = np.zeros((n, layer_dims[l - 1])) if method == 'zeros' else \\\n"
            "            rng.standard_normal((n, layer_dims[l - 1])) * scale\n"
            "        parameters['W' + str(l)], parameters['b' + str(l)] = W, np.zeros((n, 1))\n"
            "    return parameters\n",
            "backprop.initialize_parameters", "You divide by n_l, the layer's own size"),
        "tanh_backward": (
            "def tanh_backward(dA, Z):\n    return dA * (1 - Z ** 2)\n",
            "backprop.tanh_backward", "You computed dA · (1 − Z²)"),
        "update_parameters": (
            "def update_parameters(parameters, grads, lr):\n    new = {}\n"
            "    for key in parameters:\n        new[key] = parameters[key] + lr * grads['d' + key]\n"
            "    return new\n",
            "backprop.update_parameters", "You step uphill (W + lr·dW)"),
    },
    "05_optimizers": {
        "ewa": (
            "def ewa(values, beta, bias_correction=False):\n    V = 0\n    out = []\n"
            "    for s in values:\n        V = beta * V + (1 - beta) * s\n"
            "        out.append(V / (1 - beta) if bias_correction else V)\n    return np.array(out)\n",
            "optimizers.ewa", "Your bias correction divides by (1 − β)"),
        "nesterov_step": (
            "def nesterov_step(grad_f, w, v, beta, lr):\n    v = beta * v + (1 - beta) * grad_f(w)\n"
            "    return w - lr * v, v\n",
            "optimizers.nesterov_step", "You evaluate the gradient at w, which is plain momentum"),
        "update_with_adam": (
            "def update_with_adam(parameters, grads, v, s, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):\n"
            "    new_p, new_v, new_s, v_hat, s_hat = {}, {}, {}, {}, {}\n    for name in parameters:\n"
            "        d = 'd' + name\n        g = grads[d]\n"
            "        new_v[d] = beta1 * v[d] + (1 - beta1) * g\n"
            "        new_s[d] = beta2 * s[d] + (1 - beta2) * g ** 2\n"
            "        v_hat[d] = new_v[d] / (1 - beta1)\n        s_hat[d] = new_s[d] / (1 - beta2)\n"
            "        new_p[name] = parameters[name] - lr * v_hat[d] / (np.sqrt(s_hat[d]) + eps)\n"
            "    return new_p, new_v, new_s, v_hat, s_hat\n",
            "optimizers.update_with_adam", "the power t is missing"),
    },
    "06_bias_variance": {  # none of these is called by another graded function
        "rmse": (
            "def rmse(y_hat, y):\n    return float(np.mean((np.asarray(y_hat) - np.asarray(y)) ** 2))\n",
            "bias_variance.rmse", "You return the mean squared error"),
        "bias_variance_decomposition": (
            "def bias_variance_decomposition(predictions, f_true):\n    mean = predictions.mean(axis=0)\n"
            "    return float(np.mean(mean - f_true)), float(np.mean(predictions.var(axis=0)))\n",
            "bias_variance.bias_variance_decomposition", "Your bias is not squared"),
        "diagnose": (
            "def diagnose(train_error, val_error, human_error=0.0, threshold=0.02):\n"
            "    if train_error - human_error > threshold:\n        return 'high bias'\n"
            "    elif val_error - train_error > threshold:\n        return 'high variance'\n"
            "    return 'good fit'\n",
            "bias_variance.diagnose", "When both gaps are too large you report only"),
    },
    "07_regularization": {
        "l1_cost": (
            "def l1_cost(parameters, lambd, m):\n"
            "    total = sum(np.sum(np.abs(v)) for k, v in parameters.items() if k.startswith('W'))\n"
            "    return float(lambd / (2 * m) * total)\n",
            "regularization.l1_cost", "You use λ/(2m), the form the notes show once"),
        "dropout_backward": (
            "def dropout_backward(dA, mask, keep_prob):\n    return dA * mask\n",
            "regularization.dropout_backward", "You do not divide by keep_prob"),
        "early_stopping": (
            "def early_stopping(val_losses, patience):\n    best, best_epoch, wait = float('inf'), 0, 0\n"
            "    for epoch, loss in enumerate(val_losses):\n        if loss <= best:\n"
            "            best, best_epoch, wait = loss, epoch, 0\n        else:\n            wait += 1\n"
            "            if wait >= patience:\n                return best_epoch, epoch\n"
            "    return best_epoch, len(val_losses) - 1\n",
            "regularization.early_stopping", "You count a tie as an improvement (<=)"),
    },
    "08_batchnorm": {
        "batchnorm_forward": (
            "def batchnorm_forward(Z, gamma, beta, eps=1e-5):\n    mu = Z.mean(axis=1, keepdims=True)\n"
            "    var = ((Z - mu) ** 2).mean(axis=1, keepdims=True)\n    Z_hat = (Z - mu) / np.sqrt(var - eps)\n"
            "    return gamma * Z_hat + beta, (Z, Z_hat, mu, var, gamma, beta, eps)\n",
            "batchnorm.batchnorm_forward", "as the notes (002) print it"),
        "update_running_stats": (
            "def update_running_stats(running_mean, running_var, batch_mean, batch_var, momentum=0.9):\n"
            "    return ((1 - momentum) * running_mean + momentum * batch_mean,\n"
            "            (1 - momentum) * running_var + momentum * batch_var)\n",
            "batchnorm.update_running_stats", "You weight the batch by momentum"),
        "layernorm_backward": (
            "def layernorm_backward(dout, cache):\n    Z, Z_hat, mu, var, gamma, beta, eps = cache\n"
            "    m = Z.shape[1]\n    dg = gamma * dout\n"
            "    dZ = (m * dg - dg.sum(axis=1, keepdims=True) - Z_hat * (dg * Z_hat).sum(axis=1, keepdims=True))"
            " / (m * np.sqrt(var + eps))\n"
            "    return dZ, (dout * Z_hat).sum(axis=1, keepdims=True), dout.sum(axis=1, keepdims=True)\n",
            "batchnorm.layernorm_backward", "You sum dẐ and dẐ·Ẑ over the batch (axis 1)"),
    },
    "09_cnn": {  # functions no other graded function of the notebook calls
        "conv_backward": (
            "def conv_backward(dZ, cache):\n    A_prev, W, b, stride, pad = cache\n    f = W.shape[0]\n"
            "    m, n_H, n_W, n_C = dZ.shape\n    A_pad = zero_pad(A_prev, pad)\n"
            "    dA_pad, dW, db = np.zeros(A_pad.shape), np.zeros(W.shape), np.zeros(n_C)\n"
            "    for i in range(m):\n        for h in range(n_H):\n            for w in range(n_W):\n"
            "                rows, cols = slice(h * stride, h * stride + f), slice(w * stride, w * stride + f)\n"
            "                for c in range(n_C):\n"
            "                    dA_pad[i, rows, cols, :] += W[:, :, :, c] * dZ[i, h, w, c]\n"
            "                    dW[:, :, :, c] += A_pad[i, rows, cols, :] * dZ[i, h, w, c]\n"
            "                    db[c] += dZ[i, h, w, c]\n"
            "    dA_prev = dA_pad[:, pad:pad + A_prev.shape[1], pad:pad + A_prev.shape[2], :]\n"
            "    return dA_prev, dW / m, db / m\n",
            "cnn.conv_backward", "Your dW and db are divided by m"),
        "maxpool_backward": (
            "def maxpool_backward(dA, cache):\n    A_prev, f, stride = cache\n    m, n_H, n_W, n_C = dA.shape\n"
            "    dA_prev = np.zeros(A_prev.shape)\n    for h in range(n_H):\n        for w in range(n_W):\n"
            "            rows, cols = slice(h * stride, h * stride + f), slice(w * stride, w * stride + f)\n"
            "            window = A_prev[:, rows, cols, :]\n"
            "            mask = window == window.max(axis=(1, 2), keepdims=True)\n"
            "            dA_prev[:, rows, cols, :] += mask * dA[:, h:h + 1, w:w + 1, :]\n    return dA_prev\n",
            "cnn.maxpool_backward", "On a tie you send the gradient to every maximum"),
        "model_summary": (
            "def model_summary(input_shape, layers):\n    shape, rows = tuple(input_shape), []\n"
            "    for layer in layers:\n        if layer[0] == 'dense':\n"
            "            n, shape = (shape[-1] + 1) * layer[1], shape[:-1] + (layer[1],)\n"
            "        elif layer[0] == 'conv':\n            k, f, padding = layer[1:]\n"
            "            n = f * f * shape[2] * k\n"
            "            shape = shape[:2] + (k,) if padding == 'same' else (shape[0] - f + 1, shape[1] - f + 1, k)\n"
            "        elif layer[0] == 'maxpool':\n            f, s = layer[1:]\n"
            "            n, shape = 0, ((shape[0] - f) // s + 1, (shape[1] - f) // s + 1, shape[2])\n"
            "        else:\n            n, shape = 0, (int(np.prod(shape)),)\n        rows.append((shape, n))\n"
            "    return rows, sum(n for _, n in rows)\n",
            "cnn.model_summary", "Your conv layers have no biases"),
    },
}


def _submit(course, assignment, student, fill: dict[str, str]):
    release = nbformat.read(course / "release" / assignment / f"{assignment}.ipynb", as_version=4)
    for cell in release.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in fill:
            cell.source = fill[grade_id]
    folder = course / "submitted" / student / assignment
    folder.mkdir(parents=True)
    nbformat.write(release, folder / f"{assignment}.ipynb")


# The one script the feedback may load from the web: nbgrader's feedback template renders the formulas with
# MathJax from a CDN (without it the feedback shows raw LaTeX).
MATHJAX = "https://cdnjs.cloudflare.com/ajax/libs/mathjax/"


def feedback_problems(html: str) -> list[str]:
    """What makes a feedback page depend on the web or on widget code it cannot run: scripts from a CDN, widget
    views and state (grading/nbgrader_config.py: Execute.store_widget_state = False, so each explorer shows its
    still figure instead)."""
    scripts = re.findall(r"<script\b[^>]*\bsrc\s*=\s*[\"']?([^\"' >]+)", html, flags=re.IGNORECASE)
    found = [f"a script from the web: {src}" for src in scripts
             if re.match(r"(https?:)?//", src) and not src.startswith(MATHJAX)]
    found += [f"code fetched from a CDN: {url}" for url in re.findall(
        r"https?://[^\s\"'<>]*(?:jsdelivr|unpkg|embed-amd|require\.js|jquery)[^\s\"'<>]*", html)]
    found += [f"widget {kind} (no widget code runs in feedback)" for kind in ("view", "state")
              if f"application/vnd.jupyter.widget-{kind}+json" in html]
    return found


def test_feedback_problems_are_found():
    page = ("<script src='https://cdn.jsdelivr.net/npm/@jupyter-widgets/html-manager@*/dist/embed-amd.js'>"
            "</script><script type=\"application/vnd.jupyter.widget-state+json\">{}</script>")
    assert len(feedback_problems(page)) == 3
    assert not feedback_problems(f"<script src=\"{MATHJAX}2.7.7/latest.js?config=TeX-AMS_CHTML-full,Safe\">"
                                 "</script><img src='data:image/png;base64,AAAA'>")


def _solutions_by_cell(assignment):
    source = nbformat.read(ROOT / "grading" / "source" / assignment / f"{assignment}.ipynb", as_version=4)
    solved = nbformat.read(ROOT / "solutions" / f"{assignment}.ipynb", as_version=4)
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in source.cells]
    return {grade_id: cell.source for grade_id, cell in zip(ids, solved.cells)
            if grade_id and cell.cell_type == "code"}


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_nbgrader_round_trip(assignment, course_copy, monkeypatch):
    monkeypatch.setenv("MLCOURSE_GRADING_SEED", "424242")  # one fixed seed: the run is reproducible
    monkeypatch.delenv("MLCOURSE_SEED_LOGGED", raising=False)
    course = course_copy
    # Figure cells are skipped while grading (they never score); one notebook runs them, so that its feedback
    # shows each explorer's still figure in place of the widget.
    figures_run = assignment == "02_gradient_descent"
    if figures_run:
        with open(course / "nbgrader_config.py", "a") as config:
            config.write('\nc.SafeExecute.figure_cells = "run"\nc.SafeExecute.figure_cell_timeout = 120\n')
    nbgrader(["generate_assignment", assignment, "--force"], course)
    solutions = _solutions_by_cell(assignment)
    planted = PLANTED[assignment]
    _submit(course, assignment, "solved", solutions)
    _submit(course, assignment, "release", {})
    _submit(course, assignment, "planted", {**solutions, **{k: v[0] for k, v in planted.items()}})

    nbgrader(["autograde", assignment, "--create"], course)

    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        def auto_grades(student):
            nb = gb.find_submission_notebook(assignment, assignment, student)
            return {g.name: (g.auto_score, g.max_score) for g in nb.grades if g.cell_type == "code"}

        solved, release, mistakes = auto_grades("solved"), auto_grades("release"), auto_grades("planted")
    assert solved and all(score == top for score, top in solved.values()), solved
    assert all(score == 0 for score, _ in release.values()), release
    for name, (score, top) in mistakes.items():
        function = name.removeprefix("test_")
        if function in planted:
            assert score < top, name
        elif not any(p in solutions.get(function, "") for p in planted):  # does not use a planted function
            assert score == top, name
    assert 0 < sum(s for s, _ in mistakes.values()) < sum(t for _, t in mistakes.values())

    graded = nbformat.read(course / "autograded" / "planted" / assignment / f"{assignment}.ipynb", as_version=4)
    shown = "\n".join(output_text(c) for c in graded.cells if c.cell_type == "code")
    for _, exercise_id, sentence in planted.values():
        assert sentence in shown and any(sentence in f for f in grader.exercise(exercise_id).fingerprints)
    assert "seed 424242" in shown
    assert "seed=424242" in (course / "grading-seeds.log").read_text()

    nbgrader(["generate_feedback", assignment], course)
    for student in ("solved", "release", "planted"):
        html = (course / "feedback" / student / assignment / f"{assignment}.html").read_text(encoding="utf-8")
        assert "HIDDEN TESTS" not in html and "grader.grade(" not in html
        assert not feedback_problems(html), feedback_problems(html)
        # each explorer's still figure stands in for its widget (plus the figures that are only pictures)
        run = nbformat.read(course / "autograded" / student / assignment / f"{assignment}.ipynb", as_version=4)
        explorers = sum("application/vnd.jupyter.widget-view+json" in o.get("data", {})
                        for c in run.cells for o in c.get("outputs", []))
        if figures_run:
            assert len(re.findall(r"<img\b[^>]*\bsrc=\"data:image/png;base64,", html)) >= explorers > 0, student
        else:
            assert explorers == 0 and NOT_RUN in html, student
    html = (course / "feedback" / "planted" / assignment / f"{assignment}.html").read_text(encoding="utf-8")
    assert "The sign in the exponent is wrong" in html or assignment != "01_derivatives"

    nbgrader(["export", "--to", "grades.csv"], course)
    with open(course / "grades.csv", newline="") as f:
        rows = {row["student_id"]: row for row in csv.DictReader(f)}
    assert set(rows) == {"solved", "release", "planted"}
    assert float(rows["release"]["raw_score"]) == 0.0


def test_each_autograde_run_gets_a_fresh_recorded_seed(course_copy, monkeypatch):
    monkeypatch.delenv("MLCOURSE_GRADING_SEED", raising=False)
    monkeypatch.delenv("MLCOURSE_SEED_LOGGED", raising=False)
    assignment = ASSIGNMENTS[0]
    nbgrader(["generate_assignment", assignment, "--force"], course_copy)
    _submit(course_copy, assignment, "someone", {})
    for _ in range(2):
        nbgrader(["autograde", assignment, "--create", "--force"], course_copy)
    lines = (course_copy / "grading-seeds.log").read_text().splitlines()
    assert len(lines) == 2 and lines[0].split("\t")[1] != lines[1].split("\t")[1]
    assert all("mlcourse=" in line for line in lines)
    assert "MLCOURSE_GRADING_SEED" not in os.environ

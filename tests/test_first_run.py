"""A student's first minutes, headless: the student lab's configuration, and a check run too early."""

from __future__ import annotations

import importlib.util
import json

import nbformat

from conftest import ROOT, execute_notebook


def _course_script():
    spec = importlib.util.spec_from_file_location("course_script", ROOT / "course.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_student_lab_serves_notebooks_and_solutions_without_nbgrader(tmp_path, monkeypatch):
    course = _course_script()
    monkeypatch.setattr(course.os, "geteuid", lambda: 0)
    args, env = course.student_lab(tmp_path)
    assert f"--ServerApp.root_dir={ROOT}" in args and "--allow-root" in args
    assert (ROOT / "notebooks").is_dir() and (ROOT / "solutions").is_dir()
    assert env == {"JUPYTER_CONFIG_DIR": str(tmp_path)}
    page = json.loads((tmp_path / "labconfig" / "page_config.json").read_text())
    assert page["disabledExtensions"] == {"@jupyter/nbgrader": True}
    server = json.loads((tmp_path / "jupyter_server_config.json").read_text())
    assert set(server["ServerApp"]["jpserver_extensions"].values()) == {False}
    monkeypatch.setattr(course.os, "geteuid", lambda: 1000)
    assert "--allow-root" not in course.student_lab(tmp_path)[0]


def test_a_check_run_before_its_function_says_so_in_one_sentence(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("from mlcourse import grader"),
        nbformat.v4.new_code_cell('grader.check("derivatives.numerical_derivative", numerical_derivative)'),
    ])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    from nbclient.exceptions import CellExecutionError

    try:
        execute_notebook(nb, tmp_path)
    except CellExecutionError:
        pass
    error = nb.cells[1].outputs[0]
    assert error.output_type == "error" and error.ename == "NameError"
    assert error.traceback == ["NameError: numerical_derivative is not defined yet: run the cell with "
                               "`def numerical_derivative` (above this check) first, then run this check again."]


def test_other_name_errors_keep_their_traceback(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("from mlcourse import grader"),
                                         nbformat.v4.new_code_cell("print(undefined_thing)")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    from nbclient.exceptions import CellExecutionError

    try:
        execute_notebook(nb, tmp_path)
    except CellExecutionError:
        pass
    error = nb.cells[1].outputs[0]
    assert error.ename == "NameError" and len(error.traceback) > 1


def test_the_panel_shows_indices_as_unicode_and_sets_every_colour():
    from mlcourse.feedback import CheckResult

    feedback = "✘ wrong count\nYou give n_{l−1}(n_l + 1); σ = 1/(1 + e^{−z})"
    panel = CheckResult("neurons.count", False, 0, 3, feedback)._repr_html_()
    assert "nₗ₋₁(nₗ + 1)" in panel and "e⁻ᶻ" in panel and "_{" not in panel
    assert panel.count("color:#1f2328") == 2  # the panel and its <pre>: no theme's text colour shows through


def test_feedback_names_the_part_of_a_tuple_the_reference_returns():
    from mlcourse import grader

    def swapped(dZ, cache):
        A_prev, W, b = cache
        m = A_prev.shape[1]
        return W.T @ dZ, dZ.sum(axis=1, keepdims=True) / m, dZ @ A_prev.T / m

    feedback = grader.check("backprop.linear_backward", swapped).feedback
    assert "Your dW and db are in each other's places" in feedback and "result[" not in feedback

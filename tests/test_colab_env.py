"""The course in Google Colab's environment: Python 3.12 with Colab's IPython, ipykernel, ipywidgets, numpy,
matplotlib and traitlets, and a stand-in google-colab that pins them as the real one does
(benchmarks/colab_env.py makes it; the venv is cached under .venv/colab-3.12-<hash of the pins>).

The setup cell installs the package from a copy of this working tree, as it would from GitHub: it must print
nothing, change none of Colab's versions and leave `pip check` clean; then the notebooks run there without an
error or a word on stderr. Needs PyPI (or pip's cache) the first time; skipped where no Python 3.12 exists.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PYTHON_312 = os.environ.get("MLCOURSE_PYTHON312") or (
    "/root/.pyenv/versions/3.12.1/bin/python" if Path("/root/.pyenv/versions/3.12.1/bin/python").exists()
    else shutil.which("python3.12"))
# Every solution (all the course's code with working student functions), and the first student notebook (the
# "not implemented yet" paths, which are the same in every notebook): tests/test_notebooks.py runs them all
# under this machine's Python, and the whole test command must stay under 15 minutes on 2 cores.
NOTEBOOKS = [("solutions", p.stem) for p in sorted((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb"))] + [
    ("notebooks", "01_derivatives")]

pytestmark = pytest.mark.xdist_group("colab")  # one venv, built once, on one worker


def _colab_env():
    spec = importlib.util.spec_from_file_location("colab_env", ROOT / "benchmarks" / "colab_env.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def colab(request):
    """(the colab_env module, the venv with the course installed by the setup cell, the install's report)."""
    if not PYTHON_312:
        pytest.skip("no Python 3.12 here (Colab's version): set MLCOURSE_PYTHON312 to one to run these tests")
    colab_env = _colab_env()
    venv = colab_env.cached_venv(PYTHON_312)
    try:
        failures, runs, lines = colab_env.install_course(venv)
    except subprocess.CalledProcessError:  # a cached venv left broken by an interrupted run: make it afresh
        shutil.rmtree(venv)
        venv = colab_env.cached_venv(PYTHON_312)
        failures, runs, lines = colab_env.install_course(venv)
    seconds = sum(run["seconds"] for run in runs)
    print(f"Colab stand-in: the setup cell installed what Colab lacks in {seconds:.1f} s")
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(f"Colab stand-in: the setup cell installed what Colab lacks in {seconds:.1f} s")
    return colab_env, venv, failures, runs, lines


def test_the_setup_cell_installs_quietly_and_keeps_colabs_versions(colab):
    _, _, failures, runs, lines = colab
    assert runs, "the setup cell installed nothing"
    assert not failures, "\n".join(failures + lines)


@pytest.mark.parametrize("folder, name", NOTEBOOKS, ids=[f"{f}/{n}" for f, n in NOTEBOOKS])
def test_a_notebook_runs_in_colabs_environment(colab, folder, name):
    colab_env, venv, failures, runs, _ = colab
    if not runs:
        pytest.fail("the setup cell installed nothing")
    problems = colab_env.execute(venv, [name], folder)
    assert not problems, "\n".join(problems)

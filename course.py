#!/usr/bin/env python3
"""One entry point for the course: `python3 course.py lab | test | build | grade <assignment>`.

Each command first makes sure the virtual environment `.venv` exists and holds requirements.txt
(reinstalling only when that file or pyproject.toml changed), then runs inside it:

  lab    open the course in JupyterLab (notebooks/ and solutions/, student menus only)
  test   run the whole test suite (what CI runs)
  build  regenerate grading/source, notebooks/ and solutions/ from the masters in masters/
  grade  autograde every submission of an assignment in grading/submitted, in parallel
         (python -m mlcourse.autograde --help lists its options)

Needs nothing but Python 3.10+ (standard library only).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".requirements-hash"

COMMANDS = {
    "lab": [str(BIN / "jupyter"), "lab"],
    "test": [str(PYTHON), "-m", "pytest"],
    "build": [str(PYTHON), "-m", "mlcourse.build"],
    "grade": [str(PYTHON), "-m", "mlcourse.autograde", "--course", str(ROOT / "grading")],
}


# nbgrader installs the instructor's tools into every JupyterLab of the environment; a student's lab shows
# none of them (they also warn "No nbgrader_config.py" outside grading/). Switched off per launch, in a config
# folder of the student lab's own, so that `jupyter lab` run by the instructor keeps them.
NBGRADER_SERVER = ("formgrader", "assignment_list", "course_list", "validate_assignment")
STUDENT_CONFIG = VENV / "student-lab"  # JUPYTER_CONFIG_DIR of `course.py lab`: the student's settings live here


def student_lab(config_dir: Path = STUDENT_CONFIG, root: Path = ROOT) -> tuple[list[str], dict[str, str]]:
    """The command (arguments after `jupyter lab`) and environment of the student lab: the repository root
    served (so that notebooks/ and solutions/ both open), notebooks/ shown first, nbgrader switched off."""
    labconfig = config_dir / "labconfig"
    labconfig.mkdir(parents=True, exist_ok=True)
    (labconfig / "page_config.json").write_text(json.dumps(
        {"disabledExtensions": {"@jupyter/nbgrader": True}}, indent=1))  # all its plugins, its menu included
    (config_dir / "jupyter_server_config.json").write_text(json.dumps(
        {"ServerApp": {"jpserver_extensions": {f"nbgrader.server_extensions.{name}": False
                                               for name in NBGRADER_SERVER}}}, indent=1))
    args = [f"--ServerApp.root_dir={root}", "--LabApp.default_url=/lab/tree/notebooks"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        print("Running as root (as in many containers): starting JupyterLab with --allow-root.", flush=True)
        args.append("--allow-root")
    return args, {"JUPYTER_CONFIG_DIR": str(config_dir)}


def ensure_environment() -> None:
    wanted = hashlib.sha256(b"".join((ROOT / f).read_bytes() for f in ("requirements.txt", "pyproject.toml")))
    if PYTHON.exists() and STAMP.exists() and STAMP.read_text() == wanted.hexdigest():
        return
    if not PYTHON.exists():
        print(f"Creating the virtual environment in {VENV} ...", flush=True)
        venv.create(VENV, with_pip=True)
    print("Installing requirements.txt (a few minutes the first time) ...", flush=True)
    subprocess.run([str(PYTHON), "-m", "pip", "install", "--quiet", "--quiet", "--upgrade", "pip"], check=True, cwd=ROOT)
    subprocess.run([str(PYTHON), "-m", "pip", "install", "--quiet", "--quiet", "-r", "requirements.txt"], check=True, cwd=ROOT)
    STAMP.write_text(wanted.hexdigest())


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in COMMANDS:
        print(__doc__)
        return 2
    ensure_environment()
    env = dict(os.environ)
    env["PATH"] = str(BIN) + os.pathsep + env.get("PATH", "")  # nbgrader runs `alembic` from here
    env["MPLBACKEND"] = env.get("MPLBACKEND", "Agg") if argv[0] != "lab" else env.get("MPLBACKEND", "")
    if not env["MPLBACKEND"]:
        del env["MPLBACKEND"]
    command = COMMANDS[argv[0]]
    if argv[0] == "lab":
        args, lab_env = student_lab()
        command, env = command + args, {**env, **lab_env}
    return subprocess.run(command + argv[1:], cwd=ROOT, env=env).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

#!/usr/bin/env python3
"""One entry point for the course: `python3 course.py lab | test | build | grade <assignment>`.

Each command first makes sure the virtual environment `.venv` exists and holds requirements.txt
(reinstalling only when that file or pyproject.toml changed), then runs inside it:

  lab    open the course in JupyterLab
  test   run the whole test suite (what CI runs)
  build  regenerate grading/source, notebooks/ and solutions/ from the masters in masters/
  grade  autograde every submission of an assignment in grading/submitted, in parallel
         (python -m mlcourse.autograde --help lists its options)

Needs nothing but Python 3.10+ (standard library only).
"""

from __future__ import annotations

import hashlib
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
    "lab": [str(BIN / "jupyter"), "lab", "notebooks/"],
    "test": [str(PYTHON), "-m", "pytest"],
    "build": [str(PYTHON), "-m", "mlcourse.build"],
    "grade": [str(PYTHON), "-m", "mlcourse.autograde", "--course", str(ROOT / "grading")],
}


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
    return subprocess.run(COMMANDS[argv[0]] + argv[1:], cwd=ROOT, env=env).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Install the course into a stand-in for Google Colab's Python and run the solved notebooks there.

    .venv/bin/python benchmarks/colab_env.py                      # notebooks 01-05, venv in /tmp/colab312
    .venv/bin/python benchmarks/colab_env.py --notebooks 01_derivatives --keep

Colab ships its own IPython, ipykernel, ipywidgets, numpy, matplotlib and traitlets, and its
`google-colab` package pins some of them exactly. If installing mlcourse upgrades one of them, pip
prints an ERROR in every setup cell and Colab's own front end may break. This script

1. makes a fresh venv with Python 3.12 and installs Colab's versions (COLAB below), plus a stand-in
   `google-colab` distribution that pins them as the real one does, so `pip check` sees the conflict;
2. runs the setup cell's own install command (mlcourse.build.SETUP_BLOCK, as Colab runs it, with the
   git URL replaced by a copy of this working tree), timing it and keeping what pip printed;
3. fails if any installed package changed version, if `pip check` complains, if pip printed anything, or if
   `python -m mlcourse.build` (an instructor tool, whose dependencies Colab lacks) says more than one line;
4. executes the solved notebooks in a kernel of that venv (nbclient from the environment running this
   script) and fails on any error or stderr output.

`--python` and `--pin` try other combinations, e.g. the oldest versions pyproject.toml allows:
`--python /root/.pyenv/versions/3.10.13/bin/python --venv /tmp/oldest --pin numpy==1.24.4 --pin matplotlib==3.7.0`.

It downloads from PyPI (or pip's cache). tests/test_colab_env.py runs the same steps as tests (in CI), with the
venv cached under .venv/colab-<python>-<hash of the pins>; this script prints the timings.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

# What Colab had when this was written (Python 3.12); google-colab pins the first two exactly.
COLAB = {"ipython": "7.34.0", "ipykernel": "6.17.1", "ipywidgets": "7.7.1", "numpy": "2.0.2",
         "matplotlib": "3.10.0", "traitlets": "5.7.1", "pip": "24.1.2"}
COLAB_PINNED = ("ipython", "ipykernel")
NOTEBOOKS = ["01_derivatives", "02_gradient_descent", "03_neurons", "04_backprop", "05_optimizers"]
KERNEL = "colab-stand-in"

# Run by the venv's Python: the setup cell as Colab runs it (google.colab imported, mlcourse absent),
# with subprocess.run wrapped to install from a local copy and to keep what pip prints.
DRIVER = r'''
import json, subprocess, sys, time, types
block, source = sys.argv[1], sys.argv[2]
colab = types.ModuleType("google.colab")
colab.output = types.SimpleNamespace(enable_custom_widget_manager=lambda: None)
google = types.ModuleType("google")
google.colab = colab
sys.modules.update({"google": google, "google.colab": colab})
runs, real_run = [], subprocess.run

def run(cmd, **kwargs):
    if "pip" not in cmd:  # e.g. matplotlib's first import asking fc-list for the fonts: left alone
        return real_run(cmd, **kwargs)
    cmd = [f"mlcourse @ {source}" if str(a).startswith("mlcourse @ ") else a for a in cmd]
    start = time.perf_counter()
    done = real_run(cmd, capture_output=True, text=True, **kwargs)
    runs.append({"cmd": cmd, "seconds": time.perf_counter() - start, "output": done.stdout + done.stderr})
    return done

subprocess.run = run
# the setup cell, then (in the same process, as in Colab) the imports that the masters put after it
exec(compile(block + "\nfrom mlcourse import data, grader, plots, widgets\n", "<setup cell>", "exec"), {})
print(json.dumps(runs))
'''


def sh(*cmd, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in cmd], check=True, text=True, capture_output=True, **kwargs)


def freeze(python: Path) -> dict[str, str]:
    listed = json.loads(sh(python, "-m", "pip", "list", "--format=json").stdout)
    return {p["name"].lower(): p["version"] for p in listed}


def stand_in_google_colab(python: Path) -> None:
    """A metadata-only `google-colab` distribution whose exact pins `pip check` verifies."""
    purelib = Path(sh(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").stdout.strip())
    info = purelib / "google_colab-1.0.0.dist-info"
    info.mkdir(exist_ok=True)
    requires = "".join(f"Requires-Dist: {name}=={COLAB[name]}\n" for name in COLAB_PINNED)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: google-colab\nVersion: 1.0.0\n{requires}")
    (info / "INSTALLER").write_text("colab_env.py\n")
    (info / "RECORD").write_text("")


def source_copy(into: Path) -> Path:
    """What a git clone of this working tree would build from: pyproject, README and the package."""
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, into / name)
    shutil.copytree(ROOT / "mlcourse", into / "mlcourse", ignore=shutil.ignore_patterns("__pycache__"))
    return into


def install_kernel(venv: Path) -> Path:
    """The venv's kernelspec (carrying the environment the notebooks need); returns its share/jupyter."""
    kernels = venv / "share" / "jupyter" / "kernels"
    if not (kernels / KERNEL / "kernel.json").exists():
        sh(venv / "bin" / "python", "-m", "ipykernel", "install", "--prefix", venv, "--name", KERNEL)
        spec = json.loads((kernels / KERNEL / "kernel.json").read_text())
        spec["env"] = {"MPLBACKEND": "module://matplotlib_inline.backend_inline",
                       "PYDEVD_DISABLE_FILE_VALIDATION": "1"}  # Python 3.12's debugger note on the kernel's stderr
        (kernels / KERNEL / "kernel.json").write_text(json.dumps(spec, indent=1))
    return kernels.parent


def execute(venv: Path, notebooks: list[str], folder: str = "solutions") -> list[str]:
    """Runs ROOT/folder/<name>.ipynb for each name in a kernel of the venv; what went wrong, per notebook."""
    import nbformat
    from nbclient import NotebookClient

    from conftest import problems

    failures = []
    for name in notebooks:
        nb = nbformat.read(ROOT / folder / f"{name}.ipynb", as_version=4)
        start = time.perf_counter()
        saved = os.environ.get("JUPYTER_PATH")
        os.environ["JUPYTER_PATH"] = str(install_kernel(venv))  # while nbclient looks the kernel up (and no longer)
        with tempfile.TemporaryDirectory() as cwd:
            try:
                NotebookClient(nb, kernel_name=KERNEL, timeout=300, resources={"metadata": {"path": cwd}}).execute()
                # a failing check's one line for nbgrader's validate is expected in the student copies
                found = [p for p in problems(nb) if "does not pass its check yet" not in p]
            except Exception as error:  # a cell error: nbclient's message names the cell
                found = [f"{type(error).__name__}: {str(error)[-600:]}"]
            finally:
                if saved is None:
                    del os.environ["JUPYTER_PATH"]
                else:
                    os.environ["JUPYTER_PATH"] = saved
        print(f"  {folder}/{name:<24}{time.perf_counter() - start:6.1f} s  {'ok' if not found else 'FAILED'}")
        failures += [f"{folder}/{name}: {p}" for p in found]
    return failures


def cached_venv(python: str, pins: dict[str, str] | None = None) -> Path:
    """Colab's packages in a venv under .venv/, made once per Python version and set of pins."""
    wanted = {**COLAB, **(pins or {})}
    version = sh(python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])").stdout.strip()
    key = hashlib.sha256(json.dumps([sh(python, "--version").stdout, wanted], sort_keys=True).encode()).hexdigest()
    venv = ROOT / ".venv" / f"colab-{version}-{key[:10]}"
    colab_packages(python, venv, wanted, keep=True)
    return venv


def colab_packages(python: str, venv: Path, wanted: dict[str, str], keep: bool) -> float | None:
    """A venv with Colab's versions of its packages; the seconds it took, or None if an existing one was kept."""
    done = venv / ".colab-packages"
    if keep and done.exists():
        return None
    shutil.rmtree(venv, ignore_errors=True)
    sh(python, "-m", "venv", venv)
    start = time.perf_counter()
    sh(venv / "bin" / "python", "-m", "pip", "install", "--quiet", *(f"{n}=={v}" for n, v in wanted.items()))
    done.write_text(json.dumps(wanted))
    return time.perf_counter() - start


def install_course(venv: Path) -> tuple[list[str], list[dict], list[str]]:
    """Runs the setup cell in the venv as Colab would, from a copy of this working tree: (failures, the pip
    runs it made with their seconds and output, report lines)."""
    from mlcourse.build import SETUP_BLOCK

    python = venv / "bin" / "python"
    sh(python, "-m", "pip", "uninstall", "--quiet", "--yes", "mlcourse")
    stand_in_google_colab(python)
    before = freeze(python)
    failures, lines = [], []
    stamp = venv / ".colab-packages"  # a cached venv must still hold Colab's versions (an earlier run may not)
    wanted = json.loads(stamp.read_text()) if stamp.exists() else {}
    failures += [f"the venv has {n} {before.get(n)}, not Colab's {v}: delete {venv}" for n, v in wanted.items()
                 if before.get(n) != v]
    with tempfile.TemporaryDirectory() as scratch:
        source = source_copy(Path(scratch)).as_uri()
        # As bare as Colab's: none of this machine's pip settings but its certificates and timeout.
        env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_") or k in ("PIP_CERT", "PIP_DEFAULT_TIMEOUT")}
        env["PIP_CONFIG_FILE"] = os.devnull
        runs = json.loads(sh(python, "-c", DRIVER, SETUP_BLOCK, source, env=env, cwd=venv).stdout)  # no mlcourse/ in cwd
    for run in runs:
        lines.append(f"setup cell ran: {' '.join(run['cmd'][1:])}\n  in {run['seconds']:.1f} s, "
                     f"pip printed {len(run['output'])} characters")
        if run["output"].strip():
            failures.append("the setup cell's pip printed:\n" + run["output"])
    after = freeze(python)
    changed = {n: (v, after.get(n)) for n, v in before.items() if after.get(n) != v}
    added = sorted(f"{n} {v}" for n, v in after.items() if n not in before)
    lines.append(f"added: {', '.join(added) or 'nothing'}")
    failures += [f"{n} changed from {old} to {new}" for n, (old, new) in changed.items()]
    check = subprocess.run([python, "-m", "pip", "check"], capture_output=True, text=True)
    lines.append(f"pip check: {(check.stdout + check.stderr).strip()}")
    if check.returncode:
        failures.append("pip check failed")
    tool = subprocess.run([python, "-m", "mlcourse.build"], capture_output=True, text=True, cwd=venv)
    lines.append(f"python -m mlcourse.build without the instructor extra: exit {tool.returncode}, "
                 f"{tool.stderr.strip()!r}")
    if tool.returncode != 1 or tool.stdout or len(tool.stderr.strip().splitlines()) != 1:
        failures.append("mlcourse.build without its dependencies should stop with one line")
    if not runs:
        failures.append("the setup cell installed nothing")
    return failures, runs, lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--python", default="/root/.pyenv/versions/3.12.1/bin/python")
    parser.add_argument("--venv", type=Path, default=Path("/tmp/colab312"))
    parser.add_argument("--notebooks", nargs="*", default=NOTEBOOKS)
    parser.add_argument("--keep", action="store_true", help="reuse the venv's Colab packages if it exists")
    parser.add_argument("--pin", action="append", default=[], metavar="NAME==VERSION",
                        help="another version of one of Colab's packages (e.g. to try the oldest bounds)")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    COLAB.update(pin.lower().split("==") for pin in args.pin)
    seconds = colab_packages(args.python, args.venv, COLAB, keep=args.keep)
    if seconds is not None:
        print(f"Colab stand-in installed in {seconds:.0f} s ({sh(args.venv / 'bin' / 'python', '--version').stdout.strip()})")
    failures, runs, lines = install_course(args.venv)
    print("\n".join(lines))
    if runs:
        failures += execute(args.venv, args.notebooks)
    print("\n".join(["", "FAILED:", *failures]) if failures else "\nall good")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

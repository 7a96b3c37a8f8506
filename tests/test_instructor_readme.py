"""The README's instructor commands, run as written, in a scratch copy of the course folder.

The commands are read from the ```bash block under "## For instructors", so the README and this test
cannot drift apart: each command must have a step here that checks what it did, and each step a
command there. Between the commands, students do their part: alice and bob fetch and submit through
nbgrader's exchange (with the hub's per-user nbgrader settings, deploy/etc/jupyter), carol and dave hand
in on a "learning platform" (a .zip and a folder for zip_collect). Two rewrites only: `sudo` is
dropped (the test may already be root, or have no sudo) and /srv/nbgrader/exchange becomes a scratch
folder. `jupyter lab` is started on a free local port and asked for its formgrader, then stopped.
"""

from __future__ import annotations

import contextlib
import csv
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import nbformat
import pytest

from conftest import ROOT

ASSIGNMENT = "01_derivatives"
COURSE_ID = "nn-fundamentals"
EXCHANGE = "/srv/nbgrader/exchange"
WRONG_SIGMOID = ("import numpy as np\n\ndef sigmoid(z):\n    s = 1 / (1 + np.exp(z))\n"
                 "    return float(s) if np.ndim(s) == 0 else s\n")


def readme_commands() -> list[str]:
    """The shell commands of the README's instructor block, without comments."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## For instructors", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```bash\n(.*?)```", section, re.S).group(1)
    commands = []
    for line in block.replace("\\\n", " ").splitlines():
        line = re.sub(r"(^|\s)#.*$", "", line).strip()
        if line:
            commands.append(line)
    return commands


def _answers(wrong_sigmoid: bool = False) -> dict[str, str]:
    source = nbformat.read(ROOT / "grading" / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    solved = nbformat.read(ROOT / "solutions" / f"{ASSIGNMENT}.ipynb", as_version=4)
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in source.cells]
    answers = {g: c.source for g, c in zip(ids, solved.cells) if g and c.cell_type == "code"}
    return {**answers, "sigmoid": WRONG_SIGMOID} if wrong_sigmoid else answers


def _fill(path: Path, answers: dict[str, str]) -> None:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") in answers:
            cell.source = answers[cell.metadata.nbgrader.grade_id]
    nbformat.write(nb, path)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Term:
    """A term of the course in a scratch folder: the instructor's shell state and the students."""

    def __init__(self, tmp: Path):
        self.repo = tmp / "repo"  # the repository as the README sees it: .venv and grading/
        course = self.repo / "grading"
        course.mkdir(parents=True)
        shutil.copy(ROOT / "grading" / "nbgrader_config.py", course)
        shutil.copytree(ROOT / "grading" / "source" / ASSIGNMENT, course / "source" / ASSIGNMENT)
        (self.repo / ".venv").symlink_to(Path(sys.prefix), target_is_directory=True)
        self.course, self.exchange, self.tmp = course, tmp / "exchange", tmp
        self.cwd, self.activate = self.repo, None
        self.env = {**os.environ, "HOME": str(tmp / "home" / "instructor"), "NBGRADER_EXCHANGE": str(self.exchange),
                    "MPLBACKEND": "Agg"}
        for name in ("MLCOURSE_GRADING_SEED", "MLCOURSE_SEED_LOGGED", "JUPYTER_CONFIG_DIR"):
            self.env.pop(name, None)

    def shell(self, command: str, timeout: float = 600) -> subprocess.CompletedProcess:
        prefix = f"source {shlex.quote(self.activate)} && " if self.activate else ""
        done = subprocess.run(["bash", "-c", prefix + command], cwd=self.cwd, env=self.env, capture_output=True,
                              text=True, timeout=timeout)
        assert done.returncode == 0, f"`{command}` failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        return done

    def as_student(self, student: str, command: str) -> None:
        """A student's nbgrader command, in their own home, with the hub's per-user settings."""
        home = self.tmp / "home" / student
        home.mkdir(parents=True, exist_ok=True)
        env = {**self.env, "HOME": str(home), "MLCOURSE_ROLE": "student", "JUPYTERHUB_USER": student,
               "JUPYTER_CONFIG_PATH": str(ROOT / "deploy" / "etc" / "jupyter")}
        done = subprocess.run(["bash", "-c", f"source {shlex.quote(self.activate)} && {command}"], cwd=home, env=env,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, f"{student}: `{command}` failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"

    def gradebook(self):
        from nbgrader.api import Gradebook

        return Gradebook(f"sqlite:///{self.course / 'gradebook.db'}")


# Each README command, by how it starts: (what to check after it, students' part)
def _activate(term, command):
    term.activate = str(term.cwd / command.split(maxsplit=1)[1])
    assert Path(term.activate).exists()


def _cd(term, command):
    term.cwd = (term.cwd / command.split(maxsplit=1)[1]).resolve()
    assert term.cwd == term.course


def _exchange(term, command):
    term.shell(command.replace("sudo ", "").replace(EXCHANGE, str(term.exchange)))
    assert term.exchange.is_dir() and os.access(term.exchange, os.W_OK)


def _due_date(term, command):
    term.shell(command)
    with term.gradebook() as gb:
        assert gb.find_assignment(ASSIGNMENT).duedate is not None


def _generate(term, command):
    term.shell(command)
    assert (term.course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").exists()
    with term.gradebook() as gb:  # generating keeps the due date
        assert gb.find_assignment(ASSIGNMENT).duedate is not None


def _release(term, command):
    term.shell(command)
    assert (term.exchange / COURSE_ID / "outbound" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").exists()
    for student, wrong in (("alice", False), ("bob", True)):  # what students do between release and collect
        term.as_student(student, f"nbgrader fetch_assignment {ASSIGNMENT}")
        _fill(term.tmp / "home" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", _answers(wrong))
        term.as_student(student, f"nbgrader submit {ASSIGNMENT}")


def _collect(term, command):
    term.shell(command)
    for student in ("alice", "bob"):
        folder = term.course / "submitted" / student / ASSIGNMENT
        assert (folder / f"{ASSIGNMENT}.ipynb").exists() and (folder / "timestamp.txt").exists(), student
    # meanwhile carol (a .zip) and dave (a folder) handed in on a learning platform
    archive = term.course / "downloaded" / ASSIGNMENT / "archive"
    (archive / "dave").mkdir(parents=True)
    release = term.course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    shutil.copy(release, archive / "dave" / f"{ASSIGNMENT}.ipynb")
    _fill(archive / "dave" / f"{ASSIGNMENT}.ipynb", _answers())
    with zipfile.ZipFile(archive / "carol.zip", "w") as z:
        z.write(release, f"{ASSIGNMENT}/{ASSIGNMENT}.ipynb")  # carol handed in the notebook untouched


def _zip_collect(term, command):
    term.shell(command)
    for student, handed_in in (("carol", "2027-01-15 16:59:00 UTC"), ("dave", "2027-01-16 09:30:00 UTC")):
        folder = term.course / "submitted" / student / ASSIGNMENT
        assert (folder / f"{ASSIGNMENT}.ipynb").exists(), student
        (folder / "timestamp.txt").write_text(handed_in)  # as the README asks, from the platform's list


def _autograde(term, command):
    term.shell(command)
    with term.gradebook() as gb:
        scores = {s.student.id: (s.code_score, s.max_code_score) for s in gb.find_assignment(ASSIGNMENT).submissions}
    assert set(scores) == {"alice", "bob", "carol", "dave"}
    with term.gradebook() as gb:  # dave handed in after the due date; nbgrader takes nothing off by default
        dave = gb.find_submission(ASSIGNMENT, "dave")
        assert dave.total_seconds_late > 0 and not dave.late_submission_penalty
        assert gb.find_submission(ASSIGNMENT, "carol").total_seconds_late == 0
    assert scores["alice"][0] == scores["alice"][1] == scores["dave"][0] > 0, scores
    assert 0 < scores["bob"][0] < scores["alice"][0] and scores["carol"][0] == 0, scores
    for suffix in ("points.csv", "report.html", "report.png"):
        assert (term.course / "reports" / f"{ASSIGNMENT}-{suffix}").exists(), suffix


def _formgrader(term, command):
    """`jupyter lab` in grading/: its formgrader must find the course and its submissions."""
    requests = pytest.importorskip("requests")
    port, token = _free_port(), "readme-test"
    flags = f" --no-browser --ip=127.0.0.1 --port={port} --ServerApp.token={token} --allow-root"
    prefix = f"source {shlex.quote(term.activate)} && exec "
    log = open(term.tmp / "jupyter-lab.log", "wb")
    lab = subprocess.Popen(["bash", "-c", prefix + command + flags], cwd=term.cwd, env=term.env, stdout=log,
                           stderr=subprocess.STDOUT, start_new_session=True)
    try:
        url, headers = f"http://127.0.0.1:{port}", {"Authorization": f"token {token}"}
        deadline = time.monotonic() + 120
        while True:
            assert lab.poll() is None, (term.tmp / "jupyter-lab.log").read_text()[-3000:]
            with contextlib.suppress(requests.RequestException):
                if requests.get(f"{url}/formgrader/api/status", headers=headers, timeout=5).status_code == 200:
                    break
            assert time.monotonic() < deadline, "jupyter lab did not start"
            time.sleep(0.5)
        page = requests.get(f"{url}/formgrader", headers=headers, timeout=60)
        assert page.status_code == 200 and "Manage Assignments" in page.text
        submissions = requests.get(f"{url}/formgrader/api/submissions/{ASSIGNMENT}", headers=headers, timeout=60).json()
        assert {s["student"] for s in submissions} == {"alice", "bob", "carol", "dave"}
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(lab.pid, signal.SIGTERM)
        try:
            lab.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(lab.pid, signal.SIGKILL)
            lab.wait()
        log.close()


def _feedback(term, command):
    term.shell(command)
    for student in ("alice", "bob", "carol", "dave"):
        assert (term.course / "feedback" / student / ASSIGNMENT / f"{ASSIGNMENT}.html").exists(), student


def _release_feedback(term, command):
    term.shell(command)
    term.as_student("bob", f"nbgrader fetch_feedback {ASSIGNMENT}")
    pages = list((term.tmp / "home" / "bob" / ASSIGNMENT / "feedback").glob(f"*/{ASSIGNMENT}.html"))
    assert len(pages) == 1 and "The sign in the exponent is wrong" in pages[0].read_text(encoding="utf-8")


def _export(term, command):
    term.shell(command)
    with open(term.course / "grades.csv", newline="") as f:
        rows = {r["student_id"]: r for r in csv.DictReader(f)}
    assert set(rows) == {"alice", "bob", "carol", "dave"} and float(rows["carol"]["raw_score"]) == 0


STEPS = {
    "source .venv/bin/activate": _activate,
    "cd grading": _cd,
    "sudo mkdir": _exchange,
    "nbgrader db assignment add": _due_date,
    "nbgrader generate_assignment": _generate,
    "nbgrader release_assignment": _release,
    "nbgrader collect": _collect,
    "nbgrader zip_collect": _zip_collect,
    "python -m mlcourse.autograde": _autograde,
    "jupyter lab": _formgrader,
    "nbgrader generate_feedback": _feedback,
    "nbgrader release_feedback": _release_feedback,
    "nbgrader export": _export,
}


def _step(command: str):
    return next((key for key in STEPS if command == key or command.startswith(key + " ")), None)


def test_every_readme_command_has_a_step_and_every_step_a_command():
    commands = readme_commands()
    unknown = [c for c in commands if _step(c) is None]
    assert not unknown, f"README commands this test does not run yet (add a step): {unknown}"
    assert sorted(_step(c) for c in commands) == sorted(STEPS), "a step whose command left the README"


def test_the_instructor_block_runs_as_written(tmp_path):
    term = Term(tmp_path)
    for command in readme_commands():
        start = time.monotonic()
        STEPS[_step(command)](term, command)
        print(f"{time.monotonic() - start:6.1f} s  {command}")

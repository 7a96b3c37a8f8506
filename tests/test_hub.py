"""The course on a real JupyterHub (deploy/jupyterhub_config.py with HUB_SPAWNER=local): one instructor, two
students, nbgrader's exchange in a shared folder, everything through the hub's and the servers' HTTP APIs.

The instructor generates and releases 01 with the formgrader's API; each student logs in (a token for
their password), fetches with the Assignments extension's API, writes their answers into their copy with
the contents API and submits; the instructor collects with the formgrader, grades the class with
`python -m mlcourse.autograde`, sees the scores in the formgrader and releases the feedback, which each
student fetches. Students do not get the formgrader.

Needs configurable-http-proxy (npm; .ci/run installs it). The hub binds to 127.0.0.1 on free ports.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from conftest import ROOT

requests = pytest.importorskip("requests")

PROXY = shutil.which("configurable-http-proxy")
pytestmark = pytest.mark.skipif(PROXY is None, reason=(
    "configurable-http-proxy is not installed (npm install -g configurable-http-proxy; .ci/run does it)"))

ASSIGNMENT = "01_derivatives"
COURSE_ID = "nn-fundamentals"
PASSWORD = "hub-test-password"
INSTRUCTOR, STUDENTS = "instructor", ("alice", "bob")
BIN = Path(sys.executable).parent
WRONG_SIGMOID = ("import numpy as np\n\ndef sigmoid(z):\n    s = 1 / (1 + np.exp(z))\n"
                 "    return float(s) if np.ndim(s) == 0 else s\n")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _until(what: str, probe, timeout: float = 90.0, every: float = 0.3):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        answer = probe()
        if answer:
            return answer
        time.sleep(every)
    raise AssertionError(f"timed out waiting for {what}")


class Hub:
    def __init__(self, url: str, homes: Path, exchange: Path, log: Path):
        self.url, self.homes, self.exchange, self.log = url, homes, exchange, log
        self.tokens: dict[str, str] = {}

    def login(self, user: str) -> None:
        """A token for `user`, asked for with their password (as a script of theirs would)."""
        r = requests.post(f"{self.url}/hub/api/users/{user}/tokens", timeout=30,
                          json={"auth": {"username": user, "password": PASSWORD}, "note": "hub test"})
        assert r.status_code == 201, (r.status_code, r.text)
        self.tokens[user] = r.json()["token"]

    def api(self, user: str, method: str, path: str, **kwargs):
        """A request as `user`: /hub/... goes to the hub, anything else to the user's own server."""
        url = f"{self.url}{path}" if path.startswith("/hub/") else f"{self.url}/user/{user}{path}"
        kwargs.setdefault("timeout", 120)
        return requests.request(method, url, headers={"Authorization": f"token {self.tokens[user]}"}, **kwargs)

    def start_server(self, user: str) -> None:
        r = self.api(user, "POST", f"/hub/api/users/{user}/server")
        assert r.status_code in (201, 202), (r.status_code, r.text)

    def wait_ready(self, user: str) -> None:
        def ready():
            model = self.api(user, "GET", f"/hub/api/users/{user}").json()
            return model.get("servers", {}).get("", {}).get("ready")
        _until(f"{user}'s server (hub log: {self.log})", ready)

    def home(self, user: str) -> Path:
        return self.homes / user


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    data = tmp_path_factory.mktemp("hub")
    homes, exchange = data / "homes", data / "exchange"
    exchange.mkdir(mode=0o777)
    course = homes / INSTRUCTOR / "course"  # the instructor's course folder, inside their server's root
    course.mkdir(parents=True)
    shutil.copy(ROOT / "grading" / "nbgrader_config.py", course)
    shutil.copytree(ROOT / "grading" / "source" / ASSIGNMENT, course / "source" / ASSIGNMENT)
    port = _free_port()
    env = {**os.environ, "HUB_SPAWNER": "local", "HUB_AUTHENTICATOR": "dummy", "HUB_DUMMY_PASSWORD": PASSWORD,
           "MLCOURSE_INSTRUCTORS": INSTRUCTOR, "MLCOURSE_STUDENTS": ",".join(STUDENTS),
           "NBGRADER_EXCHANGE": str(exchange), "HUB_DATA": str(data), "HUB_IP": "127.0.0.1", "HUB_PORT": str(port),
           "HUB_SINGLEUSER": str(BIN / "jupyterhub-singleuser"),
           "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    log = data / "jupyterhub.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [str(BIN / "jupyterhub"), "-f", str(ROOT / "deploy" / "jupyterhub_config.py"),
             f"--JupyterHub.hub_port={_free_port()}",
             f"--ConfigurableHTTPProxy.api_url=http://127.0.0.1:{_free_port()}",
             f"--ConfigurableHTTPProxy.command={PROXY}"],
            cwd=data, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    hub = Hub(url, homes, exchange, log)
    try:
        def up():
            if process.poll() is not None:
                raise AssertionError(f"the hub exited: {log.read_text()[-3000:]}")
            with contextlib.suppress(requests.RequestException):
                return requests.get(f"{url}/hub/api/", timeout=5).status_code == 200
        _until("the hub", up, timeout=60)
        def log_in_and_start(user):
            hub.login(user)
            hub.start_server(user)
            hub.wait_ready(user)

        with concurrent.futures.ThreadPoolExecutor(3) as pool:  # the three servers start side by side
            list(pool.map(log_in_and_start, (INSTRUCTOR, *STUDENTS)))
        yield hub
    finally:
        for user in hub.tokens:  # stop the single-user servers, then the hub and its proxy
            with contextlib.suppress(requests.RequestException):
                hub.api(user, "DELETE", f"/hub/api/users/{user}/server", timeout=30)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _formgrader(hub: Hub, method: str, path: str) -> dict:
    r = hub.api(INSTRUCTOR, method, f"/formgrader/api{path}")
    assert r.status_code == 200, (path, r.status_code, r.text[:2000])
    answer = r.json()
    assert not isinstance(answer, dict) or answer.get("success", True), (path, answer)
    return answer


def _answers(wrong: bool) -> dict[str, str]:
    source = nbformat.read(ROOT / "grading" / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    solved = nbformat.read(ROOT / "solutions" / f"{ASSIGNMENT}.ipynb", as_version=4)
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in source.cells]
    answers = {g: c.source for g, c in zip(ids, solved.cells) if g and c.cell_type == "code"}
    return {**answers, "sigmoid": WRONG_SIGMOID} if wrong else answers


def test_a_class_on_the_hub(hub):
    started = time.monotonic()
    # Students have the Assignments extension but no formgrader; the instructor has both.
    assert hub.api("alice", "GET", "/formgrader/api/status").status_code == 404
    assert _formgrader(hub, "GET", "/status")["status"] is True

    # The instructor generates and releases the assignment into the exchange.
    _formgrader(hub, "POST", f"/assignment/{ASSIGNMENT}/assign")
    _formgrader(hub, "POST", f"/assignment/{ASSIGNMENT}/release")
    assert (hub.exchange / COURSE_ID / "outbound" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").exists()

    # Each student fetches, works in their own copy and submits, all through their server's API.
    for student in STUDENTS:
        listed = hub.api(student, "GET", "/assignments", params={"course_id": COURSE_ID}).json()
        assert listed["success"] and [a["status"] for a in listed["value"]] == ["released"], listed
        r = hub.api(student, "POST", "/assignments/fetch", data={"course_id": COURSE_ID, "assignment_id": ASSIGNMENT})
        assert r.status_code == 200 and r.json()["success"], r.text[:2000]
        path = f"/api/contents/{ASSIGNMENT}/{ASSIGNMENT}.ipynb"
        model = hub.api(student, "GET", path).json()
        nb = nbformat.from_dict(model["content"])
        answers = _answers(wrong=student == "bob")
        for cell in nb.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if grade_id in answers:
                cell.source = answers[grade_id]
        r = hub.api(student, "PUT", path, json={"type": "notebook", "format": "json", "content": nb})
        assert r.status_code == 200, r.text[:2000]
        r = hub.api(student, "POST", "/assignments/submit", data={"course_id": COURSE_ID, "assignment_id": ASSIGNMENT})
        assert r.status_code == 200 and r.json()["success"], r.text[:2000]
    inbound = sorted(p.name.split("+")[0] for p in (hub.exchange / COURSE_ID / "inbound").iterdir())
    assert inbound == sorted(STUDENTS)  # each submission carries its student's hub name

    # The instructor collects, then grades the class in parallel (as in a terminal on their server).
    _formgrader(hub, "POST", f"/assignment/{ASSIGNMENT}/collect")
    course = hub.home(INSTRUCTOR) / "course"
    assert sorted(p.name for p in (course / "submitted").iterdir()) == sorted(STUDENTS)
    done = subprocess.run([sys.executable, "-m", "mlcourse.autograde", ASSIGNMENT, "--workers", "2",
                           "--seed", "11", "--cell-timeout", "60"], cwd=course, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]

    # The formgrader shows the grades: alice has every autograded point, bob loses the sigmoid's.
    submissions = {s["student"]: s for s in _formgrader(hub, "GET", f"/submissions/{ASSIGNMENT}")}
    assert set(submissions) == set(STUDENTS)
    assert submissions["alice"]["score"] == submissions["alice"]["max_code_score"] > 0, submissions["alice"]
    assert 0 < submissions["bob"]["score"] < submissions["alice"]["score"], submissions["bob"]

    # Feedback goes back through the exchange; each student fetches their own.
    _formgrader(hub, "POST", f"/assignment/{ASSIGNMENT}/release_feedback")
    for student in STUDENTS:
        r = hub.api(student, "POST", "/assignments/fetch_feedback",
                    data={"course_id": COURSE_ID, "assignment_id": ASSIGNMENT})
        assert r.status_code == 200, r.text[:2000]
        pages = list((hub.home(student) / ASSIGNMENT / "feedback").glob(f"*/{ASSIGNMENT}.html"))
        assert len(pages) == 1, student
        text = pages[0].read_text(encoding="utf-8")
        assert ("The sign in the exponent is wrong" in text) == (student == "bob")
        assert "BEGIN HIDDEN TESTS" not in text
    print(f"hub round trip: {time.monotonic() - started:.1f} s after the servers were up")


def test_the_production_configuration_loads():
    """deploy/jupyterhub_config.py for DockerSpawner, as JupyterHub's loader reads it (no Docker needed)."""
    from traitlets.config.loader import PyFileConfigLoader

    env = {"MLCOURSE_INSTRUCTORS": "ada", "MLCOURSE_STUDENTS": "alan, grace,ada", "HUB_DATA": "/srv/jupyterhub"}
    old = {k: os.environ.get(k) for k in [*env, "HUB_SPAWNER"]}
    os.environ.update(env)
    os.environ.pop("HUB_SPAWNER", None)
    try:
        config = PyFileConfigLoader("jupyterhub_config.py", path=str(ROOT / "deploy")).load_config()
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    assert config.JupyterHub.spawner_class == "dockerspawner.DockerSpawner"
    assert config.Authenticator.allowed_users == {"ada", "alan", "grace"}
    assert config.JupyterHub.load_groups == {"formgrade-nn-fundamentals": {"users": ["ada"]},
                                             "nbgrader-nn-fundamentals": {"users": ["alan", "grace"]}}
    instructor_role = next(r for r in config.JupyterHub.load_roles if r["name"].startswith("instructor"))
    assert "servers!group=nbgrader-nn-fundamentals" in instructor_role["scopes"]

    class User:
        def __init__(self, name):
            self.name = name

    class Spawner:
        def __init__(self, name):
            self.user, self.volumes = User(name), {}

    teacher, student = Spawner("ada"), Spawner("alan")
    config.Spawner.pre_spawn_hook(teacher)
    config.Spawner.pre_spawn_hook(student)
    assert "nn-fundamentals-grading" in teacher.volumes and "nn-fundamentals-grading" not in student.volumes
    assert all("nbgrader-exchange" in s.volumes for s in (teacher, student))
    roles = {s.user.name: config.Spawner.environment["MLCOURSE_ROLE"](s) for s in (teacher, student)}
    assert roles == {"ada": "instructor", "alan": "student"}


def test_the_dockerfile_copies_what_the_repository_has():
    """The image is not built here (no Docker engine); at least every file it copies must exist."""
    for line in (ROOT / "deploy" / "Dockerfile").read_text().splitlines():
        if line.startswith("COPY "):
            for source in line.split()[1:-1]:
                assert (ROOT / source).exists(), f"deploy/Dockerfile copies {source}, which is not in the repository"

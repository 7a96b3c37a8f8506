"""JupyterHub for the course: students and instructors on one hub, nbgrader's exchange on a shared volume.

Run it with `jupyterhub -f deploy/jupyterhub_config.py`; everything site-specific comes from the
environment (defaults in brackets):

  MLCOURSE_INSTRUCTORS, MLCOURSE_STUDENTS  comma-separated user names (the roster) [none]
  MLCOURSE_COURSE_ID      nbgrader course id, as in grading/nbgrader_config.py [nn-fundamentals]
  HUB_AUTHENTICATOR       JupyterHub authenticator, e.g. "github", "generic-oauth", "ltiauthenticator" [pam]
  HUB_SPAWNER             "docker": one container per user from MLCOURSE_IMAGE (production) [docker]
                          "local": local processes, everyone as the hub's own OS user (a trial on one
                          machine; what tests/test_hub.py runs, with HUB_AUTHENTICATOR=dummy)
  MLCOURSE_IMAGE          the course image built from deploy/Dockerfile [nn-course:latest]
  NBGRADER_EXCHANGE       the exchange: a Docker volume name (docker) or a folder (local) [nbgrader-exchange]
  HUB_DATA                where the hub keeps its database and cookie secret [/srv/jupyterhub]
  HUB_IP, HUB_PORT        where the hub listens [0.0.0.0, 8000]
  HUB_CONNECT_IP          where containers reach the hub: its container's name on the Docker network,
                          or the host's address on it when the hub runs on the host [jupyterhub]

Roles (JupyterHub 5): group `formgrade-<course>` holds the instructors, `nbgrader-<course>` the students
(the group names nbgrader's JupyterHubAuthPlugin expects). Instructors may see the students and start
or stop their servers; students have only the default `user` role (their own server). Each instructor
also gets the course folder (a volume only instructors mount), with the formgrader, and each student a
home volume of their own. Everyone mounts the exchange: the instructor releases and collects there,
students fetch and submit. nbgrader reads /etc/jupyter/nbgrader_config.py in the image
(deploy/etc/jupyter/nbgrader_config.py), told the user's role by MLCOURSE_ROLE.

Caveat: every container runs as the same user (jovyan), so the exchange's file modes do not keep
students apart; a student who looks can read classmates' files in inbound/. Where that matters use
ngshare (the exchange as a hub service) or give each user their own uid.
"""

import os
from pathlib import Path

c = get_config()  # noqa: F821 - provided by traitlets when JupyterHub loads this file


def _names(variable: str) -> set[str]:
    return {n.strip() for n in os.environ.get(variable, "").split(",") if n.strip()}


COURSE = os.environ.get("MLCOURSE_COURSE_ID", "nn-fundamentals")
INSTRUCTORS = _names("MLCOURSE_INSTRUCTORS")
STUDENTS = _names("MLCOURSE_STUDENTS") - INSTRUCTORS
INSTRUCTOR_GROUP, STUDENT_GROUP = f"formgrade-{COURSE}", f"nbgrader-{COURSE}"
SPAWNER = os.environ.get("HUB_SPAWNER", "docker")
EXCHANGE = os.environ.get("NBGRADER_EXCHANGE", "nbgrader-exchange")
DATA = Path(os.environ.get("HUB_DATA", "/srv/jupyterhub"))
HOME = "/home/jovyan"  # the image's user (jupyter/docker-stacks convention)
EXCHANGE_MOUNT = "/srv/nbgrader/exchange"

# --- the hub itself
c.JupyterHub.ip = os.environ.get("HUB_IP", "0.0.0.0")
c.JupyterHub.port = int(os.environ.get("HUB_PORT", "8000"))
c.JupyterHub.db_url = f"sqlite:///{DATA / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(DATA / "jupyterhub_cookie_secret")
c.ConfigurableHTTPProxy.pid_file = str(DATA / "jupyterhub-proxy.pid")

# --- who may log in, and what each may do
c.JupyterHub.authenticator_class = os.environ.get("HUB_AUTHENTICATOR", "pam")
c.Authenticator.allowed_users = INSTRUCTORS | STUDENTS
c.Authenticator.admin_users = _names("HUB_ADMINS")
c.JupyterHub.load_groups = {INSTRUCTOR_GROUP: {"users": sorted(INSTRUCTORS)},
                            STUDENT_GROUP: {"users": sorted(STUDENTS)}}
c.JupyterHub.load_roles = [
    {"name": "user", "scopes": ["self"]},  # JupyterHub's default: a student reaches only their own server
    {"name": f"instructor-{COURSE}", "groups": [INSTRUCTOR_GROUP],
     "description": "See the course's students and start or stop their servers",
     "scopes": ["self", f"read:users!group={STUDENT_GROUP}", f"read:groups!group={STUDENT_GROUP}",
                f"servers!group={STUDENT_GROUP}"]},
]


def role_of(spawner) -> str:
    return "instructor" if spawner.user.name in INSTRUCTORS else "student"


# nbgrader's settings in the image read these (deploy/etc/jupyter/nbgrader_config.py)
ENVIRONMENT = {"MLCOURSE_ROLE": role_of, "MLCOURSE_COURSE_ID": COURSE}
c.Spawner.default_url = "/lab"
c.Spawner.http_timeout = 120
c.Spawner.start_timeout = 180

if SPAWNER == "docker":
    c.JupyterHub.spawner_class = "dockerspawner.DockerSpawner"
    c.DockerSpawner.image = os.environ.get("MLCOURSE_IMAGE", "nn-course:latest")
    c.DockerSpawner.network_name = os.environ.get("DOCKER_NETWORK_NAME", "jupyterhub")
    c.DockerSpawner.use_internal_ip = True  # the hub and the proxy reach containers on that network
    c.JupyterHub.hub_ip = "0.0.0.0"  # containers reach the hub over the Docker network
    c.JupyterHub.hub_connect_ip = os.environ.get("HUB_CONNECT_IP", "jupyterhub")
    c.DockerSpawner.notebook_dir = HOME
    c.DockerSpawner.cmd = ["jupyterhub-singleuser"]
    c.DockerSpawner.remove = True  # containers are disposable; homes live in volumes
    c.DockerSpawner.mem_limit = os.environ.get("MLCOURSE_MEM_LIMIT", "2G")
    c.DockerSpawner.cpu_limit = float(os.environ.get("MLCOURSE_CPU_LIMIT", "1"))
    ENVIRONMENT.update(NBGRADER_EXCHANGE=EXCHANGE_MOUNT, MLCOURSE_COURSE_DIR=f"{HOME}/course")

    def pre_spawn_hook(spawner):
        spawner.volumes = {"jupyterhub-user-{username}": HOME, EXCHANGE: EXCHANGE_MOUNT}
        if role_of(spawner) == "instructor":  # only instructors see the course folder and gradebook
            spawner.volumes[f"{COURSE}-grading"] = f"{HOME}/course"

    c.Spawner.pre_spawn_hook = pre_spawn_hook
elif SPAWNER == "local":
    c.JupyterHub.spawner_class = "simple"  # SimpleLocalProcessSpawner: no isolation, for trials only
    homes = DATA / "homes"
    c.SimpleLocalProcessSpawner.home_dir_template = str(homes / "{username}")
    ENVIRONMENT.update(NBGRADER_EXCHANGE=EXCHANGE,
                       MLCOURSE_COURSE_DIR=lambda spawner: str(homes / spawner.user.name / "course"),
                       JUPYTER_CONFIG_PATH=str(Path(__file__).resolve().parent / "etc" / "jupyter"))
    c.Spawner.cmd = [os.environ.get("HUB_SINGLEUSER", "jupyterhub-singleuser")]
    if os.geteuid() == 0:  # a trial as root (CI, a container): Jupyter refuses root unless told
        c.Spawner.args = ["--allow-root"]
    c.DummyAuthenticator.password = os.environ.get("HUB_DUMMY_PASSWORD", "")
else:
    raise ValueError(f"HUB_SPAWNER must be 'docker' or 'local', not {SPAWNER!r}")

c.Spawner.environment = ENVIRONMENT

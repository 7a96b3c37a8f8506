"""nbgrader settings for every user's server on the course hub (the image's /etc/jupyter/nbgrader_config.py).

The hub tells each server its role in MLCOURSE_ROLE (deploy/jupyterhub_config.py):
- everyone uses the course id and the shared exchange;
- a student's submissions carry their hub user name (in a container everyone is the OS user jovyan);
- an instructor's server loads the course's own configuration (grading/nbgrader_config.py, with the
  sandboxed autograding) from the course folder, so the formgrader and the command line grade alike.
"""

import os

c = get_config()  # noqa: F821 - provided by traitlets when nbgrader loads this file

c.CourseDirectory.course_id = os.environ.get("MLCOURSE_COURSE_ID", "nn-fundamentals")
c.Exchange.root = os.environ.get("NBGRADER_EXCHANGE", "/srv/nbgrader/exchange")

ROLE = os.environ.get("MLCOURSE_ROLE", "")
if ROLE == "student" and os.environ.get("JUPYTERHUB_USER"):
    c.CourseDirectory.student_id = os.environ["JUPYTERHUB_USER"]
elif ROLE == "instructor":
    course_config = os.path.join(os.environ.get("MLCOURSE_COURSE_DIR", "/home/jovyan/course"), "nbgrader_config.py")
    if os.path.exists(course_config):
        load_subconfig(course_config)  # noqa: F821 - provided by traitlets

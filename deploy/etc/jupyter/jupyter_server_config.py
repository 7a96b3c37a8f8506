"""Jupyter server settings for every user's server on the course hub (the image's /etc/jupyter/).

Students get the Assignments tab (fetch, validate, submit) but not the formgrader or the course list,
which would only show them errors; the hub says who is who in MLCOURSE_ROLE (deploy/jupyterhub_config.py).
"""

import os

c = get_config()  # noqa: F821 - provided by traitlets when the server loads this file

if os.environ.get("MLCOURSE_ROLE") == "student":
    c.ServerApp.jpserver_extensions = {"nbgrader.server_extensions.formgrader": False,
                                       "nbgrader.server_extensions.course_list": False}

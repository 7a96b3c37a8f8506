"""mlcourse: reference implementations, checks, plots, widgets and data for the neural-network course."""

__version__ = "0.1.0"

# The GitHub repository the notebooks' Colab setup cell installs from, and the Colab badges point at.
# A fork of the course changes these two lines and runs `python3 course.py build` (see AUTHORING.md).
REPOSITORY = "nn-course/nn-fundamentals"
BRANCH = "main"

# What the instructor's tools (mlcourse.build, mlcourse.autograde) need beyond a student's install:
# the `instructor` extra of pyproject.toml.
INSTRUCTOR_EXTRA = ("nbformat", "nbclient", "nbconvert", "nbgrader", "jupytext")


def require_instructor_extra(tool: str, module_name: str) -> None:
    """Stop `tool` with a one-line message if the instructor extra is not installed.

    Run as a script (`module_name == "__main__"`) it exits with that line; imported, it raises
    ModuleNotFoundError with it. Only looks the packages up (importlib.util.find_spec): nothing is imported.
    """
    import importlib.util

    missing = [name for name in INSTRUCTOR_EXTRA if importlib.util.find_spec(name) is None]
    if not missing:
        return
    message = (f"{tool} is an instructor tool and needs {', '.join(missing)}, which are not installed: "
               f"run pip install -e \".[instructor]\" (or pip install -r requirements.txt) in the course repository")
    if module_name == "__main__":
        raise SystemExit(message)
    raise ModuleNotFoundError(message, name=missing[0])

"""mlcourse: reference implementations, checks, plots, widgets and data for the neural-network course."""

__version__ = "0.1.0"

# The GitHub repository the notebooks' Colab setup cell installs from, and the Colab badges point at.
REPOSITORY = "nn-course/nn-fundamentals"
BRANCH = "main"

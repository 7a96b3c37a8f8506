"""nbgrader configuration for the course. Run nbgrader from this folder (see README, "For instructors")."""

import datetime
import os
import secrets
import sys
from pathlib import Path

from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, ClearHiddenTests, ClearOutput,
                                    DeduplicateIds, GetGrades, IgnorePattern, LimitOutput, OverwriteKernelspec,
                                    SaveAutoGrades)

from mlcourse.autograde import (IsolatedGrades, RestoreCellMetadata, RestoreLockedCells, RoundedCsvExport,
                                SafeExecute)

c = get_config()  # noqa: F821 - provided by traitlets when it loads this file

HERE = Path(__file__).resolve().parent
c.CourseDirectory.root = str(HERE)
c.CourseDirectory.course_id = "nn-fundamentals"

# One notebook cell may run this long when grading; each call of a student's function inside a check
# is stopped much sooner by mlcourse itself (3 s).
c.Execute.timeout = 120
# Widgets cannot run in the feedback a student gets (a static HTML file): without their state in the notebook,
# the feedback shows each explorer's still figure, and needs no widget code (nbconvert would fetch it from a CDN).
c.Execute.store_widget_state = False
# An answer cell's top-level code may run this long, in nbgrader's kernel and in the sandbox alike (longer
# cannot score). After the first cell that runs past its limit the kernel runs no further cell (the scores
# come from the sandbox), so an endless loop costs its exercise and at most one cell limit.
c.AnswerCells.timeout = 10
# Figure cells (code cells nbgrader does not grade: figures, widgets, experiments, cells a student added)
# never score, so they are not run while grading: "skip". "run" runs them, each for at most
# c.SafeExecute.figure_cell_timeout seconds, so that the feedback shows the figures (slower).
c.SafeExecute.figure_cells = "skip"
c.SafeExecute.figure_cell_timeout = 10
# nbgrader's autograde pipeline with three changes (mlcourse/autograde.py, mlcourse/notes.py): cells whose
# type, nbgrader flags or (locked cells) source a student changed are restored first, each change noted in
# grading-records.csv (a test cell as released, without its hidden tests, is no change: restored silently);
# a kernel that dies or runs past a limit ends that notebook's run with a note instead of failing the
# submission; and every autograded test cell is scored by running the hidden checks in a separate, fresh
# Python process against the student's answer cells only, so nothing a student's code does in the kernel
# can change a score.
c.Autograde.sanitize_preprocessors = [ClearOutput, DeduplicateIds, OverwriteKernelspec, RestoreCellMetadata,
                                      RestoreLockedCells, CheckCellMetadata]
c.Autograde.autograde_preprocessors = [SafeExecute, IsolatedGrades, IgnorePattern, ClearMetadataPreprocessor,
                                       LimitOutput, SaveAutoGrades, AssignLatePenalties, CheckCellMetadata]
# Partial credit per test cell (mlcourse/feedback.py): "ordinary-then-edge" (the default) gives nothing unless
# every ordinary hidden case passes, then the share of cases passed (edge cases earn the rest), so a wrong
# formula scores 0 and a right one that trips on an edge case (overflow, 0/0) keeps most of the points;
# "all-or-nothing" gives the points only when every case passes; "proportional" the share of cases passed.
c.IsolatedGrades.partial_credit = "ordinary-then-edge"
# Each exercise graded on its own: the functions it calls from earlier exercises (Exercise.uses) are the
# references while it is graded, so a mistake costs points once. "students" grades with the student's own
# helpers instead (one mistake then costs points in every exercise that calls it).
c.IsolatedGrades.graded_with = "references"
# Points are rounded to this step (0.01: two decimals; 0.5: halves; 0: not rounded): each test cell's points
# when they are recorded (never up to full marks that were not earned), and the totals in
# grading-records.csv, grades.csv (`nbgrader export`, through RoundedCsvExport) and the class report.
c.IsolatedGrades.round_to = 0.01
c.ExportApp.plugin_class = RoundedCsvExport
# Put back test cells a student deleted (nbgrader leaves them out otherwise).
c.OverwriteCells.add_missing_cells = True
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Collecting submissions (README, "For instructors"). Through nbgrader's exchange, on a shared server or
# the course hub (deploy/): a folder every user can write, here or wherever NBGRADER_EXCHANGE says.
c.Exchange.root = os.environ.get("NBGRADER_EXCHANGE", "/srv/nbgrader/exchange")
# From a learning platform: `nbgrader zip_collect <assignment>` unpacks downloaded/<assignment>/archive/,
# where each student's notebook lies in a folder or a .zip named with their student id (alice/ or
# alice.zip), and files it as submitted/alice/<assignment>/<notebook>.ipynb. nbgrader matches this
# pattern against each unpacked file's full path.
c.FileNameCollectorPlugin.named_regexp = (r".*[/\\]extracted[/\\](?P<student_id>[^/\\]+)[/\\]"
                                          r"(?:.*[/\\])?(?P<file_id>[^/\\]+\.ipynb)$")

# The feedback a student receives is made from the autograded notebook, which holds the hidden tests'
# source again; strip those regions before rendering it (nbgrader does not by default).
c.GenerateFeedback.preprocessors = [GetGrades, ClearHiddenTests, CSSHTMLHeaderPreprocessor]

# Every autograde run draws its random cases from a fresh seed, unless the instructor fixes one with
# MLCOURSE_GRADING_SEED=<n>. The seed stays in the grading process (the jailed kernels and sandboxes
# never see it, see mlcourse/jail.py), and is recorded in grading-seeds.log (and in each graded cell's
# output) so any grade can be reproduced.
# (nbgrader loads this file several times per command; the seed is drawn and logged once.)
if len(sys.argv) > 1 and sys.argv[1] == "autograde" and "MLCOURSE_SEED_LOGGED" not in os.environ:
    os.environ["MLCOURSE_SEED_LOGGED"] = "1"
    seed = os.environ.get("MLCOURSE_GRADING_SEED", "").strip() or str(secrets.randbelow(2**31))
    os.environ["MLCOURSE_GRADING_SEED"] = seed
    try:
        from mlcourse import __version__ as mlcourse_version
    except ImportError:
        mlcourse_version = "not installed"
    with open(HERE / "grading-seeds.log", "a", encoding="utf-8") as log:
        stamp = datetime.datetime.now().isoformat(timespec="seconds")
        log.write(f"{stamp}\tseed={seed}\tmlcourse={mlcourse_version}\tnbgrader {' '.join(sys.argv[1:])}\n")

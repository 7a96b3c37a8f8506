"""A synthetic class graded end to end by `python -m mlcourse.autograde`: honest, attacking and broken
submissions of notebook 01, graded in parallel, compared with serial nbgrader, resumed, reproduced.

Each attacking submission is the solutions plus one attack. The attacked exercise must score no more
than its honest code earns, every other exercise its full marks, and the instructor must be told what
happened; broken submissions are reported with a reason and never stop the others.
"""

from __future__ import annotations

import csv
import io
import json
import re

from pathlib import Path

import nbformat
import pytest

from conftest import ROOT
from mlcourse import autograde
from mlcourse.build import nbgrader

ASSIGNMENT = "01_derivatives"
SEED = 777


def _release(course):
    return nbformat.read(course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)


def _solutions():
    source = nbformat.read(ROOT / "grading" / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    solved = nbformat.read(ROOT / "solutions" / f"{ASSIGNMENT}.ipynb", as_version=4)
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in source.cells]
    return {g: c.source for g, c in zip(ids, solved.cells) if g and c.cell_type == "code"}


def _solved(course, **answers):
    nb = _release(course)
    fill = {**_solutions(), **answers}
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in fill:
            cell.source = fill[grade_id]
    return nb


def _test_cell(nb, exercise):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == f"test_{exercise}")


def _edited_test(course):
    nb = _solved(course, sigmoid="def sigmoid(z):\n    return 0.5\n")
    _test_cell(nb, "sigmoid").source = "print('all good')"
    nb.metadata["mlcourse"] = {"sanitized": "guessed", "notes": [FORGED_NOTE]}  # notes of its own: not believed
    return nb


FORGED_NOTE = "test_sigmoid: graded by hand, full marks"


def _deleted_test(course):
    nb = _solved(course, sigmoid="def sigmoid(z)\n    return 0.5\n")  # and a syntax error
    nb.cells.remove(_test_cell(nb, "sigmoid"))
    return nb


def _changed_metadata(course):
    nb = _solved(course, sigmoid="def sigmoid(z):\n    return 0.5\n")
    cell = _test_cell(nb, "sigmoid")
    cell.metadata.nbgrader["points"] = 50
    solution = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "graph_forward")
    solution.metadata.nbgrader["grade_id"] = "renamed"
    other = _test_cell(nb, "relative_error")
    other.cell_type, other.metadata.nbgrader["grade"] = "markdown", False
    del other["outputs"], other["execution_count"]
    return nb


WRONG_SIGMOID = "def sigmoid(z):\n    return 0.5 * np.ones_like(z) if np.ndim(z) else 0.5\n"
ATTACKS = {  # student: (notebook maker, attacked exercise or None)
    "solved": (lambda course: _solved(course), None),
    "release": (_release, None),
    "edited_test": (_edited_test, "sigmoid"),
    "deleted_test": (_deleted_test, "sigmoid"),
    "changed_metadata": (_changed_metadata, "sigmoid"),
    "redefines_checker": (lambda course: _solved(course, sigmoid=(
        "grader.check = grader.grade = lambda *a, **k: 2.0\n"
        "import mlcourse.compare\nmlcourse.compare.compare = lambda *a, **k: None\n"
        "np.allclose = lambda *a, **k: True\n" + WRONG_SIGMOID)), "sigmoid"),
    "calls_reference": (lambda course: _solved(course, sigmoid=(
        "import importlib\nsigmoid = importlib.import_module('mlcourse.derivatives').sigmoid\n")), "sigmoid"),
    "kills_kernel": (lambda course: _solved(course, graph_forward=(
        "import os\nos._exit(1)\n" + _solutions()["graph_forward"])), "graph_forward"),
    "loops_forever": (lambda course: _solved(course, graph_forward=(
        "while True:\n    pass\n" + _solutions()["graph_forward"])), "graph_forward"),
    "floods_output": (lambda course: _solved(course, graph_forward=(
        "print('x' * 3_000_000)\n" + _solutions()["graph_forward"])), None),
    # IPython's syntax, which the kernel runs: not a syntax error for grading (sandbox.as_python)
    "uses_magics": (lambda course: _solved(course, sigmoid="%matplotlib inline\n" + _solutions()["sigmoid"],
                                           graph_forward="%%time\n" + _solutions()["graph_forward"]), None),
    # a function that never returns, which the figure cells and the check below it call
    "loops_in_function": (lambda course: _solved(course, numerical_derivative=LOOPING_FUNCTION),
                          "numerical_derivative"),
    # endless loops at the top of two answer cells (sigmoid's is needed by two later exercises too)
    "loops_twice": (lambda course: _solved(course, graph_forward=LOOP + _solutions()["graph_forward"],
                                           sigmoid=LOOP + _solutions()["sigmoid"]), None),
}
LOOP = "while True:\n    pass\n"
LOOPING_FUNCTION = "def numerical_derivative(f, x, h=1e-5):\n    while True:\n        pass\n"
ANSWER_CELL_TIMEOUT = 3  # seconds (c.AnswerCells.timeout) in the test classes; nbgrader's cell limit is 8 s


# --- Attacks on the jail (mlcourse/jail.py): one student per class of attack, each beside honest classmates.
def _plain_cell(nb, source):
    """A code cell with no nbgrader metadata after the setup cell (a figure cell: not run while grading,
    unless c.SafeExecute.figure_cells = "run")."""
    nb.cells.insert(2, nbformat.v4.new_code_cell(source))
    return nb


def _kernel_only(source):
    """Top-level code for an answer cell that does its work in nbgrader's kernel and fails quietly in the
    sandbox (which runs answer cells too)."""
    return "try:\n" + "".join(f"    {line}\n" for line in source.splitlines()) + "except Exception:\n    pass\n"


_CALL_REFERENCE_IN_THREAD = """import sys, importlib, time
sys.modules.pop('_thread', None)
fresh_thread = importlib.import_module('_thread')  # a new module object: the guard's patch is not on it
from mlcourse import grader as g
def graph_forward(a, b, c):
    out = []
    fresh_thread.start_new_thread(lambda: out.append(g.reference('derivatives.graph_forward')(a, b, c)), ())
    for _ in range(400):
        if out:
            return out[0]
        time.sleep(0.005)
"""
_CALL_REFERENCE_IN_PROCESS = """import _posixsubprocess, os, sys, json
def graph_backward(a, b, c):
    r, w = os.pipe()
    code = ("import sys, json; from mlcourse import grader; "
            "print(json.dumps([float(v) for v in grader.reference('derivatives.graph_backward')(*json.loads(sys.argv[1]))]))")
    argv = [sys.executable, '-c', code, json.dumps([float(a), float(b), float(c)])]
    err_r, err_w = os.pipe()
    _posixsubprocess.fork_exec(argv, [os.fsencode(sys.executable)], True, (w, err_w), None, None, -1, -1, -1, w, -1, -1,
                               err_r, err_w, False, False, -1, None, None, None, -1, None, False)
    os.close(w)
    return tuple(json.loads(os.read(r, 10000)))
"""
_COPY_OF_REFERENCE_CODE = """import types, operator
from mlcourse import grader as g
ref = g.reference('derivatives.logistic_loss')
logistic_loss = types.FunctionType(operator.attrgetter('__code__')(ref), ref.__globals__, 'logistic_loss')
"""
_PRECOMPUTE_IN_KERNEL = """import os, json, pathlib
from mlcourse import grader as g
seed = int(os.environ['MLCOURSE_GRADING_SEED'])
table = {json.dumps(np.asarray(c.args[0]).tolist()): np.asarray(g.reference('derivatives.sigmoid')(*c.args)).tolist()
         for c in g.cases_for('derivatives.sigmoid', seed, hidden=True)}
for place in ['/tmp', os.path.expanduser('~'), os.getcwd()]:
    pathlib.Path(place, 'answers.json').write_text(json.dumps(table))
"""
_REPLAY_PRECOMPUTED = """import json, os, glob
def sigmoid(z):
    for path in ['/tmp/answers.json', os.path.expanduser('~/answers.json'), 'answers.json'] + glob.glob('/tmp/*/answers.json'):
        if os.path.exists(path):
            found = json.load(open(path)).get(json.dumps(np.asarray(z).tolist()))
            if found is not None:
                return np.array(found) if np.ndim(found) else float(found)
"""


def _rewrite_classmates(course):
    victim = course / "submitted" / "solved" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    release = course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    # in the kernel and in the sandbox: overwrite an honest classmate's submission and the gradebook
    attack = (f"import shutil, os\nshutil.copy({str(release)!r}, {str(victim)!r})\n"
              f"open({str(course / 'gradebook.db')!r}, 'wb').write(b'')\n"
              "for root, dirs, files in os.walk('..'):\n    for f in files:\n"
              "        if f.endswith('.ipynb'):\n            open(os.path.join(root, f), 'w').write('{}')\n")
    return _plain_cell(_solved(course, sse_line_gradients=attack + "def sse_line_gradients(*args):\n    return None\n"),
                       attack)


_PERSIST = """import sysconfig, os, mlcourse
for folder in {sysconfig.get_paths()['purelib'], sysconfig.get_paths()['platlib']}:
    open(os.path.join(folder, 'zz_mlcourse_attack.pth'), 'w').write('import mlcourse.grader as g; g._reference_code_keys = lambda ex: frozenset()\\n')
os.makedirs(os.path.join(os.path.dirname(mlcourse.__file__), '__pycache__'), exist_ok=True)
open(os.path.join(os.path.dirname(mlcourse.__file__), '__pycache__', 'sandbox.cpython-311.pyc'), 'wb').write(b'')
def numerical_derivative(f, x, h=1e-5):
    return None
"""
_FORGE_RECORDS = """import os, glob, json
forged = json.dumps({"k": 0, "r": {"kind": "start", "name": "graph_forward"}}) + "\\n"
def graph_forward(a, b, c):
    for folder in glob.glob('/tmp/mlcourse-*'):
        for k in range(12):
            open(os.path.join(folder, f'{k}.jsonl'), 'w').write(forged)
            open(os.path.join(folder, f'{k}.status'), 'w').write('finished')
    for fd in range(3, 40):
        try:
            os.write(fd, forged.encode())
        except OSError:
            pass
"""
_PATH_TRICKS = """import os, mlcourse
def sigmoid(z):
    here = os.path.dirname(mlcourse.__file__)
    os.symlink(here + '/derivatives.py', '/tmp/d.py') if not os.path.lexists('/tmp/d.py') else None
    parent = os.open(os.path.dirname(here), os.O_RDONLY)
    tries = [lambda: open(here + '/./derivatives.py'), lambda: open('/' + here + '/derivatives.py'),
             lambda: open(here + '/../' + os.path.basename(here) + '/derivatives.py'), lambda: open('/tmp/d.py'),
             lambda: (os.chdir(here), open('derivatives.py'))[1],
             lambda: os.fdopen(os.open(os.path.basename(here) + '/derivatives.py', os.O_RDONLY, dir_fd=parent))]
    errors = []
    for attempt in tries:
        try:
            source = attempt().read()
        except Exception as exc:
            errors.append(exc)
            continue
        ns = {}
        exec(source, ns)
        return ns['sigmoid'](z)
    raise errors[-1]
"""
_LIMITS = {
    "graph_forward": "import signal\ndef graph_forward(a, b, c):\n    signal.signal(signal.SIGALRM, signal.SIG_IGN)\n"
                     "    signal.setitimer(signal.ITIMER_REAL, 0)\n    while True:\n        pass\n",
    "graph_backward": "def graph_backward(a, b, c):\n    hog = np.ones(3 * 1024**3 // 8)\n    return (3.0, 3.0 * c, 3.0 * b)\n",
    "logistic_loss": "import hashlib\ndef logistic_loss(a, y):\n"
                     "    hashlib.pbkdf2_hmac('sha256', b'x', b'y', 10**9)  # minutes inside C, deaf to signals\n",
}
_ESCAPES = """import os, socket
def sse_line_gradients(slope, intercept, x, y):
    seen = []
    for attempt in [lambda: open('/etc/shadow').read(), lambda: os.listdir('/root'),
                    lambda: os.pidfd_open(os.getppid()), lambda: socket.create_connection(('1.1.1.1', 80), 1),
                    lambda: os.setuid(0), lambda: open('/proc/1/environ').read()]:
        try:
            seen.append(attempt())
        except Exception as exc:
            seen.append(type(exc).__name__)
    raise PermissionError(str(seen)[:300])
"""
_SPY_ON_CLASSMATES = """import os, glob
found = [p for top in ('/tmp', '/home', '/root', '/srv', '/var', '/work') for p in glob.glob(top + '/**/*.ipynb', recursive=True)]
print('LEAK', sorted(found)[:50], os.listdir('/'), os.environ.get('MLCOURSE_GRADING_SEED'))
print('LEAK', [open(p, 'rb').read()[:200] for top in ('/tmp', '/work') for p in glob.glob(top + '/**/gradebook.db', recursive=True)])
"""
JAILBREAKS = {  # student: (notebook maker, {attacked exercise: what grading-records.csv names, or None})
    "jb_threads_processes_copies": (lambda course: _solved(
        course, graph_forward=_CALL_REFERENCE_IN_THREAD, graph_backward=_CALL_REFERENCE_IN_PROCESS,
        logistic_loss=_COPY_OF_REFERENCE_CODE),
        {"graph_forward": "can't start new thread", "graph_backward": "Operation not permitted",
         "logistic_loss": "object.__getattr__ is not allowed"}),
    "jb_precomputes_in_kernel": (lambda course: _solved(
        course, sigmoid=_REPLAY_PRECOMPUTED,
        numerical_derivative=_kernel_only(_PRECOMPUTE_IN_KERNEL) + _solutions()["numerical_derivative"]),
        {"sigmoid": None}),
    "jb_rewrites_classmates": (_rewrite_classmates, {"sse_line_gradients": "No such file or directory"}),
    "jb_persists": (lambda course: _solved(course, numerical_derivative=_PERSIST),
                    {"numerical_derivative": "Read-only file system"}),
    "jb_forges_records": (lambda course: _solved(course, graph_forward=_FORGE_RECORDS), {"graph_forward": None}),
    "jb_path_tricks": (lambda course: _solved(course, sigmoid=_PATH_TRICKS), {"sigmoid": "open is not allowed"}),
    "jb_limits": (lambda course: _solved(course, **_LIMITS),
                  {"graph_forward": "would not stop; it was killed", "graph_backward": "MemoryError",
                   "logistic_loss": "would not stop; it was killed"}),
    "jb_escapes": (lambda course: _solved(course, sse_line_gradients=_kernel_only(_SPY_ON_CLASSMATES) + _ESCAPES),
                   {"sse_line_gradients": "'PermissionError', 'OSError', 'OSError', 'FileNotFoundError'"}),
    "zz_honest_last": (lambda course: _solved(course), {}),  # graded after the attackers
}
BROKEN = {  # student: (how to make the folder, what the report says)
    "truncated": (lambda course, folder: (folder / f"{ASSIGNMENT}.ipynb").write_text(
        nbformat.writes(_solved(course))[:5000]), "not a readable notebook"),
    "other_assignment": (lambda course, folder: nbformat.write(nbformat.read(
        ROOT / "notebooks" / "02_gradient_descent.ipynb", as_version=4), folder / f"{ASSIGNMENT}.ipynb"),
        "from another assignment"),
    "missing": (lambda course, folder: (folder / "notes.txt").write_text("forgot the notebook"),
                f"{ASSIGNMENT}.ipynb is missing"),
}


def _course(folder, *config):
    """A scratch nbgrader course with notebook 01 released; `config`: lines added to its nbgrader_config.py."""
    import shutil

    course = folder / "grading"
    course.mkdir()
    (course / "nbgrader_config.py").write_text((ROOT / "grading" / "nbgrader_config.py").read_text()
                                               + "".join(f"\n{line}" for line in config) + "\n")
    shutil.copytree(ROOT / "grading" / "source" / ASSIGNMENT, course / "source" / ASSIGNMENT)
    nbgrader(["generate_assignment", ASSIGNMENT, "--force"], course)
    return course


def _submit(course, student, nb):
    folder = course / "submitted" / student / ASSIGNMENT
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / f"{ASSIGNMENT}.ipynb")


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The class, graded once in parallel: (course folder, outcomes by student, printed report)."""
    course = _course(tmp_path_factory.mktemp("class"), f"c.AnswerCells.timeout = {ANSWER_CELL_TIMEOUT}")
    for student, (make, _) in {**ATTACKS, **JAILBREAKS}.items():
        _submit(course, student, make(course))
    for student, (make, _) in BROKEN.items():
        folder = course / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        make(course, folder)
    report = io.StringIO()
    first = list(ATTACKS)[:3]  # an interrupted run: only some students, then the rest
    autograde.grade_class(course, ASSIGNMENT, workers=2, seed=SEED, students=first, cell_timeout=8, out=report)
    outcomes = autograde.grade_class(course, ASSIGNMENT, workers=2, cell_timeout=8, out=report)
    return course, {o.student: o for o in outcomes}, report.getvalue()


def _cell_scores(course, student, db=None):
    from nbgrader.api import Gradebook

    with Gradebook(db or f"sqlite:///{course / 'gradebook.db'}") as gb:
        notebook = gb.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, student)
        return {g.name: (g.auto_score, g.max_score) for g in notebook.grades if g.cell_type == "code"}


def test_everyone_is_graded_or_reported_and_the_run_resumed_with_its_seed(graded):
    course, outcomes, report = graded
    assert set(outcomes) == set(ATTACKS) | set(BROKEN) | set(JAILBREAKS)
    for student in ATTACKS:
        assert outcomes[student].status == "graded", (student, outcomes[student].reason)
    for student, (_, said) in BROKEN.items():
        assert said in outcomes[student].reason, (student, outcomes[student])
        assert f"{student}: " in report
    state = json.loads((course / autograde.STATE_DIR / f"{ASSIGNMENT}.json").read_text())
    assert state["seed"] == SEED and "3 already done in this run" in report
    assert re.search(rf"\[#+\] {len(outcomes) - 3}/{len(outcomes) - 3}", report)  # progress of the resumed run


def test_honest_submissions_score_full_and_zero(graded):
    course = graded[0]
    assert all(score == top for score, top in _cell_scores(course, "solved").values())
    assert all(score == 0 for score, _ in _cell_scores(course, "release").values())


@pytest.mark.parametrize("student", [s for s, (_, attacked) in ATTACKS.items() if attacked])
def test_an_attack_costs_only_the_attacked_exercise(graded, student):
    course, outcomes, _ = graded
    scores = _cell_scores(course, student)
    attacked = f"test_{ATTACKS[student][1]}"
    assert scores[attacked][0] < scores[attacked][1], scores
    assert scores[attacked][1] == _cell_scores(course, "solved")[attacked][1]  # points come from the source
    others = {k: v for k, v in scores.items() if k != attacked and k not in _depends_on(ATTACKS[student][1])}
    assert all(score == top for score, top in others.values()), (student, others)


def _depends_on(exercise):
    return {"sigmoid": {"test_sigmoid_derivative", "test_logistic_loss_dz"}}.get(exercise, set())


def test_the_instructor_is_told_what_happened(graded):
    course, outcomes, report = graded
    assert "kernel died" in " ".join(outcomes["kills_kernel"].notes)
    assert "reference" in _graded_text(course, "calls_reference", "test_sigmoid")
    rows = _records(course)
    assert rows["kills_kernel"]["notes"] and rows["truncated"]["status"] == "failed"
    assert all(r["seed"] == str(SEED) and r["mlcourse"] for r in rows.values())


def _records(course):
    """Each student's row of grading-records.csv (one row per student and assignment, asserted)."""
    with open(course / "grading-records.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len({(r["assignment"], r["student"]) for r in rows}), "one row per student"
    return {r["student"]: r for r in rows if r["assignment"] == ASSIGNMENT}


def _grades_csv(course):
    with open(course / "grades.csv", newline="") as f:
        return {r["student_id"]: r for r in csv.DictReader(f) if r["assignment"] == ASSIGNMENT}


def _autograded(course, student):
    return nbformat.read(course / "autograded" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)


def test_the_records_say_what_happened_and_only_that(graded):
    """Restored cells, syntax errors and time limits are named in `notes`; a test cell as released (no
    hidden tests) is no change: honest students have no notes, and nbgrader warned of nothing."""
    course, outcomes, _ = graded
    notes = {student: row["notes"] for student, row in _records(course).items()}
    assert "test_sigmoid: the student edited this locked cell" in notes["edited_test"]
    assert FORGED_NOTE not in notes["edited_test"]
    assert "test_sigmoid: the student deleted this cell; it was put back" in notes["deleted_test"]
    assert "sigmoid: syntax error (line 1: expected ':')" in notes["deleted_test"]
    assert "has a syntax error (line 1: expected ':')" in _graded_text(course, "deleted_test", "test_sigmoid")
    said = notes["changed_metadata"]
    assert "test_sigmoid: the student changed its nbgrader settings (points 50 instead of 2)" in said
    assert "test_relative_error: the student made it a markdown cell; restored as code" in said
    assert "grade id 'renamed', which is not the instructor's" in said
    assert f"interrupted after {ANSWER_CELL_TIMEOUT} s" in notes["loops_forever"]
    assert "(grade id graph_forward)" in notes["loops_forever"]
    assert _cell_scores(course, "uses_magics") == _cell_scores(course, "solved")
    for honest in ("solved", "release", "zz_honest_last", "uses_magics"):
        assert notes[honest] == "" and outcomes[honest].notes == [], (honest, notes[honest])


def test_flooding_the_output_loses_nothing(graded):
    course = graded[0]
    assert _cell_scores(course, "floods_output") == _cell_scores(course, "solved")


def _graded_text(course, student, grade_id):
    nb = _autograded(course, student)
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)
    return "".join(o.get("text", "") for o in cell.outputs)


def test_grades_and_feedback_come_out_without_hidden_tests(graded):
    course = graded[0]
    rows = _grades_csv(course)
    assert set(ATTACKS) <= set(rows)
    assert float(rows["solved"]["raw_score"]) == sum(top for _, top in _cell_scores(course, "solved").values())
    for student in ATTACKS:
        page = (course / "feedback" / student / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()
        assert "BEGIN HIDDEN TESTS" not in page and "grader.grade(" not in page


def test_rerunning_is_idempotent_and_regrading_with_the_seed_reproduces_the_scores(graded):
    course, outcomes, _ = graded
    before = {s: _cell_scores(course, s) for s in ATTACKS}
    again = io.StringIO()
    autograde.grade_class(course, ASSIGNMENT, workers=2, out=again)  # nor the broken ones: only a resubmission helps
    assert "0 submission(s)" in again.getvalue(), again.getvalue()
    assert {s: _cell_scores(course, s) for s in ATTACKS} == before
    autograde.grade_class(course, ASSIGNMENT, workers=2, seed=SEED, regrade=True,
                          students=["solved", "redefines_checker"], out=io.StringIO())
    assert {s: _cell_scores(course, s) for s in ["solved", "redefines_checker"]} == \
        {s: before[s] for s in ["solved", "redefines_checker"]}
    assert set(_records(course)) == set(outcomes)  # each run updated the rows, none was added twice


def test_parallel_grades_equal_serial_nbgrader(graded, tmp_path, monkeypatch):
    """The same submissions graded by plain `nbgrader autograde` (one process, one after another)."""
    course = graded[0]
    import shutil

    serial = tmp_path / "grading"
    serial.mkdir()
    shutil.copy(course / "nbgrader_config.py", serial)
    shutil.copytree(course / "source", serial / "source")
    for student in ["solved", "release", "redefines_checker", "kills_kernel"]:
        shutil.copytree(course / "submitted" / student, serial / "submitted" / student)
    monkeypatch.setenv("MLCOURSE_GRADING_SEED", str(SEED))
    monkeypatch.delenv("MLCOURSE_SEED_LOGGED", raising=False)
    nbgrader(["generate_assignment", ASSIGNMENT, "--force"], serial)
    done = nbgrader(["autograde", ASSIGNMENT, "--create"], serial)
    for student in ["solved", "release", "redefines_checker", "kills_kernel"]:
        assert _cell_scores(serial, student) == _cell_scores(course, student), student
    # no test cell was edited: nbgrader's "checksum has changed" for every test cell (as released they
    # lack their hidden tests) is not said any more
    assert "has changed" not in done.stdout + done.stderr


@pytest.mark.parametrize("student", list(JAILBREAKS))
def test_jailbreaks_score_zero_beside_honest_classmates_and_are_named(graded, student):
    """Each attack's exercises score 0, every other exercise (and every honest classmate) full marks, and
    grading-records.csv names what was refused."""
    course, outcomes, _ = graded
    assert outcomes[student].status == "graded" and outcomes[student].isolation == "jail", outcomes[student]
    scores, full = _cell_scores(course, student), _cell_scores(course, "solved")
    attacked = {f"test_{e}" for e in JAILBREAKS[student][1]}
    dependent = set().union(*(_depends_on(e) for e in JAILBREAKS[student][1]))
    for cell, (score, top) in scores.items():
        if cell in attacked:
            assert score == 0, (student, cell, _graded_text(course, student, cell))
        elif cell not in dependent:
            assert score == top == full[cell][1], (student, cell, _graded_text(course, student, cell))
    for honest in ("solved", "zz_honest_last"):
        assert all(score == top for score, top in _cell_scores(course, honest).values()), honest
    row = _records(course)[student]
    assert row["isolation"] == "jail"
    for exercise, named in JAILBREAKS[student][1].items():
        if named:
            assert named in row["notes"] and f"test_{exercise}" in row["notes"], (exercise, named, row["notes"])


def test_nothing_of_the_host_was_changed_or_leaked(graded):
    course = graded[0]
    import sysconfig

    victim = course / "submitted" / "solved" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    assert victim.read_text().strip() == nbformat.writes(_solved(course)).strip()  # not rewritten by a classmate
    for folder in {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}:
        assert not list(Path(folder).glob("zz_mlcourse_attack.pth"))
    assert not (ROOT / "mlcourse" / "__pycache__" / "sandbox.cpython-311.pyc").exists() or \
        (ROOT / "mlcourse" / "__pycache__" / "sandbox.cpython-311.pyc").stat().st_size > 0
    leaked = nbformat.read(course / "autograded" / "jb_escapes" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    printed = "".join(line for c in leaked.cells if c.cell_type == "code" for o in c.get("outputs", [])
                      for line in o.get("text", "").splitlines(True) if line.startswith("LEAK"))
    assert "LEAK" in printed  # the cell ran, in the jail: it saw no classmate, no gradebook and no seed
    assert "solved" not in printed and "gradebook" not in printed and str(SEED) not in printed, printed[:500]


def test_without_a_jail_autograde_stops_and_says_how_to_get_one(graded, monkeypatch, capsys):
    from mlcourse import jail

    monkeypatch.setattr(jail, "problem", lambda: "bubblewrap (bwrap) is not installed")
    assert autograde.main([ASSIGNMENT, "--course", str(graded[0])]) == 2
    said = capsys.readouterr().err
    assert "apt install bubblewrap" in said and "--no-isolation" in said and "container" in said


# --- Limits: an endless loop costs its exercise and at most one cell limit; figure cells do not score.
def _timeouts(nb):
    """The cells of an autograded notebook that ran into a time limit in nbgrader's kernel."""
    return [c for c in nb.cells if c.cell_type == "code" and any(
        o.get("ename") == "CellTimeoutError" or "interrupted after" in o.get("text", "") for o in c.get("outputs", []))]


def _figures(nb):
    return [c for c in nb.cells if c.cell_type == "code" and not c.metadata.get("nbgrader")]


def test_figure_cells_are_not_run_and_a_function_that_never_returns_costs_no_cell_limit(graded):
    """Figure cells never score, so they are not run while grading: a function that never returns, called by
    figures and by its check, costs its exercise (each hidden call is stopped after 3 s) and no cell limit."""
    course, outcomes, _ = graded
    for student in ("solved", "loops_in_function"):
        nb = _autograded(course, student)
        assert _figures(nb) and all("".join(o.get("text", "") for o in c.outputs) == autograde.NOT_RUN + "\n"
                                    for c in _figures(nb)), student
        assert not _timeouts(nb), student
    assert not [n for n in outcomes["loops_in_function"].notes if "kernel" in n], outcomes["loops_in_function"].notes
    assert "loop that never ends" in _graded_text(course, "loops_in_function", "test_numerical_derivative")


def test_a_loop_at_the_top_of_an_answer_cell_costs_one_answer_cell_limit(graded):
    """The kernel interrupts it after the answer cells' limit (c.AnswerCells.timeout, as in the sandbox, not
    nbgrader's cell limit) and runs no further cell; the sandbox stops it after the same limit."""
    course, outcomes, _ = graded
    assert len(_timeouts(_autograded(course, "loops_forever"))) == 1
    notes = " ".join(outcomes["loops_forever"].notes)
    assert f"interrupted after {ANSWER_CELL_TIMEOUT} s" in notes and "(grade id graph_forward)" in notes, notes
    assert f"answer cell `graph_forward` was stopped after {ANSWER_CELL_TIMEOUT} s" in notes, notes


def test_two_loops_at_the_top_of_answer_cells_cost_one_limit_in_the_kernel_and_one_each_in_the_sandbox(graded):
    """The kernel stops at the first; in the sandbox each stuck cell waits out its limit once, and the
    exercises after it that need the same cell run it again for 0.5 s only."""
    course, outcomes, _ = graded
    assert len(_timeouts(_autograded(course, "loops_twice"))) == 1
    notes = outcomes["loops_twice"].notes
    said = " ".join(notes)
    assert f"answer cell `sigmoid` was stopped after {ANSWER_CELL_TIMEOUT} s" in said, notes
    again = [n for n in notes if "was stopped after 0.5 s (for an earlier exercise it ran past" in n]
    assert {n.split(": ")[1] for n in again} == {"test_sigmoid_derivative", "test_logistic_loss_dz"}, notes
    scores = _cell_scores(course, "loops_twice")
    assert scores["test_graph_forward"][0] == scores["test_sigmoid"][0] == 0
    assert all(score == top for cell, (score, top) in scores.items()  # the others graded with the reference sigmoid
               if cell not in ("test_graph_forward", "test_sigmoid")), scores


def _assert_records_agree_with_grades_csv(course):
    records, grades = _records(course), _grades_csv(course)
    assert set(records) <= set(grades), set(records) - set(grades)
    for student, row in records.items():
        assert float(row["score"]) == pytest.approx(float(grades[student]["raw_score"]), abs=0.01), (student, row)
        assert float(row["max_score"]) == pytest.approx(float(grades[student]["max_score"]), abs=0.01), (student, row)


def test_grading_records_and_grades_csv_agree(graded):
    _assert_records_agree_with_grades_csv(graded[0])


FIGURE_CELL_TIMEOUT = 5  # an honest figure cell of notebook 01 takes at most 3 s on a busy machine
LOOPING_GRAPH_FORWARD = "def graph_forward(a, b, c):\n    while True:\n        pass\n"


@pytest.fixture(scope="module")
def limited(tmp_path_factory):
    """A class of one, graded with its figure cells run, each for at most 5 s (nbgrader's cell limit stays
    120 s): `graph_forward` never returns, and two figure cells call it. (course, outcome)."""
    course = _course(tmp_path_factory.mktemp("limited"), f"c.AnswerCells.timeout = {ANSWER_CELL_TIMEOUT}",
                     'c.SafeExecute.figure_cells = "run"', f"c.SafeExecute.figure_cell_timeout = {FIGURE_CELL_TIMEOUT}")
    _submit(course, "loops_late", _solved(course, graph_forward=LOOPING_GRAPH_FORWARD))
    outcomes = autograde.grade_class(course, ASSIGNMENT, workers=1, seed=SEED, out=io.StringIO())
    return course, outcomes[0]


def test_figure_cells_when_run_are_time_boxed_and_one_endless_loop_costs_one_limit(limited):
    """With c.SafeExecute.figure_cells = "run" the feedback shows the figures; the first figure cell that calls
    the endless function is interrupted after 5 s (not nbgrader's 120 s) and the kernel runs no further cell."""
    course, outcome = limited
    assert outcome.status == "graded", outcome
    nb = _autograded(course, "loops_late")
    figures = _figures(nb)
    stuck = next(k for k, c in enumerate(figures) if "graph_explorer(graph_forward" in c.source)
    assert [c.source for c in _timeouts(nb)] == [figures[stuck].source]  # one limit, in the first that calls it
    assert any("image/png" in o.get("data", {}) or "application/vnd.jupyter.widget-view+json" in o.get("data", {})
               for c in figures[:stuck] for o in c.outputs), "the figures before it were drawn"
    assert all(not c.outputs for c in figures[stuck + 1:])  # nor the later ones (one of them calls it too)
    assert f"interrupted after {FIGURE_CELL_TIMEOUT} s" in " ".join(outcome.notes), outcome.notes
    assert outcome.seconds < 120, outcome  # less than one cell limit in all
    scores = _cell_scores(course, "loops_late")
    assert scores.pop("test_graph_forward")[0] == 0
    assert all(score == top for score, top in scores.values()), scores


def test_a_failed_student_is_tried_again_and_grades_csv_never_keeps_an_old_score(limited):
    """A resubmission that cannot be graded (here: a run with a 1 s limit per submission) takes the earlier
    submission's autograded scores out of grades.csv (the instructor's manual grade stays); the next run tries
    it again, keeps the earlier reason, and grades.csv and grading-records.csv say the same throughout."""
    from nbgrader.api import Gradebook

    course, outcome = limited
    assert outcome.score > 0
    _assert_records_agree_with_grades_csv(course)
    config = (course / "nbgrader_config.py").read_text()
    (course / "nbgrader_config.py").write_text(config.replace('figure_cells = "run"', 'figure_cells = "skip"'))
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        gb.find_grade("why_central", ASSIGNMENT, ASSIGNMENT, "loops_late").manual_score = 1.5
        gb.db.commit()
    _submit(course, "loops_late", _solved(course, sigmoid=WRONG_SIGMOID))  # a new submission, with one mistake
    failed = autograde.grade_class(course, ASSIGNMENT, students=["loops_late"], timeout=1, feedback=False,
                                   out=io.StringIO())
    assert failed[0].status == "failed" and "longer than 1 s" in failed[0].reason, failed
    assert _records(course)["loops_late"]["status"] == "failed"
    assert float(_grades_csv(course)["loops_late"]["raw_score"]) == 1.5  # the manual grade only
    _assert_records_agree_with_grades_csv(course)
    assert not (course / "feedback" / "loops_late" / ASSIGNMENT).exists()
    report = io.StringIO()
    again = autograde.grade_class(course, ASSIGNMENT, students=["loops_late"], feedback=False, out=report)
    assert "1 submission(s)" in report.getvalue() and "trying again 1 that failed before" in report.getvalue()
    assert again[0].status == "graded", again
    assert "an earlier run could not grade it: grading took longer than 1 s" in " ".join(again[0].notes)
    scores = _cell_scores(course, "loops_late")
    assert scores["test_sigmoid"][0] == 0 and scores["test_graph_forward"][0] == 1
    assert float(_grades_csv(course)["loops_late"]["raw_score"]) == \
        pytest.approx(1.5 + sum(score for score, _ in scores.values() if score))
    _assert_records_agree_with_grades_csv(course)

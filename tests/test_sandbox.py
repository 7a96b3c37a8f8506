"""Attacks on the grading sandbox, one submission each, built from notebook 01's answers.

Every attack goes into the answer cell of `sigmoid` (or its function). The sandbox must give that
exercise 0 (or the score its honest code earns) with a note saying what happened, and every other
exercise of the same submission its full marks: the hidden checks run in a fresh process per exercise
on the answer cells it needs, and are judged by this (pristine) process.
"""

from __future__ import annotations

import json
import re
import time

import nbformat
import numpy as np
import pytest

from conftest import ROOT
from mlcourse import grader, sandbox
from mlcourse.autograde import graded_task

SOURCE = nbformat.read(ROOT / "grading" / "source" / "01_derivatives" / "01_derivatives.ipynb", as_version=4)
SETUP = next(c.source for c in SOURCE.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "setup")
ANSWERS = [(c.metadata.nbgrader.grade_id, c.source) for c in SOURCE.cells
           if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")]
TASKS = [task for c in SOURCE.cells if (task := graded_task(c.source)) is not None]
FULL = {t.exercise_id: t.points for t in TASKS}
ATTACKED = "derivatives.sigmoid"
# Exercises whose code uses the attacked cell (through `sigmoid`) may fall with it; all others may not.
DEPENDENT = {t.exercise_id for t in TASKS if "sigmoid" in dict(sandbox.needed_cells(t.function, ANSWERS))}
HONEST_SIGMOID = "def sigmoid(z):\n    return 1 / (1 + np.exp(-z))\n"  # overflows far out: not full marks


def grade(attack: str, seed: int = 11, cell: str = "sigmoid", **limits) -> dict[str, sandbox.Graded]:
    answers = [(g, attack if g == cell else source) for g, source in ANSWERS]
    return {v.task.exercise_id: v for v in sandbox.grade_notebook(TASKS, SETUP, answers, seed, **limits)}


def assert_only_sigmoid_hurt(verdicts: dict[str, sandbox.Graded], *said: str, score: float = 0.0) -> None:
    for exercise_id, verdict in verdicts.items():
        if exercise_id == ATTACKED:
            assert verdict.points == score, verdict.feedback
            for text in said:
                assert text in verdict.feedback, verdict.feedback
        elif exercise_id not in DEPENDENT:
            assert verdict.points == FULL[exercise_id], (exercise_id, verdict.feedback)


def test_the_solutions_get_full_marks_in_the_sandbox():
    assert DEPENDENT == {ATTACKED, "derivatives.sigmoid_derivative", "derivatives.logistic_loss_dz"}
    verdicts = grade(dict(ANSWERS)["sigmoid"])
    assert {e: v.points for e, v in verdicts.items()} == FULL
    assert all("separate process" in v.feedback and "seed 11" in v.feedback for v in verdicts.values())


@pytest.mark.parametrize("patch", [
    "grader.check = lambda *a, **k: None\ngrader.grade = lambda *a, **k: 2.0\n",
    "import mlcourse.grader\nmlcourse.grader.CheckResult.__init__ = lambda *a, **k: None\n",
    "import mlcourse.compare as c\nc.compare = lambda *a, **k: None\ngrader.compare = c.compare\n",
    "np.allclose = lambda *a, **k: True\nnp.array_equal = lambda *a, **k: True\nnp.isclose = lambda *a, **k: True\n"
    "np.testing.assert_allclose = lambda *a, **k: None\n",
])
def test_redefining_the_checker_or_patching_numpy_changes_nothing(patch):
    verdicts = grade(patch + "def sigmoid(z):\n    return 0.5 * np.ones_like(z) if np.ndim(z) else 0.5\n")
    honest = grade("def sigmoid(z):\n    return 0.5 * np.ones_like(z) if np.ndim(z) else 0.5\n")[ATTACKED].points
    assert honest < FULL[ATTACKED]
    assert_only_sigmoid_hurt(verdicts, score=honest)


@pytest.mark.parametrize("result", [
    "class Yes:\n    def __eq__(self, other): return True\n    def __float__(self): return 0.5\n"
    "def sigmoid(z):\n    return Yes()\n",
    "class Liar(np.ndarray):\n    def __eq__(self, other): return np.ones(np.shape(self), bool)\n"
    "    def __sub__(self, other): return np.zeros(np.shape(self))\n    __rsub__ = __sub__\n"
    "    def __array_function__(self, *a, **k): return True\n"
    "def sigmoid(z):\n    return np.zeros_like(np.asarray(z, float)).view(Liar)\n",
    "class Half(float):\n    def __eq__(self, other): return True\n    def __sub__(self, other): return 0.0\n"
    "def sigmoid(z):\n    return Half(0.0)\n",
])
def test_results_that_lie_about_themselves_are_read_as_they_are(result):
    assert_only_sigmoid_hurt(grade(result))


@pytest.mark.parametrize("route", [
    "from mlcourse.derivatives import sigmoid as ref\ndef sigmoid(z):\n    return ref(z)\n",
    "import importlib\ndef sigmoid(z):\n    return importlib.import_module('mlcourse.derivatives').sigmoid(z)\n",
    "import sys\ndef sigmoid(z):\n    return sys.modules['mlcourse.derivatives'].sigmoid(z)\n",
    "def sigmoid(z):\n    return grader.reference('derivatives.sigmoid')(z)\n",
    "def sigmoid(z):\n    return __import__('mlcourse').derivatives.sigmoid(z)\n",
    "import mlcourse.derivatives as d\nsigmoid = d.sigmoid\n",
    "import mlcourse.derivatives as d\nref = d.sigmoid\ndef sigmoid(z):\n    return ref(z)\n",
    # a private helper of the reference module computes the same thing
    "import mlcourse.derivatives as d\nhelpers = [f for n, f in vars(d).items() if callable(f) and n.startswith('_')]\n"
    "def sigmoid(z):\n    return d.sigmoid(z)\n",
])
def test_calling_the_reference_by_any_import_path_scores_zero(route):
    assert_only_sigmoid_hurt(grade(route), "mlcourse's own reference")


@pytest.mark.parametrize("route", [
    # copying the reference's code: reading its source or rebuilding its code object is refused
    "import inspect, mlcourse.derivatives as d\nexec(inspect.getsource(d.sigmoid))\n",
    "import mlcourse.derivatives as d, types\n"
    "sigmoid = types.FunctionType(d.sigmoid.__code__.replace(co_name='mine'), d.__dict__)\n",
    "import mlcourse.derivatives as d\nsource = open(d.__file__).read()\n",
    # switching off the spy first
    "import sys\nsys.setprofile(None)\nfrom mlcourse.derivatives import sigmoid\n",
    "import threading, mlcourse.derivatives as d\nout = []\n"
    "def sigmoid(z):\n    t = threading.Thread(target=lambda: out.append(d.sigmoid(z)))\n    t.start(); t.join()\n"
    "    return out[-1]\n",
    "import gc\nfound = gc.get_objects()\n" + HONEST_SIGMOID.replace("-z", "z"),
    # a thread through a freshly imported _thread (the guard's patch is not on it): the jail has no threads
    "import sys, importlib, time\nsys.modules.pop('_thread', None)\nt = importlib.import_module('_thread')\n"
    "from mlcourse import grader as g\nout = []\n"
    "def sigmoid(z):\n    t.start_new_thread(lambda: out.append(g.reference('derivatives.sigmoid')(z)), ())\n"
    "    time.sleep(0.2)\n    return out[0]\n",
    # a process through _posixsubprocess (no audit event): the jail has no new processes either
    "import _posixsubprocess, os, sys\ndef sigmoid(z):\n    r, w = os.pipe()\n"
    "    _posixsubprocess.fork_exec([sys.executable, '-c', 'print(0.5)'], [os.fsencode(sys.executable)], True, (w,),"
    " None, None, -1, -1, -1, w, -1, -1, -1, -1, False, False, -1, None, None, None, -1, None, False)\n"
    "    return float(os.read(r, 100))\n",
    # the reference's code under another name, at call time
    "import types, operator\nfrom mlcourse import grader as g\ndef sigmoid(z):\n"
    "    ref = g.reference('derivatives.sigmoid')\n"
    "    return types.FunctionType(operator.attrgetter('__code__')(ref), ref.__globals__, 's')(z)\n",
])
def test_getting_round_the_reference_spy_is_refused(route):
    verdicts = grade(route)
    assert verdicts[ATTACKED].points == 0.0, verdicts[ATTACKED].feedback
    assert_only_sigmoid_hurt(verdicts)


@pytest.mark.parametrize("path", [
    "here + '/./derivatives.py'", "'/' + here + '/derivatives.py'", "here + '/../mlcourse/derivatives.py'",
    "(os.symlink(here + '/derivatives.py', '/tmp/d.py'), '/tmp/d.py')[1]",
    "(os.chdir(here), 'derivatives.py')[1]",
    "os.open('mlcourse/derivatives.py', os.O_RDONLY, dir_fd=os.open(os.path.dirname(here), os.O_RDONLY))",
])
def test_reading_mlcourse_source_is_refused_however_the_path_is_spelled(path):
    attack = ("import os, mlcourse\nhere = os.path.dirname(mlcourse.__file__)\n"
              f"source = open({path}).read()\nns = {{}}\nexec(source, ns)\nsigmoid = ns['sigmoid']\n")
    verdicts = grade(attack)
    assert "open is not allowed" in verdicts[ATTACKED].feedback, verdicts[ATTACKED].feedback
    assert_only_sigmoid_hurt(verdicts)


def test_the_sandbox_never_sees_the_grading_seed():
    attack = "import os\ndef sigmoid(z):\n    raise ValueError(repr(os.environ.get('MLCOURSE_GRADING_SEED')))\n"
    verdict = grade(attack, seed=424242)[ATTACKED]
    assert "ValueError: None" in verdict.feedback, verdict.feedback
    job = json.dumps(sandbox._task_job(TASKS[0], 424242))
    assert "424242" not in job and "seed" not in job


@pytest.mark.parametrize("attack, said", [
    # the per-call alarm switched off inside the call: the supervisor kills the call
    ("import signal\ndef sigmoid(z):\n    signal.signal(signal.SIGALRM, signal.SIG_IGN)\n"
     "    signal.setitimer(signal.ITIMER_REAL, 0)\n    while True:\n        pass\n", "would not stop; it was killed"),
    # hours inside C code, where no Python signal handler runs
    ("import hashlib\ndef sigmoid(z):\n    hashlib.pbkdf2_hmac('sha256', b'x', b'y', 10**9)\n", "would not stop; it was killed"),
    # 3 GB in one call
    ("def sigmoid(z):\n    hog = np.ones(3 * 1024**3 // 8)\n    return 1 / (1 + np.exp(-z))\n", "MemoryError"),
    # the alarm and the clock patched away, so the sandbox's record says the call was quick: the judge's
    # own clock sees 4.5 s
    ("import signal, time\nclock = time.perf_counter\nsignal.setitimer = lambda *a, **k: (0.0, 0.0)\n"
     "def sigmoid(z):\n    time.perf_counter = lambda: 0.0\n    start = clock()\n    while clock() - start < 4.5:\n"
     "        pass\n    z = np.asarray(z, float)\n    return 0.5 * (1 + np.tanh(z / 2)) if z.ndim else float(0.5 * (1 + np.tanh(z / 2)))\n",
     "by the grader's clock"),
])
def test_limits_the_student_cannot_switch_off(attack, said):
    verdicts = grade(attack)
    assert said in verdicts[ATTACKED].feedback, verdicts[ATTACKED].feedback
    assert_only_sigmoid_hurt(verdicts)


def test_the_jail_refuses_threads_processes_and_the_host():
    from mlcourse import jail

    if jail.problem():
        pytest.skip(jail.problem())
    import subprocess
    import sys

    probe = ("import os, threading, resource\nfrom mlcourse import jail\njail.lock(signals_to_self_only=True)\n"
             "def tries(f):\n    try:\n        f(); return 'done'\n    except Exception as e:\n        return type(e).__name__\n"
             "print(os.getuid(), tries(lambda: threading.Thread(target=print).start()), tries(os.fork),"
             " tries(lambda: os.execv('/bin/true', ['true'])), tries(lambda: os.kill(1, 9)),"
             f" tries(lambda: open('/etc/shadow')), sorted(os.listdir({str(ROOT)!r})))\n")
    done = subprocess.run(jail.command([sys.executable, "-I", "-c", probe]), capture_output=True, text=True, timeout=60)
    assert done.stdout.split(" ", 1)[0] == "65534", done
    assert "done" not in done.stdout and done.stdout.count("RuntimeError") == 1, done.stdout
    assert done.stdout.count("PermissionError") == 3 and "FileNotFoundError" in done.stdout, done.stdout
    assert "'grading'" not in done.stdout and "'tests'" not in done.stdout, done.stdout  # only .venv, mlcourse


def test_outputs_replayed_from_another_seed_earn_only_what_the_code_earns(monkeypatch):
    """A submission that looks its answers up in a table recorded under seed 1 passes there, and only
    the fixed cases under the next grading seed."""
    monkeypatch.setenv(grader.POLICY_VARIABLE, "proportional")  # (the default policy gives it nothing)
    table = {}
    for case in grader.cases_for(ATTACKED, 1, hidden=True):
        z = case.args[0]
        table[json.dumps(np.asarray(z).tolist())] = np.asarray(grader.reference(ATTACKED)(z)).tolist()
    replay = ("import json\nTABLE = json.loads(" + repr(json.dumps(table)) + ")\n"
              "def sigmoid(z):\n    out = TABLE.get(json.dumps(np.asarray(z).tolist()))\n"
              "    return (np.array(out) if np.ndim(out) else float(out)) if out is not None else 0.0\n")
    assert grade(replay, seed=1)[ATTACKED].points == FULL[ATTACKED]
    later = grade(replay, seed=2)[ATTACKED]
    assert 0 < later.points < FULL[ATTACKED], later.feedback
    assert "seed 2" in later.feedback


@pytest.mark.parametrize("attack, said", [
    ("import sys\nsys.exit(3)\n" + HONEST_SIGMOID, "raised SystemExit at its top level"),
    ("def sigmoid(z):\n    import sys\n    sys.exit(1)\n", "called sys.exit(1)"),
    ("import os\nos._exit(0)\n" + HONEST_SIGMOID, "not defined by your answer cells"),
    ("def sigmoid(z):\n    import os\n    os._exit(0)\n", "was stopped"),
    ("import ctypes\nctypes.string_at(0)\n" + HONEST_SIGMOID, "raised RuntimeError at its top level"),
    ("def sigmoid(z):\n    raise KeyboardInterrupt\n", "interrupted"),
    ("def sigmoid(z):\n    while True:\n        pass\n", "is there a loop that never ends?"),
    ("def sigmoid(z):\n    while True:\n        try:\n            while True:\n                pass\n"
     "        except BaseException:\n            pass\n", "loop that never ends"),
])
def test_exits_crashes_interrupts_and_endless_loops_cost_only_their_exercise(attack, said):
    verdicts = grade(attack)
    if "sys.exit(3)" in attack or "ctypes" in attack:  # the cell stopped early, after defining nothing
        assert "not defined" in verdicts[ATTACKED].feedback
    assert_only_sigmoid_hurt(verdicts, said)


def test_a_segfault_costs_only_its_exercise():
    attack = "import ctypes\ndef sigmoid(z):\n    return ctypes.string_at(0)\n"
    assert_only_sigmoid_hurt(grade(attack), "not allowed in graded code")


def test_a_real_segfault_costs_only_its_exercise():
    attack = "import faulthandler\ndef sigmoid(z):\n    faulthandler._sigsegv()\n"
    assert_only_sigmoid_hurt(grade(attack), "SIGSEGV")


def test_an_endless_loop_at_the_top_of_a_cell_is_stopped_and_costs_its_limit_once():
    """Stopped after the cell limit for the first exercise that needs the cell; the later ones that need it
    (through `sigmoid`) run it again for 0.5 s only, and are graded with the reference `sigmoid`."""
    verdicts = grade("while True:\n    pass\n" + HONEST_SIGMOID, cell_limit=1.0)
    assert verdicts[ATTACKED].notes == ["answer cell `sigmoid` was stopped after 1 s"], verdicts[ATTACKED].notes
    for exercise_id in DEPENDENT - {ATTACKED}:
        assert "answer cell `sigmoid` was stopped after 0.5 s (for an earlier exercise it ran past 1 s)" in \
            verdicts[exercise_id].feedback, verdicts[exercise_id].feedback
        assert verdicts[exercise_id].points == FULL[exercise_id], verdicts[exercise_id].feedback
    assert_only_sigmoid_hurt(verdicts, "not defined")


def test_a_cell_deaf_to_signals_is_killed_once_and_not_run_again():
    """A cell stuck inside C code (deaf to the time limit's signal) is killed after its limit and a little
    slack, and not run again for the later exercises that need it."""
    attack = "import hashlib\nhashlib.pbkdf2_hmac('sha256', b'x', b'y', 10**9)  # minutes inside C\n" + HONEST_SIGMOID
    start = time.monotonic()
    verdicts = grade(attack, cell_limit=1.0)
    elapsed = time.monotonic() - start
    assert "answer cell `sigmoid` ran past its time limit and would not stop; it was killed" in \
        verdicts[ATTACKED].feedback, verdicts[ATTACKED].feedback
    for exercise_id in DEPENDENT - {ATTACKED}:
        assert "answer cell `sigmoid` was not run" in verdicts[exercise_id].feedback, verdicts[exercise_id].feedback
        assert verdicts[exercise_id].points == FULL[exercise_id], verdicts[exercise_id].feedback
    assert_only_sigmoid_hurt(verdicts)
    assert elapsed < 30, elapsed  # killed once, after 1 + 3 s (it was about 12 s for each of the three exercises)


def test_a_process_that_never_ends_is_killed():
    verdicts = grade("import signal\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)\n"
                     "def sigmoid(z):\n    signal.setitimer(signal.ITIMER_REAL, 0)\n    while True:\n        pass\n",
                     timeout=3.0)
    assert "did not finish within 3 s" in verdicts[ATTACKED].feedback
    assert_only_sigmoid_hurt(verdicts)


def test_flooding_stdout_and_stderr_is_harmless():
    attack = dict(ANSWERS)["sigmoid"] + (
        "\nimport sys, os\nprint('x' * 5_000_000)\nsys.stderr.write('y' * 5_000_000)\nos.write(1, b'z' * 3_000_000)\n"
        "quiet = sigmoid\n"
        "def sigmoid(z):\n    print('w' * 3_000_000)\n    os.write(2, b'v' * 1_000_000)\n    return quiet(z)\n")
    verdicts = grade(attack)
    assert verdicts[ATTACKED].points == FULL[ATTACKED], verdicts[ATTACKED].feedback
    assert len(verdicts[ATTACKED].feedback) < 2000


def test_endless_recursion_is_an_ordinary_error():
    verdicts = grade("def sigmoid(z):\n    return sigmoid(z)\n")
    assert "RecursionError" in verdicts[ATTACKED].feedback
    assert "reference" not in verdicts[ATTACKED].feedback
    assert_only_sigmoid_hurt(verdicts)


def test_recursing_deep_enough_to_blind_the_grader_earns_nothing():
    attack = ("from mlcourse.derivatives import sigmoid as ref\n"
              "def deep(z, n=0):\n    try:\n        return deep(z, n + 1)\n    except RecursionError:\n"
              "        return ref(z)\n"
              "def sigmoid(z):\n    return deep(z)\n")
    verdicts = grade(attack)
    assert verdicts[ATTACKED].points == 0.0, verdicts[ATTACKED].feedback
    assert_only_sigmoid_hurt(verdicts)


def test_magics_and_shell_lines_in_answer_cells_are_read_as_the_kernel_reads_them():
    # the kernel (IPython) ran them and the notebook's own checks passed: grading must not call them errors
    solved = dict(ANSWERS)
    answers = {"sigmoid": "%matplotlib inline\n!echo hello\nlisting = !ls\n" + solved["sigmoid"]
               + "%timeit sigmoid(1.0)\n",
               "graph_forward": "%%time\n" + solved["graph_forward"]}
    python = {g: sandbox.as_python(answers.get(g, source)) for g, source in ANSWERS}
    assert "get_ipython().system('echo hello')" in python["sigmoid"]
    assert python["graph_forward"] == solved["graph_forward"]  # the body of %%time is the cell
    assert all(python[g] == source for g, source in ANSWERS if g not in answers)  # Python stays as it is
    assert sandbox.as_python("def f(x)\n    return x\n") == "def f(x)\n    return x\n"  # its own syntax error
    verdicts = {v.task.exercise_id: v for v in sandbox.grade_notebook(TASKS, SETUP, list(python.items()), 11)}
    assert {e: v.points for e, v in verdicts.items()} == FULL, {e: v.feedback for e, v in verdicts.items()}


def test_only_the_answer_cells_an_exercise_needs_are_run():
    answers = [("a", "def helper(x):\n    return 2 * x\n"), ("b", "import os\nos._exit(1)\n"),
               ("c", "def f(x):\n    return helper(x) + 1\n"), ("d", "g = f\n")]
    assert sandbox.needed_cells("f", answers) == [answers[0], answers[2]]
    assert sandbox.needed_cells("g", answers) == [answers[0], answers[2], answers[3]]
    assert sandbox.needed_cells("missing", answers) == []


def test_frozen_values_come_back_equal_and_plain():
    values = [1.5, 7, True, None, "s", 2 + 3j, np.float64(0.25), np.arange(6.0).reshape(2, 3),
              np.array([1, 2], dtype=np.int32), (1.0, [2.0, {"k": np.ones((1, 2))}])]
    for value in values:
        back = sandbox.thaw(json.loads(json.dumps(sandbox.freeze(value))))
        assert back == value if isinstance(value, (str, type(None))) else grader._identical(back, value)
    assert isinstance(sandbox.thaw(sandbox.freeze(object())), sandbox.Unreadable)
    assert re.search(r"Unreadable|object", repr(sandbox.thaw(sandbox.freeze(object()))))

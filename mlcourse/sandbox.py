"""Grading a submission's functions in a fresh interpreter, so that nothing the student's code does can
change how it is judged.

A graded check runs in two processes:

- the **sandbox** (a fresh `python -I -m mlcourse.sandbox`): it imports numpy and mlcourse, makes the
  exercise's cases from the grading seed, runs the notebook's locked setup cell, and only then the
  student's code: the answer cells the exercise's function needs (found by the names they define and
  use), nothing else. It calls the function on every case and writes down what each call did (`Call`:
  result, exception, arguments afterwards, prints, warnings, time limit, reference spy) as plain JSON
  data. Each exercise runs in its own forked copy of the sandbox, so one exercise's crash, exit or
  infinite loop cannot touch another's.
- the **judge** (the caller of `grade_notebook`, e.g. nbgrader's autograde process, which never runs
  student code): it reads those records and judges them with the same `grader.judge_calls` the notebook
  checks use, against references it computes itself.

So a student who redefines `grader.check`, patches numpy, returns an object whose `__eq__` always says
True, or exits the interpreter changes only the records of their own calls; the comparison happens
where none of that code ever ran. An audit hook (`sys.addaudithook`, which cannot be removed) keeps the
student's code from switching off the reference spy, reading or rebuilding mlcourse's code, starting
processes or threads, or touching memory through ctypes.
"""

from __future__ import annotations

import ast
import base64
import builtins
import contextlib
import io
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import __version__, grader, jail

CELL_TIME_LIMIT = 10.0  # seconds for one answer cell's top-level code
RERUN_CELL_LIMIT = 0.5  # seconds for a cell that ran past its limit for an earlier exercise, when run again
CELL_SLACK = 3.0  # seconds the supervisor waits beyond a cell's limit before it kills a cell deaf to signals
EXERCISE_TIME_LIMIT = 60.0  # seconds for one exercise in the sandbox, all cases together
RECORD_LIMIT = 32 * 1024 * 1024  # bytes of records read back per exercise
# What a refusal by the guard, the jail's seccomp filter, its read-only file system or its limits says
_REFUSED = re.compile(r"not allowed in graded code|can't start new thread|Operation not permitted|"
                      r"Read-only file system|Permission denied|PermissionError|MemoryError|Cannot allocate memory|Unable to allocate")
CLOCK_SLACK = 1.0  # seconds the judge's clock allows a call beyond grader.CALL_TIME_LIMIT (pipes, a busy machine)
_PACKAGE_DIR = str(Path(__file__).resolve().parent)
_CELL_PREFIX = "<answer cell "  # the file name of every code object compiled from the student's cells


# ---------------------------------------------------------------------------------------------------
# What the judge asks for and gets back


@dataclass
class Task:
    """One graded test cell: `grader.grade(exercise_id, function, points=points)`."""

    exercise_id: str
    function: str
    points: float


@dataclass
class Graded:
    """The judge's verdict on one task."""

    task: Task
    points: float
    feedback: str
    notes: list[str] = field(default_factory=list)  # what happened in the sandbox, for the instructor


def grade_notebook(tasks: list[Task], setup: str, answers: list[tuple[str, str]], seed: int,
                   timeout: float = EXERCISE_TIME_LIMIT, cell_limit: float = CELL_TIME_LIMIT) -> list[Graded]:
    """Grade every task on hidden cases drawn from `seed`, each in its own sandbox process.

    `setup` is the locked setup cell's source (the instructor's, never the student's copy); `answers` are
    the student's answer cells in notebook order, as (cell id, source). The sandbox runs in a jail
    (`mlcourse.jail`) unless the instructor switched isolation off; it never sees `seed`: it gets each
    exercise's cases, made here.
    """
    isolated = jail.isolation_wanted()
    if isolated:
        jail.require()
    job = {"setup": setup, "answers": [list(a) for a in answers], "isolated": isolated,
           "tasks": [_task_job(t, seed) for t in tasks], "timeout": timeout, "cell_limit": cell_limit,
           "call_limit": grader.CALL_TIME_LIMIT, "graded_with": grader.graded_with()}
    frames, status = _run_sandbox(job, timeout * max(1, len(tasks)) + 60, isolated)
    return [_judge(task, frames.get(k, []), seed, status, _helpers_used(task, answers)) for k, task in enumerate(tasks)]


# Cell magics whose body the kernel runs as Python in the notebook's namespace (timed, profiled, its output
# captured); not %%timeit, whose definitions stay inside its timing loop.
PYTHON_CELL_MAGICS = ("time", "capture", "prun")


def as_python(source: str) -> str:
    """An answer cell as plain Python, as the notebook's kernel (IPython) runs it: a magic or shell line
    (`%matplotlib inline`, `!pip install ...`, `x = !ls`) becomes a call of `get_ipython()`, which does
    nothing in the sandbox (_OfflineShell), and a cell under `%%time` (or another of PYTHON_CELL_MAGICS) is
    its body. Python that compiles is returned as it is, and so is what IPython cannot read either (its
    syntax error is the student's)."""
    try:
        compile(source, "<answer cell>", "exec", dont_inherit=True)
        return source
    except (SyntaxError, ValueError):
        pass
    first, _, body = source.lstrip().partition("\n")
    if first.startswith("%%") and (first[2:].split() or [""])[0] in PYTHON_CELL_MAGICS:
        return as_python(body)
    try:
        from IPython.core.inputtransformer2 import TransformerManager

        return TransformerManager().transform_cell(source)
    except Exception:  # noqa: BLE001 - IPython missing or unable to read it: the source as it is
        return source


class _OfflineShell:
    """`get_ipython()` in the sandbox: the magics and shell commands of answer cells (see as_python) do
    nothing here; the kernel ran them, and the grade depends on the functions alone."""

    def run_line_magic(self, *args, **kwargs):
        return None

    def run_cell_magic(self, *args, **kwargs):
        return None

    def system(self, *args, **kwargs):
        return None

    def getoutput(self, *args, **kwargs):
        return []


def _helpers_used(task: Task, answers: list[tuple[str, str]]) -> list[str]:
    """The names of `Exercise.uses` that the student's function reads, when they are bound to the
    references (said in the feedback, as the notebook's check says it)."""
    helpers = grader.injected_references(grader.exercise(task.exercise_id))
    read = set()
    for _, source in answers:
        with contextlib.suppress(SyntaxError, ValueError):
            for node in ast.walk(ast.parse(source)):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == task.function:
                    read |= {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
    return [name for name in helpers if name in read]


def _task_job(task: Task, seed: int) -> dict:
    """What the sandbox needs to grade one task: the hidden cases' arguments as plain data or, where a
    case hands over a function (which is no data), the state of the random generator they are drawn
    from, which gives these cases and nothing else (not the seed)."""
    job = {"exercise": task.exercise_id, "function": task.function}
    cases = grader.cases_for(task.exercise_id, seed, hidden=True)
    frozen = [[freeze(tuple(c.args)), freeze(dict(c.kwargs))] for c in cases]
    if "unreadable" in json.dumps(frozen):
        job["rng"] = np.random.default_rng([seed, 1]).bit_generator.state
    else:
        job["cases"] = frozen
    return job


def _run_sandbox(job: dict, timeout: float, isolated: bool) -> tuple[dict[int, list], str]:
    """Run the sandbox and collect what it sends back, stamped with this process's clock:
    {task index: [(seconds since the task's previous frame, frame)]}, and '' or how the process ended."""
    argv = [sys.executable, "-I", "-m", "mlcourse.sandbox"]
    env = {"PATH": os.environ.get("PATH", ""), "HOME": tempfile.gettempdir(), "MPLBACKEND": "Agg",
           "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "PYTHONHASHSEED": "0",
           "PYTHONDONTWRITEBYTECODE": "1"}
    if isolated:
        argv, env = jail.command(argv, env={"MPLBACKEND": "Agg"}), {"PATH": os.environ.get("PATH", os.defpath)}
    process = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               env=env, cwd=tempfile.gettempdir(), start_new_session=True)
    frames: dict[int, list] = {}
    ended = ""
    try:
        process.stdin.write(json.dumps(job).encode())
        process.stdin.close()
    except BrokenPipeError:
        pass
    deadline = time.monotonic() + timeout
    last = time.monotonic()
    reader = _Lines(process.stdout.fileno(), RECORD_LIMIT * max(1, len(job["tasks"])))
    for line in reader.lines(deadline):
        now = time.monotonic()
        try:
            frame = json.loads(line)
            k = int(frame["k"])
        except (ValueError, KeyError, TypeError):
            continue
        previous = frames.get(k, [])
        frames.setdefault(k, []).append((now - (previous[-1][2] if previous else last), frame, now))
        last = now
    if reader.expired:
        ended = f"the grading process did not finish within {timeout:.0f} s"
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    returncode = process.wait()
    process.stdout.close()
    if not ended and returncode != 0:
        ended = _ending(returncode)
    return {k: [(gap, frame) for gap, frame, _ in v] for k, v in frames.items()}, ended


class _Lines:
    """Lines read from a pipe until it closes, a deadline passes (`expired`) or `limit` bytes came.
    `lines(deadline, previous)` goes on where `previous` stopped, with a new deadline."""

    def __init__(self, fd: int, limit: int):
        self.fd, self.limit, self.expired, self.total = fd, limit, False, 0
        self.deadline, self._pending = 0.0, []

    def lines(self, deadline: float, previous=None):
        self.deadline = deadline
        return previous if previous is not None else self._read()

    def _read(self):
        import select

        buffer = b""
        while True:
            while self._pending:
                yield self._pending.pop(0)
            left = self.deadline - time.monotonic()
            if left <= 0:
                self.expired = True
                return
            ready, _, _ = select.select([self.fd], [], [], min(left, 1.0))
            if not ready:
                continue
            chunk = os.read(self.fd, 1 << 16)
            if not chunk:
                return
            self.total += len(chunk)
            if self.total > self.limit:
                return
            buffer += chunk
            *complete, buffer = buffer.split(b"\n")
            self._pending.extend(complete)


def _ending(returncode: int) -> str:
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        return f"the grading process was killed by {name}"
    return f"the grading process ended with exit code {returncode}"


def _judge(task: Task, frames: list, seed: int, sandbox_status: str, helpers: list[str] = ()) -> Graded:
    records, notes = _read_records(frames, sandbox_status)
    name = task.exercise_id.split(".", 1)[1]
    cases = grader.cases_for(task.exercise_id, seed, hidden=True)
    header = records.pop(0)[1] if records and records[0][1].get("kind") == "start" else None
    if "lost" in notes:
        notes.remove("lost")
        result = grader.CheckResult(task.exercise_id, False, 0.0, float(len(cases)), f"{name}: not graded, score 0 of "
                                    f"{len(cases)}.\nYour answer cells recursed so deeply that the grader lost track "
                                    "of them (RecursionError); nothing after that can count.", seed)
    elif "cheated" in notes:
        notes.remove("cheated")
        notes.append("refused: it ran mlcourse's reference code")
        result = grader.CheckResult(task.exercise_id, False, 0.0, float(len(cases)), f"{name}: not passed, score 0 of "
                                    f"{len(cases)}.\n`{name}` (or an answer cell it needs) runs mlcourse's own "
                                    "reference code; write the computation yourself.", seed)
    elif header is None or header.get("missing") or header.get("not_callable"):
        why = (f"`{task.function}` is not defined by your answer cells." if header is None or header.get("missing")
               else f"`{task.function}` should be a function, but it is {header['not_callable']}.")
        if header is None and notes:
            why = f"`{name}` could not be graded: {notes[-1]}."
        result = grader.CheckResult(task.exercise_id, False, 0.0, float(len(cases)),
                                    f"{name}: not checked.\n{why}", seed)
    else:
        calls = iter(records)
        ended = notes[-1] if notes else "the grading process stopped early"

        def call_for(case):
            gap, record = next(calls, (0.0, None))
            if record is None or record.get("kind") != "call":
                return f"`{name}` was stopped: {ended}."
            call = thaw_call(record, case)
            if isinstance(call, grader.Call) and gap > grader.CALL_TIME_LIMIT + CLOCK_SLACK:
                call.expired, call.seconds = True, gap  # timed here, whatever the sandbox said
                notes.append(f"a call took {gap:.1f} s by the grader's clock (the limit is "
                             f"{grader.CALL_TIME_LIMIT:g} s)")
            if isinstance(call, grader.Call) and call.raised is not None and not call.expired and \
                    _REFUSED.search(f"{call.raised.type_name}: {call.raised.text}"):
                notes.append(f"refused: {call.raised.type_name}: {call.raised.text[:120]}")
            if isinstance(call, grader.Call) and call.cheated:
                notes.append("refused: it ran mlcourse's reference code")
            return call

        result = grader.judge_calls(task.exercise_id, cases, call_for, header.get("name", task.function), seed)
    notes = list(dict.fromkeys(notes))  # each once
    feedback = result.feedback + (f"\n{grader.helpers_sentence(name, result.passed, list(helpers))}" if helpers and
                                  header is not None and header.get("name") else "")
    feedback += f"\n(graded on hidden cases in a separate process, seed {seed})"
    if notes:
        feedback += "\nWhile grading: " + "; ".join(notes) + "."
    return Graded(task, grader.points_earned(result, task.points), feedback, notes)


def _read_records(frames: list, sandbox_status: str) -> tuple[list[tuple[float, dict]], list[str]]:
    """The records the exercise's process wrote, with the time since the previous one, and the notes:
    what its cells reported, then how it ended (as the sandbox's supervisor saw it)."""
    records, notes, ended = [], [], None
    for gap, frame in frames:
        record = frame.get("r")
        if frame.get("end") is not None:
            ended = str(frame["end"])[:300]
        elif isinstance(record, dict) and record.get("kind") == "note":
            notes.append(str(record.get("text", ""))[:300])
        elif isinstance(record, dict):
            records.append((gap, record))
    ended = ended if ended is not None else sandbox_status or "the grading process ended"
    if ended and ended != "finished":
        notes.append(ended)
    return records, notes


# ---------------------------------------------------------------------------------------------------
# Records: the student's results as plain data


class Unreadable:
    """Stands in for a result that is not plain data (a student's own object): it compares as itself."""

    def __init__(self, type_name: str):
        self.type_name = type_name

    def __repr__(self) -> str:
        return f"<a {self.type_name} object>"


# Pristine primitives, bound when this module is imported, before any student code runs.
_ndarray, _generic = np.ndarray, np.generic
_tobytes, _array = np.ndarray.tobytes, np.array
_dtype_of, _shape_of = np.ndarray.dtype.__get__, np.ndarray.shape.__get__
_PLAIN_KINDS = frozenset("biufc")  # bool, int, unsigned, float, complex arrays
_b64 = base64.b64encode
_float_hex, _int_str = float.hex, int.__repr__
_type, _isinstance = type, isinstance


def freeze(value, depth: int = 0, same: bool = False):
    """`value` as JSON-ready data, read through numpy's and Python's own C methods so that a subclass
    cannot lie about its contents. With `same=True` leaves that are not arrays become ["same"] (for
    arguments, where only arrays can have been changed in place)."""
    kind = _type(value)
    if depth > 24:
        return ["unreadable", "deeply nested object"]
    if issubclass(kind, _ndarray) or issubclass(kind, _generic):
        array = value if issubclass(kind, _ndarray) else _array(value)
        dtype = _dtype_of(array)
        if dtype.kind not in _PLAIN_KINDS:
            return ["unreadable", f"numpy array of dtype {dtype}"]
        tag = "array" if issubclass(kind, _ndarray) else "scalar"
        return [tag, dtype.str, list(_shape_of(array)), _b64(_tobytes(array)).decode()]
    if kind in (tuple, list):
        return [kind.__name__, [freeze(v, depth + 1, same) for v in (tuple.__iter__ if kind is tuple else list.__iter__)(value)]]
    if kind is dict:
        return ["dict", [[freeze(k, depth + 1), freeze(v, depth + 1, same)] for k, v in dict.items(value)]]
    if same:
        return ["same"]
    if value is None:
        return ["none"]
    if kind is bool:
        return ["bool", value is True]
    if issubclass(kind, bool):
        return ["unreadable", kind.__name__]
    if issubclass(kind, int):
        return ["int", _int_str(value)]
    if issubclass(kind, float):
        return ["float", _float_hex(value)]
    if issubclass(kind, complex):
        return ["complex", _float_hex(complex.real.__get__(value)), _float_hex(complex.imag.__get__(value))]
    if issubclass(kind, str):
        return ["str", str.__str__(value)[:2000]]
    return ["unreadable", getattr(kind, "__name__", "object")[:60]]


def thaw(data, original=None):
    """The judge's copy of a frozen value (["same"] gives back `original`)."""
    tag = data[0]
    if tag == "same":
        return original
    if tag == "none":
        return None
    if tag in ("array", "scalar"):
        dtype = np.dtype(data[1])
        if dtype.kind not in _PLAIN_KINDS:
            return Unreadable("array")
        shape = tuple(int(n) for n in data[2])
        array = np.frombuffer(base64.b64decode(data[3]), dtype=dtype).reshape(shape).copy()
        return array if tag == "array" else array[()]
    if tag in ("tuple", "list"):
        originals = original if isinstance(original, (tuple, list)) and len(original) == len(data[1]) else None
        items = [thaw(v, originals[i] if originals is not None else None) for i, v in enumerate(data[1])]
        return tuple(items) if tag == "tuple" else items
    if tag == "dict":
        out = {}
        for k, v in data[1]:
            key = thaw(k)
            out[key] = thaw(v, original.get(key) if isinstance(original, dict) else None)
        return out
    if tag == "bool":
        return bool(data[1])
    if tag == "int":
        return int(data[1])
    if tag == "float":
        return float.fromhex(data[1])
    if tag == "complex":
        return complex(float.fromhex(data[1]), float.fromhex(data[2]))
    if tag == "str":
        return str(data[1])
    return Unreadable(str(data[1])[:60])


def freeze_call(call: grader.Call) -> dict:
    raised = None if call.raised is None else {k: str(v)[:500] for k, v in vars(call.raised).items()}
    return {"kind": "call", "got": freeze(call.got), "raised": raised, "args": freeze(call.args, same=True),
            "kwargs": freeze(call.kwargs, same=True), "warnings": [w[:300] for w in call.warnings[:5]],
            "printed": call.printed[:2000], "printed_lines": call.printed_lines, "seconds": call.seconds,
            "expired": call.expired, "cheated": call.cheated}


def thaw_call(record: dict, case: grader.Case) -> grader.Call | str:
    try:
        raised = record.get("raised")
        return grader.Call(
            got=thaw(record["got"]), raised=grader.Raised(**{k: str(v) for k, v in raised.items()}) if raised else None,
            args=tuple(thaw(record["args"], tuple(case.args))), kwargs=thaw(record["kwargs"], dict(case.kwargs)),
            warnings=[str(w) for w in record.get("warnings", [])], printed=str(record.get("printed", "")),
            printed_lines=int(record.get("printed_lines", 0)), seconds=float(record.get("seconds", 0.0)),
            expired=bool(record.get("expired")), cheated=bool(record.get("cheated")))
    except (KeyError, TypeError, ValueError, IndexError, AttributeError):
        return "the record of this call could not be read (was the grading process tampered with?)"


# ---------------------------------------------------------------------------------------------------
# Which answer cells an exercise needs


def defined_names(source: str) -> set[str]:
    """Names a cell binds at its top level (functions, classes, assignments, imports)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
        else:
            for sub in ast.walk(node):
                if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
                    names.add(sub.id)
    return names


def used_names(source: str) -> set[str]:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}


def needed_cells(function: str, answers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The answer cells that define `function` and, transitively, the names their code uses, in order."""
    defines = [defined_names(source) for _, source in answers]
    wanted, needed, changed = {function}, set(), True
    while changed:
        changed = False
        for k, (_, source) in enumerate(answers):
            if k not in needed and defines[k] & wanted:
                needed.add(k)
                wanted |= used_names(source)
                changed = True
    return [answers[k] for k in sorted(needed)]


# ---------------------------------------------------------------------------------------------------
# The sandbox process


def main() -> int:
    """The sandbox: read the job, run the setup cell, then grade each exercise in a forked child whose
    records it relays to the judge (stdout), framed with the exercise's index."""
    job = json.loads(sys.stdin.buffer.read())
    relay = os.fdopen(os.dup(1), "wb")  # the judge's pipe; fd 1 and 2 go nowhere from now on
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    if job.get("isolated"):
        jail.restrict(jail.SANDBOX_LIMITS)
        import pyseccomp  # noqa: F401 - load libseccomp while this process may still start ldconfig
    else:
        with contextlib.suppress(ImportError, ValueError, OSError):
            import resource

            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    def send(frame: dict) -> None:
        relay.write(json.dumps(frame).encode() + b"\n")
        relay.flush()

    setup_ns = {"__name__": "__main__", "__builtins__": builtins, "get_ipython": _OfflineShell}
    with _silenced():
        try:
            exec(compile(job["setup"], "<setup cell>", "exec"), setup_ns)
        except BaseException as exc:  # noqa: BLE001 - the instructor's setup cell failed: say so per exercise
            for k in range(len(job["tasks"])):
                send({"k": k, "end": f"the setup cell raised {type(exc).__name__}: {exc}"[:300]})
            return 0
    for k, task in enumerate(job["tasks"]):
        _grade_one(k, task, job, setup_ns, send, relay.fileno())
    return 0


def _grade_one(k: int, task: dict, job: dict, setup_ns: dict, send, relay_fd: int) -> None:
    """Grade one exercise in a forked child and relay its records. The child gets its own pipe and
    closes the judge's, so it can write nothing but its own records; it is killed when it stays silent
    longer than its cells or a call may take, or runs past the exercise's limit."""
    if not hasattr(os, "fork"):
        send({"k": k, "end": "this system cannot fork a process per exercise"})
        return
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: from here on it runs the student's code and never returns
        code = 0
        try:
            os.close(read_end)
            os.close(relay_fd)
            _run_exercise(task, job, dict(setup_ns), os.fdopen(write_end, "w", encoding="utf-8"))
        except BaseException:  # noqa: BLE001
            code = 3
        os._exit(code)
    os.close(write_end)
    cells = len(needed_cells(task["function"], [tuple(a) for a in job["answers"]]))
    cell_limit = float(job.get("cell_limit", CELL_TIME_LIMIT))
    cell_phase = cell_limit * (cells + 1) + 10
    call_phase = float(job.get("call_limit", grader.CALL_TIME_LIMIT)) + 3 * CLOCK_SLACK
    limit = time.monotonic() + float(job.get("timeout", EXERCISE_TIME_LIMIT))
    # answer cells that ran past their limit: "slow" (stopped) ones run again briefly for later exercises,
    # "deaf" ones (killed) not at all, so one endless loop costs one cell limit, not one per exercise
    stuck = job.setdefault("stuck", {})
    reader = _Lines(read_end, RECORD_LIMIT)
    ended, started, running = "", False, None
    lines = reader.lines(min(limit, time.monotonic() + cell_phase))
    while True:
        line = next(lines, None)
        if line is None:
            break
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if not isinstance(record, dict):
            continue
        wait = call_phase if started else cell_phase
        if record.get("kind") == "cell" and isinstance(record.get("label"), str):  # for the supervisor only
            running = record["label"]
            wait = _cell_limit(running, stuck, cell_limit) + CELL_SLACK
        else:
            if record.get("kind") == "note" and record.get("stuck") == running and running is not None:
                stuck.setdefault(running, "slow")
            send({"k": k, "r": record})
            started = started or record.get("kind") == "start"
            wait = call_phase if started else wait
        lines = reader.lines(min(limit, time.monotonic() + wait), lines)
    if reader.expired:
        if not started and running is not None and time.monotonic() < limit:
            stuck[running] = "deaf"
        ended = (f"the grading process for this exercise did not finish within {job['timeout']:.0f} s"
                 if time.monotonic() >= limit else
                 "a call ran past its time limit and would not stop; it was killed" if started else
                 f"answer cell `{running}` ran past its time limit and would not stop; it was killed"
                 if running is not None else
                 "an answer cell ran past its time limit and would not stop; it was killed")
    elif reader.total > RECORD_LIMIT:
        ended = "the exercise wrote more records than allowed; it was stopped"
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    _, wait_status = os.waitpid(pid, 0)
    os.close(read_end)
    returncode = os.waitstatus_to_exitcode(wait_status)
    if not ended:
        ended = "finished" if returncode in (0, -signal.SIGKILL) else "cheated" if returncode == CHEATED_EXIT \
            else "lost" if returncode == LOST_EXIT else \
            _ending(returncode).replace("grading process", "grading process for this exercise")
    send({"k": k, "end": ended})


def _run_exercise(task: dict, job: dict, ns: dict, records) -> None:
    exercise_id, function = task["exercise"], task["function"]
    ex = grader.exercise(exercise_id)
    if "cases" in task:
        cases = [grader.Case(tuple(thaw(args)), thaw(kwargs)) for args, kwargs in task["cases"]]
    else:
        rng = np.random.Generator(np.random.PCG64())
        rng.bit_generator.state = task["rng"]
        cases = ex.cases(rng)
    forbidden = grader._reference_code_keys(ex)
    if job.get("isolated"):
        import resource

        spent = resource.getrusage(resource.RUSAGE_SELF).ru_utime  # the child's CPU time: this exercise's only
        cpu = int(spent + float(job.get("timeout", EXERCISE_TIME_LIMIT))) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
        jail.lock(signals_to_self_only=True)
    else:
        with contextlib.suppress(Exception):  # seccomp where it is available, even without the jail
            jail.lock(signals_to_self_only=True)
    write_text, flush, dumps, call_student, freeze_call_ = records.write, records.flush, json.dumps, \
        grader.call_student, freeze_call  # bound now: the student's code may rebind the module names later
    # the functions it calls from earlier exercises: the references (unless the instructor chose the
    # students' own), found before any student code runs and reachable only from the graded function
    helpers, with_references = grader.injected_references(ex, job.get("graded_with")), grader.with_references

    def write(record: dict) -> None:
        write_text(dumps(record) + "\n")
        flush()

    watching = _guard(forbidden)
    stuck, cell_limit = dict(job.get("stuck", {})), float(job.get("cell_limit", CELL_TIME_LIMIT))
    for label, source in needed_cells(function, [tuple(a) for a in job["answers"]]):
        if stuck.get(label) == "deaf":
            write({"kind": "note", "text": f"answer cell `{label}` was not run: for an earlier exercise it ran "
                                         "past its time limit and would not stop"})
            continue
        write({"kind": "cell", "label": label})
        note, stopped = _run_cell(label, source, ns, _cell_limit(label, stuck, cell_limit))
        if note and stuck.get(label) == "slow":
            note += f" (for an earlier exercise it ran past {cell_limit:g} s)"
        if note:
            write({"kind": "note", "text": note, **({"stuck": label} if stopped else {})})
        watching()
    fn = ns.get(function)
    if function not in ns:
        write({"kind": "start", "missing": True})
        return
    if not callable(fn):
        write({"kind": "start", "not_callable": grader._kind(fn)})
        return
    write({"kind": "start", "name": function})
    fn = with_references(fn, helpers)
    for case in cases:
        call = call_student(fn, case, forbidden, helpers)
        watching()
        write(freeze_call_(call))
        if call.stops:
            break


def _cell_limit(label: str, stuck: dict, limit: float) -> float:
    """The seconds answer cell `label` may run: its limit, or briefly if it ran past it before."""
    return min(limit, RERUN_CELL_LIMIT) if stuck.get(label) == "slow" else limit


def _run_cell(label: str, source: str, ns: dict, limit: float) -> tuple[str, bool]:
    """Run one answer cell's top-level code; ('' or a sentence on what went wrong, whether it was stopped)."""
    try:
        code = compile(source, f"{_CELL_PREFIX}{label}>", "exec")
    except SyntaxError as exc:
        return f"answer cell `{label}` has a syntax error (line {exc.lineno}): {exc.msg}", False
    deadline = grader._Deadline(limit)
    with _silenced():
        try:
            deadline.call(exec, (code, ns), {})
        except BaseException as exc:  # noqa: BLE001 - report it and grade what the cell defined before
            if deadline.expired:
                return f"answer cell `{label}` was stopped after {limit:g} s", True
            text = BaseException.__str__(exc)[:200]
            said = f"answer cell `{label}` raised {type(exc).__name__} at its top level"
            return said + (f" ({text})" if text else ""), False
    return (f"answer cell `{label}` was stopped after {limit:g} s", True) if deadline.expired else ("", False)


@contextlib.contextmanager
def _silenced():
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        yield


# --- the guard: an audit hook and a profile hook that stay for the rest of the process

CHEATED_EXIT = 97  # the exit code of a sandbox that caught the student's code running mlcourse's references
LOST_EXIT = 98  # ... or that lost its watch on the student's code
_BLOCKED = frozenset({
    "marshal.loads", "marshal.load", "sys.setprofile", "sys.settrace", "sys._getframe", "sys._current_frames", "sys.addaudithook",
    "code.__new__", "compile", "exec", "gc.get_objects", "gc.get_referrers", "gc.get_referents",
    "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty", "os.kill", "os.killpg",
    "subprocess.Popen", "object.__getattr__", "object.__setattr__", "object.__delattr__", "open"})


def _guard(forbidden: frozenset):
    """From here on the student's code runs. Install, for good, an audit hook that refuses what could
    switch off or get round the reference spy, and a profile hook that ends the process (exit code
    CHEATED_EXIT) as soon as code of the reference files runs outside a graded call. New threads are
    switched off (a profile hook sees only its own thread); in the jail the seccomp filter refuses them
    (and processes) at the kernel, whatever way the code finds to ask."""
    trace_setters = frozenset({grader._Deadline.call.__code__, grader._Deadline._arm.__code__})
    exit_now, getframe, package, blocked_events = os._exit, sys._getframe, _PACKAGE_DIR, _BLOCKED
    realpath, fsdecode, fspath, package_name = os.path.realpath, os.fsdecode, os.fspath, os.path.basename(package)
    busy = [False]
    trusted_files = frozenset({grader.__file__, __file__})
    import inspect
    import logging
    import traceback

    frame_helpers = frozenset({inspect.__file__, traceback.__file__, logging.__file__})  # they return frames
    import sysconfig

    paths = sysconfig.get_paths()
    trusted_roots = tuple({paths[k] for k in ("stdlib", "platstdlib", "purelib", "platlib")} | {package, "<frozen "})

    def untrusted(filename: str) -> bool:
        """Code that is not installed Python or library code: the answer cells, and anything the student
        compiled or wrote to a file."""
        return not filename.startswith(trusted_roots) or filename.startswith(package + "/__main__")

    def student_on_stack(frame) -> bool:
        while frame is not None:
            if untrusted(frame.f_code.co_filename):
                return True
            frame = frame.f_back
        return False

    def audit(event: str, args: tuple) -> None:
        if busy[0] or not (event in blocked_events or event.startswith("ctypes.")):
            return
        busy[0] = True
        try:
            blocked = _refused(event, args, getframe(1))
        except RecursionError:
            raise  # refused all the same, and the reference spy reports the deep recursion
        except BaseException:  # noqa: BLE001 - an audit hook that fails must still refuse
            blocked = True
        finally:
            busy[0] = False
        if blocked:
            raise RuntimeError(f"{event} is not allowed in graded code")

    def _refused(event: str, args: tuple, caller) -> bool:
        """Whether to refuse `event`, raised from `caller`'s frame. Nothing is refused unless the
        student's code is on the stack; then most events are, and a few that libraries need (imports,
        reading frames and code) only where they would hand mlcourse's code or the grader's frames over."""
        if not student_on_stack(caller):
            return False
        where = caller.f_code.co_filename
        if event == "sys.settrace":
            return caller.f_code not in trace_setters
        if event in ("object.__getattr__", "sys._getframe", "sys._current_frames"):
            if where in trusted_files:
                return False  # the grader's hooks read frames and code
            target = args[0] if args else None
            mine = event == "object.__getattr__" and str(getattr(target, "__module__", "")).startswith("mlcourse")
            return mine or untrusted(where) or where in frame_helpers
        if event in ("exec", "compile", "open"):
            target = args[1] if event == "compile" and len(args) > 1 else args[0] if args else None
            target = getattr(target, "co_filename", target)
            if isinstance(target, int) or target is None:
                return False  # open() of a file descriptor
            target = fsdecode(fspath(target))
            if event == "compile":  # the student's code may not pass itself off as installed code
                return target.startswith(trusted_roots) and not target.startswith("<")
            if event == "open":
                # a relative path may be meant relative to an open folder (dir_fd), which the event
                # does not show: refuse any that names the package's folder
                if not target.startswith("/") and package_name in target.replace("\\", "/").split("/"):
                    return True
                target = realpath(target)  # the real file, whatever the spelling: ./, //, .., links
            return target == package or target.startswith(package + "/")
        if event in ("marshal.loads", "marshal.load"):
            return not where.startswith("<frozen importlib")  # importing a compiled module is fine
        if event in ("object.__setattr__", "object.__delattr__"):
            owner_module = str(getattr(args[0], "__module__", "")) if args else ""
            return owner_module != "__main__" and (owner_module.startswith(("mlcourse", "numpy")) or untrusted(where))
        return True

    def spy(frame, event, arg):
        try:
            if event == "call" and frame.f_code.co_filename in forbidden:
                exit_now(CHEATED_EXIT)
        except RecursionError:
            exit_now(LOST_EXIT)
        except BaseException:  # noqa: BLE001
            exit_now(CHEATED_EXIT)

    def watching() -> None:
        """End the process if the profile hook is gone: Python drops a hook that fails, which a very deep
        recursion can force, and anything could have run unwatched since."""
        if sys.getprofile() is not spy:
            exit_now(LOST_EXIT)

    sys.addaudithook(audit)
    sys.setprofile(spy)
    import _thread
    import threading

    def no_threads(*args, **kwargs):
        raise RuntimeError("threads are not available while grading")

    _thread.start_new_thread = _thread.start_new = threading._start_new_thread = no_threads
    return watching


if __name__ == "__main__":
    sys.exit(main())

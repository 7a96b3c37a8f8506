"""An OS-level jail for everything that runs a student's code while grading: nbgrader's kernel for the
notebook and the sandbox that runs the hidden checks (`mlcourse.sandbox`).

Built from maintained tools, not by hand:

- **bubblewrap** (`bwrap`) gives each jailed process its own user, process, network, IPC, UTS and cgroup
  namespaces (no network, no other process visible, uid 65534 inside, no capabilities, no further user
  namespaces) and a file system made of read-only views of the system (`/usr`, the libraries, a few
  files of `/etc`), of Python and the installed packages, plus a private `/tmp` and home (size-limited
  tmpfs) and, for a kernel, a copy of that student's own submission folder. Nothing else of the host is
  there: not the course folder, the gradebook, other submissions, `source/`, `release/`, `/root`.
  It dies with the process that started it.
- **resource limits** (`setrlimit`, lowered for good before any student code runs): address space,
  CPU time, size of a written file, number of processes, open files, no core dumps.
- **seccomp** (libseccomp, through `pyseccomp`): once the student's code is about to run, no new thread
  or process (`clone`, `clone3`, `fork`, `vfork`), no `exec`, no `ptrace` or access to another
  process's memory, no new namespaces or mounts, no `bpf`, `perf_event_open`, `userfaultfd`, `io_uring`
  or kernel keyrings; in the sandbox signals only to itself.

`mlcourse.jail_kernel` starts nbgrader's kernel in a jail; the sandbox calls `restrict()` and `lock()`
itself.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from dataclasses import dataclass
from pathlib import Path


NO_ISOLATION = "MLCOURSE_NO_ISOLATION"  # "1": run students' code without the jail (the instructor said so)
JAIL_UID = 65534  # "nobody" inside the jail
HOME = "/home/student"  # the jailed process's home and working folder (private, writable)
HOW_TO_GET = ("Grading runs every submission in a bubblewrap jail. Install it (Debian/Ubuntu: "
              "`sudo apt install bubblewrap`; Fedora: `sudo dnf install bubblewrap`) on Linux with user "
              "namespaces enabled, or grade inside the container described in the README (\"How grades are "
              "protected\"). To grade without the jail anyway, pass --no-isolation (recorded for every "
              "student in grading-records.csv).")


@dataclass(frozen=True)
class Limits:
    memory: int  # bytes of address space
    cpu: int  # seconds of CPU time
    file_size: int  # bytes, the largest file it may write
    processes: int  # processes and threads of this user inside the jail
    open_files: int = 256
    scratch: int = 256 * 1024 * 1024  # bytes of its private /tmp and home, each


KERNEL_LIMITS = Limits(memory=4 * 1024**3, cpu=900, file_size=64 * 1024**2, processes=64)
SANDBOX_LIMITS = Limits(memory=2 * 1024**3, cpu=600, file_size=64 * 1024**2, processes=16)


class JailUnavailable(RuntimeError):
    """The jail cannot be set up here; the message says why and how to get it."""


def isolation_wanted() -> bool:
    return os.environ.get(NO_ISOLATION, "") != "1"


@functools.lru_cache(maxsize=1)
def problem() -> str:
    """'' if a jail can be set up on this machine, else why not (one sentence)."""
    if not sys.platform.startswith("linux"):
        return f"bubblewrap jails need Linux (this is {sys.platform})"
    if shutil.which("bwrap") is None:
        return "bubblewrap (bwrap) is not installed"
    try:
        import pyseccomp  # noqa: F401 - loads libseccomp
    except (ImportError, OSError, RuntimeError) as exc:
        return f"libseccomp's Python binding (pyseccomp) cannot be loaded: {exc}"
    try:
        done = subprocess.run(command(["true"]), capture_output=True, timeout=30, env={"PATH": os.defpath})
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"bubblewrap could not be started: {exc}"
    if done.returncode != 0:
        why = done.stderr.decode(errors="replace").strip().splitlines()
        return f"bubblewrap cannot create a jail here ({why[-1] if why else done.returncode}); " \
               "are user namespaces switched off (sysctl kernel.unprivileged_userns_clone)?"
    return ""


def require() -> None:
    """Raise JailUnavailable unless a jail can be set up or the instructor switched isolation off."""
    if isolation_wanted() and problem():
        raise JailUnavailable(f"Cannot isolate students' code: {problem()}. {HOW_TO_GET}")


def _system_paths() -> tuple[list[str], dict[str, str]]:
    """What a Python program needs to see of the host, all read-only: the system's programs and
    libraries, this Python, its virtual environment and the installed packages (mlcourse included).
    Gives the folders to bind and the top-level links to recreate (/bin -> usr/bin on merged-/usr)."""
    import mlcourse

    links = {p: os.readlink(p) for p in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32") if os.path.islink(p)}
    wanted = ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", sys.base_prefix, sys.prefix,
              str(Path(mlcourse.__file__).resolve().parent), os.path.dirname(os.path.realpath(sys.executable))]
    wanted += [sysconfig.get_paths()[k] for k in ("stdlib", "platstdlib", "purelib", "platlib")]
    real = sorted({os.path.realpath(p) for p in wanted if p not in links and os.path.exists(p)} - {"/"})
    folders = [p for p in real if not any(p.startswith(q + "/") for q in real)]  # drop those inside another
    return folders, links


_ETC = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "nsswitch.conf", "passwd", "group",
        "mime.types", "fonts", "ssl/openssl.cnf")


def command(argv: list[str], env: dict[str, str] | None = None, binds: dict[str, str] | None = None,
            proc: bool = False, limits: Limits = SANDBOX_LIMITS) -> list[str]:
    """`argv` wrapped in bwrap: see the module's docstring. `binds` maps host folders to writable places
    inside the jail; `proc` mounts a /proc of the jail's own processes (the kernel needs one; the
    sandbox does without, so no process can reach another's memory or file descriptors through it)."""
    jail = ["bwrap", "--unshare-all", "--unshare-user", "--uid", str(JAIL_UID), "--gid", str(JAIL_UID),
            "--disable-userns", "--die-with-parent", "--new-session", "--cap-drop", "ALL", "--clearenv"]
    # the private scratch first: Python or the course may be installed under /tmp (a clone there), and a
    # folder bound after the tmpfs shows through it, read-only, where one bound before would be hidden
    for place in ("/tmp", HOME):
        jail += ["--size", str(limits.scratch), "--perms", "0700", "--tmpfs", place]
    folders, links = _system_paths()
    for path in folders:
        jail += ["--ro-bind", path, path]
    for link, target in links.items():
        jail += ["--symlink", target, link]
    for name in _ETC:
        jail += ["--ro-bind-try", f"/etc/{name}", f"/etc/{name}"]
    jail += ["--dev", "/dev"]
    if proc:
        jail += ["--proc", "/proc"]
    for host, inside in (binds or {}).items():
        jail += ["--bind", host, inside]
    for cache in font_cache():  # read-only, in the writable MPLCONFIGDIR
        jail += ["--ro-bind", str(cache), f"{HOME}/.matplotlib/{cache.name}"]
    for key, value in {**_base_env(), **(env or {})}.items():
        jail += ["--setenv", key, value]
    return jail + ["--chdir", HOME, "--"] + argv


def _base_env() -> dict[str, str]:
    return {"PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin", "HOME": HOME,
            "TMPDIR": "/tmp", "LANG": "C.UTF-8", "MPLCONFIGDIR": f"{HOME}/.matplotlib", "PYTHONHASHSEED": "0",
            "PYTHONDONTWRITEBYTECODE": "1", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1", "PYDEVD_DISABLE_FILE_VALIDATION": "1"}


def restrict(limits: Limits) -> None:
    """Lower this process's resource limits for good (soft and hard), before any student code runs."""
    import resource

    for which, value in ((resource.RLIMIT_AS, limits.memory), (resource.RLIMIT_CPU, limits.cpu),
                         (resource.RLIMIT_FSIZE, limits.file_size), (resource.RLIMIT_NPROC, limits.processes),
                         (resource.RLIMIT_NOFILE, limits.open_files), (resource.RLIMIT_CORE, 0)):
        soft, hard = resource.getrlimit(which)
        value = value if hard == resource.RLIM_INFINITY else min(value, hard)
        resource.setrlimit(which, (value, value))


_DENIED = ("clone", "clone3", "fork", "vfork", "execve", "execveat", "ptrace", "process_vm_readv",
           "process_vm_writev", "unshare", "setns", "mount", "umount2", "pivot_root", "chroot", "bpf",
           "perf_event_open", "userfaultfd", "io_uring_setup", "keyctl", "add_key", "request_key",
           "kcmp", "pidfd_open", "pidfd_getfd", "open_by_handle_at", "name_to_handle_at")


def lock(signals_to_self_only: bool, all_threads: bool = False) -> None:
    """Load the seccomp filter into this process (every thread with `all_threads`): from now on the
    calls in _DENIED fail with EPERM. Needs no jail; raises if libseccomp cannot be used."""
    import errno

    import pyseccomp as seccomp

    rules = seccomp.SyscallFilter(seccomp.ALLOW)
    for name in _DENIED:
        rules.add_rule(seccomp.ERRNO(errno.EPERM), name)
    if signals_to_self_only:
        me = os.getpid()
        for name in ("kill", "tkill", "tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo"):
            rules.add_rule(seccomp.ERRNO(errno.EPERM), name, seccomp.Arg(0, seccomp.NE, me))
    if all_threads:
        rules.set_attr(seccomp.Attr.CTL_TSYNC, 1)
    rules.load()


@functools.lru_cache(maxsize=1)
def font_cache() -> tuple[Path, ...]:
    """matplotlib's font list, shown in each jail so that no process there rebuilds it (seconds each)."""
    try:
        import matplotlib
        import matplotlib.font_manager  # noqa: F401 - builds the list once, here, if there is none

        return tuple(sorted(Path(matplotlib.get_cachedir()).glob("fontlist-*.json")))
    except Exception:  # noqa: BLE001 - without it a jailed process only starts more slowly
        return ()

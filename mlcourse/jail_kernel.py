"""nbgrader's kernel for a student's notebook, started in a jail (`mlcourse.jail`).

nbgrader's Execute (nbclient) starts kernels through `JailedKernelManager` (grading/nbgrader_config.py via
`mlcourse.autograde.SafeExecute`); inside the jail `python -m mlcourse.jail_kernel -f <connection file>`
lowers the resource limits, starts ipykernel and loads the seccomp filter into all its threads just
before the first cell runs (ipykernel's own threads are running by then).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile

from jupyter_client.manager import AsyncKernelManager

from .jail import HOME, KERNEL_LIMITS, command, lock, restrict


class JailedKernelManager(AsyncKernelManager):
    """Starts the kernel inside a jail (`command`) and talks to it over Unix sockets in a private folder
    (the jail has no network). Asynchronous, like nbclient's default manager. The kernel's working folder is a private copy of the folder nbgrader asks
    for (that student's own submission); its environment holds no grading seed."""

    _jail_dir: str | None = None

    async def _async_pre_start_kernel(self, **kw):
        self._jail_dir = tempfile.mkdtemp(prefix="mlcourse-kernel-")
        run = os.path.join(self._jail_dir, "run")  # the sockets and the connection file, bound writable
        os.makedirs(run)
        self.transport, self.ip = "ipc", os.path.join(run, "kernel")
        self.connection_file = os.path.join(run, "kernel.json")
        return await super()._async_pre_start_kernel(**kw)

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        work = os.path.join(self._jail_dir, "work")
        _copy_folder(kw.get("cwd") or os.getcwd(), work)
        passed = {k: v for k, v in (kw.get("env") or {}).items() if k in ("MPLBACKEND", "LANG", "TERM")}
        # ipykernel's arguments as nbclient asked for them (e.g. an in-memory history), then our entry point
        given = kernel_cmd[kernel_cmd.index("ipykernel_launcher") + 1:] if "ipykernel_launcher" in kernel_cmd else []
        argv = [sys.executable, "-m", "mlcourse.jail_kernel"] + (given or ["-f", self.connection_file])
        cmd = command(argv, env=passed, binds={self._jail_dir + "/run": self._jail_dir + "/run", work: HOME},
                      proc=True, limits=KERNEL_LIMITS)
        kw.update(env={"PATH": os.environ.get("PATH", os.defpath)}, cwd=self._jail_dir)
        return await super()._async_launch_kernel(cmd, **kw)

    async def _async_interrupt_kernel(self):
        """A signal would reach bwrap, not the kernel: ask the kernel itself over its control channel."""
        if self.has_kernel:
            self._connect_control_socket()
            self.session.send(self._control_socket, self.session.msg("interrupt_request", content={}))

    interrupt_kernel = _async_interrupt_kernel

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart)
        if self._jail_dir and not restart:
            shutil.rmtree(self._jail_dir, ignore_errors=True)
            self._jail_dir = None


def _copy_folder(source: str, target: str, limit: int = 256 * 1024 * 1024) -> None:
    """Copy the regular files of `source` (not following links) into `target`, at most `limit` bytes."""
    os.makedirs(target, exist_ok=True)
    total = 0
    for root, dirs, files in os.walk(source, followlinks=False):
        rel = os.path.relpath(root, source)
        for name in files:
            path = os.path.join(root, name)
            if os.path.islink(path) or not os.path.isfile(path):
                continue
            total += os.path.getsize(path)
            if total > limit:
                return
            dest = os.path.join(target, rel, name)
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            shutil.copyfile(path, dest)


def _kernel_main(argv: list[str]) -> int:
    """Inside the jail: limits, then the kernel; the seccomp filter goes on just before the first cell."""
    restrict(KERNEL_LIMITS)
    import pyseccomp  # noqa: F401 - load libseccomp now, while a subprocess (ldconfig) may still start
    from ipykernel.kernelapp import IPKernelApp

    app = IPKernelApp.instance()
    app.initialize(argv)
    locked = []

    def before_cell(*_):
        if not locked:
            from zmq.utils.garbage import gc as zmq_gc

            zmq_gc.start()  # pyzmq's thread for zero-copy sends (figures) starts lazily: start it now
            try:
                lock(signals_to_self_only=False, all_threads=True)
            except BaseException:  # noqa: BLE001 - no student code runs unfiltered: the kernel ends
                os._exit(70)
            locked.append(True)

    app.shell.events.register("pre_run_cell", before_cell)
    app.start()
    return 0


if __name__ == "__main__":
    sys.exit(_kernel_main(sys.argv[1:]))

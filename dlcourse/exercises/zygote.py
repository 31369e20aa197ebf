"""A pre-loaded launcher for the grading sandbox: imports NumPy (and Keras, when an assignment needs it) once,
then forks one sandboxed child per submission, so a Keras submission does not pay TensorFlow's import time.

Started by the grader (``dlcourse.grading.sandbox.Zygote``) with a UNIX socket. For each job it receives the
job and three file descriptors (stdout, stderr, export pipe), forks a child that starts a new session and, when
isolation is on, new mount/network/PID namespaces: the child forks the namespace's first process, which makes the
mounts (``SANDBOX_SCRIPT`` from the grader), drops every capability, sets no_new_privs and runs
``dlcourse.exercises.runner.run_job``. It reports the child's pid and, later, its exit status.

Like the runner this is student-side code: it must not import ``dlcourse.grading``.
"""

from __future__ import annotations

import ctypes
import importlib
import json
import os
import signal
import socket
import struct
import subprocess
import sys

CLONE_NEWNS, CLONE_NEWPID, CLONE_NEWNET = 0x00020000, 0x20000000, 0x40000000
PR_SET_PDEATHSIG, PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS = 1, 24, 38


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


def _libc():
    return ctypes.CDLL(None, use_errno=True)


def drop_capabilities() -> None:
    libc = _libc()
    for cap in range(64):
        libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0)
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS)")
    header, data = _CapHeader(0x20080522, 0), (_CapData * 2)()
    if libc.capset(ctypes.byref(header), data) != 0:
        raise OSError(ctypes.get_errno(), "capset")


def _send(sock: socket.socket, message: dict) -> None:
    data = json.dumps(message).encode()
    sock.sendall(struct.pack(">I", len(data)) + data)


def _recv_exact(sock: socket.socket, size: int) -> bytes:
    chunks, got = [], 0
    while got < size:
        chunk = sock.recv(min(size - got, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def _sandboxed(job: dict, out_fd: int, err_fd: int, export_fd: int) -> None:
    """In the forked child: new session, namespaces, mounts, no capabilities, then the runner. Never returns."""
    from dlcourse.exercises import runner

    os.setsid()
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(out_fd, 1)
    os.dup2(err_fd, 2)
    for fd in (null, out_fd, err_fd):
        os.close(fd)
    script = job.pop("sandbox_script", None)
    if script is not None:
        if _libc().unshare(CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWPID) != 0:
            os.write(2, b"sandbox: unshare failed\n")
            os._exit(112)
        first = os.fork()  # the first process of the new PID namespace; all others die with it
        if first:
            os.close(export_fd)
            _, status = os.waitpid(first, 0)
            os._exit(os.waitstatus_to_exitcode(status) & 0xFF)
        _libc().prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        done = subprocess.run(["sh", "-c", script], stdin=subprocess.DEVNULL)
        if done.returncode != 0:
            os.write(2, b"sandbox: setting up the mounts failed\n")
            os._exit(113)
        try:
            drop_capabilities()
        except OSError as exc:
            os.write(2, f"sandbox: {exc}\n".encode())
            os._exit(114)
    job["fd"] = export_fd
    runner.run_job(job)
    os._exit(0)


def main() -> None:
    sock = socket.socket(fileno=int(sys.argv[1]))
    for name in json.loads(sys.argv[2]):
        try:
            importlib.import_module(name)
        except Exception as exc:  # noqa: BLE001 - a missing optional module only costs time later
            print(f"zygote: could not preload {name}: {exc}", file=sys.stderr)
    import dlcourse.exercises.runner  # noqa: F401 - imported before forking

    _send(sock, {"ready": True})
    while True:
        try:
            header, fds, _, _ = socket.recv_fds(sock, 4, 3)
            if len(header) < 4:
                header += _recv_exact(sock, 4 - len(header))
            job = json.loads(_recv_exact(sock, struct.unpack(">I", header)[0]))
        except (EOFError, OSError, ValueError, struct.error):
            return
        if len(fds) != 3:
            for fd in fds:
                os.close(fd)
            return
        pid = os.fork()
        if pid == 0:
            try:
                sock.close()
                _sandboxed(job, *fds)
            finally:
                os._exit(111)
        for fd in fds:
            os.close(fd)
        _send(sock, {"pid": pid})
        os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT)  # ended, but not reaped: its group id is still ours
        try:
            os.killpg(pid, signal.SIGKILL)  # whatever it left behind in its session
        except OSError:
            pass
        _, status = os.waitpid(pid, 0)
        _send(sock, {"exit": os.waitstatus_to_exitcode(status)})


if __name__ == "__main__":
    main()

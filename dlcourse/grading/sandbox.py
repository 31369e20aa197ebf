"""Running untrusted submission code: one process (tree) per submission, limited and isolated.

On Linux, when ``unshare`` works (as root, or with unprivileged user namespaces), the runner gets

* new network, mount and PID namespaces: no network at all; every mount read-only; a small private ``/tmp``
  (its working directory, size-limited) and ``/dev/shm``; the solutions, hidden checks, submissions and output
  folders covered by empty mounts; it sees only its own processes, and all of them die with it;
* no capabilities (``setpriv --bounding-set=-all --no-new-privs``), so it cannot undo any of that.

Everywhere the runner also sets rlimits on itself before any student code runs: address space (memory), CPU
seconds, file size, number of processes/threads and no core files; a per-cell alarm; and the parent kills the
whole process group at the wall-clock timeout. Without namespaces (macOS, containers that forbid them) only the
rlimits, the private working directory, the process group and the timeout apply; ``isolation_mode()`` says
which, and the grader prints a warning.
"""

from __future__ import annotations

import functools
import json
import os
import shlex
import shutil
import queue
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

MAGIC = b"DLC1"
RUNNER = Path(__file__).resolve().parents[1] / "exercises" / "runner.py"
ZYGOTE = Path(__file__).resolve().parents[1] / "exercises" / "zygote.py"


@dataclass
class Limits:
    """Resource limits for one submission."""

    timeout: float = 180.0  # wall clock, whole submission
    cell_timeout: float = 60.0  # per cell (alarm inside the runner)
    memory_gb: float = 4.0  # address space; TensorFlow needs about 3
    disk_mb: int = 256  # private /tmp (namespaces) and largest file
    output_bytes: int = 100_000  # stdout/stderr kept (the rest is read and dropped)
    export_bytes: int = 64 * 2**20  # all exported answers together
    threads: int = 1  # BLAS/TensorFlow threads per submission


@dataclass
class RunResult:
    records: list[tuple[dict, bytes]] = field(default_factory=list)
    stdout: str = ""
    stderr: str = ""
    returncode: int | None = None
    timed_out: bool = False
    seconds: float = 0.0
    protocol_error: str | None = None
    isolation: str = "rlimits"


def _unshare_prefix() -> list[str]:
    flags = ["--net", "--mount", "--pid", "--fork", "--kill-child"]
    if os.geteuid() != 0:
        flags.insert(0, "--map-root-user")
    return ["unshare", *flags, "--"]


@functools.lru_cache(maxsize=1)
def isolation_mode() -> str:
    """``"namespaces"`` if the full Linux isolation works here, else ``"rlimits"``."""
    if not sys.platform.startswith("linux") or not all(shutil.which(t) for t in ("unshare", "mount", "sh")):
        return "rlimits"
    try:
        probe = subprocess.run([*_unshare_prefix(), "sh", "-c", sandbox_script([], 1, exec_command=False)],
                               capture_output=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return "rlimits"
    return "namespaces" if probe.returncode == 0 else "rlimits"


def sandbox_script(hide: list[Path], disk_mb: int, *, exec_command: bool) -> str:
    """The shell script that sets up the mounts inside fresh mount/PID namespaces (run as namespace root)."""
    root = os.geteuid() == 0
    lines = ["set -e", "mount --make-rprivate /",
             "mount -t proc -o ro,nosuid,nodev,noexec dlc-proc /proc"]
    for folder in hide:
        lines.append(f"mount -t tmpfs -o size=4k,mode=000 dlc-hidden {shlex.quote(str(folder))}")
    lines += [
        "awk '{print $2}' /proc/self/mounts | while read -r m; do case \"$m\" in /proc|/proc/*) ;; "
        "*) mount -o remount,bind,ro \"$m\" 2>/dev/null || true;; esac; done",
    ]
    keep = _needed_under("/tmp")
    if keep:   # Python, dlcourse or the Keras cache live under /tmp (a CI checkout): carry them into the new /tmp
        lines.append("mount --rbind /tmp /mnt")
    lines.append(f"mount -t tmpfs -o size={int(disk_mb)}m,mode=1777 dlc-tmp /tmp")
    for path in keep:
        inside = shlex.quote(str(path))
        lines += [f"mkdir -p {inside}", f"mount --rbind {shlex.quote('/mnt/' + str(path.relative_to('/tmp')))} {inside}",
                  f"mount -o remount,bind,ro {inside}"]
    if keep:
        lines.append("umount -l /mnt")
    lines.append("if [ -d /var/tmp ]; then mount -t tmpfs -o size=1m,mode=1777 dlc-vartmp /var/tmp; fi")
    if root:  # a fresh /dev with only the harmless devices: no raw disks for a capability-less root
        lines += [
            "mount -t tmpfs -o size=1m,mode=755,nosuid dlc-dev /dev",
            "mknod -m 666 /dev/null c 1 3; mknod -m 666 /dev/zero c 1 5; mknod -m 666 /dev/full c 1 7",
            "mknod -m 666 /dev/random c 1 8; mknod -m 666 /dev/urandom c 1 9",
            "ln -s /proc/self/fd /dev/fd; ln -s /proc/self/fd/0 /dev/stdin",
            "ln -s /proc/self/fd/1 /dev/stdout; ln -s /proc/self/fd/2 /dev/stderr",
            "mkdir /dev/shm && mount -t tmpfs -o size=1m,mode=1777 dlc-shm /dev/shm",
        ]
    else:
        lines.append("if [ -d /dev/shm ]; then mount -t tmpfs -o size=1m,mode=1777 dlc-shm /dev/shm; fi")
    lines.append("mkdir -p /tmp/work && chmod 1777 /tmp/work")
    if exec_command:
        lines.append("cd /tmp/work")
        if shutil.which("setpriv"):
            lines.append('exec setpriv --bounding-set=-all --inh-caps=-all --no-new-privs "$@"')
        else:
            lines.append('exec "$@"')
    return "\n".join(lines)


def _needed_paths() -> list[Path]:
    """What the sandboxed runner must still see: the interpreter, its environment, dlcourse, the Keras cache."""
    needed = [RUNNER.parents[1], Path(sys.executable).resolve().parent, Path(sys.prefix).resolve(),
              Path(sys.base_prefix).resolve()]
    if os.environ.get("KERAS_HOME"):
        needed.append(Path(os.environ["KERAS_HOME"]).resolve())
    return needed


def _needed_under(top: str) -> list[Path]:
    """The outermost needed paths inside ``top`` (which the sandbox replaces by an empty tmpfs)."""
    inside = sorted({p for p in _needed_paths() if Path(top) in p.parents}, key=lambda p: len(p.parts))
    return [p for i, p in enumerate(inside) if not any(q in p.parents for q in inside[:i])]


def _hideable(folders) -> list[Path]:
    """Folders to cover, minus any that hold what the runner itself needs (Python, dlcourse, the Keras cache)."""
    needed = [RUNNER, Path(sys.executable).resolve(), Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve()]
    if os.environ.get("KERAS_HOME"):
        needed.append(Path(os.environ["KERAS_HOME"]).resolve())
    keep = []
    for folder in folders:
        folder = Path(folder).resolve()
        if folder.is_dir() and folder != Path("/") and not any(n == folder or folder in n.parents for n in needed):
            keep.append(folder)
    outermost = []
    for folder in sorted(set(keep), key=lambda p: len(p.parts)):
        if not any(o == folder or o in folder.parents for o in outermost):
            outermost.append(folder)
    return outermost


def _total_tasks() -> int:
    try:
        return int(Path("/proc/loadavg").read_text().split()[3].split("/")[1])
    except (OSError, IndexError, ValueError):
        return 4096


def _drain(stream, limit: int, sink: list[bytes]) -> None:
    kept = 0
    while True:
        chunk = stream.read(65536)
        if not chunk:
            break
        if kept < limit:
            sink.append(chunk[: limit - kept])
            kept += len(sink[-1])


def _read_records(fd: int, limit: int, result: RunResult) -> None:
    """Parse the runner's frames from the pipe until it closes; anything malformed stops parsing."""
    buffer = bytearray()
    total = 0
    with os.fdopen(fd, "rb", buffering=0) as pipe:
        while True:
            chunk = pipe.read(1 << 20)
            if not chunk:
                break
            total += len(chunk)
            if total > limit:
                result.protocol_error = result.protocol_error or f"exports larger than {limit} bytes"
                continue
            if result.protocol_error:
                continue
            buffer += chunk
            while len(buffer) >= 12:
                if buffer[:4] != MAGIC:
                    result.protocol_error = "garbage on the export pipe"
                    break
                header_len, payload_len = struct.unpack(">II", buffer[4:12])
                if header_len > 1 << 20:
                    result.protocol_error = "oversized record header"
                    break
                end = 12 + header_len + payload_len
                if len(buffer) < end:
                    break
                try:
                    header = json.loads(bytes(buffer[12:12 + header_len]))
                    if not isinstance(header, dict):
                        raise ValueError("header is not an object")
                except ValueError:
                    result.protocol_error = "unreadable record header"
                    break
                result.records.append((header, bytes(buffer[12 + header_len:end])))
                del buffer[:end]
    if buffer and not result.protocol_error:
        result.protocol_error = "the export pipe ended in the middle of a record"


def child_environment(workdir: str, limits: Limits) -> dict[str, str]:
    """A minimal environment: no tokens or paths of the instructor leak into the student's process."""
    keep = ("PATH", "LANG", "LC_ALL", "KERAS_HOME", "KERAS_BACKEND", "DLCOURSE_QUICK", "SYSTEMROOT")
    env = {key: os.environ[key] for key in keep if key in os.environ}
    threads = str(max(1, int(limits.threads)))
    env.update(HOME=workdir, TMPDIR="/tmp", TF_CPP_MIN_LOG_LEVEL="3", PYTHONHASHSEED="0", MPLBACKEND="Agg",
               OMP_NUM_THREADS=threads, OPENBLAS_NUM_THREADS=threads, MKL_NUM_THREADS=threads,
               TF_NUM_INTRAOP_THREADS=threads, TF_NUM_INTEROP_THREADS=threads, DLCOURSE_GRADING="1")
    return env


def run_submission(job: dict, *, hide: list[Path] = (), limits: Limits | None = None) -> RunResult:
    """Run the runner on ``job`` (see ``dlcourse/exercises/runner.py``) in a fresh sandbox and collect its records."""
    limits = limits or Limits()
    mode = isolation_mode()
    result = RunResult(isolation=mode)
    read_fd, write_fd = os.pipe()
    scratch = None
    if mode == "namespaces":
        workdir = "/tmp/work"
        hide = _hideable(hide)
        command = [*_unshare_prefix(), "sh", "-c", sandbox_script(hide, limits.disk_mb, exec_command=True),
                   "dlcourse-sandbox",
                   sys.executable, "-I", str(RUNNER)]
        cwd = "/"
    else:
        scratch = tempfile.mkdtemp(prefix="dlcourse-grade-")
        workdir = scratch
        command = [sys.executable, "-I", str(RUNNER)]
        cwd = scratch
    job = dict(job, fd=write_fd, workdir=workdir, cell_timeout=limits.cell_timeout,
               memory_bytes=int(limits.memory_gb * 2**30), cpu_seconds=int(limits.timeout) + 5,
               file_bytes=int(limits.disk_mb) * 2**20, nproc=_total_tasks() + 512)
    data = json.dumps(job).encode()
    started = time.perf_counter()
    try:
        process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   pass_fds=(write_fd,), cwd=cwd, env=child_environment(workdir, limits),
                                   start_new_session=True)
    finally:
        os.close(write_fd)
    out_chunks: list[bytes] = []
    err_chunks: list[bytes] = []
    threads = [threading.Thread(target=_drain, args=(process.stdout, limits.output_bytes, out_chunks), daemon=True),
               threading.Thread(target=_drain, args=(process.stderr, limits.output_bytes, err_chunks), daemon=True),
               threading.Thread(target=_read_records, args=(read_fd, limits.export_bytes, result), daemon=True)]
    for thread in threads:
        thread.start()

    def feed() -> None:
        try:
            process.stdin.write(data)
            process.stdin.close()
        except OSError:
            pass

    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    try:
        result.returncode = process.wait(timeout=limits.timeout)
    except subprocess.TimeoutExpired:
        result.timed_out = True
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)  # the group; with --kill-child also the whole PID namespace
        except (ProcessLookupError, PermissionError):
            pass
        if result.returncode is None:
            result.returncode = process.wait()
    for thread in threads:
        thread.join(timeout=5)
    result.seconds = time.perf_counter() - started
    result.stdout = b"".join(out_chunks).decode("utf-8", "replace")
    result.stderr = b"".join(err_chunks).decode("utf-8", "replace")
    if scratch:
        shutil.rmtree(scratch, ignore_errors=True)
    return result


# ------------------------------------------------------------------------------------------- pre-loaded forks

def _job_limits(job: dict, workdir: str, fd: int, limits: Limits) -> dict:
    return dict(job, fd=fd, workdir=workdir, cell_timeout=limits.cell_timeout,
                memory_bytes=int(limits.memory_gb * 2**30), cpu_seconds=int(limits.timeout) + 5,
                file_bytes=int(limits.disk_mb) * 2**20, nproc=_total_tasks() + 512)


class Zygote:
    """A launcher process with NumPy/Keras already imported that forks one sandboxed child per submission.

    Used when this process may create namespaces itself (root) or when only rlimits are available; with
    unprivileged user namespaces each submission is a fresh ``unshare`` process instead.
    """

    def __init__(self, preload: list[str], limits: Limits):
        self.preload, self.limits = list(preload), limits
        self.process: subprocess.Popen | None = None
        self.sock: socket.socket | None = None
        self.scratch = tempfile.mkdtemp(prefix="dlcourse-zygote-")

    def _start(self) -> None:
        parent, child = socket.socketpair()
        env = child_environment(self.scratch, self.limits)
        self.process = subprocess.Popen([sys.executable, "-I", str(ZYGOTE), str(child.fileno()),
                                         json.dumps(self.preload)], pass_fds=(child.fileno(),),
                                        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL, cwd=self.scratch, env=env,
                                        start_new_session=True)
        child.close()
        self.sock = parent
        self.sock.settimeout(900)
        if not self._recv().get("ready"):
            raise RuntimeError("the grading launcher did not start")

    def _recv(self) -> dict:
        size = struct.unpack(">I", self._exact(4))[0]
        return json.loads(self._exact(size))

    def _exact(self, size: int) -> bytes:
        chunks, got = [], 0
        while got < size:
            chunk = self.sock.recv(size - got)
            if not chunk:
                raise EOFError("the grading launcher stopped")
            chunks.append(chunk)
            got += len(chunk)
        return b"".join(chunks)

    def run(self, job: dict, hide: list[Path], limits: Limits) -> RunResult:
        if self.process is None or self.process.poll() is not None:
            self.close()
            self._start()
        mode = isolation_mode()
        result = RunResult(isolation=mode)
        workdir = "/tmp/work" if mode == "namespaces" else tempfile.mkdtemp(prefix="dlcourse-grade-")
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        rec_r, rec_w = os.pipe()
        job = _job_limits(job, workdir, -1, limits)
        if mode == "namespaces":
            job["sandbox_script"] = sandbox_script(_hideable(hide), limits.disk_mb, exec_command=False)
        data = json.dumps(job).encode()
        out_chunks: list[bytes] = []
        err_chunks: list[bytes] = []
        threads = [threading.Thread(target=_drain, args=(os.fdopen(out_r, "rb", buffering=0), limits.output_bytes,
                                                         out_chunks), daemon=True),
                   threading.Thread(target=_drain, args=(os.fdopen(err_r, "rb", buffering=0), limits.output_bytes,
                                                         err_chunks), daemon=True),
                   threading.Thread(target=_read_records, args=(rec_r, limits.export_bytes, result), daemon=True)]
        for thread in threads:
            thread.start()
        started = time.perf_counter()
        pid = None
        try:
            socket.send_fds(self.sock, [struct.pack(">I", len(data))], [out_w, err_w, rec_w])
            self.sock.sendall(data)
            for fd in (out_w, err_w, rec_w):
                os.close(fd)
            out_w = err_w = rec_w = None
            self.sock.settimeout(60)
            pid = int(self._recv()["pid"])
            self.sock.settimeout(max(limits.timeout - (time.perf_counter() - started), 0.1))
            try:
                result.returncode = int(self._recv()["exit"])
            except socket.timeout:
                result.timed_out = True
                try:
                    os.killpg(pid, signal.SIGKILL)  # not reaped yet, so the group is still this submission's
                except (ProcessLookupError, PermissionError):
                    pass
                self.sock.settimeout(60)
                result.returncode = int(self._recv()["exit"])
        except (OSError, EOFError, ValueError, KeyError) as exc:
            result.stderr = f"[grader] the launcher failed: {exc}\n"
            self.close()
        finally:
            for fd in (out_w, err_w, rec_w):
                if fd is not None:
                    os.close(fd)
        for thread in threads:
            thread.join(timeout=5)
        result.seconds = time.perf_counter() - started
        result.stdout = b"".join(out_chunks).decode("utf-8", "replace")
        result.stderr += b"".join(err_chunks).decode("utf-8", "replace")
        if mode != "namespaces":
            shutil.rmtree(workdir, ignore_errors=True)
        return result

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None
        if self.process is not None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            self.process.wait()
            self.process = None


def zygotes_supported() -> bool:
    """Pre-loaded forks need either root (to create namespaces in the child) or the rlimits-only mode."""
    return hasattr(socket, "send_fds") and (isolation_mode() == "rlimits" or os.geteuid() == 0)


class SandboxPool:
    """``jobs`` launchers shared by the grading threads (or plain per-submission processes if unsupported)."""

    def __init__(self, jobs: int, preload: list[str], limits: Limits):
        self.limits = limits
        self.enabled = zygotes_supported()
        self.free: queue.Queue = queue.Queue()
        self.all: list[Zygote] = []
        if self.enabled:
            for _ in range(max(1, jobs)):
                zygote = Zygote(preload, limits)
                self.all.append(zygote)
                self.free.put(zygote)

    def run(self, job: dict, hide: list[Path]) -> RunResult:
        if not self.enabled:
            return run_submission(job, hide=hide, limits=self.limits)
        zygote = self.free.get()
        try:
            return zygote.run(job, hide, self.limits)
        finally:
            self.free.put(zygote)

    def close(self) -> None:
        for zygote in self.all:
            zygote.close()
            shutil.rmtree(zygote.scratch, ignore_errors=True)

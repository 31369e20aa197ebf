"""Runs one submission inside the grading sandbox and *exports* its answers; it never judges anything.

Started by the grader as ``python -I runner.py`` (inside Linux namespaces where available) with a job on stdin:
the cells to run (the instructor's context cells and the student's graded cells, already plain Python), what
each question exports, the grader's inputs for function questions and the resource limits. For every question
it sends one record on the pipe ``job["fd"]``: the answer as a ``.npz`` of plain numeric arrays (functions are
called on the inputs; values are converted with ``np.array``) or a saved ``.keras`` file, or the error met.
The trusted parent process judges the records with the hidden checks.

Only the standard library and NumPy are imported up front (Keras when a model is exported). This module is
student-side on purpose: it must not import ``dlcourse.grading``.
"""

from __future__ import annotations

import base64
import io
import json
import os
import resource
import signal
import struct
import sys
import time
import traceback

MAGIC = b"DLC1"


class CellTimeout(BaseException):
    """A cell ran longer than the per-cell limit (a BaseException so ``except Exception`` cannot swallow it)."""


def _limit(which: int, value: int | None) -> None:
    if value:
        try:
            resource.setrlimit(which, (value, value))
        except (ValueError, OSError):
            pass


class _Shell:
    """Stands in for ``get_ipython()``: magics and ``!commands`` do nothing while grading."""

    def _ignored(self, *args, **kwargs):
        print(f"[grader] IPython magic/shell command ignored: {args[:2]!r}")

    run_line_magic = run_cell_magic = system = getoutput = magic = _ignored


def main() -> None:
    run_job(json.loads(sys.stdin.buffer.read().decode("utf-8")))


def run_job(job: dict) -> None:
    """Run ``job`` in this process (already sandboxed) and end it with ``os._exit``."""
    # Everything the runner needs is bound to local names now, before any student code can monkeypatch it.
    write, dumps, perf = os.write, json.dumps, time.perf_counter
    setitimer, signal_signal, ITIMER_REAL, SIGALRM = signal.setitimer, signal.signal, signal.ITIMER_REAL, signal.SIGALRM
    SIGXFSZ, SIG_IGN = signal.SIGXFSZ, signal.SIG_IGN
    signal_signal(SIGXFSZ, SIG_IGN)  # a file over the size limit fails with an error instead of killing us
    # Builtins too: the student's cells share the interpreter, and could replace builtins.isinstance & co.
    isinstance_, list_, tuple_, dict_, str_, int_, float_, len_, enumerate_, sorted_, type_, open_ = (
        isinstance, list, tuple, dict, str, int, float, len, enumerate, sorted, type, open)
    fd = int(job["fd"])
    os.set_inheritable(fd, False)
    for which, key in ((resource.RLIMIT_AS, "memory_bytes"), (resource.RLIMIT_CPU, "cpu_seconds"),
                       (resource.RLIMIT_FSIZE, "file_bytes"), (resource.RLIMIT_NPROC, "nproc")):
        _limit(which, job.get(key))
    try:
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ValueError, OSError):
        pass
    workdir = job.get("workdir") or os.getcwd()
    os.makedirs(workdir, exist_ok=True)
    os.chdir(workdir)
    os.environ["HOME"] = workdir
    sys.path.insert(0, workdir)

    import numpy as np

    np_array, np_savez, BytesIO, b64decode = np.array, np.savez, io.BytesIO, base64.b64decode
    import builtins
    import zipfile

    import numpy.lib.format

    # The modules the runner relies on are snapshotted now and restored after every student cell, so
    # monkeypatching builtins, numpy or the I/O modules cannot break the export of later answers.
    guarded_modules = [builtins, np, numpy.lib.format, io, os, json, struct, zipfile, signal, traceback, sys]
    snapshots = [(module, dict_(module.__dict__)) for module in guarded_modules]
    modules_table = sys.modules

    def restore() -> None:
        for module, saved in snapshots:
            live = module.__dict__
            for key, value in saved.items():
                if key not in live or live[key] is not value:
                    live[key] = value
            modules_table[module.__name__] = module
        signal_signal(SIGXFSZ, SIG_IGN)
    cell_timeout = float_(job.get("cell_timeout") or 0)

    def send(header: dict, payload: bytes = b"") -> None:
        data = dumps(header).encode()
        blob = MAGIC + struct.pack(">II", len_(data), len_(payload)) + data + payload
        view = memoryview(blob)
        while view:
            written = write(fd, view)
            view = view[written:]

    alarm = {"armed": False}

    def on_alarm(signum, frame):
        if alarm["armed"]:  # repeats every second: an exception swallowed somewhere (a gc callback) comes back
            raise CellTimeout(f"cell ran longer than {cell_timeout:g} s")

    def guarded(function, *args, **kwargs):
        """Run student code with the per-cell alarm; returns (result, error string or None, error type)."""
        signal_signal(SIGALRM, on_alarm)
        try:
            try:
                alarm["armed"] = True
                if cell_timeout:
                    setitimer(ITIMER_REAL, cell_timeout, 1.0)
                value = function(*args, **kwargs)
            finally:
                alarm["armed"] = False
                setitimer(ITIMER_REAL, 0)
            return value, None, None
        except CellTimeout as exc:
            return None, str_(exc), "CellTimeout"
        except MemoryError:
            return None, "ran out of memory (MemoryError)", "MemoryError"
        except SystemExit as exc:
            return None, f"called sys.exit({exc.code!r})", "SystemExit"
        except BaseException as exc:  # noqa: BLE001 - anything the student raises is reported, never fatal
            try:
                lines = traceback.format_exception_only(type_(exc), exc)
                text = "".join(lines).strip()[-500:]
                name = type_(exc).__name__
            except BaseException:  # noqa: BLE001 - even a hostile __str__
                text, name = "an exception that cannot be printed", "Exception"
            return None, text, name
        finally:
            restore()

    def to_arrays(value):
        items = list_(value) if isinstance_(value, (tuple_, list_)) else [value]
        arrays = []
        for item in items:
            array = np_array(item, subok=False)  # a plain copy: ndarray subclasses and __array__ tricks end here
            if array.dtype.kind not in "biuf":
                raise TypeError(f"the answer must be numbers, got an array of dtype {array.dtype}")
            arrays.append(array)
        return arrays

    def npz(named: dict) -> bytes:
        buffer = BytesIO()
        np_savez(buffer, **named)  # np.savez never pickles numeric arrays
        return buffer.getvalue()

    def decode_inputs(encoded):
        if not encoded:
            return []
        with np.load(BytesIO(b64decode(encoded)), allow_pickle=False) as data:
            arrays = {key: data[key] for key in data.files}
        cases: dict[int, dict] = {}
        for key in sorted_(arrays):
            index, name = key.split(".", 1)
            case = cases.setdefault(int_(index[1:]), {})
            if name.endswith("]"):  # list arguments arrive as name[0], name[1], ...
                name, position = name[:-1].split("[")
                case.setdefault(name, []).append((int_(position), arrays[key]))
            else:
                case[name] = arrays[key]
        for case in cases.values():
            for name, value in list_(case.items()):
                if isinstance_(value, list_):
                    case[name] = [item for _, item in sorted_(value, key=lambda pair: pair[0])]
        return [cases[i] for i in sorted_(cases)]

    def export_function(function, cases) -> bytes:
        named = {}
        for index, case in enumerate_(cases):
            kwargs = {k: ([a.copy() for a in v] if isinstance_(v, list_) else v.item() if v.ndim == 0 else v.copy())
                      for k, v in case.items()}
            for j, array in enumerate_(to_arrays(function(**kwargs))):
                named[f"c{index}_{j}"] = array
        return npz(named)

    def export_value(value) -> bytes:
        return npz({f"v_{j}": array for j, array in enumerate_(to_arrays(value))})

    def export_model(model, qid) -> bytes:
        import keras

        if not isinstance_(model, keras.Model):
            raise TypeError(f"expected a Keras model, got {type_(model).__name__}")
        path = os.path.join(workdir, f".export_{qid}.keras")
        model.save(path)
        with open_(path, "rb") as handle:
            data = handle.read()
        os.remove(path)
        return data

    namespace = {"__name__": "__main__", "__builtins__": __builtins__, "get_ipython": lambda: _Shell(),
                 "IS_COLAB": False}
    send({"type": "hello", "pid": os.getpid()})
    for step in job["steps"]:
        qid, started = step.get("qid"), perf()
        source = step.get("source")
        if qid is None:
            code, error, _ = guarded(compile, source, f"<{step['label']}>", "exec")
            if error is None:
                _, error, _ = guarded(exec, code, namespace)
            if error is not None:
                send({"type": "context_error", "label": step["label"], "error": error})
            continue
        if source is None:
            send({"type": "result", "qid": qid, "status": "missing", "error": "no cell with this anchor"})
            continue
        name = step["name"]
        namespace.pop(name, None)  # an answer must come from this cell, not from something earlier
        code, cell_error, cell_error_type = guarded(compile, source, f"<cell {qid}>", "exec")
        if cell_error is None:
            _, cell_error, cell_error_type = guarded(exec, code, namespace)
        header = {"type": "result", "qid": qid, "cell_error": cell_error, "cell_error_type": cell_error_type}
        if name not in namespace:
            header.update(status="error", error=cell_error or f"the cell did not define {name!r}",
                          error_type=cell_error_type or "NameError")
            send(header)
            continue
        answer = namespace[name]
        kind = step["kind"]
        if kind == "function":
            payload, error, error_type = guarded(export_function, answer, decode_inputs(step.get("inputs")))
        elif kind == "model":
            payload, error, error_type = guarded(export_model, answer, qid)
        else:
            payload, error, error_type = guarded(export_value, answer)
        header["seconds"] = round(perf() - started, 3)
        if error is not None:
            header.update(status="error", error=error, error_type=error_type)
            send(header)
        else:
            header.update(status="answer", format="keras" if kind == "model" else "npz")
            send(header, payload)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:  # noqa: BLE001
            pass
    send({"type": "done"})
    os._exit(0)  # no atexit handlers, no lingering student threads


if __name__ == "__main__":
    main()

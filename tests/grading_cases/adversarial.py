"""The adversarial suite: submissions for notebook 01 that try to fool or break the grader.

Points of notebook 01: q1 = 2, q2 = 2, q3 = 3, q4 = 3. Most cheats start from HALF (q1 and q4 solved = 5 points,
q2 and q3 still the exercise stubs) and try to get more; robustness cases start from the full solution.
Each case: name, what it does, build(ctx) -> notebook (dict) or raw file content, expected points per question,
and whether it needs Linux namespaces (without them, the grader warns that reading files and the network are
not isolated).
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import Any, Callable

from dlcourse.exercises.notebook import anchor_of, cell_source, check_call_of
from grading_cases.notebooks import exercise_path, graded_cell, load, set_answer, solution_path

FULL = {"01.q1": 2.0, "01.q2": 2.0, "01.q3": 3.0, "01.q4": 3.0}
HALF = {"01.q1": 2.0, "01.q2": 0.0, "01.q3": 0.0, "01.q4": 3.0}
ZERO = {q: 0.0 for q in FULL}
FORK_MARKER = "dlc-adversarial-fork-marker"
PWNED = "_pwned_by_adversarial_test.py"
SERVED_CODE = "def relu_derivative(z):\n    import numpy as np\n    return (np.asarray(z) > 0).astype(float)\n"
STUB = "def relu_derivative(z):\n    raise NotImplementedError\n"


@dataclass
class Case:
    name: str
    attack: str
    build: Callable[[dict], Any]
    expected: dict[str, float]
    needs_namespaces: bool = False
    statuses: dict[str, str] | None = None


def solution() -> dict:
    return load(solution_path("01"))


def half() -> dict:
    notebook = load(exercise_path("01"))
    master = solution()
    for qid in ("01.q1", "01.q4"):
        graded_cell(notebook, qid)["source"] = cell_source(graded_cell(master, qid))
    return notebook


def q2(body: str, base: Callable[[], dict] = half) -> Callable[[dict], dict]:
    def build(ctx):
        filled = body.replace("{port}", str(ctx.get("port"))).replace("{submissions}", str(ctx.get("submissions")))
        return set_answer(base(), "01.q2", filled)
    return build


def _map_cells(notebook: dict, function) -> dict:
    notebook = copy.deepcopy(notebook)
    notebook["cells"] = [c for cell in notebook["cells"] for c in function(cell)]
    return notebook


def _edit_checks(ctx):
    return _map_cells(half(), lambda c: [dict(c, source=f'print("✅ {check_call_of(cell_source(c))} passed")')]
                      if check_call_of(cell_source(c)) else [c])


def _delete_checks(ctx):
    return _map_cells(solution(), lambda c: [] if check_call_of(cell_source(c)) else [c])


def _move_cells(ctx):
    notebook = solution()
    graded = [c for c in notebook["cells"] if anchor_of(cell_source(c))]
    rest = [c for c in notebook["cells"] if not anchor_of(cell_source(c)) and not check_call_of(cell_source(c))]
    notebook["cells"] = rest + graded[::-1]
    return notebook


def _duplicate_checks(ctx):
    return _map_cells(solution(), lambda c: [c, copy.deepcopy(c)] if check_call_of(cell_source(c)) or
                      anchor_of(cell_source(c)) == "01.q1" else [c])


def _merged_cells(ctx):
    notebook = solution()
    cells = notebook["cells"]
    first = cells.index(graded_cell(notebook, "01.q1"))
    second = cells.index(graded_cell(notebook, "01.q2"))
    merged = "\n".join(cell_source(c) for c in cells[first:second + 1] if c["cell_type"] == "code")
    cells[first:second + 1] = [dict(cells[first], source=merged)]
    return notebook


def _last_copy_wins(ctx):
    notebook = half()
    notebook["cells"].append(copy.deepcopy(graded_cell(solution(), "01.q2")))
    return notebook


def _tamper_metadata(ctx):
    notebook = half()
    for cell in notebook["cells"]:
        qid = anchor_of(cell_source(cell))
        meta = cell.setdefault("metadata", {})
        if qid == "01.q2":
            meta["nbgrader"] = {"grade_id": "01.q1", "points": 99, "solution": False, "grade": True}
        elif qid == "01.q1":
            meta["nbgrader"] = {"grade_id": "01.q2", "points": 99}
        elif check_call_of(cell_source(cell)):
            meta["nbgrader"] = {"grade_id": "01.q3", "solution": True, "points": 99}
            meta["tags"] = ["raises-exception", "solution"]
    notebook["metadata"]["nbgrader"] = {"total_points": 100}
    return notebook


def _prefix_graded(prefix: str, base=solution):
    def build(ctx):
        notebook = base()
        for cell in notebook["cells"]:
            qid = anchor_of(cell_source(cell))
            if qid:
                cell["source"] = f"# EXERCISE {qid}\n{prefix}\n" + cell_source(cell).split("\n", 1)[1]
        return notebook
    return build


def _suffix_graded(suffix: str):
    def build(ctx):
        notebook = solution()
        for cell in notebook["cells"]:
            if anchor_of(cell_source(cell)):
                cell["source"] = cell_source(cell) + "\n" + suffix
        return notebook
    return build


def _q1_with(prefix: str):
    def build(ctx):
        notebook = solution()
        cell = graded_cell(notebook, "01.q1")
        cell["source"] = "# EXERCISE 01.q1\n" + prefix + "\n" + cell_source(cell).split("\n", 1)[1]
        return notebook
    return build


def _wrong_kernel(ctx):
    notebook = solution()
    notebook["metadata"]["kernelspec"] = {"name": "ir", "display_name": "R", "language": "R"}
    notebook["metadata"]["language_info"] = {"name": "R"}
    return notebook


def _q3_os_exit(ctx):
    return set_answer(half(), "01.q3", "import os\nos._exit(0)")


FORGE = '''
import io, json, os, struct
import numpy as np
def frame(header, payload=b""):
    data = json.dumps(header).encode()
    return b"DLC1" + struct.pack(">II", len(data), len(payload)) + data + payload
buffer = io.BytesIO()
np.savez(buffer, c0_0=np.zeros(3))
for fd in range(3, 256):
    try:
        if os.readlink(f"/proc/self/fd/{fd}").startswith("pipe:"):
            for qid in ("01.q2", "01.q3"):
                os.write(fd, frame({"type": "result", "qid": qid, "status": "answer", "format": "npz"},
                                   buffer.getvalue()))
    except OSError:
        pass
os.makedirs("answers", exist_ok=True)
np.save("answers/01.q2.npy", np.ones(3))
''' + STUB

GARBAGE = '''
import os
for fd in range(3, 256):
    try:
        if os.readlink(f"/proc/self/fd/{fd}").startswith("pipe:"):
            os.write(fd, b"garbage" * 100)
    except OSError:
        pass
''' + STUB

FORKS = '''
import os, signal, sys
for s in (signal.SIGALRM, signal.SIGTERM, signal.SIGINT, signal.SIGXCPU, signal.SIGHUP):
    signal.signal(s, signal.SIG_IGN)
for _ in range(3):
    if os.fork() == 0:
        os.setsid()
        os.execv(sys.executable, [sys.executable, "-c",
                 "import signal\\nfor s in (1, 2, 15): signal.signal(s, signal.SIG_IGN)\\nwhile True: pass",
                 "''' + FORK_MARKER + '''"])
while True:
    try:
        pass
    except BaseException:
        pass
'''

READ_HIDDEN = '''
import pathlib, subprocess
import dlcourse
root = pathlib.Path(dlcourse.__file__).resolve().parents[1]
stolen = {}
for path in [root / "solutions" / "checks" / "check_01.py", *root.glob("solutions/**/*.py")]:
    try:
        exec(path.read_text(), stolen)
        break
    except Exception as exc:
        print("cannot read", path, type(exc).__name__)
print("visible solutions:", list(root.glob("solutions/*")), list(pathlib.Path("{submissions}").glob("*")))
try:
    print(subprocess.run(["git", "-C", str(root), "show", "HEAD:solutions/checks/check_01.py"],
                         capture_output=True, text=True, timeout=5).stdout[:100])
except Exception as exc:
    print("no git:", exc)
if "_relu_derivative" in stolen:
    relu_derivative = stolen["_relu_derivative"]
else:
''' + "    " + STUB.replace("\n    ", "\n        ")

NETWORK = '''
import socket
try:
    with socket.create_connection(("127.0.0.1", {port}), timeout=3) as connection:
        code = connection.recv(65536).decode()
    exec(code)
except OSError as exc:
    print("no network:", exc)
''' + "    " + STUB.replace("\n    ", "\n        ").replace("def relu", "def relu", 1)

OVERRIDE_GRADER = '''
import pathlib, sys, types
import dlcourse
fake = types.ModuleType("dlcourse.grading")
fake.grade = lambda *args, **kwargs: {"points": 100}
sys.modules["dlcourse.grading"] = sys.modules["dlcourse.grading.judging"] = fake
try:
    (pathlib.Path(dlcourse.__file__).parent / "grading" / "''' + PWNED + '''").write_text("PWNED = True\\n")
except OSError as exc:
    print("cannot write into the package:", exc)
''' + STUB

CASES = [
    Case("override_check", "redefine check() (and dlcourse.exercises.check) to always pass",
         q2("import builtins\nimport dlcourse.exercises\ndef check(*args, **kwargs):\n    print('✅ passed')\n"
            "    return True\ndlcourse.exercises.check = builtins.check = check\n" + STUB), HALF),
    Case("override_grader", "replace dlcourse.grading in sys.modules and try to write into the package",
         q2(OVERRIDE_GRADER), HALF),
    Case("edit_check_cells", "check cells replaced by print('✅ passed')", _edit_checks, HALF),
    Case("delete_check_cells", "all check cells deleted (full solution)", _delete_checks, FULL),
    Case("move_cells", "graded cells moved to the end in reverse order", _move_cells, FULL),
    Case("duplicate_cells", "check cells and the q1 cell duplicated", _duplicate_checks, FULL),
    Case("merged_cells", "the q1 cell, its check cell and the q2 cell merged into one cell", _merged_cells, FULL),
    Case("duplicate_answer_last_wins", "a correct copy of q2 appended after the stub", _last_copy_wins,
         {**HALF, "01.q2": 2.0}),
    Case("tampered_metadata", "nbgrader ids swapped, points set to 99, check cells marked as solutions",
         _tamper_metadata, HALF),
    Case("eq_always_true", "answers are objects whose __eq__/__bool__ always say yes",
         lambda ctx: set_answer(set_answer(half(), "01.q2", "class Always:\n    def __eq__(self, other):\n"
                                "        return True\n    def __ne__(self, other):\n        return False\n"
                                "    def __bool__(self):\n        return True\n"
                                "def relu_derivative(z):\n    return Always()"),
                                "01.q3", "def stable_softmax(z):\n    return Always()"), HALF,
         statuses={"01.q2": "error", "01.q3": "error"}),
    Case("array_protocol_liar", "__array__ returns zeros, __eq__ returns True",
         q2("import numpy as np\nclass Fake:\n    def __array__(self, dtype=None, copy=None):\n"
            "        return np.zeros(3)\n    def __eq__(self, other):\n        return True\n"
            "def relu_derivative(z):\n    return Fake()"), HALF),
    Case("ndarray_subclass", "an ndarray subclass whose ==, allclose and tolist lie",
         q2("import numpy as np\nclass Liar(np.ndarray):\n    def __eq__(self, other):\n"
            "        return np.ones(np.shape(other), dtype=bool)\n    def __array_function__(self, *args, **kw):\n"
            "        return True\n    def tolist(self):\n        return [1.0]\n"
            "def relu_derivative(z):\n    return np.zeros(np.shape(z)).view(Liar)"), HALF),
    Case("monkeypatch_numpy", "np.allclose/array_equal/isclose/testing patched to always pass",
         q2("import numpy as np\nnp.allclose = np.array_equal = lambda *a, **k: True\n"
            "np.isclose = lambda a, b, **k: np.ones(np.shape(a), dtype=bool)\n"
            "np.testing.assert_allclose = lambda *a, **k: None\nnp.savez = np.save = None\n"
            "def relu_derivative(z):\n    return z"), HALF),
    Case("monkeypatch_keras", "a fake keras module in sys.modules",
         q2("import sys, types\nfake = types.ModuleType('keras')\nfake.Model = object\n"
            "fake.saving = types.SimpleNamespace(load_model=lambda *a, **k: None)\nsys.modules['keras'] = fake\n"
            "def relu_derivative(z):\n    return z"), HALF),
    Case("monkeypatch_builtins", "isinstance/len/print/AssertionError/open replaced in builtins",
         q2("import builtins\nbuiltins.isinstance = lambda *a: True\nbuiltins.len = lambda x: 0\n"
            "builtins.print = lambda *a, **k: None\nbuiltins.AssertionError = Exception\nbuiltins.open = None\n"
            "def relu_derivative(z):\n    return z"), HALF),
    Case("assertion_error_redefined", "AssertionError shadowed so that failed asserts pass",
         q2("class AssertionError(Exception):\n    pass\nimport builtins\nbuiltins.AssertionError = type(None)\n"
            + STUB), HALF),
    Case("input_transformer", "IPython input transformers that rewrite asserts and stubs",
         q2("ip = get_ipython()\nip.input_transformers_post.append(lambda lines: [l.replace('assert', 'pass') "
            "for l in lines])\nip.ast_transformers.append(None)\n" + STUB), HALF),
    Case("excepthook", "sys.excepthook prints 'All tests passed' and sys.exit is disabled",
         q2("import sys\nsys.excepthook = lambda *a: print('All tests passed!')\nsys.exit = lambda *a: None\n" + STUB),
         HALF),
    Case("forged_exports", "forged answer frames on every pipe and answers/01.q2.npy written", q2(FORGE), HALF,
         statuses={"01.q2": "tampered", "01.q3": "tampered"}),
    Case("corrupted_export_channel", "garbage written on the export pipe (only hurts the student)", q2(GARBAGE),
         {**HALF, "01.q4": 0.0}, statuses={"01.q4": "tampered"}),
    Case("sys_exit", "sys.exit(0) in an answer cell", q2("import sys\nsys.exit(0)"), HALF),
    Case("os_exit", "os._exit(0) in the q3 cell ends the process; later answers are lost", _q3_os_exit,
         {**HALF, "01.q4": 0.0}, statuses={"01.q4": "crashed"}),
    Case("raise_in_every_cell", "every answer cell defines a correct answer, then raises",
         _suffix_graded("raise RuntimeError('boom')"), FULL),
    Case("keyboard_interrupt", "KeyboardInterrupt (a BaseException) raised in an answer",
         q2("raise KeyboardInterrupt"), HALF),
    Case("infinite_loop", "while True: pass", q2("while True:\n    pass"), HALF, statuses={"01.q2": "timeout"}),
    Case("swallowed_timeout", "catches the first timeout exception and loops again",
         q2("try:\n    while True:\n        pass\nexcept BaseException:\n    pass\nwhile True:\n    pass"), HALF,
         statuses={"01.q2": "timeout"}),
    Case("signal_ignoring_forks", "ignores SIGALRM/SIGTERM, forks setsid children that ignore signals and spin",
         q2(FORKS), {**HALF, "01.q4": 0.0}, needs_namespaces=True,
         statuses={"01.q2": "timeout", "01.q4": "timeout"}),
    # bytes(n) is calloc: the address space is taken at once but no page is touched. The address-space limit
    # refuses the second block within milliseconds; touching the pages (bytearray) costs ~1.3 s per GB on a
    # 2-core VM and, under a loaded test run, tipped the case into the 4 s cell timeout. Without the limit the
    # 16 untouched blocks fit (overcommit) and the case fails, so it still proves the limit is there.
    Case("memory_bomb", "allocates 1 GB blocks until memory runs out",
         q2("blocks = []\nfor _ in range(16):\n    blocks.append(bytes(2**30))"),
         HALF, statuses={"01.q2": "memory"}),
    Case("fill_disk", "writes until every writable folder is full",
         q2("import os\nchunk = b'x' * 2**20\nfor folder in ('.', '/tmp', os.path.expanduser('~'), '/var/tmp', "
            "'/dev/shm'):\n    for i in range(1000):\n        try:\n"
            "            with open(os.path.join(folder, f'fill{i}.bin'), 'wb') as f:\n"
            "                while True:\n                    f.write(chunk)\n        except OSError as exc:\n"
            "            if exc.errno == 28 or i > 3:\n                break\n" + STUB), HALF,
         needs_namespaces=True),
    Case("read_hidden_checks", "reads solutions/checks, the submissions folder and git history",
         q2(READ_HIDDEN), HALF, needs_namespaces=True, statuses={"01.q2": "not_attempted"}),
    Case("network", "fetches a correct answer from a server on 127.0.0.1", q2(NETWORK), HALF,
         needs_namespaces=True, statuses={"01.q2": "not_attempted"}),
    Case("pip_and_magics", "!pip install, %pip, %matplotlib and files = !ls in an answer cell",
         _q1_with("!pip install --quiet numpy-cheat\n%pip install cheat\n%matplotlib inline\nfiles = !ls"), FULL),
    Case("broken_json", "not JSON", lambda ctx: '{"cells": [{"cell_type": "code", "source": "# EXERCISE 01.q1',
         ZERO, statuses={q: "invalid_notebook" for q in FULL}),
    Case("truncated_json", "the solution cut in half",
         lambda ctx: solution_path("01").read_text()[: len(solution_path("01").read_text()) // 2], ZERO),
    Case("binary_garbage", "a PNG saved as .ipynb", lambda ctx: b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, ZERO),
    Case("json_but_not_a_notebook", "a JSON list", lambda ctx: "[1, 2, 3]", ZERO),
    Case("empty_notebook", "no cells at all",
         lambda ctx: {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, ZERO,
         statuses={q: "missing" for q in FULL}),
    Case("wrong_kernel", "kernelspec says R", _wrong_kernel, FULL),
    Case("warnings_and_stderr", "every answer cell warns and writes to stderr (like Keras/absl)",
         _prefix_graded("import sys, warnings\nwarnings.warn('deprecated!')\n"
                        "print('WARNING:absl: something', file=sys.stderr)"), FULL),
    Case("stdout_flood", "prints 20 MB",
         _q1_with("for _ in range(2000):\n    print('spam' * 2500)"), FULL),
]


def build_all(ctx: dict) -> dict[str, Any]:
    return {case.name: case.build(ctx) for case in CASES}


def as_file_content(value: Any) -> bytes | str:
    return json.dumps(value, indent=1) if isinstance(value, (dict, list)) else value

"""The instructor's grader: ``dlcourse grade ASSIGNMENT SUBMISSIONS_DIR --out grades.csv``.

For each submitted notebook: find the graded cells by their ``# EXERCISE NN.qK`` anchors (the student's own
check cells and everything else they changed are ignored), run the instructor's context cells from the master
solution notebook plus those cells in a sandboxed process (``dlcourse.grading.sandbox``) that only *exports*
answers, then judge the exports here with the hidden checks (``solutions/checks/check_NN.py``). Every problem
becomes a status in the CSV, never an aborted run.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import importlib.util
import io
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from dlcourse.exercises.notebook import (SKIP_MARKER, NotebookError, anchor_of, check_call_of, code_cells,
                                         graded_sources, parse_notebook, read_notebook)
from dlcourse.exercises.questions import Question, get_question
from dlcourse.grading import judging
from dlcourse.grading.sandbox import Limits, RunResult, SandboxPool, isolation_mode

CSV_FIELDS = ["student", "submission", "sha256", "question", "points", "max_points", "status", "message", "seconds"]
STATUSES = {
    "ok": "correct",
    "wrong": "answer checked and wrong",
    "not_attempted": "still raises NotImplementedError",
    "error": "the cell or the answer raised an error",
    "missing": "no cell with the question's anchor comment",
    "timeout": "ran past the time limit",
    "memory": "ran out of memory",
    "crashed": "the process ended before this question (os._exit, a crash, a kill)",
    "tampered": "the export channel was forged or corrupted",
    "invalid_notebook": "the file is not a readable notebook",
}
PRELUDE = """import random as _random
import numpy as _np
_random.seed(42)
_np.random.seed(42)
import dlcourse as dlc
"""


@dataclass
class Assignment:
    """A master solution notebook, its questions and its hidden checks."""

    number: str
    master: Path
    questions: list[Question]
    checks: dict[str, dict[str, Any]]
    context: list[tuple[int, str | None]]  # (cell index, source) for context cells, (index, None) for graded slots
    slots: dict[int, str]  # cell index -> qid
    hidden_folders: list[Path] = field(default_factory=list)

    @property
    def max_points(self) -> int:
        return sum(q.points for q in self.questions)


def load_checks(path: Path) -> dict[str, dict[str, Any]]:
    spec = importlib.util.spec_from_file_location(f"dlcourse_hidden_checks_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return dict(module.CHECKS)


def load_assignment(name: str, solutions: Path | str = "solutions") -> Assignment:
    """``name``: ``"01"``, ``"01_neurons_and_activations"`` or a path to the master notebook."""
    solutions = Path(solutions)
    candidate = Path(name)
    if candidate.suffix == ".ipynb" and candidate.exists():
        master = candidate
        solutions = master.parent
    else:
        matches = sorted(solutions.glob(f"{name[:2]}_*.ipynb")) if name[:2].isdigit() else []
        matches = [m for m in matches if m.stem.startswith(name)]
        if len(matches) != 1:
            raise ValueError(f"no single solution notebook for {name!r} in {solutions}/")
        master = matches[0]
    number = master.name[:2]
    checks_path = solutions / "checks" / f"check_{number}.py"
    if not checks_path.exists():
        raise ValueError(f"hidden checks {checks_path} are missing")
    notebook = read_notebook(master)
    context, slots, qids = [], {}, []
    for index, source in enumerate(code_cells(notebook)):
        qid = anchor_of(source)
        if qid is not None:
            slots[index] = qid
            qids.append(qid)
            context.append((index, None))
        elif "dlc.setup(" in source or check_call_of(source) or SKIP_MARKER in source:
            continue
        else:
            context.append((index, source))
    checks = load_checks(checks_path)
    missing = [q for q in qids if q not in checks]
    if missing:
        raise ValueError(f"{checks_path} has no hidden check for {', '.join(missing)}")
    hidden = [solutions.resolve(), checks_path.parent.resolve()]
    git = _git_dir(solutions.resolve())
    if git is not None:
        hidden.append(git)
    return Assignment(number, master, [get_question(q) for q in qids], checks, context, slots, hidden)


def _git_dir(folder: Path) -> Path | None:
    for parent in [folder, *folder.parents]:
        if (parent / ".git").exists():
            return parent / ".git"
    return None


def to_python(source: str) -> str:
    """IPython syntax (``%magic``, ``!cmd``) to plain Python calling ``get_ipython()``."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager

        return TransformerManager().transform_cell(source)
    except Exception:
        return source


def _encode_inputs(cases: list[dict[str, Any]]) -> str:
    named = {}
    for i, case in enumerate(cases):
        for key, value in case.items():
            if isinstance(value, list):  # a list-of-arrays argument travels as key[0], key[1], ...
                named.update({f"c{i}.{key}[{j}]": np.asarray(item) for j, item in enumerate(value)})
            else:
                named[f"c{i}.{key}"] = np.asarray(value)
    buffer = io.BytesIO()
    np.savez(buffer, **named)
    return base64.b64encode(buffer.getvalue()).decode()


@dataclass
class Outcome:
    question: Question
    points: float
    status: str
    message: str
    seconds: float = 0.0


@dataclass
class SubmissionReport:
    student: str
    submission: str
    sha256: str
    outcomes: list[Outcome]
    seconds: float
    run: RunResult | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def points(self) -> float:
        return sum(o.points for o in self.outcomes)


class Grader:
    def __init__(self, assignment: Assignment, limits: Limits | None = None, extra_hidden: list[Path] = (),
                 jobs: int = 1):
        self.assignment = assignment
        self.limits = limits or Limits()
        preload = ["numpy", "dlcourse.exercises", "dlcourse.exercises.data"]
        if any(q.kind == "model" for q in assignment.questions):
            preload.append("keras")
        self.pool = SandboxPool(jobs, preload, self.limits)
        self.hidden = [*assignment.hidden_folders, *[Path(p).resolve() for p in extra_hidden]]
        self._judge_lock = threading.Lock()
        self._inputs = {}
        for question in assignment.questions:
            check = assignment.checks[question.qid]
            if question.kind == "function":
                rng = np.random.default_rng(int(hashlib.sha256(question.qid.encode()).hexdigest()[:8], 16))
                self._inputs[question.qid] = [
                    {k: [np.asarray(x) for x in v] if isinstance(v, list) else np.asarray(v) for k, v in case.items()}
                    for case in check["inputs"](rng)]

    def close(self) -> None:
        self.pool.close()

    def __enter__(self) -> "Grader":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def job(self, notebook: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
        answers = graded_sources(notebook)
        notes = []
        steps: list[dict[str, Any]] = [{"label": "grader prelude", "qid": None, "source": PRELUDE}]
        for index, source in self.assignment.context:
            if source is not None:
                steps.append({"label": f"instructor cell {index}", "qid": None, "source": to_python(source)})
                continue
            question = get_question(self.assignment.slots[index])
            student = answers.get(question.qid)
            step = {"label": question.qid, "qid": question.qid, "kind": question.kind, "name": question.name,
                    "source": None if student is None else to_python(student)}
            if question.kind == "function":
                step["inputs"] = _encode_inputs(self._inputs[question.qid])
            steps.append(step)
        extra = sorted(set(answers) - set(self.assignment.slots.values()))
        if extra:
            notes.append(f"ignored cells anchored to other questions: {', '.join(extra)}")
        return {"steps": steps}, notes

    def judge(self, question: Question, header: dict, payload: bytes) -> tuple[float, str, str]:
        check = self.assignment.checks[question.qid]
        try:
            if header.get("format") == "keras" and question.kind == "model":
                with self._judge_lock:
                    answer = judging.load_keras_model(payload)
                    score, message = check["judge"](answer)
            elif header.get("format") == "npz" and question.kind != "model":
                arrays = judging.load_npz(payload)
                if question.kind == "function":
                    cases = self._inputs[question.qid]
                    score, message = check["judge"](judging.function_outputs(arrays, len(cases)), cases)
                else:
                    score, message = check["judge"](judging.value_outputs(arrays))
            else:
                return 0.0, "tampered", "the export does not have the format this question needs"
        except judging.BadAnswer as exc:
            return 0.0, "wrong", str(exc)
        except Exception as exc:  # a hidden check choking on an odd answer is still just a wrong answer
            return 0.0, "wrong", f"the answer could not be checked ({type(exc).__name__}: {str(exc)[:200]})"
        score = float(min(max(score, 0.0), 1.0))
        return score, "ok" if score == 1.0 else "wrong", message

    def grade_bytes(self, data: bytes, student: str, submission: str = "") -> SubmissionReport:
        started = time.perf_counter()
        sha = hashlib.sha256(data).hexdigest()
        try:
            notebook = parse_notebook(data)
        except NotebookError as exc:
            outcomes = [Outcome(q, 0.0, "invalid_notebook", str(exc)) for q in self.assignment.questions]
            return SubmissionReport(student, submission, sha, outcomes, time.perf_counter() - started)
        job, notes = self.job(notebook)
        kernel = notebook.get("metadata", {}).get("kernelspec", {}) if isinstance(notebook.get("metadata"), dict) \
            else {}
        if isinstance(kernel, dict) and kernel.get("name") not in (None, "python3"):
            notes.append(f"kernel {kernel.get('name')!r} ignored: graded with Python 3")
        run = self.pool.run(job, self.hidden)
        outcomes = self._outcomes(run)
        for header, _ in run.records:
            if header.get("type") == "context_error":
                notes.append(f"{header.get('label')} raised: {str(header.get('error'))[:200]}")
        return SubmissionReport(student, submission, sha, outcomes, time.perf_counter() - started, run, notes)

    def _outcomes(self, run: RunResult) -> list[Outcome]:
        results: dict[str, list[tuple[dict, bytes]]] = {}
        for header, payload in run.records:
            if header.get("type") == "result" and isinstance(header.get("qid"), str):
                results.setdefault(header["qid"], []).append((header, payload))
        outcomes = []
        for question in self.assignment.questions:
            got = results.get(question.qid, [])
            seconds = 0.0
            if len(got) > 1:
                outcome = (0.0, "tampered", "more than one export for this question (forged records)")
            elif not got:
                if run.protocol_error:
                    outcome = (0.0, "tampered", run.protocol_error)
                elif run.timed_out:
                    outcome = (0.0, "timeout", f"the notebook ran past the {self.limits.timeout:g} s limit "
                                               "before this question")
                elif not any(h.get("type") == "hello" for h, _ in run.records):
                    outcome = (0.0, "crashed", "the grading process did not start: "
                                               + (run.stderr.strip().splitlines() or ["no output"])[-1][:200])
                else:
                    outcome = (0.0, "crashed", f"the grading process ended (exit code {run.returncode}) before "
                                               "this question; look for sys.exit/os._exit, a crash or a memory bomb")
            else:
                header, payload = got[0]
                seconds = float(header.get("seconds") or 0.0) if isinstance(header.get("seconds"), (int, float)) \
                    else 0.0
                status = header.get("status")
                if status == "answer":
                    score, state, message = self.judge(question, header, payload)
                    if header.get("cell_error") and state == "ok":
                        message += f" (the cell also raised {str(header.get('cell_error_type'))})"
                    outcome = (score * question.points, state, message)
                elif status == "missing":
                    outcome = (0.0, "missing", f"no cell starting with '# EXERCISE {question.qid}' was found")
                else:
                    error_type, error = str(header.get("error_type")), str(header.get("error"))[:300]
                    state = {"NotImplementedError": "not_attempted", "CellTimeout": "timeout",
                             "MemoryError": "memory"}.get(error_type, "error")
                    outcome = (0.0, state, error)
            points, state, message = outcome
            outcomes.append(Outcome(question, round(points, 2), state, message, seconds))
        return outcomes


# ----------------------------------------------------------------------------------------------- folder runs

def find_submissions(folder: Path) -> list[tuple[str, Path]]:
    """(student, path) for every notebook under ``folder``; the student is the path without ``.ipynb``."""
    folder = Path(folder)
    found = []
    for path in sorted(folder.rglob("*.ipynb")):
        if ".ipynb_checkpoints" in path.parts:
            continue
        found.append((path.relative_to(folder).with_suffix("").as_posix(), path))
    return found


def _read_csv(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, csv.Error):
        return []
    return [row for row in rows if set(CSV_FIELDS) <= set(row)]


def _cell_text(text: str) -> str:
    """One line, bounded, and never read as a formula by a spreadsheet (CSV injection)."""
    text = text.replace("\r", " ").replace("\n", " ")[:500]
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t") else text


def _rows(report: SubmissionReport) -> list[dict[str, Any]]:
    return [{"student": _cell_text(report.student), "submission": _cell_text(report.submission), "sha256": report.sha256,
             "question": o.question.qid, "points": f"{o.points:g}", "max_points": o.question.points,
             "status": o.status, "message": _cell_text(o.message), "seconds": f"{o.seconds:.2f}"}
            for o in report.outcomes]


def feedback_text(report: SubmissionReport, assignment: Assignment) -> str:
    lines = [f"# Feedback: {report.student}, notebook {assignment.number}", "",
             f"Score: {report.points:g} / {assignment.max_points}", "",
             "| question | points | status | details |", "|---|---|---|---|"]
    for o in report.outcomes:
        detail = o.message.replace("|", "\\|").replace("\n", " ")
        lines.append(f"| {o.question.qid} {o.question.title} | {o.points:g} / {o.question.points} | {o.status} "
                     f"| {detail} |")
    for o in report.outcomes:
        if o.status != "ok":
            lines += ["", f"Hint for {o.question.qid}: {o.question.hint}"]
    if report.notes:
        lines += ["", "Notes:"] + [f"- {note}" for note in report.notes]
    if report.run is not None and (report.run.stdout.strip() or report.run.stderr.strip()):
        lines += ["", "Output of your notebook while grading (last lines):", "```",
                  (report.run.stdout[-1500:] + report.run.stderr[-1500:]).strip(), "```"]
    return "\n".join(lines) + "\n"


def _safe_name(student: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in student.replace("/", "__"))


def _progress(done: int, total: int, label: str, started: float) -> None:
    width = 30
    filled = int(width * done / max(total, 1))
    elapsed = time.perf_counter() - started
    line = f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {elapsed:5.0f}s {label[:40]}"
    if sys.stderr.isatty():
        sys.stderr.write("\r" + line.ljust(100) + ("\n" if done == total else ""))
    else:
        sys.stderr.write(line + "\n")
    sys.stderr.flush()


def grade_folder(assignment: Assignment, folder: Path | str, out: Path | str, *, jobs: int = 1,
                 limits: Limits | None = None, force: bool = False, feedback_dir: Path | str | None = None,
                 progress: bool = True) -> dict[str, Any]:
    """Grade every notebook in ``folder`` into the CSV ``out`` (resumable) and one feedback file per student."""
    out = Path(out)
    feedback_dir = Path(feedback_dir) if feedback_dir else out.with_name(out.stem + "_feedback")
    feedback_dir.mkdir(parents=True, exist_ok=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    grader = Grader(assignment, limits, extra_hidden=[Path(folder), out.parent, feedback_dir], jobs=jobs)
    try:
        return _grade_all(grader, assignment, folder, out, force=force, feedback_dir=feedback_dir, jobs=jobs,
                          progress=progress)
    finally:
        grader.close()


def _grade_all(grader: Grader, assignment: Assignment, folder: Path | str, out: Path, *, force: bool,
               feedback_dir: Path, jobs: int, progress: bool) -> dict[str, Any]:
    submissions = find_submissions(Path(folder))
    qids = {q.qid for q in assignment.questions}
    kept: list[dict[str, str]] = [] if force else _read_csv(out)
    todo = []
    for student, path in submissions:
        sha = hashlib.sha256(path.read_bytes()).hexdigest()
        rows = [r for r in kept if r["student"] == _cell_text(student)]
        if rows and {r["question"] for r in rows if r["sha256"] == sha} == qids:
            continue
        kept = [r for r in kept if r["student"] != _cell_text(student)]
        todo.append((student, path))
    skipped = len(submissions) - len(todo)
    lock = threading.Lock()
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_FIELDS)
        writer.writeheader()
        writer.writerows(kept)
        handle.flush()
        started = time.perf_counter()
        reports: list[SubmissionReport] = []

        def one(student: str, path: Path) -> SubmissionReport:
            try:
                data = path.read_bytes()
            except OSError as exc:
                data = f"unreadable: {exc}".encode()
            submission = path.relative_to(Path(folder)).as_posix()
            try:
                return grader.grade_bytes(data, student, submission)
            except Exception as exc:  # a grader bug must cost one row, never the run
                outcomes = [Outcome(q, 0.0, "error", f"grader error, please report: {type(exc).__name__}: {exc}")
                            for q in assignment.questions]
                return SubmissionReport(student, submission, hashlib.sha256(data).hexdigest(), outcomes, 0.0)

        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            futures = {pool.submit(one, student, path): student for student, path in todo}
            for done, future in enumerate(as_completed(futures), 1):
                report = future.result()
                with lock:
                    writer.writerows(_rows(report))
                    handle.flush()
                    (feedback_dir / f"{_safe_name(report.student)}.md").write_text(
                        feedback_text(report, assignment), encoding="utf-8")
                    reports.append(report)
                if progress:
                    _progress(done, len(todo), f"{report.student}: {report.points:g}/{assignment.max_points} "
                                               f"({report.seconds:.1f}s)", started)
    statuses = Counter(o.status for r in reports for o in r.outcomes)
    seconds = [r.seconds for r in reports]
    return {"graded": len(reports), "skipped": skipped, "statuses": dict(statuses),
            "seconds_total": time.perf_counter() - started if todo else 0.0,
            "seconds_per_submission": (sum(seconds) / len(seconds)) if seconds else 0.0,
            "reports": reports, "isolation": isolation_mode(), "feedback_dir": feedback_dir}

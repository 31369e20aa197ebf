"""The registry of graded questions: id, title, points, what the graded cell defines and its public self-check.

Public checks only use literal expected values and properties (rows sum to one, finite for large inputs...), so
the installed package never contains a solution. The grader's hidden checks live with the solutions.

Example:
    >>> get_question("01.q3").name
    'stable_softmax'
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any, Callable

KINDS = ("function", "value", "model")
NOTEBOOKS = ("01", "02", "03", "04", "05", "06", "07", "08", "09")


class CheckFailed(AssertionError):
    """A self-check failed. Shown in Jupyter as one short line instead of a traceback."""

    def _render_traceback_(self) -> list[str]:  # IPython hook
        return [f"CheckFailed: {self}"]


@dataclass(frozen=True)
class Question:
    """One graded question.

    kind: ``function`` (the grader calls ``name`` on hidden inputs), ``value`` (the grader reads the arrays bound to
    ``name``) or ``model`` (``name`` is a Keras model; the grader saves it and evaluates it on hidden data).
    """

    qid: str
    title: str
    kind: str
    name: str
    points: int
    hint: str
    public: Callable[[Any], str] = field(repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"{self.qid}: kind must be one of {KINDS}")

    @property
    def notebook(self) -> str:
        return self.qid.split(".")[0]


def _module_questions(number: str) -> list[Question]:
    try:
        module = importlib.import_module(f"dlcourse.exercises.nb{number}")
    except ModuleNotFoundError as exc:
        if exc.name == f"dlcourse.exercises.nb{number}":
            return []
        raise
    return list(module.QUESTIONS)


def questions(notebook: str | None = None) -> list[Question]:
    """Every question (or those of one notebook, e.g. ``"01"``), in order."""
    numbers = [notebook] if notebook else list(NOTEBOOKS)
    return [q for n in numbers for q in _module_questions(n)]


def get_question(qid: str) -> Question:
    for question in questions(qid.split(".")[0] if isinstance(qid, str) and "." in qid else None):
        if question.qid == qid:
            return question
    raise KeyError(f"unknown question {qid!r}; questions look like '01.q1'")

"""Exercises: the student-side self-check and the exercise-notebook format.

In an exercise notebook::

    from dlcourse.exercises import check
    check("01.q3", stable_softmax)      # prints ✅/❌ with a hint; raises CheckFailed on failure

Instructors: ``dlcourse exercises build`` regenerates ``exercises/`` from ``solutions/``; ``dlcourse grade``
(``dlcourse.grading``, never imported here) grades returned notebooks.
"""

from __future__ import annotations

from dlcourse.exercises.check import check
from dlcourse.exercises.questions import CheckFailed, Question, get_question, questions

__all__ = ["check", "CheckFailed", "Question", "get_question", "questions"]

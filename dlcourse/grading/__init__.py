"""The instructor's grader (trusted side). Student processes never import this package.

    dlcourse grade 01 submissions/ --out grades.csv --jobs 2

See ``dlcourse.grading.grader`` (orchestration, CSV, feedback, resume), ``dlcourse.grading.sandbox`` (process
isolation) and ``dlcourse.grading.judging`` (loading exports safely; helpers for hidden checks).
"""

from __future__ import annotations

from dlcourse.grading.grader import Assignment, Grader, grade_folder, load_assignment
from dlcourse.grading.sandbox import Limits, isolation_mode

__all__ = ["Assignment", "Grader", "Limits", "grade_folder", "isolation_mode", "load_assignment"]

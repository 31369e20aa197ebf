"""``check(qid, answer)``: the student's self-check. Prints pass/fail with a hint; raises on failure; no stderr."""

from __future__ import annotations

import contextlib
import io
import warnings
from typing import Any

import numpy as np

from dlcourse.exercises.questions import CheckFailed, get_question

_MISSING = object()


def check(qid: str, answer: Any = _MISSING) -> bool:
    """Check your answer to question ``qid`` (e.g. ``check("01.q3", stable_softmax)``).

    Prints a line saying whether it passed and, if not, what is wrong and a hint; raises ``CheckFailed`` (an
    ``AssertionError``) on failure so "Run all" stops at the first unsolved question. These checks are public
    and small; the instructor's grader uses other, hidden inputs.
    """
    try:
        question = get_question(qid)
    except KeyError as exc:
        print(f"❌ {exc.args[0]}")
        raise CheckFailed(exc.args[0]) from None
    problem = None
    sink = io.StringIO()
    with warnings.catch_warnings(), np.errstate(all="ignore"), contextlib.redirect_stderr(sink):
        warnings.simplefilter("ignore")
        try:
            if answer is _MISSING:
                raise CheckFailed(f"pass your answer: check({qid!r}, {question.name})")
            detail = question.public(answer)
        except NotImplementedError:
            problem = "not solved yet (the cell still raises NotImplementedError)"
        except CheckFailed as exc:
            problem = str(exc)
        except Exception as exc:  # the student's code failed while being checked
            problem = f"your code raised {type(exc).__name__}: {exc}"
    if problem is None:
        print(f"✅ {qid} passed: {question.title}. {detail}".rstrip())
        return True
    print(f"❌ {qid} failed: {problem}\n   Hint: {question.hint}")
    raise CheckFailed(f"{qid} failed: {problem}")


# Helpers for the public checks in nbNN.py.

def require(condition: Any, message: str) -> None:
    if not bool(condition):
        raise CheckFailed(message)


def as_array(value: Any, what: str) -> np.ndarray:
    try:
        array = np.array(value, dtype=float)  # a plain copy: subclasses and odd objects lose their tricks
    except Exception:
        raise CheckFailed(f"{what} should be numbers (an array), got {type(value).__name__}") from None
    return array


def expect_close(got: Any, want: Any, what: str, *, atol: float = 1e-6) -> None:
    got_array, want_array = as_array(got, what), np.asarray(want, dtype=float)
    require(got_array.shape == want_array.shape,
            f"{what} has shape {got_array.shape}, expected {want_array.shape}")
    require(np.all(np.isfinite(got_array)), f"{what} contains NaN or inf")
    if not np.allclose(got_array, want_array, atol=atol, rtol=1e-5):
        raise CheckFailed(f"{what} is {np.array2string(got_array, precision=4)}, "
                          f"expected {np.array2string(want_array, precision=4)}")


def callable_answer(answer: Any, name: str) -> Any:
    require(callable(answer), f"pass the function itself: check(..., {name})")
    return answer

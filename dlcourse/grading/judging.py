"""Judging exported answers in the trusted parent: loading them safely, and helpers for the hidden checks.

Answers arrive as bytes. ``.npz`` files are opened with ``allow_pickle=False`` after checking every member's
size; Keras models are loaded with ``safe_mode=True`` (no lambdas, no arbitrary code). Comparisons accept only
plain numeric ndarrays of the right shape, so no object can answer "equal" for itself.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path
from typing import Any, Callable

import numpy as np

MAX_MEMBER_BYTES = 256 * 2**20


class BadAnswer(ValueError):
    """An export that cannot be judged (wrong format, too big, not numbers...)."""


def load_npz(payload: bytes) -> dict[str, np.ndarray]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(payload))
        for info in archive.infolist():
            if info.file_size > MAX_MEMBER_BYTES:
                raise BadAnswer(f"exported array {info.filename} is too large")
        with np.load(io.BytesIO(payload), allow_pickle=False) as data:
            arrays = {key: data[key] for key in data.files}
    except BadAnswer:
        raise
    except Exception as exc:
        raise BadAnswer(f"unreadable export ({type(exc).__name__})") from None
    for key, array in arrays.items():
        if type(array) is not np.ndarray or array.dtype.kind not in "biuf":
            raise BadAnswer(f"export {key} is not a numeric array")
    return arrays


def function_outputs(arrays: dict[str, np.ndarray], n_cases: int) -> list[list[np.ndarray]]:
    """Group ``c{case}_{j}`` arrays back into one list of outputs per input case."""
    cases: list[list[np.ndarray]] = []
    for index in range(n_cases):
        outputs, j = [], 0
        while f"c{index}_{j}" in arrays:
            outputs.append(arrays[f"c{index}_{j}"])
            j += 1
        cases.append(outputs)
    return cases


def value_outputs(arrays: dict[str, np.ndarray]) -> list[np.ndarray]:
    values, j = [], 0
    while f"v_{j}" in arrays:
        values.append(arrays[f"v_{j}"])
        j += 1
    return values


def load_keras_model(payload: bytes) -> Any:
    """Load an exported ``.keras`` file with ``safe_mode=True`` (raises BadAnswer if it cannot be loaded)."""
    try:
        with zipfile.ZipFile(io.BytesIO(payload)) as archive:
            if any(info.file_size > MAX_MEMBER_BYTES for info in archive.infolist()):
                raise BadAnswer("the saved model is too large")
    except zipfile.BadZipFile:
        raise BadAnswer("the export is not a .keras file") from None
    import keras

    with tempfile.TemporaryDirectory(prefix="dlcourse-judge-") as folder:
        path = Path(folder) / "model.keras"
        path.write_bytes(payload)
        try:
            return keras.saving.load_model(path, safe_mode=True, compile=False)
        except Exception as exc:
            raise BadAnswer(f"the model could not be loaded safely ({type(exc).__name__}: {str(exc)[:200]})") from None


def close(got: Any, want: Any, *, atol: float = 1e-6, rtol: float = 1e-5) -> tuple[bool, str]:
    """Is ``got`` a plain numeric array equal to ``want`` (same shape, finite, allclose)? And why not."""
    want = np.asarray(want, dtype=float)
    if type(got) is not np.ndarray or got.dtype.kind not in "biuf":
        return False, "not a numeric array"
    if got.shape != want.shape:
        return False, f"shape {got.shape}, expected {want.shape}"
    got = got.astype(float)
    if not np.all(np.isfinite(got)):
        return False, "contains NaN or inf"
    if not np.allclose(got, want, atol=atol, rtol=rtol):
        return False, "wrong values"
    return True, "correct"


def _argument(value: Any) -> Any:
    if isinstance(value, list):
        return [np.array(v) for v in value]
    return np.asarray(value).item() if np.ndim(value) == 0 else np.array(value)


def compare_cases(outputs: list[list[np.ndarray]], cases: list[dict], reference: Callable[..., Any],
                  *, atol: float = 1e-6, rtol: float = 1e-5) -> tuple[float, str]:
    """1.0 if the student's outputs match ``reference(**case)`` on every hidden case, else 0.0 (and why)."""
    passed, first_problem = 0, ""
    for index, (got, case) in enumerate(zip(outputs, cases)):
        want = reference(**{k: _argument(v) for k, v in case.items()})
        want = list(want) if isinstance(want, tuple) else [want]
        if len(got) != len(want):
            ok, why = False, f"returned {len(got)} value(s), expected {len(want)}"
        else:
            ok, why = True, ""
            for j, (g, w) in enumerate(zip(got, want)):
                ok, why = close(g, w, atol=atol, rtol=rtol)
                if not ok:
                    why = f"output {j}: {why}" if len(want) > 1 else why
                    break
        passed += ok
        if not ok and not first_problem:
            first_problem = f"hidden case {index + 1}: {why}"
    total = max(len(cases), 1)
    if passed == total:
        return 1.0, f"all {total} hidden cases correct"
    return 0.0, f"{passed}/{total} hidden cases correct; {first_problem}"  # all or nothing

"""Helpers to make submissions out of the solution notebooks: wrong variants, Colab-stripped copies."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from dlcourse.exercises.notebook import anchor_of, cell_source

ROOT = Path(__file__).resolve().parents[2]

# One known-wrong variant per question: (text in the solution cell, replacement). Each loses exactly that question.
WRONG = {
    "01.q1": ("return 1.0 / (1.0 + np.exp(-z))", "return np.tanh(z)"),
    "01.q2": ("return (np.asarray(z) > 0).astype(float)", "return (np.asarray(z) >= 0).astype(float)"),
    "01.q3": ("shifted = np.exp(z - z.max(axis=-1, keepdims=True))", "shifted = np.exp(z)"),
    "01.q4": ("b1 = np.array([0.0, -1.0])", "b1 = np.array([0.0, 0.0])"),
    "02.q1": ("return float(np.mean(diff ** 2))", "return float(np.mean(np.abs(diff)))"),
    "02.q2": ("p = np.clip(np.asarray(probs, dtype=float), 1e-7, 1.0)", "p = np.asarray(probs, dtype=float)"),
    "02.q3": ("grad_b = 2.0 * residual.mean()", "grad_b = residual.mean()"),
    "02.q4": ("dz1 = np.outer(dz2, W2) * (1.0 - h ** 2)", "dz1 = np.outer(dz2, W2) * (1.0 - h)"),
    "05.q1": ("out[i, j] = np.sum(image[i:i + kh, j:j + kw] * kernel)",
              "out[i, j] = np.sum(image[i:i + kh, j:j + kw] * kernel[::-1, ::-1])"),
    "05.q2": ("return x[: h * size, : w * size].reshape(h, size, w, size).max(axis=(1, 3))",
              "return x[: h * size, : w * size].reshape(h, size, w, size).mean(axis=(1, 3))"),
    "05.q3": ("return (n + 2 * padding - k) // stride + 1", "return (n + padding - k) // stride + 1"),
    "03.q1": ("mean, std = train.mean(axis=0), train.std(axis=0)",
              "mean, std = np.concatenate([train, test]).mean(axis=0), np.concatenate([train, test]).std(axis=0)"),
    "03.q2": ("return np.eye(num_classes)[np.asarray(labels, dtype=int)]",
              "return np.eye(num_classes)[np.asarray(labels, dtype=int) - 1]"),
    "03.q3": ("return float(np.mean(np.argmax(probs, axis=-1) == np.asarray(y_true)))",
              "return float(np.mean(np.argmax(probs, axis=0)[: len(y_true)] == np.asarray(y_true)))"),
    "03.q4": ("elif epoch - best_epoch >= patience:", "elif epoch - best_epoch > patience:"),
    "04.q1": ("return float(lam * sum(np.sum(np.square(w)) for w in weights))",
              "return float(lam * sum(np.sum(np.abs(w)) for w in weights))"),
    "04.q2": ("return np.asarray(x, dtype=float) * np.asarray(mask) / (1.0 - rate)",
              "return np.asarray(x, dtype=float) * np.asarray(mask) * (1.0 - rate)"),
    "04.q3": ("return float(np.prod(s * (1.0 - s)))", "return float(np.sum(s * (1.0 - s)))"),
    "04.q4": ("return grad * (max_norm / norm) if norm > max_norm else grad",
              "return np.clip(grad, -max_norm, max_norm)"),
    "06.q1": ("out[flags] = out[flags][:, :, ::-1]", "out[flags] = out[flags][:, ::-1]"),
    "06.q2": ("top, left = (images.shape[1] - size) // 2, (images.shape[2] - size) // 2", "top, left = 0, 0"),
    "06.q3": ("return (np.asarray(images, dtype=float) / 255.0 - mean) / std",
              "return np.asarray(images, dtype=float) / 255.0 - mean"),
    "07.q1": ("y = series[window + horizon - 1:window + horizon - 1 + n]", "y = series[window:window + n]"),
    "07.q2": ("return np.tanh(x_t @ Wx + h_prev @ Wh + b)", "return np.tanh(x_t @ Wx + b)"),
    "07.q3": ("h = np.tanh(x_t @ Wx + h @ Wh + b)", "h = np.tanh(x_t @ Wx + h0 @ Wh + b)"),
    "07.q4": ("return 4 * (units * (input_dim + units) + units)", "return 4 * (units * input_dim + units)"),
    "08.q1": ("return float(-np.mean(np.log(real)) - np.mean(np.log(1.0 - fake)))",
              "return float(-np.mean(np.log(real)) - np.mean(np.log(fake)))"),
    "08.q2": ("return float(-np.mean(np.log(fake)))", "return float(np.mean(np.log(1.0 - fake)))"),
    "08.q3": ("t = np.linspace(0.0, 1.0, steps)[:, None]", "t = np.linspace(0.0, 1.0, steps + 1)[:-1, None]"),
    "09.q1": ("return np.tril(np.ones((n, n)))", "return np.triu(np.ones((n, n)))"),
    "09.q2": ("scores = Q @ K.T / np.sqrt(Q.shape[-1])", "scores = Q @ K.T"),
    "09.q3": ("angles = positions / np.power(10000.0, 2 * pairs / depth)",
              "angles = positions / np.power(10000.0, pairs / depth)"),
    "05.q4": ("keras.layers.Conv2D(16, 3, activation=\"relu\"),", "keras.layers.Dense(512, activation=\"relu\"),"),
}


def solution_path(number: str) -> Path:
    return next((ROOT / "solutions").glob(f"{number}_*.ipynb"))


def exercise_path(number: str) -> Path:
    return next((ROOT / "exercises").glob(f"{number}_*.ipynb"))


def load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def dump(notebook: dict[str, Any] | bytes | str, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(notebook, dict):
        path.write_text(json.dumps(notebook, indent=1), encoding="utf-8")
    elif isinstance(notebook, str):
        path.write_text(notebook, encoding="utf-8")
    else:
        path.write_bytes(notebook)
    return path


def graded_cell(notebook: dict[str, Any], qid: str) -> dict[str, Any]:
    return next(c for c in notebook["cells"] if c.get("cell_type") == "code" and anchor_of(cell_source(c)) == qid)


def replace_in(notebook: dict[str, Any], qid: str, old: str, new: str) -> dict[str, Any]:
    notebook = copy.deepcopy(notebook)
    cell = graded_cell(notebook, qid)
    source = cell_source(cell)
    assert old in source, f"{qid}: {old!r} not in the solution"
    cell["source"] = source.replace(old, new)
    return notebook


def wrong_variant(number: str, qid: str) -> dict[str, Any]:
    old, new = WRONG[qid]
    return replace_in(load(solution_path(number)), qid, old, new)


def set_answer(notebook: dict[str, Any], qid: str, body: str) -> dict[str, Any]:
    """Replace a graded cell's source by ``# EXERCISE qid`` + ``body``."""
    notebook = copy.deepcopy(notebook)
    graded_cell(notebook, qid)["source"] = f"# EXERCISE {qid}\n{body.strip()}\n"
    return notebook


def colab_stripped(notebook: dict[str, Any]) -> dict[str, Any]:
    """What a Colab download / copy-paste may leave: no cell metadata or ids, sources as single strings,
    Colab's own notebook metadata, outputs present."""
    notebook = copy.deepcopy(notebook)
    for cell in notebook["cells"]:
        cell["metadata"] = {}
        cell.pop("id", None)
        cell["source"] = cell_source(cell)
        if cell["cell_type"] == "code":
            cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "✅ passed\n"}]
            cell["execution_count"] = 1
    notebook["metadata"] = {"colab": {"provenance": [], "name": "copy"}, "kernelspec": {"name": "python3",
                                                                                       "display_name": "Python 3"}}
    notebook["nbformat_minor"] = 0
    return notebook

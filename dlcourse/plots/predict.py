"""Call a Keras model or a plain function the same way and get NumPy back.

Plots that need predictions (decision boundaries, GAN samples) accept either a
Keras model or any callable ``f(x) -> array``.

Example:
    >>> import numpy as np
    >>> predict = as_predict_function(lambda x: x.sum(axis=1))
    >>> predict(np.ones((2, 3)))
    array([3., 3.])
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

PredictFunction = Callable[[np.ndarray], np.ndarray]


def as_numpy(value: Any) -> np.ndarray:
    """A NumPy array from a NumPy array, a list or a backend tensor (TensorFlow, JAX, PyTorch)."""
    if isinstance(value, np.ndarray):
        return value
    if hasattr(value, "detach"):  # a torch tensor may carry gradients
        value = value.detach().cpu()
    if hasattr(value, "numpy"):
        return np.asarray(value.numpy())
    return np.asarray(value)


def as_predict_function(model_or_fn: Any, batch_size: int = 8192) -> PredictFunction:
    """A function ``x -> NumPy predictions`` from a Keras model or a callable.

    A Keras model is called directly, batch by batch (``model(x, training=False)``), not
    through ``predict``: plotting several models in a row then triggers no
    ``tf.function`` retracing warnings.
    """
    if hasattr(model_or_fn, "predict") and hasattr(model_or_fn, "layers"):
        model = model_or_fn

        def predict(x: np.ndarray) -> np.ndarray:
            x = np.asarray(x)
            return np.concatenate([as_numpy(model(x[i: i + batch_size], training=False))
                                   for i in range(0, len(x), batch_size)])

        return predict
    if callable(model_or_fn):
        return lambda x: as_numpy(model_or_fn(x))
    raise ValueError(f"model must be a Keras model or a callable, got {type(model_or_fn).__name__}")

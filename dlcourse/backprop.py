"""Backpropagation in plain NumPy: losses with their gradients, a gradient checker and a two-layer network.

Everything here is small enough to read in one sitting; notebook 02 derives it step
by step and the exercises reuse it.

* losses: ``mse``, ``binary_cross_entropy``, ``categorical_cross_entropy`` (numerically
  stable, from logits or from probabilities, averaged like Keras' losses) and their
  gradients ``*_gradient`` with respect to the prediction;
* gradient checking: ``numerical_gradient`` (central differences) and ``relative_error``;
* ``TwoLayerNet``: ``input -> dense -> tanh/relu -> dense -> output`` with a hand-written
  ``backward``, and ``train`` to fit it with mini-batches and any of the NumPy optimisers
  in ``dlcourse.plots.optimizers`` (SGD, momentum, RMSprop, Adam).

Example:
    >>> import numpy as np
    >>> net = TwoLayerNet(2, 8, 2, seed=0)
    >>> x, y = np.random.default_rng(0).normal(size=(5, 2)), np.array([0, 1, 1, 0, 1])
    >>> loss = net.loss(x, y)            # forward pass, remembers what backward needs
    >>> grads = net.backward()           # dict with the same keys and shapes as net.params
    >>> numeric = numerical_gradient(lambda _: net.loss(x, y), net.params)
    >>> relative_error(grads, numeric) < 1e-7
    True
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence, Union

import numpy as np

Params = Union[np.ndarray, Mapping[str, np.ndarray], Sequence[np.ndarray]]

#: Probabilities are clipped to ``[EPSILON, 1 - EPSILON]`` before a log, as Keras does.
EPSILON = 1e-7

ACTIVATIONS = ("tanh", "relu")
LOSSES = ("cross_entropy", "mse")


# --- small building blocks ----------------------------------------------------------------------

def sigmoid(z: np.ndarray) -> np.ndarray:
    """Logistic sigmoid ``1 / (1 + exp(-z))`` without overflow for large ``|z|``.

    Example:
        >>> sigmoid(np.array([-1000.0, 0.0, 1000.0]))
        array([0. , 0.5, 1. ])
    """
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def softmax(z: np.ndarray) -> np.ndarray:
    """Softmax over the last axis; subtracting the row maximum first keeps ``exp`` from overflowing.

    Example:
        >>> softmax(np.array([[1000.0, 1000.0]]))
        array([[0.5, 0.5]])
    """
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def log_softmax(z: np.ndarray) -> np.ndarray:
    """``log(softmax(z))`` computed as ``z - logsumexp(z)``: finite even where softmax rounds to 0.

    Example:
        >>> log_softmax(np.array([[0.0, 1000.0]]))
        array([[-1000.,     0.]])
    """
    z = np.asarray(z, dtype=float)
    shifted = z - z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def one_hot(labels: np.ndarray, num_classes: int) -> np.ndarray:
    """Integer labels ``(n,)`` as a one-hot matrix ``(n, num_classes)``.

    Example:
        >>> one_hot(np.array([2, 0]), 3)
        array([[0., 0., 1.],
               [1., 0., 0.]])
    """
    labels = np.asarray(labels)
    if labels.ndim != 1 or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(f"labels must be a 1-D array of integers, got dtype {labels.dtype} and shape {labels.shape}")
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(f"labels must lie in [0, {num_classes - 1}] for num_classes={num_classes}, "
                         f"got {labels.min()}..{labels.max()}")
    return np.eye(num_classes)[labels]


def _targets_like(y_true: Any, y_pred: Any) -> tuple[np.ndarray, np.ndarray]:
    y_true, y_pred = np.asarray(y_true, dtype=float), np.asarray(y_pred, dtype=float)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true and y_pred must have the same shape, got {y_true.shape} and {y_pred.shape}")
    if y_pred.size == 0:
        raise ValueError("y_pred must not be empty")
    return y_true, y_pred


def _class_targets(y_true: Any, y_pred: np.ndarray) -> np.ndarray:
    """One-hot targets from integer labels ``(n,)`` or one-hot / soft labels ``(n, k)``."""
    y_true = np.asarray(y_true)
    if y_pred.ndim != 2 or y_pred.shape[0] == 0:
        raise ValueError(f"y_pred must have shape (n_samples, n_classes), got {y_pred.shape}")
    if y_true.ndim == 1:
        return one_hot(y_true, y_pred.shape[1])
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true must be integer labels {y_pred.shape[:1]} or one-hot {y_pred.shape}, "
                         f"got {y_true.shape}")
    return y_true.astype(float)


# --- losses and their gradients -----------------------------------------------------------------

def mse(y_true: Any, y_pred: Any) -> float:
    """Mean squared error, averaged over every element (what ``keras.losses.MeanSquaredError`` computes).

    Example:
        >>> mse([1.0, 2.0], [1.0, 4.0])
        2.0
    """
    y_true, y_pred = _targets_like(y_true, y_pred)
    return float(np.mean((y_pred - y_true) ** 2))


def mse_gradient(y_true: Any, y_pred: Any) -> np.ndarray:
    """``d mse / d y_pred = 2 (y_pred - y_true) / N`` with ``N`` the number of elements.

    Example:
        >>> mse_gradient([1.0, 2.0], [1.0, 4.0])
        array([0., 2.])
    """
    y_true, y_pred = _targets_like(y_true, y_pred)
    return 2.0 * (y_pred - y_true) / y_pred.size


def binary_cross_entropy(y_true: Any, y_pred: Any, *, from_logits: bool = False) -> float:
    """``-mean(y log p + (1 - y) log(1 - p))`` for targets in [0, 1].

    With ``from_logits=True``, ``y_pred`` holds logits ``z`` (``p = sigmoid(z)``) and the loss is
    computed as ``max(z, 0) - z y + log(1 + exp(-|z|))``, which never takes the log of 0.
    Probabilities are clipped to ``[1e-7, 1 - 1e-7]`` like Keras does.

    Example:
        >>> round(binary_cross_entropy([1.0, 0.0], [0.9, 0.2]), 4)
        0.1643
        >>> binary_cross_entropy([1.0], [-1000.0], from_logits=True)
        1000.0
    """
    y_true, y_pred = _targets_like(y_true, y_pred)
    if from_logits:
        z = y_pred
        return float(np.mean(np.maximum(z, 0) - z * y_true + np.log1p(np.exp(-np.abs(z)))))
    p = np.clip(y_pred, EPSILON, 1 - EPSILON)
    return float(-np.mean(y_true * np.log(p) + (1 - y_true) * np.log(1 - p)))


def binary_cross_entropy_gradient(y_true: Any, y_pred: Any, *, from_logits: bool = False) -> np.ndarray:
    """Gradient of ``binary_cross_entropy`` with respect to ``y_pred``.

    From logits it is the famous ``(sigmoid(z) - y) / N``; from probabilities
    ``(p - y) / (p (1 - p)) / N``, which explodes near 0 and 1 (one more reason to use logits).

    Example:
        >>> binary_cross_entropy_gradient([1.0, 0.0], [0.0, 0.0], from_logits=True)
        array([-0.25,  0.25])
    """
    y_true, y_pred = _targets_like(y_true, y_pred)
    if from_logits:
        return (sigmoid(y_pred) - y_true) / y_pred.size
    p = np.clip(y_pred, EPSILON, 1 - EPSILON)
    inside = (y_pred > EPSILON) & (y_pred < 1 - EPSILON)  # clipping makes the loss flat outside
    return np.where(inside, (p - y_true) / (p * (1 - p)), 0.0) / y_pred.size


def categorical_cross_entropy(y_true: Any, y_pred: Any, *, from_logits: bool = False) -> float:
    """``-mean over samples of sum_k y_k log p_k``.

    ``y_true`` is integer labels ``(n,)`` (like Keras' *sparse* categorical cross-entropy)
    or one-hot / soft labels ``(n, k)``. ``y_pred`` is ``(n, k)``: logits with
    ``from_logits=True`` (the stable way: ``log p = z - logsumexp(z)``), otherwise
    probabilities whose rows sum to 1, clipped to ``[1e-7, 1 - 1e-7]``.

    Example:
        >>> round(categorical_cross_entropy([0, 1], [[0.8, 0.2], [0.4, 0.6]]), 4)
        0.367
        >>> round(categorical_cross_entropy([0], [[0.0, 0.0]], from_logits=True), 4)   # log 2
        0.6931
    """
    y_pred = np.asarray(y_pred, dtype=float)
    targets = _class_targets(y_true, y_pred)
    if from_logits:
        log_p = log_softmax(y_pred)
    else:
        _check_probabilities(y_pred)
        log_p = np.log(np.clip(y_pred, EPSILON, 1 - EPSILON))
    return float(-np.mean(np.sum(targets * log_p, axis=-1)))


def categorical_cross_entropy_gradient(y_true: Any, y_pred: Any, *, from_logits: bool = False) -> np.ndarray:
    """Gradient of ``categorical_cross_entropy`` with respect to ``y_pred``, shape ``(n, k)``.

    From logits: ``(softmax(z) - y) / n`` — softmax and cross-entropy together have the
    simplest gradient in deep learning. From probabilities: ``-y / p / n``.

    Example:
        >>> categorical_cross_entropy_gradient([0], [[0.0, 0.0]], from_logits=True)
        array([[-0.5,  0.5]])
    """
    y_pred = np.asarray(y_pred, dtype=float)
    targets = _class_targets(y_true, y_pred)
    n = y_pred.shape[0]
    if from_logits:
        return (softmax(y_pred) - targets) / n
    _check_probabilities(y_pred)
    p = np.clip(y_pred, EPSILON, 1 - EPSILON)
    inside = (y_pred > EPSILON) & (y_pred < 1 - EPSILON)
    return np.where(inside, -targets / p, 0.0) / n


def _check_probabilities(p: np.ndarray) -> None:
    if np.any(p < 0) or not np.allclose(p.sum(axis=-1), 1.0, atol=1e-3):
        raise ValueError("y_pred must hold probabilities (non-negative, rows summing to 1); "
                         "for raw scores pass from_logits=True")


# --- gradient checking --------------------------------------------------------------------------

def _arrays(params: Params, name: str) -> list[np.ndarray]:
    if isinstance(params, np.ndarray):
        arrays = [params]
    elif isinstance(params, Mapping):
        arrays = list(params.values())
    elif isinstance(params, (list, tuple)):
        arrays = list(params)
    else:
        raise ValueError(f"{name} must be an array, a dict of arrays or a list of arrays, got {type(params).__name__}")
    for array in arrays:
        if not isinstance(array, np.ndarray):
            raise ValueError(f"{name} must hold NumPy arrays, got {type(array).__name__}")
    return arrays


def numerical_gradient(f: Callable[[Any], float], params: Params, eps: float = 1e-5) -> Params:
    """The gradient of ``f(params)`` by central differences: ``(f(p + eps) - f(p - eps)) / (2 eps)``.

    Each entry of each array is nudged in place, ``f`` is called twice and the entry is
    restored, so ``f`` may ignore its argument and read the arrays some other way (for
    example through a network that owns them). Costs ``2 x (number of parameters)``
    calls of ``f``: fine for checking, far too slow for training. Use float64 arrays;
    in float32 the rounding error swamps the difference.

    Args:
        f: a function of ``params`` returning a scalar.
        params: one float array, a dict of them or a list of them.
        eps: the nudge; the error of central differences shrinks like ``eps**2``.

    Returns:
        Gradients in the same structure as ``params`` (array, dict or list).

    Example:
        >>> w = np.array([1.0, -2.0])
        >>> numerical_gradient(lambda w: float(np.sum(w ** 2)), w).round(6)
        array([ 2., -4.])
    """
    if not eps > 0:
        raise ValueError(f"eps must be positive, got {eps!r}")
    arrays = _arrays(params, "params")
    for array in arrays:
        if not np.issubdtype(array.dtype, np.floating):
            raise ValueError(f"params must be floating-point arrays (float64 recommended), got {array.dtype}")
    grads = []
    for array in arrays:
        grad = np.zeros_like(array, dtype=float)
        flat, flat_grad = array.reshape(-1), grad.reshape(-1)  # views: writing to flat changes array
        for i in range(flat.size):
            original = flat[i]
            flat[i] = original + eps
            plus = float(f(params))
            flat[i] = original - eps
            minus = float(f(params))
            flat[i] = original
            flat_grad[i] = (plus - minus) / (2 * eps)
        grads.append(grad)
    if isinstance(params, np.ndarray):
        return grads[0]
    if isinstance(params, Mapping):
        return dict(zip(params.keys(), grads))
    return grads


def relative_error(a: Params, b: Params) -> float:
    """The largest ``|a - b| / max(|a| + |b|, 1e-12)`` over all entries (of all arrays).

    Scale-free, so it means the same for tiny and large gradients. In float64 a correct
    backward pass typically gives 1e-7 or less against ``numerical_gradient``; 1e-2 or
    more almost always means a bug.

    Example:
        >>> round(relative_error(np.array([1.0, 2.0]), np.array([1.0, 2.002])), 6)
        0.0005
    """
    first, second = _arrays(a, "a"), _arrays(b, "b")
    if isinstance(a, Mapping) and isinstance(b, Mapping) and set(a) != set(b):
        raise ValueError(f"a and b must have the same keys, got {sorted(a)} and {sorted(b)}")
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        second = [b[key] for key in a]
    if len(first) != len(second):
        raise ValueError(f"a and b must hold the same number of arrays, got {len(first)} and {len(second)}")
    worst = 0.0
    for x, y in zip(first, second):
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        if x.shape != y.shape:
            raise ValueError(f"a and b must have matching shapes, got {x.shape} and {y.shape}")
        if x.size:
            worst = max(worst, float(np.max(np.abs(x - y) / np.maximum(np.abs(x) + np.abs(y), 1e-12))))
    return worst


# --- a two-layer network ------------------------------------------------------------------------

class TwoLayerNet:
    """``x -> x W1 + b1 -> tanh or relu -> h W2 + b2 -> output``, with backpropagation by hand.

    Shapes, for a batch of ``n`` examples: ``x (n, d)``, ``W1 (d, h)``, ``b1 (h,)``,
    ``W2 (h, k)``, ``b2 (k,)``, output ``(n, k)``. With ``loss="cross_entropy"`` the
    output is logits for ``k`` classes (softmax is inside the loss); with ``loss="mse"``
    it is the prediction itself.

    Args:
        n_inputs, n_hidden, n_outputs: ``d``, ``h`` and ``k`` above.
        activation: ``"tanh"`` (the default: smooth everywhere, so gradient checks are exact) or ``"relu"``.
        loss: ``"cross_entropy"`` (classification, targets are integer labels or one-hot rows)
            or ``"mse"`` (regression, targets of shape ``(n, k)``, or ``(n,)`` when ``k == 1``).
        seed: seeds the initial weights: normal with standard deviation ``sqrt(1 / fan_in)``
            (``sqrt(2 / fan_in)`` for relu); biases start at 0.
        dtype: float64 (the default) makes gradient checks precise.

    Example:
        >>> net = TwoLayerNet(2, 16, 2, seed=1)
        >>> {name: p.shape for name, p in net.params.items()}
        {'W1': (2, 16), 'b1': (16,), 'W2': (16, 2), 'b2': (2,)}
        >>> x, y = np.array([[0.0, 1.0], [1.0, 0.0]]), np.array([0, 1])
        >>> before = net.loss(x, y)
        >>> _ = net.backward()
        >>> net.step(lr=0.5)
        >>> net.loss(x, y) < before
        True
    """

    def __init__(self, n_inputs: int, n_hidden: int, n_outputs: int, *, activation: str = "tanh",
                 loss: str = "cross_entropy", seed: int = 0, dtype: Any = np.float64):
        for name, value in (("n_inputs", n_inputs), ("n_hidden", n_hidden), ("n_outputs", n_outputs)):
            if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        if activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {list(ACTIVATIONS)}, got {activation!r}")
        if loss not in LOSSES:
            raise ValueError(f"loss must be one of {list(LOSSES)}, got {loss!r}")
        if loss == "cross_entropy" and n_outputs < 2:
            raise ValueError(f"n_outputs must be at least 2 for cross_entropy (one logit per class), got {n_outputs}")
        self.activation, self.loss_type, self.dtype = activation, loss, np.dtype(dtype)
        rng = np.random.default_rng(seed)
        gain = 2.0 if activation == "relu" else 1.0
        self.params: dict[str, np.ndarray] = {
            "W1": rng.normal(0.0, np.sqrt(gain / n_inputs), (n_inputs, n_hidden)).astype(self.dtype),
            "b1": np.zeros(n_hidden, dtype=self.dtype),
            "W2": rng.normal(0.0, np.sqrt(1.0 / n_hidden), (n_hidden, n_outputs)).astype(self.dtype),
            "b2": np.zeros(n_outputs, dtype=self.dtype),
        }
        self.grads: dict[str, np.ndarray] = {}
        self._cache: dict[str, np.ndarray] = {}

    @property
    def num_params(self) -> int:
        """How many numbers training adjusts."""
        return int(sum(p.size for p in self.params.values()))

    def forward(self, x: np.ndarray) -> np.ndarray:
        """The outputs ``(n, k)`` (logits for cross-entropy); keeps the intermediate values for ``backward``."""
        x = np.asarray(x, dtype=self.dtype)
        if x.ndim != 2 or x.shape[1] != self.params["W1"].shape[0]:
            raise ValueError(f"x must have shape (n_samples, {self.params['W1'].shape[0]}), got {x.shape}")
        p = self.params
        z1 = x @ p["W1"] + p["b1"]
        a1 = np.tanh(z1) if self.activation == "tanh" else np.maximum(z1, 0)
        z2 = a1 @ p["W2"] + p["b2"]
        self._cache = {"x": x, "z1": z1, "a1": a1, "z2": z2}
        return z2

    def _targets(self, y: Any, outputs: np.ndarray) -> np.ndarray:
        y = np.asarray(y)
        if len(y) != len(outputs):
            raise ValueError(f"y must have one target per example ({len(outputs)}), got {len(y)}")
        if self.loss_type == "cross_entropy":
            return _class_targets(y, outputs)
        y = y.astype(float)
        return y.reshape(outputs.shape) if y.ndim == 1 and outputs.shape[1] == 1 else y

    def loss(self, x: np.ndarray, y: Any) -> float:
        """Forward pass plus the loss (mean over the batch); remembers the targets for ``backward``."""
        outputs = self.forward(x)
        targets = self._targets(y, outputs)
        self._cache["y"] = targets
        if self.loss_type == "cross_entropy":
            return categorical_cross_entropy(targets, outputs, from_logits=True)
        return mse(targets, outputs)

    def backward(self) -> dict[str, np.ndarray]:
        """Gradients of the last ``loss`` with respect to every parameter (also kept in ``self.grads``)."""
        if "y" not in self._cache:
            raise ValueError("backward needs a forward pass with targets first: call loss(x, y)")
        c, p = self._cache, self.params
        if self.loss_type == "cross_entropy":
            d_z2 = categorical_cross_entropy_gradient(c["y"], c["z2"], from_logits=True)  # (p - y) / n
        else:
            d_z2 = mse_gradient(c["y"], c["z2"])
        d_W2 = c["a1"].T @ d_z2                     # (h, n) @ (n, k) -> (h, k)
        d_b2 = d_z2.sum(axis=0)                     # (k,)
        d_a1 = d_z2 @ p["W2"].T                     # (n, k) @ (k, h) -> (n, h)
        if self.activation == "tanh":
            d_z1 = d_a1 * (1.0 - c["a1"] ** 2)      # tanh' = 1 - tanh^2
        else:
            d_z1 = d_a1 * (c["z1"] > 0)             # relu' = 1 where z > 0
        d_W1 = c["x"].T @ d_z1                      # (d, n) @ (n, h) -> (d, h)
        d_b1 = d_z1.sum(axis=0)                     # (h,)
        self.grads = {"W1": d_W1, "b1": d_b1, "W2": d_W2, "b2": d_b2}
        return self.grads

    def step(self, lr: float) -> None:
        """One plain gradient-descent update with the last gradients: ``param -= lr * grad``."""
        if not lr > 0:
            raise ValueError(f"lr must be positive, got {lr!r}")
        if not self.grads:
            raise ValueError("step needs gradients first: call loss(x, y) and backward()")
        for name, grad in self.grads.items():
            self.params[name] -= lr * grad

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        """Class probabilities ``(n, k)`` (softmax of the logits); cross-entropy networks only."""
        if self.loss_type != "cross_entropy":
            raise ValueError("predict_proba needs a network built with loss='cross_entropy'")
        return softmax(self.forward(x))

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Predicted class labels ``(n,)`` for cross-entropy, the outputs ``(n, k)`` for MSE."""
        outputs = self.forward(x)
        return outputs.argmax(axis=1) if self.loss_type == "cross_entropy" else outputs

    def accuracy(self, x: np.ndarray, y: np.ndarray) -> float:
        """Fraction of correctly classified examples (``y`` as integer labels)."""
        return float(np.mean(self.predict(x) == np.asarray(y)))


@dataclass
class TrainingHistory:
    """What ``train`` records. ``history`` works with ``dlc.plots.plot_history`` like Keras' ``History``.

    Attributes:
        history: per epoch, ``loss`` on the whole training set after the epoch (plus
            ``accuracy``, ``val_loss``, ``val_accuracy`` where they apply), as Keras records them.
        initial: the same measurements before the first update.
        step_losses: the mini-batch loss of every single update, in order.
        epoch_seconds: wall time of each epoch's updates (evaluation not included).
    """

    history: dict[str, list[float]] = field(default_factory=dict)
    initial: dict[str, float] = field(default_factory=dict)
    step_losses: list[float] = field(default_factory=list)
    epoch_seconds: list[float] = field(default_factory=list)


def train(net: TwoLayerNet, x: np.ndarray, y: np.ndarray, *, lr: float, epochs: int, batch_size: int | None = None,
          optimizer: str = "sgd", seed: int = 0,
          validation_data: tuple[np.ndarray, np.ndarray] | None = None) -> TrainingHistory:
    """Train ``net`` in place with mini-batches: shuffle, then forward, backward, update for each batch.

    Args:
        net: the network (its ``params`` are updated in place).
        x, y: training inputs and targets.
        lr: learning rate.
        epochs: passes over the training set.
        batch_size: examples per update; 1 is pure stochastic gradient descent, None the whole set (full batch).
        optimizer: ``"sgd"``, ``"momentum"``, ``"rmsprop"`` or ``"adam"`` (the NumPy rules of
            ``dlcourse.plots.optimizers``, one per parameter array).
        seed: seeds the shuffling.
        validation_data: optional ``(x_val, y_val)`` evaluated after every epoch.

    Example:
        >>> from dlcourse.data import make_moons
        >>> x, y = make_moons(200, seed=0)
        >>> net = TwoLayerNet(2, 16, 2, seed=0)
        >>> log = train(net, x, y, lr=0.5, epochs=20, batch_size=32)
        >>> log.history["loss"][-1] < log.initial["loss"]
        True
    """
    from dlcourse.plots.optimizers import OPTIMIZERS, make_optimizer

    x, y = np.asarray(x), np.asarray(y)
    n = len(x)
    if len(y) != n or n == 0:
        raise ValueError(f"x and y must have the same non-zero length, got {len(x)} and {len(y)}")
    if not isinstance(epochs, (int, np.integer)) or epochs < 0:
        raise ValueError(f"epochs must be a non-negative integer, got {epochs!r}")
    if batch_size is None:
        batch_size = n
    if not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer or None, got {batch_size!r}")
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {list(OPTIMIZERS)}, got {optimizer!r}")
    updaters = {name: make_optimizer(optimizer, lr) for name in net.params}  # one per array; checks lr
    rng = np.random.default_rng(seed)
    log = TrainingHistory()

    def measure() -> dict[str, float]:
        parts = [("", x, y)] + ([("val_", *validation_data)] if validation_data is not None else [])
        values = {}
        for prefix, inputs, targets in parts:
            values[prefix + "loss"] = net.loss(inputs, targets)
            if net.loss_type == "cross_entropy":
                values[prefix + "accuracy"] = net.accuracy(inputs, targets)
        return values

    log.initial = measure()
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(epochs):
            start = time.perf_counter()
            order = rng.permutation(n)
            for first in range(0, n, batch_size):
                batch = order[first:first + batch_size]
                log.step_losses.append(net.loss(x[batch], y[batch]))
                for name, grad in net.backward().items():
                    net.params[name][...] = updaters[name].step(net.params[name], grad)
            log.epoch_seconds.append(time.perf_counter() - start)
            for key, value in measure().items():
                log.history.setdefault(key, []).append(value)
    return log

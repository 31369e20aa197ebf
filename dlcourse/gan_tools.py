"""Watching and judging a GAN: snapshots during training, mode counting, and a classifier-based score.

A GAN's losses say little about how good its samples are, so we look at the samples
themselves and measure them:

* :class:`SampleSnapshots` is a Keras callback that generates samples from the **same fixed
  noise** every few epochs, so you can watch one set of fakes evolve;
* :class:`GeneratorAverage` is a Keras callback that keeps a moving average of the generator's
  weights, which usually draws cleaner samples than the generator itself;
* :func:`rejection_samples` uses the trained discriminator as a critic after training: it draws
  extra samples and keeps those the discriminator finds most real;
* :func:`count_covered_modes` (with :func:`mode_counts` and :func:`ring_centers`) counts how
  many modes of a Gaussian mixture the generator reaches: the number that drops when it
  *mode-collapses*;
* :func:`classifier_score` judges generated images with a classifier trained on real data:
  confident predictions mean recognisable samples (quality), a flat histogram of predicted
  classes means every class is generated (diversity); for a conditional generator it also
  says how often the sample is the class that was asked for, and :func:`within_class_diversity`
  checks that the samples of one class are not all alike;
* :func:`plot_point_snapshots` and :func:`plot_image_snapshots` draw the snapshots;
  :func:`plot_discriminator_map` shows what a 2-D discriminator believes is real.

Example:
    >>> import numpy as np
    >>> uniform = np.full((100, 10), 0.01) + 0.9 * np.eye(10)[np.arange(100) % 10]
    >>> score = score_probabilities(uniform)
    >>> round(score["mean_max_probability"], 2), round(score["class_entropy"], 4)
    (0.91, 2.3026)
    >>> count_covered_modes(ring_centers(8), ring_centers(8), radius=0.5)
    8
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Sequence

import keras
import numpy as np

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: The course's targets for generated MNIST digits: mean max-probability and share of ln(10) reached by the entropy.
TARGET_MEAN_MAX_PROBABILITY = 0.90
TARGET_ENTROPY_FRACTION = 0.95


# --- judging generated images with a classifier ---------------------------------------------------------------


def _is_int(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def histogram_entropy(counts: Any) -> float:
    """Shannon entropy (in nats) of a histogram of counts: ``ln(k)`` for ``k`` equal bins, 0 for a single bin.

    Example:
        >>> round(histogram_entropy([5, 5, 5, 5]), 4) == round(math.log(4), 4)
        True
        >>> histogram_entropy([0, 12, 0])
        0.0
    """
    counts = np.asarray(counts, dtype="float64")
    if counts.ndim != 1 or counts.size == 0:
        raise ValueError(f"counts: must be a non-empty 1-D histogram, got shape {counts.shape}")
    if np.any(counts < 0) or not np.all(np.isfinite(counts)):
        raise ValueError("counts: must be finite and non-negative")
    total = counts.sum()
    if total <= 0:
        raise ValueError("counts: the histogram is empty (all counts are 0)")
    p = counts[counts > 0] / total
    return float(max(0.0, -(p * np.log(p)).sum()))


def score_probabilities(probabilities: Any, *, from_logits: bool = False, labels: Any = None) -> dict[str, Any]:
    """The classifier score from predicted class probabilities ``(n, classes)``, one row per generated sample.

    Returns a dict with

    * ``mean_max_probability``: the mean over samples of the top probability; near 1 when the
      classifier is sure what every sample is (the samples look like real members of a class);
    * ``class_entropy``: entropy (nats) of the histogram of predicted classes; ``ln(classes)``
      when every class is predicted equally often, 0 when all samples land in one class
      (complete mode collapse);
    * ``histogram``: how many samples were predicted as each class (an int array);
    * ``max_entropy``: ``ln(classes)``, the largest possible ``class_entropy``;
    * ``label_accuracy``, only with ``labels`` (the classes a conditional generator was asked
      for): the share of samples the classifier puts in the class they were asked to be.

    Example:
        >>> score = score_probabilities([[0.9, 0.1], [0.2, 0.8]], labels=[0, 0])
        >>> score["histogram"].tolist(), round(score["mean_max_probability"], 2), score["label_accuracy"]
        ([1, 1], 0.85, 0.5)
    """
    p = np.asarray(probabilities, dtype="float64")
    if p.ndim != 2 or p.shape[0] == 0 or p.shape[1] < 2:
        raise ValueError(f"probabilities: must have shape (n, classes) with n >= 1 and classes >= 2, got {p.shape}")
    if not np.all(np.isfinite(p)):
        raise ValueError("probabilities: contain NaN or infinite values")
    if from_logits:
        p = np.exp(p - p.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
    elif np.any(p < 0) or not np.allclose(p.sum(axis=1), 1.0, atol=1e-3):
        raise ValueError("probabilities: rows must be non-negative and sum to 1 (pass from_logits=True for logits)")
    predicted = p.argmax(axis=1)
    histogram = np.bincount(predicted, minlength=p.shape[1])
    score = {"mean_max_probability": float(p.max(axis=1).mean()),
             "class_entropy": histogram_entropy(histogram),
             "histogram": histogram,
             "max_entropy": math.log(p.shape[1])}
    if labels is not None:
        score["label_accuracy"] = float(np.mean(predicted == _class_labels(labels, len(p), p.shape[1])))
    return score


def _class_labels(labels: Any, n: int, classes: int | None = None) -> np.ndarray:
    labels = np.asarray(labels)
    if labels.shape != (n,) or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(f"labels: need {n} integer class labels, got shape {labels.shape}, dtype {labels.dtype}")
    if classes is not None and (labels.min() < 0 or labels.max() >= classes):
        raise ValueError(f"labels: must be classes 0 to {classes - 1}, got {labels.min()} to {labels.max()}")
    return labels


def within_class_diversity(images: Any, labels: Any, *, per_class: int = 200, seed: int = 0) -> float:
    """How different samples *of the same class* are: the mean pixel distance between two of them.

    For each class, the mean Euclidean distance between all pairs of (at most ``per_class``)
    images labelled with it; then the mean over classes. The class entropy of
    :func:`score_probabilities` cannot see a conditional generator that draws one and the same
    "7" every time it is asked for a 7; this number can: it drops towards 0. Compare it with the
    same number for real images in the same pixel scale.

    Example:
        >>> import numpy as np
        >>> same = np.zeros((6, 4, 4)); varied = np.random.default_rng(0).random((6, 4, 4))
        >>> within_class_diversity(same, [0, 0, 0, 1, 1, 1]), within_class_diversity(varied, [0, 0, 0, 1, 1, 1]) > 0
        (0.0, True)
    """
    images = np.asarray(images, dtype="float64")
    if images.ndim < 2 or len(images) < 2:
        raise ValueError(f"images: need at least two samples, got shape {images.shape}")
    labels = _class_labels(labels, len(images))
    if not _is_int(per_class) or per_class < 2:
        raise ValueError(f"per_class: must be an integer >= 2, got {per_class!r}")
    flat = images.reshape(len(images), -1)
    rng = np.random.default_rng(seed)
    distances = []
    for label in np.unique(labels):
        members = flat[labels == label]
        if len(members) < 2:
            continue
        if len(members) > per_class:
            members = members[rng.choice(len(members), per_class, replace=False)]
        squared = (members ** 2).sum(axis=1)
        pairwise = np.sqrt(np.maximum(squared[:, None] + squared[None, :] - 2 * members @ members.T, 0.0))
        distances.append(pairwise[np.triu_indices(len(members), k=1)].mean())
    if not distances:
        raise ValueError("labels: no class has two samples to compare")
    return float(np.mean(distances))


def classifier_score(classifier: Any, images: Any, *, batch_size: int = 256, from_logits: bool = False,
                     labels: Any = None) -> dict[str, Any]:
    """Judge generated images with a classifier trained on real data (see :func:`score_probabilities`).

    Args:
        classifier: a Keras model (``predict`` is used) or a callable from a batch of images to
            class probabilities ``(n, classes)``. Pass the images in the scale it was trained on.
        images: the generated images, e.g. ``(n, 28, 28, 1)``.
        batch_size: images per prediction batch.
        from_logits: the classifier outputs raw scores instead of probabilities.
        labels: for a conditional generator, the class each image was asked to be; adds ``label_accuracy``.

    Returns:
        ``{"mean_max_probability", "class_entropy", "histogram", "max_entropy"}`` (and ``"label_accuracy"``).
        For the course's MNIST target: ``mean_max_probability >= 0.90`` and ``class_entropy >= 0.95 * ln 10``.

    Example:
        >>> score = classifier_score(classifier, generator_images)                    # doctest: +SKIP
        >>> score["mean_max_probability"], score["class_entropy"] / score["max_entropy"]  # doctest: +SKIP
        (0.95, 0.99)
    """
    if not callable(classifier) and not hasattr(classifier, "predict"):
        raise ValueError(f"classifier: must be a Keras model or a callable, got {type(classifier).__name__}")
    if not _is_int(batch_size) or batch_size < 1:
        raise ValueError(f"batch_size: must be a positive integer, got {batch_size!r}")
    images = np.asarray(images, dtype="float32")
    if images.ndim < 2 or len(images) == 0:
        raise ValueError(f"images: must be a non-empty batch of samples, got shape {images.shape}")
    if isinstance(classifier, keras.Model):
        probabilities = classifier.predict(images, batch_size=batch_size, verbose=0)
    else:
        probabilities = np.concatenate([keras.ops.convert_to_numpy(classifier(images[i:i + batch_size]))
                                        for i in range(0, len(images), batch_size)])
    return score_probabilities(probabilities, from_logits=from_logits, labels=labels)


def meets_targets(score: dict[str, Any], *, min_mean_max_probability: float = TARGET_MEAN_MAX_PROBABILITY,
                  min_entropy_fraction: float = TARGET_ENTROPY_FRACTION) -> bool:
    """True when a :func:`classifier_score` result reaches both targets (confident and diverse).

    Example:
        >>> meets_targets({"mean_max_probability": 0.93, "class_entropy": 2.25, "max_entropy": math.log(10)})
        True
    """
    for key in ("mean_max_probability", "class_entropy", "max_entropy"):
        if key not in score:
            raise ValueError(f"score: missing {key!r}; pass what classifier_score returned")
    return bool(score["mean_max_probability"] >= min_mean_max_probability
                and score["class_entropy"] >= min_entropy_fraction * score["max_entropy"])


# --- modes of a 2-D Gaussian mixture --------------------------------------------------------------------------


def ring_centers(n: int = 8, radius: float = 4.0) -> np.ndarray:
    """``n`` points evenly spaced on a circle, shape ``(n, 2)``: the centres ``dlc.data.make_gaussians`` uses.

    Example:
        >>> ring_centers(4).round(1).tolist()
        [[4.0, 0.0], [0.0, 4.0], [-4.0, 0.0], [-0.0, -4.0]]
    """
    if not _is_int(n) or n < 1:
        raise ValueError(f"n: must be a positive integer, got {n!r}")
    if not radius > 0:
        raise ValueError(f"radius: must be positive, got {radius!r}")
    angles = 2 * np.pi * np.arange(n) / n
    return (radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)).astype("float32")


def _points(name: str, value: Any) -> np.ndarray:
    array = np.asarray(value, dtype="float64")
    if array.ndim != 2 or array.shape[0] == 0:
        raise ValueError(f"{name}: must have shape (n, dims) with n >= 1, got {array.shape}")
    return array


def mode_counts(samples: Any, centers: Any, radius: float) -> np.ndarray:
    """How many samples lie within ``radius`` of each centre (each sample counts for its nearest centre).

    Samples farther than ``radius`` from every centre count nowhere: they are off-mode junk.

    Example:
        >>> mode_counts([[0.1, 0.0], [0.0, 0.2], [5.0, 5.0]], [[0, 0], [5, 0]], radius=1.0).tolist()
        [2, 0]
    """
    samples, centers = _points("samples", samples), _points("centers", centers)
    if samples.shape[1] != centers.shape[1]:
        raise ValueError(f"centers: have {centers.shape[1]} coordinates but samples have {samples.shape[1]}")
    if not radius > 0:
        raise ValueError(f"radius: must be positive, got {radius!r}")
    distances = np.linalg.norm(samples[:, None, :] - centers[None, :, :], axis=-1)
    nearest = distances.argmin(axis=1)
    close = distances[np.arange(len(samples)), nearest] <= radius
    return np.bincount(nearest[close], minlength=len(centers))


def count_covered_modes(samples: Any, centers: Any, radius: float, *, min_fraction: float = 0.0) -> int:
    """The number of centres (modes) that at least one sample reaches, within ``radius``.

    Args:
        min_fraction: a mode only counts when it holds more than this share of the samples
            (e.g. 0.02 ignores a mode that one stray sample happens to touch).

    Example:
        >>> count_covered_modes([[0, 0], [0.1, 0], [4, 0]], [[0, 0], [4, 0], [0, 4]], radius=0.5)
        2
    """
    if not 0.0 <= min_fraction < 1.0:
        raise ValueError(f"min_fraction: must be in [0, 1), got {min_fraction!r}")
    counts = mode_counts(samples, centers, radius)
    return int(np.sum(counts > min_fraction * len(np.asarray(samples))))


# --- snapshots during training --------------------------------------------------------------------------------


class SampleSnapshots(keras.callbacks.Callback):
    """Keras callback: every ``every`` epochs, generate samples from one fixed batch of noise and keep them.

    Used with ``GAN.fit`` the generator is found as ``model.generator``; pass ``generator``
    to watch another model. Because the noise never changes, the snapshots show how the
    *same* latent points move as training goes on. Epoch numbers count completed epochs,
    so ``0`` is the untrained generator (with ``at_start=True``); the last epoch is always kept.
    A conditional generator also needs ``labels``: the class asked of each of the ``n`` samples.

    Attributes:
        epochs: the completed-epoch number of each snapshot.
        samples: the generated samples of each snapshot, NumPy arrays ``(n, ...)``.
        noise: the fixed noise ``(n, latent_dim)``.
        labels: the fixed class labels ``(n,)`` of a conditional generator, else ``None``.

    Example:
        >>> snapshots = SampleSnapshots(n=500, every=5)
        >>> gan.fit(points, epochs=20, callbacks=[snapshots], verbose=0)  # doctest: +SKIP
        >>> snapshots.epochs                                              # doctest: +SKIP
        [0, 5, 10, 15, 20]
    """

    def __init__(self, n: int = 16, every: int = 1, *, seed: int = 0, generator: keras.Model | None = None,
                 labels: Any = None, at_start: bool = True) -> None:
        super().__init__()
        if not _is_int(n) or n < 1:
            raise ValueError(f"n: must be a positive integer, got {n!r}")
        if not _is_int(every) or every < 1:
            raise ValueError(f"every: must be a positive integer, got {every!r}")
        if generator is not None and not callable(generator):
            raise ValueError(f"generator: must be a Keras model, got {type(generator).__name__}")
        self.n, self.every, self.seed, self.at_start = int(n), int(every), seed, bool(at_start)
        self.labels = None if labels is None else _class_labels(labels, int(n))
        self._generator = generator
        self.noise: np.ndarray | None = None
        self.epochs: list[int] = []
        self.samples: list[np.ndarray] = []

    @property
    def generator(self) -> keras.Model:
        """The model that turns noise into samples (``model.generator`` of the GAN being trained by default)."""
        if self._generator is not None:
            return self._generator
        generator = getattr(self.model, "generator", None)
        if generator is None:
            raise ValueError("generator: the model being trained has no .generator; pass generator=...")
        return generator

    def _snapshot(self, epoch: int) -> None:
        if self.epochs and self.epochs[-1] == epoch:
            return
        from dlcourse.models.gan import generator_inputs

        samples = self.generator(generator_inputs(self.generator, self.noise, self.labels), training=False)
        self.epochs.append(int(epoch))
        self.samples.append(np.asarray(keras.ops.convert_to_numpy(samples)))

    def on_train_begin(self, logs: dict | None = None) -> None:
        if self.noise is None:
            from dlcourse.models.gan import latent_size

            latent_dim = latent_size(self.generator)
            self.noise = np.random.default_rng(self.seed).standard_normal((self.n, latent_dim)).astype("float32")
        self._offset = self.epochs[-1] if self.epochs else 0  # a second fit call keeps counting
        if self.at_start and not self.epochs:
            self._snapshot(0)

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self._last = self._offset + epoch + 1
        if self._last % self.every == 0:
            self._snapshot(self._last)

    def on_train_end(self, logs: dict | None = None) -> None:
        if getattr(self, "_last", None) is not None:
            self._snapshot(self._last)


class GeneratorAverage(keras.callbacks.Callback):
    """Keras callback: keep an exponential moving average (EMA) of a generator's weights during training.

    The players of a GAN rarely settle: the generator's weights keep circling around a good
    solution. After every training batch each averaged weight moves a little towards the current one,
    ``average = decay * average + (1 - decay) * weight``, so the averaged generator sits near the
    centre of that circling and usually draws cleaner samples. ProGAN, StyleGAN and BigGAN all
    publish such an averaged generator. ``decay=0.999`` averages over roughly the last 1,000 batches;
    early on the average uses a smaller decay, ``(1 + t) / (10 + t)`` after ``t`` batches, so it is
    not stuck near the random start.

    Args:
        generator: the generator being trained (``gan.generator``).
        decay: how much of the old average each batch keeps, in ``[0, 1)``.

    Attributes:
        average: a copy of the generator holding the averaged weights (a ``keras.Model``: sample from
            it, pass it to :class:`SampleSnapshots` as ``generator=``, save it).
        updates: batches averaged so far.

    Example:
        >>> ema = GeneratorAverage(gan.generator, decay=0.999)        # doctest: +SKIP
        >>> gan.fit(images, epochs=5, callbacks=[ema], verbose=0)     # doctest: +SKIP
        >>> samples = generate_samples(ema.average, 16)               # doctest: +SKIP
    """

    def __init__(self, generator: keras.Model, decay: float = 0.999) -> None:
        super().__init__()
        if not isinstance(generator, keras.Model):
            raise ValueError(f"generator: must be a keras.Model, got {type(generator).__name__}")
        if isinstance(decay, bool) or not isinstance(decay, (int, float, np.floating)) or not 0.0 <= decay < 1.0:
            raise ValueError(f"decay: must be a number in [0, 1), got {decay!r}")
        self.source = generator
        self.decay = float(decay)
        self.average = keras.models.clone_model(generator)
        self.average.set_weights(generator.get_weights())
        self.updates = 0
        self._compiled_update: Any = None

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        decay = min(self.decay, (1.0 + self.updates) / (10.0 + self.updates))
        if self._compiled_update is None:
            self._compiled_update = _compiled(self._update)
        self._compiled_update(keras.ops.convert_to_tensor(decay, "float32"))
        self.updates += 1

    def _update(self, decay: Any) -> None:
        for averaged, current in zip(self.average.weights, self.source.weights):
            averaged.assign(decay * averaged + (1.0 - decay) * keras.ops.cast(current, averaged.dtype))


def _compiled(function: Any) -> Any:
    """``function`` as one TensorFlow graph on the TensorFlow backend (as it is on other backends).

    Run op by op, the moving average of a small generator's ~20 weights costs about as much as a
    fifth of a GAN training step on a 2-core CPU; as one graph it is nearly free.
    """
    if keras.backend.backend() != "tensorflow":
        return function
    import tensorflow as tf  # imported here, so the module runs on any backend

    return tf.function(function, autograph=False)  # a plain loop over the weights: nothing to convert


def rejection_samples(generator: keras.Model, discriminator: keras.Model, n: int, *, keep: float = 0.5,
                      seed: int | None = None, batch_size: int = 512) -> np.ndarray:
    """``n`` generated samples, the best ``keep`` share of ``n / keep`` by the discriminator's verdict.

    After training, the discriminator is a learned critic of exactly the flaws the generator still
    has. *Discriminator rejection sampling* (Azadi et al., 2019) uses it: draw more samples than
    needed and throw away those it finds least real. This simple version keeps the top share by
    logit. It trades generation time for quality, and can cost some diversity when the critic
    prefers some classes (measure both).

    Args:
        generator: noise ``(batch, latent_dim)`` to samples.
        discriminator: samples to one logit each (higher: more real).
        n: samples to return.
        keep: share of the drawn samples that is kept, in ``(0, 1]``; ``1.0`` keeps all.
        seed: seed of the noise.

    Example:
        >>> best = rejection_samples(gan.generator, gan.discriminator, 1000, keep=0.5, seed=0)  # doctest: +SKIP
    """
    if not _is_int(n) or n <= 0:
        raise ValueError(f"n: must be a positive integer, got {n!r}")
    if isinstance(keep, bool) or not isinstance(keep, (int, float, np.floating)) or not 0.0 < keep <= 1.0:
        raise ValueError(f"keep: must be a number in (0, 1], got {keep!r}")
    drawn = int(math.ceil(n / keep))
    from dlcourse.models import generate_samples

    samples = generate_samples(generator, drawn, seed=seed)
    logits = np.asarray(discriminator.predict(samples, batch_size=batch_size, verbose=0)).reshape(drawn)
    best = np.argsort(-logits, kind="stable")[:n]
    return samples[np.sort(best)]


# --- pictures -------------------------------------------------------------------------------------------------


def plot_point_snapshots(snapshots: SampleSnapshots | tuple[Sequence[int], Sequence[Any]], real: Any, *,
                         centers: Any = None, radius: float | None = None, max_panels: int = 6,
                         title: str | None = None) -> Figure:
    """Real 2-D points (grey) and the generated ones (colour) side by side, one panel per snapshot.

    With ``centers`` and ``radius`` each panel's title says how many modes the fakes cover.

    Args:
        snapshots: a :class:`SampleSnapshots` callback, or ``(epochs, samples)``.
        real: real points ``(n, 2)``.
        max_panels: draw at most this many snapshots, evenly spread (first and last always shown).

    Example:
        >>> import numpy as np
        >>> fig = plot_point_snapshots(([0, 5], [np.zeros((4, 2)), np.ones((4, 2))]), np.zeros((3, 2)))
        >>> len(fig.axes)
        2
    """
    import matplotlib.pyplot as plt

    epochs, samples = _unpack_snapshots(snapshots)
    real = _points("real", real)
    if real.shape[1] != 2:
        raise ValueError(f"real: must be 2-D points (n, 2), got {real.shape}")
    if not _is_int(max_panels) or max_panels < 1:
        raise ValueError(f"max_panels: must be a positive integer, got {max_panels!r}")
    if (centers is None) != (radius is None):
        raise ValueError("radius: pass centers and radius together (or neither)")
    chosen = _spread(len(epochs), max_panels)
    fig, axes = plt.subplots(1, len(chosen), figsize=(2.6 * len(chosen), 2.8), squeeze=False,
                             sharex=True, sharey=True)
    pad = 0.1 * float(np.ptp(real, axis=0).max() or 1.0)
    for ax, i in zip(axes[0], chosen):
        fake = _points("samples", samples[i])
        ax.scatter(real[:, 0], real[:, 1], s=3, c="0.75", label="real")
        ax.scatter(fake[:, 0], fake[:, 1], s=3, c="C3", alpha=0.6, label="generated")
        text = f"epoch {epochs[i]}"
        if centers is not None:
            text += f"\n{count_covered_modes(fake, centers, radius)}/{len(np.asarray(centers))} modes"
        ax.set_title(text, fontsize=9)
        ax.set_xlim(real[:, 0].min() - pad, real[:, 0].max() + pad)
        ax.set_ylim(real[:, 1].min() - pad, real[:, 1].max() + pad)
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
    axes[0][0].legend(loc="lower left", fontsize=7, markerscale=3, framealpha=0.8)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_discriminator_map(discriminator: Any, real: Any, samples: Any = None, *, ax: Axes | None = None,
                           resolution: int = 120, padding: float = 1.0,
                           title: str | None = "What the discriminator believes") -> Figure:
    """The discriminator's probability "real" over the plane, with the real (grey) and generated (red) points.

    Args:
        discriminator: a Keras model or a callable from points ``(n, 2)`` to one **logit** each (as the
            course's discriminators output); the map shows ``sigmoid(logit)``.
        real: real points ``(n, 2)``; with ``samples`` they set the plotted area (plus ``padding``).
        samples: generated points ``(m, 2)``, or None.
        ax: draw on these axes; a new figure otherwise.
        resolution: grid points along each axis.

    Example:
        >>> import numpy as np
        >>> fig = plot_discriminator_map(lambda p: p[:, :1], np.zeros((3, 2)), np.ones((3, 2)), resolution=8)
        >>> fig.axes[0].get_title()
        'What the discriminator believes'
    """
    import matplotlib.pyplot as plt

    if not callable(discriminator):
        raise ValueError(f"discriminator: must be a Keras model or a callable, got {type(discriminator).__name__}")
    real = _points("real", real)
    shown = [real]
    if samples is not None:
        shown.append(_points("samples", samples))
    for name, points in zip(("real", "samples"), shown):
        if points.shape[1] != 2:
            raise ValueError(f"{name}: must be 2-D points (n, 2), got {points.shape}")
    if not _is_int(resolution) or resolution < 2:
        raise ValueError(f"resolution: must be an integer >= 2, got {resolution!r}")
    if not padding >= 0:
        raise ValueError(f"padding: must be non-negative, got {padding!r}")
    everything = np.concatenate(shown)
    low, high = everything.min(axis=0) - padding, everything.max(axis=0) + padding
    xx, yy = np.meshgrid(np.linspace(low[0], high[0], resolution), np.linspace(low[1], high[1], resolution))
    grid = np.column_stack([xx.ravel(), yy.ravel()]).astype("float32")
    kwargs = {"training": False} if isinstance(discriminator, keras.Model) else {}
    logits = np.asarray(keras.ops.convert_to_numpy(discriminator(grid, **kwargs)), dtype="float64").reshape(xx.shape)
    probability = 1.0 / (1.0 + np.exp(-np.clip(logits, -50, 50)))

    if ax is None:
        fig, ax = plt.subplots(figsize=(5.2, 4.2))
    else:
        fig = ax.figure
    shading = ax.contourf(xx, yy, probability, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.55)
    ax.contour(xx, yy, probability, levels=[0.5], colors="k", linewidths=0.8, linestyles="--")
    fig.colorbar(shading, ax=ax, label="D(x): probability real")
    ax.scatter(real[:, 0], real[:, 1], s=3, c="0.35", label="real")
    if samples is not None:
        ax.scatter(shown[1][:, 0], shown[1][:, 1], s=3, c="C3", alpha=0.6, label="generated")
    ax.set_xlim(low[0], high[0])
    ax.set_ylim(low[1], high[1])
    ax.set_aspect("equal")
    ax.legend(loc="lower left", fontsize=7, markerscale=3, framealpha=0.8)
    if title:
        ax.set_title(title)
    return fig


def plot_image_snapshots(snapshots: SampleSnapshots | tuple[Sequence[int], Sequence[Any]], *, n: int = 10,
                         max_rows: int = 10, value_range: tuple[float, float] = (-1.0, 1.0),
                         title: str | None = None) -> Figure:
    """One row per snapshot, the first ``n`` generated images of each: the same noise, epoch after epoch.

    Example:
        >>> import numpy as np
        >>> fig = plot_image_snapshots(([0, 1], [np.zeros((3, 8, 8, 1)), np.ones((3, 8, 8, 1))]), n=3)
        >>> len(fig.axes)
        6
    """
    import matplotlib.pyplot as plt

    epochs, samples = _unpack_snapshots(snapshots)
    if not _is_int(n) or n < 1:
        raise ValueError(f"n: must be a positive integer, got {n!r}")
    if not _is_int(max_rows) or max_rows < 1:
        raise ValueError(f"max_rows: must be a positive integer, got {max_rows!r}")
    chosen = _spread(len(epochs), max_rows)
    images = [np.asarray(samples[i]) for i in chosen]
    if any(im.ndim not in (3, 4) for im in images):
        raise ValueError("snapshots: samples must be images (n, h, w) or (n, h, w, channels)")
    cols = min(n, min(len(im) for im in images))
    fig, axes = plt.subplots(len(chosen), cols, figsize=(0.9 * cols + 0.8, 0.95 * len(chosen)), squeeze=False)
    for row, (i, batch) in enumerate(zip(chosen, images)):
        for col in range(cols):
            ax = axes[row][col]
            image = batch[col]
            if image.ndim == 3 and image.shape[-1] == 1:
                image = image[..., 0]
            if image.ndim == 3:  # colour: map to [0, 1]
                image = np.clip((image - value_range[0]) / (value_range[1] - value_range[0]), 0, 1)
                ax.imshow(image)
            else:
                ax.imshow(image, cmap="gray", vmin=value_range[0], vmax=value_range[1])
            ax.set_xticks([])
            ax.set_yticks([])
        axes[row][0].set_ylabel(f"epoch {epochs[i]}", rotation=0, ha="right", va="center", fontsize=9)
    if title:
        fig.suptitle(title)
    fig.subplots_adjust(wspace=0.05, hspace=0.05)
    return fig


def _unpack_snapshots(snapshots: Any) -> tuple[list[int], list[Any]]:
    if isinstance(snapshots, SampleSnapshots):
        epochs, samples = snapshots.epochs, snapshots.samples
    elif isinstance(snapshots, (tuple, list)) and len(snapshots) == 2:
        epochs, samples = snapshots
    else:
        raise ValueError("snapshots: pass a SampleSnapshots callback or a pair (epochs, samples)")
    epochs, samples = list(epochs), list(samples)
    if not epochs or len(epochs) != len(samples):
        raise ValueError(f"snapshots: need one sample batch per epoch and at least one, "
                         f"got {len(epochs)} epochs and {len(samples)} batches")
    return epochs, samples


def _spread(total: int, most: int) -> list[int]:
    """Indices of at most ``most`` of ``total`` items, evenly spread, first and last included."""
    if total <= most:
        return list(range(total))
    return sorted({int(round(i)) for i in np.linspace(0, total - 1, most)})

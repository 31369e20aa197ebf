"""Transfer learning: a small CNN trained once on one data set, reused as a frozen feature extractor.

The trained backbone is saved in the Keras cache (``$KERAS_HOME/models``) under a
name made from its settings, so the second call with the same settings loads the
file instead of training again.

Example:
    >>> backbone = pretrained_backbone("mnist")  # trains once, then loads   # doctest: +SKIP
    >>> model = transfer_classifier(backbone, output_units=10)                # doctest: +SKIP
    >>> model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])  # doctest: +SKIP
    >>> model.fit(*fashion.train, epochs=3)  # only the new head learns       # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import keras
import numpy as np

from dlcourse.data import get_spec, keras_home
from dlcourse.data import load as load_dataset
from dlcourse.data import names as dataset_names
from dlcourse.models import _checks as check
from dlcourse.models._blocks import dense_stack, output_layer
from dlcourse.models._files import save_atomically
from dlcourse.models.cnn import cnn
from dlcourse.quick import is_quick
from dlcourse.seeding import seed as seed_everything

BACKBONE_FORMAT = 1  # bump when the backbone's architecture or training changes, so old files are not reused


def backbone_config(dataset: str = "mnist", filters: tuple[int, ...] = (32, 64), epochs: int = 1,
                    seed: int = 0, quick: bool | None = None) -> dict[str, Any]:
    """The settings that identify a trained backbone (everything its file name depends on)."""
    quick = is_quick() if quick is None else bool(quick)
    return {"dataset": dataset, "filters": list(check.positive_ints("filters", filters)),
            "epochs": check.positive_int("epochs", epochs), "seed": seed, "quick": quick,
            "format": BACKBONE_FORMAT}


def backbone_path(config: dict[str, Any], cache_dir: Path | str | None = None) -> Path:
    """Where the backbone with these settings is stored: ``<cache_dir>/backbone-<hash>.keras``.

    ``cache_dir`` defaults to ``dlcourse.data.keras_home() / "models"``.
    """
    folder = Path(cache_dir) if cache_dir is not None else keras_home() / "models"
    digest = hashlib.sha256(json.dumps(config, sort_keys=True).encode()).hexdigest()[:16]
    return folder / f"backbone-{digest}.keras"


def pretrained_backbone(dataset: str = "mnist", *, filters: int | tuple[int, ...] = (32, 64),
                        epochs: int = 1, seed: int = 0, quick: bool | None = None,
                        cache_dir: Path | str | None = None, verbose: int = 0) -> keras.Model:
    """A frozen convolutional feature extractor trained on ``dataset`` (trained once, then loaded from the cache).

    The first call trains ``cnn(input_shape, filters, rescale=True)`` as a classifier on
    ``dlcourse.data.load(dataset)`` (a small subset in quick mode) and saves the part
    up to its ``features`` layer; later calls with the same settings load that file.

    Args:
        dataset: an image data set of ``dlcourse.data`` (uint8 images with integer labels).
        filters: filters of the convolution blocks.
        epochs: training epochs; one pass over MNIST already gives features good enough to transfer,
            and notebooks 04 and 06 share the backbone trained with the defaults.
        seed: seeds data splitting and training.
        quick: train on the quick-mode subset; follows ``DLCOURSE_QUICK`` when ``None``.
        cache_dir: folder for the saved backbones (default ``keras_home() / "models"``).
        verbose: passed to ``fit``.

    Returns:
        A ``keras.Model`` from raw images (as the data set stores them) to feature vectors,
        with ``trainable = False``.
    """
    check.choice("dataset", dataset, dataset_names())
    config = backbone_config(dataset, filters, epochs, seed, quick)
    path = backbone_path(config, cache_dir)
    if path.is_file():
        backbone = keras.models.load_model(path, compile=False)
    else:
        backbone = train_backbone(config, verbose=verbose)
        save_atomically(backbone, path)
    backbone.trainable = False
    return backbone


def train_backbone(config: dict[str, Any], verbose: int = 0) -> keras.Model:
    """Train the classifier described by :func:`backbone_config` and return its feature extractor part."""
    seed_everything(config["seed"])
    limit = get_spec(config["dataset"]).quick_limit if config["quick"] else None
    data = load_dataset(config["dataset"], seed=config["seed"], limit=limit)
    x_train, y_train = data.train
    x_train = np.asarray(x_train)
    if x_train.ndim not in (3, 4):
        raise ValueError(f"dataset: {config['dataset']!r} is not an image data set (its inputs have shape "
                         f"{x_train.shape})")
    num_classes = data.num_classes or int(np.max(y_train)) + 1
    classifier = cnn(x_train.shape[1:], filters=tuple(config["filters"]), rescale=True, dense=(),
                     output_units=num_classes, name=f"{config['dataset']}_classifier")
    classifier.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    classifier.fit(x_train, y_train, validation_data=tuple(data.val), epochs=config["epochs"], batch_size=64,
                   verbose=verbose)
    return keras.Model(classifier.input, classifier.get_layer("features").output, name="backbone")


def transfer_classifier(backbone: keras.Model, output_units: int = 10, *, dense: int | tuple[int, ...] = (),
                        dropout: float = 0.0, output_activation: Any = "softmax",
                        name: str = "transfer_classifier") -> keras.Model:
    """A new classifier head on top of a (frozen) backbone, for a different data set.

    Only the head's weights train while ``backbone.trainable`` is ``False``; set it to
    ``True`` later (and recompile with a small learning rate) to fine-tune everything.

    Example:
        >>> model = transfer_classifier(pretrained_backbone("mnist"), output_units=10)  # doctest: +SKIP
    """
    if not isinstance(backbone, keras.Model):
        raise ValueError(f"backbone: must be a keras.Model, got {backbone!r}")
    output_units = check.positive_int("output_units", output_units)
    dense = check.positive_ints("dense", dense, allow_empty=True)
    dropout = check.rate("dropout", dropout)
    output_activation = check.activation("output_activation", output_activation)
    inputs = keras.Input(backbone.input_shape[1:], name="inputs")
    x = backbone(inputs, training=False)  # keep batch-norm statistics fixed even when fine-tuning
    x = dense_stack(x, dense, dropout=dropout, prefix="dense")
    if dropout > 0 and not dense:
        x = keras.layers.Dropout(dropout, name="features_dropout")(x)
    outputs = output_layer(x, output_units, output_activation)
    return keras.Model(inputs, outputs, name=name)

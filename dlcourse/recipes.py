"""The benchmark's training recipes as plain functions over NumPy arrays, for any Keras backend.

The notebooks feed their models from ``tf.data`` pipelines, so they need TensorFlow. These functions
train the same models with the same seeds, batch sizes, epochs and learning-rate schedules from
NumPy arrays instead, so the recipes behind the targets in ``benchmarks/targets.csv`` also run with
Keras on JAX or PyTorch — for example on a GPU machine that has no TensorFlow. Each recipe returns
what its notebook reports with ``dlc.report`` (same names), so the results can be judged against the
same targets and set beside the CPU numbers (``python -m dlcourse.recipes``, ``benchmarks/gpu.md``).

Two things still need TensorFlow and are done beforehand: IMDB's raw text is turned into token ids
by notebook 07's ``TextVectorization`` (:func:`export_imdb_token_ids`), and the DCGAN trains on
TensorFlow or PyTorch only (``dlc.models.GAN`` has no JAX ``train_step``).

Example:
    >>> results = fashion_cnn()                  # doctest: +SKIP
    >>> results["fashion_cnn.test_accuracy"]     # doctest: +SKIP
    0.92
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np

from dlcourse.quick import pick

IMDB_MAX_TOKENS = 20_000
IMDB_SEQUENCE_LENGTH = 400  # notebook 07; notebook 09 keeps the first 384 of these (the same vocabulary)
TRANSFORMER_SEQUENCE_LENGTH = 384


# --------------------------------------------------------------------------------------------- data


@dataclass(frozen=True)
class TokenIds:
    """IMDB reviews as padded token ids (0 = padding) and their labels, per split."""

    train: tuple[np.ndarray, np.ndarray]
    val: tuple[np.ndarray, np.ndarray]
    test: tuple[np.ndarray, np.ndarray]

    def truncated(self, length: int) -> TokenIds:
        """The same reviews cut to their first ``length`` tokens (what a shorter ``sequence_length`` gives)."""
        return TokenIds(*((ids[:, :length], labels) for ids, labels in (self.train, self.val, self.test)))

    @classmethod
    def load(cls, path: Path | str) -> TokenIds:
        """Read a file written by :func:`export_imdb_token_ids`."""
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(f"{path}: no IMDB token ids here; write them first (needs TensorFlow): "
                                    f"python -m dlcourse.recipes export {path.parent}")
        with np.load(path) as saved:
            return cls(*((saved[f"{part}_ids"].astype("int32"), saved[f"{part}_labels"])
                         for part in ("train", "val", "test")))


def export_imdb_token_ids(path: Path | str) -> Path:
    """Vectorise the IMDB reviews as notebook 07 does and save the token ids (``.npz``) to ``path``.

    Needs TensorFlow (``keras.layers.TextVectorization``): run it where TensorFlow is installed and
    carry the file to a machine that has none. In quick mode it holds the quick-mode subset.

    Example:
        >>> export_imdb_token_ids("build/recipes/imdb_token_ids.npz")  # doctest: +SKIP
    """
    from dlcourse.data import load
    from dlcourse.pipelines import text_vectorizer

    imdb = load("imdb_reviews")
    vectorizer = text_vectorizer(imdb.train.x, max_tokens=IMDB_MAX_TOKENS, sequence_length=IMDB_SEQUENCE_LENGTH)
    arrays = {}
    for part in ("train", "val", "test"):
        texts, labels = getattr(imdb, part)
        ids = np.concatenate([np.asarray(vectorizer(texts[i:i + 2048])) for i in range(0, len(texts), 2048)])
        arrays[f"{part}_ids"], arrays[f"{part}_labels"] = ids.astype("uint16"), np.asarray(labels, "int32")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, **arrays)
    return path


class BucketedBatches:
    """Batches of token ids drawn from texts of similar length and cut to a multiple of ``bucket_width``.

    The NumPy twin of ``dlc.pipelines.text_datasets(..., bucket_width=...)``: training batches come from
    length buckets (boundaries ``bucket_width + 1, 2 * bucket_width + 1, ...``), reshuffled every epoch;
    evaluation batches (``training=False``) hold the texts sorted by length. Either way each batch is cut
    to its longest text, rounded up to a multiple of ``bucket_width``. Wrapped by :meth:`as_keras` it
    is a ``keras.utils.PyDataset`` for ``fit``/``evaluate`` on any backend.

    Example:
        >>> ids = np.array([[5, 6, 0, 0], [7, 0, 0, 0], [4, 4, 4, 4]])
        >>> [batch[0].shape for batch in BucketedBatches(ids, np.array([1, 0, 1]), batch_size=2,
        ...                                              bucket_width=2, training=False)]
        [(2, 2), (1, 4)]
    """

    def __init__(self, ids: np.ndarray, labels: np.ndarray, *, batch_size: int, bucket_width: int,
                 training: bool = True, seed: int = 0) -> None:
        from dlcourse.models._checks import positive_int

        self.batch_size = positive_int("batch_size", batch_size)
        self.bucket_width = positive_int("bucket_width", bucket_width)
        self.ids, self.labels = np.asarray(ids), np.asarray(labels, "float32")
        if self.ids.ndim != 2 or len(self.ids) != len(self.labels):
            raise ValueError(f"ids: need one row of token ids per label, got ids of shape {self.ids.shape} "
                             f"for {len(self.labels)} labels")
        self.training = training
        self.lengths = np.count_nonzero(self.ids, axis=1)
        boundaries = np.arange(bucket_width + 1, self.ids.shape[1] + 1, bucket_width)
        self.buckets = np.searchsorted(boundaries, self.lengths, side="right")
        self.rng = np.random.default_rng(seed)
        self.batches = self._plan()

    def _plan(self) -> list[np.ndarray]:
        if not self.training:
            order = np.argsort(self.lengths, kind="stable")
            return [order[i:i + self.batch_size] for i in range(0, len(order), self.batch_size)]
        order = self.rng.permutation(len(self.ids))
        batches = []
        for bucket in np.unique(self.buckets):
            members = order[self.buckets[order] == bucket]
            batches += [members[i:i + self.batch_size] for i in range(0, len(members), self.batch_size)]
        return [batches[i] for i in self.rng.permutation(len(batches))]

    def __len__(self) -> int:
        return len(self.batches)

    def __getitem__(self, index: int) -> tuple[np.ndarray, np.ndarray]:
        rows = self.batches[index]
        width = max(1, math.ceil(self.lengths[rows].max() / self.bucket_width)) * self.bucket_width
        return self.ids[rows, :width].astype("int32"), self.labels[rows]

    def on_epoch_end(self) -> None:
        if self.training:
            self.batches = self._plan()

    def as_keras(self) -> Any:
        """This batching as a ``keras.utils.PyDataset`` (reshuffled after every epoch when training)."""
        import keras

        batches = self

        class _Batches(keras.utils.PyDataset):
            def __len__(self) -> int:
                return len(batches)

            def __getitem__(self, index: int) -> tuple[np.ndarray, np.ndarray]:
                return batches[index]

            def on_epoch_end(self) -> None:
                batches.on_epoch_end()

        return _Batches()


def _images(name: str) -> tuple[tuple[np.ndarray, np.ndarray], ...]:
    from dlcourse.data import load
    from dlcourse.pipelines import scale_images

    data = load(name)
    return tuple((scale_images(x), y) for x, y in (data.train, data.val, data.test))


def _timed(fit: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    history = fit()
    return history, time.perf_counter() - start


# --------------------------------------------------------------------------------------------- recipes


def fashion_mlp() -> dict[str, float]:
    """Notebook 03: random search over 6 MLP configurations (3 epochs), then the best for 15 epochs."""
    import keras

    from dlcourse import tuning
    from dlcourse.models import mlp
    from dlcourse.seeding import seed

    (x_train, y_train), val, (x_test, y_test) = _images("fashion_mnist")
    batch_size, epochs = 256, pick(full=15, quick=1)

    def build_model(hidden: tuple[int, ...], learning_rate: float, dropout: float) -> Any:
        net = mlp((28, 28, 1), hidden=hidden, kernel_initializer="he_normal", dropout=dropout)
        net.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="sparse_categorical_crossentropy",
                    metrics=["accuracy"])
        return net

    space = {"hidden": [(256, 128), (512, 256)], "learning_rate": [1e-3, 3e-3], "dropout": [0.0, 0.2]}
    configs = tuning.sample_configs(space, pick(full=6, quick=2), seed=0)
    best = tuning.grid_search(build_model, configs, (x_train, y_train), val, epochs=pick(full=3, quick=1),
                              batch_size=batch_size, seed=0)[0]["params"]
    seed(0)
    model = mlp((28, 28, 1), hidden=best["hidden"], dropout=best["dropout"], kernel_initializer="he_normal")
    schedule = keras.optimizers.schedules.CosineDecay(best["learning_rate"],
                                                      epochs * math.ceil(len(x_train) / batch_size))
    model.compile(optimizer=keras.optimizers.Adam(schedule), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    _, seconds = _timed(lambda: model.fit(x_train, y_train, batch_size=batch_size, epochs=epochs,
                                          validation_data=val, verbose=0))
    return {"fashion_mlp.test_accuracy": float(model.evaluate(x_test, y_test, verbose=0)[1]),
            "fashion_mlp.train_seconds": seconds}


def _course_cnn_run(data_name: str, epochs: int) -> tuple[Any, float, float]:
    from dlcourse.cnn_tools import compile_cnn, course_cnn
    from dlcourse.seeding import seed

    (x_train, y_train), val, (x_test, y_test) = _images(data_name)
    batch_size = 256
    seed(42)
    model = compile_cnn(course_cnn(), epochs, math.ceil(len(x_train) / batch_size), learning_rate=3e-3)
    _, seconds = _timed(lambda: model.fit(x_train, y_train, batch_size=batch_size, epochs=epochs,
                                          validation_data=val, verbose=0))
    return model, float(model.evaluate(x_test, y_test, verbose=0)[1]), seconds


def fashion_cnn() -> dict[str, float]:
    """Notebook 05: the course CNN on Fashion-MNIST, 8 epochs, Adam with cosine decay from 3e-3."""
    _, accuracy, seconds = _course_cnn_run("fashion_mnist", pick(full=8, quick=1))
    return {"fashion_cnn.test_accuracy": accuracy, "fashion_cnn.train_seconds": seconds}


def mnist_cnn() -> dict[str, float]:
    """Notebook 05: the course CNN on MNIST, 4 epochs; saved as the judge of the DCGAN recipe."""
    from dlcourse.cnn_tools import save_mnist_classifier

    model, accuracy, seconds = _course_cnn_run("mnist", pick(full=4, quick=1))
    save_mnist_classifier(model)
    return {"mnist_cnn.test_accuracy": accuracy, "mnist_cnn.train_seconds": seconds}


def imdb_gru(token_ids: TokenIds, *, bucket_width: int = 50) -> dict[str, float]:
    """Notebook 07: a bidirectional GRU on IMDB token ids, 2 epochs, batches bucketed by length.

    ``bucket_width=IMDB_SEQUENCE_LENGTH`` pads every batch to the full length (one batch shape).
    """
    import keras

    from dlcourse.models import MaskedGlobalMaxPooling1D
    from dlcourse.seeding import seed

    epochs, batch_size = pick(full=2, quick=1), 128
    train = BucketedBatches(*token_ids.train, batch_size=batch_size, bucket_width=bucket_width).as_keras()
    val, test = (BucketedBatches(*part, batch_size=batch_size, bucket_width=bucket_width, training=False).as_keras()
                 for part in (token_ids.val, token_ids.test))
    seed(0)
    token_input = keras.Input((None,), dtype="int32", name="token_ids")
    x = keras.layers.Embedding(IMDB_MAX_TOKENS, 64, mask_zero=True, name="embedding")(token_input)
    x = keras.layers.SpatialDropout1D(0.3, name="embedding_dropout")(x)
    x = keras.layers.Bidirectional(keras.layers.GRU(32, return_sequences=True), name="bi_gru")(x)
    pooled = keras.layers.Concatenate(name="pooled")([MaskedGlobalMaxPooling1D(name="max_over_time")(x),
                                                      keras.layers.GlobalAveragePooling1D(name="mean_over_time")(x)])
    model = keras.Model(token_input, keras.layers.Dense(1, activation="sigmoid", name="positive")(pooled))
    steps_per_epoch = math.ceil(len(token_ids.train[0]) / batch_size)
    schedule = keras.optimizers.schedules.CosineDecay(2e-3, decay_steps=epochs * steps_per_epoch)
    model.compile(optimizer=keras.optimizers.Adam(schedule), loss="binary_crossentropy", metrics=["accuracy"])
    _, seconds = _timed(lambda: model.fit(train, validation_data=val, epochs=epochs, verbose=0))
    return {"imdb_gru.test_accuracy": float(model.evaluate(test, verbose=0)[1]), "imdb_gru.train_seconds": seconds}


def imdb_transformer(token_ids: TokenIds, *, bucket_width: int = 32) -> dict[str, float]:
    """Notebook 09: a one-block encoder on the first 384 IMDB tokens, 2 epochs, AdamW with warm-up.

    ``bucket_width=TRANSFORMER_SEQUENCE_LENGTH`` pads every batch to the full length (one batch shape).
    """
    import keras

    from dlcourse.models import transformer_classifier
    from dlcourse.seeding import seed
    from dlcourse.transformer_tools import warmup_cosine

    length = pick(full=TRANSFORMER_SEQUENCE_LENGTH, quick=128)
    token_ids = token_ids.truncated(length)
    epochs, batch_size = pick(full=2, quick=1), 64
    train = BucketedBatches(*token_ids.train, batch_size=batch_size, bucket_width=bucket_width).as_keras()
    val, test = (BucketedBatches(*part, batch_size=batch_size, bucket_width=bucket_width, training=False).as_keras()
                 for part in (token_ids.val, token_ids.test))
    seed(1)
    model = transformer_classifier(IMDB_MAX_TOKENS, length, embed_dim=32, num_heads=2, ff_dim=64, dropout=0.3,
                                   variable_length=True)
    model.compile(optimizer=keras.optimizers.AdamW(warmup_cosine(1e-3, epochs * len(train)), weight_decay=0.05),
                  loss="binary_crossentropy", metrics=["accuracy"])
    _, seconds = _timed(lambda: model.fit(train, validation_data=val, epochs=epochs, verbose=0))
    return {"imdb_transformer.test_accuracy": float(model.evaluate(test, verbose=0)[1]),
            "imdb_transformer.train_seconds": seconds}


def shakespeare_gpt() -> dict[str, float]:
    """Notebook 09: a 3-layer character GPT on Tiny Shakespeare (context 64), 2 epochs."""
    import keras

    from dlcourse.data import load
    from dlcourse.models import gpt
    from dlcourse.pipelines import CharVocabulary
    from dlcourse.seeding import seed
    from dlcourse.transformer_tools import warmup_cosine

    context, epochs, batch_size = pick(full=64, quick=32), pick(full=2, quick=1), 64
    shakespeare = load("shakespeare")
    vocab = CharVocabulary(shakespeare.info["vocabulary"])

    def windows(text: str, stride: int) -> tuple[np.ndarray, np.ndarray]:
        ids = vocab.encode(text)
        rows = np.stack([ids[s: s + context + 1] for s in range(0, len(ids) - context - 1, stride)])
        return rows[:, :-1], rows[:, 1:]

    x_train, y_train = windows(shakespeare.train.x, context // 2)
    if pick(full=False, quick=True):
        x_train, y_train = x_train[:15 * batch_size], y_train[:15 * batch_size]
    val = windows(shakespeare.val.x, context)
    seed(2)
    model = gpt(len(vocab), context, embed_dim=pick(full=128, quick=32), num_heads=4, ff_dim=pick(full=512, quick=64),
                num_layers=pick(full=3, quick=1), dropout=0.0)
    steps = epochs * math.ceil(len(x_train) / batch_size)
    model.compile(optimizer=keras.optimizers.AdamW(warmup_cosine(3e-3, steps, warmup_fraction=0.05), weight_decay=0.01),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    history, seconds = _timed(lambda: model.fit(x_train, y_train, batch_size=batch_size, epochs=epochs,
                                                validation_data=val, verbose=0))
    return {"shakespeare_gpt.val_loss": float(history.history["val_loss"][-1]),
            "shakespeare_gpt.train_seconds": seconds}


def dcgan() -> dict[str, float]:
    """Notebook 08: the class-conditional DCGAN, 4 x 500 batches of 32, judged by the MNIST CNN.

    The judge is the model :func:`mnist_cnn` saved (trained here first if there is none yet).
    """
    import keras

    from dlcourse import gan_tools
    from dlcourse.cnn_tools import mnist_classifier, mnist_classifier_path
    from dlcourse.data import load
    from dlcourse.models import GAN, dcgan_discriminator, dcgan_generator, generate_samples
    from dlcourse.pipelines import scale_images
    from dlcourse.seeding import seed

    if not mnist_classifier_path().is_file():
        mnist_cnn()
    digits = load("mnist")
    images, labels = digits.train[0].astype("float32")[..., None] / 127.5 - 1.0, digits.train[1]
    seed(42)
    generator = dcgan_generator(latent_dim=32, filters=(64, 32), kernel_size=3, num_classes=10)
    discriminator = dcgan_discriminator(filters=(32, 64), kernel_size=4, dropout=0.2, num_classes=10)
    gan = GAN(generator, discriminator, label_smoothing=0.1, seed=42)
    gan.compile(d_optimizer=keras.optimizers.Adam(5e-4, beta_1=0.5),
                g_optimizer=keras.optimizers.Adam(5e-4, beta_1=0.5))
    average = gan_tools.GeneratorAverage(generator, decay=0.999)
    _, seconds = _timed(lambda: gan.fit(images, labels, batch_size=32, epochs=pick(full=4, quick=1),
                                        steps_per_epoch=pick(full=500, quick=20), callbacks=[average], verbose=0))

    n = 2000
    asked = np.arange(n) % 10
    fakes = generate_samples(average.average, n, seed=123, labels=asked)
    score = gan_tools.classifier_score(mnist_classifier(), (fakes + 1) / 2, labels=asked)
    real = scale_images(digits.test[0][:n])
    real_spread = gan_tools.within_class_diversity(2 * real - 1, digits.test[1][:n])
    return {"dcgan.mean_max_probability": score["mean_max_probability"],
            "dcgan.entropy_fraction": score["class_entropy"] / score["max_entropy"],
            "dcgan.label_accuracy": score["label_accuracy"],
            "dcgan.within_class_diversity": gan_tools.within_class_diversity(fakes, asked) / real_spread,
            "dcgan.train_seconds": seconds}


RECIPES: dict[str, Callable[..., dict[str, float]]] = {
    "fashion_mlp": fashion_mlp, "fashion_cnn": fashion_cnn, "mnist_cnn": mnist_cnn, "imdb_gru": imdb_gru,
    "imdb_transformer": imdb_transformer, "shakespeare_gpt": shakespeare_gpt, "dcgan": dcgan,
}
NEEDS_TOKEN_IDS = ("imdb_gru", "imdb_transformer")


# --------------------------------------------------------------------------------------------- running


def run_recipes(names: list[str] | None = None, *, token_ids: Path | str | None = None,
                out: Path | str | None = None, progress: Callable[[str], Any] = print) -> dict[str, Any]:
    """Run recipes by name (default: all), one after another; a failing recipe is recorded, not raised.

    Returns ``{"machine": ..., "results": {reported name: value}, "errors": {recipe: message},
    "seconds": {recipe: wall seconds}}``, also written to ``out`` (JSON) after every recipe.

    Example:
        >>> run_recipes(["fashion_cnn"], out="gpu_results.json")  # doctest: +SKIP
    """
    import json

    from dlcourse.bench import machine_facts

    names = list(RECIPES) if not names else names
    unknown = sorted(set(names) - set(RECIPES))
    if unknown:
        raise ValueError(f"names: unknown recipes {unknown}; choose from {', '.join(RECIPES)}")
    if token_ids is None and set(names) & set(NEEDS_TOKEN_IDS):
        raise ValueError(f"token_ids: {', '.join(sorted(set(names) & set(NEEDS_TOKEN_IDS)))} need the IMDB token ids "
                         "file (python -m dlcourse.recipes export DIR)")
    report: dict[str, Any] = {"machine": machine_facts(), "results": {}, "errors": {}, "seconds": {}}
    for name in names:
        progress(f"{name} ...")
        start = time.perf_counter()
        try:
            args = (TokenIds.load(token_ids),) if name in NEEDS_TOKEN_IDS else ()
            report["results"].update(RECIPES[name](*args))
        except Exception as error:  # one broken recipe must not cost the others' numbers
            report["errors"][name] = f"{type(error).__name__}: {error}"
        report["seconds"][name] = round(time.perf_counter() - start, 1)
        progress(f"    {report['seconds'][name]:.0f} s: " + (report["errors"].get(name) or ", ".join(
            f"{k} = {v:.4g}" for k, v in report["results"].items() if k.startswith(name + "."))))
        if out is not None:
            Path(out).write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    return report


def format_comparison(targets: list[Any], cpu_rows: list[dict[str, Any]], runs: list[dict[str, Any]]) -> str:
    """A Markdown table: each target, the CPU benchmark's number and time, then each recipe run's.

    ``targets`` come from ``dlcourse.bench.load_targets``, ``cpu_rows`` from ``results.json`` (its
    "rows"), ``runs`` are what :func:`run_recipes` returned (one column each, headed by the run's
    ``"label"`` if it has one, else its GPUs and backend).

    Example:
        >>> print(format_comparison([], [], []))
        | target | CPU (notebook, TensorFlow) |
        |---|---|
    """
    from dlcourse.bench import _number

    def cell(measured: float | None, seconds: float | None, passed: bool) -> str:
        time_part = f" in {seconds:.0f} s" if seconds is not None else ""
        return "—" if measured is None else f"{_number(measured)}{time_part}{'' if passed else ' (FAIL)'}"

    heads = ["target", "CPU (notebook, TensorFlow)"] + [
        run.get("label") or f"{', '.join(run['machine']['gpus'])} ({run['machine']['backend']})" for run in runs]
    lines = ["| " + " | ".join(heads) + " |", "|" + "---|" * len(heads)]
    cpu = {row["metric"]: row for row in cpu_rows}
    for target in targets:
        budget = f" in ≤ {target.time_budget_s:.0f} s" if target.time_budget_s else ""
        cells = [f"{target.metric} {target.goal} {_number(target.target)}{budget}"]
        row = cpu.get(target.metric)
        cells.append(cell(row["measured"], row["seconds"], row["passed"]) if row else "—")
        for run in runs:
            judged = target.judge(run["results"])
            cells.append(cell(judged.measured, judged.seconds, judged.passed))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """``python -m dlcourse.recipes export DIR | run [NAMES] | table RESULTS...``."""
    import argparse
    import json

    parser = argparse.ArgumentParser(prog="python -m dlcourse.recipes", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    export = commands.add_parser("export", help="write DIR/imdb_token_ids.npz (needs TensorFlow)")
    export.add_argument("dir")
    run = commands.add_parser("run", help="run recipes on this machine's Keras backend")
    run.add_argument("names", nargs="*", help=f"recipes (default: all): {', '.join(RECIPES)}")
    run.add_argument("--token-ids", help="the file export wrote (for the IMDB recipes)")
    run.add_argument("--out", help="write the results here (JSON)")
    table = commands.add_parser("table", help="print the targets with the CPU numbers and these runs' numbers")
    table.add_argument("results", nargs="+", help="JSON files written by run --out")
    table.add_argument("--cpu", default="benchmarks/results.json", help="the notebooks' benchmark results")
    table.add_argument("--targets", default="benchmarks/targets.csv")
    args = parser.parse_args(argv)

    if args.command == "export":
        print(export_imdb_token_ids(Path(args.dir) / "imdb_token_ids.npz"))
        return 0
    if args.command == "run":
        report = run_recipes(args.names, token_ids=args.token_ids, out=args.out)
        return 1 if report["errors"] else 0
    from dlcourse.bench import load_targets

    runs = [json.loads(Path(path).read_text(encoding="utf-8")) for path in args.results]
    cpu_rows = json.loads(Path(args.cpu).read_text(encoding="utf-8"))["rows"]
    print(format_comparison(load_targets(args.targets), cpu_rows, runs))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The benchmark recipes over NumPy arrays (dlcourse.recipes): batching, export, running, the comparison table.

CI runs this file on the TensorFlow, JAX and PyTorch backends: the recipes exist to run without tf.data.
"""

from __future__ import annotations

import json
import math

import keras
import numpy as np
import pytest

from dlcourse import recipes
from dlcourse.bench import Target

ON_TENSORFLOW = keras.backend.backend() == "tensorflow"


def padded_ids(lengths: list[int], width: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    ids = np.zeros((len(lengths), width), "int32")
    for row, length in enumerate(lengths):
        ids[row, :length] = rng.integers(2, 100, length)
    return ids


def test_bucketed_batches_cover_every_text_once_per_epoch_cut_to_bucket_multiples():
    rng = np.random.default_rng(1)
    lengths = rng.integers(1, 41, 203).tolist()
    ids, labels = padded_ids(lengths, 40), np.arange(203) % 2
    ids[:, 0] = 1000 + np.arange(203)
    batches = recipes.BucketedBatches(ids, labels, batch_size=16, bucket_width=10, seed=0)

    first_epoch = [batches[i] for i in range(len(batches))]
    seen = np.concatenate([x[:, 0] - 1000 for x, _ in first_epoch])    # each text's first id is its row number
    assert sorted(seen.tolist()) == list(range(203))
    for x, y in first_epoch:
        longest = np.count_nonzero(x, axis=1).max()
        assert x.dtype == np.int32 and x.shape[1] == math.ceil(longest / 10) * 10 and len(x) <= 16
        assert np.count_nonzero(x, axis=1).min() > x.shape[1] - 10    # one bucket: similar lengths
        np.testing.assert_array_equal(y, labels[x[:, 0] - 1000])        # labels stay with their texts
    per_bucket = np.bincount((np.array(lengths) - 1) // 10)
    assert len(batches) == sum(math.ceil(n / 16) for n in per_bucket)

    batches.on_epoch_end()
    assert not all(np.array_equal(a[0], batches[i][0]) for i, a in enumerate(first_epoch)), "reshuffled"


def test_evaluation_batches_come_in_length_order_and_training_false_never_reshuffles():
    ids = padded_ids([9, 2, 30, 4, 17], 32)
    batches = recipes.BucketedBatches(ids, np.array([0, 1, 0, 1, 1]), batch_size=2, bucket_width=8, training=False)
    shapes = [batches[i][0].shape for i in range(len(batches))]
    assert shapes == [(2, 8), (2, 24), (1, 32)]
    assert batches[0][1].tolist() == [1.0, 1.0]
    before = [batches[i][0] for i in range(len(batches))]
    batches.on_epoch_end()
    assert all(np.array_equal(a, batches[i][0]) for i, a in enumerate(before))


def test_bucketed_batches_feed_keras_fit_on_this_backend():
    lengths = np.random.default_rng(0).integers(3, 24, 96).tolist()
    ids = padded_ids(lengths, 24)
    labels = (ids == 7).any(axis=1).astype("int32")
    data = recipes.BucketedBatches(ids, labels, batch_size=32, bucket_width=8).as_keras()
    model = keras.Sequential([keras.Input((None,), dtype="int32"), keras.layers.Embedding(100, 4),
                              keras.layers.GlobalAveragePooling1D(), keras.layers.Dense(1, activation="sigmoid")])
    model.compile("adam", "binary_crossentropy")
    history = model.fit(data, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2 and np.isfinite(history.history["loss"]).all()


@pytest.mark.parametrize("kwargs, name", [({"batch_size": 0, "bucket_width": 4}, "batch_size"),
                                          ({"batch_size": 4, "bucket_width": 2.5}, "bucket_width")])
def test_bad_batching_arguments_name_the_argument(kwargs, name):
    with pytest.raises(ValueError, match=name):
        recipes.BucketedBatches(padded_ids([1, 2], 4), np.array([0, 1]), **kwargs)
    with pytest.raises(ValueError, match="ids"):
        recipes.BucketedBatches(padded_ids([1, 2], 4), np.array([0, 1, 1]), batch_size=2, bucket_width=2)


def test_missing_token_ids_file_says_how_to_write_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="python -m dlcourse.recipes export"):
        recipes.TokenIds.load(tmp_path / "imdb_token_ids.npz")
    with pytest.raises(ValueError, match="token_ids"):
        recipes.run_recipes(["imdb_gru"])
    with pytest.raises(ValueError, match="unknown recipes"):
        recipes.run_recipes(["imdb_lstm"])


@pytest.mark.skipif(not ON_TENSORFLOW, reason="the export uses TextVectorization's tf.data adapt")
def test_exported_token_ids_round_trip_and_truncate_like_a_shorter_sequence_length(tmp_path, require_data):
    require_data("imdb_reviews")
    from dlcourse.data import load

    path = recipes.export_imdb_token_ids(tmp_path / "imdb_token_ids.npz")
    token_ids = recipes.TokenIds.load(path)
    imdb = load("imdb_reviews")
    for (ids, labels), part in zip((token_ids.train, token_ids.val, token_ids.test), (imdb.train, imdb.val, imdb.test)):
        assert ids.shape == (len(part.y), recipes.IMDB_SEQUENCE_LENGTH) and ids.dtype == np.int32
        np.testing.assert_array_equal(labels, part.y)
        assert 0 <= ids.min() and ids.max() < recipes.IMDB_MAX_TOKENS
        assert (np.diff((ids != 0).astype(int), axis=1) <= 0).all(), "padding only at the end"
    assert token_ids.truncated(384).test[0].shape[1] == 384


def test_char_gpt_recipe_learns_beyond_guessing_in_quick_mode():
    results = recipes.shakespeare_gpt()
    assert set(results) == {"shakespeare_gpt.val_loss", "shakespeare_gpt.train_seconds"}
    assert results["shakespeare_gpt.val_loss"] < np.log(65) - 0.3     # uniform guessing over 65 characters
    assert results["shakespeare_gpt.train_seconds"] > 0


def test_run_recipes_records_a_failing_recipe_and_keeps_the_others(tmp_path, monkeypatch):
    def broken() -> dict[str, float]:
        raise RuntimeError("out of memory")

    monkeypatch.setitem(recipes.RECIPES, "fashion_mlp", broken)
    monkeypatch.setitem(recipes.RECIPES, "mnist_cnn", lambda: {"mnist_cnn.test_accuracy": 0.99,
                                                               "mnist_cnn.train_seconds": 3.0})
    out = tmp_path / "results.json"
    report = recipes.run_recipes(["fashion_mlp", "mnist_cnn"], out=out, progress=lambda _: None)
    assert report["errors"] == {"fashion_mlp": "RuntimeError: out of memory"}
    assert report["results"]["mnist_cnn.test_accuracy"] == 0.99
    assert json.loads(out.read_text())["machine"]["backend"] == keras.backend.backend()


def test_comparison_table_puts_each_run_beside_the_cpu_numbers(tmp_path, capsys):
    targets = [Target("05_cnns", "mnist_cnn.test_accuracy", ">=", 0.99, "mnist_cnn.train_seconds", 120.0),
               Target("09_transformers", "shakespeare_gpt.val_loss", "<=", 1.7, "shakespeare_gpt.train_seconds", 300.0)]
    cpu_rows = [{"metric": "mnist_cnn.test_accuracy", "measured": 0.9907, "seconds": 77.5, "passed": True}]
    run = {"label": "H200, JAX", "machine": {"gpus": ["cuda:0"], "backend": "jax"},
           "results": {"mnist_cnn.test_accuracy": 0.9913, "mnist_cnn.train_seconds": 3.5,
                       "shakespeare_gpt.val_loss": 1.72, "shakespeare_gpt.train_seconds": 24.3}}
    table = recipes.format_comparison(targets, cpu_rows, [run]).splitlines()
    assert table[0] == "| target | CPU (notebook, TensorFlow) | H200, JAX |"
    assert table[2] == "| mnist_cnn.test_accuracy >= 0.990 in ≤ 120 s | 0.991 in 78 s | 0.991 in 4 s |"
    assert table[3] == "| shakespeare_gpt.val_loss <= 1.700 in ≤ 300 s | — | 1.720 in 24 s (FAIL) |"

    (tmp_path / "run.json").write_text(json.dumps(run))
    (tmp_path / "cpu.json").write_text(json.dumps({"rows": cpu_rows}))
    targets_csv = tmp_path / "targets.csv"
    targets_csv.write_text("notebook,metric,goal,target,time_metric,time_budget_s\n"
                           "05_cnns,mnist_cnn.test_accuracy,>=,0.99,mnist_cnn.train_seconds,120\n")
    assert recipes.main(["table", str(tmp_path / "run.json"), "--cpu", str(tmp_path / "cpu.json"),
                         "--targets", str(targets_csv)]) == 0
    assert capsys.readouterr().out.splitlines()[2] == table[2]

"""Hyperparameter search (grid and random), the results table, and per-layer activation statistics."""

from __future__ import annotations

import math

import keras
import numpy as np
import pytest

from dlcourse import models, tuning


def _xor(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Points in the square, class 1 where x0 and x1 have the same sign: no straight line separates them."""
    x = np.random.default_rng(seed).uniform(-1, 1, size=(n, 2)).astype("float32")
    return x, (x[:, 0] * x[:, 1] > 0).astype("int32")


def _build(hidden=(), learning_rate=0.03):
    model = models.mlp(2, hidden=hidden, output_units=2)
    model.compile(keras.optimizers.Adam(learning_rate), "sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


@pytest.fixture(scope="module")
def xor_search():
    train, val = _xor(512, 0), _xor(256, 1)
    grid = {"hidden": [(), (32, 32)], "learning_rate": [0.05]}
    return tuning.grid_search(_build, grid, train, val, epochs=8, batch_size=32, seed=0)


# --- configurations -------------------------------------------------------------------------------------------


def test_expand_grid_takes_every_combination_last_key_fastest():
    configs = tuning.expand_grid({"width": [32, 64], "dropout": [0.0, 0.5], "lr": [1e-3]})
    assert configs == [{"width": 32, "dropout": 0.0, "lr": 1e-3}, {"width": 32, "dropout": 0.5, "lr": 1e-3},
                       {"width": 64, "dropout": 0.0, "lr": 1e-3}, {"width": 64, "dropout": 0.5, "lr": 1e-3}]
    ready = [{"width": 8}, {"width": 16, "dropout": 0.2}]
    assert tuning.expand_grid(ready) == ready and tuning.expand_grid(ready)[0] is not ready[0]


def test_expand_grid_accepts_numpy_value_ranges():
    configs = tuning.expand_grid({"learning_rate": np.geomspace(1e-4, 1e-2, 3)})
    assert [c["learning_rate"] for c in configs] == pytest.approx([1e-4, 1e-3, 1e-2])
    assert type(configs[0]["learning_rate"]) is float


@pytest.mark.parametrize("grid", [{}, {"width": []}, {"width": "64"}, {"width": 64}, [], [{"width": 8}, 3], "abc"])
def test_expand_grid_rejects_bad_grids(grid):
    with pytest.raises(ValueError, match="^param_grid"):
        tuning.expand_grid(grid)


def test_sample_configs_draws_distinct_configurations_repeatably():
    grid = {"width": [32, 64, 128], "lr": [1e-3, 1e-2], "dropout": [0.0, 0.3]}
    everything = tuning.expand_grid(grid)
    sample = tuning.sample_configs(grid, 5, seed=3)
    assert len(sample) == 5 and all(config in everything for config in sample)
    assert len({tuple(sorted(c.items())) for c in sample}) == 5, "no configuration twice"
    assert sample == sorted(sample, key=everything.index), "kept in grid order"
    assert tuning.sample_configs(grid, 5, seed=3) == sample
    assert any(tuning.sample_configs(grid, 5, seed=s) != sample for s in range(4, 10))
    assert tuning.sample_configs(grid, 100) == everything
    with pytest.raises(ValueError, match="^n:"):
        tuning.sample_configs(grid, 0)


# --- the search -----------------------------------------------------------------------------------------------


def test_search_finds_the_network_that_can_solve_xor_and_ranks_it_first(xor_search):
    best, worst = xor_search
    assert best["params"] == {"hidden": (32, 32), "learning_rate": 0.05}
    assert best["score"] > 0.9, best["score"]
    assert worst["score"] < 0.8, "a straight line gets at most 3 of the 4 XOR quadrants right"
    assert [r["score"] for r in xor_search] == sorted((r["score"] for r in xor_search), reverse=True)


def test_search_result_holds_the_best_epoch_and_its_metrics(xor_search):
    for result in xor_search:
        history = result["history"]
        assert result["epochs"] == 8 and len(history["val_accuracy"]) == 8
        assert result["score"] == max(history["val_accuracy"])
        assert history["val_accuracy"][result["best_epoch"] - 1] == result["score"]
        assert result["metrics"]["val_accuracy"] == result["score"]
        assert result["metrics"]["val_loss"] == history["val_loss"][result["best_epoch"] - 1]
        assert result["seconds"] > 0


def test_search_is_repeatable_and_can_rank_by_loss_with_fit_options_per_config():
    train, val = _xor(256, 0), _xor(128, 1)
    configs = [{"hidden": (16,), "learning_rate": 0.0}, {"hidden": (16,), "learning_rate": 0.05, "epochs": 2},
               {"hidden": (16,), "learning_rate": 0.05, "epochs": 2}]
    results = tuning.grid_search(_build, configs, train, val, epochs=1, batch_size=64, seed=1, monitor="val_loss")
    losses = [r["score"] for r in results]
    assert losses == sorted(losses), "lowest loss first"
    assert results[-1]["params"]["learning_rate"] == 0.0, "a model that cannot learn has the highest loss"
    assert results[0]["epochs"] == 2 and results[-1]["epochs"] == 1
    assert results[0]["score"] == results[1]["score"], "same config, same seed: the same run"
    assert results[0]["params"]["epochs"] == 2, "the configuration is reported as given"


class _FakeModel:
    """Stands in for a compiled Keras model: fit returns a prepared history."""

    optimizer = "sgd"
    compiled = True

    def __init__(self, val_loss):
        self.val_loss = val_loss
        self.fit_kwargs = None

    def fit(self, **kwargs):
        self.fit_kwargs = kwargs
        curve = [self.val_loss + 0.1 * e for e in range(kwargs["epochs"])][::-1]
        return type("History", (), {"history": {"loss": [1.0] * kwargs["epochs"], "val_loss": curve}})()


def test_ranking_puts_diverged_runs_last_and_fit_gets_the_right_options():
    built = []

    def build(val_loss):
        built.append(_FakeModel(val_loss))
        return built[-1]

    x = np.zeros((8, 2))
    configs = [{"val_loss": float("nan")}, {"val_loss": 0.7}, {"val_loss": 0.2, "batch_size": 4}]
    results = tuning.grid_search(build, configs, (x, x[:, 0]), (x, x[:, 0]), epochs=3, batch_size=2,
                                 monitor="val_loss")
    assert [r["params"]["val_loss"] for r in results[:2]] == [0.2, 0.7]
    assert math.isnan(results[2]["score"]), "a run without a finite loss ranks last"
    assert results[0]["best_epoch"] == 3 and results[0]["score"] == pytest.approx(0.2)
    assert built[2].fit_kwargs["batch_size"] == 4 and built[1].fit_kwargs["batch_size"] == 2
    assert built[0].fit_kwargs["shuffle"] is True and built[0].fit_kwargs["epochs"] == 3


def test_search_accepts_tf_data_datasets():
    from dlcourse.pipelines import make_dataset

    (x, y), (xv, yv) = _xor(128, 0), _xor(64, 1)
    train = make_dataset(x, y, batch_size=32, shuffle=True)
    results = tuning.grid_search(_build, {"hidden": [(4,)]}, train, make_dataset(xv, yv, batch_size=64), epochs=1)
    assert len(results) == 1 and 0.0 <= results[0]["score"] <= 1.0
    with pytest.raises(ValueError, match="^batch_size"):
        tuning.grid_search(_build, {"hidden": [(4,)]}, train, (xv, yv), epochs=1, batch_size=32)


def test_search_rejects_bad_arguments():
    data = _xor(32, 0)
    with pytest.raises(ValueError, match="^build_fn"):
        tuning.grid_search("model", {"hidden": [(4,)]}, data, data, epochs=1)
    with pytest.raises(ValueError, match="^epochs"):
        tuning.grid_search(_build, {"hidden": [(4,)]}, data, data, epochs=0)
    with pytest.raises(ValueError, match="^monitor"):
        tuning.grid_search(_build, {"hidden": [(4,)]}, data, data, epochs=1, monitor="accuracy")
    with pytest.raises(ValueError, match="^monitor"):
        tuning.grid_search(_build, {"hidden": [(4,)]}, data, data, epochs=1, monitor="val_auc")
    with pytest.raises(ValueError, match="^build_fn"):
        tuning.grid_search(lambda hidden: models.mlp(2, hidden=hidden), {"hidden": [(4,)]}, data, data, epochs=1)


# --- the table ------------------------------------------------------------------------------------------------


def test_results_table_lists_configurations_in_rank_order():
    results = [
        {"params": {"hidden": (256, 128), "learning_rate": 3e-3}, "score": 0.8912, "best_epoch": 3,
         "metrics": {"loss": 0.3, "val_accuracy": 0.8912, "val_loss": 0.3041}, "seconds": 7.25},
        {"params": {"hidden": (64,), "learning_rate": 3e-4}, "score": 0.8503, "best_epoch": 2,
         "metrics": {"loss": 0.4, "val_accuracy": 0.8503, "val_loss": 0.4217}, "seconds": 3.5},
    ]
    lines = tuning.results_table(results).splitlines()
    assert lines[0].split() == ["rank", "hidden", "learning_rate", "val_accuracy", "val_loss", "best", "epoch",
                                "seconds"]
    assert lines[1].split() == ["1", "(256,", "128)", "0.003", "0.8912", "0.3041", "3", "7.2"]
    assert lines[2].split() == ["2", "(64,)", "3.00e-04", "0.8503", "0.4217", "2", "3.5"]
    assert len({len(line) for line in lines}) == 1, "columns line up"
    only = tuning.results_table(results, metrics=["loss"]).splitlines()[0].split()
    assert "loss" in only and "val_accuracy" not in only


def test_results_table_rejects_bad_input():
    with pytest.raises(ValueError, match="^results"):
        tuning.results_table([])
    with pytest.raises(ValueError, match="^results"):
        tuning.results_table([{"score": 1.0}])
    with pytest.raises(ValueError, match="^metrics"):
        tuning.results_table([{"params": {}, "metrics": {"val_loss": 1.0}}], metrics=["val_auc"])


# --- activation statistics ------------------------------------------------------------------------------------


def _deep(initializer):
    return models.mlp(64, hidden=(64, 64, 64, 64), kernel_initializer=initializer, output_units=10)


def test_activation_statistics_show_collapse_explosion_and_a_healthy_spread():
    x = np.random.default_rng(0).normal(size=(256, 64)).astype("float32")
    names = ["hidden_1_relu", "hidden_2_relu", "hidden_3_relu", "hidden_4_relu", "output"]

    zeros = tuning.activation_statistics(_deep("zeros"), x)
    assert list(zeros) == names
    assert all(zeros[n]["zero_fraction"] == 1.0 and zeros[n]["std"] == 0.0 for n in names[:-1])
    assert zeros["output"]["mean"] == pytest.approx(0.1) and zeros["output"]["std"] == pytest.approx(0.0, abs=1e-7)

    large = tuning.activation_statistics(_deep(keras.initializers.RandomNormal(stddev=1.0, seed=0)), x)
    stds = [large[n]["std"] for n in names[:-1]]
    assert all(later > 3 * earlier for earlier, later in zip(stds, stds[1:])), stds

    he = tuning.activation_statistics(_deep(keras.initializers.HeNormal(seed=0)), x)
    stds = [he[n]["std"] for n in names[:-1]]
    assert max(stds) / min(stds) < 3, stds
    assert 0.3 < he["hidden_1_relu"]["zero_fraction"] < 0.7, "about half the ReLUs are off"


def test_activation_statistics_of_chosen_layers_and_bad_arguments():
    model = _deep("he_normal")
    x = np.ones((4, 64), "float32")
    stats = tuning.activation_statistics(model, x, layers=["hidden_2"])
    assert list(stats) == ["hidden_2"] and set(stats["hidden_2"]) == {"mean", "std", "zero_fraction"}
    with pytest.raises(ValueError, match="^layers"):
        tuning.activation_statistics(model, x, layers=["nope"])
    with pytest.raises(ValueError, match="^model"):
        tuning.activation_statistics(keras.Sequential([keras.layers.Dense(2)]), x)
    with pytest.raises(ValueError, match="^model"):
        tuning.activation_statistics("model", x)

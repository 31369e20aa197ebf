"""GAN builders, the GAN model's train_step (TensorFlow backend), sampling and saving."""

from __future__ import annotations

import keras
import numpy as np
import pytest

import dlcourse
from dlcourse import models

TRAINABLE = keras.backend.backend() in models.gan.TRAINABLE_BACKENDS
needs_trainable_backend = pytest.mark.skipif(
    not TRAINABLE, reason="GAN.train_step is written for the TensorFlow and PyTorch backends")
MEAN = np.array([2.0, -1.0], dtype="float32")


@pytest.fixture(autouse=True)
def _seeded():
    dlcourse.seed(0)


def _gaussian_points(n: int = 512) -> np.ndarray:
    return (MEAN + 0.3 * np.random.default_rng(0).standard_normal((n, 2))).astype("float32")


def _dense_gan(**kwargs) -> models.GAN:
    return models.GAN(models.dense_generator(4, 2, hidden=(16, 16)), models.dense_discriminator(2, hidden=(16, 16)),
                      seed=0, **kwargs)


def test_dense_builders_shapes_and_parameter_counts():
    generator = models.dense_generator(latent_dim=3, output_dim=2, hidden=(8,))
    discriminator = models.dense_discriminator(input_dim=2, hidden=(8,))
    assert generator.input_shape == (None, 3) and generator.output_shape == (None, 2)
    assert discriminator.output_shape == (None, 1)
    assert generator.count_params() == (3 * 8 + 8) + (8 * 2 + 2)
    assert discriminator.count_params() == (2 * 8 + 8) + (8 * 1 + 1)
    assert discriminator.get_layer("logit").activation is keras.activations.linear  # logits, no sigmoid


def test_dcgan_builders_shapes():
    generator = models.dcgan_generator(latent_dim=16, filters=(32, 16))
    discriminator = models.dcgan_discriminator(filters=(8, 16))
    assert generator.output_shape == (None, 28, 28, 1)
    assert generator.get_layer("to_feature_maps").output.shape == (None, 7, 7, 32)
    assert discriminator.output_shape == (None, 1)
    assert discriminator.get_layer("downsample_2").output.shape == (None, 7, 7, 16)
    images = models.generate_samples(generator, 3, seed=0)
    assert images.shape == (3, 28, 28, 1)
    assert images.min() >= -1.0 and images.max() <= 1.0  # tanh
    assert models.dcgan_generator(latent_dim=8, image_shape=(32, 32, 3), filters=(16, 8, 4)).output_shape == (
        None, 32, 32, 3)


def test_sample_is_numpy_and_repeatable():
    gan = _dense_gan()
    samples = gan.sample(10, seed=3)
    assert isinstance(samples, np.ndarray) and samples.shape == (10, 2)
    np.testing.assert_array_equal(samples, gan.sample(10, seed=3))
    assert not np.allclose(samples, gan.sample(10, seed=4))
    assert gan.latent_dim == 4


@needs_trainable_backend
def test_fit_alternates_updates_reports_finite_losses_and_runs_callbacks():
    points = _gaussian_points()
    gan = _dense_gan(label_smoothing=0.1)
    gan.compile(d_optimizer=keras.optimizers.Adam(2e-3), g_optimizer=keras.optimizers.Adam(2e-3))
    generator_before = [w.copy() for w in gan.generator.get_weights()]
    discriminator_before = [w.copy() for w in gan.discriminator.get_weights()]
    start_gap = np.linalg.norm(gan.sample(500, seed=0).mean(axis=0) - MEAN)

    seen, gaps = [], []

    def record(epoch, logs):
        seen.append(dict(logs))
        gaps.append(np.linalg.norm(gan.sample(500, seed=0).mean(axis=0) - MEAN))

    history = gan.fit(points, batch_size=32, epochs=5, verbose=0,
                      callbacks=[keras.callbacks.LambdaCallback(on_epoch_end=record)])

    assert len(seen) == 5 and set(seen[0]) >= {"d_loss", "g_loss"}
    for name in ("d_loss", "g_loss"):
        assert len(history.history[name]) == 5
        assert np.all(np.isfinite(history.history[name]))
    assert not all(np.array_equal(a, b) for a, b in zip(generator_before, gan.generator.get_weights()))
    assert not all(np.array_equal(a, b) for a, b in zip(discriminator_before, gan.discriminator.get_weights()))
    # the generator moves its samples towards the real data (GANs oscillate, so only part of the way, at some epoch)
    assert min(gaps) < 0.8 * start_gap, (start_gap, gaps)


@needs_trainable_backend
def test_dcgan_trains_one_epoch_on_images():
    images = np.random.default_rng(0).uniform(-1, 1, (16, 28, 28, 1)).astype("float32")
    gan = models.GAN(models.dcgan_generator(latent_dim=8, filters=(8, 4)), models.dcgan_discriminator(filters=(4, 8)))
    gan.compile()
    history = gan.fit(images, batch_size=8, epochs=1, verbose=0)
    assert np.isfinite(history.history["d_loss"][0]) and np.isfinite(history.history["g_loss"][0])


@pytest.mark.skipif(TRAINABLE, reason="checks the error raised on the other backends (JAX)")
def test_training_on_another_backend_raises_a_clear_error():
    gan = _dense_gan()
    with pytest.raises(NotImplementedError, match="TensorFlow and PyTorch backends"):
        gan.compile()
    with pytest.raises(NotImplementedError, match="TensorFlow and PyTorch backends"):
        gan.fit(_gaussian_points(), epochs=1, verbose=0)


def test_gan_save_load_round_trip(tmp_path):
    gan = _dense_gan(label_smoothing=0.2)
    if TRAINABLE:  # a compiled and trained GAN also keeps its optimizers
        gan.compile(d_optimizer=keras.optimizers.Adam(1e-3), g_optimizer=keras.optimizers.Adam(5e-4))
        gan.fit(_gaussian_points(64), batch_size=32, epochs=1, verbose=0)
    path = tmp_path / "gan.keras"
    gan.save(path)
    loaded = keras.models.load_model(path)
    assert isinstance(loaded, models.GAN)
    assert loaded.label_smoothing == pytest.approx(0.2) and loaded.latent_dim == 4
    np.testing.assert_array_equal(loaded.sample(8, seed=1), gan.sample(8, seed=1))
    points = _gaussian_points(8)
    np.testing.assert_array_equal(loaded.discriminator.predict(points, verbose=0),
                                  gan.discriminator.predict(points, verbose=0))
    if TRAINABLE:
        assert float(loaded.g_optimizer.learning_rate) == pytest.approx(5e-4)
        assert int(loaded.d_optimizer.iterations) == int(gan.d_optimizer.iterations) == 2

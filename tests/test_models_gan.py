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


def test_conditional_dcgan_builders_take_labels_and_check_num_classes():
    generator = models.dcgan_generator(latent_dim=6, filters=(8, 4), num_classes=3)
    discriminator = models.dcgan_discriminator(filters=(4, 8), num_classes=3)
    assert generator.input_shape == [(None, 6), (None,)] and generator.output_shape == (None, 28, 28, 1)
    assert generator.get_layer("noise_and_label").output.shape == (None, 6 + 3)   # the label, one-hot
    assert discriminator.input_shape == [(None, 28, 28, 1), (None,)] and discriminator.output_shape == (None, 1)
    assert models.gan.latent_size(generator) == 6 and models.gan.is_conditional(generator)

    noise = np.random.default_rng(0).standard_normal((4, 6)).astype("float32")
    images = [models.generate_samples(generator, 4, seed=0, labels=[k] * 4) for k in range(3)]
    assert images[0].shape == (4, 28, 28, 1)
    assert not np.allclose(images[0], images[1]), "the label changes what is drawn"
    np.testing.assert_allclose(images[2], keras.ops.convert_to_numpy(generator([noise, np.full(4, 2)])), atol=1e-6)
    # the projection: the same image gets a different verdict for a different class
    logits = [keras.ops.convert_to_numpy(discriminator([images[0], np.full(4, k)])) for k in range(3)]
    assert not np.allclose(logits[0], logits[1])

    with pytest.raises(ValueError, match="^labels: this generator is conditional"):
        models.generate_samples(generator, 4, seed=0)
    with pytest.raises(ValueError, match="^labels: need 4 integer"):
        models.generate_samples(generator, 4, seed=0, labels=[0.5] * 4)
    with pytest.raises(ValueError, match="^labels: this generator is not conditional"):
        models.generate_samples(models.dcgan_generator(latent_dim=6, filters=(8, 4)), 4, labels=[0] * 4)
    for bad in (1, 0, 2.5, "10"):
        with pytest.raises(ValueError, match="^num_classes"):
            models.dcgan_generator(num_classes=bad)
        with pytest.raises(ValueError, match="^num_classes"):
            models.dcgan_discriminator(num_classes=bad)
    with pytest.raises(ValueError, match="^discriminator: the generator is conditional"):
        models.GAN(generator, models.dcgan_discriminator(filters=(4, 8)))
    with pytest.raises(ValueError, match="^discriminator: the generator is not conditional"):
        models.GAN(models.dcgan_generator(latent_dim=6, filters=(8, 4)), discriminator)


def _half_bright_images(n: int = 256) -> tuple[np.ndarray, np.ndarray]:
    """8x8 images: class 0 is bright (+1) in the top half, class 1 in the bottom half; -1 elsewhere, plus noise."""
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 2, n)
    images = np.full((n, 8, 8, 1), -1.0, "float32")
    images[labels == 0, :4] = 1.0
    images[labels == 1, 4:] = 1.0
    return np.clip(images + 0.1 * rng.standard_normal(images.shape), -1, 1).astype("float32"), labels


@needs_trainable_backend
def test_a_conditional_gan_learns_to_draw_the_class_it_is_asked_for():
    images, labels = _half_bright_images()
    generator = models.dcgan_generator(latent_dim=4, image_shape=(8, 8, 1), filters=(16,), kernel_size=4,
                                       num_classes=2)
    discriminator = models.dcgan_discriminator(image_shape=(8, 8, 1), filters=(16,), dropout=0.0, num_classes=2)
    gan = models.GAN(generator, discriminator, seed=0)
    gan.compile(d_optimizer=keras.optimizers.Adam(2e-3, beta_1=0.5), g_optimizer=keras.optimizers.Adam(2e-3, beta_1=0.5))

    def top_minus_bottom(label: int) -> float:
        fakes = gan.sample(64, seed=1, labels=np.full(64, label))
        return float(fakes[:, :4].mean() - fakes[:, 4:].mean())

    assert abs(top_minus_bottom(0) - top_minus_bottom(1)) < 0.5, "untrained: the label makes little difference"
    history = gan.fit(images, labels, batch_size=32, epochs=15, verbose=0)
    assert np.all(np.isfinite(history.history["d_loss"]))
    assert top_minus_bottom(0) > 0.5 and top_minus_bottom(1) < -0.5, (top_minus_bottom(0), top_minus_bottom(1))

    with pytest.raises(ValueError, match="^labels: a conditional GAN trains on"):
        gan.fit(images, batch_size=32, epochs=1, verbose=0)


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

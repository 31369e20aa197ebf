"""GAN tools: the classifier score, mode counting on a Gaussian ring, the snapshot callback and its plots."""

from __future__ import annotations

import math

import keras
import numpy as np
import pytest

from dlcourse import gan_tools as gt
from dlcourse import models
from dlcourse.data import make_gaussians


def _one_hot_probabilities(classes: np.ndarray, n_classes: int = 10, confidence: float = 0.91) -> np.ndarray:
    off = (1.0 - confidence) / (n_classes - 1)
    p = np.full((len(classes), n_classes), off)
    p[np.arange(len(classes)), classes] = confidence
    return p


# --- the classifier score -------------------------------------------------------------------------------------


def test_entropy_of_a_uniform_histogram_is_ln_classes_and_of_a_collapsed_one_is_zero():
    assert gt.histogram_entropy([7] * 10) == pytest.approx(math.log(10))
    assert gt.histogram_entropy([0, 0, 30, 0]) == 0.0
    assert 0 < gt.histogram_entropy([9, 1]) < math.log(2)
    for bad in ([], [[1, 2]], [1, -1], [0, 0]):
        with pytest.raises(ValueError, match="^counts"):
            gt.histogram_entropy(bad)


def test_score_of_balanced_confident_predictions():
    score = gt.score_probabilities(_one_hot_probabilities(np.arange(1000) % 10))
    assert score["histogram"].tolist() == [100] * 10
    assert score["class_entropy"] == pytest.approx(math.log(10))
    assert score["max_entropy"] == pytest.approx(math.log(10))
    assert score["mean_max_probability"] == pytest.approx(0.91)
    assert gt.meets_targets(score)


def test_score_of_a_collapsed_generator_fails_the_diversity_target():
    score = gt.score_probabilities(_one_hot_probabilities(np.full(500, 3), confidence=0.99))
    assert score["histogram"].tolist() == [0, 0, 0, 500, 0, 0, 0, 0, 0, 0]
    assert score["class_entropy"] == 0.0
    assert score["mean_max_probability"] == pytest.approx(0.99)
    assert not gt.meets_targets(score)
    unsure = gt.score_probabilities(_one_hot_probabilities(np.arange(1000) % 10, confidence=0.5))
    assert unsure["class_entropy"] == pytest.approx(math.log(10)) and not gt.meets_targets(unsure)


def test_score_from_logits_and_bad_probabilities():
    logits = np.log(_one_hot_probabilities(np.arange(20) % 10))
    assert gt.score_probabilities(logits, from_logits=True)["mean_max_probability"] == pytest.approx(0.91)
    with pytest.raises(ValueError, match="^probabilities.*from_logits"):
        gt.score_probabilities(logits)
    for bad in (np.ones(10) / 10, np.ones((0, 10)), np.ones((3, 1)), np.full((2, 2), np.nan)):
        with pytest.raises(ValueError, match="^probabilities"):
            gt.score_probabilities(bad)
    with pytest.raises(ValueError, match="^score"):
        gt.meets_targets({"mean_max_probability": 0.99})


def test_classifier_score_with_a_keras_model_and_with_a_callable():
    images = np.zeros((30, 4, 4, 1), "float32")
    images[:, 0, 0, 0] = np.arange(30) % 3  # the "class" is written in one pixel

    def fake_classifier(batch):
        return _one_hot_probabilities(np.asarray(batch)[:, 0, 0, 0].astype(int), n_classes=3, confidence=0.8)

    score = gt.classifier_score(fake_classifier, images, batch_size=7)
    assert score["histogram"].tolist() == [10, 10, 10]
    assert score["mean_max_probability"] == pytest.approx(0.8)
    assert score["class_entropy"] == pytest.approx(math.log(3))

    inputs = keras.Input((4, 4, 1))
    model = keras.Model(inputs, keras.layers.Dense(5, activation="softmax")(keras.layers.Flatten()(inputs)))
    score = gt.classifier_score(model, images)
    assert score["histogram"].sum() == 30 and len(score["histogram"]) == 5
    with pytest.raises(ValueError, match="^classifier"):
        gt.classifier_score("not a model", images)
    with pytest.raises(ValueError, match="^batch_size"):
        gt.classifier_score(model, images, batch_size=0)
    with pytest.raises(ValueError, match="^images"):
        gt.classifier_score(model, np.zeros((0, 4, 4, 1)))


def test_label_accuracy_counts_samples_judged_to_be_the_class_they_were_asked_for():
    asked = np.arange(20) % 10
    drawn = asked.copy()
    drawn[:5] = (drawn[:5] + 1) % 10                # five samples came out as the next digit
    score = gt.score_probabilities(_one_hot_probabilities(drawn), labels=asked)
    assert score["label_accuracy"] == pytest.approx(15 / 20)
    assert "label_accuracy" not in gt.score_probabilities(_one_hot_probabilities(drawn))
    for bad in (asked[:5], asked + 0.5, asked + 10):
        with pytest.raises(ValueError, match="^labels"):
            gt.score_probabilities(_one_hot_probabilities(drawn), labels=bad)


def test_within_class_diversity_is_zero_for_copies_and_grows_with_the_spread():
    rng = np.random.default_rng(0)
    labels = np.arange(60) % 3
    prototypes = rng.random((3, 5, 5))
    copies = prototypes[labels]                     # every sample of a class is the same image
    assert gt.within_class_diversity(copies, labels) == pytest.approx(0.0, abs=1e-6)
    spreads = [gt.within_class_diversity(copies + s * rng.standard_normal(copies.shape), labels) for s in (0.1, 0.3)]
    assert 0 < spreads[0] < spreads[1]
    # two pixels apart by 3 and 4: distance 5 within the one class that has a pair
    pair = np.array([[0.0, 0.0], [3.0, 4.0], [9.0, 9.0]])
    assert gt.within_class_diversity(pair, [0, 0, 1]) == pytest.approx(5.0)
    with pytest.raises(ValueError, match="^labels: no class"):
        gt.within_class_diversity(pair, [0, 1, 2])
    with pytest.raises(ValueError, match="^labels"):
        gt.within_class_diversity(pair, [0, 1])
    with pytest.raises(ValueError, match="^per_class"):
        gt.within_class_diversity(pair, [0, 0, 1], per_class=1)


# --- modes of a Gaussian ring ---------------------------------------------------------------------------------


def test_ring_centers_are_the_centres_of_make_gaussians():
    x, y = make_gaussians(4000, centers=8, spread=0.1, seed=0)
    means = np.stack([x[y == c].mean(axis=0) for c in range(8)])
    np.testing.assert_allclose(gt.ring_centers(8), means, atol=0.02)
    assert np.allclose(np.linalg.norm(gt.ring_centers(5, radius=2.0), axis=1), 2.0)
    with pytest.raises(ValueError, match="^n"):
        gt.ring_centers(0)
    with pytest.raises(ValueError, match="^radius"):
        gt.ring_centers(8, radius=0)


def test_count_covered_modes_on_synthetic_points():
    centers = gt.ring_centers(8)
    rng = np.random.default_rng(0)
    everywhere = np.repeat(centers, 50, axis=0) + rng.normal(0, 0.1, (400, 2))
    assert gt.count_covered_modes(everywhere, centers, radius=0.5) == 8
    assert gt.mode_counts(everywhere, centers, radius=0.5).tolist() == [50] * 8

    collapsed = centers[[2, 5]].repeat(100, axis=0) + rng.normal(0, 0.1, (200, 2))
    assert gt.count_covered_modes(collapsed, centers, radius=0.5) == 2
    assert gt.mode_counts(collapsed, centers, radius=0.5).tolist() == [0, 0, 100, 0, 0, 100, 0, 0]

    junk = np.zeros((100, 2))  # the middle of the ring is far from every mode
    assert gt.count_covered_modes(junk, centers, radius=0.5) == 0
    one_stray = np.concatenate([collapsed, centers[[0]]])
    assert gt.count_covered_modes(one_stray, centers, radius=0.5) == 3
    assert gt.count_covered_modes(one_stray, centers, radius=0.5, min_fraction=0.02) == 2


def test_mode_counting_rejects_bad_arguments():
    centers = gt.ring_centers(4)
    with pytest.raises(ValueError, match="^radius"):
        gt.mode_counts(centers, centers, radius=0)
    with pytest.raises(ValueError, match="^centers"):
        gt.mode_counts(centers, np.zeros((4, 3)), radius=1)
    with pytest.raises(ValueError, match="^samples"):
        gt.mode_counts(np.zeros(5), centers, radius=1)
    with pytest.raises(ValueError, match="^min_fraction"):
        gt.count_covered_modes(centers, centers, radius=1, min_fraction=1.5)


# --- the snapshot callback ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def trained_snapshots():
    keras.utils.set_random_seed(0)
    gan = models.GAN(models.dense_generator(latent_dim=4, output_dim=2, hidden=(8,)),
                     models.dense_discriminator(input_dim=2, hidden=(8,)), seed=0)
    gan.compile()
    points = make_gaussians(64, centers=2, spread=0.1)[0]
    snapshots = gt.SampleSnapshots(n=20, every=2, seed=3)
    gan.fit(points, batch_size=32, epochs=5, callbacks=[snapshots], verbose=0)
    return gan, snapshots


def test_snapshots_use_fixed_noise_every_k_epochs_and_keep_the_last(trained_snapshots):
    gan, snapshots = trained_snapshots
    assert snapshots.epochs == [0, 2, 4, 5]
    assert all(s.shape == (20, 2) for s in snapshots.samples)
    assert snapshots.noise.shape == (20, 4)
    np.testing.assert_allclose(snapshots.noise, np.random.default_rng(3).standard_normal((20, 4)), rtol=1e-6)
    np.testing.assert_allclose(snapshots.samples[-1], gan.generator.predict(snapshots.noise, verbose=0), atol=1e-5)
    assert not np.allclose(snapshots.samples[0], snapshots.samples[-1]), "training changed the generator"


def test_snapshots_continue_counting_across_fit_calls_and_with_a_given_generator():
    keras.utils.set_random_seed(0)
    generator = models.dense_generator(latent_dim=3, output_dim=2, hidden=(4,))
    gan = models.GAN(generator, models.dense_discriminator(input_dim=2, hidden=(4,)), seed=0)
    gan.compile()
    snapshots = gt.SampleSnapshots(n=5, every=1, generator=generator, at_start=False)
    points = np.random.default_rng(0).normal(size=(32, 2)).astype("float32")
    gan.fit(points, batch_size=16, epochs=2, callbacks=[snapshots], verbose=0)
    gan.fit(points, batch_size=16, epochs=1, callbacks=[snapshots], verbose=0)
    assert snapshots.epochs == [1, 2, 3]


def test_snapshots_of_a_conditional_generator_ask_for_the_fixed_labels():
    keras.utils.set_random_seed(0)
    generator = models.dcgan_generator(latent_dim=3, image_shape=(4, 4, 1), filters=(4,), num_classes=2)
    discriminator = models.dcgan_discriminator(image_shape=(4, 4, 1), filters=(4,), num_classes=2)
    gan = models.GAN(generator, discriminator, seed=0)
    gan.compile()
    labels = np.array([0, 1, 0, 1])
    snapshots = gt.SampleSnapshots(n=4, every=1, labels=labels)
    images = np.zeros((16, 4, 4, 1), "float32")
    gan.fit(images, np.arange(16) % 2, batch_size=8, epochs=1, callbacks=[snapshots], verbose=0)
    assert snapshots.epochs == [0, 1] and snapshots.samples[-1].shape == (4, 4, 4, 1)
    expected = keras.ops.convert_to_numpy(generator([snapshots.noise, labels], training=False))
    np.testing.assert_allclose(snapshots.samples[-1], expected, atol=1e-6)
    with pytest.raises(ValueError, match="^labels: this generator is conditional"):
        gan.fit(images, np.arange(16) % 2, batch_size=8, epochs=1, verbose=0, callbacks=[gt.SampleSnapshots(n=4)])


def test_snapshots_reject_bad_arguments():
    with pytest.raises(ValueError, match="^n"):
        gt.SampleSnapshots(n=0)
    with pytest.raises(ValueError, match="^labels"):
        gt.SampleSnapshots(n=3, labels=[0, 1])
    with pytest.raises(ValueError, match="^every"):
        gt.SampleSnapshots(every=0)
    with pytest.raises(ValueError, match="^generator"):
        gt.SampleSnapshots(generator="g")


# --- the moving average of the generator ----------------------------------------------------------------------


def test_generator_average_follows_the_update_rule_with_its_warm_up():
    keras.utils.set_random_seed(0)
    generator = models.dense_generator(latent_dim=3, output_dim=2, hidden=(4,))
    start = [w.copy() for w in generator.get_weights()]
    ema = gt.GeneratorAverage(generator, decay=0.9)
    assert ema.average is not generator and ema.updates == 0
    for a, b in zip(ema.average.get_weights(), start):
        np.testing.assert_array_equal(a, b)

    generator.set_weights([w + 1.0 for w in start])
    ema.on_train_batch_end(0)                       # decay min(0.9, 1/10) = 0.1: mostly the new weights
    for a, w in zip(ema.average.get_weights(), start):
        np.testing.assert_allclose(a, w + 0.9, atol=1e-5)
    generator.set_weights([w + 2.0 for w in start])
    ema.on_train_batch_end(1)                       # decay min(0.9, 2/11)
    for a, w in zip(ema.average.get_weights(), start):
        np.testing.assert_allclose(a, w + 2 / 11 * 0.9 + 9 / 11 * 2.0, atol=1e-5)
    assert ema.updates == 2
    for a, w in zip(generator.get_weights(), start):
        np.testing.assert_allclose(a, w + 2.0), "the generator itself is left alone"


def test_generator_average_during_fit_feeds_the_snapshots():
    keras.utils.set_random_seed(0)
    generator = models.dense_generator(latent_dim=4, output_dim=2, hidden=(8,), batch_norm=True)
    gan = models.GAN(generator, models.dense_discriminator(input_dim=2, hidden=(8,)), seed=0)
    gan.compile()
    ema = gt.GeneratorAverage(generator, decay=0.99)
    snapshots = gt.SampleSnapshots(n=10, every=1, generator=ema.average)
    points = make_gaussians(96, centers=2, spread=0.1)[0]
    gan.fit(points, batch_size=32, epochs=2, callbacks=[ema, snapshots], verbose=0)
    assert ema.updates == 6
    np.testing.assert_allclose(snapshots.samples[-1], ema.average.predict(snapshots.noise, verbose=0), atol=1e-5)
    assert not np.allclose(ema.average.get_weights()[0], generator.get_weights()[0]), "an average, not a copy"
    moving_mean = [w for w in ema.average.weights if "moving_mean" in w.path]
    assert moving_mean, "batch-norm statistics are averaged too"


def test_generator_average_rejects_bad_arguments():
    generator = models.dense_generator(latent_dim=2, output_dim=2, hidden=(4,))
    with pytest.raises(ValueError, match="^generator"):
        gt.GeneratorAverage("g")
    for bad in (1.0, -0.1, True, "0.9"):
        with pytest.raises(ValueError, match="^decay"):
            gt.GeneratorAverage(generator, decay=bad)


# --- pictures -------------------------------------------------------------------------------------------------


# --- discriminator rejection sampling -------------------------------------------------------------------------


def _identity_generator_and_centre_critic():
    noise = keras.Input((1,))
    generator = keras.Model(noise, keras.layers.Dense(1, kernel_initializer="ones", use_bias=False)(noise))
    sample = keras.Input((1,))
    critic = keras.Model(sample, keras.layers.Lambda(lambda x: -keras.ops.square(x))(sample))  # likes x near 0
    return generator, critic


def test_rejection_samples_keep_what_the_discriminator_likes_best():
    generator, critic = _identity_generator_and_centre_critic()
    everything = gt.rejection_samples(generator, critic, 200, keep=1.0, seed=3)
    np.testing.assert_allclose(everything[:, 0], np.random.default_rng(3).standard_normal(200), rtol=1e-6)

    best = gt.rejection_samples(generator, critic, 100, keep=0.5, seed=3)
    assert best.shape == (100, 1)
    threshold = np.sort(np.abs(everything[:, 0]))[99]
    assert np.all(np.abs(best) <= threshold + 1e-6), "only the 100 samples nearest the critic's favourite"
    assert np.abs(best).mean() < 0.6 * np.abs(everything).mean()


def test_rejection_samples_reject_bad_arguments():
    generator, critic = _identity_generator_and_centre_critic()
    for keep in (0.0, 1.5, True, "half"):
        with pytest.raises(ValueError, match="keep"):
            gt.rejection_samples(generator, critic, 10, keep=keep)
    with pytest.raises(ValueError, match="n"):
        gt.rejection_samples(generator, critic, 0)


def test_point_snapshot_plot_titles_count_the_modes(trained_snapshots):
    _, snapshots = trained_snapshots
    centers = gt.ring_centers(8)
    collapsed = centers[[1]].repeat(10, axis=0)
    fig = gt.plot_point_snapshots(([0, 7], [np.zeros((10, 2)), collapsed]), centers, centers=centers, radius=0.5)
    assert [ax.get_title() for ax in fig.axes] == ["epoch 0\n0/8 modes", "epoch 7\n1/8 modes"]
    assert len(gt.plot_point_snapshots(snapshots, np.zeros((5, 2)), max_panels=3).axes) == 3
    with pytest.raises(ValueError, match="^radius"):
        gt.plot_point_snapshots(snapshots, np.zeros((5, 2)), centers=centers)
    with pytest.raises(ValueError, match="^snapshots"):
        gt.plot_point_snapshots(([0, 1], [np.zeros((3, 2))]), np.zeros((5, 2)))
    with pytest.raises(ValueError, match="^real"):
        gt.plot_point_snapshots(snapshots, np.zeros((5, 3)))


def test_image_snapshot_plot_has_one_row_per_epoch():
    batches = [np.full((6, 8, 8, 1), v, "float32") for v in (-1.0, 0.0, 1.0)]
    fig = gt.plot_image_snapshots(([0, 1, 2], batches), n=4)
    assert len(fig.axes) == 12
    assert [fig.axes[i].get_ylabel() for i in (0, 4, 8)] == ["epoch 0", "epoch 1", "epoch 2"]
    assert len(gt.plot_image_snapshots(([0, 1, 2], batches), n=2, max_rows=2).axes) == 4
    with pytest.raises(ValueError, match="^snapshots"):
        gt.plot_image_snapshots(([0], [np.zeros((3, 2))]))
    with pytest.raises(ValueError, match="^n"):
        gt.plot_image_snapshots(([0], batches[:1]), n=0)


def test_discriminator_map_shows_sigmoid_of_the_logits():
    real = gt.ring_centers(8)
    fig = gt.plot_discriminator_map(lambda p: 10.0 * np.asarray(p)[:, :1], real, real + 0.5, resolution=9)
    ax = fig.axes[0]
    assert ax.get_title() == "What the discriminator believes"
    assert len(fig.axes) == 2, "the map and its colour bar"
    assert ax.get_xlim() == pytest.approx((-5.0, 5.5)), "real and generated points plus a padding of 1"

    inputs = keras.Input((2,))
    model = keras.Model(inputs, keras.layers.Dense(1)(inputs))
    fig = gt.plot_discriminator_map(model, real, title=None)
    assert fig.axes[0].get_title() == ""
    with pytest.raises(ValueError, match="^discriminator"):
        gt.plot_discriminator_map("D", real)
    with pytest.raises(ValueError, match="^samples"):
        gt.plot_discriminator_map(model, real, np.zeros((4, 3)))
    with pytest.raises(ValueError, match="^resolution"):
        gt.plot_discriminator_map(model, real, resolution=1)

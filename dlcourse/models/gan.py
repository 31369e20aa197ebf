"""Generative adversarial networks: generators, discriminators and a ``GAN`` model that trains them.

The generator turns random noise into fake samples; the discriminator outputs a
*logit* (a raw score, positive = "looks real"). ``GAN.fit`` alternates one
discriminator update and one generator update per batch.

Example:
    >>> gan = GAN(dense_generator(latent_dim=8, output_dim=2), dense_discriminator(input_dim=2))
    >>> gan.compile(d_optimizer=keras.optimizers.Adam(1e-3), g_optimizer=keras.optimizers.Adam(1e-3))  # doctest: +SKIP
    >>> history = gan.fit(points, batch_size=64, epochs=20)  # doctest: +SKIP
    >>> fakes = gan.sample(500)  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

import keras
import numpy as np
from keras import ops

from dlcourse.models import _checks as check
from dlcourse.models._blocks import dense_stack, output_layer


def dense_generator(latent_dim: int = 8, output_dim: int = 2, hidden: int | tuple[int, ...] = (64, 64), *,
                    activation: Any = "relu", batch_norm: bool = False, output_activation: Any = None,
                    name: str = "generator") -> keras.Model:
    """A fully connected generator: noise ``(batch, latent_dim)`` to samples ``(batch, output_dim)``.

    Example:
        >>> generator = dense_generator(latent_dim=8, output_dim=2)
        >>> generator.output_shape
        (None, 2)
    """
    latent_dim = check.positive_int("latent_dim", latent_dim)
    output_dim = check.positive_int("output_dim", output_dim)
    hidden = check.positive_ints("hidden", hidden)
    activation = check.activation("activation", activation)
    batch_norm = check.flag("batch_norm", batch_norm)
    output_activation = check.activation("output_activation", output_activation)
    inputs = keras.Input((latent_dim,), name="noise")
    x = dense_stack(inputs, hidden, activation=activation, batch_norm=batch_norm)
    return keras.Model(inputs, output_layer(x, output_dim, output_activation, name="sample"), name=name)


def dense_discriminator(input_dim: int = 2, hidden: int | tuple[int, ...] = (64, 64), *,
                        activation: Any = "leaky_relu", dropout: float = 0.0,
                        name: str = "discriminator") -> keras.Model:
    """A fully connected discriminator: samples ``(batch, input_dim)`` to one logit each ``(batch, 1)``.

    Example:
        >>> dense_discriminator(input_dim=2).output_shape
        (None, 1)
    """
    input_dim = check.positive_int("input_dim", input_dim)
    hidden = check.positive_ints("hidden", hidden)
    activation = check.activation("activation", activation)
    dropout = check.rate("dropout", dropout)
    inputs = keras.Input((input_dim,), name="sample")
    x = dense_stack(inputs, hidden, activation=activation, dropout=dropout)
    return keras.Model(inputs, output_layer(x, 1, None, name="logit"), name=name)


def dcgan_generator(latent_dim: int = 64, image_shape: tuple[int, int, int] = (28, 28, 1),
                    filters: int | tuple[int, ...] = (128, 64), kernel_size: int = 4, *, batch_norm: bool = True,
                    output_activation: Any = "tanh", num_classes: int | None = None,
                    name: str = "generator") -> keras.Model:
    """A DCGAN generator: noise to images through transposed convolutions that double the size each time.

    ``noise -> Dense -> reshape to (h / 2**k, w / 2**k, filters[0])`` then, for each of the
    ``k = len(filters)`` entries, ``Conv2DTranspose(stride 2) -> [BatchNorm] -> LeakyReLU``,
    and finally a ``Conv2D`` to the image's channels with ``tanh``: train it on images
    scaled to ``[-1, 1]``.

    With ``num_classes`` the generator is *conditional*: it takes ``[noise, label]`` (integer class
    labels, shape ``(batch,)``) and appends the label, one-hot encoded, to the noise, so it learns
    to draw the class it is asked for. Pair it with ``dcgan_discriminator(num_classes=...)``.

    Example:
        >>> dcgan_generator(latent_dim=64).output_shape
        (None, 28, 28, 1)
        >>> dcgan_generator(latent_dim=64, num_classes=10).input_shape
        [(None, 64), (None,)]
    """
    latent_dim = check.positive_int("latent_dim", latent_dim)
    num_classes = _num_classes(num_classes)
    height, width, channels = check.shape("image_shape", image_shape, ndims=(3,))
    filters = check.positive_ints("filters", filters)
    kernel_size = check.positive_int("kernel_size", kernel_size)
    batch_norm = check.flag("batch_norm", batch_norm)
    output_activation = check.activation("output_activation", output_activation)
    scale = 2 ** len(filters)
    if height % scale or width % scale:
        raise ValueError(f"filters: {len(filters)} up-sampling steps need height and width divisible by {scale}, "
                         f"got image_shape={image_shape}")

    noise = keras.Input((latent_dim,), name="noise")
    inputs, x = noise, noise
    if num_classes is not None:
        label = keras.Input((), dtype="int32", name="label")
        one_hot = keras.layers.CategoryEncoding(num_classes, output_mode="one_hot", name="label_one_hot")(label)
        inputs, x = [noise, label], keras.layers.Concatenate(name="noise_and_label")([noise, one_hot])
    x = keras.layers.Dense((height // scale) * (width // scale) * filters[0], use_bias=not batch_norm,
                           name="project")(x)
    if batch_norm:
        x = keras.layers.BatchNormalization(name="project_bn")(x)
    x = keras.layers.LeakyReLU(0.2, name="project_leaky_relu")(x)
    x = keras.layers.Reshape((height // scale, width // scale, filters[0]), name="to_feature_maps")(x)
    for i, n in enumerate(filters, start=1):
        x = keras.layers.Conv2DTranspose(n, kernel_size, strides=2, padding="same", use_bias=not batch_norm,
                                         name=f"upsample_{i}")(x)
        if batch_norm:
            x = keras.layers.BatchNormalization(name=f"upsample_{i}_bn")(x)
        x = keras.layers.LeakyReLU(0.2, name=f"upsample_{i}_leaky_relu")(x)
    outputs = keras.layers.Conv2D(channels, kernel_size, padding="same", activation=output_activation,
                                  name="image")(x)
    return keras.Model(inputs, outputs, name=name)


def dcgan_discriminator(image_shape: tuple[int, int, int] = (28, 28, 1), filters: int | tuple[int, ...] = (64, 128),
                        kernel_size: int = 4, *, dropout: float = 0.3, num_classes: int | None = None,
                        name: str = "discriminator") -> keras.Model:
    """A DCGAN discriminator: images to one logit each through strided convolutions (no pooling).

    Each block is ``Conv2D(stride 2) -> LeakyReLU -> [Dropout]``, halving height and width.

    With ``num_classes`` it is a *projection discriminator* (Miyato & Koyama, 2018): it takes
    ``[image, label]`` and adds to the logit the dot product of the image's features with a learned
    vector for the label, so it judges "is this a real image *of this class*?".

    Example:
        >>> dcgan_discriminator().output_shape
        (None, 1)
        >>> dcgan_discriminator(num_classes=10).input_shape
        [(None, 28, 28, 1), (None,)]
    """
    num_classes = _num_classes(num_classes)
    image_shape = check.shape("image_shape", image_shape, ndims=(3,))
    filters = check.positive_ints("filters", filters)
    kernel_size = check.positive_int("kernel_size", kernel_size)
    dropout = check.rate("dropout", dropout)
    inputs = keras.Input(image_shape, name="image")
    x = inputs
    for i, n in enumerate(filters, start=1):
        x = keras.layers.Conv2D(n, kernel_size, strides=2, padding="same", name=f"downsample_{i}")(x)
        x = keras.layers.LeakyReLU(0.2, name=f"downsample_{i}_leaky_relu")(x)
        if dropout > 0:
            x = keras.layers.Dropout(dropout, name=f"downsample_{i}_dropout")(x)
    x = keras.layers.Flatten(name="flatten")(x)
    if num_classes is None:
        return keras.Model(inputs, output_layer(x, 1, None, name="logit"), name=name)
    label = keras.Input((), dtype="int32", name="label")
    class_vector = keras.layers.Embedding(num_classes, x.shape[-1], name="class_vector",
                                          embeddings_initializer=keras.initializers.RandomNormal(stddev=0.02))(label)
    projection = keras.layers.Dot(axes=1, name="projection")([class_vector, x])
    logit = keras.layers.Add(name="logit")([output_layer(x, 1, None, name="realness"), projection])
    return keras.Model([inputs, label], logit, name=name)


def _num_classes(value: Any) -> int | None:
    if value is None:
        return None
    value = check.positive_int("num_classes", value)
    if value < 2:
        raise ValueError(f"num_classes: a conditional model needs at least 2 classes, got {value}")
    return value


def is_conditional(network: keras.Model) -> bool:
    """Whether a generator or discriminator also takes class labels: ``[noise or samples, label]``.

    Example:
        >>> is_conditional(dcgan_generator(num_classes=10)), is_conditional(dense_generator())
        (True, False)
    """
    return len(getattr(network, "inputs", None) or [None]) == 2


def latent_size(generator: keras.Model) -> int:
    """The size of a generator's noise vector (its first input).

    Example:
        >>> latent_size(dcgan_generator(latent_dim=32, num_classes=10))
        32
    """
    return int(generator.inputs[0].shape[-1])


def generator_inputs(generator: keras.Model, noise: Any, labels: Any = None) -> Any:
    """What to feed ``generator``: ``noise`` alone, or ``[noise, labels]`` for a conditional one.

    ``labels`` (integer classes, one per noise row) is required for a conditional generator and
    refused for an unconditional one.

    Example:
        >>> noise = np.zeros((3, 8), "float32")
        >>> inputs = generator_inputs(dcgan_generator(latent_dim=8, num_classes=10), noise, [0, 1, 2])
        >>> [a.shape for a in inputs]
        [(3, 8), (3,)]
    """
    if not is_conditional(generator):
        if labels is not None:
            raise ValueError("labels: this generator is not conditional (its only input is the noise)")
        return noise
    if labels is None:
        raise ValueError("labels: this generator is conditional (inputs noise and label): pass one class label "
                         "per sample, e.g. labels=np.arange(n) % 10")
    labels = np.asarray(labels)
    if labels.shape != (len(noise),) or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(f"labels: need {len(noise)} integer class labels, got an array of shape {labels.shape} "
                         f"and dtype {labels.dtype}")
    return [noise, labels.astype("int32")]


def generate_samples(generator: keras.Model, n: int, seed: int | None = None, *, labels: Any = None) -> np.ndarray:
    """``n`` samples (images, points, ...) from a generator, as a NumPy array; ``seed`` fixes the noise.

    A conditional generator needs ``labels``: one class per sample (see :func:`generator_inputs`).

    Example:
        >>> images = generate_samples(generator, 16, seed=0)  # doctest: +SKIP
        >>> tens = generate_samples(conditional_generator, 16, seed=0, labels=[7] * 16)  # doctest: +SKIP
    """
    n = check.positive_int("n", n)
    noise = np.random.default_rng(seed).standard_normal((n, latent_size(generator))).astype("float32")
    return ops.convert_to_numpy(generator(generator_inputs(generator, noise, labels), training=False))


TRAINABLE_BACKENDS = ("tensorflow", "torch")


def _require_trainable_backend(what: str) -> None:
    backend = keras.backend.backend()
    if backend not in TRAINABLE_BACKENDS:
        raise NotImplementedError(
            f"{what}: GAN.train_step is written for the TensorFlow and PyTorch backends (tf.GradientTape / "
            f"torch autograd), but Keras runs on {backend!r}. Set the environment variable KERAS_BACKEND=tensorflow "
            f"(or torch) before importing keras.")


@keras.saving.register_keras_serializable(package="dlcourse")
class GAN(keras.Model):
    """A generator and a discriminator trained against each other by ``fit``.

    Each batch of real samples gives two updates (see :meth:`train_step`): the
    discriminator learns to tell real from fake, then the generator learns to fool
    it. ``fit`` reports the mean ``d_loss`` and ``g_loss`` and works with callbacks.

    Args:
        generator: noise ``(batch, latent_dim)`` to samples.
        discriminator: samples to one logit each (no sigmoid).
        latent_dim: size of the noise; read from the generator's input when ``None``.
        label_smoothing: one-sided label smoothing: the discriminator's target for real
            samples is ``1 - label_smoothing`` (e.g. 0.1), which keeps it from becoming over-confident.
        seed: seed of the noise drawn during training.

    Training needs the TensorFlow or PyTorch backend; building, sampling and saving work on any backend
    (JAX included).
    """

    def __init__(self, generator: keras.Model, discriminator: keras.Model, latent_dim: int | None = None,
                 label_smoothing: float = 0.0, seed: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not isinstance(generator, keras.Model):
            raise ValueError(f"generator: must be a keras.Model, got {generator!r}")
        if not isinstance(discriminator, keras.Model):
            raise ValueError(f"discriminator: must be a keras.Model, got {discriminator!r}")
        self.conditional = is_conditional(generator)
        if is_conditional(discriminator) != self.conditional:
            kind = "is" if self.conditional else "is not"
            raise ValueError(f"discriminator: the generator {kind} conditional (takes class labels), so the "
                             f"discriminator must {'' if self.conditional else 'not '}take [samples, labels] too")
        self.generator = generator
        self.discriminator = discriminator
        self.latent_dim = check.positive_int("latent_dim", latent_dim if latent_dim is not None
                                             else latent_size(generator))
        self.label_smoothing = check.rate("label_smoothing", label_smoothing)
        self.seed = seed
        self.noise_seed = keras.random.SeedGenerator(seed)
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
        self.built = generator.built and discriminator.built  # nothing else has weights to create

    def compile(self, d_optimizer: keras.optimizers.Optimizer | None = None,
                g_optimizer: keras.optimizers.Optimizer | None = None, **kwargs: Any) -> None:
        """Set one optimizer per network (Adam with learning rate 2e-4 and beta_1 0.5, the DCGAN choice, by default)."""
        _require_trainable_backend("GAN.compile")
        super().compile(**kwargs)
        self.d_optimizer = d_optimizer or keras.optimizers.Adam(2e-4, beta_1=0.5)
        self.g_optimizer = g_optimizer or keras.optimizers.Adam(2e-4, beta_1=0.5)

    @property
    def metrics(self) -> list[keras.metrics.Metric]:
        return [self.d_loss_tracker, self.g_loss_tracker]  # reset by fit at the start of each epoch

    def call(self, noise: Any, training: bool | None = None) -> Any:
        """Generate samples from noise ``(batch, latent_dim)`` (``[noise, labels]`` when conditional)."""
        return self.generator(noise, training=training)

    def fit(self, *args: Any, **kwargs: Any) -> keras.callbacks.History:
        _require_trainable_backend("GAN.fit")
        return super().fit(*args, **kwargs)

    def train_step(self, data: Any) -> dict[str, Any]:
        """One discriminator update and one generator update on a batch of real samples.

        Losses, with ``D`` giving logits and ``bce`` binary cross-entropy:

        * discriminator: ``bce(1 - label_smoothing, D(real)) + bce(0, D(G(z)))``;
        * generator (the non-saturating loss): ``bce(1, D(G(z)))``, i.e. make fakes look real.

        A conditional GAN is trained with ``fit(samples, labels)``: both networks also get the
        batch's labels, so the fakes of a batch are asked to be of the same classes as its real samples.

        The losses are written with ``keras.ops``; only taking the gradients is backend-specific
        (``tf.GradientTape`` on TensorFlow, autograd on PyTorch). Each optimizer updates only its
        own network's weights.
        """
        real, labels, _ = keras.utils.unpack_x_y_sample_weight(data)
        if self.conditional and labels is None:
            raise ValueError("labels: a conditional GAN trains on (samples, labels): call fit(samples, labels) "
                             "or pass a dataset of (samples, labels) pairs")
        batch_size = ops.shape(real)[0]
        gradients = _torch_gradients if keras.backend.backend() == "torch" else _tensorflow_gradients

        def generate() -> Any:
            noise = keras.random.normal((batch_size, self.latent_dim), seed=self.noise_seed)
            return self.generator([noise, labels] if self.conditional else noise, training=True)

        def judge(samples: Any) -> Any:
            return self.discriminator([samples, labels] if self.conditional else samples, training=True)

        def d_loss_fn() -> Any:
            real_logits = judge(real)
            fake_logits = judge(ops.stop_gradient(generate()))
            return (_bce(ops.ones_like(real_logits) * (1.0 - self.label_smoothing), real_logits)
                    + _bce(ops.zeros_like(fake_logits), fake_logits))

        def g_loss_fn() -> Any:
            fake_logits = judge(generate())
            return _bce(ops.ones_like(fake_logits), fake_logits)

        d_loss = gradients(self, d_loss_fn, self.discriminator, self.d_optimizer)
        g_loss = gradients(self, g_loss_fn, self.generator, self.g_optimizer)
        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        return {"d_loss": self.d_loss_tracker.result(), "g_loss": self.g_loss_tracker.result()}

    def sample(self, n: int, seed: int | None = None, *, labels: Any = None) -> np.ndarray:
        """``n`` generated samples as a NumPy array (see :func:`generate_samples`)."""
        return generate_samples(self.generator, n, seed=seed, labels=labels)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "generator": keras.saving.serialize_keras_object(self.generator),
            "discriminator": keras.saving.serialize_keras_object(self.discriminator),
            "latent_dim": self.latent_dim,
            "label_smoothing": self.label_smoothing,
            "seed": self.seed,
        }

    def get_compile_config(self) -> dict[str, Any] | None:
        if not getattr(self, "compiled", False):
            return None
        return {"d_optimizer": keras.saving.serialize_keras_object(self.d_optimizer),
                "g_optimizer": keras.saving.serialize_keras_object(self.g_optimizer)}

    def compile_from_config(self, config: dict[str, Any]) -> None:
        if keras.backend.backend() not in TRAINABLE_BACKENDS:
            return  # the loaded GAN can still sample; training needs TensorFlow or PyTorch anyway
        self.compile(d_optimizer=keras.saving.deserialize_keras_object(config["d_optimizer"]),
                     g_optimizer=keras.saving.deserialize_keras_object(config["g_optimizer"]))
        # create the optimizers' slots now, so their saved state (moments, step count) can be loaded into them
        self.d_optimizer.build(self.discriminator.trainable_variables)
        self.g_optimizer.build(self.generator.trainable_variables)

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> GAN:
        config = dict(config)
        config["generator"] = keras.saving.deserialize_keras_object(config["generator"])
        config["discriminator"] = keras.saving.deserialize_keras_object(config["discriminator"])
        return cls(**config)


def _tensorflow_gradients(gan: GAN, loss_fn: Any, network: keras.Model, optimizer: Any) -> Any:
    """Compute ``loss_fn()``, then take one ``optimizer`` step on ``network``'s weights (TensorFlow)."""
    import tensorflow as tf  # imported here, so the module runs on any backend

    with tf.GradientTape() as tape:
        loss = loss_fn()
    optimizer.apply_gradients(zip(tape.gradient(loss, network.trainable_weights), network.trainable_weights))
    return loss


def _torch_gradients(gan: GAN, loss_fn: Any, network: keras.Model, optimizer: Any) -> Any:
    """Compute ``loss_fn()``, then take one ``optimizer`` step on ``network``'s weights (PyTorch)."""
    import torch

    gan.zero_grad()  # gradients accumulate in torch: clear those of the other network's step
    loss = loss_fn()
    loss.backward()
    weights = network.trainable_weights
    with torch.no_grad():
        optimizer.apply([weight.value.grad for weight in weights], weights)
    return loss


def _bce(targets: Any, logits: Any) -> Any:
    return ops.mean(keras.losses.binary_crossentropy(targets, logits, from_logits=True))

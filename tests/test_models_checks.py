"""Every builder refuses bad arguments with a ValueError whose message starts with the argument's name."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from dlcourse import models

INVALID = [
    # (builder, positional args, keyword args, the argument the message must name)
    (models.mlp, ((0,),), {}, "input_shape"),
    (models.mlp, ("28x28",), {}, "input_shape"),
    (models.mlp, ((2,),), {"hidden": (16, 0)}, "hidden"),
    (models.mlp, ((2,),), {"hidden": ("wide",)}, "hidden"),
    (models.mlp, ((2,),), {"hidden": 2.5}, "hidden"),
    (models.mlp, ((2,),), {"activation": "relux"}, "activation"),
    (models.mlp, ((2,),), {"activation": 3}, "activation"),
    (models.mlp, ((2,),), {"kernel_initializer": "random_guess"}, "kernel_initializer"),
    (models.mlp, ((2,),), {"dropout": 1.0}, "dropout"),
    (models.mlp, ((2,),), {"dropout": -0.1}, "dropout"),
    (models.mlp, ((2,),), {"l1": -1e-3}, "l1"),
    (models.mlp, ((2,),), {"l2": float("nan")}, "l2"),
    (models.mlp, ((2,),), {"batch_norm": "yes"}, "batch_norm"),
    (models.mlp, ((2,),), {"flatten": 1}, "flatten"),
    (models.mlp, ((2,),), {"rescale": -1}, "rescale"),
    (models.mlp, ((2,),), {"output_units": 0}, "output_units"),
    (models.mlp, ((2,),), {"output_units": True}, "output_units"),
    (models.mlp, ((2,),), {"output_activation": "softmaxx"}, "output_activation"),
    (models.cnn, ((28,),), {}, "input_shape"),
    (models.cnn, ((28, 28, 1, 1),), {}, "input_shape"),
    (models.cnn, (), {"filters": ()}, "filters"),
    (models.cnn, (), {"filters": (8, -8)}, "filters"),
    (models.cnn, (), {"filters": (8,) * 6}, "filters"),  # 28 -> 14 -> 7 -> 3 -> 1 -> 0
    (models.cnn, (), {"kernel_size": 0}, "kernel_size"),
    (models.cnn, (), {"convs_per_block": 0}, "convs_per_block"),
    (models.cnn, (), {"pooling": "min"}, "pooling"),
    (models.cnn, (), {"pooling": (None, "min")}, "pooling"),
    (models.cnn, (), {"pooling": ("max",)}, "pooling"),  # two blocks, one setting in a tuple
    (models.cnn, (), {"strides": 0}, "strides"),
    (models.cnn, (), {"strides": (2, 1, 1)}, "strides"),
    (models.cnn, (), {"filters": (8,) * 2, "strides": 4}, "filters"),  # 28 -s4-> 7 -pool-> 3 -s4-> 1 -pool-> 0
    (models.cnn, (), {"padding": "full"}, "padding"),
    (models.cnn, (), {"dropout": 1.5}, "dropout"),
    (models.cnn, (), {"dropout": (0.1, 1.0)}, "dropout"),
    (models.cnn, (), {"dropout": (0.1,)}, "dropout"),
    (models.cnn, (), {"dense_dropout": 1}, "dense_dropout"),
    (models.cnn, (), {"dense": (0,)}, "dense"),
    (models.cnn, (), {"augmentation": "flip"}, "augmentation"),
    (models.cnn, (), {"rescale": 0}, "rescale"),
    (models.cnn, (), {"global_pooling": None}, "global_pooling"),
    (models.rnn, (), {}, "input_shape"),  # neither input_shape nor vocab_size
    (models.rnn, ((10, 1),), {"vocab_size": 100}, "input_shape"),  # both
    (models.rnn, ((10,),), {}, "input_shape"),
    (models.rnn, ((10, None),), {}, "input_shape"),
    (models.rnn, (), {"vocab_size": 0}, "vocab_size"),
    (models.rnn, (), {"vocab_size": 100, "embedding_dim": 0}, "embedding_dim"),
    (models.rnn, (), {"vocab_size": 100, "sequence_length": -5}, "sequence_length"),
    (models.rnn, (), {"vocab_size": 100, "cell": "transformer"}, "cell"),
    (models.rnn, (), {"vocab_size": 100, "units": ()}, "units"),
    (models.rnn, (), {"vocab_size": 100, "units": (32, 0)}, "units"),
    (models.rnn, (), {"vocab_size": 100, "bidirectional": "yes"}, "bidirectional"),
    (models.rnn, (), {"vocab_size": 100, "recurrent_dropout": 1.0}, "recurrent_dropout"),
    (models.rnn, ((10, 1),), {"mask_value": float("inf")}, "mask_value"),
    (models.dense_generator, (), {"latent_dim": 0}, "latent_dim"),
    (models.dense_generator, (), {"output_dim": -2}, "output_dim"),
    (models.dense_generator, (), {"hidden": ()}, "hidden"),
    (models.dense_discriminator, (), {"input_dim": 0}, "input_dim"),
    (models.dense_discriminator, (), {"activation": "leaky"}, "activation"),
    (models.dcgan_generator, (), {"image_shape": (30, 30, 1)}, "filters"),  # 30 is not divisible by 4
    (models.dcgan_generator, (), {"image_shape": (28, 28)}, "image_shape"),
    (models.dcgan_discriminator, (), {"filters": ()}, "filters"),
    (models.dcgan_discriminator, (), {"dropout": 2}, "dropout"),
    (models.transformer_classifier, (0, 10), {}, "vocab_size"),
    (models.transformer_classifier, (100, 0), {}, "sequence_length"),
    (models.transformer_classifier, (100, 10), {"embed_dim": 32, "num_heads": 3}, "num_heads"),
    (models.transformer_classifier, (100, 10), {"ff_dim": 0}, "ff_dim"),
    (models.transformer_classifier, (100, 10), {"num_layers": 0}, "num_layers"),
    (models.transformer_classifier, (100, 10), {"positions": "rotary"}, "positions"),
    (models.transformer_classifier, (100, 10), {"dropout": 1.0}, "dropout"),
    (models.transformer_classifier, (100, 10), {"variable_length": "yes"}, "variable_length"),
    (models.gpt, (100, 10), {"embed_dim": 30, "num_heads": 4}, "num_heads"),
    (models.gpt, (100, 10), {"embed_dim": 0}, "embed_dim"),
    (models.MultiHeadSelfAttention, (0,), {}, "num_heads"),
    (models.MultiHeadSelfAttention, (2,), {"dropout": 1.0}, "dropout"),
    (models.TransformerEncoderBlock, (32, 3, 64), {}, "num_heads"),
    (models.CausalDecoderBlock, (32, 2, 0), {}, "ff_dim"),
    (models.TokenAndPositionEmbedding, (100, 10, 15), {"positions": "sinusoidal"}, "embed_dim"),
    (models.PositionalEmbedding, (0,), {}, "sequence_length"),
    (models.pretrained_backbone, ("not_a_dataset",), {}, "dataset"),
    (models.pretrained_backbone, ("mnist",), {"filters": ()}, "filters"),
    (models.pretrained_backbone, ("mnist",), {"epochs": 0}, "epochs"),
]


@pytest.mark.parametrize(("builder", "args", "kwargs", "argument"), INVALID,
                         ids=[f"{b.__name__}-{a}-{i}" for i, (b, _, _, a) in enumerate(INVALID)])
def test_invalid_argument_raises_value_error_naming_it(builder, args, kwargs, argument):
    with pytest.raises(ValueError, match=rf"^{argument}: "):
        builder(*args, **kwargs)


def _tiny_lm() -> keras.Model:
    return models.gpt(vocab_size=7, sequence_length=5, embed_dim=8, num_heads=2, ff_dim=8, num_layers=1)


@pytest.mark.parametrize(("kwargs", "argument"), [
    ({"prompt_ids": [], "n": 3}, "prompt_ids"),
    ({"prompt_ids": [1.5, 2.0], "n": 3}, "prompt_ids"),
    ({"prompt_ids": [1, 2], "n": 0}, "n"),
    ({"prompt_ids": [1, 2], "n": 3, "temperature": -1.0}, "temperature"),
    ({"prompt_ids": [1, 2], "n": 3, "top_k": 0}, "top_k"),
    ({"prompt_ids": [1, 2], "n": 3, "top_k": 8}, "top_k"),  # more than the 7 tokens of the vocabulary
])
def test_generate_rejects_bad_arguments(kwargs, argument):
    with pytest.raises(ValueError, match=rf"^{argument}: "):
        models.generate(_tiny_lm(), **kwargs)


def test_gan_rejects_bad_arguments():
    generator, discriminator = models.dense_generator(4, 2), models.dense_discriminator(2)
    with pytest.raises(ValueError, match=r"^label_smoothing: "):
        models.GAN(generator, discriminator, label_smoothing=1.0)
    with pytest.raises(ValueError, match=r"^generator: "):
        models.GAN("generator", discriminator)


def test_attention_maps_rejects_models_without_attention_and_bad_ids():
    with pytest.raises(ValueError, match=r"^model: "):
        models.attention_maps(models.mlp(4), np.array([1, 2, 3, 4]))
    classifier = models.transformer_classifier(10, 4, embed_dim=8, num_heads=2, ff_dim=8)
    with pytest.raises(ValueError, match=r"^token_ids: "):
        models.attention_maps(classifier, np.zeros((1, 1, 4), dtype=int))


def test_valid_edge_values_are_accepted():
    # the boundaries that are allowed must not be refused
    assert models.mlp(3, hidden=(), output_units=1, output_activation=None).count_params() == 4
    assert models.mlp(3, hidden=8, dropout=0.0, l1=0.0).get_layer("hidden_1").units == 8
    assert models.cnn((8, 8, 1), filters=(4,), pooling=None, dense=()).output_shape == (None, 10)
    assert models.rnn((None, 2), units=4, output_activation=None).output_shape == (None, 1)

"""Model builders for the course: plain functions that return an uncompiled ``keras.Model``.

Every builder takes keyword arguments with sensible defaults, names its layers, checks
its arguments (a bad one raises ``ValueError`` starting with the argument's name) and
uses only ``keras.layers`` / ``keras.ops``, so it runs on any Keras backend.

=====================  ==========================================================
module                 what it holds
=====================  ==========================================================
``mlp``                :func:`mlp`, fully connected networks
``cnn``                :func:`cnn`, :func:`conv_block`, convolutional networks
``transfer``           :func:`pretrained_backbone`, :func:`transfer_classifier`
``rnn``                :func:`rnn`, SimpleRNN / LSTM / GRU networks, :class:`MaskedGlobalMaxPooling1D`
``gan``                generators, discriminators (optionally class-conditional) and the :class:`GAN` model
``attention``          :func:`scaled_dot_product_attention`, masks, :class:`MultiHeadSelfAttention`
``positional``         positional encodings and :class:`TokenAndPositionEmbedding`
``transformer``        transformer blocks, :func:`transformer_classifier`, :func:`gpt`, :func:`attention_maps`
``generation``         :func:`generate`, sampling from a language model
=====================  ==========================================================

Example:
    >>> from dlcourse import models
    >>> model = models.mlp((28, 28), hidden=(128,), rescale=True)
    >>> model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
"""

from dlcourse.models.attention import (
    MultiHeadSelfAttention,
    causal_mask,
    padding_mask,
    scaled_dot_product_attention,
)
from dlcourse.models.cnn import cnn, conv_block
from dlcourse.models.gan import (
    GAN,
    dcgan_discriminator,
    dcgan_generator,
    dense_discriminator,
    dense_generator,
    generate_samples,
)
from dlcourse.models.generation import generate, next_token_distribution
from dlcourse.models.mlp import mlp
from dlcourse.models.positional import PositionalEmbedding, SinusoidalPositionalEncoding, TokenAndPositionEmbedding
from dlcourse.models.rnn import MaskedGlobalMaxPooling1D, rnn
from dlcourse.models.transfer import pretrained_backbone, transfer_classifier
from dlcourse.models.transformer import (
    CausalDecoderBlock,
    TransformerEncoderBlock,
    attention_maps,
    gpt,
    transformer_classifier,
)

__all__ = [
    "mlp",
    "cnn", "conv_block",
    "pretrained_backbone", "transfer_classifier",
    "rnn", "MaskedGlobalMaxPooling1D",
    "dense_generator", "dense_discriminator", "dcgan_generator", "dcgan_discriminator", "GAN", "generate_samples",
    "scaled_dot_product_attention", "causal_mask", "padding_mask", "MultiHeadSelfAttention",
    "SinusoidalPositionalEncoding", "PositionalEmbedding", "TokenAndPositionEmbedding",
    "TransformerEncoderBlock", "CausalDecoderBlock", "transformer_classifier", "gpt", "attention_maps",
    "generate", "next_token_distribution",
]

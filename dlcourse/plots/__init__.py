"""The course's plots. Each returns the matplotlib ``Figure``; most draw on your ``ax=`` if you pass one.

In Jupyter, end the line with ``;`` or assign the result (``fig = ...``) so the
figure is not shown twice. Importing this package does not import Keras or
TensorFlow; the few plots that need Keras import it when called.

Example:
    >>> from dlcourse import plots
    >>> fig = plots.plot_history({"loss": [0.9, 0.5, 0.4], "val_loss": [1.0, 0.6, 0.7]})
    >>> fig = plots.plot_activation("sigmoid")
    >>> path = plots.optimizer_path("adam", "rosenbrock", start=(-1.2, 1.0), lr=0.2, steps=50)

Modules, one topic each: ``history`` (training curves), ``learning_rate`` (LR sweep),
``classification`` (confusion matrix), ``boundaries`` (decision boundaries),
``images`` (image grids), ``activations`` + ``functions`` (activation maths),
``landscapes`` + ``optimizers`` + ``surfaces`` (loss surfaces and optimiser paths),
``kernels`` + ``convnets`` (convolutions, filters, feature maps), ``gradients``
(per-layer gradient norms), ``sequences`` (forecasts), ``attention``, ``gans``,
``sampling`` (softmax temperature).
"""

from dlcourse.plots.activations import plot_activation, plot_activations, saturated_intervals
from dlcourse.plots.attention import plot_attention, plot_attention_heads
from dlcourse.plots.boundaries import grid_over, plot_decision_boundary
from dlcourse.plots.classification import confusion_matrix, plot_confusion_matrix
from dlcourse.plots.convnets import feature_maps, plot_conv_filters, plot_feature_maps
from dlcourse.plots.functions import ACTIVATIONS, get_activation, softmax
from dlcourse.plots.gans import generate_images, latent_vectors, plot_gan_samples
from dlcourse.plots.gradients import layer_gradient_norms, plot_gradient_norms
from dlcourse.plots.history import best_epoch, history_dict, plot_history
from dlcourse.plots.images import plot_image_grid, show_image
from dlcourse.plots.kernels import KERNEL_PRESETS, conv2d, plot_convolution, sample_image
from dlcourse.plots.landscapes import SURFACES, LossSurface, get_surface
from dlcourse.plots.learning_rate import plot_lr_sweep, suggest_learning_rate
from dlcourse.plots.optimizers import OPTIMIZERS, optimizer_path
from dlcourse.plots.sampling import plot_temperature_distribution
from dlcourse.plots.sequences import plot_forecast
from dlcourse.plots.surfaces import plot_loss_surface

__all__ = [
    "plot_history", "history_dict", "best_epoch",
    "plot_lr_sweep", "suggest_learning_rate",
    "plot_confusion_matrix", "confusion_matrix",
    "plot_decision_boundary", "grid_over",
    "plot_image_grid", "show_image",
    "plot_activation", "plot_activations", "saturated_intervals", "ACTIVATIONS", "get_activation", "softmax",
    "plot_loss_surface", "optimizer_path", "OPTIMIZERS", "SURFACES", "LossSurface", "get_surface",
    "plot_convolution", "conv2d", "KERNEL_PRESETS", "sample_image",
    "plot_conv_filters", "plot_feature_maps", "feature_maps",
    "plot_gradient_norms", "layer_gradient_norms",
    "plot_forecast",
    "plot_attention", "plot_attention_heads",
    "plot_gan_samples", "generate_images", "latent_vectors",
    "plot_temperature_distribution",
]

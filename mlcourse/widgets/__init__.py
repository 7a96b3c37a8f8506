"""Explorers that draw the student's own functions beside the reference, one module per notebook.

Notebooks import the package and call what they need by name:

    from mlcourse import widgets
    widgets.secant_explorer(numerical_derivative)

`core` is what every explorer shares (calling the student's code safely, the explorer loop, controls);
`derivatives`, `gradient_descent`, `neurons`, `backprop`, `optimizers`, `bias_variance`, `regularization`,
`batchnorm` and `cnn` hold the explorers of notebooks 01–09, named like the topic modules. A new notebook adds its
module here and lists its public functions below.
"""

from . import (backprop, batchnorm, bias_variance, cnn, core, derivatives, gradient_descent, neurons, optimizers,
               regularization)
from .backprop import (check_network, gradient_flow_explorer, gradient_table, model_gradient_check,
                       moons_training_explorer, notes_forward, parameter_table, symmetry_explorer, whole_model_check)
from .batchnorm import bn_evaluation, bn_training_explorer, bn_vs_ln
from .bias_variance import (bias_variance_explorer, cross_validation_explorer, diagnosis_map, extrapolation_explorer,
                            split_picture)
from .cnn import conv_explorer, digits_cnn_training, feature_maps, summary_tables
from .core import attempt
from .derivatives import (difference_error_plot, gradient_check_bars, graph_explorer, line_fit_explorer,
                          secant_explorer, sigmoid_plot)
from .gradient_descent import (decay_explorer, decision_boundary_explorer, feature_scaling_explorer,
                               learning_rate_explorer, mini_batch_explorer, notes_logistic_example)
from .neurons import (activation_explorer, loss_curves, neuron_boundary_explorer, perceptron_gates, scaling_plot,
                      softmax_temperature, step, xor_network)
from .optimizers import (ewa_explorer, lr_step_decay, moons_for_training, optimizer_race, schedule_training,
                         temperatures, training_race)
from .regularization import (dropout_at_test_time, dropout_explorer, early_stopping_explorer, l2_explorer,
                             overfitting_data, weight_paths)

__all__ = [
    "attempt", "core",
    # notebook 01
    "difference_error_plot", "gradient_check_bars", "graph_explorer", "line_fit_explorer", "secant_explorer",
    "sigmoid_plot",
    # notebook 02
    "decay_explorer", "decision_boundary_explorer", "feature_scaling_explorer", "learning_rate_explorer",
    "mini_batch_explorer", "notes_logistic_example",
    # notebook 03
    "activation_explorer", "loss_curves", "neuron_boundary_explorer", "perceptron_gates", "scaling_plot",
    "softmax_temperature", "step", "xor_network",
    # notebook 04
    "check_network", "gradient_flow_explorer", "gradient_table", "model_gradient_check", "moons_training_explorer",
    "notes_forward", "parameter_table", "symmetry_explorer", "whole_model_check",
    # notebook 05
    "ewa_explorer", "lr_step_decay", "moons_for_training", "optimizer_race", "schedule_training", "temperatures",
    "training_race",
    # notebook 06
    "bias_variance_explorer", "cross_validation_explorer", "diagnosis_map", "extrapolation_explorer", "split_picture",
    # notebook 07
    "dropout_at_test_time", "dropout_explorer", "early_stopping_explorer", "l2_explorer", "overfitting_data",
    "weight_paths",
    # notebook 08
    "bn_evaluation", "bn_training_explorer", "bn_vs_ln",
    # notebook 09
    "conv_explorer", "digits_cnn_training", "feature_maps", "summary_tables",
]

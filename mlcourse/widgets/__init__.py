"""Explorers that draw the student's own functions beside the reference, one module per notebook.

Notebooks import the package and call what they need by name:

    from mlcourse import widgets
    widgets.secant_explorer(numerical_derivative)

`core` is what every explorer shares (calling the student's code safely, the explorer loop, controls);
`derivatives`, `gradient_descent`, `neurons`, `backprop`, `optimizers`, `bias_variance`, `regularization`,
`batchnorm` and `cnn` hold the explorers of notebooks 01–09, named like the topic modules. A new notebook adds its
module here and lists its public functions in EXPLORERS.
"""

import importlib

# {module: its explorers}; a module is imported when one of its names is first used (module __getattr__ below).
EXPLORERS = {
    "core": ("attempt",),
    "derivatives": ("difference_error_plot", "gradient_check_bars", "graph_explorer", "line_fit_explorer",
                    "secant_explorer", "sigmoid_plot"),  # notebook 01
    "gradient_descent": ("decay_explorer", "decision_boundary_explorer", "feature_scaling_explorer",
                         "learning_rate_explorer", "mini_batch_explorer", "notes_logistic_example"),  # 02
    "neurons": ("activation_explorer", "loss_curves", "neuron_boundary_explorer", "perceptron_gates", "scaling_plot",
                "softmax_temperature", "step", "xor_network"),  # 03
    "backprop": ("check_network", "gradient_flow_explorer", "gradient_table", "model_gradient_check",
                 "moons_training_explorer", "notes_forward", "parameter_table", "symmetry_explorer",
                 "whole_model_check"),  # 04
    "optimizers": ("ewa_explorer", "lr_step_decay", "moons_for_training", "optimizer_race", "schedule_training",
                   "temperatures", "training_race"),  # 05
    "bias_variance": ("bias_variance_explorer", "cross_validation_explorer", "diagnosis_map",
                      "extrapolation_explorer", "split_picture"),  # 06
    "regularization": ("dropout_at_test_time", "dropout_explorer", "early_stopping_explorer", "l2_explorer",
                       "overfitting_data", "weight_paths"),  # 07
    "batchnorm": ("bn_evaluation", "bn_training_explorer", "bn_vs_ln"),  # 08
    "cnn": ("conv_explorer", "digits_cnn_training", "feature_maps", "summary_tables"),  # 09
}
_HOME = {name: module for module, names in EXPLORERS.items() for name in names}

__all__ = ["core", *_HOME]


def __getattr__(name: str):
    """The explorer (or module) `name`, its module imported on first use: every notebook's setup cell imports
    this package, and importing all of it (matplotlib, the explorers of nine notebooks) would be most of the
    start of a grading kernel, which never draws."""
    if name in EXPLORERS:
        return importlib.import_module(f".{name}", __name__)
    if name in _HOME:
        value = getattr(importlib.import_module(f".{_HOME[name]}", __name__), name)
        globals()[name] = value  # found directly from now on
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *EXPLORERS, *_HOME})

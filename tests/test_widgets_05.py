"""Notebook 05's widgets work headless with any student function: right, missing, raising or returning garbage.

pytest turns warnings into errors (pyproject.toml), so every test here also shows that nothing the
student's code does, and nothing the figures do, reaches the output as a warning.
"""

from __future__ import annotations

import numpy as np
import pytest

from mlcourse import backprop as bp
from mlcourse import gradient_descent as gd
from mlcourse import optimizers as op
from mlcourse import plots
from mlcourse.widgets import core
from mlcourse.widgets import optimizers as nb05
from conftest import BROKEN, not_implemented, texts

SAID = {"not implemented": ["not implemented yet"], "nan": ["returned nan", "returned float", "returned shape ()"],
        "wrong shape": ["returned shape", "returned an array of shape"], "TypeError": ["raised TypeError"]}
UPDATES = tuple(nb05.REFERENCE_UPDATES)  # the five update functions, in the explorers' argument order

X, Y = nb05.moons_for_training()
VALUES = nb05.temperatures(60)
QUICK_RACE = dict(lr=0.15, beta=0.9, lr_adagrad=1.0, lr_adaptive=0.1, beta1=0.9, beta2=0.99, steps=12)


def updates(fn=None, only: str | None = None) -> dict:
    """The reference updates with all of them (or only the one named) replaced by fn."""
    return {name: (fn if fn is not None and only in (None, name) else ref)
            for name, ref in nb05.REFERENCE_UPDATES.items()}


# Each figure builder with the student's functions replaced by `fn` (None: the references).
BUILDERS = {
    "ewa": lambda fn: nb05._ewa_figure(fn or op.ewa, VALUES, 0.9, True),
    "race": lambda fn: nb05._race_figure(updates(fn), nb05.RACE_LANDSCAPES["ravine"], **QUICK_RACE),
    "rosenbrock": lambda fn: nb05._race_figure(updates(fn), nb05.RACE_LANDSCAPES["Rosenbrock"],
                                                  **{**QUICK_RACE, "lr": 0.002, "lr_adaptive": 0.05}),
    "training": lambda fn: nb05._training_race_figure(updates(fn), X, Y, 64, 2),
    "schedules": lambda fn: nb05._schedule_figure(fn or op.update_with_momentum, X, Y, epochs=2, batch_size=64),
}

# Each public function, called as the notebook calls it (but with short runs).
PUBLIC = {
    "ewa": lambda fn: nb05.ewa_explorer(fn, beta=0.9, bias_correction=False),
    "race": lambda fn: nb05.optimizer_race(*[fn] * 5, landscape="turned ravine", steps=10),
    "training": lambda fn: nb05.training_race(*[fn] * 5, batch_size=64, epochs=5),
    "schedules": lambda fn: nb05.schedule_training(fn, lr0=0.5, every=10, k=0.05, decay_rate=0.2, epochs=2,
                                                      batch_size=64),
}


def titles(fig) -> list[str]:
    return [ax.get_title().replace("\n", " ") for ax in fig.axes]


def legends(fig) -> str:
    return " ".join(t.get_text() for ax in fig.axes if ax.get_legend() for t in ax.get_legend().get_texts())


@pytest.mark.parametrize("name", BUILDERS)
def test_the_reference_draws_without_a_note(name):
    fig = BUILDERS[name](None)
    assert "reference only" not in texts(fig) and "not implemented" not in texts(fig), texts(fig)
    assert "(reference)" not in legends(fig)


@pytest.mark.parametrize("kind", BROKEN)
@pytest.mark.parametrize("name", BUILDERS)
def test_a_broken_student_function_gives_a_note_not_an_error(name, kind, capsys):
    fig = BUILDERS[name](BROKEN[kind])
    assert "showing the reference only" in texts(fig), texts(fig)
    assert any(sentence in texts(fig) for sentence in SAID[kind]), texts(fig)
    assert capsys.readouterr().out == ""  # the student's prints are swallowed


@pytest.mark.parametrize("name", PUBLIC)
def test_public_functions_run_without_ipython(name, shown, capsys):
    assert PUBLIC[name](not_implemented) is None
    assert len(shown) == 1 and "not implemented yet" in texts(shown[0])
    assert capsys.readouterr().out == ""


def test_a_public_function_goes_the_whole_way_to_a_png(capsys):
    assert nb05.ewa_explorer(not_implemented, values=VALUES) is None
    assert capsys.readouterr().out == ""


# --- the engine and its adapters -----------------------------------------------------------------------


@pytest.mark.parametrize("name", UPDATES)
def test_a_broken_function_is_named_on_its_own_panels_only(name):
    fig = nb05._race_figure(updates(not_implemented, only=name), nb05.RACE_LANDSCAPES["ravine"],
                               **QUICK_RACE)
    panels = {ax.get_title().split(" (")[0]: " ".join(t.get_text() for t in ax.texts) for ax in fig.axes[:6]}
    for optimizer, text in panels.items():
        text = text.replace("\n", " ")
        uses = nb05.UPDATE_FUNCTIONS[optimizer] == name
        assert (f"{name} needs not_implemented, which is not implemented yet" in text) == uses, (optimizer, text)
        assert ("reference only" in text) == uses


def test_the_adapters_pass_the_right_arguments():
    calls = []

    def momentum(parameters, grads, v, beta, lr):
        calls.append(("momentum", beta, lr, sorted(parameters), sorted(grads), sorted(v)))
        return op.update_with_momentum(parameters, grads, v, beta, lr)

    def adam(parameters, grads, v, s, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
        calls.append(("adam", t, lr, beta1, beta2))
        return op.update_with_adam(parameters, grads, v, s, t, lr, beta1, beta2, eps)

    def nesterov(grad_f, w, v, beta, lr):
        calls.append(("nesterov", w.shape, v.shape, beta, lr, np.shape(grad_f(w))))
        return op.nesterov_step(grad_f, w, v, beta, lr)

    fig = nb05._race_figure({**updates(), "update_with_momentum": momentum, "update_with_adam": adam,
                                "nesterov_step": nesterov}, nb05.RACE_LANDSCAPES["ravine"],
                               **{**QUICK_RACE, "steps": 3})
    assert [c for c in calls if c[0] == "momentum"] == [("momentum", 0.0, 0.15, ["W1", "b1"], ["dW1", "db1"],
                                                         ["dW1", "db1"])] * 3 + \
        [("momentum", 0.9, 0.15, ["W1", "b1"], ["dW1", "db1"], ["dW1", "db1"])] * 3
    assert [c for c in calls if c[0] == "adam"] == [("adam", t, 0.1, 0.9, 0.99) for t in (1, 2, 3)]
    assert [c for c in calls if c[0] == "nesterov"] == [("nesterov", (2,), (2,), 0.9, 0.15, (2,))] * 3
    assert "reference only" not in texts(fig)


def test_the_point_adapter_reproduces_plain_vector_updates():
    land = nb05.RACE_LANDSCAPES["Rosenbrock"]
    path, run = nb05._race_path("momentum", op.update_with_momentum, {"lr": 0.001, "beta": 0.9}, land, 20)
    w, v, expected = np.array(land.start), np.zeros(2), [np.array(land.start)]
    for _ in range(20):
        v = 0.9 * v + 0.1 * land.grad(w)
        w = w - 0.001 * v
        expected.append(w)
    np.testing.assert_allclose(path, expected, rtol=1e-12)
    assert run.running and run.t == 20


def test_network_training_runs_the_student_updates_on_every_mini_batch():
    steps = []

    def adam(parameters, grads, v, s, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
        steps.append((t, sorted(grads)))
        return op.update_with_adam(parameters, grads, v, s, t, lr, beta1, beta2, eps)

    race = nb05._optimizer_training({**updates(), "update_with_adam": adam}, X, Y, 64, 1.0)
    race.epoch()
    race.epoch()
    assert [t for t, _ in steps] == list(range(1, 9))  # 200 examples in batches of 64: 4 updates per epoch
    assert steps[0][1] == ["dW1", "dW2", "dW3", "db1", "db2", "db3"]  # no dA entries
    np.testing.assert_allclose(race.costs["Adam", "yours"], race.costs["Adam", "reference"], rtol=1e-12)
    assert len(race.costs["gradient descent", "reference"]) == 2


def test_races_of_one_plan_each_run_as_the_race_of_all_and_share_nothing_they_should_not():
    def sloppy_momentum(parameters, grads, v, beta, lr):  # changes the gradients it is given, and is slightly off
        for key in grads:
            grads[key] *= 1.01
        return op.update_with_momentum(parameters, grads, v, beta, lr)

    student = {**updates(), "update_with_momentum": sloppy_momentum}
    whole = nb05._optimizer_training(student, X, Y, 64, 1.0)
    single = {key: nb05._TrainingRace(student, X, Y, 64, {key: plan})
              for key, plan in nb05._optimizer_plans(1.0).items()}
    with core.quiet():
        for _ in range(3):
            whole.epoch()
    for race in single.values():  # one trained further than asked: the view cuts it back
        for _ in range(4 if race is single["Adam"] else 3):
            race.epoch()
    view = nb05._RaceView(single, 3)
    assert view.epochs == 3 and len(view.snapshots["Adam", "yours"]) == 3
    for key in whole.costs:
        np.testing.assert_array_equal(view.costs[key], whole.costs[key])
    assert view.costs["momentum", "yours"] != view.costs["momentum", "reference"]  # the student's own run
    np.testing.assert_array_equal(view.costs["Adam", "yours"], view.costs["Adam", "reference"])


def test_the_network_gradients_are_the_reference_ones_and_finite_when_the_output_saturates():
    parameters = bp.initialize_parameters(list(nb05.NETWORK_LAYERS), "he", np.random.default_rng(3))
    AL, caches = bp.model_forward(X, parameters)
    exact = bp.model_backward(AL, Y, caches)
    grads = nb05._network_gradients(parameters, X, Y)
    assert sorted(grads) == sorted(k for k in exact if not k.startswith("dA"))
    for key, g in grads.items():
        np.testing.assert_allclose(g, exact[key], rtol=1e-9, atol=1e-12)
    saturated = {**parameters, "b3": np.array([[60.0]])}  # σ(z) rounds to exactly 1.0
    assert all(np.all(np.isfinite(g)) for g in nb05._network_gradients(saturated, X, Y).values())


def test_a_diverging_run_is_reported_as_such_and_not_blamed_on_the_student():
    fig = nb05._race_figure(updates(), nb05.RACE_LANDSCAPES["ravine"], **{**QUICK_RACE, "lr": 0.5,
                                                                               "steps": 40})
    assert "diverged at step" in titles(fig)[0]  # gradient descent: α > 2/10
    assert "diverged" not in titles(fig)[1]  # momentum survives the same rate
    assert "reference only" not in texts(fig)


def test_a_wrong_but_well_formed_update_is_drawn_beside_the_reference():
    def swapped(parameters, grads, v, beta, lr):
        return op.update_with_momentum(parameters, grads, v, 1 - beta, lr)

    fig = nb05._race_figure(updates(swapped, only="update_with_momentum"), nb05.RACE_LANDSCAPES["ravine"],
                               **QUICK_RACE)
    momentum = fig.axes[1]
    student = [line for line in momentum.get_lines() if line.get_color() == plots.STUDENT]
    ghost = [line for line in momentum.get_lines() if line.get_color() == plots.REFERENCE]
    assert student and ghost and not np.allclose(student[0].get_xydata(), ghost[0].get_xydata())
    assert "reference only" not in texts(fig)


@pytest.mark.parametrize("result, said", [
    (lambda p, g, v, beta, lr: p, "returned dict, not (parameters, v)"),
    (lambda p, g, v, beta, lr: (p,), "returned 1 values, not the 2 values (parameters, v)"),
    (lambda p, g, v, beta, lr: ({"W1": p["W1"]}, v), "returned parameters without the key 'b1'"),
    (lambda p, g, v, beta, lr: (p, {k.removeprefix("d"): a for k, a in v.items()}), "returned v without the key 'dW1'"),
    (lambda p, g, v, beta, lr: ({k: a.T.ravel() for k, a in p.items()}, v), "of shape (1,), not (1, 1)"),
    (lambda p, g, v, beta, lr: ({k: a * np.nan for k, a in p.items()}, v), "returned nan or inf"),
    (lambda p, g, v, beta, lr: ({k: "a string" for k in p}, v), "that is no array of numbers"),
])
def test_malformed_results_are_explained(result, said):
    fig = nb05._race_figure(updates(result, only="update_with_momentum"), nb05.RACE_LANDSCAPES["ravine"],
                               **QUICK_RACE)
    assert said in texts(fig).replace("\n", " "), texts(fig)


def test_several_missing_functions_are_named_in_one_sentence():
    assert core.together(["f is not implemented yet", "", "g is not implemented yet", "f is not implemented yet",
                              "h raised KeyError: 'W1'"]) == "f and g are not implemented yet; h raised KeyError: 'W1'"
    assert core.together(["f is not implemented yet"]) == "f is not implemented yet"
    assert core.together(["", ""]) == ""


def test_a_function_that_needs_an_unfinished_helper_says_so():
    def update_with_adam(parameters, grads, v, s, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
        return helper()

    def helper():
        raise NotImplementedError()

    fig = nb05._training_race_figure(updates(update_with_adam, only="update_with_adam"), X, Y, 0, 1)
    assert "update_with_adam needs helper, which is not implemented yet" in texts(fig).replace("\n", " ")


# --- what the figures say ----------------------------------------------------------------------------


def test_the_ewa_figure_states_the_rule_of_thumb():
    fig = nb05._ewa_figure(op.ewa, nb05.temperatures(), 0.9, False)
    assert "about the last 10 values" in titles(fig)[0]
    assert "β^(1/(1 − β)) = 0.35" in texts(fig) and "carry 65% of the weight" in texts(fig)
    assert "reference with correction" in legends(fig)
    fig = nb05._ewa_figure(op.ewa, nb05.temperatures(), 0.0, True)  # β = 0: the values themselves
    assert "about the last 1 values" in titles(fig)[0]


def test_the_temperatures_are_the_same_every_time():
    np.testing.assert_array_equal(nb05.temperatures(), nb05.temperatures())
    year = nb05.temperatures()
    assert year.shape == (365,) and year[:30].mean() < 8 < 18 < year[170:230].mean()


def test_step_decay_halves_every_few_epochs():
    assert [nb05.lr_step_decay(0.8, e, 10) for e in (0, 9, 10, 19, 20, 35)] == [0.8, 0.8, 0.4, 0.4, 0.2, 0.1]
    schedules = nb05._schedules(0.5, 10, 0.05, 0.2)
    assert schedules["constant"](7) == 0.5
    assert schedules["exponential"](4) == gd.lr_exponential_decay(0.5, 4, 0.05)
    assert schedules["inverse time"](4) == gd.lr_inverse_time_decay(0.5, 4, 0.2)


def test_every_optimizer_learns_the_moons_in_a_few_epochs():
    race = nb05._optimizer_training(nb05.REFERENCE_UPDATES, X, Y, 32, 1.0)
    for _ in range(10):
        race.epoch()
    for optimizer in nb05.OPTIMIZERS:
        costs = race.costs[optimizer, "reference"]
        assert costs[-1] < 0.7 * costs[0], (optimizer, costs)


# --- in a front end -----------------------------------------------------------------------------------


def test_the_controls_redraw_the_same_output(front_end, monkeypatch):
    drawn = []

    def spy(updates, land, **settings):
        drawn.append(settings)
        return plots.figure()[0]  # an empty figure renders quickly

    monkeypatch.setattr(nb05, "_race_figure", spy)
    nb05.optimizer_race(*[not_implemented] * 5, landscape="Rosenbrock")
    (explorer,) = front_end
    controls = explorer.controls
    assert explorer.still[:4] == b"\x89PNG" and drawn[0]["lr"] == pytest.approx(0.002)
    next(c for c in controls.children if c.description == "steps").value = 25
    next(c for c in controls.children if c.description.startswith("β₁")).value = 0.5
    assert (drawn[1]["steps"], drawn[2]["steps"], drawn[2]["beta1"]) == (25, 25, 0.5)
    assert len(front_end) == 1  # redrawn inside the widget, not displayed again


def test_training_shows_frames_and_a_progress_bar(front_end, monkeypatch):
    frames = []
    monkeypatch.setattr(core, "FRAME_SECONDS", 0.0)  # a frame after every epoch
    monkeypatch.setattr(core, "QUICK_SECONDS", 0.0)  # however quick the training
    monkeypatch.setattr(nb05, "_draw_training_race", lambda race, epochs, picture: frames.append(race.epochs) or
                        plots.figure()[0])
    nb05.training_race(*nb05.REFERENCE_UPDATES.values(), batch_size=64, epochs=5)
    (explorer,) = front_end
    controls = explorer.controls
    bar = controls.children[-1]
    assert frames == [1, 2, 3, 4, 5] and (bar.value, bar.max, bar.bar_style) == (5, 5, "success")
    assert explorer.still[:4] == b"\x89PNG" and len(front_end) == 1
    next(c for c in controls.children if c.description == "epochs").value = 10
    assert frames[5:] == list(range(6, 11)) and bar.max == 10 and len(front_end) == 1  # goes on from epoch 5
    next(c for c in controls.children if c.description == "epochs").value = 5
    assert frames[10:] == [5]  # back: trains nothing, draws what it kept


def test_race_paths_are_kept_and_fewer_steps_are_the_start_of_more():
    land = nb05.RACE_LANDSCAPES["ravine"]
    paths, update = nb05._RacePaths(), op.update_with_momentum
    long, run = paths("gradient descent", update, {"lr": 0.5}, land, 40)  # diverges: 1 − 0.5·10 = −4 across
    assert run.stopped.startswith("diverged at step")
    stop = run.t
    for steps in (stop - 1, stop, 40):
        path, run = paths("gradient descent", update, {"lr": 0.5}, land, steps)
        fresh, fresh_run = nb05._race_path("gradient descent", update, {"lr": 0.5}, land, steps)
        np.testing.assert_array_equal(path, fresh)
        assert (run.stopped, run.why) == (fresh_run.stopped, fresh_run.why)
    assert len(paths.kept) == 1


def test_race_paths_go_on_from_where_they_stopped():
    land, calls = nb05.RACE_LANDSCAPES["Rosenbrock"], []

    def adam(*args):
        calls.append(args[4])  # t
        return op.update_with_adam(*args)

    paths, settings = nb05._RacePaths(), {"lr": 0.05, "beta1": 0.9, "beta2": 0.99}
    paths("Adam", adam, settings, land, 10)
    path, run = paths("Adam", adam, settings, land, 40)
    fresh, _ = nb05._race_path("Adam", op.update_with_adam, settings, land, 40)
    np.testing.assert_array_equal(path, fresh)
    assert calls == list(range(1, 41)) and run.t == 40  # steps 11 to 40 went on from step 10


def test_the_race_is_redrawn_in_place_and_keeps_its_layout():
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    land = nb05.RACE_LANDSCAPES["ravine"]
    picture = nb05._RacePicture(land)
    fig = nb05._race_figure(updates(not_implemented, only="update_with_adam"), land, **QUICK_RACE, picture=picture)
    assert "not implemented yet" in texts(fig) and "Adam (reference)" in legends(fig)
    plots.png(fig)
    ticks = [t.get_text() for t in fig.axes[3].get_xticklabels()]  # the bottom row's, as rendered
    again = nb05._race_figure(updates(), land, **QUICK_RACE, picture=picture)
    assert again is fig and fig.axes  # the same figure, not cleared by png
    assert "not implemented" not in texts(fig) and "(reference)" not in legends(fig)  # the old note is gone
    assert not isinstance(fig.get_layout_engine(), ConstrainedLayoutEngine)  # the layout of the first render
    assert "−4" in ticks and [t.get_text() for t in fig.axes[3].get_xticklabels()] == ticks  # kept
    plots.png(fig)
    longer = nb05._race_figure(updates(), land, **{**QUICK_RACE, "steps": 120}, picture=picture)
    assert isinstance(longer.get_layout_engine(), ConstrainedLayoutEngine)  # wider step labels: laid out again
    assert titles(longer)[-1].endswith("after 120 steps")

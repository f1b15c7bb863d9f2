"""The cross-entropy page through app.py: the numbers on screen are the core's, hostile links only warn."""

import numpy as np
import pytest

import softmax_core as sc
from tests.live.apptest import end_move, live_data
from tests.pages.conftest import figures, open_page, texts
from ui.i18n import LANGS

PARTS = ("bce", "categorical", "smoothing", "training", "mse")


def figure(at, title_part):
    """The figure whose title contains ``title_part`` (English titles)."""
    # Long titles wrap with <br> where a chart is narrow.
    return next(f for f in figures(at)
                if title_part in f["layout"].get("title", {}).get("text", "").replace("<br>", " "))


@pytest.mark.parametrize("part", PARTS)
@pytest.mark.parametrize("lang", LANGS)
def test_every_part_renders_in_every_language(lang, part):
    at = open_page("cross_entropy", lang=lang, part=part)
    assert not at.exception
    assert not at.warning or part == "bce"  # only the infinite-mean box of the BCE table may warn
    assert figures(at)


def test_the_course_example_costs_minus_log_of_0_6285():
    at = open_page("cross_entropy", logits="2,1,0.5", y="0")
    assert not at.exception
    assert "-\\log 0.6285$ = **0.4644**" in texts(at)
    assert float(sc.cross_entropy([2.0, 1.0, 0.5], 0)) == pytest.approx(-np.log(0.6285), abs=1e-4)


@pytest.mark.parametrize("label", [0, 2])
def test_the_gradient_bars_are_prediction_minus_onehot(label):
    at = open_page("cross_entropy", logits="2,1,0.5", y=str(label), part="categorical")
    bars = figure(at, "prediction minus target")["data"]
    logits = np.array([2.0, 1.0, 0.5])
    probs = sc.softmax(logits)
    onehot = np.eye(3)[label]
    np.testing.assert_array_equal(bars[0]["y"], probs)
    np.testing.assert_array_equal(bars[1]["y"], onehot)
    np.testing.assert_allclose(bars[2]["y"], probs - onehot, atol=1e-15)
    assert "prediction minus target" in texts(at)


def test_the_loss_curve_along_the_true_logit_passes_through_the_current_loss():
    at = open_page("cross_entropy", logits="2,1,0.5", y="1", part="categorical")
    curve, marker = figure(at, "logit moves")["data"]
    assert marker["y"][0] == pytest.approx(float(sc.cross_entropy([2.0, 1.0, 0.5], 1)))
    assert np.all(np.diff(curve["y"]) < 0)  # raising the true logit always lowers the loss


def test_label_smoothing_targets_are_the_corrected_numbers_and_sum_to_one():
    at = open_page("cross_entropy", logits="2,1,0.5,0", y="0", part="smoothing", eps="0.1")
    targets = np.asarray(figure(at, "smoothed target")["data"][1]["y"])
    np.testing.assert_allclose(targets, [0.925, 0.025, 0.025, 0.025], rtol=1e-15)
    assert targets.sum() == pytest.approx(1.0, abs=1e-15)
    page_text = texts(at)
    assert "0.9250 + 3 × 0.0250 = **1**" in page_text
    assert "**0.975**" in page_text  # the article's numbers, shown not to add up


def test_moving_the_smoothing_slider_redraws_the_targets():
    at = open_page("cross_entropy", logits="2,1,0.5", part="smoothing")
    at.slider(key="cross_entropy.eps").set_value(0.3).run()
    assert at.query_params["eps"] == "0.3"
    targets = np.asarray(figure(at, "smoothed target")["data"][1]["y"])
    np.testing.assert_allclose(targets, sc.smoothed_targets(0, 3, label_smoothing=0.3))


def test_cross_entropy_is_entropy_plus_kl_on_screen():
    at = open_page("cross_entropy", logits="2,1,0.5", part="smoothing", eps="0.2")
    targets = sc.smoothed_targets(0, 3, label_smoothing=0.2)
    ce = float(sc.cross_entropy([2.0, 1.0, 0.5], 0, label_smoothing=0.2))
    h = float(sc.entropy(targets))
    assert f"**{ce:.4f}** = {h:.4f} + {ce - h:.4f}" in texts(at)


@pytest.mark.parametrize("start", ["wrong", "yours"])
def test_training_lowers_the_loss(start):
    at = open_page("cross_entropy", logits="2,1,0.5", y="2", part="training", start=start, lr="1", steps="40")
    assert not at.exception
    losses = np.asarray(figure(at, "Loss over")["data"][0]["y"])
    assert len(losses) == 41
    assert losses[-1] < losses[0]
    assert np.all(np.diff(losses) <= 0)
    paths = figure(at, "Probabilities over")["data"]
    true_path = [tr for tr in paths if tr.get("name") == "C"][0]["y"]
    assert true_path[-1] > true_path[0]


def test_the_step_buttons_move_through_the_precomputed_run():
    at = open_page("cross_entropy", part="training", steps="10")
    forward = [b for b in at.button if b.key is None and "forward" in b.label][0]
    forward.click().run()
    assert at.query_params["step"] == "1"
    assert at.slider(key="cross_entropy.step").value == 1
    at.slider(key="cross_entropy.steps").set_value(5).run()
    at.slider(key="cross_entropy.step").set_value(5).run()
    assert at.query_params["step"] == "5"


def test_the_animation_has_one_frame_per_step():
    at = open_page("cross_entropy", logits="2,1,0.5", part="training", steps="12")
    anim = figure(at, "step by step")
    assert len(anim["frames"]) == 13
    np.testing.assert_allclose(anim["frames"][-1]["data"][0]["y"],
                               sc.descend_logits(sc.confidently_wrong_logits(3, 0), 0, learning_rate=1.0,
                                                 steps=12).probs[-1])


def test_cross_entropy_pulls_harder_than_mse_when_confidently_wrong():
    at = open_page("cross_entropy", part="mse", start="wrong")
    race = figure(at, "confident mistake")["data"]
    ce_final, se_final = race[0]["y"][-1], race[2]["y"][-1]
    assert ce_final > se_final
    grads = figure(at, "pulls on the true logit")["data"]
    assert grads[0]["y"][0] > 10 * grads[2]["y"][0]  # at the confidently wrong end


def test_the_bce_marker_sits_on_the_chosen_curve():
    at = open_page("cross_entropy", part="bce", by="0", yhat="0.8")
    data = live_data(at, "cross_entropy.live_yhat")  # the browser draws it (tests/e2e/test_live.py)
    assert data["value"] == 0.8
    assert [c["target"] for c in data["curves"]] == [0, 1]  # the point rides the first curve: the target's
    assert f"{-np.log(0.2):.4f}" in texts(at)
    at = end_move(at, "cross_entropy.live_yhat", 0.25)
    assert at.query_params["yhat"] == "0.25"
    assert f"{-np.log(0.75):.4f}" in texts(at)


def test_a_certain_mistake_shows_an_infinite_loss_not_a_traceback():
    at = open_page("cross_entropy", part="bce", by="1", yhat="0")
    assert not at.exception
    assert "= ∞" in texts(at)


def test_the_example_table_shows_the_mean_bce():
    at = open_page("cross_entropy", part="bce")
    expected = float(sc.binary_cross_entropy([0.9, 0.2, 0.4, 0.95], [1, 0, 1, 0]))
    assert f"**BCE = {expected:.4f}**" in texts(at)


def test_clipping_flattens_the_loss_and_the_logit_form_does_not():
    at = open_page("cross_entropy", part="bce", by="0", clip="0.001")
    data = figure(at, "Three ways")["data"]
    clipped = [tr for tr in data if tr.get("name") == "clipped at ε"][0]["y"]
    exact = [tr for tr in data if tr.get("name") == "from the logit"][0]["y"]
    assert max(clipped) == pytest.approx(-np.log(0.001), rel=1e-5)  # float32
    assert max(exact) == pytest.approx(110.0, rel=1e-6)


@pytest.mark.parametrize(("query", "name"), [
    ({"logits": "2,1,0.5", "y": "3"}, "y"),
    ({"logits": "2,1", "y": "7", "part": "categorical"}, "y"),
    ({"y": "-1"}, "y"),
    ({"y": "abc"}, "y"),
    ({"lr": "-0.5", "part": "training"}, "lr"),
    ({"lr": "nan", "part": "training"}, "lr"),
    ({"eps": "1.5", "part": "smoothing"}, "eps"),
    ({"eps": "-0.1", "part": "smoothing"}, "eps"),
    ({"steps": "100000", "part": "training"}, "steps"),
    ({"yhat": "2"}, "yhat"),
    ({"part": "<script>"}, "part"),
    ({"clip": "0"}, "clip"),
])
def test_hostile_parameters_warn_and_never_raise(query, name):
    at = open_page("cross_entropy", **query)
    assert not at.exception
    assert any(f"`{name}`" in w.value or f" {name} " in w.value for w in at.warning), [w.value for w in at.warning]


def test_a_true_class_beyond_the_logits_falls_back_to_class_zero():
    at = open_page("cross_entropy", logits="2,1,0.5", y="3", part="categorical")
    assert at.selectbox(key="cross_entropy.y").value == 0
    assert "0 to 2" in " ".join(w.value for w in at.warning) or "0 and 2" in " ".join(w.value for w in at.warning)


def test_fewer_logits_typed_keep_the_true_class_in_range():
    at = open_page("cross_entropy", logits="2,1,0.5,3", y="3", part="categorical")
    at.text_input(key="cross_entropy.logits_text").input("1, 2").run()
    assert not at.exception
    assert at.selectbox(key="cross_entropy.y").value == 0
    assert at.query_params["logits"] == "1,2"


def test_bad_logits_text_shows_the_error_in_place():
    at = open_page("cross_entropy", part="categorical")
    at.text_input(key="cross_entropy.logits_text").input("1, banana").run()
    assert not at.exception
    assert any("banana" in e.value for e in at.error)


def test_a_part_keeps_its_settings_while_another_part_is_shown():
    at = open_page("cross_entropy", part="smoothing")
    at.slider(key="cross_entropy.eps").set_value(0.3).run()
    at.radio(key="cross_entropy.part").set_value("training").run()
    assert at.query_params["eps"] == "0.3"
    at.radio(key="cross_entropy.part").set_value("smoothing").run()
    assert at.slider(key="cross_entropy.eps").value == 0.3
    np.testing.assert_allclose(figure(at, "smoothed target")["data"][1]["y"],
                               sc.smoothed_targets(0, 3, label_smoothing=0.3))

"""The relatives page through app.py: its curves and heatmap are the core's numbers; hostile links only warn."""

import numpy as np
import pytest

import softmax_core as sc
from tests.pages.conftest import figures, open_page, texts
from ui.i18n import LANGS

CHARTS = ["sigmoid", "softmax_view", "sigmoid_view", "argmax", "lse", "jacobian", "attention"]


def chart(at, key):
    return figures(at)[CHARTS.index(key)]


@pytest.mark.parametrize("lang", LANGS)
def test_the_page_renders_in_every_language(lang):
    at = open_page("relatives", lang=lang)
    assert not at.exception
    assert len(figures(at)) == len(CHARTS)
    assert not [w for w in texts(at).split() if w.startswith("relatives.")], "an untranslated key is shown"


def test_sigmoid_equals_the_two_class_softmax_on_the_chart_data():
    fig = chart(open_page("relatives", z="2.5"), "sigmoid")
    sig, soft2 = fig["data"][0], fig["data"][1]
    z = np.asarray(sig["x"])
    np.testing.assert_array_equal(sig["y"], sc.sigmoid(z))
    pairs = np.stack([z, np.zeros_like(z)], axis=-1)
    np.testing.assert_allclose(soft2["y"], sc.softmax(pairs)[:, 0], rtol=0, atol=1e-16)
    np.testing.assert_allclose(sig["y"], soft2["y"], rtol=1e-15, atol=1e-16)
    assert fig["data"][2]["x"] == [2.5]


def test_the_jacobian_heatmap_is_the_cores():
    at = open_page("relatives", logits="2,1,0.5,-1")
    heat = chart(at, "jacobian")["data"][0]
    expected = sc.softmax_jacobian(sc.softmax(np.array([2.0, 1.0, 0.5, -1.0])))
    np.testing.assert_array_equal(np.asarray(heat["z"]), expected)
    assert heat["text"][0][0] == f"{expected[0, 0]:+.3f}"


def test_softmax_competes_and_sigmoids_do_not_in_the_cat_and_chicken_example():
    at = open_page("relatives")
    at.button[0].click().run()  # the example button is the page's first button
    soft = chart(at, "softmax_view")["data"][0]["y"]
    sig = chart(at, "sigmoid_view")["data"][0]["y"]
    assert list(chart(at, "softmax_view")["layout"]["xaxis"]["ticktext"]) == ["cat", "chicken", "dog"]
    assert sum(soft) == pytest.approx(1.0) and min(sig[:2]) > 0.9 and max(soft[:2]) < 0.65
    assert at.query_params["logits"] == "3,2.5,-1.5" and "present" not in at.query_params  # 3 is the default


def test_a_logit_slider_moves_both_views():
    at = open_page("relatives", logits="0,0,0")
    at.slider(key="relatives.z0").set_value(3.0).run()
    np.testing.assert_array_equal(chart(at, "softmax_view")["data"][0]["y"], sc.softmax(np.array([3.0, 0, 0])))
    np.testing.assert_array_equal(chart(at, "sigmoid_view")["data"][0]["y"], sc.sigmoid(np.array([3.0, 0, 0])))


def test_argmax_is_a_step_and_logsumexp_bounds_max():
    at = open_page("relatives", logits="0,1,-1")
    soft, hard = chart(at, "argmax")["data"][:2]
    assert set(np.asarray(hard["y"])) <= {0.0, 1.0}
    lse, mx = chart(at, "lse")["data"][:2]
    assert np.all(np.asarray(lse["y"]) >= np.asarray(mx["y"]))
    assert np.all(np.asarray(lse["y"]) <= np.asarray(mx["y"]) + np.log(3) + 1e-12)


def test_attention_weights_are_the_softmax_of_the_scaled_scores():
    at = open_page("relatives", d="256", a="0.5")
    plain, scaled = chart(at, "attention")["data"][:2]
    q, keys = sc.random_query_keys(256, 6, seed=7)
    np.testing.assert_allclose(scaled["y"], sc.softmax(keys @ q / 16.0), rtol=1e-12)
    np.testing.assert_allclose(plain["y"], sc.softmax(keys @ q), rtol=1e-12)


@pytest.mark.parametrize("query", [{"z": "99"}, {"present": "-1"}, {"cls": "4", "logits": "1,2"}, {"d": "0"},
                                   {"a": "nan"}, {"logits": "1e308,-1e308"}, {"logits": "x"},
                                   {"labels": "<b>x</b>,`y`"}])
def test_hostile_parameters_warn_without_a_traceback(query):
    at = open_page("relatives", **query)
    assert not at.exception
    assert len(figures(at)) == len(CHARTS)
    if "labels" not in query and "1e308" not in query.get("logits", ""):
        assert at.warning


def test_many_logits_use_the_first_five_and_say_so():
    at = open_page("relatives", logits="1,2,3,4,5,6,7")
    assert len(chart(at, "softmax_view")["data"][0]["y"]) == 5
    assert "7" in texts(at)

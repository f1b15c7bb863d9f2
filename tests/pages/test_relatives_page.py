"""The relatives page through app.py: its curves and heatmap are the core's numbers; hostile links only warn."""

import numpy as np
import pytest

import softmax_core as sc
from tests.live.apptest import end_move, live_data
from tests.pages.conftest import figures, open_page, texts
from ui.i18n import LANGS

# The page shows one part at a time; each chart key, the part holding it, and its position there.
# (The sigmoid part's curve is drawn by the live editor, in the browser: tests/e2e/test_live.py.)
CHARTS = {"softmax_view": ("multilabel", 0), "sigmoid_view": ("multilabel", 1),
          "argmax": ("argmax", 0), "lse": ("argmax", 1), "jacobian": ("jacobian", 0), "attention": ("lives", 0)}
PART_CHARTS = {"sigmoid": 0, "multilabel": 2, "argmax": 2, "jacobian": 1, "lives": 1, "table": 0}


def chart(at, key):
    part, index = CHARTS[key]
    assert at.radio(key="relatives.part").value == part, f"{key} is drawn in part {part}"
    return figures(at)[index]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("part", PART_CHARTS)
def test_every_part_renders_in_every_language(lang, part):
    at = open_page("relatives", lang=lang, part=part)
    assert not at.exception
    assert len(figures(at)) == PART_CHARTS[part]
    assert not [w for w in texts(at).split() if w.startswith("relatives.")], "an untranslated key is shown"


def test_choosing_a_part_draws_it_and_puts_it_in_the_link():
    at = open_page("relatives")
    at.radio(key="relatives.part").set_value("jacobian").run()
    assert at.query_params["part"] == "jacobian" and len(figures(at)) == 1


def test_sigmoid_equals_the_two_class_softmax_in_the_table_behind_the_curve():
    at = open_page("relatives", z="2.5", part="sigmoid")
    assert live_data(at, "relatives.live_z")["value"] == 2.5
    at.session_state["table.sigmoid"] = True  # the student opens "The numbers behind this chart"
    table = at.run().dataframe[0].value
    z, sig, soft2 = (np.asarray(table.iloc[:, i], dtype=float) for i in range(3))
    np.testing.assert_array_equal(sig, sc.sigmoid(z))
    pairs = np.stack([z, np.zeros_like(z)], axis=-1)
    np.testing.assert_allclose(soft2, sc.softmax(pairs)[:, 0], rtol=0, atol=1e-16)
    np.testing.assert_allclose(sig, soft2, rtol=1e-15, atol=1e-16)


def test_a_finished_z_drag_updates_the_link_and_the_summary():
    at = end_move(open_page("relatives", z="2.5", part="sigmoid"), "relatives.live_z", -1.5)
    assert at.query_params["z"] == "-1.5"
    assert f"{float(sc.sigmoid(-1.5)):.4f}" in texts(at)
    assert end_move(at, "relatives.live_z", "x").query_params["z"] == "-1.5"  # a malformed move is ignored


def test_the_jacobian_heatmap_is_the_cores():
    at = open_page("relatives", logits="2,1,0.5,-1", part="jacobian")
    heat = chart(at, "jacobian")["data"][0]
    expected = sc.softmax_jacobian(sc.softmax(np.array([2.0, 1.0, 0.5, -1.0])))
    np.testing.assert_array_equal(np.asarray(heat["z"]), expected)
    assert heat["text"][0][0] == f"{expected[0, 0]:+.3f}"


def test_softmax_competes_and_sigmoids_do_not_in_the_cat_and_chicken_example():
    at = open_page("relatives", part="multilabel")
    at.button[0].click().run()  # the example button is the page's first button
    soft = chart(at, "softmax_view")["data"][0]["y"]
    sig = chart(at, "sigmoid_view")["data"][0]["y"]
    assert list(chart(at, "softmax_view")["layout"]["xaxis"]["ticktext"]) == ["cat", "chicken", "dog"]
    assert sum(soft) == pytest.approx(1.0) and min(sig[:2]) > 0.9 and max(soft[:2]) < 0.65
    assert at.query_params["logits"] == "3,2.5,-1.5" and "present" not in at.query_params  # 3 is the default


def test_a_logit_slider_moves_both_views():
    at = open_page("relatives", logits="0,0,0", part="multilabel")
    at.slider(key="relatives.z0").set_value(3.0).run()
    np.testing.assert_array_equal(chart(at, "softmax_view")["data"][0]["y"], sc.softmax(np.array([3.0, 0, 0])))
    np.testing.assert_array_equal(chart(at, "sigmoid_view")["data"][0]["y"], sc.sigmoid(np.array([3.0, 0, 0])))


def test_argmax_is_a_step_and_logsumexp_bounds_max():
    at = open_page("relatives", logits="0,1,-1", part="argmax")
    soft, hard = chart(at, "argmax")["data"][:2]
    assert set(np.asarray(hard["y"])) <= {0.0, 1.0}
    lse, mx = chart(at, "lse")["data"][:2]
    assert np.all(np.asarray(lse["y"]) >= np.asarray(mx["y"]))
    assert np.all(np.asarray(lse["y"]) <= np.asarray(mx["y"]) + np.log(3) + 1e-12)


def test_attention_weights_are_the_softmax_of_the_scaled_scores():
    at = open_page("relatives", d="256", a="0.5", part="lives")
    plain, scaled = chart(at, "attention")["data"][:2]
    q, keys = sc.random_query_keys(256, 6, seed=7)
    np.testing.assert_allclose(scaled["y"], sc.softmax(keys @ q / 16.0), rtol=1e-12)
    np.testing.assert_allclose(plain["y"], sc.softmax(keys @ q), rtol=1e-12)


@pytest.mark.parametrize("part", PART_CHARTS)
@pytest.mark.parametrize("query", [{"z": "99"}, {"present": "-1"}, {"cls": "4", "logits": "1,2"}, {"d": "0"},
                                   {"a": "nan"}, {"logits": "x"}, {"part": "everything"}])
def test_hostile_parameters_warn_without_a_traceback(query, part):
    at = open_page("relatives", **{"part": part, **query})
    assert not at.exception
    assert at.warning or ("cls" in query and part != "argmax")  # a class index is checked where it is used
    assert len(figures(at)) == PART_CHARTS[at.radio(key="relatives.part").value]


@pytest.mark.parametrize("part", PART_CHARTS)
@pytest.mark.parametrize("query", [{"logits": "1e308,-1e308"}, {"labels": "<b>x</b>,`y`,\n"}])
def test_extreme_but_valid_values_draw_without_a_traceback(query, part):
    at = open_page("relatives", part=part, **query)
    assert not at.exception
    assert len(figures(at)) == PART_CHARTS[part]


def test_many_logits_use_the_first_five_and_say_so():
    at = open_page("relatives", logits="1,2,3,4,5,6,7", part="multilabel")
    assert len(chart(at, "softmax_view")["data"][0]["y"]) == 5
    assert "7" in texts(at)

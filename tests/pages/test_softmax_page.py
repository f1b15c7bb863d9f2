"""The 'Logits -> probabilities' page through app.py: links reproduce views, widgets update links."""

import numpy as np
import pytest

import softmax_core as sc
from tests.live.apptest import end_move, live_data, live_elements
from tests.pages.conftest import figures, open_page, texts

LIVE = "softmax.live"


def prob_chart(at):
    return figures(at)[0]["data"][0]


def handles(at) -> list[float]:
    """The logits the page gave the live handles (the browser draws their softmax; tests/e2e/test_live.py)."""
    return live_data(at, LIVE)["value"]


def probs_shown(at) -> np.ndarray:
    """The probabilities on screen: the softmax of the live handles, or the Plotly chart's bars."""
    return sc.softmax(np.array(handles(at))) if live_elements(at) else np.asarray(prob_chart(at)["y"])


def test_a_link_with_logits_puts_them_on_the_live_handles():
    at = open_page("softmax", logits="2,1,0.5")
    assert not at.exception
    assert handles(at) == [2.0, 1.0, 0.5]
    assert live_data(at, LIVE)["labels"] == ["A", "B", "C"]
    assert "0.6285" in texts(at)  # the summary under the live chart, from the core


def test_a_finished_drag_updates_the_handles_and_the_link():
    at = open_page("softmax", logits="2,1,0.5")
    end_move(at, LIVE, [3.0, 1.0, 0.5])
    assert at.query_params["logits"] == "3,1,0.5"
    assert handles(at) == [3.0, 1.0, 0.5]


@pytest.mark.parametrize("sent", [[1.0, 2.0], [1.0, "x", 2.0], [1.0, float("nan"), 2.0], "3", None, [True, 1, 2]])
def test_a_malformed_move_from_the_browser_is_ignored(sent):
    at = open_page("softmax", logits="2,1,0.5")
    end_move(at, LIVE, sent)
    assert not at.exception
    assert handles(at) == [2.0, 1.0, 0.5]


def test_a_move_beyond_the_range_is_clamped():
    at = open_page("softmax", logits="2,1,0.5")
    end_move(at, LIVE, [99.0, 1.0, 0.5])
    assert at.query_params["logits"] == "10,1,0.5"


def open_editor(at):
    at.session_state["softmax.edit_open"] = True  # the student opens "Edit as text"
    return at.run()


def test_typing_logits_updates_the_link_and_the_sliders():
    at = open_editor(open_page("softmax"))
    at.text_area(key="softmax.logits_text").input("1; 2; 3,5").run()
    assert at.query_params["logits"] == "1,2,3.5"
    assert handles(at) == [1.0, 2.0, 3.5]


def test_bad_text_shows_the_error_in_place_and_keeps_the_last_good_logits():
    at = open_editor(open_page("softmax", logits="2,1,0.5"))
    at.text_area(key="softmax.logits_text").input("2, banana, 1").run()
    assert not at.exception
    assert any("banana" in e.value for e in at.error)
    assert "logits" not in at.query_params  # the default is left out of the link
    assert handles(at) == [2.0, 1.0, 0.5]


@pytest.mark.parametrize("bad", ["abc", "1", "1,,2", "1,nan", "1,inf", "1e999,0", ",".join(["1"] * 20_000)])
def test_a_hostile_logits_parameter_warns_and_shows_the_default(bad):
    at = open_page("softmax", logits=bad)
    assert not at.exception
    assert any("logits" in w.value for w in at.warning)
    assert handles(at) == [2.0, 1.0, 0.5]


@pytest.mark.parametrize(("name", "value"), [("c", "99"), ("c", "x"), ("s", "0"), ("s", "-1e308")])
def test_hostile_knob_values_warn(name, value):
    at = open_page("softmax", **{name: value})
    assert not at.exception
    assert any(f"for {name} could not" in w.value for w in at.warning)


def test_absurd_but_finite_logits_still_give_exact_probabilities():
    at = open_page("softmax", logits="1e308,-1e308,0")
    assert not at.exception
    assert not live_elements(at)  # beyond the handles' range: the Plotly charts, edited as text
    np.testing.assert_array_equal(prob_chart(at)["y"], [1.0, 0.0, 0.0])


def test_ten_thousand_logits_fold_into_twenty_bars_and_say_so():
    values = ",".join(str(v) for v in np.round(np.random.default_rng(1).normal(size=10_000), 3))
    at = open_page("softmax", logits=values)
    assert not at.exception
    assert len(prob_chart(at)["y"]) == 21
    assert "10,000" in texts(at)


def test_an_html_class_name_is_shown_as_text():
    at = open_page("softmax", logits="1,2", labels="<b>bold</b>,<img src=x onerror=alert(1)>")
    assert not at.exception
    # The live editor gets the names as they are and sets them with textContent (tests/e2e/test_live.py).
    assert live_data(at, LIVE)["labels"] == ["<b>bold</b>", "<img src=x onerror=alert(1)>"]
    at = open_page("softmax", logits="1,2,20", labels="<b>bold</b>,<img src=x onerror=alert(1)>")
    ticks = figures(at)[0]["layout"]["xaxis"]["ticktext"]
    assert ticks[:2] == ["&lt;b&gt;bold&lt;/b&gt;", "&lt;img src=x onerror=alert(1)&gt;"]


def test_adding_a_constant_changes_nothing_on_screen():
    at = open_page("softmax", logits="2,1,0.5", c="7", part="invariances")
    shift_table = at.dataframe[0].value  # tables behind charts are lazy; the step table is in the other part
    np.testing.assert_allclose(shift_table.iloc[:, 1], shift_table.iloc[:, 2], rtol=1e-15)


def test_scaling_draws_the_softmax_of_the_scaled_logits():
    at = open_page("softmax", logits="2,1,0.5", s="2", part="invariances")
    # A long title wraps (<br>) where the chart is narrow, as the titles' layout check on main now does.
    scaled = [f for f in figures(at) if "s = 2" in f["layout"]["title"]["text"].replace("<br>", " ")][0]
    np.testing.assert_array_equal(scaled["data"][0]["y"], sc.softmax(np.array([4.0, 2.0, 1.0])))


def test_a_preset_loads_its_logits():
    at = open_page("softmax")
    at.selectbox(key="softmax.preset").set_value("notebook").run()
    assert handles(at) == [1.6, 1.1, 1.1]
    assert at.query_params["logits"] == "1.6,1.1,1.1"


def test_classes_can_be_added_and_removed():
    at = open_page("softmax", logits="2,1,0.5")
    at.button[0].click().run()
    assert handles(at) == [2.0, 1.0, 0.5, 0.0]
    at.button[1].click().run()
    at.button[1].click().run()
    assert at.query_params["logits"] == "2,1"


def _reveal_button(at):
    return next(b for b in at.button if b.key == "quiz.softmax.plus5.button")


@pytest.mark.parametrize(("answer", "verdict"), [(1, "success"), (0, "error")])
def test_the_quiz_reveals_only_after_an_answer(answer, verdict):
    at = open_page("softmax")
    assert _reveal_button(at).disabled
    before = len(at.get(verdict))
    choice = at.radio(key="quiz.softmax.plus5.choice")
    choice.set_value(choice.options[answer]).run()
    assert not _reveal_button(at).disabled
    assert len(at.get(verdict)) == before  # nothing revealed yet
    _reveal_button(at).click().run()
    assert len(at.get(verdict)) == before + 1
    assert "e^5" in texts(at)


def test_the_misconception_box_computes_the_odds_of_a_small_lead():
    assert "1.1052" in texts(open_page("softmax"))


def test_the_digits_preset_loads_real_logits_of_the_bundled_model():
    at = open_page("softmax")
    at.selectbox(key="softmax.preset").set_value("digits").run()
    assert not at.exception
    probs = probs_shown(at)
    assert len(probs) == 10 and 0.5 < probs.max() < 0.9
    assert live_data(at, LIVE)["labels"] == list("0123456789")


def test_the_table_behind_the_chart_is_sent_when_opened_and_holds_the_charts_numbers():
    at = open_page("softmax", logits="2,1,0.5")
    tables = len(at.dataframe)
    at.session_state["table.prob_chart"] = True  # the student opens "The numbers behind this chart"
    at.run()
    assert len(at.dataframe) == tables + 1
    table = at.dataframe[0].value
    np.testing.assert_array_equal(table.iloc[:, 2], probs_shown(at))
    assert list(table.iloc[:, 0]) == ["A", "B", "C"]


def test_the_step_table_is_the_default_part_and_sums_to_one_within_its_stated_tolerance():
    at = open_page("softmax", logits="2,1,0.5")
    steps = at.dataframe[0].value
    np.testing.assert_array_equal(steps.iloc[:, 2], [0.0, -1.0, -1.5])
    np.testing.assert_allclose(steps.iloc[:, 4], sc.softmax(np.array([2.0, 1.0, 0.5])), rtol=1e-15)
    assert "within 1e-15" in texts(at)


def test_the_knobs_keep_their_values_while_the_other_part_is_shown():
    at = open_page("softmax", part="invariances", c="3")
    at.radio(key="softmax.part").set_value("steps").run()
    assert at.query_params["c"] == "3"
    at.radio(key="softmax.part").set_value("invariances").run()
    assert at.slider(key="softmax.c").value == 3.0


def test_the_text_editor_is_sent_only_when_open_and_then_holds_the_current_logits():
    at = open_page("softmax", logits="2,1,0.5")
    assert not at.text_area  # closed: nothing sent on each rerun
    at = open_editor(at)
    assert at.text_area(key="softmax.logits_text").value == "2,1,0.5"



def test_the_sum_of_exponentials_names_the_shifted_sum_and_also_gives_the_plain_one():
    at = open_page("softmax", logits="2,1,0.5")
    text = texts(at)
    assert "e^{z_j - m}" in text and "1.59101" in text  # Σ e^(z − max) = 1 + e^-1 + e^-1.5
    assert "11.7561" in text  # Σ e^z = e^2 + e^1 + e^0.5, as in the home page's table


def test_the_plain_sum_of_exponentials_is_not_printed_when_it_overflows():
    at = open_page("softmax", logits="1000,0,1")
    text = texts(at)
    assert "e^{z_j - m}" in text and "= inf" not in text


def test_a_change_of_exactly_zero_is_called_identical_not_rounding():
    at = open_page("softmax", logits="2,1,0.5", c="0", part="invariances")
    text = texts(at)
    assert "identical" in text and "0.0e+00" not in text


def test_ten_thousand_logits_both_charts_show_the_same_most_probable_classes():
    logits = np.round(np.random.default_rng(1).normal(size=10_000), 3)
    logits[::700] = -40.0  # the largest |logit|, and the least probable classes
    at = open_page("softmax", logits=",".join(str(v) for v in logits))
    prob_ticks, logit_ticks = (f["layout"]["xaxis"]["ticktext"] for f in figures(at)[:2])
    names = sc.parse_labels("", 10_000)
    top = sorted(names[i] for i in np.argsort(-logits, kind="stable")[:20])
    assert sorted(prob_ticks[:20]) == top and logit_ticks[:20] == prob_ticks[:20]
    assert len(logit_ticks) == 21  # the rest gathered into one bar

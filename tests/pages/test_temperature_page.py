"""The temperature page through app.py: links reproduce views, the T slider drives the link, draws are seeded."""

import numpy as np
import pytest

import softmax_core as sc
from tests.live.apptest import end_move, live_data, live_elements
from tests.pages.conftest import figures, open_page, texts
from ui.i18n import LANGS

LIVE = "temperature.live"


def first_chart(at):
    return figures(at)[0]


def bars_at_t(at) -> np.ndarray:
    """The bars at T: drawn by the browser from the logits and T the page gives the live editor (checked against
    the core in tests/e2e/test_live.py), or, with many classes, the Plotly chart's first trace."""
    if live_elements(at):
        data = live_data(at, LIVE)
        return sc.softmax(np.array(data["logits"]), temperature=data["value"])
    return np.asarray(first_chart(at)["data"][0]["y"])


def plotly_charts_of_parts(at) -> list[dict]:
    """The Plotly charts under the top chart (which the live editor draws while there are few classes)."""
    return figures(at)[0 if live_elements(at) else 1:]


def chart_titled(at, fragment):
    return next(f for f in figures(at) if fragment in f["layout"]["title"]["text"])


# The charts each part adds under the first one (softmax(z / T) with its T = 1 ghost bars, always drawn).
PART_CHARTS = {"curves": 2, "animation": 1, "sampling": 1, "next_word": 4, "decisions": 2}


@pytest.mark.parametrize("lang", LANGS)
def test_the_page_renders_in_every_language(lang):
    at = open_page("temperature", lang=lang)
    assert not at.exception
    assert at.radio(key="temperature.part").value == "curves"  # the default part
    assert len(plotly_charts_of_parts(at)) == PART_CHARTS["curves"]
    np.testing.assert_array_equal(bars_at_t(at), sc.softmax(np.array([2.0, 1.0, 0.5])))


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("part", PART_CHARTS)
def test_every_part_renders_in_every_language(lang, part):
    at = open_page("temperature", lang=lang, part=part, logits="1,2,3", T="0.5")
    assert not at.exception
    assert at.radio(key="temperature.part").value == part
    assert at.query_params.get("part", "curves") == part  # the default part is left out of the link
    assert len(plotly_charts_of_parts(at)) == PART_CHARTS[part]
    bars = bars_at_t(at)  # the first chart stays softmax(z / T), K bars, whichever part is shown
    np.testing.assert_array_equal(bars, sc.softmax(np.array([1.0, 2.0, 3.0]), temperature=0.5))
    assert any("T → 0" in box.value and "T → ∞" in box.value for box in at.info)  # the limits, always shown
    assert any("calibration" in link.proto.page for link in at.get("page_link"))  # the bridge, always shown
    assert at.radio(key="quiz.temperature.cold.choice")  # the quiz, always shown


@pytest.mark.parametrize(("part", "name", "value", "widget"), [
    ("sampling", "N", "5000", "number_input"), ("sampling", "seed", "42", "number_input"),
    ("next_word", "k", "3", "slider"), ("next_word", "p", "0.5", "slider"), ("decisions", "tau", "0.5", None)])
def test_a_setting_of_a_hidden_part_survives_in_the_link(part, name, value, widget):
    at = open_page("temperature", part=part, **{name: value})
    for other in PART_CHARTS:  # every other part in turn, then back
        at.radio(key="temperature.part").set_value(other).run()
        assert not at.exception
        assert at.query_params[name] == value, other
    at.radio(key="temperature.part").set_value(part).run()
    assert at.query_params[name] == value
    shown = (at.select_slider if widget is None else getattr(at, widget))(key=f"temperature.{name}").value
    assert float(shown) == float(value)


@pytest.mark.parametrize("k", [3, 25])  # 25 classes: the 20th is called T, like the temperature column
def test_the_curve_tables_open_with_the_numbers_of_the_sweep(k):
    logits = np.linspace(2.0, -1.0, k)
    at = open_page("temperature", logits=",".join(f"{v:g}" for v in logits))
    at.session_state["table.temperature_curves"] = True  # the student opens both tables behind the curves
    at.session_state["table.temperature_entropy"] = True
    at.run()
    assert not at.exception
    curves, entropy = (d.value for d in at.dataframe)
    grid = sc.temperature_grid(121)[::10]
    np.testing.assert_array_equal(curves.iloc[:, 0], grid)
    np.testing.assert_array_equal(entropy.iloc[:, 0], grid)
    assert curves.shape == (len(grid), 1 + k) and list(curves.columns[1:4]) == ["A", "B", "C"]
    z = np.array([float(f"{v:g}") for v in logits])
    np.testing.assert_allclose(curves.iloc[:, 1:].to_numpy(), [sc.softmax(z, temperature=T) for T in grid],
                               rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(entropy.iloc[:, 1], [sc.entropy(sc.softmax(z, temperature=T)) for T in grid],
                               rtol=1e-12, atol=1e-15)


def test_the_seed_of_the_sampling_part_drives_the_other_parts_draws():
    at = open_page("temperature", part="sampling", seed="3", tau="0.5")
    at.radio(key="temperature.part").set_value("decisions").run()
    run = sc.boltzmann_run([1.0, 0.7, 0.2, -0.5], temperature=0.5, steps=30, seed=3)
    np.testing.assert_array_equal(chart_titled(at, "30")["data"][0]["y"], run.choices)


def test_a_link_with_logits_and_t_reaches_the_live_editor_exactly():
    at = open_page("temperature", logits="1,2,3", T="0.5")
    assert not at.exception
    data = live_data(at, LIVE)
    assert data["value"] == 0.5 and data["logits"] == [1.0, 2.0, 3.0] and data["bars"]
    np.testing.assert_array_equal(bars_at_t(at), sc.softmax(np.array([2.0, 4.0, 6.0])))


def test_many_classes_draw_the_plotly_bars_at_t_and_their_ghosts_exactly():
    logits = np.linspace(-3, 3, 25)
    at = open_page("temperature", logits=",".join(f"{z:g}" for z in logits), T="0.5")
    assert not at.exception
    bars = first_chart(at)["data"]
    np.testing.assert_array_equal(bars[0]["y"][:20], sc.softmax(logits, temperature=0.5)[:20])
    np.testing.assert_array_equal(bars[1]["y"][:20], sc.softmax(logits)[:20])  # the T = 1 ghost


def test_a_finished_t_drag_updates_the_link_and_the_charts_below():
    at = open_page("temperature", logits="1,2,3")
    end_move(at, LIVE, 2.0)
    assert at.query_params["T"] == "2"
    assert live_data(at, LIVE)["value"] == 2.0
    assert any("T = 2" in str(f["data"]) for f in figures(at))  # the T marker on the curves moved


@pytest.mark.parametrize("sent", ["2", None, float("nan"), [2.0], True])
def test_a_malformed_t_from_the_browser_is_ignored(sent):
    at = open_page("temperature", T="0.5")
    end_move(at, LIVE, sent)
    assert not at.exception
    assert live_data(at, LIVE)["value"] == 0.5


def test_the_next_word_part_has_its_own_t_handle_bound_to_the_same_t():
    at = open_page("temperature", T="0.5", part="next_word")
    assert live_data(at, "temperature.live_next")["value"] == 0.5
    end_move(at, "temperature.live_next", 4.0)
    assert at.query_params["T"] == "4"
    assert live_data(at, LIVE)["value"] == 4.0
    steps = sc.decode_steps([3.1, 2.8, 2.2, 1.9, 1.5, 1.2, 0.9, 0.6, 0.1, -0.6, -1.4, -2.5], temperature=4.0,
                            k=5, p=0.9)
    np.testing.assert_array_equal(chart_titled(at, "÷ T")["data"][0]["x"], steps.scaled)


def test_an_off_grid_temperature_from_a_link_is_kept_exactly():
    at = open_page("temperature", T="0.37")
    assert not at.exception and not at.warning
    assert live_data(at, LIVE)["value"] == 0.37


def test_the_readouts_show_entropy_in_nats_and_bits_and_the_effective_choices():
    # The live editor computes its readouts in the browser (tests/live); with many classes the page does.
    at = open_page("temperature", logits=",".join(["0"] * 32))
    body = texts(at)
    assert "3.4657" in body and "5.0000" in body  # log 32 nats = 5 bits: uniform over 32
    assert [m.value for m in at.metric][1] == "32"


def sample_chart(at):
    return chart_titled(at, "draws")


def test_sampling_with_a_fixed_seed_is_reproducible_and_in_the_link():
    a = open_page("temperature", seed="123", N="5000", T="2", part="sampling")
    b = open_page("temperature", seed="123", N="5000", T="2", part="sampling")
    probs = sc.softmax(np.array([2.0, 1.0, 0.5]), temperature=2.0)
    expected = sc.sample_counts(probs, 5000, seed=123) / 5000
    np.testing.assert_array_equal(sample_chart(a)["data"][0]["y"], expected)
    np.testing.assert_array_equal(sample_chart(b)["data"][0]["y"], expected)
    assert a.query_params["seed"] == "123" and a.query_params["N"] == "5000"


def test_changing_the_seed_changes_the_draws_and_the_link():
    at = open_page("temperature", N="50", part="sampling")
    before = sample_chart(at)["data"][0]["y"]
    at.number_input(key="temperature.seed").set_value(7).run()
    assert at.query_params["seed"] == "7"
    probs = sc.softmax(np.array([2.0, 1.0, 0.5]))
    np.testing.assert_array_equal(sample_chart(at)["data"][0]["y"], sc.sample_counts(probs, 50, seed=7) / 50)
    assert not np.array_equal(before, sample_chart(at)["data"][0]["y"])


@pytest.mark.parametrize(("name", "value"), [("T", "0"), ("T", "-1"), ("T", "21"), ("T", "abc"), ("T", "nan"),
                                             ("seed", "-5"), ("seed", "1.5"), ("seed", "x"), ("N", "0"),
                                             ("N", "1000000"), ("k", "99"), ("p", "0"), ("tau", "1e9"),
                                             ("part", "all"), ("part", "<script>")])
def test_bad_values_in_the_link_warn_instead_of_breaking(name, value):
    at = open_page("temperature", **{name: value})
    assert not at.exception
    assert any(name in w.value and value in w.value for w in at.warning)
    np.testing.assert_array_equal(bars_at_t(at), sc.softmax(np.array([2.0, 1.0, 0.5])))


def test_the_smallest_temperature_explains_what_t_to_zero_means():
    at = open_page("temperature", T="0.05", logits="3,3,1")
    assert not at.exception
    assert any("0.05" in w.value for w in at.warning)
    np.testing.assert_allclose(bars_at_t(at), [0.5, 0.5, 0.0], atol=1e-17)


def test_typing_logits_updates_the_link_and_bad_text_is_shown_in_place():
    at = open_page("temperature")
    at.text_input(key="temperature.logits_text").input("1; 2; 3").run()
    assert at.query_params["logits"] == "1,2,3"
    at.text_input(key="temperature.logits_text").input("1, banana").run()
    assert not at.exception
    assert any("banana" in e.value for e in at.error)
    assert at.query_params["logits"] == "1,2,3"


def test_a_preset_loads_its_logits():
    at = open_page("temperature")
    at.selectbox(key="temperature.preset").set_value("tie").run()
    assert at.query_params["logits"] == "2,2,1,0"


def test_the_pipeline_charts_hold_the_core_stages():
    at = open_page("temperature", T="2", k="3", p="0.8", part="next_word")
    steps = sc.decode_steps([3.1, 2.8, 2.2, 1.9, 1.5, 1.2, 0.9, 0.6, 0.1, -0.6, -1.4, -2.5],
                            temperature=2.0, k=3, p=0.8)
    for fragment, values in (("÷ T", steps.scaled), ("2.", steps.probs), ("top-k", steps.top_k),
                             ("top-p", steps.top_p)):
        np.testing.assert_array_equal(chart_titled(at, fragment)["data"][0]["x"], values)


def test_k_all_and_p_one_leave_the_distribution_unchanged_on_screen():
    at = open_page("temperature", k="12", p="1", part="next_word")
    np.testing.assert_array_equal(chart_titled(at, "top-p")["data"][0]["x"], chart_titled(at, "2.")["data"][0]["x"])


def test_the_policy_run_is_seeded():
    at = open_page("temperature", tau="0.5", seed="3", part="decisions")
    run = sc.boltzmann_run([1.0, 0.7, 0.2, -0.5], temperature=0.5, steps=30, seed=3)
    np.testing.assert_array_equal(chart_titled(at, "30")["data"][0]["y"], run.choices)


def test_the_animation_has_frames_and_a_play_button():
    at = open_page("temperature", part="animation")
    anim = next(f for f in figures(at) if f.get("frames"))
    assert len(anim["frames"]) == 41
    assert anim["layout"]["updatemenus"][0]["buttons"][0]["method"] == "animate"


def test_the_page_links_to_calibration():
    at = open_page("temperature")
    assert any(link.proto.page.endswith("calibration") or "calibration" in link.proto.page
               for link in at.get("page_link"))


def test_the_quiz_reveals_only_after_an_answer():
    at = open_page("temperature")
    assert [b for b in at.button if b.key == "quiz.temperature.cold.button"][0].disabled
    radio = at.radio(key="quiz.temperature.cold.choice")
    radio.set_value(radio.options[1]).run()
    [b for b in at.button if b.key == "quiz.temperature.cold.button"][0].click().run()
    assert at.success


def test_projector_mode_renders_the_same_numbers():
    at = open_page("temperature", projector="1", logits="1,2,3", T="0.5")
    assert not at.exception
    np.testing.assert_array_equal(bars_at_t(at), sc.softmax(np.array([2.0, 4.0, 6.0])))
    data = live_data(at, LIVE)
    assert data["projector"] and data["sizes"]["font_size"] > 20


def _limits_box(at):
    return next(str(box.value) for box in at.info if "T → ∞" in str(box.value))


@pytest.mark.parametrize("lang", LANGS)
def test_the_argmax_limit_mentions_a_tie_only_when_there_is_one(lang):
    tie_words = ("tie for", "empat", "並列")
    no_tie = _limits_box(open_page("temperature", lang=lang, logits="2,1,0.5"))
    tie = _limits_box(open_page("temperature", lang=lang, logits="2,2,1,0"))
    assert not any(word in no_tie for word in tie_words) and "1 of 3" not in no_tie
    assert any(word in tie for word in tie_words) and "0.5" in tie  # two tied classes, 0.5 each


MANY = ",".join(f"{z:g}" for z in np.linspace(2, -2, 25))  # more classes than the live bars: the Plotly chart


def test_at_t_one_nothing_is_compared_with_itself():
    assert "(at T = 1:" not in texts(open_page("temperature", logits="2,1,0.5", T="1"))  # the live chart's summary
    at = open_page("temperature", logits=MANY, T="1")
    bars = first_chart(at)
    assert len(bars["data"]) == 1  # no ghost bars repeating the same softmax
    assert "ghost" not in str(bars["data"][0].get("name", ""))
    assert "(at T = 1:" not in texts(at)
    assert at.metric[0].delta in (None, "")  # no green "↑ +0.0000"


def test_away_from_t_one_the_ghost_and_the_change_are_shown():
    assert "(at T = 1: 0.6285)" in texts(open_page("temperature", logits="2,1,0.5", T="0.5"))
    z = np.array([float(v) for v in MANY.split(",")])  # as the link carries them
    at = open_page("temperature", logits=MANY, T="0.5")
    bars = first_chart(at)
    assert len(bars["data"]) == 2
    np.testing.assert_array_equal(bars["data"][1]["y"][:20], sc.softmax(z)[:20])
    top_half = sc.softmax(z, temperature=0.5)[0]
    assert at.metric[0].delta == f"{top_half - sc.softmax(z)[0]:+.4f}"

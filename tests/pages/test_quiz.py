"""The predict-then-reveal quiz: the answer given before the reveal is the one that is judged."""

from tests.pages.conftest import open_page, texts

KEY = "quiz.softmax.plus5"
RIGHT, WRONG = 1, 0  # indices into the softmax quiz's options


def _verdicts(at):
    """The quiz's verdicts on the page: "right" and "wrong" boxes, told apart from the page's other boxes by icon."""
    return ([e for e in at.success if e.icon == ":material/check_circle:"],
            [e for e in at.error if e.icon == ":material/cancel:"])


def _reveal(at):
    return next(b for b in at.button if b.key == f"{KEY}.button")


def _answer_and_reveal(at, index):
    choice = at.radio(key=f"{KEY}.choice")
    choice.set_value(choice.options[index]).run()
    _reveal(at).click().run()
    return at


def test_changing_the_answer_after_the_reveal_does_not_flip_the_verdict():
    at = _answer_and_reveal(open_page("softmax"), WRONG)
    assert [len(v) for v in _verdicts(at)] == [0, 1]
    choice = at.radio(key=f"{KEY}.choice")
    # The radio is disabled now; a forged widget message could still carry a new value.
    at.session_state[f"{KEY}.choice"] = choice.options[RIGHT]
    at.run()
    assert [len(v) for v in _verdicts(at)] == [0, 1], "the right answer picked after the reveal was judged"
    assert at.radio(key=f"{KEY}.choice").value == choice.options[WRONG]  # the radio shows the committed answer


def test_the_answer_is_locked_after_the_reveal():
    at = open_page("softmax")
    assert not at.radio(key=f"{KEY}.choice").disabled
    at = _answer_and_reveal(at, RIGHT)
    assert at.radio(key=f"{KEY}.choice").disabled
    assert [len(v) for v in _verdicts(at)] == [1, 0] and "e^5" in texts(at)


def test_the_verdict_survives_a_language_switch():
    at = _answer_and_reveal(open_page("softmax"), RIGHT)
    at.selectbox(key="lang_select").set_value("pt").run()
    assert not at.exception
    assert [len(v) for v in _verdicts(at)] == [1, 0]

"""Class mode through app.py: a teacher's session and students' sessions on one in-process store."""

import json
import re

import pytest

from tests.pages.conftest import open_page, texts
from ui.classroom import view

Q = "softmax.plus5"


@pytest.fixture(autouse=True)
def fresh_store(monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    view.store.clear()
    yield
    view.store.clear()


def _button(at, label):
    return next((b for b in at.button if b.label == label), None)


def _start(page="softmax", **query):
    at = open_page(page, **query)
    _button(at, "Start class mode").click().run()
    assert not at.exception
    return at


def _poll(at):
    """The projector chart's contract: data-counts on the element with data-testid="class-poll"."""
    body = next(h.proto.body for h in at.get("html") if 'data-testid="class-poll"' in h.proto.body)
    return json.loads(re.search(r'data-counts="([^"]*)"', body)[1].replace("&quot;", '"'))


def _share_link(at):
    return next(c.value for c in at.sidebar.code if "?" in c.value)


def test_starting_class_mode_puts_the_room_in_every_link_and_the_key_only_in_the_teachers_url():
    at = _start()
    room, key = at.query_params["room"], at.query_params["teacher"]
    assert re.fullmatch(r"[2-9A-HJ-NP-Z]{6}", room) and len(key) == 22
    link = _share_link(at)
    assert f"room={room}" in link and key not in link and "teacher" not in link
    assert _poll(at) == [0, 0, 0, 0]
    assert _button(at, "Reveal the answer") and _button(at, "Ask again") and _button(at, "Close the room")
    assert f"{room[:3]} {room[3:]}" in "".join(h.proto.body for h in at.get("html"))


def _student(room, page="softmax"):
    at = open_page(page, room=room)
    assert not at.exception
    return at


def _vote(at, index):
    radio = at.radio(key=f"class.{Q}.choice")
    radio.set_value(radio.options[index]).run()
    assert not at.exception


def test_students_votes_reach_the_teachers_chart_and_a_second_pick_changes_the_vote():
    teacher = _start()
    room = teacher.query_params["room"]
    students = [_student(room) for _ in range(3)]
    for s in students:
        assert not _button(s, "Reveal the answer") and not _button(s, "Ask again") and not _button(s, "Close the room")
        assert "teacher" not in s.query_params and s.query_params["room"] == room
    _vote(students[0], 1)
    _vote(students[1], 1)
    _vote(students[2], 0)
    teacher.run()
    assert _poll(teacher) == [1, 2, 0, 0]
    _vote(students[2], 3)  # changed, not added
    _vote(students[2], 3)
    teacher.run()
    assert _poll(teacher) == [0, 2, 0, 1]
    assert "**3** answers so far" in texts(teacher)


def test_the_reveal_shows_every_student_the_answer_judged_on_their_vote():
    teacher = _start()
    room = teacher.query_params["room"]
    right, wrong, silent = _student(room), _student(room), _student(room)
    _vote(right, 1)
    _vote(wrong, 0)
    _button(teacher, "Reveal the answer").click().run()
    assert 'data-revealed="1"' in "".join(h.proto.body for h in teacher.get("html"))
    assert "e^5" in texts(teacher)  # the explanation, on the projector too
    for s in (right, wrong, silent):
        s.run()
        assert "e^5" in texts(s)
        assert s.radio(key=f"class.{Q}.choice").disabled
    assert [e.icon for e in right.success if e.icon == ":material/check_circle:"]
    assert [e.icon for e in wrong.error if e.icon == ":material/cancel:"]
    assert "You did not answer this time" in texts(silent)
    # After the reveal a vote no longer counts, even one sent anyway.
    assert view.store().vote(room, "late", Q, 1) == "closed"
    teacher.run()
    assert _poll(teacher) == [1, 1, 0, 0]


def test_ask_again_clears_the_votes_and_the_students_answers():
    teacher = _start()
    student = _student(teacher.query_params["room"])
    _vote(student, 2)
    _button(teacher, "Reveal the answer").click().run()
    _button(teacher, "Ask again").click().run()
    assert _poll(teacher) == [0, 0, 0, 0]
    student.run()
    radio = student.radio(key=f"class.{Q}.choice")
    assert radio.value is None and not radio.disabled and "e^5" not in texts(student)


def test_a_wrong_teacher_key_gives_no_controls_and_a_forged_reveal_does_nothing():
    teacher = _start()
    room = teacher.query_params["room"]
    other = _start()  # a real key, of another room
    for key in (other.query_params["teacher"], "A" * 22):
        assert "does not open this room" in texts(open_page("home", room=room, teacher=key))
        at = open_page("softmax", room=room, teacher=key)
        assert not at.exception
        assert not _button(at, "Reveal the answer") and not _button(at, "Close the room")
        assert "teacher" not in at.query_params
        assert not view.store().reveal(room, key) and not view.store().reset(room, key)
    teacher.run()
    assert 'data-revealed="0"' in "".join(h.proto.body for h in teacher.get("html"))


def test_the_teachers_own_link_brings_back_the_teachers_controls():
    teacher = _start()
    again = open_page("softmax", room=teacher.query_params["room"], teacher=teacher.query_params["teacher"])
    assert _button(again, "Reveal the answer") and _poll(again) == [0, 0, 0, 0]


@pytest.mark.parametrize("value", ["K7Q", "K7QM40", "<b>x</b>", "K7QM4XX"])
def test_a_malformed_room_gets_the_usual_parameter_warning(value):
    # Warnings about the link show where the link lands (AppTest lands on home before switching page).
    at = open_page("home", room=value)
    assert not at.exception
    assert "The link's value" in texts(at) and "a room code has 6 letters" in texts(at)
    assert "room" not in at.query_params


def test_a_room_that_does_not_exist_says_so():
    at = open_page("home", room="k7q-m4x")  # as read aloud: case and dash do not matter
    assert "There is no room K7Q M4X" in texts(at)
    assert _button(at, "Start class mode")


def test_a_malformed_teacher_key_is_warned_about():
    teacher = _start()
    at = open_page("home", room=teacher.query_params["room"], teacher="short")
    assert "it is not a teacher key" in texts(at) and not _button(at, "Reveal the answer")


def test_when_the_teacher_moves_on_students_get_a_link_to_follow():
    teacher = _start()
    student = _student(teacher.query_params["room"])
    teacher.switch_page("pages/temperature.py").run()
    assert not teacher.exception
    student.run()
    assert [link.proto.page for link in student.get("page_link")
            if "Your teacher moved to Temperature" in link.proto.label] == ["temperature"]


def test_closing_the_room_ends_class_mode_for_everyone():
    teacher = _start()
    room = teacher.query_params["room"]
    student = _student(room)
    _button(teacher, "Close the room").click().run()
    assert "room" not in teacher.query_params and _button(teacher, "Start class mode")
    student.run()
    assert "The room has closed" in texts(student)


def test_with_the_store_down_class_mode_says_so_and_the_page_works(monkeypatch):
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")  # nothing listens there
    view.store.clear()
    at = _start()
    assert not at.exception
    assert "cannot reach its vote store" in texts(at)
    assert "room" not in at.query_params
    quiz = at.radio(key=f"quiz.{Q}.choice")  # the ordinary quiz still works
    quiz.set_value(quiz.options[1]).run()
    assert not at.exception

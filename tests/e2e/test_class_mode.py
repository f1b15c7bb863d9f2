"""Class mode in real browsers: one teacher on the projector and five students on phones, on one server."""

import json
import time
from urllib.parse import parse_qs, urlsplit

import pytest

from .e2e_harness import AppPage

PHONE = {"width": 390, "height": 844}
PROJECTOR = {"width": 1280, "height": 720}
JS_COUNTS = """() => { const e = document.querySelector('[data-testid="class-poll"]');
                       return e ? e.dataset.counts : null; }"""
OPTIONS = ["They all go up", "Nothing changes", "The largest one grows the most", "They become equal"]
RIGHT = 1


@pytest.fixture
def contexts(browser):
    made = []

    def make(viewport):
        made.append(browser.new_context(viewport=viewport, locale="en-US"))
        made[-1].set_default_timeout(30_000)
        return made[-1]

    yield make
    for context in made:
        context.close()


def _start_room(teacher):
    teacher.page.locator('[data-testid="stSidebar"]').get_by_role("button", name="Start class mode").click()
    teacher.page.wait_for_function("() => location.search.includes('room=')")
    teacher.page.wait_for_selector('[data-testid="class-poll"]')
    query = parse_qs(urlsplit(teacher.page.url).query)
    return query["room"][0], query["teacher"][0]


def _counts(app):
    return json.loads(app.page.evaluate(JS_COUNTS) or "null")


def test_students_vote_and_the_projector_shows_it_then_every_student_sees_the_answer(contexts, app_server):
    teacher = AppPage(contexts(PROJECTOR).new_page(), app_server).open("softmax", projector="1")
    room, key = _start_room(teacher)
    assert _counts(teacher) == [0, 0, 0, 0]

    picks = [0, 1, 1, 2, 1]
    students = []
    for _ in picks:
        student = AppPage(contexts(PHONE).new_page(), app_server)
        # Not wait_idle(): a page in a room polls the room, so its script state keeps changing.
        student.page.goto(student.url_for("softmax", room=room))
        student.page.get_by_role("radio", name=OPTIONS[0]).wait_for(timeout=60_000)
        assert key not in student.page.url
        students.append(student)
    for student, pick in zip(students, picks):
        student.page.locator('[data-testid="stRadio"]').get_by_text(OPTIONS[pick], exact=True).click()
    voted = time.monotonic()
    teacher.page.wait_for_function(
        "() => { const e = document.querySelector('[data-testid=\"class-poll\"]');"
        " return e && JSON.parse(e.dataset.counts).reduce((a, b) => a + b, 0) === 5; }", timeout=3_000)
    assert time.monotonic() - voted < 3.0
    assert _counts(teacher) == [1, 3, 1, 0]

    # One student changes their mind: still five answers.
    students[0].page.locator('[data-testid="stRadio"]').get_by_text(OPTIONS[RIGHT], exact=True).click()
    teacher.page.wait_for_function("() => document.querySelector('[data-testid=\"class-poll\"]')"
                                   ".dataset.counts === '[0, 4, 1, 0]'", timeout=5_000)

    teacher.page.get_by_role("button", name="Reveal the answer").click()
    teacher.page.wait_for_selector('[data-testid="class-poll"][data-revealed="1"]', timeout=5_000)
    for student, pick in zip(students, [RIGHT, *picks[1:]]):
        verdict = "Right!" if pick == RIGHT else "Not quite. The answer is: Nothing changes"
        student.page.get_by_text(verdict).wait_for(timeout=10_000)
        assert student.page.get_by_role("radio", name=OPTIONS[0]).is_disabled()
    for app in (teacher, *students):
        assert not app.problems()

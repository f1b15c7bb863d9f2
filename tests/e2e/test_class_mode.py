"""Class mode in real browsers: one teacher on the projector and five students on phones, on one server."""

import json
import time
from urllib.parse import parse_qs, urlsplit

import shutil

import pytest

from tests.classroom.conftest import redis_url  # noqa: F401  (the real redis-server fixture)
from tests.conftest import in_ci

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


def _student(context, base, room):
    student = AppPage(context.new_page(), base)
    # Not wait_idle(): a page in a room polls the room, so its script state keeps changing.
    student.page.goto(student.url_for("softmax", room=room))
    student.page.get_by_role("radio", name=OPTIONS[0]).wait_for(timeout=60_000)
    return student


def _teacher(context, base):
    teacher = AppPage(context.new_page(), base)
    teacher.page.goto(teacher.url_for("softmax", projector="1"))
    teacher.wait_idle(timeout=120_000)  # a first page on a busy 2-core machine
    return teacher


def _start_room(teacher):
    expand = teacher.page.locator('[data-testid="stExpandSidebarButton"]')
    if expand.is_visible():  # projector mode folds the sidebar away; the teacher opens it to start
        expand.click()
    teacher.page.locator('[data-testid="stSidebar"]').get_by_role("button", name="Start class mode").click()
    teacher.page.wait_for_function("() => location.search.includes('room=')")
    teacher.page.wait_for_selector('[data-testid="class-poll"]')
    query = parse_qs(urlsplit(teacher.page.url).query)
    return query["room"][0], query["teacher"][0]


def _counts(app):
    return json.loads(app.page.evaluate(JS_COUNTS) or "null")


def test_students_vote_and_the_projector_shows_it_then_every_student_sees_the_answer(contexts, app_server):
    teacher = _teacher(contexts(PROJECTOR), app_server)
    room, key = _start_room(teacher)
    assert _counts(teacher) == [0, 0, 0, 0]

    picks = [0, 1, 1, 2, 1]
    students = []
    for _ in picks:
        student = _student(contexts(PHONE), app_server, room)
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


class _Base:
    """What AppPage needs of a server: its URL (the balancer), and no log of its own to scan."""

    def __init__(self, url):
        self.url = url

    def log_text(self):
        return ""


@pytest.mark.skipif(shutil.which("haproxy") is None and not in_ci(), reason="needs haproxy")
def test_teacher_and_students_on_different_replicas_share_the_room_through_redis(contexts, redis_url,  # noqa: F811
                                                                                  monkeypatch):
    from bench.classroom import Cluster

    monkeypatch.setenv("REDIS_URL", redis_url)  # the replicas inherit it
    with Cluster(2, warmup=False) as cluster:
        base = _Base(cluster.url)

        def pinned(replica, viewport):
            # HAProxy routes by its SOFTMAX_REPLICA cookie: the teacher on one replica, the students on the other.
            context = contexts(viewport)
            context.add_cookies([{"name": "SOFTMAX_REPLICA", "value": replica, "url": cluster.url}])
            return context

        teacher = _teacher(pinned("replica1", PROJECTOR), base)
        room, _ = _start_room(teacher)
        students = [_student(pinned("replica2", PHONE), base, room) for _ in range(2)]
        for student, pick in zip(students, (1, 3)):
            student.page.locator('[data-testid="stRadio"]').get_by_text(OPTIONS[pick], exact=True).click()
        teacher.page.wait_for_function("() => document.querySelector('[data-testid=\"class-poll\"]')"
                                       ".dataset.counts === '[0, 1, 0, 1]'", timeout=10_000)
        teacher.page.get_by_role("button", name="Reveal the answer").click()
        students[0].page.get_by_text("Right!").wait_for(timeout=15_000)
        students[1].page.get_by_text("Not quite. The answer is: Nothing changes").wait_for(timeout=15_000)
        for app in (teacher, *students):
            assert not app.problems()

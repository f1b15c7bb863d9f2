"""The class-mode store, on both backends: the in-process one and a real redis-server."""

import doctest
import re
import threading
import time
from collections import Counter

import pytest

from ui.classroom import store as store_module
from ui.classroom.store import (ALPHABET, CHANGED, CLOSED, CODE_PATTERN, COUNTED, FULL, NO_ROOM, NOT_CURRENT, SAME,
                                BAD_OPTION, KEY_PATTERN, MemoryStore, RedisStore, RoomsFull, StoreUnavailable,
                                normalize_code, store_from_env)

from .conftest import Clock

Q = "softmax.plus5"


def _room(store, *, n_options=4, question=Q):
    code, key = store.create_room()
    assert store.publish(code, key, page="softmax", page_query="logits=1,2", question=question, n_options=n_options)
    return code, key


def test_the_module_examples_run():
    assert doctest.testmod(store_module).failed == 0


def test_codes_are_short_readable_aloud_and_keys_are_long(make_store):
    store = make_store()
    rooms = [store.create_room() for _ in range(50)]
    for code, key in rooms:
        assert CODE_PATTERN.fullmatch(code) and not set(code) & set("0O1I")
        assert KEY_PATTERN.fullmatch(key)
    assert len({code for code, _ in rooms}) == 50 and len({key for _, key in rooms}) == 50
    assert len(ALPHABET) ** 6 > 10**9  # a code is not guessed by trying a few


def test_codes_come_from_secrets_not_random():
    source = open(store_module.__file__).read()
    assert "secrets.choice" in source and not re.search(r"^import random|^from random", source, re.M)


def test_a_code_as_read_aloud_is_normalised():
    assert normalize_code(" k7q-m4x ") == "K7QM4X"


def test_a_new_room_shows_what_the_teacher_published(make_store):
    store = make_store()
    code, key = _room(store)
    room = store.room(code)
    assert (room.page, room.page_query, room.question, room.counts, room.revealed, room.round) == (
        "softmax", "logits=1,2", Q, (0, 0, 0, 0), False, 0)
    assert store.room("ZZZZZZ") is None


def test_votes_count_and_a_second_pick_changes_the_vote(make_store):
    store = make_store()
    code, _ = _room(store)
    assert store.vote(code, "a", Q, 1) == COUNTED
    assert store.vote(code, "b", Q, 1) == COUNTED
    assert store.vote(code, "c", Q, 3) == COUNTED
    assert store.room(code).counts == (0, 2, 0, 1)
    assert store.vote(code, "a", Q, 2) == CHANGED
    assert store.room(code).counts == (0, 1, 1, 1)
    assert store.room(code, session="a").my_vote == 2 and store.room(code, session="z").my_vote is None


def test_flooding_from_one_session_changes_nothing(make_store):
    store = make_store()
    code, _ = _room(store)
    for _ in range(50):
        store.vote(code, "flood", Q, 0)
    assert store.vote(code, "flood", Q, 0) == SAME
    assert store.room(code).counts == (1, 0, 0, 0)


def test_only_the_current_question_and_real_options_take_votes(make_store):
    store = make_store()
    code, _ = _room(store)
    assert store.vote(code, "a", "temperature.cold", 0) == NOT_CURRENT
    assert store.vote(code, "a", "", 0) == NOT_CURRENT
    assert store.vote(code, "a", Q, 4) == BAD_OPTION
    assert store.vote(code, "a", Q, -1) == BAD_OPTION
    assert store.vote("ZZZZZZ", "a", Q, 0) == NO_ROOM
    assert store.room(code).answers == 0


def test_after_the_reveal_votes_are_closed(make_store):
    store = make_store()
    code, key = _room(store)
    store.vote(code, "a", Q, 0)
    assert store.reveal(code, key)
    room = store.room(code)
    assert room.revealed and room.counts == (1, 0, 0, 0)
    assert store.vote(code, "a", Q, 1) == CLOSED
    assert store.vote(code, "b", Q, 1) == CLOSED
    assert store.room(code).counts == (1, 0, 0, 0)


def test_reset_clears_the_votes_and_the_reveal_and_starts_a_new_round(make_store):
    store = make_store()
    code, key = _room(store)
    store.vote(code, "a", Q, 0)
    store.reveal(code, key)
    assert store.reset(code, key)
    room = store.room(code, session="a")
    assert (room.counts, room.revealed, room.round, room.my_vote) == ((0, 0, 0, 0), False, 1, None)
    assert store.vote(code, "a", Q, 2) == COUNTED
    assert store.room(code).counts == (0, 0, 1, 0)


def test_each_question_keeps_its_own_votes(make_store):
    store = make_store()
    code, key = _room(store)
    store.vote(code, "a", Q, 1)
    store.publish(code, key, page="temperature", page_query="", question="temperature.cold", n_options=3)
    assert store.room(code).counts == (0, 0, 0)
    store.vote(code, "a", "temperature.cold", 2)
    store.publish(code, key, page="home", page_query="", question="", n_options=0)
    room = store.room(code)
    assert (room.page, room.question, room.counts) == ("home", "", ())
    store.publish(code, key, page="softmax", page_query="", question=Q, n_options=4)
    assert store.room(code).counts == (0, 1, 0, 0)


def test_a_wrong_or_empty_teacher_key_controls_nothing(make_store):
    store = make_store()
    code, key = _room(store)
    store.vote(code, "a", Q, 1)
    other_code, other_key = store.create_room()
    for forged in ("", "x" * 22, other_key, key[:-1] + ("A" if key[-1] != "A" else "B")):
        assert not store.is_teacher(code, forged)
        assert not store.reveal(code, forged)
        assert not store.reset(code, forged)
        assert not store.close(code, forged)
        assert not store.publish(code, forged, page="numerics", page_query="", question="", n_options=0)
    room = store.room(code)
    assert (room.page, room.question, room.counts, room.revealed) == ("softmax", Q, (0, 1, 0, 0), False)
    assert store.is_teacher(code, key)


def test_close_removes_the_room_and_its_votes(make_store):
    store = make_store()
    code, key = _room(store)
    store.vote(code, "a", Q, 1)
    assert store.close(code, key)
    assert store.room(code) is None
    assert store.vote(code, "a", Q, 1) == NO_ROOM
    assert not store.reveal(code, key)


def test_a_room_is_capped(make_store):
    store = make_store(max_voters=5)
    code, _ = _room(store)
    assert [store.vote(code, f"s{i}", Q, 0) for i in range(6)] == [COUNTED] * 5 + [FULL]
    assert store.vote(code, "s0", Q, 1) == CHANGED  # a voter already in may still change
    assert store.room(code).answers == 5


def test_too_long_page_settings_are_not_relayed(make_store):
    store = make_store()
    code, key = store.create_room()
    store.publish(code, key, page="softmax", page_query="logits=" + "1," * 5000, question=Q, n_options=4)
    assert store.room(code).page_query == ""


def test_memory_rooms_expire_after_their_ttl():
    clock = Clock()
    store = MemoryStore(ttl=3600, clock=clock)
    code, key = _room(store)
    store.vote(code, "a", Q, 1)
    clock.now += 3599
    assert store.room(code).counts == (0, 1, 0, 0)
    clock.now += 2
    assert store.room(code) is None
    assert store.vote(code, "a", Q, 1) == NO_ROOM and not store.reveal(code, key)


def test_memory_store_holds_a_bounded_number_of_rooms():
    clock = Clock()
    store = MemoryStore(max_rooms=3, ttl=10, clock=clock)
    for _ in range(3):
        store.create_room()
    with pytest.raises(RoomsFull):
        store.create_room()
    clock.now += 11  # expired rooms make way
    store.create_room()


def test_redis_rooms_expire_after_their_ttl_with_all_their_keys(redis_url):
    import redis

    store = RedisStore(redis_url, ttl=1, prefix="ttl")
    code, key = _room(store)
    store.vote(code, "a", Q, 1)
    client = redis.Redis.from_url(redis_url)
    keys = client.keys(f"ttl:{{{code}}}*")
    assert len(keys) == 4  # meta, question state, votes, questions asked
    assert all(0 < client.pttl(k) <= 1000 for k in keys)
    deadline = time.monotonic() + 5
    while client.keys(f"ttl:{{{code}}}*") and time.monotonic() < deadline:
        time.sleep(0.1)
    assert client.keys(f"ttl:{{{code}}}*") == []
    assert store.room(code) is None


def test_redis_down_raises_store_unavailable_quickly():
    store = RedisStore("redis://127.0.0.1:1/0", timeout=0.2)  # nothing listens on port 1
    for call in (store.create_room, lambda: store.room("ABCDEF"), lambda: store.vote("ABCDEF", "a", Q, 0),
                 lambda: store.reveal("ABCDEF", "k"), store.ping):
        with pytest.raises(StoreUnavailable):
            call()


def test_the_backend_follows_redis_url(redis_url):
    assert isinstance(store_from_env({}), MemoryStore)
    assert isinstance(store_from_env({"REDIS_URL": " "}), MemoryStore)
    assert isinstance(store_from_env({"REDIS_URL": redis_url}), RedisStore)


def test_300_concurrent_voters_are_counted_exactly(make_store):
    """300 students vote at once, then 100 of them change their vote, from 30 threads: no vote lost or doubled."""
    store = make_store()
    code, _ = _room(store)
    first = {f"student{i}": i % 4 for i in range(300)}
    second = {f"student{i}": (i + 1) % 4 for i in range(0, 300, 3)}
    final = {**first, **second}
    results = Counter()
    lock = threading.Lock()
    start = threading.Barrier(30)

    def worker(offset):
        start.wait()
        mine, students = Counter(), list(first)[offset::30]  # each student is one thread's, as one browser
        for name in students:
            mine[store.vote(code, name, Q, first[name])] += 1
        for name in [n for n in students if n in second]:
            mine[store.vote(code, name, Q, second[name])] += 1
        with lock:
            results.update(mine)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == {COUNTED: 300, CHANGED: 100}
    expected = Counter(final.values())
    assert store.room(code).counts == tuple(expected[i] for i in range(4))
    assert store.room(code).answers == 300

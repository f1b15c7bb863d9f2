"""The calibration page's shared results: a class opening the same link computes each result once."""

import threading
import time

import pytest

from ui.views import calibration as view


def test_sessions_asking_at_once_share_one_computation():
    calls, start = [], threading.Barrier(8)

    def slow():
        calls.append(1)
        time.sleep(0.2)
        return object()

    results = []

    def session():
        start.wait()
        results.append(view._memo(("memo-test", "same"), slow, limit=2))

    threads = [threading.Thread(target=session) for _ in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert len(calls) == 1
    assert len(results) == 8 and all(r is results[0] for r in results)


def test_a_failed_computation_is_not_kept_and_the_next_caller_computes_again():
    def fail():
        raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        view._memo(("memo-test", "fails"), fail, limit=2)
    assert view._memo(("memo-test", "fails"), lambda: 42, limit=2) == 42


def test_the_oldest_results_of_a_kind_are_dropped_beyond_the_limit():
    for i in range(5):
        view._memo(("memo-limit", i), lambda i=i: i, limit=2)
    store, _ = view._store()
    assert sorted(k[1] for k in store if k[0] == "memo-limit") == [3, 4]

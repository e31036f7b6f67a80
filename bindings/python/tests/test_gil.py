"""Long calls release the GIL: another Python thread keeps running meanwhile.

A thread spins on a counter. While the main thread sits in one long call into connexe, the
counter can only move if that call released the GIL (a call that holds it runs no bytecode
of the spinning thread at all, whatever the switch interval). The rate during the call is
compared with the rate while the main thread sleeps. (Built without `py.detach`, the rate
during these calls falls to about 1 % of the idle rate for add_many and evaluate.)
"""

from __future__ import annotations

import os
import threading
import time
from typing import Callable, Tuple

import pytest

import connexe


def spin_during(work: Callable[[], object]) -> Tuple[float, float]:
    """(counter increments per second during `work`, the same while sleeping as long)."""
    stop = threading.Event()
    counter = [0]

    def spin() -> None:
        while not stop.is_set():
            counter[0] += 1

    thread = threading.Thread(target=spin, daemon=True)
    thread.start()
    try:
        time.sleep(0.05)
        before, t0 = counter[0], time.perf_counter()
        work()
        elapsed = time.perf_counter() - t0
        during = (counter[0] - before) / elapsed

        before, t0 = counter[0], time.perf_counter()
        time.sleep(min(elapsed, 0.5))
        idle = (counter[0] - before) / (time.perf_counter() - t0)
    finally:
        stop.set()
        thread.join()
    return during, idle


def copies(corpus, n):
    return [dict(a, id=f"{a['id']}-{i}") for i in range(n) for a in corpus]


def test_add_many_releases_the_gil(corpus):
    articles = copies(corpus, 4)  # ~850 articles, a few tenths of a second in one call
    index = connexe.Index()
    during, idle = spin_during(lambda: index.add_many(articles))
    assert len(index) == len(articles)
    # Without the GIL released the rate during the call is ~0.
    assert during > 0.25 * idle, (during, idle)


def test_evaluate_releases_the_gil(corpus_path, corpus, tmp_path):
    qrels = tmp_path / "qrels.tsv"
    ids = [a["id"] for a in corpus]
    qrels.write_text("".join(f"{q}\t{d}\t1\n" for q, d in zip(ids, ids[1:] + ids[:1])))
    during, idle = spin_during(lambda: connexe.evaluate(corpus_path, qrels, k=5))
    assert during > 0.25 * idle, (during, idle)


def test_page_releases_the_gil(corpus_index, corpus):
    """A thread that ticks every millisecond records ticks inside `page` calls. A call that
    held the GIL could only contain the few ticks taken at the thread switches around its
    Python parts; one that releases it contains about one per millisecond it lasts.
    (Built without `py.detach`: about 0.04 tick per millisecond; with it: about 0.8.)"""
    stop = threading.Event()
    ticks = []

    def tick() -> None:
        while not stop.is_set():
            time.sleep(0.001)
            ticks.append(time.perf_counter())

    thread = threading.Thread(target=tick, daemon=True)
    thread.start()
    windows = []
    try:
        time.sleep(0.02)
        for article in corpus[:20]:
            t0 = time.perf_counter()
            corpus_index.page(article["id"])
            windows.append((t0, time.perf_counter()))
    finally:
        stop.set()
        thread.join()
    total_ms = 1000 * sum(t1 - t0 for t0, t1 in windows)
    if total_ms < 50:
        pytest.skip("pages are too fast here to see ticks inside them")
    inside = sum(sum(t0 < t < t1 for t in ticks) for t0, t1 in windows)
    assert inside > 0.25 * total_ms, (inside, total_ms)


def test_threads_share_one_index(corpus_index, corpus):
    """Pages computed by four threads at once equal the ones computed one by one."""
    ids = [a["id"] for a in corpus][:40]
    expected = {i: corpus_index.page(i) for i in ids}
    results = {}
    errors = []

    def run(part):
        try:
            for i in part:
                results[i] = corpus_index.page(i)
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=run, args=(ids[k::4],)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert results == expected


def test_writers_and_readers_interleave(corpus):
    """A thread adding articles while another computes pages: no deadlock, no error."""
    index = connexe.Index()
    index.add_many(corpus)
    extra = copies(corpus[:60], 1)
    errors = []

    def read():
        try:
            for _ in range(2):
                for a in corpus[:15]:
                    index.page(a["id"])
                    len(index)
                    a["id"] in index
        except Exception as e:  # pragma: no cover
            errors.append(e)

    reader = threading.Thread(target=read)
    reader.start()
    for a in extra:
        index.add(a)
    reader.join(timeout=120)
    assert not reader.is_alive()
    assert not errors
    assert len(index) == len(corpus) + len(extra)

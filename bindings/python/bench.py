"""Micro-benchmark of the Python binding on the bundled corpus, to set beside the Rust figures.

    bindings/python/.venv/bin/python bindings/python/bench.py [--corpus PATH] [--repeat N]

Prints articles added per second (one `add` at a time, and `add_many`), and pages and
`similar` lists per second, each the median of N runs over the whole corpus, with the CPU time
per item; then pages per second with two threads sharing one index (the GIL is released inside
each call, so on two free cores the rate nearly doubles while CPU per page stays the same).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import threading
import time
from pathlib import Path
from typing import Callable, List, Tuple

import connexe

CORPUS = Path(__file__).resolve().parents[2] / "data" / "masakhanews-fr" / "corpus.jsonl"


def median_seconds(run: Callable[[], object], repeat: int) -> Tuple[float, float]:
    """Median wall time and median CPU time of the process (all its threads) over `repeat` runs."""
    wall, cpu = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        run()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return statistics.median(wall), statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    with args.corpus.open(encoding="utf-8") as f:
        articles = [json.loads(line) for line in f if line.strip()]
    ids: List[str] = [a["id"] for a in articles]
    n = len(articles)
    print(f"connexe {connexe.__version__}, {n} articles from {args.corpus.name}, median of {args.repeat} runs, "
          f"{os.cpu_count()} CPUs")

    def add_one_by_one() -> None:
        index = connexe.Index()
        for a in articles:
            index.add(a)

    def add_many() -> None:
        connexe.Index().add_many(articles)

    index = connexe.Index()
    index.add_many(articles)
    index.page(ids[0])  # the first query after changes computes the index's statistics

    rows = [
        ("add, one at a time", n, median_seconds(add_one_by_one, args.repeat), "articles"),
        ("add_many", n, median_seconds(add_many, args.repeat), "articles"),
        ("similar(k=5)", n, median_seconds(lambda: [index.similar(i) for i in ids], args.repeat), "lists"),
        ("page", n, median_seconds(lambda: [index.page(i) for i in ids], args.repeat), "pages"),
        ("page_json", n, median_seconds(lambda: [index.page_json(i) for i in ids], args.repeat), "pages"),
    ]

    def two_threads() -> None:
        halves = [ids[0::2], ids[1::2]]
        threads = [threading.Thread(target=lambda part=part: [index.page(i) for i in part]) for part in halves]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    rows.append(("page, 2 threads", n, median_seconds(two_threads, args.repeat), "pages"))

    print(f"{'':<20} {'per second':>18} {'ms each':>9} {'CPU ms each':>12}")
    for name, count, (wall, cpu), unit in rows:
        print(f"{name:<20} {count / wall:>9.1f} {unit:<8} {1000 * wall / count:>9.3f} {1000 * cpu / count:>12.3f}")
    print(f"(load average {os.getloadavg()[0]:.2f}: other processes slow the wall-clock figures)")


if __name__ == "__main__":
    main()

"""Assembles the figures of run.sh into one Markdown table.

python table.py RESULTS_DIR CONNEXE_MODE

RESULTS_DIR holds connexe.json, sklearn.json and tantivy.json (one JSON object each).
CONNEXE_MODE is "corpus" when connexe read the same file, "synthetic" when it built the same
articles from the generator in memory (no reading). Reading and building are timed apart on
every side: connexe's read_s when it reports one (older builds included reading in build_s).
"""

import json
import sys
from pathlib import Path


def fmt(value, digits=0):
    return "n/a" if value is None else f"{value:,.{digits}f}"


def ratio(a, b):
    return "n/a" if a is None or b is None or b == 0 else f"{a / b:.2f}"


def main() -> None:
    results, mode = Path(sys.argv[1]), sys.argv[2]
    load = lambda name: json.loads((results / f"{name}.json").read_text())  # noqa: E731
    connexe, sklearn, tantivy = load("connexe"), load("sklearn"), load("tantivy")

    rows = []
    # connexe: `similar(id, 5)`; its bench reports p50 and p99, no mean.
    c_read = connexe.get("read_s")
    if mode != "corpus":
        c_read, c_total = "none (in memory)", None
    elif c_read is None:
        c_read, c_total = "incl.", connexe["build_s"]
    else:
        c_total = c_read + connexe["build_s"]
    rows.append(
        {
            "system": "connexe `similar` (k=5)",
            "articles": connexe["articles"],
            "read": c_read,
            "build": connexe["build_s"],
            "total": c_total,
            "p50": connexe["similar_p50_us"],
            "mean": None,
            "p99": connexe["similar_p99_us"],
            "rss": connexe["peak_rss_mb"],
        }
    )
    for name, peer in (("scikit-learn TF-IDF (top 6 − self)", sklearn), ("tantivy MoreLikeThis (top 6 − self)", tantivy)):
        rows.append(
            {
                "system": name,
                "articles": peer["articles"],
                "read": peer["read_s"],
                "build": peer["build_s"],
                "total": peer["read_s"] + peer["build_s"],
                "p50": peer["query_p50_us"],
                "mean": peer["query_mean_us"],
                "p99": peer["query_p99_us"],
                "rss": peer["peak_rss_mb"],
            }
        )

    c = rows[0]
    out = [
        "| system | articles | read (s) | build/fit (s) | read + build (s) | query p50 (µs) "
        "| query mean (µs) | query p99 (µs) | peak RSS (MB) | connexe/peer build "
        "| connexe/peer p50 | connexe/peer p99 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for i, r in enumerate(rows):
        if i == 0:
            ratios = ["—", "—", "—"]
        else:
            # Same work on both sides: build against build, unless connexe's build included
            # reading the file (an older connexe), then read + build against read + build.
            build_ratio = ratio(c["total"], r["total"]) if c["read"] == "incl." else ratio(c["build"], r["build"])
            ratios = [build_ratio, ratio(c["p50"], r["p50"]), ratio(c["p99"], r["p99"])]
        read = r["read"] if isinstance(r["read"], str) else fmt(r["read"], 2)
        out.append(
            f"| {r['system']} | {r['articles']:,} | {read} | {fmt(r['build'], 2)} | {fmt(r['total'], 2)} "
            f"| {fmt(r['p50'])} | {fmt(r['mean'])} | {fmt(r['p99'])} | {fmt(r['rss'])} | "
            + " | ".join(ratios)
            + " |"
        )
    print("\n".join(out))
    print()
    print(
        f"queries: {sklearn['queries']} ids, every {max(sklearn['articles'] // sklearn['queries'], 1)}-th "
        f"article in file order ({sklearn['first_query']} … {sklearn['last_query']}); "
        f"tantivy: {tantivy['threads']} indexing threads, {tantivy['memory_budget_mb']} MB writer budget, "
        f"{tantivy['segments']} segments, index {tantivy['index_mb']:.0f} MB on disk; "
        f"scikit-learn: {sklearn['terms']:,} terms, {sklearn['nnz']:,} non-zeros, fit {sklearn['fit_s']:.2f} s "
        f"+ transpose {sklearn['transpose_s']:.2f} s; connexe: {connexe['postings']:,} postings, "
        f"page p50 {connexe['page_p50_us']:,.0f} µs."
    )
    if isinstance(c["read"], float):
        print()
        print(
            f"connexe against scikit-learn: build {sklearn['fit_s'] / c['build']:.2f}x faster than the fit "
            f"alone ({sklearn['build_s'] / c['build']:.2f}x with the transpose), read + build "
            f"{(sklearn['read_s'] + sklearn['build_s']) / c['total']:.2f}x; against tantivy: build "
            f"{tantivy['build_s'] / c['build']:.2f}x, read + build "
            f"{(tantivy['read_s'] + tantivy['build_s']) / c['total']:.2f}x."
        )
    if (sklearn["first_query"], sklearn["last_query"]) != (tantivy["first_query"], tantivy["last_query"]):
        print("WARNING: the peers did not query the same ids")
    if not (connexe["articles"] == sklearn["articles"] == tantivy["articles"]):
        print("WARNING: the systems did not index the same number of articles")


if __name__ == "__main__":
    main()

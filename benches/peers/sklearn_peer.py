"""scikit-learn TF-IDF as a peer of connexe (see README.md beside this file).

python sklearn_peer.py CORPUS.jsonl [--queries 1000]

Reads the JSON Lines corpus (timed apart as read_s), fits TfidfVectorizer(sublinear_tf=True)
on title + "\\n" + body (fit_s), transposes the matrix to CSR once so that a query row times
it walks postings lists (transpose_s; build_s = fit_s + transpose_s), then per query id: that
row times the transpose (sparse), the top 6 by np.argpartition, the query itself dropped, the
other 5 best first. Prints one JSON object.
"""

import argparse
import json
import resource
import sys
import time

import numpy as np
import scipy
import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer

TOP = 6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus")
    parser.add_argument("--queries", type=int, default=1000)
    args = parser.parse_args()
    if args.queries < 1:
        sys.exit("error: --queries must be at least 1")

    started = time.perf_counter()
    ids, texts = [], []
    with open(args.corpus, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            article = json.loads(line)
            ids.append(article["id"])
            texts.append(article["title"] + "\n" + article["body"])
    read_s = time.perf_counter() - started
    n = len(ids)
    if n <= TOP:
        sys.exit(f"error: the corpus needs more than {TOP} articles")

    started = time.perf_counter()
    matrix = TfidfVectorizer(sublinear_tf=True).fit_transform(texts)  # CSR, rows L2-normalised
    fit_s = time.perf_counter() - started
    started = time.perf_counter()
    transposed = matrix.T.tocsr()  # terms x articles: a row is a postings list
    transpose_s = time.perf_counter() - started
    del texts

    # Query ids spread evenly over the corpus in file order, as `connexe bench` picks them.
    step = max(n // args.queries, 1)
    picks = [(i * step) % n for i in range(args.queries)]
    us = []
    returned = 0
    for row in picks:
        t = time.perf_counter_ns()
        scores = (matrix[row] @ transposed).toarray().ravel()  # cosine to every article
        top = np.argpartition(-scores, TOP)[:TOP]
        top = top[np.argsort(-scores[top], kind="stable")]
        related = [int(j) for j in top if j != row][: TOP - 1]
        us.append((time.perf_counter_ns() - t) / 1e3)
        returned += len(related)

    mean = sum(us) / len(us)
    us.sort()

    def pct(p: float) -> float:
        return us[round((len(us) - 1) * p)]

    print(
        json.dumps(
            {
                "system": f"scikit-learn {sklearn.__version__} TfidfVectorizer",
                "numpy": np.__version__,
                "scipy": scipy.__version__,
                "articles": n,
                "terms": matrix.shape[1],
                "nnz": int(matrix.nnz),
                "read_s": read_s,
                "fit_s": fit_s,
                "transpose_s": transpose_s,
                "build_s": fit_s + transpose_s,
                "threads": 1,
                "queries": len(picks),
                "first_query": ids[picks[0]],
                "last_query": ids[picks[-1]],
                "mean_results": returned / len(picks),
                "query_p50_us": pct(0.5),
                "query_p99_us": pct(0.99),
                "query_mean_us": mean,
                # Linux: ru_maxrss is in KiB.
                "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
    )


if __name__ == "__main__":
    main()
